//! The text layer of a PDF, extracted in Rust (no external program).

use std::path::Path;

use crate::issue::{Issue, IssueKind, Location};

/// The text of every page, in reading order.
pub fn text(path: &Path) -> Result<String, Vec<Issue>> {
    let bytes = std::fs::read(path).map_err(|e| vec![Issue::io(path, &e)])?;
    // The extractor panics on some malformed files; a bad file must be an error, not a crash.
    let result = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(&bytes));
    match result {
        Ok(Ok(text)) => Ok(text),
        Ok(Err(e)) => Err(vec![pdf_issue(path, e.to_string())]),
        Err(_) => Err(vec![pdf_issue(path, "malformed PDF".into())]),
    }
}

fn pdf_issue(path: &Path, message: String) -> Issue {
    Issue { file: path.to_path_buf(), location: Location::File, code: None, kind: IssueKind::Pdf { message } }
}

/// The text of every page laid out as it is printed: each run of text the PDF places on its own
/// (a table's cell, a line of a paragraph) kept whole, runs grouped into lines by their height on
/// the page and each line read left to right with two spaces between runs; pages separated by a
/// form feed. What a report printed as a table (the POI's) needs: its cells' columns, which
/// [`text`]'s reading order glues together ("2AOI00001").
///
/// Runs, not glyphs: the extractor does not know the widths of the fonts typst embeds (every
/// glyph of a run comes at the run's start), so a run is told from the next by where it starts: a
/// string placed at the same height within a quarter of the font's size of the last one continues
/// it (a kerning adjustment); any other place starts a new run.
pub fn layout_text(path: &Path) -> Result<String, Vec<Issue>> {
    let bytes = std::fs::read(path).map_err(|e| vec![Issue::io(path, &e)])?;
    let result = std::panic::catch_unwind(|| {
        let mut doc = pdf_extract::Document::load_mem(&bytes)?;
        if doc.is_encrypted() {
            doc.decrypt("").map_err(pdf_extract::OutputError::PdfError)?;
        }
        let mut out = Layout::default();
        pdf_extract::output_doc(&doc, &mut out)?;
        Ok::<String, pdf_extract::OutputError>(out.text)
    });
    match result {
        Ok(Ok(text)) => Ok(text),
        Ok(Err(e)) => Err(vec![pdf_issue(path, e.to_string())]),
        Err(_) => Err(vec![pdf_issue(path, "malformed PDF".into())]),
    }
}

/// A run of text placed on a page: where it starts (left edge, baseline down from the top), the
/// font's size there, and the position of its latest glyph (what a continuation is compared with).
struct Run {
    x: f64,
    y: f64,
    size: f64,
    last: (f64, f64),
    text: String,
}

/// Collects each page's runs and writes the page as lines when it ends.
#[derive(Default)]
struct Layout {
    text: String,
    page: Vec<Run>,
    height: f64,
    pages: usize,
    /// A new string is being shown: its first glyph may start a run.
    fresh: bool,
}

impl pdf_extract::OutputDev for Layout {
    fn begin_page(
        &mut self,
        _page: u32,
        media_box: &pdf_extract::MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), pdf_extract::OutputError> {
        self.height = media_box.ury - media_box.lly;
        self.page.clear();
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), pdf_extract::OutputError> {
        if self.pages > 0 {
            self.text.push('\u{c}');
        }
        self.pages += 1;
        let mut runs: Vec<Run> =
            std::mem::take(&mut self.page).into_iter().filter(|r| !r.text.trim().is_empty()).collect();
        runs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
        // Lines: runs whose baselines are within a third of their size of the line's first.
        let mut lines: Vec<Vec<Run>> = Vec::new();
        for r in runs {
            match lines.last_mut() {
                Some(line) if (r.y - line[0].y).abs() <= line[0].size.max(r.size) / 3.0 => line.push(r),
                _ => lines.push(vec![r]),
            }
        }
        for mut line in lines {
            line.sort_by(|a, b| a.x.total_cmp(&b.x));
            let cells: Vec<&str> = line.iter().map(|r| r.text.trim()).collect();
            self.text.push_str(&cells.join("  "));
            self.text.push('\n');
        }
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &pdf_extract::Transform,
        _width: f64,
        _spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), pdf_extract::OutputError> {
        // The glyph's size on the page: the font size through the text matrix's scale.
        let size = font_size * ((trm.m11 + trm.m21) * (trm.m12 + trm.m22)).abs().sqrt();
        let (x, y) = (trm.m31, self.height - trm.m32);
        let continues = |r: &Run| {
            let near = (size.max(r.size) / 4.0).max(0.5);
            (y - r.last.1).abs() <= near && (x - r.last.0).abs() <= near
        };
        match self.page.last_mut() {
            Some(r) if !self.fresh || continues(r) => {
                r.text.push_str(char);
                r.last = (x, y);
            }
            _ => self.page.push(Run { x, y, size, last: (x, y), text: char.to_string() }),
        }
        self.fresh = false;
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), pdf_extract::OutputError> {
        self.fresh = true;
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }
}
