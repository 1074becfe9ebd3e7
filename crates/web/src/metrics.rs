//! Prometheus metrics at `/metricas` (`avance serve --metrics`): requests by route, method and
//! status, their latency by route, the figures' cache (hits, reloads and the time they took), the
//! database pool and the mail outbox. Routes are the router's patterns (`/politicas/{code}`), so
//! the labels stay few whatever the paths asked.

use std::sync::Arc;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReplicaLabels {
    replica: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    status: &'static str,
}

fn latency_histogram() -> Histogram {
    // 1 ms to about 16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// The request metrics, kept for the server's life.
#[derive(Clone)]
pub struct Metrics {
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics {
            requests: Family::default(),
            latency: Family::new_with_constructor(latency_histogram as fn() -> Histogram),
        }
    }
}

impl Metrics {
    fn observe(&self, route: &str, method: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels { route: route.to_string(), method: method.to_string(), status })
            .inc();
        self.latency.get_or_create(&RouteLabels { route: route.to_string() }).observe(seconds);
    }
}

/// Counts each request under its route's pattern (`otra` for a path no route has).
pub async fn record(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(metrics) = state.metrics.clone() else { return next.run(req).await };
    let route = req.extensions().get::<MatchedPath>().map_or_else(|| "otra".to_string(), |m| m.as_str().to_string());
    let method = req.method().to_string();
    let started = std::time::Instant::now();
    let res = next.run(req).await;
    metrics.observe(&route, &method, res.status().as_u16(), started.elapsed().as_secs_f64());
    res
}

/// `/metricas`: the text format Prometheus scrapes (404 without `--metrics`).
pub async fn scrape(State(state): State<AppState>) -> Response {
    let Some(metrics) = state.metrics.clone() else {
        return (StatusCode::NOT_FOUND, "").into_response();
    };
    let g = state.app.gauges().await;
    let mut r = Registry::with_prefix("avance");
    r.register("http_requests", "Requests answered, by route, method and status", metrics.requests.clone());
    r.register("http_request_duration_seconds", "Time to answer a request, by route", metrics.latency.clone());
    r.register("cache_hits", "Reads of the figures answered from the cache", ConstCounter::new(g.cache.hits));
    r.register("cache_reloads", "Reads of the figures that read policies again", ConstCounter::new(g.cache.reloads));
    r.register(
        "cache_reload_seconds",
        "Time spent reading policies again and recomputing",
        ConstCounter::new(g.cache.reload_micros as f64 / 1e6),
    );
    r.register(
        "cache_policies",
        "Policies in the cache",
        ConstGauge::new(i64::try_from(g.cache.policies).unwrap_or(i64::MAX)),
    );
    r.register("cache_change_set", "The change set the cache holds", ConstGauge::new(g.cache.version));
    r.register("db_pool_connections", "Connections of the database pool", ConstGauge::new(i64::from(g.pool_size)));
    r.register(
        "db_pool_idle",
        "Idle connections of the database pool",
        ConstGauge::new(i64::try_from(g.pool_idle).unwrap_or(i64::MAX)),
    );
    if let Ok((_, replicas)) = state.app.replica_figures().await
        && !replicas.is_empty()
    {
        let reads = Family::<ReplicaLabels, prometheus_client::metrics::gauge::Gauge>::default();
        let up = Family::<ReplicaLabels, prometheus_client::metrics::gauge::Gauge>::default();
        let behind = Family::<ReplicaLabels, prometheus_client::metrics::gauge::Gauge>::default();
        for rep in &replicas {
            let l = ReplicaLabels { replica: rep.name.clone() };
            reads.get_or_create(&l).set(i64::try_from(rep.reads).unwrap_or(i64::MAX));
            up.get_or_create(&l).set(i64::from(rep.reachable.is_ok()));
            if let Some(b) = rep.behind_bytes {
                behind.get_or_create(&l).set(b);
            }
        }
        r.register("db_replica_reads", "Times the cache read policies from the replica", reads);
        r.register("db_replica_up", "Whether the replica answers", up);
        r.register("db_replica_behind_bytes", "Write-ahead log the replica has still to replay", behind);
    }
    if let Some(o) = g.outbox {
        let family = Family::<StatusLabels, prometheus_client::metrics::gauge::Gauge>::default();
        for (status, n) in [("pending", o.pending), ("sending", o.sending), ("sent", o.sent), ("failed", o.failed)] {
            family.get_or_create(&StatusLabels { status }).set(n);
        }
        r.register("mail_outbox_messages", "Messages of the mail outbox, by status", family);
    }
    let mut body = String::new();
    if let Err(e) = prometheus_client::encoding::text::encode(&mut body, &r) {
        tracing::error!(error = %e, "metrics could not be written");
        return (StatusCode::INTERNAL_SERVER_ERROR, "").into_response();
    }
    let mut res = body.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// A new set of request metrics, shared by the router's layer and `/metricas`.
pub fn enabled() -> Option<Arc<Metrics>> {
    Some(Arc::new(Metrics::default()))
}
