//! The follow-up of an entity's PEI: the figures of a year under the profile of a version of
//! CEPLAN's application.

use avance_core::model::Year;
use avance_core::pei::{PeiPlan, PeiResult, compute};
use avance_core::profile::RuleProfile;

use crate::error::{AppError, Field, Problem};

/// The year a PEI's follow-up is cut at when none is asked for: the last year of its period with a
/// valor obtenido, or its first year when none has one yet.
pub fn default_year(plan: &PeiPlan) -> Year {
    let last = plan.indicators.iter().flat_map(|i| i.actuals.keys().copied()).filter(|y| *y <= plan.last_year).max();
    last.unwrap_or(plan.first_year)
}

/// The figures of `plan` cut at `year` (by default [`default_year`]) under the profile `profile`
/// names (the plan's own when `None`; a `ceplan-pei` one).
pub fn pei_figures(plan: &PeiPlan, year: Option<u16>, profile: Option<&str>) -> Result<PeiResult, AppError> {
    let id = profile.unwrap_or(&plan.profile);
    let profile = RuleProfile::find(id)
        .filter(|p| p.name == "ceplan-pei")
        .ok_or_else(|| AppError::invalid(Field::Profile, Problem::PeiProfileUnknown(id.to_string())))?;
    let (first, last) = (plan.first_year.get(), plan.last_year.get());
    let year = match year {
        None => default_year(plan),
        Some(y) => Year::new(y)
            .ok()
            .filter(|y| (first..=last).contains(&y.get()))
            .ok_or_else(|| AppError::invalid(Field::Year, Problem::PeiYear(y, first, last)))?,
    };
    compute(plan, year, &profile).map_err(|_| AppError::invalid(Field::Year, Problem::PeiYear(year.get(), first, last)))
}
