//! Importing published reports: the reference gives exactly the hand-checked example dataset.

use std::path::{Path, PathBuf};

use avance_import::dataset;
use avance_import::report_text::{self, Evidence, Options};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn reference() -> report_text::ReportImport {
    let file = root().join("tests/fixtures/pndi-2024/pndi-2024-reporte-seguimiento.txt");
    match report_text::read(&file, &Options::default()) {
        Ok(r) => r,
        Err(issues) => {
            panic!("{:#?}", issues.iter().map(|i| i.render(avance_core::lang::Lang::Es)).collect::<Vec<_>>())
        }
    }
}

#[test]
fn the_reference_imports_to_the_example_dataset() {
    let imported = reference();
    let example = dataset::read(&root().join("examples/pndi-2024")).expect("example");
    // Field by field first, for a readable failure; then the whole.
    let (a, b) = (imported.policy.parts(), example.parts());
    assert_eq!(a.meta, b.meta);
    assert_eq!(a.objectives, b.objectives);
    assert_eq!(a.lineamientos, b.lineamientos);
    assert_eq!(a.services, b.services);
    assert_eq!(a.indicators.len(), b.indicators.len());
    for (x, y) in a.indicators.iter().zip(&b.indicators) {
        assert_eq!(x, y, "{}", x.code);
    }
    assert_eq!(dataset::to_json(&imported.policy), dataset::to_json(&example));
}

#[test]
fn every_year_decision_has_its_evidence() {
    let imported = reference();
    assert_eq!(imported.decisions.len(), 91);
    let reproduced = imported.decisions.iter().filter(|d| matches!(d.evidence, Evidence::Reproduces { .. })).count();
    let usual = imported.decisions.iter().filter(|d| matches!(d.evidence, Evidence::Usual { .. })).count();
    assert_eq!(reproduced + usual, 91, "{:#?}", imported.decisions);
}

#[test]
#[ignore]
fn show() {
    let r = reference();
    for d in &r.decisions {
        println!("{} {} {:?} {:?} {:?}", d.code, d.printed, d.targets, d.actuals, d.evidence);
    }
    println!("{:?}", r.published.counts);
    println!("{:?} {:?}", r.published.index, r.published.objectives);
    for p in &r.published.alerts {
        println!(
            "{:?} {:?} {:?}",
            p.objective,
            p.state,
            p.claims.iter().map(|c| format!("{} {:?}", c.service, c.kind)).collect::<Vec<_>>()
        );
    }
}
