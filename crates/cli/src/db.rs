//! The commands that work on the database: `avance db …` and `compute --db`.

use std::path::Path;

use avance_core::lang::Lang;
use avance_core::model::{Policy, Year};
use avance_import::dataset;
use avance_store::{Location, Store, StoreError, Values};

use crate::Failure;

/// Runs a future to completion on a runtime of its own (the CLI is otherwise synchronous).
pub fn block_on<F: std::future::Future>(f: F) -> Result<F::Output, Failure> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Invalid(vec![e.to_string()]))?;
    Ok(rt.block_on(f))
}

/// Where the database is: `--db`, `$AVANCE_DB`, or `avance.db` here.
pub fn location(db: Option<&str>) -> Location {
    db.map_or_else(Location::default_from_env, Location::parse)
}

pub fn describe(location: &Location) -> String {
    match location {
        Location::Sqlite(p) => p.display().to_string(),
        // Never print a password that may be in the URL.
        Location::Postgres(url) => match url.split_once('@') {
            Some((_, host)) => format!("postgres://…@{host}"),
            None => url.clone(),
        },
    }
}

pub fn store_failure(location: &Location, e: StoreError, lang: Lang) -> Failure {
    let what = match &e {
        StoreError::UnknownPolicy(code) => {
            return Failure::Invalid(vec![if lang == Lang::Es {
                format!(
                    "{}: la política {code} no está en la base de datos (avance db list muestra las que hay)",
                    describe(location)
                )
            } else {
                format!(
                    "{}: policy {code} is not in the database (avance db list shows those there are)",
                    describe(location)
                )
            }]);
        }
        StoreError::BackupNotSupported => lang
            .pick(
                "las copias de PostgreSQL se hacen con pg_dump (ver docs/deployment.md)",
                "PostgreSQL backups are made with pg_dump (see docs/deployment.md)",
            )
            .to_string(),
        other => other.to_string(),
    };
    Failure::Invalid(vec![format!("{} {}: {what}", lang.pick("base de datos", "database"), describe(location))])
}

pub async fn open(location: &Location, lang: Lang) -> Result<Store, Failure> {
    Store::open(location).await.map_err(|e| store_failure(location, e, lang))
}

fn author(given: Option<&str>) -> String {
    given.map(str::to_string).or_else(|| std::env::var("USER").ok()).unwrap_or_else(|| "avance".to_string())
}

pub async fn init(location: &Location, lang: Lang) -> Result<String, Failure> {
    let store = open(location, lang).await?;
    store.close().await;
    Ok(format!("{} {}\n", lang.pick("Base de datos lista:", "Database ready:"), describe(location)))
}

pub async fn load(
    location: &Location,
    policy: &Policy,
    who: Option<&str>,
    reason: &str,
    lang: Lang,
) -> Result<String, Failure> {
    let out = with_app(location, lang, async |app| {
        app.load(&avance_app::Actor::operator(&author(who)), policy, reason).await
    })
    .await?;
    let db = describe(location);
    Ok(match (out.change, lang) {
        (None, Lang::Es) => format!("Sin cambios: {} ya estaba al día en {db}\n", out.policy),
        (None, Lang::En) => format!("No changes: {} was already up to date in {db}\n", out.policy),
        (Some(c), Lang::Es) => format!(
            "Cargado {} en {db}: cambio {c} ({}{} elementos, {} indicadores, {} valores; {} retirados)\n",
            out.policy,
            if out.metadata { "metadatos, " } else { "" },
            out.elements,
            out.indicators,
            out.values,
            out.removed
        ),
        (Some(c), Lang::En) => format!(
            "Loaded {} into {db}: change {c} ({}{} elements, {} indicators, {} values; {} removed)\n",
            out.policy,
            if out.metadata { "metadata, " } else { "" },
            out.elements,
            out.indicators,
            out.values,
            out.removed
        ),
    })
}

pub async fn list(location: &Location, lang: Lang) -> Result<String, Failure> {
    let store = open(location, lang).await?;
    let policies = store.policies().await.map_err(|e| store_failure(location, e, lang));
    store.close().await;
    let policies = policies?;
    let mut o = format!("{} {}\n", lang.pick("Políticas en", "Policies in"), describe(location));
    if policies.is_empty() {
        o.push_str(
            lang.pick(
                "  (ninguna: avance db load CONJUNTO carga una)\n",
                "  (none: avance db load DATASET loads one)\n",
            ),
        );
    }
    for p in policies {
        o.push_str(&format!(
            "  {:<10} {}  {} · {} · {} · {}–{} · {} {} · {} {} · {}\n",
            p.code,
            p.name,
            p.policy_type,
            p.sector,
            p.ministry,
            p.first_year,
            p.last_year,
            p.indicators,
            lang.pick("indicadores", "indicators"),
            p.changes,
            lang.pick("cambios", "changes"),
            p.profile
        ));
    }
    Ok(o)
}

pub async fn history(
    location: &Location,
    indicator: &str,
    policy: Option<&str>,
    lang: Lang,
) -> Result<String, Failure> {
    let store = open(location, lang).await?;
    let revisions = store.history(indicator, policy).await.map_err(|e| store_failure(location, e, lang));
    store.close().await;
    let revisions = revisions?;
    if revisions.is_empty() {
        return Err(Failure::Invalid(vec![format!(
            "{}: {indicator} {}",
            describe(location),
            lang.pick("no tiene historia en la base de datos", "has no history in the database")
        )]));
    }
    let mut o = format!("{} {indicator}\n", lang.pick("Historia de", "History of"));
    let mut current_policy = String::new();
    for r in revisions {
        if r.policy != current_policy {
            o.push_str(&format!("\n  {} {}\n", lang.pick("Política", "Policy"), r.policy));
            current_policy = r.policy.clone();
        }
        let field = match (r.field.as_str(), r.year) {
            ("target", Some(y)) => format!("{} {y}", lang.pick("logro esperado", "target")),
            ("actual", Some(y)) => format!("{} {y}", lang.pick("valor obtenido", "actual value")),
            _ => lang.pick("metadatos", "metadata").to_string(),
        };
        let value = r.text.unwrap_or_else(|| lang.pick("(retirado)", "(removed)").to_string());
        let first = if r.first { lang.pick("  [primer reporte]", "  [first reported]") } else { "" };
        o.push_str(&format!(
            "  {} {:<5} {}  {} «{}»  {:<22} {value}{first}\n",
            lang.pick("cambio", "change"),
            r.change,
            r.at,
            r.author,
            r.reason,
            field
        ));
    }
    Ok(o)
}

pub async fn publish(
    location: &Location,
    code: &str,
    year: Year,
    who: Option<&str>,
    lang: Lang,
) -> Result<String, Failure> {
    let app = open_app(location, lang).await?;
    let result = app.publish(&avance_app::Actor::operator(&author(who)), code, year).await;
    app.close().await;
    let s = result.map_err(|e| match e {
        avance_app::AppError::NotFound(avance_app::Missing::Policy) => {
            store_failure(location, StoreError::UnknownPolicy(code.to_string()), lang)
        }
        e => app_failure(location, e, lang),
    })?;
    Ok(if lang == Lang::Es {
        format!(
            "Publicado {} {}: instantánea {} con el perfil {}, datos al cambio {}, hash {}\n",
            s.policy, s.year, s.id, s.profile, s.as_of_change, s.content_hash
        )
    } else {
        format!(
            "Published {} {}: snapshot {} with profile {}, data as of change {}, hash {}\n",
            s.policy, s.year, s.id, s.profile, s.as_of_change, s.content_hash
        )
    })
}

/// The policy to compute: its current state, or the inputs of its latest published snapshot.
pub async fn policy_for_compute(
    location: &Location,
    code: &str,
    year: Option<Year>,
    published: bool,
    lang: Lang,
) -> Result<Policy, Failure> {
    let store = open(location, lang).await?;
    let found = async {
        if !published {
            return store.policy(code).await?.ok_or_else(|| StoreError::UnknownPolicy(code.to_string()));
        }
        let snaps = store.snapshots(code, year).await?;
        let last = snaps.last().ok_or_else(|| StoreError::UnknownPolicy(code.to_string()))?;
        dataset::parse(Path::new("snapshot"), &last.inputs)
            .map_err(|_| StoreError::Corrupt { policy: code.to_string(), detail: "snapshot inputs".into() })
    }
    .await;
    store.close().await;
    found.map_err(|e| match (e, published) {
        (StoreError::UnknownPolicy(c), true) => Failure::Invalid(vec![if lang == Lang::Es {
            format!(
                "{}: la política {c} no tiene una publicación{}",
                describe(location),
                year.map(|y| format!(" del año {y}")).unwrap_or_default()
            )
        } else {
            format!(
                "{}: policy {c} has no publication{}",
                describe(location),
                year.map(|y| format!(" for {y}")).unwrap_or_default()
            )
        }]),
        (e, _) => store_failure(location, e, lang),
    })
}

/// Every policy in the database, with the `values` asked for, by code.
pub async fn all(location: &Location, values: Values, lang: Lang) -> Result<Vec<Policy>, Failure> {
    let store = open(location, lang).await?;
    let all = store.read_policies(None, values).await.map_err(|e| store_failure(location, e, lang));
    store.close().await;
    all
}

pub async fn export(location: &Location, code: Option<&str>, out: &Path, lang: Lang) -> Result<String, Failure> {
    let policies = match code {
        Some(c) => vec![policy_for_compute(location, c, None, false, lang).await?],
        None => all(location, Values::All, lang).await?,
    };
    let mut o = String::new();
    for p in &policies {
        let dir = if code.is_some() { out.to_path_buf() } else { out.join(&p.meta().code) };
        let written = dataset::write(p, &dir).map_err(|e| crate::cannot_write(&dir, e, lang))?;
        o.push_str(&format!("{} {}\n", lang.pick("Escrito:", "Written:"), written.display()));
    }
    Ok(o)
}

pub async fn backup(location: &Location, to: &Path, lang: Lang) -> Result<String, Failure> {
    if to.exists() {
        return Err(Failure::Invalid(vec![format!(
            "{}: {}",
            to.display(),
            lang.pick(
                "ya existe; elija otro nombre para la copia",
                "already exists; choose another name for the backup"
            )
        )]));
    }
    let store = open(location, lang).await?;
    let done = store.backup(to).await.map_err(|e| store_failure(location, e, lang));
    store.close().await;
    done?;
    Ok(format!("{} {} → {}\n", lang.pick("Copia coherente:", "Consistent backup:"), describe(location), to.display()))
}

/// A use case's refusal as the command line reports it.
pub fn app_failure(location: &Location, e: avance_app::AppError, lang: Lang) -> Failure {
    match e {
        avance_app::AppError::Store(e) => store_failure(location, e, lang),
        e => Failure::Invalid(vec![e.message(lang)]),
    }
}

/// Creates a user of the web application.
#[allow(clippy::too_many_arguments)]
pub async fn add_user(
    location: &Location,
    username: &str,
    role: &str,
    scope: Option<&str>,
    name: &str,
    email: Option<&str>,
    password: &str,
    lang: Lang,
) -> Result<String, Failure> {
    let account = avance_app::NewAccount {
        username: username.to_string(),
        name: name.to_string(),
        role: role.to_string(),
        scope: scope.unwrap_or("").to_string(),
        password: password.to_string(),
        email: email.unwrap_or("").to_string(),
    };
    // Checked before the database is opened: a bad field says so at once.
    let role = account.check().map_err(|e| Failure::Invalid(vec![e.message(lang)]))?;
    let app = open_app(location, lang).await?;
    let out = app.create_user(&avance_app::Actor::operator(&author(None)), &account).await;
    app.close().await;
    out.map_err(|e| app_failure(location, e, lang))?;
    Ok(format!("{} {username} ({})\n", lang.pick("Usuario creado:", "User created:"), role.label(lang)))
}

/// The application over the database at `location`.
async fn open_app(location: &Location, lang: Lang) -> Result<avance_app::App, Failure> {
    let store = open(location, lang).await?;
    Ok(avance_app::App::new(store, avance_app::Settings::default()))
}

/// Loads many policies, one transaction each (`avance generate --to-db`); says where they went.
/// Loads each policy in its own transaction, as the iterator makes them (a generated portfolio is
/// never held in memory whole).
pub async fn load_all(
    location: &Location,
    policies: impl Iterator<Item = Policy>,
    lang: Lang,
) -> Result<String, Failure> {
    let store = open(location, lang).await?;
    let who = author(None);
    for p in policies {
        if let Err(e) = store.load(&p, &who, "avance generate").await {
            store.close().await;
            return Err(store_failure(location, e, lang));
        }
    }
    store.close().await;
    Ok(describe(location))
}

/// The POIs a computation reads from the database: one entity's (of `year`, or its latest), or
/// every one (of `year` only, when given).
pub async fn poi_plans(
    location: &Location,
    entity: Option<&str>,
    year: Option<i32>,
    lang: Lang,
) -> Result<Vec<avance_core::poi::PoiPlan>, Failure> {
    let app = open_app(location, lang).await?;
    let out = async {
        match entity {
            Some(e) => Ok(vec![app.poi(e, year).await?]),
            None => app.all_pois(year).await,
        }
    }
    .await;
    app.close().await;
    let plans = out.map_err(|e| app_failure(location, e, lang))?;
    if plans.is_empty() {
        return Err(Failure::Invalid(vec![format!(
            "{}: {}",
            describe(location),
            lang.pick(
                "no hay POI en la base de datos (avance poi load los carga)",
                "there is no POI in the database (avance poi load loads them)"
            )
        )]));
    }
    Ok(plans)
}

/// Loads POIs, one transaction each; says what each load changed (a summary past 20 plans).
pub async fn load_poi(
    location: &Location,
    plans: &[avance_core::poi::PoiPlan],
    who: Option<&str>,
    reason: &str,
    lang: Lang,
) -> Result<String, Failure> {
    let app = open_app(location, lang).await?;
    let actor = avance_app::Actor::operator(&author(who));
    let name = |p: &avance_core::poi::PoiPlan| format!("POI {} {}", p.entity_code, p.year);
    let outcomes =
        load_each(&app, location, plans, name, async |p| app.load_poi(&actor, p, reason).await, lang).await?;
    let db = describe(location);
    if outcomes.len() > 20 {
        let changed = outcomes.iter().filter(|o| o.change.is_some()).count();
        return Ok(match lang {
            Lang::Es => format!(
                "Cargados {} POI en {db}: {changed} con cambios, {} ya al día\n",
                outcomes.len(),
                outcomes.len() - changed
            ),
            Lang::En => format!(
                "Loaded {} POIs into {db}: {changed} changed, {} already up to date\n",
                outcomes.len(),
                outcomes.len() - changed
            ),
        });
    }
    let mut text = String::new();
    for o in &outcomes {
        text.push_str(&match (o.change, lang) {
            (None, Lang::Es) => format!("Sin cambios: el POI {} {} ya estaba al día en {db}\n", o.entity, o.year),
            (None, Lang::En) => format!("No changes: POI {} {} was already up to date in {db}\n", o.entity, o.year),
            (Some(c), Lang::Es) => format!(
                "Cargado el POI {} {} en {db}: cambio {c} ({}{} AEI, {} actividades, {} valores mensuales; {} retirados)\n",
                o.entity,
                o.year,
                if o.metadata { "metadatos, " } else { "" },
                o.aei,
                o.activities,
                o.months,
                o.removed
            ),
            (Some(c), Lang::En) => format!(
                "Loaded POI {} {} into {db}: change {c} ({}{} AEI, {} activities, {} monthly values; {} removed)\n",
                o.entity,
                o.year,
                if o.metadata { "metadata, " } else { "" },
                o.aei,
                o.activities,
                o.months,
                o.removed
            ),
        });
    }
    Ok(text)
}

/// The POIs in the database.
pub async fn poi_list(location: &Location, lang: Lang) -> Result<String, Failure> {
    let app = open_app(location, lang).await?;
    let plans = app.poi_plans().await;
    app.close().await;
    let plans = plans.map_err(|e| app_failure(location, e, lang))?;
    let lines = plans.iter().map(|p| PlanLine {
        entity: &p.entity_code,
        period: p.year.to_string(),
        name: &p.entity_name,
        items: (p.activities, lang.pick("actividades", "activities")),
        changes: p.changes,
        profile: &p.profile,
    });
    Ok(plan_list(("POI en", "POIs in"), location, "poi", lines, lang))
}

/// One entity's plan in `poi list` or `pei list`.
struct PlanLine<'a> {
    entity: &'a str,
    period: String,
    name: &'a str,
    /// How many activities or indicators, and the word for them.
    items: (i64, &'a str),
    changes: i64,
    profile: &'a str,
}

/// The plans of the database, a line each (`kind`: `poi` or `pei`, for the command that loads them).
fn plan_list<'a>(
    title: (&str, &str),
    location: &Location,
    kind: &str,
    lines: impl ExactSizeIterator<Item = PlanLine<'a>>,
    lang: Lang,
) -> String {
    let mut o = format!("{} {}\n", lang.pick(title.0, title.1), describe(location));
    if lines.len() == 0 {
        o.push_str(&match lang {
            Lang::Es => format!("  ninguno (avance {kind} load los carga)\n"),
            Lang::En => format!("  none (avance {kind} load loads them)\n"),
        });
    }
    for p in lines {
        o.push_str(&format!(
            "  {:<10} {} · {} · {} {} · {} {} · {}\n",
            p.entity,
            p.period,
            p.name,
            p.items.0,
            p.items.1,
            p.changes,
            if p.changes == 1 { lang.pick("cambio", "change") } else { lang.pick("cambios", "changes") },
            p.profile
        ));
    }
    o
}

/// A line of `poi history` or `pei history`: the change set, when, who, why, then `what` changed.
fn revision_line(change: i64, at: &str, author: &str, reason: &str, what: &str, lang: Lang) -> String {
    format!("  {} {change} · {at} · {author} · «{reason}» · {what}\n", lang.pick("cambio", "change"))
}

/// Every revision of an activity's months.
pub async fn poi_history(
    location: &Location,
    entity: &str,
    activity: &str,
    year: Option<i32>,
    lang: Lang,
) -> Result<String, Failure> {
    let app = open_app(location, lang).await?;
    let out = async {
        let plan = app.poi(entity, year).await?;
        if !plan.activities.iter().any(|a| a.code == activity) {
            return Err(avance_app::AppError::NotFound(avance_app::Missing::Activity));
        }
        Ok((plan.year, app.poi_history(entity, plan.year, activity).await?))
    }
    .await;
    app.close().await;
    let (year, revisions) = out.map_err(|e| app_failure(location, e, lang))?;
    let mut o = format!("POI {entity} {year} · {activity}\n");
    for r in revisions {
        let role = if r.role == "programmed" {
            lang.pick("programado", "programmed")
        } else {
            lang.pick("ejecutado", "executed")
        };
        let value = r.value.unwrap_or_else(|| lang.pick("(retirado)", "(removed)").to_string());
        let what = format!("{} {:02}: {role} {value}", lang.pick("mes", "month"), r.month);
        o.push_str(&revision_line(r.change, &r.at, &r.author, &r.reason, &what, lang));
    }
    Ok(o)
}

/// Loads PEIs into the database, one transaction each: a new revision of each that differs from
/// the one stored (a summary past one plan).
pub async fn load_pei(
    location: &Location,
    plans: &[avance_core::pei::PeiPlan],
    who: Option<&str>,
    reason: &str,
    lang: Lang,
) -> Result<String, Failure> {
    let app = open_app(location, lang).await?;
    let actor = avance_app::Actor::operator(&author(who));
    let name = |p: &avance_core::pei::PeiPlan| format!("PEI {} {}", p.entity_code, p.first_year);
    let changes = load_each(&app, location, plans, name, async |p| app.load_pei(&actor, p, reason).await, lang).await?;
    let db = describe(location);
    let ([change], [plan]) = (&changes[..], plans) else {
        let changed = changes.iter().filter(|c| c.is_some()).count();
        return Ok(match lang {
            Lang::Es => format!(
                "Cargados {} PEI en {db}: {changed} con cambios, {} ya al día\n",
                plans.len(),
                plans.len() - changed
            ),
            Lang::En => format!(
                "Loaded {} PEIs into {db}: {changed} changed, {} already up to date\n",
                plans.len(),
                plans.len() - changed
            ),
        });
    };
    let what = format!("PEI {} {}–{}", plan.entity_code, plan.first_year, plan.last_year);
    Ok(match (change, lang) {
        (Some(c), Lang::Es) => {
            format!("{what} cargado en {db}: cambio {c}, {} indicadores\n", plan.indicators.len())
        }
        (Some(c), Lang::En) => {
            format!("{what} loaded into {db}: change {c}, {} indicators\n", plan.indicators.len())
        }
        (None, Lang::Es) => format!("{what} ya estaba al día en {db}: nada que cambiar\n"),
        (None, Lang::En) => format!("{what} was already up to date in {db}: nothing to change\n"),
    })
}

/// The PEIs of the database.
pub async fn pei_list(location: &Location, lang: Lang) -> Result<String, Failure> {
    let app = open_app(location, lang).await?;
    let plans = app.pei_plans().await;
    app.close().await;
    let plans = plans.map_err(|e| app_failure(location, e, lang))?;
    let lines = plans.iter().map(|p| PlanLine {
        entity: &p.entity_code,
        period: format!("{}–{}", p.first_year, p.last_year),
        name: &p.entity_name,
        items: (p.indicators, lang.pick("indicadores", "indicators")),
        changes: p.changes,
        profile: &p.profile,
    });
    Ok(plan_list(("PEI en", "PEIs in"), location, "pei", lines, lang))
}

/// An entity's PEI from the database.
pub async fn pei_plan(
    location: &Location,
    entity: &str,
    first_year: Option<i32>,
    lang: Lang,
) -> Result<avance_core::pei::PeiPlan, Failure> {
    let app = open_app(location, lang).await?;
    let out = app.pei(entity, first_year).await;
    app.close().await;
    out.map(|(_, plan)| plan).map_err(|e| app_failure(location, e, lang))
}

/// Every change of an indicator's values in an entity's PEI.
pub async fn pei_history(
    location: &Location,
    entity: &str,
    indicator: &str,
    first_year: Option<i32>,
    lang: Lang,
) -> Result<String, Failure> {
    let changes = with_app(location, lang, async |app| app.pei_history(entity, first_year, indicator).await).await?;
    let mut o = format!("PEI {entity} · {indicator}\n");
    for c in changes {
        let role = if c.role == "target" {
            lang.pick("logro esperado", "expected value")
        } else {
            lang.pick("valor obtenido", "obtained value")
        };
        let value = c.value.unwrap_or_else(|| lang.pick("(retirado)", "(removed)").to_string());
        o.push_str(&revision_line(c.change, &c.at, &c.author, &c.reason, &format!("{}: {role} {value}", c.year), lang));
    }
    Ok(o)
}

/// Loads each plan with `load` (one transaction each), then closes the application. A plan refused
/// part of the way through stops there: the failure says which (`name`) and that the ones before it
/// stay loaded.
async fn load_each<P, O>(
    app: &avance_app::App,
    location: &Location,
    plans: &[P],
    name: impl Fn(&P) -> String,
    load: impl AsyncFn(&P) -> Result<O, avance_app::AppError>,
    lang: Lang,
) -> Result<Vec<O>, Failure> {
    let mut done = Vec::with_capacity(plans.len());
    for plan in plans {
        match load(plan).await {
            Ok(o) => done.push(o),
            Err(e) => {
                app.close().await;
                let mut f = app_failure(location, e, lang);
                if let Failure::Invalid(lines) = &mut f {
                    let (what, loaded) = (name(plan), done.len());
                    lines.push(match lang {
                        Lang::Es => format!("{what}: no se cargó; los {loaded} anteriores sí quedaron cargados"),
                        Lang::En => format!("{what}: not loaded; the {loaded} before it were loaded"),
                    });
                }
                return Err(f);
            }
        }
    }
    app.close().await;
    Ok(done)
}

/// Runs `f` on the application opened at `location`, then closes it; what the application refuses
/// is the command's failure.
pub async fn with_app<T>(
    location: &Location,
    lang: Lang,
    f: impl AsyncFnOnce(&avance_app::App) -> Result<T, avance_app::AppError>,
) -> Result<T, Failure> {
    let app = open_app(location, lang).await?;
    let out = f(&app).await;
    app.close().await;
    out.map_err(|e| app_failure(location, e, lang))
}

/// Publishes an entity's PEI follow-up of a year (as the operator).
pub async fn pei_publish(
    location: &Location,
    entity: &str,
    first_year: Option<i32>,
    year: Option<u16>,
    who: Option<&str>,
    lang: Lang,
) -> Result<String, Failure> {
    let actor = avance_app::Actor::operator(&author(who));
    let s = with_app(location, lang, async |app| app.publish_pei(&actor, entity, first_year, year).await).await?;
    let what = match lang {
        Lang::Es => format!("el seguimiento {} del PEI {} {}", s.year, s.entity, s.first_year),
        Lang::En => format!("the {} follow-up of PEI {} {}", s.year, s.entity, s.first_year),
    };
    Ok(published_line(&what, &s.content_hash, s.as_of_change, &s.profile, lang))
}

/// The latest published follow-up of an entity's PEI (of `year`, or its latest), regenerated from
/// its frozen inputs; a failure if the figures regenerated are not the ones published.
pub async fn pei_published(
    location: &Location,
    entity: &str,
    first_year: Option<i32>,
    year: Option<u16>,
    lang: Lang,
) -> Result<(avance_core::pei::PeiPlan, avance_core::pei::PeiResult), Failure> {
    let snapshots = with_app(location, lang, async |app| app.pei_snapshots(entity, first_year, year).await).await?;
    let Some(s) = snapshots.last() else { return Err(not_published("PEI", lang)) };
    let (plan, result, same) = avance_app::pei::regenerate(s).map_err(|e| app_failure(location, e, lang))?;
    if !same {
        return Err(not_as_published(&s.content_hash, lang));
    }
    Ok((plan, result))
}

/// Publishes an entity's POI follow-up of a period as a report generated today prints it (as the
/// operator).
pub async fn poi_publish(
    location: &Location,
    entity: &str,
    year: Option<i32>,
    months: Option<(u8, u8)>,
    who: Option<&str>,
    lang: Lang,
) -> Result<String, Failure> {
    let actor = avance_app::Actor::operator(&author(who));
    let s = with_app(location, lang, async |app| app.publish_poi(&actor, entity, year, months).await).await?;
    let (first, last) = (avance_report::poi::month(s.months.0, lang), avance_report::poi::month(s.months.1, lang));
    let what = match lang {
        Lang::Es => format!(
            "el seguimiento de {first} a {last} del POI {} {} (fecha del reporte {})",
            s.entity, s.year, s.report_date
        ),
        Lang::En => {
            format!("the {first} to {last} follow-up of POI {} {} (report date {})", s.entity, s.year, s.report_date)
        }
    };
    Ok(published_line(&what, &s.content_hash, s.as_of_change, &s.profile, lang))
}

/// The latest published follow-up of an entity's POI of `year` (by default its latest),
/// regenerated from its frozen inputs; a failure if the figures regenerated are not the ones
/// published.
pub async fn poi_published(
    location: &Location,
    entity: &str,
    year: Option<i32>,
    lang: Lang,
) -> Result<(avance_core::poi::PoiPlan, avance_app::poi::PoiFigures), Failure> {
    let snapshots = with_app(location, lang, async |app| app.poi_snapshots(entity, year).await).await?;
    let s = snapshots.last().ok_or_else(|| not_published("POI", lang))?;
    let (plan, figures, same) = avance_app::poi::regenerate(s).map_err(|e| app_failure(location, e, lang))?;
    if !same {
        return Err(not_as_published(&s.content_hash, lang));
    }
    Ok((plan, figures))
}

/// What `publish` prints: `what` was published, with its fingerprint, change set and profile.
fn published_line(what: &str, hash: &str, change: i64, profile: &str, lang: Lang) -> String {
    match lang {
        Lang::Es => format!("Publicado {what}: huella SHA-256 {hash} (datos al cambio {change}, perfil {profile})\n"),
        Lang::En => {
            let mut w = what.chars();
            let what: String = w.next().map(|c| c.to_uppercase().chain(w).collect()).unwrap_or_default();
            format!("{what} published: SHA-256 {hash} (data as of change {change}, profile {profile})\n")
        }
    }
}

/// The failure of a plan (`PEI`, `POI`) with no publication of what was asked.
fn not_published(kind: &str, lang: Lang) -> Failure {
    let command = kind.to_lowercase();
    Failure::Invalid(vec![match lang {
        Lang::Es => format!("ese seguimiento del {kind} no se publicó (avance {command} publish lo publica)"),
        Lang::En => format!("that {kind} follow-up was not published (avance {command} publish publishes it)"),
    }])
}

/// The failure of a publication whose regenerated figures differ from the published ones.
fn not_as_published(hash: &str, lang: Lang) -> Failure {
    Failure::Invalid(vec![format!(
        "{} {hash}",
        lang.pick(
            "las cifras regeneradas no son las publicadas; huella",
            "the regenerated figures are not those published; hash"
        ),
    )])
}
