//! Reporting actuals (units), reviewing them (planning offices), changing targets, and where each
//! reported value stands.

use std::collections::BTreeMap;
use std::sync::Arc;

use avance_core::access::{Action, Event, Resource, Step, can, is_responsible, reporting_open};
use avance_core::model::{Indicator, Policy, Year};
use avance_core::value::Cell;
use avance_store::app::{NewAudit, NewSubmission, Review, Submission, TargetChange};

use crate::error::{AppError, Field, Missing, Problem};
use crate::{Actor, App, Loaded};

/// A unit's report of an actual, as typed.
#[derive(Debug, Clone, Default)]
pub struct ReportActual {
    pub policy: String,
    pub indicator: String,
    pub year: String,
    pub value: String,
    pub comment: String,
    pub evidence: String,
}

/// The most values one bulk call may report.
pub const MAX_BULK: usize = 1000;

/// A report of an actual, checked: what the store records and the audit log says.
#[derive(Debug)]
struct Checked {
    policy: String,
    indicator: String,
    year: i64,
    text: String,
    exact: Option<String>,
    comment: Option<String>,
    evidence: Option<String>,
    subject: String,
    detail: String,
}

impl Checked {
    fn submission<'a>(&'a self, actor: &'a Actor, unit: &'a str, at: &'a str) -> NewSubmission<'a> {
        NewSubmission {
            policy: &self.policy,
            indicator: &self.indicator,
            year: self.year,
            text: &self.text,
            exact: self.exact.as_deref(),
            comment: self.comment.as_deref(),
            evidence: self.evidence.as_deref(),
            by: &actor.name,
            unit,
            at,
        }
    }

    fn audit<'a>(&'a self, actor: &'a Actor, unit: &'a str, at: &'a str) -> NewAudit<'a> {
        NewAudit {
            policy: Some(&self.policy),
            unit: Some(unit),
            subject: Some(&self.subject),
            detail: Some(&self.detail),
            ..NewAudit::new(at, &actor.name, Event::Submit)
        }
    }
}

/// A target change, as typed.
#[derive(Debug, Clone, Default)]
pub struct TargetRequest {
    pub policy: String,
    pub indicator: String,
    pub year: String,
    pub value: String,
    pub justification: String,
}

/// The reporting window of a policy-year for a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// When the year opens for reporting, if set.
    pub opens: Option<String>,
    /// The opening is still to come.
    pub before_opening: bool,
    pub deadline: Option<String>,
    pub exception: Option<String>,
    pub open: bool,
    /// Days from today to the day of the unit's deadline (the later of the two), both in Lima;
    /// negative when past.
    pub days: Option<i64>,
}

impl Window {
    /// The unit's deadline: the later of the policy-year's and its exception's.
    pub fn unit_deadline(&self) -> Option<String> {
        crate::tracking::effective_deadline(self.deadline.as_deref(), self.exception.as_deref())
    }
}

/// One indicator a unit reports, and where its value stands.
#[derive(Debug, Clone)]
pub struct MineItem {
    pub indicator: usize,
    pub submission: Option<Submission>,
    /// Where the year's value stands (as "Seguimiento del reporte" counts it).
    pub standing: avance_core::access::Standing,
}

/// A policy-year with a window for the unit, and the indicators it reports there.
#[derive(Debug, Clone)]
pub struct MineGroup {
    pub policy: Arc<Policy>,
    pub year: Year,
    pub window: Window,
    pub items: Vec<MineItem>,
}

impl MineGroup {
    pub fn indicator(&self, item: &MineItem) -> &Indicator {
        &self.policy.indicators()[item.indicator]
    }
}

fn opt(s: &str) -> Option<&str> {
    let s = s.trim();
    (!s.is_empty()).then_some(s)
}

/// Whether an evidence link is acceptable: empty, or an http(s) address without spaces.
fn evidence_ok(link: &str) -> bool {
    let link = link.trim();
    link.is_empty()
        || ((link.starts_with("https://") || link.starts_with("http://"))
            && link.len() <= 500
            && !link.contains(char::is_whitespace))
}

/// The year of a policy, as typed.
fn year_of(policy: &Policy, year: &str) -> Result<Year, AppError> {
    year.trim()
        .parse::<Year>()
        .ok()
        .filter(|y| policy.meta().years.contains(*y))
        .ok_or_else(|| AppError::invalid(Field::Year, Problem::NotAYearOfThePolicy(year.to_string())))
}

/// A policy and one of its indicators.
fn find<'a>(loaded: &'a Loaded, policy: &str, indicator: &str) -> Result<(&'a Arc<Policy>, &'a Indicator), AppError> {
    let p = loaded.policies.get(policy).ok_or(AppError::NotFound(Missing::Policy))?;
    let i =
        p.indicators().iter().find(|i| i.code.as_str() == indicator).ok_or(AppError::NotFound(Missing::Indicator))?;
    Ok((p, i))
}

impl App {
    /// The common start of writing a value of an indicator (an actual or a target): the policy
    /// and indicator, the one authorization check of `action` on that indicator, the year of the
    /// policy and the value parsed for the indicator's unit, each refusal naming its field.
    #[allow(clippy::too_many_arguments)]
    fn value_for<'a>(
        &self,
        loaded: &'a Loaded,
        actor: &Actor,
        action: Action,
        policy: &str,
        indicator: &str,
        year: &str,
        value: &str,
    ) -> Result<(&'a Arc<Policy>, &'a Indicator, Year, Cell), AppError> {
        let (policy, ind) = find(loaded, policy, indicator)?;
        let ministry = &policy.meta().ministry.code;
        self.allow(actor, action, &Resource::Indicator { ministry, responsible: &ind.responsible })?;
        let year = year_of(policy, year)?;
        // Read like every importer reads it: the unit, and the sign the indicator admits.
        let cell = ind.parse_value(value).map_err(|e| AppError::invalid(Field::Value, Problem::Value(e, ind.unit)))?;
        Ok((policy, ind, year, cell))
    }

    /// The reporting windows of every policy-year for `unit`, now.
    async fn windows(&self, unit: &str) -> Result<BTreeMap<(String, i64), Window>, AppError> {
        let at = self.now();
        let today = crate::tracking::lima_today(self.instant());
        let deadlines = self.store.deadlines(None).await?;
        let exceptions = self.store.exceptions(None).await?;
        let mut out = BTreeMap::new();
        for d in deadlines {
            let exception = exceptions
                .iter()
                .find(|e| e.policy == d.policy && e.year == d.year && e.unit.eq_ignore_ascii_case(unit))
                .map(|e| e.until.clone());
            let open = reporting_open(
                &at.as_str(),
                d.opens.as_deref().as_ref(),
                Some(&d.deadline.as_str()),
                exception.as_deref().as_ref(),
            );
            let before_opening = d.opens.as_deref().is_some_and(|o| at.as_str() < o);
            let mut w =
                Window { opens: d.opens, before_opening, deadline: Some(d.deadline), exception, open, days: None };
            w.days = w.unit_deadline().and_then(|e| crate::tracking::days_until(today, &e));
            out.insert((d.policy, d.year), w);
        }
        for e in exceptions.iter().filter(|e| e.unit.eq_ignore_ascii_case(unit)) {
            out.entry((e.policy.clone(), e.year)).or_insert_with(|| Window {
                opens: None,
                before_opening: false,
                deadline: None,
                exception: Some(e.until.clone()),
                open: reporting_open(&at.as_str(), None, None, Some(&e.until.as_str())),
                days: crate::tracking::days_until(today, &e.until),
            });
        }
        Ok(out)
    }

    /// A unit's indicators in every policy-year that has a reporting window, with where each
    /// value stands ("Mis indicadores").
    pub async fn my_indicators(&self, actor: &Actor) -> Result<Vec<MineGroup>, AppError> {
        // A unit reports; the question is asked of the unit's own indicators.
        let unit = actor.unit().unwrap_or("").to_string();
        self.allow(actor, Action::ReportActual, &Resource::Indicator { ministry: "", responsible: &unit })?;
        let loaded = self.loaded().await?;
        let windows = self.windows(&unit).await?;
        let submissions = self.store.latest_submissions(None).await?;
        let mut groups = Vec::new();
        for ((code, year), window) in windows {
            let Some(policy) = loaded.policies.get(&code) else { continue };
            let Ok(y) = u16::try_from(year).map_err(|_| ()).and_then(|y| Year::new(y).map_err(|_| ())) else {
                continue;
            };
            let items: Vec<MineItem> = policy
                .indicators()
                .iter()
                .enumerate()
                .filter(|(_, i)| is_responsible(&i.responsible, &unit))
                .map(|(n, i)| {
                    let submission = submissions
                        .iter()
                        .find(|s| s.policy == code && s.indicator == i.code.as_str() && s.year == year)
                        .cloned();
                    let standing = avance_core::access::Standing::of(
                        submission.as_ref().map(|s| s.status),
                        i.actuals.get(&y).is_some_and(|c| c.number().is_some()),
                    );
                    MineItem { indicator: n, submission, standing }
                })
                .collect();
            if !items.is_empty() {
                groups.push(MineGroup { policy: policy.clone(), year: y, window, items });
            }
        }
        Ok(groups)
    }

    /// Checks a unit's report of an actual (the indicator, the unit's right to report it, the
    /// year, the value as every importer reads it, comment and evidence) and words what goes into
    /// the store; the reporting window is checked by the caller (once for many values).
    fn checked_actual(&self, loaded: &Loaded, actor: &Actor, req: &ReportActual) -> Result<Checked, AppError> {
        let (policy, ind, year, cell) =
            self.value_for(loaded, actor, Action::ReportActual, &req.policy, &req.indicator, &req.year, &req.value)?;
        if req.comment.chars().count() > 2000 {
            return Err(AppError::invalid(Field::Comment, Problem::CommentTooLong));
        }
        if !evidence_ok(&req.evidence) {
            return Err(AppError::invalid(Field::Evidence, Problem::EvidenceLink));
        }
        let y = i64::from(year.get());
        Ok(Checked {
            policy: policy.meta().code.clone(),
            indicator: ind.code.as_str().to_string(),
            year: y,
            text: cell.text().to_string(),
            exact: cell.number().map(|d| d.to_string()),
            comment: opt(&req.comment).map(str::to_string),
            evidence: opt(&req.evidence).map(str::to_string),
            subject: format!("{} {y}", ind.code),
            detail: format!("valor {}", cell.text()),
        })
    }

    /// Whether the unit may report for the policy-year now.
    async fn check_open(&self, unit: &str, policy: &str, year: i64) -> Result<(), AppError> {
        match self.windows(unit).await?.get(&(policy.to_string(), year)) {
            Some(w) if w.open => Ok(()),
            Some(Window { before_opening: true, opens: Some(o), .. }) => {
                Err(AppError::NotYetOpen(avance_report::labels::lima_day(o)))
            }
            _ => Err(AppError::Closed),
        }
    }

    /// A unit reports an actual: checked like every importer's value, within the unit's
    /// reporting window, recorded with its audit entry; it waits for review.
    pub async fn report_actual(&self, actor: &Actor, req: &ReportActual) -> Result<Submission, AppError> {
        let loaded = self.loaded().await?;
        let c = self.checked_actual(&loaded, actor, req)?;
        let unit = actor.unit().unwrap_or("").to_string();
        self.check_open(&unit, &c.policy, c.year).await?;
        let at = self.now();
        let id = self.store.submit(&c.submission(actor, &unit, &at), &c.audit(actor, &unit, &at)).await?;
        tracing::info!(user = %actor.name, policy = %c.policy, indicator = %c.indicator, year = c.year, id, "actual submitted");
        self.store.submission(id).await?.ok_or(AppError::NotFound(Missing::Submission))
    }

    /// A unit's system reports many actuals of one policy at once (the API's bulk call): all are
    /// checked first and recorded in one transaction, or none is and every refusal is returned with
    /// the position of its item ([`AppError::Items`]).
    pub async fn report_actuals(&self, actor: &Actor, reqs: &[ReportActual]) -> Result<Vec<Submission>, AppError> {
        if reqs.is_empty() || reqs.len() > MAX_BULK {
            return Err(AppError::invalid(Field::Items, Problem::ItemCount(MAX_BULK)));
        }
        let loaded = self.loaded().await?;
        let unit = actor.unit().unwrap_or("").to_string();
        let mut checked = Vec::with_capacity(reqs.len());
        let mut refused = Vec::new();
        for (n, req) in reqs.iter().enumerate() {
            match self.checked_actual(&loaded, actor, req) {
                Ok(c) => checked.push(c),
                Err(
                    e @ (AppError::Invalid { .. }
                    | AppError::NotFound(_)
                    | AppError::Forbidden
                    | AppError::Unauthenticated),
                ) => {
                    refused.push((n, e));
                }
                Err(e) => return Err(e),
            }
        }
        if refused.is_empty() {
            let mut seen = std::collections::BTreeSet::new();
            for (n, c) in checked.iter().enumerate() {
                if !seen.insert((&c.policy, &c.indicator, c.year)) {
                    refused.push((n, AppError::invalid(Field::Indicator, Problem::RepeatedItem)));
                } else if let Err(e) = self.check_open(&unit, &c.policy, c.year).await {
                    refused.push((n, e));
                }
            }
        }
        if !refused.is_empty() {
            return Err(AppError::Items(refused));
        }
        let at = self.now();
        let list: Vec<_> =
            checked.iter().map(|c| (c.submission(actor, &unit, &at), c.audit(actor, &unit, &at))).collect();
        let ids = match self.store.submit_many(&list).await {
            Ok(ids) => ids,
            Err((n, e)) => {
                return Err(match AppError::from(e) {
                    e @ AppError::Store(_) => e,
                    e => AppError::Items(vec![(n, e)]),
                });
            }
        };
        tracing::info!(user = %actor.name, count = ids.len(), "actuals submitted in one call");
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.store.submission(id).await?.ok_or(AppError::NotFound(Missing::Submission))?);
        }
        Ok(out)
    }

    /// Approves or returns a submission (the planning office of its policy's ministry, or the
    /// administrator). Approving makes it the indicator's actual, locked.
    pub async fn review(&self, actor: &Actor, id: i64, step: Step, reason: &str) -> Result<Submission, AppError> {
        let sub = self.store.submission(id).await?.ok_or(AppError::NotFound(Missing::Submission))?;
        let loaded = self.loaded().await?;
        let policy = loaded.policies.get(&sub.policy).ok_or(AppError::NotFound(Missing::Submission))?;
        self.allow(actor, Action::Review, &Resource::Policy { ministry: &policy.meta().ministry.code })?;
        let at = self.now();
        let event = if step == Step::Approve { Event::Approve } else { Event::Return };
        let subject = format!("{} {}", sub.indicator, sub.year);
        let detail = match step {
            Step::Approve => format!("valor {} de {}", sub.text, sub.submitted_by),
            _ => format!("valor {} de {}; motivo: {}", sub.text, sub.submitted_by, reason.trim()),
        };
        let unit = self.store.user_by_name(&sub.submitted_by).await?.and_then(|u| u.scope);
        // The revision an approval appends says who reported the value (and the unit's comment).
        let revision_reason = match &sub.comment {
            Some(c) if !c.is_empty() => format!("valor reportado por {} y aprobado: {c}", sub.submitted_by),
            _ => format!("valor reportado por {} y aprobado", sub.submitted_by),
        };
        let entry = NewAudit {
            policy: Some(&sub.policy),
            unit: unit.as_deref(),
            subject: Some(&subject),
            detail: Some(&detail),
            ..NewAudit::new(&at, &actor.name, event)
        };
        let reviewer = actor.user.as_ref().map_or(actor.name.as_str(), |u| u.display_name.as_str());
        let mails = self.review_mails(policy, &sub, step, reason, reviewer, unit.as_deref()).await?;
        let r = Review { id, step, reason: Some(reason), revision_reason: &revision_reason, by: &actor.name };
        let done = self.store.review(&r, &entry, &mails).await?;
        if !mails.is_empty() {
            self.mail_written();
        }
        tracing::info!(user = %actor.name, id, status = done.status.id(), "submission reviewed");
        Ok(done)
    }

    /// The submissions the actor may see, with the policies they belong to: a unit's own, the
    /// policies a planning office reviews, everything for the administrator.
    pub async fn submissions(&self, actor: &Actor) -> Result<(Arc<Loaded>, Vec<Submission>), AppError> {
        if actor.is_anonymous() {
            return Err(AppError::Unauthenticated);
        }
        let loaded = self.loaded().await?;
        let all = self.store.latest_submissions(None).await?;
        let list = all
            .into_iter()
            .filter(|s| {
                s.submitted_by == actor.name
                    || loaded.policies.get(&s.policy).is_some_and(|p| {
                        can(&actor.principal, Action::Review, &Resource::Policy { ministry: &p.meta().ministry.code })
                    })
            })
            .collect();
        Ok((loaded, list))
    }

    /// Every submission of one indicator-year, oldest first, with where each stands (reviewed,
    /// waiting, or superseded by a later one): for the unit that reports it and for those who
    /// review it.
    pub async fn submission_history(
        &self,
        actor: &Actor,
        policy: &str,
        indicator: &str,
        year: i64,
    ) -> Result<Vec<Submission>, AppError> {
        let loaded = self.loaded().await?;
        let (p, ind) = find(&loaded, policy, indicator)?;
        let ministry = &p.meta().ministry.code;
        let on = Resource::Indicator { ministry, responsible: &ind.responsible };
        // The unit that reports it, or whoever reviews it.
        if !can(&actor.principal, Action::ReportActual, &on) {
            self.allow(actor, Action::Review, &Resource::Policy { ministry })?;
        }
        Ok(self.store.submissions_of(policy, indicator, year).await?)
    }

    /// The review queue of a planning office (or the administrator): the latest submission of
    /// each indicator-year of the policies it reviews.
    pub async fn review_queue(&self, actor: &Actor) -> Result<(Arc<Loaded>, Vec<Submission>), AppError> {
        self.allow(actor, Action::Review, &actor.own_policies())?;
        let (loaded, list) = self.submissions(actor).await?;
        let list = list
            .into_iter()
            .filter(|s| {
                loaded.policies.get(&s.policy).is_some_and(|p| {
                    can(&actor.principal, Action::Review, &Resource::Policy { ministry: &p.meta().ministry.code })
                })
            })
            .collect();
        Ok((loaded, list))
    }

    /// Changes a target: a new revision with its justification (at least 10 characters).
    pub async fn change_target(&self, actor: &Actor, req: &TargetRequest) -> Result<i64, AppError> {
        let loaded = self.loaded().await?;
        let (policy, ind, y, cell) =
            self.value_for(&loaded, actor, Action::ChangeTarget, &req.policy, &req.indicator, &req.year, &req.value)?;
        let m = policy.meta();
        let justification = req.justification.trim();
        if justification.chars().count() < 10 {
            return Err(AppError::invalid(Field::Justification, Problem::JustificationTooShort));
        }
        let at = self.now();
        let exact = cell.number().map(|d| d.to_string());
        let subject = format!("{} {y}", ind.code);
        let old = ind.targets.get(&y).map_or_else(|| "—".to_string(), |c| c.text().to_string());
        let detail = format!("meta {old} → {}; {justification}", cell.text());
        let reason = format!("cambio de meta: {justification}");
        let change = TargetChange {
            policy: &m.code,
            indicator: ind.code.as_str(),
            year: i64::from(y.get()),
            text: cell.text(),
            exact: exact.as_deref(),
            reason: &reason,
            by: &actor.name,
            at: &at,
        };
        let entry = NewAudit {
            policy: Some(&m.code),
            subject: Some(&subject),
            detail: Some(&detail),
            ..NewAudit::new(&at, &actor.name, Event::ChangeTarget)
        };
        Ok(self.store.change_target(&change, &entry).await?)
    }
}
