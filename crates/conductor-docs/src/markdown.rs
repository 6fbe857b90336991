//! Markdown building blocks: escaping user text, code spans, table cells, heading anchors and
//! relative links. Output is CommonMark with GitHub's tables, so it renders the same on GitHub
//! and in static-site generators (MkDocs, Docusaurus, Hugo).

/// Escapes free text (a workflow's description, a name) so that it renders literally: no
/// emphasis, links, HTML or entities can come out of it. Line breaks become `<br>` so that the
/// text never ends a paragraph or a table cell early. (`|` is left to [`cell`].)
pub fn text(raw: &str) -> String {
    // Leading spaces would make an indented code block; a leading `-`, `+`, `=` or `1.` a list,
    // a rule or a heading underline.
    let raw = raw.trim_start();
    let mut out = String::with_capacity(raw.len());
    if raw.starts_with(['-', '+', '=']) {
        out.push('\\');
    }
    let digits = raw.chars().take_while(char::is_ascii_digit).count();
    let mut chars = raw.chars().peekable();
    let after_digits = raw.get(digits..).unwrap_or("");
    if digits > 0 && after_digits.starts_with(['.', ')']) {
        out.push_str(raw.get(..digits).unwrap_or(""));
        out.push('\\');
        for _ in 0..digits {
            chars.next();
        }
    }
    while let Some(c) = chars.next() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("<br>");
            }
            '\n' => out.push_str("<br>"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A code span showing `raw` exactly. The fence is longer than any run of backticks inside,
/// and line breaks become spaces (as CommonMark would make them). An empty text shows as `""`.
pub fn code(raw: &str) -> String {
    if raw.is_empty() {
        return "`\"\"`".to_owned();
    }
    let flat: String = raw
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut longest_run = 0;
    let mut run = 0;
    for c in flat.chars() {
        if c == '`' {
            run += 1;
            longest_run = longest_run.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest_run + 1);
    // CommonMark strips one space from each end when both are spaces, so pad when the content
    // starts or ends with a backtick or a space.
    let pad = flat.starts_with('`')
        || flat.ends_with('`')
        || (flat.starts_with(' ') && flat.ends_with(' '));
    if pad {
        format!("{fence} {flat} {fence}")
    } else {
        format!("{fence}{flat}{fence}")
    }
}

/// Makes inline Markdown safe inside a table cell: `|` is escaped (GitHub needs this even
/// inside code spans) and line breaks become `<br>`.
pub fn cell(inline: &str) -> String {
    let mut out = String::with_capacity(inline.len());
    for c in inline.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\n' => out.push_str("<br>"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// A schema description (Markdown written in doc comments) as one paragraph per blank-line
/// separated block, with the single line breaks of line wrapping joined by spaces.
pub fn paragraphs(description: &str) -> Vec<String> {
    description
        .split("\n\n")
        .map(|block| {
            block
                .lines()
                .map(str::trim)
                .filter(|line| !line.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|paragraph| !paragraph.is_empty())
        .collect()
}

/// A schema description on one line, for a table cell: paragraphs joined by `<br><br>`.
pub fn one_line(description: &str) -> String {
    cell(&paragraphs(description).join("<br><br>"))
}

/// The first sentence of a description: up to the first `.` that is followed by white space
/// or the end, outside code spans and parentheses.
pub fn first_sentence(description: &str) -> String {
    let flat = paragraphs(description)
        .into_iter()
        .next()
        .unwrap_or_default();
    let mut in_code = false;
    let mut depth = 0usize;
    let mut previous = None;
    for (idx, c) in flat.char_indices() {
        match c {
            '`' => in_code = !in_code,
            '(' if !in_code => depth += 1,
            ')' if !in_code => depth = depth.saturating_sub(1),
            '.' if !in_code && depth == 0 => {
                let next = flat.get(idx + 1..).and_then(|rest| rest.chars().next());
                if next.is_none_or(char::is_whitespace) && previous != Some('.') {
                    return flat.get(..=idx).unwrap_or(&flat).to_owned();
                }
            }
            _ => {}
        }
        previous = Some(c);
    }
    flat
}

/// The anchor GitHub (and MkDocs' default `toc` slugify, for ASCII headings) gives a heading:
/// lower case, punctuation other than `-` and `_` removed, spaces turned into `-`.
pub fn anchor(heading: &str) -> String {
    heading
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                Some(c.to_lowercase().collect::<String>())
            } else if c == ' ' {
                Some("-".to_owned())
            } else {
                None
            }
        })
        .collect()
}

/// A table: a header row, the delimiter row and one row per entry. Cells must already be
/// inline Markdown made safe with [`cell`].
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    out.push_str(&format!("| {} |\n", header.join(" | ")));
    out.push_str(&format!(
        "|{}\n",
        header.iter().map(|_| " --- |").collect::<String>()
    ));
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|cell| {
                if cell.is_empty() {
                    " ".to_owned()
                } else {
                    cell.clone()
                }
            })
            .collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

/// A link from the page at `from` to the page at `to`, both paths relative to the output root
/// with `/` separators. The result is relative, so the pages work wherever they are served.
pub fn relative(from: &str, to: &str) -> String {
    let from_dirs: Vec<&str> = from.split('/').collect();
    let from_dirs = from_dirs
        .get(..from_dirs.len().saturating_sub(1))
        .unwrap_or_default();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dirs
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count()
        .min(to_parts.len().saturating_sub(1));
    let mut parts: Vec<&str> = vec![".."; from_dirs.len().saturating_sub(common)];
    parts.extend(to_parts.get(common..).unwrap_or_default());
    parts.join("/")
}

/// A Markdown link; `label` must already be inline Markdown.
pub fn link(label: &str, target: &str) -> String {
    format!("[{label}]({target})")
}

/// A page with runs of blank lines outside code blocks cut to one, and one final newline, so
/// that the sections can be assembled without counting newlines.
pub fn tidy(page: &str) -> String {
    let mut out = String::with_capacity(page.len());
    let mut fence: Option<String> = None;
    let mut blank_run = 0;
    for line in page.lines() {
        let trimmed = line.trim_start();
        let marker: String = trimmed.chars().take_while(|c| *c == '`').collect();
        match &fence {
            Some(open) if trimmed.trim() == open.as_str() => fence = None,
            Some(_) => {}
            None if marker.len() >= 3 => fence = Some(marker),
            None if line.trim().is_empty() => {
                blank_run += 1;
                if blank_run > 1 || out.is_empty() {
                    continue;
                }
                out.push('\n');
                continue;
            }
            None => {}
        }
        blank_run = 0;
        out.push_str(line);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_survive_backticks_and_empty_text() {
        assert_eq!(code("a"), "`a`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x`"), "`` `x` ``");
        assert_eq!(code(""), "`\"\"`");
        assert_eq!(code("a\nb"), "`a b`");
    }

    #[test]
    fn text_escapes_markup() {
        assert_eq!(
            text("*a* <b> [c](d) x|y"),
            "\\*a\\* &lt;b&gt; \\[c\\](d) x|y"
        );
        assert_eq!(cell(&text("x|y")), "x\\|y");
        assert_eq!(text("a\nb"), "a<br>b");
        assert_eq!(text("- item"), "\\- item");
        assert_eq!(text("  12. item"), "12\\. item");
        assert_eq!(text("---"), "\\---");
    }

    #[test]
    fn descriptions_join_soft_breaks() {
        assert_eq!(paragraphs("a\nb\n\nc"), ["a b", "c"]);
        assert_eq!(one_line("a | b\nc"), "a \\| b c");
    }

    #[test]
    fn first_sentence_respects_code_and_parentheses() {
        assert_eq!(
            first_sentence("Used by `${<ref>.output...}`. Letters."),
            "Used by `${<ref>.output...}`."
        );
        assert_eq!(first_sentence("A (e.g. b. c) d. E."), "A (e.g. b. c) d.");
        assert_eq!(first_sentence("No period"), "No period");
    }

    #[test]
    fn anchors_follow_github() {
        assert_eq!(anchor("`timeoutPolicy`"), "timeoutpolicy");
        assert_eq!(anchor("Used by"), "used-by");
        assert_eq!(anchor("Version 2"), "version-2");
    }

    #[test]
    fn tidy_keeps_code_blocks() {
        assert_eq!(tidy("a\n\n\n\nb\n\n"), "a\n\nb\n");
        assert_eq!(
            tidy("```yaml\nx: |\n  a\n\n\n  b\n```\n\n\nc"),
            "```yaml\nx: |\n  a\n\n\n  b\n```\n\nc\n"
        );
    }

    #[test]
    fn relative_links() {
        assert_eq!(relative("README.md", "workflows/a.md"), "workflows/a.md");
        assert_eq!(relative("workflows/a.md", "workflows/b.md"), "b.md");
        assert_eq!(relative("workflows/a.md", "README.md"), "../README.md");
        assert_eq!(
            relative("reference/tasks/http.md", "reference/types/Retry.md"),
            "../types/Retry.md"
        );
        assert_eq!(
            relative("reference/tasks/http.md", "workflows/a.md"),
            "../../workflows/a.md"
        );
    }
}
