//! `avance-core`: the domain of the follow-up of national policies (CEPLAN's Sinaplan method).
//!
//! Pure: no I/O, no async, no clock, no database. Everything else depends on it.
//!
//! ```
//! use avance_core::value::{Cell, Unit};
//! use avance_core::number::format_display;
//! let le = Cell::parse("12.60%", Unit::Porcentaje).unwrap().number().unwrap();
//! let vo = Cell::parse("10.08%", Unit::Porcentaje).unwrap().number().unwrap();
//! assert_eq!(format_display(vo / le * rust_decimal::Decimal::ONE_HUNDRED, 1), "80.0");
//! ```
#![forbid(unsafe_code)]

pub mod access;
pub mod alert;
pub mod audit;
pub mod avance;
pub mod band;
pub mod code;
pub mod compute;
pub mod exact;
pub mod lang;
pub mod mail;
pub mod model;
pub mod number;
pub mod pei;
pub mod poi;
pub mod portfolio;
pub mod profile;
pub mod progress;
pub mod published;
pub mod value;

pub use rust_decimal::Decimal;
