//! Importing published reports: the reference gives exactly the hand-checked example dataset,
//! variants in other layouts import, and the audit finds what the reference contradicts.

use std::path::{Path, PathBuf};

use avance_core::audit::{Finding, audit};
use avance_core::compute::compute;
use avance_core::lang::Lang;
use avance_core::model::Year;
use avance_import::dataset;
use avance_import::report_text::{self, Evidence, Options};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn import(file: &Path) -> report_text::ReportImport {
    match report_text::read(file, &Options::default()) {
        Ok(r) => r,
        Err(issues) => panic!("{:#?}", issues.iter().map(|i| i.render(Lang::Es)).collect::<Vec<_>>()),
    }
}

fn reference_file() -> PathBuf {
    root().join("tests/fixtures/pndi-2024/pndi-2024-reporte-seguimiento.txt")
}

fn reference() -> report_text::ReportImport {
    import(&reference_file())
}

fn variant(name: &str) -> report_text::ReportImport {
    import(&root().join("tests/fixtures/report-variants").join(name))
}

fn findings(r: &report_text::ReportImport) -> Vec<Finding> {
    let year = r.published.year.expect("year");
    audit(&r.policy, &compute(&r.policy, year), &r.published)
}

fn text_of(r: &report_text::ReportImport, code: &str, year: u16, actual: bool) -> Option<String> {
    let ind = r.policy.indicators().iter().find(|i| i.code.as_str() == code).expect(code);
    let map = if actual { &ind.actuals } else { &ind.targets };
    map.get(&Year::new(year).expect("year")).map(|c| c.text().to_string())
}

/// Parses with the reference's text edited, and renders the issues.
fn issues_after(edit: impl Fn(&str) -> String) -> Vec<String> {
    let text = edit(&std::fs::read_to_string(reference_file()).expect("reference"));
    match report_text::parse(Path::new("r.txt"), &text, &Options::default()) {
        Ok(_) => Vec::new(),
        Err(issues) => issues.iter().map(|i| i.render(Lang::Es)).collect(),
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
fn the_reference_publishes_consistent_figures_but_not_alert_text() {
    let r = reference();
    let f = findings(&r);
    // Avances: exactly the three whose printed inputs were rounded, each explained.
    let avances: Vec<(String, String, usize)> = f
        .iter()
        .filter_map(|f| match f {
            Finding::IndicatorAvance { code, published, explanations, .. } => {
                Some((code.to_string(), published.text.clone(), explanations.len()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        avances,
        [
            ("ISS.01.04.02.02".to_string(), "72.2".to_string(), 1),
            ("ISS.01.04.04.02".to_string(), "123.1".to_string(), 2),
            ("ISS.01.06.03.02".to_string(), "122.3".to_string(), 2),
        ]
    );
    // Objective avances, the índice and the count rows agree with the data.
    assert!(!f.iter().any(|f| matches!(
        f,
        Finding::ObjectiveAvance { .. }
            | Finding::Index { .. }
            | Finding::Count { .. }
            | Finding::ObjectiveState { .. }
    )));
    // The alert text: two services under the wrong heading in OP 01's paragraph.
    let wrong: Vec<String> = f
        .iter()
        .filter_map(|f| match f {
            Finding::WrongHeading { service, published, computed, .. } => Some(format!(
                "{service} {} -> {:?}",
                published.id(),
                computed.iter().map(|k| k.id()).collect::<Vec<_>>()
            )),
            _ => None,
        })
        .collect();
    assert_eq!(
        wrong,
        ["SS.01.03.03 sin_informacion -> [\"bajo_avance\"]", "SS.01.04.03 bajo_avance -> [\"sin_informacion\"]"]
    );
    let missing = |paragraph: Option<&str>| {
        f.iter()
            .filter(
                |f| matches!(f, Finding::Missing { paragraph: p, .. } if p.as_ref().map(|c| c.as_str()) == paragraph),
            )
            .count()
    };
    // Services the paragraphs never name: among them every service above 150 of OP 01.
    assert_eq!(
        [missing(Some("OP.01")), missing(Some("OP.02")), missing(Some("OP.03")), missing(Some("OP.04"))],
        [10, 5, 3, 1]
    );
    assert_eq!(missing(None), 26);
    assert_eq!(f.len(), 50);
}

#[test]
fn explanation_of_iss_01_04_02_02_is_the_actual_rounded() {
    let r = reference();
    let f = findings(&r);
    let Some(Finding::IndicatorAvance { explanations, .. }) =
        f.iter().find(|f| matches!(f, Finding::IndicatorAvance { code, .. } if code.as_str() == "ISS.01.04.02.02"))
    else {
        panic!("ISS.01.04.02.02 is a finding");
    };
    let e = &explanations[0];
    assert_eq!(e.role, avance_core::avance::Role::Actual);
    assert_eq!((e.printed.as_str(), e.from.to_string(), e.to.to_string()), ("2.5%", "2.4531".into(), "2.4565".into()));
}

#[test]
fn variant_2023_multisectorial_with_descending_indicators() {
    let r = variant("salud-2023-descendente.txt");
    let m = r.policy.meta();
    assert_eq!((m.code.as_str(), m.name.as_str()), ("PNMS", "Política Nacional Multisectorial de Salud"));
    assert_eq!(
        (m.policy_type.id(), m.sector.name.as_str(), m.ministry.code.as_str()),
        ("MULTISECTORIAL", "SALUD", "011")
    );
    assert_eq!((m.years.first.get(), m.years.last.get()), (2021, 2023));
    let ind = |code: &str| r.policy.indicators().iter().find(|i| i.code.as_str() == code).expect(code);
    assert_eq!(
        ind("IOP.01.01").direction,
        avance_core::model::Direction::Trend {
            sense: Some(avance_core::model::Sense::Descendente),
            aggregation: avance_core::model::Aggregation::NoAcumulado
        }
    );
    assert_eq!(ind("IOP.01.01").unit, avance_core::value::Unit::Tasa);
    // A name interrupted by a repeated page header.
    assert_eq!(
        ind("ISS.01.01.02.01").name,
        "Número de casos de tuberculosis que abandonan el tratamiento supervisado en el año"
    );
    assert_eq!(ind("ISS.01.01.02.01").responsible, "MINSA - ESSALUD");
    assert_eq!(text_of(&r, "ISS.01.01.01.01", 2023, true).as_deref(), Some("1,640"));
    assert_eq!(text_of(&r, "ISS.01.01.01.01", 2021, true).as_deref(), Some("900"));
    assert_eq!(text_of(&r, "ISS.01.01.01.01", 2021, false), None);
    // Values split over two lines.
    assert_eq!(text_of(&r, "ISS.02.01.01.01", 2023, true).as_deref(), Some("3"));
    assert_eq!(
        r.policy.objectives()[0].analysis.as_deref(),
        Some("Se recomienda revisar el registro de los pacientes que culminan el esquema.")
    );
    assert_eq!(r.policy.meta().synthesis.as_deref(), Some("Se recomienda fortalecer el registro de información."));
    assert_eq!(findings(&r), []);
}

#[test]
fn variant_with_targets_up_to_2026() {
    let r = variant("transporte-2024-horizonte-2026.txt");
    let m = r.policy.meta();
    assert_eq!((m.code.as_str(), m.years.first.get(), m.years.last.get()), ("PNTU", 2022, 2026));
    assert_eq!(text_of(&r, "IOP.01.01", 2026, false).as_deref(), Some("150"));
    assert_eq!(text_of(&r, "IOP.01.01", 2024, true).as_deref(), Some("125"));
    assert_eq!(text_of(&r, "ISS.01.01.01.01", 2022, false), None);
    assert_eq!(text_of(&r, "ISS.01.01.01.01", 2023, false).as_deref(), Some("10"));
    assert_eq!(text_of(&r, "ISS.01.01.01.01", 2026, false).as_deref(), Some("40"));
    assert_eq!(text_of(&r, "ISS.01.01.02.01", 2024, true).as_deref(), Some("26"));
    assert_eq!(findings(&r), []);
}

#[test]
fn variant_with_page_breaks_inside_rows_matches_the_reference_data() {
    let r = variant("industria-op04-paginas.txt");
    let example = dataset::read(&root().join("examples/pndi-2024")).expect("example");
    let op4 = |code: &avance_core::code::Code| code.objective().as_str() == "OP.04";
    let expected: Vec<_> = example.indicators().iter().filter(|i| op4(&i.code)).collect();
    let got: Vec<_> = r.policy.indicators().iter().collect();
    assert_eq!(got, expected);
    let names =
        |p: &avance_core::model::Policy| p.services().iter().filter(|s| op4(&s.code)).cloned().collect::<Vec<_>>();
    assert_eq!(names(&r.policy), names(&example));
    assert_eq!(r.policy.objectives()[0], example.objectives()[3]);
    assert_eq!(findings(&r), []);
}

#[test]
fn unreadable_rows_are_located_and_explained() {
    let line_of = |needle: &str| {
        let text = std::fs::read_to_string(reference_file()).expect("reference");
        text.lines().position(|l| l.contains(needle)).expect(needle) + 1
    };
    let row = "DGSFS COBERTURA ascendente no acumulado 2021 367 365 368 348 281 310 84.2";
    let n = line_of("ISS.01.02.01.01");
    assert_eq!(
        issues_after(|t| t.replace(row, "DGSFS COBERTURA creciente no acumulado 2021 367 365 368 348 281 310 84.2")),
        [format!(
            "r.txt: línea {n} (ISS.01.02.01.01): no se reconoce la fila del indicador: se esperaba nombre, responsable, tipo de indicador, sentido esperado, tipo de agregación o estándar, año y valor de la línea base, valores y avance («Número de acciones de fiscalización efectuadas. DGSFS COBERTURA creciente no acumulado 2021 367 365 368 348 281 310 84.2»)"
        )]
    );
    let n = line_of("ISS.01.03.02.01 Porcentaje");
    assert_eq!(
        issues_after(|t| t.replace("2021 0 50% 53% 59% 44% 83.0", "2021 0 50% 53% 59% 12;5% 83.0")),
        [format!(
            "r.txt: línea {n} (ISS.01.03.02.01): \"12;5%\" no es un porcentaje válido (se esperaba, por ejemplo, 20%, 12.5% o ND)"
        )]
    );
    let n = line_of("IOP.01.01");
    assert_eq!(
        issues_after(|t| t.replace(
            "44328 45836 47395 49007 50847 42145 42391 86.5",
            "44328 45836 47395 49007 50847 42145 42391 9 9 86.5"
        )),
        [format!(
            "r.txt: línea {n} (IOP.01.01): hay 8 valores entre la línea base y el avance, pero la tabla tiene 6 columnas de años («45836 47395 49007 50847 42145 42391 9 9»)"
        )]
    );
    assert_eq!(
        issues_after(|t| t.replace("Año valor", "Year")),
        [
            "r.txt: no se encontró la cabecera de años (\"Año valor\" seguido de los años de los logros esperados, los de los valores obtenidos y el del avance)"
        ]
    );
    assert_eq!(
        issues_after(|_| "texto sin tabla".into()),
        ["r.txt: no se encontró la tabla de seguimiento (líneas que empiezan con OP., IOP., LN., SS. o ISS.)"]
    );
}

#[test]
fn no_input_makes_it_panic() {
    // Every prefix of the reference, at a few hundred cut points, and some line shuffles.
    let text = std::fs::read_to_string(reference_file()).expect("reference");
    let chars: Vec<char> = text.chars().collect();
    for cut in (0..chars.len()).step_by(97) {
        let prefix: String = chars[..cut].iter().collect();
        let _ = report_text::parse(Path::new("r.txt"), &prefix, &Options::default());
    }
    let lines: Vec<&str> = text.lines().collect();
    for skip in (0..lines.len()).step_by(7) {
        let edited: Vec<&str> = lines.iter().enumerate().filter(|(i, _)| *i != skip).map(|(_, l)| *l).collect();
        let _ = report_text::parse(Path::new("r.txt"), &edited.join("\n"), &Options::default());
    }
}

/// Writes the lines as a PDF's text layer (Courier, one text line per line), as a report's PDF has.
fn write_pdf(text: &str, path: &Path) {
    use lopdf::content::{Content, Operation};
    use lopdf::{Document, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Courier", "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
    let lines: Vec<&str> = text.lines().collect();
    let mut kids = Vec::new();
    for chunk in lines.chunks(70) {
        let mut ops = vec![Operation::new("BT", vec![]), Operation::new("Tf", vec!["F1".into(), 6.into()])];
        ops.push(Operation::new("Td", vec![20.into(), 800.into()]));
        for l in chunk {
            // WinAnsi is Latin-1 for these characters; the report's only other one is ≥.
            let bytes: Vec<u8> =
                l.replace('≥', ">=").chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')).collect();
            ops.push(Operation::new("Tj", vec![Object::string_literal(bytes)]));
            ops.push(Operation::new("Td", vec![0.into(), (-11).into()]));
        }
        ops.push(Operation::new("ET", vec![]));
        let content = Content { operations: ops };
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().expect("content")));
        kids.push(
            doc.add_object(dictionary! { "Type" => "Page", "Parent" => pages_id, "Contents" => content_id }).into(),
        );
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => count, "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 2000.into(), 842.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    doc.save(path).expect("save pdf");
}

#[test]
fn a_pdf_imports_like_its_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pdf = dir.path().join("reporte.pdf");
    write_pdf(&std::fs::read_to_string(reference_file()).expect("reference"), &pdf);
    let from_pdf = import(&pdf);
    let example = dataset::read(&root().join("examples/pndi-2024")).expect("example");
    assert_eq!(dataset::to_json(&from_pdf.policy), dataset::to_json(&example));
    assert_eq!(from_pdf.published, reference().published);
}

#[test]
fn a_broken_pdf_is_an_error_not_a_crash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pdf = dir.path().join("roto.pdf");
    std::fs::write(&pdf, b"%PDF-1.5\nesto no es un PDF").expect("write");
    let issues = report_text::read(&pdf, &Options::default()).expect_err("broken");
    assert!(issues[0].render(Lang::Es).contains("no se puede extraer el texto del PDF"), "{:?}", issues);
}
