//! The follow-up of a Plan Estratégico Institucional (PEI): the entity's Objetivos Estratégicos
//! Institucionales (OEI), the Acciones Estratégicas Institucionales (AEI) under each, and their
//! indicators with a baseline, yearly logros esperados and valores obtenidos over the plan's
//! period; and the figures CEPLAN's application prints in its "Seguimiento del PEI" (Anexo B-7).
//!
//! An indicator's avance is a national policy's Avance Tipo 1 ([`crate::avance`]) under one of the
//! `ceplan-pei` rule profiles (truncated at 100, two decimals; the 2018 and 2019 versions count a
//! zero logro esperado as reached, the 2020 one does not compute it and marks it with "(*)"). The
//! report prints each indicator's avance for every year of the period up to the year of the cut;
//! it has no objective or plan figure.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::avance::{Evaluation, NdReason, SeriesFacts, evaluate_series};
use crate::model::{Indicator, Year};
use crate::profile::RuleProfile;

/// What a PEI code names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PeiCodeKind {
    /// `OEI.nn`: objetivo estratégico institucional.
    Objective,
    /// `AEI.nn.mm`: acción estratégica institucional mm of objective nn.
    Action,
    /// `IND.kk.OEI.nn`: indicator kk of an objective.
    ObjectiveIndicator,
    /// `IND.kk.AEI.nn.mm`: indicator kk of an action.
    ActionIndicator,
}

impl PeiCodeKind {
    pub fn is_indicator(self) -> bool {
        matches!(self, PeiCodeKind::ObjectiveIndicator | PeiCodeKind::ActionIndicator)
    }

    /// The level's name as reports print it: `OEI`, `AEI`.
    pub fn level(self) -> &'static str {
        match self {
            PeiCodeKind::Objective | PeiCodeKind::ObjectiveIndicator => "OEI",
            PeiCodeKind::Action | PeiCodeKind::ActionIndicator => "AEI",
        }
    }
}

/// A valid PEI code, as CEPLAN's application prints them: `OEI.01`, `AEI.01.02`,
/// `IND.01.OEI.01`, `IND.02.AEI.01.02`. The element an indicator measures follows from its code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PeiCode {
    kind: PeiCodeKind,
    text: Arc<str>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a PEI code such as OEI.01, AEI.01.01, IND.01.OEI.01 or IND.01.AEI.01.01")]
pub struct PeiCodeError {
    pub text: String,
}

/// `1` to `3` digits.
fn number(part: &str) -> bool {
    (1..=3).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit())
}

impl FromStr for PeiCode {
    type Err = PeiCodeError;
    fn from_str(s: &str) -> Result<PeiCode, PeiCodeError> {
        let text = s.trim();
        let pieces: Vec<&str> = text.split('.').collect();
        let kind = match pieces.as_slice() {
            ["OEI", n] if number(n) => PeiCodeKind::Objective,
            ["AEI", n, m] if number(n) && number(m) => PeiCodeKind::Action,
            ["IND", k, "OEI", n] if number(k) && number(n) => PeiCodeKind::ObjectiveIndicator,
            ["IND", k, "AEI", n, m] if number(k) && number(n) && number(m) => PeiCodeKind::ActionIndicator,
            _ => return Err(PeiCodeError { text: s.to_string() }),
        };
        Ok(PeiCode { kind, text: Arc::from(text) })
    }
}

impl PeiCode {
    pub fn kind(&self) -> PeiCodeKind {
        self.kind
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The element this one hangs from: the objective of an action, the element an indicator
    /// measures; `None` for an objective.
    pub fn parent(&self) -> Option<PeiCode> {
        let text: &str = match self.kind {
            PeiCodeKind::Objective => return None,
            PeiCodeKind::Action => {
                let (objective, _) = self.text[4..].rsplit_once('.')?;
                return Some(PeiCode { kind: PeiCodeKind::Objective, text: Arc::from(format!("OEI.{objective}")) });
            }
            // `IND.kk.` then the element's code.
            PeiCodeKind::ObjectiveIndicator | PeiCodeKind::ActionIndicator => {
                let after = &self.text[4..];
                &after[after.find('.')? + 1..]
            }
        };
        text.parse().ok()
    }

    /// The objective this element belongs to (itself for an objective).
    pub fn objective(&self) -> PeiCode {
        let mut c = self.clone();
        while let Some(p) = c.parent() {
            c = p;
        }
        c
    }
}

impl fmt::Display for PeiCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// An indicator of an OEI or an AEI: a national policy's indicator under a PEI code.
pub type PeiIndicator = Indicator<PeiCode>;

/// An OEI or an AEI. Its name is what the plan states; a plan read from its indicators alone
/// knows only the code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeiElement {
    pub code: PeiCode,
    pub name: Option<String>,
}

/// An entity's PEI: its period, elements and indicators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeiPlan {
    /// The entity: its code (the pliego's), its name, its sector.
    pub entity_code: String,
    pub entity_name: String,
    pub sector: String,
    /// The plan's period: its first and last years.
    pub first_year: Year,
    pub last_year: Year,
    /// The rule profile its reports follow (`ceplan-pei@2020`).
    pub profile: String,
    /// Its OEI then its AEI, each in the plan's order.
    pub elements: Vec<PeiElement>,
    /// Its indicators in the plan's order.
    pub indicators: Vec<PeiIndicator>,
}

impl PeiPlan {
    /// The element of a code, if the plan has it.
    pub fn element(&self, code: &PeiCode) -> Option<&PeiElement> {
        self.elements.iter().find(|e| &e.code == code)
    }

    /// The years of the follow-up cut at `year`: the period's, up to `year`.
    pub fn years_to(&self, year: Year) -> impl Iterator<Item = Year> {
        let last = year.get().min(self.last_year.get());
        (self.first_year.get()..=last).filter_map(|y| Year::new(y).ok())
    }
}

/// Where a structural problem of a PEI is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeiPlace {
    /// The plan's period or profile.
    Plan,
    /// The element at this index of [`PeiPlan::elements`].
    Element(usize),
    /// The indicator at this index of [`PeiPlan::indicators`].
    Indicator(usize),
}

/// A structural problem of a PEI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeiProblem {
    /// The code is of another kind than the list it is in (an indicator's code among the OEI).
    WrongKind {
        code: PeiCode,
        expected: PeiCodeKind,
    },
    Duplicate {
        code: PeiCode,
    },
    /// The plan lists its elements and not the one this code belongs to.
    MissingParent {
        code: PeiCode,
        parent: PeiCode,
    },
    YearOutside {
        year: Year,
        first: Year,
        last: Year,
    },
    YearsReversed {
        first: Year,
        last: Year,
    },
    /// Not a `ceplan-pei` profile.
    NotAPeiProfile {
        id: String,
    },
}

impl PeiPlan {
    /// Every structural problem of the plan, each with its place and field: codes of the right
    /// kind and given once, each action under a listed objective and each indicator under a listed
    /// element (when the plan lists its elements), years within the period, a `ceplan-pei`
    /// profile.
    pub fn problems(&self) -> Vec<(PeiPlace, &'static str, PeiProblem)> {
        let mut out = Vec::new();
        let (first, last) = (self.first_year, self.last_year);
        if first > last {
            out.push((PeiPlace::Plan, "years", PeiProblem::YearsReversed { first, last }));
        }
        if RuleProfile::find(&self.profile).is_none_or(|p| p.name != "ceplan-pei") {
            out.push((PeiPlace::Plan, "profile", PeiProblem::NotAPeiProfile { id: self.profile.clone() }));
        }
        let mut seen = std::collections::HashSet::new();
        let mut once = |place: PeiPlace, code: &PeiCode, out: &mut Vec<_>| {
            if !seen.insert(code.clone()) {
                out.push((place, "code", PeiProblem::Duplicate { code: code.clone() }));
            }
        };
        for (i, e) in self.elements.iter().enumerate() {
            if e.code.kind().is_indicator() {
                let problem = PeiProblem::WrongKind { code: e.code.clone(), expected: PeiCodeKind::Objective };
                out.push((PeiPlace::Element(i), "code", problem));
            }
            once(PeiPlace::Element(i), &e.code, &mut out);
        }
        for (i, ind) in self.indicators.iter().enumerate() {
            if !ind.code.kind().is_indicator() {
                let problem =
                    PeiProblem::WrongKind { code: ind.code.clone(), expected: PeiCodeKind::ObjectiveIndicator };
                out.push((PeiPlace::Indicator(i), "code", problem));
            }
            once(PeiPlace::Indicator(i), &ind.code, &mut out);
        }
        if !self.elements.is_empty() {
            let places = self.elements.iter().enumerate().map(|(i, e)| (PeiPlace::Element(i), &e.code));
            let indicators = self.indicators.iter().enumerate().map(|(i, d)| (PeiPlace::Indicator(i), &d.code));
            for (place, code) in places.chain(indicators) {
                if let Some(parent) = code.parent()
                    && self.element(&parent).is_none()
                {
                    out.push((place, "code", PeiProblem::MissingParent { code: code.clone(), parent }));
                }
            }
        }
        for (i, ind) in self.indicators.iter().enumerate() {
            for (field, series) in [("targets", &ind.targets), ("actuals", &ind.actuals)] {
                for &year in series.keys().filter(|y| **y < first || **y > last) {
                    out.push((PeiPlace::Indicator(i), field, PeiProblem::YearOutside { year, first, last }));
                }
            }
        }
        out
    }

    /// The elements the indicators name, in the order they first appear, each objective before
    /// its actions: what a plan read from its indicators alone lists.
    pub fn elements_of_indicators(indicators: &[PeiIndicator]) -> Vec<PeiElement> {
        let mut objectives: Vec<PeiCode> = Vec::new();
        let mut actions: Vec<PeiCode> = Vec::new();
        for ind in indicators {
            let Some(element) = ind.code.parent() else { continue };
            let objective = element.objective();
            if !objectives.contains(&objective) {
                objectives.push(objective);
            }
            if element.kind() == PeiCodeKind::Action && !actions.contains(&element) {
                actions.push(element);
            }
        }
        objectives.into_iter().chain(actions).map(|code| PeiElement { code, name: None }).collect()
    }
}

/// What the report prints for an indicator in a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeiFigure {
    /// The exact avance (capped); printed by [`RuleProfile::displayed`].
    Value(Decimal),
    /// "(*)": not computed because the logro esperado is zero (2020 version on).
    ZeroTarget,
    /// No figure: no logro esperado or no valor obtenido.
    Nd(NdReason),
}

impl PeiFigure {
    fn of(evaluation: &Evaluation) -> PeiFigure {
        match evaluation.avance {
            Ok(v) => PeiFigure::Value(v),
            Err(NdReason::ZeroTarget) => PeiFigure::ZeroTarget,
            Err(reason) => PeiFigure::Nd(reason),
        }
    }

    /// As printed: the avance with the profile's decimals, `(*)` or `ND`.
    pub fn printed(self, profile: &RuleProfile) -> String {
        match self {
            PeiFigure::Value(v) => crate::number::format_display(v, profile.decimals),
            PeiFigure::ZeroTarget => "(*)".into(),
            PeiFigure::Nd(_) => "ND".into(),
        }
    }
}

/// One indicator in one year of the cut.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeiRow {
    /// The index of the indicator in [`PeiPlan::indicators`].
    pub indicator: usize,
    pub year: Year,
    pub figure: PeiFigure,
    pub evaluation: Evaluation,
}

/// The figures of a PEI's follow-up cut at a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeiResult {
    pub cut: Year,
    pub profile: RuleProfile,
    /// Indicator by indicator in the plan's order, each year of the cut in order.
    pub rows: Vec<PeiRow>,
}

impl PeiResult {
    /// Whether a figure is "(*)": the report then prints the note that explains it.
    pub fn has_zero_targets(&self) -> bool {
        self.rows.iter().any(|r| r.figure == PeiFigure::ZeroTarget)
    }
}

/// Why a PEI cannot be followed up at a year.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeiError {
    #[error("the year {cut} is outside the plan's period {first}-{last}")]
    OutsidePeriod { cut: Year, first: Year, last: Year },
}

/// The follow-up of `plan` cut at `cut` under `profile`.
pub fn compute(plan: &PeiPlan, cut: Year, profile: &RuleProfile) -> Result<PeiResult, PeiError> {
    if cut < plan.first_year || cut > plan.last_year {
        return Err(PeiError::OutsidePeriod { cut, first: plan.first_year, last: plan.last_year });
    }
    let mut rows = Vec::new();
    for (i, ind) in plan.indicators.iter().enumerate() {
        let facts = SeriesFacts::of(ind, profile);
        for year in plan.years_to(cut) {
            let evaluation = evaluate_series(ind, &facts, year, profile);
            rows.push(PeiRow { indicator: i, year, figure: PeiFigure::of(&evaluation), evaluation });
        }
    }
    Ok(PeiResult { cut, profile: profile.clone(), rows })
}

/// The `ceplan-pei` profile of the version of CEPLAN's application that printed a report cut at
/// `cut`, as the five published reports of the fixture show (docs/rules.md): the 2018 version for
/// cuts up to 2018, the 2019 version for 2019, the 2020 version from then on.
pub fn profile_for_cut(cut: Year) -> RuleProfile {
    let version = match cut.get() {
        ..=2018 => "ceplan-pei@2018",
        2019 => "ceplan-pei@2019",
        _ => "ceplan-pei@2020",
    };
    RuleProfile::find(version).unwrap_or_else(RuleProfile::ceplan_pn_v1)
}

/// A figure a published PEI report printed: an indicator's avance in a year, as printed (`94.74`,
/// `100`, `ND`, `(*)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedPeiFigure {
    /// The index of the indicator in [`PeiPlan::indicators`].
    pub indicator: usize,
    pub year: Year,
    pub printed: String,
}

/// A printed figure that the report's own data, under its profile, does not give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeiFinding {
    pub indicator: usize,
    pub year: Year,
    pub published: String,
    pub computed: PeiFigure,
}

/// Whether a printed figure is what `figure` prints under `profile`: the same number at the
/// profile's decimals (a report may leave off trailing zeros: `100` is `100.00`), `ND` for no
/// figure, `(*)` for a zero logro esperado.
pub fn agrees(printed: &str, figure: PeiFigure, profile: &RuleProfile) -> bool {
    let printed = printed.trim();
    match figure {
        PeiFigure::Value(v) => {
            printed.parse::<Decimal>().is_ok_and(|p| p == crate::number::round_display(v, profile.decimals))
        }
        PeiFigure::ZeroTarget => printed == "(*)",
        PeiFigure::Nd(_) => printed.eq_ignore_ascii_case("ND"),
    }
}

/// The printed figures of a report that its own data, computed in `result`, contradict.
pub fn audit(result: &PeiResult, published: &[PublishedPeiFigure]) -> Vec<PeiFinding> {
    published
        .iter()
        .filter_map(|p| {
            let row = result.rows.iter().find(|r| r.indicator == p.indicator && r.year == p.year)?;
            (!agrees(&p.printed, row.figure, &result.profile)).then(|| PeiFinding {
                indicator: p.indicator,
                year: p.year,
                published: p.printed.clone(),
                computed: row.figure,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> PeiCode {
        s.parse().expect(s)
    }

    #[test]
    fn elements_follow_from_codes() {
        assert_eq!(code("IND.02.AEI.01.03").parent(), Some(code("AEI.01.03")));
        assert_eq!(code("AEI.01.03").parent(), Some(code("OEI.01")));
        assert_eq!(code("IND.01.OEI.04").parent(), Some(code("OEI.04")));
        assert_eq!(code("OEI.04").parent(), None);
        assert_eq!(code("IND.06.AEI.04.06").objective(), code("OEI.04"));
        assert_eq!(code("IND.06.AEI.04.06").kind().level(), "AEI");
    }

    #[test]
    fn rejects_malformed_codes() {
        for bad in ["", "OEI", "OEI.1.2", "AEI.01", "IND.01.OEI", "IND.01.AEI.01", "IND.OEI.01", "OP.01", "OEI.0001"] {
            assert!(bad.parse::<PeiCode>().is_err(), "{bad}");
        }
    }
}
