//! A policy as database rows, keyed as the revision tables are, and the difference between two
//! states: what a load must append.

use std::borrow::Cow;
use std::collections::BTreeMap;

use avance_core::code::{Code, CodeKind};
use avance_core::model::{
    Aggregation, Baseline, Direction, Element, Entity, Indicator, Objective, Policy, PolicyMeta, PolicyParts,
    PolicyType, Sense, Sentido, Series, Standard, Year, YearRange,
};
use avance_core::value::{Cell, Unit};
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetaRow {
    pub name: String,
    pub policy_type: String,
    pub sector_code: String,
    pub sector_name: String,
    pub ministry_code: String,
    pub ministry_name: String,
    pub norm: Option<String>,
    pub first_year: i64,
    pub last_year: i64,
    pub profile: String,
    pub synthesis: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElementRow {
    pub name: String,
    pub analysis: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndicatorRow {
    pub name: Option<String>,
    pub responsible: Option<String>,
    pub indicator_type: Option<String>,
    pub unit: Option<String>,
    pub sentido: Option<String>,
    pub aggregation: Option<String>,
    pub standard: Option<String>,
    pub baseline_year: Option<i64>,
    pub baseline_text: Option<String>,
    /// 1 or 0 when the metadata says whether values may be negative; `None`: the unit's default.
    pub negative_values: Option<i64>,
}

/// A target or actual: the text as entered, and its exact value (`None` for ND). Revisions compare
/// by text: the exact value follows from it.
#[derive(Debug, Clone, Eq)]
pub struct ValueRow {
    pub text: String,
    pub exact: Option<String>,
}

impl PartialEq for ValueRow {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

/// `(indicator, year, "target" | "actual")`.
pub type ValueKey = (String, i64, &'static str);

/// A policy's content as rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    pub meta: Option<MetaRow>,
    pub elements: BTreeMap<String, ElementRow>,
    pub indicators: BTreeMap<String, IndicatorRow>,
    pub values: BTreeMap<ValueKey, ValueRow>,
}

/// What differs: new content for changed keys, `None` for removed ones, in the keys' order;
/// borrowed from the two states compared.
#[derive(Debug, Default)]
pub struct Diff<'a> {
    pub meta: Option<&'a MetaRow>,
    pub elements: Vec<(&'a String, Option<&'a ElementRow>)>,
    pub indicators: Vec<(&'a String, Option<&'a IndicatorRow>)>,
    pub values: Vec<(&'a ValueKey, Option<&'a ValueRow>)>,
}

impl Diff<'_> {
    pub fn is_empty(&self) -> bool {
        self.meta.is_none() && self.elements.is_empty() && self.indicators.is_empty() && self.values.is_empty()
    }
}

/// The keys whose entry differs from `old` to `new`, in order: `new`'s entry, or `None` where
/// `new` has none. Both maps are stepped through once, side by side.
pub(crate) fn changes<'a, K: Ord, V: PartialEq>(
    old: &'a BTreeMap<K, V>,
    new: &'a BTreeMap<K, V>,
) -> Vec<(&'a K, Option<&'a V>)> {
    use std::cmp::Ordering;
    let mut out = Vec::with_capacity(new.len());
    let (mut old, mut new) = (old.iter().peekable(), new.iter().peekable());
    loop {
        match (old.peek(), new.peek()) {
            (None, None) => break,
            (Some(&(k, _)), None) => {
                out.push((k, None));
                old.next();
            }
            (None, Some(&(k, v))) => {
                out.push((k, Some(v)));
                new.next();
            }
            (Some(&(ko, vo)), Some(&(kn, vn))) => match ko.cmp(kn) {
                Ordering::Less => {
                    out.push((ko, None));
                    old.next();
                }
                Ordering::Greater => {
                    out.push((kn, Some(vn)));
                    new.next();
                }
                Ordering::Equal => {
                    if vo != vn {
                        out.push((kn, Some(vn)));
                    }
                    old.next();
                    new.next();
                }
            },
        }
    }
    out
}

pub(crate) fn int<R: Row>(r: &R, i: usize) -> Result<i64, sqlx::Error>
where
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> i32: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    r.try_get::<i64, _>(i).or_else(|_| r.try_get::<i32, _>(i).map(i64::from))
}

pub(crate) fn opt_int<R: Row>(r: &R, i: usize) -> Result<Option<i64>, sqlx::Error>
where
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> i32: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    r.try_get::<Option<i64>, _>(i).or_else(|_| r.try_get::<Option<i32>, _>(i).map(|v| v.map(i64::from)))
}

impl State {
    /// A policy's rows.
    pub fn of(policy: &Policy) -> State {
        let p = policy.parts();
        let m = &p.meta;
        let mut s = State {
            meta: Some(MetaRow {
                name: m.name.clone(),
                policy_type: m.policy_type.id().to_string(),
                sector_code: m.sector.code.clone(),
                sector_name: m.sector.name.clone(),
                ministry_code: m.ministry.code.clone(),
                ministry_name: m.ministry.name.clone(),
                norm: m.norm.clone(),
                first_year: i64::from(m.years.first.get()),
                last_year: i64::from(m.years.last.get()),
                profile: m.profile.clone(),
                synthesis: m.synthesis.clone(),
            }),
            ..State::default()
        };
        // Values gathered first and the map built from them at once (in bulk, from sorted keys).
        let mut values = Vec::with_capacity(p.indicators.iter().map(|i| i.targets.len() + i.actuals.len()).sum());
        for o in &p.objectives {
            s.elements.insert(o.code.to_string(), ElementRow { name: o.name.clone(), analysis: o.analysis.clone() });
        }
        for e in p.lineamientos.iter().chain(&p.services) {
            s.elements.insert(e.code.to_string(), ElementRow { name: e.name.clone(), analysis: None });
        }
        for i in &p.indicators {
            let (sentido, aggregation, standard) = match i.direction {
                Direction::Trend { sense, aggregation } => {
                    (sense.map(|s| s.id().to_string()), Some(aggregation.id().to_string()), None)
                }
                Direction::NoDefinido(st) => {
                    (Some(Sentido::NoDefinido.id().to_string()), None, Some(st.id().to_string()))
                }
            };
            s.indicators.insert(
                i.code.to_string(),
                IndicatorRow {
                    name: Some(i.name.clone()),
                    responsible: Some(i.responsible.clone()),
                    indicator_type: Some(i.indicator_type.clone()),
                    unit: Some(i.unit.id().to_string()),
                    sentido,
                    aggregation,
                    standard,
                    baseline_year: i.baseline.as_ref().map(|b| i64::from(b.year.get())),
                    baseline_text: i.baseline.as_ref().map(|b| b.value.text().to_string()),
                    negative_values: i.negative_values.map(i64::from),
                },
            );
            let code = i.code.to_string();
            for (role, map) in [("actual", &i.actuals), ("target", &i.targets)] {
                for (y, c) in map {
                    values.push((
                        (code.clone(), i64::from(y.get()), role),
                        ValueRow { text: c.text().to_string(), exact: c.number().map(|d| d.to_string()) },
                    ));
                }
            }
        }
        values.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
        s.values = BTreeMap::from_iter(values);
        s
    }

    /// What must be appended to go from `self` to `new`.
    pub fn diff<'a>(&'a self, new: &'a State) -> Diff<'a> {
        Diff {
            meta: new.meta.as_ref().filter(|m| self.meta.as_ref() != Some(*m)),
            elements: changes(&self.elements, &new.elements),
            indicators: changes(&self.indicators, &new.indicators),
            values: changes(&self.values, &new.values),
        }
    }

    /// An indicator's row of current values (a `current_series` text) as this state's values.
    pub(crate) fn series(&mut self, indicator: &str, series: &str) -> Result<(), String> {
        for line in (SeriesLines { rest: series }) {
            let (y, role, text) = line.map_err(|e| format!("{indicator}: {e}"))?;
            let role = match role {
                "target" => "target",
                "actual" => "actual",
                other => return Err(format!("{indicator}: role {other}")),
            };
            let row = ValueRow { text: text.to_string(), exact: None };
            self.values.insert((indicator.to_string(), y, role), row);
        }
        Ok(())
    }
}

/// An indicator's columns as a revision row holds them, borrowed from the row where the driver
/// allows it (a portfolio's read decodes a million of them) or from an [`IndicatorRow`].
#[derive(Debug, Clone, Default)]
pub(crate) struct IndicatorFields<'a> {
    pub name: Option<Cow<'a, str>>,
    pub responsible: Option<Cow<'a, str>>,
    pub indicator_type: Option<Cow<'a, str>>,
    pub unit: Option<Cow<'a, str>>,
    pub sentido: Option<Cow<'a, str>>,
    pub aggregation: Option<Cow<'a, str>>,
    pub standard: Option<Cow<'a, str>>,
    pub baseline_year: Option<i64>,
    pub baseline_text: Option<Cow<'a, str>>,
    pub negative_values: Option<i64>,
}

impl<'a> IndicatorFields<'a> {
    pub(crate) fn into_row(self) -> IndicatorRow {
        let o = |s: Option<Cow<'a, str>>| s.map(Cow::into_owned);
        IndicatorRow {
            name: o(self.name),
            responsible: o(self.responsible),
            indicator_type: o(self.indicator_type),
            unit: o(self.unit),
            sentido: o(self.sentido),
            aggregation: o(self.aggregation),
            standard: o(self.standard),
            baseline_year: self.baseline_year,
            baseline_text: o(self.baseline_text),
            negative_values: self.negative_values,
        }
    }

    /// The indicator these columns describe (code `c`), with series sized for `target_years` and
    /// `actual_years` values.
    fn indicator(self, c: &str, target_years: usize, actual_years: usize) -> Result<Indicator, String> {
        let unit: Unit = self.unit.as_deref().unwrap_or("").parse().map_err(|()| format!("{c}: unit"))?;
        let direction = match (self.sentido.as_deref(), self.aggregation.as_deref(), self.standard.as_deref()) {
            (Some("no_definido"), _, Some(st)) => {
                Direction::NoDefinido(Standard::parse(st).ok_or_else(|| format!("{c}: standard"))?)
            }
            (s, Some(a), _) => Direction::Trend {
                sense: match s {
                    None => None,
                    Some("descendente") => Some(Sense::Descendente),
                    Some("ascendente") => Some(Sense::Ascendente),
                    Some(other) => return Err(format!("{c}: sentido {other}")),
                },
                aggregation: Aggregation::parse(a).ok_or_else(|| format!("{c}: aggregation"))?,
            },
            _ => return Err(format!("{c}: direction")),
        };
        let baseline = match (self.baseline_year, self.baseline_text) {
            (Some(y), Some(t)) => {
                Some(Baseline { year: year(y)?, value: Cell::parse(&t, unit).map_err(|e| format!("{c}: {e}"))? })
            }
            _ => None,
        };
        let owned = |s: Option<Cow<'a, str>>| s.map(Cow::into_owned).unwrap_or_default();
        Ok(Indicator {
            code: code(c)?,
            name: owned(self.name),
            responsible: owned(self.responsible),
            indicator_type: owned(self.indicator_type),
            unit,
            negative_values: self.negative_values.map(|n| n != 0),
            direction,
            baseline,
            targets: Series::with_capacity(target_years),
            actuals: Series::with_capacity(actual_years),
        })
    }
}

fn year(y: i64) -> Result<Year, String> {
    u16::try_from(y).ok().and_then(|y| Year::new(y).ok()).ok_or_else(|| format!("year {y}"))
}

fn code(c: &str) -> Result<Code, String> {
    c.parse::<Code>().map_err(|e| e.to_string())
}

/// A policy being read: its metadata, then its elements' and indicators' revisions in key order
/// (by code, then change: the last of each code is its state), then its current values one row
/// at a time.
#[derive(Debug)]
pub struct Building {
    parts: PolicyParts,
    /// How many targets and actuals each indicator's series is sized for.
    target_years: usize,
    actual_years: usize,
    /// Whether the indicators came in byte order of their codes, as values are looked up.
    sorted: bool,
    /// The indicator of the previous row (rows usually come grouped by indicator).
    last: usize,
}

impl Building {
    /// A policy of this metadata (its code is kept apart, in `policies`), without elements yet;
    /// `actuals_up_to`, the last year whose actuals will come, sizes each indicator's series once.
    pub fn new(m: MetaRow, policy_code: &str, actuals_up_to: i64) -> Result<Building, String> {
        let years = YearRange { first: year(m.first_year)?, last: year(m.last_year)? };
        let span = |last: i64| {
            usize::try_from(last.min(i64::from(years.last.get())) - i64::from(years.first.get()) + 1).unwrap_or(0)
        };
        Ok(Building {
            parts: PolicyParts {
                meta: PolicyMeta {
                    code: policy_code.to_string(),
                    name: m.name,
                    policy_type: PolicyType::parse(&m.policy_type)
                        .ok_or_else(|| format!("policy type {}", m.policy_type))?,
                    sector: Entity { code: m.sector_code, name: m.sector_name },
                    ministry: Entity { code: m.ministry_code, name: m.ministry_name },
                    norm: m.norm,
                    years,
                    profile: m.profile,
                    synthesis: m.synthesis,
                },
                objectives: Vec::new(),
                lineamientos: Vec::new(),
                services: Vec::new(),
                indicators: Vec::new(),
            },
            target_years: span(i64::MAX),
            actual_years: span(actuals_up_to),
            sorted: true,
            last: 0,
        })
    }

    /// An element's revision (`None`: removed), in key order: it replaces the code's earlier one.
    pub fn element(&mut self, c: &str, row: Option<ElementRow>) -> Result<(), String> {
        let code = code(c)?;
        let p = &mut self.parts;
        fn revise<T>(list: &mut Vec<T>, c: &str, item: Option<T>, code: impl Fn(&T) -> &Code) {
            if list.last().is_some_and(|last| code(last).as_str() == c) {
                list.pop();
            }
            list.extend(item);
        }
        match code.kind() {
            CodeKind::Objective => {
                revise(&mut p.objectives, c, row.map(|e| Objective { code, name: e.name, analysis: e.analysis }), |o| {
                    &o.code
                })
            }
            CodeKind::Lineamiento => {
                revise(&mut p.lineamientos, c, row.map(|e| Element { code, name: e.name }), |e| &e.code)
            }
            _ => revise(&mut p.services, c, row.map(|e| Element { code, name: e.name }), |e| &e.code),
        }
        Ok(())
    }

    /// An indicator's revision (`None`: removed), in key order: it replaces the code's earlier one.
    pub(crate) fn indicator(&mut self, c: &str, fields: Option<IndicatorFields<'_>>) -> Result<(), String> {
        let indicators = &mut self.parts.indicators;
        match indicators.last() {
            Some(last) if last.code.as_str() == c => {
                indicators.pop();
            }
            Some(last) if last.code.as_str() > c => self.sorted = false,
            _ => {}
        }
        if let Some(fields) = fields {
            indicators.push(fields.indicator(c, self.target_years, self.actual_years)?);
        }
        Ok(())
    }

    /// The position of `indicator` in the structure, `None` if it has none (removed). Rows come
    /// by indicator: the previous row's indicator, or the one after it, is tried before a search.
    fn locate(&mut self, indicator: &str) -> Option<usize> {
        let indicators = &mut self.parts.indicators;
        if !self.sorted {
            indicators.sort_by(|a, b| a.code.as_str().cmp(b.code.as_str()));
            self.sorted = true;
        }
        let i = [self.last, self.last + 1]
            .into_iter()
            .find(|&i| indicators.get(i).is_some_and(|t| t.code.as_str() == indicator))
            .or_else(|| indicators.binary_search_by(|t| t.code.as_str().cmp(indicator)).ok())?;
        self.last = i;
        Some(i)
    }

    /// An indicator's row of current values (a `current_series` text): the targets of every year,
    /// the actuals up to `actuals_up_to`.
    pub fn series(&mut self, indicator: &str, series: &str, actuals_up_to: i64) -> Result<(), String> {
        // The indicator found once for all its values; one not in the structure is left out.
        let Some(i) = self.locate(indicator) else { return Ok(()) };
        let ind = &mut self.parts.indicators[i];
        let mut lines = SeriesLines { rest: series };
        while let Some(value) = lines.next_line() {
            let (y, role, text) = value.map_err(|e| format!("{indicator}: {e}"))?;
            let map = match role {
                "target" => &mut ind.targets,
                "actual" if y <= actuals_up_to => &mut ind.actuals,
                "actual" => continue,
                other => return Err(format!("{indicator}: role {other}")),
            };
            let cell = Cell::parse(text, ind.unit).map_err(|e| format!("{indicator}: {e}"))?;
            map.insert(year(y)?, cell);
        }
        Ok(())
    }

    /// The policy, its structure checked.
    pub fn finish(self) -> Result<Policy, String> {
        Policy::new(self.parts).map_err(|issues| format!("{issues:?}"))
    }
}

/// An indicator's current values as `current_series` keeps them (migration 0012): a line
/// `year role text` per value, in the order given.
pub fn series_text<'a>(values: impl Iterator<Item = (i64, &'a str, &'a str)>) -> String {
    let mut out = String::new();
    for (year, role, text) in values {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&year.to_string());
        out.push(' ');
        out.push_str(role);
        out.push(' ');
        out.push_str(text);
    }
    out
}

/// An indicator's `current_series` text with one value set: the line of `year` and `role`
/// replaced, or added in its place (by year, then role), the others as they were.
pub fn series_with(series: &str, year: i64, role: &str, text: &str) -> Result<String, String> {
    let mut values = (SeriesLines { rest: series }).collect::<Result<Vec<_>, String>>()?;
    if let Some(v) = values.iter_mut().find(|(y, r, _)| (*y, *r) == (year, role)) {
        v.2 = text;
    } else {
        let at = values.iter().position(|(y, r, _)| (*y, *r) > (year, role)).unwrap_or(values.len());
        values.insert(at, (year, role, text));
    }
    Ok(series_text(values.into_iter()))
}

/// The values of a `current_series` text: `(year, role, text)`, or what is not a line of it.
#[cfg(test)]
pub fn series_values(series: &str) -> impl Iterator<Item = Result<(i64, &str, &str), String>> {
    SeriesLines { rest: series }
}

/// The lines of a `current_series` text, each `year role text`, read byte by byte (a national
/// portfolio has tens of millions of them): the year's digits, the role up to the next space, the
/// text up to the end of the line.
struct SeriesLines<'a> {
    rest: &'a str,
}

impl<'a> Iterator for SeriesLines<'a> {
    type Item = Result<(i64, &'a str, &'a str), String>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_line()
    }
}

impl<'a> SeriesLines<'a> {
    /// The next line's values. Texts are short: the line's end is found by a plain scan, past
    /// the year and role when the line starts as most do (`2024 target `).
    #[inline]
    fn next_line(&mut self) -> Option<Result<(i64, &'a str, &'a str), String>> {
        loop {
            let bytes = self.rest.as_bytes();
            if bytes.is_empty() {
                return None;
            }
            if common_start(bytes) {
                let end = bytes[12..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |i| 12 + i);
                let year = bytes[..4].iter().fold(0i64, |y, &d| y * 10 + i64::from(d - b'0'));
                // Cut at ASCII bytes (spaces, a newline) or the end: whole characters.
                let (role, text) = (self.rest.get(5..11)?, self.rest.get(12..end)?);
                self.rest = self.rest.get(end + 1..).unwrap_or("");
                return Some(Ok((year, role, text)));
            }
            let end = bytes.iter().position(|&b| b == b'\n').unwrap_or(bytes.len());
            let (line, rest) = self.rest.split_at(end);
            self.rest = rest.get(1..).unwrap_or("");
            if !line.is_empty() {
                return Some(series_line(line).ok_or_else(|| format!("current_series: «{line}»")));
            }
        }
    }
}

/// Whether a line starts with a four-digit year, a space, `target` or `actual` and a space.
fn common_start(bytes: &[u8]) -> bool {
    matches!(
        bytes,
        [b'0'..=b'9', b'0'..=b'9', b'0'..=b'9', b'0'..=b'9', b' ', b't', b'a', b'r', b'g', b'e', b't', b' ', ..]
            | [b'0'..=b'9', b'0'..=b'9', b'0'..=b'9', b'0'..=b'9', b' ', b'a', b'c', b't', b'u', b'a', b'l', b' ', ..]
    )
}

/// `year role text`: the year's digits (at most 9), the role up to the next space, the text to
/// the end.
fn series_line(line: &str) -> Option<(i64, &str, &str)> {
    let bytes = line.as_bytes();
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > 9 || bytes.get(digits) != Some(&b' ') {
        return None;
    }
    let year = bytes[..digits].iter().fold(0i64, |y, &d| y * 10 + i64::from(d - b'0'));
    let after = &line[digits + 1..];
    let role_len = after.bytes().position(|b| b == b' ')?;
    // Both ends are at ASCII spaces, so both slices are whole characters.
    Some((year, &after[..role_len], &after[role_len + 1..]))
}

/// A policy's series to write after a change: each indicator `touched` with its values in `state`
/// (the policy as it stands after the change), `None` when it has none left.
pub fn touched_series<'a>(state: &'a State, touched: impl Iterator<Item = &'a str>) -> Vec<(&'a str, Option<String>)> {
    touched
        .map(|indicator| {
            let from = (indicator.to_string(), i64::MIN, "");
            let values = state
                .values
                .range(from..)
                .take_while(|((i, _, _), _)| i == indicator)
                .map(|((_, y, role), v)| (*y, *role, v.text.as_str()));
            let text = series_text(values);
            (indicator, (!text.is_empty()).then_some(text))
        })
        .collect()
}

#[cfg(test)]
mod series_tests {
    use super::*;

    #[test]
    fn a_series_reads_back_its_values() {
        let values = [(2021, "actual", "12.5"), (2021, "target", "ND"), (2030, "target", "")];
        let text = series_text(values.iter().copied());
        assert_eq!(text, "2021 actual 12.5\n2021 target ND\n2030 target ");
        let back: Vec<_> = series_values(&text).collect::<Result<_, _>>().unwrap_or_default();
        assert_eq!(back, values);
        assert!(series_values("20x1 target 3").next().is_some_and(|r| r.is_err()));
        assert_eq!(series_values("").count(), 0);
        assert_eq!(series_values("\n\n2021 target 5\n\n").collect::<Vec<_>>(), [Ok((2021, "target", "5"))]);
        assert_eq!(series_values("2021 target añó\n2022 target ñ").count(), 2);
        // Years of other lengths and other roles go the long way, to the same reading.
        let other: Vec<_> = series_values("999 target 5\n12345 actual 7\n2024 plan 8\n2024 actual").collect();
        assert_eq!(other[..3], [Ok((999, "target", "5")), Ok((12345, "actual", "7")), Ok((2024, "plan", "8"))]);
        assert_eq!(other[3], Err("current_series: «2024 actual»".to_string()));
        // A text keeps its inner spaces; a line without a role or a text is corrupt.
        let spaced: Vec<_> = series_values("2024 actual 20 %\n2025 target 1").collect();
        assert_eq!(spaced, [Ok((2024, "actual", "20 %")), Ok((2025, "target", "1"))]);
        for bad in ["2024", "2024 actual", " actual 3", "2024actual 3", "-2024 actual 3", "20244444444 actual 3"] {
            assert_eq!(series_values(bad).next(), Some(Err(format!("current_series: «{bad}»"))), "{bad}");
        }
    }

    #[test]
    fn a_value_set_in_a_series_takes_its_place() {
        let series = "2021 actual 12.5\n2021 target ND\n2024 target 30";
        assert_eq!(
            series_with(series, 2021, "target", "40").as_deref(),
            Ok("2021 actual 12.5\n2021 target 40\n2024 target 30")
        );
        assert_eq!(
            series_with(series, 2022, "actual", "7").as_deref(),
            Ok("2021 actual 12.5\n2021 target ND\n2022 actual 7\n2024 target 30")
        );
        assert_eq!(
            series_with(series, 2024, "actual", "").as_deref(),
            Ok("2021 actual 12.5\n2021 target ND\n2024 actual \n2024 target 30")
        );
        assert_eq!(series_with("", 2030, "target", "1").as_deref(), Ok("2030 target 1"));
        assert_eq!(series_with("2021 actual", 2030, "target", "1"), Err("current_series: «2021 actual»".to_string()));
    }
}
