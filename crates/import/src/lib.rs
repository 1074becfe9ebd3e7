//! `avance-import`: reading and writing avance's file formats.
//!
//! Bad input is data: every reader returns what it read or the complete list of located
//! [`issue::Issue`]s (file, path, field, what was expected, what was found). Nothing panics.
#![forbid(unsafe_code)]

pub mod dataset;
pub mod issue;
pub mod pdf;
pub mod pei;
pub mod pei_text;
mod plan_tables;
pub mod poi;
pub mod poi_text;
pub mod progress;
pub mod published;
pub mod report_text;
pub mod synthetic;
pub mod tables;
mod walk;
pub mod workbook;
