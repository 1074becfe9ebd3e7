//! Many writers at once, on SQLite and on PostgreSQL: units submitting through the forms and the
//! API, reviewers approving and returning, for ten seconds (`AVANCE_STORM_SECONDS` to change it).
//! No answer may be a server error, and every acknowledged write must be found afterwards; of
//! concurrent reviews of one submission exactly one wins, identical resubmissions store one row,
//! and a newer submission supersedes the older.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use avance_app::{Actor, App};
use avance_core::access::{Status, is_responsible};
use avance_web::AppState;
use axum::Router;
use axum::http::StatusCode;
use common::{Client, demo, demo_on_postgres, logged, token};
use serde_json::json;

/// The demo's 2024 indicators of a unit.
fn indicators_of(unit: &str) -> Vec<String> {
    let policy =
        avance_import::dataset::parse(std::path::Path::new("dataset.json"), avance_app::demo::DATASET).unwrap();
    policy
        .indicators()
        .iter()
        .filter(|i| is_responsible(&i.responsible, unit))
        .map(|i| i.code.as_str().to_string())
        .collect()
}

/// A small deterministic generator (each writer its own seed).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

#[derive(Default)]
struct Tally {
    /// Answers by status code.
    answers: Vec<u16>,
    /// Server errors, with what was asked.
    server_errors: Vec<String>,
    /// Acknowledged submissions: (indicator, value, id when the answer gave it).
    submitted: Vec<(String, String, Option<i64>)>,
    /// Acknowledged approvals, by submission id.
    approved: Vec<i64>,
}

impl Tally {
    fn answer(&mut self, what: &str, status: StatusCode, body: &str) {
        self.answers.push(status.as_u16());
        if status.is_server_error() {
            self.server_errors.push(format!("{what}: {status} {body}"));
        }
    }
}

fn seconds() -> u64 {
    std::env::var("AVANCE_STORM_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(10)
}

async fn storm(app: Router, state: AppState) {
    let dgde = logged(&app, "dgde").await;
    let mut itp = logged(&app, "itp").await;
    let mut opp = logged(&app, "planeamiento").await;
    let itp_token = token(&mut itp).await;
    let opp_token = token(&mut opp).await;
    let (dgde_inds, itp_inds) = (indicators_of("DGDE"), indicators_of("ITP"));
    assert!(dgde_inds.len() >= 5 && itp_inds.len() >= 5, "{dgde_inds:?} {itp_inds:?}");
    let tally = Arc::new(Mutex::new(Tally::default()));
    let until = Instant::now() + Duration::from_secs(seconds());
    let mut tasks = Vec::new();
    for w in 0..54u64 {
        let (tally, app) = (tally.clone(), app.clone());
        let (mut form_client, inds) = (dgde.clone(), dgde_inds.clone());
        let (itp_token, opp_token, itp_inds) = (itp_token.clone(), opp_token.clone(), itp_inds.clone());
        tasks.push(tokio::spawn(async move {
            let mut rng = Lcg(w * 7919 + 17);
            let mut api = Client::new(&app);
            while Instant::now() < until {
                match w % 3 {
                    // A unit through the form (DGDE).
                    0 => {
                        let ind = &inds[rng.next(inds.len())];
                        let value = format!("{}", 1 + rng.next(40));
                        let form =
                            [("politica", "PNDI"), ("indicador", ind), ("anio", "2024"), ("valor", value.as_str())];
                        let a = form_client.post("/mis-indicadores/enviar", &form).await;
                        let mut t = tally.lock().unwrap();
                        t.answer("form submit", a.status, &a.text());
                        if a.status == StatusCode::SEE_OTHER {
                            t.submitted.push((ind.clone(), value, None));
                        }
                    }
                    // A unit's own system through the API (ITP).
                    1 => {
                        let ind = &itp_inds[rng.next(itp_inds.len())];
                        let value = format!("{}", 1 + rng.next(40));
                        let path = format!("/api/v1/policies/PNDI/indicators/{ind}/actuals");
                        let body = json!({"year": "2024", "value": value});
                        let a = api.api("POST", &path, Some(&itp_token), Some(body)).await;
                        let mut t = tally.lock().unwrap();
                        t.answer("api submit", a.status, &a.text());
                        if a.status == StatusCode::CREATED {
                            t.submitted.push((ind.clone(), value, Some(a.json()["id"].as_i64().unwrap())));
                        }
                    }
                    // A reviewer: approves one in four, returns the others.
                    _ => {
                        let list = api.api("GET", "/api/v1/submissions", Some(&opp_token), None).await;
                        tally.lock().unwrap().answer("api list", list.status, &list.text());
                        let waiting: Vec<i64> = list
                            .json()
                            .as_array()
                            .unwrap()
                            .iter()
                            .filter(|s| s["status"] == "submitted")
                            .map(|s| s["id"].as_i64().unwrap())
                            .collect();
                        if waiting.is_empty() {
                            tokio::time::sleep(Duration::from_millis(5)).await;
                            continue;
                        }
                        let id = waiting[rng.next(waiting.len())];
                        let approve = rng.next(4) == 0;
                        let (path, body) = if approve {
                            (format!("/api/v1/submissions/{id}/approve"), None)
                        } else {
                            (format!("/api/v1/submissions/{id}/return"), Some(json!({"reason": "revisar la fuente"})))
                        };
                        let a = api.api("POST", &path, Some(&opp_token), body).await;
                        let mut t = tally.lock().unwrap();
                        t.answer("api review", a.status, &a.text());
                        if approve && a.status == StatusCode::OK {
                            t.approved.push(id);
                        }
                    }
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let t = std::mem::take(&mut *tally.lock().unwrap());
    assert!(t.server_errors.is_empty(), "{} server errors, e.g. {:?}", t.server_errors.len(), &t.server_errors[..1]);
    let ok = t.answers.iter().filter(|s| **s < 400).count();
    assert!(t.submitted.len() >= 100, "too few acknowledged submissions to judge: {}", t.submitted.len());
    assert!(!t.approved.is_empty());
    eprintln!(
        "{} answers ({ok} successful, {} refused), {} acknowledged submissions, {} approvals, 0 server errors",
        t.answers.len(),
        t.answers.len() - ok,
        t.submitted.len(),
        t.approved.len()
    );

    // Every acknowledged write is there, and every key is in a consistent state.
    let app: &App = &state.app;
    let operator = Actor::operator("prueba");
    let keys: BTreeSet<&String> = t.submitted.iter().map(|(i, _, _)| i).collect();
    let mut by_id = std::collections::BTreeMap::new();
    for ind in keys {
        let history = app.submission_history(&operator, "PNDI", ind, 2024).await.unwrap();
        let waiting = history.iter().filter(|s| s.status == Status::Submitted).count();
        let approved = history.iter().filter(|s| s.status == Status::Approved).count();
        assert!(waiting <= 1 && approved <= 1, "{ind}: {waiting} waiting, {approved} approved");
        if let Some(last) = history.last() {
            assert!(
                history[..history.len() - 1].iter().all(|s| s.status != Status::Submitted),
                "only the latest may wait"
            );
            if approved == 1 {
                assert_eq!(last.status, Status::Approved, "{ind}: nothing after an approval");
            }
        }
        for s in history {
            by_id.insert(s.id, s);
        }
    }
    for (ind, value, id) in &t.submitted {
        let found = match id {
            Some(id) => by_id.get(id).is_some_and(|s| &s.indicator == ind && &s.text == value),
            None => by_id.values().any(|s| &s.indicator == ind && &s.text == value && s.submitted_by == "dgde"),
        };
        assert!(found, "acknowledged submission {ind} = {value} ({id:?}) not found");
    }
    for id in &t.approved {
        let s = &by_id[id];
        assert_eq!(s.status, Status::Approved);
        let year = avance_core::model::Year::new(2024).unwrap();
        let shown = app.indicator(&Actor::public(), "PNDI", &s.indicator, Some(year)).await.unwrap();
        assert_eq!(shown.indicator().actuals.get(&year).map(|c| c.text().to_string()), Some(s.text.clone()));
    }
}

/// Twenty identical submissions at once store one; twenty approvals of it at once: one wins, the
/// others are told it was already reviewed; a newer submission supersedes a waiting one.
async fn races(app: Router, state: AppState) {
    let mut itp = logged(&app, "itp").await;
    let mut opp = logged(&app, "planeamiento").await;
    let (itp_token, opp_token) = (token(&mut itp).await, token(&mut opp).await);
    let ind = indicators_of("ITP")[0].clone();
    let path = format!("/api/v1/policies/PNDI/indicators/{ind}/actuals");

    let first = Client::new(&app).api("POST", &path, Some(&itp_token), Some(json!({"year": 2024, "value": "7"}))).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
    let first_id = first.json()["id"].as_i64().unwrap();
    let same = (0..20).map(|_| {
        let (app, path, token) = (app.clone(), path.clone(), itp_token.clone());
        tokio::spawn(async move {
            let a = Client::new(&app).api("POST", &path, Some(&token), Some(json!({"year": 2024, "value": "9"}))).await;
            (a.status, a.json()["id"].as_i64())
        })
    });
    let mut ids = BTreeSet::new();
    for t in same.collect::<Vec<_>>() {
        let (status, id) = t.await.unwrap();
        assert_eq!(status, StatusCode::CREATED);
        ids.insert(id.unwrap());
    }
    assert_eq!(ids.len(), 1, "identical resubmissions are one: {ids:?}");
    let id = *ids.iter().next().unwrap();
    let history = state.app.submission_history(&Actor::operator("prueba"), "PNDI", &ind, 2024).await.unwrap();
    let shape: Vec<(i64, Status, &str)> = history.iter().map(|s| (s.id, s.status, s.text.as_str())).collect();
    assert_eq!(shape, vec![(first_id, Status::Superseded, "7"), (id, Status::Submitted, "9")]);
    let old =
        Client::new(&app).api("POST", &format!("/api/v1/submissions/{first_id}/approve"), Some(&opp_token), None).await;
    assert_eq!(old.status, StatusCode::CONFLICT);
    assert!(
        old.json()["error"]["message"].as_str().unwrap().contains("revise el envío más reciente"),
        "{}",
        old.text()
    );

    let approvals = (0..20).map(|_| {
        let (app, token) = (app.clone(), opp_token.clone());
        tokio::spawn(async move {
            Client::new(&app).api("POST", &format!("/api/v1/submissions/{id}/approve"), Some(&token), None).await
        })
    });
    let mut statuses = Vec::new();
    for t in approvals.collect::<Vec<_>>() {
        let a = t.await.unwrap();
        if a.status == StatusCode::CONFLICT {
            assert_eq!(a.json()["error"]["message"], "el valor ya fue aprobado y está bloqueado");
        }
        statuses.push(a.status);
    }
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count(), 19, "{statuses:?}");
    let revisions = state.app.submission_history(&Actor::operator("prueba"), "PNDI", &ind, 2024).await.unwrap();
    assert_eq!(revisions.iter().filter(|s| s.status == Status::Approved).count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_writers_on_sqlite() {
    let (app, state, _dir) = demo().await;
    storm(app, state).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_writers_on_postgres() {
    let (app, state) = demo_on_postgres("avance_storm").await;
    storm(app, state).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn races_on_sqlite() {
    let (app, state, _dir) = demo().await;
    races(app, state).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn races_on_postgres() {
    let (app, state) = demo_on_postgres("avance_races").await;
    races(app, state).await;
}
