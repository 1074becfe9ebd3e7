//! What a use case answers when it cannot do what was asked: a typed error that each face (web
//! page, API, command line) turns into its own answer, with the message worded here once.

use avance_core::access::WorkflowError;
use avance_core::lang::Lang;
use avance_core::value::{Unit, ValueError};
use avance_store::StoreError;

/// The field of a request an [`AppError::Invalid`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Policy,
    Indicator,
    Year,
    Value,
    Comment,
    Evidence,
    Justification,
    Reason,
    Date,
    Unit,
    Username,
    Name,
    Role,
    Scope,
    Password,
    /// The current password, when changing it.
    CurrentPassword,
    Label,
    /// An e-mail address.
    Email,
    /// The language of a user's e-mails.
    Lang,
    /// The new password typed a second time.
    Confirm,
    /// The list of a bulk call.
    Items,
    /// A date of the reporting calendar other than the deadline.
    Calendar(CalendarDate),
    /// A rule profile.
    Profile,
    /// A month of a POI.
    Month,
}

/// The dates of a policy-year's reporting calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarDate {
    Opens,
    Deadline,
    ReviewUntil,
    Publication,
}

impl CalendarDate {
    pub fn id(self) -> &'static str {
        match self {
            CalendarDate::Opens => "opens",
            CalendarDate::Deadline => "date",
            CalendarDate::ReviewUntil => "review_until",
            CalendarDate::Publication => "publication",
        }
    }

    /// Its name as a field label.
    pub fn label(self, l: Lang) -> &'static str {
        match self {
            CalendarDate::Opens => l.pick("Apertura", "Opening"),
            CalendarDate::Deadline => l.pick("Plazo de reporte", "Reporting deadline"),
            CalendarDate::ReviewUntil => l.pick("Fin de la revisión", "End of review"),
            CalendarDate::Publication => l.pick("Publicación", "Publication"),
        }
    }
}

impl Field {
    /// The field's name in the API (`{"error": {"field": …}}`).
    pub fn id(self) -> &'static str {
        match self {
            Field::Policy => "policy",
            Field::Indicator => "indicator",
            Field::Year => "year",
            Field::Value => "value",
            Field::Comment => "comment",
            Field::Evidence => "evidence",
            Field::Justification => "justification",
            Field::Reason => "reason",
            Field::Date => "date",
            Field::Unit => "unit",
            Field::Username => "username",
            Field::Name => "name",
            Field::Role => "role",
            Field::Scope => "scope",
            Field::Password => "password",
            Field::CurrentPassword => "current_password",
            Field::Label => "label",
            Field::Email => "email",
            Field::Lang => "lang",
            Field::Confirm => "confirm",
            Field::Items => "items",
            Field::Calendar(d) => d.id(),
            Field::Profile => "profile",
            Field::Month => "month",
        }
    }
}

/// What is wrong with a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A value that does not parse for the indicator's unit of measure.
    Value(ValueError, Unit),
    /// A year that is not one of the policy's (as written).
    NotAYearOfThePolicy(String),
    /// A policy that does not exist (as written).
    NoSuchPolicy(String),
    CommentTooLong,
    EvidenceLink,
    JustificationTooShort,
    ReasonRequired,
    DateFormat,
    UnitAndReasonRequired,
    UsernameFormat,
    NameRequired,
    RoleUnknown,
    ScopeRequired,
    PasswordTooShort,
    /// The current password typed is not the account's.
    WrongPassword,
    /// The new password is the current one.
    SamePassword,
    /// A scope that names no ministry (planning office) or unit (responsible unit) of the loaded
    /// policies.
    ScopeUnknown {
        role: avance_core::access::Role,
        scope: String,
    },
    TokenLabel,
    /// The administrator tried to deactivate its own account.
    OwnAccount,
    /// The audit log's dates.
    FilterDates,
    /// A bulk call with no item or more than the most it takes.
    ItemCount(usize),
    /// The same indicator-year twice in one bulk call.
    RepeatedItem,
    /// A calendar date that is not `AAAA-MM-DD`.
    CalendarDateFormat(CalendarDate),
    /// Two calendar dates out of order: the first must not be after the second.
    CalendarOrder(CalendarDate, CalendarDate),
    /// Not an e-mail address one can send to.
    EmailFormat,
    LangUnknown,
    /// The new password and its confirmation differ.
    PasswordsDiffer,
    /// A profile that is not one of the POI's (as written).
    PoiProfileUnknown(String),
    /// A month outside 1 to 12, or a period whose first month is after its last.
    MonthRange,
    /// A profile that is not one of the PEI's (as written).
    PeiProfileUnknown(String),
    /// A follow-up year outside the PEI's period (the year, the period's first and last).
    PeiYear(u16, u16, u16),
    /// A valor obtenido of a year that has not begun.
    PeiYearNotStarted(u16),
    /// The same indicator twice in one entry.
    RepeatedIndicator,
    /// An entry of a PEI's year with no indicator or more than the most it takes.
    IndicatorCount(usize),
    /// A month's execution recorded before the month begins (its first day, `AAAA-MM-DD`).
    MonthNotStarted(String),
    /// ND for a POI execution: a month's execution is a quantity, or nothing recorded.
    ExecutionNd,
    /// A negative POI execution.
    ExecutionNegative,
    /// An entry of a POI's month with no activity or more than the most it takes.
    ActivityCount(usize),
    /// The same activity twice in one entry.
    RepeatedActivity,
}

/// A record that is not there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    Policy,
    Indicator,
    Year,
    Submission,
    User(String),
    Token,
    /// A message of the outbox.
    Mail,
    /// A password-reset link that is unknown, used or expired.
    ResetLink,
    /// An entity's POI for a year.
    Poi,
    /// An activity of a POI.
    Activity,
    /// An entity's PEI.
    Pei,
    /// An indicator of a PEI.
    PeiIndicator,
}

/// Why a change conflicts with the state it would change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConflictKind {
    /// The reporting workflow does not allow the step (locked, already reviewed).
    Workflow(WorkflowError),
    UsernameTaken(String),
    /// A message that is neither sent nor failed cannot be sent again (it waits or is being sent).
    NotResendable,
    /// A password-reset message is never sent again: its link is used up or blanked out.
    ResetNotResendable,
    /// The plan kept changing while it was being published.
    Busy,
}

/// A use case's refusal.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Nobody is logged in and the use case needs someone.
    #[error("authentication required")]
    Unauthenticated,
    /// The actor's role does not allow the action on this resource.
    #[error("forbidden")]
    Forbidden,
    #[error("not found: {0:?}")]
    NotFound(Missing),
    #[error("invalid {}: {problem:?}", field.id())]
    Invalid { field: Field, problem: Problem },
    /// The year is closed for the unit (deadline passed, no exception).
    #[error("reporting closed")]
    Closed,
    /// The year opens for reporting later (on this day in Lima, `AAAA-MM-DD`).
    #[error("reporting not open yet")]
    NotYetOpen(String),
    #[error("conflict: {0:?}")]
    Conflict(ConflictKind),
    /// Wrong user name or password.
    #[error("wrong credentials")]
    BadCredentials,
    /// Too many failed logins for this account or address; a login may be tried again after
    /// `retry_after` seconds.
    #[error("too many attempts")]
    TooManyAttempts { retry_after: u64 },
    /// Too many password-reset requests from this address; one may be made again after
    /// `retry_after` seconds.
    #[error("too many requests")]
    TooManyRequests { retry_after: u64 },
    /// Items of a bulk call that were refused (their position in the call and why); nothing was
    /// recorded.
    #[error("{} items refused", .0.len())]
    Items(Vec<(usize, AppError)>),
    /// The database failed; the operator sees it in the log, the user a plain message.
    #[error("database: {0}")]
    Store(StoreError),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        match e {
            StoreError::Workflow(WorkflowError::ReasonRequired) => {
                AppError::Invalid { field: Field::Reason, problem: Problem::ReasonRequired }
            }
            StoreError::Workflow(w) => AppError::Conflict(ConflictKind::Workflow(w)),
            StoreError::Conflict(avance_store::Conflict::UsernameTaken(u)) => {
                AppError::Conflict(ConflictKind::UsernameTaken(u))
            }
            StoreError::Conflict(avance_store::Conflict::NoSuchUser(u)) => AppError::NotFound(Missing::User(u)),
            StoreError::Conflict(avance_store::Conflict::NoSuchSubmission(_)) => {
                AppError::NotFound(Missing::Submission)
            }
            StoreError::Conflict(avance_store::Conflict::NoSuchToken) => AppError::NotFound(Missing::Token),
            StoreError::Conflict(avance_store::Conflict::NotResendable(_)) => {
                AppError::Conflict(ConflictKind::NotResendable)
            }
            StoreError::Conflict(avance_store::Conflict::ResetLinkUsed) => AppError::NotFound(Missing::ResetLink),
            StoreError::Conflict(avance_store::Conflict::NoSuchPoi { .. }) => AppError::NotFound(Missing::Poi),
            StoreError::Conflict(avance_store::Conflict::NoSuchPei(_)) => AppError::NotFound(Missing::Pei),
            StoreError::Conflict(avance_store::Conflict::NoSuchActivity(_)) => AppError::NotFound(Missing::Activity),
            StoreError::UnknownPolicy(_) => AppError::NotFound(Missing::Policy),
            e => AppError::Store(e),
        }
    }
}

impl AppError {
    pub(crate) fn invalid(field: Field, problem: Problem) -> AppError {
        AppError::Invalid { field, problem }
    }

    /// The field at fault, when there is one.
    pub fn field(&self) -> Option<Field> {
        match self {
            AppError::Invalid { field, .. } => Some(*field),
            AppError::Closed | AppError::NotYetOpen(_) => Some(Field::Year),
            _ => None,
        }
    }

    /// What went wrong, for the person who asked, in `l`.
    pub fn message(&self, l: Lang) -> String {
        match self {
            AppError::Unauthenticated => l
                .pick(
                    "se necesita ingresar (o un token: Authorization: Bearer TOKEN)",
                    "you need to log in (or a token: Authorization: Bearer TOKEN)",
                )
                .to_string(),
            AppError::Forbidden => {
                l.pick("su rol no permite esta acción", "your role does not allow this action").to_string()
            }
            AppError::NotFound(m) => match m {
                Missing::Policy => l.pick("la política no existe", "no such policy").to_string(),
                Missing::Indicator => l.pick("el indicador no existe", "no such indicator").to_string(),
                Missing::Year => l.pick("la política no tiene ese año", "the policy has no such year").to_string(),
                Missing::Submission => l.pick("el envío no existe", "no such submission").to_string(),
                Missing::Token => l
                    .pick("el token no existe o ya fue revocado", "no such token, or it was already revoked")
                    .to_string(),
                Missing::Mail => l.pick("el mensaje no existe", "no such message").to_string(),
                Missing::Poi => l
                    .pick(
                        "la entidad no tiene POI de ese año en la base de datos (avance poi list muestra los que hay)",
                        "the entity has no POI of that year in the database (avance poi list shows those there are)",
                    )
                    .to_string(),
                Missing::Activity => l.pick("la actividad no es del POI", "the activity is not in the POI").to_string(),
                Missing::Pei => l
                    .pick(
                        "la entidad no tiene PEI en la base de datos (avance pei list muestra los que hay)",
                        "the entity has no PEI in the database (avance pei list shows those there are)",
                    )
                    .to_string(),
                Missing::PeiIndicator => {
                    l.pick("el indicador no es del PEI", "the indicator is not in the PEI").to_string()
                }
                Missing::ResetLink => l
                    .pick(
                        "El enlace para restablecer la contraseña no es válido, ya se usó o venció. Pida otro en «¿Olvidó su contraseña?».",
                        "The password-reset link is not valid, was used already or expired. Ask for another at «Forgot your password?».",
                    )
                    .to_string(),
                Missing::User(u) => {
                    format!("{} «{u}» {}", l.pick("el usuario", "the user"), l.pick("no existe", "does not exist"))
                }
            },
            AppError::Invalid { problem, .. } => problem.message(l),
            AppError::Closed => WorkflowError::Closed.message(l).to_string(),
            AppError::NotYetOpen(day) => match l {
                Lang::Es => format!("el reporte de este año aún no se abre: se abre el {day}"),
                Lang::En => format!("reporting for this year is not open yet: it opens on {day}"),
            },
            AppError::Conflict(ConflictKind::Workflow(w)) => w.message(l).to_string(),
            AppError::Conflict(ConflictKind::Busy) => l
                .pick(
                    "El plan cambió mientras se publicaba, varias veces seguidas: inténtelo de nuevo.",
                    "The plan changed while it was being published, several times in a row: try again.",
                )
                .to_string(),
            AppError::Conflict(ConflictKind::ResetNotResendable) => l
                .pick(
                    "Un enlace para restablecer la contraseña no se reenvía: su secreto se borra al enviarlo. El usuario pide otro en «¿Olvidó su contraseña?».",
                    "A password-reset link is not sent again: its secret is erased once sent. The user asks for another at «Forgot your password?».",
                )
                .to_string(),
            AppError::Conflict(ConflictKind::NotResendable) => l
                .pick(
                    "Solo se reenvía un mensaje enviado o fallido; este espera su envío o se está enviando.",
                    "Only a sent or failed message is sent again; this one is waiting or being sent.",
                )
                .to_string(),
            AppError::Conflict(ConflictKind::UsernameTaken(u)) => {
                format!("{} «{u}» {}", l.pick("el usuario", "the user"), l.pick("ya existe", "already exists"))
            }
            AppError::BadCredentials => {
                l.pick("Usuario o contraseña incorrectos.", "Wrong user name or password.").to_string()
            }
            AppError::TooManyAttempts { retry_after } => {
                let minutes = retry_after.div_ceil(60);
                match (l, minutes) {
                    (Lang::Es, 1) => "Demasiados intentos fallidos. Espere 1 minuto e inténtelo de nuevo.".to_string(),
                    (Lang::Es, m) => format!("Demasiados intentos fallidos. Espere {m} minutos e inténtelo de nuevo."),
                    (Lang::En, 1) => "Too many failed attempts. Wait 1 minute and try again.".to_string(),
                    (Lang::En, m) => format!("Too many failed attempts. Wait {m} minutes and try again."),
                }
            }
            AppError::TooManyRequests { retry_after } => {
                let minutes = retry_after.div_ceil(60);
                match (l, minutes) {
                    (Lang::Es, 1) => "Demasiadas solicitudes desde su dirección. Espere 1 minuto e inténtelo de nuevo.".to_string(),
                    (Lang::Es, m) => format!("Demasiadas solicitudes desde su dirección. Espere {m} minutos e inténtelo de nuevo."),
                    (Lang::En, 1) => "Too many requests from your address. Wait 1 minute and try again.".to_string(),
                    (Lang::En, m) => format!("Too many requests from your address. Wait {m} minutes and try again."),
                }
            }
            AppError::Items(list) => match (l, list.len()) {
                (Lang::Es, 1) => "1 valor no se aceptó; no se guardó ninguno.".to_string(),
                (Lang::Es, n) => format!("{n} valores no se aceptaron; no se guardó ninguno."),
                (Lang::En, 1) => "1 value was refused; none was recorded.".to_string(),
                (Lang::En, n) => format!("{n} values were refused; none was recorded."),
            },
            AppError::Store(_) => l
                .pick(
                    "Ocurrió un error en el servidor. Inténtelo de nuevo; si persiste, avise al administrador.",
                    "A server error occurred. Try again; if it persists, tell the administrator.",
                )
                .to_string(),
        }
    }
}

impl Problem {
    pub fn message(&self, l: Lang) -> String {
        match self {
            Problem::Value(e, unit) => e.message(*unit, l),
            Problem::NotAYearOfThePolicy(y) => format!(
                "{} «{y}» {}",
                l.pick("el año", "the year"),
                l.pick("no es un año de la política", "is not a year of the policy")
            ),
            Problem::NoSuchPolicy(p) => format!(
                "{} «{p}» {}",
                l.pick("Política: la política", "Policy: the policy"),
                l.pick("no existe.", "does not exist.")
            ),
            Problem::CommentTooLong => {
                l.pick("el comentario pasa de 2000 caracteres", "the comment is longer than 2000 characters").to_string()
            }
            Problem::EvidenceLink => l
                .pick(
                    "el enlace a la evidencia debe ser una dirección que empiece con https:// o http://, sin espacios (máximo 500 caracteres)",
                    "the evidence link must be an address starting with https:// or http://, without spaces (at most 500 characters)",
                )
                .to_string(),
            Problem::JustificationTooShort => l
                .pick(
                    "la justificación es obligatoria (al menos 10 caracteres): diga por qué cambia la meta",
                    "the justification is required (at least 10 characters): say why the target changes",
                )
                .to_string(),
            Problem::ReasonRequired => WorkflowError::ReasonRequired.message(l).to_string(),
            Problem::CalendarDateFormat(d) => match l {
                Lang::Es => format!("{}: escriba AAAA-MM-DD, por ejemplo 2025-03-31.", d.label(l)),
                Lang::En => format!("{}: write YYYY-MM-DD, for example 2025-03-31.", d.label(l)),
            },
            Problem::CalendarOrder(a, b) => match l {
                Lang::Es => format!(
                    "{}: no puede ser posterior a la fecha de «{}».",
                    a.label(l),
                    b.label(l).to_lowercase()
                ),
                Lang::En => format!("{}: cannot be after the «{}» date.", a.label(l), b.label(l).to_lowercase()),
            },
            Problem::DateFormat => l
                .pick("Fecha: escriba AAAA-MM-DD, por ejemplo 2025-03-31.", "Date: write YYYY-MM-DD, for example 2025-03-31.")
                .to_string(),
            Problem::UnitAndReasonRequired => {
                l.pick("Unidad y motivo: ambos son obligatorios.", "Unit and reason: both are required.").to_string()
            }
            Problem::UsernameFormat => l
                .pick(
                    "Usuario: use de 1 a 64 letras sin tilde, cifras, punto, guion o guion bajo.",
                    "User name: use 1 to 64 unaccented letters, digits, dot, hyphen or underscore.",
                )
                .to_string(),
            Problem::NameRequired => l.pick("Nombre: es obligatorio.", "Name: it is required.").to_string(),
            Problem::RoleUnknown => l
                .pick(
                    "Rol: elija administrador, oficina de planeamiento o unidad responsable.",
                    "Role: choose administrator, planning office or responsible unit.",
                )
                .to_string(),
            Problem::ScopeRequired => l
                .pick(
                    "Ámbito: la oficina de planeamiento necesita el código de su ministerio y la unidad responsable su nombre.",
                    "Scope: a planning office needs its ministry's code and a responsible unit its name.",
                )
                .to_string(),
            Problem::PasswordTooShort => {
                l.pick("Contraseña: al menos 12 caracteres.", "Password: at least 12 characters.").to_string()
            }
            Problem::WrongPassword => l
                .pick("Contraseña actual: no es la de su cuenta.", "Current password: it is not your account's.")
                .to_string(),
            Problem::SamePassword => l
                .pick(
                    "Contraseña nueva: debe ser distinta de la actual.",
                    "New password: it must differ from the current one.",
                )
                .to_string(),
            Problem::ScopeUnknown { role, scope } => match (role, l) {
                (avance_core::access::Role::Planning, Lang::Es) => format!(
                    "Ámbito: «{scope}» no es el código del ministerio conductor de ninguna política cargada (por ejemplo, 038) ni el de una entidad con POI o PEI cargado."
                ),
                (avance_core::access::Role::Planning, Lang::En) => format!(
                    "Scope: «{scope}» is not the conducting ministry's code of any loaded policy (for example, 038) nor the code of an entity with a loaded POI or PEI."
                ),
                (_, Lang::Es) => format!(
                    "Ámbito: «{scope}» no es la unidad responsable de ningún indicador de las políticas cargadas (por ejemplo, DGDE)."
                ),
                (_, Lang::En) => format!(
                    "Scope: «{scope}» is not the responsible unit of any indicator of the loaded policies (for example, DGDE)."
                ),
            },
            Problem::TokenLabel => l
                .pick("Descripción del token: de 1 a 100 caracteres.", "Token description: 1 to 100 characters.")
                .to_string(),
            Problem::OwnAccount => {
                l.pick("No puede desactivar su propia cuenta.", "You cannot deactivate your own account.").to_string()
            }
            Problem::ItemCount(max) => match l {
                Lang::Es => format!("envíe de 1 a {max} valores en una llamada"),
                Lang::En => format!("send 1 to {max} values in one call"),
            },
            Problem::RepeatedItem => l
                .pick(
                    "el mismo indicador y año aparece más de una vez en la llamada",
                    "the same indicator and year appears more than once in the call",
                )
                .to_string(),
            Problem::EmailFormat => l
                .pick(
                    "Correo electrónico: escriba una dirección como nombre@entidad.gob.pe (sin espacios, hasta 254 caracteres).",
                    "E-mail: write an address such as name@entity.gob.pe (no spaces, up to 254 characters).",
                )
                .to_string(),
            Problem::LangUnknown => l
                .pick("Idioma de los correos: elija español o inglés.", "Language of e-mails: choose Spanish or English.")
                .to_string(),
            Problem::PasswordsDiffer => l
                .pick(
                    "Confirmación: no coincide con la contraseña nueva.",
                    "Confirmation: it does not match the new password.",
                )
                .to_string(),
            Problem::PoiProfileUnknown(id) => match l {
                Lang::Es => format!("Perfil: «{id}» no es un perfil de POI (ceplan-poi@2021 o ceplan-poi@2022)."),
                Lang::En => format!("Profile: «{id}» is not a POI profile (ceplan-poi@2021 or ceplan-poi@2022)."),
            },
            Problem::PeiProfileUnknown(id) => match l {
                Lang::Es => format!(
                    "Perfil: «{id}» no es un perfil de PEI (ceplan-pei@2018, ceplan-pei@2019 o ceplan-pei@2020)."
                ),
                Lang::En => format!(
                    "Profile: «{id}» is not a PEI profile (ceplan-pei@2018, ceplan-pei@2019 or ceplan-pei@2020)."
                ),
            },
            Problem::PeiYear(year, first, last) => match l {
                Lang::Es => format!("Año: {year} está fuera del periodo del PEI, {first}–{last}."),
                Lang::En => format!("Year: {year} is outside the PEI's period, {first}–{last}."),
            },
            Problem::PeiYearNotStarted(year) => match l {
                Lang::Es => format!("Año: los valores obtenidos de {year} se registran desde que empieza el año."),
                Lang::En => format!("Year: the values obtained in {year} are recorded once the year begins."),
            },
            Problem::RepeatedIndicator => l
                .pick("Indicador: va una sola vez en el registro.", "Indicator: it goes only once in the entry.")
                .to_string(),
            Problem::IndicatorCount(max) => match l {
                Lang::Es => format!("Registro: de 1 a {max} indicadores."),
                Lang::En => format!("Entry: 1 to {max} indicators."),
            },
            Problem::MonthRange => l
                .pick(
                    "Mes: de 1 (enero) a 12 (diciembre); un periodo va de su primer mes a su último, como 1-6.",
                    "Month: 1 (January) to 12 (December); a period goes from its first month to its last, as in 1-6.",
                )
                .to_string(),
            Problem::MonthNotStarted(first) => match l {
                Lang::Es => format!("Mes: su ejecución se registra desde que empieza, el {first}."),
                Lang::En => format!("Month: its execution is recorded once it begins, on {first}."),
            },
            Problem::ExecutionNd => l
                .pick(
                    "Ejecución: escriba la cantidad ejecutada en el mes (0 si no se ejecutó nada), o déjela vacía para retirar el registro.",
                    "Execution: write the quantity executed in the month (0 if nothing was), or leave it empty to remove the record.",
                )
                .to_string(),
            Problem::ExecutionNegative => l
                .pick(
                    "Ejecución: la cantidad ejecutada no puede ser negativa.",
                    "Execution: the quantity executed cannot be negative.",
                )
                .to_string(),
            Problem::ActivityCount(max) => match l {
                Lang::Es => format!("envíe la ejecución de 1 a {max} actividades a la vez"),
                Lang::En => format!("send the execution of 1 to {max} activities at once"),
            },
            Problem::RepeatedActivity => l
                .pick("la misma actividad aparece más de una vez", "the same activity appears more than once")
                .to_string(),
            Problem::FilterDates => l
                .pick(
                    "Las fechas «desde» y «hasta» se escriben AAAA-MM-DD, por ejemplo 2025-03-31.",
                    "The dates «from» and «to» are written YYYY-MM-DD, for example 2025-03-31.",
                )
                .to_string(),
        }
    }
}
