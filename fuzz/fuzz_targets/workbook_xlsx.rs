//! The workbook importer on arbitrary bytes (seeded with real workbooks).
#![no_main]

use std::path::Path;

use avance_import::workbook::read_xlsx_bytes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = read_xlsx_bytes(Path::new("fuzz.xlsx"), data.to_vec());
});
