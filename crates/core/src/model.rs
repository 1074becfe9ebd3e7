//! A national policy as followed up: objectives, lineamientos, services and their indicators.

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

use crate::code::{Code, CodeKind};
use crate::value::{Cell, Unit};

/// A calendar year of the follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Year(u16);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a year between 1900 and 2200")]
pub struct YearError {
    pub text: String,
}

impl Year {
    pub fn new(y: u16) -> Result<Year, YearError> {
        if (1900..=2200).contains(&y) { Ok(Year(y)) } else { Err(YearError { text: y.to_string() }) }
    }
    pub fn get(self) -> u16 {
        self.0
    }
}

impl FromStr for Year {
    type Err = YearError;
    fn from_str(s: &str) -> Result<Year, YearError> {
        let err = || YearError { text: s.to_string() };
        if s.len() != 4 {
            return Err(err());
        }
        Year::new(s.parse().map_err(|_| err())?).map_err(|_| err())
    }
}

impl fmt::Display for Year {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The years a policy's targets and actuals may have, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearRange {
    pub first: Year,
    pub last: Year,
}

impl YearRange {
    pub fn contains(&self, y: Year) -> bool {
        self.first <= y && y <= self.last
    }
    pub fn iter(&self) -> impl Iterator<Item = Year> + use<> {
        (self.first.0..=self.last.0).map(Year)
    }
}

/// Direction in which an indicator is expected to move (sentido esperado).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sense {
    Ascendente,
    Descendente,
}

impl Sense {
    pub fn id(self) -> &'static str {
        match self {
            Sense::Ascendente => "ascendente",
            Sense::Descendente => "descendente",
        }
    }
}

/// How yearly values of a trend indicator are read (tipo de agregación).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Aggregation {
    Acumulado,
    NoAcumulado,
}

impl Aggregation {
    pub fn id(self) -> &'static str {
        match self {
            Aggregation::Acumulado => "acumulado",
            Aggregation::NoAcumulado => "no acumulado",
        }
    }
    pub fn parse(s: &str) -> Option<Aggregation> {
        [Aggregation::Acumulado, Aggregation::NoAcumulado].into_iter().find(|a| a.id() == s)
    }
}

/// Compliance standard of a `no_definido` indicator (estándar de cumplimiento).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Standard {
    MinimoPermisible,
    MaximoPermisible,
}

impl Standard {
    pub fn id(self) -> &'static str {
        match self {
            Standard::MinimoPermisible => "minimo permisible",
            Standard::MaximoPermisible => "maximo permisible",
        }
    }
    pub fn parse(s: &str) -> Option<Standard> {
        [Standard::MinimoPermisible, Standard::MaximoPermisible].into_iter().find(|a| a.id() == s)
    }
}

/// The sentido esperado written in a dataset: `ascendente`, `descendente`, `no_definido`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sentido {
    Ascendente,
    Descendente,
    NoDefinido,
}

impl Sentido {
    pub const ALL: [Sentido; 3] = [Sentido::Ascendente, Sentido::Descendente, Sentido::NoDefinido];
    pub fn id(self) -> &'static str {
        match self {
            Sentido::Ascendente => "ascendente",
            Sentido::Descendente => "descendente",
            Sentido::NoDefinido => "no_definido",
        }
    }
    pub fn parse(s: &str) -> Option<Sentido> {
        Sentido::ALL.into_iter().find(|a| a.id() == s)
    }
}

/// Sentido and aggregation or standard together, so that a `no_definido` indicator always has a
/// standard and a trend indicator always has an aggregation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Ascendente or descendente. `sense: None` means the dataset did not declare it: the rule
    /// profile decides whether it is inferred from the targets.
    Trend { sense: Option<Sense>, aggregation: Aggregation },
    /// `no_definido`: pass or fail against the standard.
    NoDefinido(Standard),
}

/// Baseline (línea base): a year and a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Baseline {
    pub year: Year,
    pub value: Cell,
}

/// An indicator's values by year (its targets, or its actuals): a map from year to cell, kept as
/// one sorted vector. An indicator has a handful of years, and a national portfolio millions of
/// indicators: a vector of exactly the years present takes one allocation and no tree nodes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Series(Vec<(Year, Cell)>);

impl Series {
    pub fn new() -> Series {
        Series(Vec::new())
    }

    /// Room for `n` years.
    pub fn with_capacity(n: usize) -> Series {
        Series(Vec::with_capacity(n))
    }

    fn find(&self, year: &Year) -> Result<usize, usize> {
        self.0.binary_search_by(|(y, _)| y.cmp(year))
    }

    pub fn get(&self, year: &Year) -> Option<&Cell> {
        self.find(year).ok().map(|i| &self.0[i].1)
    }

    pub fn contains_key(&self, year: &Year) -> bool {
        self.find(year).is_ok()
    }

    /// Sets the year's cell, returning the one it replaces.
    pub fn insert(&mut self, year: Year, cell: Cell) -> Option<Cell> {
        // Series are mostly read in year order: after the last, no search.
        if self.0.last().is_none_or(|(last, _)| *last < year) {
            self.0.push((year, cell));
            return None;
        }
        match self.find(&year) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, cell)),
            Err(i) => {
                self.0.insert(i, (year, cell));
                None
            }
        }
    }

    pub fn remove(&mut self, year: &Year) -> Option<Cell> {
        self.find(year).ok().map(|i| self.0.remove(i).1)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Years and cells, by year.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&Year, &Cell)> + ExactSizeIterator + Clone {
        self.0.iter().map(|(y, c)| (y, c))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Year> + ExactSizeIterator + Clone {
        self.0.iter().map(|(y, _)| y)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Cell> + ExactSizeIterator + Clone {
        self.0.iter().map(|(_, c)| c)
    }
}

impl FromIterator<(Year, Cell)> for Series {
    /// In any order; a year given twice keeps its last cell, as a map would.
    fn from_iter<I: IntoIterator<Item = (Year, Cell)>>(iter: I) -> Series {
        let mut v: Vec<(Year, Cell)> = iter.into_iter().collect();
        if !v.is_sorted_by(|a, b| a.0 < b.0) {
            // Stable: of equal years, the last given ends last and is the one kept.
            v.sort_by_key(|(y, _)| *y);
            let mut out: Vec<(Year, Cell)> = Vec::with_capacity(v.len());
            for (y, c) in v {
                match out.last_mut() {
                    Some(last) if last.0 == y => last.1 = c,
                    _ => out.push((y, c)),
                }
            }
            v = out;
        }
        Series(v)
    }
}

impl<'a> IntoIterator for &'a Series {
    type Item = (&'a Year, &'a Cell);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (Year, Cell)>, fn(&'a (Year, Cell)) -> (&'a Year, &'a Cell)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(y, c)| (y, c))
    }
}

/// An objective (IOP) or service (ISS) indicator with its yearly targets and actuals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Indicator<C = Code> {
    /// Its code: a policy's ([`Code`]) or a PEI's ([`crate::pei::PeiCode`]).
    pub code: C,
    pub name: String,
    /// The unit that reports its values; joint ones are written `A - B`.
    pub responsible: String,
    /// Tipo de indicador: RESULTADO, COBERTURA, CALIDAD, ... (an open set; no formula uses it).
    pub indicator_type: String,
    pub unit: Unit,
    /// Whether its values may be negative, as its metadata says; `None`: the unit's default
    /// ([`Unit::negative_by_default`]).
    pub negative_values: Option<bool>,
    pub direction: Direction,
    pub baseline: Option<Baseline>,
    /// Logros esperados by year. A year absent here is "not provided"; ND is a cell.
    pub targets: Series,
    /// Valores obtenidos by year.
    pub actuals: Series,
}

impl<C> Indicator<C> {
    /// Whether the indicator's values may be negative: its metadata, or its unit's default.
    pub fn admits_negative(&self) -> bool {
        self.negative_values.unwrap_or_else(|| self.unit.negative_by_default())
    }

    /// A value typed for this indicator (a target or an actual), read for its unit and checked
    /// for its sign.
    pub fn parse_value(&self, text: &str) -> Result<Cell, crate::value::ValueError> {
        Cell::parse_signed(text, self.unit, self.admits_negative())
    }

    /// The same indicator under another code (a PEI's indicator computed as a policy's, say).
    pub fn with_code<D>(self, code: D) -> Indicator<D> {
        Indicator {
            code,
            name: self.name,
            responsible: self.responsible,
            indicator_type: self.indicator_type,
            unit: self.unit,
            negative_values: self.negative_values,
            direction: self.direction,
            baseline: self.baseline,
            targets: self.targets,
            actuals: self.actuals,
        }
    }
}

/// Sector or ministry: a code and a name (`38` `PRODUCCION`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Entity {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyType {
    Sectorial,
    Multisectorial,
}

impl PolicyType {
    pub fn id(self) -> &'static str {
        match self {
            PolicyType::Sectorial => "SECTORIAL",
            PolicyType::Multisectorial => "MULTISECTORIAL",
        }
    }
    pub fn parse(s: &str) -> Option<PolicyType> {
        [PolicyType::Sectorial, PolicyType::Multisectorial].into_iter().find(|t| t.id() == s)
    }
}

/// A named element of the structure (lineamiento or service).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    pub code: Code,
    pub name: String,
}

/// An objetivo prioritario, with the analysts' own text about it (kept apart from generated text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Objective {
    pub code: Code,
    pub name: String,
    pub analysis: Option<String>,
}

/// What identifies and classifies a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyMeta {
    pub code: String,
    pub name: String,
    pub policy_type: PolicyType,
    pub sector: Entity,
    pub ministry: Entity,
    /// The norm that approved it, when known.
    pub norm: Option<String>,
    pub years: YearRange,
    /// Rule profile id, `name@version` (see [`crate::profile`]).
    pub profile: String,
    /// The analysts' closing text for the whole policy.
    pub synthesis: Option<String>,
}

/// Everything a policy is made of, before its structure is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyParts {
    pub meta: PolicyMeta,
    pub objectives: Vec<Objective>,
    pub lineamientos: Vec<Element>,
    pub services: Vec<Element>,
    pub indicators: Vec<Indicator>,
}

/// A policy whose structure is consistent: unique codes, every element under an existing parent,
/// every value in the policy's years. Elements are kept sorted by code. Its indicators' numbers
/// are also held as integers, year by year (`crate::avance::Lanes`), for the figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    parts: PolicyParts,
    profile: crate::profile::RuleProfile,
    lanes: crate::avance::Lanes,
}

/// Where in a policy a structural problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Meta,
    Objective(usize),
    Lineamiento(usize),
    Service(usize),
    Indicator(usize),
}

/// A structural problem, with the place (index in the given lists) it was found at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructureIssue {
    pub place: Place,
    pub field: &'static str,
    pub kind: StructureIssueKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StructureIssueKind {
    /// The code is of another kind than the list it is in.
    WrongKind {
        code: Code,
        expected: CodeKind,
    },
    Duplicate {
        code: Code,
    },
    /// The parent that the code names does not exist.
    MissingParent {
        code: Code,
        parent: Code,
    },
    YearOutside {
        year: Year,
        years: YearRange,
    },
    YearsReversed {
        years: YearRange,
    },
    UnknownProfile {
        id: String,
    },
}

/// The years of the `i`th indicator's targets and actuals that are outside the policy's.
fn year_issues(i: usize, ind: &Indicator, years: YearRange, issues: &mut Vec<StructureIssue>) {
    for (field, map) in [("targets", &ind.targets), ("actuals", &ind.actuals)] {
        for &year in map.keys().filter(|y| !years.contains(**y)) {
            issues.push(StructureIssue {
                place: Place::Indicator(i),
                field,
                kind: StructureIssueKind::YearOutside { year, years },
            });
        }
    }
}

/// Whether the codes are certainly free of problems, checked without hashing or building a
/// parent code (a portfolio's read checks a million): each list sorted strictly by code and of
/// its kind (so no code repeats), and every parent found by bisection with the very text the
/// code's parent has. `false` leaves the verdict, and the wording of each problem, to the full
/// check (`Policy::code_issues`).
fn well_formed(parts: &PolicyParts) -> bool {
    fn sorted_of<T>(items: &[T], code: impl Fn(&T) -> &Code, kinds: &[CodeKind]) -> bool {
        items.iter().all(|i| kinds.contains(&code(i).kind())) && items.windows(2).all(|w| code(&w[0]) < code(&w[1]))
    }
    /// Whether `child`'s parent is in `items`; `hint`, where the previous child's was, is tried
    /// first (children come sorted, so mostly under the same parent as the one before).
    fn under<T>(items: &[T], code: impl Fn(&T) -> &Code, child: &Code, hint: &mut usize) -> bool {
        if items.get(*hint).is_some_and(|p| child.hangs_from(code(p))) {
            return true;
        }
        let Some(kind) = child.parent_kind() else { return true };
        let key = (kind, &child.parts()[..kind.parts()]);
        match items.binary_search_by(|i| (code(i).kind(), code(i).parts()).cmp(&key)) {
            Ok(at) if child.hangs_from(code(&items[at])) => {
                *hint = at;
                true
            }
            _ => false,
        }
    }
    fn objective(o: &Objective) -> &Code {
        &o.code
    }
    fn element(e: &Element) -> &Code {
        &e.code
    }
    let (objectives, lineamientos, services) = (&parts.objectives, &parts.lineamientos, &parts.services);
    let (mut o, mut l, mut s) = (0, 0, 0);
    sorted_of(objectives, objective, &[CodeKind::Objective])
        && sorted_of(lineamientos, element, &[CodeKind::Lineamiento])
        && sorted_of(services, element, &[CodeKind::Service])
        && sorted_of(&parts.indicators, |i| &i.code, &[CodeKind::ObjectiveIndicator, CodeKind::ServiceIndicator])
        && lineamientos.iter().all(|e| under(objectives, objective, &e.code, &mut o))
        && services.iter().all(|e| under(lineamientos, element, &e.code, &mut l))
        && parts.indicators.iter().all(|i| match i.code.kind() {
            CodeKind::ObjectiveIndicator => under(objectives, objective, &i.code, &mut o),
            _ => under(services, element, &i.code, &mut s),
        })
}

impl Policy {
    /// Checks the structure and returns every problem found, not just the first.
    pub fn new(mut parts: PolicyParts) -> Result<Policy, Vec<StructureIssue>> {
        let mut issues = Vec::new();
        let years = parts.meta.years;
        if years.first > years.last {
            issues.push(StructureIssue {
                place: Place::Meta,
                field: "years",
                kind: StructureIssueKind::YearsReversed { years },
            });
        }
        let profile = crate::profile::RuleProfile::find(&parts.meta.profile);
        if profile.is_none() {
            issues.push(StructureIssue {
                place: Place::Meta,
                field: "profile",
                kind: StructureIssueKind::UnknownProfile { id: parts.meta.profile.clone() },
            });
        }
        if issues.is_empty() && well_formed(&parts) {
            for (i, ind) in parts.indicators.iter().enumerate() {
                year_issues(i, ind, years, &mut issues);
            }
        } else {
            Policy::code_issues(&parts, &mut issues);
        }
        let Some(profile) = profile.filter(|_| issues.is_empty()) else {
            return Err(issues);
        };
        parts.objectives.sort_by(|a, b| a.code.cmp(&b.code));
        parts.lineamientos.sort_by(|a, b| a.code.cmp(&b.code));
        parts.services.sort_by(|a, b| a.code.cmp(&b.code));
        parts.indicators.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(Policy { lanes: crate::avance::Lanes::new(&parts.indicators), parts, profile })
    }

    /// The codes' problems, each at its place in `parts` as given (wrong kinds, duplicates,
    /// missing parents), and each indicator's years outside the policy's after its code's.
    fn code_issues(parts: &PolicyParts, issues: &mut Vec<StructureIssue>) {
        let years = parts.meta.years;
        let mut seen = HashSet::new();
        let mut check = |place: Place, code: &Code, expected: &[CodeKind], issues: &mut Vec<StructureIssue>| {
            if !expected.contains(&code.kind()) {
                issues.push(StructureIssue {
                    place: place.clone(),
                    field: "code",
                    kind: StructureIssueKind::WrongKind { code: code.clone(), expected: expected[0] },
                });
            }
            if !seen.insert(code.clone()) {
                issues.push(StructureIssue {
                    place,
                    field: "code",
                    kind: StructureIssueKind::Duplicate { code: code.clone() },
                });
            }
        };
        for (i, o) in parts.objectives.iter().enumerate() {
            check(Place::Objective(i), &o.code, &[CodeKind::Objective], issues);
        }
        for (i, e) in parts.lineamientos.iter().enumerate() {
            check(Place::Lineamiento(i), &e.code, &[CodeKind::Lineamiento], issues);
        }
        for (i, e) in parts.services.iter().enumerate() {
            check(Place::Service(i), &e.code, &[CodeKind::Service], issues);
        }
        for (i, ind) in parts.indicators.iter().enumerate() {
            check(Place::Indicator(i), &ind.code, &[CodeKind::ServiceIndicator, CodeKind::ObjectiveIndicator], issues);
        }
        let parents = |place: Place, code: &Code, issues: &mut Vec<StructureIssue>| {
            if let Some(parent) = code.parent()
                && !seen.contains(&parent)
            {
                issues.push(StructureIssue {
                    place,
                    field: "code",
                    kind: StructureIssueKind::MissingParent { code: code.clone(), parent },
                });
            }
        };
        for (i, e) in parts.lineamientos.iter().enumerate() {
            parents(Place::Lineamiento(i), &e.code, issues);
        }
        for (i, e) in parts.services.iter().enumerate() {
            parents(Place::Service(i), &e.code, issues);
        }
        for (i, ind) in parts.indicators.iter().enumerate() {
            parents(Place::Indicator(i), &ind.code, issues);
            year_issues(i, ind, years, issues);
        }
    }

    /// The rule profile the policy names.
    pub fn profile(&self) -> &crate::profile::RuleProfile {
        &self.profile
    }

    pub fn meta(&self) -> &PolicyMeta {
        &self.parts.meta
    }
    pub fn objectives(&self) -> &[Objective] {
        &self.parts.objectives
    }
    pub fn lineamientos(&self) -> &[Element] {
        &self.parts.lineamientos
    }
    pub fn services(&self) -> &[Element] {
        &self.parts.services
    }
    /// Objective indicators first, then service indicators, each sorted by code.
    pub fn indicators(&self) -> &[Indicator] {
        &self.parts.indicators
    }
    pub fn indicator(&self, code: &Code) -> Option<&Indicator> {
        let list = &self.parts.indicators;
        list.binary_search_by(|i| i.code.cmp(code)).ok().map(|i| &list[i])
    }
    /// Its indicators' numbers as integers, in the order of [`Policy::indicators`].
    pub(crate) fn lanes(&self) -> &crate::avance::Lanes {
        &self.lanes
    }
    /// The parts, sorted by code, for writing the policy back out.
    pub fn parts(&self) -> &PolicyParts {
        &self.parts
    }
    pub fn into_parts(self) -> PolicyParts {
        self.parts
    }
}

#[cfg(test)]
mod structure_tests {
    use super::*;
    use proptest::prelude::*;

    /// Codes of every kind, some written without leading zeros (equal in order, not in text),
    /// some without a parent here.
    const CODES: [&str; 16] = [
        "OP.01",
        "OP.1",
        "OP.02",
        "LN.01.01",
        "LN.1.01",
        "LN.02.01",
        "SS.01.01.01",
        "SS.01.01.02",
        "SS.1.01.01",
        "IOP.01.01",
        "IOP.1.01",
        "IOP.03.01",
        "ISS.01.01.01.01",
        "ISS.01.01.02.01",
        "ISS.01.01.1.01",
        "ISS.02.01.01.01",
    ];

    fn parts(lists: [Vec<usize>; 4]) -> PolicyParts {
        let code = |i: &usize| CODES[*i].parse::<Code>().expect("code");
        let [objectives, lineamientos, services, indicators] = lists;
        let element = |i: &usize| Element { code: code(i), name: String::new() };
        PolicyParts {
            meta: PolicyMeta {
                code: "PN".into(),
                name: String::new(),
                policy_type: PolicyType::Multisectorial,
                sector: Entity { code: String::new(), name: String::new() },
                ministry: Entity { code: String::new(), name: String::new() },
                norm: None,
                years: YearRange { first: Year::new(2021).expect("year"), last: Year::new(2030).expect("year") },
                profile: "ceplan-2024@2024".into(),
                synthesis: None,
            },
            objectives: objectives
                .iter()
                .map(|i| Objective { code: code(i), name: String::new(), analysis: None })
                .collect(),
            lineamientos: lineamientos.iter().map(element).collect(),
            services: services.iter().map(element).collect(),
            indicators: indicators
                .iter()
                .map(|i| Indicator {
                    code: code(i),
                    name: String::new(),
                    responsible: String::new(),
                    indicator_type: String::new(),
                    unit: crate::value::Unit::Numero,
                    negative_values: None,
                    direction: Direction::Trend { sense: None, aggregation: Aggregation::NoAcumulado },
                    baseline: None,
                    targets: Series::new(),
                    actuals: Series::new(),
                })
                .collect(),
        }
    }

    fn issues(p: &PolicyParts) -> Vec<StructureIssue> {
        let mut issues = Vec::new();
        Policy::code_issues(p, &mut issues);
        issues
    }

    #[test]
    fn a_sound_structure_is_checked_quickly() {
        let sound = parts([vec![0, 2], vec![3, 5], vec![6, 7], vec![9, 12, 13]]);
        assert!(issues(&sound).is_empty());
        assert!(well_formed(&sound));
        // Unsorted, a duplicate in order (OP.1 after OP.01), a missing parent (IOP.03.01 without
        // OP.03): each goes to the full check, which finds what is wrong or that nothing is.
        for lists in [
            [vec![2, 0], vec![3], vec![6], vec![9]],
            [vec![0, 1], vec![3], vec![6], vec![9]],
            [vec![0], vec![3], vec![6], vec![9, 11]],
            [vec![0], vec![3], vec![6, 8], vec![9]],
        ] {
            assert!(!well_formed(&parts(lists.clone())), "{lists:?}");
        }
        assert!(issues(&parts([vec![2, 0], vec![3], vec![6], vec![9]])).is_empty());
    }

    proptest! {
        /// The quick check never passes what the full one would refuse.
        #[test]
        fn the_quick_check_passes_only_sound_structures(
            lists in proptest::array::uniform4(proptest::collection::vec(0..CODES.len(), 0..6))
        ) {
            let p = parts(lists);
            if well_formed(&p) {
                prop_assert_eq!(issues(&p), Vec::new());
            }
        }
    }
}
