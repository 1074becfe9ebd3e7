//! `published.json` (format `avance-published/1`): what a report published and how its rows were
//! read, written by `avance import-report` beside `dataset.json` so that the dataset can be
//! audited later (docs/formats.md).

use std::path::Path;

use avance_core::alert::AlertKind;
use avance_core::band::{Band, BandCounts};
use avance_core::code::Code;
use avance_core::compute::LevelCounts;
use avance_core::model::Year;
use avance_core::published::{AlertParagraph, Claim, Printed, Published};
use serde::{Deserialize, Serialize};

use crate::issue::{Issue, IssueKind, Location};
use crate::report_text::{Evidence, YearDecision};

pub const FORMAT: &str = "avance-published/1";
pub const FILE_NAME: &str = "published.json";

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    format: String,
    source: String,
    year: Option<u16>,
    index: Option<String>,
    objectives: Vec<Figure>,
    indicators: Vec<Figure>,
    counts: Option<Counts>,
    alerts: Vec<Paragraph>,
    decisions: Vec<Decision>,
    /// Which parts of the report the text had (absent in files of earlier versions).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    sections: Option<SectionsRecord>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SectionsRecord {
    index: bool,
    alerts: bool,
    ends_inside_table: bool,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Figure {
    code: String,
    avance: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Counts {
    objectives: [usize; 4],
    objective_indicators: [usize; 4],
    service_indicators: [usize; 4],
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Paragraph {
    objective: Option<String>,
    state: Option<String>,
    claims: Vec<ClaimRecord>,
    text: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaimRecord {
    service: String,
    kind: String,
}

/// How a row's values were given years, as written to the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub code: String,
    pub line: usize,
    pub printed: usize,
    pub targets: Vec<u16>,
    pub actuals: Vec<u16>,
    /// `reproduces`, `usual` or `default`.
    pub evidence: String,
    /// The printed avance the evidence refers to.
    pub avance: String,
    /// For `usual`: how many rows with as many values settle the layout.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub rows: Option<usize>,
    /// For `usual`: whether this row's avance is reproduced by the layout too.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reproduces: Option<bool>,
}

impl From<&YearDecision> for Decision {
    fn from(d: &YearDecision) -> Decision {
        let (evidence, avance, rows, reproduces) = match &d.evidence {
            Evidence::Reproduces { avance } => ("reproduces", avance, None, None),
            Evidence::Usual { rows, avance, reproduces } => ("usual", avance, Some(*rows), Some(*reproduces)),
            Evidence::Default { avance } => ("default", avance, None, None),
        };
        Decision {
            code: d.code.to_string(),
            line: d.line,
            printed: d.printed,
            targets: d.targets.iter().map(|y| y.get()).collect(),
            actuals: d.actuals.iter().map(|y| y.get()).collect(),
            evidence: evidence.into(),
            avance: avance.clone(),
            rows,
            reproduces,
        }
    }
}

fn band_id(b: Band) -> &'static str {
    b.id()
}

fn counts4(c: &BandCounts) -> [usize; 4] {
    [c.bajo, c.intermedio, c.alto, c.nd]
}

/// The canonical text of `published.json`.
pub fn to_json(published: &Published, decisions: &[YearDecision], source: &str) -> String {
    let figures = |m: &std::collections::BTreeMap<Code, Printed>| -> Vec<Figure> {
        m.iter().map(|(c, p)| Figure { code: c.to_string(), avance: p.text.clone() }).collect()
    };
    let file = File {
        format: FORMAT.into(),
        source: source.into(),
        year: published.year.map(Year::get),
        index: published.index.as_ref().map(|p| p.text.clone()),
        objectives: figures(&published.objectives),
        indicators: figures(&published.indicators),
        counts: published.counts.as_ref().map(|c| Counts {
            objectives: counts4(&c.objectives),
            objective_indicators: counts4(&c.objective_indicators),
            service_indicators: counts4(&c.service_indicators),
        }),
        alerts: published
            .alerts
            .iter()
            .map(|p| Paragraph {
                objective: p.objective.as_ref().map(Code::to_string),
                state: p.state.map(|b| band_id(b).to_string()),
                claims: p
                    .claims
                    .iter()
                    .map(|c| ClaimRecord { service: c.service.to_string(), kind: c.kind.id().into() })
                    .collect(),
                text: p.text.clone(),
            })
            .collect(),
        decisions: decisions.iter().map(Decision::from).collect(),
        sections: published.sections.map(|s| SectionsRecord {
            index: s.index,
            alerts: s.alerts,
            ends_inside_table: s.ends_inside_table,
        }),
    };
    let mut s = serde_json::to_string_pretty(&file).expect("plain data always serializes");
    s.push('\n');
    s
}

fn invalid(file: &Path, message: String) -> Vec<Issue> {
    vec![Issue { file: file.to_path_buf(), location: Location::File, code: None, kind: IssueKind::Content { message } }]
}

/// Reads `published.json` from a dataset directory (or the file itself).
pub fn read(path: &Path) -> Result<(Published, Vec<Decision>), Vec<Issue>> {
    let file = if path.is_dir() { path.join(FILE_NAME) } else { path.to_path_buf() };
    let text = std::fs::read_to_string(&file).map_err(|e| vec![Issue::io(&file, &e)])?;
    let f: File = serde_json::from_str(&text).map_err(|e| {
        let message = e.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message).to_string();
        vec![Issue {
            file: file.clone(),
            location: Location::File,
            code: None,
            kind: IssueKind::Syntax { line: e.line(), column: e.column(), message },
        }]
    })?;
    if f.format != FORMAT {
        return Err(invalid(&file, format!("format \"{}\" (expected \"{FORMAT}\")", f.format)));
    }
    let code = |s: &str| s.parse::<Code>().map_err(|e| invalid(&file, e.to_string()));
    let printed = |s: &str| Printed::parse(s).ok_or_else(|| invalid(&file, format!("\"{s}\" is not an avance")));
    let mut published = Published {
        year: f.year.map(Year::new).transpose().map_err(|e| invalid(&file, e.to_string()))?,
        index: f.index.as_deref().map(printed).transpose()?,
        sections: f.sections.as_ref().map(|s| avance_core::published::Sections {
            index: s.index,
            alerts: s.alerts,
            ends_inside_table: s.ends_inside_table,
        }),
        ..Published::default()
    };
    for fig in &f.objectives {
        published.objectives.insert(code(&fig.code)?, printed(&fig.avance)?);
    }
    for fig in &f.indicators {
        published.indicators.insert(code(&fig.code)?, printed(&fig.avance)?);
    }
    let band = |a: [usize; 4]| BandCounts { bajo: a[0], intermedio: a[1], alto: a[2], nd: a[3] };
    published.counts = f.counts.map(|c| LevelCounts {
        objectives: band(c.objectives),
        objective_indicators: band(c.objective_indicators),
        service_indicators: band(c.service_indicators),
    });
    for p in f.alerts {
        let state = match p.state.as_deref() {
            None => None,
            Some(s) => Some(
                Band::ALL.into_iter().find(|b| b.id() == s).ok_or_else(|| invalid(&file, format!("band \"{s}\"")))?,
            ),
        };
        let mut claims = Vec::new();
        for c in &p.claims {
            let kind = AlertKind::ALL
                .into_iter()
                .find(|k| k.id() == c.kind)
                .ok_or_else(|| invalid(&file, format!("alert kind \"{}\"", c.kind)))?;
            claims.push(Claim { service: code(&c.service)?, kind });
        }
        let objective = p.objective.as_deref().map(code).transpose()?;
        published.alerts.push(AlertParagraph { objective, text: p.text, state, claims });
    }
    Ok((published, f.decisions))
}
