//! E-mail notices: what kinds there are, where a message stands in the outbox, when a unit is
//! reminded of its deadline, and how long a worker waits before trying a refused message again.
//! Pure rules; the outbox is kept by the store and the messages are worded by the report crate.

use std::str::FromStr;

use crate::lang::Lang;

/// What a message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MailKind {
    /// To a unit with values still owed, some days before its deadline.
    Reminder,
    /// To a unit past its deadline with values still owed.
    Late,
    /// To a unit: the planning office returned a value, with its reason.
    Returned,
    /// To a unit: the planning office approved a value.
    Approved,
    /// To a planning office: the day's new submissions.
    Digest,
    /// To a user who asked for it: a link to choose a new password.
    PasswordReset,
}

impl MailKind {
    pub const ALL: [MailKind; 6] = [
        MailKind::Reminder,
        MailKind::Late,
        MailKind::Returned,
        MailKind::Approved,
        MailKind::Digest,
        MailKind::PasswordReset,
    ];

    pub fn id(self) -> &'static str {
        match self {
            MailKind::Reminder => "reminder",
            MailKind::Late => "late",
            MailKind::Returned => "returned",
            MailKind::Approved => "approved",
            MailKind::Digest => "digest",
            MailKind::PasswordReset => "password_reset",
        }
    }

    pub fn label(self, l: Lang) -> &'static str {
        match self {
            MailKind::Reminder => l.pick("Recordatorio de plazo", "Deadline reminder"),
            MailKind::Late => l.pick("Plazo vencido", "Deadline passed"),
            MailKind::Returned => l.pick("Valor devuelto", "Value returned"),
            MailKind::Approved => l.pick("Valor aprobado", "Value approved"),
            MailKind::Digest => l.pick("Resumen diario", "Daily digest"),
            MailKind::PasswordReset => l.pick("Restablecer contraseña", "Password reset"),
        }
    }
}

impl FromStr for MailKind {
    type Err = String;
    fn from_str(s: &str) -> Result<MailKind, String> {
        MailKind::ALL.into_iter().find(|k| k.id() == s).ok_or_else(|| format!("unknown kind of message «{s}»"))
    }
}

/// Where a message stands in the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MailStatus {
    /// Waiting to be sent (at its next attempt's time).
    Pending,
    /// Taken by a worker, which is sending it now.
    Sending,
    Sent,
    /// Given up after its attempts, refused for good, or interrupted while it was being sent (it
    /// may or may not have arrived): the administrator may send it again.
    Failed,
}

impl MailStatus {
    pub const ALL: [MailStatus; 4] = [MailStatus::Pending, MailStatus::Sending, MailStatus::Sent, MailStatus::Failed];

    pub fn id(self) -> &'static str {
        match self {
            MailStatus::Pending => "pending",
            MailStatus::Sending => "sending",
            MailStatus::Sent => "sent",
            MailStatus::Failed => "failed",
        }
    }

    pub fn label(self, l: Lang) -> &'static str {
        match self {
            MailStatus::Pending => l.pick("Por enviar", "Pending"),
            MailStatus::Sending => l.pick("Enviándose", "Sending"),
            MailStatus::Sent => l.pick("Enviado", "Sent"),
            MailStatus::Failed => l.pick("Fallido", "Failed"),
        }
    }
}

impl FromStr for MailStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<MailStatus, String> {
        MailStatus::ALL.into_iter().find(|k| k.id() == s).ok_or_else(|| format!("unknown message status «{s}»"))
    }
}

/// When units are reminded of their deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderPlan {
    /// Days before the deadline's day when a unit that still owes values is reminded (each once).
    pub before: Vec<i64>,
    /// Once late, a unit is reminded on the first day after its deadline, then every this many days…
    pub late_every: i64,
    /// …until this many days after the deadline.
    pub late_until: i64,
}

impl Default for ReminderPlan {
    fn default() -> ReminderPlan {
        ReminderPlan { before: vec![7, 3, 1], late_every: 7, late_until: 28 }
    }
}

/// The reminder step a unit has reached, which names its message: each step is sent once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReminderStep {
    /// The year is open and the deadline is further away than the first days-before point: the
    /// unit is told once what it owes and until when.
    Opened,
    /// The `n` days-before point (one of [`ReminderPlan::before`]) has been reached.
    Before(i64),
    /// The `k`-th late reminder (0 the day after the deadline).
    Late(i64),
}

impl ReminderStep {
    /// The part of the message's key that names the step.
    pub fn key(self) -> String {
        match self {
            ReminderStep::Opened => "apertura".to_string(),
            ReminderStep::Before(n) => format!("antes-{n}"),
            ReminderStep::Late(k) => format!("vencido-{k}"),
        }
    }
}

impl ReminderPlan {
    /// The step reached by a unit whose deadline's day is `days` away (0: today is the last day;
    /// negative: late): the opening notice while the deadline is further than every days-before
    /// point, then the nearest point not yet passed, then the latest late step; `None` when it is
    /// too late to remind. A worker that did not run for a while sends only the step reached, not
    /// the ones it missed.
    pub fn step(&self, days: i64) -> Option<ReminderStep> {
        if days >= 0 {
            let reached = self.before.iter().copied().filter(|&n| n >= days && n >= 0).min();
            Some(reached.map_or(ReminderStep::Opened, ReminderStep::Before))
        } else {
            let late = -days;
            if late > self.late_until || self.late_every < 1 {
                return None;
            }
            Some(ReminderStep::Late((late - 1) / self.late_every))
        }
    }
}

/// How long to wait before the next attempt after `attempts` failed ones: a minute, doubling each
/// time, at most six hours.
pub fn backoff_seconds(attempts: u32, base: i64) -> i64 {
    let doubled = base.saturating_mul(1_i64 << attempts.saturating_sub(1).min(20));
    doubled.min(6 * 3600).max(base.min(6 * 3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reminder_steps() {
        let p = ReminderPlan::default();
        assert_eq!(p.step(90), Some(ReminderStep::Opened));
        assert_eq!(p.step(8), Some(ReminderStep::Opened));
        assert_eq!(p.step(7), Some(ReminderStep::Before(7)));
        assert_eq!(p.step(5), Some(ReminderStep::Before(7)));
        assert_eq!(p.step(3), Some(ReminderStep::Before(3)));
        assert_eq!(p.step(1), Some(ReminderStep::Before(1)));
        // The last day: the 1-day point was reached yesterday; it is still the step (sent once).
        assert_eq!(p.step(0), Some(ReminderStep::Before(1)));
        assert_eq!(p.step(-1), Some(ReminderStep::Late(0)));
        assert_eq!(p.step(-7), Some(ReminderStep::Late(0)));
        assert_eq!(p.step(-8), Some(ReminderStep::Late(1)));
        assert_eq!(p.step(-28), Some(ReminderStep::Late(3)));
        assert_eq!(p.step(-29), None);
        let same_day = ReminderPlan { before: vec![0], ..ReminderPlan::default() };
        assert_eq!(same_day.step(0), Some(ReminderStep::Before(0)));
        assert_eq!(same_day.step(1), Some(ReminderStep::Opened));
        assert_eq!(ReminderStep::Opened.key(), "apertura");
        assert_eq!(ReminderStep::Late(2).key(), "vencido-2");
    }

    #[test]
    fn backoff_doubles_up_to_six_hours() {
        assert_eq!(backoff_seconds(1, 60), 60);
        assert_eq!(backoff_seconds(2, 60), 120);
        assert_eq!(backoff_seconds(4, 60), 480);
        assert_eq!(backoff_seconds(12, 60), 6 * 3600);
        assert_eq!(backoff_seconds(200, 60), 6 * 3600);
        assert_eq!(backoff_seconds(1, 1), 1);
    }

    #[test]
    fn kinds_and_statuses_read_back() {
        for k in MailKind::ALL {
            assert_eq!(k.id().parse::<MailKind>(), Ok(k));
        }
        for s in MailStatus::ALL {
            assert_eq!(s.id().parse::<MailStatus>(), Ok(s));
        }
        assert!("x".parse::<MailStatus>().is_err());
    }
}
