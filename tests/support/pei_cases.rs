//! The 270 PEI cases of `tests/fixtures/pei-igp/cases.csv` (five follow-up reports of the Instituto
//! Geofísico del Perú, README there) as indicators, for the tests of several crates: included with
//! `#[path = "../../../tests/support/pei_cases.rs"] mod pei_cases;`.

use std::path::Path;

use avance_core::model::{Aggregation, Direction, Indicator, Year};
use avance_core::pei::{PeiCode, PeiIndicator};
use avance_core::profile::RuleProfile;
use avance_core::value::{Cell, Unit};

/// One published figure and the indicator-year behind it.
#[derive(Debug)]
pub struct PeiCase {
    pub code: String,
    /// The report cut (2018, 2019, 2020…): the application version that printed it.
    pub cut: u16,
    pub year: Year,
    /// The first year of the plan's period, the first of the targets.
    pub first: Year,
    /// The target of `year` as printed.
    pub expected: String,
    pub obtained: String,
    /// The avance as printed, or `ND`.
    pub published: String,
    /// The indicator with the case's targets and its one actual; no sense declared (PEI reports
    /// declare none: the profile decides).
    pub indicator: PeiIndicator,
    /// The plan's period as the report states it (`2020-2026`).
    pub period: String,
}

impl PeiCase {
    /// The profile of the application version that produced the case's cut.
    pub fn profile(&self) -> RuleProfile {
        avance_core::pei::profile_for_cut(y(self.cut))
    }
}

fn y(n: u16) -> Year {
    Year::new(n).expect("year")
}

/// Every case, in the file's order.
pub fn cases() -> Vec<PeiCase> {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/pei-igp/cases.csv");
    let mut reader = csv::Reader::from_path(file).expect("cases.csv");
    let mut out = Vec::new();
    for row in reader.records() {
        let row = row.expect("row");
        let (period, cut, code, year) = (&row[1], &row[2], &row[3], &row[7]);
        let (expected, obtained, published, sequence) = (&row[10], &row[11], &row[12], &row[13]);
        let first: u16 = period[..4].parse().expect("period");
        let year = y(year.parse().expect("year"));
        let targets: avance_core::model::Series = sequence
            .split_whitespace()
            .enumerate()
            .map(|(i, t)| (y(first + i as u16), Cell::parse(t, Unit::Numero).expect(t)))
            .collect();
        let indicator = Indicator {
            code: code.parse::<PeiCode>().expect("code"),
            name: row[5].to_string(),
            responsible: "IGP".into(),
            indicator_type: row[4].to_string(),
            unit: Unit::Numero,
            negative_values: None,
            direction: Direction::Trend { sense: None, aggregation: Aggregation::NoAcumulado },
            baseline: None,
            targets,
            actuals: [(year, Cell::parse(obtained, Unit::Numero).expect(obtained))].into_iter().collect(),
        };
        out.push(PeiCase {
            code: code.to_string(),
            cut: cut.parse().expect("cut"),
            year,
            first: y(first),
            expected: expected.to_string(),
            obtained: obtained.to_string(),
            published: published.to_string(),
            indicator,
            period: period.to_string(),
        });
    }
    out
}
