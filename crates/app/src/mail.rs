//! E-mail: the messages the application writes to the outbox (reminders, notices of review,
//! digests, reset links), the worker that sends them through SMTP (or prints them, for the demo),
//! and the administrator's view of the outbox.
//!
//! A message is written in the transaction of the event that causes it; reminders and digests
//! carry a key that names them (unit, deadline step; recipient, day), so that however often and by
//! however many servers they are planned, each is written once. The worker takes one due message
//! at a time, marks it sent as soon as the SMTP server accepts it, retries a refusal for now
//! ("4xx", a connection that fails) with a growing pause, and gives up on a refusal for good
//! ("5xx") or after its attempts. A message a worker took and never confirmed (it stopped while
//! sending) is marked failed after the lease, never sent again by itself: the administrator sees
//! it and may send it again.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::time::Duration;

use avance_core::access::{Action, Resource, Role, Status, Step};
use avance_core::lang::Lang;
use avance_core::mail::{MailKind, MailStatus, ReminderPlan, ReminderStep, backoff_seconds};
use avance_report::mail as words;
use avance_store::app::{NewAudit, Submission, User};
use avance_store::mail::{Attempt, Delivery, Mail, NewMail, OutboxCounts};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::clock::stamp;
use crate::error::{AppError, Field, Missing, Problem};
use crate::{Actor, App};

/// How the application writes and sends e-mail.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// The address users open the application at, without a trailing slash (`--public-url`):
    /// every link of a message starts with it.
    pub public_url: String,
    /// When units are reminded of their deadline.
    pub plan: ReminderPlan,
    /// From this hour of the day in Lima, each planning office gets the digest of the day before.
    pub digest_hour: u8,
    /// Attempts to send a message refused for now before giving up.
    pub max_attempts: u32,
    /// The pause after the first refusal, in seconds; it doubles with each one (at most six hours).
    pub retry_base_secs: i64,
    /// A message taken by a worker and not confirmed after this many seconds was interrupted.
    pub lease_secs: i64,
    /// How long a password-reset link works, in minutes.
    pub reset_minutes: i64,
}

impl Default for MailSettings {
    fn default() -> MailSettings {
        MailSettings {
            public_url: "http://127.0.0.1:8080".to_string(),
            plan: ReminderPlan::default(),
            digest_hour: 8,
            max_attempts: 8,
            retry_base_secs: 60,
            lease_secs: 600,
            reset_minutes: 60,
        }
    }
}

/// Reset links made for one account in an hour, at most; more requests are answered alike and
/// send nothing.
pub const RESETS_PER_HOUR: i64 = 3;
/// Reset requests from one client address in the limiter's window, at most.
pub const RESET_REQUESTS_PER_ADDRESS: usize = 5;

/// Where messages go.
#[derive(Debug)]
pub enum Mailer {
    /// An SMTP server.
    Smtp(Box<Smtp>),
    /// The terminal (`avance serve --demo --print-mail`): each message is printed, and counts as
    /// sent.
    Terminal,
}

/// An SMTP server and the sender's address.
#[derive(Debug)]
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// `host:port` and how the connection is protected, for the log and the outbox page.
    server: String,
}

/// A configuration of e-mail that cannot work.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailConfigError {
    #[error("SMTP URL: {0}")]
    Url(String),
    #[error("sender: {0}")]
    From(String),
}

impl MailConfigError {
    pub fn message(&self, l: Lang) -> String {
        match (self, l) {
            (MailConfigError::Url(e), Lang::Es) => format!(
                "--smtp: «{e}». Escriba smtp://servidor:587?tls=required (STARTTLS), smtps://servidor:465 (TLS) o smtp://servidor:25 (sin cifrar, solo en la red local); el usuario va en la dirección (smtp://usuario@servidor:587?tls=required) y la contraseña en AVANCE_SMTP_PASSWORD."
            ),
            (MailConfigError::Url(e), Lang::En) => format!(
                "--smtp: «{e}». Write smtp://server:587?tls=required (STARTTLS), smtps://server:465 (TLS) or smtp://server:25 (unencrypted, local network only); the user goes in the address (smtp://user@server:587?tls=required) and the password in AVANCE_SMTP_PASSWORD."
            ),
            (MailConfigError::From(e), Lang::Es) => {
                format!("--mail-from: «{e}» no es una dirección de correo (por ejemplo: avance@entidad.gob.pe).")
            }
            (MailConfigError::From(e), Lang::En) => {
                format!("--mail-from: «{e}» is not an e-mail address (for example: avance@entity.gob.pe).")
            }
        }
    }
}

/// Why a message was not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    /// Refused for good (the server said so, or the message cannot be built): not retried.
    pub permanent: bool,
    pub detail: String,
}

impl Mailer {
    /// An SMTP server from its URL (`smtp://` with `?tls=required` for STARTTLS or
    /// `?tls=opportunistic`, `smtps://` for TLS, plain `smtp://` only for a local relay), the
    /// password (from the environment, never stored) and the sender.
    pub fn smtp(url: &str, password: Option<&str>, from: &str) -> Result<Mailer, MailConfigError> {
        let parsed = url::Url::parse(url).map_err(|e| MailConfigError::Url(format!("{url}: {e}")))?;
        if !matches!(parsed.scheme(), "smtp" | "smtps") {
            return Err(MailConfigError::Url(format!("{url}: el esquema debe ser smtp o smtps")));
        }
        let host = parsed.host_str().filter(|h| !h.is_empty()).ok_or_else(|| MailConfigError::Url(url.to_string()))?;
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailConfigError::Url(format!("{url}: {e}")))?
            .timeout(Some(Duration::from_secs(30)));
        let user = parsed.username();
        if let Some(p) = password.filter(|p| !p.is_empty()) {
            let user = percent_decode(user);
            builder =
                builder.credentials(lettre::transport::smtp::authentication::Credentials::new(user, p.to_string()));
        }
        let tls = match (parsed.scheme(), parsed.query_pairs().find(|(k, _)| k == "tls").map(|(_, v)| v.into_owned())) {
            ("smtps", _) => "TLS",
            (_, Some(t)) if t == "required" => "STARTTLS",
            (_, Some(t)) if t == "opportunistic" => "STARTTLS si el servidor lo ofrece",
            _ => "sin cifrar",
        };
        let port = parsed.port().unwrap_or(if parsed.scheme() == "smtps" { 465 } else { 25 });
        let from: Mailbox = from.trim().parse().map_err(|_| MailConfigError::From(from.to_string()))?;
        Ok(Mailer::Smtp(Box::new(Smtp { transport: builder.build(), from, server: format!("{host}:{port} ({tls})") })))
    }

    /// Where messages go, for the log and the outbox page.
    pub fn describe(&self, l: Lang) -> String {
        match self {
            Mailer::Smtp(s) => format!("SMTP {} {} {}", s.server, l.pick("desde", "from"), s.from),
            Mailer::Terminal => l
                .pick(
                    "la terminal (--print-mail: los correos se imprimen, no se envían)",
                    "the terminal (--print-mail: messages are printed, not sent)",
                )
                .to_string(),
        }
    }

    async fn send(&self, m: &Mail) -> Result<(), SendError> {
        match self {
            Mailer::Terminal => {
                let mut out = std::io::stdout().lock();
                let rule = "─".repeat(72);
                let _ = writeln!(
                    out,
                    "{rule}\n{} {}\n{} {}\n{} {}\n\n{}{rule}",
                    m.message.lang.pick("Para:", "To:"),
                    m.message.recipient,
                    m.message.lang.pick("Asunto:", "Subject:"),
                    m.message.subject,
                    m.message.lang.pick("Tipo:", "Kind:"),
                    m.message.kind.label(m.message.lang),
                    m.message.text
                );
                let _ = out.flush();
                Ok(())
            }
            Mailer::Smtp(s) => {
                let to: Mailbox = m.message.recipient.parse().map_err(|e| SendError {
                    permanent: true,
                    detail: format!("destinatario «{}»: {e}", m.message.recipient),
                })?;
                let domain = s.from.email.domain().to_string();
                let message = Message::builder()
                    .from(s.from.clone())
                    .to(to)
                    .subject(m.message.subject.clone())
                    .message_id(Some(format!("<avance.{}.{}@{domain}>", m.id, m.created_at.replace([':', '-'], ""))))
                    .multipart(MultiPart::alternative_plain_html(m.message.text.clone(), m.message.html.clone()))
                    .map_err(|e| SendError { permanent: true, detail: e.to_string() })?;
                match s.transport.send(message).await {
                    Ok(_) => Ok(()),
                    Err(e) => Err(SendError { permanent: e.is_permanent(), detail: e.to_string() }),
                }
            }
        }
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(h) = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok())
            && let Ok(b) = u8::from_str_radix(h, 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// An e-mail address as typed: `None` when empty (the user gets no e-mail); else checked.
pub fn check_email(typed: &str) -> Result<Option<String>, AppError> {
    let e = typed.trim();
    if e.is_empty() {
        return Ok(None);
    }
    let ok = e.len() <= 254
        && !e.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'))
        && e.parse::<lettre::Address>().is_ok_and(|a| {
            let d = a.domain();
            d.contains('.') && !d.starts_with('.') && !d.ends_with('.')
        });
    if ok { Ok(Some(e.to_string())) } else { Err(AppError::invalid(Field::Email, Problem::EmailFormat)) }
}

/// What one round of the worker did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NotifyReport {
    /// Reminders and digests written to the outbox.
    pub written: usize,
    pub sent: usize,
    /// Refused for now: tried again later.
    pub retried: usize,
    pub failed: usize,
}

/// The administrator's outbox page.
#[derive(Debug, Clone)]
pub struct OutboxView {
    pub counts: OutboxCounts,
    pub status: Option<MailStatus>,
    /// Newest first, at most [`OUTBOX_PAGE`].
    pub mails: Vec<Mail>,
}

pub const OUTBOX_PAGE: i64 = 200;

/// A user's own e-mail settings, as typed.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    pub email: String,
    /// `es` or `en`.
    pub lang: String,
    /// The daily digest of new submissions: a planning office's choice; for anyone else it stays
    /// as it was.
    pub digest: bool,
}

fn recipient_name(u: &User) -> &str {
    if u.display_name.trim().is_empty() { &u.username } else { &u.display_name }
}

/// The active users of a unit with an e-mail address.
fn unit_users<'a>(users: &'a [User], unit: &str) -> impl Iterator<Item = &'a User> {
    users.iter().filter(move |u| {
        u.active
            && u.role == Role::Unit
            && u.email.is_some()
            && u.scope.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(unit))
    })
}

impl App {
    fn base_url(&self) -> &str {
        self.settings.mail.public_url.trim_end_matches('/')
    }

    /// The messages telling a unit's users that one of its values was returned or approved.
    pub(crate) async fn review_mails(
        &self,
        policy: &avance_core::model::Policy,
        sub: &Submission,
        step: Step,
        reason: &str,
        reviewer: &str,
        unit: Option<&str>,
    ) -> Result<Vec<NewMail>, AppError> {
        let Some(unit) = unit else { return Ok(Vec::new()) };
        let users = self.store.users().await?;
        let name = policy
            .indicators()
            .iter()
            .find(|i| i.code.as_str() == sub.indicator)
            .map(|i| i.name.clone())
            .unwrap_or_default();
        let status = if step == Step::Approve { Status::Approved } else { Status::Returned };
        let kind = if step == Step::Approve { MailKind::Approved } else { MailKind::Returned };
        Ok(unit_users(&users, unit)
            .map(|u| {
                let r = words::reviewed(
                    &words::Reviewed {
                        recipient: recipient_name(u),
                        policy_code: &sub.policy,
                        policy_name: &policy.meta().name,
                        indicator: &sub.indicator,
                        indicator_name: &name,
                        year: sub.year,
                        value: &sub.text,
                        submitted_by: &sub.submitted_by,
                        submitted_at: &sub.submitted_at,
                        reviewer,
                        status,
                        reason: Some(reason.trim()).filter(|r| !r.is_empty()),
                        base_url: self.base_url(),
                    },
                    u.lang,
                );
                new_mail(kind, None, u, r)
            })
            .collect())
    }

    /// Wakes the worker (a message was written).
    pub(crate) fn mail_written(&self) {
        self.mail_wake.notify_one();
    }

    /// Writes the reminders and digests due now that are not written yet. Returns how many.
    pub async fn plan_mail(&self) -> Result<usize, AppError> {
        let now = self.clock.now();
        let at = stamp(now);
        let users = self.store.users().await?;
        let mut mails = self.reminders(&users, &at).await?;
        mails.extend(self.digests(&users, now).await?);
        if mails.is_empty() {
            return Ok(0);
        }
        let n = self.store.enqueue(&mails, &at).await?;
        if n > 0 {
            tracing::info!(count = n, "reminders and digests written to the outbox");
        }
        Ok(n)
    }

    /// A reminder to each user of each unit that still owes values of an open policy-year, at the
    /// step of the plan its deadline has reached.
    async fn reminders(&self, users: &[User], at: &str) -> Result<Vec<NewMail>, AppError> {
        let operator = Actor::operator("avance");
        let plan = &self.settings.mail.plan;
        let mut out = Vec::new();
        for d in self.store.deadlines(None).await? {
            let started = d.opens.as_deref().is_none_or(|o| o <= at);
            let published = d.publication.as_deref().is_some_and(|p| p <= at);
            if !started || published {
                continue;
            }
            let view = match self.reporting_tracking(&operator, Some(&d.policy), Some(&d.year.to_string())).await {
                Ok(v) => v,
                Err(AppError::NotFound(_) | AppError::Invalid { .. }) => continue,
                Err(e) => return Err(e),
            };
            for unit in &view.units {
                let (Some(days), Some(deadline)) = (unit.days, unit.deadline.as_deref()) else { continue };
                if unit.owed() == 0 {
                    continue;
                }
                let Some(step) = plan.step(days) else { continue };
                let owed: Vec<words::Owed<'_>> = unit
                    .indicators
                    .iter()
                    .filter(|i| i.standing.owed())
                    .map(|i| words::Owed { code: &i.code, name: &i.name, standing: i.standing })
                    .collect();
                for u in unit_users(users, &unit.unit) {
                    let r = words::reminder(
                        &words::Reminder {
                            recipient: recipient_name(u),
                            unit: &unit.unit,
                            policy_code: &d.policy,
                            policy_name: &view.policy.meta().name,
                            year: d.year,
                            deadline,
                            days,
                            owed: owed.clone(),
                            base_url: self.base_url(),
                        },
                        u.lang,
                    );
                    let kind = if matches!(step, ReminderStep::Late(_)) { MailKind::Late } else { MailKind::Reminder };
                    // The deadline is in the key: a deadline moved later reminds again.
                    let key = format!(
                        "recordatorio:{}:{}:{}:{}:{}:{}",
                        d.policy,
                        d.year,
                        unit.unit.to_uppercase(),
                        deadline,
                        step.key(),
                        u.username
                    );
                    out.push(new_mail(kind, Some(key), u, r));
                }
            }
        }
        Ok(out)
    }

    /// From the digest hour, each planning office's digest of the submissions of the day before
    /// (Lima days) to the policies of its ministry; none when there were none.
    async fn digests(&self, users: &[User], now: time::OffsetDateTime) -> Result<Vec<NewMail>, AppError> {
        let lima = now.to_offset(avance_report::labels::LIMA);
        if lima.hour() < self.settings.mail.digest_hour {
            return Ok(Vec::new());
        }
        let today = lima.date();
        let Some(yesterday) = today.previous_day() else { return Ok(Vec::new()) };
        let start = |d: time::Date| stamp(d.midnight().assume_offset(avance_report::labels::LIMA));
        let day = format!("{:04}-{:02}-{:02}", yesterday.year(), u8::from(yesterday.month()), yesterday.day());
        let readers: Vec<&User> =
            users.iter().filter(|u| u.active && u.digest && u.role == Role::Planning && u.email.is_some()).collect();
        if readers.is_empty() {
            return Ok(Vec::new());
        }
        let subs = self.store.submissions_between(&start(yesterday), &start(today)).await?;
        if subs.is_empty() {
            return Ok(Vec::new());
        }
        // Where each stands now: the latest submission of its key says it.
        let latest: BTreeMap<(String, String, i64), Status> = self
            .store
            .latest_submissions(None)
            .await?
            .into_iter()
            .map(|s| ((s.policy, s.indicator, s.year), s.status))
            .collect();
        let loaded = self.loaded().await?;
        let mut out = Vec::new();
        for u in readers {
            let ministry = u.scope.as_deref().unwrap_or("");
            let items: Vec<words::DigestItem<'_>> = subs
                .iter()
                .filter(|s| loaded.policies.get(&s.policy).is_some_and(|p| p.meta().ministry.code == ministry))
                .map(|s| words::DigestItem {
                    policy_code: &s.policy,
                    indicator: &s.indicator,
                    year: s.year,
                    value: &s.text,
                    submitted_by: &s.submitted_by,
                    submitted_at: &s.submitted_at,
                    status: if latest.get(&(s.policy.clone(), s.indicator.clone(), s.year)) == Some(&s.status) {
                        s.status
                    } else {
                        match s.status {
                            Status::Submitted => Status::Superseded,
                            other => other,
                        }
                    },
                })
                .collect();
            if items.is_empty() {
                continue;
            }
            let r = words::digest(
                &words::Digest { recipient: recipient_name(u), day: &day, items, base_url: self.base_url() },
                u.lang,
            );
            out.push(new_mail(MailKind::Digest, Some(format!("resumen:{}:{day}", u.username)), u, r));
        }
        Ok(out)
    }

    /// Sends every message due now, one at a time, until none is left.
    pub async fn deliver_due(&self, mailer: &Mailer) -> Result<NotifyReport, AppError> {
        let s = &self.settings.mail;
        let mut report = NotifyReport::default();
        loop {
            let now = self.clock.now();
            let stale = stamp(now - time::Duration::seconds(s.lease_secs));
            let Some(m) = self.store.claim_mail(&stamp(now), &stale).await? else { break };
            let outcome = match mailer.send(&m).await {
                Ok(()) => {
                    report.sent += 1;
                    Delivery::Sent
                }
                Err(e) if !e.permanent && m.attempts < i64::from(s.max_attempts) => {
                    report.retried += 1;
                    let wait = backoff_seconds(u32::try_from(m.attempts).unwrap_or(u32::MAX), s.retry_base_secs);
                    Delivery::Retry { at: stamp(self.clock.now() + time::Duration::seconds(wait)), error: e.detail }
                }
                Err(e) => {
                    report.failed += 1;
                    Delivery::Failed { error: e.detail }
                }
            };
            match &outcome {
                Delivery::Sent => {
                    tracing::info!(id = m.id, kind = m.message.kind.id(), to = %m.message.recipient, "message sent")
                }
                Delivery::Retry { at, error } => {
                    tracing::warn!(id = m.id, attempt = m.attempts, next = %at, error = %error, "message refused for now")
                }
                Delivery::Failed { error } => {
                    tracing::error!(id = m.id, attempt = m.attempts, error = %error, "message failed")
                }
            }
            // A reset link is kept in the outbox only until it is sent (or given up): then the
            // message's secret is blanked out.
            let redacted = (m.message.kind == MailKind::PasswordReset && !matches!(outcome, Delivery::Retry { .. }))
                .then(|| (redact(&m.message.text), redact(&m.message.html)));
            let redacted_refs = redacted.as_ref().map(|(t, h)| (t.as_str(), h.as_str()));
            self.store.finish_mail(m.id, &self.now(), &outcome, redacted_refs).await?;
        }
        Ok(report)
    }

    /// One round of the worker: writes the reminders and digests due, then sends what is due
    /// (`avance notify --once`).
    pub async fn notify_once(&self, mailer: &Mailer) -> Result<NotifyReport, AppError> {
        let written = self.plan_mail().await?;
        Ok(NotifyReport { written, ..self.deliver_due(mailer).await? })
    }

    /// The worker of `avance serve`: a round now, then whenever a message is written or a
    /// minute passes, until `stop` turns true (the round under way ends first).
    pub async fn mail_worker(&self, mailer: Mailer, mut stop: tokio::sync::watch::Receiver<bool>) {
        loop {
            if let Err(e) = self.notify_once(&mailer).await {
                tracing::error!(error = %e, "mail worker round failed");
            }
            if *stop.borrow() {
                break;
            }
            tokio::select! {
                _ = self.mail_wake.notified() => {}
                _ = tokio::time::sleep(Duration::from_secs(60)) => {}
                _ = stop.changed() => break,
            }
        }
    }

    /// The outbox (the administrator): how many messages stand in each status, and the newest
    /// of one status or of all.
    pub async fn outbox(&self, actor: &Actor, status: Option<&str>) -> Result<OutboxView, AppError> {
        self.allow(actor, Action::ManageUsers, &Resource::Site)?;
        let status = status.map(str::trim).filter(|s| !s.is_empty()).and_then(|s| s.parse::<MailStatus>().ok());
        Ok(OutboxView {
            counts: self.store.outbox_counts().await?,
            status,
            mails: self.store.outbox(status, OUTBOX_PAGE).await?,
        })
    }

    /// One message of the outbox and every attempt to send it (the administrator).
    pub async fn outbox_mail(&self, actor: &Actor, id: i64) -> Result<(Mail, Vec<Attempt>), AppError> {
        self.allow(actor, Action::ManageUsers, &Resource::Site)?;
        let m = self.store.mail(id).await?.ok_or(AppError::NotFound(Missing::Mail))?;
        Ok((m, self.store.mail_attempts(id).await?))
    }

    /// Sends a sent or failed message again (the administrator): it is due at once.
    pub async fn resend_mail(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        self.allow(actor, Action::ManageUsers, &Resource::Site)?;
        let m = self.store.mail(id).await?.ok_or(AppError::NotFound(Missing::Mail))?;
        if m.message.kind == MailKind::PasswordReset {
            return Err(AppError::Conflict(crate::ConflictKind::ResetNotResendable));
        }
        let at = self.now();
        let subject = format!("{} #{}", m.message.kind.id(), m.id);
        let detail = format!("{}: {}", m.message.recipient, m.message.subject);
        let entry = NewAudit {
            subject: Some(&subject),
            detail: Some(&detail),
            ..NewAudit::new(&at, &actor.name, avance_core::access::Event::ResendMail)
        };
        self.store.resend_mail(id, &entry).await?;
        self.mail_written();
        Ok(())
    }

    /// Changes a user's e-mail address (the administrator: for a user who has none, or a wrong
    /// one, and so cannot get a reset link); empty removes it.
    pub async fn set_user_email(&self, actor: &Actor, username: &str, email: &str) -> Result<(), AppError> {
        self.allow(actor, Action::ManageUsers, &Resource::Site)?;
        let email = check_email(email)?;
        let at = self.now();
        let detail = format!("{username}: correo {}", email.as_deref().unwrap_or("(ninguno)"));
        let entry = NewAudit {
            detail: Some(&detail),
            ..NewAudit::new(&at, &actor.name, avance_core::access::Event::SetProfile)
        };
        self.store.set_email(username.trim(), email.as_deref(), &entry).await?;
        Ok(())
    }

    /// Changes the actor's own e-mail address, language of e-mails and digest choice.
    pub async fn set_profile(&self, actor: &Actor, p: &Profile) -> Result<User, AppError> {
        let user = actor.user.as_ref().ok_or(AppError::Unauthenticated)?;
        let email = check_email(&p.email)?;
        let lang: Lang = p.lang.trim().parse().map_err(|()| AppError::invalid(Field::Lang, Problem::LangUnknown))?;
        let digest = if user.role == Role::Planning { p.digest } else { user.digest };
        let at = self.now();
        let detail = format!(
            "correo {}; idioma {}; resumen diario {}",
            email.as_deref().unwrap_or("(ninguno)"),
            lang.id(),
            if digest { "sí" } else { "no" }
        );
        let unit = if user.role == Role::Unit { user.scope.as_deref() } else { None };
        let entry = NewAudit {
            detail: Some(&detail),
            unit,
            ..NewAudit::new(&at, &user.username, avance_core::access::Event::SetProfile)
        };
        self.store.set_profile(&user.username, email.as_deref(), lang, digest, &entry).await?;
        self.me(actor).await
    }

    /// The caller's own account as stored now (its e-mail settings included).
    pub async fn me(&self, actor: &Actor) -> Result<User, AppError> {
        let user = actor.user.as_ref().ok_or(AppError::Unauthenticated)?;
        self.store.user_by_name(&user.username).await?.ok_or(AppError::NotFound(Missing::User(user.username.clone())))
    }
}

/// The text of a reset message with its link's secret blanked out.
fn redact(body: &str) -> String {
    match body.split_once("token=") {
        Some((before, after)) => {
            let rest = after.trim_start_matches(|c: char| c.is_ascii_hexdigit());
            format!("{before}token=[{}]{}", "oculto una vez enviado", redact(rest))
        }
        None => body.to_string(),
    }
}

/// A rendered message to a user's address, in the user's language.
pub(crate) fn new_mail(kind: MailKind, key: Option<String>, u: &User, r: words::Rendered) -> NewMail {
    NewMail {
        kind,
        dedup_key: key,
        recipient: u.email.clone().unwrap_or_default(),
        username: Some(u.username.clone()),
        lang: u.lang,
        subject: r.subject,
        text: r.text,
        html: r.html,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn e_mail_addresses() {
        assert_eq!(check_email("  ana.perez@midis.gob.pe ").ok(), Some(Some("ana.perez@midis.gob.pe".to_string())));
        assert_eq!(check_email("").ok(), Some(None));
        for bad in
            ["ana", "ana@", "@midis.gob.pe", "ana@localhost", "ana perez@midis.gob.pe", "a@b.pe, c@d.pe", "<a@b.pe>"]
        {
            assert!(
                matches!(
                    check_email(bad),
                    Err(AppError::Invalid { field: Field::Email, problem: Problem::EmailFormat })
                ),
                "{bad}"
            );
        }
        assert!(check_email(&format!("{}@midis.gob.pe", "a".repeat(250))).is_err());
    }

    #[test]
    fn smtp_configuration_is_checked() {
        assert!(matches!(Mailer::smtp("http://x:25", None, "a@b.pe"), Err(MailConfigError::Url(_))));
        assert!(matches!(
            Mailer::smtp("smtp://mail.example.pe:587?tls=required", None, "no es"),
            Err(MailConfigError::From(_))
        ));
        let m = Mailer::smtp(
            "smtp://avance%40x@mail.example.pe:587?tls=required",
            Some("s3cr3t"),
            "Avance <avance@x.gob.pe>",
        )
        .unwrap();
        assert_eq!(m.describe(Lang::Es), "SMTP mail.example.pe:587 (STARTTLS) desde Avance <avance@x.gob.pe>");
        assert_eq!(percent_decode("avance%40x"), "avance@x");
    }

    #[test]
    fn a_sent_reset_link_is_blanked_out() {
        let text =
            "abra https://a.gob.pe/restablecer?token=0a9f\n<a href=\"https://a.gob.pe/restablecer?token=0a9f\">x</a>";
        assert_eq!(
            redact(text),
            "abra https://a.gob.pe/restablecer?token=[oculto una vez enviado]\n<a href=\"https://a.gob.pe/restablecer?token=[oculto una vez enviado]\">x</a>"
        );
    }
}
