//! Two `avance serve` processes on a PostgreSQL primary and a streaming replica
//! (scripts/pg-replica, started and stopped here): a value approved through server A shows on
//! server B's public page even after A is killed right after acknowledging it; B reads the figures
//! from the replica (counted in its metrics); an account locked out through A is locked out on B;
//! B stops cleanly on SIGTERM.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A primary and its replica, stopped (and their directory removed) when dropped.
struct Cluster {
    dir: PathBuf,
    primary: String,
    replica: String,
}

impl Cluster {
    fn start() -> Cluster {
        let dir = std::env::temp_dir().join(format!("avance-pg-cluster-{}", std::process::id()));
        let script = root().join("scripts/pg-replica");
        let _ = Command::new(&script).arg("stop").arg(&dir).output();
        let (p, r) = (free_port(), free_port());
        let o = Command::new(&script)
            .args(["start", dir.to_str().unwrap(), &p.to_string(), &r.to_string()])
            .output()
            .expect("scripts/pg-replica (PostgreSQL's server programs)");
        assert!(o.status.success(), "{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
        let out = String::from_utf8(o.stdout).unwrap();
        let urls: Vec<&str> = out.lines().filter(|l| l.starts_with("postgres://")).collect();
        Cluster { dir, primary: urls[0].to_string(), replica: urls[1].to_string() }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new(root().join("scripts/pg-replica")).arg("stop").arg(&self.dir).output();
    }
}

/// An `avance serve` process, killed by its process id when dropped.
struct Server {
    child: Child,
    port: u16,
    /// Its log (standard error), removed with it.
    log: PathBuf,
}

impl Server {
    fn start(db: &str, args: &[&str]) -> Server {
        let port = free_port();
        let log_path = std::env::temp_dir().join(format!("avance-cluster-{}-{port}.log", std::process::id()));
        let log = std::fs::File::create(&log_path).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_avance"))
            .current_dir(root())
            .args(["--db", db, "serve", "--addr", &format!("127.0.0.1:{port}"), "--metrics"])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .spawn()
            .unwrap();
        let start = Instant::now();
        while Browser::new(port).get("/listo").0 != 200 {
            if child.try_wait().unwrap().is_some() {
                panic!("avance serve ended: {}", std::fs::read_to_string(&log_path).unwrap_or_default());
            }
            assert!(start.elapsed() < Duration::from_secs(60), "server on {port} never ready");
            std::thread::sleep(Duration::from_millis(100));
        }
        Server { child, port, log: log_path }
    }

    fn signal(&mut self, sig: rustix::process::Signal) {
        let pid = rustix::process::Pid::from_raw(i32::try_from(self.child.id()).unwrap()).unwrap();
        rustix::process::kill_process(pid, sig).unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

/// HTTP/1.1 over a plain socket with a browser's cookies (the CSRF token sent with each form).
struct Browser {
    port: u16,
    cookies: BTreeMap<String, String>,
}

impl Browser {
    fn new(port: u16) -> Browser {
        Browser { port, cookies: BTreeMap::new() }
    }

    fn request(&mut self, method: &str, path: &str, form: &[(&str, &str)]) -> (u16, String, String) {
        let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", self.port)) else {
            return (0, String::new(), String::new());
        };
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let cookie: Vec<String> = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let mut fields: Vec<(String, String)> = form.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        if method == "POST" {
            fields.push(("csrf".into(), self.cookies.get("avance_csrf").cloned().unwrap_or_default()));
        }
        let body: String = fields
            .iter()
            .map(|(k, v)| format!("{k}={}", v.replace('%', "%25").replace(' ', "+").replace('&', "%26")))
            .collect::<Vec<_>>()
            .join("&");
        let _ = write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nCookie: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            cookie.join("; "),
            body.len()
        );
        let mut raw = Vec::new();
        let _ = s.read_to_end(&mut raw);
        let answer = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
        let code = head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
        let mut location = String::new();
        for line in head.lines() {
            let lower = line.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("set-cookie:").map(|_| &line["set-cookie:".len()..]) {
                if let Some((k, rest)) = v.trim().split_once('=') {
                    let value = rest.split(';').next().unwrap_or("").to_string();
                    if value.is_empty() {
                        self.cookies.remove(k);
                    } else {
                        self.cookies.insert(k.to_string(), value);
                    }
                }
            } else if lower.starts_with("location:") {
                location = line["location:".len()..].trim().to_string();
            }
        }
        // A chunked body (no Content-Length): drop the chunk sizes.
        let body = if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
            dechunk(body)
        } else {
            body.to_string()
        };
        (code, location, body)
    }

    fn get(&mut self, path: &str) -> (u16, String, String) {
        self.request("GET", path, &[])
    }

    fn post(&mut self, path: &str, form: &[(&str, &str)]) -> (u16, String, String) {
        if !self.cookies.contains_key("avance_csrf") {
            self.get("/ingresar");
        }
        self.request("POST", path, form)
    }

    fn login(&mut self, user: &str, password: &str) -> u16 {
        self.post("/ingresar", &[("usuario", user), ("contrasena", password), ("volver", "")]).0
    }
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else { break };
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

#[test]
fn two_serve_processes_on_a_primary_and_a_replica() {
    let cluster = Cluster::start();
    let replica = cluster.replica.clone();
    // Server A prepares the demo on the primary (the reference, the accounts, 2024 open).
    let mut a = Server::start(&cluster.primary, &["--read-db", &replica, "--demo"]);
    // The replica replays A's writes before B starts: B's first read of the figures is the replica's.
    let latest = |url: &str| {
        let o = Command::new("psql").args([url, "-Atc", "SELECT COALESCE(MAX(id), 0) FROM changes"]).output().unwrap();
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    };
    let start = Instant::now();
    while latest(&replica) != latest(&cluster.primary) {
        assert!(start.elapsed() < Duration::from_secs(30), "the replica never caught up");
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut b = Server::start(&cluster.primary, &["--read-db", &replica]);

    // The limiter is the database's: five failures through A lock the account on B.
    let mut ghost = Browser::new(a.port);
    for _ in 0..5 {
        assert_eq!(ghost.login("itp", "incorrecta"), 401);
    }
    assert_eq!(Browser::new(b.port).login("itp", "demo-unidad-itp"), 429);

    // A value reported and approved through A…
    let mut dgde = Browser::new(a.port);
    assert_eq!(dgde.login("dgde", "demo-unidad-dgde"), 303);
    let sent = dgde.post(
        "/mis-indicadores/enviar",
        &[("politica", "PNDI"), ("indicador", "ISS.01.01.01.02"), ("anio", "2024"), ("valor", "20%")],
    );
    assert_eq!(sent.0, 303, "{}", sent.2);
    let mut opp = Browser::new(a.port);
    assert_eq!(opp.login("planeamiento", "demo-planeamiento"), 303);
    let review = opp.get("/revision").2;
    let id = review.split("action=\"/revision/").nth(1).unwrap().split('"').next().unwrap().to_string();
    let approved = opp.post(&format!("/revision/{id}"), &[("accion", "aprobar")]);
    assert_eq!(approved.0, 303, "{}", approved.2);
    // …and A killed at once (SIGKILL): the acknowledged approval is not lost, B shows it.
    a.signal(rustix::process::Signal::KILL);
    a.child.wait().unwrap();
    let mut public = Browser::new(b.port);
    let page = public.get("/politicas/PNDI/indicadores/ISS.01.01.01.02?anio=2024");
    assert_eq!(page.0, 200);
    assert!(page.2.contains("VO / LE × 100 = 20 / 22 × 100 = 90.9"), "{}", page.2);
    // B read the figures from the replica.
    let start = Instant::now();
    let reads = loop {
        let metrics = public.get("/metricas").2;
        let reads: u64 = metrics
            .lines()
            .find_map(|l| l.strip_prefix("avance_db_replica_reads{replica=\"postgres://…@127.0.0.1:"))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        if reads > 0 || start.elapsed() > Duration::from_secs(10) {
            break reads;
        }
        public.get("/politicas/PNDI");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(reads >= 1, "no read from the replica");

    // B stops cleanly on SIGTERM.
    b.signal(rustix::process::Signal::TERM);
    let start = Instant::now();
    let status = loop {
        if let Some(s) = b.child.try_wait().unwrap() {
            break s;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "B still running after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");
}
