//! A POI's figures as a table for the terminal and as JSON (`avance-poi-compute/1`): each AEI
//! with its activities, the total, S.P. and S.I. as the reports print them.

use avance_core::lang::Lang;
use avance_core::poi::{Activity, Figure, Period, PoiPlan, PoiProfile, PoiResult};
use serde_json::{Value, json};

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The name of month `m` (1 to 12).
pub fn month(m: u8, l: Lang) -> &'static str {
    let i = usize::from(m.clamp(1, 12)) - 1;
    if l == Lang::Es { avance_core::poi::MONTHS_ES[i] } else { MONTHS_EN[i] }
}

/// How an activity's months add up, in words.
pub fn aggregation_label(a: &Activity, l: Lang) -> &'static str {
    use avance_core::poi::Aggregation::*;
    match a.aggregation {
        AcumuladoAnual => l.pick("acumulado anual", "annual cumulative"),
        AcumuladoMensual => l.pick("acumulado mensual", "monthly cumulative"),
        NoAcumulado => l.pick("no acumulado", "non-cumulative"),
    }
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { format!("{}…", s.chars().take(n - 1).collect::<String>()) }
}

/// The figures as a table.
pub fn text(plan: &PoiPlan, period: Period, profile: &PoiProfile, r: &PoiResult, l: Lang) -> String {
    let mut out = format!("POI {} — {} ({})\n", plan.year, plan.entity_name, plan.entity_code);
    out.push_str(&format!("{} {}\n", l.pick("Perfil de reglas:", "Rule profile:"), profile.id()));
    let due = if period.due_through == 0 {
        l.pick("ningún mes vencido", "no month due").to_string()
    } else {
        format!("{} {}", l.pick("seguimiento vencido hasta", "follow-up due through"), month(period.due_through, l))
    };
    out.push_str(&format!(
        "{} {} {} {} · {due}\n\n",
        l.pick("Periodo:", "Period:"),
        month(period.first, l),
        l.pick("a", "to"),
        month(period.last, l)
    ));
    for (code, f) in &r.aei {
        let name = plan.aei.iter().find(|(c, _)| c == code).map(|(_, n)| n.as_str()).unwrap_or("");
        out.push_str(&format!("{code:<12} {:<58} {:>8}\n", clip(name, 58), f.label(profile)));
        for (a, (acode, af)) in plan.activities.iter().zip(&r.activities).filter(|(a, _)| a.aei == *code) {
            let what = format!("{} ({}, {})", a.name, a.unit, aggregation_label(a, l));
            out.push_str(&format!("  {acode:<10} {:<58} {:>8}\n", clip(&what, 58), af.label(profile)));
        }
    }
    out.push_str(&format!(
        "\n{:<71} {:>8}\n",
        l.pick("Ejecución física total (promedio de las AO)", "Total physical execution (mean of the AO)"),
        r.total.label(profile)
    ));
    out.push_str(l.pick(
        "S.P.: sin programación en el periodo. S.I.: seguimiento incompleto (un mes vencido sin registro; cada mes vence el último día del mes siguiente).\n",
        "S.P.: no programming in the period. S.I.: incomplete follow-up (a month due without a record; each month is due on the last day of the following month).\n",
    ));
    let notes = printed_notes(profile);
    if !notes.is_empty() {
        out.push('\n');
        out.push_str(&crate::labels::application_notes(profile.version, notes, l));
        out.push_str(l.pick(
            "  Este cálculo sigue lo que el aplicativo imprime donde difiere de sus notas: el total es el promedio de las AO, no de las AEI (docs/rules.md).\n",
            "  This computation follows what the application prints where it departs from its notes: the total is the mean over the AO, not over the AEI (docs/rules.md).\n",
        ));
    }
    out
}

/// The notes each version of CEPLAN's application prints under its POI report, verbatim
/// (`../shared/reference/ceplan-app-printed-rules.md`).
pub fn printed_notes(profile: &PoiProfile) -> &'static [&'static str] {
    match profile.version {
        "2021" => &[
            "(i) En el reporte se consideran solo a las AO activos y con metas físicas mayores a cero en el año; asimismo, que tengan el estado \"Aprobado\", tanto en seguimiento como en Reprogramación.",
            "(ii) El \"% Avance\" del periodo de reporte y anual es calculado considerando el tipo de agregación de la AO (acumulado anual, acumulado mensual o no acumulado).",
            "(iii) Las siglas 'S.I.' significan 'seguimiento incompleto' y se presentan en AO con registros de seguimiento vacío en alguno de los meses del periodo de reporte.",
            "(iv) Las siglas 'S.P.' significan 'sin programación' y se presenta en AO que no tienen programación cero en el periodo de reporte.",
        ],
        "2022" => &[
            "PORCENTAJE DE AVANCES TRUNCADOS AL 100%",
            "(ii) La columna AVANCE ACUMULADO, en la fila PROG y EJEC de cada AO, mostrará valores que dependerán de su configuración en TIPO DE AGREGACIÓN: (a) si es 'Acumulado Anual' se suma los valores de enero a junio; (b) si es 'Acumulado Mensual' se toma el último valor mayor a cero del semestre; y (c) si es 'No Acumulado' solo se señala con '-'.",
            "(iii) Los valores de la columna AVANCE % ACUMULADO dependerán de su configuración en TIPO DE AGREGACIÓN: (a) si es 'Acumulado Anual' o 'Acumulado Mensual' se calcula como (ejecución acumulada / programación acumulada)*100; y (b) si es 'No Acumulado', como el promedio de (ejecución / programación)*100 de cada mes. Mostrará 'S.I' si falta registrar el seguimiento en algún mes.",
            "(iv) La sigla 'S.I.' significa seguimiento incompleto. Se presenta en AO con registros de seguimiento vacío en alguno de los meses cuyo plazo ha vencido la fecha de generación del reporte. El plazo para el registro de seguimiento de cada mes es el último día del siguiente mes.",
            "(v) La sigla 'S.P.' significa sin programación y se presenta en AO que tienen programación cero en el semestre.",
            "(vi) Las cifras de EJECUCIÓN FÍSICA POR AEI son calculadas como el promedio del AVANCE % ACUMULADO de sus AO. Consideraciones: (a) solo tendrá un valor calculado cuando ninguna de sus AO esté en S.I.; y (b) no entra en el promedio las AO con '-' ni S.P.",
            "(vii) La cifra de EJECUCIÓN FÍSICA TOTAL es calculado como el promedio de la EJECUCIÓN FÍSICA POR AEI.",
        ],
        _ => &[],
    }
}

/// A figure as the JSON documents write it.
pub fn figure(f: Figure, profile: &PoiProfile) -> Value {
    match f {
        Figure::Value(v) => json!({ "value": v.normalize().to_string(), "printed": f.label(profile) }),
        Figure::SinProgramacion => json!({ "status": "S.P." }),
        Figure::SeguimientoIncompleto => json!({ "status": "S.I." }),
        Figure::Blank => Value::Null,
    }
}

/// The figures as `avance-poi-compute/1`.
pub fn json(plan: &PoiPlan, period: Period, profile: &PoiProfile, r: &PoiResult) -> Value {
    json!({
        "format": "avance-poi-compute/1",
        "entity": { "code": plan.entity_code, "name": plan.entity_name, "sector": plan.sector },
        "year": plan.year,
        "profile": profile.id(),
        "period": { "first_month": period.first, "last_month": period.last, "due_through": period.due_through },
        "aei": r.aei.iter().map(|(code, f)| json!({ "code": code, "figure": figure(*f, profile) })).collect::<Vec<_>>(),
        "activities": plan.activities.iter().zip(&r.activities).map(|(a, (code, f))| json!({
            "code": code,
            "aei": a.aei,
            "aggregation": a.aggregation.id(),
            "figure": figure(*f, profile),
        })).collect::<Vec<_>>(),
        "total": figure(r.total, profile),
    })
}

/// Many entities' POIs: how many activities have an avance, are S.P. or S.I., and the entities'
/// totals (their mean and median, how many below 75).
pub fn portfolio_text(rows: &[(&PoiPlan, &PoiProfile, &PoiResult)], l: Lang) -> String {
    let activities: usize = rows.iter().map(|(_, _, r)| r.activities.len()).sum();
    let count = |f: fn(&Figure) -> bool| rows.iter().flat_map(|(_, _, r)| &r.activities).filter(|(_, x)| f(x)).count();
    let valued = count(|f| matches!(f, Figure::Value(_)));
    let sp = count(|f| matches!(f, Figure::SinProgramacion));
    let si = count(|f| matches!(f, Figure::SeguimientoIncompleto));
    let mut totals: Vec<avance_core::Decimal> =
        rows.iter().filter_map(|(_, p, r)| r.total.value().map(|v| p.printed(v))).collect();
    totals.sort();
    let mean = avance_core::number::mean(totals.iter().copied());
    let median = if totals.is_empty() {
        None
    } else if totals.len() % 2 == 1 {
        Some(totals[totals.len() / 2])
    } else {
        Some((totals[totals.len() / 2 - 1] + totals[totals.len() / 2]) / avance_core::Decimal::TWO)
    };
    let low = totals.iter().filter(|t| **t < avance_core::Decimal::from(75)).count();
    let shown = |x: Option<avance_core::Decimal>| {
        x.map_or_else(|| "—".to_string(), |v| avance_core::number::format_display(v, 2))
    };
    match l {
        Lang::Es => format!(
            "POI de {} entidades, {activities} actividades\nActividades con avance: {valued}; S.P.: {sp}; S.I.: {si}\nEjecución física total de las entidades ({} con valor): promedio {}, mediana {}; {low} bajo 75\n",
            rows.len(),
            totals.len(),
            shown(mean),
            shown(median)
        ),
        Lang::En => format!(
            "POIs of {} entities, {activities} activities\nActivities with an avance: {valued}; S.P.: {sp}; S.I.: {si}\nEntities' total physical execution ({} with a value): mean {}, median {}; {low} below 75\n",
            rows.len(),
            totals.len(),
            shown(mean),
            shown(median)
        ),
    }
}

/// Many entities' POIs as JSON: each entity's total and its counts.
pub fn portfolio_json(rows: &[(&PoiPlan, &PoiProfile, &PoiResult)]) -> Value {
    json!({
        "format": "avance-poi-portfolio/1",
        "entities": rows.iter().map(|(plan, p, r)| json!({
            "code": plan.entity_code,
            "profile": p.id(),
            "activities": r.activities.len(),
            "sin_programacion": r.activities.iter().filter(|(_, f)| *f == Figure::SinProgramacion).count(),
            "seguimiento_incompleto": r.activities.iter().filter(|(_, f)| *f == Figure::SeguimientoIncompleto).count(),
            "total": figure(r.total, p),
        })).collect::<Vec<_>>(),
    })
}

fn target_label(plan: &PoiPlan, t: &avance_core::poi::PoiTarget, l: Lang) -> String {
    use avance_core::poi::PoiTarget;
    match t {
        PoiTarget::Activity(i) => {
            plan.activities.get(*i).map_or_else(String::new, |a| format!("{} ({})", a.code, a.aei))
        }
        PoiTarget::Aei(code) => code.clone(),
        PoiTarget::Total => l.pick("Ejecución física total", "Total physical execution").to_string(),
    }
}

/// The audit of a published POI report against its own data, as text.
pub fn audit_text(
    plan: &PoiPlan,
    period: Period,
    profile: &PoiProfile,
    printed: usize,
    findings: &[avance_core::poi::PoiFinding],
    l: Lang,
) -> String {
    let mut out = format!(
        "{} {} — {} ({}), {} {} {} {}\n",
        l.pick("Auditoría del Reporte de seguimiento del POI", "Audit of the POI follow-up report"),
        plan.year,
        plan.entity_name,
        plan.entity_code,
        month(period.first, l),
        l.pick("a", "to"),
        month(period.last, l),
        if period.due_through == 0 {
            l.pick("(ningún mes vencido)", "(no month due)").to_string()
        } else {
            format!("({} {})", l.pick("vencido hasta", "due through"), month(period.due_through, l))
        }
    );
    out.push_str(&format!("{} {}\n", l.pick("Perfil de reglas:", "Rule profile:"), profile.id()));
    out.push_str(&crate::labels::contradicted(printed, findings.len(), ("cifras impresas", "figures printed"), l));
    for f in findings {
        let what = target_label(plan, &f.target, l);
        let computed = f.computed.label(profile);
        let computed = if computed.is_empty() { "—".to_string() } else { computed };
        let published = if f.published.is_empty() { "—" } else { f.published.as_str() };
        out.push_str(&match l {
            Lang::Es => format!("{what}: el reporte imprime {published}; sus datos dan {computed}\n"),
            Lang::En => format!("{what}: the report prints {published}; its data give {computed}\n"),
        });
    }
    out
}

/// The audit as `avance-poi-audit/1`.
pub fn audit_json(
    plan: &PoiPlan,
    period: Period,
    profile: &PoiProfile,
    printed: usize,
    findings: &[avance_core::poi::PoiFinding],
) -> Value {
    use avance_core::poi::PoiTarget;
    json!({
        "format": "avance-poi-audit/1",
        "entity": { "code": plan.entity_code, "name": plan.entity_name },
        "year": plan.year,
        "profile": profile.id(),
        "period": { "first_month": period.first, "last_month": period.last, "due_through": period.due_through },
        "printed": printed,
        "findings": findings.iter().map(|f| {
            let (level, code) = match &f.target {
                PoiTarget::Activity(i) => ("ao", plan.activities.get(*i).map(|a| a.code.clone())),
                PoiTarget::Aei(c) => ("aei", Some(c.clone())),
                PoiTarget::Total => ("total", None),
            };
            json!({ "level": level, "code": code, "published": f.published, "computed": figure(f.computed, profile) })
        }).collect::<Vec<_>>(),
    })
}

/// The Reporte de seguimiento del POI as CEPLAN's application lays it out, ready for any medium
/// (the PDF, the workbook): every word and figure, no typesetting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// "REPORTE DE SEGUIMIENTO DEL POI 2022".
    pub title: String,
    /// The 2022 version's "PORCENTAJE DE AVANCES TRUNCADOS AL 100%".
    pub truncated: Option<&'static str>,
    /// Pliego, sector, period, generation date: `(label, value)`, those with a value.
    pub header: Vec<(&'static str, String)>,
    /// "Perfil de reglas: ceplan-poi@2022".
    pub profile: String,
    /// The table's columns: code, description, unit, aggregation, row, the months, the accumulated
    /// value and the accumulated avance.
    pub columns: Vec<String>,
    pub rows: Vec<LayoutRow>,
    /// "EJECUCIÓN FÍSICA TOTAL: 72.22".
    pub total: String,
    /// The notes the version prints, after "Notas:".
    pub notes: Vec<&'static str>,
}

/// A row of the table: an AEI with its figure, or an activity's two rows (PROG and EJEC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayoutRow {
    Aei {
        code: String,
        name: String,
        /// "Ejecución física por AEI: 75.00".
        figure: String,
    },
    Activity {
        code: String,
        name: String,
        unit: String,
        aggregation: &'static str,
        /// The period's programming, its accumulated value ("-" for a non-cumulative AO).
        programmed: Vec<String>,
        programmed_total: String,
        /// The period's execution ("-" where not recorded), its accumulated value, the avance.
        executed: Vec<String>,
        executed_total: String,
        figure: String,
    },
}

/// The report of `plan` over `period` as `profile` prints it, generated on `generated` (`(y, m, d)`).
pub fn layout(
    plan: &PoiPlan,
    (period, profile, result): (Period, &PoiProfile, &PoiResult),
    generated: (i32, u8, u8),
    l: Lang,
) -> Layout {
    use avance_core::poi::Aggregation;
    let months: Vec<usize> = period.months().collect();
    let name_of = |m: usize| month(u8::try_from(m).unwrap_or(1), l);
    let (y, m, d) = generated;
    let header = [
        (l.pick("Pliego", "Entity"), format!("{}  {}", plan.entity_code, plan.entity_name)),
        (l.pick("Sector", "Sector"), plan.sector.clone()),
        (l.pick("Periodo", "Period"), format!("{} - {}", name_of(months[0]), name_of(months[months.len() - 1]))),
        (l.pick("Fecha de generación", "Generated on"), format!("{d:02}/{m:02}/{y:04}")),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .collect();
    let mut columns: Vec<String> = [
        l.pick("Código", "Code"),
        l.pick("Descripción", "Description"),
        l.pick("Unidad de medida", "Unit of measure"),
        l.pick("Tipo de agregación", "Aggregation"),
        l.pick("Fila", "Row"),
    ]
    .map(String::from)
    .to_vec();
    for m in &months {
        let mut c = name_of(*m).chars().take(3);
        columns.push(c.next().map(|f| f.to_uppercase().chain(c).collect::<String>()).unwrap_or_default());
    }
    columns.push(l.pick("Avance acumulado", "Accumulated").to_string());
    columns.push(l.pick("Avance % acumulado", "Accumulated progress %").to_string());
    let number = |v: avance_core::Decimal| v.normalize().to_string();
    let mut rows = Vec::new();
    for (code, figure) in &result.aei {
        let name = plan.aei.iter().find(|(c, _)| c == code).map_or("", |(_, n)| n.as_str());
        rows.push(LayoutRow::Aei {
            code: code.clone(),
            name: name.to_string(),
            figure: format!(
                "{} {}",
                l.pick("Ejecución física por AEI:", "Physical execution by AEI:"),
                figure.label(profile)
            ),
        });
        for (a, (_, f)) in plan.activities.iter().zip(&result.activities).filter(|(a, _)| a.aei == *code) {
            let accumulated = avance_core::poi::accumulated(a, period);
            let complete = months.iter().all(|m| a.executed[m - 1].is_some());
            rows.push(LayoutRow::Activity {
                code: a.code.clone(),
                name: a.name.clone(),
                unit: a.unit.clone(),
                aggregation: match a.aggregation {
                    Aggregation::AcumuladoAnual => l.pick("Acumulado Anual", "Annual cumulative"),
                    Aggregation::AcumuladoMensual => l.pick("Acumulado Mensual", "Monthly cumulative"),
                    Aggregation::NoAcumulado => l.pick("No Acumulado", "Non-cumulative"),
                },
                programmed: months.iter().map(|m| number(a.programmed[m - 1])).collect(),
                programmed_total: accumulated.map_or_else(|| "-".to_string(), |(p, _)| number(p)),
                executed: months.iter().map(|m| a.executed[m - 1].map_or_else(|| "-".to_string(), number)).collect(),
                executed_total: accumulated.filter(|_| complete).map_or_else(|| "-".to_string(), |(_, e)| number(e)),
                figure: f.label(profile),
            });
        }
    }
    Layout {
        title: format!("{} {}", l.pick("REPORTE DE SEGUIMIENTO DEL POI", "POI FOLLOW-UP REPORT"), plan.year),
        truncated: profile
            .cap
            .is_some()
            .then(|| l.pick("PORCENTAJE DE AVANCES TRUNCADOS AL 100%", "PERCENTAGES OF PROGRESS TRUNCATED AT 100%")),
        header,
        profile: format!("{} {}", l.pick("Perfil de reglas:", "Rule profile:"), profile.id()),
        columns,
        rows,
        total: format!(
            "{} {}",
            l.pick("EJECUCIÓN FÍSICA TOTAL:", "TOTAL PHYSICAL EXECUTION:"),
            result.total.label(profile)
        ),
        notes: printed_notes(profile).iter().copied().filter(|n| n.starts_with('(')).collect(),
    }
}

/// The report as an XLSX workbook: one sheet with the header, the table (the AEI rows shaded, each
/// activity's PROG and EJEC rows, its code, description, unit and aggregation merged over both),
/// the total and the notes; the table's header frozen. Amounts stay text, as printed.
pub fn xlsx(layout: &Layout, l: Lang) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name(l.pick("Reporte POI", "POI report"))?;
    let bold = Format::new().set_bold();
    let head = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xE8EEF5))
        .set_border(FormatBorder::Thin)
        .set_text_wrap();
    let aei = Format::new().set_bold().set_background_color(Color::RGB(0xDBE6F3)).set_border(FormatBorder::Thin);
    let cell = Format::new().set_border(FormatBorder::Thin).set_align(FormatAlign::Top).set_text_wrap();
    let right = Format::new().set_border(FormatBorder::Thin).set_align(FormatAlign::Right);
    let mut r: u32 = 0;
    ws.write_string_with_format(r, 0, &layout.title, &Format::new().set_bold().set_font_size(14))?;
    r += 1;
    if let Some(t) = layout.truncated {
        ws.write_string_with_format(r, 0, t, &bold)?;
        r += 1;
    }
    for (k, v) in &layout.header {
        ws.write_string_with_format(r, 0, format!("{k}:"), &bold)?;
        ws.write_string(r, 1, v)?;
        r += 1;
    }
    ws.write_string(r, 0, &layout.profile)?;
    r += 2;
    let last = u16::try_from(layout.columns.len().saturating_sub(1)).unwrap_or(u16::MAX);
    for (c, h) in layout.columns.iter().enumerate() {
        ws.write_string_with_format(r, c as u16, h, &head)?;
    }
    ws.set_freeze_panes(r + 1, 2)?;
    r += 1;
    for row in &layout.rows {
        match row {
            LayoutRow::Aei { code, name, figure } => {
                ws.write_string_with_format(r, 0, code, &aei)?;
                ws.merge_range(r, 1, r, last.saturating_sub(3), name, &aei)?;
                ws.merge_range(r, last.saturating_sub(2), r, last, figure, &aei)?;
                r += 1;
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
                for (c, text) in [code, name, unit].into_iter().enumerate() {
                    ws.merge_range(r, c as u16, r + 1, c as u16, text, &cell)?;
                }
                ws.merge_range(r, 3, r + 1, 3, aggregation, &cell)?;
                ws.write_string_with_format(r, 4, "PROG", &cell)?;
                ws.write_string_with_format(r + 1, 4, "EJEC", &cell)?;
                for (k, (p, e)) in programmed.iter().zip(executed).enumerate() {
                    ws.write_string_with_format(r, 5 + k as u16, p, &right)?;
                    ws.write_string_with_format(r + 1, 5 + k as u16, e, &right)?;
                }
                let n = 5 + programmed.len() as u16;
                ws.write_string_with_format(r, n, programmed_total, &right)?;
                ws.write_string_with_format(r, n + 1, "", &right)?;
                ws.write_string_with_format(r + 1, n, executed_total, &right)?;
                ws.write_string_with_format(r + 1, n + 1, figure, &right)?;
                r += 2;
            }
        }
    }
    r += 1;
    ws.write_string_with_format(r, 0, &layout.total, &bold)?;
    r += 2;
    if !layout.notes.is_empty() {
        ws.write_string_with_format(r, 0, l.pick("Notas:", "Notes:"), &bold)?;
        r += 1;
    }
    for note in &layout.notes {
        ws.write_string(r, 0, *note)?;
        r += 1;
    }
    ws.set_column_width(0, 14)?;
    ws.set_column_width(1, 48)?;
    ws.set_column_width(2, 16)?;
    ws.set_column_width(3, 18)?;
    ws.set_column_range_width(4, last, 9)?;
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    wb.save_to_buffer()
}
