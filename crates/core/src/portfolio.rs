//! Several policies at once: their counts aggregated by sector, conducting ministry and type.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::band::Band;
use crate::compute::{LevelCounts, PolicyResult, Summary};
use crate::model::{Policy, PolicyMeta, Year};
use crate::profile::RuleProfile;
use crate::progress::{OutlookCounts, count_policy};

/// What a portfolio shows of one policy computed for a year: who it is, its índice de gestión,
/// its counts and its outlook to the horizon. A few hundred bytes: a portfolio keeps one per
/// policy and lets each policy and its full result go as soon as they are summed up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyFigures {
    pub meta: PolicyMeta,
    pub year: Year,
    /// The profile the figures were computed under (with its outlook method).
    pub profile: RuleProfile,
    pub index: Option<Decimal>,
    pub index_band: Band,
    pub counts: LevelCounts,
    /// Indicators per outlook category, by the profile's method.
    pub outlook: OutlookCounts,
}

impl PolicyFigures {
    /// The figures of `policy` as `result` computed them (the outlook assessed here, under the
    /// result's profile).
    pub fn of(policy: &Policy, result: &PolicyResult) -> PolicyFigures {
        PolicyFigures::from_summary(policy, result.year, result.profile.clone(), result.summary())
    }

    /// The figures of `policy` in `year` summed up in `summary`, reported under `profile` (the
    /// outlook assessed here, under it).
    pub fn from_summary(policy: &Policy, year: Year, profile: RuleProfile, summary: Summary) -> PolicyFigures {
        PolicyFigures {
            meta: policy.meta().clone(),
            year,
            outlook: count_policy(policy, year, &profile),
            profile,
            index: summary.index,
            index_band: summary.index_band,
            counts: summary.counts,
        }
    }
}

/// The policies that share a sector, a ministry or a type, and their counts added up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub code: String,
    pub name: String,
    /// Policy codes, sorted.
    pub policies: Vec<String>,
    pub counts: LevelCounts,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Portfolio {
    pub by_sector: Vec<Group>,
    pub by_ministry: Vec<Group>,
    pub by_type: Vec<Group>,
    pub total: LevelCounts,
    /// The outlooks of every policy added up.
    pub outlook_total: OutlookCounts,
}

fn group(items: &[PolicyFigures], key: impl Fn(&PolicyMeta) -> (String, String)) -> Vec<Group> {
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    for item in items {
        let (code, name) = key(&item.meta);
        let g = groups.entry(code.clone()).or_insert_with(|| Group {
            code,
            name,
            policies: Vec::new(),
            counts: LevelCounts::default(),
        });
        g.policies.push(item.meta.code.clone());
        g.counts.merge(&item.counts);
    }
    groups
        .into_values()
        .map(|mut g| {
            g.policies.sort();
            g
        })
        .collect()
}

/// Aggregates the figures of policies computed for the same year.
pub fn portfolio(items: &[PolicyFigures]) -> Portfolio {
    let mut total = LevelCounts::default();
    let mut outlook_total = OutlookCounts::default();
    for item in items {
        total.merge(&item.counts);
        outlook_total.merge(&item.outlook);
    }
    Portfolio {
        by_sector: group(items, |m| (m.sector.code.clone(), m.sector.name.clone())),
        by_ministry: group(items, |m| (m.ministry.code.clone(), m.ministry.name.clone())),
        by_type: group(items, |m| (m.policy_type.id().to_string(), m.policy_type.id().to_string())),
        total,
        outlook_total,
    }
}

/// Each policy's figures for `year`, each under its own profile (`adjust` may change the profile
/// the figures are reported under, e.g. its outlook method), on every core.
pub fn figures_all<P: std::borrow::Borrow<Policy> + Sync>(
    policies: &[P],
    year: Year,
    adjust: impl Fn(&mut RuleProfile) + Sync,
) -> Vec<PolicyFigures> {
    crate::compute::on_every_core(policies, |p| figures(p.borrow(), year, &adjust))
}

/// One policy's figures for `year` under its own profile, `adjust`ed as in [`figures_all`]: what
/// [`PolicyFigures::of`] takes of its full result, computed without the rest
/// ([`crate::compute::summarize`]).
pub fn figures(policy: &Policy, year: Year, adjust: impl Fn(&mut RuleProfile)) -> PolicyFigures {
    let summary = crate::compute::summarize(policy, year);
    let mut profile = policy.profile().clone();
    adjust(&mut profile);
    PolicyFigures::from_summary(policy, year, profile, summary)
}
