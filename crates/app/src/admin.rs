//! Reporting deadlines and exceptions, the administration's view, and the audit log.

use std::sync::Arc;

use avance_core::access::{Action, Event, Resource, can};
use avance_core::model::Year;
use avance_store::app::{AuditEntry, AuditFilter, Deadline, Exception, NewAudit, User};

use crate::error::{AppError, Field, Problem};
use crate::{Actor, App, Loaded};

/// A deadline for a policy-year: the day (`AAAA-MM-DD`) until whose end units may report.
#[derive(Debug, Clone, Default)]
pub struct DeadlineRequest {
    pub policy: String,
    pub year: String,
    pub date: String,
}

/// An exception for one unit: it may report until the end of `date`.
#[derive(Debug, Clone, Default)]
pub struct ExceptionRequest {
    pub policy: String,
    pub year: String,
    pub unit: String,
    pub date: String,
    pub reason: String,
}

/// What the administration page shows.
#[derive(Debug, Clone)]
pub struct AdminView {
    pub users: Vec<User>,
    pub deadlines: Vec<Deadline>,
    pub exceptions: Vec<Exception>,
    pub loaded: Arc<Loaded>,
}

/// Which audit entries to read; empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub policy: String,
    pub unit: String,
    pub actor: String,
    /// `AAAA-MM-DD`.
    pub from: String,
    pub to: String,
    /// The next page: entries older than this id.
    pub before: Option<i64>,
}

/// How many audit entries a page shows.
pub const AUDIT_PAGE: usize = 100;
/// The most entries one CSV download holds.
pub const AUDIT_CSV_MAX: usize = 100_000;

/// The audit log as the actor may read it.
#[derive(Debug)]
pub struct AuditView {
    pub entries: Vec<AuditEntry>,
    /// Where the next (older) page starts, when there is one.
    pub next: Option<i64>,
    /// The dates did not read as `AAAA-MM-DD` and were not applied.
    pub bad_dates: Option<AppError>,
}

/// Whether `s` is empty or a calendar date `AAAA-MM-DD`.
pub(crate) fn valid_date(s: &str) -> bool {
    if s.is_empty() {
        return true;
    }
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts.as_slice() else { return false };
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u8>(), d.parse::<u8>()) else { return false };
    s.len() == 10 && time::Month::try_from(m).is_ok_and(|m| time::Date::from_calendar_date(y, m, d).is_ok())
}

impl App {
    /// The policy and year of a deadline or exception, and the end of its date's day.
    async fn check_window(&self, policy: &str, year: &str, date: &str) -> Result<(i64, String), AppError> {
        let loaded = self.loaded().await?;
        let Some(p) = loaded.policies.get(policy) else {
            return Err(AppError::invalid(Field::Policy, Problem::NoSuchPolicy(policy.to_string())));
        };
        let Some(year) = year.parse::<Year>().ok().filter(|y| p.meta().years.contains(*y)) else {
            return Err(AppError::invalid(Field::Year, Problem::NotAYearOfThePolicy(year.to_string())));
        };
        if date.is_empty() || !valid_date(date) {
            return Err(AppError::invalid(Field::Date, Problem::DateFormat));
        }
        Ok((i64::from(year.get()), format!("{date}T23:59:59Z")))
    }

    /// Sets (or moves) the reporting deadline of a policy-year.
    pub async fn set_deadline(&self, actor: &Actor, req: &DeadlineRequest) -> Result<(), AppError> {
        self.allow(actor, Action::ManageDeadlines, &Resource::Site)?;
        let (year, deadline) = self.check_window(&req.policy, &req.year, &req.date).await?;
        self.write_deadline(actor, &req.policy, year, &deadline).await
    }

    async fn write_deadline(&self, actor: &Actor, policy: &str, year: i64, deadline: &str) -> Result<(), AppError> {
        let at = self.now();
        let subject = year.to_string();
        let entry = NewAudit {
            policy: Some(policy),
            subject: Some(&subject),
            detail: Some(deadline),
            ..NewAudit::new(&at, &actor.name, Event::SetDeadline)
        };
        Ok(self.store.set_deadline(policy, year, deadline, &entry).await?)
    }

    /// Opens a policy-year for reporting until `days` from now, if it has no deadline yet (the
    /// demo): a deadline someone set is never changed. Returns whether it wrote one.
    pub async fn open_if_unset(&self, actor: &Actor, policy: &str, year: i64, days: i64) -> Result<bool, AppError> {
        self.allow(actor, Action::ManageDeadlines, &Resource::Site)?;
        let current = self.store.deadlines(Some(policy)).await?;
        if current.iter().any(|d| d.year == year) {
            return Ok(false);
        }
        let wanted = crate::clock::stamp(self.clock.now() + time::Duration::days(days));
        self.write_deadline(actor, policy, year, &wanted).await.map(|()| true)
    }

    /// Grants (or changes) a unit's exception to a policy-year's deadline.
    pub async fn grant_exception(&self, actor: &Actor, req: &ExceptionRequest) -> Result<(), AppError> {
        self.allow(actor, Action::ManageDeadlines, &Resource::Site)?;
        let (year, until) = self.check_window(&req.policy, &req.year, &req.date).await?;
        if req.unit.trim().is_empty() || req.reason.trim().is_empty() {
            return Err(AppError::invalid(Field::Unit, Problem::UnitAndReasonRequired));
        }
        let at = self.now();
        let e = Exception {
            policy: req.policy.clone(),
            year,
            unit: req.unit.trim().to_string(),
            until: until.clone(),
            reason: req.reason.trim().to_string(),
            granted_by: actor.name.clone(),
        };
        let subject = year.to_string();
        let detail = format!("hasta {until}; {}", e.reason);
        let entry = NewAudit {
            policy: Some(&req.policy),
            unit: Some(&e.unit),
            subject: Some(&subject),
            detail: Some(&detail),
            ..NewAudit::new(&at, &actor.name, Event::GrantException)
        };
        Ok(self.store.grant_exception(&e, &entry).await?)
    }

    /// Users, deadlines and exceptions, for the administrator.
    pub async fn admin_view(&self, actor: &Actor) -> Result<AdminView, AppError> {
        self.allow(actor, Action::ManageUsers, &Resource::Site)?;
        Ok(AdminView {
            users: self.store.users().await?,
            deadlines: self.store.deadlines(None).await?,
            exceptions: self.store.exceptions(None).await?,
            loaded: self.loaded().await?,
        })
    }

    /// The audit log the actor may read: everything for the administrator, the entries of its
    /// ministry's policies for a planning office; newest first, a page of [`AUDIT_PAGE`] entries
    /// from `q.before`.
    pub async fn audit_log(&self, actor: &Actor, q: &AuditQuery) -> Result<AuditView, AppError> {
        self.audit_entries(actor, q, AUDIT_PAGE).await
    }

    /// The same entries as [`App::audit_log`], all of them (at most [`AUDIT_CSV_MAX`]), for a
    /// download.
    pub async fn audit_log_all(&self, actor: &Actor, q: &AuditQuery) -> Result<AuditView, AppError> {
        self.audit_entries(actor, q, AUDIT_CSV_MAX).await
    }

    async fn audit_entries(&self, actor: &Actor, q: &AuditQuery, size: usize) -> Result<AuditView, AppError> {
        self.allow(actor, Action::ViewAuditLog, &actor.own_policies())?;
        let loaded = self.loaded().await?;
        // What the actor may read of the log: the entries of each policy it may audit, and those
        // of the whole site (logins, users) when it may audit the site.
        let site = can(&actor.principal, Action::ViewAuditLog, &Resource::Site);
        let allowed: Vec<String> = loaded
            .policies
            .values()
            .filter(|p| {
                can(&actor.principal, Action::ViewAuditLog, &Resource::Policy { ministry: &p.meta().ministry.code })
            })
            .map(|p| p.meta().code.clone())
            .collect();
        let bad_dates =
            (!valid_date(&q.from) || !valid_date(&q.to)).then(|| AppError::invalid(Field::Date, Problem::FilterDates));
        let filter = AuditFilter {
            policy: q.policy.clone(),
            unit: q.unit.clone(),
            actor: q.actor.clone(),
            from: if bad_dates.is_none() { q.from.clone() } else { String::new() },
            to: if bad_dates.is_none() { q.to.clone() } else { String::new() },
            policies: (!site).then_some(allowed),
            before: q.before,
            limit: i64::try_from(size + 1).unwrap_or(i64::MAX),
        };
        let mut entries = self.store.audit_log(&filter).await?;
        let next = if entries.len() > size {
            entries.truncate(size);
            entries.last().map(|e| e.id)
        } else {
            None
        };
        Ok(AuditView { entries, next, bad_dates })
    }

    /// The audit log's entries the actor may read, as a CSV download in `lang` (all of them, at
    /// most [`AUDIT_CSV_MAX`]).
    pub async fn audit_csv(
        &self,
        actor: &Actor,
        q: &AuditQuery,
        lang: avance_core::lang::Lang,
    ) -> Result<Vec<u8>, AppError> {
        let view = self.audit_log_all(actor, q).await?;
        let rows: Vec<avance_report::csv::AuditRow<'_>> = view
            .entries
            .iter()
            .map(|e| avance_report::csv::AuditRow {
                at: &e.at,
                actor: &e.actor,
                action: e.action,
                policy: e.policy.as_deref(),
                unit: e.unit.as_deref(),
                subject: e.subject.as_deref(),
                detail: e.detail.as_deref(),
            })
            .collect();
        avance_report::csv::audit(&rows, lang)
            .map_err(|detail| AppError::Store(avance_store::StoreError::Corrupt { policy: String::new(), detail }))
    }
}
