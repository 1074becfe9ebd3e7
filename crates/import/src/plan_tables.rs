//! What the templates of institutional plans (POI, PEI) share: their tables read from a directory
//! of CSV files or from a workbook's sheets as text rows numbered as a spreadsheet numbers them, a
//! header checked against the template's, and the problems of the document the tables make moved
//! from their place in the document to their file, sheet, row and column.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::issue::{Expected, Issue, IssueKind, Location};

/// A table's rows: the row as the spreadsheet numbers it (the header is row 1) and its cells.
pub(crate) type Rows = Vec<(usize, Vec<String>)>;

/// A table as read: its header and its rows.
pub(crate) struct Table {
    pub header: Vec<String>,
    pub rows: Rows,
}

/// Reads each of `files` in `dir` (UTF-8, comma-separated, a byte order mark allowed) as a table;
/// every unreadable file or row is an issue.
pub(crate) fn read_csv_files(dir: &Path, files: &[&str]) -> Result<Vec<Table>, Vec<Issue>> {
    let mut issues = Vec::new();
    let mut tables = Vec::new();
    for name in files {
        let file = dir.join(name);
        let text = match std::fs::read_to_string(&file) {
            Ok(t) => t,
            Err(e) => {
                issues.push(Issue::io(&file, &e));
                continue;
            }
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let header: Vec<String> =
            reader.headers().map(|h| h.iter().map(|c| c.trim().to_string()).collect()).unwrap_or_default();
        let mut rows = Vec::new();
        for (n, record) in reader.records().enumerate() {
            match record {
                Ok(r) => rows.push((n + 2, r.iter().map(|c| c.trim().to_string()).collect())),
                Err(e) => issues.push(Issue {
                    file: file.clone(),
                    location: Location::Line(n + 2),
                    code: None,
                    kind: IssueKind::Content { message: e.to_string() },
                }),
            }
        }
        tables.push(Table { header, rows });
    }
    if issues.is_empty() { Ok(tables) } else { Err(issues) }
}

/// Reads the sheets `sheets` of a workbook as tables (empty rows left out); a missing sheet is
/// named.
pub(crate) fn read_sheet_tables(path: &Path, sheets: &[&str]) -> Result<Vec<Table>, Vec<Issue>> {
    let book = crate::workbook::read_sheets(path, sheets)?;
    let mut issues = Vec::new();
    let mut tables = Vec::new();
    for name in sheets {
        let Some(sheet) = book.get(name) else {
            issues.push(Issue {
                file: path.to_path_buf(),
                location: Location::File,
                code: None,
                kind: IssueKind::MissingSheet { sheet: (*name).to_string() },
            });
            continue;
        };
        let rows = sheet
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
            .map(|(n, r)| (n + 2, r.iter().map(|c| c.trim().to_string()).collect()))
            .collect();
        tables.push(Table { header: sheet.header.iter().map(|h| h.trim().to_string()).collect(), rows });
    }
    if issues.is_empty() { Ok(tables) } else { Err(issues) }
}

/// The issue of a table whose header is not `want` (`None` when it is; empty cells after the last
/// column do not count), at its first row.
pub(crate) fn wrong_header(file: &Path, sheet: Option<&str>, want: &[String], header: &[String]) -> Option<Issue> {
    let used = header.len() - header.iter().rev().take_while(|h| h.is_empty()).count();
    let header = &header[..used];
    (header != want).then(|| Issue {
        file: file.to_path_buf(),
        location: match sheet {
            None => Location::Line(1),
            Some(s) => Location::Cell { sheet: Some(s.to_string()), row: 1, column: "A".into() },
        },
        code: None,
        kind: IssueKind::Invalid {
            expected: Expected::Literal(want.join(",")),
            found: format!("\"{}\"", header.join(",")),
        },
    })
}

/// Where each field of a document built from tables came from: its JSON path → (table, row,
/// column).
#[derive(Debug, Default)]
pub(crate) struct Cells(HashMap<String, (usize, usize, usize)>);

impl Cells {
    pub fn remember(&mut self, path: String, table: usize, row: usize, column: usize) {
        self.0.insert(path, (table, row, column));
    }

    /// `issues` of the document, each moved to the cell its field came from; `place` says where
    /// table k is (its file, and its sheet in a workbook).
    pub fn relocate(&self, issues: Vec<Issue>, place: &dyn Fn(usize) -> (PathBuf, Option<String>)) -> Vec<Issue> {
        issues
            .into_iter()
            .map(|i| match &i.location {
                Location::Path(p) => match self.0.get(p) {
                    Some((table, row, column)) => {
                        let (file, sheet) = place(*table);
                        Issue {
                            file,
                            location: Location::Cell {
                                sheet,
                                row: *row,
                                column: crate::tables::column_letter(*column),
                            },
                            ..i
                        }
                    }
                    None => i,
                },
                _ => i,
            })
            .collect()
    }
}
