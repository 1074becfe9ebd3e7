//! Reporting deadlines and exceptions, the administration's view, and the audit log.

use std::sync::Arc;

use avance_core::access::{Action, Event, Resource, can};
use avance_core::model::Year;
use avance_store::app::{AuditEntry, AuditFilter, Calendar, Deadline, Exception, NewAudit, User};

use crate::error::{AppError, CalendarDate, Field, Problem};
use crate::{Actor, App, Loaded};

/// The reporting calendar of a policy-year: the deadline (`AAAA-MM-DD`, units may report until
/// the end of that day in Lima) and, optional (empty: not set), the opening day (from its start),
/// the last day of review and the publication day.
#[derive(Debug, Clone, Default)]
pub struct DeadlineRequest {
    pub policy: String,
    pub year: String,
    pub date: String,
    pub opens: String,
    pub review_until: String,
    pub publication: String,
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
    /// The read replicas (`serve --read-db`), when there are any: the primary's change set and
    /// where each stands.
    pub replicas: Option<(i64, Vec<crate::replicas::ReplicaStatus>)>,
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
    s.is_empty() || date_of(s).is_some()
}

/// The calendar date `AAAA-MM-DD`, if `s` is one.
pub(crate) fn date_of(s: &str) -> Option<time::Date> {
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts.as_slice() else { return None };
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u8>(), d.parse::<u8>()) else { return None };
    let month = time::Month::try_from(m).ok()?;
    (s.len() == 10).then(|| time::Date::from_calendar_date(y, month, d).ok()).flatten()
}

/// The first and the last second of a Lima calendar day, as stored (UTC).
pub(crate) fn lima_day(day: time::Date) -> (String, String) {
    let start = time::PrimitiveDateTime::new(day, time::Time::MIDNIGHT).assume_offset(avance_report::labels::LIMA);
    let end = start + time::Duration::days(1) - time::Duration::seconds(1);
    (crate::clock::stamp(start), crate::clock::stamp(end))
}

impl App {
    /// The policy and year of a deadline or exception, and the end of its date's day in Lima
    /// (23:59:59 at UTC−5 is 04:59:59 UTC of the next day), as stored.
    async fn check_window(&self, policy: &str, year: &str, date: &str) -> Result<(i64, String), AppError> {
        let loaded = self.loaded().await?;
        let Some(p) = loaded.policies.get(policy) else {
            return Err(AppError::invalid(Field::Policy, Problem::NoSuchPolicy(policy.to_string())));
        };
        let Some(year) = year.parse::<Year>().ok().filter(|y| p.meta().years.contains(*y)) else {
            return Err(AppError::invalid(Field::Year, Problem::NotAYearOfThePolicy(year.to_string())));
        };
        let Some(day) = date_of(date) else {
            return Err(AppError::invalid(Field::Date, Problem::DateFormat));
        };
        Ok((i64::from(year.get()), lima_day(day).1))
    }

    /// Sets (or moves) the reporting calendar of a policy-year: its deadline, and its opening,
    /// end of review and publication when given (in that order, each on or after the one before).
    pub async fn set_deadline(&self, actor: &Actor, req: &DeadlineRequest) -> Result<(), AppError> {
        self.allow(actor, Action::ManageDeadlines, &Resource::Site)?;
        let (year, deadline) = self.check_window(&req.policy, &req.year, &req.date).await?;
        let day = |text: &str, which: CalendarDate| -> Result<Option<time::Date>, AppError> {
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            date_of(text)
                .map(Some)
                .ok_or_else(|| AppError::invalid(Field::Calendar(which), Problem::CalendarDateFormat(which)))
        };
        let opens = day(&req.opens, CalendarDate::Opens)?;
        let review = day(&req.review_until, CalendarDate::ReviewUntil)?;
        let publication = day(&req.publication, CalendarDate::Publication)?;
        let due = date_of(req.date.trim());
        // Each date given is on or after the one before it.
        let order = [
            (CalendarDate::Opens, opens),
            (CalendarDate::Deadline, due),
            (CalendarDate::ReviewUntil, review),
            (CalendarDate::Publication, publication),
        ];
        let given: Vec<_> = order.iter().filter_map(|(w, d)| d.map(|d| (*w, d))).collect();
        for pair in given.windows(2) {
            let ((a, da), (b, db)) = (pair[0], pair[1]);
            if da > db {
                return Err(AppError::invalid(Field::Calendar(a), Problem::CalendarOrder(a, b)));
            }
        }
        let opens = opens.map(|d| lima_day(d).0);
        let review = review.map(|d| lima_day(d).1);
        let publication = publication.map(|d| lima_day(d).0);
        let cal = Calendar {
            opens: opens.as_deref(),
            deadline: &deadline,
            review_until: review.as_deref(),
            publication: publication.as_deref(),
        };
        self.write_deadline(actor, &req.policy, year, &cal).await
    }

    async fn write_deadline(&self, actor: &Actor, policy: &str, year: i64, cal: &Calendar<'_>) -> Result<(), AppError> {
        let at = self.now();
        let subject = year.to_string();
        let mut detail = cal.deadline.to_string();
        for (name, d) in
            [("apertura", cal.opens), ("revisión hasta", cal.review_until), ("publicación", cal.publication)]
        {
            if let Some(d) = d {
                detail.push_str(&format!("; {name} {d}"));
            }
        }
        let entry = NewAudit {
            policy: Some(policy),
            subject: Some(&subject),
            detail: Some(&detail),
            ..NewAudit::new(&at, &actor.name, Event::SetDeadline)
        };
        Ok(self.store.set_deadline(policy, year, cal, &entry).await?)
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
        let cal = Calendar { opens: None, deadline: &wanted, review_until: None, publication: None };
        self.write_deadline(actor, policy, year, &cal).await.map(|()| true)
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
            replicas: if self.replicas.is_empty() { None } else { Some(self.replica_figures().await?) },
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
            // The days are Lima's: from its first second to its last.
            from: date_of(&q.from).map(|d| lima_day(d).0).unwrap_or_default(),
            to: date_of(&q.to).map(|d| lima_day(d).1).unwrap_or_default(),
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
