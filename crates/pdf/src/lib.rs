//! `avance-pdf`: the Reporte de seguimiento as PDF, typeset by typst used as a library. Fonts are
//! embedded in the binary (Liberation Sans, SIL OFL 1.1, `fonts/`), so the output is the same on
//! every machine, with no network and no external program.
#![forbid(unsafe_code)]

mod markup;
mod world;

use avance_core::compute::PolicyResult;
use avance_core::lang::Lang;
use avance_core::model::Policy;

/// Why a PDF could not be made (a typst diagnostic: a defect of ours, never of the data).
#[derive(Debug, thiserror::Error)]
#[error("typst: {0}")]
pub struct PdfError(pub String);

/// The typst source of the report (kept separate so that it can be inspected and tested).
pub fn source(policy: &Policy, result: &PolicyResult, lang: Lang, data_hash: &str) -> String {
    markup::report(policy, result, lang, data_hash)
}

/// The national summary of several policies as PDF bytes (`avance report --all --format pdf`).
pub fn render_portfolio(
    items: &[avance_core::portfolio::PolicyFigures],
    year: avance_core::model::Year,
    lang: Lang,
) -> Result<Vec<u8>, PdfError> {
    world::compile(markup::portfolio(items, year, lang))
}

/// A PEI's follow-up (CEPLAN's Anexo B-7) as PDF bytes: A4 landscape, the table's header repeated
/// on every page, the notes the version prints.
pub fn render_pei(
    plan: &avance_core::pei::PeiPlan,
    result: &avance_core::pei::PeiResult,
    lang: Lang,
) -> Result<Vec<u8>, PdfError> {
    world::compile(markup::pei(plan, result, lang))
}

/// A POI's follow-up ("Reporte de seguimiento del POI" as CEPLAN's application prints it) as PDF
/// bytes: the period's months, PROG and EJEC rows per activity, each AEI's and the total's figure
/// and the notes the profile's version prints; `generated` is the report's date `(y, m, d)`.
pub fn render_poi(
    plan: &avance_core::poi::PoiPlan,
    figures: (avance_core::poi::Period, &avance_core::poi::PoiProfile, &avance_core::poi::PoiResult),
    generated: (i32, u8, u8),
    lang: Lang,
) -> Result<Vec<u8>, PdfError> {
    let layout = avance_report::poi::layout(plan, figures, generated, lang);
    world::compile(markup::poi(&layout, plan, lang))
}

/// The report as PDF bytes: A4 landscape, running header, page numbers, table headers repeated.
pub fn render(policy: &Policy, result: &PolicyResult, lang: Lang, data_hash: &str) -> Result<Vec<u8>, PdfError> {
    world::compile(source(policy, result, lang, data_hash))
}
