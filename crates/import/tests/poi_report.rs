//! A published "Reporte de seguimiento del POI" read back (tests/fixtures/poi-reporte: the synthetic
//! POI's first semester as the 2022 and the 2021 versions print it) and audited against its own
//! data.

use std::path::{Path, PathBuf};

use avance_core::lang::Lang;
use avance_core::poi::{PoiProfile, PoiTarget, audit, compute};
use avance_import::issue::Issue;
use avance_import::poi_text::{parse, read};

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn fixture(version: &str) -> PathBuf {
    root().join(format!("tests/fixtures/poi-reporte/sintetico-999-poi-2022-semestre-1-version-{version}.txt"))
}

fn messages(issues: &[Issue]) -> Vec<String> {
    issues.iter().map(|i| i.render(Lang::Es)).collect()
}

/// Both prints read back to the example's POI over the months they print (January to June; the
/// months after are not printed), with the profile of the version that printed them, and their
/// ten figures (six AO, three AEI, the total) agree with the data under that version.
#[test]
fn both_versions_import_and_audit_clean() {
    let example = avance_import::poi::read(&root().join("examples/poi-sintetico-2022/poi.json")).expect("example");
    for (version, profile) in [("2022", PoiProfile::v2022()), ("2021", PoiProfile::v2021())] {
        let imported = read(&fixture(version)).unwrap_or_else(|i| panic!("{version}: {:?}", messages(&i)));
        let plan = &imported.plan;
        assert_eq!(plan.profile, profile.id());
        assert_eq!((plan.entity_code.as_str(), plan.year), ("999", 2022));
        assert_eq!(plan.aei, example.aei);
        assert_eq!(imported.generated, (2022, 8, 1));
        assert_eq!((imported.period.first, imported.period.last, imported.period.due_through), (1, 6, 6));
        assert_eq!(plan.activities.len(), example.activities.len());
        for (got, want) in plan.activities.iter().zip(&example.activities) {
            assert_eq!((&got.code, &got.name, &got.unit, &got.aei), (&want.code, &want.name, &want.unit, &want.aei));
            assert_eq!(got.aggregation, want.aggregation);
            assert_eq!(got.programmed[..6], want.programmed[..6], "{}", got.code);
            assert_eq!(got.executed[..6], want.executed[..6], "{}", got.code);
            assert!(got.programmed[6..].iter().all(|p| p.is_zero()) && got.executed[6..].iter().all(Option::is_none));
        }
        assert_eq!(imported.published.len(), 10);
        let result = compute(&plan.activities, imported.period, &profile, false);
        assert_eq!(audit(&result, &imported.published, &profile), Vec::new(), "{version}");
    }
}

/// A changed figure is found, and the 2022 print audited under the 2021 rules disagrees where the
/// versions do (the cap, the decimals, the S.I. AEI).
#[test]
fn changed_figures_are_found() {
    let text = std::fs::read_to_string(fixture("2022")).expect("text");
    let changed = text.replace("EJECUCIÓN FÍSICA TOTAL: 72.22", "EJECUCIÓN FÍSICA TOTAL: 80.00");
    let imported = parse(Path::new("r.txt"), &changed).expect("reads");
    let profile = PoiProfile::v2022();
    let result = compute(&imported.plan.activities, imported.period, &profile, false);
    let findings = audit(&result, &imported.published, &profile);
    assert_eq!(findings.len(), 1);
    assert_eq!((&findings[0].target, findings[0].published.as_str()), (&PoiTarget::Total, "80.00"));
    let old = PoiProfile::v2021();
    let result = compute(&imported.plan.activities, imported.period, &old, false);
    let findings = audit(&result, &imported.published, &old);
    let targets: Vec<&PoiTarget> = findings.iter().map(|f| &f.target).collect();
    assert!(targets.contains(&&PoiTarget::Activity(0)), "150 is printed 100.00 only in 2022: {targets:?}");
    assert!(targets.contains(&&PoiTarget::Aei("AEI.01.02".into())), "S.I. only in 2022: {targets:?}");
}

/// What cannot be read is said with its line; nothing is half read; garbage never panics.
#[test]
fn unreadable_reports_are_refused_with_their_place() {
    let text = std::fs::read_to_string(fixture("2022")).expect("text");
    let file = Path::new("r.txt");
    let err =
        messages(&parse(file, &text.replace("Fecha de generación: 01/08/2022", "Fecha: agosto")).expect_err("date"));
    assert_eq!(
        err,
        [
            "r.txt: no se encontró la fecha de generación del reporte (\"Fecha de generación: 01/08/2022\"), que dice qué meses vencieron"
        ]
    );
    let err =
        messages(&parse(file, &text.replace("Periodo: enero - junio", "Periodo: I semestre")).expect_err("period"));
    assert_eq!(err, ["r.txt: no se encontró el periodo del reporte (\"Periodo: enero - junio\")"]);
    // A month lost from a PROG row (line 9, AOI00001).
    let lines: Vec<&str> = text.lines().collect();
    let mut short = lines.clone();
    let prog = lines[8].replacen("     2     0", "     2", 1);
    short[8] = &prog;
    let err = messages(&parse(file, &short.join("\n")).expect_err("short"));
    assert_eq!(err.len(), 1, "{err:?}");
    assert!(
        err[0].starts_with("r.txt: línea 9 (AOI00001): la fila PROG no trae código, nombre, unidad de medida, tipo de agregación, PROG, los 6 meses del periodo y la programación acumulada («AOI00001"),
        "{err:?}"
    );
    // An EJEC row gone: the activity is named at its PROG row.
    let mut cut = lines.clone();
    cut.remove(9);
    let err = messages(&parse(file, &cut.join("\n")).expect_err("no ejec"));
    assert_eq!(
        err,
        [
            "r.txt: línea 9 (AOI00001): la actividad no tiene fila EJEC después de su fila PROG («Talleres de asistencia técnica»)"
        ]
    );
    // A decimal comma where a quantity goes.
    let bad = text.replacen("EJEC     3", "EJEC   3;5", 1);
    let err = messages(&parse(file, &bad).expect_err("bad"));
    assert!(err[0].starts_with("r.txt: línea 10 (AOI00001): se esperaba una cantidad de cero o más"), "{err:?}");
    for cut in (0..text.len()).step_by(53) {
        if text.is_char_boundary(cut) {
            let _ = parse(file, &text[..cut]);
        }
    }
    for hostile in
        ["", "REPORTE DE SEGUIMIENTO DEL POI 2022\nPeriodo: diciembre - enero", "EJEC  1  2", "\u{0}PROG\u{c}"]
    {
        assert!(parse(file, hostile).is_err());
    }
}
