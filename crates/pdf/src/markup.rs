//! The report as typst source. Every piece of data enters as a typst string literal (escaped), never
//! as markup, so that no name can change the layout.

use std::fmt::Write as _;

use avance_core::Decimal;
use avance_core::band::Band;
use avance_core::compute::PolicyResult;
use avance_core::lang::Lang;
use avance_core::model::{Direction, Policy};
use avance_core::number::format_display;
use avance_report::{labels, narrative, svg};

/// A typst string literal.
fn s(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn band_cell(avance: &str, band: Band) -> String {
    let fg = if band == Band::Intermedio { "black" } else { "white" };
    format!(
        "table.cell(fill: rgb({}), align: right)[#text(fill: {fg}, weight: \"bold\", {})]",
        s(svg::color(band)),
        s(avance)
    )
}

pub fn report(policy: &Policy, result: &PolicyResult, lang: Lang, data_hash: &str) -> String {
    let m = policy.meta();
    let d = result.profile.decimals;
    let shown = |a: Option<Decimal>| a.map_or_else(|| "ND".to_string(), |a| format_display(a, d));
    let title = avance_report::html::title(policy, result, lang);
    let years: Vec<_> = m.years.iter().collect();
    let n = years.len();
    let mut o = String::new();

    preamble(&mut o, &title, &m.code, lang);
    let _ = writeln!(o, "#text(size: 14pt, weight: \"bold\", {})\n", s(&title));
    for (k, v) in [
        (lang.pick("Sector", "Sector"), format!("{}: {}", m.sector.code, m.sector.name)),
        (lang.pick("Ministerio conductor", "Conducting ministry"), format!("{}: {}", m.ministry.code, m.ministry.name)),
        (lang.pick("Tipo", "Type"), m.policy_type.id().to_string()),
    ] {
        let _ = writeln!(o, "#text(weight: \"bold\", {}) #{}\n", s(&format!("{k}:")), s(&v));
    }

    // The semáforo summary.
    let _ = writeln!(
        o,
        "#v(4pt)\n#block(sticky: true, text(size: 10pt, weight: \"bold\", {}))\n",
        s(lang.pick("Resumen del semáforo", "Traffic-light summary"))
    );
    counts_table(&mut o, &result.counts, lang);
    let _ = writeln!(
        o,
        "#grid(columns: (1fr, 1fr), gutter: 8pt, image(bytes({}), format: \"svg\", width: 100%), image(bytes({}), format: \"svg\", width: 100%))\n",
        s(&svg::band_distribution(&result.counts, lang)),
        s(&svg::objective_avances(result, lang))
    );

    // One table per objective: the objective, its indicators, each lineamiento, service and
    // service indicator. The header repeats on every page.
    let columns = 8 + 2 * n + 1;
    for obj in &result.objectives {
        let name = policy.objectives().iter().find(|x| x.code == obj.code).map_or("", |x| x.name.as_str());
        let _ = writeln!(o, "#pagebreak(weak: true)");
        let _ = write!(o, "#table(columns: (auto, 1fr, auto, auto, auto, auto, auto, auto");
        for _ in 0..(2 * n + 1) {
            let _ = write!(o, ", auto");
        }
        let _ = writeln!(o, "),");
        let h = |t: &str| format!("table.cell(fill: rgb(\"#e8eef5\"), text(weight: \"bold\", {}))", s(t));
        let hs = |t: &str, span: &str| {
            format!("table.cell({span}, fill: rgb(\"#e8eef5\"), text(weight: \"bold\", {}))", s(t))
        };
        let _ = writeln!(
            o,
            "  table.header(repeat: true, {}, {}, {}, {}, {}, {}, {}, {}, {}, {},",
            hs(lang.pick("Código", "Code"), "rowspan: 2"),
            hs(
                lang.pick(
                    "Objetivo / Lineamiento / Servicio / Indicador",
                    "Objective / Lineamiento / Service / Indicator"
                ),
                "rowspan: 2"
            ),
            hs(lang.pick("Responsable", "Responsible"), "rowspan: 2"),
            hs(lang.pick("Tipo de indicador", "Indicator type"), "rowspan: 2"),
            hs(lang.pick("Sentido esperado", "Expected sense"), "rowspan: 2"),
            hs(lang.pick("Agregación / Estándar", "Aggregation / Standard"), "rowspan: 2"),
            hs(lang.pick("Línea base", "Baseline"), "colspan: 2"),
            hs(lang.pick("Logros esperados", "Targets"), &format!("colspan: {n}")),
            hs(lang.pick("Valores obtenidos", "Actual values"), &format!("colspan: {n}")),
            h(lang.pick("Avance Tipo 1 (%)", "Avance Tipo 1 (%)"))
        );
        let _ = write!(o, "    {}, {}", h(lang.pick("Año", "Year")), h(lang.pick("valor", "value")));
        for y in years.iter().chain(years.iter()) {
            let _ = write!(o, ", {}", h(&y.to_string()));
        }
        let _ = writeln!(o, ", {}),", h(&result.year.to_string()));
        // The objective's row.
        let _ = writeln!(
            o,
            "  table.cell(fill: rgb(\"#dbe6f3\"), text(weight: \"bold\", {})), table.cell(colspan: {}, fill: rgb(\"#dbe6f3\"), text(weight: \"bold\", {})), {},",
            s(obj.code.as_str()),
            columns - 2,
            s(name),
            band_cell(&shown(obj.avance), obj.band)
        );
        let indicator = |o: &mut String, code: &avance_core::code::Code| {
            let (Some(ind), Some(r)) = (policy.indicator(code), result.indicator(code.as_str())) else { return };
            let (sentido, agg) = match ind.direction {
                Direction::Trend { sense, aggregation } => (sense.map_or("", |x| x.id()), aggregation.id()),
                Direction::NoDefinido(st) => ("no_definido", st.id()),
            };
            let _ = write!(
                o,
                "  {}, {}, {}, {}, {}, {}, {}, {}",
                s(code.as_str()),
                s(&ind.name),
                s(&ind.responsible),
                s(&ind.indicator_type),
                s(sentido),
                s(agg),
                s(&ind.baseline.as_ref().map(|b| b.year.to_string()).unwrap_or_default()),
                s(ind.baseline.as_ref().map_or("", |b| b.value.text()))
            );
            for (map, y) in years.iter().map(|y| (&ind.targets, y)).chain(years.iter().map(|y| (&ind.actuals, y))) {
                let _ = write!(o, ", table.cell(align: right, {})", s(map.get(y).map_or("", |c| c.text())));
            }
            let _ = writeln!(o, ", {},", band_cell(&shown(r.avance()), r.band));
        };
        for code in result.codes_at(&obj.indicators) {
            indicator(&mut o, code);
        }
        for ln in policy.lineamientos().iter().filter(|l| l.code.parent().as_ref() == Some(&obj.code)) {
            let _ = writeln!(
                o,
                "  table.cell(fill: luma(238), {}), table.cell(colspan: {}, fill: luma(238), text(style: \"italic\", {})),",
                s(ln.code.as_str()),
                columns - 1,
                s(&ln.name)
            );
            for ss in policy.services().iter().filter(|x| x.code.parent().as_ref() == Some(&ln.code)) {
                let _ = writeln!(
                    o,
                    "  table.cell(fill: luma(247), {}), table.cell(colspan: {}, fill: luma(247), {}),",
                    s(ss.code.as_str()),
                    columns - 1,
                    s(&ss.name)
                );
                for ind in policy.indicators().iter().filter(|i| i.code.parent().as_ref() == Some(&ss.code)) {
                    indicator(&mut o, &ind.code);
                }
            }
        }
        let _ = writeln!(o, ")\n");
    }

    // The índice, the analysts' text, the annex; the generated alerts last, as CEPLAN prints them.
    let _ = writeln!(
        o,
        "#v(6pt)\n#block(sticky: true, text(size: 10pt, weight: \"bold\", {}))\n",
        s(&format!(
            "{} {}",
            lang.pick("Indice de gestión de la política nacional", "National policy management index"),
            shown(result.index)
        ))
    );
    // The índice of each year of the horizon: the same chart as the web page's.
    let _ = writeln!(
        o,
        "#image(bytes({}), format: \"svg\", width: 50%)\n#text(size: 8pt, fill: luma(70), {})\n",
        s(&svg::yearly(
            avance_report::labels::index_trend_title(lang),
            &avance_report::html::index_trend(policy),
            &result.profile,
            lang,
            None,
        )),
        s(avance_report::labels::index_trend_caption(lang))
    );
    let mut analysis: Vec<(String, String)> = policy
        .objectives()
        .iter()
        .filter_map(|x| x.analysis.as_ref().map(|a| (x.code.to_string(), a.clone())))
        .collect();
    if let Some(sy) = &m.synthesis {
        analysis.push((lang.pick("Síntesis", "Synthesis").to_string(), sy.clone()));
    }
    if !analysis.is_empty() {
        let _ = writeln!(
            o,
            "#block(sticky: true, text(size: 10pt, weight: \"bold\", {}))\n",
            s(lang.pick("Análisis de los analistas", "Analysts' analysis"))
        );
        let _ = writeln!(
            o,
            "#text(fill: luma(90), {})\n",
            s(lang.pick(
                "Texto escrito por los analistas de la oficina de planeamiento.",
                "Written by the planning office's analysts."
            ))
        );
        for (k, v) in analysis {
            let _ = writeln!(o, "#text(weight: \"bold\", {}) #{}\n", s(&format!("{k} —")), s(&v));
        }
    }
    let _ = writeln!(
        o,
        "#block(sticky: true, text(size: 10pt, weight: \"bold\", {}))\n",
        s(lang.pick("Anexo: reglas y datos", "Annex: rules and data"))
    );
    let _ = writeln!(
        o,
        "#{}\n",
        s(&format!(
            "{} {} — {}",
            lang.pick("Perfil de reglas", "Rule profile"),
            result.profile.id(),
            result.profile.description
        ))
    );
    let _ = writeln!(
        o,
        "#{}\n",
        s(&format!("{} {data_hash}", lang.pick("Huella de los datos (SHA-256):", "Data fingerprint (SHA-256):")))
    );
    // The outlook to the horizon, summed up.
    outlook_table(&mut o, &avance_report::outlook::summary(policy, result, lang));
    // On a page of its own, under a plain heading line: the importer of published reports finds
    // the section by that line (a sticky block, which would keep it with its first paragraph,
    // changes how the text layer reads), and a new page keeps the heading from ending a page alone.
    let _ = writeln!(
        o,
        "#pagebreak(weak: true)\n#text(size: 10pt, weight: \"bold\", {})\n",
        s(lang.pick("ALERTAS IDENTIFICADAS", "ALERTS IDENTIFIED"))
    );
    for p in narrative::paragraphs(policy, result, lang) {
        let head = p.objective.map_or_else(|| lang.pick("Síntesis:", "Synthesis:").to_string(), |c| format!("{c}:"));
        let _ = writeln!(o, "#text(weight: \"bold\", {}) #{}\n", s(&head), s(&p.text));
    }
    trajectories(&mut o, policy, result, lang);
    o
}

/// The annex of charts: each indicator's targets, actuals and projection to the horizon, three
/// to a row.
fn trajectories(o: &mut String, policy: &Policy, result: &PolicyResult, lang: Lang) {
    let charts = avance_report::outlook::trajectories(policy, result, lang);
    if charts.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "#pagebreak(weak: true)\n#block(sticky: true, text(size: 10pt, weight: \"bold\", {}))\n",
        s(lang
            .pick("Anexo: trayectoria de cada indicador al horizonte", "Annex: each indicator's path to the horizon"))
    );
    let _ = writeln!(o, "#text(size: 8pt, fill: luma(70), {})\n", s(avance_report::labels::trajectory_caption(lang)));
    let _ = writeln!(o, "#grid(columns: (1fr, 1fr, 1fr), column-gutter: 10pt, row-gutter: 8pt,");
    for t in charts {
        let _ = writeln!(
            o,
            "  block(breakable: false)[#text(size: 7.5pt, weight: \"bold\", {}) #text(size: 7.5pt, {})\n#image(bytes({}), format: \"svg\", width: 100%)\n#text(size: 7.5pt, {})],",
            s(&t.code),
            s(&t.name),
            s(&t.chart),
            s(&format!("{}: {}", lang.pick("Perspectiva", "Outlook"), t.verdict))
        );
    }
    let _ = writeln!(o, ")\n");
}

/// "Perspectivas al horizonte": its title, intro, table and alert.
fn outlook_table(o: &mut String, sum: &avance_report::outlook::Summary) {
    let _ = writeln!(o, "#block(sticky: true, text(size: 10pt, weight: \"bold\", {}))\n", s(sum.title));
    let _ = writeln!(o, "#text(size: 8pt, fill: luma(70), {})\n", s(&sum.intro));
    let _ = write!(
        o,
        "#table(columns: {}, align: (left, {}),\n  table.header(repeat: true, ",
        sum.heads.len(),
        vec!["right"; sum.heads.len() - 1].join(", ")
    );
    let heads: Vec<String> = sum.heads.iter().map(|h| s(h)).collect();
    let _ = writeln!(o, "{}),", heads.join(", "));
    for l in &sum.lines {
        let mut cells = vec![s(&l.label)];
        cells.extend(l.counts.iter().map(|c| s(&c.to_string())));
        cells.push(s(&l.not_assessed.to_string()));
        cells.push(s(&l.share));
        let _ = writeln!(o, "  {},", cells.join(", "));
    }
    let _ = writeln!(o, ")\n");
    if let Some(a) = &sum.alert {
        let _ = writeln!(o, "#text(weight: \"bold\", {})\n", s(a));
    }
}

/// Page, text and table settings shared by every document: A4 landscape, running header from the
/// second page, page numbers, rows kept whole.
fn preamble(o: &mut String, title: &str, code: &str, lang: Lang) {
    let _ = writeln!(o, "#set document(title: {})", s(title));
    let _ = writeln!(
        o,
        "#set page(paper: \"a4\", flipped: true, margin: (x: 11mm, top: 15mm, bottom: 13mm),\n  header: context {{ if here().page() > 1 {{ set text(size: 7pt, fill: luma(90)); {}; h(1fr); {} }} }},\n  footer: context {{ set text(size: 7pt, fill: luma(90)); h(1fr); {} + str(counter(page).get().first()) + {} + str(counter(page).final().first()) }})",
        s(title),
        s(code),
        s(lang.pick("Página ", "Page ")),
        s(lang.pick(" de ", " of "))
    );
    let _ = writeln!(o, "#set text(font: \"Liberation Sans\", size: 7.5pt, lang: {})", s(lang.id()));
    let _ = writeln!(o, "#set table(stroke: 0.4pt + luma(175), inset: 2.6pt)");
    // A row is never split across pages: it moves whole to the next one.
    let _ = writeln!(o, "#set table.cell(breakable: false)");
    let _ = writeln!(o, "#set par(spacing: 0.9em)");
}

/// The semáforo table: a row per level, a column per band.
fn counts_table(o: &mut String, counts: &avance_core::compute::LevelCounts, lang: Lang) {
    let _ = write!(
        o,
        "#table(columns: (auto, auto, auto, auto, auto, auto), align: (left, right, right, right, right, right),\n  table.header({}",
        s(lang.pick("Nivel", "Level"))
    );
    for b in Band::ALL {
        let _ = write!(o, ", {}", s(labels::band_range(b)));
    }
    let _ = writeln!(o, ", \"Total\"),");
    for (label, c) in labels::levels(counts, lang) {
        let _ = write!(o, "  {}", s(label));
        for b in Band::ALL {
            let _ = write!(o, ", {}", s(&c.get(b).to_string()));
        }
        let _ = writeln!(o, ", {},", s(&c.total().to_string()));
    }
    let _ = writeln!(o, ")\n");
}

/// The national summary: every policy's índice, then the counts by sector, ministry and type.
pub fn portfolio(
    items: &[avance_core::portfolio::PolicyFigures],
    year: avance_core::model::Year,
    lang: Lang,
) -> String {
    let p = avance_core::portfolio::portfolio(items);
    let title = match lang {
        Lang::Es => format!("Seguimiento de las políticas nacionales, año {year}"),
        Lang::En => format!("Follow-up of national policies, year {year}"),
    };
    let mut o = String::new();
    preamble(&mut o, &title, "", lang);
    let _ = writeln!(o, "#text(size: 14pt, weight: \"bold\", {})\n", s(&title));
    let _ = writeln!(
        o,
        "#block(sticky: true, text(size: 10pt, weight: \"bold\", {}))\n",
        s(lang.pick("Índice de gestión por política", "Management index by policy"))
    );
    let _ = write!(o, "#table(columns: (auto, 1fr, auto, auto, auto, auto, auto),\n  table.header(repeat: true");
    for h in labels::portfolio_headings(lang) {
        let _ = write!(o, ", table.cell(fill: rgb(\"#e8eef5\"), text(weight: \"bold\", {}))", s(h));
    }
    let _ = writeln!(o, "),");
    for r in items {
        let m = &r.meta;
        let index = r.index.map_or_else(|| "ND".to_string(), |i| format_display(i, r.profile.decimals));
        let _ = writeln!(
            o,
            "  {}, {}, {}, {}, {}, {}, {},",
            s(&m.code),
            s(&m.name),
            s(&format!("{} {}", m.sector.code, m.sector.name)),
            s(&format!("{} {}", m.ministry.code, m.ministry.name)),
            s(m.policy_type.id()),
            s(&r.profile.id()),
            band_cell(&index, r.index_band)
        );
    }
    let _ = writeln!(o, ")\n");
    outlook_table(&mut o, &avance_report::outlook::portfolio_summary(items, &p, year, lang));
    for (title, groups) in [
        (lang.pick("Por sector", "By sector"), &p.by_sector),
        (lang.pick("Por ministerio conductor", "By conducting ministry"), &p.by_ministry),
        (lang.pick("Por tipo de política", "By policy type"), &p.by_type),
    ] {
        let _ = writeln!(o, "#v(4pt)\n#block(sticky: true, text(size: 10pt, weight: \"bold\", {}))\n", s(title));
        for g in groups {
            let label = if g.code == g.name { g.code.clone() } else { format!("{} {}", g.code, g.name) };
            let _ = writeln!(o, "#block(breakable: false)[");
            let _ = writeln!(
                o,
                "#text(weight: \"bold\", {}) #text(fill: luma(90), {})\n",
                s(&label),
                s(&format!("({})", g.policies.join(", ")))
            );
            counts_table(&mut o, &g.counts, lang);
            let _ = writeln!(
                o,
                "#image(bytes({}), format: \"svg\", width: 55%)\n]\n",
                s(&svg::band_distribution(&g.counts, lang))
            );
        }
    }
    o
}

/// A header cell of the PEI and POI tables (`span`: its `rowspan`/`colspan`).
fn head_cell(t: &str, span: &str) -> String {
    format!("table.cell({span}, fill: rgb(\"#e8eef5\"), text(weight: \"bold\", {}))", s(t))
}

/// A PEI's follow-up as CEPLAN's Anexo B-7 prints it: the header (period, follow-up year, entity,
/// sector), one table with a row per OEI and AEI and a row per indicator (code, description, unit,
/// baseline year and value, the logros esperados of every year of the period, the valores
/// obtenidos and avances of every year up to the cut), and the notes the version prints.
pub fn pei(plan: &avance_core::pei::PeiPlan, result: &avance_core::pei::PeiResult, lang: Lang) -> String {
    use avance_core::pei::PeiCodeKind;
    let profile = &result.profile;
    let years: Vec<u16> = (plan.first_year.get()..=plan.last_year.get()).collect();
    let done: Vec<u16> = years.iter().copied().filter(|y| *y <= result.cut.get()).collect();
    let title = format!(
        "{} {}–{} — {}",
        lang.pick("Seguimiento del PEI", "PEI follow-up"),
        plan.first_year,
        plan.last_year,
        plan.entity_name
    );
    let mut o = String::new();
    preamble(&mut o, &title, &plan.entity_code, lang);
    let _ = writeln!(
        o,
        "#text(size: 13pt, weight: \"bold\", {})\n",
        s(lang.pick("ANEXO B-7: SEGUIMIENTO DEL PEI", "ANEXO B-7: PEI FOLLOW-UP"))
    );
    for (k, v) in [
        ("Periodo del Plan", format!("{} - {}", plan.first_year, plan.last_year)),
        ("Año de Seguimiento", result.cut.to_string()),
        ("Pliego", format!("{} {}", plan.entity_code, plan.entity_name)),
        ("Sector", plan.sector.clone()),
    ] {
        if !v.is_empty() {
            let _ = writeln!(o, "#text(weight: \"bold\", {}) #{}\n", s(&format!("{k}:")), s(&v));
        }
    }
    let _ =
        writeln!(o, "#text({})\n", s(&format!("{} {}", lang.pick("Perfil de reglas:", "Rule profile:"), profile.id())));
    let (n, k) = (years.len(), done.len());
    let _ = write!(o, "#table(columns: (auto, 1fr, auto, auto, auto");
    for _ in 0..(n + 2 * k) {
        let _ = write!(o, ", auto");
    }
    let _ = writeln!(o, "),");
    let hs = head_cell;
    let _ = writeln!(
        o,
        "  table.header(repeat: true, {}, {}, {}, {}, {}, {}, {},",
        hs(lang.pick("Código", "Code"), "rowspan: 2"),
        hs(lang.pick("Descripción", "Description"), "rowspan: 2"),
        hs(lang.pick("Unidad de medida", "Unit of measure"), "rowspan: 2"),
        hs(lang.pick("Línea base", "Baseline"), "colspan: 2"),
        hs(lang.pick("Logros esperados", "Expected values"), &format!("colspan: {n}")),
        hs(lang.pick("Valor obtenido", "Obtained value"), &format!("colspan: {k}")),
        hs(lang.pick("Avance (%)", "Progress (%)"), &format!("colspan: {k}"))
    );
    let _ = write!(
        o,
        "    {}, {}",
        hs(lang.pick("Año", "Year"), "colspan: 1"),
        hs(lang.pick("Valor", "Value"), "colspan: 1")
    );
    for y in years.iter().chain(done.iter()).chain(done.iter()) {
        let _ = write!(o, ", {}", hs(&y.to_string(), "colspan: 1"));
    }
    let _ = writeln!(o, "),");
    let columns = 5 + n + 2 * k;
    let row = |o: &mut String, i: usize| {
        let ind = &plan.indicators[i];
        let _ = write!(
            o,
            "  {}, {}, {}, {}, {}",
            s(ind.code.as_str()),
            s(&ind.name),
            s(ind.unit.label(Lang::Es)),
            s(&ind.baseline.as_ref().map_or_else(|| "-".to_string(), |b| b.year.to_string())),
            s(ind.baseline.as_ref().map_or("-", |b| b.value.text()))
        );
        for y in &years {
            let y = avance_core::model::Year::new(*y).ok();
            let _ = write!(
                o,
                ", table.cell(align: right, {})",
                s(y.and_then(|y| ind.targets.get(&y)).map_or("-", |c| c.text()))
            );
        }
        for y in &done {
            let y = avance_core::model::Year::new(*y).ok();
            let _ = write!(
                o,
                ", table.cell(align: right, {})",
                s(y.and_then(|y| ind.actuals.get(&y)).map_or("-", |c| c.text()))
            );
        }
        for y in &done {
            let printed =
                result.rows.iter().find(|r| r.indicator == i && r.year.get() == *y).map(|r| r.figure.printed(profile));
            let _ = write!(o, ", table.cell(align: right, {})", s(printed.as_deref().unwrap_or("-")));
        }
        let _ = writeln!(o, ",");
    };
    let element = |o: &mut String, e: &avance_core::pei::PeiElement, fill: &str| {
        let _ = writeln!(
            o,
            "  table.cell(fill: {fill}, text(weight: \"bold\", {})), table.cell(colspan: {}, fill: {fill}, text(weight: \"bold\", {})),",
            s(e.code.as_str()),
            columns - 1,
            s(e.name.as_deref().unwrap_or(""))
        );
    };
    let of = |code: &avance_core::pei::PeiCode| {
        (0..plan.indicators.len())
            .filter(|&i| plan.indicators[i].code.parent().as_ref() == Some(code))
            .collect::<Vec<_>>()
    };
    for objective in plan.elements.iter().filter(|e| e.code.kind() == PeiCodeKind::Objective) {
        element(&mut o, objective, "rgb(\"#dbe6f3\")");
        for i in of(&objective.code) {
            row(&mut o, i);
        }
        for action in plan.elements.iter().filter(|e| e.code.parent().as_ref() == Some(&objective.code)) {
            element(&mut o, action, "luma(240)");
            for i in of(&action.code) {
                row(&mut o, i);
            }
        }
    }
    let _ = writeln!(o, ")\n");
    for note in avance_report::pei::printed_notes(profile) {
        let _ = writeln!(o, "#text(size: 7pt, {})\n", s(note));
    }
    o
}

/// A POI's follow-up as CEPLAN's application prints its "Reporte de seguimiento del POI": the
/// title with the year (and, from 2022, "PORCENTAJE DE AVANCES TRUNCADOS AL 100%"), the pliego, the
/// period and the date it was generated; one table with a row per AEI and its "Ejecución física
/// por AEI", two per activity (PROG and EJEC: the period's months, the accumulated programming and
/// execution, the avance); the total and the notes the version prints.
pub fn poi(layout: &avance_report::poi::Layout, plan: &avance_core::poi::PoiPlan, lang: Lang) -> String {
    use avance_report::poi::LayoutRow;
    let title = format!(
        "{} {} — {}",
        lang.pick("Reporte de seguimiento del POI", "POI follow-up report"),
        plan.year,
        plan.entity_name
    );
    let mut o = String::new();
    preamble(&mut o, &title, &plan.entity_code, lang);
    let _ = writeln!(o, "#text(size: 13pt, weight: \"bold\", {})\n", s(&layout.title));
    if let Some(t) = layout.truncated {
        let _ = writeln!(o, "#text(weight: \"bold\", {})\n", s(t));
    }
    for (k, v) in &layout.header {
        let _ = writeln!(o, "#text(weight: \"bold\", {}) #{}\n", s(&format!("{k}:")), s(v));
    }
    let _ = writeln!(o, "#text({})\n", s(&layout.profile));
    let columns = layout.columns.len();
    let _ = write!(o, "#table(columns: (auto, 1fr");
    for _ in 2..columns {
        let _ = write!(o, ", auto");
    }
    let _ = write!(o, "),\n  table.header(repeat: true");
    for c in &layout.columns {
        let _ = write!(o, ", {}", head_cell(c, "colspan: 1"));
    }
    let _ = writeln!(o, "),");
    let cell = |o: &mut String, text: &str| {
        let _ = write!(o, ", table.cell(align: right, {})", s(text));
    };
    let fill = "rgb(\"#dbe6f3\")";
    for row in &layout.rows {
        match row {
            LayoutRow::Aei { code, name, figure } => {
                let _ = writeln!(
                    o,
                    "  table.cell(fill: {fill}, text(weight: \"bold\", {})), table.cell(colspan: {}, fill: {fill}, text(weight: \"bold\", {})), table.cell(colspan: 3, fill: {fill}, align: right, text(weight: \"bold\", {})),",
                    s(code),
                    columns - 4,
                    s(name),
                    s(figure)
                );
            }
            LayoutRow::Activity {
                code,
                name,
                unit,
                aggregation,
                programmed,
                programmed_total,
                executed,
                executed_total,
                figure,
            } => {
                let _ = write!(o, " ");
                for text in [code.as_str(), name, unit, aggregation] {
                    let _ = write!(o, " table.cell(rowspan: 2, {}),", s(text));
                }
                let _ = write!(o, " {}", s("PROG"));
                for v in programmed {
                    cell(&mut o, v);
                }
                cell(&mut o, programmed_total);
                let _ = writeln!(o, ", [],");
                let _ = write!(o, "  {}", s("EJEC"));
                for v in executed {
                    cell(&mut o, v);
                }
                cell(&mut o, executed_total);
                cell(&mut o, figure);
                let _ = writeln!(o, ",");
            }
        }
    }
    let _ = writeln!(o, ")\n");
    let _ = writeln!(o, "#text(weight: \"bold\", {})\n", s(&layout.total));
    if !layout.notes.is_empty() {
        let _ = writeln!(o, "#text(weight: \"bold\", {})\n", s(lang.pick("Notas:", "Notes:")));
    }
    for note in &layout.notes {
        let _ = writeln!(o, "#text(size: 7pt, {})\n", s(note));
    }
    o
}
