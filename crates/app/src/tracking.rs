//! "Seguimiento del reporte": for a policy-year, where each responsible unit stands with the
//! values it reports — due, submitted, returned, approved, already in the data — and how many days
//! are left before its deadline (its exception's, when it has one), or how many it is late.

use std::collections::BTreeMap;
use std::sync::Arc;

use avance_core::access::{Action, Resource, Standing, can, responsible_units};
use avance_core::lang::Lang;
use avance_core::model::{Policy, Year};

use crate::error::{AppError, Field, Missing, Problem};
use crate::{Actor, App};

/// One indicator of a unit in the tracker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tracked {
    pub code: String,
    pub name: String,
    pub standing: Standing,
    /// When the latest submission was sent (RFC 3339, UTC).
    pub submitted_at: Option<String>,
}

/// A responsible unit in the tracker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitTracking {
    pub unit: String,
    /// The unit's deadline (RFC 3339, UTC): its exception's when it has one, else the policy-year's.
    pub deadline: Option<String>,
    /// Whether its deadline is an exception's (later than the policy-year's).
    pub exception: bool,
    /// Days from today to the deadline's day, both in Lima: 0 is the last day, negative is late.
    pub days: Option<i64>,
    pub indicators: Vec<Tracked>,
}

impl UnitTracking {
    pub fn count(&self, s: Standing) -> usize {
        self.indicators.iter().filter(|i| i.standing == s).count()
    }

    /// How many values the unit still owes.
    pub fn owed(&self) -> usize {
        self.indicators.iter().filter(|i| i.standing.owed()).count()
    }

    /// Past its deadline with values still owed.
    pub fn late(&self) -> bool {
        self.days.is_some_and(|d| d < 0) && self.owed() > 0
    }
}

/// The tracker of a policy-year.
#[derive(Debug, Clone)]
pub struct TrackingView {
    pub policy: Arc<Policy>,
    pub year: Year,
    /// The policy-year's calendar, when set: its deadline, opening, end of review, publication.
    pub deadline: Option<String>,
    pub opens: Option<String>,
    pub review_until: Option<String>,
    pub publication: Option<String>,
    /// Today in Lima, `AAAA-MM-DD`.
    pub today: String,
    /// Units in alphabetical order; an indicator answered jointly is listed under each unit.
    pub units: Vec<UnitTracking>,
    /// The policies the actor may follow (code, name), by code.
    pub choices: Vec<(String, String)>,
}

pub(crate) fn instant_of(at: &str) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).ok()
}

/// A unit's deadline: the later of the policy-year's and its exception's (an exception extends
/// the unit's window, never shortens it, as `reporting_open` reads them).
pub(crate) fn effective_deadline(deadline: Option<&str>, exception: Option<&str>) -> Option<String> {
    match (exception, deadline) {
        (Some(e), Some(d)) => Some(if instant_of(e) > instant_of(d) { e } else { d }.to_string()),
        (e, d) => e.or(d).map(str::to_string),
    }
}

/// Today's date in Lima by the application's clock.
pub(crate) fn lima_today(at: time::OffsetDateTime) -> time::Date {
    at.to_offset(avance_report::labels::LIMA).date()
}

/// Whole days from `today` to the Lima day of `deadline` (an instant as stored).
pub(crate) fn days_until(today: time::Date, deadline: &str) -> Option<i64> {
    let d = instant_of(deadline)?;
    Some((d.to_offset(avance_report::labels::LIMA).date() - today).whole_days())
}

impl App {
    /// The tracker of a policy-year, for those who review the policy (its ministry's planning
    /// office, the administrator). Without a year: the latest year of the policy with a deadline,
    /// else its last year.
    pub async fn reporting_tracking(
        &self,
        actor: &Actor,
        policy: Option<&str>,
        year: Option<&str>,
    ) -> Result<TrackingView, AppError> {
        self.allow(actor, Action::Review, &actor.own_policies())?;
        let loaded = self.loaded().await?;
        let mut choices: Vec<(String, String)> = loaded
            .policies
            .values()
            .filter(|p| can(&actor.principal, Action::Review, &Resource::Policy { ministry: &p.meta().ministry.code }))
            .map(|p| (p.meta().code.clone(), p.meta().name.clone()))
            .collect();
        choices.sort();
        let policy = match policy.map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) => p.to_string(),
            None => choices.first().map(|c| c.0.clone()).ok_or(AppError::NotFound(Missing::Policy))?,
        };
        let p = loaded.policies.get(&policy).ok_or(AppError::NotFound(Missing::Policy))?.clone();
        self.allow(actor, Action::Review, &Resource::Policy { ministry: &p.meta().ministry.code })?;
        let code = p.meta().code.clone();
        let deadlines: Vec<_> = self.store.deadlines(Some(&code)).await?;
        let year = match year.map(str::trim).filter(|y| !y.is_empty()) {
            Some(y) => y
                .parse::<Year>()
                .ok()
                .filter(|y| p.meta().years.contains(*y))
                .ok_or_else(|| AppError::invalid(Field::Year, Problem::NotAYearOfThePolicy(y.to_string())))?,
            None => deadlines
                .iter()
                .filter_map(|d| u16::try_from(d.year).ok().and_then(|y| Year::new(y).ok()))
                .filter(|y| p.meta().years.contains(*y))
                .max()
                .unwrap_or(p.meta().years.last),
        };
        let y = i64::from(year.get());
        let calendar = deadlines.iter().find(|d| d.year == y);
        let deadline = calendar.map(|d| d.deadline.clone());
        let exceptions: Vec<_> =
            self.store.exceptions(Some(&code)).await?.into_iter().filter(|e| e.year == y).collect();
        let submissions: BTreeMap<String, _> = self
            .store
            .latest_submissions(Some(&code))
            .await?
            .into_iter()
            .filter(|s| s.year == y)
            .map(|s| (s.indicator.clone(), s))
            .collect();
        let today = lima_today(self.instant());
        let mut units: BTreeMap<String, UnitTracking> = BTreeMap::new();
        for ind in p.indicators() {
            let s = submissions.get(ind.code.as_str());
            let standing =
                Standing::of(s.map(|s| s.status), ind.actuals.get(&year).is_some_and(|c| c.number().is_some()));
            for unit in responsible_units(&ind.responsible) {
                let key = unit.to_uppercase();
                let entry = units.entry(key).or_insert_with(|| {
                    let exception = exceptions.iter().find(|e| e.unit.eq_ignore_ascii_case(unit));
                    let own = effective_deadline(deadline.as_deref(), exception.map(|e| e.until.as_str()));
                    UnitTracking {
                        unit: unit.to_string(),
                        days: own.as_deref().and_then(|d| days_until(today, d)),
                        exception: exception.is_some_and(|e| own.as_ref() == Some(&e.until)),
                        deadline: own,
                        indicators: Vec::new(),
                    }
                });
                entry.indicators.push(Tracked {
                    code: ind.code.to_string(),
                    name: ind.name.clone(),
                    standing,
                    submitted_at: s.map(|s| s.submitted_at.clone()),
                });
            }
        }
        Ok(TrackingView {
            policy: p,
            year,
            opens: calendar.and_then(|c| c.opens.clone()),
            review_until: calendar.and_then(|c| c.review_until.clone()),
            publication: calendar.and_then(|c| c.publication.clone()),
            deadline,
            today: avance_report::labels::lima_date(self.instant()),
            units: units.into_values().collect(),
            choices,
        })
    }

    /// The tracker as CSV: a row per unit and indicator (UTF-8 with BOM, headers in `lang`).
    pub async fn reporting_tracking_csv(
        &self,
        actor: &Actor,
        policy: Option<&str>,
        year: Option<&str>,
        lang: Lang,
    ) -> Result<(TrackingView, Vec<u8>), AppError> {
        let view = self.reporting_tracking(actor, policy, year).await?;
        let rows: Vec<avance_report::csv::TrackingRow<'_>> = view
            .units
            .iter()
            .flat_map(|u| {
                u.indicators.iter().map(move |i| avance_report::csv::TrackingRow {
                    unit: &u.unit,
                    deadline: u.deadline.as_deref(),
                    exception: u.exception,
                    days: u.days,
                    indicator: &i.code,
                    name: &i.name,
                    standing: i.standing.id(),
                    standing_label: i.standing.label(lang),
                    submitted_at: i.submitted_at.as_deref(),
                })
            })
            .collect();
        let bytes = avance_report::csv::tracking(&view.policy.meta().code, view.year, &rows, lang)
            .map_err(|detail| AppError::Store(avance_store::StoreError::Corrupt { policy: String::new(), detail }))?;
        Ok((view, bytes))
    }
}
