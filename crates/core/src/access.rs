//! Who may do what: the roles of the web application and its API, the one authorization rule
//! ([`can`]), and the reporting workflow (submit, approve, return; deadlines and exceptions).
//!
//! Every use case of the application layer (`avance-app`) asks [`can`] once; nothing else decides.
//!
//! **The administrator rule.** The administrator may do everything a planning office may, on every
//! policy, and alone manages users, deadlines, exceptions and data loads; but the administrator
//! does not report actuals: a value is reported by the unit that answers for it, so that whoever
//! approves a value never wrote it (separation of duties).

use std::fmt;
use std::str::FromStr;

use crate::lang::Lang;

/// A role. The public is whoever is not logged in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Manages users, reporting deadlines, exceptions and data loads, and may do what any planning
    /// office may; reports no actuals (see the module's administrator rule).
    Admin,
    /// The planning office of a conducting ministry: its policies.
    Planning,
    /// A responsible unit: the indicators it answers for.
    Unit,
    Public,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Planning, Role::Unit, Role::Public];

    pub fn id(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Planning => "planning",
            Role::Unit => "unit",
            Role::Public => "public",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Role::Admin => lang.pick("Administrador", "Administrator"),
            Role::Planning => lang.pick("Oficina de planeamiento", "Planning office"),
            Role::Unit => lang.pick("Unidad responsable", "Responsible unit"),
            Role::Public => lang.pick("Público", "Public"),
        }
    }

    /// Whether a user of this role must name its scope: a ministry code for the planning office, a
    /// unit for a responsible unit.
    pub fn needs_scope(self) -> bool {
        matches!(self, Role::Planning | Role::Unit)
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Role, String> {
        Role::ALL
            .into_iter()
            .find(|r| r.id() == s)
            .ok_or_else(|| format!("rol desconocido «{s}»: se esperaba admin, planning, unit o public"))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Who is acting: a role and, for the planning office and units, what it answers for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub role: Role,
    /// The conducting ministry's code (planning office) or the unit's name (responsible unit).
    pub scope: Option<String>,
}

impl Principal {
    pub const PUBLIC: Principal = Principal { role: Role::Public, scope: None };

    pub fn new(role: Role, scope: Option<&str>) -> Principal {
        Principal { role, scope: scope.map(str::to_string) }
    }
}

/// What may be done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Dashboards, policy and indicator pages, downloads, read API.
    View,
    /// Enter an actual value and submit it for approval.
    ReportActual,
    /// Approve or return a submitted value.
    Review,
    /// Change a target (with a justification).
    ChangeTarget,
    /// Read the audit log.
    ViewAuditLog,
    /// Set reporting deadlines and grant exceptions to units.
    ManageDeadlines,
    /// Create users and change their roles.
    ManageUsers,
    /// Publish a policy-year: freeze its inputs, rules and figures.
    Publish,
    /// Load a dataset into the database (a new change set of the policy's content).
    LoadData,
    /// Record an activity's monthly physical execution in an entity's POI.
    RecordExecution,
}

impl Action {
    pub const ALL: [Action; 10] = [
        Action::View,
        Action::ReportActual,
        Action::Review,
        Action::ChangeTarget,
        Action::ViewAuditLog,
        Action::ManageDeadlines,
        Action::ManageUsers,
        Action::Publish,
        Action::LoadData,
        Action::RecordExecution,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Action::View => "view",
            Action::ReportActual => "report_actual",
            Action::Review => "review",
            Action::ChangeTarget => "change_target",
            Action::ViewAuditLog => "view_audit_log",
            Action::ManageDeadlines => "manage_deadlines",
            Action::ManageUsers => "manage_users",
            Action::Publish => "publish",
            Action::LoadData => "load_data",
            Action::RecordExecution => "record_execution",
        }
    }
}

/// What an action is done on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource<'a> {
    /// The whole site (users, deadlines, the audit log of everything).
    Site,
    /// A policy, by its conducting ministry's code.
    Policy { ministry: &'a str },
    /// An indicator: its policy's conducting ministry and its responsible unit(s) as written.
    Indicator { ministry: &'a str, responsible: &'a str },
    /// An entity's institutional plans (PEI, POI), by the entity's code.
    Entity { code: &'a str },
}

impl Resource<'_> {
    fn ministry(&self) -> Option<&str> {
        match self {
            Resource::Site | Resource::Entity { .. } => None,
            Resource::Policy { ministry } | Resource::Indicator { ministry, .. } => Some(ministry),
        }
    }
}

/// Whether `unit` is among the responsible units of an indicator. Joint responsibility is written
/// `PNTE - ITP` or `CONCYTEC - DGPAR` (also with `/`, `,` or `;`); names compare without regard to
/// case or surrounding spaces.
pub fn is_responsible(responsible: &str, unit: &str) -> bool {
    let unit = unit.trim();
    !unit.is_empty() && responsible_units(responsible).any(|p| p.eq_ignore_ascii_case(unit))
}

/// The units named in an indicator's responsible field (`PNTE - ITP` → `PNTE`, `ITP`), trimmed,
/// empty parts left out, in the order written.
pub fn responsible_units(responsible: &str) -> impl Iterator<Item = &str> {
    responsible.split([',', ';', '/']).flat_map(|p| p.split(" - ")).map(str::trim).filter(|p| !p.is_empty())
}

/// The authorization rule: whether `who` may do `action` on `on`.
///
/// - The public and every role may view.
/// - A responsible unit reports actuals of the indicators it answers for.
/// - A planning office reviews, changes targets, publishes and reads the audit log of the
///   policies its ministry conducts.
/// - The planning office of an entity (its scope is the entity's code) records the monthly
///   execution of the entity's POI.
/// - The administrator may do what any planning office may, on every policy and on the whole
///   site, and alone manages users, deadlines, exceptions and data loads; it reports no actuals
///   and records no execution (those who answer for the figures enter them).
pub fn can(who: &Principal, action: Action, on: &Resource<'_>) -> bool {
    let scope = who.scope.as_deref().unwrap_or("");
    match (who.role, action) {
        (_, Action::View) => true,
        (Role::Admin, Action::ReportActual | Action::RecordExecution) => false,
        (Role::Admin, _) => true,
        (Role::Public, _) => false,
        (Role::Unit, Action::ReportActual) => match on {
            Resource::Indicator { responsible, .. } => is_responsible(responsible, scope),
            _ => false,
        },
        (Role::Unit, _) => false,
        // An entity's plans (PEI, POI) are published by the entity's planning office.
        (Role::Planning, Action::Publish) if matches!(on, Resource::Entity { .. }) => {
            matches!(on, Resource::Entity { code } if !scope.is_empty() && code.eq_ignore_ascii_case(scope))
        }
        (Role::Planning, Action::Review | Action::ChangeTarget | Action::ViewAuditLog | Action::Publish) => {
            on.ministry().is_some_and(|m| !scope.is_empty() && m.eq_ignore_ascii_case(scope))
        }
        (Role::Planning, Action::RecordExecution) => match on {
            Resource::Entity { code } => !scope.is_empty() && code.eq_ignore_ascii_case(scope),
            _ => false,
        },
        (Role::Planning, _) => false,
    }
}

/// What the audit log records: every action of the application that changes something, and the
/// attempts it refuses that an operator must see. Stored by its [`Event::id`]; its words for
/// people are in `avance-report` (`labels::event`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Event {
    Login,
    LoginFailed,
    /// A login not even tried: too many recent failures for the account or the client address.
    LoginRefused,
    /// The failure that locked an account or a client address out for a while.
    LockedOut,
    Logout,
    Submit,
    Approve,
    Return,
    ChangeTarget,
    CreateUser,
    ActivateUser,
    DeactivateUser,
    SetPassword,
    SetDeadline,
    GrantException,
    CreateToken,
    RevokeToken,
    Load,
    Publish,
    /// A user's own e-mail address, language of e-mails or digest choice changed.
    SetProfile,
    /// Someone asked for a password-reset link (for an account that may or may not exist).
    RequestReset,
    /// A password chosen through a reset link.
    ResetPassword,
    /// The administrator sent a message of the outbox again.
    ResendMail,
    /// An entity's POI loaded from a file.
    LoadPoi,
    /// An activity's monthly execution recorded (or removed) in a POI.
    RecordExecution,
    /// An entity's PEI loaded from a file.
    LoadPei,
    /// An indicator's valor obtenido of a year recorded (or removed) in a PEI.
    RecordPeiValue,
}

impl Event {
    pub const ALL: [Event; 27] = [
        Event::Login,
        Event::LoginFailed,
        Event::LoginRefused,
        Event::LockedOut,
        Event::Logout,
        Event::Submit,
        Event::Approve,
        Event::Return,
        Event::ChangeTarget,
        Event::CreateUser,
        Event::ActivateUser,
        Event::DeactivateUser,
        Event::SetPassword,
        Event::SetDeadline,
        Event::GrantException,
        Event::CreateToken,
        Event::RevokeToken,
        Event::Load,
        Event::Publish,
        Event::SetProfile,
        Event::RequestReset,
        Event::ResetPassword,
        Event::ResendMail,
        Event::LoadPoi,
        Event::RecordExecution,
        Event::LoadPei,
        Event::RecordPeiValue,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Event::Login => "login",
            Event::LoginFailed => "login_failed",
            Event::LoginRefused => "login_refused",
            Event::LockedOut => "locked_out",
            Event::Logout => "logout",
            Event::Submit => "submit",
            Event::Approve => "approve",
            Event::Return => "return",
            Event::ChangeTarget => "change_target",
            Event::CreateUser => "create_user",
            Event::ActivateUser => "activate_user",
            Event::DeactivateUser => "deactivate_user",
            Event::SetPassword => "set_password",
            Event::SetDeadline => "set_deadline",
            Event::GrantException => "grant_exception",
            Event::CreateToken => "create_token",
            Event::RevokeToken => "revoke_token",
            Event::Load => "load",
            Event::Publish => "publish",
            Event::SetProfile => "set_profile",
            Event::RequestReset => "request_reset",
            Event::ResetPassword => "reset_password",
            Event::ResendMail => "resend_mail",
            Event::LoadPoi => "load_poi",
            Event::RecordExecution => "record_execution",
            Event::LoadPei => "load_pei",
            Event::RecordPeiValue => "record_pei_value",
        }
    }
}

impl FromStr for Event {
    type Err = String;
    fn from_str(s: &str) -> Result<Event, String> {
        Event::ALL.into_iter().find(|e| e.id() == s).ok_or_else(|| format!("unknown audit action «{s}»"))
    }
}

/// Where a reported value stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Sent by the unit, waiting for the planning office.
    Submitted,
    /// Accepted: the value is the indicator's actual, and locked.
    Approved,
    /// Sent back with a reason; the unit may correct and submit again.
    Returned,
    /// Replaced by a later submission of the same indicator-year before it was reviewed.
    Superseded,
}

impl Status {
    pub fn id(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::Approved => "approved",
            Status::Returned => "returned",
            Status::Superseded => "superseded",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Status::Submitted => lang.pick("Enviado, por revisar", "Submitted, awaiting review"),
            Status::Approved => lang.pick("Aprobado", "Approved"),
            Status::Returned => lang.pick("Devuelto", "Returned"),
            Status::Superseded => lang.pick("Reemplazado por un envío posterior", "Superseded by a later submission"),
        }
    }
}

/// Where the year's value of one indicator stands in the reporting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Standing {
    /// Neither submitted nor in the data: the unit owes it.
    Due,
    /// Sent back to the unit with a reason: the unit owes it again.
    Returned,
    /// Submitted, waiting for review.
    Submitted,
    /// Approved.
    Approved,
    /// Not submitted through the application, but the year's actual is in the data already (loaded
    /// by the planning office).
    InData,
}

impl Standing {
    /// In the order of the page's and the CSV's columns.
    pub const ALL: [Standing; 5] =
        [Standing::Due, Standing::Returned, Standing::Submitted, Standing::Approved, Standing::InData];

    pub fn id(self) -> &'static str {
        match self {
            Standing::Due => "por_reportar",
            Standing::Returned => "devuelto",
            Standing::Submitted => "por_revisar",
            Standing::Approved => "aprobado",
            Standing::InData => "en_los_datos",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Standing::Due => lang.pick("por reportar", "due"),
            Standing::Returned => lang.pick("devuelto", "returned"),
            Standing::Submitted => lang.pick("enviado, por revisar", "submitted, awaiting review"),
            Standing::Approved => lang.pick("aprobado", "approved"),
            Standing::InData => lang.pick("ya en los datos", "already in the data"),
        }
    }

    /// Where a value stands from its latest submission's status (if any) and whether the year's
    /// actual is already in the data.
    pub fn of(latest: Option<Status>, in_data: bool) -> Standing {
        match latest {
            Some(Status::Approved) => Standing::Approved,
            Some(Status::Returned) => Standing::Returned,
            Some(Status::Submitted | Status::Superseded) => Standing::Submitted,
            None if in_data => Standing::InData,
            None => Standing::Due,
        }
    }

    /// Whether the unit still has to send this value.
    pub fn owed(self) -> bool {
        matches!(self, Standing::Due | Standing::Returned)
    }
}

impl FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Status, String> {
        [Status::Submitted, Status::Approved, Status::Returned, Status::Superseded]
            .into_iter()
            .find(|x| x.id() == s)
            .ok_or_else(|| format!("estado desconocido «{s}»"))
    }
}

/// A step of the reporting workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Submit,
    Approve,
    Return,
}

/// Why a step cannot be taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkflowError {
    /// The value was approved: it is locked.
    Locked,
    /// Only a submitted value can be approved or returned.
    NotSubmitted,
    /// The year is closed for this unit (deadline passed, no exception).
    Closed,
    /// Returning needs a reason; changing a target needs a justification.
    ReasonRequired,
    /// A later submission of the same indicator-year replaced this one: that one is reviewed.
    Superseded,
}

impl WorkflowError {
    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            WorkflowError::Locked => lang
                .pick("el valor ya fue aprobado y está bloqueado", "the value has already been approved and is locked"),
            WorkflowError::NotSubmitted => {
                lang.pick("solo se puede revisar un valor enviado", "only a submitted value can be reviewed")
            }
            WorkflowError::Closed => lang.pick(
                "el plazo de reporte de este año venció y la unidad no tiene una excepción vigente",
                "the reporting deadline for this year has passed and the unit has no current exception",
            ),
            WorkflowError::ReasonRequired => lang.pick("indique el motivo", "give the reason"),
            WorkflowError::Superseded => lang.pick(
                "la unidad envió después otro valor para este indicador y año: revise el envío más reciente",
                "the unit has since sent another value for this indicator and year: review the latest submission",
            ),
        }
    }
}

/// The workflow's transitions: from where a value stands (`None`: never submitted), the step
/// gives the new status, or why it cannot be taken.
///
/// A submission made while an earlier one still waits for review replaces it: the earlier one
/// becomes [`Status::Superseded`] (see [`supersedes`]) and can no longer be reviewed.
pub fn transition(current: Option<Status>, step: Step) -> Result<Status, WorkflowError> {
    match (current, step) {
        (Some(Status::Approved), _) => Err(WorkflowError::Locked),
        (None | Some(Status::Returned | Status::Submitted | Status::Superseded), Step::Submit) => Ok(Status::Submitted),
        (Some(Status::Submitted), Step::Approve) => Ok(Status::Approved),
        (Some(Status::Submitted), Step::Return) => Ok(Status::Returned),
        (Some(Status::Superseded), Step::Approve | Step::Return) => Err(WorkflowError::Superseded),
        (None | Some(Status::Returned), Step::Approve | Step::Return) => Err(WorkflowError::NotSubmitted),
    }
}

/// Whether a new submission over the latest one (`current`) leaves that one superseded: it was
/// still waiting for review.
pub fn supersedes(current: Option<Status>) -> bool {
    current == Some(Status::Submitted)
}

/// Whether a unit may report for a year at instant `now`: from the year's opening (when one is
/// set; an exception does not open a year early) and before the year's deadline, or before the
/// end of an exception granted to it. Instants compare as RFC 3339 UTC texts of the same shape, or
/// any totally ordered representation; a year without a deadline nor exception is not open.
pub fn reporting_open<T: PartialOrd>(
    now: &T,
    opens: Option<&T>,
    deadline: Option<&T>,
    exception_until: Option<&T>,
) -> bool {
    opens.is_none_or(|o| now >= o) && (deadline.is_some_and(|d| now <= d) || exception_until.is_some_and(|e| now <= e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joint_responsibility() {
        assert!(is_responsible("PNTE - ITP", "ITP"));
        assert!(is_responsible("PNTE - ITP", "pnte"));
        assert!(is_responsible("CONCYTEC - DGPAR", "DGPAR"));
        assert!(!is_responsible("DGPAR", "PAR"));
        assert!(!is_responsible("DGPAR", ""));
        assert!(!is_responsible("PNTE-ITP", "ITP"));
        assert_eq!(responsible_units(" PNTE - ITP ").collect::<Vec<_>>(), ["PNTE", "ITP"]);
        assert_eq!(responsible_units("A; B/ C ,").collect::<Vec<_>>(), ["A", "B", "C"]);
    }

    #[test]
    fn the_matrix() {
        let unit = Principal::new(Role::Unit, Some("DGDE"));
        let planning = Principal::new(Role::Planning, Some("038"));
        let admin = Principal::new(Role::Admin, None);
        let own = Resource::Indicator { ministry: "038", responsible: "DGDE" };
        let other = Resource::Indicator { ministry: "010", responsible: "ITP" };
        assert!(can(&unit, Action::ReportActual, &own));
        assert!(!can(&unit, Action::ReportActual, &other));
        assert!(!can(&unit, Action::Review, &own));
        assert!(can(&planning, Action::Review, &own));
        assert!(!can(&planning, Action::Review, &other));
        assert!(!can(&planning, Action::ReportActual, &own));
        assert!(!can(&planning, Action::ManageUsers, &Resource::Site));
        assert!(can(&admin, Action::ManageUsers, &Resource::Site));
        // The administrator rule: everything but reporting actuals.
        assert!(!can(&admin, Action::ReportActual, &own));
        assert!(can(&admin, Action::Review, &other));
        assert!(can(&admin, Action::Publish, &Resource::Policy { ministry: "010" }));
        assert!(can(&planning, Action::Publish, &Resource::Policy { ministry: "038" }));
        // An entity's plans: its own office publishes them, no other.
        assert!(can(&planning, Action::Publish, &Resource::Entity { code: "038" }));
        assert!(!can(&planning, Action::Publish, &Resource::Entity { code: "IGP" }));
        assert!(!can(&unit, Action::Publish, &Resource::Entity { code: "DGDE" }));
        assert!(!can(&planning, Action::LoadData, &Resource::Site));
        assert!(!can(&Principal::PUBLIC, Action::ReportActual, &own));
        assert!(can(&Principal::PUBLIC, Action::View, &other));
        // An entity's planning office records its POI's execution; nobody else does, not even
        // the administrator.
        let office = Principal::new(Role::Planning, Some("IGP"));
        assert!(can(&office, Action::RecordExecution, &Resource::Entity { code: "igp" }));
        assert!(!can(&office, Action::RecordExecution, &Resource::Entity { code: "INEI" }));
        assert!(!can(&admin, Action::RecordExecution, &Resource::Entity { code: "IGP" }));
        assert!(!can(&unit, Action::RecordExecution, &Resource::Entity { code: "DGDE" }));
        assert!(!can(&planning, Action::RecordExecution, &own));
        // A planning office without a ministry answers for nothing.
        assert!(!can(&Principal::new(Role::Planning, None), Action::Review, &Resource::Policy { ministry: "" }));
    }

    #[test]
    fn workflow() {
        assert_eq!(transition(None, Step::Submit), Ok(Status::Submitted));
        assert_eq!(transition(Some(Status::Submitted), Step::Approve), Ok(Status::Approved));
        assert_eq!(transition(Some(Status::Submitted), Step::Return), Ok(Status::Returned));
        assert_eq!(transition(Some(Status::Returned), Step::Submit), Ok(Status::Submitted));
        assert_eq!(transition(Some(Status::Approved), Step::Submit), Err(WorkflowError::Locked));
        assert_eq!(transition(Some(Status::Superseded), Step::Approve), Err(WorkflowError::Superseded));
        assert_eq!(transition(Some(Status::Superseded), Step::Return), Err(WorkflowError::Superseded));
        assert!(supersedes(Some(Status::Submitted)));
        assert!(!supersedes(Some(Status::Returned)) && !supersedes(None));
        assert_eq!(transition(None, Step::Approve), Err(WorkflowError::NotSubmitted));
        // Where a value stands for the reporting follow-up.
        assert_eq!(Standing::of(None, false), Standing::Due);
        assert_eq!(Standing::of(None, true), Standing::InData);
        assert_eq!(Standing::of(Some(Status::Returned), true), Standing::Returned);
        assert_eq!(Standing::of(Some(Status::Superseded), false), Standing::Submitted);
        assert!(Standing::Due.owed() && Standing::Returned.owed() && !Standing::InData.owed());
        assert!(reporting_open(&"2025-03-01", None, Some(&"2025-03-31"), None));
        assert!(!reporting_open(&"2025-04-01", None, Some(&"2025-03-31"), None));
        assert!(reporting_open(&"2025-04-01", None, Some(&"2025-03-31"), Some(&"2025-04-15")));
        assert!(!reporting_open(&"2025-04-01", None, None, None));
        // Before the opening, not even an exception opens the year.
        assert!(!reporting_open(&"2025-01-15", Some(&"2025-02-01"), Some(&"2025-03-31"), Some(&"2025-04-15")));
        assert!(reporting_open(&"2025-02-01", Some(&"2025-02-01"), Some(&"2025-03-31"), None));
    }
}
