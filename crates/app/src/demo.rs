//! `avance serve --demo`: the reference policy (PNDI 2024, as published), a reporting window open
//! for 2024, and one account per role, so that each role can be tried in a browser at once.

use std::path::Path;

use avance_core::access::Role;

use crate::{Actor, App, AppError, NewAccount};

/// The reference dataset, built into the binary.
pub const DATASET: &str = include_str!("../../../examples/pndi-2024/dataset.json");

/// The synthetic POI (invented figures), built into the binary: the demo moves it to the current
/// year.
pub const POI: &str = include_str!("../../../examples/poi-sintetico-2022/poi.json");

/// The PEI 2020–2026 of the Instituto Geofísico del Perú (real figures, its 2022 follow-up), built
/// into the binary.
pub const PEI: &str = include_str!("../../../examples/pei-igp-2020-2026/pei.json");

/// A demo account, printed when the demo starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub role: Role,
    pub username: &'static str,
    pub password: &'static str,
    pub scope: Option<&'static str>,
    pub name: &'static str,
    /// An address of the reserved domain `.example` (RFC 2606): the demo's messages are printed
    /// (`--print-mail`) or go to a test server, never to a real mailbox.
    pub email: &'static str,
}

/// The demo's accounts. Their passwords are public: the demo listens on loopback only.
pub const ACCOUNTS: [Account; 6] = [
    Account {
        role: Role::Admin,
        username: "admin",
        password: "demo-admin-avance",
        scope: None,
        name: "Administración (demo)",
        email: "admin@avance.example",
    },
    Account {
        role: Role::Planning,
        username: "planeamiento",
        password: "demo-planeamiento",
        scope: Some("038"),
        name: "Oficina de planeamiento, M. de la Producción (demo)",
        email: "planeamiento@avance.example",
    },
    Account {
        role: Role::Unit,
        username: "dgde",
        password: "demo-unidad-dgde",
        scope: Some("DGDE"),
        name: "DGDE (demo)",
        email: "dgde@avance.example",
    },
    Account {
        role: Role::Unit,
        username: "itp",
        password: "demo-unidad-itp",
        scope: Some("ITP"),
        name: "ITP (demo)",
        email: "itp@avance.example",
    },
    Account {
        role: Role::Planning,
        username: "oficina999",
        password: "demo-oficina-999",
        scope: Some("999"),
        name: "Oficina de planeamiento, Entidad sintética 999 (demo)",
        email: "oficina999@avance.example",
    },
    Account {
        role: Role::Planning,
        username: "oficinaigp",
        password: "demo-oficina-igp",
        scope: Some("IGP"),
        name: "Oficina de planeamiento, Instituto Geofísico del Perú (demo)",
        email: "oficinaigp@avance.example",
    },
];

/// The demo's POI: the synthetic entity 999's (examples/poi-sintetico-2022), moved to the year of
/// `today` (`(year, month)`), with its execution recorded for the months before this one only.
pub fn poi(today: (i32, u8)) -> Result<avance_core::poi::PoiPlan, AppError> {
    let value: serde_json::Value =
        serde_json::from_str(POI).map_err(|e| demo_data_broken("POI 999", &e.to_string()))?;
    let mut plan = avance_import::poi::parse_value(Path::new("examples/poi-sintetico-2022/poi.json"), &value)
        .map_err(|issues| demo_data_broken("POI 999", &format!("{} problemas", issues.len())))?;
    let moved = plan.year != today.0;
    plan.year = today.0;
    for a in &mut plan.activities {
        for (m, e) in a.executed.iter_mut().enumerate() {
            if m + 1 >= usize::from(today.1) {
                *e = None;
            } else if moved && e.is_none() && m >= 6 {
                // The example is a first semester's: a later month ended in this year is recorded
                // as programmed (the S.I. of the first semester stays, to be seen and corrected).
                *e = Some(a.programmed[m]);
            }
        }
    }
    Ok(plan)
}

fn demo_data_broken(what: &str, detail: &str) -> AppError {
    AppError::Store(avance_store::StoreError::Corrupt {
        policy: what.to_string(),
        detail: format!("los datos de demostración no son válidos: {detail}"),
    })
}

/// The year the demo opens for reporting.
pub const YEAR: i64 = 2024;

/// What [`prepare`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prepared {
    /// It wrote what the demo needs (all of it on an empty database, or what a first start
    /// interrupted had not written yet).
    Created,
    /// The database had everything: nothing was written.
    Existing,
}

/// Adds to the database only what the demo needs and it does not have: the reference policy if
/// the database does not have PNDI (reference data never goes over values users entered), the
/// demo accounts that are missing (an existing account is left as it is), and a reporting window
/// for 2024 of 90 days if the year has no deadline (one someone set is never changed). On a
/// database that has them all, nothing is written.
pub async fn prepare(app: &App) -> Result<Prepared, AppError> {
    let policy =
        avance_import::dataset::parse(Path::new("examples/pndi-2024/dataset.json"), DATASET).map_err(|issues| {
            AppError::Store(avance_store::StoreError::Corrupt {
                policy: "PNDI".into(),
                detail: format!("el conjunto de datos de demostración no es válido ({} problemas)", issues.len()),
            })
        })?;
    let operator = Actor::operator("demo");
    let mut wrote = app
        .load_if_absent(&operator, &policy, "datos de demostración: Reporte de seguimiento PNDI 2024 publicado")
        .await?;
    let poi = poi(app.poi_today())?;
    match app.poi(&poi.entity_code, Some(poi.year)).await {
        Err(AppError::NotFound(_)) => {
            app.load_poi(&operator, &poi, "datos de demostración: POI sintético (cifras inventadas)").await?;
            wrote = true;
        }
        Err(e) => return Err(e),
        Ok(_) => {}
    }
    let pei = serde_json::from_str::<serde_json::Value>(PEI)
        .map_err(|e| demo_data_broken("PEI IGP", &e.to_string()))
        .and_then(|v| {
        avance_import::pei::parse_value(Path::new("examples/pei-igp-2020-2026/pei.json"), &v)
            .map_err(|issues| demo_data_broken("PEI IGP", &format!("{} problemas", issues.len())))
    })?;
    match app.pei(&pei.entity_code, Some(i32::from(pei.first_year.get()))).await {
        Err(AppError::NotFound(_)) => {
            app.load_pei(&operator, &pei, "datos de demostración: PEI 2020-2026 del IGP (seguimiento 2022 publicado)")
                .await?;
            wrote = true;
        }
        Err(e) => return Err(e),
        Ok(_) => {}
    }
    for a in &ACCOUNTS {
        if app.user_exists(a.username).await? {
            continue;
        }
        wrote = true;
        let account = NewAccount {
            username: a.username.to_string(),
            name: a.name.to_string(),
            role: a.role.id().to_string(),
            scope: a.scope.unwrap_or("").to_string(),
            password: a.password.to_string(),
            email: a.email.to_string(),
        };
        app.create_user(&operator, &account).await?;
    }
    wrote |= app.open_if_unset(&operator, &policy.meta().code, YEAR, 90).await?;
    Ok(if wrote { Prepared::Created } else { Prepared::Existing })
}
