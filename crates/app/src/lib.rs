//! `avance-app`: every use case of avance, called alike by the web pages, the JSON API and the
//! command line.
//!
//! Each use case takes who is acting ([`Actor`]) and a typed request, asks
//! `avance_core::access::can` (the only place that decides), runs in one store transaction with
//! its audit entry, and returns a typed result or an [`AppError`]. The clock is passed in
//! ([`Clock`]), so tests control time. The figures of the policies are read through the
//! [`Cache`], kept until the database's latest change set moves.
#![forbid(unsafe_code)]

mod accounts;
mod admin;
pub mod cache;
pub mod clock;
pub mod demo;
mod error;
mod figures;
pub mod health;
pub mod mail;
pub mod pei;
pub mod poi;
pub mod portfolio;
mod publishing;
pub mod replicas;
mod reporting;
pub mod secrets;
mod tracking;

use std::sync::Arc;

use avance_core::access::{Action, Principal, Resource, Role, can};
use avance_store::Store;

pub use accounts::{Login, NewAccount, Session, Token};
pub use admin::{AUDIT_CSV_MAX, AUDIT_PAGE, AdminView, AuditQuery, AuditView, DeadlineRequest, ExceptionRequest};
pub use cache::{Cache, Loaded};
pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{AppError, CalendarDate, ConflictKind, Field, Missing, Problem};
pub use figures::{IndicatorView, OverviewFilter, OverviewView, PolicyView, SeriesPoint};
pub use reporting::{MAX_BULK, MineGroup, MineItem, ReportActual, TargetRequest, Window};
pub use tracking::{Tracked, TrackingView, UnitTracking};

/// The store's types the faces read (results of use cases); the faces never call the store.
pub mod store {
    pub use avance_store::app::{AuditEntry, Deadline, Exception, Submission, TokenRow, User};
    pub use avance_store::mail::{Attempt, Mail, OutboxCounts};
    pub use avance_store::pei::PeiSnapshot;
    pub use avance_store::poi::{MonthRevision, PoiLoadOutcome, PoiSnapshot, PoiSummary};
    pub use avance_store::{LoadOutcome, Location, PgStore, Revision, Snapshot, SqliteStore, Store, StoreError};
}

/// How the application behaves.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long a session lasts, in hours.
    pub session_hours: i64,
    /// How long an API token lasts, in days (`avance serve --token-days`).
    pub token_days: i64,
    /// E-mail: links, reminders, digests, retries.
    pub mail: mail::MailSettings,
}

/// Tokens last 90 days unless configured otherwise.
pub const TOKEN_DAYS: i64 = 90;

impl Default for Settings {
    fn default() -> Settings {
        Settings { session_hours: 8, token_days: TOKEN_DAYS, mail: mail::MailSettings::default() }
    }
}

/// Who is acting: a logged-in user, the public, or the operator of the command line (who has the
/// database in hand and acts as the administrator, under the system user's name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The name the audit log records.
    pub name: String,
    pub principal: Principal,
    /// The account, for a logged-in user.
    pub user: Option<store::User>,
}

impl Actor {
    pub fn public() -> Actor {
        Actor { name: String::new(), principal: Principal::PUBLIC, user: None }
    }

    pub fn user(u: store::User) -> Actor {
        Actor { name: u.username.clone(), principal: Principal::new(u.role, u.scope.as_deref()), user: Some(u) }
    }

    /// The command line's operator, with the administrator's rights.
    pub fn operator(name: &str) -> Actor {
        Actor { name: name.to_string(), principal: Principal::new(Role::Admin, None), user: None }
    }

    pub fn role(&self) -> Role {
        self.principal.role
    }

    /// The unit the actor answers for, when it is a responsible unit.
    pub fn unit(&self) -> Option<&str> {
        if self.principal.role == Role::Unit { self.principal.scope.as_deref() } else { None }
    }

    fn is_anonymous(&self) -> bool {
        self.user.is_none() && self.principal.role == Role::Public
    }

    /// The resource of the actor's own scope: the policies of its ministry (every policy for the
    /// administrator).
    fn own_policies(&self) -> Resource<'_> {
        Resource::Policy { ministry: self.principal.scope.as_deref().unwrap_or("") }
    }
}

/// The application: the store, the cache of figures, the clock.
#[derive(Debug, Clone)]
pub struct App {
    store: Store,
    cache: Arc<Cache>,
    clock: Arc<dyn Clock>,
    settings: Arc<Settings>,
    /// Wakes the mail worker when a message is written.
    mail_wake: Arc<tokio::sync::Notify>,
    /// Read replicas the figures' cache reads policies from (`serve --read-db`).
    replicas: Arc<Vec<replicas::Replica>>,
    /// Each POI's figures of the overview, kept while its latest change set and the month stay.
    poi_figures: Arc<std::sync::Mutex<poi::FiguresCache>>,
    /// Each PEI's row of the overview, kept while its latest change set and the year stay.
    pei_rows: Arc<std::sync::Mutex<pei::RowsCache>>,
}

impl App {
    pub fn new(store: Store, settings: Settings) -> App {
        App::with_clock(store, settings, Arc::new(SystemClock))
    }

    pub fn with_clock(store: Store, settings: Settings, clock: Arc<dyn Clock>) -> App {
        App {
            store,
            cache: Arc::new(Cache::default()),
            clock,
            settings: Arc::new(settings),
            mail_wake: Arc::new(tokio::sync::Notify::new()),
            replicas: Arc::new(Vec::new()),
            poi_figures: Arc::new(std::sync::Mutex::new(poi::FiguresCache::default())),
            pei_rows: Arc::new(std::sync::Mutex::new(pei::RowsCache::default())),
        }
    }

    /// Opens the database at `location` (creating a SQLite file if needed, migrations applied).
    pub async fn open(location: &store::Location, settings: Settings) -> Result<App, AppError> {
        Ok(App::new(Store::open(location).await?, settings))
    }

    /// Closes the database's connections.
    pub async fn close(&self) {
        self.store.close().await;
    }

    /// The instant now by the application's clock (which tests move).
    pub fn instant(&self) -> time::OffsetDateTime {
        self.clock.now()
    }

    /// The instant now, as stored.
    fn now(&self) -> String {
        clock::stamp(self.clock.now())
    }

    /// The one authorization check of a use case: `can`, or [`AppError::Forbidden`]
    /// ([`AppError::Unauthenticated`] for the public, so that a face can ask for a login).
    fn allow(&self, actor: &Actor, action: Action, on: &Resource<'_>) -> Result<(), AppError> {
        if can(&actor.principal, action, on) {
            Ok(())
        } else if actor.is_anonymous() {
            Err(AppError::Unauthenticated)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Every policy and its figures now (through the cache).
    pub async fn loaded(&self) -> Result<Arc<Loaded>, AppError> {
        Ok(self.cache.get(&self.store, &self.replicas).await?)
    }
}

impl App {
    /// The entity whose POI the actor records, with its latest year: a planning office whose
    /// scope is the code of an entity with a loaded POI (`None` otherwise, or if the database
    /// cannot say).
    pub async fn own_poi(&self, actor: &Actor) -> Option<(String, i32)> {
        let scope = actor.principal.scope.as_deref()?;
        if actor.user.is_none() || !can(&actor.principal, Action::RecordExecution, &Resource::Entity { code: scope }) {
            return None;
        }
        self.store.poi_years(scope).await.ok()?.pop()
    }
}

impl App {
    /// The entity whose PEI the actor records, with the first year of its latest PEI: a planning
    /// office whose scope is the code of an entity with a loaded PEI.
    pub async fn own_pei(&self, actor: &Actor) -> Option<(String, i32)> {
        let scope = actor.principal.scope.as_deref()?;
        if actor.user.is_none() || !can(&actor.principal, Action::RecordExecution, &Resource::Entity { code: scope }) {
            return None;
        }
        let stored = self.store.pei(scope, None).await.ok()??;
        Some((stored.summary.entity_code, stored.summary.first_year))
    }
}

/// The parts of the application an actor may use, for the faces' menus (each asked of `can`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sections {
    /// "Mis indicadores": a unit that reports.
    pub report: bool,
    /// Review of reported values.
    pub review: bool,
    pub audit_log: bool,
    /// Users, deadlines and exceptions.
    pub admin: bool,
    /// "Seguimiento del reporte": who has reported what (those who review).
    pub tracking: bool,
    /// "Mi cuenta": anyone logged in.
    pub account: bool,
    /// "Mi POI": the planning office of an entity with a loaded POI records its execution.
    pub poi_entry: bool,
    /// "Mi PEI": the planning office of an entity with a loaded PEI records its values.
    pub pei_entry: bool,
}

impl App {
    /// What the actor may open.
    pub async fn sections(&self, actor: &Actor) -> Sections {
        let p = &actor.principal;
        let unit = actor.unit().unwrap_or("");
        // A planning office reviews and follows up only if its ministry conducts a loaded policy
        // (an entity's office with a POI alone has nothing there).
        let scope = p.scope.as_deref().unwrap_or("");
        let conducts = p.role != Role::Planning
            || self
                .loaded()
                .await
                .map_or(true, |l| l.policies.values().any(|x| x.meta().ministry.code.eq_ignore_ascii_case(scope)));
        Sections {
            report: can(p, Action::ReportActual, &Resource::Indicator { ministry: "", responsible: unit }),
            review: conducts && can(p, Action::Review, &actor.own_policies()),
            audit_log: can(p, Action::ViewAuditLog, &actor.own_policies()),
            admin: can(p, Action::ManageUsers, &Resource::Site),
            tracking: conducts && can(p, Action::Review, &actor.own_policies()),
            account: actor.user.is_some(),
            poi_entry: self.own_poi(actor).await.is_some(),
            pei_entry: self.own_pei(actor).await.is_some(),
        }
    }
}
