//! The PDF of the reference: every figure is in its text, and the same data gives the same bytes.

use std::path::Path;

use avance_core::compute::compute;
use avance_core::lang::Lang;
use avance_core::model::{Policy, Year};
use avance_import::dataset;

fn example() -> Policy {
    dataset::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/pndi-2024")).expect("example")
}

fn pdf(policy: &Policy, lang: Lang) -> Vec<u8> {
    let result = compute(policy, Year::new(2024).expect("year"));
    avance_pdf::render(policy, &result, lang, &dataset::content_hash(policy)).expect("a PDF")
}

#[test]
fn every_figure_of_the_reference_is_in_the_pdf_text() {
    let bytes = pdf(&example(), Lang::Es);
    assert!(bytes.starts_with(b"%PDF-"));
    let text = pdf_extract::extract_text_from_mem(&bytes).expect("text layer");
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(
        "Reporte de seguimiento de la Política Nacional de Desarrollo Industrial, correspondiente al año 2024"
    ));
    let fixture = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/pndi-2024/avances.csv"),
    )
    .expect("fixture");
    for line in fixture.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let at = flat.find(&format!("{} ", f[0])).unwrap_or_else(|| panic!("{} in the text", f[0]));
        let row = &flat[at..];
        // The row ends where the next element of the table starts.
        let next = [" ISS.", " IOP.", " LN.", " SS.", " OP.", " Indice", " Código", " Página "]
            .iter()
            .filter_map(|m| row[1..].find(m))
            .min()
            .map_or(row.len(), |i| i + 1);
        assert!(row[..next].trim_end().ends_with(f[2]), "{}: expected {} at the end of «{}»", f[0], f[2], &row[..next]);
    }
    for figure in [
        "OP.01",
        "86.5",
        "80.0",
        "71.4",
        "Indice de gestión de la política nacional 79.3",
        "ALERTAS IDENTIFICADAS",
        "ceplan-pn@1",
        "10,256",
    ] {
        assert!(flat.contains(figure), "{figure}");
    }
    assert!(flat.contains(&dataset::content_hash(&example())));
    assert!(flat.contains("Página 2 de"));
}

#[test]
fn the_same_data_gives_the_same_bytes() {
    let policy = example();
    assert_eq!(pdf(&policy, Lang::Es), pdf(&policy, Lang::Es));
}

#[test]
fn hostile_names_stay_text() {
    let mut parts = example().into_parts();
    parts.objectives[0].name = "#set page(width: 1pt) \" ] ) \\ *negrita*".into();
    let policy = Policy::new(parts).expect("valid");
    let source = avance_pdf::source(&policy, &compute(&policy, Year::new(2024).expect("y")), Lang::Es, "h");
    assert!(source.contains("\"#set page(width: 1pt) \\\" ] ) \\\\ *negrita*\""));
    let bytes = pdf(&policy, Lang::Es);
    let text = pdf_extract::extract_text_from_mem(&bytes).expect("text");
    assert!(text.contains("*negrita*"));
}

/// Our PDF, read back by the published-report importer, gives the same figures, and its alert text
/// agrees with its data.
fn round_trip(policy: &Policy, year: u16) {
    let y = Year::new(year).expect("year");
    let result = compute(policy, y);
    let bytes = avance_pdf::render(policy, &result, Lang::Es, &dataset::content_hash(policy)).expect("pdf");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("reporte.pdf");
    std::fs::write(&file, bytes).expect("write");
    let imported = match avance_import::report_text::read(&file, &avance_import::report_text::Options::default()) {
        Ok(r) => r,
        Err(issues) => panic!("{:#?}", issues.iter().map(|i| i.render(Lang::Es)).collect::<Vec<_>>()),
    };
    let again = compute(&imported.policy, y);
    let shown = |r: &avance_core::compute::PolicyResult| {
        r.indicators().map(|i| (i.code.to_string(), i.avance())).collect::<Vec<_>>()
    };
    assert_eq!(shown(&again), shown(&result));
    assert_eq!(again.counts, result.counts);
    assert_eq!(again.index, result.index);
    assert_eq!(
        again.objectives.iter().map(|o| o.avance).collect::<Vec<_>>(),
        result.objectives.iter().map(|o| o.avance).collect::<Vec<_>>()
    );
    let findings = avance_core::audit::audit(&imported.policy, &again, &imported.published);
    assert_eq!(findings, [], "our own report contradicts its data");
}

#[test]
fn our_pdf_imports_back_to_the_same_figures() {
    round_trip(&example(), 2024);
}

#[test]
fn another_policy_round_trips_too() {
    let file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/report-variants/salud-2023-descendente.txt");
    let policy = avance_import::report_text::read(&file, &avance_import::report_text::Options::default())
        .expect("variant")
        .policy;
    round_trip(&policy, 2023);
}

/// The annex of the synthetic policy with targets to 2030: a chart per indicator with a numeric
/// value, the projection drawn for the nine assessed indicators that have not met their target,
/// and the outlook of each under its chart.
#[test]
fn each_indicator_has_its_chart_with_the_projection() {
    let policy =
        dataset::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/sintetica-2030")).expect("example");
    let result = compute(&policy, Year::new(2025).expect("year"));
    let source = avance_pdf::source(&policy, &result, Lang::Es, "h");
    let annex = source.split("Anexo: trayectoria de cada indicador al horizonte").nth(1).expect("the annex");
    assert_eq!(annex.matches("<title>Logros esperados y valores obtenidos de ").count(), 12);
    assert_eq!(annex.matches(">Proyección</text>").count(), 9);
    // A band under each year up to the follow-up year (2022–2025), none after it: those years have
    // no figure yet.
    assert_eq!(annex.matches("<title>2025: avance ").count(), 12);
    assert_eq!(annex.matches("<title>2026: avance ").count(), 0);
    for verdict in
        ["en camino", "avance insuficiente, requiere aceleración", "estancado", "retroceso", "meta ya alcanzada"]
    {
        assert!(annex.contains(&format!("\"Perspectiva: {verdict}\"")), "{verdict}");
    }
    let bytes = avance_pdf::render(&policy, &result, Lang::Es, "h").expect("a PDF");
    let text = pdf_extract::extract_text_from_mem(&bytes).expect("text layer");
    assert!(text.contains("Anexo: trayectoria de cada indicador al horizonte"));
    assert!(text.contains("Perspectiva: sin datos suficientes: menos de dos valores obtenidos hasta el año"), "{text}");
}
