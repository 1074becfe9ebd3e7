//! The workbook importer on arbitrary bytes (seeded with real workbooks).
#![no_main]

use std::path::Path;
use std::sync::Once;

use avance_import::workbook::read_xlsx_bytes;
use libfuzzer_sys::fuzz_target;

static HOOK: Once = Once::new();

fuzz_target!(|data: &[u8]| {
    // libFuzzer's panic hook aborts on every panic, caught or not. The importer catches the XLSX
    // reader's panics on malformed sheets (calamine 0.38 overflows on some cell references) and
    // answers an error, which is what this target checks; a panic anywhere else, or one of the
    // reader's that the importer does not catch (it reaches the fuzzer's frame), still aborts.
    HOOK.call_once(|| {
        let abort = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !info.location().is_some_and(|l| l.file().contains("/calamine-")) {
                abort(info);
            }
        }));
    });
    let _ = read_xlsx_bytes(Path::new("fuzz.xlsx"), data.to_vec());
});
