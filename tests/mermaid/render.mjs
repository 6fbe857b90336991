// Renders one generated Markdown page to a standalone HTML file, with its Mermaid diagrams
// drawn by the real mermaid package, for a preview or a screenshot in a browser.
//
// Usage: node render.mjs PAGE.md OUT.html
// The HTML loads mermaid from this folder's node_modules (run `npm ci` first); links between
// pages are kept relative. Example screenshot with Debian's Chromium:
//   chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
//     --window-size=1100,1400 --screenshot=page.png file:///tmp/page.html

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { marked } from 'marked';

const [page, out] = process.argv.slice(2);
if (!page || !out) {
  console.error('usage: node render.mjs PAGE.md OUT.html');
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const mermaidScript = pathToFileURL(resolve(here, 'node_modules/mermaid/dist/mermaid.min.js'));

const escapeHtml = (text) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const renderer = {
  code({ text, lang }) {
    if (lang === 'mermaid') return `<pre class="mermaid">${escapeHtml(text)}</pre>`;
    return `<pre><code>${escapeHtml(text)}</code></pre>`;
  },
};
marked.use({ gfm: true, renderer });
const body = marked.parse(readFileSync(page, 'utf8'));

const style = `
body { font: 15px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif;
  color: #1f2328; max-width: 1200px; margin: 24px auto; padding: 0 32px; }
h1, h2 { border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; }
code { font: 85% ui-monospace, SFMono-Regular, Menlo, monospace; background: #eff1f3;
  padding: .2em .4em; border-radius: 6px; }
pre { background: #f6f8fa; padding: 16px; border-radius: 6px; overflow: auto; }
pre code { background: none; padding: 0; }
pre.mermaid { background: none; text-align: center; }
table { border-collapse: collapse; display: block; overflow: auto; }
th, td { border: 1px solid #d1d9e0; padding: 6px 13px; }
tr:nth-child(2n) { background: #f6f8fa; }
a { color: #0969da; text-decoration: none; }`;

writeFileSync(out, `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(page)}</title><style>${style}</style></head>
<body>${body}
<script src="${mermaidScript}"></script>
<script>mermaid.initialize({ startOnLoad: true, securityLevel: 'strict' });</script>
</body></html>
`);
