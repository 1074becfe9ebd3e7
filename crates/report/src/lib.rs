//! `avance-report`: how avance's figures are shown. The wording of alerts lives here, once, in
//! Spanish and English; the JSON contract of `avance compute` and its terminal table too.
#![forbid(unsafe_code)]

pub mod alert_text;
pub mod audit;
pub mod csv;
pub mod explain;
pub mod html;
pub mod json;
pub mod labels;
pub mod mail;
pub mod narrative;
pub mod outlook;
pub mod pei;
pub mod poi;
pub mod svg;
pub mod text;
pub mod xlsx;
