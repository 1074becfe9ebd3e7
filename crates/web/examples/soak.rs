//! Soak test of `avance serve` (issue 18; run by `scripts/soak`, not in CI): the demo on a
//! database, readers and writers at once for a while, the server killed with SIGKILL halfway and
//! started again, then every acknowledged write looked for in the database.
//!
//! ```sh
//! cargo run --release -p avance-web --example soak -- BIN DB_URL SECONDS [CLIENTS]
//! ```
//!
//! Prints the answers by kind, acknowledged writes and how many were found afterwards, server
//! errors (5xx) outside the kill window, connection failures inside it, and latency percentiles.
//! Exits 1 when an acknowledged write is lost or a 5xx was answered outside the kill window.

use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use avance_app::store::Location;
use avance_app::{Actor, App, Settings};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

type Http = Client<HttpConnector, Full<bytes::Bytes>>;

/// The server, ended by its own id through a system call.
struct Server(Child);

impl Server {
    fn start(bin: &str, db: &str, port: u16) -> Server {
        let child = Command::new(bin)
            .args(["--db", db, "serve", "--demo", "--addr", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start avance serve");
        Server(child)
    }

    fn kill(&mut self, signal: rustix::process::Signal) {
        let _ = rustix::process::kill_process(rustix::process::Pid::from_child(&self.0), signal);
        let _ = self.0.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill(rustix::process::Signal::KILL);
    }
}

#[derive(Default)]
struct Tally {
    reads: usize,
    writes_refused: usize,
    /// 5xx answers, and when they came.
    server_errors: Vec<Instant>,
    /// Requests that got no answer (connection refused or reset), and when.
    no_answer: Vec<Instant>,
    /// Acknowledged submissions: (id, indicator, value).
    submitted: Vec<(i64, String, String)>,
    approved: Vec<i64>,
    latencies_us: Vec<u64>,
}

async fn call(http: &Http, method: &str, url: &str, token: &str, body: Option<String>) -> Option<(u16, String)> {
    let mut req = axum::http::Request::builder().method(method).uri(url);
    if !token.is_empty() {
        req = req.header("authorization", format!("Bearer {token}"));
    }
    if body.is_some() {
        req = req.header("content-type", "application/json");
    }
    let req = req.body(Full::new(bytes::Bytes::from(body.unwrap_or_default()))).ok()?;
    let res = tokio::time::timeout(Duration::from_secs(30), http.request(req)).await.ok()?.ok()?;
    let status = res.status().as_u16();
    let body = res.into_body().collect().await.ok()?.to_bytes();
    Some((status, String::from_utf8_lossy(&body).into_owned()))
}

async fn wait_ready(http: &Http, base: &str) {
    for _ in 0..600 {
        if call(http, "GET", &format!("{base}/api/v1/policies"), "", None).await.is_some_and(|(s, _)| s == 200) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not answer within 30 s");
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

/// A token for a demo account, made through the application on the database itself.
async fn token_for(app: &App, user: &str, password: &str) -> String {
    let login = avance_app::Login {
        username: user.into(),
        password: password.into(),
        client: "soak".into(),
        previous_session: None,
    };
    let session = app.login(login).await.expect("demo account");
    app.create_token(&Actor::user(session.user), "soak").await.expect("token")
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let [_, bin, db, seconds, rest @ ..] = args.as_slice() else {
        eprintln!("usage: soak BIN DB_URL SECONDS [CLIENTS]");
        return ExitCode::from(2);
    };
    let seconds: u64 = seconds.parse().expect("seconds");
    let clients: usize = rest.first().map_or(40, |c| c.parse().expect("clients"));
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("port").port();
    let base = format!("http://127.0.0.1:{port}");
    let http: Http = Client::builder(TokioExecutor::new()).build(HttpConnector::new());

    // The demo prepares the database; the tokens are made on it directly.
    let mut server = Server::start(bin, db, port);
    wait_ready(&http, &base).await;
    let app = App::open(&Location::parse(db), Settings::default()).await.expect("open the database");
    let tokens = [
        token_for(&app, "dgde", "demo-unidad-dgde").await,
        token_for(&app, "itp", "demo-unidad-itp").await,
        token_for(&app, "planeamiento", "demo-planeamiento").await,
    ];
    let loaded = app.loaded().await.expect("figures");
    let policy = loaded.policies.get("PNDI").expect("the demo's policy");
    let units = ["DGDE", "ITP"].map(|u| {
        policy
            .indicators()
            .iter()
            .filter(|i| avance_core::access::is_responsible(&i.responsible, u))
            .map(|i| i.code.as_str().to_string())
            .collect::<Vec<_>>()
    });

    let tally = Arc::new(Mutex::new(Tally::default()));
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (http, base, tally, tokens, units) =
            (http.clone(), base.clone(), tally.clone(), tokens.clone(), units.clone());
        tasks.push(tokio::spawn(async move {
            let mut seed = c as u64 * 7919 + 1;
            let mut next = |n: usize| {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                ((seed >> 33) % n as u64) as usize
            };
            while Instant::now() < until {
                let t0 = Instant::now();
                let outcome = match c % 4 {
                    // Readers: the public pages and the API.
                    0 | 1 => {
                        let path = ["/", "/politicas/PNDI", "/api/v1/policies?year=2024"][next(3)];
                        call(&http, "GET", &format!("{base}{path}"), "", None).await.map(|(s, _)| (s, None))
                    }
                    // A unit's system submitting values.
                    2 => {
                        let u = next(2);
                        let ind = &units[u][next(units[u].len())];
                        let value = (1 + next(40)).to_string();
                        let body = format!(r#"{{"year": 2024, "value": "{value}"}}"#);
                        let url = format!("{base}/api/v1/policies/PNDI/indicators/{ind}/actuals");
                        call(&http, "POST", &url, &tokens[u], Some(body))
                            .await
                            .map(|(s, b)| (s, Some(("submit", ind.clone(), value, b))))
                    }
                    // The planning office reviewing.
                    _ => match call(&http, "GET", &format!("{base}/api/v1/submissions"), &tokens[2], None).await {
                        Some((200, list)) => {
                            let list: serde_json::Value = serde_json::from_str(&list).unwrap_or_default();
                            let waiting: Vec<i64> = list
                                .as_array()
                                .map(|a| {
                                    a.iter()
                                        .filter(|s| s["status"] == "submitted")
                                        .filter_map(|s| s["id"].as_i64())
                                        .collect()
                                })
                                .unwrap_or_default();
                            if waiting.is_empty() {
                                tokio::time::sleep(Duration::from_millis(20)).await;
                                continue;
                            }
                            let id = waiting[next(waiting.len())];
                            // Approvals lock an indicator-year: one in fifty, so that units keep reporting.
                            let (step, body) = if next(50) == 0 {
                                ("approve", None)
                            } else {
                                ("return", Some(r#"{"reason": "revisar la fuente"}"#.to_string()))
                            };
                            let url = format!("{base}/api/v1/submissions/{id}/{step}");
                            call(&http, "POST", &url, &tokens[2], body)
                                .await
                                .map(|(s, b)| (s, Some((step, id.to_string(), String::new(), b))))
                        }
                        other => other.map(|(s, _)| (s, None)),
                    },
                };
                let mut t = tally.lock().unwrap_or_else(|e| e.into_inner());
                t.latencies_us.push(t0.elapsed().as_micros() as u64);
                match outcome {
                    None => t.no_answer.push(Instant::now()),
                    Some((s, _)) if s >= 500 => t.server_errors.push(Instant::now()),
                    Some((_, None)) => t.reads += 1,
                    Some((201, Some(("submit", ind, value, body)))) => {
                        let id = serde_json::from_str::<serde_json::Value>(&body).ok().and_then(|v| v["id"].as_i64());
                        t.submitted.push((id.unwrap_or(-1), ind, value));
                    }
                    Some((200, Some(("approve", id, _, _)))) => t.approved.push(id.parse().unwrap_or(-1)),
                    Some(_) => t.writes_refused += 1,
                }
            }
        }));
    }

    // Halfway: SIGKILL, and start again at once.
    tokio::time::sleep(Duration::from_secs(seconds / 2)).await;
    let killed_at = Instant::now();
    server.kill(rustix::process::Signal::KILL);
    let mut server = Server::start(bin, db, port);
    wait_ready(&http, &base).await;
    let back_at = Instant::now();
    for t in tasks {
        let _ = t.await;
    }
    server.kill(rustix::process::Signal::TERM);

    let t = std::mem::take(&mut *tally.lock().unwrap_or_else(|e| e.into_inner()));
    // The window: from the kill until the new server answered, and the requests then in flight.
    let in_window = |at: &Instant| *at >= killed_at && *at <= back_at + Duration::from_secs(30);
    let errors_outside = t.server_errors.iter().filter(|a| !in_window(a)).count();
    let no_answer_outside = t.no_answer.iter().filter(|a| !in_window(a)).count();
    let operator = Actor::operator("soak");
    let mut found = 0;
    let mut lost = Vec::new();
    for (id, ind, value) in &t.submitted {
        let history = app.submission_history(&operator, "PNDI", ind, 2024).await.expect("history");
        if history.iter().any(|s| s.id == *id && &s.text == value) {
            found += 1;
        } else {
            lost.push(format!("{ind}={value} (#{id})"));
        }
    }
    let mut approvals_found = 0;
    let all = app.submissions(&operator).await.expect("submissions").1;
    for id in &t.approved {
        if all.iter().any(|s| s.id == *id && s.status == avance_core::access::Status::Approved) {
            approvals_found += 1;
        } else {
            lost.push(format!("approval #{id}"));
        }
    }
    let mut lat = t.latencies_us.clone();
    lat.sort_unstable();
    println!(
        "database: {db}; {seconds} s, {clients} clients; SIGKILL at {:.1} s, answering again after {:.2} s",
        (killed_at - started).as_secs_f64(),
        (back_at - killed_at).as_secs_f64()
    );
    println!(
        "answers: {} requests, {} reads, {} writes refused (4xx: locked, closed, already reviewed)",
        lat.len(),
        t.reads,
        t.writes_refused
    );
    println!(
        "acknowledged writes: {} submissions, {} approvals; found afterwards: {found} submissions, {approvals_found} approvals; lost: {}",
        t.submitted.len(),
        t.approved.len(),
        lost.len()
    );
    println!(
        "server errors (5xx): {} outside the kill window, {} inside; no answer: {no_answer_outside} outside, {} inside",
        errors_outside,
        t.server_errors.len() - errors_outside,
        t.no_answer.len() - no_answer_outside
    );
    println!(
        "latency ms: p50 {:.1}, p90 {:.1}, p99 {:.1}, max {:.1}",
        percentile(&lat, 0.50),
        percentile(&lat, 0.90),
        percentile(&lat, 0.99),
        percentile(&lat, 1.0)
    );
    for l in lost.iter().take(10) {
        println!("lost: {l}");
    }
    app.close().await;
    if lost.is_empty() && errors_outside == 0 && no_answer_outside == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) }
}
