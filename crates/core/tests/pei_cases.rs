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

/// The five reports as plans: each report's indicators with their actuals of every year of the
/// cut, followed up with `pei::compute` under the report's profile, print what was published.
#[test]
fn every_published_pei_report_as_a_plan() {
    use avance_core::model::Year;
    use avance_core::pei::{PeiPlan, compute};
    use std::collections::BTreeMap;

    let cases = pei_cases::cases();
    let mut reports: BTreeMap<(String, u16), Vec<&pei_cases::PeiCase>> = BTreeMap::new();
    for case in &cases {
        reports.entry((case.period.clone(), case.cut)).or_default().push(case);
    }
    assert_eq!(reports.len(), 5);
    let mut checked = 0;
    for ((period, cut), rows) in &reports {
        let mut indicators: Vec<avance_core::pei::PeiIndicator> = Vec::new();
        for case in rows {
            match indicators.iter_mut().find(|i| i.code.as_str() == case.code) {
                Some(ind) => {
                    for (y, c) in &case.indicator.actuals {
                        ind.actuals.insert(*y, c.clone());
                    }
                }
                None => indicators.push(case.indicator.clone()),
            }
        }
        let last: u16 = period[5..].parse().expect("period");
        let plan = PeiPlan {
            entity_code: "IGP".into(),
            entity_name: "Instituto Geofísico del Perú".into(),
            sector: "Ambiente".into(),
            first_year: rows[0].first,
            last_year: Year::new(last).expect("year"),
            profile: rows[0].profile().id(),
            elements: Vec::new(),
            indicators,
        };
        let profile = rows[0].profile();
        let result = compute(&plan, Year::new(*cut).expect("cut"), &profile).expect("compute");
        assert_eq!(result.rows.len(), rows.len(), "{period} {cut}: one row per indicator and year");
        for case in rows {
            let row = result
                .rows
                .iter()
                .find(|r| plan.indicators[r.indicator].code.as_str() == case.code && r.year == case.year)
                .expect("row");
            let printed = row.figure.printed(&profile);
            let want = match case.published.as_str() {
                "ND" => "ND".to_string(),
                p => avance_core::number::format_display(p.parse::<Decimal>().expect("published"), 2),
            };
            assert_eq!(printed, want, "{period} {cut} {} {}", case.code, case.year);
            checked += 1;
        }
    }
    assert_eq!(checked, 270);
}
