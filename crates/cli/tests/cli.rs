//! The `avance` binary from outside: exit codes, outputs and messages.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn avance(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_avance"))
        .args(args)
        .current_dir(root())
        .env_remove("AVANCE_LANG")
        .output()
        .expect("run avance")
}

/// Each indicator of an `avance-compute/1` document on a line: its code, its outlook's category
/// (or the reason there is none) and the outlook's fields at `paths` (JSON pointers; `null` when
/// absent).
fn outlook_rows(v: &serde_json::Value, paths: &[&str]) -> Vec<String> {
    v["indicators"]
        .as_array()
        .expect("indicators")
        .iter()
        .map(|i| {
            let o = &i["outlook"];
            let mut cells = vec![
                i["code"].as_str().unwrap_or("").to_string(),
                o["category"].as_str().or(o["reason"].as_str()).unwrap_or("").to_string(),
            ];
            cells.extend(paths.iter().map(|p| o.pointer(p).map_or_else(|| "null".to_string(), |x| x.to_string())));
            cells.join(" ")
        })
        .collect()
}

/// Whether Python's jsonschema (Draft 2020-12, an independent validator) accepts `file` under the
/// schema in `schema`, and what it said.
fn schema_accepts(schema: &Path, file: &str) -> (bool, String) {
    let checked = Command::new("python3")
        .args(["-c", "import json, sys, jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])), cls=jsonschema.Draft202012Validator)"])
        .args([schema.to_str().expect("utf-8"), file])
        .output()
        .expect("python3 with jsonschema (.ci/run installs it)");
    let stderr = String::from_utf8_lossy(&checked.stderr).into_owned();
    assert!(!stderr.contains("ModuleNotFoundError"), "{stderr}");
    (checked.status.success(), stderr)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

mod feature {
    use super::*;

    #[test]
    fn compute_json_gives_every_figure_of_the_reference() {
        let out = avance(&["compute", "examples/pndi-2024", "--year", "2024", "--format", "json"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(v["format"], "avance-compute/1");
        assert_eq!(v["policy"]["code"], "PNDI");
        assert_eq!(v["policy"]["year"], 2024);
        assert_eq!(v["policy"]["profile"], "ceplan-pn@1");
        assert_eq!(v["policy"]["index"].to_string(), "79.3");
        assert_eq!(v["policy"]["band"], "intermedio");
        let ops: Vec<String> = v["objectives"]
            .as_array()
            .expect("objectives")
            .iter()
            .map(|o| {
                format!("{} {} {}", o["code"].as_str().unwrap_or(""), o["avance"], o["band"].as_str().unwrap_or(""))
            })
            .collect();
        assert_eq!(ops, ["OP.01 86.5 intermedio", "OP.02 80.0 intermedio", "OP.03 71.4 bajo", "OP.04 null nd"]);
        let row = |level: &str| {
            let c = &v["counts"][level];
            ["bajo", "intermedio", "alto", "nd", "total"].map(|k| c[k].as_u64().unwrap_or(99))
        };
        assert_eq!(row("objectives"), [1, 2, 0, 1, 4]);
        assert_eq!(row("objective_indicators"), [1, 2, 0, 2, 5]);
        assert_eq!(row("service_indicators"), [18, 5, 40, 23, 86]);
        // The outlook to the horizon. The dataset's horizon is 2024 (the published report prints
        // no later target), so it compares the latest actual with the 2024 target from the
        // baseline. IOP.01.01: 44328 (2019) → 42391 (2024), required 49007:
        // (42391/44328)^(1/5) − 1 = −0.0089 a year against (49007/44328)^(1/5) − 1 = 0.0203.
        let o = &v["outlook"];
        assert_eq!(o["method"], "unsd-ratio-de-tasas");
        let c = &o["counts"];
        assert_eq!(
            ["meta_alcanzada", "en_camino", "requiere_aceleracion", "estancado", "retroceso", "sin_datos"]
                .map(|k| c[k].as_u64().unwrap_or(99)),
            [37, 1, 7, 9, 8, 29]
        );
        assert_eq!(c["share_on_track"].to_string(), "0.6129");
        assert_eq!(o["at_risk"].as_array().map(Vec::len), Some(24));
        assert!(o["alert"].as_str().unwrap_or("").starts_with("en riesgo de no alcanzar la meta al 2024: IOP.01.01, "));
        let iop = v["indicators"].as_array().and_then(|a| a.iter().find(|i| i["code"] == "IOP.01.01")).expect("IOP");
        let out = &iop["outlook"];
        assert_eq!(
            (out["category"].as_str(), out["observed_rate"].to_string(), out["required_rate"].to_string()),
            (Some("retroceso"), "-0.0089".to_string(), "0.0203".to_string())
        );

        // Every indicator against the fixture of expected avances.
        let fixture = std::fs::read_to_string(root().join("tests/fixtures/pndi-2024/avances.csv")).expect("fixture");
        let indicators = v["indicators"].as_array().expect("indicators");
        assert_eq!(indicators.len(), 91);
        for line in fixture.lines().skip(1) {
            let f: Vec<&str> = line.splitn(4, ',').collect();
            let ind = indicators.iter().find(|i| i["code"] == f[0]).expect(f[0]);
            let shown = if ind["avance"].is_null() {
                "ND".to_string()
            } else {
                format!("{:.1}", ind["avance"].as_f64().unwrap_or(f64::NAN))
            };
            assert_eq!(shown, f[2], "{}", f[0]);
            assert_eq!(ind["band"] == "nd", ind["avance"].is_null(), "{}", f[0]);
        }
        let iop = indicators.iter().find(|i| i["code"] == "IOP.01.01").expect("IOP.01.01");
        assert_eq!(iop["avance_tipo2"].to_string(), "-41.4");
        assert_eq!(iop["level"], "objective_indicator");
        let isss = indicators.iter().find(|i| i["code"] == "ISS.01.03.01.02").expect("ISS");
        assert_eq!((isss["level"].as_str(), isss["actual"].as_str()), (Some("service_indicator"), Some("10,256")));

        // Alerts carry level, code, kind, indicators and detail.
        let alerts = v["alerts"].as_array().expect("alerts");
        let kinds = ["bajo_avance", "sin_informacion", "avance_atipico", "calidad_datos"];
        for a in alerts {
            assert!(kinds.contains(&a["kind"].as_str().unwrap_or("")), "{a}");
            assert!(["objective", "service", "indicator"].contains(&a["level"].as_str().unwrap_or("")), "{a}");
            assert!(!a["indicators"].as_array().expect("indicators").is_empty(), "{a}");
            assert!(a["detail"].as_str().is_some_and(|d| !d.is_empty()), "{a}");
        }
        let find = |level: &str, code: &str, kind: &str| {
            alerts.iter().find(|a| a["level"] == level && a["code"] == code && a["kind"] == kind)
        };
        let op3 = find("objective", "OP.03", "bajo_avance").expect("OP.03 low");
        assert_eq!(op3["indicators"], serde_json::json!(["IOP.03.01"]));
        assert!(find("objective", "OP.04", "sin_informacion").is_some());
        let s = find("service", "SS.04.03.01", "bajo_avance").expect("SS.04.03.01");
        assert_eq!(s["all_indicators"], true);
        assert_eq!(s["detail"], "los 2 indicadores con bajo avance: ISS.04.03.01.01 y ISS.04.03.01.02");
        assert!(find("service", "SS.02.04.02", "avance_atipico").is_some());
        let q = find("indicator", "ISS.01.04.01.02", "calidad_datos").expect("121.30%");
        assert_eq!(q["subkind"], "porcentaje_mayor_a_100");
    }

    /// The synthetic policy with targets to 2030 (examples/sintetica-2030, its README has the
    /// table worked by hand): every category of the outlook, both senses, standards, an acumulado
    /// starting at zero, a negative target, one actual only.
    #[test]
    fn synthetic_2030_outlook() {
        let json = |extra: &[&str]| {
            let mut args = vec!["compute", "examples/sintetica-2030", "--year", "2025", "--format", "json"];
            args.extend(extra);
            let out = avance(&args);
            assert!(out.status.success(), "{}", stderr(&out));
            serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("JSON")
        };
        let rows = |v: &serde_json::Value| outlook_rows(v, &["/ratio", "/projected"]);
        let v = json(&[]);
        assert_eq!(v["outlook"]["method"], "unsd-ratio-de-tasas");
        assert_eq!(
            rows(&v),
            [
                "IOP.01.01 en_camino 0.9924 94.8772",
                "IOP.01.02 requiere_aceleracion 0.6741 82.9866",
                "IOP.02.01 meta_alcanzada 2.2995 1.3875",
                "IOP.02.02 retroceso -0.3998 41.6951",
                "IOP.02.03 en_camino 1.152 8.3581",
                "ISS.01.01.01.01 en_camino 1.0167 1372.5",
                "ISS.01.01.01.02 estancado 0.0877 44.6412",
                "ISS.01.02.01.01 requiere_aceleracion 0.7556 52.7504",
                "ISS.02.01.01.01 requiere_aceleracion 0.81 -2.05",
                "ISS.02.01.01.02 menos_de_dos_valores null null",
                "ISS.02.02.01.01 retroceso -0.3813 51.3132",
                "ISS.02.02.01.02 meta_alcanzada 2.7097 112.6861",
            ]
        );
        let ind = |code: &str| {
            v["indicators"].as_array().and_then(|a| a.iter().find(|i| i["code"] == code)).expect(code)["outlook"]
                .clone()
        };
        // Compound rates where every value is positive, linear ones from zero or across it.
        assert_eq!(
            ["IOP.02.03", "ISS.01.01.01.01", "ISS.02.01.01.01"].map(|c| {
                let o = ind(c);
                format!("{} {} {}", o["rates"], o["observed_rate"], o["required_rate"])
            }),
            ["\"compound\" -0.1324 -0.1149", "\"linear\" 152.5 150.0", "\"linear\" -0.45 -0.5556"]
        );
        assert_eq!(ind("IOP.01.01")["horizon"], serde_json::json!({"year": 2030, "target": 95.0}));
        let c = &v["outlook"]["counts"];
        assert_eq!(
            ["meta_alcanzada", "en_camino", "requiere_aceleracion", "estancado", "retroceso", "sin_datos"]
                .map(|k| c[k].as_u64().unwrap_or(99)),
            [2, 3, 3, 1, 2, 1]
        );
        assert_eq!(c["share_on_track"].to_string(), "0.4545");
        assert_eq!(
            v["outlook"]["alert"],
            "en riesgo de no alcanzar la meta al 2030: IOP.01.02, IOP.02.02, ISS.01.01.01.02, ISS.01.02.01.01, \
             ISS.02.01.01.01, ISS.02.02.01.01"
        );

        // ESCAP's weighted regression, chosen on the command line: same categories here, other
        // figures.
        let e = json(&["--perspectiva", "escap"]);
        assert_eq!(e["outlook"]["method"], "escap-progreso-anticipado");
        let categories = |v: &serde_json::Value| -> Vec<String> {
            rows(v).iter().map(|r| r.split(' ').take(2).collect::<Vec<_>>().join(" ")).collect()
        };
        assert_eq!(categories(&e), categories(&v));
        assert_eq!(rows(&e)[0], "IOP.01.01 en_camino 0.9731 94.5971");
        // The avances do not change with the method.
        assert_eq!(e["indicators"][0]["avance"], v["indicators"][0]["avance"]);
        let bad = avance(&["compute", "examples/sintetica-2030", "--perspectiva", "otra"]);
        assert_eq!(bad.status.code(), Some(2));
        assert!(stderr(&bad).contains("'otra'"), "{}", stderr(&bad));
    }

    /// A published-report variant whose targets run to 2026 (two years past the report): the
    /// outlook measured to 2026, worked by hand. IOP.01.01: 100 (2021) → 125 (2024), target 150
    /// (2026): (125/100)^(1/3) − 1 = 0.0772 against (150/100)^(1/5) − 1 = 0.0845, ρ = 0.9141.
    /// ISS.01.01.01.01 starts at 0 (linear): 24/3 = 8 a year, as required (40/5), ρ = 1.
    /// ISS.01.01.02.01 (descending): (26/45)^(1/3) − 1 = −0.1671 against (15/45)^(1/5) − 1 =
    /// −0.1973, ρ = 0.8472.
    #[test]
    fn variant_with_a_2026_horizon_outlook() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().to_str().expect("utf-8");
        let o = avance(&[
            "import-report",
            "tests/fixtures/report-variants/transporte-2024-horizonte-2026.txt",
            "--out",
            out,
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let o = avance(&["compute", out, "--year", "2024", "--format", "json"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
        let rows = outlook_rows(&v, &["/horizon/year", "/observed_rate", "/required_rate", "/ratio"]);
        assert_eq!(
            rows,
            [
                "IOP.01.01 requiere_aceleracion 2026 0.0772 0.0845 0.9141",
                "ISS.01.01.01.01 en_camino 2026 8.0 8.0 1.0",
                "ISS.01.01.01.02 meta_alcanzada 2026 0.6667 0.2 3.3333",
                "ISS.01.01.02.01 requiere_aceleracion 2026 -0.1671 -0.1973 0.8472",
            ]
        );
        assert_eq!(v["outlook"]["alert"], "en riesgo de no alcanzar la meta al 2026: IOP.01.01, ISS.01.01.02.01");
    }

    /// `compute --all`: each policy's outlook and the total, ranked by share on track in the table.
    #[test]
    fn portfolio_outlook() {
        let out = avance(&["compute", "--all", "examples", "--year", "2024", "--format", "json"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        let counts = |c: &serde_json::Value| {
            ["meta_alcanzada", "en_camino", "requiere_aceleracion", "estancado", "retroceso", "sin_datos"]
                .map(|k| c[k].as_u64().unwrap_or(99))
        };
        let policy = |code: &str| {
            v["policies"].as_array().and_then(|a| a.iter().find(|p| p["code"] == code)).expect(code)["outlook"].clone()
        };
        assert_eq!(policy("PNDI")["method"], "unsd-ratio-de-tasas");
        assert_eq!(counts(&policy("PNDI")["counts"]), [37, 1, 7, 9, 8, 29]);
        assert_eq!(counts(&policy("EJ2030")["counts"]), [0, 5, 3, 1, 2, 1]);
        assert_eq!(counts(&v["outlook_total"]), [37, 6, 10, 10, 10, 30]);
        assert_eq!(v["outlook_total"]["share_on_track"].to_string(), "0.589");

        let out = avance(&["compute", "--all", "examples", "--year", "2024"]);
        let s = stdout(&out);
        let at = |needle: &str| s.find(needle).unwrap_or_else(|| panic!("{needle} not in {s}"));
        assert!(
            at("\n  PNDI                 61.3% en camino o alcanzada  (meta ya alcanzada 37 · ")
                < at("\n  EJ2030               45.5% en camino o alcanzada")
        );
        at("\n  Todas las políticas  58.9% en camino o alcanzada  (meta ya alcanzada 37 · en camino 6 · ");
    }

    /// `compute --all DIR` without `--year`: the last year of any policy (2030, EJ2030's; PNDI's
    /// ends in 2024), found from each file's years before the policies are read one by one, the
    /// same figures as with that year given; a broken file is still named.
    #[test]
    fn portfolio_without_a_year_is_computed_for_the_last_one() {
        let without = avance(&["compute", "--all", "examples", "--format", "json"]);
        assert!(without.status.success(), "{}", stderr(&without));
        let with = avance(&["compute", "--all", "examples", "--year", "2030", "--format", "json"]);
        assert_eq!(stdout(&without), stdout(&with));
        let v: serde_json::Value = serde_json::from_slice(&without.stdout).expect("JSON");
        assert_eq!(v["year"], 2030);

        let dir = tempfile::tempdir().expect("tempdir");
        for (name, text) in [
            ("a", std::fs::read_to_string(root().join("examples/sintetica-2030/dataset.json")).expect("example")),
            ("b", "{\"format\": \"avance-dataset/1\", \"policy\": {\"years\": {\"last\": 2031}".to_string()),
        ] {
            std::fs::create_dir(dir.path().join(name)).expect("folder");
            std::fs::write(dir.path().join(name).join("dataset.json"), text).expect("write");
        }
        let broken = avance(&["compute", "--all", dir.path().to_str().expect("utf-8")]);
        assert_eq!(broken.status.code(), Some(2));
        let file = dir.path().join("b").join("dataset.json");
        assert!(stderr(&broken).contains(&file.display().to_string()), "{}", stderr(&broken));
    }

    #[test]
    fn compute_table_is_a_readable_spanish_summary() {
        let out = avance(&["compute", "examples/pndi-2024"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let s = stdout(&out);
        assert!(s.starts_with("Política Nacional de Desarrollo Industrial (PNDI) — año 2024\n"), "{s}");
        assert!(s.contains("Índice de gestión de la política nacional: 79.3 (intermedio)"));
        assert!(s.contains("\nPerspectivas al horizonte\n"), "{s}");
        assert!(s.contains("  Política   61.3% en camino o alcanzada  (meta ya alcanzada 37 · en camino 1 · "), "{s}");
        assert!(s.contains("  OP.03       71.4  bajo "));
        assert!(
            s.contains("  Indicadores de servicio                      18        5       40       23     86"),
            "{s}"
        );
        assert!(
            s.contains("  OP.04        sin información  ningún indicador del objetivo tiene avance en 2024: IOP.04.01")
        );
    }

    #[test]
    fn english_is_available() {
        let out = avance(&["--lang", "en", "compute", "examples/pndi-2024"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let s = stdout(&out);
        assert!(s.contains("National policy management index: 79.3 (intermediate)"), "{s}");
        assert!(s.contains("Service indicators"));
    }

    #[test]
    fn another_year_can_be_computed() {
        let out = avance(&["compute", "examples/pndi-2024", "--year", "2023", "--format", "json"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        let iop = v["indicators"]
            .as_array()
            .expect("indicators")
            .iter()
            .find(|i| i["code"] == "IOP.01.01")
            .cloned()
            .expect("IOP");
        // 42145 / 47395
        assert_eq!(iop["avance"].to_string(), "88.9");
    }

    #[test]
    fn dataset_check_fmt_and_schema() {
        let out = avance(&["dataset", "check", "examples/pndi-2024"]);
        assert_eq!(
            stdout(&out),
            "Conjunto de datos válido: Política Nacional de Desarrollo Industrial (PNDI) — 4 OP, 22 LN, 43 SS, 5 IOP, 86 ISS; años 2022–2024\n"
        );
        assert!(avance(&["dataset", "fmt", "--check", "examples/pndi-2024"]).status.success());
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("copy");
        let out = avance(&["dataset", "fmt", "examples/pndi-2024", "--out", target.to_str().expect("utf-8")]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(
            std::fs::read(target.join("dataset.json")).expect("written"),
            std::fs::read(root().join("examples/pndi-2024/dataset.json")).expect("example")
        );
        let schema = avance(&["dataset", "schema"]);
        let v: serde_json::Value = serde_json::from_slice(&schema.stdout).expect("schema JSON");
        assert_eq!(v["$id"], "avance-dataset/1");
    }
}

mod misc {
    use super::*;

    fn bad_dataset(edit: impl FnOnce(&mut serde_json::Value)) -> (tempfile::TempDir, PathBuf) {
        let text = std::fs::read_to_string(root().join("examples/pndi-2024/dataset.json")).expect("example");
        let mut v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        edit(&mut v);
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("dataset.json");
        std::fs::write(&file, serde_json::to_string_pretty(&v).expect("json")).expect("write");
        (dir, file)
    }

    #[test]
    fn invalid_dataset_exits_2_with_located_errors() {
        let (_dir, file) = bad_dataset(|v| {
            v["indicators"][0]["sentido"] = serde_json::json!("subiendo");
            v["indicators"][1]["actuals"]["2024"] = serde_json::json!("12;5%");
        });
        let f = file.to_str().expect("utf-8");
        let out = avance(&["compute", f]);
        assert_eq!(out.status.code(), Some(2));
        assert!(out.stdout.is_empty());
        assert_eq!(
            stderr(&out),
            format!(
                "error: {f}: indicators[0].sentido (IOP.01.01): se esperaba \"ascendente\", \"descendente\" o \"no_definido\"; se encontró \"subiendo\"\n\
                 error: {f}: indicators[1].actuals.2024 (IOP.02.01): \"12;5%\" no es un porcentaje válido (se esperaba, por ejemplo, 20%, 12.5% o ND)\n"
            )
        );
        let check = avance(&["dataset", "check", f]);
        assert_eq!(check.status.code(), Some(2));
    }

    /// Regression: `--published` was accepted with a dataset, where there is no publication to read.
    #[test]
    fn published_needs_a_policy_of_the_database() {
        let out = avance(&["compute", "--published", "examples/pndi-2024"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains("'--published' cannot be used with '[DATASET]'"), "{}", stderr(&out));
    }

    #[test]
    fn year_outside_the_policy_exits_2() {
        let out = avance(&["compute", "examples/pndi-2024", "--year", "2031"]);
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(
            stderr(&out),
            "error: --year 2031: el año debe estar entre 2022 y 2024, los años de la política PNDI\n"
        );
    }

    #[test]
    fn missing_dataset_exits_2() {
        let out = avance(&["compute", "no/such/dir"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).starts_with("error: no/such/dir: no se puede leer el archivo: "), "{}", stderr(&out));
    }

    #[test]
    fn fmt_check_exits_1_on_a_non_canonical_file() {
        // Valid, but with "format" moved from the first key to the last.
        let (_dir, file) = bad_dataset(|v| {
            let map = v.as_object_mut().expect("object");
            let format = map.remove("format").expect("format");
            map.insert("format".into(), format);
        });
        std::fs::write(&file, format!("{}\n", std::fs::read_to_string(&file).expect("read"))).expect("newline");
        assert!(avance(&["dataset", "check", file.to_str().expect("utf-8")]).status.success());
        let f = file.to_str().expect("utf-8");
        let out = avance(&["dataset", "fmt", "--check", f]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert_eq!(stderr(&out), format!("{f}: no está en forma canónica (avance dataset fmt lo corrige)\n"));
    }
}

mod report {
    use super::*;

    const REFERENCE: &str = "tests/fixtures/pndi-2024/pndi-2024-reporte-seguimiento.txt";

    #[test]
    fn import_report_writes_the_example_dataset_and_what_was_published() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out_dir = dir.path().join("pndi");
        let out = avance(&["import-report", REFERENCE, "--out", out_dir.to_str().expect("utf-8")]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(
            stdout(&out).starts_with(
                "Importado Política Nacional de Desarrollo Industrial (PNDI): 4 OP, 22 LN, 43 SS, 5 IOP, 86 ISS.\n"
            ),
            "{}",
            stdout(&out)
        );
        for file in ["dataset.json", "published.json"] {
            assert_eq!(
                std::fs::read(out_dir.join(file)).expect(file),
                std::fs::read(root().join("examples/pndi-2024").join(file)).expect(file),
                "{file}"
            );
        }
        // Without --out, the dataset goes to standard output.
        let out = avance(&["import-report", REFERENCE]);
        assert_eq!(out.stdout, std::fs::read(root().join("examples/pndi-2024/dataset.json")).expect("example"));
    }

    /// A report cut short (a partial download) is not imported silently: each gap is a warning,
    /// `--strict` refuses it and writes nothing, and `audit` lists the gaps first.
    #[test]
    fn a_report_cut_short_is_said_to_be_incomplete() {
        let dir = tempfile::tempdir().expect("tempdir");
        let full = std::fs::read_to_string(root().join(REFERENCE)).expect("reference");
        // The text up to the end of ISS.01.04.01.01's row, as a download cut there would leave it.
        let cut: String = full.lines().take(141).map(|l| format!("{l}\n")).collect();
        let file = dir.path().join("cortado.txt");
        std::fs::write(&file, cut).expect("write");
        let file = file.to_str().expect("utf-8");
        let warned = dir.path().join("advertido");
        let out = avance(&["import-report", file, "--out", warned.to_str().expect("utf-8")]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(
            stderr(&out),
            format!(
                "aviso: {file}: el texto termina dentro de la tabla de objetivos: falta el final del reporte (¿descarga incompleta?)\n\
                 aviso: {file}: el semáforo del propio reporte cuenta 4 objetivos prioritarios, pero el texto tiene 1\n\
                 aviso: {file}: el semáforo del propio reporte cuenta 5 indicadores de objetivo prioritario, pero el texto tiene 1\n\
                 aviso: {file}: el semáforo del propio reporte cuenta 86 indicadores de servicio, pero el texto tiene 15\n"
            )
        );
        let strict = dir.path().join("estricto");
        let out = avance(&["import-report", file, "--strict", "--out", strict.to_str().expect("utf-8")]);
        assert_eq!(out.status.code(), Some(2));
        assert!(
            stderr(&out).ends_with("error: No se escribió nada: el reporte parece incompleto (--strict).\n"),
            "{}",
            stderr(&out)
        );
        assert!(!strict.exists(), "nothing written");
        let audit = avance(&["audit", file, "--format", "json"]);
        assert_eq!(audit.status.code(), Some(1));
        let v: serde_json::Value = serde_json::from_slice(&audit.stdout).expect("JSON");
        let gaps: Vec<&str> = v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["kind"] == "incomplete")
            .map(|f| f["gap"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(gaps, ["ends_inside_table", "level_total", "level_total", "level_total"]);
        // The whole report: no warning.
        let whole = avance(&["import-report", REFERENCE, "--strict"]);
        assert!(whole.status.success() && stderr(&whole).is_empty(), "{}", stderr(&whole));
    }

    #[test]
    fn audit_of_the_reference_lists_its_contradictions_and_exits_1() {
        let out = avance(&["audit", REFERENCE]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let s = stdout(&out);
        assert!(s.contains("50 discrepancias entre lo publicado y lo que dan los datos."), "{s}");
        assert!(s.contains("  - ISS.01.04.02.02: publicado 72.2; calculado 73.5 con los valores impresos (VO 2.5%, LE 3.40%). Lo explicaría un valor obtenido entre 2.4531 y 2.4565, impreso redondeado como 2.5%."), "{s}");
        assert!(s.contains("  - SS.01.03.03: el texto lo nombra entre los servicios sin información, pero según las reglas es un servicio con bajo avance (ISS.01.03.03.01, ISS.01.03.03.02)"), "{s}");
        assert!(s.contains("  - SS.01.03.01: tiene 2 indicadores con avance mayor a 150 (ISS.01.03.01.01, ISS.01.03.01.02) y el texto no lo nombra"), "{s}");
        // The dataset with its published.json gives the same audit.
        let from_dataset = avance(&["audit", "examples/pndi-2024"]);
        assert_eq!(from_dataset.status.code(), Some(1));
        assert_eq!(stdout(&from_dataset), s);
    }

    #[test]
    fn audit_json_contract() {
        let out = avance(&["audit", REFERENCE, "--format", "json"]);
        assert_eq!(out.status.code(), Some(1));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(v["format"], "avance-audit/1");
        assert_eq!(v["consistent"], false);
        assert_eq!(v["policy"]["profile"], "ceplan-pn@1");
        let findings = v["findings"].as_array().expect("findings");
        assert_eq!(findings.len(), 50);
        let first = &findings[0];
        assert_eq!(first["kind"], "indicator_avance");
        assert_eq!(first["code"], "ISS.01.04.02.02");
        assert_eq!((first["published"].as_str(), first["computed"].to_string()), (Some("72.2"), "73.5".into()));
        assert_eq!(
            first["explanations"][0],
            serde_json::json!({"input": "actual", "printed": "2.5%", "from": "2.4531", "to": "2.4565"})
        );
        let wrong = findings.iter().find(|f| f["kind"] == "alert_wrong_heading").expect("wrong heading");
        assert_eq!(wrong["service"], "SS.01.03.03");
        assert_eq!(wrong["computed"], serde_json::json!(["bajo_avance"]));
    }

    #[test]
    fn a_consistent_report_exits_0() {
        let out = avance(&["audit", "tests/fixtures/report-variants/salud-2023-descendente.txt"]);
        assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
        assert!(
            stdout(&out).ends_with("Sin discrepancias: cada cifra y cada alerta publicada coincide con los datos.\n")
        );
    }

    #[test]
    fn unreadable_input_exits_2() {
        let dir = tempfile::tempdir().expect("tempdir");
        let bad = dir.path().join("x.txt");
        std::fs::write(&bad, "nada que leer").expect("write");
        let out = avance(&["audit", bad.to_str().expect("utf-8")]);
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).ends_with(
            "no se encontró la tabla de seguimiento (líneas que empiezan con OP., IOP., LN., SS. o ISS.)\n"
        ));
        // A dataset without published.json cannot be audited.
        let out =
            avance(&["dataset", "fmt", "examples/pndi-2024", "--out", dir.path().join("d").to_str().expect("utf-8")]);
        assert!(out.status.success());
        let out = avance(&["audit", dir.path().join("d").to_str().expect("utf-8")]);
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains("published.json: no existe"), "{}", stderr(&out));
    }
}

mod templates {
    use super::*;

    #[test]
    fn export_then_import_gives_the_same_dataset() {
        let dir = tempfile::tempdir().expect("tempdir");
        let xlsx = dir.path().join("pndi.xlsx");
        let x = xlsx.to_str().expect("utf-8");
        assert!(avance(&["export", "examples/pndi-2024", "--format", "xlsx", "--out", x]).status.success());
        let out = avance(&["import", x]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(out.stdout, std::fs::read(root().join("examples/pndi-2024/dataset.json")).expect("example"));
        let csv = dir.path().join("csv");
        let c = csv.to_str().expect("utf-8");
        assert!(avance(&["export", "examples/pndi-2024", "--format", "csv", "--out", c]).status.success());
        let back = dir.path().join("back");
        let out = avance(&["import", c, "--out", back.to_str().expect("utf-8")]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(
            std::fs::read(back.join("dataset.json")).expect("written"),
            std::fs::read(root().join("examples/pndi-2024/dataset.json")).expect("example")
        );
    }

    #[test]
    fn a_template_with_errors_writes_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let csv = dir.path().join("csv");
        let c = csv.to_str().expect("utf-8");
        assert!(avance(&["export", "examples/pndi-2024", "--format", "csv", "--out", c]).status.success());
        let values = csv.join("valores.csv");
        let text = std::fs::read_to_string(&values).expect("read").replace("ISS.04.03.01.02,", "ISS.09.09.09.09,");
        std::fs::write(&values, text).expect("write");
        let target = dir.path().join("never");
        let out = avance(&["import", c, "--out", target.to_str().expect("utf-8")]);
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(
            stderr(&out),
            format!(
                "error: {}: fila 92, columna A: \"ISS.09.09.09.09\" no está en la hoja \"indicadores\"\n",
                values.display()
            )
        );
        assert!(!target.exists());
    }

    #[test]
    fn template_needs_years_or_a_policy() {
        let dir = tempfile::tempdir().expect("tempdir");
        let t = dir.path().join("t.xlsx");
        let out = avance(&["template", "--out", t.to_str().expect("utf-8")]);
        assert_eq!(out.status.code(), Some(2));
        let out = avance(&["template", "--out", t.to_str().expect("utf-8"), "--years", "2030-2025"]);
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(stderr(&out), "error: --years 2030-2025: se esperaba un rango de años como 2025-2030\n");
        let out = avance(&["template", "--out", t.to_str().expect("utf-8"), "--years", "2025-2030"]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(std::fs::metadata(&t).expect("written").len() > 5000);
    }
}

mod progress {
    use super::*;

    #[test]
    fn long_imports_show_progress_on_a_terminal_and_stay_quiet_otherwise() {
        let dir = tempfile::tempdir().expect("tempdir");
        let quiet = dir.path().join("quiet");
        let reference = "tests/fixtures/pndi-2024/pndi-2024-reporte-seguimiento.txt";
        let out = avance(&["import-report", reference, "--out", quiet.to_str().expect("utf-8")]);
        assert!(out.status.success());
        assert_eq!(stderr(&out), "");
        // script(1) gives the command a terminal.
        let tty = dir.path().join("tty");
        let cmd = format!("{} import-report {reference} --out {}", env!("CARGO_BIN_EXE_avance"), tty.display());
        let out = Command::new("script")
            .args(["-qec", &cmd, "/dev/null"])
            .current_dir(root())
            .env_remove("AVANCE_LANG")
            .output()
            .expect("script(1) from util-linux");
        let screen = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{screen}");
        assert!(screen.contains("Leyendo [==============================] 160/160"), "{screen}");
        assert_eq!(
            std::fs::read(tty.join("dataset.json")).expect("written"),
            std::fs::read(quiet.join("dataset.json")).expect("written")
        );
    }
}

mod html_report {
    use super::*;

    #[test]
    fn report_writes_the_html_page() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("r.html");
        let o = avance(&["report", "examples/pndi-2024", "--year", "2024", "--out", out.to_str().expect("utf-8")]);
        assert!(o.status.success(), "{}", stderr(&o));
        let page = std::fs::read_to_string(&out).expect("written");
        assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"es\">"));
        assert!(page.contains(
            "<p class=\"index-figure\"><span class=\"band intermedio\">79.3</span> <span class=\"index-band\">intermedio</span></p>"
        ));
        let o = avance(&["report", "examples/pndi-2024", "--year", "2031", "--out", out.to_str().expect("utf-8")]);
        assert_eq!(o.status.code(), Some(2));
        let pdf = dir.path().join("r.pdf");
        let o = avance(&["report", "examples/pndi-2024", "--format", "pdf", "--out", pdf.to_str().expect("utf-8")]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(std::fs::read(&pdf).expect("written").starts_with(b"%PDF-"));
    }
}

/// `avance poi compute` on the synthetic POI (examples/poi-sintetico-2022, the worked example of
/// docs/rules.md) under both versions of CEPLAN's application, as a table and as JSON; a broken
/// file gets one located line per problem.
#[test]
fn poi_compute_under_both_versions() {
    let file = "examples/poi-sintetico-2022/poi.json";
    let table = stdout(&avance(&["poi", "compute", file, "--months", "1-6", "--as-of", "2022-08-01"]));
    let figures = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| l.starts_with("AEI") || l.starts_with("  AOI") || l.starts_with("Ejecución"))
            .map(|l| {
                let mut parts = l.split_whitespace();
                let first = parts.next().unwrap_or("").to_string();
                format!("{first} {}", l.split_whitespace().last().unwrap_or(""))
            })
            .collect()
    };
    assert_eq!(
        figures(&table),
        [
            "AEI.01.01 75.00",
            "AOI00001 100.00",
            "AOI00002 50.00",
            "AOI00003 S.P.",
            "AEI.01.02 S.I.",
            "AOI00004 66.67",
            "AOI00005 S.I.",
            "AEI.02.01 0.00",
            "AOI00006 S.P.",
            "Ejecución 72.22"
        ]
    );
    assert!(
        table
            .starts_with("POI 2022 — Entidad sintética (cifras inventadas) (999)\nPerfil de reglas: ceplan-poi@2022\n"),
        "{table}"
    );
    let old = stdout(&avance(&["poi", "compute", file, "--months", "1-6", "--profile", "ceplan-poi@2021"]));
    assert_eq!(
        figures(&old),
        [
            "AEI.01.01 100",
            "AOI00001 150",
            "AOI00002 50",
            "AOI00003 S.P.",
            "AEI.01.02 67",
            "AOI00004 67",
            "AOI00005 S.I.",
            "AEI.02.01 0",
            "AOI00006 S.P.",
            "Ejecución 89"
        ]
    );
    // Under the figures, the notes each version prints, verbatim, and where this departs from them.
    assert!(
        table.contains(
            "\nNotas que imprime el aplicativo de CEPLAN, versión 2022:\n  PORCENTAJE DE AVANCES TRUNCADOS AL 100%\n"
        ),
        "{table}"
    );
    assert!(table.contains("  (vii) La cifra de EJECUCIÓN FÍSICA TOTAL es calculado como el promedio de la EJECUCIÓN FÍSICA POR AEI.\n  Este cálculo sigue lo que el aplicativo imprime donde difiere de sus notas: el total es el promedio de las AO, no de las AEI (docs/rules.md).\n"), "{table}");
    assert!(old.contains("  (iv) Las siglas 'S.P.' significan 'sin programación'"), "{old}");
    let year = stdout(&avance(&["poi", "compute", file, "--months", "1-6", "--profile", "ceplan-poi@2021", "--year"]));
    assert!(
        year.contains("Ejecución física total (promedio de las AO)                                   53\n"),
        "{year}"
    );
    // Before June's deadline (July 31), its missing record is not S.I. yet: nothing here is.
    let july = stdout(&avance(&["poi", "compute", file, "--months", "1-6", "--as-of", "2022-07-15"]));
    assert!(july.contains("seguimiento vencido hasta mayo"), "{july}");
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&avance(&["poi", "compute", file, "--months", "1-6", "--format", "json"])))
            .expect("poi test");
    assert_eq!(json["format"], "avance-poi-compute/1");
    assert_eq!(json["total"], serde_json::json!({ "value": "72.223333333333333333333333333", "printed": "72.22" }));
    assert_eq!(json["activities"][0]["figure"], serde_json::json!({ "value": "150", "printed": "100.00" }));
    assert_eq!(json["activities"][4]["figure"], serde_json::json!({ "status": "S.I." }));
    assert_eq!(json["aei"][1]["figure"], serde_json::json!({ "status": "S.I." }));

    // A broken POI: every problem with its place.
    let dir = tempfile::tempdir().expect("poi test");
    let bad = dir.path().join("poi.json");
    let text = std::fs::read_to_string(root().join(file))
        .expect("poi test")
        .replace(r#""aei": "AEI.02.01""#, r#""aei": "AEI.09.09""#)
        .replace("[1, null, 1, 1, 1, 1,", "[1, -2, 1, 1, 1, 1,")
        .replace(r#""aggregation": "acumulado_anual", "priority": 2"#, r#""aggregation": "mensual", "priority": 2"#);
    std::fs::write(&bad, text).expect("poi test");
    let o = avance(&["poi", "compute", bad.to_str().expect("poi test")]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    let p = bad.display();
    for line in [
        format!(
            "{p}: activities[1].aggregation (AOI00002): se esperaba \"acumulado_anual\", \"acumulado_mensual\" o \"no_acumulado\""
        ),
        format!("{p}: activities[4].executed[1] (AOI00005): se esperaba una cantidad de cero o más, como 12 o 2.5"),
        format!("{p}: activities[5].aei (AOI00006): la AEI \"AEI.09.09\" no está en la lista \"aei\" del plan"),
    ] {
        assert!(err.contains(&line), "missing «{line}» in:\n{err}");
    }
}

/// `avance poi generate` writes synthetic POIs that `avance poi compute --all` reads back and
/// sums up, the same on every run; each file also computes alone.
#[test]
fn synthetic_poi_portfolio() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("poi");
    let out_s = out.to_str().expect("utf-8");
    let made = avance(&["poi", "generate", "--entities", "3", "--activities", "20", "--out", out_s]);
    assert_eq!(stdout(&made), format!("Escritos 3 POI sintéticos de 20 actividades en {out_s}\n"));
    let summary = stdout(&avance(&["poi", "compute", out_s, "--all", "--months", "1-6"]));
    assert_eq!(
        summary,
        "POI de 3 entidades, 60 actividades\nActividades con avance: 56; S.P.: 0; S.I.: 4\nEjecución física total de las entidades (3 con valor): promedio 81.99, mediana 81.22; 0 bajo 75\n"
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&avance(&[
        "poi", "compute", out_s, "--all", "--months", "1-6", "--format", "json",
    ])))
    .expect("JSON");
    assert_eq!(json["entities"][0]["total"]["printed"], "81.00");
    assert_eq!(json["entities"][0]["seguimiento_incompleto"], 1);
    let one = stdout(&avance(&["poi", "compute", &format!("{out_s}/E0001/poi.json"), "--months", "1-6"]));
    assert!(
        one.contains("Ejecución física total (promedio de las AO)                                81.00\n"),
        "{one}"
    );
    // An empty directory says so.
    let empty = avance(&["poi", "compute", dir.path().to_str().expect("utf-8"), "--all"]);
    assert_eq!(empty.status.code(), Some(2));
    assert!(
        stderr(&empty)
            .contains("el directorio no tiene carpetas con poi.json (lo que escribe avance poi generate --out)"),
        "{}",
        stderr(&empty)
    );
}

/// `avance poi import`: the synthetic POI's CSV template (examples/poi-sintetico-2022/csv) reads
/// to the same plan as its poi.json; a decimal comma and an unknown AEI are reported at their file,
/// row and column.
#[test]
fn poi_from_csv() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("poi.json");
    let made = avance(&["poi", "import", "examples/poi-sintetico-2022/csv", "--out", out.to_str().expect("utf-8")]);
    assert_eq!(stdout(&made), format!("Escrito: {} (POI 2022, 3 AEI, 6 actividades)\n", out.display()));
    let from_csv = avance_import::poi::read(&out).expect("written POI");
    let from_json = avance_import::poi::read(&root().join("examples/poi-sintetico-2022/poi.json")).expect("example");
    assert_eq!(from_csv, from_json);
    // Broken copies.
    let bad = dir.path().join("csv");
    std::fs::create_dir(&bad).expect("dir");
    for f in ["poi.csv", "aei.csv", "actividades.csv"] {
        let text = std::fs::read_to_string(root().join("examples/poi-sintetico-2022/csv").join(f)).expect("csv");
        let text = text
            .replace(",1,1,1,0,0,0,,,,,,", ",1,1,1,0,0,\"2,5\",,,,,,")
            .replace("AEI.02.01,informe", "AEI.07.07,informe");
        std::fs::write(bad.join(f), text).expect("write");
    }
    let o = avance(&["poi", "import", bad.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    let file = bad.join("actividades.csv");
    for line in [
        format!(
            "{}: fila 3, columna X (AOI00002): se esperaba una cantidad de cero o más, como 12 o 2.5; se encontró \"2,5\"",
            file.display()
        ),
        format!(
            "{}: fila 7, columna C (AOI00006): la AEI \"AEI.07.07\" no está en la lista \"aei\" del plan",
            file.display()
        ),
    ] {
        assert!(err.contains(&line), "missing «{line}» in:\n{err}");
    }
    // A file with the wrong header says which header it wants.
    std::fs::write(bad.join("aei.csv"), "code,name\nAEI.01.01,x\n").expect("write");
    let o = avance(&["poi", "import", bad.to_str().expect("utf-8")]);
    assert!(
        stderr(&o).contains("aei.csv: línea 1: se esperaba \"codigo,nombre\"; se encontró \"code,name\""),
        "{}",
        stderr(&o)
    );
}

/// The JSON Schema of `avance-poi/1` (docs/poi.schema.json, `avance poi schema`) accepts what
/// avance writes (the example, a CSV template imported, synthetic POIs) and refuses what its
/// reader refuses, checked by an independent validator (Python's jsonschema, Draft 2020-12).
#[test]
fn the_poi_schema_agrees_with_the_reader() {
    let schema = stdout(&avance(&["poi", "schema"]));
    assert_eq!(schema, std::fs::read_to_string(root().join("docs/poi.schema.json")).expect("schema file"));
    let dir = tempfile::tempdir().expect("tempdir");
    let schema_file = dir.path().join("poi.schema.json");
    std::fs::write(&schema_file, &schema).expect("write");
    let imported = dir.path().join("importado.json");
    stdout(&avance(&["poi", "import", "examples/poi-sintetico-2022/csv", "--out", imported.to_str().expect("utf-8")]));
    let generated = dir.path().join("generados");
    stdout(&avance(&[
        "poi",
        "generate",
        "--entities",
        "2",
        "--activities",
        "30",
        "--out",
        generated.to_str().expect("utf-8"),
    ]));
    let example = std::fs::read_to_string(root().join("examples/poi-sintetico-2022/poi.json")).expect("example");
    let broken = [
        ("sin-formato.json", example.replace("\"format\": \"avance-poi/1\",", "")),
        ("coma.json", example.replacen("[2, 0, 0,", "[\"2,5\", 0, 0,", 1)),
        ("negativo.json", example.replacen("[2, 0, 0,", "[-2, 0, 0,", 1)),
        ("once-meses.json", example.replacen("[2, 0, 0,", "[0, 0,", 1)),
        ("agregacion.json", example.replacen("\"acumulado_anual\"", "\"anual\"", 1)),
        ("campo-extra.json", example.replacen("\"year\": 2022,", "\"year\": 2022, \"anio\": 2022,", 1)),
    ];
    let mut files = vec![
        (root().join("examples/poi-sintetico-2022/poi.json"), true),
        (imported, true),
        (generated.join("E0001/poi.json"), true),
        (generated.join("E0002/poi.json"), true),
    ];
    for (name, text) in &broken {
        assert_ne!(text, &example, "{name} must differ from the example");
        let f = dir.path().join(name);
        std::fs::write(&f, text).expect("write");
        files.push((f, false));
    }
    for (file, valid) in files {
        let f = file.to_str().expect("utf-8");
        let (accepted, why) = schema_accepts(&schema_file, f);
        assert_eq!(accepted, valid, "schema on {f}: {why}");
        let read = avance(&["poi", "compute", f]);
        assert_eq!(read.status.success(), valid, "reader on {f}: {}", String::from_utf8_lossy(&read.stderr));
    }
}

/// `avance poi template`: the XLSX template, empty or prefilled, reads back (`poi import`, `poi
/// load`) to the same plan; problems are named by sheet, row and column, as for the CSV files.
#[test]
fn poi_xlsx_template() {
    let dir = tempfile::tempdir().expect("tempdir");
    let book = dir.path().join("poi.xlsx");
    let b = book.to_str().expect("utf-8");
    let made = avance(&["poi", "template", "--out", b, "--poi", "examples/poi-sintetico-2022"]);
    assert_eq!(stdout(&made), format!("Escrito: {b}\n"));
    let out = dir.path().join("poi.json");
    let imported = avance(&["poi", "import", b, "--out", out.to_str().expect("utf-8")]);
    assert_eq!(stdout(&imported), format!("Escrito: {} (POI 2022, 3 AEI, 6 actividades)\n", out.display()));
    let example = avance_import::poi::read(&root().join("examples/poi-sintetico-2022/poi.json")).expect("example");
    assert_eq!(avance_import::poi::read(&out).expect("imported"), example);
    let db = format!("sqlite://{}", dir.path().join("avance.db").display());
    let loaded = avance(&["--db", &db, "poi", "load", b]);
    assert!(stdout(&loaded).starts_with("Cargado el POI 999 2022 en "), "{}", stderr(&loaded));

    // A decimal comma and an unknown AEI, typed into the workbook.
    let mut tables = avance_import::poi::template(Some(&example));
    let rows = &mut tables.sheets[2].1.rows;
    rows[1][18 + 5] = "2,5".into();
    rows[5][2] = "AEI.07.07".into();
    let bad = dir.path().join("mal.xlsx");
    avance_import::workbook::write_poi_xlsx(&tables, &bad).expect("write");
    let o = avance(&["poi", "import", bad.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    for line in [
        format!(
            "{}: Hoja \"actividades\", fila 3, columna X (AOI00002): se esperaba una cantidad de cero o más, como 12 o 2.5; se encontró \"2,5\"",
            bad.display()
        ),
        format!(
            "{}: Hoja \"actividades\", fila 7, columna C (AOI00006): la AEI \"AEI.07.07\" no está en la lista \"aei\" del plan",
            bad.display()
        ),
    ] {
        assert!(err.contains(&line), "missing «{line}» in:\n{err}");
    }
    // The empty template names what is missing; a workbook without a sheet says which.
    let empty = dir.path().join("vacia.xlsx");
    stdout(&avance(&["poi", "template", "--out", empty.to_str().expect("utf-8")]));
    let e = stderr(&avance(&["poi", "import", empty.to_str().expect("utf-8")]));
    assert!(e.contains("Hoja \"poi\", fila 2, columna A: falta este campo: se esperaba un texto"), "{e}");
    tables.sheets.truncate(2);
    let short = dir.path().join("corta.xlsx");
    avance_import::workbook::write_poi_xlsx(&tables, &short).expect("write");
    let e = stderr(&avance(&["poi", "import", short.to_str().expect("utf-8")]));
    assert!(
        e.contains(
            "corta.xlsx: el libro no tiene la hoja \"actividades\" de la plantilla (avance poi template la escribe)"
        ),
        "{e}"
    );
}

/// `avance pei compute` on the PEI of the Instituto Geofísico del Perú 2020–2026 (its 2022
/// follow-up, built from tests/fixtures/pei-igp/cases.csv): all 75 published figures, in the table
/// and in the JSON, and the notes the 2020 version prints.
#[test]
fn pei_compute_prints_the_published_figures() {
    let file = "examples/pei-igp-2020-2026/pei.json";
    let json = avance(&["pei", "compute", file, "--format", "json"]);
    assert!(json.status.success(), "{}", stderr(&json));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&json)).expect("json");
    assert_eq!(doc["format"], "avance-pei-compute/1");
    assert_eq!(doc["year"], 2022, "the last year with values obtained");
    assert_eq!(doc["profile"], "ceplan-pei@2020");
    let table = stdout(&avance(&["pei", "compute", file]));
    let mut reader = csv::Reader::from_path(root().join("tests/fixtures/pei-igp/cases.csv")).expect("cases");
    let mut checked = 0;
    for row in reader.records() {
        let row = row.expect("row");
        if (&row[1], &row[2]) != ("2020-2026", "2022") {
            continue;
        }
        let (code, year, published) = (&row[3], &row[7], &row[12]);
        let ind = doc["indicators"].as_array().expect("indicators").iter().find(|i| i["code"] == code).expect(code);
        let y = ind["years"]
            .as_array()
            .expect("years")
            .iter()
            .find(|y| y["year"].as_u64().map(|n| n.to_string()).as_deref() == Some(year))
            .expect(year);
        let printed = y["avance"]["printed"].as_str().expect("a figure");
        let want = format!("{:.2}", published.parse::<f64>().expect("published"));
        assert_eq!(printed, want, "{code} {year}");
        assert_eq!(y["expected"], row[10], "{code} {year}");
        assert_eq!(y["obtained"], row[11], "{code} {year}");
        let line = format!("{year:<6} {:>16} {:>16} {:>10}", &row[10], &row[11], want);
        assert!(table.contains(&line), "{code} {year}: {line:?} not in the table");
        checked += 1;
    }
    assert_eq!(checked, 75);
    assert!(table.contains("NOTA : El porcentaje de avance de los indicadores ha sido truncado en 100 %"), "{table}");
    assert!(table.contains("(*) : Avance porcentual no calculado debido a que el logro esperado es cero."));
    // An earlier cut under the same plan: the figures of 2020 and 2021 only.
    let cut = stdout(&avance(&["pei", "compute", file, "--year", "2021", "--format", "json"]));
    let cut: serde_json::Value = serde_json::from_str(&cut).expect("json");
    assert_eq!(cut["indicators"][0]["years"].as_array().map(Vec::len), Some(2));
    let en = stdout(&avance(&["--lang", "en", "pei", "compute", file]));
    assert!(en.starts_with("PEI follow-up 2020–2026 — Instituto Geofísico del Perú (IGP)"), "{en}");
}

/// What `pei compute` refuses, each problem at its place in the file, nothing computed.
#[test]
fn pei_compute_refuses_what_is_wrong() {
    let out = avance(&["pei", "compute", "examples/pei-igp-2020-2026/pei.json", "--year", "2027"]);
    assert!(!out.status.success());
    assert_eq!(stderr(&out).trim(), "error: Año: 2027 está fuera del periodo del PEI, 2020–2026.");
    let out = avance(&["pei", "compute", "examples/pei-igp-2020-2026/pei.json", "--profile", "ceplan-pn@1"]);
    assert_eq!(
        stderr(&out).trim(),
        "error: Perfil: «ceplan-pn@1» no es un perfil de PEI (ceplan-pei@2018, ceplan-pei@2019 o ceplan-pei@2020)."
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("pei.json");
    let text = r#"{
  "format": "avance-pei/1",
  "entity": {"code": "E1", "name": "Entidad <script>"},
  "years": {"first": 2024, "last": 2026},
  "profile": "ceplan-pn@1",
  "objectives": [{"code": "OEI.01", "name": "Objetivo"}],
  "actions": [{"code": "AEI.01.01", "name": "Acción"}, {"code": "AEI.02.01", "name": "Huérfana"}],
  "indicators": [
    {"code": "IND.01.AEI.01.03", "name": "Sin acción", "unit": "numero", "targets": {"2024": "5"}},
    {"code": "IOP.01.01", "name": "De política", "unit": "numero"},
    {"code": "IND.01.OEI.01", "name": "Fuera", "unit": "numero", "targets": {"2023": "5"}, "actuals": {"2024": "5%"}},
    {"code": "IND.01.OEI.01", "name": "Repetido", "unit": "numero", "color": "rojo"}
  ]
}"#;
    std::fs::write(&file, text).expect("write");
    let out = avance(&["pei", "compute", file.to_str().expect("utf-8")]);
    assert!(!out.status.success());
    let err = stderr(&out);
    for want in [
        "profile: se esperaba \"ceplan-pei@2018\", \"ceplan-pei@2019\", \"ceplan-pei@2020\" o \"ceplan-pei\"",
        "indicators[1].code",
        "se esperaba un código del PEI como IND.01.OEI.01 o IND.01.AEI.01.01; se encontró \"IOP.01.01\"",
        "indicators[2].actuals.2024",
        "indicators[3].color",
    ] {
        assert!(err.contains(want), "{want:?} not in:\n{err}");
    }
    // With the fields right, the plan's structure is checked: parents, repeated codes, years.
    let text = text
        .replace("\"ceplan-pn@1\"", "\"ceplan-pei@2019\"")
        .replace("{\"code\": \"IOP.01.01\", \"name\": \"De política\", \"unit\": \"numero\"},\n", "")
        .replace("\"actuals\": {\"2024\": \"5%\"}", "\"actuals\": {\"2024\": \"5\"}")
        .replace(", \"color\": \"rojo\"", "");
    std::fs::write(&file, text).expect("write");
    let out = avance(&["pei", "compute", file.to_str().expect("utf-8")]);
    assert!(!out.status.success());
    let err = stderr(&out);
    for want in [
        "actions[1].code",
        "el OEI OEI.02, del que depende AEI.02.01, no está en la lista \"objectives\" del plan",
        "indicators[0].code",
        "la AEI AEI.01.03, de la que depende IND.01.AEI.01.03, no está en la lista \"actions\" del plan",
        "indicators[1].targets",
        "el año 2023 está fuera del periodo del plan (2024–2026)",
        "indicators[2].code",
        "el código IND.01.OEI.01 está repetido",
    ] {
        assert!(err.contains(want), "{want:?} not in:\n{err}");
    }
}

/// The JSON Schema of `avance-pei/1` (docs/pei.schema.json, `avance pei schema`) accepts the
/// example and refuses what the reader refuses, checked by Python's jsonschema.
#[test]
fn the_pei_schema_agrees_with_the_reader() {
    let schema = stdout(&avance(&["pei", "schema"]));
    assert_eq!(schema, std::fs::read_to_string(root().join("docs/pei.schema.json")).expect("schema file"));
    let dir = tempfile::tempdir().expect("tempdir");
    let schema_file = dir.path().join("pei.schema.json");
    std::fs::write(&schema_file, &schema).expect("write");
    let example = std::fs::read_to_string(root().join("examples/pei-igp-2020-2026/pei.json")).expect("example");
    let cases = [
        ("ejemplo.json", example.clone(), true),
        ("sin-formato.json", example.replace("\"format\": \"avance-pei/1\",", ""), false),
        ("codigo.json", example.replacen("\"IND.01.OEI.01\"", "\"IOP.01.01\"", 1), false),
        ("unidad.json", example.replacen("\"unit\": \"numero\"", "\"unit\": \"unidades\"", 1), false),
        ("campo-extra.json", example.replacen("\"years\": {", "\"anio\": 2022, \"years\": {", 1), false),
        ("perfil.json", example.replacen("\"ceplan-pei@2020\"", "\"ceplan-pn@1\"", 1), false),
        (
            "con-elementos.json",
            example.replacen(
                "\"indicators\": [",
                "\"objectives\": [{\"code\": \"OEI.01\", \"name\": \"Objetivo\"}], \"indicators\": [",
                1,
            ),
            // Valid for the schema; the reader then wants every OEI and AEI the indicators name.
            true,
        ),
    ];
    for (name, text, valid) in cases {
        let f = dir.path().join(name);
        std::fs::write(&f, text).expect("write");
        let f = f.to_str().expect("utf-8");
        let (accepted, why) = schema_accepts(&schema_file, f);
        assert_eq!(accepted, valid, "schema on {f}: {why}");
        let read = avance(&["pei", "compute", f]);
        let reader_valid = valid && name != "con-elementos.json";
        assert_eq!(read.status.success(), reader_valid, "reader on {f}: {}", String::from_utf8_lossy(&read.stderr));
    }
}

/// `avance pei import-report` and `avance pei audit` on a published Seguimiento del PEI (the
/// fixture's 2022 report): the plan it reports computes to what it printed; an altered figure is
/// named and the audit exits 1.
#[test]
fn pei_report_imports_and_audits() {
    let report = "tests/fixtures/pei-b7/igp-pei-2020-2026-seguimiento-2022.txt";
    let out = avance(&["pei", "audit", report]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Auditoría del Seguimiento del PEI 2020–2026 — INSTITUTO GEOFISICO DEL PERU (IGP), año 2022\n\
         Perfil de reglas: ceplan-pei@2020 (el de la versión del aplicativo de ese año)\n\
         75 avances impresos; 0 contradicen los datos del propio reporte.\n"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let plan = dir.path().join("pei.json");
    let out = avance(&["pei", "import-report", report, "--out", plan.to_str().expect("utf-8")]);
    assert!(stdout(&out).contains("25 indicadores, seguimiento 2022, 75 avances impresos"), "{}", stdout(&out));
    let from_report = stdout(&avance(&["pei", "compute", plan.to_str().expect("utf-8"), "--format", "json"]));
    let from_example = stdout(&avance(&["pei", "compute", "examples/pei-igp-2020-2026/pei.json", "--format", "json"]));
    let figures = |text: &str| -> Vec<serde_json::Value> {
        let doc: serde_json::Value = serde_json::from_str(text).expect("json");
        doc["indicators"].as_array().expect("indicators").iter().map(|i| i["years"].clone()).collect()
    };
    assert_eq!(figures(&from_report), figures(&from_example));
    let altered = dir.path().join("alterado.txt");
    let text = std::fs::read_to_string(root().join(report)).expect("report");
    std::fs::write(&altered, text.replacen("57.14", "75.14", 1)).expect("write");
    let out = avance(&["pei", "audit", altered.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).ends_with(
            "75 avances impresos; 1 contradice los datos del propio reporte.\n\
             IND.02.AEI.04.02 2022: el reporte imprime 75.14; sus datos dan 57.14 (logro esperado 70.00, valor obtenido 40.00)\n"
        ),
        "{}",
        stdout(&out)
    );
    let out = avance(&["pei", "audit", "examples/pei-igp-2020-2026/pei.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no se encontró el periodo del plan"), "{}", stderr(&out));
}

/// `avance poi import-report` and `avance poi audit` on a published Reporte de seguimiento del POI
/// (the synthetic POI's first semester as the 2022 version prints it): the POI it reports computes
/// to what it printed; an altered AEI figure is named and the audit exits 1.
#[test]
fn poi_report_imports_and_audits() {
    let report = "tests/fixtures/poi-reporte/sintetico-999-poi-2022-semestre-1-version-2022.txt";
    let out = avance(&["poi", "audit", report]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Auditoría del Reporte de seguimiento del POI 2022 — ENTIDAD SINTÉTICA (CIFRAS INVENTADAS) (999), enero a junio (vencido hasta junio)\n\
         Perfil de reglas: ceplan-poi@2022\n\
         10 cifras impresas; 0 contradicen los datos del propio reporte.\n"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let poi = dir.path().join("poi.json");
    let out = avance(&["poi", "import-report", report, "--out", poi.to_str().expect("utf-8")]);
    assert!(stdout(&out).ends_with("3 AEI, 6 actividades, 10 cifras impresas)\n"), "{}", stdout(&out));
    let table =
        stdout(&avance(&["poi", "compute", poi.to_str().expect("utf-8"), "--months", "1-6", "--as-of", "2022-08-01"]));
    assert!(
        table.contains("Ejecución física total (promedio de las AO)                                72.22"),
        "{table}"
    );
    let altered = dir.path().join("alterado.txt");
    let text = std::fs::read_to_string(root().join(report)).expect("report");
    std::fs::write(&altered, text.replace("Ejecución física por AEI: 75.00", "Ejecución física por AEI: 85.00"))
        .expect("write");
    let out = avance(&["poi", "audit", altered.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).ends_with(
            "10 cifras impresas; 1 contradice los datos del propio reporte.\nAEI.01.01: el reporte imprime 85.00; sus datos dan 75.00\n"
        ),
        "{}",
        stdout(&out)
    );
    let json = stdout(&avance(&["poi", "audit", altered.to_str().expect("utf-8"), "--format", "json"]));
    let doc: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(doc["format"], "avance-poi-audit/1");
    assert_eq!(doc["findings"][0]["level"], "aei");
    assert_eq!(doc["findings"][0]["computed"]["printed"], "75.00");
}

/// A PEI in the database (SQLite file): loaded once (again: nothing to change), listed, computed
/// from the database exactly as from its file, a corrected value kept in its history.
#[test]
fn pei_in_the_database() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("avance.db");
    let db = db.to_str().expect("utf-8");
    let file = "examples/pei-igp-2020-2026/pei.json";
    let out = avance(&["--db", db, "pei", "load", file, "--author", "ana"]);
    assert!(stdout(&out).starts_with("PEI IGP 2020–2026 cargado en "), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&avance(&["--db", db, "pei", "load", file])).contains("ya estaba al día"));
    let list = stdout(&avance(&["--db", db, "pei", "list"]));
    assert!(
        list.contains(
            "IGP        2020–2026 · Instituto Geofísico del Perú · 25 indicadores · 1 cambio · ceplan-pei@2020"
        ),
        "{list}"
    );
    let from_db = stdout(&avance(&["--db", db, "pei", "compute", "--entity", "igp", "--format", "json"]));
    assert_eq!(from_db, stdout(&avance(&["pei", "compute", file, "--format", "json"])));
    let corrected = dir.path().join("pei.json");
    let text = std::fs::read_to_string(root().join(file)).expect("example");
    std::fs::write(&corrected, text.replacen("\"2022\": \"36.00\"", "\"2022\": \"38.00\"", 1)).expect("write");
    avance(&[
        "--db",
        db,
        "pei",
        "load",
        corrected.to_str().expect("utf-8"),
        "--author",
        "luis",
        "--reason",
        "corrección 2022",
    ]);
    let history = stdout(&avance(&["--db", db, "pei", "history", "IGP", "IND.01.OEI.01"]));
    assert!(history.contains(" · ana · «carga del PEI» · 2022: valor obtenido 36.00\n"), "{history}");
    assert!(history.trim_end().ends_with(" · luis · «corrección 2022» · 2022: valor obtenido 38.00"), "{history}");
    let table = stdout(&avance(&["--db", db, "pei", "compute", "--entity", "IGP", "--year", "2022"]));
    assert!(table.contains("    2022              38.00            38.00     100.00"), "{table}");
    // Published: frozen as of the load, regenerated identically after a later correction.
    let published =
        stdout(&avance(&["--db", db, "pei", "publish", "--entity", "IGP", "--year", "2022", "--author", "ana"]));
    assert!(published.starts_with("Publicado el seguimiento 2022 del PEI IGP 2020: huella SHA-256 "), "{published}");
    assert!(published.ends_with("(datos al cambio 2, perfil ceplan-pei@2020)\n"), "{published}");
    let frozen = stdout(&avance(&["--db", db, "pei", "compute", "--entity", "IGP", "--published", "--format", "json"]));
    let now = stdout(&avance(&["--db", db, "pei", "compute", "--entity", "IGP", "--format", "json"]));
    assert_eq!(frozen, now, "nothing changed since");
    let again = text.replacen("\"2022\": \"36.00\"", "\"2022\": \"37.00\"", 1);
    std::fs::write(&corrected, again).expect("write");
    avance(&["--db", db, "pei", "load", corrected.to_str().expect("utf-8")]);
    let later = stdout(&avance(&["--db", db, "pei", "compute", "--entity", "IGP", "--published", "--format", "json"]));
    assert_eq!(later, frozen, "the published figures stay");
    assert_ne!(stdout(&avance(&["--db", db, "pei", "compute", "--entity", "IGP", "--format", "json"])), frozen);
    let unpublished = avance(&["--db", db, "pei", "compute", "--entity", "IGP", "--published", "--year", "2021"]);
    assert_eq!(
        stderr(&unpublished).trim(),
        "error: ese seguimiento del PEI no se publicó (avance pei publish lo publica)"
    );
    let none = avance(&["--db", db, "pei", "compute", "--entity", "INEI"]);
    assert_eq!(
        stderr(&none).trim(),
        "error: la entidad no tiene PEI en la base de datos (avance pei list muestra los que hay)"
    );
}

/// `avance pei report` writes the Anexo B-7 as PDF; its text layer reads back (`pei
/// import-report`) to the same plan's figures and names, and `pei audit` finds nothing.
#[test]
fn pei_pdf_round_trip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pdf = dir.path().join("pei.pdf");
    let pdf = pdf.to_str().expect("utf-8");
    let example = "examples/pei-igp-2020-2026/pei.json";
    let out = avance(&["pei", "report", example, "--out", pdf]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(std::fs::read(pdf).expect("pdf").starts_with(b"%PDF"));
    let audit = avance(&["pei", "audit", pdf]);
    assert!(audit.status.success(), "{}{}", stdout(&audit), stderr(&audit));
    assert!(stdout(&audit).contains("75 avances impresos; 0 contradicen los datos del propio reporte."));
    let back = dir.path().join("back.json");
    avance(&["pei", "import-report", pdf, "--out", back.to_str().expect("utf-8")]);
    let doc = |file: &str| -> serde_json::Value {
        serde_json::from_str(&stdout(&avance(&["pei", "compute", file, "--format", "json"]))).expect("json")
    };
    let (from_pdf, from_file) = (doc(back.to_str().expect("utf-8")), doc(example));
    assert_eq!(from_pdf["indicators"], from_file["indicators"], "names, units, baselines and every figure");
    assert_eq!(from_pdf["entity"]["name"], "Instituto Geofísico del Perú");
}

/// `avance poi report` writes the Reporte de seguimiento del POI as PDF in either version's layout;
/// its text layer reads back (`poi import-report`) to the same plan, wrapped descriptions and all,
/// and `poi audit` finds nothing.
#[test]
fn poi_pdf_round_trip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut plan: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("examples/poi-sintetico-2022/poi.json")).expect("example"),
    )
    .expect("json");
    // Descriptions long enough to wrap in their cells, and a hostile one.
    plan["activities"][0]["name"] = "Talleres de asistencia técnica a los gobiernos locales en formulación, seguimiento y evaluación de sus planes institucionales y operativos, con énfasis en la articulación territorial".into();
    plan["activities"][1]["name"] = "#set page(width: 1pt) \" ] ) \\ *negrita*".into();
    plan["aei"][0]["name"] = "Asistencia técnica oportuna, pertinente y de calidad a los gobiernos locales y regionales del ámbito nacional, con enfoque territorial y de resultados".into();
    let file = dir.path().join("poi.json");
    std::fs::write(&file, plan.to_string()).expect("write");
    let file = file.to_str().expect("utf-8");
    for (profile, months, figures) in
        [("ceplan-poi@2022", "1-6", "10 cifras impresas"), ("ceplan-poi@2021", "1-12", "10 cifras impresas")]
    {
        let pdf = dir.path().join(format!("{profile}.pdf"));
        let pdf = pdf.to_str().expect("utf-8");
        let out = avance(&[
            "poi",
            "report",
            file,
            "--months",
            months,
            "--as-of",
            "2022-08-01",
            "--profile",
            profile,
            "--out",
            pdf,
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(std::fs::read(pdf).expect("pdf").starts_with(b"%PDF"));
        let audit = avance(&["poi", "audit", pdf]);
        assert!(audit.status.success(), "{}{}", stdout(&audit), stderr(&audit));
        assert!(
            stdout(&audit).contains(&format!("{figures}; 0 contradicen los datos del propio reporte.")),
            "{}",
            stdout(&audit)
        );
        assert!(
            stdout(&audit).contains(&format!("Perfil de reglas: {profile}")),
            "the version is read from the layout"
        );
        let back = dir.path().join("back.json");
        let imported = avance(&["poi", "import-report", pdf, "--out", back.to_str().expect("utf-8")]);
        assert!(imported.status.success(), "{}", stderr(&imported));
        let back: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&back).expect("back")).expect("json");
        assert_eq!(back["aei"], plan["aei"], "AEI codes and wrapped names");
        assert_eq!(back["entity"], plan["entity"], "entity and sector");
        let (a, b) = (plan["activities"].as_array().expect("a"), back["activities"].as_array().expect("b"));
        assert_eq!(a.len(), b.len());
        let last: usize = months.split('-').next_back().and_then(|m| m.parse().ok()).expect("month");
        for (x, y) in a.iter().zip(b) {
            for key in ["code", "name", "unit", "aei", "aggregation"] {
                assert_eq!(x[key], y[key], "{key} of {}", x["code"]);
            }
            for key in ["programmed", "executed"] {
                // The example writes numbers, the canonical writer text: compare the values.
                let values = |v: &serde_json::Value| -> Vec<String> {
                    v[key].as_array().expect("months")[..last]
                        .iter()
                        .map(|m| m.as_str().map_or_else(|| m.to_string(), str::to_string))
                        .collect()
                };
                assert_eq!(values(x), values(y), "{key} of {}", x["code"]);
            }
        }
    }
}

/// A POI's follow-up published in the database: frozen with its months, date, profile and hash;
/// regenerated identical after the plan changed; refused to whom it does not belong to.
#[test]
fn poi_publish_and_regenerate() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("avance.db");
    let db = db.to_str().expect("utf-8");
    let unpublished = avance(&["--db", db, "poi", "compute", "--entity", "999", "--published"]);
    assert!(!unpublished.status.success());
    let out = avance(&["--db", db, "poi", "load", "examples/poi-sintetico-2022", "--author", "ana"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let none = avance(&["--db", db, "poi", "compute", "--entity", "999", "--published"]);
    assert_eq!(stderr(&none).trim(), "error: ese seguimiento del POI no se publicó (avance poi publish lo publica)");
    let published =
        avance(&["--db", db, "poi", "publish", "--entity", "999", "--months", "1-6", "--author", "oficina"]);
    let said = stdout(&published);
    assert!(published.status.success(), "{}", stderr(&published));
    assert!(
        said.starts_with("Publicado el seguimiento de enero a junio del POI 999 2022 (fecha del reporte "),
        "{said}"
    );
    assert!(said.contains("perfil ceplan-poi@2022)"), "{said}");
    let frozen = stdout(&avance(&["--db", db, "poi", "compute", "--entity", "999", "--published", "--format", "json"]));
    let figures = |text: &str| -> serde_json::Value {
        let v: serde_json::Value = serde_json::from_str(text).expect("json");
        serde_json::json!([v["aei"], v["activities"], v["total"]])
    };
    let now =
        stdout(&avance(&["--db", db, "poi", "compute", "--entity", "999", "--months", "1-6", "--format", "json"]));
    assert_eq!(figures(&frozen), figures(&now), "a past year's months are all due: the figures of computing now");
    let doc: serde_json::Value = serde_json::from_str(&frozen).expect("json");
    assert_eq!(doc["total"]["printed"], "72.22");
    assert_eq!(doc["period"]["due_through"], 12, "published today, every month of 2022 was due");
    // The plan changes afterwards: the publication does not.
    let changed = dir.path().join("poi.json");
    let text = std::fs::read_to_string(root().join("examples/poi-sintetico-2022/poi.json")).expect("example");
    let mut plan: serde_json::Value = serde_json::from_str(&text).expect("json");
    plan["activities"][1]["executed"][3] = "1".into();
    std::fs::write(&changed, plan.to_string()).expect("write");
    let out = avance(&["--db", db, "poi", "load", changed.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let later = stdout(&avance(&["--db", db, "poi", "compute", "--entity", "999", "--published", "--format", "json"]));
    assert_eq!(later, frozen, "the published figures stay");
    let changed_now =
        stdout(&avance(&["--db", db, "poi", "compute", "--entity", "999", "--months", "1-6", "--format", "json"]));
    assert_ne!(figures(&changed_now), figures(&frozen));
    let other = avance(&["--db", db, "poi", "publish", "--entity", "123"]);
    assert_eq!(
        stderr(&other).trim(),
        "error: la entidad no tiene POI de ese año en la base de datos (avance poi list muestra los que hay)"
    );
    let pdf = dir.path().join("db.pdf");
    let out = avance(&[
        "--db",
        db,
        "poi",
        "report",
        "--entity",
        "999",
        "--months",
        "1-6",
        "--as-of",
        "2022-08-01",
        "--out",
        pdf.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let audit = avance(&["poi", "audit", pdf.to_str().expect("utf-8")]);
    assert!(audit.status.success(), "{}", stdout(&audit));
}

/// A PEI's template as XLSX and as CSV files: prefilled with a PEI, it reads back to the very same
/// `pei.json`; empty, it has the period's columns; every problem is named at its file, row and
/// column, and a header that does not follow the period says the header it expects.
#[test]
fn pei_template_round_trip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = |name: &str| dir.path().join(name).to_str().expect("utf-8").to_string();
    let example = "examples/pei-igp-2020-2026/pei.json";
    let original = std::fs::read_to_string(root().join(example)).expect("example");
    for out in [path("pei.xlsx"), path("csv")] {
        let made = avance(&["pei", "template", "--pei", example, "--out", &out]);
        assert!(made.status.success(), "{}", stderr(&made));
        let back = avance(&["pei", "import", &out]);
        assert!(back.status.success(), "{}", stderr(&back));
        assert_eq!(stdout(&back), original, "{out}");
        assert_eq!(
            stdout(&avance(&["pei", "compute", &out, "--format", "json"])),
            stdout(&avance(&["pei", "compute", example, "--format", "json"]))
        );
    }
    let header = std::fs::read_to_string(path("csv/indicadores.csv")).expect("csv");
    assert!(header.starts_with(
        "\u{feff}codigo,nombre,unidad,sentido,agregacion,estandar,linea_base_anio,linea_base_valor,logro_2020,"
    ));
    assert!(header.lines().next().expect("header").ends_with(",valor_2025,valor_2026"));
    let empty = avance(&["pei", "template", "--years", "2024-2030", "--out", &path("vacio")]);
    assert!(empty.status.success(), "{}", stderr(&empty));
    let pei = std::fs::read_to_string(path("vacio/pei.csv")).expect("csv");
    assert_eq!(
        pei,
        "\u{feff}entidad_codigo,entidad_nombre,sector,anio_inicio,anio_fin,perfil\n,,,2024,2030,ceplan-pei@2020\n"
    );
    let none = avance(&["pei", "template", "--years", "2030", "--out", &path("x.xlsx")]);
    assert_eq!(stderr(&none).trim(), "error: --years 2030: se esperaba un rango de años como 2024-2030");

    // Wrong values, named at their cells; a period that the columns do not follow.
    let indicators = std::fs::read_to_string(path("csv/indicadores.csv")).expect("csv");
    let bad = indicators.replacen(",32.00,35.00,", ",32.00,3;5,", 1).replacen(
        ",numero,,no acumulado,,2017,4.00,",
        ",metros,,no acumulado,,2017,4.00,",
        1,
    );
    std::fs::write(path("csv/indicadores.csv"), bad).expect("write");
    let refused = avance(&["pei", "import", &path("csv")]);
    assert_eq!(refused.status.code(), Some(2));
    let csv = path("csv/indicadores.csv");
    assert_eq!(
        stderr(&refused).trim(),
        format!(
            "error: {csv}: fila 2, columna J (IND.01.OEI.01): \"3;5\" no es un valor válido de número (se esperaba, por ejemplo, 10,256, 44328, 0.5 o ND)\n\
             error: {csv}: fila 3, columna C (IND.01.AEI.01.01): se esperaba \"cantidad\", \"numero\", \"porcentaje\", \"ratio\", \"tasa\", \"indice\" o \"tasa_variacion\"; se encontró \"metros\""
        )
    );
    std::fs::write(path("csv/indicadores.csv"), indicators).expect("write");
    let period = std::fs::read_to_string(path("csv/pei.csv")).expect("csv");
    std::fs::write(path("csv/pei.csv"), period.replace(",2026,", ",2027,")).expect("write");
    let refused = avance(&["pei", "import", &path("csv")]);
    assert!(
        stderr(&refused).contains("indicadores.csv: línea 1: se esperaba \"codigo,nombre,"),
        "{}",
        stderr(&refused)
    );
    assert!(stderr(&refused).contains(",logro_2026,logro_2027,valor_2020,"), "{}", stderr(&refused));
    // A template loads into the database like the file.
    let db = path("avance.db");
    let loaded = avance(&["--db", &db, "pei", "load", &path("pei.xlsx")]);
    assert!(stdout(&loaded).starts_with("PEI IGP 2020–2026 cargado en "), "{}", stderr(&loaded));
}

/// `avance poi report --out F.xlsx`: the same report as a workbook, every word and figure of the
/// layout in its cell (the 2022 version's first semester, docs/rules.md's worked example).
#[test]
fn poi_report_as_a_workbook() {
    use calamine::{Reader, open_workbook_auto};
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("poi.xlsx");
    let made = avance(&[
        "poi",
        "report",
        "examples/poi-sintetico-2022",
        "--months",
        "1-6",
        "--as-of",
        "2022-08-01",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert!(made.status.success(), "{}", stderr(&made));
    let mut book = open_workbook_auto(&out).expect("xlsx");
    let sheet = book.worksheet_range("Reporte POI").expect("sheet");
    let rows: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    let line = |r: &[String]| r.iter().filter(|c| !c.is_empty()).cloned().collect::<Vec<_>>().join(" | ");
    let lines: Vec<String> = rows.iter().map(|r| line(r)).filter(|l| !l.is_empty()).collect();
    assert_eq!(lines[0], "REPORTE DE SEGUIMIENTO DEL POI 2022");
    assert_eq!(lines[1], "PORCENTAJE DE AVANCES TRUNCADOS AL 100%");
    assert_eq!(lines[2], "Pliego: | 999  Entidad sintética (cifras inventadas)");
    assert_eq!(lines[5], "Fecha de generación: | 01/08/2022");
    assert_eq!(
        lines[7],
        "Código | Descripción | Unidad de medida | Tipo de agregación | Fila | Ene | Feb | Mar | Abr | May | Jun | Avance acumulado | Avance % acumulado"
    );
    assert_eq!(
        lines[8],
        "AEI.01.01 | Asistencia técnica oportuna a los gobiernos locales | Ejecución física por AEI: 75.00"
    );
    assert_eq!(
        lines[9],
        "AOI00001 | Talleres de asistencia técnica | taller | Acumulado Anual | PROG | 2 | 0 | 0 | 0 | 0 | 0 | 2"
    );
    assert_eq!(lines[10], "EJEC | 3 | 0 | 0 | 0 | 0 | 0 | 3 | 100.00");
    assert!(lines.contains(&"EJEC | 1 | - | 1 | 1 | 1 | 1 | - | S.I.".to_string()), "{lines:?}");
    assert!(lines.contains(&"EJECUCIÓN FÍSICA TOTAL: 72.22".to_string()), "{lines:?}");
    assert!(lines.iter().any(|l| l.starts_with("(v) La sigla 'S.P.' significa sin programación")), "{lines:?}");
}
