//! What a published follow-up report printed: its figures and the claims of its alert text, kept
//! apart from the data so that they can be checked against it.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::alert::AlertKind;
use crate::band::Band;
use crate::code::Code;
use crate::compute::LevelCounts;
use crate::model::Year;

/// A figure as printed: its text (`84.2`, `ND`) and its value (`None` for ND).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Printed {
    pub text: String,
    pub value: Option<Decimal>,
}

impl Printed {
    /// Reads a printed avance: a decimal number or `ND`. `None` for anything else.
    pub fn parse(text: &str) -> Option<Printed> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("nd") {
            return Some(Printed { text: t.to_string(), value: None });
        }
        let value = Decimal::from_str_exact(t).ok()?;
        Some(Printed { text: t.to_string(), value: Some(value) })
    }

    /// Decimal places as printed (`84.2`: 1).
    pub fn decimals(&self) -> u32 {
        self.text.split_once('.').map_or(0, |(_, f)| f.len() as u32)
    }
}

/// One statement of the alert text: a service named under an alert heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub service: Code,
    pub kind: AlertKind,
}

/// A paragraph of the "Alertas identificadas" section: one per objective, then the synthesis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertParagraph {
    /// `None` for the closing synthesis.
    pub objective: Option<Code>,
    pub text: String,
    /// The objective's state as the paragraph words it ("avance intermedio"), when it does.
    pub state: Option<Band>,
    pub claims: Vec<Claim>,
}

/// Everything a report published that follows from its data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Published {
    pub year: Option<Year>,
    pub indicators: BTreeMap<Code, Printed>,
    pub objectives: BTreeMap<Code, Printed>,
    pub index: Option<Printed>,
    pub counts: Option<LevelCounts>,
    pub alerts: Vec<AlertParagraph>,
    /// Which parts of a report's layout the text had, when it was read from the text (`None`
    /// when not known, e.g. figures written by hand).
    pub sections: Option<Sections>,
}

/// The parts of a Reporte de seguimiento found in its text: a report cut short (a partial
/// download) lacks the last ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sections {
    /// The line "Índice de gestión de la política nacional … N".
    pub index: bool,
    /// The heading "Alertas identificadas".
    pub alerts: bool,
    /// The text ends inside the objectives' table: nothing of the report follows its last row.
    pub ends_inside_table: bool,
}
