// Parses every Mermaid diagram found in the given Markdown files (or directories, walked
// recursively) with the real `mermaid` package, and fails when Mermaid rejects one.
//
// Usage: node validate.mjs PATH...
// Prints one line per rejected diagram (file:line: message) and a summary line
//   mermaid: N diagrams parsed, M rejected
// Exit codes: 0 all parsed, 1 a diagram was rejected, 2 bad usage or missing dependencies.
//
// Mermaid's parser sanitises labels with DOMPurify, which needs a DOM: jsdom provides one, so
// no browser is needed. Install the exact versions from package-lock.json with `npm ci`.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

let mermaid;
try {
  const { JSDOM } = await import('jsdom');
  const dom = new JSDOM('<!doctype html><html><body></body></html>');
  globalThis.window = dom.window;
  globalThis.document = dom.window.document;
  mermaid = (await import('mermaid')).default;
} catch (error) {
  console.error(`cannot load mermaid and jsdom (${error.message}); run \`npm ci\` in tests/mermaid`);
  process.exit(2);
}

function markdownFiles(path) {
  if (statSync(path).isDirectory()) {
    return readdirSync(path)
      .sort()
      .flatMap((name) => markdownFiles(join(path, name)));
  }
  return path.endsWith('.md') || path.endsWith('.mmd') ? [path] : [];
}

// The ```mermaid blocks of a Markdown file, with the line each starts on (a .mmd file is one
// diagram).
function diagrams(path) {
  const text = readFileSync(path, 'utf8');
  if (path.endsWith('.mmd')) {
    return [{ line: 1, source: text }];
  }
  const found = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*mermaid\s*$/.exec(lines[i]);
    if (!open) continue;
    const fence = open[2];
    const body = [];
    let j = i + 1;
    while (j < lines.length && lines[j].trim() !== fence) {
      body.push(lines[j]);
      j++;
    }
    found.push({ line: i + 1, source: body.join('\n') });
    i = j;
  }
  return found;
}

const paths = process.argv.slice(2);
if (paths.length === 0) {
  console.error('usage: node validate.mjs PATH...');
  process.exit(2);
}
for (const path of paths) {
  if (!existsSync(path)) {
    console.error(`no such file or directory: ${path}`);
    process.exit(2);
  }
}

let parsed = 0;
let rejected = 0;
for (const file of paths.flatMap(markdownFiles)) {
  for (const { line, source } of diagrams(file)) {
    try {
      await mermaid.parse(source);
      parsed++;
    } catch (error) {
      rejected++;
      const message = String(error.message ?? error).split('\n').join(' | ');
      console.log(`${file}:${line}: ${message}`);
    }
  }
}
console.log(`mermaid: ${parsed} diagrams parsed, ${rejected} rejected`);
process.exit(rejected === 0 ? 0 : 1);
