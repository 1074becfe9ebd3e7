//! Several policies at once: their counts aggregated by sector, conducting ministry and type.

use std::collections::BTreeMap;

use crate::compute::{LevelCounts, PolicyResult};
use crate::model::Policy;
use crate::progress::{OutlookCounts, count_policy};

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
    /// Each policy's outlook to the horizon (indicators per category, by its result's profile),
    /// in the order of the items.
    pub outlooks: Vec<OutlookCounts>,
    /// The outlooks of every policy added up.
    pub outlook_total: OutlookCounts,
}

fn group(items: &[(&Policy, &PolicyResult)], key: impl Fn(&Policy) -> (String, String)) -> Vec<Group> {
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    for (policy, result) in items {
        let (code, name) = key(policy);
        let g = groups.entry(code.clone()).or_insert_with(|| Group {
            code,
            name,
            policies: Vec::new(),
            counts: LevelCounts::default(),
        });
        g.policies.push(policy.meta().code.clone());
        g.counts.merge(&result.counts);
    }
    groups
        .into_values()
        .map(|mut g| {
            g.policies.sort();
            g
        })
        .collect()
}

/// Aggregates the counts of policies computed for the same year.
pub fn portfolio(items: &[(&Policy, &PolicyResult)]) -> Portfolio {
    let mut total = LevelCounts::default();
    for (_, r) in items {
        total.merge(&r.counts);
    }
    let outlooks = outlooks(items);
    Portfolio {
        by_sector: group(items, |p| (p.meta().sector.code.clone(), p.meta().sector.name.clone())),
        by_ministry: group(items, |p| (p.meta().ministry.code.clone(), p.meta().ministry.name.clone())),
        by_type: group(items, |p| (p.meta().policy_type.id().to_string(), p.meta().policy_type.id().to_string())),
        total,
        outlook_total: outlooks.iter().fold(OutlookCounts::default(), |mut t, c| {
            t.merge(c);
            t
        }),
        outlooks,
    }
}

/// Each item's outlook counts, on every core (an assessment per indicator).
fn outlooks(items: &[(&Policy, &PolicyResult)]) -> Vec<OutlookCounts> {
    crate::compute::on_every_core(items, |(p, r)| count_policy(p, r.year, &r.profile))
}
