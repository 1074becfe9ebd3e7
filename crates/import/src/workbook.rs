//! Planner templates as an XLSX workbook or a directory of CSV files: writing (empty or prefilled,
//! with drop-down lists and an instructions sheet in Spanish) and reading back into a policy.

use std::path::Path;

use avance_core::model::{Aggregation, Policy, Sentido, Standard, YearRange};
use avance_core::value::Unit;
use calamine::{Data, Reader, open_workbook_auto_from_rs};
use rust_xlsxwriter::{Color, DataValidation, DataValidationErrorStyle, Format, FormatBorder, Workbook, XlsxError};

use crate::issue::{Issue, IssueKind, Location};
use crate::progress::{Progress, Step};
use crate::tables::{self, INDICATORS, INSTRUCTIONS, POLICY, STRUCTURE, Sheet, Tables, VALUES};

const INSTRUCTIONS_TEXT: &[&str] = &[
    "Plantilla de seguimiento de una política nacional (avance)",
    "",
    "Cómo llenarla",
    "1. Hoja \"politica\": complete el valor de cada campo. El tipo es SECTORIAL o MULTISECTORIAL. El perfil de reglas es ceplan-pn@1 para políticas nacionales.",
    "2. Hoja \"estructura\": una fila por objetivo prioritario (OP.01), lineamiento (LN.01.01) y servicio (SS.01.01.01). El código dice de quién depende: LN.01.02 es del OP.01; SS.01.02.03 es del LN.01.02. El análisis de los analistas va solo en las filas de objetivos.",
    "3. Hoja \"indicadores\": una fila por indicador de objetivo (IOP.01.01) o de servicio (ISS.01.02.03.01). Use las listas desplegables para unidad, sentido esperado, tipo de agregación y estándar de cumplimiento.",
    "   - Indicadores ascendentes o descendentes: llenan \"tipo de agregación\" (no acumulado o acumulado) y dejan vacío el estándar.",
    "   - Indicadores no_definido: llenan \"estándar de cumplimiento\" (minimo permisible o maximo permisible) y dejan vacía la agregación.",
    "   - Si no se conoce el sentido esperado, deje la celda vacía: se infiere de la secuencia de logros esperados y se avisa.",
    "4. Hoja \"valores\": una fila por indicador, con sus logros esperados y valores obtenidos por año.",
    "",
    "Cómo escribir los valores",
    "- Tal como se publican: 20%, 12.5%, 10,256, 44328, 0.10%. La coma separa miles (grupos de tres cifras); el punto separa decimales.",
    "- ND si el dato no está disponible. Una celda vacía significa que no hay valor para ese año.",
    "- Las columnas de valores tienen formato de texto: así 20% se guarda como 20% y no como 0.2.",
    "",
    "Al importar (avance import plantilla.xlsx --out mi-politica), cada error indica la hoja, la fila y la columna, y no se escribe nada mientras haya errores.",
];

fn xlsx_error(path: &Path, e: XlsxError) -> Vec<Issue> {
    vec![Issue::io(path, &std::io::Error::other(e.to_string()))]
}

/// Writes the workbook: the tables of `tables`, formatted for people.
pub fn write_xlsx(tables: &Tables, path: &Path) -> Result<(), Vec<Issue>> {
    build_xlsx(tables).and_then(|mut wb| wb.save(path)).map_err(|e| xlsx_error(path, e))
}

fn list(values: &[&str], strict: bool) -> Result<DataValidation, XlsxError> {
    let v = DataValidation::new().allow_list_strings(values)?;
    Ok(if strict {
        v.set_error_title("Valor no válido")?.set_error_message("Elija un valor de la lista.")?
    } else {
        // An open list: other values are allowed after a warning.
        v.set_error_style(DataValidationErrorStyle::Warning)
            .set_error_title("Valor fuera de la lista")?
            .set_error_message("No es un valor habitual. ¿Desea mantenerlo?")?
    })
}

/// What differs between the workbooks avance writes: the instructions, the columns' widths (a
/// width of 50 or more wraps), how many columns stay in view, and the lists and filters of a
/// sheet (`end` is the last row they cover).
struct Layout<'a> {
    instructions: &'a [&'a str],
    widths: fn(&str, &Sheet) -> Vec<f64>,
    frozen_columns: fn(&str) -> u16,
    extra: fn(&mut rust_xlsxwriter::Worksheet, &str, &Sheet, u32) -> Result<(), XlsxError>,
}

fn build_xlsx(tables: &Tables) -> Result<Workbook, XlsxError> {
    build_book(
        tables,
        &Layout {
            instructions: INSTRUCTIONS_TEXT,
            widths: |name, sheet| match name {
                POLICY => vec![32.0, 80.0],
                STRUCTURE => vec![14.0, 80.0, 60.0],
                INDICATORS => vec![18.0, 70.0, 20.0, 16.0, 14.0, 16.0, 18.0, 22.0, 12.0, 14.0],
                _ => {
                    let mut w = vec![18.0, 50.0];
                    w.extend(std::iter::repeat_n(16.0, sheet.header.len().saturating_sub(2)));
                    w
                }
            },
            frozen_columns: |name| if name == VALUES { 2 } else { 1 },
            extra: |ws, name, sheet, end| {
                match name {
                    POLICY => {
                        ws.add_data_validation(3, 1, 3, 1, &list(&["SECTORIAL", "MULTISECTORIAL"], true)?)?;
                    }
                    INDICATORS => {
                        ws.add_data_validation(1, 3, end, 3, &list(&["RESULTADO", "COBERTURA", "CALIDAD"], false)?)?;
                        ws.add_data_validation(1, 4, end, 4, &list(&Unit::ALL.map(Unit::id), true)?)?;
                        ws.add_data_validation(1, 5, end, 5, &list(&Sentido::ALL.map(Sentido::id), true)?)?;
                        let aggregations = [Aggregation::NoAcumulado.id(), Aggregation::Acumulado.id()];
                        ws.add_data_validation(1, 6, end, 6, &list(&aggregations, true)?)?;
                        let standards = [Standard::MinimoPermisible.id(), Standard::MaximoPermisible.id()];
                        ws.add_data_validation(1, 7, end, 7, &list(&standards, true)?)?;
                        ws.autofilter(0, 0, sheet.rows.len() as u32, (sheet.header.len() - 1) as u16)?;
                    }
                    STRUCTURE | VALUES => {
                        ws.autofilter(0, 0, sheet.rows.len() as u32, (sheet.header.len() - 1) as u16)?;
                    }
                    _ => {}
                }
                Ok(())
            },
        },
    )
}

const POI_INSTRUCTIONS: &[&str] = &[
    "Plantilla del Plan Operativo Institucional (POI) de una entidad (avance)",
    "",
    "Cómo llenarla",
    "1. Hoja \"poi\": el código y el nombre de la entidad, su sector, el año del POI y el perfil de reglas (ceplan-poi@2022 o ceplan-poi@2021: la versión del aplicativo de CEPLAN cuyas cifras se siguen).",
    "2. Hoja \"aei\": una fila por Acción Estratégica Institucional (AEI.01.01) con su nombre.",
    "3. Hoja \"actividades\": una fila por actividad operativa (AO): su código, nombre, la AEI a la que sirve, la unidad de medida, el tipo de agregación (lista desplegable: acumulado_anual, acumulado_mensual, no_acumulado) y la prioridad (opcional, 1 la primera).",
    "   - prog_ene … prog_dic: la programación física de cada mes (0 si no hay nada programado).",
    "   - ejec_ene … ejec_dic: la ejecución física de cada mes; vacía si el seguimiento del mes aún no se registró (el seguimiento de cada mes vence el último día del mes siguiente).",
    "",
    "Cómo escribir las cantidades",
    "- Cero o más, con punto decimal: 12, 2.5. Una coma decimal (2,5) se rechaza para no leerla mal.",
    "",
    "Al importar (avance poi import plantilla.xlsx --out poi.json, o avance poi load plantilla.xlsx), cada error indica la hoja, la fila y la columna, y no se escribe nada mientras haya errores.",
];

/// Writes a POI's template: the sheets `poi`, `aei` and `actividades` with the CSV files'
/// headers, after the instructions, every cell text.
pub fn write_poi_xlsx(tables: &Tables, path: &Path) -> Result<(), Vec<Issue>> {
    let layout = Layout {
        instructions: POI_INSTRUCTIONS,
        widths: |name, sheet| match name {
            "poi" => vec![16.0, 60.0, 30.0, 8.0, 18.0],
            "aei" => vec![16.0, 80.0],
            _ => {
                let mut w = vec![14.0, 60.0, 14.0, 18.0, 20.0, 10.0];
                w.extend(std::iter::repeat_n(10.0, sheet.header.len().saturating_sub(6)));
                w
            }
        },
        frozen_columns: |name| if name == "actividades" { 2 } else { 1 },
        extra: |ws, name, sheet, end| {
            if name == "actividades" {
                let aggregations = avance_core::poi::Aggregation::ALL.map(avance_core::poi::Aggregation::id);
                ws.add_data_validation(1, 4, end, 4, &list(&aggregations, true)?)?;
                ws.autofilter(0, 0, sheet.rows.len() as u32, (sheet.header.len() - 1) as u16)?;
            }
            if name == "poi" {
                ws.add_data_validation(1, 4, 1, 4, &list(&["ceplan-poi@2022", "ceplan-poi@2021"], true)?)?;
            }
            Ok(())
        },
    };
    build_book(tables, &layout).and_then(|mut wb| wb.save(path)).map_err(|e| xlsx_error(path, e))
}

const PEI_INSTRUCTIONS: &[&str] = &[
    "Plantilla del Plan Estratégico Institucional (PEI) de una entidad (avance)",
    "",
    "Cómo llenarla",
    "1. Hoja \"pei\": el código y el nombre de la entidad (pliego), su sector, el primer y el último año del periodo del PEI y el perfil de reglas (ceplan-pei@2020, @2019 o @2018: la versión de la guía cuyas cifras se siguen).",
    "2. Hoja \"elementos\" (opcional): una fila por Objetivo Estratégico Institucional (OEI.01) y por Acción Estratégica Institucional (AEI.01.01) con su nombre. Si se deja vacía, se toman de los códigos de los indicadores.",
    "3. Hoja \"indicadores\": una fila por indicador, con su código (IND.01.OEI.01 para un OEI, IND.01.AEI.01.01 para una AEI), nombre, unidad de medida, sentido esperado (ascendente, descendente, no_definido; vacío: se deduce de los logros esperados), tipo de agregación (acumulado, no acumulado; vacío: no acumulado), estándar de cumplimiento (solo con sentido no_definido: minimo permisible, maximo permisible), año y valor de línea base.",
    "   - logro_AAAA: el logro esperado de cada año del periodo; ND si no tiene.",
    "   - valor_AAAA: el valor obtenido de cada año; vacío si aún no se registró.",
    "",
    "Cómo escribir las cifras",
    "- Con punto decimal (12.5); una coma separa miles en grupos de tres cifras (1,250). ND: no disponible.",
    "",
    "Al importar (avance pei import plantilla.xlsx --out pei.json, o avance pei load plantilla.xlsx), cada error indica la hoja, la fila y la columna, y no se escribe nada mientras haya errores.",
];

/// Writes a PEI's template: the sheets `pei`, `elementos` and `indicadores` with the CSV files'
/// headers, after the instructions, every cell text, lists for the unit, sense, aggregation,
/// standard and profile.
pub fn write_pei_xlsx(tables: &Tables, path: &Path) -> Result<(), Vec<Issue>> {
    let layout = Layout {
        instructions: PEI_INSTRUCTIONS,
        widths: |name, sheet| match name {
            "pei" => vec![16.0, 60.0, 30.0, 12.0, 12.0, 18.0],
            "elementos" => vec![16.0, 80.0],
            _ => {
                let mut w = vec![18.0, 60.0, 14.0, 14.0, 14.0, 18.0, 12.0, 12.0];
                w.extend(std::iter::repeat_n(10.0, sheet.header.len().saturating_sub(8)));
                w
            }
        },
        frozen_columns: |name| if name == "indicadores" { 2 } else { 1 },
        extra: |ws, name, sheet, end| {
            use avance_core::model::{Aggregation, Sentido, Standard};
            if name == "indicadores" {
                let units = avance_core::value::Unit::ALL.map(avance_core::value::Unit::id);
                ws.add_data_validation(1, 2, end, 2, &list(&units, true)?)?;
                ws.add_data_validation(1, 3, end, 3, &list(&Sentido::ALL.map(Sentido::id), true)?)?;
                ws.add_data_validation(
                    1,
                    4,
                    end,
                    4,
                    &list(&[Aggregation::Acumulado.id(), Aggregation::NoAcumulado.id()], true)?,
                )?;
                let standards = [Standard::MinimoPermisible.id(), Standard::MaximoPermisible.id()];
                ws.add_data_validation(1, 5, end, 5, &list(&standards, true)?)?;
                ws.autofilter(0, 0, sheet.rows.len() as u32, (sheet.header.len() - 1) as u16)?;
            }
            if name == "pei" {
                ws.add_data_validation(
                    1,
                    5,
                    1,
                    5,
                    &list(&["ceplan-pei@2020", "ceplan-pei@2019", "ceplan-pei@2018"], true)?,
                )?;
            }
            Ok(())
        },
    };
    build_book(tables, &layout).and_then(|mut wb| wb.save(path)).map_err(|e| xlsx_error(path, e))
}

fn build_book(tables: &Tables, layout: &Layout<'_>) -> Result<Workbook, XlsxError> {
    let mut wb = Workbook::new();
    let header =
        Format::new().set_bold().set_background_color(Color::RGB(0xDDEBF7)).set_border_bottom(FormatBorder::Thin);
    let text = Format::new().set_num_format("@");
    let wrap = Format::new().set_text_wrap().set_num_format("@");

    let ws = wb.add_worksheet().set_name(INSTRUCTIONS)?;
    ws.set_column_width(0, 110)?;
    ws.set_column_format(0, &wrap)?;
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    for (r, line) in layout.instructions.iter().enumerate() {
        if r == 0 {
            ws.write_string_with_format(0, 0, *line, &Format::new().set_bold().set_font_size(14))?;
        } else {
            ws.write_string(r as u32, 0, *line)?;
            ws.set_row_height(r as u32, row_height(&[(line, 110.0)]))?;
        }
    }

    let last_row = |s: &Sheet| (s.rows.len() + 500) as u32;
    for (name, sheet) in &tables.sheets {
        let ws = wb.add_worksheet().set_name(name)?;
        for (c, h) in sheet.header.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &header)?;
        }
        let widths = (layout.widths)(name, sheet);
        for (c, w) in widths.iter().enumerate() {
            // Every column is text, so that what is typed is kept as typed.
            let format = if *w >= 50.0 { &wrap } else { &text };
            ws.set_column_width(c as u16, *w)?;
            ws.set_column_format(c as u16, format)?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string(r as u32 + 1, c as u16, v)?;
                }
            }
            // Spreadsheet programs do not grow rows for wrapped text on opening a file.
            let texts: Vec<(&str, f64)> =
                row.iter().zip(&widths).filter(|(_, w)| **w >= 50.0).map(|(v, w)| (v.as_str(), *w)).collect();
            ws.set_row_height(r as u32 + 1, row_height(&texts))?;
        }
        ws.set_landscape();
        ws.set_print_fit_to_pages(1, 0);
        ws.set_repeat_rows(0, 0)?;
        ws.set_freeze_panes(1, (layout.frozen_columns)(name))?;
        (layout.extra)(ws, name, sheet, last_row(sheet))?;
    }
    Ok(wb)
}

/// The height (points) that shows the longest of these wrapped texts in its column width
/// (characters), a line being about 15 points.
fn row_height(texts: &[(&str, f64)]) -> f64 {
    let lines = texts.iter().map(|(t, w)| (t.chars().count() as f64 / (w * 1.05)).ceil().max(1.0)).fold(1.0, f64::max);
    (lines * 15.0).min(409.0)
}

/// A cell's text. Numbers print without a trailing `.0`; `numeric` says the cell was a number.
fn cell_text(d: &Data) -> (String, bool) {
    match d {
        Data::Empty => (String::new(), false),
        Data::String(s) => (s.clone(), false),
        Data::Float(f) => {
            let s = if f.fract() == 0.0 && f.abs() < 1e15 { format!("{}", *f as i64) } else { format!("{f}") };
            (s, true)
        }
        Data::Int(i) => (i.to_string(), true),
        Data::Bool(b) => (if *b { "VERDADERO" } else { "FALSO" }.to_string(), false),
        Data::DateTime(dt) => (dt.to_string(), true),
        Data::DateTimeIso(s) | Data::DurationIso(s) => (s.clone(), false),
        Data::Error(e) => (format!("#{e:?}"), false),
    }
}

/// Reads the four sheets of a workbook.
pub fn read_xlsx_tables(path: &Path) -> Result<Tables, Vec<Issue>> {
    read_xlsx_tables_with(path, &mut |_| {})
}

fn read_xlsx_tables_with(path: &Path, progress: Progress<'_>) -> Result<Tables, Vec<Issue>> {
    let bytes = std::fs::read(path).map_err(|e| vec![Issue::io(path, &e)])?;
    tables_from_bytes(path, bytes, &tables::SHEETS, progress)
}

/// Reads the sheets `names` of a workbook (those it has), each as its header and rows of text.
pub fn read_sheets(path: &Path, names: &[&str]) -> Result<Tables, Vec<Issue>> {
    let bytes = std::fs::read(path).map_err(|e| vec![Issue::io(path, &e)])?;
    tables_from_bytes(path, bytes, names, &mut |_| {})
}

/// Reads a policy from a workbook's bytes; `path` only names it in issues.
pub fn read_xlsx_bytes(path: &Path, bytes: Vec<u8>) -> Result<Policy, Vec<Issue>> {
    let tables = tables_from_bytes(path, bytes, &tables::SHEETS, &mut |_| {})?;
    tables::to_policy(path, &tables, true)
}

/// The most cells (rows × columns, from A1 to the farthest cell) a sheet may span: far more than
/// any template, far less than the 17 billion a sheet can address (the message of
/// `IssueKind::SheetTooLarge` says this number).
pub const MAX_SHEET_CELLS: usize = 5_000_000;

/// The name a spreadsheet gives the cell at (row, column), counted from 0: `XFD1048576`.
fn cell_name(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut c = u64::from(col) + 1;
    while c > 0 {
        let rem = ((c - 1) % 26) as u8;
        letters.push(char::from(b'A' + rem));
        c = (c - 1) / 26;
    }
    letters.iter().rev().collect::<String>() + &(u64::from(row) + 1).to_string()
}

/// A sheet's non-empty cells: row, column (from 0) and value.
type Cells = Vec<(u32, u32, Data)>;

/// Why a sheet cannot be read.
enum SheetProblem {
    /// The reader cannot make sense of it (or panicked on it).
    Malformed,
    /// It reaches this cell, beyond [`MAX_SHEET_CELLS`].
    TooLarge(String),
}

/// A sheet's non-empty cells (row, column, value), or `None` when the workbook has no such sheet.
/// An XLSX sheet is read cell by cell, so that a far cell (XFD1048576) is refused before anything
/// is allocated for the cells between; other formats go through the reader's whole range.
fn sheet_cells(wb: &mut calamine::Sheets<std::io::Cursor<Vec<u8>>>, name: &str) -> Result<Option<Cells>, SheetProblem> {
    let too_large = |r: u32, c: u32| (r as usize + 1).saturating_mul(c as usize + 1) > MAX_SHEET_CELLS;
    // The reader panics on some malformed sheets (found by fuzzing: a cell reference whose row
    // overflows); a bad file must be an error, not a crash.
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match wb {
        calamine::Sheets::Xlsx(x) => {
            let mut reader = match x.worksheet_cells_reader(name) {
                Ok(r) => r,
                Err(calamine::XlsxError::WorksheetNotFound(_)) => return Ok(None),
                Err(_) => return Err(SheetProblem::Malformed),
            };
            let mut cells = Vec::new();
            while let Some(cell) = reader.next_cell().map_err(|_| SheetProblem::Malformed)? {
                let (r, c) = cell.get_position();
                if too_large(r, c) {
                    return Err(SheetProblem::TooLarge(cell_name(r, c)));
                }
                let value = Data::from(cell.get_value().clone());
                if value != Data::Empty {
                    cells.push((r, c, value));
                }
            }
            Ok(Some(cells))
        }
        other => {
            let Ok(range) = other.worksheet_range(name) else { return Ok(None) };
            if let Some((r, c)) = range.end().filter(|(r, c)| too_large(*r, *c)) {
                return Err(SheetProblem::TooLarge(cell_name(r, c)));
            }
            Ok(Some(range.used_cells().map(|(r, c, d)| (r as u32, c as u32, d.clone())).collect()))
        }
    }));
    read.unwrap_or(Err(SheetProblem::Malformed))
}

fn tables_from_bytes(
    path: &Path,
    bytes: Vec<u8>,
    names: &[&str],
    progress: Progress<'_>,
) -> Result<Tables, Vec<Issue>> {
    let unreadable = |e: String| vec![Issue::io(path, &std::io::Error::other(e))];
    let mut wb = open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).map_err(|e| unreadable(e.to_string()))?;
    let mut tables = Tables::default();
    for (done, name) in names.iter().copied().enumerate() {
        progress(Step::Reading { done, total: names.len() });
        let issue = |kind| vec![Issue { file: path.to_path_buf(), location: Location::File, code: None, kind }];
        let cells = match sheet_cells(&mut wb, name) {
            Ok(Some(cells)) => cells,
            Ok(None) => continue,
            Err(SheetProblem::Malformed) => return Err(issue(IssueKind::MalformedSheet { sheet: name.to_string() })),
            Err(SheetProblem::TooLarge(cell)) => {
                return Err(issue(IssueKind::SheetTooLarge { sheet: name.to_string(), cell }));
            }
        };
        let mut sheet = Sheet::default();
        // Rows and columns as the spreadsheet numbers them, from A1.
        let height = cells.iter().map(|(r, _, _)| *r as usize + 1).max().unwrap_or(0);
        let width = cells.iter().map(|(_, c, _)| *c as usize + 1).max().unwrap_or(0);
        let mut grid = vec![vec![String::new(); width]; height];
        for (r, c, d) in &cells {
            let (r, c) = (*r as usize, *c as usize);
            let (text, numeric) = cell_text(d);
            grid[r][c] = text;
            if numeric && r > 0 {
                sheet.numeric.insert((r - 1, c));
            }
        }
        let mut rows = grid.into_iter();
        sheet.header = rows.next().unwrap_or_default();
        sheet.rows = rows.collect();
        tables.sheets.push((name.to_string(), sheet));
    }
    Ok(tables)
}

/// Reads a policy from a workbook.
pub fn read_xlsx(path: &Path) -> Result<Policy, Vec<Issue>> {
    let tables = read_xlsx_tables(path)?;
    tables::to_policy(path, &tables, true)
}

/// Writes the four tables as `politica.csv`, `estructura.csv`, `indicadores.csv`, `valores.csv`
/// (UTF-8 with a byte-order mark, which spreadsheet programs need to show accents).
pub fn write_csv(tables: &Tables, dir: &Path) -> Result<(), Vec<Issue>> {
    std::fs::create_dir_all(dir).map_err(|e| vec![Issue::io(dir, &e)])?;
    for (name, sheet) in &tables.sheets {
        let file = dir.join(format!("{name}.csv"));
        let io = |e: std::io::Error| vec![Issue::io(&file, &e)];
        let mut buf = vec![0xEF, 0xBB, 0xBF];
        {
            let mut w = csv::Writer::from_writer(&mut buf);
            let csv_err = |e: csv::Error| std::io::Error::other(e.to_string());
            w.write_record(&sheet.header).map_err(csv_err).map_err(io)?;
            for row in &sheet.rows {
                w.write_record(row).map_err(csv_err).map_err(io)?;
            }
            w.flush().map_err(io)?;
        }
        std::fs::write(&file, buf).map_err(io)?;
    }
    Ok(())
}

/// Reads the four CSV files of a directory. The separator is `,` or, as spreadsheet programs in
/// Spanish write it, `;`.
pub fn read_csv(dir: &Path) -> Result<Policy, Vec<Issue>> {
    let mut texts = Vec::new();
    let mut issues = Vec::new();
    for name in tables::SHEETS {
        let file = dir.join(format!("{name}.csv"));
        match std::fs::read_to_string(&file) {
            Ok(t) => texts.push((name, t)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => issues.push(Issue::io(&file, &e)),
        }
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    let texts: Vec<(&str, &str)> = texts.iter().map(|(n, t)| (*n, t.as_str())).collect();
    read_csv_texts(dir, &texts)
}

/// Reads CSV texts by sheet name (`politica`, …); `dir` only names the files in issues.
pub fn read_csv_texts(dir: &Path, texts: &[(&str, &str)]) -> Result<Policy, Vec<Issue>> {
    let mut tables = Tables::default();
    let mut issues = Vec::new();
    for (name, text) in texts {
        let file = dir.join(format!("{name}.csv"));
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let first = text.lines().next().unwrap_or("");
        let delimiter = if first.contains(';') && !first.contains(',') { b';' } else { b',' };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut sheet = Sheet::default();
        for (i, record) in reader.records().enumerate() {
            match record {
                Ok(r) => {
                    let row: Vec<String> = r.iter().map(str::to_string).collect();
                    if i == 0 {
                        sheet.header = row;
                    } else {
                        sheet.rows.push(row);
                    }
                }
                Err(e) => issues.push(Issue {
                    file: file.clone(),
                    location: Location::Cell { sheet: None, row: i + 1, column: "A".into() },
                    code: None,
                    kind: IssueKind::Content { message: e.to_string() },
                }),
            }
        }
        tables.sheets.push((name.to_string(), sheet));
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    tables::to_policy(dir, &tables, false)
}

/// Reads a policy from a workbook (`.xlsx`, `.xls`, `.ods`) or a directory of CSV files.
pub fn read(path: &Path) -> Result<Policy, Vec<Issue>> {
    read_with(path, &mut |_| {})
}

/// [`read`], reporting progress per sheet.
pub fn read_with(path: &Path, progress: Progress<'_>) -> Result<Policy, Vec<Issue>> {
    if path.is_dir() {
        return read_csv(path);
    }
    let tables = read_xlsx_tables_with(path, &mut *progress)?;
    progress(Step::Reading { done: tables::SHEETS.len(), total: tables::SHEETS.len() });
    tables::to_policy(path, &tables, true)
}

/// The tables for a template: prefilled from a policy, or empty for `years`.
pub fn template(policy: Option<&Policy>, years: YearRange) -> Tables {
    policy.map_or_else(|| tables::empty(years), tables::from_policy)
}
