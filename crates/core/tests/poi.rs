//! Property tests of the POI rules across the versions of CEPLAN's application: the versions
//! differ only in how they print and average, never in which activities are S.P. or S.I.
#![allow(clippy::unwrap_used)]

use avance_core::number::round_display;
use avance_core::poi::{Activity, Aggregation, Figure, Period, PoiProfile, activity, compute};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn aggregation() -> impl Strategy<Value = Aggregation> {
    prop_oneof![Just(Aggregation::AcumuladoAnual), Just(Aggregation::AcumuladoMensual), Just(Aggregation::NoAcumulado)]
}

fn an_activity(n: usize) -> impl Strategy<Value = Activity> {
    (
        aggregation(),
        0..3usize,
        proptest::array::uniform12(prop_oneof![3 => Just(0i64), 7 => 1..500i64]),
        proptest::array::uniform12(prop_oneof![1 => Just(None), 9 => (0..700i64).prop_map(Some)]),
    )
        .prop_map(move |(aggregation, aei, prog, exec)| Activity {
            code: format!("AO{n:03}"),
            aei: format!("AEI.0{}", aei + 1),
            aggregation,
            programmed: prog.map(Decimal::from),
            executed: exec.map(|e| e.map(Decimal::from)),
            ..Activity::default()
        })
}

fn a_plan() -> impl Strategy<Value = Vec<Activity>> {
    proptest::collection::vec(any::<u8>(), 1..12)
        .prop_flat_map(|v| v.iter().enumerate().map(|(n, _)| an_activity(n)).collect::<Vec<_>>())
}

fn period() -> impl Strategy<Value = Period> {
    (1u8..=12, 0u8..=12).prop_map(|(last, due)| Period { first: 1, last, due_through: due })
}

fn kind(f: Figure) -> u8 {
    match f {
        Figure::Value(_) => 0,
        Figure::SinProgramacion => 1,
        Figure::SeguimientoIncompleto => 2,
        Figure::Blank => 3,
    }
}

proptest! {
    #[test]
    fn versions_agree_on_sp_and_si_and_differ_only_in_printing(plan in a_plan(), p in period()) {
        let (old, new) = (PoiProfile::v2021(), PoiProfile::v2022());
        let a = compute(&plan, p, &old, false);
        let b = compute(&plan, p, &new, false);
        for ((code, fa), (_, fb)) in a.activities.iter().zip(&b.activities) {
            prop_assert_eq!(kind(*fa), kind(*fb), "{}", code);
            if let (Figure::Value(x), Figure::Value(y)) = (fa, fb) {
                // The same exact figure; 2022 prints it cut at 100 with two decimals.
                prop_assert_eq!(x, y);
                prop_assert!(new.printed(*y) <= Decimal::ONE_HUNDRED);
                prop_assert_eq!(new.printed(*y), round_display((*y).min(Decimal::ONE_HUNDRED), 2));
                prop_assert_eq!(old.printed(*x), round_display(*x, 0));
            }
        }
        // 2022's means are of printed values, all at most 100.
        for (_, f) in b.aei.iter().chain(std::iter::once(&(String::new(), b.total))) {
            if let Figure::Value(v) = f {
                prop_assert!(*v <= Decimal::ONE_HUNDRED && *v >= Decimal::ZERO);
            }
        }
    }

    #[test]
    fn an_activity_figure_does_not_depend_on_its_neighbours(plan in a_plan(), p in period()) {
        let all = compute(&plan, p, &PoiProfile::v2022(), true);
        for (a, (_, f)) in plan.iter().zip(&all.activities) {
            prop_assert_eq!(activity(a, p), *f);
        }
    }

    #[test]
    fn more_execution_never_lowers_an_accumulating_activity(plan in a_plan(), p in period(), extra in 1..100i64) {
        for a in plan.iter().filter(|a| a.aggregation == Aggregation::AcumuladoAnual) {
            let before = activity(a, p);
            let mut more = a.clone();
            let m = usize::from(p.last) - 1;
            more.executed[m] = Some(more.executed[m].unwrap_or_default() + Decimal::from(extra));
            let after = activity(&more, p);
            if let (Figure::Value(x), Figure::Value(y)) = (before, after) {
                prop_assert!(y >= x);
            }
        }
    }
}
