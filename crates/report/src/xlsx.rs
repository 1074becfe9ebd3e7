//! The Reporte de seguimiento as an XLSX workbook: a summary sheet and a sheet per level, numbers
//! stored as numbers, avances filled with their band's colour, frozen and filtered headers.

use avance_core::band::Band;
use avance_core::code::{Code, CodeKind};
use avance_core::compute::PolicyResult;
use avance_core::lang::Lang;
use avance_core::model::{Direction, Policy};
use avance_core::number::round_display;
use avance_core::value::Cell;
use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook, Worksheet, XlsxError};

use crate::{labels, svg};

fn band_format(b: Band, decimals: u32) -> Format {
    let hex = u32::from_str_radix(svg::color(b).trim_start_matches('#'), 16).unwrap_or(0x8a8f94);
    let number = if decimals == 0 { "0".to_string() } else { format!("0.{}", "0".repeat(decimals as usize)) };
    let f = Format::new().set_background_color(Color::RGB(hex)).set_bold().set_num_format(number);
    if b == Band::Intermedio { f } else { f.set_font_color(Color::White) }
}

fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xE8EEF5))
        .set_border_bottom(FormatBorder::Thin)
        .set_text_wrap()
}

/// A value as a number when it is one (percentages keep their `%` through the number format), else
/// its text (`ND`).
fn write_value(ws: &mut Worksheet, row: u32, col: u16, cell: Option<&Cell>) -> Result<(), XlsxError> {
    match cell {
        None => Ok(()),
        Some(c) => match c.number().and_then(|d| d.to_string().parse::<f64>().ok()) {
            Some(n) => {
                let decimals = c.text().trim_end_matches('%').split_once('.').map_or(0, |(_, f)| f.len());
                let zeros = if decimals == 0 { String::new() } else { format!(".{}", "0".repeat(decimals)) };
                let suffix = if c.text().ends_with('%') { "\"%\"" } else { "" };
                let grouping = if c.text().contains(',') { "#,##0" } else { "0" };
                ws.write_number_with_format(
                    row,
                    col,
                    n,
                    &Format::new().set_num_format(format!("{grouping}{zeros}{suffix}")),
                )?;
                Ok(())
            }
            None => {
                ws.write_string(row, col, c.text())?;
                Ok(())
            }
        },
    }
}

fn avance_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    avance: Option<avance_core::Decimal>,
    band: Band,
    decimals: u32,
) -> Result<(), XlsxError> {
    match avance.and_then(|a| round_display(a, decimals).to_string().parse::<f64>().ok()) {
        Some(v) => ws.write_number_with_format(row, col, v, &band_format(band, decimals))?,
        None => ws.write_string_with_format(row, col, "ND", &band_format(Band::Nd, decimals))?,
    };
    Ok(())
}

/// The workbook's bytes.
pub fn render(policy: &Policy, result: &PolicyResult, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let d = result.profile.decimals;
    let m = policy.meta();
    let head = header_format();
    let mut wb = Workbook::new();

    // Summary.
    let ws = wb.add_worksheet().set_name(lang.pick("Resumen", "Summary"))?;
    ws.set_column_width(0, 40)?;
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.write_string_with_format(
        0,
        0,
        crate::html::title(policy, result, lang),
        &Format::new().set_bold().set_font_size(14),
    )?;
    let rows = [
        (lang.pick("Sector", "Sector"), format!("{}: {}", m.sector.code, m.sector.name)),
        (lang.pick("Ministerio conductor", "Conducting ministry"), format!("{}: {}", m.ministry.code, m.ministry.name)),
        (lang.pick("Tipo", "Type"), m.policy_type.id().to_string()),
        (lang.pick("Perfil de reglas", "Rule profile"), result.profile.id()),
    ];
    for (i, (k, v)) in rows.iter().enumerate() {
        ws.write_string_with_format(2 + i as u32, 0, *k, &Format::new().set_bold())?;
        ws.write_string(2 + i as u32, 1, v)?;
    }
    let r0 = 7;
    ws.write_string_with_format(r0, 0, lang.pick("Nivel", "Level"), &head)?;
    for (j, b) in Band::ALL.iter().enumerate() {
        ws.write_string_with_format(r0, 1 + j as u16, labels::band_range(*b), &head)?;
        ws.set_column_width(1 + j as u16, 12.0)?;
    }
    ws.write_string_with_format(r0, 5, "Total", &head)?;
    let c = &result.counts;
    for (i, (label, counts)) in labels::levels(c, lang).iter().enumerate() {
        let r = r0 + 1 + i as u32;
        ws.write_string(r, 0, *label)?;
        for (j, b) in Band::ALL.iter().enumerate() {
            ws.write_number(r, 1 + j as u16, counts.get(*b) as f64)?;
        }
        ws.write_number(r, 5, counts.total() as f64)?;
    }
    ws.write_string_with_format(
        r0 + 5,
        0,
        lang.pick("Índice de gestión de la política nacional", "National policy management index"),
        &Format::new().set_bold(),
    )?;
    avance_cell(ws, r0 + 5, 1, result.index, result.index_band, d)?;

    // Objectives.
    let ws = wb.add_worksheet().set_name(lang.pick("Objetivos", "Objectives"))?;
    let header = [
        lang.pick("Código", "Code"),
        lang.pick("Objetivo prioritario", "Priority objective"),
        lang.pick("Avance (%)", "Avance (%)"),
        lang.pick("Semáforo", "Band"),
    ];
    for (j, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, j as u16, *h, &head)?;
    }
    for (i, o) in result.objectives.iter().enumerate() {
        let r = 1 + i as u32;
        let name = policy.objectives().iter().find(|x| x.code == o.code).map_or("", |x| x.name.as_str());
        ws.write_string(r, 0, o.code.as_str())?;
        ws.write_string(r, 1, name)?;
        avance_cell(ws, r, 2, o.avance, o.band, d)?;
        ws.write_string(r, 3, labels::band(o.band, lang))?;
    }
    for (j, w) in [12.0, 90.0, 12.0, 14.0].iter().enumerate() {
        ws.set_column_width(j as u16, *w)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, result.objectives.len() as u32, 3)?;
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);

    let prospects = avance_core::progress::assess_policy(policy, result.year, &result.profile);
    let outlook_of: std::collections::HashMap<&str, _> =
        prospects.indicators.iter().map(|(c, r)| (c.as_str(), r)).collect();

    // One sheet per indicator level.
    for (kind, name) in [
        (CodeKind::ObjectiveIndicator, lang.pick("Indicadores de objetivo", "Objective indicators")),
        (CodeKind::ServiceIndicator, lang.pick("Indicadores de servicio", "Service indicators")),
    ] {
        let ws = wb.add_worksheet().set_name(name)?;
        let years: Vec<_> = m.years.iter().collect();
        let mut header: Vec<String> = [
            lang.pick("Código", "Code"),
            lang.pick("Pertenece a", "Belongs to"),
            lang.pick("Indicador", "Indicator"),
            lang.pick("Responsable", "Responsible"),
            lang.pick("Tipo de indicador", "Indicator type"),
            lang.pick("Sentido esperado", "Expected sense"),
            lang.pick("Agregación / Estándar", "Aggregation / Standard"),
            lang.pick("Año línea base", "Baseline year"),
            lang.pick("Valor línea base", "Baseline value"),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        header.extend(years.iter().map(|y| format!("{} {y}", lang.pick("Logro esperado", "Target"))));
        header.extend(years.iter().map(|y| format!("{} {y}", lang.pick("Valor obtenido", "Actual"))));
        header.push(format!("{} {} (%)", lang.pick("Avance Tipo 1", "Avance Tipo 1"), result.year));
        header.push(lang.pick("Semáforo", "Band").to_string());
        header.push(lang.pick("Perspectiva al horizonte", "Outlook to the horizon").to_string());
        header.push(lang.pick("Año del horizonte", "Horizon year").to_string());
        header.push(lang.pick("Proyección al horizonte", "Projection to the horizon").to_string());
        for (j, h) in header.iter().enumerate() {
            ws.write_string_with_format(0, j as u16, h, &head)?;
        }
        let mut r = 0u32;
        for res in result.indicators().filter(|x| x.code.kind() == kind) {
            let Some(ind) = policy.indicator(res.code) else { continue };
            r += 1;
            let (sentido, agg) = match ind.direction {
                Direction::Trend { sense, aggregation } => (sense.map_or("", |s| s.id()), aggregation.id()),
                Direction::NoDefinido(s) => ("no_definido", s.id()),
            };
            ws.write_string(r, 0, res.code.as_str())?;
            ws.write_string(r, 1, res.code.parent().as_ref().map_or("", Code::as_str))?;
            ws.write_string(r, 2, &ind.name)?;
            ws.write_string(r, 3, &ind.responsible)?;
            ws.write_string(r, 4, &ind.indicator_type)?;
            ws.write_string(r, 5, sentido)?;
            ws.write_string(r, 6, agg)?;
            if let Some(b) = &ind.baseline {
                ws.write_number(r, 7, f64::from(b.year.get()))?;
                write_value(ws, r, 8, Some(&b.value))?;
            }
            let n = years.len() as u16;
            for (j, y) in years.iter().enumerate() {
                write_value(ws, r, 9 + j as u16, ind.targets.get(y))?;
                write_value(ws, r, 9 + n + j as u16, ind.actuals.get(y))?;
            }
            avance_cell(ws, r, 9 + 2 * n, res.avance(), res.band, d)?;
            ws.write_string(r, 10 + 2 * n, labels::band(res.band, lang))?;
            match outlook_of.get(res.code.as_str()) {
                Some(Ok(a)) => {
                    ws.write_string(r, 11 + 2 * n, labels::outlook(a.outlook, lang))?;
                    ws.write_number(r, 12 + 2 * n, f64::from(a.horizon.0.get()))?;
                    ws.write_number(r, 13 + 2 * n, (a.projected * 100.0).round() / 100.0)?;
                }
                Some(Err(reason)) => {
                    ws.write_string(r, 11 + 2 * n, labels::no_outlook(*reason, lang))?;
                }
                None => {}
            }
        }
        let widths = [18.0, 14.0, 70.0, 18.0, 14.0, 14.0, 18.0, 10.0, 12.0];
        for (j, w) in widths.iter().enumerate() {
            ws.set_column_width(j as u16, *w)?;
        }
        for j in widths.len()..header.len() {
            ws.set_column_width(j as u16, 13.0)?;
        }
        ws.set_freeze_panes(1, 1)?;
        ws.autofilter(0, 0, r, (header.len() - 1) as u16)?;
        ws.set_landscape();
        ws.set_print_fit_to_pages(1, 0);
        ws.set_repeat_rows(0, 0)?;
    }
    // The outlook to the horizon, summed up.
    outlook_sheet(&mut wb, &crate::outlook::summary(policy, result, lang), lang)?;
    wb.save_to_buffer()
}

/// The sheet "Perspectivas": the summary's title, intro, table and alert.
fn outlook_sheet(wb: &mut Workbook, summary: &crate::outlook::Summary, lang: Lang) -> Result<(), XlsxError> {
    let head = header_format();
    let ws = wb.add_worksheet().set_name(lang.pick("Perspectivas", "Outlook"))?;
    ws.write_string_with_format(0, 0, summary.title, &Format::new().set_bold())?;
    ws.write_string(1, 0, &summary.intro)?;
    for (j, h) in summary.heads.iter().enumerate() {
        ws.write_string_with_format(3, j as u16, *h, &head)?;
    }
    for (i, l) in summary.lines.iter().enumerate() {
        let r = 4 + i as u32;
        ws.write_string(r, 0, &l.label)?;
        for (j, c) in l.counts.iter().enumerate() {
            ws.write_number(r, 1 + j as u16, *c as f64)?;
        }
        let n = l.counts.len() as u16;
        ws.write_number(r, 1 + n, l.not_assessed as f64)?;
        ws.write_string(r, 2 + n, &l.share)?;
    }
    if let Some(a) = &summary.alert {
        ws.write_string_with_format(5 + summary.lines.len() as u32, 0, a, &Format::new().set_bold())?;
    }
    ws.set_column_width(0, 18.0)?;
    for j in 1..summary.heads.len() {
        ws.set_column_width(j as u16, 16.0)?;
    }
    Ok(())
}

/// The national summary as a workbook: the policies with their índice, then counts by sector,
/// conducting ministry and type (one sheet each).
pub fn render_portfolio(
    items: &[avance_core::portfolio::PolicyFigures],
    year: avance_core::model::Year,
    lang: Lang,
) -> Result<Vec<u8>, XlsxError> {
    let p = avance_core::portfolio::portfolio(items);
    let head = header_format();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name(lang.pick("Políticas", "Policies"))?;
    let heads = labels::portfolio_headings(lang);
    for (j, h) in heads.iter().enumerate() {
        ws.write_string_with_format(0, j as u16, *h, &head)?;
    }
    for (i, r) in items.iter().enumerate() {
        let row = 1 + i as u32;
        let m = &r.meta;
        ws.write_string(row, 0, &m.code)?;
        ws.write_string(row, 1, &m.name)?;
        ws.write_string(row, 2, format!("{} {}", m.sector.code, m.sector.name))?;
        ws.write_string(row, 3, format!("{} {}", m.ministry.code, m.ministry.name))?;
        ws.write_string(row, 4, m.policy_type.id())?;
        ws.write_string(row, 5, r.profile.id())?;
        avance_cell(ws, row, 6, r.index, r.index_band, r.profile.decimals)?;
    }
    for (j, w) in [12.0, 60.0, 30.0, 40.0, 16.0, 16.0, 14.0].iter().enumerate() {
        ws.set_column_width(j as u16, *w)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, items.len() as u32, 6)?;
    for (name, groups) in [
        (lang.pick("Por sector", "By sector"), &p.by_sector),
        (lang.pick("Por ministerio", "By ministry"), &p.by_ministry),
        (lang.pick("Por tipo", "By type"), &p.by_type),
    ] {
        let ws = wb.add_worksheet().set_name(name)?;
        let mut heads =
            vec![lang.pick("Grupo", "Group"), lang.pick("Políticas", "Policies"), lang.pick("Nivel", "Level")];
        heads.extend(Band::ALL.iter().map(|b| labels::band_range(*b)));
        heads.push("Total");
        for (j, h) in heads.iter().enumerate() {
            ws.write_string_with_format(0, j as u16, *h, &head)?;
        }
        let mut row = 0u32;
        for g in groups {
            let label = if g.code == g.name { g.code.clone() } else { format!("{} {}", g.code, g.name) };
            for (level, counts) in labels::levels(&g.counts, lang) {
                row += 1;
                ws.write_string(row, 0, &label)?;
                ws.write_string(row, 1, g.policies.join(", "))?;
                ws.write_string(row, 2, level)?;
                for (j, b) in Band::ALL.iter().enumerate() {
                    ws.write_number(row, 3 + j as u16, counts.get(*b) as f64)?;
                }
                ws.write_number(row, 7, counts.total() as f64)?;
            }
        }
        for (j, w) in [40.0, 30.0, 36.0, 10.0, 10.0, 10.0, 10.0, 10.0].iter().enumerate() {
            ws.set_column_width(j as u16, *w)?;
        }
        ws.set_freeze_panes(1, 0)?;
        ws.autofilter(0, 0, row, 7)?;
    }
    outlook_sheet(&mut wb, &crate::outlook::portfolio_summary(items, &p, year, lang), lang)?;
    wb.save_to_buffer()
}
