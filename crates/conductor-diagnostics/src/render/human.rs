//! The human format: miette's graphical reports, one per diagnostic.
//!
//! A report opens with the code and name (`CA102 duplicate-key`) and the message after
//! miette's severity symbol (`×` error, `⚠` warning, `☞` note), then shows the snippet of the
//! primary label's file with every label in that file. miette shows one source file per
//! report, so labels in other files follow as further snippets, one per file in the order the
//! labels were added, each under its own `╭─[file:line:column]` header (miette renders each as
//! a message-less report; only its snippet is kept). This reads like rustc's multi-file
//! diagnostics and keeps the related place next to the main one, rather than after the help
//! as miette's `related` reports would be. `help:` and `note:` close the report, in that
//! order, like rustc's `= help:` and `= note:`. Reports are separated by a blank line.
//!
//! Columns in `╭─[file:line:column]` count characters, not bytes, as in every other format.
//!
//! Text from the user's files reaches a terminal here, so control characters (other than tab
//! and line breaks) and bidirectional-override characters are shown as `?`, one per byte, in
//! snippets, messages, labels, help and file names: a file cannot move the cursor, change
//! colours or reorder what the reader sees. The other formats escape them as their syntax
//! requires instead.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::error::Error;
use std::fmt::{self, Display};

use conductor_source::{FileId, SourceFile, SourceMap};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use crate::codes::{Code, Severity};
use crate::diagnostic::{Diagnostic, sorted};
use crate::location::Location;

/// How the human format looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HumanOptions {
    /// Whether to colour the output with ANSI escapes (miette's `unicode` theme) or not
    /// (`unicode_nocolor`). The caller decides from the terminal and `NO_COLOR`.
    pub color: bool,
    /// The width to wrap messages and help at, in columns.
    pub width: usize,
}

impl Default for HumanOptions {
    /// No colour, 100 columns: the settings of the snapshot tests.
    fn default() -> HumanOptions {
        HumanOptions {
            color: false,
            width: 100,
        }
    }
}

/// Renders `diagnostics` as miette reports in rendering order (the function sorts them), each
/// followed by a blank line. Returns an empty string for no diagnostics; the summary line is
/// separate ([`crate::summary_line`]).
pub fn render_human(diagnostics: &[Diagnostic], map: &SourceMap, options: &HumanOptions) -> String {
    let diagnostics = sorted(diagnostics);
    // Each diagnostic renders on its own, so a long report (a project's first check shows
    // thousands of warnings) renders on every core, in order, and is joined.
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(diagnostics.len() / MIN_DIAGNOSTICS_PER_WORKER)
        .max(1);
    if workers == 1 {
        return render_in_order(&diagnostics, map, options);
    }
    let chunk = diagnostics.len().div_ceil(workers);
    std::thread::scope(|scope| {
        let handles: Vec<_> = diagnostics
            .chunks(chunk)
            .map(|part| scope.spawn(move || render_in_order(part, map, options)))
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().unwrap_or_default())
            .collect()
    })
}

/// Whether miette's wrapping would leave `message` as it is: one line of plain ASCII, without
/// spaces at either end, that fits the width after the `  × ` before it (miette wraps at two
/// columns less than the width).
fn fits_on_its_line(message: &str, width: usize) -> bool {
    // `  × `: four columns.
    const INDENT: usize = 4;
    message.is_ascii()
        && !message.contains(['\n', '\t', '\r'])
        && message.trim() == message
        && INDENT + message.len() < width.saturating_sub(2)
}

/// Below this many diagnostics per core, threads cost more than they save.
const MIN_DIAGNOSTICS_PER_WORKER: usize = 64;

/// The human rendering of `diagnostics`, in the order given.
fn render_in_order(diagnostics: &[&Diagnostic], map: &SourceMap, options: &HumanOptions) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let help_prefix = theme.styles.help.style("help:").to_string();
    let note_prefix = theme.styles.help.style("note:").to_string();
    let wrapping = GraphicalReportHandler::new_themed(theme).with_width(options.width);
    // miette wraps every message with a line-breaking algorithm that costs more than the
    // rest of the report; a message that fits on its line renders the same without it.
    let unwrapped = wrapping.clone().with_wrap_lines(false);
    let texts = DisplayTexts::new(map);
    let mut out = String::new();
    for &diag in diagnostics {
        let (report, other_files) = reports(diag, map, &texts);
        let handler = if fits_on_its_line(&report.message, options.width) {
            &unwrapped
        } else {
            &wrapping
        };
        let mut text = String::new();
        if handler.render_report(&mut text, &report).is_err() {
            // miette fails only when it cannot read a span; `Location` clamps every span, so
            // this is a last resort that still shows the code and message.
            text = format!("{}\n\n  {}\n", diag.code(), report.message);
        }
        out.push_str(text.trim_end());
        out.push('\n');
        for other_file in &other_files {
            let mut snippet = String::new();
            if handler.render_report(&mut snippet, other_file).is_ok() {
                out.push_str(snippet_only(&snippet).trim_end());
                out.push('\n');
            }
        }
        if let Some(help) = diag.help() {
            out.push_str(&wrap_footer(
                &help_prefix,
                "help:".len(),
                &printable(help),
                options.width,
            ));
        }
        if let Some(note) = diag.note() {
            out.push_str(&wrap_footer(
                &note_prefix,
                "note:".len(),
                &printable(note),
                options.width,
            ));
        }
        out.push('\n');
    }
    out
}

/// Whether a character is shown as `?` in the human format: control characters other than
/// tab and line breaks (ESC starts terminal escape sequences), and the bidirectional
/// overrides and isolates that can make a line display in an order other than its bytes'.
fn is_unprintable(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every unprintable character replaced by one `?` per byte, so byte offsets
/// into the result are the offsets into `text`. Borrows when there is nothing to replace.
fn printable(text: &str) -> Cow<'_, str> {
    // Most text is printable ASCII, told apart byte by byte far faster than by characters.
    let printable_ascii = text
        .bytes()
        .all(|byte| matches!(byte, b' '..=b'~' | b'\t' | b'\n' | b'\r'));
    if printable_ascii || !text.chars().any(is_unprintable) {
        return Cow::Borrowed(text);
    }
    let mut replaced = String::with_capacity(text.len());
    for c in text.chars() {
        if is_unprintable(c) {
            replaced.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            replaced.push(c);
        }
    }
    Cow::Owned(replaced)
}

/// Each file's text as miette is to read it, computed at most once per render: unprintable
/// characters replaced (same byte length, so spans stay valid), and a line break appended
/// when the file does not end with one (miette draws a label only inside a line that ends
/// with a line break or has characters after it, so a zero-width label at the very end of
/// the file would otherwise vanish).
struct DisplayTexts<'a> {
    map: &'a SourceMap,
    texts: Vec<OnceCell<Cow<'a, str>>>,
}

impl<'a> DisplayTexts<'a> {
    fn new(map: &'a SourceMap) -> DisplayTexts<'a> {
        DisplayTexts {
            map,
            texts: (0..map.len()).map(|_| OnceCell::new()).collect(),
        }
    }

    /// The display text of `file`, which `Location::resolve` has checked is in the map.
    fn get(&self, file: FileId) -> &str {
        let Some(cell) = self.texts.get(file.index()) else {
            return "";
        };
        cell.get_or_init(|| {
            let text = self.map.get(file).text();
            let mut display = printable(text);
            if !text.ends_with('\n') {
                display.to_mut().push('\n');
            }
            display
        })
    }
}

/// The snippet part of a rendered message-less report: from the line that opens the snippet
/// (`   ╭─[file:line:column]`) to the end.
fn snippet_only(rendered: &str) -> &str {
    let Some(open) = rendered.find("╭─[") else {
        return "";
    };
    let line_start = rendered[..open].rfind('\n').map_or(0, |idx| idx + 1);
    &rendered[line_start..]
}

/// `  help: text` or `  note: text`, wrapped at `width` with continuation lines under the
/// text, as miette indents its own `help:`. `prefix_width` is the prefix's width without
/// colour escapes.
fn wrap_footer(prefix: &str, prefix_width: usize, text: &str, width: usize) -> String {
    let indent = 2 + prefix_width + 1;
    let mut out = String::new();
    for (paragraph_idx, paragraph) in text.lines().enumerate() {
        let mut line = if paragraph_idx == 0 {
            format!("  {prefix} ")
        } else {
            " ".repeat(indent)
        };
        let mut line_width = indent;
        let mut first_word = true;
        for word in paragraph.split(' ') {
            let word_width = word.chars().count();
            if !first_word && line_width + 1 + word_width > width {
                out.push_str(line.trim_end());
                out.push('\n');
                line = " ".repeat(indent);
                line_width = indent;
                first_word = true;
            }
            if !first_word {
                line.push(' ');
                line_width += 1;
            }
            line.push_str(word);
            line_width += word_width;
            first_word = false;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// One miette report: a diagnostic's part in one file (or, without a location, just its code
/// and message). Help and note are rendered after all files, outside miette.
#[derive(Debug)]
struct Report<'a> {
    code: Option<Code>,
    severity: miette::Severity,
    message: String,
    source: Option<FileSource<'a>>,
    labels: Vec<LabeledSpan>,
}

/// The report of the primary label's file, and one message-less report per other file with
/// secondary labels, in order of first appearance.
fn reports<'a>(
    diag: &'a Diagnostic,
    map: &'a SourceMap,
    texts: &'a DisplayTexts<'a>,
) -> (Report<'a>, Vec<Report<'a>>) {
    let primary = diag
        .primary()
        .and_then(|label| Location::resolve(label, map));
    let main_file = primary.as_ref().map(|location| location.file_id);
    let mut labels = Vec::new();
    if let Some(location) = &primary {
        labels.push(LabeledSpan::new_primary_with_span(
            label_text(location),
            source_span(location),
        ));
    }
    let mut other_files: Vec<(FileId, Vec<Location<'a>>)> = Vec::new();
    for location in diag
        .secondary()
        .iter()
        .filter_map(|label| Location::resolve(label, map))
    {
        if Some(location.file_id) == main_file {
            labels.push(LabeledSpan::new_with_span(
                label_text(&location),
                source_span(&location),
            ));
        } else if let Some((_, group)) = other_files
            .iter_mut()
            .find(|(file_id, _)| *file_id == location.file_id)
        {
            group.push(location);
        } else {
            other_files.push((location.file_id, vec![location]));
        }
    }
    let main = Report {
        code: Some(diag.code()),
        severity: miette_severity(diag.severity()),
        message: printable(diag.message()).into_owned(),
        source: primary.as_ref().map(|location| {
            FileSource::new(
                location.file,
                texts.get(location.file_id),
                labels.iter().map(|label| label.inner().offset()),
            )
        }),
        labels,
    };
    let others = other_files
        .into_iter()
        .filter_map(|(file_id, group)| other_file_report(&group, texts.get(file_id)))
        .collect();
    (main, others)
}

/// The message-less report for one other file's labels. Its first label counts as primary,
/// so the snippet's `[file:line:column]` points at it.
fn other_file_report<'a>(group: &[Location<'a>], text: &'a str) -> Option<Report<'a>> {
    let first = group.first()?;
    let labels = group
        .iter()
        .enumerate()
        .map(|(idx, location)| {
            if idx == 0 {
                LabeledSpan::new_primary_with_span(label_text(location), source_span(location))
            } else {
                LabeledSpan::new_with_span(label_text(location), source_span(location))
            }
        })
        .collect::<Vec<LabeledSpan>>();
    let source = FileSource::new(
        first.file,
        text,
        labels.iter().map(|label| label.inner().offset()),
    );
    Some(Report {
        code: None,
        severity: miette::Severity::Advice,
        message: String::new(),
        source: Some(source),
        labels,
    })
}

fn label_text(location: &Location<'_>) -> Option<String> {
    location
        .message
        .map(|message| printable(message).into_owned())
}

fn source_span(location: &Location<'_>) -> SourceSpan {
    SourceSpan::from(location.span.start..location.span.end)
}

fn miette_severity(severity: Severity) -> miette::Severity {
    match severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Note => miette::Severity::Advice,
    }
}

impl Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn Display + 'b>> {
        self.code.map(|code| Box::new(code) as Box<dyn Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|source| source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
}

/// A [`SourceFile`] as miette's [`SourceCode`]: its display text (see [`DisplayTexts`]),
/// named by the file's display name, with columns counted in characters.
#[derive(Debug, Clone)]
struct FileSource<'a> {
    file: &'a SourceFile,
    name: String,
    text: Cow<'a, str>,
    /// Whether the text has a `\r`, which miette counts as a line break and the file's line
    /// index does not (see [`FileSource::read_lines`]); found once, read for every label.
    has_carriage_return: bool,
}

impl<'a> FileSource<'a> {
    /// `display_text` comes from [`DisplayTexts`]. A file that ends with a line break needs one
    /// more when a label starts at its very end, on the empty line after the last break; that
    /// copy is made only then, which is rare.
    fn new(
        file: &'a SourceFile,
        display_text: &'a str,
        label_starts: impl IntoIterator<Item = usize>,
    ) -> FileSource<'a> {
        let end = file.text().len();
        let needs_last_line = end > 0
            && file.text().ends_with('\n')
            && label_starts.into_iter().any(|start| start >= end);
        let text = if needs_last_line {
            Cow::Owned(format!("{display_text}\n"))
        } else {
            Cow::Borrowed(display_text)
        };
        FileSource {
            file,
            name: printable(file.name()).into_owned(),
            has_carriage_return: text.contains('\r'),
            text,
        }
    }
}

impl FileSource<'_> {
    /// miette's own reading of the span with its context lines, started at the first context
    /// line (found with the file's line index) instead of at the file's first byte: miette
    /// scans from where it is given, so reading each snippet from the start of the file cost
    /// time in the file's length, for every diagnostic. The result is miette's, with the
    /// offsets and line numbers of the whole file. A file with a carriage return reads from
    /// its start: miette counts a lone `\r` as a line break, the line index does not.
    fn read_lines<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<MietteSpanContents<'b>, MietteError> {
        let bytes = self.text.as_bytes();
        let whole = |bytes: &'b [u8]| {
            bytes
                .read_span(span, context_lines_before, context_lines_after)
                .map(|contents| {
                    MietteSpanContents::new(
                        contents.data(),
                        *contents.span(),
                        contents.line(),
                        contents.column(),
                        contents.line_count(),
                    )
                })
        };
        if self.has_carriage_return || span.offset() > bytes.len() {
            return whole(bytes);
        }
        let line = self.file.line_col(span.offset()).line;
        // One line more than the context: miette ends an empty span at the start of what it
        // reads one byte later than it would elsewhere (`(offset + len) - 1` saturates at 0).
        let first_line = line.saturating_sub(context_lines_before + 1).max(1);
        let Some(base) = self
            .file
            .line_range(first_line)
            .map(|range| range.start)
            .filter(|base| *base <= span.offset())
        else {
            return whole(bytes);
        };
        let lines_before = first_line - 1;
        let local = SourceSpan::new((span.offset() - base).into(), span.len());
        let contents =
            bytes[base..].read_span(&local, context_lines_before, context_lines_after)?;
        Ok(MietteSpanContents::new(
            contents.data(),
            (contents.span().offset() + base, contents.span().len()).into(),
            contents.line() + lines_before,
            contents.column(),
            contents.line_count() + lines_before,
        ))
    }
}

impl SourceCode for FileSource<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let contents = self.read_lines(span, context_lines_before, context_lines_after)?;
        // miette's own implementation counts the column in bytes; the header
        // `[file:line:column]` takes it from a read without context lines, so recount it in
        // characters there. With context lines the snippet starts at a line start (column 0).
        let column = if context_lines_before == 0 {
            self.file.line_col(span.offset()).column.saturating_sub(1)
        } else {
            contents.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            *contents.span(),
            contents.line(),
            column,
            contents.line_count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A message that [`fits_on_its_line`] renders the same with and without miette's
    /// wrapping, at every length up to the width and beyond it.
    #[test]
    fn a_message_that_fits_renders_the_same_unwrapped() {
        let mut map = SourceMap::new();
        let file = map.add(SourceFile::new(
            "f.yaml",
            "f.yaml",
            "workflow: w\ntasks: []\n",
        ));
        let width = 100;
        let wrapping =
            GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor()).with_width(width);
        let unwrapped = wrapping.clone().with_wrap_lines(false);
        let mut fitting = 0;
        for length in 1..=120 {
            for word in [3, 7, 40] {
                let message: String = (0..length)
                    .map(|idx| if idx % (word + 1) == word { ' ' } else { 'a' })
                    .collect();
                if !fits_on_its_line(&message, width) {
                    continue;
                }
                fitting += 1;
                let diagnostic = Diagnostic::new(Code::UnknownKey, message.clone()).with_primary(
                    file,
                    0..8,
                    "here",
                );
                let texts = DisplayTexts::new(&map);
                let (report, _) = reports(&diagnostic, &map, &texts);
                let (mut wrapped_text, mut unwrapped_text) = (String::new(), String::new());
                wrapping
                    .render_report(&mut wrapped_text, &report)
                    .expect("renders");
                unwrapped
                    .render_report(&mut unwrapped_text, &report)
                    .expect("renders");
                assert_eq!(unwrapped_text, wrapped_text, "{message:?}");
            }
        }
        assert!(fitting > 200, "{fitting}");
    }

    /// A long report rendered on several cores is the report rendered in one pass.
    #[test]
    fn a_long_report_renders_as_in_one_pass() {
        let mut map = SourceMap::new();
        let mut diagnostics = Vec::new();
        for idx in 0..40 {
            let text = format!("workflow: w{idx}\ntasks:\n  - ref: a\n    task: t{idx}\n");
            let file = map.add(SourceFile::new(
                format!("f{idx}.yaml"),
                format!("f{idx}.yaml"),
                text,
            ));
            for line in 0..10 {
                let start = (line * 3) % 30;
                diagnostics.push(
                    Diagnostic::new(Code::UnknownKey, format!("problem {line}"))
                        .with_primary(file, start..start + 2, "here")
                        .with_help("a help line"),
                );
            }
        }
        let options = HumanOptions::default();
        let one_pass = render_in_order(&sorted(&diagnostics), &map, &options);
        assert!(one_pass.matches("problem").count() == 400);
        assert_eq!(render_human(&diagnostics, &map, &options), one_pass);
    }

    /// Reading from the first context line gives exactly what miette reads from the start of
    /// the file, for every span of texts with empty lines, multi-byte characters, CRLF and a
    /// lone CR, a last line with and without a line break.
    #[test]
    fn reading_from_the_first_context_line_is_reading_from_the_start() {
        let texts = [
            "a: 1\nbb: 2\n\nccc: é3\n  - d\n",
            "one\r\ntwo\r\nthree",
            "x\ry\nz\n",
            "\n\n\nlast",
            "",
        ];
        for text in texts {
            let file = SourceFile::new("t.yaml", "t.yaml", text);
            let mut display = text.to_owned();
            if !text.ends_with('\n') {
                display.push('\n');
            }
            let source = FileSource::new(&file, &display, [0]);
            for offset in 0..=display.len() {
                if !display.is_char_boundary(offset) {
                    continue;
                }
                for len in [0, 1, 3, 9] {
                    for (before, after) in [(0, 0), (1, 1), (2, 3)] {
                        let span = SourceSpan::new(offset.into(), len);
                        let ours = source.read_lines(&span, before, after);
                        let theirs = display.as_bytes().read_span(&span, before, after);
                        match (ours, theirs) {
                            (Ok(ours), Ok(theirs)) => assert_eq!(
                                (
                                    ours.data(),
                                    *ours.span(),
                                    ours.line(),
                                    ours.column(),
                                    ours.line_count()
                                ),
                                (
                                    theirs.data(),
                                    *theirs.span(),
                                    theirs.line(),
                                    theirs.column(),
                                    theirs.line_count()
                                ),
                                "{text:?} at {offset}+{len}, context {before}/{after}"
                            ),
                            (Err(_), Err(_)) => {}
                            (ours, theirs) => panic!(
                                "{text:?} at {offset}+{len}: {:?} against {:?}",
                                ours.is_ok(),
                                theirs.is_ok()
                            ),
                        }
                    }
                }
            }
        }
    }
}
