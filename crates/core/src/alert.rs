//! Alerts, computed from the figures, never written by hand. Each names the codes and figures that
//! triggered it; the wording lives with the reports.

use rust_decimal::Decimal;

use crate::avance::{NdReason, QualityIssue};
use crate::code::Code;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AlertLevel {
    Objective,
    Service,
    Indicator,
}

impl AlertLevel {
    pub fn id(self) -> &'static str {
        match self {
            AlertLevel::Objective => "objective",
            AlertLevel::Service => "service",
            AlertLevel::Indicator => "indicator",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AlertKind {
    /// Avance below the intermedio band (75).
    BajoAvance,
    /// Avance ND.
    SinInformacion,
    /// Avance above the atypical threshold (150): suggests a planning error.
    AvanceAtipico,
    /// A data-quality problem.
    CalidadDatos,
}

impl AlertKind {
    pub const ALL: [AlertKind; 4] =
        [AlertKind::BajoAvance, AlertKind::SinInformacion, AlertKind::AvanceAtipico, AlertKind::CalidadDatos];
    /// `bajo_avance`, `sin_informacion`, `avance_atipico`, `calidad_datos`.
    pub fn id(self) -> &'static str {
        match self {
            AlertKind::BajoAvance => "bajo_avance",
            AlertKind::SinInformacion => "sin_informacion",
            AlertKind::AvanceAtipico => "avance_atipico",
            AlertKind::CalidadDatos => "calidad_datos",
        }
    }
}

/// What triggered an alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertDetail {
    /// An indicator's or objective's avance (unrounded).
    Avance(Decimal),
    /// Why an indicator's avance is ND.
    Missing(NdReason),
    /// An indicator's data-quality problem.
    Quality(QualityIssue),
    /// A service: `with` of its `of` indicators have the alert.
    Group { with: usize, of: usize },
    /// An objective none of whose indicators has an avance.
    ObjectiveNd,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub level: AlertLevel,
    /// The objective, service or indicator the alert is about.
    pub code: Code,
    pub kind: AlertKind,
    /// The indicators that triggered it (the indicator itself at indicator level).
    pub indicators: Vec<Code>,
    pub detail: AlertDetail,
}

impl Alert {
    /// For a service alert: whether all its indicators have it.
    pub fn all_indicators(&self) -> bool {
        matches!(self.detail, AlertDetail::Group { with, of } if with == of)
    }
}
