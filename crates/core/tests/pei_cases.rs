//! The `ceplan-pei` profiles against 271 figures published in five PEI follow-up reports of the
//! Instituto Geofísico del Perú (tests/fixtures/pei-igp, README there).

use std::collections::BTreeMap;
use std::path::Path;

use avance_core::Decimal;
use avance_core::avance::evaluate;
use avance_core::code::Code;
use avance_core::model::{Aggregation, Direction, Indicator, Year};
use avance_core::profile::RuleProfile;
use avance_core::value::{Cell, Unit};

/// The application version that produced each report cut.
fn profile_for_cut(cut: u16) -> RuleProfile {
    let id = match cut {
        2018 => "ceplan-pei@2018",
        2019 => "ceplan-pei@2019",
        _ => "ceplan-pei@2020",
    };
    RuleProfile::find(id).expect(id)
}

#[test]
fn every_published_pei_figure() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/pei-igp/cases.csv");
    let mut reader = csv::Reader::from_path(file).expect("cases.csv");
    let mut checked = 0;
    for row in reader.records() {
        let row = row.expect("row");
        let (period, cut, code, year) = (&row[1], &row[2], &row[3], &row[7]);
        let (expected, obtained, published, sequence) = (&row[10], &row[11], &row[12], &row[13]);
        let first: u16 = period[..4].parse().expect("period");
        let year: u16 = year.parse().expect("year");
        let targets: BTreeMap<Year, Cell> = sequence
            .split_whitespace()
            .enumerate()
            .map(|(i, t)| (Year::new(first + i as u16).expect("year"), Cell::parse(t, Unit::Numero).expect(t)))
            .collect();
        let y = Year::new(year).expect("year");
        assert_eq!(targets.get(&y).map(Cell::text), Some(expected), "{code} {year}: sequence and expected agree");
        let ind = Indicator {
            code: "ISS.01.01.01.01".parse::<Code>().expect("code"),
            name: row[5].to_string(),
            responsible: "IGP".into(),
            indicator_type: row[4].to_string(),
            unit: Unit::Numero,
            negative_values: None,
            // PEI reports declare no sense: the profile decides.
            direction: Direction::Trend { sense: None, aggregation: Aggregation::NoAcumulado },
            baseline: None,
            targets,
            actuals: [(y, Cell::parse(obtained, Unit::Numero).expect(obtained))].into_iter().collect(),
        };
        let profile = profile_for_cut(cut.parse().expect("cut"));
        let got = evaluate(&ind, y, &profile).avance.ok().map(|a| profile.displayed(a));
        let want = (published != "ND").then(|| published.parse::<Decimal>().expect(published));
        assert_eq!(
            got,
            want,
            "{cut} {code} {year}: expected {expected}, obtained {obtained}, profile {}",
            profile.id()
        );
        checked += 1;
    }
    assert_eq!(checked, 270);
}
