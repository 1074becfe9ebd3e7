//! The `avance-pei/1` reader and writer: the example reads, writes back byte for byte, and a plan
//! with its elements listed keeps their names.

use std::path::Path;

use avance_import::pei;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

#[test]
fn the_example_reads_and_writes_back_the_same() {
    let file = root().join("examples/pei-igp-2020-2026/pei.json");
    let plan = pei::read(&file).expect("the example reads");
    assert_eq!(plan.indicators.len(), 25);
    assert_eq!(plan.elements.iter().filter(|e| e.code.kind().level() == "OEI").count(), 5);
    assert_eq!(plan.elements.len(), 5 + 19, "the OEI and AEI the indicators name");
    let text = std::fs::read_to_string(&file).expect("text");
    assert!(pei::to_json(&plan) == text, "canonical: written back byte for byte");
}

#[test]
fn named_elements_round_trip() {
    let file = root().join("examples/pei-igp-2020-2026/pei.json");
    let mut plan = pei::read(&file).expect("read");
    for (n, e) in plan.elements.iter_mut().enumerate() {
        e.name = Some(format!("Elemento {n} «con comillas \" y <etiquetas>»"));
    }
    let text = pei::to_json(&plan);
    let back = pei::parse_value(Path::new("x.json"), &serde_json::from_str(&text).expect("json")).expect("reads");
    assert_eq!(back, plan);
}
