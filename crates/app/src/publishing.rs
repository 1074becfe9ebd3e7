//! Loading a dataset into the database and publishing a policy-year.

use avance_core::access::{Action, Event, Resource};
use avance_core::compute::compute;
use avance_core::lang::Lang;
use avance_core::model::{Policy, Year};
use avance_store::app::NewAudit;
use avance_store::{LoadOutcome, NewSnapshot, Snapshot};

use crate::error::{AppError, Missing};
use crate::{Actor, App};

impl App {
    /// Loads a policy: a new change set with what differs from the database (nothing if nothing
    /// does), audited in the same transaction.
    pub async fn load(&self, actor: &Actor, policy: &Policy, reason: &str) -> Result<LoadOutcome, AppError> {
        self.allow(actor, Action::LoadData, &Resource::Site)?;
        let at = self.now();
        let code = &policy.meta().code;
        let entry =
            NewAudit { policy: Some(code), detail: Some(reason), ..NewAudit::new(&at, &actor.name, Event::Load) };
        Ok(self.store.load_audited(policy, &actor.name, reason, Some(&entry)).await?)
    }

    /// Loads a policy only if the database does not have it yet (the demo): reference data is
    /// never written over what users entered. Returns whether it was loaded.
    pub async fn load_if_absent(&self, actor: &Actor, policy: &Policy, reason: &str) -> Result<bool, AppError> {
        if self.store.policy(&policy.meta().code).await?.is_some() {
            return Ok(false);
        }
        self.load(actor, policy, reason).await.map(|_| true)
    }

    /// Publishes a policy-year: freezes its inputs (the canonical dataset), its rules and its
    /// figures (the `avance-compute/1` document), with their content hash.
    pub async fn publish(&self, actor: &Actor, code: &str, year: Year) -> Result<Snapshot, AppError> {
        let policy = self.store.policy(code).await?.ok_or(AppError::NotFound(Missing::Policy))?;
        self.allow(actor, Action::Publish, &Resource::Policy { ministry: &policy.meta().ministry.code })?;
        if !policy.meta().years.contains(year) {
            return Err(AppError::NotFound(Missing::Year));
        }
        let inputs = avance_import::dataset::to_json(&policy);
        let result = compute(&policy, year);
        let figures = figures_text(&avance_report::json::compute(&policy, &result, Lang::Es));
        let profile = policy.profile().id();
        let at = self.now();
        let subject = year.to_string();
        let snapshot = self
            .store
            .publish(&NewSnapshot {
                policy: code,
                year,
                profile: &profile,
                inputs: &inputs,
                figures: &figures,
                published_by: &actor.name,
                audit: Some(NewAudit {
                    policy: Some(code),
                    subject: Some(&subject),
                    ..NewAudit::new(&at, &actor.name, Event::Publish)
                }),
            })
            .await?;
        tracing::info!(user = %actor.name, policy = code, year = year.get(), hash = %snapshot.content_hash, "published");
        Ok(snapshot)
    }
}

/// The figures document as publishing stores it: pretty JSON with a final newline, the same text
/// `avance compute --format json` prints.
fn figures_text(doc: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(doc).unwrap_or_default();
    s.push('\n');
    s
}
