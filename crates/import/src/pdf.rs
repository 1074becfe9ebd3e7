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
