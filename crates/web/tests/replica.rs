//! Read replicas: a PostgreSQL primary and a streaming replica (scripts/pg-replica, started and
//! stopped by the test) and two servers on them. The public figures are read from the replica once
//! it has the primary's latest change; a value approved through one server shows at once on the
//! other; the administrator sees the replica and its lag; a replica that stops is left out and
//! the primary serves.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use avance_app::replicas::Replica;
use avance_app::store::{Location, Store};
use avance_app::{App, Settings};
use axum::http::StatusCode;
use common::{Client, logged, report_2024};

/// A primary and its replica in a directory of their own, stopped (and removed) when dropped.
struct Cluster {
    dir: PathBuf,
    primary: String,
    replica: String,
}

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/pg-replica")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Cluster {
    fn start() -> Cluster {
        let dir = std::env::temp_dir().join(format!("avance-pg-replica-{}", std::process::id()));
        let _ = Command::new(script()).arg("stop").arg(&dir).output();
        let (p, r) = (free_port(), free_port());
        let o = Command::new(script())
            .args(["start", dir.to_str().unwrap(), &p.to_string(), &r.to_string()])
            .output()
            .expect("scripts/pg-replica (PostgreSQL's server programs: initdb, pg_ctl, pg_basebackup)");
        assert!(o.status.success(), "{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
        let out = String::from_utf8(o.stdout).unwrap();
        let mut urls = out.lines().filter(|l| l.starts_with("postgres://"));
        let (primary, replica) = (urls.next().unwrap().to_string(), urls.next().unwrap().to_string());
        Cluster { dir, primary, replica }
    }

    fn stop_replica(&self) {
        let o = Command::new(script()).arg("stop-replica").arg(&self.dir).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new(script()).arg("stop").arg(&self.dir).output();
    }
}

/// A server: the primary, the replica, its own caches.
async fn server(c: &Cluster) -> (axum::Router, avance_web::AppState) {
    let primary = Store::open(&Location::Postgres(c.primary.clone())).await.unwrap();
    let replica = Store::open_replica(&c.replica).await.unwrap();
    let app = App::new(primary, Settings::default()).with_replicas(vec![Replica::new("réplica 1".into(), replica)]);
    let state = avance_web::AppState::new(app, avance_web::Config { metrics: true, ..avance_web::Config::default() });
    (avance_web::router(state.clone()), state)
}

async fn caught_up(state: &avance_web::AppState) {
    let start = Instant::now();
    loop {
        let (primary, list) = state.app.replica_figures().await.unwrap();
        if list[0].current(primary) {
            return;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "the replica never caught up: {list:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_a_primary_and_a_replica() {
    let cluster = Cluster::start();
    let (a, a_state) = server(&cluster).await;
    avance_app::demo::prepare(&a_state.app).await.unwrap();
    let (b, b_state) = server(&cluster).await;
    caught_up(&b_state).await;

    // Server B's figures come from the replica.
    let mut public_b = Client::new(&b);
    let page = public_b.get("/politicas/PNDI/indicadores/ISS.01.01.01.02?anio=2024").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text().contains("valor reportado por dgde y aprobado"));
    let (_, list) = b_state.app.replica_figures().await.unwrap();
    assert_eq!(list[0].reads, 1, "{list:?}");

    // A value reported and approved through server A shows at once on server B.
    let mut dgde = logged(&a, "dgde").await;
    report_2024(&mut dgde, "ISS.01.01.01.02", "20%").await;
    let mut opp = logged(&a, "planeamiento").await;
    let review = opp.get("/revision").await.text();
    let id = review.split("action=\"/revision/").nth(1).unwrap().split('"').next().unwrap().to_string();
    assert_eq!(opp.post(&format!("/revision/{id}"), &[("accion", "aprobar")]).await.status, StatusCode::SEE_OTHER);
    let ind = public_b.get("/politicas/PNDI/indicadores/ISS.01.01.01.02?anio=2024").await.text();
    assert!(ind.contains("VO / LE × 100 = 20 / 22 × 100 = 90.9"), "{ind}");
    // Read from the replica if it had caught up, else from the primary: never older.
    let (_, list) = b_state.app.replica_figures().await.unwrap();
    assert!(list[0].reads >= 1);

    // The administrator sees the replica, caught up, and its reads; so do the metrics.
    caught_up(&b_state).await;
    let mut admin = logged(&b, "admin").await;
    let page = admin.get("/admin").await.text();
    assert!(page.contains("Réplicas de lectura") && page.contains("réplica 1") && page.contains("al día"), "{page}");
    let metrics = public_b.get("/metricas").await.text();
    assert!(metrics.lines().any(|l| l == r#"avance_db_replica_up{replica="réplica 1"} 1"#), "{metrics}");
    assert!(metrics.lines().any(|l| l.starts_with(r#"avance_db_replica_reads{replica="réplica 1"} "#)), "{metrics}");

    // The replica stops: it is left out, the primary serves, the administrator is told.
    cluster.stop_replica();
    let mut itp = logged(&a, "itp").await;
    report_2024(&mut itp, "ISS.01.03.04.02", "10%").await;
    let review = opp.get("/revision").await.text();
    let id = review.split("action=\"/revision/").nth(1).unwrap().split('"').next().unwrap().to_string();
    assert_eq!(opp.post(&format!("/revision/{id}"), &[("accion", "aprobar")]).await.status, StatusCode::SEE_OTHER);
    let ind = public_b.get("/politicas/PNDI/indicadores/ISS.01.03.04.02?anio=2024").await;
    assert_eq!(ind.status, StatusCode::OK);
    assert!(ind.text().contains("valor reportado por itp y aprobado"), "{}", ind.text());
    let page = admin.get("/admin").await.text();
    assert!(page.contains("no responde: se lee del primario"), "{page}");
    let metrics = public_b.get("/metricas").await.text();
    assert!(metrics.lines().any(|l| l == r#"avance_db_replica_up{replica="réplica 1"} 0"#), "{metrics}");
    a_state.app.close().await;
    b_state.app.close().await;
}
