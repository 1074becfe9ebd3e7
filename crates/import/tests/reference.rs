//! Every figure of the published reference report (PNDI 2024) from `examples/pndi-2024`.

use std::path::{Path, PathBuf};

use avance_core::code::CodeKind;
use avance_core::compute::{PolicyResult, compute};
use avance_core::model::{Policy, Year};
use avance_core::number::format_display;
use avance_import::dataset;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn example() -> Policy {
    dataset::read(&root().join("examples/pndi-2024")).expect("the example dataset is valid")
}

fn result_2024() -> PolicyResult {
    compute(&example(), Year::new(2024).expect("year"))
}

fn shown(x: Option<avance_core::Decimal>) -> String {
    x.map_or_else(|| "ND".into(), |x| format_display(x, 1))
}

/// `tests/fixtures/pndi-2024/avances.csv`: code, published avance, the avance the rules give from
/// the printed inputs, and a note where the two differ.
#[test]
fn every_indicator_avance_of_the_reference() {
    let result = result_2024();
    let fixture = std::fs::read_to_string(root().join("tests/fixtures/pndi-2024/avances.csv")).expect("fixture");
    let mut rows = 0;
    let mut differing = Vec::new();
    for line in fixture.lines().skip(1) {
        let mut f = line.splitn(4, ',');
        let (code, published, expected, note) =
            (f.next().unwrap_or(""), f.next().unwrap_or(""), f.next().unwrap_or(""), f.next().unwrap_or(""));
        let r = result.indicator(code).unwrap_or_else(|| panic!("{code} is in the dataset"));
        assert_eq!(shown(r.avance()), expected, "{code}");
        if published != expected {
            assert!(!note.is_empty(), "{code}: a difference from the published figure needs its explanation");
            differing.push(code.to_string());
        }
        rows += 1;
    }
    assert_eq!(rows, 91);
    assert_eq!(result.indicators().len(), 91);
    // The three whose published avance came from unrounded inputs printed rounded.
    assert_eq!(differing, ["ISS.01.04.02.02", "ISS.01.04.04.02", "ISS.01.06.03.02"]);
    assert_eq!(result.indicators().filter(|r| r.avance().is_none()).count(), 25);
}

#[test]
fn objective_avances_and_index() {
    let result = result_2024();
    let ops: Vec<(String, String)> = result.objectives.iter().map(|o| (o.code.to_string(), shown(o.avance))).collect();
    assert_eq!(
        ops,
        [("OP.01", "86.5"), ("OP.02", "80.0"), ("OP.03", "71.4"), ("OP.04", "ND")]
            .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert_eq!(shown(result.index), "79.3");
}

#[test]
fn count_rows_of_the_summary_table() {
    let c = result_2024().counts;
    let row = |b: &avance_core::band::BandCounts| [b.bajo, b.intermedio, b.alto, b.nd, b.total()];
    assert_eq!(row(&c.objectives), [1, 2, 0, 1, 4]);
    assert_eq!(row(&c.objective_indicators), [1, 2, 0, 2, 5]);
    assert_eq!(row(&c.service_indicators), [18, 5, 40, 23, 86]);
}

#[test]
fn avance_tipo2_of_iop_01_01() {
    let result = result_2024();
    let r = result.indicator("IOP.01.01").expect("IOP.01.01");
    assert_eq!(shown(r.tipo2.value()), "-41.4");
}

#[test]
fn structure_of_the_reference() {
    let p = example();
    let iop = p.indicators().iter().filter(|i| i.code.kind() == CodeKind::ObjectiveIndicator).count();
    assert_eq!(
        (p.objectives().len(), p.lineamientos().len(), p.services().len(), iop, p.indicators().len() - iop),
        (4, 22, 43, 5, 86)
    );
    // LN.01.05 does not exist in the reference: codes can have gaps.
    assert!(!p.lineamientos().iter().any(|l| l.code.as_str() == "LN.01.05"));
}

#[test]
fn values_are_kept_as_printed() {
    let p = example();
    let text = |code: &str, year: u16, actual: bool| {
        let ind = p.indicators().iter().find(|i| i.code.as_str() == code).expect(code);
        let map = if actual { &ind.actuals } else { &ind.targets };
        map.get(&Year::new(year).expect("year")).map(|c| c.text().to_string())
    };
    assert_eq!(text("ISS.01.03.01.02", 2024, true).as_deref(), Some("10,256"));
    assert_eq!(text("ISS.01.03.03.02", 2022, true).as_deref(), Some("100.00%"));
    assert_eq!(text("ISS.02.04.03.01", 2024, false).as_deref(), Some("0.10%"));
    assert_eq!(text("IOP.04.01", 2024, true).as_deref(), Some("ND"));
}

#[test]
fn the_example_is_in_canonical_form() {
    let file = root().join("examples/pndi-2024/dataset.json");
    let text = std::fs::read_to_string(&file).expect("example");
    assert_eq!(dataset::to_json(&example()), text, "run `avance dataset fmt examples/pndi-2024`");
}

#[test]
fn write_then_read_gives_the_same_policy() {
    let dir = tempfile::tempdir().expect("tempdir");
    let policy = example();
    let written = dataset::write(&policy, dir.path()).expect("write");
    assert_eq!(written, dir.path().join("dataset.json"));
    assert_eq!(dataset::read(dir.path()).expect("read back"), policy);
}

#[test]
fn the_schema_is_valid_json_and_names_the_format() {
    let schema: serde_json::Value = serde_json::from_str(dataset::SCHEMA).expect("schema is JSON");
    assert_eq!(schema["properties"]["format"]["const"], dataset::FORMAT);
}

/// Computing many years at once (what does not depend on the year worked out once) gives, year by
/// year, what computing each year alone gives: on the reference and on a synthetic portfolio whose
/// indicators have every sentido, shares, ND and contradicted senses.
#[test]
fn many_years_at_once_equal_each_year_alone() {
    use avance_core::compute::compute_years;
    use avance_core::model::YearRange;
    let year = |y| Year::new(y).expect("year");
    let mut policies =
        avance_import::synthetic::portfolio(3, 300, YearRange { first: year(2021), last: year(2030) }, 11);
    policies.push(example());
    for p in &policies {
        let years: Vec<Year> = p.meta().years.iter().collect();
        let together = compute_years(p, years.iter().copied());
        assert_eq!(together.len(), years.len());
        for (r, y) in together.iter().zip(&years) {
            assert_eq!(r, &compute(p, *y), "{} {y}", p.meta().code);
        }
    }
    let reference = compute_years(&policies[3], [year(2024)]).remove(0);
    assert_eq!(shown(reference.index), "79.3");
}
