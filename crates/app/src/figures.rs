//! The figures anyone may read: the national overview, a policy-year, an indicator's series and
//! history. Computed once per version of the database (the cache), never per request.

use std::sync::Arc;

use avance_core::Decimal;
use avance_core::access::{Action, Resource, Status, can};
use avance_core::avance::Evaluation;
use avance_core::band::Band;
use avance_core::compute::{IndicatorFigures, PolicyResult, Summary};
use avance_core::model::{Indicator, Policy, Year};
use avance_store::Revision;
use avance_store::app::Submission;

use crate::error::{AppError, Missing};
use crate::{Actor, App, Loaded};

/// The overview's filters; empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct OverviewFilter {
    pub year: Option<Year>,
    pub sector: String,
    pub ministry: String,
    pub policy_type: String,
}

/// The policies that pass the filters in the year shown, with their figures.
#[derive(Debug, Clone)]
pub struct OverviewView {
    pub loaded: Arc<Loaded>,
    /// The year shown: the one asked for, else the latest any policy covers up to this one.
    pub year: Option<Year>,
    /// Each policy with what its year sums up to (índice, counts, alerts).
    pub items: Vec<(Arc<Policy>, Summary)>,
}

/// A policy-year's figures, and what the actor may do there.
#[derive(Debug, Clone)]
pub struct PolicyView {
    pub loaded: Arc<Loaded>,
    pub policy: Arc<Policy>,
    pub year: Year,
    pub result: Arc<PolicyResult>,
    /// Values awaiting review, for those who review this policy.
    pub pending_reviews: Option<usize>,
}

impl OverviewView {
    /// The outlook to the horizon of each item's indicators (counts per category), in the order
    /// of `items`, by each policy's profile.
    pub fn outlooks(&self) -> Vec<avance_core::progress::OutlookCounts> {
        // The policy's counts alone (no assessment kept per indicator), the policies on every core.
        let Some(year) = self.year else { return Vec::new() };
        avance_core::compute::on_every_core(&self.items, |(p, _)| {
            avance_core::progress::count_policy(p, year, p.profile())
        })
    }
}

impl PolicyView {
    /// The policy's índice de gestión in each year of its horizon, from the cached figures (ND
    /// where a year has no objective with an avance).
    pub fn index_series(&self) -> Vec<SeriesPoint> {
        let code = &self.policy.meta().code;
        self.policy
            .meta()
            .years
            .iter()
            .map(|y| {
                let r = self.loaded.result(code, y);
                SeriesPoint {
                    year: y,
                    avance: r.as_ref().and_then(|r| r.index),
                    band: r.as_ref().map_or(Band::Nd, |r| r.index_band),
                }
            })
            .collect()
    }
}

/// One year of an indicator's series.
#[derive(Debug, Clone)]
pub struct SeriesPoint {
    pub year: Year,
    pub avance: Option<Decimal>,
    pub band: Band,
}

/// An indicator in a year: its figures, every year's avance, its history and its reporting.
#[derive(Debug, Clone)]
pub struct IndicatorView {
    pub policy: PolicyView,
    index: usize,
    /// The indicator's figures in the year.
    pub result: IndicatorFigures,
    /// Its whole evaluation in the year: the target and actual used, the years summed, its
    /// data-quality problems.
    pub evaluation: Evaluation,
    pub series: Vec<SeriesPoint>,
    pub history: Vec<Revision>,
    /// Where the year's reported value stands.
    pub submission: Option<Submission>,
    /// Whether the actor may change this indicator's targets.
    pub can_change_target: bool,
    /// The outlook to the horizon in the year (an estimate beside the figures).
    pub outlook: Result<avance_core::progress::Assessment, avance_core::progress::NoOutlook>,
}

impl IndicatorView {
    pub fn indicator(&self) -> &Indicator {
        &self.policy.policy.indicators()[self.index]
    }
}

/// The calendar year of an instant in the stored shape.
fn calendar_year(now: time::OffsetDateTime) -> Option<Year> {
    u16::try_from(now.year()).ok().and_then(|y| Year::new(y).ok())
}

impl App {
    /// The year a policy is shown for by default: the current one if it is a year of the policy,
    /// else its last year.
    pub fn default_year(&self, policy: &Policy) -> Year {
        let years = policy.meta().years;
        calendar_year(self.clock.now()).filter(|y| years.contains(*y)).unwrap_or(years.last)
    }

    /// The national overview (every policy, or those of the filters), for anyone.
    pub async fn overview(&self, actor: &Actor, f: &OverviewFilter) -> Result<OverviewView, AppError> {
        self.allow(actor, Action::View, &Resource::Site)?;
        let loaded = self.loaded().await?;
        let year = f.year.or_else(|| {
            let now = calendar_year(self.clock.now())?;
            loaded.policies.values().map(|p| p.meta().years.last.min(now).max(p.meta().years.first)).max()
        });
        let items = match year {
            Some(y) => {
                let codes: Vec<&str> = loaded
                    .policies
                    .values()
                    .filter(|p| {
                        let m = p.meta();
                        m.years.contains(y)
                            && (f.sector.is_empty() || m.sector.code == f.sector)
                            && (f.ministry.is_empty() || m.ministry.code == f.ministry)
                            && (f.policy_type.is_empty() || m.policy_type.id() == f.policy_type)
                    })
                    .map(|p| p.meta().code.as_str())
                    .collect();
                loaded.summaries(&codes, y)
            }
            None => Vec::new(),
        };
        Ok(OverviewView { loaded, year, items })
    }

    /// A policy's figures for a year (by default, see [`App::default_year`]).
    pub async fn policy(&self, actor: &Actor, code: &str, year: Option<Year>) -> Result<PolicyView, AppError> {
        let loaded = self.loaded().await?;
        let policy = loaded.policies.get(code).cloned().ok_or(AppError::NotFound(Missing::Policy))?;
        let ministry = policy.meta().ministry.code.clone();
        self.allow(actor, Action::View, &Resource::Policy { ministry: &ministry })?;
        let year = year.unwrap_or_else(|| self.default_year(&policy));
        if !policy.meta().years.contains(year) {
            return Err(AppError::NotFound(Missing::Year));
        }
        let result = loaded.result(code, year).ok_or(AppError::NotFound(Missing::Policy))?;
        let pending_reviews = if can(&actor.principal, Action::Review, &Resource::Policy { ministry: &ministry }) {
            let list = self.store.latest_submissions(Some(code)).await?;
            Some(list.iter().filter(|s| s.status == Status::Submitted).count())
        } else {
            None
        };
        Ok(PolicyView { loaded, policy, year, result, pending_reviews })
    }

    /// An indicator in a year: its figures, the avance of every year of the policy (from the
    /// cached results), its history and where the year's reported value stands.
    pub async fn indicator(
        &self,
        actor: &Actor,
        code: &str,
        indicator: &str,
        year: Option<Year>,
    ) -> Result<IndicatorView, AppError> {
        let policy = self.policy(actor, code, year).await?;
        let index = policy
            .policy
            .indicators()
            .iter()
            .position(|i| i.code.as_str() == indicator)
            .ok_or(AppError::NotFound(Missing::Indicator))?;
        let ind = &policy.policy.indicators()[index];
        let result = *policy.result.indicator(indicator).ok_or(AppError::NotFound(Missing::Indicator))?;
        let evaluation =
            policy.result.evaluation(&policy.policy, &ind.code).ok_or(AppError::NotFound(Missing::Indicator))?;
        let series = policy
            .policy
            .meta()
            .years
            .iter()
            .map(|y| {
                let r = policy.loaded.result(code, y);
                let ir = r.as_ref().and_then(|r| r.indicator(indicator));
                SeriesPoint { year: y, avance: ir.and_then(|i| i.avance()), band: ir.map_or(Band::Nd, |i| i.band) }
            })
            .collect();
        let history = self.store.history(indicator, Some(code)).await?;
        let submission = self
            .store
            .latest_submissions(Some(code))
            .await?
            .into_iter()
            .find(|s| s.indicator == indicator && s.year == i64::from(policy.year.get()));
        let m = policy.policy.meta();
        let can_change_target = can(
            &actor.principal,
            Action::ChangeTarget,
            &Resource::Indicator { ministry: &m.ministry.code, responsible: &ind.responsible },
        );
        let outlook = avance_core::progress::assess(ind, policy.year, &policy.result.profile);
        Ok(IndicatorView { policy, index, result, evaluation, series, history, submission, can_change_target, outlook })
    }
}
