//! Located problems in an input file, rendered in the user's language.

use std::fmt::Write as _;
use std::path::PathBuf;

use avance_core::code::CodeKind;
use avance_core::lang::Lang;
use avance_core::model::StructureIssueKind;
use avance_core::value::{Unit, ValueError};

/// What a field should have held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    Text,
    Integer,
    Object,
    Array,
    Year,
    Code(CodeKind),
    OneOf(Vec<String>),
    Literal(String),
}

impl Expected {
    fn describe(&self, lang: Lang) -> String {
        let s = |es: &str, en: &str| lang.pick(es, en).to_string();
        match self {
            Expected::Text => s("un texto", "a text"),
            Expected::Integer => s("un número entero", "a whole number"),
            Expected::Object => s("un objeto JSON ({...})", "a JSON object ({...})"),
            Expected::Array => s("una lista JSON ([...])", "a JSON array ([...])"),
            Expected::Year => s("un año de cuatro cifras, como 2024", "a four-digit year such as 2024"),
            Expected::Code(kind) => {
                let example = match kind {
                    CodeKind::Objective => "OP.01",
                    CodeKind::Lineamiento => "LN.01.01",
                    CodeKind::Service => "SS.01.01.01",
                    CodeKind::ObjectiveIndicator => "IOP.01.01",
                    CodeKind::ServiceIndicator => "ISS.01.01.01.01",
                };
                format!("{} {example}", lang.pick("un código como", "a code such as"))
            }
            Expected::OneOf(options) => {
                let quoted: Vec<String> = options.iter().map(|o| format!("\"{o}\"")).collect();
                lang.list(&quoted).replace(" and ", " or ").replace(" y ", " o ")
            }
            Expected::Literal(v) => format!("\"{v}\""),
        }
    }
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssueKind {
    /// The file cannot be read.
    Io {
        message: String,
    },
    /// The file is not valid JSON.
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    Missing {
        expected: Expected,
    },
    Invalid {
        expected: Expected,
        found: String,
    },
    UnknownField,
    /// A field that does not apply to this element (`standard` on an ascendente indicator).
    NotApplicable {
        reason: NotApplicable,
    },
    Value {
        error: ValueError,
        unit: Unit,
    },
    Structure(StructureIssueKind),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotApplicable {
    StandardOnTrend,
    AggregationOnNoDefinido,
}

/// A located problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub file: PathBuf,
    /// Where in the file: `indicators[3].sentido`, or a row and column for tables.
    pub path: String,
    /// The code of the element the problem is in, when known.
    pub code: Option<String>,
    pub kind: IssueKind,
}

impl Issue {
    /// One line: `file: path (code): message`.
    pub fn render(&self, lang: Lang) -> String {
        let mut out = format!("{}", self.file.display());
        if !self.path.is_empty() {
            let _ = write!(out, ": {}", self.path);
        }
        if let Some(code) = &self.code {
            let _ = write!(out, " ({code})");
        }
        let _ = write!(out, ": {}", self.message(lang));
        out
    }

    pub fn message(&self, lang: Lang) -> String {
        let es = lang == Lang::Es;
        match &self.kind {
            IssueKind::Io { message } => {
                format!("{}: {message}", lang.pick("no se puede leer el archivo", "cannot read the file"))
            }
            IssueKind::Syntax { line, column, message } => {
                if es {
                    format!("JSON no válido en la línea {line}, columna {column} ({message})")
                } else {
                    format!("invalid JSON at line {line}, column {column} ({message})")
                }
            }
            IssueKind::Missing { expected } => {
                let e = expected.describe(lang);
                if es { format!("falta este campo: se esperaba {e}") } else { format!("this field is missing: expected {e}") }
            }
            IssueKind::Invalid { expected, found } => {
                let e = expected.describe(lang);
                if es { format!("se esperaba {e}; se encontró {found}") } else { format!("expected {e}; found {found}") }
            }
            IssueKind::UnknownField => lang
                .pick(
                    "campo desconocido (¿un error de escritura?); ver docs/formats.md",
                    "unknown field (a typo?); see docs/formats.md",
                )
                .to_string(),
            IssueKind::NotApplicable { reason: NotApplicable::StandardOnTrend } => lang
                .pick(
                    "\"standard\" solo corresponde a indicadores no_definido; un indicador ascendente o descendente lleva \"aggregation\"",
                    "\"standard\" applies only to no_definido indicators; an ascendente or descendente indicator takes \"aggregation\"",
                )
                .to_string(),
            IssueKind::NotApplicable { reason: NotApplicable::AggregationOnNoDefinido } => lang
                .pick(
                    "\"aggregation\" no corresponde a un indicador no_definido, que lleva \"standard\"",
                    "\"aggregation\" does not apply to a no_definido indicator, which takes \"standard\"",
                )
                .to_string(),
            IssueKind::Value { error, unit } => error.message(*unit, lang),
            IssueKind::Structure(kind) => structure_message(kind, lang),
        }
    }
}

fn kind_name(kind: CodeKind, lang: Lang) -> &'static str {
    match kind {
        CodeKind::Objective => lang.pick("el objetivo prioritario", "the priority objective"),
        CodeKind::Lineamiento => lang.pick("el lineamiento", "the lineamiento"),
        CodeKind::Service => lang.pick("el servicio", "the service"),
        CodeKind::ObjectiveIndicator => lang.pick("el indicador de objetivo", "the objective indicator"),
        CodeKind::ServiceIndicator => lang.pick("el indicador de servicio", "the service indicator"),
    }
}

fn structure_message(kind: &StructureIssueKind, lang: Lang) -> String {
    let es = lang == Lang::Es;
    match kind {
        StructureIssueKind::WrongKind { code, expected } => {
            let e = Expected::Code(*expected).describe(lang);
            if es {
                format!("se esperaba {e}; se encontró \"{code}\"")
            } else {
                format!("expected {e}; found \"{code}\"")
            }
        }
        StructureIssueKind::Duplicate { code } => {
            if es {
                format!("el código {code} está repetido")
            } else {
                format!("the code {code} is repeated")
            }
        }
        StructureIssueKind::MissingParent { code, parent } => {
            let p = kind_name(parent.kind(), lang);
            if es {
                format!("{p} {parent}, del que depende {code}, no existe")
            } else {
                format!("{p} {parent}, which {code} belongs to, does not exist")
            }
        }
        StructureIssueKind::YearOutside { year, years } => {
            if es {
                format!("el año {year} está fuera de los años de la política ({}–{})", years.first, years.last)
            } else {
                format!("the year {year} is outside the policy's years ({}–{})", years.first, years.last)
            }
        }
        StructureIssueKind::YearsReversed { years } => {
            if es {
                format!("el primer año ({}) es posterior al último ({})", years.first, years.last)
            } else {
                format!("the first year ({}) is after the last one ({})", years.first, years.last)
            }
        }
        StructureIssueKind::UnknownProfile { id } => {
            let known: Vec<String> =
                avance_core::profile::RuleProfile::builtin().iter().map(|p| format!("\"{}\"", p.id())).collect();
            if es {
                format!("perfil de reglas desconocido \"{id}\"; perfiles disponibles: {}", known.join(", "))
            } else {
                format!("unknown rule profile \"{id}\"; available profiles: {}", known.join(", "))
            }
        }
    }
}
