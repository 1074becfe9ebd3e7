//! Read replicas (`avance serve --read-db`): PostgreSQL streaming replicas of the primary that the
//! figures' cache reads policies from, so that public pages, downloads and the read API weigh on
//! them rather than on the primary.
//!
//! Consistency: the cache asks the primary for its latest change set (a cheap query) and reads
//! the policies that changed from the first replica that has replayed at least that change set,
//! else from the primary. So nothing a page shows is older than what the primary had when it was
//! asked — a user sees their own write at once — and a replica that falls behind or does not
//! answer is left out until it catches up. Every other read (a unit's submissions, the review
//! queue, the audit log, sessions) and every write go to the primary.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use avance_core::access::{Action, Resource};
use avance_store::{Store, StoreError};

use crate::{Actor, App, AppError};

/// A replica the cache may read from.
#[derive(Debug)]
pub struct Replica {
    /// How it is named to the administrator (its URL without the password).
    pub name: String,
    pub store: Store,
    reads: AtomicU64,
    /// When it last failed, and how: it is left out for [`RETRY`] after a failure.
    down: Mutex<Option<(Instant, String)>>,
}

/// How long a replica that failed is left out before it is tried again.
pub const RETRY: Duration = Duration::from_secs(15);

impl Replica {
    pub fn new(name: String, store: Store) -> Replica {
        Replica { name, store, reads: AtomicU64::new(0), down: Mutex::new(None) }
    }

    /// Why it is left out now, if it is (it failed less than [`RETRY`] ago).
    fn left_out(&self) -> Option<String> {
        let down = self.down.lock().unwrap_or_else(|e| e.into_inner());
        down.as_ref().filter(|(at, _)| at.elapsed() < RETRY).map(|(_, why)| why.clone())
    }

    pub(crate) fn failed(&self, e: &StoreError) {
        tracing::warn!(replica = %self.name, error = %e, "replica does not answer: left out for 15 s, the primary is read");
        *self.down.lock().unwrap_or_else(|e| e.into_inner()) = Some((Instant::now(), e.to_string()));
    }

    fn answered(&self) {
        *self.down.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// How many times the cache read policies from it.
    pub fn reads(&self) -> u64 {
        self.reads.load(Ordering::Relaxed)
    }

    pub(crate) fn counted(&self) {
        self.reads.fetch_add(1, Ordering::Relaxed);
    }
}

/// The first replica that has replayed at least `version`, if any answers.
pub(crate) async fn caught_up(replicas: &[Replica], version: i64) -> Option<&Replica> {
    for r in replicas.iter().filter(|r| r.left_out().is_none()) {
        match r.store.latest_change().await {
            Ok(v) if v >= version => {
                r.answered();
                return Some(r);
            }
            Ok(v) => {
                r.answered();
                tracing::debug!(replica = %r.name, at = v, wanted = version, "replica behind: primary read");
            }
            Err(e) => r.failed(&e),
        }
    }
    None
}

/// Where a replica stands, for the administrator.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicaStatus {
    pub name: String,
    /// `Err` with the database's words when it does not answer.
    pub reachable: Result<(), String>,
    /// The change set it has replayed.
    pub change_set: Option<i64>,
    /// Bytes of write-ahead log it has still to replay (0: caught up).
    pub behind_bytes: Option<i64>,
    /// Seconds since the last transaction it replayed was committed (meaningful while behind).
    pub delay_seconds: Option<f64>,
    pub reads: u64,
}

impl ReplicaStatus {
    /// Caught up with the primary's change set and write-ahead log.
    pub fn current(&self, primary_change_set: i64) -> bool {
        self.reachable.is_ok() && self.change_set == Some(primary_change_set) && self.behind_bytes == Some(0)
    }
}

async fn status_of(primary: &Store, r: &Replica) -> Result<ReplicaStatus, StoreError> {
    let change_set = r.store.latest_change().await?;
    let replayed = r.store.wal_position().await?;
    let current = primary.wal_position().await?;
    let behind = match (current, replayed) {
        (Some(c), Some(p)) => primary.wal_distance(&c, &p).await?,
        _ => None,
    };
    Ok(ReplicaStatus {
        name: r.name.clone(),
        reachable: Ok(()),
        change_set: Some(change_set),
        behind_bytes: behind,
        delay_seconds: r.store.replay_delay().await?,
        reads: r.reads(),
    })
}

impl App {
    /// The same application reading policies from these replicas as well.
    pub fn with_replicas(mut self, replicas: Vec<Replica>) -> App {
        self.replicas = std::sync::Arc::new(replicas);
        self
    }

    /// The replicas, as they stand now (the administrator): with the primary's change set.
    pub async fn replicas_status(&self, actor: &Actor) -> Result<(i64, Vec<ReplicaStatus>), AppError> {
        self.allow(actor, Action::ManageUsers, &Resource::Site)?;
        self.replica_figures().await
    }

    /// The replicas' figures (the administrator's page and the server's metrics).
    pub async fn replica_figures(&self) -> Result<(i64, Vec<ReplicaStatus>), AppError> {
        let primary = self.store.latest_change().await?;
        let mut out = Vec::with_capacity(self.replicas.len());
        for r in self.replicas.iter() {
            let status = match r.left_out() {
                Some(why) => Err(why),
                None => status_of(&self.store, r).await.inspect(|_| r.answered()).map_err(|e| {
                    r.failed(&e);
                    e.to_string()
                }),
            };
            out.push(status.unwrap_or_else(|why| ReplicaStatus {
                name: r.name.clone(),
                reachable: Err(why),
                change_set: None,
                behind_bytes: None,
                delay_seconds: None,
                reads: r.reads(),
            }));
        }
        Ok((primary, out))
    }
}
