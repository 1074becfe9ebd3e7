//! The follow-up of a Plan Operativo Institucional (POI): activities (AO) with a monthly physical
//! programming and execution, grouped under the Acciones Estratégicas Institucionales (AEI) of the
//! entity's PEI, and the figures CEPLAN's application prints in its "Reporte de seguimiento del POI".
//!
//! The rules are those its printed notes state (quoted in docs/rules.md, from
//! `../shared/reference/ceplan-app-printed-rules.md`), with what its printed numbers actually do
//! where they depart from the notes, one [`PoiProfile`] per version of the application:
//!
//! - the accumulated programming and execution of an AO over the period depend on its aggregation
//!   (note ii, 2022): the sum of the months ([`Aggregation::AcumuladoAnual`]), the last month with a
//!   value above zero ([`Aggregation::AcumuladoMensual`]), none ([`Aggregation::NoAcumulado`]);
//! - its avance is accumulated execution / accumulated programming × 100, or for a
//!   non-accumulating AO the mean over the months of execution / programming × 100 (note iii);
//! - [`Figure::SinProgramacion`] (S.P.) when it has no programming in the period (note v);
//!   [`Figure::SeguimientoIncompleto`] (S.I.) when a month of the period whose deadline passed
//!   (the last day of the following month, note iv) has no execution recorded;
//! - an AEI's figure is the mean of its AOs' (note vi), and the total the mean over the AOs — not
//!   over the AEIs as note vii says: both versions print that (docs/rules.md).
//!
//! Figures are exact; what a version prints (its decimals, its cap, whether means take the printed
//! values) is in the profile and applied by [`PoiProfile::printed`].

use rust_decimal::Decimal;

use crate::number::{mean, round_display};

/// The months' names as the reports print them, January first.
pub const MONTHS_ES: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];

/// How an AO's monthly values add up over a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Aggregation {
    /// The months add up: the period's value is their sum.
    #[default]
    AcumuladoAnual,
    /// Each month's value is a running stock: the period's value is the last one above zero.
    AcumuladoMensual,
    /// Each month stands alone: there is no accumulated value ('-'), the avance is the mean of the
    /// months' avances.
    NoAcumulado,
}

impl Aggregation {
    pub const ALL: [Aggregation; 3] =
        [Aggregation::AcumuladoAnual, Aggregation::AcumuladoMensual, Aggregation::NoAcumulado];

    pub fn id(self) -> &'static str {
        match self {
            Aggregation::AcumuladoAnual => "acumulado_anual",
            Aggregation::AcumuladoMensual => "acumulado_mensual",
            Aggregation::NoAcumulado => "no_acumulado",
        }
    }
}

/// An activity of the POI with its twelve months.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Activity {
    pub code: String,
    pub name: String,
    /// Its unit of measure (informe, persona capacitada…).
    pub unit: String,
    /// Its priority in the POI, when the plan gives one (1 first).
    pub priority: Option<u32>,
    /// The AEI it serves.
    pub aei: String,
    pub aggregation: Aggregation,
    /// Physical programming, January to December (zero: nothing programmed that month).
    pub programmed: [Decimal; 12],
    /// Physical execution; `None` where the month's follow-up was not recorded.
    pub executed: [Option<Decimal>; 12],
}

/// An entity's POI for a year: its AEI (from its PEI) and its activities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoiPlan {
    /// The entity: its code (the pliego's or the unit's), its name, its sector.
    pub entity_code: String,
    pub entity_name: String,
    pub sector: String,
    pub year: i32,
    /// The rule profile its reports follow (`ceplan-poi@2022`).
    pub profile: String,
    /// The AEI, in order: (code, name).
    pub aei: Vec<(String, String)>,
    pub activities: Vec<Activity>,
}

/// The months a report covers (1 to 12, inclusive), and the day it is generated: a month's
/// follow-up is due by the last day of the following month (note iv).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub first: u8,
    pub last: u8,
    /// The last month whose follow-up was due on the report's date (0: none): months after it
    /// without a record are not S.I. yet.
    pub due_through: u8,
}

impl Period {
    /// The first semester, reported after July 31 (January to June all due).
    pub const FIRST_SEMESTER: Period = Period { first: 1, last: 6, due_through: 6 };
    /// The whole year, reported after the following January 31.
    pub const YEAR: Period = Period { first: 1, last: 12, due_through: 12 };

    /// The period of months `first..=last` reported on a day of month `report_month` of
    /// `report_year` (the plan's year or a later one): month m is due once its following month has
    /// ended.
    pub fn on(first: u8, last: u8, plan_year: i32, report_year: i32, report_month: u8) -> Period {
        let months_since = (report_year - plan_year) * 12 + i32::from(report_month);
        // On a day of month k (counted from the plan's January = 1), months up to k − 2 are due.
        let due = (months_since - 2).clamp(0, 12);
        Period { first, last, due_through: u8::try_from(due).unwrap_or(0) }
    }

    /// The months of the period, January = 1.
    pub fn months(self) -> std::ops::RangeInclusive<usize> {
        usize::from(self.first.max(1))..=usize::from(self.last.min(12))
    }
}

/// The last day on which the follow-up of `month` (1 to 12) of `year` is due (note iv): the last
/// day of the following month, as `(year, month, day)`.
pub fn month_deadline(year: i32, month: u8) -> (i32, u8, u8) {
    let (y, m) = if month >= 12 { (year + 1, 1) } else { (year, month.max(1) + 1) };
    (y, m, days_in_month(y, m))
}

/// The days of a month of the Gregorian calendar.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// An AO's, an AEI's or the total's figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    /// An avance, exact, in percent.
    Value(Decimal),
    /// S.P.: no programming in the period.
    SinProgramacion,
    /// S.I.: a month of the period whose deadline passed has no execution recorded.
    SeguimientoIncompleto,
    /// Nothing to compute (an AEI with no AO that has a value).
    Blank,
}

impl Figure {
    pub fn value(self) -> Option<Decimal> {
        if let Figure::Value(v) = self { Some(v) } else { None }
    }

    /// As the reports print it: `S.P.`, `S.I.`, or the value with the profile's decimals.
    pub fn label(self, profile: &PoiProfile) -> String {
        match self {
            Figure::Value(v) => crate::number::format_display(profile.printed(v), profile.decimals),
            Figure::SinProgramacion => "S.P.".to_string(),
            Figure::SeguimientoIncompleto => "S.I.".to_string(),
            Figure::Blank => String::new(),
        }
    }
}

/// How an AEI with S.I. activities is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AeiWithIncomplete {
    /// The mean of its other activities (what the 2021 prints show).
    MeanOfTheOthers,
    /// S.I. (note vi-a of 2022: a value only when none of its AO is S.I.).
    Incomplete,
}

/// One version of CEPLAN's POI report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoiProfile {
    pub name: &'static str,
    pub version: &'static str,
    pub description: &'static str,
    /// Decimals printed.
    pub decimals: u32,
    /// Printed avances are cut at this (`None`: no cap).
    pub cap: Option<Decimal>,
    /// Means (AEI, total) take the printed values, not the exact ones.
    pub mean_of_printed: bool,
    pub aei_with_incomplete: AeiWithIncomplete,
    /// S.P. activities count as 0 in the year's means (2021) instead of being left out.
    pub sin_programacion_as_zero_in_year: bool,
}

impl PoiProfile {
    /// The 2021 application: integers, no cap, means of the exact values, an AEI with S.I.
    /// activities still gets the mean of the others, S.P. counts as 0 in the annual mean.
    pub fn v2021() -> PoiProfile {
        PoiProfile {
            name: "ceplan-poi",
            version: "2021",
            description: "Reporte de seguimiento del POI, aplicativo CEPLAN 2021: avances enteros sin tope; promedios de los valores exactos; la AEI con AO en S.I. toma el promedio de las demás; S.P. cuenta 0 en el promedio anual y se omite en el del periodo; el total es el promedio de las AO",
            decimals: 0,
            cap: None,
            mean_of_printed: false,
            aei_with_incomplete: AeiWithIncomplete::MeanOfTheOthers,
            sin_programacion_as_zero_in_year: true,
        }
    }

    /// The 2022 application: truncated at 100, two decimals, means of the printed values, an AEI
    /// with an S.I. activity is S.I., S.P. and '-' left out of the means.
    pub fn v2022() -> PoiProfile {
        PoiProfile {
            name: "ceplan-poi",
            version: "2022",
            description: "Reporte de seguimiento del POI, aplicativo CEPLAN 2022: avances truncados al 100 % con dos decimales; promedios de los valores impresos; la AEI con alguna AO en S.I. no tiene valor; S.P. y '-' no entran en los promedios; el total es el promedio de las AO (no de las AEI, como dice la nota vii)",
            decimals: 2,
            cap: Some(Decimal::ONE_HUNDRED),
            mean_of_printed: true,
            aei_with_incomplete: AeiWithIncomplete::Incomplete,
            sin_programacion_as_zero_in_year: false,
        }
    }

    pub fn id(&self) -> String {
        format!("{}@{}", self.name, self.version)
    }

    /// Every version, oldest first.
    pub fn all() -> [PoiProfile; 2] {
        [PoiProfile::v2021(), PoiProfile::v2022()]
    }

    /// `ceplan-poi@2021`, `ceplan-poi@2022`, or `ceplan-poi` (the latest).
    pub fn find(id: &str) -> Option<PoiProfile> {
        match id {
            "ceplan-poi@2021" => Some(PoiProfile::v2021()),
            "ceplan-poi@2022" | "ceplan-poi" => Some(PoiProfile::v2022()),
            _ => None,
        }
    }

    /// The value as this version prints it: capped, then rounded half away from zero.
    pub fn printed(&self, v: Decimal) -> Decimal {
        let capped = match self.cap {
            Some(c) if v > c => c,
            _ => v,
        };
        round_display(capped, self.decimals)
    }

    fn for_mean(&self, v: Decimal) -> Decimal {
        if self.mean_of_printed { self.printed(v) } else { v }
    }
}

/// An AO's accumulated programming and execution over the period (note ii); `None` for a
/// non-accumulating AO ('-').
pub fn accumulated(a: &Activity, p: Period) -> Option<(Decimal, Decimal)> {
    let months = p.months();
    match a.aggregation {
        Aggregation::AcumuladoAnual => Some((
            a.programmed[months.start() - 1..*months.end()].iter().copied().sum(),
            a.executed[months.start() - 1..*months.end()].iter().flatten().copied().sum(),
        )),
        Aggregation::AcumuladoMensual => {
            let last_positive =
                |vals: Vec<Decimal>| vals.into_iter().rev().find(|v| *v > Decimal::ZERO).unwrap_or_default();
            Some((
                last_positive(months.clone().map(|m| a.programmed[m - 1]).collect()),
                last_positive(months.map(|m| a.executed[m - 1].unwrap_or_default()).collect()),
            ))
        }
        Aggregation::NoAcumulado => None,
    }
}

/// An AO's avance over the period (notes iii–v).
pub fn activity(a: &Activity, p: Period) -> Figure {
    let months = p.months();
    if months.clone().all(|m| a.programmed[m - 1].is_zero()) {
        return Figure::SinProgramacion;
    }
    if months.clone().any(|m| m <= usize::from(p.due_through) && a.executed[m - 1].is_none()) {
        return Figure::SeguimientoIncompleto;
    }
    match accumulated(a, p) {
        Some((prog, exec)) if !prog.is_zero() => Figure::Value(exec / prog * Decimal::ONE_HUNDRED),
        Some(_) => Figure::SinProgramacion,
        None => {
            let ratios: Vec<Decimal> = months
                .filter(|m| !a.programmed[m - 1].is_zero())
                .filter_map(|m| a.executed[m - 1].map(|e| e / a.programmed[m - 1] * Decimal::ONE_HUNDRED))
                .collect();
            mean(ratios).map_or(Figure::SinProgramacion, Figure::Value)
        }
    }
}

/// The figures of a report: each AO's, each AEI's (in order of first appearance) and the total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoiResult {
    pub activities: Vec<(String, Figure)>,
    pub aei: Vec<(String, Figure)>,
    pub total: Figure,
}

/// The figures of the activities over the period, as `profile` makes them. `year` says whether
/// the means are the year's (2021 counts S.P. as 0 there) or the period's.
pub fn compute(activities: &[Activity], p: Period, profile: &PoiProfile, year: bool) -> PoiResult {
    let figures: Vec<(String, String, Figure)> =
        activities.iter().map(|a| (a.code.clone(), a.aei.clone(), activity(a, p))).collect();
    let sp_as_zero = year && profile.sin_programacion_as_zero_in_year;
    // What enters a mean: values (exact or printed), S.P. as 0 where the version counts it.
    let entry = |f: Figure| -> Option<Decimal> {
        match f {
            Figure::Value(v) => Some(profile.for_mean(v)),
            Figure::SinProgramacion if sp_as_zero => Some(Decimal::ZERO),
            _ => None,
        }
    };
    let mut order: Vec<String> = Vec::new();
    for (_, aei, _) in &figures {
        if !order.contains(aei) {
            order.push(aei.clone());
        }
    }
    let aei = order
        .into_iter()
        .map(|code| {
            let own: Vec<Figure> = figures.iter().filter(|(_, a, _)| *a == code).map(|(_, _, f)| *f).collect();
            let incomplete = own.contains(&Figure::SeguimientoIncompleto);
            let f = if incomplete && profile.aei_with_incomplete == AeiWithIncomplete::Incomplete {
                Figure::SeguimientoIncompleto
            } else if own.iter().all(|f| *f == Figure::SinProgramacion) {
                // What both versions print for an AEI whose activities are all S.P.
                Figure::Value(Decimal::ZERO)
            } else {
                mean(own.iter().filter_map(|f| entry(*f))).map_or(Figure::Blank, Figure::Value)
            };
            (code, f)
        })
        .collect();
    // The printed total is the mean over the activities (not over the AEIs, as note vii says).
    let total = mean(figures.iter().filter_map(|(_, _, f)| entry(*f))).map_or(Figure::Blank, Figure::Value);
    PoiResult { activities: figures.into_iter().map(|(c, _, f)| (c, f)).collect(), aei, total }
}

/// What a printed figure of a POI report is of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PoiTarget {
    /// The activity at this index of the plan's activities.
    Activity(usize),
    /// An AEI, by its code.
    Aei(String),
    /// The ejecución física total.
    Total,
}

/// A figure a published POI report printed, as printed (`100.00`, `67`, `S.P.`, `S.I.`, or empty
/// for an AEI with nothing to average).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedPoiFigure {
    pub target: PoiTarget,
    pub printed: String,
}

/// A printed figure that the report's own data, under its version's rules, do not give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoiFinding {
    pub target: PoiTarget,
    pub published: String,
    pub computed: Figure,
}

/// Whether a printed figure is what `figure` prints under `profile`: the same number at the
/// version's decimals (`100` is `100.00`), `S.P.`, `S.I.` (with or without its last dot), or
/// nothing (empty or `-`) for a blank figure.
pub fn agrees(printed: &str, figure: Figure, profile: &PoiProfile) -> bool {
    let printed = printed.trim();
    match figure {
        Figure::Value(v) => printed
            .trim_end_matches('%')
            .parse::<Decimal>()
            .is_ok_and(|p| p == round_display(profile.printed(v), profile.decimals)),
        Figure::SinProgramacion => matches!(printed, "S.P." | "S.P"),
        Figure::SeguimientoIncompleto => matches!(printed, "S.I." | "S.I"),
        Figure::Blank => matches!(printed, "" | "-"),
    }
}

/// The printed figures of a report that its own data, computed in `result`, contradict.
pub fn audit(result: &PoiResult, published: &[PublishedPoiFigure], profile: &PoiProfile) -> Vec<PoiFinding> {
    published
        .iter()
        .filter_map(|p| {
            let computed = match &p.target {
                PoiTarget::Activity(i) => result.activities.get(*i)?.1,
                PoiTarget::Aei(code) => result.aei.iter().find(|(c, _)| c == code)?.1,
                PoiTarget::Total => result.total,
            };
            (!agrees(&p.printed, computed, profile)).then(|| PoiFinding {
                target: p.target.clone(),
                published: p.printed.clone(),
                computed,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(x: i64) -> Decimal {
        Decimal::from(x)
    }

    fn ao(code: &str, aei: &str, agg: Aggregation, prog: [i64; 6], exec: [Option<i64>; 6]) -> Activity {
        let mut programmed = [Decimal::ZERO; 12];
        let mut executed = [None; 12];
        for m in 0..6 {
            programmed[m] = Decimal::from(prog[m]);
            executed[m] = exec[m].map(Decimal::from);
        }
        Activity { code: code.into(), aei: aei.into(), aggregation: agg, programmed, executed, ..Activity::default() }
    }

    #[test]
    fn accumulated_values_by_aggregation() {
        // Note ii (2022): the sum from January to June; the last value above zero; '-'.
        let anual = ao(
            "AO1",
            "AEI.01",
            Aggregation::AcumuladoAnual,
            [2, 2, 2, 2, 2, 2],
            [Some(1), Some(2), Some(3), Some(0), Some(2), Some(2)],
        );
        assert_eq!(accumulated(&anual, Period::FIRST_SEMESTER), Some((d(12), d(10))));
        let mensual = ao(
            "AO2",
            "AEI.01",
            Aggregation::AcumuladoMensual,
            [10, 20, 30, 40, 50, 0],
            [Some(8), Some(18), Some(33), Some(41), Some(0), Some(0)],
        );
        assert_eq!(accumulated(&mensual, Period::FIRST_SEMESTER), Some((d(50), d(41))));
        let no = ao(
            "AO3",
            "AEI.01",
            Aggregation::NoAcumulado,
            [4, 4, 0, 4, 4, 4],
            [Some(4), Some(2), Some(0), Some(4), Some(3), Some(4)],
        );
        assert_eq!(accumulated(&no, Period::FIRST_SEMESTER), None);
        // Note iii: 10/12 = 83.33…; 41/50 = 82; the mean of 100, 50, 100, 75, 100 (March, with no
        // programming, has no ratio) = 85.
        assert_eq!(activity(&anual, Period::FIRST_SEMESTER), Figure::Value(d(10) / d(12) * d(100)));
        assert_eq!(activity(&mensual, Period::FIRST_SEMESTER), Figure::Value(d(82)));
        assert_eq!(activity(&no, Period::FIRST_SEMESTER), Figure::Value(d(85)));
    }

    #[test]
    fn sin_programacion_and_seguimiento_incompleto() {
        let sp = ao("AO4", "AEI.02", Aggregation::AcumuladoAnual, [0; 6], [Some(0); 6]);
        assert_eq!(activity(&sp, Period::FIRST_SEMESTER), Figure::SinProgramacion);
        let si = ao(
            "AO5",
            "AEI.02",
            Aggregation::AcumuladoAnual,
            [1; 6],
            [Some(1), Some(1), None, Some(1), Some(1), Some(1)],
        );
        assert_eq!(activity(&si, Period::FIRST_SEMESTER), Figure::SeguimientoIncompleto);
        // Note iv: June's follow-up is due by July 31: a report of July 15 does not count it yet.
        let june_missing = ao(
            "AO6",
            "AEI.02",
            Aggregation::AcumuladoAnual,
            [1; 6],
            [Some(1), Some(1), Some(1), Some(1), Some(1), None],
        );
        let july_15 = Period::on(1, 6, 2022, 2022, 7);
        assert_eq!(july_15.due_through, 5);
        // Not S.I. yet: the execution recorded so far against the period's programming, 5 / 6.
        assert_eq!(activity(&june_missing, july_15), Figure::Value(d(5) / d(6) * d(100)));
        let august_1 = Period::on(1, 6, 2022, 2022, 8);
        assert_eq!(august_1.due_through, 6);
        assert_eq!(activity(&june_missing, august_1), Figure::SeguimientoIncompleto);
        assert_eq!(Period::on(1, 12, 2022, 2023, 2).due_through, 12);
        assert_eq!(Period::on(1, 12, 2022, 2023, 1).due_through, 11);
    }

    fn plan() -> Vec<Activity> {
        vec![
            // AEI.01: 150 %, 50 %, S.P.
            ao(
                "AO1",
                "AEI.01",
                Aggregation::AcumuladoAnual,
                [2, 0, 0, 0, 0, 0],
                [Some(3), Some(0), Some(0), Some(0), Some(0), Some(0)],
            ),
            ao(
                "AO2",
                "AEI.01",
                Aggregation::AcumuladoAnual,
                [1, 1, 1, 1, 1, 1],
                [Some(1), Some(1), Some(1), Some(0), Some(0), Some(0)],
            ),
            ao("AO3", "AEI.01", Aggregation::AcumuladoAnual, [0; 6], [Some(0); 6]),
            // AEI.02: 2/3 × 100 and S.I.
            ao(
                "AO4",
                "AEI.02",
                Aggregation::AcumuladoAnual,
                [3, 0, 0, 0, 0, 0],
                [Some(2), Some(0), Some(0), Some(0), Some(0), Some(0)],
            ),
            ao(
                "AO5",
                "AEI.02",
                Aggregation::AcumuladoAnual,
                [1; 6],
                [Some(1), None, Some(1), Some(1), Some(1), Some(1)],
            ),
            // AEI.03: every AO S.P.
            ao("AO6", "AEI.03", Aggregation::AcumuladoAnual, [0; 6], [Some(0); 6]),
        ]
    }

    #[test]
    fn the_2022_version() {
        let p = PoiProfile::v2022();
        let r = compute(&plan(), Period::FIRST_SEMESTER, &p, false);
        let labels: Vec<String> = r.activities.iter().map(|(_, f)| f.label(&p)).collect();
        assert_eq!(labels, ["100.00", "50.00", "S.P.", "66.67", "S.I.", "S.P."]);
        // AEI: means of the printed values, S.P. left out, S.I. makes the AEI S.I. (note vi);
        // an AEI of S.P. activities prints 0.
        let aei: Vec<String> = r.aei.iter().map(|(_, f)| f.label(&p)).collect();
        assert_eq!(aei, ["75.00", "S.I.", "0.00"]);
        // Total: the mean over the AOs' printed values (100 + 50 + 66.67) / 3 = 72.223…
        assert_eq!(r.total, Figure::Value(Decimal::new(21667, 2) / d(3)));
        assert_eq!(r.total.label(&p), "72.22");
    }

    #[test]
    fn the_2021_version() {
        let p = PoiProfile::v2021();
        let period = compute(&plan(), Period::FIRST_SEMESTER, &p, false);
        let labels: Vec<String> = period.activities.iter().map(|(_, f)| f.label(&p)).collect();
        assert_eq!(labels, ["150", "50", "S.P.", "67", "S.I.", "S.P."]);
        // The AEI with an S.I. activity still gets a value; means of the exact values.
        assert_eq!(period.aei[0].1, Figure::Value(d(100)));
        assert_eq!(period.aei[1].1, Figure::Value(d(2) / d(3) * d(100)));
        assert_eq!(period.aei[2].1, Figure::Value(Decimal::ZERO));
        // Period total: S.P. left out: (150 + 50 + 66.66…) / 3 = 88.88…, printed 89.
        assert_eq!(period.total.label(&p), "89");
        // Year: S.P. counts as 0: (150 + 50 + 0 + 66.66… + 0) / 5 = 53.33…, printed 53.
        let year = compute(&plan(), Period::FIRST_SEMESTER, &p, true);
        assert_eq!(year.total.label(&p), "53");
        assert_eq!(year.aei[0].1.label(&p), "67");
    }

    #[test]
    fn a_month_is_due_on_the_last_day_of_the_next() {
        assert_eq!(month_deadline(2022, 1), (2022, 2, 28));
        assert_eq!(month_deadline(2024, 1), (2024, 2, 29));
        assert_eq!(month_deadline(2022, 6), (2022, 7, 31));
        assert_eq!(month_deadline(2022, 8), (2022, 9, 30));
        assert_eq!(month_deadline(2022, 12), (2023, 1, 31));
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(2000, 2), 29);
        // The same rule as Period::on: on the day after a month's deadline, it is due.
        let (y, m, _) = month_deadline(2022, 6);
        assert_eq!(Period::on(1, 12, 2022, y, m + 1).due_through, 6);
        assert_eq!(Period::on(1, 12, 2022, y, m).due_through, 5);
    }

    #[test]
    fn profiles_are_found_by_name() {
        assert_eq!(PoiProfile::find("ceplan-poi").map(|p| p.id()), Some("ceplan-poi@2022".into()));
        assert_eq!(PoiProfile::find("ceplan-poi@2021").map(|p| p.decimals), Some(0));
        assert!(PoiProfile::find("ceplan-poi@2019").is_none());
    }
}
