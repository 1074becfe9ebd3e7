//! The dataset reader on arbitrary text.
#![no_main]

use std::path::Path;

use avance_import::dataset::parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = parse(Path::new("fuzz.json"), &String::from_utf8_lossy(data));
});
