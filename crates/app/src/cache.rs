//! The policies, their computed figures and the pages rendered from them, kept in memory until the database
//! changes: a request recomputes nothing unless a change set was written since (by this server or
//! any other process), which one cheap query tells; then only the policies that changed are read
//! again.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, RwLock};

use avance_core::compute::{PolicyResult, Summary, compute};
use avance_core::model::{Policy, Year};
use avance_store::{Store, StoreError, Values};
use bytes::Bytes;

/// At most this many rendered pages are kept per version (then the oldest set is dropped), so that
/// arbitrary query strings cannot fill the memory.
const MAX_PAGES: usize = 4096;

/// Every policy at one version of the database, and what was computed and rendered from them.
#[derive(Debug, Default)]
pub struct Loaded {
    pub version: i64,
    pub policies: BTreeMap<String, Arc<Policy>>,
    results: Mutex<HashMap<(String, Year), Arc<PolicyResult>>>,
    /// What the overview shows of each policy-year: a few numbers, not every indicator's result.
    summaries: Mutex<HashMap<(String, Year), Summary>>,
    pages: Mutex<HashMap<String, Bytes>>,
}

impl Loaded {
    /// A policy's figures for a year (computed once per version).
    pub fn result(&self, code: &str, year: Year) -> Option<Arc<PolicyResult>> {
        let policy = self.policies.get(code)?;
        let key = (code.to_string(), year);
        if let Some(r) = self.results.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return Some(r.clone());
        }
        let r = Arc::new(compute(policy, year));
        self.results.lock().unwrap_or_else(|e| e.into_inner()).insert(key, r.clone());
        Some(r)
    }

    /// The summary of every policy of `codes` for `year` (those not in this version are left
    /// out), in that order; the ones not worked out yet are summed up together, on every core,
    /// without keeping each indicator's result ([`avance_core::compute::summarize`]).
    pub fn summaries(&self, codes: &[&str], year: Year) -> Vec<(Arc<Policy>, Summary)> {
        let found: Vec<(&str, &Arc<Policy>)> =
            codes.iter().filter_map(|c| self.policies.get(*c).map(|p| (*c, p))).collect();
        let missing: Vec<&Policy> = {
            let summaries = self.summaries.lock().unwrap_or_else(|e| e.into_inner());
            found
                .iter()
                .filter(|(c, _)| !summaries.contains_key(&(c.to_string(), year)))
                .map(|(_, p)| p.as_ref())
                .collect()
        };
        if !missing.is_empty() {
            let summed = avance_core::compute::on_every_core(&missing, |p| avance_core::compute::summarize(p, year));
            let mut summaries = self.summaries.lock().unwrap_or_else(|e| e.into_inner());
            for (p, s) in missing.iter().zip(summed) {
                summaries.entry((p.meta().code.clone(), year)).or_insert(s);
            }
        }
        let summaries = self.summaries.lock().unwrap_or_else(|e| e.into_inner());
        found.into_iter().filter_map(|(c, p)| Some((p.clone(), *summaries.get(&(c.to_string(), year))?))).collect()
    }

    /// A page kept by a face (the web application keeps the pages of visitors who are not logged
    /// in, the same for all of them) until the database changes.
    pub fn page(&self, key: &str) -> Option<Bytes> {
        self.pages.lock().unwrap_or_else(|e| e.into_inner()).get(key).cloned()
    }

    pub fn keep_page(&self, key: String, html: String) -> Bytes {
        let html = Bytes::from(html);
        let mut pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        if pages.len() >= MAX_PAGES {
            pages.clear();
        }
        pages.insert(key, html.clone());
        html
    }
}

#[derive(Debug, Default)]
pub struct Cache {
    current: RwLock<Arc<Loaded>>,
    /// Serialises reloads, so that many requests after a change read the database once.
    reload: tokio::sync::Mutex<()>,
    /// Whether the policies were read once (the server's readiness).
    warm: std::sync::atomic::AtomicBool,
    hits: std::sync::atomic::AtomicU64,
    reloads: std::sync::atomic::AtomicU64,
    reload_micros: std::sync::atomic::AtomicU64,
}

/// How the cache has served (for the server's metrics).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Reads answered from the cache, the database unchanged.
    pub hits: u64,
    /// Reads that read policies again (something changed), and the time they took in all.
    pub reloads: u64,
    pub reload_micros: u64,
    /// The change set the cache holds.
    pub version: i64,
    pub policies: usize,
}

impl Cache {
    /// How the cache has served.
    pub fn stats(&self) -> CacheStats {
        use std::sync::atomic::Ordering::Relaxed;
        let current = self.current.read().unwrap_or_else(|e| e.into_inner()).clone();
        CacheStats {
            hits: self.hits.load(Relaxed),
            reloads: self.reloads.load(Relaxed),
            reload_micros: self.reload_micros.load(Relaxed),
            version: current.version,
            policies: current.policies.len(),
        }
    }

    /// Whether the policies were read at least once.
    pub fn is_warm(&self) -> bool {
        self.warm.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The policies as the database holds them now; those that changed are read from a replica
    /// that has caught up, when there is one (`crate::replicas`).
    pub async fn get(&self, store: &Store, replicas: &[crate::replicas::Replica]) -> Result<Arc<Loaded>, StoreError> {
        let loaded = self.read(store, replicas).await?;
        self.warm.store(true, std::sync::atomic::Ordering::Relaxed);
        Ok(loaded)
    }

    async fn read(&self, store: &Store, replicas: &[crate::replicas::Replica]) -> Result<Arc<Loaded>, StoreError> {
        let version = store.latest_change().await?;
        let current = self.current.read().unwrap_or_else(|e| e.into_inner()).clone();
        if current.version == version {
            self.hits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            return Ok(current);
        }
        let _guard = self.reload.lock().await;
        let current = self.current.read().unwrap_or_else(|e| e.into_inner()).clone();
        if current.version >= version {
            self.hits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            return Ok(current);
        }
        let started = std::time::Instant::now();
        // Only the policies with a newer change set are read again; the figures of the others
        // are kept.
        let changed = store.changed_since(current.version).await?;
        let mut policies = current.policies.clone();
        for code in &changed {
            policies.remove(code);
        }
        let read = match crate::replicas::caught_up(replicas, version).await {
            Some(r) => match r.store.read_policies(Some(&changed), Values::All).await {
                Ok(list) => {
                    r.counted();
                    list
                }
                Err(e) => {
                    r.failed(&e);
                    store.read_policies(Some(&changed), Values::All).await?
                }
            },
            None => store.read_policies(Some(&changed), Values::All).await?,
        };
        for p in read {
            policies.insert(p.meta().code.clone(), Arc::new(p));
        }
        let loaded = Arc::new(Loaded {
            version,
            policies,
            results: Mutex::new(unchanged(&current.results, &changed)),
            summaries: Mutex::new(unchanged(&current.summaries, &changed)),
            pages: Mutex::default(),
        });
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = loaded.clone();
        self.reloads.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        self.reload_micros.fetch_add(micros, std::sync::atomic::Ordering::Relaxed);
        Ok(loaded)
    }
}

/// What was worked out for the policies not in `changed`, kept for the next version.
fn unchanged<V: Clone>(map: &Mutex<HashMap<(String, Year), V>>, changed: &[String]) -> HashMap<(String, Year), V> {
    map.lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .filter(|((code, _), _)| !changed.contains(code))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}
