//! The web application's data: users and their roles, sessions, API tokens, reporting deadlines
//! and exceptions, submissions of actuals and their review, and the audit log.
//!
//! Every operation that changes something writes its audit entry in the same transaction. Rules
//! (who may, which step follows which) live in `avance_core::access`; this module only keeps the
//! state and applies `transition` inside the transaction that writes it.

use avance_core::access::{Event, Role, Status, Step, WorkflowError, supersedes, transition};
use sqlx::Row;

use crate::{Conflict, PgStore, SqliteStore, Store, StoreError, rows};

/// A user of the web application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// Ministry code (planning office) or unit name (responsible unit).
    pub scope: Option<String>,
    /// The argon2id PHC string.
    pub password_hash: String,
    pub active: bool,
    pub created_at: String,
    /// Where its e-mail goes (checked by the application); `None`: it receives none.
    pub email: Option<String>,
    /// The language of its e-mails.
    pub lang: avance_core::lang::Lang,
    /// Whether it receives the daily digest of new submissions (a planning office).
    pub digest: bool,
}

#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub scope: Option<&'a str>,
    pub password_hash: &'a str,
    pub email: Option<&'a str>,
}

/// What goes into the audit log with a change.
#[derive(Debug, Clone)]
pub struct NewAudit<'a> {
    pub at: &'a str,
    pub actor: &'a str,
    pub action: Event,
    pub policy: Option<&'a str>,
    pub unit: Option<&'a str>,
    pub subject: Option<&'a str>,
    pub detail: Option<&'a str>,
}

impl<'a> NewAudit<'a> {
    /// An entry with only its instant, actor and action; the other fields are set with `..`.
    pub fn new(at: &'a str, actor: &'a str, action: Event) -> NewAudit<'a> {
        NewAudit { at, actor, action, policy: None, unit: None, subject: None, detail: None }
    }
}

/// A new API token: only the hash of its secret is kept.
#[derive(Debug, Clone)]
pub struct NewToken<'a> {
    pub token_hash: &'a str,
    pub user_id: i64,
    pub label: &'a str,
    pub expires_at: &'a str,
}

/// An API token as stored (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    /// SHA-256 of the secret: names the token (to revoke it) without revealing it.
    pub token_hash: String,
    pub label: String,
    pub created_at: String,
    /// `None` for a token made before tokens expired (none is made so now).
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: Event,
    pub policy: Option<String>,
    pub unit: Option<String>,
    pub subject: Option<String>,
    pub detail: Option<String>,
}

/// Which audit entries to read; empty fields do not filter. `from` and `to` are dates or instants
/// (`to` includes its whole day).
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub policy: String,
    pub unit: String,
    pub actor: String,
    pub from: String,
    pub to: String,
    /// Only the entries of these policies (and none of the site's), when given.
    pub policies: Option<Vec<String>>,
    /// Only entries older than this id (the next page), when given.
    pub before: Option<i64>,
    pub limit: i64,
}

/// A policy-year's reporting calendar (instants as stored, RFC 3339 UTC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub policy: String,
    pub year: i64,
    pub deadline: String,
    pub set_by: String,
    /// When reporting opens (before it, units may not report).
    pub opens: Option<String>,
    /// Until when the planning office reviews the values submitted.
    pub review_until: Option<String>,
    /// When the figures are to be published.
    pub publication: Option<String>,
}

/// The dates to write of a policy-year's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calendar<'a> {
    pub opens: Option<&'a str>,
    pub deadline: &'a str,
    pub review_until: Option<&'a str>,
    pub publication: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    pub policy: String,
    pub year: i64,
    pub unit: String,
    pub until: String,
    pub reason: String,
    pub granted_by: String,
}

/// A submitted actual and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub id: i64,
    pub policy: String,
    pub indicator: String,
    pub year: i64,
    pub text: String,
    pub comment: Option<String>,
    pub evidence: Option<String>,
    pub status: Status,
    pub submitted_by: String,
    pub submitted_at: String,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<String>,
    pub review_reason: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewSubmission<'a> {
    pub policy: &'a str,
    pub indicator: &'a str,
    pub year: i64,
    /// The value as entered, and its exact decimal (`None` for ND).
    pub text: &'a str,
    pub exact: Option<&'a str>,
    pub comment: Option<&'a str>,
    pub evidence: Option<&'a str>,
    /// The submitting user's name and unit.
    pub by: &'a str,
    pub unit: &'a str,
    pub at: &'a str,
}

/// A review of a submission: approve or return it (a return needs a reason); an approval's
/// revision records `revision_reason` (the caller words it), by the reviewer `by`.
#[derive(Debug, Clone, Copy)]
pub struct Review<'a> {
    pub id: i64,
    pub step: Step,
    pub reason: Option<&'a str>,
    pub revision_reason: &'a str,
    pub by: &'a str,
}

/// A target change: a new revision of one target, with the reason its revision records (the
/// caller words it from the justification).
#[derive(Debug, Clone)]
pub struct TargetChange<'a> {
    pub policy: &'a str,
    pub indicator: &'a str,
    pub year: i64,
    pub text: &'a str,
    pub exact: Option<&'a str>,
    pub reason: &'a str,
    pub by: &'a str,
    pub at: &'a str,
}

/// The current instant as the application stores it: RFC 3339 UTC, whole seconds.
pub fn now() -> String {
    instant(time::OffsetDateTime::now_utc())
}

/// An instant in the stored shape.
pub fn instant(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

pub(crate) fn user_from<R: Row>(r: &R) -> Result<User, StoreError>
where
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> i32: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<String>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    let role: String = r.try_get(3)?;
    Ok(User {
        id: rows::int(r, 0)?,
        username: r.try_get(1)?,
        display_name: r.try_get(2)?,
        role: role.parse().map_err(|detail| StoreError::Corrupt { policy: String::new(), detail })?,
        scope: r.try_get(4)?,
        password_hash: r.try_get(5)?,
        active: rows::int(r, 6)? != 0,
        created_at: r.try_get(7)?,
        email: r.try_get(8)?,
        lang: r.try_get::<String, _>(9)?.parse().unwrap_or_default(),
        digest: rows::int(r, 10)? != 0,
    })
}

pub(crate) fn submission_from<R: Row>(r: &R) -> Result<Submission, StoreError>
where
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> i32: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<String>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    let status: String = r.try_get(7)?;
    Ok(Submission {
        id: rows::int(r, 0)?,
        policy: r.try_get(1)?,
        indicator: r.try_get(2)?,
        year: rows::int(r, 3)?,
        text: r.try_get(4)?,
        comment: r.try_get(5)?,
        evidence: r.try_get(6)?,
        status: status.parse().map_err(|detail| StoreError::Corrupt { policy: String::new(), detail })?,
        submitted_by: r.try_get(8)?,
        submitted_at: r.try_get(9)?,
        reviewed_by: r.try_get(10)?,
        reviewed_at: r.try_get(11)?,
        review_reason: r.try_get(12)?,
    })
}

pub(crate) const USER_COLUMNS: &str =
    "id, username, display_name, role, scope, password_hash, active, created_at, email, lang, digest";
pub(crate) const SUBMISSION_COLUMNS: &str = "s.id, p.code, s.indicator, s.year, s.text, s.comment, s.evidence, s.status, \
     s.submitted_by, s.submitted_at, s.reviewed_by, s.reviewed_at, s.review_reason";

/// Appends a change set with one value revision and makes it the current value; returns the
/// change's id.
macro_rules! append_value {
    ($tx:expr, $num:literal, $policy_id:expr, $author:expr, $reason:expr, $indicator:expr, $year:expr, $role:expr, $text:expr, $exact:expr) => {{
        let change: i64 =
            sqlx::query("INSERT INTO changes (policy_id, author, reason) VALUES ($1, $2, $3) RETURNING id")
                .bind($policy_id)
                .bind($author)
                .bind($reason)
                .fetch_one(&mut *$tx)
                .await?
                .try_get(0)?;
        sqlx::query(concat!(
            "INSERT INTO value_revisions (change_id, policy_id, indicator, year, role, text, exact, deleted) \
             VALUES ($1, $2, $3, $4, $5, $6, $7",
            $num,
            ", 0)"
        ))
        .bind(change)
        .bind($policy_id)
        .bind($indicator)
        .bind($year)
        .bind($role)
        .bind($text)
        .bind($exact)
        .execute(&mut *$tx)
        .await?;
        // … and the indicator's row of current values (migrations 0012, 0013), with this one set.
        let before: Option<String> =
            sqlx::query_scalar("SELECT series FROM current_series WHERE policy_id = $1 AND indicator = $2")
                .bind($policy_id)
                .bind($indicator)
                .fetch_optional(&mut *$tx)
                .await?;
        let series =
            crate::rows::series_with(before.as_deref().unwrap_or(""), i64::from($year), $role, $text).map_err(
                |detail| StoreError::Corrupt { policy: String::new(), detail: format!("{}: {detail}", $indicator) },
            )?;
        let indicator: &str = $indicator;
        crate::write_series!(&mut *$tx, $policy_id, [(indicator, Some(series))]);
        change
    }};
}

/// The id of a policy, its row locked until the transaction ends where the database locks rows
/// (`$lock` is ` FOR UPDATE` on PostgreSQL; a SQLite write transaction holds the whole database),
/// so that the writes of one policy happen one after another.
macro_rules! policy_id {
    ($tx:expr, $code:expr, $lock:literal) => {{
        let row = sqlx::query(concat!("SELECT id FROM policies WHERE code = $1", $lock))
            .bind($code)
            .fetch_optional(&mut *$tx)
            .await?;
        match row {
            Some(r) => rows::int(&r, 0)?,
            None => return Err(StoreError::UnknownPolicy($code.to_string())),
        }
    }};
}

/// Records one submission inside the transaction `$tx` (see `submit`); evaluates to its id (the
/// waiting one's when it is identical, with nothing written).
macro_rules! submit_in {
    ($tx:ident, $s:expr, $audit:expr, $num:literal, $lock:literal) => {{
        let s = $s;
        let audit = $audit;
        'one: {
            let policy_id = policy_id!($tx, s.policy, $lock);
            let latest = sqlx::query("SELECT id, status, text, comment, evidence, submitted_by FROM submissions WHERE policy_id = $1 AND indicator = $2 AND year = $3 ORDER BY id DESC LIMIT 1")
                .bind(policy_id)
                .bind(s.indicator)
                .bind(s.year as i32)
                .fetch_optional(&mut *$tx)
                .await?;
            let current = match &latest {
                Some(r) => Some(r.try_get::<String, _>(1)?.parse::<Status>().map_err(|detail| StoreError::Corrupt { policy: s.policy.to_string(), detail })?),
                None => None,
            };
            transition(current, Step::Submit).map_err(StoreError::Workflow)?;
            if let Some(r) = &latest
                && supersedes(current)
            {
                let previous = rows::int(r, 0)?;
                let same = r.try_get::<String, _>(2)? == s.text
                    && r.try_get::<Option<String>, _>(3)?.as_deref() == s.comment
                    && r.try_get::<Option<String>, _>(4)?.as_deref() == s.evidence
                    && r.try_get::<String, _>(5)? == s.by;
                if same {
                    break 'one previous;
                }
                sqlx::query("UPDATE submissions SET status = 'superseded' WHERE id = $1").bind(previous).execute(&mut *$tx).await?;
            }
            let q = concat!(
                "INSERT INTO submissions (policy_id, indicator, year, text, exact, comment, evidence, status, submitted_by, submitted_at) \
                 VALUES ($1, $2, $3, $4, $5",
                $num,
                ", $6, $7, 'submitted', $8, $9) RETURNING id"
            );
            let id: i64 = sqlx::query(q)
                .bind(policy_id)
                .bind(s.indicator)
                .bind(s.year as i32)
                .bind(s.text)
                .bind(s.exact)
                .bind(s.comment)
                .bind(s.evidence)
                .bind(s.by)
                .bind(s.at)
                .fetch_one(&mut *$tx)
                .await?
                .try_get(0)?;
            insert_audit!($tx, audit);
            id
        }
    }};
}

macro_rules! app_operations {
    ($store:ty, $num:literal, $lock:literal) => {
        impl $store {
            /// Creates a user; a taken user name is a [`StoreError::Conflict`].
            pub async fn create_user(&self, u: &NewUser<'_>, audit: &NewAudit<'_>) -> Result<i64, StoreError> {
                let mut tx = self.write().await?;
                let taken = sqlx::query("SELECT 1 FROM users WHERE username = $1")
                    .bind(u.username)
                    .fetch_optional(&mut *tx)
                    .await?;
                if taken.is_some() {
                    return Err(StoreError::Conflict(Conflict::UsernameTaken(u.username.to_string())));
                }
                let id: i64 = sqlx::query(
                    "INSERT INTO users (username, display_name, role, scope, password_hash, active, created_at, email) \
                     VALUES ($1, $2, $3, $4, $5, 1, $6, $7) RETURNING id",
                )
                .bind(u.username)
                .bind(u.display_name)
                .bind(u.role.id())
                .bind(u.scope)
                .bind(u.password_hash)
                .bind(audit.at)
                .bind(u.email)
                .fetch_one(&mut *tx)
                .await?
                .try_get(0)?;
                insert_audit!(tx, audit);
                tx.commit().await?;
                Ok(id)
            }

            pub async fn user_by_name(&self, username: &str) -> Result<Option<User>, StoreError> {
                let q = format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1");
                let row = sqlx::query(sqlx::AssertSqlSafe(q)).bind(username).fetch_optional(&self.pool).await?;
                row.as_ref().map(user_from).transpose()
            }

            pub async fn users(&self) -> Result<Vec<User>, StoreError> {
                let q = format!("SELECT {USER_COLUMNS} FROM users ORDER BY username");
                let rows = sqlx::query(sqlx::AssertSqlSafe(q)).fetch_all(&self.pool).await?;
                rows.iter().map(user_from).collect()
            }

            /// Activates or deactivates a user; deactivating ends the user's sessions and tokens.
            pub async fn set_user_active(&self, username: &str, active: bool, audit: &NewAudit<'_>) -> Result<(), StoreError> {
                let mut tx = self.write().await?;
                let done = sqlx::query("UPDATE users SET active = $1 WHERE username = $2")
                    .bind(i64::from(active))
                    .bind(username)
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::Conflict(Conflict::NoSuchUser(username.to_string())));
                }
                if !active {
                    sqlx::query("DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = $1)")
                        .bind(username)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE revoked_at IS NULL AND user_id = (SELECT id FROM users WHERE username = $2)")
                        .bind(audit.at)
                        .bind(username)
                        .execute(&mut *tx)
                        .await?;
                }
                insert_audit!(tx, audit);
                tx.commit().await?;
                Ok(())
            }

            pub async fn set_password(&self, username: &str, password_hash: &str, audit: &NewAudit<'_>) -> Result<(), StoreError> {
                let mut tx = self.write().await?;
                let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE username = $2")
                    .bind(password_hash)
                    .bind(username)
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::Conflict(Conflict::NoSuchUser(username.to_string())));
                }
                sqlx::query("DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = $1)")
                    .bind(username)
                    .execute(&mut *tx)
                    .await?;
                insert_audit!(tx, audit);
                tx.commit().await?;
                Ok(())
            }

            /// Starts a session (only the hash of its secret is kept) and logs the login.
            pub async fn create_session(&self, token_hash: &str, user_id: i64, expires_at: &str, audit: &NewAudit<'_>) -> Result<(), StoreError> {
                let mut tx = self.write().await?;
                sqlx::query("DELETE FROM sessions WHERE expires_at < $1").bind(audit.at).execute(&mut *tx).await?;
                sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                    .bind(token_hash)
                    .bind(user_id)
                    .bind(audit.at)
                    .bind(expires_at)
                    .execute(&mut *tx)
                    .await?;
                insert_audit!(tx, audit);
                tx.commit().await?;
                Ok(())
            }

            /// The active user of an unexpired session.
            pub async fn session_user(&self, token_hash: &str, now: &str) -> Result<Option<User>, StoreError> {
                let q = format!(
                    "SELECT {} FROM sessions s JOIN users u ON u.id = s.user_id \
                     WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active = 1",
                    USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ")
                );
                let row = sqlx::query(sqlx::AssertSqlSafe(q)).bind(token_hash).bind(now).fetch_optional(&self.pool).await?;
                row.as_ref().map(user_from).transpose()
            }

            pub async fn end_session(&self, token_hash: &str, audit: &NewAudit<'_>) -> Result<(), StoreError> {
                let mut tx = self.write().await?;
                sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&mut *tx).await?;
                insert_audit!(tx, audit);
                tx.commit().await?;
                Ok(())
            }

            pub async fn create_token(&self, t: &NewToken<'_>, audit: &NewAudit<'_>) -> Result<(), StoreError> {
                let mut tx = self.write().await?;
                sqlx::query("INSERT INTO api_tokens (token_hash, user_id, label, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(t.token_hash)
                    .bind(t.user_id)
                    .bind(t.label)
                    .bind(audit.at)
                    .bind(t.expires_at)
                    .execute(&mut *tx)
                    .await?;
                insert_audit!(tx, audit);
                tx.commit().await?;
                Ok(())
            }

            /// The active user of a token that was neither revoked nor expired at `now`.
            pub async fn token_user(&self, token_hash: &str, now: &str) -> Result<Option<User>, StoreError> {
                let q = format!(
                    "SELECT {} FROM api_tokens t JOIN users u ON u.id = t.user_id \
                     WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2) AND u.active = 1",
                    USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ")
                );
                let row = sqlx::query(sqlx::AssertSqlSafe(q)).bind(token_hash).bind(now).fetch_optional(&self.pool).await?;
                row.as_ref().map(user_from).transpose()
            }

            /// Records that a token was used at `now`, unless its last use is at or after `since`
            /// (a token used all day is written once in a while, not on every request).
            pub async fn touch_token(&self, token_hash: &str, now: &str, since: &str) -> Result<(), StoreError> {
                let mut tx = self.write().await?;
                sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2 AND (last_used_at IS NULL OR last_used_at < $3)")
                    .bind(now)
                    .bind(token_hash)
                    .bind(since)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            /// A user's tokens, oldest first.
            pub async fn tokens(&self, user_id: i64) -> Result<Vec<TokenRow>, StoreError> {
                let rows = sqlx::query("SELECT token_hash, label, created_at, expires_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY created_at, label")
                    .bind(user_id)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|r| {
                        Ok(TokenRow {
                            token_hash: r.try_get(0)?,
                            label: r.try_get(1)?,
                            created_at: r.try_get(2)?,
                            expires_at: r.try_get(3)?,
                            last_used_at: r.try_get(4)?,
                            revoked_at: r.try_get(5)?,
                        })
                    })
                    .collect()
            }

            /// Revokes one of a user's tokens (from `audit.at` on); a token that is not the user's,
            /// or already revoked, is [`Conflict::NoSuchToken`].
            pub async fn revoke_token(&self, user_id: i64, token_hash: &str, audit: &NewAudit<'_>) -> Result<(), StoreError> {
                let mut tx = self.write().await?;
                let done = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE token_hash = $2 AND user_id = $3 AND revoked_at IS NULL")
                    .bind(audit.at)
                    .bind(token_hash)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::Conflict(Conflict::NoSuchToken));
                }
                insert_audit!(tx, audit);
                tx.commit().await?;
                Ok(())
            }

            /// Sets (or moves) the reporting deadline of a policy-year.
            pub async fn set_deadline(&self, policy: &str, year: i64, cal: &Calendar<'_>, audit: &NewAudit<'_>) -> Result<(), StoreError> {
                let mut tx = self.write().await?;
                let id = policy_id!(tx, policy, $lock);
                sqlx::query(
                    "INSERT INTO reporting_years (policy_id, year, deadline, set_by, opens, review_until, publication) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     ON CONFLICT (policy_id, year) DO UPDATE SET deadline = excluded.deadline, set_by = excluded.set_by, \
                     opens = excluded.opens, review_until = excluded.review_until, publication = excluded.publication",
                )
                .bind(id)
                .bind(year as i32)
                .bind(cal.deadline)
                .bind(audit.actor)
                .bind(cal.opens)
                .bind(cal.review_until)
                .bind(cal.publication)
                .execute(&mut *tx)
                .await?;
                insert_audit!(tx, audit);
                tx.commit().await?;
                Ok(())
            }

            /// Deadlines of every policy-year (or of one policy), by policy and year.
            pub async fn deadlines(&self, policy: Option<&str>) -> Result<Vec<Deadline>, StoreError> {
                let rows = sqlx::query(
                    "SELECT p.code, r.year, r.deadline, r.set_by, r.opens, r.review_until, r.publication \
                     FROM reporting_years r JOIN policies p ON p.id = r.policy_id \
                     WHERE $1 = '' OR p.code = $1 ORDER BY p.code, r.year",
                )
                .bind(policy.unwrap_or(""))
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| {
                        Ok(Deadline {
                            policy: r.try_get(0)?,
                            year: rows::int(r, 1)?,
                            deadline: r.try_get(2)?,
                            set_by: r.try_get(3)?,
                            opens: r.try_get(4)?,
                            review_until: r.try_get(5)?,
                            publication: r.try_get(6)?,
                        })
                    })
                    .collect()
            }

            /// Grants (or changes) a unit's exception to a policy-year's deadline.
            pub async fn grant_exception(&self, e: &Exception, audit: &NewAudit<'_>) -> Result<(), StoreError> {
                let mut tx = self.write().await?;
                let id = policy_id!(tx, &e.policy, $lock);
                sqlx::query(
                    "INSERT INTO reporting_exceptions (policy_id, year, unit, until, reason, granted_by) VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (policy_id, year, unit) DO UPDATE SET until = excluded.until, reason = excluded.reason, \
                     granted_by = excluded.granted_by",
                )
                .bind(id)
                .bind(e.year as i32)
                .bind(&e.unit)
                .bind(&e.until)
                .bind(&e.reason)
                .bind(&e.granted_by)
                .execute(&mut *tx)
                .await?;
                insert_audit!(tx, audit);
                tx.commit().await?;
                Ok(())
            }

            pub async fn exceptions(&self, policy: Option<&str>) -> Result<Vec<Exception>, StoreError> {
                let rows = sqlx::query(
                    "SELECT p.code, e.year, e.unit, e.until, e.reason, e.granted_by FROM reporting_exceptions e \
                     JOIN policies p ON p.id = e.policy_id WHERE $1 = '' OR p.code = $1 ORDER BY p.code, e.year, e.unit",
                )
                .bind(policy.unwrap_or(""))
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| {
                        Ok(Exception {
                            policy: r.try_get(0)?,
                            year: rows::int(r, 1)?,
                            unit: r.try_get(2)?,
                            until: r.try_get(3)?,
                            reason: r.try_get(4)?,
                            granted_by: r.try_get(5)?,
                        })
                    })
                    .collect()
            }

            /// Records a unit's submission of an actual, if the workflow allows it (an approved
            /// value is locked). A submission identical to the one still waiting for review (same
            /// value, comment, evidence and author) is that one: its id is returned and nothing
            /// is written. A different one supersedes it. Deadlines are checked by the caller,
            /// which knows the unit's exceptions and the clock.
            pub async fn submit(&self, s: &NewSubmission<'_>, audit: &NewAudit<'_>) -> Result<i64, StoreError> {
                let mut tx = self.write().await?;
                let id = submit_in!(tx, s, audit, $num, $lock);
                tx.commit().await?;
                Ok(id)
            }

            /// Records several submissions in one transaction: all of them, or none when one is
            /// refused (its index and why).
            pub async fn submit_many(&self, list: &[(NewSubmission<'_>, NewAudit<'_>)]) -> Result<Vec<i64>, (usize, StoreError)> {
                let mut tx = self.write().await.map_err(|e| (0, e))?;
                let mut ids = Vec::with_capacity(list.len());
                for (n, (s, audit)) in list.iter().enumerate() {
                    let one: Result<i64, StoreError> = async { Ok(submit_in!(tx, s, audit, $num, $lock)) }.await;
                    ids.push(one.map_err(|e| (n, e))?);
                }
                tx.commit().await.map_err(|e| (0, e.into()))?;
                Ok(ids)
            }

            pub async fn submission(&self, id: i64) -> Result<Option<Submission>, StoreError> {
                let q = format!("SELECT {SUBMISSION_COLUMNS} FROM submissions s JOIN policies p ON p.id = s.policy_id WHERE s.id = $1");
                let row = sqlx::query(sqlx::AssertSqlSafe(q)).bind(id).fetch_optional(&self.pool).await?;
                row.as_ref().map(submission_from).transpose()
            }

            /// Where each reported indicator-year stands: the latest submission of each key, of
            /// one policy or of all, by policy, indicator and year.
            pub async fn latest_submissions(&self, policy: Option<&str>) -> Result<Vec<Submission>, StoreError> {
                let q = format!(
                    "SELECT {SUBMISSION_COLUMNS} FROM submissions s JOIN policies p ON p.id = s.policy_id \
                     WHERE ($1 = '' OR p.code = $1) AND s.id = (SELECT MAX(x.id) FROM submissions x \
                     WHERE x.policy_id = s.policy_id AND x.indicator = s.indicator AND x.year = s.year) \
                     ORDER BY p.code, s.indicator, s.year"
                );
                let rows = sqlx::query(sqlx::AssertSqlSafe(q)).bind(policy.unwrap_or("")).fetch_all(&self.pool).await?;
                rows.iter().map(submission_from).collect()
            }

            /// Every submission of one indicator-year, oldest first (where each stands: one
            /// waits for review at most, the earlier ones were reviewed or superseded).
            pub async fn submissions_of(&self, policy: &str, indicator: &str, year: i64) -> Result<Vec<Submission>, StoreError> {
                let q = format!(
                    "SELECT {SUBMISSION_COLUMNS} FROM submissions s JOIN policies p ON p.id = s.policy_id \
                     WHERE p.code = $1 AND s.indicator = $2 AND s.year = $3 ORDER BY s.id"
                );
                let rows = sqlx::query(sqlx::AssertSqlSafe(q)).bind(policy).bind(indicator).bind(year as i32).fetch_all(&self.pool).await?;
                rows.iter().map(submission_from).collect()
            }

            /// Approves or returns a submission. Approving appends the value as the indicator's
            /// actual (a new revision by the reviewer, with `revision_reason`, which the caller
            /// words) and locks it.
            pub async fn review(&self, r: &Review<'_>, audit: &NewAudit<'_>, mails: &[crate::mail::NewMail]) -> Result<Submission, StoreError> {
                let Review { id, step, reason, revision_reason, by } = *r;
                let reason = reason.map(str::trim).filter(|r| !r.is_empty());
                if step == Step::Return && reason.is_none() {
                    return Err(StoreError::Workflow(WorkflowError::ReasonRequired));
                }
                let mut tx = self.write().await?;
                // The submission and its policy are locked (PostgreSQL) or the database is (SQLite):
                // of concurrent reviews of one submission, the first wins and the others find it
                // reviewed.
                let q = format!("SELECT {SUBMISSION_COLUMNS}, s.policy_id, CAST(s.exact AS TEXT) FROM submissions s JOIN policies p ON p.id = s.policy_id WHERE s.id = $1{}", $lock);
                let row = sqlx::query(sqlx::AssertSqlSafe(q))
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or(StoreError::Conflict(Conflict::NoSuchSubmission(id)))?;
                let sub = submission_from(&row)?;
                let policy_id = rows::int(&row, 13)?;
                let exact: Option<String> = row.try_get(14)?;
                let status = transition(Some(sub.status), step).map_err(StoreError::Workflow)?;
                let change = if status == Status::Approved {
                    Some(append_value!(tx, $num, policy_id, by, revision_reason, &sub.indicator, sub.year as i32, "actual", &sub.text, exact))
                } else {
                    None
                };
                sqlx::query("UPDATE submissions SET status = $1, reviewed_by = $2, reviewed_at = $3, review_reason = $4, change_id = $5 WHERE id = $6")
                    .bind(status.id())
                    .bind(by)
                    .bind(audit.at)
                    .bind(reason)
                    .bind(change)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                insert_audit!(tx, audit);
                for m in mails {
                    let _ = enqueue_mail!(tx, m, audit.at);
                }
                tx.commit().await?;
                Ok(Submission { status, reviewed_by: Some(by.to_string()), reviewed_at: Some(audit.at.to_string()), review_reason: reason.map(str::to_string), ..sub })
            }

            /// Changes a target: a new revision with its justification (required).
            pub async fn change_target(&self, t: &TargetChange<'_>, audit: &NewAudit<'_>) -> Result<i64, StoreError> {
                if t.reason.trim().is_empty() {
                    return Err(StoreError::Workflow(WorkflowError::ReasonRequired));
                }
                let mut tx = self.write().await?;
                let policy_id = policy_id!(tx, t.policy, $lock);
                let change = append_value!(tx, $num, policy_id, t.by, t.reason, t.indicator, t.year as i32, "target", t.text, t.exact);
                insert_audit!(tx, audit);
                tx.commit().await?;
                Ok(change)
            }

            /// Appends to the audit log an action that changes nothing else (a failed login, say).
            pub async fn log(&self, audit: &NewAudit<'_>) -> Result<(), StoreError> {
                let mut tx = self.write().await?;
                insert_audit!(tx, audit);
                tx.commit().await?;
                Ok(())
            }

            /// The audit log, newest first.
            pub async fn audit_log(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
                let to = if f.to.len() == 10 { format!("{}T23:59:59Z", f.to) } else { f.to.clone() };
                let mut q = sqlx::QueryBuilder::new(
                    "SELECT id, at, actor, action, policy, unit, subject, detail FROM audit_log WHERE 1 = 1",
                );
                for (column, value) in [("policy", &f.policy), ("unit", &f.unit), ("actor", &f.actor)] {
                    if !value.is_empty() {
                        q.push(format!(" AND {column} = ")).push_bind(value.clone());
                    }
                }
                if !f.from.is_empty() {
                    q.push(" AND at >= ").push_bind(f.from.clone());
                }
                if !to.is_empty() {
                    q.push(" AND at <= ").push_bind(to);
                }
                if let Some(list) = &f.policies {
                    q.push(" AND policy IN ('', ");
                    let mut sep = q.separated(", ");
                    for p in list {
                        sep.push_bind(p.clone());
                    }
                    q.push(")");
                }
                if let Some(before) = f.before {
                    q.push(" AND id < ").push_bind(before);
                }
                q.push(" ORDER BY id DESC LIMIT ").push_bind(if f.limit > 0 { f.limit } else { 500 });
                let rows = q.build().fetch_all(&self.pool).await?;
                rows.iter()
                    .map(|r| {
                        Ok(AuditEntry {
                            id: rows::int(r, 0)?,
                            at: r.try_get(1)?,
                            actor: r.try_get(2)?,
                            action: r.try_get::<String, _>(3)?.parse().map_err(|detail| StoreError::Corrupt { policy: String::new(), detail })?,
                            policy: r.try_get(4)?,
                            unit: r.try_get(5)?,
                            subject: r.try_get(6)?,
                            detail: r.try_get(7)?,
                        })
                    })
                    .collect()
            }

            /// The codes of the policies with a change set newer than `version`.
            pub async fn changed_since(&self, version: i64) -> Result<Vec<String>, StoreError> {
                let rows = sqlx::query("SELECT DISTINCT p.code FROM changes c JOIN policies p ON p.id = c.policy_id WHERE c.id > $1 ORDER BY p.code")
                    .bind(version)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
            }

            /// The newest change set's id (0 for an empty database): what cached figures depend on.
            pub async fn latest_change(&self) -> Result<i64, StoreError> {
                let row = sqlx::query("SELECT COALESCE(MAX(id), 0) FROM changes").fetch_one(&self.pool).await?;
                Ok(rows::int(&row, 0)?)
            }
        }
    };
}

app_operations!(SqliteStore, "", "");
app_operations!(PgStore, "::numeric", " FOR UPDATE");

impl Store {
    pub async fn create_user(&self, u: &NewUser<'_>, audit: &NewAudit<'_>) -> Result<i64, StoreError> {
        dispatch!(write self, s => s.create_user(u, audit).await)
    }
    pub async fn user_by_name(&self, username: &str) -> Result<Option<User>, StoreError> {
        dispatch!(self, s => s.user_by_name(username).await)
    }
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        dispatch!(self, s => s.users().await)
    }
    pub async fn set_user_active(&self, username: &str, active: bool, audit: &NewAudit<'_>) -> Result<(), StoreError> {
        dispatch!(write self, s => s.set_user_active(username, active, audit).await)
    }
    pub async fn set_password(&self, username: &str, hash: &str, audit: &NewAudit<'_>) -> Result<(), StoreError> {
        dispatch!(write self, s => s.set_password(username, hash, audit).await)
    }
    pub async fn create_session(
        &self,
        hash: &str,
        user: i64,
        expires: &str,
        audit: &NewAudit<'_>,
    ) -> Result<(), StoreError> {
        dispatch!(write self, s => s.create_session(hash, user, expires, audit).await)
    }
    pub async fn session_user(&self, hash: &str, now: &str) -> Result<Option<User>, StoreError> {
        dispatch!(self, s => s.session_user(hash, now).await)
    }
    pub async fn end_session(&self, hash: &str, audit: &NewAudit<'_>) -> Result<(), StoreError> {
        dispatch!(write self, s => s.end_session(hash, audit).await)
    }
    pub async fn create_token(&self, t: &NewToken<'_>, audit: &NewAudit<'_>) -> Result<(), StoreError> {
        dispatch!(write self, s => s.create_token(t, audit).await)
    }
    pub async fn token_user(&self, hash: &str, now: &str) -> Result<Option<User>, StoreError> {
        dispatch!(self, s => s.token_user(hash, now).await)
    }
    pub async fn touch_token(&self, hash: &str, now: &str, since: &str) -> Result<(), StoreError> {
        dispatch!(write self, s => s.touch_token(hash, now, since).await)
    }
    pub async fn tokens(&self, user: i64) -> Result<Vec<TokenRow>, StoreError> {
        dispatch!(self, s => s.tokens(user).await)
    }
    pub async fn revoke_token(&self, user: i64, hash: &str, audit: &NewAudit<'_>) -> Result<(), StoreError> {
        dispatch!(write self, s => s.revoke_token(user, hash, audit).await)
    }
    pub async fn set_deadline(
        &self,
        policy: &str,
        year: i64,
        cal: &Calendar<'_>,
        audit: &NewAudit<'_>,
    ) -> Result<(), StoreError> {
        dispatch!(write self, s => s.set_deadline(policy, year, cal, audit).await)
    }
    pub async fn deadlines(&self, policy: Option<&str>) -> Result<Vec<Deadline>, StoreError> {
        dispatch!(self, s => s.deadlines(policy).await)
    }
    pub async fn grant_exception(&self, e: &Exception, audit: &NewAudit<'_>) -> Result<(), StoreError> {
        dispatch!(write self, s => s.grant_exception(e, audit).await)
    }
    pub async fn exceptions(&self, policy: Option<&str>) -> Result<Vec<Exception>, StoreError> {
        dispatch!(self, s => s.exceptions(policy).await)
    }
    pub async fn submit(&self, sub: &NewSubmission<'_>, audit: &NewAudit<'_>) -> Result<i64, StoreError> {
        dispatch!(write self, s => s.submit(sub, audit).await)
    }
    pub async fn submit_many(
        &self,
        list: &[(NewSubmission<'_>, NewAudit<'_>)],
    ) -> Result<Vec<i64>, (usize, StoreError)> {
        let mut attempt = 0u32;
        loop {
            let outcome = match self {
                Store::Sqlite(s) => s.submit_many(list).await,
                Store::Postgres(s) => s.submit_many(list).await,
            };
            match outcome {
                Err((_, e)) if e.is_transient() && attempt < crate::RETRIES => {
                    attempt += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(10 << attempt)).await;
                }
                other => break other,
            }
        }
    }
    pub async fn submission(&self, id: i64) -> Result<Option<Submission>, StoreError> {
        dispatch!(self, s => s.submission(id).await)
    }
    pub async fn latest_submissions(&self, policy: Option<&str>) -> Result<Vec<Submission>, StoreError> {
        dispatch!(self, s => s.latest_submissions(policy).await)
    }
    pub async fn submissions_of(
        &self,
        policy: &str,
        indicator: &str,
        year: i64,
    ) -> Result<Vec<Submission>, StoreError> {
        dispatch!(self, s => s.submissions_of(policy, indicator, year).await)
    }
    pub async fn review(
        &self,
        r: &Review<'_>,
        audit: &NewAudit<'_>,
        mails: &[crate::mail::NewMail],
    ) -> Result<Submission, StoreError> {
        dispatch!(write self, s => s.review(r, audit, mails).await)
    }
    pub async fn change_target(&self, t: &TargetChange<'_>, audit: &NewAudit<'_>) -> Result<i64, StoreError> {
        dispatch!(write self, s => s.change_target(t, audit).await)
    }
    pub async fn log(&self, audit: &NewAudit<'_>) -> Result<(), StoreError> {
        dispatch!(write self, s => s.log(audit).await)
    }
    pub async fn audit_log(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        dispatch!(self, s => s.audit_log(f).await)
    }
    pub async fn latest_change(&self) -> Result<i64, StoreError> {
        dispatch!(self, s => s.latest_change().await)
    }
    pub async fn changed_since(&self, version: i64) -> Result<Vec<String>, StoreError> {
        dispatch!(self, s => s.changed_since(version).await)
    }
}
