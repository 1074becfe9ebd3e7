//! The HTML report of the reference: every figure, the generated alerts, the analysts' text apart.

use std::path::Path;

use avance_core::compute::compute;
use avance_core::lang::Lang;
use avance_core::model::{Policy, Year};
use avance_import::dataset;
use avance_report::html;

fn example() -> Policy {
    dataset::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/pndi-2024")).expect("example")
}

fn render(policy: &Policy, lang: Lang) -> String {
    let result = compute(policy, Year::new(2024).expect("year"));
    html::render(policy, &result, lang, &dataset::content_hash(policy))
}

#[test]
fn every_figure_of_the_reference_is_in_the_page() {
    let page = render(&example(), Lang::Es);
    assert!(page.contains(
        "<h1>Reporte de seguimiento de la Política Nacional de Desarrollo Industrial, correspondiente al año 2024</h1>"
    ));
    // The 91 indicator avances, each in its coloured cell.
    let fixture = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/pndi-2024/avances.csv"),
    )
    .expect("fixture");
    for line in fixture.lines().skip(1) {
        let f: Vec<&str> = line.splitn(4, ',').collect();
        let band = match f[2] {
            "ND" => "nd",
            v if v.parse::<f64>().unwrap_or(0.0) >= 95.0 => "alto",
            v if v.parse::<f64>().unwrap_or(0.0) >= 75.0 => "intermedio",
            _ => "bajo",
        };
        let row_start =
            page.find(&format!("<tr><td class=\"code\">{}</td>", f[0])).unwrap_or_else(|| panic!("row {}", f[0]));
        let row = &page[row_start..row_start + page[row_start..].find("</tr>").expect("row end")];
        assert!(row.contains(&format!("<td class=\"band {band}\" ")), "{}: {row}", f[0]);
        assert!(row.contains(&format!(">{} <span class=\"visually-hidden\">(", f[2])), "{}: {}", f[0], f[2]);
    }
    for op in [
        "OP.01 Incrementar la productividad de las empresas del sector manufactura — avance 86.5 (intermedio)",
        "— avance 80.0 (intermedio)",
        "— avance 71.4 (bajo)",
        "— avance ND (ND)",
    ] {
        assert!(page.contains(op), "{op}");
    }
    // The índice first, then its value in every year of the horizon (chart and table).
    let index = "<p class=\"index-figure\"><span class=\"band intermedio\">79.3</span> <span class=\"index-band\">intermedio</span></p>";
    assert!(page.contains(index));
    assert!(page.find(index) < page.find("Resumen del semáforo"), "the índice opens the report");
    for (year, index, band) in [(2022, "98.2", "alto"), (2023, "86.2", "intermedio"), (2024, "79.3", "intermedio")] {
        let row = format!("<tr><th scope=\"row\">{year}</th><td class=\"num\">{index}</td><td>{band}</td></tr>");
        assert!(page.contains(&row), "{row}");
    }
    // The count rows.
    for row in [
        "<th scope=\"row\">Objetivos prioritarios</th><td class=\"num\">1</td><td class=\"num\">2</td><td class=\"num\">0</td><td class=\"num\">1</td><td class=\"num\">4</td>",
        "<th scope=\"row\">Indicadores de objetivo prioritario</th><td class=\"num\">1</td><td class=\"num\">2</td><td class=\"num\">0</td><td class=\"num\">2</td><td class=\"num\">5</td>",
        "<th scope=\"row\">Indicadores de servicio</th><td class=\"num\">18</td><td class=\"num\">5</td><td class=\"num\">40</td><td class=\"num\">23</td><td class=\"num\">86</td>",
    ] {
        assert!(page.contains(row), "{row}");
    }
    // Values as entered.
    assert!(page.contains(">10,256</td>"));
    assert!(page.contains(">100.00%</td>"));
    // Generated alerts and the analysts' text, apart.
    assert!(page.contains("OP.03:</strong> El objetivo prioritario 3 presenta un avance bajo (71.4). Su indicador IOP.03.02 (sin valor obtenido para 2024) no cuenta con información y no entra en el promedio."));
    assert!(page.contains("<div class=\"analysts\">"));
    assert!(page.contains("Se identifican deficiencias en la conexión entre servicios y funciones operativas."));
    // The annex: profile and the data's fingerprint.
    assert!(page.contains("ceplan-pn@1 — "));
    assert!(page.contains(&format!("<code>{}</code>", dataset::content_hash(&example()))));
    // The outlook to the horizon, summed up (the figures are the CLI test's, pinned there).
    assert!(page.contains("<h2 id=\"outlook\">Perspectivas al horizonte</h2>"));
    assert!(page.contains("<tr><th scope=\"row\">Política</th><td class=\"num\">37</td><td class=\"num\">1</td><td class=\"num\">7</td><td class=\"num\">9</td><td class=\"num\">8</td><td class=\"num\">29</td><td class=\"num\">61.3%</td></tr>"));
    assert!(page.contains("<strong>en riesgo de no alcanzar la meta al 2024: IOP.01.01, "));
    // Charts.
    assert_eq!(page.matches("<svg").count(), 3 + 91);
}

#[test]
fn english_report() {
    let page = render(&example(), Lang::En);
    assert!(page.contains("<html lang=\"en\">"));
    assert!(
        page.contains("<h1>Follow-up report of the Política Nacional de Desarrollo Industrial, for the year 2024</h1>")
    );
    assert!(page.contains("Priority objective 3 shows low progress (71.4)."));
}

#[test]
fn text_from_the_data_is_escaped() {
    let mut parts = example().into_parts();
    parts.objectives[0].name = "<script>alert(1)</script> & co".into();
    parts.indicators[0].name = "\"quoted\" <b>".into();
    let page = render(&Policy::new(parts).expect("valid"), Lang::Es);
    assert!(!page.contains("<script>alert(1)</script>"));
    assert!(
        page.contains("&#60;script&#62;alert(1)&#60;/script&#62; &#38; co")
            || page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"),
        "escaped"
    );
    assert!(!page.contains("<b>"));
}

#[test]
fn the_reference_page_snapshot() {
    insta::assert_snapshot!(render(&example(), Lang::Es));
}
