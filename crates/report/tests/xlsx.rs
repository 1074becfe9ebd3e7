//! The XLSX report of the reference, read back: numbers are numbers, every figure is there.

use std::path::Path;

use avance_core::compute::compute;
use avance_core::lang::Lang;
use avance_core::model::Year;
use avance_import::dataset;
use calamine::{Data, DataType, Reader, Xlsx};

#[test]
fn the_reference_workbook_reads_back() {
    let policy =
        dataset::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/pndi-2024")).expect("example");
    let result = compute(&policy, Year::new(2024).expect("year"));
    let bytes = avance_report::xlsx::render(&policy, &result, Lang::Es).expect("xlsx");
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("a workbook");
    assert_eq!(
        wb.sheet_names(),
        ["Resumen", "Objetivos", "Indicadores de objetivo", "Indicadores de servicio", "Perspectivas"]
    );
    // The outlook to the horizon: the policy's line, and each indicator's category.
    let outlook = wb.worksheet_range("Perspectivas").expect("outlook");
    let policy_line: Vec<Data> = (0..8).map(|c| outlook.get_value((8, c)).cloned().unwrap_or(Data::Empty)).collect();
    assert_eq!(
        policy_line,
        [
            Data::String("Política".into()),
            Data::Float(37.0),
            Data::Float(1.0),
            Data::Float(7.0),
            Data::Float(9.0),
            Data::Float(8.0),
            Data::Float(29.0),
            Data::String("61.3%".into())
        ]
    );
    let iop = wb.worksheet_range("Indicadores de objetivo").expect("IOP sheet");
    let head =
        iop.rows().next().expect("header").iter().position(|c| c == &Data::String("Perspectiva al horizonte".into()));
    let column = head.expect("outlook column") as u32;
    assert_eq!(iop.get_value((1, column)), Some(&Data::String("retroceso".into())), "IOP.01.01");

    let summary = wb.worksheet_range("Resumen").expect("summary");
    let counts: Vec<Vec<f64>> = (8..11)
        .map(|r| (1..6).map(|c| summary.get_value((r, c)).and_then(|d| d.as_f64()).unwrap_or(-1.0)).collect())
        .collect();
    assert_eq!(
        counts,
        [vec![1.0, 2.0, 0.0, 1.0, 4.0], vec![1.0, 2.0, 0.0, 2.0, 5.0], vec![18.0, 5.0, 40.0, 23.0, 86.0]]
    );
    assert_eq!(summary.get_value((12, 1)), Some(&Data::Float(79.3)));

    let objectives = wb.worksheet_range("Objetivos").expect("objectives");
    let ops: Vec<Data> = (1..5).map(|r| objectives.get_value((r, 2)).cloned().unwrap_or(Data::Empty)).collect();
    assert_eq!(ops, [Data::Float(86.5), Data::Float(80.0), Data::Float(71.4), Data::String("ND".into())]);

    let fixture = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/pndi-2024/avances.csv"),
    )
    .expect("fixture");
    let mut found = 0;
    for sheet in ["Indicadores de objetivo", "Indicadores de servicio"] {
        let range = wb.worksheet_range(sheet).expect(sheet);
        let avance_col = 9 + 2 * 3;
        for row in range.rows().skip(1) {
            let code = row[0].to_string();
            let line = fixture.lines().find(|l| l.starts_with(&format!("{code},"))).expect("in the fixture");
            let expected = line.split(',').nth(2).expect("expected avance");
            let got = match &row[avance_col] {
                Data::Float(f) => format!("{f:.1}"),
                other => other.to_string(),
            };
            assert_eq!(got, expected, "{code}");
            found += 1;
        }
    }
    assert_eq!(found, 91);
    // Values are numbers: ISS.01.03.01.02's 2024 actual (printed 10,256).
    let services = wb.worksheet_range("Indicadores de servicio").expect("services");
    let row = services.rows().find(|r| r[0] == "ISS.01.03.01.02").expect("row");
    assert_eq!(row[9 + 3 + 2], Data::Float(10256.0));
}
