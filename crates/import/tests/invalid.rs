//! Invalid datasets: every problem is reported with file, path, element code, what was expected
//! and what was found, and nothing panics.

use std::path::{Path, PathBuf};

use avance_core::lang::Lang;
use avance_import::dataset;
use serde_json::{Value, json};

fn example() -> Value {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/pndi-2024/dataset.json");
    serde_json::from_str(&std::fs::read_to_string(file).expect("example")).expect("example is JSON")
}

fn indicator<'a>(doc: &'a mut Value, code: &str) -> (usize, &'a mut Value) {
    let list = doc["indicators"].as_array_mut().expect("indicators");
    let i = list.iter().position(|x| x["code"] == code).expect(code);
    (i, &mut list[i])
}

/// The rendered messages for a document.
fn check(doc: &Value, lang: Lang) -> Vec<String> {
    let text = serde_json::to_string_pretty(doc).expect("json");
    check_text(&text, lang)
}

fn check_text(text: &str, lang: Lang) -> Vec<String> {
    let file = PathBuf::from("bad/dataset.json");
    match dataset::parse(&file, text) {
        Ok(_) => Vec::new(),
        Err(issues) => issues.iter().map(|i| i.render(lang)).collect(),
    }
}

#[test]
fn unknown_sentido() {
    let mut doc = example();
    let (i, ind) = indicator(&mut doc, "ISS.01.01.01.02");
    ind["sentido"] = json!("subiendo");
    assert_eq!(
        check(&doc, Lang::Es),
        [format!(
            "bad/dataset.json: indicators[{i}].sentido (ISS.01.01.01.02): se esperaba \"ascendente\", \"descendente\" o \"no_definido\"; se encontró \"subiendo\""
        )]
    );
    assert_eq!(
        check(&doc, Lang::En),
        [format!(
            "bad/dataset.json: indicators[{i}].sentido (ISS.01.01.01.02): expected \"ascendente\", \"descendente\" or \"no_definido\"; found \"subiendo\""
        )]
    );
}

#[test]
fn service_indicator_whose_service_does_not_exist() {
    let mut doc = example();
    let (i, ind) = indicator(&mut doc, "ISS.01.01.01.02");
    ind["code"] = json!("ISS.01.01.09.01");
    assert_eq!(
        check(&doc, Lang::Es),
        [format!(
            "bad/dataset.json: indicators[{i}].code (ISS.01.01.09.01): el servicio SS.01.01.09, del que depende ISS.01.01.09.01, no existe"
        )]
    );
}

#[test]
fn duplicate_codes() {
    let mut doc = example();
    let (i, ind) = indicator(&mut doc, "ISS.01.01.01.02");
    ind["code"] = json!("ISS.01.01.01.01");
    assert_eq!(
        check(&doc, Lang::Es),
        [format!("bad/dataset.json: indicators[{i}].code (ISS.01.01.01.01): el código ISS.01.01.01.01 está repetido")]
    );
}

#[test]
fn unparseable_value() {
    let mut doc = example();
    let (i, ind) = indicator(&mut doc, "ISS.01.01.01.02");
    ind["actuals"]["2024"] = json!("12;5%");
    assert_eq!(
        check(&doc, Lang::Es),
        [format!(
            "bad/dataset.json: indicators[{i}].actuals.2024 (ISS.01.01.01.02): \"12;5%\" no es un porcentaje válido (se esperaba, por ejemplo, 20%, 12.5% o ND)"
        )]
    );
}

#[test]
fn signs_are_checked_against_the_indicator() {
    let mut doc = example();
    let (i, ind) = indicator(&mut doc, "ISS.01.01.01.01");
    ind["actuals"]["2024"] = json!("-5");
    ind["targets"]["2024"] = json!("+1");
    ind["actuals"]["2023"] = json!("-0");
    let at = |k: &str, msg: &str| format!("bad/dataset.json: indicators[{i}].{k} (ISS.01.01.01.01): {msg}");
    assert_eq!(
        check(&doc, Lang::Es),
        [
            at("targets.2024", "\"+1\" lleva el signo +: escriba el valor sin signo (solo los negativos llevan -)"),
            at("actuals.2023", "\"-0\" es un cero con signo: escriba 0"),
            at("actuals.2024", "\"-5\" es negativo y este indicador (número) no admite valores negativos"),
        ]
    );
    // The metadata may allow negative values (a balance, say); a sign and a signed zero stay wrong.
    let (_, ind) = indicator(&mut doc, "ISS.01.01.01.01");
    ind["negative_values"] = json!(true);
    ind["targets"]["2024"] = json!("1");
    ind["actuals"]["2023"] = json!("0");
    let text = serde_json::to_string_pretty(&doc).expect("json");
    let policy = dataset::parse(Path::new("ok/dataset.json"), &text).expect("negative values allowed");
    let read = policy.indicators().iter().find(|x| x.code.as_str() == "ISS.01.01.01.01").expect("indicator");
    assert_eq!(read.negative_values, Some(true));
    assert_eq!(read.actuals.values().last().map(|c| c.text()), Some("-5"));
    // Written back with the flag, and read again the same.
    let again = dataset::parse(Path::new("ok/dataset.json"), &dataset::to_json(&policy)).expect("round trip");
    assert_eq!(again, policy);
    let (_, ind) = indicator(&mut doc, "ISS.01.01.01.01");
    ind["negative_values"] = json!("si");
    assert_eq!(check(&doc, Lang::Es), [at("negative_values", "se esperaba \"true\" o \"false\"; se encontró \"si\"")]);
}

#[test]
fn decimal_comma_is_not_read_as_thousands() {
    let mut doc = example();
    let (i, ind) = indicator(&mut doc, "ISS.01.02.01.01");
    ind["targets"]["2024"] = json!("12,5");
    assert_eq!(
        check(&doc, Lang::Es),
        [format!(
            "bad/dataset.json: indicators[{i}].targets.2024 (ISS.01.02.01.01): \"12,5\" no es un valor válido de número: la coma separa miles en grupos de tres cifras y el punto separa decimales"
        )]
    );
}

#[test]
fn year_outside_the_policy_years() {
    let mut doc = example();
    let (i, ind) = indicator(&mut doc, "IOP.01.01");
    ind["targets"]["2031"] = json!("50000");
    assert_eq!(
        check(&doc, Lang::Es),
        [format!(
            "bad/dataset.json: indicators[{i}].targets.2031 (IOP.01.01): el año 2031 está fuera de los años de la política (2022–2024)"
        )]
    );
}

#[test]
fn no_definido_without_standard() {
    let mut doc = example();
    let (i, ind) = indicator(&mut doc, "ISS.01.01.01.01");
    ind.as_object_mut().expect("object").remove("standard");
    assert_eq!(
        check(&doc, Lang::Es),
        [format!(
            "bad/dataset.json: indicators[{i}].standard (ISS.01.01.01.01): falta este campo: se esperaba \"minimo permisible\" o \"maximo permisible\""
        )]
    );
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let mut doc = example();
    indicator(&mut doc, "ISS.01.01.01.02").1["sentido"] = json!("subiendo");
    indicator(&mut doc, "ISS.01.02.01.01").1["unit"] = json!("kg");
    indicator(&mut doc, "ISS.01.02.01.02").1["sentid"] = json!("ascendente");
    doc["policy"]["type"] = json!("REGIONAL");
    let messages = check(&doc, Lang::En);
    assert_eq!(messages.len(), 4, "{messages:#?}");
    assert!(messages[0].starts_with(
        "bad/dataset.json: policy.type: expected \"SECTORIAL\" or \"MULTISECTORIAL\"; found \"REGIONAL\""
    ));
    assert!(
        messages.iter().any(|m| m.ends_with(".sentid (ISS.01.02.01.02): unknown field (a typo?); see docs/formats.md"))
    );
    assert!(messages.iter().any(|m| m.contains(".unit (ISS.01.02.01.01): expected \"cantidad\", \"numero\"")));
}

#[test]
fn unknown_profile() {
    let mut doc = example();
    doc["policy"]["profile"] = json!("ceplan-pn@9");
    assert_eq!(
        check(&doc, Lang::Es),
        [
            "bad/dataset.json: policy.profile: perfil de reglas desconocido \"ceplan-pn@9\"; perfiles disponibles: \"ceplan-pn@1\", \"ceplan-pei@2018\", \"ceplan-pei@2019\", \"ceplan-pei@2020\""
        ]
    );
}

#[test]
fn syntax_errors_name_line_and_column() {
    let messages = check_text("{\n  \"format\": \"avance-dataset/1\",\n  \"policy\": \n", Lang::Es);
    assert_eq!(messages, ["bad/dataset.json: JSON no válido en la línea 4, columna 0 (EOF while parsing a value)"]);
}

#[test]
fn wrong_format_and_not_an_object() {
    assert_eq!(check_text("[]", Lang::Es), ["bad/dataset.json: se esperaba un objeto JSON ({...}); se encontró [...]"]);
    let mut doc = example();
    doc["format"] = json!("avance-dataset/2");
    assert_eq!(
        check(&doc, Lang::Es),
        ["bad/dataset.json: format: se esperaba \"avance-dataset/1\"; se encontró \"avance-dataset/2\""]
    );
}

#[test]
fn missing_file() {
    let issues = dataset::read(Path::new("/nonexistent/avance")).expect_err("missing");
    assert_eq!(issues.len(), 1);
    assert!(issues[0].render(Lang::Es).starts_with("/nonexistent/avance: no se puede leer el archivo: "));
}

#[test]
fn arbitrary_mutations_never_panic() {
    // Replace each field of one indicator in turn by values of every JSON type.
    let base = example();
    let keys: Vec<String> = base["indicators"][7].as_object().expect("object").keys().cloned().collect();
    for key in keys {
        for v in [json!(null), json!(1), json!(-3.5), json!("x"), json!([]), json!({}), json!(true), json!({"2024": 5})]
        {
            let mut doc = base.clone();
            doc["indicators"][7][&key] = v;
            let _ = check(&doc, Lang::Es);
        }
    }
}

/// The year a portfolio of files is computed for when none is given: the last of any policy, read
/// from each file's years alone; a file that does not tell it is left to the full read.
#[test]
fn a_portfolio_s_last_year_is_read_from_each_file_s_years() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let last = dataset::last_year_of_portfolio(&examples).expect("examples");
    assert_eq!(last.map(|y| y.get()), Some(2030));

    let dir = tempfile::tempdir().expect("tempdir");
    let write = |name: &str, text: &str| {
        std::fs::create_dir(dir.path().join(name)).expect("folder");
        std::fs::write(dir.path().join(name).join("dataset.json"), text).expect("write");
    };
    write("a", &serde_json::to_string(&example()).expect("json"));
    // Truncated after its years; a year out of range; not JSON.
    write("b", r#"{"policy": {"years": {"first": 2021, "last": 2031}"#);
    write("c", r#"{"policy": {"years": {"first": 2021, "last": 60000}}}"#);
    write("d", "\u{feff}<html>");
    assert_eq!(dataset::last_year_of_portfolio(dir.path()).expect("a folder").map(|y| y.get()), Some(2024));
    write("e", r#"{"format": "x", "policy": {"name": 1, "years": {"last": 2027}}, "indicators": "?"}"#);
    assert_eq!(dataset::last_year_of_portfolio(dir.path()).expect("a folder").map(|y| y.get()), Some(2027));

    let empty = tempfile::tempdir().expect("tempdir");
    let issues = dataset::last_year_of_portfolio(empty.path()).expect_err("no datasets");
    assert_eq!(issues.len(), 1);
    assert!(issues[0].render(Lang::Es).contains(&empty.path().display().to_string()), "{}", issues[0].render(Lang::Es));
}
