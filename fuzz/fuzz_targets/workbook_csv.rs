//! The table importer on arbitrary CSV: the input is split into the four sheets at 0xFF bytes.
#![no_main]

use std::path::Path;

use avance_import::workbook::read_csv_texts;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let parts: Vec<String> = data.split(|b| *b == 0xFF).map(|p| String::from_utf8_lossy(p).into_owned()).collect();
    let names = ["politica", "estructura", "indicadores", "valores"];
    let texts: Vec<(&str, &str)> = names.iter().zip(&parts).map(|(n, t)| (*n, t.as_str())).collect();
    let _ = read_csv_texts(Path::new("fuzz"), &texts);
});
