//! The published-report reader on arbitrary text: it must answer with a policy or issues, never panic.
#![no_main]

use std::path::Path;

use avance_import::report_text::{Options, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = parse(Path::new("fuzz.txt"), &text, &Options::default());
});
