//! The outbox of e-mail and the password-reset links.
//!
//! A message is written in the transaction of the event that causes it (a review, a reset
//! request) or, for reminders and digests, with a key that names it so that it is written once
//! whoever plans it and however often. A worker claims one due message at a time (`sending`),
//! sends it, and records the outcome with the attempt; a message left `sending` longer than the
//! worker's lease was interrupted mid-send (it may have arrived): it is marked failed, never sent
//! again by itself, and the administrator may send it again.

use avance_core::lang::Lang;
use avance_core::mail::{MailKind, MailStatus};
use sqlx::Row;

use crate::app::{NewAudit, USER_COLUMNS, User, user_from};
use crate::{Conflict, PgStore, SqliteStore, Store, StoreError, rows};

/// A message to write to the outbox, worded and rendered already.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMail {
    pub kind: MailKind,
    /// Names a message that must be written once only; `None` for an event's message.
    pub dedup_key: Option<String>,
    pub recipient: String,
    /// The account it goes to.
    pub username: Option<String>,
    pub lang: Lang,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// A message of the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub id: i64,
    pub created_at: String,
    /// What was written: recipient, wording, bodies.
    pub message: NewMail,
    pub status: MailStatus,
    /// Attempts since it was written (or sent again by the administrator).
    pub attempts: i64,
    pub next_attempt_at: String,
    pub sent_at: Option<String>,
    pub last_error: Option<String>,
}

/// One attempt to send a message, or its resending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub at: String,
    /// `sent`, `retry`, `failed`, `interrupted` or `resent`.
    pub outcome: String,
    pub detail: Option<String>,
}

/// How an attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    /// Refused for now: try again at this instant.
    Retry {
        at: String,
        error: String,
    },
    /// Refused for good, or out of attempts.
    Failed {
        error: String,
    },
}

/// How many messages stand in each status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    pub pending: i64,
    pub sending: i64,
    pub sent: i64,
    pub failed: i64,
}

impl OutboxCounts {
    pub fn of(&self, s: MailStatus) -> i64 {
        match s {
            MailStatus::Pending => self.pending,
            MailStatus::Sending => self.sending,
            MailStatus::Sent => self.sent,
            MailStatus::Failed => self.failed,
        }
    }
}

const MAIL_COLUMNS: &str = "id, created_at, kind, dedup_key, recipient, username, lang, subject, body_text, body_html, \
     status, attempts, next_attempt_at, sent_at, last_error";

fn corrupt(detail: String) -> StoreError {
    StoreError::Corrupt { policy: String::new(), detail }
}

fn mail_from<R: Row>(r: &R) -> Result<Mail, StoreError>
where
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> i32: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<String>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(Mail {
        id: rows::int(r, 0)?,
        created_at: r.try_get(1)?,
        message: NewMail {
            kind: r.try_get::<String, _>(2)?.parse().map_err(corrupt)?,
            dedup_key: r.try_get(3)?,
            recipient: r.try_get(4)?,
            username: r.try_get(5)?,
            lang: r.try_get::<String, _>(6)?.parse().unwrap_or_default(),
            subject: r.try_get(7)?,
            text: r.try_get(8)?,
            html: r.try_get(9)?,
        },
        status: r.try_get::<String, _>(10)?.parse().map_err(corrupt)?,
        attempts: rows::int(r, 11)?,
        next_attempt_at: r.try_get(12)?,
        sent_at: r.try_get(13)?,
        last_error: r.try_get(14)?,
    })
}

/// Writes a message to the outbox inside the transaction `$tx`, due at `$at`; a message whose key
/// is there already is not written again. Evaluates to whether it was written.
macro_rules! enqueue_mail {
    ($tx:expr, $m:expr, $at:expr) => {{
        let m: &$crate::mail::NewMail = $m;
        sqlx::query(
            "INSERT INTO outbox (created_at, kind, dedup_key, recipient, username, lang, subject, body_text, body_html, status, attempts, next_attempt_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', 0, $1) ON CONFLICT (dedup_key) DO NOTHING",
        )
        .bind($at)
        .bind(m.kind.id())
        .bind(m.dedup_key.as_deref())
        .bind(m.recipient.as_str())
        .bind(m.username.as_deref())
        .bind(m.lang.id())
        .bind(m.subject.as_str())
        .bind(m.text.as_str())
        .bind(m.html.as_str())
        .execute(&mut *$tx)
        .await?
        .rows_affected()
            > 0
    }};
}

macro_rules! mail_operations {
    ($store:ty, $skip_locked:literal) => {
        impl $store {
            /// Writes messages (reminders, digests) in one transaction; those whose key is
            /// written already are left out. Returns how many were written.
            pub async fn enqueue(&self, mails: &[NewMail], at: &str) -> Result<usize, StoreError> {
                let mut tx = self.write().await?;
                let mut n = 0;
                for m in mails {
                    n += usize::from(enqueue_mail!(tx, m, at));
                }
                tx.commit().await?;
                Ok(n)
            }

            /// Marks as failed the messages claimed before `stale_before` and never confirmed
            /// (the worker stopped while sending them), then takes the oldest message due at
            /// `now`: it is `sending` until [`Self::finish_mail`].
            pub async fn claim_mail(&self, now: &str, stale_before: &str) -> Result<Option<Mail>, StoreError> {
                let mut tx = self.write().await?;
                let stale = sqlx::query("SELECT id FROM outbox WHERE status = 'sending' AND claimed_at < $1")
                    .bind(stale_before)
                    .fetch_all(&mut *tx)
                    .await?;
                for r in &stale {
                    let id = rows::int(r, 0)?;
                    sqlx::query("UPDATE outbox SET status = 'failed', last_error = 'interrupted' WHERE id = $1 AND status = 'sending'")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query("INSERT INTO outbox_attempts (message_id, at, outcome, detail) VALUES ($1, $2, 'interrupted', NULL)")
                        .bind(id)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                }
                let q = format!(
                    "SELECT {MAIL_COLUMNS} FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT 1{}",
                    $skip_locked
                );
                let Some(row) = sqlx::query(sqlx::AssertSqlSafe(q)).bind(now).fetch_optional(&mut *tx).await? else {
                    tx.commit().await?;
                    return Ok(None);
                };
                let mail = mail_from(&row)?;
                sqlx::query("UPDATE outbox SET status = 'sending', claimed_at = $1, attempts = attempts + 1 WHERE id = $2")
                    .bind(now)
                    .bind(mail.id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(Some(Mail { status: MailStatus::Sending, attempts: mail.attempts + 1, ..mail }))
            }

            /// Records how an attempt ended (only for a message still `sending`). `redacted`, when
            /// given, replaces the bodies (a secret link is kept only until the message is sent).
            pub async fn finish_mail(&self, id: i64, at: &str, d: &Delivery, redacted: Option<(&str, &str)>) -> Result<(), StoreError> {
                let mut tx = self.write().await?;
                let (status, next, error, outcome) = match d {
                    Delivery::Sent => ("sent", None, None, "sent"),
                    Delivery::Retry { at: next, error } => ("pending", Some(next.as_str()), Some(error.as_str()), "retry"),
                    Delivery::Failed { error } => ("failed", None, Some(error.as_str()), "failed"),
                };
                let done = sqlx::query(
                    "UPDATE outbox SET status = $1, next_attempt_at = COALESCE($2, next_attempt_at), last_error = $3, \
                     sent_at = CASE WHEN $1 = 'sent' THEN $4 ELSE sent_at END WHERE id = $5 AND status = 'sending'",
                )
                .bind(status)
                .bind(next)
                .bind(error)
                .bind(at)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() > 0
                    && let Some((text, html)) = redacted
                {
                    sqlx::query("UPDATE outbox SET body_text = $1, body_html = $2 WHERE id = $3").bind(text).bind(html).bind(id).execute(&mut *tx).await?;
                }
                if done.rows_affected() > 0 {
                    sqlx::query("INSERT INTO outbox_attempts (message_id, at, outcome, detail) VALUES ($1, $2, $3, $4)")
                        .bind(id)
                        .bind(at)
                        .bind(outcome)
                        .bind(error)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            /// Puts a sent or failed message back in the queue, due at once (the administrator).
            pub async fn resend_mail(&self, id: i64, audit: &NewAudit<'_>) -> Result<(), StoreError> {
                let mut tx = self.write().await?;
                let done = sqlx::query(
                    "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = $1, last_error = NULL \
                     WHERE id = $2 AND status IN ('sent', 'failed')",
                )
                .bind(audit.at)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::Conflict(Conflict::NotResendable(id)));
                }
                sqlx::query("INSERT INTO outbox_attempts (message_id, at, outcome, detail) VALUES ($1, $2, 'resent', $3)")
                    .bind(id)
                    .bind(audit.at)
                    .bind(audit.actor)
                    .execute(&mut *tx)
                    .await?;
                insert_audit!(tx, audit);
                tx.commit().await?;
                Ok(())
            }

            /// The outbox, newest first: every message, or those of one status.
            pub async fn outbox(&self, status: Option<MailStatus>, limit: i64) -> Result<Vec<Mail>, StoreError> {
                let q = format!("SELECT {MAIL_COLUMNS} FROM outbox WHERE ($1 = '' OR status = $1) ORDER BY id DESC LIMIT $2");
                let rows = sqlx::query(sqlx::AssertSqlSafe(q))
                    .bind(status.map_or("", MailStatus::id))
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(mail_from).collect()
            }

            pub async fn outbox_counts(&self) -> Result<OutboxCounts, StoreError> {
                let rows = sqlx::query("SELECT status, COUNT(*) FROM outbox GROUP BY status").fetch_all(&self.pool).await?;
                let mut c = OutboxCounts::default();
                for r in &rows {
                    let n = rows::int(r, 1)?;
                    match r.try_get::<String, _>(0)?.parse::<MailStatus>().map_err(corrupt)? {
                        MailStatus::Pending => c.pending = n,
                        MailStatus::Sending => c.sending = n,
                        MailStatus::Sent => c.sent = n,
                        MailStatus::Failed => c.failed = n,
                    }
                }
                Ok(c)
            }

            pub async fn mail(&self, id: i64) -> Result<Option<Mail>, StoreError> {
                let q = format!("SELECT {MAIL_COLUMNS} FROM outbox WHERE id = $1");
                let row = sqlx::query(sqlx::AssertSqlSafe(q)).bind(id).fetch_optional(&self.pool).await?;
                row.as_ref().map(mail_from).transpose()
            }

            /// Every attempt to send a message, oldest first.
            pub async fn mail_attempts(&self, id: i64) -> Result<Vec<Attempt>, StoreError> {
                let rows = sqlx::query("SELECT at, outcome, detail FROM outbox_attempts WHERE message_id = $1 ORDER BY id")
                    .bind(id)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(|r| Ok(Attempt { at: r.try_get(0)?, outcome: r.try_get(1)?, detail: r.try_get(2)? })).collect()
            }

            /// Changes a user's own e-mail address, language of e-mails and digest choice.
            pub async fn set_profile(&self, username: &str, email: Option<&str>, lang: Lang, digest: bool, audit: &NewAudit<'_>) -> Result<(), StoreError> {
                let mut tx = self.write().await?;
                let done = sqlx::query("UPDATE users SET email = $1, lang = $2, digest = $3 WHERE username = $4")
                    .bind(email)
                    .bind(lang.id())
                    .bind(i64::from(digest))
                    .bind(username)
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::Conflict(Conflict::NoSuchUser(username.to_string())));
                }
                insert_audit!(tx, audit);
                tx.commit().await?;
                Ok(())
            }

            /// Changes a user's e-mail address (the administrator).
            pub async fn set_email(&self, username: &str, email: Option<&str>, audit: &NewAudit<'_>) -> Result<(), StoreError> {
                let mut tx = self.write().await?;
                let done = sqlx::query("UPDATE users SET email = $1 WHERE username = $2")
                    .bind(email)
                    .bind(username)
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::Conflict(Conflict::NoSuchUser(username.to_string())));
                }
                insert_audit!(tx, audit);
                tx.commit().await?;
                Ok(())
            }

            /// The active users whose e-mail address is this one (compared without case).
            pub async fn users_by_email(&self, email: &str) -> Result<Vec<User>, StoreError> {
                let q = format!("SELECT {USER_COLUMNS} FROM users WHERE LOWER(email) = LOWER($1) AND active = 1 ORDER BY username");
                let rows = sqlx::query(sqlx::AssertSqlSafe(q)).bind(email).fetch_all(&self.pool).await?;
                rows.iter().map(user_from).collect()
            }

            /// How many reset links were made for a user since an instant.
            pub async fn resets_since(&self, user_id: i64, since: &str) -> Result<i64, StoreError> {
                let row = sqlx::query("SELECT COUNT(*) FROM password_resets WHERE user_id = $1 AND created_at >= $2")
                    .bind(user_id)
                    .bind(since)
                    .fetch_one(&self.pool)
                    .await?;
                Ok(rows::int(&row, 0)?)
            }

            /// Records a reset link (only its hash), the message that carries it and the audit
            /// entry, in one transaction.
            pub async fn create_reset(&self, token_hash: &str, user_id: i64, expires_at: &str, mail: &NewMail, audit: &NewAudit<'_>) -> Result<(), StoreError> {
                let mut tx = self.write().await?;
                sqlx::query("INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                    .bind(token_hash)
                    .bind(user_id)
                    .bind(audit.at)
                    .bind(expires_at)
                    .execute(&mut *tx)
                    .await?;
                let _ = enqueue_mail!(tx, mail, audit.at);
                insert_audit!(tx, audit);
                tx.commit().await?;
                Ok(())
            }

            /// The active user of a reset link still unused and unexpired at `now`.
            pub async fn reset_user(&self, token_hash: &str, now: &str) -> Result<Option<User>, StoreError> {
                let q = format!(
                    "SELECT {} FROM users u JOIN password_resets r ON r.user_id = u.id \
                     WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > $2 AND u.active = 1",
                    USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ")
                );
                let row = sqlx::query(sqlx::AssertSqlSafe(q)).bind(token_hash).bind(now).fetch_optional(&self.pool).await?;
                row.as_ref().map(user_from).transpose()
            }

            /// Uses a reset link: of two uses at once, one wins and the other finds it used. Sets
            /// the password, ends the user's sessions, voids the user's other links.
            pub async fn use_reset(&self, token_hash: &str, user_id: i64, password_hash: &str, audit: &NewAudit<'_>) -> Result<(), StoreError> {
                let mut tx = self.write().await?;
                let done = sqlx::query("UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND user_id = $3 AND used_at IS NULL AND expires_at > $1")
                    .bind(audit.at)
                    .bind(token_hash)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::Conflict(Conflict::ResetLinkUsed));
                }
                sqlx::query("UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
                    .bind(audit.at)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2").bind(password_hash).bind(user_id).execute(&mut *tx).await?;
                sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
                insert_audit!(tx, audit);
                tx.commit().await?;
                Ok(())
            }

            /// Every submission sent in `[from, to)` (instants as stored), oldest first.
            pub async fn submissions_between(&self, from: &str, to: &str) -> Result<Vec<crate::app::Submission>, StoreError> {
                let q = format!(
                    "SELECT {} FROM submissions s JOIN policies p ON p.id = s.policy_id \
                     WHERE s.submitted_at >= $1 AND s.submitted_at < $2 ORDER BY s.id",
                    crate::app::SUBMISSION_COLUMNS
                );
                let rows = sqlx::query(sqlx::AssertSqlSafe(q)).bind(from).bind(to).fetch_all(&self.pool).await?;
                rows.iter().map(crate::app::submission_from).collect()
            }
        }
    };
}

mail_operations!(SqliteStore, "");
mail_operations!(PgStore, " FOR UPDATE SKIP LOCKED");

impl Store {
    pub async fn enqueue(&self, mails: &[NewMail], at: &str) -> Result<usize, StoreError> {
        dispatch!(write self, s => s.enqueue(mails, at).await)
    }
    pub async fn claim_mail(&self, now: &str, stale_before: &str) -> Result<Option<Mail>, StoreError> {
        dispatch!(write self, s => s.claim_mail(now, stale_before).await)
    }
    pub async fn finish_mail(
        &self,
        id: i64,
        at: &str,
        d: &Delivery,
        redacted: Option<(&str, &str)>,
    ) -> Result<(), StoreError> {
        dispatch!(write self, s => s.finish_mail(id, at, d, redacted).await)
    }
    pub async fn resend_mail(&self, id: i64, audit: &NewAudit<'_>) -> Result<(), StoreError> {
        dispatch!(write self, s => s.resend_mail(id, audit).await)
    }
    pub async fn outbox(&self, status: Option<MailStatus>, limit: i64) -> Result<Vec<Mail>, StoreError> {
        dispatch!(self, s => s.outbox(status, limit).await)
    }
    pub async fn outbox_counts(&self) -> Result<OutboxCounts, StoreError> {
        dispatch!(self, s => s.outbox_counts().await)
    }
    pub async fn mail(&self, id: i64) -> Result<Option<Mail>, StoreError> {
        dispatch!(self, s => s.mail(id).await)
    }
    pub async fn mail_attempts(&self, id: i64) -> Result<Vec<Attempt>, StoreError> {
        dispatch!(self, s => s.mail_attempts(id).await)
    }
    pub async fn set_profile(
        &self,
        username: &str,
        email: Option<&str>,
        lang: Lang,
        digest: bool,
        audit: &NewAudit<'_>,
    ) -> Result<(), StoreError> {
        dispatch!(write self, s => s.set_profile(username, email, lang, digest, audit).await)
    }
    pub async fn set_email(&self, username: &str, email: Option<&str>, audit: &NewAudit<'_>) -> Result<(), StoreError> {
        dispatch!(write self, s => s.set_email(username, email, audit).await)
    }
    pub async fn users_by_email(&self, email: &str) -> Result<Vec<User>, StoreError> {
        dispatch!(self, s => s.users_by_email(email).await)
    }
    pub async fn resets_since(&self, user_id: i64, since: &str) -> Result<i64, StoreError> {
        dispatch!(self, s => s.resets_since(user_id, since).await)
    }
    pub async fn create_reset(
        &self,
        token_hash: &str,
        user_id: i64,
        expires_at: &str,
        mail: &NewMail,
        audit: &NewAudit<'_>,
    ) -> Result<(), StoreError> {
        dispatch!(write self, s => s.create_reset(token_hash, user_id, expires_at, mail, audit).await)
    }
    pub async fn reset_user(&self, token_hash: &str, now: &str) -> Result<Option<User>, StoreError> {
        dispatch!(self, s => s.reset_user(token_hash, now).await)
    }
    pub async fn use_reset(
        &self,
        token_hash: &str,
        user_id: i64,
        password_hash: &str,
        audit: &NewAudit<'_>,
    ) -> Result<(), StoreError> {
        dispatch!(write self, s => s.use_reset(token_hash, user_id, password_hash, audit).await)
    }
    pub async fn submissions_between(&self, from: &str, to: &str) -> Result<Vec<crate::app::Submission>, StoreError> {
        dispatch!(self, s => s.submissions_between(from, to).await)
    }
}
