//! The `ceplan-pei` profiles against 270 figures published in five PEI follow-up reports of the
//! Instituto Geofísico del Perú (tests/fixtures/pei-igp, README there).

#[path = "../../../tests/support/pei_cases.rs"]
mod pei_cases;

use avance_core::Decimal;
use avance_core::avance::evaluate;
use avance_core::value::Cell;

#[test]
fn every_published_pei_figure() {
    let cases = pei_cases::cases();
    for case in &cases {
        let (code, year) = (&case.code, case.year);
        assert_eq!(
            case.indicator.targets.get(&year).map(Cell::text),
            Some(case.expected.as_str()),
            "{code} {year}: sequence and expected agree"
        );
        assert_eq!(case.indicator.targets.keys().next(), Some(&case.first), "{code}: targets start with the period");
        let profile = case.profile();
        let got = evaluate(&case.indicator, year, &profile).avance.ok().map(|a| profile.displayed(a));
        let want = (case.published != "ND").then(|| case.published.parse::<Decimal>().expect("published"));
        assert_eq!(
            got,
            want,
            "{} {code} {year}: expected {}, obtained {}, profile {}",
            case.cut,
            case.expected,
            case.obtained,
            profile.id()
        );
    }
    assert_eq!(cases.len(), 270);
}
