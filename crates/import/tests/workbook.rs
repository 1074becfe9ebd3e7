//! Planner templates: XLSX and CSV round trips, and errors located at sheet, row and column.

use std::path::{Path, PathBuf};

use avance_core::lang::Lang;
use avance_core::model::{Policy, Year, YearRange};
use avance_import::tables::{self, Tables};
use avance_import::{dataset, workbook};

fn example() -> Policy {
    dataset::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/pndi-2024")).expect("example")
}

fn rendered(r: Result<Policy, Vec<avance_import::issue::Issue>>) -> Vec<String> {
    match r {
        Ok(_) => Vec::new(),
        Err(issues) => issues.iter().map(|i| i.render(Lang::Es)).collect(),
    }
}

/// The example's tables after an edit, written as a workbook and read back.
fn xlsx_after(edit: impl FnOnce(&mut Tables)) -> (tempfile::TempDir, PathBuf, Vec<String>) {
    let mut t = tables::from_policy(&example());
    edit(&mut t);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("p.xlsx");
    workbook::write_xlsx(&t, &file).expect("write");
    let messages = rendered(workbook::read(&file));
    (dir, file, messages)
}

fn sheet<'a>(t: &'a mut Tables, name: &str) -> &'a mut tables::Sheet {
    &mut t.sheets.iter_mut().find(|(n, _)| n == name).expect(name).1
}

fn row_of(t: &mut Tables, name: &str, code: &str) -> usize {
    sheet(t, name).rows.iter().position(|r| r[0] == code).expect(code)
}

#[test]
fn the_reference_round_trips_through_xlsx() {
    let (_dir, file, messages) = xlsx_after(|_| {});
    assert_eq!(messages, Vec::<String>::new());
    assert_eq!(workbook::read(&file).expect("read"), example());
}

#[test]
fn the_reference_round_trips_through_csv() {
    let dir = tempfile::tempdir().expect("tempdir");
    workbook::write_csv(&tables::from_policy(&example()), dir.path()).expect("write");
    assert_eq!(workbook::read(dir.path()).expect("read"), example());
}

#[test]
fn a_bad_value_names_sheet_row_and_column() {
    let (_dir, file, messages) = xlsx_after(|t| {
        let r = row_of(t, tables::VALUES, "ISS.01.01.01.02");
        sheet(t, tables::VALUES).rows[r][7] = "12;5%".into();
    });
    // Row 8: the header is row 1 and ISS.01.01.01.02 is the 7th indicator; column H: actual 2024.
    assert_eq!(
        messages,
        [format!(
            "{}: Hoja \"valores\", fila 8, columna H (ISS.01.01.01.02): \"12;5%\" no es un porcentaje válido (se esperaba, por ejemplo, 20%, 12.5% o ND)",
            file.display()
        )]
    );
}

#[test]
fn closed_lists_name_the_allowed_values() {
    let (_dir, file, messages) = xlsx_after(|t| {
        let r = row_of(t, tables::INDICATORS, "ISS.01.01.01.02");
        sheet(t, tables::INDICATORS).rows[r][5] = "subiendo".into();
        let r = row_of(t, tables::INDICATORS, "ISS.01.01.01.01");
        sheet(t, tables::INDICATORS).rows[r][7] = String::new();
    });
    assert_eq!(
        messages,
        [
            format!(
                "{}: Hoja \"indicadores\", fila 7, columna H (ISS.01.01.01.01): falta este campo: se esperaba \"minimo permisible\" o \"maximo permisible\"",
                file.display()
            ),
            format!(
                "{}: Hoja \"indicadores\", fila 8, columna F (ISS.01.01.01.02): se esperaba \"ascendente\", \"descendente\" o \"no_definido\"; se encontró \"subiendo\"",
                file.display()
            ),
        ]
    );
}

#[test]
fn structural_problems_point_at_the_row() {
    let mut rows = (0, 0);
    let (_dir, file, messages) = xlsx_after(|t| {
        let r = row_of(t, tables::STRUCTURE, "SS.01.01.01");
        sheet(t, tables::STRUCTURE).rows[r][0] = "SS.01.09.01".into();
        let v = row_of(t, tables::VALUES, "IOP.01.01");
        let copy = sheet(t, tables::VALUES).rows[v].clone();
        sheet(t, tables::VALUES).rows.push(copy);
        rows = (r + 2, sheet(t, tables::VALUES).rows.len() + 1);
    });
    let f = file.display();
    // The duplicate row is reported first: the structure is checked once the sheets read cleanly.
    assert_eq!(
        messages,
        [format!(
            "{f}: Hoja \"valores\", fila {}, columna A (IOP.01.01): el indicador ya tiene una fila en esta hoja (fila 2); se admite una sola",
            rows.1
        )]
    );
    let (_dir, file, messages) = xlsx_after(|t| {
        let r = row_of(t, tables::STRUCTURE, "SS.01.01.01");
        sheet(t, tables::STRUCTURE).rows[r][0] = "SS.01.09.01".into();
    });
    let f = file.display();
    assert!(
        messages.contains(&format!(
            "{f}: Hoja \"estructura\", fila {}, columna A (SS.01.09.01): el lineamiento LN.01.09, del que depende SS.01.09.01, no existe",
            rows.0
        )),
        "{messages:#?}"
    );
}

#[test]
fn a_percentage_stored_as_a_number_is_refused() {
    let mut t = tables::from_policy(&example());
    let r = row_of(&mut t, tables::VALUES, "IOP.02.01");
    let values = sheet(&mut t, tables::VALUES);
    values.rows[r][7] = "0.1008".into();
    values.numeric.insert((r, 7));
    let messages = rendered(tables::to_policy(Path::new("p.xlsx"), &t, true));
    assert_eq!(
        messages,
        [
            "p.xlsx: Hoja \"valores\", fila 3, columna H (IOP.02.01): la hoja de cálculo guardó 0.1008 como número; en un indicador de porcentaje escriba el valor como texto, por ejemplo 20% o 0.2%, para que no se confunda 0.2 con 20%"
        ]
    );
    // A number is fine where there is no percentage to mistake.
    let r = row_of(&mut t, tables::VALUES, "IOP.02.01");
    sheet(&mut t, tables::VALUES).numeric.remove(&(r, 7));
    sheet(&mut t, tables::VALUES).rows[r][7] = "10.08%".into();
    let r = row_of(&mut t, tables::VALUES, "IOP.01.01");
    sheet(&mut t, tables::VALUES).numeric.insert((r, 7));
    assert_eq!(rendered(tables::to_policy(Path::new("p.xlsx"), &t, true)), Vec::<String>::new());
}

#[test]
fn csv_with_semicolons_and_a_missing_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    workbook::write_csv(&tables::from_policy(&example()), dir.path()).expect("write");
    // Rewrite one file with ';' as a Spanish-locale spreadsheet program does.
    let file = dir.path().join("politica.csv");
    let text = std::fs::read_to_string(&file).expect("read");
    let mut out = String::new();
    for line in text.lines() {
        let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(line.as_bytes());
        let rec = r.records().next().expect("record").expect("csv");
        out.push_str(
            &rec.iter()
                .map(|f| if f.contains(';') { format!("\"{f}\"") } else { f.to_string() })
                .collect::<Vec<_>>()
                .join(";"),
        );
        out.push('\n');
    }
    std::fs::write(&file, out).expect("write");
    assert_eq!(workbook::read(dir.path()).expect("read"), example());
    std::fs::remove_file(dir.path().join("valores.csv")).expect("remove");
    let messages = rendered(workbook::read(dir.path()));
    assert_eq!(
        messages,
        [format!("{}: falta este campo: se esperaba \"valores\"", dir.path().join("valores.csv").display())]
    );
}

#[test]
fn an_empty_template_asks_for_what_is_missing() {
    let years = YearRange { first: Year::new(2025).expect("y"), last: Year::new(2030).expect("y") };
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("t.xlsx");
    workbook::write_xlsx(&workbook::template(None, years), &file).expect("write");
    let messages = rendered(workbook::read(&file));
    let f = file.display();
    assert_eq!(
        messages[0],
        format!("{f}: Hoja \"politica\", fila 2, columna B: falta este campo: se esperaba un texto")
    );
    assert!(messages.contains(&format!("{f}: Hoja \"politica\", fila 4, columna B: falta este campo: se esperaba \"SECTORIAL\" o \"MULTISECTORIAL\"")), "{messages:#?}");
    // The values sheet has a target and an actual column per year.
    let t = workbook::read_xlsx_tables(&file).expect("tables");
    let header = &t.get(tables::VALUES).expect("values").header;
    assert_eq!(header.len(), 2 + 6 + 6);
    assert_eq!((header[2].as_str(), header[13].as_str()), ("logro esperado 2025", "valor obtenido 2030"));
}

#[test]
fn not_a_workbook_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("x.xlsx");
    std::fs::write(&file, "no es un libro").expect("write");
    let messages = rendered(workbook::read(&file));
    assert_eq!(messages.len(), 1);
    assert!(messages[0].starts_with(&format!("{}: no se puede leer el archivo: ", file.display())), "{messages:?}");
}

/// Found by fuzzing (`workbook_xlsx`, docs/robustness.md): a sheet whose cell reference has a row
/// beyond any spreadsheet's made the XLSX reader's arithmetic overflow and panic. Now an error
/// naming the sheet, in debug and in release builds alike (the root Cargo.toml checks that
/// reader's overflows in release too).
#[test]
fn a_sheet_with_an_impossible_cell_reference_is_an_error() {
    refused_with(
        "fuzz-cell-row-overflow.xlsx",
        "la hoja \"estructura\" está dañada: su XML no es el de una hoja de cálculo válida",
    );
}

/// Reading the fixture `name` gives exactly one message: the file's path, then `message`.
fn refused_with(name: &str, message: &str) {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    assert_eq!(rendered(workbook::read(&file)), [format!("{}: {message}", file.display())]);
}

/// A sheet with a cell at XFD1048576 (the last cell a sheet can address): refused with the cell
/// named, before anything is allocated for the 17 billion cells up to it (found by fuzzing: the
/// reader's whole range made the process abort on a 512 GiB allocation).
#[test]
fn a_sheet_reaching_the_last_cell_is_refused_without_allocating_it() {
    refused_with(
        "sheet-cell-at-xfd1048576.xlsx",
        "la hoja \"politica\" llega hasta la celda XFD1048576: más de 5,000,000 celdas, que ninguna plantilla usa; borre las celdas lejanas",
    );
}
