//! E-mail against a real SMTP server (aiosmtpd, started by each test: tests/smtp/server.py), on
//! SQLite and on PostgreSQL: reminders before the deadline, notices of a returned and an approved
//! value, the planning office's digest, a reset link that works once, a retry after the server
//! refuses, and no message sent twice when the sender is killed in the middle of sending.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use avance_app::mail::{MailSettings, Mailer};
use avance_app::store::{PgStore, SqliteStore, Store};
use avance_app::{Actor, App, DeadlineRequest, FixedClock, Login, ReportActual, Settings};
use avance_core::access::Step;
use avance_core::mail::MailKind;
use avance_store::mail::NewMail;
use serde_json::Value;
use time::macros::datetime;

const PUBLIC: &str = "https://avance.prueba.gob.pe";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The SMTP server of one test, ended (by its process id) when dropped.
struct Smtp {
    child: Child,
    port: u16,
    out: PathBuf,
    dir: tempfile::TempDir,
}

impl Smtp {
    fn start(extra: &[&str]) -> Smtp {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("received.jsonl");
        let mut child = Command::new("python3")
            .arg(root().join("tests/smtp/server.py"))
            .arg("--out")
            .arg(&out)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 (the SMTP server of the tests: pip install aiosmtpd==1.4.6, see README)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let port = line.trim().strip_prefix("PORT ").and_then(|p| p.parse().ok()).unwrap_or_else(|| {
            panic!("the SMTP server did not start (is aiosmtpd installed? pip install aiosmtpd==1.4.6): «{line}»")
        });
        Smtp { child, port, out, dir }
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    fn mailer(&self) -> Mailer {
        Mailer::smtp(&self.url(), None, "Avance <avance@prueba.gob.pe>").unwrap()
    }

    fn received(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.out)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// Waits until `n` messages arrived (at most 20 s).
    fn wait_for(&self, n: usize) -> Vec<Value> {
        let start = Instant::now();
        loop {
            let got = self.received();
            if got.len() >= n || start.elapsed() > Duration::from_secs(20) {
                return got;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn to(m: &Value) -> String {
    m["to"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect::<Vec<_>>().join(",")
}

/// A field of a message as received (the parts' line ends as written: `\n`).
fn s(m: &Value, k: &str) -> String {
    m[k].as_str().unwrap_or_default().replace("\r\n", "\n")
}

fn pg_url() -> String {
    std::env::var("AVANCE_TEST_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

/// A fresh PostgreSQL schema (dropped first if a run before left it).
async fn pg_store(schema: &str) -> Store {
    let admin = PgStore::open(&pg_url(), None).await.expect("PostgreSQL at 127.0.0.1:5432 (see README)");
    admin.execute_raw(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")).await.unwrap();
    admin.close().await;
    Store::Postgres(PgStore::open(&pg_url(), Some(schema)).await.unwrap())
}

fn settings() -> Settings {
    Settings { mail: MailSettings { public_url: PUBLIC.to_string(), ..MailSettings::default() }, ..Settings::default() }
}

/// The demo (reference policy, one account per role) with 2024 due on 2027-01-10, on `store`,
/// its clock at 09:00 in Lima five days before.
async fn demo(store: Store) -> (App, Arc<FixedClock>) {
    store.migrate().await.unwrap();
    let clock = Arc::new(FixedClock::new(datetime!(2027-01-05 14:00 UTC)));
    let app = App::with_clock(store, settings(), clock.clone());
    avance_app::demo::prepare(&app).await.unwrap();
    let operator = Actor::operator("pruebas");
    let req =
        DeadlineRequest { policy: "PNDI".into(), year: "2024".into(), date: "2027-01-10".into(), ..Default::default() };
    app.set_deadline(&operator, &req).await.unwrap();
    (app, clock)
}

async fn actor(app: &App, user: &str, password: &str) -> Actor {
    let s = app
        .login(Login {
            username: user.into(),
            password: password.into(),
            client: "127.0.0.1".into(),
            previous_session: None,
        })
        .await
        .unwrap();
    Actor::user(s.user)
}

/// Each message's link to a page of the application.
fn link(text: &str, path: &str) -> bool {
    text.contains(&format!("{PUBLIC}{path}"))
}

async fn mail_story(store: Store) {
    let (app, clock) = demo(store).await;
    // The unit ITP reads its messages in English.
    let itp = actor(&app, "itp", "demo-unidad-itp").await;
    let profile = avance_app::mail::Profile { email: "itp@avance.example".into(), lang: "en".into(), digest: true };
    app.set_profile(&itp, &profile).await.unwrap();

    // The first message is refused for now (451): it is tried again after a minute.
    let smtp = Smtp::start(&["--refuse", "1"]);
    let mailer = smtp.mailer();
    let first = app.notify_once(&mailer).await.unwrap();
    assert_eq!((first.written, first.sent, first.retried, first.failed), (2, 1, 1, 0), "{first:?}");
    let got = smtp.wait_for(1);
    assert_eq!(got.len(), 1);
    let operator = Actor::operator("pruebas");
    let outbox = app.outbox(&operator, None).await.unwrap();
    assert_eq!((outbox.counts.pending, outbox.counts.sent), (1, 1));
    let waiting = outbox.mails.iter().find(|m| m.status == avance_core::mail::MailStatus::Pending).unwrap();
    assert_eq!(waiting.last_error.as_deref().map(|e| e.contains("451")), Some(true), "{waiting:?}");
    // Not due yet: nothing more is sent.
    clock.advance(time::Duration::seconds(30));
    assert_eq!(app.notify_once(&mailer).await.unwrap().sent, 0);
    clock.advance(time::Duration::seconds(31));
    let retried = app.notify_once(&mailer).await.unwrap();
    assert_eq!((retried.written, retried.sent), (0, 1));
    let (_, attempts) = app.outbox_mail(&operator, waiting.id).await.unwrap();
    assert_eq!(attempts.iter().map(|a| a.outcome.as_str()).collect::<Vec<_>>(), ["retry", "sent"]);

    let got = smtp.wait_for(2);
    assert_eq!(got.len(), 2, "{got:#?}");
    let dgde = got.iter().find(|m| to(m) == "dgde@avance.example").expect("a reminder to DGDE");
    assert_eq!(s(dgde, "from"), "avance@prueba.gob.pe");
    let subject = s(dgde, "subject");
    assert!(
        subject.starts_with("avance: 5 días restantes para reportar ") && subject.ends_with(" de PNDI 2024"),
        "{subject}"
    );
    let text = s(dgde, "text");
    assert!(text.contains("La unidad DGDE debe reportar"), "{text}");
    assert!(text.contains("El plazo vence el 2027-01-10 23:59:59 (hora de Lima): 5 días restantes."), "{text}");
    assert!(link(&text, "/mis-indicadores"), "{text}");
    assert!(s(dgde, "html").contains(&format!("<a href=\"{PUBLIC}/mis-indicadores\">")), "{}", s(dgde, "html"));
    let itp_mail = got.iter().find(|m| to(m) == "itp@avance.example").expect("a reminder to ITP");
    assert!(s(itp_mail, "subject").starts_with("avance: 5 days left to report "), "{}", s(itp_mail, "subject"));
    assert!(s(itp_mail, "text").contains("The unit ITP must report"), "{}", s(itp_mail, "text"));
    // Each message once, with its own Message-ID.
    assert_ne!(s(&got[0], "message_id"), s(&got[1], "message_id"));

    // The same step is never written again; the next one (3 days before) is.
    clock.advance(time::Duration::hours(20));
    assert_eq!(app.notify_once(&mailer).await.unwrap(), avance_app::mail::NotifyReport::default());
    clock.set(datetime!(2027-01-07 14:00 UTC));
    assert_eq!(app.notify_once(&mailer).await.unwrap().written, 2);
    let got = smtp.wait_for(4);
    assert!(s(&got[2], "subject").contains("3 d"), "{}", s(&got[2], "subject"));

    // DGDE reports an owed value; the planning office returns it, then approves the correction.
    let owed = app.reporting_tracking(&operator, Some("PNDI"), Some("2024")).await.unwrap();
    let unit = owed.units.iter().find(|u| u.unit.eq_ignore_ascii_case("DGDE")).unwrap();
    let indicator = unit.indicators.iter().find(|i| i.standing.owed()).unwrap().code.clone();
    let dgde_actor = actor(&app, "dgde", "demo-unidad-dgde").await;
    let report = |value: &str| ReportActual {
        policy: "PNDI".into(),
        indicator: indicator.clone(),
        year: "2024".into(),
        value: value.into(),
        ..Default::default()
    };
    let sub = app.report_actual(&dgde_actor, &report("1")).await.unwrap();
    let planning = actor(&app, "planeamiento", "demo-planeamiento").await;
    app.review(&planning, sub.id, Step::Return, "falta la fuente del dato").await.unwrap();
    assert_eq!(app.notify_once(&mailer).await.unwrap().sent, 1);
    let got = smtp.wait_for(5);
    let returned = &got[4];
    assert_eq!(to(returned), "dgde@avance.example");
    assert_eq!(s(returned, "subject"), format!("avance: valor devuelto, {indicator} 2024 (PNDI)"));
    let text = s(returned, "text");
    assert!(text.contains("Motivo: falta la fuente del dato\n"), "{text}");
    assert!(link(&text, "/mis-indicadores"), "{text}");
    let sub = app.report_actual(&dgde_actor, &report("2")).await.unwrap();
    app.review(&planning, sub.id, Step::Approve, "").await.unwrap();
    assert_eq!(app.notify_once(&mailer).await.unwrap().sent, 1);
    let got = smtp.wait_for(6);
    let approved = &got[5];
    assert_eq!(s(approved, "subject"), format!("avance: valor aprobado, {indicator} 2024 (PNDI)"));
    assert!(link(&s(approved, "text"), &format!("/politicas/PNDI/indicadores/{indicator}")), "{}", s(approved, "text"));

    // The next morning (09:00 in Lima), the planning office's digest of the two submissions.
    clock.set(datetime!(2027-01-08 14:00 UTC));
    let round = app.notify_once(&mailer).await.unwrap();
    let got = smtp.wait_for(6 + round.sent);
    let digest = got.iter().find(|m| to(m) == "planeamiento@avance.example").expect("a digest");
    assert_eq!(s(digest, "subject"), "avance: 2 envíos nuevos el 2027-01-07");
    let text = s(digest, "text");
    assert!(text.contains(&format!("PNDI {indicator} 2024: 2, de dgde el 2027-01-07")), "{text}");
    assert!(link(&text, "/revision") && link(&text, "/cuenta"), "{text}");
    assert_eq!(app.notify_once(&mailer).await.unwrap().written, 0, "one digest a day");

    // "¿Olvidó su contraseña?": the same answer for an unknown account, a link that works once.
    let before = smtp.received().len();
    app.request_reset("nadie", "127.0.0.9").await.unwrap();
    app.request_reset("DGDE@avance.example", "127.0.0.9").await.unwrap();
    assert_eq!(app.notify_once(&mailer).await.unwrap().sent, 1);
    let got = smtp.wait_for(before + 1);
    let reset = got.last().unwrap();
    assert_eq!(
        (to(reset), s(reset, "subject")),
        ("dgde@avance.example".into(), "avance: restablecer su contraseña".into())
    );
    let text = s(reset, "text");
    let token = text
        .split(&format!("{PUBLIC}/restablecer?token="))
        .nth(1)
        .and_then(|t| t.split_whitespace().next())
        .unwrap_or_else(|| panic!("no link in {text}"))
        .to_string();
    assert_eq!(token.len(), 64);
    // Once sent, the outbox keeps the message without its secret, and never sends it again.
    let sent = app.outbox(&operator, Some("sent")).await.unwrap();
    let kept = sent.mails.iter().find(|m| m.message.kind == MailKind::PasswordReset).unwrap();
    assert!(
        !kept.message.text.contains(&token) && kept.message.text.contains("token=[oculto una vez enviado]"),
        "{}",
        kept.message.text
    );
    assert!(!kept.message.html.contains(&token), "{}", kept.message.html);
    let refused = app.resend_mail(&operator, kept.id).await.unwrap_err();
    assert!(
        refused
            .message(avance_core::lang::Lang::Es)
            .starts_with("Un enlace para restablecer la contraseña no se reenvía")
    );
    assert!(text.contains("sirve una sola vez, hasta el 2027-01-08 10:00:00 (hora de Lima)"), "{text}");
    let short = app.reset_password(&token, "corta", "corta", "127.0.0.9").await.unwrap_err();
    assert_eq!(short.message(avance_core::lang::Lang::Es), "Contraseña: al menos 12 caracteres.");
    let differ =
        app.reset_password(&token, "una-nueva-clave-larga", "otra-clave-larga", "127.0.0.9").await.unwrap_err();
    assert_eq!(differ.message(avance_core::lang::Lang::Es), "Confirmación: no coincide con la contraseña nueva.");
    app.reset_password(&token, "una-nueva-clave-larga", "una-nueva-clave-larga", "127.0.0.9").await.unwrap();
    let again =
        app.reset_password(&token, "otra-clave-mas-larga", "otra-clave-mas-larga", "127.0.0.9").await.unwrap_err();
    assert!(matches!(again, avance_app::AppError::NotFound(avance_app::Missing::ResetLink)), "{again:?}");
    assert!(
        app.login(Login {
            username: "dgde".into(),
            password: "demo-unidad-dgde".into(),
            client: "127.0.0.9".into(),
            previous_session: None
        })
        .await
        .is_err()
    );
    actor(&app, "dgde", "una-nueva-clave-larga").await;
    // Audited: the requests (the unknown one too) and the reset.
    let log = app.audit_log_all(&operator, &avance_app::AuditQuery::default()).await.unwrap();
    let actions: Vec<_> = log.entries.iter().map(|e| (e.actor.as_str(), e.action.id())).collect();
    assert!(actions.contains(&("nadie", "request_reset")), "{actions:?}");
    assert!(
        actions.contains(&("dgde", "request_reset")) && actions.contains(&("dgde", "reset_password")),
        "{actions:?}"
    );
    // A link expires after an hour.
    app.request_reset("dgde", "127.0.0.9").await.unwrap();
    app.notify_once(&mailer).await.unwrap();
    let got = smtp.wait_for(before + 2);
    let text = s(got.last().unwrap(), "text");
    let token = text.split("token=").nth(1).and_then(|t| t.split_whitespace().next()).unwrap().to_string();
    clock.advance(time::Duration::minutes(61));
    assert!(app.reset_link_user(&token).await.is_err());
    // The limit of requests from one address.
    let mut refused = None;
    for _ in 0..6 {
        if let Err(e) = app.request_reset("itp", "127.0.0.10").await {
            refused = Some(e);
        }
    }
    assert!(matches!(refused, Some(avance_app::AppError::TooManyRequests { .. })), "{refused:?}");
    // No message went twice.
    let all = smtp.received();
    let mut ids: Vec<String> = all.iter().map(|m| s(m, "message_id")).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), all.len());
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    mail_story(Store::Sqlite(SqliteStore::open(&dir.path().join("mail.db")).await.unwrap())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_on_postgres() {
    mail_story(pg_store("avance_mail_story").await).await;
}

/// Five notices written to the outbox, sent by `avance notify --once`, which is killed while
/// the server holds the third; a second run sends the fourth and fifth and nothing twice; the
/// third stays "sending" until the lease ends, then is marked interrupted, never sent again by
/// itself; the administrator sends it again, and each of the five arrived once.
async fn restart_in_the_middle(store: Store, db: &str) {
    let (app, clock) = demo(store.clone()).await;
    // `avance notify` reads the system's clock: the messages are written now; 2024's deadline
    // passed long ago (and `--late-until 0`): no reminder is due, only the five links.
    clock.set(time::OffsetDateTime::now_utc());
    let past =
        DeadlineRequest { policy: "PNDI".into(), year: "2024".into(), date: "2026-01-10".into(), ..Default::default() };
    app.set_deadline(&Actor::operator("pruebas"), &past).await.unwrap();
    let operator = Actor::operator("pruebas");
    let mails: Vec<NewMail> = (0..5)
        .map(|n| NewMail {
            kind: MailKind::Approved,
            dedup_key: None,
            recipient: format!("unidad{n}@avance.example"),
            username: None,
            lang: avance_core::lang::Lang::Es,
            subject: format!("avance: aviso {n}"),
            text: format!("Aviso {n}"),
            html: format!("<p>Aviso {n}</p>"),
        })
        .collect();
    assert_eq!(store.enqueue(&mails, &avance_store::app::now()).await.unwrap(), 5);
    let dir = tempfile::tempdir().unwrap();
    let release = dir.path().join("release");
    let smtp = Smtp::start(&["--hold", "3", "--release", release.to_str().unwrap()]);
    let notify = |url: &str| -> Child {
        Command::new(env!("CARGO_BIN_EXE_avance"))
            .args([
                "--db",
                db,
                "notify",
                "--once",
                "--smtp",
                url,
                "--mail-from",
                "avance@prueba.gob.pe",
                "--public-url",
                PUBLIC,
            ])
            .args(["--remind-days", "0", "--late-until", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut first = notify(&smtp.url());
    let held_file = PathBuf::from(format!("{}.held", release.display()));
    let start = Instant::now();
    while !held_file.exists() {
        if let Some(status) = first.try_wait().unwrap() {
            let o = first.wait_with_output().unwrap();
            panic!(
                "notify ended ({status}): {}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
        }
        assert!(start.elapsed() < Duration::from_secs(30), "the third message never reached the server");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Killed (by its process id) while the server holds the third message: the connection ends
    // before the server accepted it, so it does not deliver it.
    first.kill().unwrap();
    first.wait().unwrap();
    std::fs::write(&release, "").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(smtp.received().len(), 2);
    let second = notify(&smtp.url()).wait_with_output().unwrap();
    let out = String::from_utf8_lossy(&second.stdout);
    assert!(second.status.success(), "{out}{}", String::from_utf8_lossy(&second.stderr));
    assert_eq!(out, "Correo: 0 recordatorios y resúmenes escritos; 2 enviados, 0 por reintentar, 0 fallidos.\n");
    let got = smtp.wait_for(4);
    assert_eq!(got.len(), 4);
    // The one being sent when the sender died waits, "sending", and is not sent by the second run.
    let view = app.outbox(&operator, Some("sending")).await.unwrap();
    assert_eq!(view.mails.len(), 1);
    let stuck = view.mails[0].clone();
    assert!(got.iter().all(|m| to(m) != stuck.message.recipient), "{got:#?}");
    // After the lease (ten minutes), the next round marks it interrupted: it may have arrived,
    // so it is not sent again by itself.
    clock.set(time::OffsetDateTime::now_utc() + time::Duration::minutes(11));
    let round = app.deliver_due(&smtp.mailer()).await.unwrap();
    assert_eq!(round, avance_app::mail::NotifyReport::default());
    let (m, attempts) = app.outbox_mail(&operator, stuck.id).await.unwrap();
    assert_eq!((m.status, m.last_error.as_deref()), (avance_core::mail::MailStatus::Failed, Some("interrupted")));
    assert_eq!(attempts.iter().map(|a| a.outcome.as_str()).collect::<Vec<_>>(), ["interrupted"]);
    assert_eq!(smtp.received().len(), 4);
    // The administrator, who sees it on the outbox page, sends it again.
    app.resend_mail(&operator, stuck.id).await.unwrap();
    assert_eq!(app.deliver_due(&smtp.mailer()).await.unwrap().sent, 1);
    let (_, attempts) = app.outbox_mail(&operator, stuck.id).await.unwrap();
    assert_eq!(attempts.iter().map(|a| a.outcome.as_str()).collect::<Vec<_>>(), ["interrupted", "resent", "sent"]);
    // Each of the five arrived once.
    let got = smtp.wait_for(5);
    let mut to_list: Vec<String> = got.iter().map(to).collect();
    to_list.sort();
    assert_eq!(to_list, (0..5).map(|n| format!("unidad{n}@avance.example")).collect::<Vec<_>>());
    // A sent message cannot be queued twice at once.
    app.resend_mail(&operator, stuck.id).await.unwrap();
    let twice = app.resend_mail(&operator, stuck.id).await.unwrap_err();
    assert_eq!(
        twice.message(avance_core::lang::Lang::Es),
        "Solo se reenvía un mensaje enviado o fallido; este espera su envío o se está enviando."
    );
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_in_the_middle_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mail.db");
    let store = Store::Sqlite(SqliteStore::open(&path).await.unwrap());
    restart_in_the_middle(store, &format!("sqlite://{}", path.display())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_in_the_middle_on_postgres() {
    let schema = "avance_mail_restart";
    let store = pg_store(schema).await;
    let url = pg_url();
    let sep = if url.contains('?') { '&' } else { '?' };
    restart_in_the_middle(store, &format!("{url}{sep}options=-c%20search_path%3D{schema}")).await;
}

/// A refusal for good (550) is not retried: the message fails at once, with the server's words.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_permanent_refusal_is_not_retried() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _clock) = demo(Store::Sqlite(SqliteStore::open(&dir.path().join("mail.db")).await.unwrap())).await;
    let smtp = Smtp::start(&["--reject", "itp@avance.example"]);
    let round = app.notify_once(&smtp.mailer()).await.unwrap();
    assert_eq!((round.sent, round.retried, round.failed), (1, 0, 1), "{round:?}");
    let view = app.outbox(&Actor::operator("pruebas"), Some("failed")).await.unwrap();
    assert_eq!(view.mails[0].message.recipient, "itp@avance.example");
    assert!(view.mails[0].last_error.as_deref().unwrap_or("").contains("550"), "{:?}", view.mails[0]);
    // `avance notify --once` says so and exits with an error.
    let db = format!("sqlite://{}", dir.path().join("mail.db").display());
    app.close().await;
    let o = Command::new(env!("CARGO_BIN_EXE_avance"))
        .args(["--db", &db, "notify", "--once", "--smtp", "smtp://127.0.0.1:1", "--mail-from", "avance@prueba.gob.pe"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("falta --public-url"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let _ = &smtp.dir;
}

/// `avance serve --demo --print-mail`: a newcomer sees the e-mails in the terminal; at start, each
/// demo unit with values owed gets its reminder (the year just opened).
#[test]
fn the_demo_prints_its_mail() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_avance"))
        .current_dir(dir.path())
        .args(["serve", "--demo", "--print-mail", "--addr", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = Vec::new();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        let Some(Ok(line)) = lines.next() else { break };
        seen.push(line);
        if seen.iter().filter(|l| l.starts_with("Para: ")).count() == 2
            && seen.last().is_some_and(|l| l.starts_with("http"))
        {
            break;
        }
    }
    // Ended by its process id.
    child.kill().unwrap();
    child.wait().unwrap();
    let out = seen.join("\n");
    assert!(
        out.contains("Correo: se envía por la terminal (--print-mail: los correos se imprimen, no se envían)"),
        "{out}"
    );
    assert!(
        out.contains(
            "Para: dgde@avance.example\nAsunto: avance: 90 días restantes para reportar 9 valores de PNDI 2024"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "Para: itp@avance.example\nAsunto: avance: 90 días restantes para reportar 5 valores de PNDI 2024"
        ),
        "{out}"
    );
    assert!(out.contains(&format!("http://127.0.0.1:{port}/mis-indicadores")), "{out}");
    // Without --demo, --print-mail is refused.
    let o = Command::new(env!("CARGO_BIN_EXE_avance")).args(["serve", "--print-mail"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--demo"), "{}", String::from_utf8_lossy(&o.stderr));
}
