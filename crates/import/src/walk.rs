//! Walking a parsed JSON document field by field, collecting located issues instead of stopping
//! at the first one.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::issue::{Expected, Issue, IssueKind, Location};

/// The file being read and the issues found so far.
pub(crate) struct Ctx {
    pub file: PathBuf,
    pub issues: Vec<Issue>,
}

impl Ctx {
    pub fn new(file: &Path) -> Ctx {
        Ctx { file: file.to_path_buf(), issues: Vec::new() }
    }

    pub fn push(&mut self, path: &str, code: Option<&str>, kind: IssueKind) {
        self.issues.push(Issue {
            file: self.file.clone(),
            location: Location::Path(path.to_string()),
            code: code.map(str::to_string),
            kind,
        });
    }
}

/// A JSON document's text parsed, or the syntax problem with its line and column (`file` names it).
pub(crate) fn json(file: &Path, text: &str) -> Result<Value, Vec<Issue>> {
    serde_json::from_str(text).map_err(|e| {
        let message = e.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message).to_string();
        let mut ctx = Ctx::new(file);
        ctx.push("", None, IssueKind::Syntax { line: e.line(), column: e.column(), message });
        ctx.issues
    })
}

/// A JSON file read and parsed (`read_to_string` problems as I/O issues).
pub(crate) fn json_file(file: &Path) -> Result<Value, Vec<Issue>> {
    let text = std::fs::read_to_string(file).map_err(|e| vec![Issue::io(file, &e)])?;
    json(file, &text)
}

/// The folders of `dir` that hold a file named `file`, in the order of their names; `none` is the
/// problem when there is none.
pub(crate) fn folders_holding(dir: &Path, file: &str, none: IssueKind) -> Result<Vec<PathBuf>, Vec<Issue>> {
    let entries = std::fs::read_dir(dir).map_err(|e| vec![Issue::io(dir, &e)])?;
    let mut folders: Vec<PathBuf> = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| vec![Issue::io(dir, &e)])?.path();
        if path.join(file).is_file() {
            folders.push(path);
        }
    }
    folders.sort();
    if folders.is_empty() {
        return Err(vec![Issue { file: dir.to_path_buf(), location: Location::File, code: None, kind: none }]);
    }
    Ok(folders)
}

/// Reads the file named `file` of every folder of `dir` with `read`, on every core, in the
/// folders' order: every plan, or every problem of all of them (`none` when no folder has one).
pub(crate) fn read_folders<T: Send>(
    dir: &Path,
    file: &str,
    none: IssueKind,
    read: fn(&Path) -> Result<T, Vec<Issue>>,
) -> Result<Vec<T>, Vec<Issue>> {
    let files: Vec<PathBuf> = folders_holding(dir, file, none)?.into_iter().map(|f| f.join(file)).collect();
    let mut plans = Vec::with_capacity(files.len());
    let mut issues = Vec::new();
    for r in in_parallel(&files, read) {
        match r {
            Ok(p) => plans.push(p),
            Err(mut e) => issues.append(&mut e),
        }
    }
    if issues.is_empty() { Ok(plans) } else { Err(issues) }
}

/// Reads each file with `read` on every core, in the files' order (portfolios of datasets or of
/// POIs: thousands of files).
pub(crate) fn in_parallel<T: Send>(files: &[PathBuf], read: impl Fn(&Path) -> T + Sync) -> Vec<T> {
    let read = &read;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(files.len()).max(1);
    let chunk = files.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(|f| read(f)).collect::<Vec<_>>()))
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    })
}

/// How a found JSON value is shown in a message: strings quoted, containers named.
pub(crate) fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => format!("\"{s}\""),
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(_) => "[...]".into(),
        Value::Object(_) => "{...}".into(),
    }
}

/// A JSON object at a path, with the fields it may have.
pub(crate) struct Obj<'a> {
    pub path: String,
    pub code: Option<String>,
    map: &'a Map<String, Value>,
}

impl<'a> Obj<'a> {
    /// The object at `path`, or an issue if `value` is not an object. Unknown fields are reported.
    /// `code` names the element in every issue about it.
    pub fn new(ctx: &mut Ctx, value: &'a Value, path: &str, allowed: &[&str], code: Option<String>) -> Option<Obj<'a>> {
        let Value::Object(map) = value else {
            ctx.push(path, code.as_deref(), IssueKind::Invalid { expected: Expected::Object, found: describe(value) });
            return None;
        };
        let obj = Obj { path: path.to_string(), code, map };
        for key in map.keys().filter(|k| !allowed.contains(&k.as_str())) {
            ctx.push(&obj.at(key), obj.code.as_deref(), IssueKind::UnknownField);
        }
        Some(obj)
    }

    /// The path of a field of this object.
    pub fn at(&self, key: &str) -> String {
        if self.path.is_empty() { key.to_string() } else { format!("{}.{key}", self.path) }
    }

    fn push(&self, ctx: &mut Ctx, key: &str, kind: IssueKind) {
        ctx.push(&self.at(key), self.code.as_deref(), kind);
    }

    pub fn invalid(&self, ctx: &mut Ctx, key: &str, expected: Expected, found: &Value) {
        self.push(ctx, key, IssueKind::Invalid { expected, found: describe(found) });
    }

    pub fn issue(&self, ctx: &mut Ctx, key: &str, kind: IssueKind) {
        self.push(ctx, key, kind);
    }

    /// The value of a field, `None` when absent or null.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// A required, non-empty text.
    pub fn text(&self, ctx: &mut Ctx, key: &str) -> Option<&'a str> {
        match self.get(key) {
            None => {
                self.push(ctx, key, IssueKind::Missing { expected: Expected::Text });
                None
            }
            Some(v) => self.as_text(ctx, key, v),
        }
    }

    /// An optional text (absent or null is `None`).
    pub fn opt_text(&self, ctx: &mut Ctx, key: &str) -> Option<&'a str> {
        self.get(key).and_then(|v| self.as_text(ctx, key, v))
    }

    fn as_text(&self, ctx: &mut Ctx, key: &str, v: &'a Value) -> Option<&'a str> {
        match v {
            Value::String(s) if !s.trim().is_empty() => Some(s.as_str()),
            _ => {
                self.invalid(ctx, key, Expected::Text, v);
                None
            }
        }
    }

    /// A required object with the given fields.
    pub fn object(&self, ctx: &mut Ctx, key: &str, allowed: &[&str]) -> Option<Obj<'a>> {
        match self.get(key) {
            None => {
                self.push(ctx, key, IssueKind::Missing { expected: Expected::Object });
                None
            }
            Some(v) => Obj::new(ctx, v, &self.at(key), allowed, self.code.clone()),
        }
    }

    /// A required array.
    pub fn array(&self, ctx: &mut Ctx, key: &str) -> Option<&'a Vec<Value>> {
        match self.get(key) {
            None => {
                self.push(ctx, key, IssueKind::Missing { expected: Expected::Array });
                None
            }
            Some(Value::Array(a)) => Some(a),
            Some(v) => {
                self.invalid(ctx, key, Expected::Array, v);
                None
            }
        }
    }

    /// The document's `format` field, which must be `format`: missing or another one is a problem.
    pub fn format(&self, ctx: &mut Ctx, format: &str) {
        match self.get("format") {
            Some(Value::String(f)) if f == format => {}
            None => self.issue(ctx, "format", IssueKind::Missing { expected: Expected::Literal(format.into()) }),
            Some(v) => self.invalid(ctx, "format", Expected::Literal(format.into()), v),
        }
    }

    /// A required year (a JSON integer).
    pub fn year(&self, ctx: &mut Ctx, key: &str) -> Option<avance_core::model::Year> {
        match self.get(key) {
            None => {
                self.push(ctx, key, IssueKind::Missing { expected: Expected::Year });
                None
            }
            Some(v) => {
                let year =
                    v.as_u64().and_then(|n| u16::try_from(n).ok()).and_then(|n| avance_core::model::Year::new(n).ok());
                if year.is_none() {
                    self.invalid(ctx, key, Expected::Year, v);
                }
                year
            }
        }
    }

    /// A required field whose value is one of a closed list of ids (`ascendente`, `SECTORIAL`, …).
    pub fn choice<T: Copy>(
        &self,
        ctx: &mut Ctx,
        key: &str,
        options: &[T],
        id: impl Fn(T) -> &'static str,
    ) -> Option<T> {
        let expected = || Expected::OneOf(options.iter().map(|o| id(*o).to_string()).collect());
        match self.get(key) {
            None => {
                self.push(ctx, key, IssueKind::Missing { expected: expected() });
                None
            }
            Some(v) => {
                let found = v.as_str().and_then(|s| options.iter().copied().find(|o| id(*o) == s));
                if found.is_none() {
                    self.invalid(ctx, key, expected(), v);
                }
                found
            }
        }
    }
}
