//! `avance serve`: starts the web application (the only use of `avance-web`, behind the `web`
//! feature, on by default).

use std::io::Write as _;
use std::net::{IpAddr, SocketAddr};

use avance_core::lang::Lang;
use avance_store::Location;

use crate::Failure;
use crate::db::{app_failure, describe, open};

/// How `avance serve` was asked to run.
#[derive(Debug, Clone)]
pub struct Options {
    pub addr: SocketAddr,
    pub demo: bool,
    pub secure_cookies: bool,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<IpAddr>,
    /// How long a new API token lasts.
    pub token_days: i64,
    /// The demo prints its e-mails instead of sending them.
    pub print_mail: bool,
    /// Prometheus metrics at `/metricas`.
    pub metrics: bool,
    /// PostgreSQL read replicas of the primary (`--read-db`).
    pub read_db: Vec<String>,
    pub mail: crate::notify::MailArgs,
}

/// Runs the web application until Ctrl-C (or SIGTERM).
pub fn serve(location: &Location, o: &Options, lang: Lang) -> Result<(), Failure> {
    if o.demo && !o.addr.ip().is_loopback() {
        return Err(Failure::Invalid(vec![
            lang.pick(
                "--demo solo escucha en la interfaz local (127.0.0.1 o ::1): sus contraseñas son públicas",
                "--demo only listens on the loopback interface (127.0.0.1 or ::1): its passwords are public",
            )
            .to_string(),
        ]));
    }
    // Checked before anything is opened: a bad option says so at once.
    if !o.read_db.is_empty() && !matches!(location, Location::Postgres(_)) {
        return Err(Failure::Invalid(vec![
            lang.pick(
                "--read-db: las réplicas de lectura son de PostgreSQL; la base de datos (--db) también debe serlo",
                "--read-db: read replicas are PostgreSQL's; the database (--db) must be PostgreSQL too",
            )
            .to_string(),
        ]));
    }
    if let Some(bad) = o.read_db.iter().find(|u| !(u.starts_with("postgres://") || u.starts_with("postgresql://"))) {
        return Err(Failure::Invalid(vec![format!(
            "--read-db: «{}» {}",
            describe(&Location::parse(bad)),
            lang.pick("no es una dirección postgres://…", "is not a postgres://… address")
        )]));
    }
    let mail = o.mail.settings(Some(format!("http://{}", o.addr)), lang)?;
    let mailer = match o.mail.mailer(lang)? {
        Some(m) => Some(m),
        None if o.print_mail => Some(avance_app::mail::Mailer::Terminal),
        None => None,
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Invalid(vec![e.to_string()]))?;
    rt.block_on(async {
        let store = open(location, lang).await?;
        let settings = avance_app::Settings { token_days: o.token_days, mail, ..avance_app::Settings::default() };
        let mut replicas = Vec::new();
        for url in &o.read_db {
            let name = describe(&Location::Postgres(url.clone()));
            let replica = avance_store::Store::open_replica(url).await.map_err(|e| {
                Failure::Invalid(vec![format!("--read-db {name}: {e}")])
            })?;
            replicas.push(avance_app::replicas::Replica::new(name, replica));
        }
        let app = avance_app::App::new(store, settings).with_replicas(replicas);
        let prepared = if o.demo {
            Some(avance_app::demo::prepare(&app).await.map_err(|e| app_failure(location, e, lang))?)
        } else {
            None
        };
        let addr = o.addr;
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
            Failure::Invalid(vec![format!("{} {addr}: {e}", lang.pick("no se puede escuchar en", "cannot listen on"))])
        })?;
        let mut out = std::io::stdout();
        let _ = writeln!(
            out,
            "{} http://{addr}/  ({} {})",
            lang.pick("avance escucha en", "avance is listening on"),
            lang.pick("base de datos:", "database:"),
            describe(location)
        );
        match prepared {
            Some(avance_app::demo::Prepared::Created) => {
                let _ = writeln!(
                    out,
                    "{}",
                    lang.pick(
                        "Cuentas de demostración (rol, usuario, contraseña):",
                        "Demo accounts (role, user, password):"
                    )
                );
                for a in &avance_app::demo::ACCOUNTS {
                    let scope = a.scope.map(|s| format!(" [{s}]")).unwrap_or_default();
                    let _ = writeln!(out, "  {:<28} {:<14} {}{scope}", a.role.label(lang), a.username, a.password);
                }
            }
            Some(avance_app::demo::Prepared::Existing) => {
                let _ = writeln!(
                    out,
                    "{}",
                    lang.pick(
                        "La base de datos ya tiene la política de referencia, el POI de demostración, las cuentas de demostración y un plazo para 2024: no se escribió nada en ella.",
                        "The database already has the reference policy, the demo POI, the demo accounts and a deadline for 2024: nothing was written to it."
                    )
                );
            }
            None => {}
        }
        let config = avance_web::Config {
            secure_cookies: o.secure_cookies,
            trusted_proxies: o.trusted_proxies.clone(),
            metrics: o.metrics,
        };
        let state = avance_web::AppState::new(app, config);
        let started = std::time::Instant::now();
        let n = state.warm().await.map_err(|e| app_failure(location, e, lang))?;
        let what = match (n, lang) {
            (1, Lang::Es) => "Cargada y calculada 1 política".to_string(),
            (n, Lang::Es) => format!("Cargadas y calculadas {n} políticas"),
            (1, Lang::En) => "Loaded and computed 1 policy".to_string(),
            (n, Lang::En) => format!("Loaded and computed {n} policies"),
        };
        let _ = writeln!(out, "{what} {} {:.1} s", lang.pick("en", "in"), started.elapsed().as_secs_f64());
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let worker = match mailer {
            Some(mailer) => {
                let _ = writeln!(out, "{} {}", lang.pick("Correo: se envía por", "Mail: sent through"), mailer.describe(lang));
                let app = state.app.clone();
                Some(tokio::spawn(async move { app.mail_worker(mailer, stopped).await }))
            }
            None => {
                let _ = writeln!(
                    out,
                    "{}",
                    lang.pick(
                        "Correo: sin --smtp, los mensajes esperan en la bandeja de salida (avance notify --once los envía).",
                        "Mail: without --smtp, messages wait in the outbox (avance notify --once sends them)."
                    )
                );
                None
            }
        };
        let _ = writeln!(out, "{}", lang.pick("Ctrl-C para detener.", "Ctrl-C to stop."));
        let _ = out.flush();
        let served = avance_web::serve_on(state, listener).await.map_err(|e| Failure::Invalid(vec![e.to_string()]));
        // The message being sent is finished (or given up after the SMTP timeout) before leaving.
        let _ = stop.send(true);
        if let Some(w) = worker {
            let _ = tokio::time::timeout(std::time::Duration::from_secs(40), w).await;
        }
        served
    })
}
