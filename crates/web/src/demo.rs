//! `avance serve --demo`: the reference policy (PNDI 2024, as published), a reporting window open
//! for 2024, and one account per role, so that each role can be tried in a browser at once.

use std::path::Path;

use avance_core::access::Role;
use avance_store::Store;
use avance_store::app::{NewAudit, NewUser, now};

/// The reference dataset, built into the binary.
pub const DATASET: &str = include_str!("../../../examples/pndi-2024/dataset.json");

/// A demo account, printed when the demo starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub role: Role,
    pub username: &'static str,
    pub password: &'static str,
    pub scope: Option<&'static str>,
    pub name: &'static str,
}

/// The demo's accounts. Their passwords are public: the demo listens on loopback only.
pub const ACCOUNTS: [Account; 4] = [
    Account {
        role: Role::Admin,
        username: "admin",
        password: "demo-admin-avance",
        scope: None,
        name: "Administración (demo)",
    },
    Account {
        role: Role::Planning,
        username: "planeamiento",
        password: "demo-planeamiento",
        scope: Some("038"),
        name: "Oficina de planeamiento, M. de la Producción (demo)",
    },
    Account {
        role: Role::Unit,
        username: "dgde",
        password: "demo-unidad-dgde",
        scope: Some("DGDE"),
        name: "DGDE (demo)",
    },
    Account { role: Role::Unit, username: "itp", password: "demo-unidad-itp", scope: Some("ITP"), name: "ITP (demo)" },
];

/// The year the demo opens for reporting.
pub const YEAR: i64 = 2024;

/// Loads the reference policy (nothing is written if it is already there), creates the demo
/// accounts that are missing, and keeps 2024 open for reporting for 90 more days.
pub async fn prepare(store: &Store) -> Result<(), String> {
    let policy = avance_import::dataset::parse(Path::new("examples/pndi-2024/dataset.json"), DATASET)
        .map_err(|issues| format!("el conjunto de datos de demostración no es válido ({} problemas)", issues.len()))?;
    store
        .load(&policy, "demo", "datos de demostración: Reporte de seguimiento PNDI 2024 publicado")
        .await
        .map_err(|e| e.to_string())?;
    let at = now();
    for a in &ACCOUNTS {
        if store.user_by_name(a.username).await.map_err(|e| e.to_string())?.is_some() {
            continue;
        }
        let hash = crate::security::hash_password(a.password);
        let user =
            NewUser { username: a.username, display_name: a.name, role: a.role, scope: a.scope, password_hash: &hash };
        let detail = format!("{} ({})", a.username, a.role.id());
        let entry =
            NewAudit { at: &at, actor: "demo", action: "create_user", detail: Some(&detail), ..NewAudit::default() };
        store.create_user(&user, &entry).await.map_err(|e| e.to_string())?;
    }
    let code = &policy.meta().code;
    let wanted = avance_store::app::instant(time::OffsetDateTime::now_utc() + time::Duration::days(90));
    let current = store.deadlines(Some(code)).await.map_err(|e| e.to_string())?;
    let open = current.iter().any(|d| d.year == YEAR && d.deadline.as_str() > at.as_str());
    if !open {
        let subject = YEAR.to_string();
        let entry = NewAudit {
            at: &at,
            actor: "demo",
            action: "set_deadline",
            policy: Some(code),
            subject: Some(&subject),
            detail: Some(&wanted),
            ..NewAudit::default()
        };
        store.set_deadline(code, YEAR, &wanted, &entry).await.map_err(|e| e.to_string())?;
    }
    Ok(())
}
