//! Rule profiles: every choice of the method that differs between plans or between versions of
//! CEPLAN's application, named and versioned so that a report can always say which rules made it.

use rust_decimal::Decimal;

use crate::band::{Band, BandLimits};
use crate::number::round_display;

/// How a descending indicator's avance is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DescendingFormula {
    /// LE / VO × 100.
    TargetOverActual,
}

/// How the yearly values of an `acumulado` indicator are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccumulationReading {
    /// The reported values already are cumulative stocks: VO_t / LE_t as for any indicator.
    ReportedCumulative,
    /// Sum VO and LE over the years up to t that have a target.
    SumOfYears,
}

/// What happens when the formula would divide by a zero target (or a zero actual, descending).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZeroDivision {
    /// ND, with a data-quality alert.
    NotComputed,
    /// Full avance (100) when the actual reached the target, else 0: what CEPLAN's PEI
    /// application printed in 2018 and 2019 for a zero target.
    FullWhenReached,
}

/// Whether an undeclared sense is inferred from the sequence of yearly targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SenseInference {
    /// Always ascendente when undeclared.
    Never,
    /// Descendente when the last target is below the first one, else ascendente.
    FromTargets,
}

/// A named, versioned set of rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleProfile {
    pub name: &'static str,
    pub version: &'static str,
    pub description: &'static str,
    /// Upper bound of an indicator's avance (`None`: no cap).
    pub cap: Option<Decimal>,
    pub descending: DescendingFormula,
    pub accumulation: AccumulationReading,
    pub zero_division: ZeroDivision,
    pub sense_inference: SenseInference,
    pub bands: BandLimits,
    /// An avance above this (as displayed) is atypical.
    pub atypical_above: Decimal,
    /// Decimals of displayed avances.
    pub decimals: u32,
    /// Upper bound of objective avances and the index (`None`: no cap).
    pub mean_cap: Option<Decimal>,
    /// How the outlook to the horizon is assessed (`progress`): an estimate beside the method's
    /// figures, which it never changes.
    pub progress: crate::progress::ProgressMethod,
}

impl RuleProfile {
    /// `ceplan-pn@1`, national policies: the rules of the published PNDI 2024 report.
    pub fn ceplan_pn_v1() -> RuleProfile {
        RuleProfile {
            name: "ceplan-pn",
            version: "1",
            description: "Políticas nacionales (guía de seguimiento del Sinaplan): avance sin tope, \
                          semáforo 75/95, atípico sobre 150",
            cap: None,
            descending: DescendingFormula::TargetOverActual,
            accumulation: AccumulationReading::ReportedCumulative,
            zero_division: ZeroDivision::NotComputed,
            sense_inference: SenseInference::FromTargets,
            bands: BandLimits::default(),
            atypical_above: Decimal::from(150),
            decimals: 1,
            mean_cap: None,
            progress: crate::progress::ProgressMethod::UnsdGrowthRatio,
        }
    }

    fn ceplan_pei(version: &'static str, zero: ZeroDivision, sense: SenseInference) -> RuleProfile {
        RuleProfile {
            name: "ceplan-pei",
            version,
            description: "Planes estratégicos institucionales (aplicativo CEPLAN): avance truncado en 100, \
                          dos decimales",
            cap: Some(Decimal::ONE_HUNDRED),
            descending: DescendingFormula::TargetOverActual,
            accumulation: AccumulationReading::ReportedCumulative,
            zero_division: zero,
            sense_inference: sense,
            bands: BandLimits::default(),
            atypical_above: Decimal::from(150),
            decimals: 2,
            mean_cap: Some(Decimal::ONE_HUNDRED),
            progress: crate::progress::ProgressMethod::UnsdGrowthRatio,
        }
    }

    /// Every built-in profile, oldest version first within a name.
    pub fn builtin() -> Vec<RuleProfile> {
        vec![
            RuleProfile::ceplan_pn_v1(),
            // As published in the 2018 cut: no sense inference, a zero target counted as reached.
            RuleProfile::ceplan_pei("2018", ZeroDivision::FullWhenReached, SenseInference::Never),
            // The 2019 cut infers a descending sense from the targets.
            RuleProfile::ceplan_pei("2019", ZeroDivision::FullWhenReached, SenseInference::FromTargets),
            // From 2020 a zero target is not computed.
            RuleProfile::ceplan_pei("2020", ZeroDivision::NotComputed, SenseInference::FromTargets),
        ]
    }

    /// Finds a profile by `name@version`, or by `name` alone for its latest version.
    pub fn find(id: &str) -> Option<RuleProfile> {
        let (name, version) = match id.split_once('@') {
            Some((n, v)) => (n, Some(v)),
            None => (id, None),
        };
        RuleProfile::builtin().into_iter().rfind(|p| p.name == name && version.is_none_or(|v| v == p.version))
    }

    /// `name@version`.
    pub fn id(&self) -> String {
        format!("{}@{}", self.name, self.version)
    }

    /// The figure as displayed: bands and thresholds are applied to it, never to the raw one.
    pub fn displayed(&self, avance: Decimal) -> Decimal {
        round_display(avance, self.decimals)
    }

    /// The band of an avance (`None`: ND).
    pub fn band(&self, avance: Option<Decimal>) -> Band {
        self.judge(avance).band
    }

    pub fn is_low(&self, avance: Decimal) -> bool {
        self.band(Some(avance)) == Band::Bajo
    }

    pub fn is_atypical(&self, avance: Decimal) -> bool {
        self.judge(Some(avance)).atypical
    }

    /// The band of an avance and whether it is atypical, from the one displayed figure.
    pub fn judge(&self, avance: Option<Decimal>) -> Judgement {
        self.judge_displayed(avance.map(|a| self.displayed(a)))
    }

    /// [`RuleProfile::judge`] of a figure already rounded as [`RuleProfile::displayed`] does.
    pub fn judge_displayed(&self, shown: Option<Decimal>) -> Judgement {
        match shown {
            None => Judgement::ND,
            Some(shown) => Judgement { band: self.bands.classify(shown), atypical: shown > self.atypical_above },
        }
    }
}

/// What a profile says of one avance ([`RuleProfile::judge`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Judgement {
    pub band: Band,
    /// Above the atypical threshold, as displayed.
    pub atypical: bool,
}

impl Judgement {
    /// An ND figure's: band ND, not atypical.
    pub const ND: Judgement = Judgement { band: Band::Nd, atypical: false };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_profiles_by_name_and_version() {
        assert_eq!(RuleProfile::find("ceplan-pn").map(|p| p.id()), Some("ceplan-pn@1".into()));
        assert_eq!(RuleProfile::find("ceplan-pei").map(|p| p.id()), Some("ceplan-pei@2020".into()));
        assert_eq!(RuleProfile::find("ceplan-pei@2018").map(|p| p.version), Some("2018"));
        assert_eq!(RuleProfile::find("ceplan-pn@9"), None);
        assert_eq!(RuleProfile::find("otro"), None);
    }
}
