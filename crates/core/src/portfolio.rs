//! Several policies at once: their counts aggregated by sector, conducting ministry and type.

use std::collections::BTreeMap;

use crate::compute::{LevelCounts, PolicyResult};
use crate::model::Policy;

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
    Portfolio {
        by_sector: group(items, |p| (p.meta().sector.code.clone(), p.meta().sector.name.clone())),
        by_ministry: group(items, |p| (p.meta().ministry.code.clone(), p.meta().ministry.name.clone())),
        by_type: group(items, |p| (p.meta().policy_type.id().to_string(), p.meta().policy_type.id().to_string())),
        total,
    }
}
