//! The database from the command line: loads that are killed midway, concurrent writers, and the
//! `db` commands on SQLite and PostgreSQL.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn avance(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_avance"))
        .arg("--db")
        .arg(db)
        .args(args)
        .current_dir(root())
        .env_remove("AVANCE_LANG")
        .output()
        .expect("run avance")
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn generate(dir: &Path, policies: usize, indicators: usize, seed: u64) {
    let o = Command::new(env!("CARGO_BIN_EXE_avance"))
        .args(["generate", "--policies", &policies.to_string(), "--indicators", &indicators.to_string()])
        .args(["--seed", &seed.to_string(), "--out"])
        .arg(dir)
        .output()
        .expect("generate");
    ok(&o);
}

fn exported(db: &str, policy: &str, dir: &Path) -> Vec<u8> {
    let out = dir.join("export");
    let _ = std::fs::remove_dir_all(&out);
    ok(&avance(db, &["db", "export", "--policy", policy, "--out", out.to_str().expect("utf-8")]));
    std::fs::read(out.join("dataset.json")).expect("exported")
}

async fn integrity(path: &Path) -> String {
    let store = avance_store::SqliteStore::open(path).await.expect("the database opens");
    let check = store.integrity_check().await.expect("integrity_check");
    store.close().await;
    check
}

/// A small deterministic sequence of delays, so that a failure can be replayed.
fn delays(n: usize, max: Duration) -> Vec<Duration> {
    let mut x: u64 = 0x5DEE_CE66;
    (0..n)
        .map(|_| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            Duration::from_millis(20 + (x >> 33) % max.as_millis().max(21) as u64)
        })
        .collect()
}

#[tokio::test(flavor = "current_thread")]
async fn a_load_killed_at_any_moment_leaves_the_old_state_or_the_new_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Two versions of the same policy: same structure, every value and name different.
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    generate(&a, 1, 6_000, 1);
    generate(&b, 1, 6_000, 2);
    let (a_set, b_set) = (a.join("SYN001"), b.join("SYN001"));
    let db_file = dir.path().join("avance.db");
    let db = format!("sqlite://{}", db_file.display());
    let want_a = std::fs::read(a_set.join("dataset.json")).expect("a");
    let want_b = std::fs::read(b_set.join("dataset.json")).expect("b");
    assert_ne!(want_a, want_b);

    // How long a whole load takes here, to kill within it.
    let start = Instant::now();
    ok(&avance(&db, &["db", "load", a_set.to_str().expect("utf-8")]));
    let full = start.elapsed();
    assert_eq!(exported(&db, "SYN001", dir.path()), want_a);

    let mut state_is_a = true;
    let mut interrupted = 0;
    for (i, delay) in delays(20, full).into_iter().enumerate() {
        let next = if state_is_a { &b_set } else { &a_set };
        let mut child = Command::new(env!("CARGO_BIN_EXE_avance"))
            .args(["--db", &db, "db", "load"])
            .arg(next)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(delay);
        let finished = child.try_wait().expect("wait").is_some();
        child.kill().ok(); // SIGKILL
        let status = child.wait().expect("reaped");
        if !finished && !status.success() {
            interrupted += 1;
        }
        assert_eq!(integrity(&db_file).await, "ok", "kill {i} after {delay:?}");
        let now = exported(&db, "SYN001", dir.path());
        assert!(
            now == want_a || now == want_b,
            "kill {i} after {delay:?}: a state that is neither the old nor the new"
        );
        state_is_a = now == want_a;
    }
    // Most kills landed inside a load (not before it started or after it ended).
    assert!(interrupted >= 10, "only {interrupted} of 20 kills interrupted a load");
}

#[test]
fn two_writers_loading_different_policies_both_succeed() {
    let dir = tempfile::tempdir().expect("tempdir");
    generate(dir.path(), 2, 3_000, 7);
    let db = format!("sqlite://{}", dir.path().join("avance.db").display());
    let spawn = |code: &str| {
        Command::new(env!("CARGO_BIN_EXE_avance")).args(["--db", &db, "db", "load"]).arg(dir.path().join(code)).output()
    };
    let (one, two) = std::thread::scope(|s| {
        let a = s.spawn(|| spawn("SYN001"));
        let b = s.spawn(|| spawn("SYN002"));
        (a.join().expect("thread").expect("run"), b.join().expect("thread").expect("run"))
    });
    ok(&one);
    ok(&two);
    let list = ok(&avance(&db, &["db", "list"]));
    assert!(list.contains("SYN001") && list.contains("SYN002"), "{list}");
}

/// The issue's check: computing from the database gives exactly what computing the dataset gives.
fn same_figures_through_the_database(db: &str) {
    let loaded =
        ok(&avance(db, &["db", "load", "examples/pndi-2024", "--author", "ogpp", "--reason", "carga inicial"]));
    assert!(loaded.starts_with("Cargado PNDI en "), "{loaded}");
    assert!(
        loaded.ends_with(": cambio 1 (metadatos, 69 elementos, 91 indicadores, 417 valores; 0 retirados)\n"),
        "{loaded}"
    );
    let from_db = ok(&avance(db, &["compute", "--policy", "PNDI", "--year", "2024", "--format", "json"]));
    let from_file = ok(&avance(db, &["compute", "examples/pndi-2024", "--year", "2024", "--format", "json"]));
    assert_eq!(from_db, from_file);
    assert!(
        ok(&avance(db, &["db", "load", "examples/pndi-2024"])).starts_with("Sin cambios: PNDI ya estaba al día en ")
    );
    let published = ok(&avance(db, &["db", "publish", "--policy", "PNDI", "--year", "2024"]));
    assert!(
        published.starts_with("Publicado PNDI 2024: instantánea 1 con el perfil ceplan-pn@1, datos al cambio 1, hash "),
        "{published}"
    );
    let regenerated =
        ok(&avance(db, &["compute", "--policy", "PNDI", "--year", "2024", "--published", "--format", "json"]));
    assert_eq!(regenerated, from_file);
    let history = ok(&avance(db, &["db", "history", "ISS.01.01.01.02"]));
    assert!(history.contains("ogpp «carga inicial»  valor obtenido 2024    ND  [primer reporte]"), "{history}");
    let all = ok(&avance(db, &["compute", "--all", "--year", "2024", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&all).expect("json");
    assert_eq!(v["format"], "avance-portfolio/1");
    assert_eq!(v["by_sector"][0]["code"], "38");
    assert_eq!(v["total"]["service_indicators"]["total"], 86);
    let unknown = avance(db, &["compute", "--policy", "NADA"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("la política NADA no está en la base de datos"));
    poi_through_the_database(db);
}

/// An entity's POI through the database: loaded from its file, the same again from its CSV
/// template (nothing written), computed as from the file, listed, its history shown.
fn poi_through_the_database(db: &str) {
    let empty = avance(db, &["poi", "compute", "--all"]);
    assert_eq!(empty.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&empty.stderr)
            .ends_with(": no hay POI en la base de datos (avance poi load los carga)\n")
    );
    let loaded = ok(&avance(
        db,
        &["poi", "load", "examples/poi-sintetico-2022", "--author", "ogpp", "--reason", "POI aprobado"],
    ));
    assert!(loaded.starts_with("Cargado el POI 999 2022 en "), "{loaded}");
    assert!(
        loaded.ends_with(": cambio 1 (metadatos, 3 AEI, 6 actividades, 65 valores mensuales; 0 retirados)\n"),
        "{loaded}"
    );
    let again = ok(&avance(db, &["poi", "load", "examples/poi-sintetico-2022/csv"]));
    assert!(again.starts_with("Sin cambios: el POI 999 2022 ya estaba al día en "), "{again}");
    let period = ["--months", "1-6", "--as-of", "2022-08-01", "--format", "json"];
    let from_file =
        ok(&avance(db, &[&["poi", "compute", "examples/poi-sintetico-2022/poi.json"][..], &period].concat()));
    let from_db = ok(&avance(db, &[&["poi", "compute", "--entity", "999"][..], &period].concat()));
    assert_eq!(from_db, from_file);
    let from_db_2022 =
        ok(&avance(db, &[&["poi", "compute", "--entity", "999", "--plan-year", "2022"][..], &period].concat()));
    assert_eq!(from_db_2022, from_file);
    let all: serde_json::Value =
        serde_json::from_str(&ok(&avance(db, &["poi", "compute", "--all", "--months", "1-6", "--format", "json"])))
            .expect("json");
    assert_eq!(all["format"], "avance-poi-portfolio/1");
    assert_eq!(all["entities"][0]["code"], "999");
    let list = ok(&avance(db, &["poi", "list"]));
    assert!(
        list.ends_with(
            "\n  999        2022 · Entidad sintética (cifras inventadas) · 6 actividades · 1 cambio · ceplan-poi@2022\n"
        ),
        "{list}"
    );
    let history = ok(&avance(db, &["poi", "history", "999", "AOI00002"]));
    assert!(history.starts_with("POI 999 2022 · AOI00002\n  cambio 1 · "), "{history}");
    assert!(history.contains(" · ogpp · «POI aprobado» · mes 04: ejecutado 0\n"), "{history}");
    for (args, message) in [
        (&["poi", "compute", "--entity", "123"][..], "la entidad no tiene POI de ese año en la base de datos"),
        (&["poi", "compute", "--entity", "999", "--plan-year", "2021"][..], "la entidad no tiene POI de ese año"),
        (&["poi", "history", "999", "AOI09999"][..], "la actividad no es del POI"),
        (&["poi", "load", "examples"][..], "la carpeta no tiene poi.json ni los CSV de la plantilla"),
    ] {
        let o = avance(db, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains(message),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

#[test]
fn db_commands_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("avance.db");
    let db = format!("sqlite://{}", file.display());
    same_figures_through_the_database(&db);
    let copy = dir.path().join("copia.db");
    let backup = ok(&avance(&db, &["db", "backup", copy.to_str().expect("utf-8")]));
    assert!(backup.starts_with("Copia coherente: "), "{backup}");
    let copy_db = format!("sqlite://{}", copy.display());
    assert_eq!(
        ok(&avance(&copy_db, &["compute", "--policy", "PNDI", "--format", "json"])),
        ok(&avance(&db, &["compute", "--policy", "PNDI", "--format", "json"]))
    );
    // A backup never overwrites.
    let again = avance(&db, &["db", "backup", copy.to_str().expect("utf-8")]);
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn db_commands_on_postgres() {
    let url = std::env::var("AVANCE_TEST_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let schema = format!("avance_cli_{}", std::process::id());
    let admin = |sql: &str| {
        let o = Command::new("psql").args([url.as_str(), "-q", "-c", sql]).output().expect("psql (PostgreSQL client)");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    admin(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"));
    let sep = if url.contains('?') { '&' } else { '?' };
    let db = format!("{url}{sep}options=-c%20search_path%3D{schema}");
    same_figures_through_the_database(&db);
    let backup = avance(&db, &["db", "backup", "/tmp/never.db"]);
    assert_eq!(backup.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&backup.stderr).contains("pg_dump"));
    admin(&format!("DROP SCHEMA {schema} CASCADE"));
}

#[test]
fn national_summary_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("avance.db").display());
    let gen_dir = dir.path().join("gen");
    generate(&gen_dir, 2, 60, 3);
    ok(&avance(&db, &["db", "load", "examples/pndi-2024"]));
    for code in ["SYN001", "SYN002"] {
        ok(&avance(&db, &["db", "load", gen_dir.join(code).to_str().expect("utf-8")]));
    }
    let html = dir.path().join("nacional.html");
    ok(&avance(&db, &["report", "--all", "--year", "2024", "--out", html.to_str().expect("utf-8")]));
    let page = std::fs::read_to_string(&html).expect("written");
    assert!(page.contains("<h1>Seguimiento de las políticas nacionales, año 2024</h1>"));
    assert!(page.contains("<td class=\"band intermedio\" title=\"intermedio\">79.3</td>"), "PNDI's índice");
    assert!(page.contains("<h3>38 PRODUCCION <span class=\"note\">(PNDI)</span></h3>"));
    assert!(page.contains("<h2 id=\"type\">Por tipo de política</h2>"));
    let xlsx = dir.path().join("nacional.xlsx");
    ok(&avance(
        &db,
        &["report", "--all", "--year", "2024", "--format", "xlsx", "--out", xlsx.to_str().expect("utf-8")],
    ));
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(&xlsx).expect("workbook");
    let policies = wb.worksheet_range("Políticas").expect("sheet");
    assert_eq!(policies.height(), 1 + 3);
    assert_eq!(policies.get_value((1, 0)), Some(&calamine::Data::String("PNDI".into())));
    assert_eq!(policies.get_value((1, 6)), Some(&calamine::Data::Float(79.3)));
    let by_sector = wb.worksheet_range("Por sector").expect("sheet");
    assert_eq!(by_sector.height(), 1 + 3 * 3);
    let pdf = dir.path().join("nacional.pdf");
    ok(&avance(&db, &["report", "--all", "--year", "2024", "--format", "pdf", "--out", pdf.to_str().expect("utf-8")]));
    let bytes = std::fs::read(&pdf).expect("written");
    assert!(bytes.starts_with(b"%PDF-") && bytes.len() > 10_000);
}

#[test]
fn generate_straight_into_the_database_gives_what_loading_the_files_gives() {
    let dir = tempfile::tempdir().expect("tempdir");
    let direct = format!("sqlite://{}", dir.path().join("direct.db").display());
    let out = ok(&avance(&direct, &["generate", "--policies", "3", "--indicators", "40", "--seed", "9", "--to-db"]));
    assert_eq!(out, format!("Generadas 3 políticas en {}\n", dir.path().join("direct.db").display()));
    let via_files = format!("sqlite://{}", dir.path().join("files.db").display());
    let gen_dir = dir.path().join("gen");
    generate(&gen_dir, 3, 40, 9);
    for code in ["SYN001", "SYN002", "SYN003"] {
        ok(&avance(&via_files, &["db", "load", gen_dir.join(code).to_str().expect("utf-8")]));
        assert_eq!(exported(&direct, code, dir.path()), exported(&via_files, code, dir.path()), "{code}");
    }
    let both = avance(&direct, &["generate", "--policies", "1", "--to-db", "--out", "x"]);
    assert_eq!(both.status.code(), Some(2), "--out and --to-db exclude each other");
}

#[test]
fn a_directory_of_datasets_computes_like_the_database() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("avance.db").display());
    ok(&avance(&db, &["generate", "--policies", "4", "--indicators", "30", "--seed", "5", "--to-db"]));
    let gen_dir = dir.path().join("gen");
    generate(&gen_dir, 4, 30, 5);
    let folders = gen_dir.to_str().expect("utf-8");
    for format in ["json", "table"] {
        let from_db = ok(&avance(&db, &["compute", "--all", "--year", "2024", "--format", format]));
        let from_files = ok(&avance(&db, &["compute", folders, "--all", "--year", "2024", "--format", format]));
        assert_eq!(from_files, from_db, "{format}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&ok(&avance(&db, &["compute", folders, "--all", "--format", "json"]))).expect("JSON");
    assert_eq!(json["policies"].as_array().map(Vec::len), Some(4));

    // What is wrong with the directory is said, naming the file.
    let empty = dir.path().join("vacio");
    std::fs::create_dir(&empty).expect("mkdir");
    let o = avance(&db, &["compute", empty.to_str().expect("utf-8"), "--all"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        format!(
            "error: {}: el directorio no tiene carpetas con dataset.json (lo que escribe avance generate --out)\n",
            empty.display()
        )
    );
    std::fs::create_dir(gen_dir.join("copia")).expect("mkdir");
    std::fs::copy(gen_dir.join("SYN002/dataset.json"), gen_dir.join("copia/dataset.json")).expect("copy");
    std::fs::write(gen_dir.join("SYN003/dataset.json"), "{").expect("write");
    let o = avance(&db, &["compute", folders, "--all"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!(
            "{}: la política SYN002 ya se leyó de {}",
            gen_dir.join("copia/dataset.json").display(),
            gen_dir.join("SYN002/dataset.json").display()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("{}: JSON no válido en la línea 1", gen_dir.join("SYN003/dataset.json").display())),
        "{err}"
    );
}

#[test]
fn add_user_reads_the_password_from_standard_input() {
    use std::io::Write as _;
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("users.db").display());
    let add = |args: &[&str], password: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_avance"))
            .arg("--db")
            .arg(&db)
            .args(["db", "add-user"])
            .args(args)
            .env_remove("AVANCE_LANG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run avance");
        child.stdin.take().expect("stdin").write_all(password.as_bytes()).expect("write");
        child.wait_with_output().expect("wait")
    };
    let made = add(&["ana", "--role", "admin", "--name", "Ana Quispe"], "una-contrasena-segura\n");
    assert_eq!(ok(&made), "Usuario creado: ana (Administrador)\n");
    let again = add(&["ana", "--role", "admin", "--name", "Ana"], "una-contrasena-segura\n");
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("el usuario «ana» ya existe"));
    let short = add(&["beto", "--role", "unit", "--scope", "DGDE", "--name", "Beto"], "corta\n");
    assert!(String::from_utf8_lossy(&short.stderr).contains("Contraseña: al menos 12 caracteres."));
    let no_scope = add(&["caro", "--role", "planning", "--name", "Caro"], "una-contrasena-segura\n");
    assert!(String::from_utf8_lossy(&no_scope.stderr).contains("Ámbito: la oficina de planeamiento necesita"));
}

#[test]
fn the_demo_listens_on_loopback_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("demo.db").display());
    let o = avance(&db, &["serve", "--demo", "--addr", "0.0.0.0:0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--demo solo escucha en la interfaz local"));
}

/// One HTTP GET over a plain socket: the status line's code and the body.
fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(std::time::Duration::from_secs(10))).ok()?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").ok()?;
    let mut answer = String::new();
    s.read_to_string(&mut answer).ok()?;
    let code = answer.split_whitespace().nth(1)?.parse().ok()?;
    Some((code, answer.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default()))
}

/// `avance serve` on the reference (a fresh SQLite file in `dir`), its log piped, once `/listo`
/// answers 200: the process, its port, and the readiness answer.
fn serve_ready(dir: &Path) -> (std::process::Child, u16, String) {
    let db = format!("sqlite://{}", dir.join("avance.db").display());
    ok(&avance(&db, &["db", "load", "examples/pndi-2024"]));
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr").port();
    let child = Command::new(env!("CARGO_BIN_EXE_avance"))
        .current_dir(root())
        .args(["--db", &db, "serve", "--addr", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("avance serve");
    let start = std::time::Instant::now();
    loop {
        match http_get(port, "/listo") {
            Some((200, body)) => return (child, port, body),
            _ if start.elapsed() > std::time::Duration::from_secs(60) => panic!("never ready"),
            _ => std::thread::sleep(std::time::Duration::from_millis(100)),
        }
    }
}

/// `avance serve` is ready once it computed the figures (`/listo`), and on SIGTERM (what systemd
/// sends) it stops cleanly, exit status 0.
#[test]
fn serve_is_ready_then_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut child, port, ready) = serve_ready(dir.path());
    assert!(ready.contains(r#""ready":true"#), "{ready}");
    assert_eq!(http_get(port, "/salud").map(|(c, _)| c), Some(200));
    let pid = rustix::process::Pid::from_raw(i32::try_from(child.id()).expect("pid")).expect("pid");
    rustix::process::kill_process(pid, rustix::process::Signal::TERM).expect("SIGTERM");
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        assert!(start.elapsed() < std::time::Duration::from_secs(30), "still running after SIGTERM");
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let mut log = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut log).expect("log");
    assert!(status.success(), "{status}: {log}");
    assert!(log.contains("stopping: finishing the requests under way"), "{log}");
}

/// A server whose log can no longer be written (standard error closed: whatever read it died)
/// keeps answering; the log lines are lost, not the requests.
#[test]
fn serve_keeps_answering_when_its_log_is_closed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut child, port, _) = serve_ready(dir.path());
    drop(child.stderr.take());
    for path in ["/salud", "/politicas/PNDI", "/listo"] {
        assert_eq!(http_get(port, path).map(|(c, _)| c), Some(200), "{path}");
    }
    child.kill().expect("kill");
    child.wait().expect("wait");
}
