//! Codes of the policy's elements: `OP.01`, `LN.01.02`, `SS.01.02.03`, `IOP.01.01`,
//! `ISS.01.02.03.01`. The code says where an element hangs: its parent follows from it.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// What a code names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CodeKind {
    /// `OP.nn`: objetivo prioritario.
    Objective,
    /// `LN.nn.mm`: lineamiento of objective nn.
    Lineamiento,
    /// `SS.nn.mm.kk`: servicio of lineamiento nn.mm.
    Service,
    /// `IOP.nn.mm`: indicator of objective nn.
    ObjectiveIndicator,
    /// `ISS.nn.mm.kk.jj`: indicator of service nn.mm.kk.
    ServiceIndicator,
}

impl CodeKind {
    pub fn prefix(self) -> &'static str {
        match self {
            CodeKind::Objective => "OP",
            CodeKind::Lineamiento => "LN",
            CodeKind::Service => "SS",
            CodeKind::ObjectiveIndicator => "IOP",
            CodeKind::ServiceIndicator => "ISS",
        }
    }

    /// How many numeric parts follow the prefix.
    pub fn parts(self) -> usize {
        match self {
            CodeKind::Objective => 1,
            CodeKind::Lineamiento | CodeKind::ObjectiveIndicator => 2,
            CodeKind::Service => 3,
            CodeKind::ServiceIndicator => 4,
        }
    }

    fn from_prefix(p: &str) -> Option<CodeKind> {
        [
            CodeKind::Objective,
            CodeKind::Lineamiento,
            CodeKind::Service,
            CodeKind::ObjectiveIndicator,
            CodeKind::ServiceIndicator,
        ]
        .into_iter()
        .find(|k| k.prefix() == p)
    }

    pub fn is_indicator(self) -> bool {
        matches!(self, CodeKind::ObjectiveIndicator | CodeKind::ServiceIndicator)
    }
}

/// The longest code as written: `ISS.` and four numbers of three digits.
const LONGEST: usize = 19;

/// A valid code. Compares by kind, then numerically part by part, so `SS.01.10.01` sorts after
/// `SS.01.09.01`. Its text and numbers are held inline (30 bytes, nothing on the heap): cloning
/// one copies it, dropping one frees nothing (results and alerts carry codes, and computing a
/// large portfolio clones millions of them).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Code {
    kind: CodeKind,
    /// The text as written (trimmed), ASCII, then zeros.
    text: [u8; LONGEST],
    len: u8,
    /// The numbers, then zeros: `kind.parts()` of them are used.
    parts: [u16; 4],
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a code such as OP.01, LN.01.01, SS.01.01.01, IOP.01.01 or ISS.01.01.01.01")]
pub struct CodeError {
    pub text: String,
}

impl FromStr for Code {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Code, CodeError> {
        let err = || CodeError { text: s.to_string() };
        let text = s.trim();
        let (prefix, numbers) = text.split_once('.').ok_or_else(err)?;
        let kind = CodeKind::from_prefix(prefix).ok_or_else(err)?;
        // The numbers straight into their inline array (a portfolio's read parses a million codes):
        // each one to three digits, dot-separated, as many as the kind has.
        let mut parts = [0; 4];
        let mut n = 0;
        for piece in numbers.as_bytes().split(|&b| b == b'.') {
            if n == kind.parts() || !(1..=3).contains(&piece.len()) || !piece.iter().all(u8::is_ascii_digit) {
                return Err(err());
            }
            parts[n] = piece.iter().fold(0, |v, &b| v * 10 + u16::from(b - b'0'));
            n += 1;
        }
        if n != kind.parts() {
            return Err(err());
        }
        Ok(Code::inline(kind, &[text], parts))
    }
}

impl Code {
    /// The code of `kind` and `parts` written as `pieces` put together: a valid code's text, at
    /// most [`LONGEST`] ASCII bytes (the parser and [`Code::parent`] make sure of it).
    fn inline(kind: CodeKind, pieces: &[&str], parts: [u16; 4]) -> Code {
        let mut text = [0; LONGEST];
        let mut len = 0;
        for piece in pieces {
            text[len..len + piece.len()].copy_from_slice(piece.as_bytes());
            len += piece.len();
        }
        Code { kind, text, len: len as u8, parts }
    }

    pub fn kind(&self) -> CodeKind {
        self.kind
    }

    pub fn as_str(&self) -> &str {
        // ASCII by construction, so never the empty fallback.
        std::str::from_utf8(&self.text[..usize::from(self.len)]).unwrap_or_default()
    }

    /// The code without its prefix, as the published alert text names services: `01.03.03`.
    pub fn number(&self) -> &str {
        &self.as_str()[self.kind.prefix().len() + 1..]
    }

    /// The kind of the element this one hangs from; `None` for an objective.
    pub fn parent_kind(&self) -> Option<CodeKind> {
        match self.kind {
            CodeKind::Objective => None,
            CodeKind::Lineamiento | CodeKind::ObjectiveIndicator => Some(CodeKind::Objective),
            CodeKind::Service => Some(CodeKind::Lineamiento),
            CodeKind::ServiceIndicator => Some(CodeKind::Service),
        }
    }

    /// The parent's number as this code writes it (`ISS.01.03.02.01` → `01.03.02`).
    fn parent_number(&self, kind: CodeKind) -> &str {
        let number = self.number();
        let end = number.match_indices('.').nth(kind.parts() - 1).map_or(number.len(), |(i, _)| i);
        &number[..end]
    }

    /// Whether `parent` is the element this one hangs from (`self.parent() == Some(parent)`),
    /// without building the parent's code.
    pub fn hangs_from(&self, parent: &Code) -> bool {
        self.parent_kind().is_some_and(|kind| {
            parent.kind == kind
                && parent.parts() == &self.parts[..kind.parts()]
                && parent.number() == self.parent_number(kind)
        })
    }

    /// The element this one hangs from: an objective for `LN` and `IOP`, a lineamiento for `SS`,
    /// a service for `ISS`; `None` for an objective.
    pub fn parent(&self) -> Option<Code> {
        let kind = self.parent_kind()?;
        let n = kind.parts();
        // The parent's numbers are the first `n` of this code's, as written.
        let number = self.parent_number(kind);
        let mut parts = [0; 4];
        parts[..n].copy_from_slice(&self.parts[..n]);
        // A parent's prefix is no longer than its child's, and its numbers are the first of them.
        Some(Code::inline(kind, &[kind.prefix(), ".", number], parts))
    }

    /// The numbers of the code (`ISS.01.03.02.01` → 1, 3, 2, 1).
    pub fn parts(&self) -> &[u16] {
        &self.parts[..self.kind.parts()]
    }

    /// The objective this element belongs to (itself for an objective).
    pub fn objective(&self) -> Code {
        let mut c = self.clone();
        while let Some(p) = c.parent() {
            c = p;
        }
        c
    }
}

impl Ord for Code {
    fn cmp(&self, other: &Self) -> Ordering {
        self.kind.cmp(&other.kind).then_with(|| self.parts().cmp(other.parts()))
    }
}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> Code {
        s.parse().expect(s)
    }

    #[test]
    fn parents_follow_from_the_code() {
        assert_eq!(code("ISS.01.03.02.01").parent(), Some(code("SS.01.03.02")));
        assert_eq!(code("SS.01.03.02").parent(), Some(code("LN.01.03")));
        assert_eq!(code("LN.01.03").parent(), Some(code("OP.01")));
        assert_eq!(code("IOP.03.02").parent(), Some(code("OP.03")));
        assert_eq!(code("OP.03").parent(), None);
        assert_eq!(code("ISS.04.02.01.02").objective(), code("OP.04"));
        assert_eq!(code("SS.02.04.03").number(), "02.04.03");
    }

    #[test]
    fn hanging_from_is_having_that_parent() {
        let codes = [
            "OP.01",
            "OP.1",
            "OP.02",
            "LN.01.03",
            "LN.1.03",
            "LN.01.3",
            "SS.01.03.02",
            "SS.1.03.02",
            "IOP.01.01",
            "IOP.1.01",
            "IOP.02.01",
            "ISS.01.03.02.01",
            "ISS.01.03.2.01",
            "ISS.01.04.02.01",
        ]
        .map(code);
        let mut hanging = 0;
        for c in &codes {
            for p in &codes {
                let expected = c.parent().as_ref() == Some(p);
                assert_eq!(c.hangs_from(p), expected, "{c} from {p}");
                hanging += usize::from(expected);
            }
        }
        // Every code but the objectives and two service indicators (SS.01.03.2 and SS.01.04.02 are
        // not listed) has its parent here, written as it writes it: LN.01.3 under OP.01.
        assert_eq!(hanging, 9);
    }

    #[test]
    fn rejects_malformed_codes() {
        for bad in ["", "OP", "OP.1.2", "XX.01", "ISS.01.01.01", "IOP.01.a", "LN.01.0001", "OP.01."] {
            assert!(bad.parse::<Code>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_longest_codes_are_held_whole() {
        for text in ["ISS.999.999.999.999", "ISS.1.2.3.4", "OP.1", " IOP.010.002 "] {
            let c = code(text);
            assert_eq!(c.as_str(), text.trim());
            assert_eq!(c.to_string(), text.trim());
        }
        assert_eq!(code("ISS.999.999.999.999").parent().map(|p| p.to_string()), Some("SS.999.999.999".into()));
        assert_eq!(code("ISS.999.999.999.999").parts(), &[999, 999, 999, 999]);
        assert!("ISS.9999.999.999.999".parse::<Code>().is_err());
        // What docs/performance.md says a code costs.
        assert_eq!(std::mem::size_of::<Code>(), 30);
    }

    #[test]
    fn sorts_numerically() {
        assert!(code("SS.01.10.01") > code("SS.01.09.01"));
        assert!(code("ISS.01.01.01.02") > code("ISS.01.01.01.01"));
    }
}
