//! The policies and their computed figures, kept in memory until the database changes: pages do
//! not recompute anything unless a change set was written since (by this server or any other
//! process), which one cheap query per request tells.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, RwLock};

use avance_core::compute::{PolicyResult, compute};
use avance_core::model::{Policy, Year};
use avance_store::{Store, StoreError, all_policies};

/// Every policy at one version of the database, and the figures computed from them so far.
#[derive(Debug, Default)]
pub struct Loaded {
    pub version: i64,
    pub policies: BTreeMap<String, Arc<Policy>>,
    results: Mutex<HashMap<(String, Year), Arc<PolicyResult>>>,
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
}

#[derive(Debug, Default)]
pub struct Cache {
    current: RwLock<Arc<Loaded>>,
}

impl Cache {
    /// The policies as the database holds them now.
    pub async fn get(&self, store: &Store) -> Result<Arc<Loaded>, StoreError> {
        let version = store.latest_change().await?;
        let current = self.current.read().unwrap_or_else(|e| e.into_inner()).clone();
        if current.version == version && (version == 0 || !current.policies.is_empty()) {
            return Ok(current);
        }
        let policies = all_policies(store).await?.into_iter().map(|(k, v)| (k, Arc::new(v))).collect();
        let loaded = Arc::new(Loaded { version, policies, results: Mutex::default() });
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = loaded.clone();
        Ok(loaded)
    }
}
