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

mod report_text {
    use std::path::{Path, PathBuf};

    use avance_core::pei::{audit, compute, profile_for_cut};
    use avance_import::issue::Issue;
    use avance_import::pei_text::{parse, read};

    fn fixture(name: &str) -> PathBuf {
        super::root().join("tests/fixtures/pei-b7").join(name)
    }

    const REPORTS: [&str; 5] = [
        "igp-pei-2017-2019-seguimiento-2018.txt",
        "igp-pei-2017-2019-seguimiento-2019.txt",
        "igp-pei-2020-2024-seguimiento-2020.txt",
        "igp-pei-2020-2025-seguimiento-2021.txt",
        "igp-pei-2020-2026-seguimiento-2022.txt",
    ];

    fn messages(issues: &[Issue]) -> Vec<String> {
        issues.iter().map(|i| i.render(avance_core::lang::Lang::Es)).collect()
    }

    /// The five reports of the fixture read back to the published cases (tests/fixtures/pei-igp),
    /// value by value, and none of their 270 avances contradicts its own data under the version
    /// of its year.
    #[test]
    fn the_five_reports_import_and_audit_clean() {
        let mut cases = csv::Reader::from_path(super::root().join("tests/fixtures/pei-igp/cases.csv")).expect("cases");
        let cases: Vec<csv::StringRecord> = cases.records().map(|r| r.expect("row")).collect();
        let mut printed = 0;
        for name in REPORTS {
            let imported = read(&fixture(name)).unwrap_or_else(|i| panic!("{name}: {:?}", messages(&i)));
            let plan = &imported.plan;
            assert_eq!((plan.entity_code.as_str(), plan.sector.as_str()), ("IGP", "AMBIENTE"));
            assert_eq!(plan.profile, profile_for_cut(imported.cut).id());
            let period = format!("{}-{}", plan.first_year, plan.last_year);
            let cut = imported.cut.to_string();
            let mine: Vec<&csv::StringRecord> = cases.iter().filter(|c| (&c[1], &c[2]) == (&period, &cut)).collect();
            assert_eq!(imported.published.len(), mine.len(), "{name}: one avance per case");
            for case in mine {
                let i = plan.indicators.iter().position(|i| i.code.as_str() == &case[3]).expect("indicator");
                let ind = &plan.indicators[i];
                let year = case[7].parse::<avance_core::model::Year>().expect("year");
                assert_eq!(ind.name, case[5].split_whitespace().collect::<Vec<_>>().join(" "), "{name} {}", &case[3]);
                assert_eq!(ind.targets.get(&year).map(|c| c.text()), Some(&case[10]), "{name} {}", &case[3]);
                assert_eq!(ind.actuals.get(&year).map(|c| c.text()), Some(&case[11]), "{name} {}", &case[3]);
                let p = imported.published.iter().find(|p| p.indicator == i && p.year == year).expect("printed");
                assert_eq!(p.printed, &case[12]);
            }
            let result = compute(plan, imported.cut, &profile_for_cut(imported.cut)).expect("compute");
            assert_eq!(audit(&result, &imported.published), Vec::new(), "{name}");
            printed += imported.published.len();
        }
        assert_eq!(printed, 270);
    }

    /// A figure changed in the text is found, and only it.
    #[test]
    fn a_changed_figure_is_found() {
        let text = std::fs::read_to_string(fixture(REPORTS[4])).expect("text");
        let changed = text.replacen("91.43", "93.00", 1);
        assert_ne!(changed, text);
        let imported = parse(Path::new("r.txt"), &changed).expect("reads");
        let result = compute(&imported.plan, imported.cut, &profile_for_cut(imported.cut)).expect("compute");
        let findings = audit(&result, &imported.published);
        assert_eq!(findings.len(), 1);
        assert_eq!(imported.plan.indicators[findings[0].indicator].code.as_str(), "IND.01.OEI.01");
        assert_eq!((findings[0].year.get(), findings[0].published.as_str()), (2021, "93.00"));
    }

    /// What cannot be read is said with its line; nothing is half read.
    #[test]
    fn unreadable_reports_are_refused_with_their_place() {
        let text = std::fs::read_to_string(fixture(REPORTS[4])).expect("text");
        let file = Path::new("r.txt");
        let cut_off: String = text.lines().take(3).collect::<Vec<_>>().join("\n");
        let err = messages(&parse(file, &cut_off).expect_err("no entity"));
        assert_eq!(err, ["r.txt: no se encontró el pliego (\"Pliego: 112 NOMBRE DE LA ENTIDAD\")"]);
        let err = messages(
            &parse(file, &text.replace("Año de Seguimiento: 2022", "Año de Seguimiento: 2030")).expect_err("cut"),
        );
        assert_eq!(
            err[0],
            "r.txt: no se encontró el año de seguimiento dentro del periodo (\"Año de Seguimiento: 2022\")"
        );
        let err = messages(&parse(file, &text.lines().take(8).collect::<Vec<_>>().join("\n")).expect_err("no rows"));
        assert!(
            err[0].ends_with(
                "no se encontraron filas de indicadores (líneas que empiezan con IND.01.OEI.01 o IND.01.AEI.01.01)"
            ),
            "{err:?}"
        );
        // A row that lost its last avance.
        let short = text.replacen("   94.74", "", 1);
        let err = messages(&parse(file, &short).expect_err("short row"));
        assert_eq!(err.len(), 1, "{err:?}");
        assert!(err[0].starts_with("r.txt: línea 10 (IND.01.OEI.01): "), "{err:?}");
        assert!(err[0].contains("la fila tiene 14 valores al final y se esperaban 15: año y valor de la línea base, 7 logros esperados, 3 valores obtenidos y 3 avances"), "{err:?}");
        // A value that is not one: its line and the unit's wording.
        let bad = text.replacen("35.00   32.00   36.00", "35.00   32;00   36.00", 1);
        let err = messages(&parse(file, &bad).expect_err("bad value"));
        assert!(err[0].starts_with("r.txt: línea 10 (IND.01.OEI.01): "), "{err:?}");
        // An AEI row under an OEI the report does not print.
        let orphan = text.replacen("\nOEI.01\n", "\n", 1);
        let err = messages(&parse(file, &orphan).expect_err("orphan"));
        assert!(
            err.iter()
                .any(|e| e
                    .contains("el OEI OEI.01, del que depende AEI.01.01, no está en la lista \"objectives\" del plan")),
            "{err:?}"
        );
    }

    /// Bytes that are no report never panic the reader.
    #[test]
    fn garbage_never_panics() {
        let text = std::fs::read_to_string(fixture(REPORTS[0])).expect("text");
        for cut in (0..text.len()).step_by(97) {
            if text.is_char_boundary(cut) {
                let _ = parse(Path::new("r.txt"), &text[..cut]);
            }
        }
        for hostile in [
            "",
            "\u{0}\u{c}IND.01.OEI.01 \u{202e} 1 2",
            "Periodo del Plan: 9999 - 0000\nAño de Seguimiento: 65535",
            "IND.999.AEI.999.999 x ND ND ND (*)",
        ] {
            assert!(parse(Path::new("r.txt"), hostile).is_err());
        }
    }
}
