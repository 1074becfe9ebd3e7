//! Progress of a long import, reported to whoever draws it (the CLI draws a bar on a terminal).

/// What an import is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Extracting the text of a PDF (no measure of how far it is).
    Extracting,
    /// `done` of `total` units read (a report's table entries, a workbook's sheets).
    Reading { done: usize, total: usize },
}

/// Receives progress; `&mut |_| {}` ignores it.
pub type Progress<'a> = &'a mut dyn FnMut(Step);
