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
    /// A PEI's code of this kind.
    PeiCode(avance_core::pei::PeiCodeKind),
    OneOf(Vec<String>),
    Literal(String),
    /// A physical quantity: a number, zero or more.
    Quantity,
    /// The twelve months, January to December.
    Months,
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
            Expected::PeiCode(kind) => {
                use avance_core::pei::PeiCodeKind;
                let example = match kind {
                    PeiCodeKind::Objective => "OEI.01",
                    PeiCodeKind::Action => "AEI.01.01",
                    PeiCodeKind::ObjectiveIndicator | PeiCodeKind::ActionIndicator => {
                        "IND.01.OEI.01 o IND.01.AEI.01.01"
                    }
                };
                let example = if lang == Lang::Es { example.to_string() } else { example.replace(" o ", " or ") };
                format!("{} {example}", lang.pick("un código del PEI como", "a PEI code such as"))
            }
            Expected::OneOf(options) => {
                let quoted: Vec<String> = options.iter().map(|o| format!("\"{o}\"")).collect();
                lang.either(&quoted)
            }
            Expected::Literal(v) => format!("\"{v}\""),
            Expected::Quantity => {
                s("una cantidad de cero o más, como 12 o 2.5", "a quantity of zero or more, such as 12 or 2.5")
            }
            Expected::Months => {
                s("una lista de 12 valores, de enero a diciembre", "a list of 12 values, January to December")
            }
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
    /// A workbook's sheet whose XML the reader cannot make sense of (a cell reference beyond any
    /// spreadsheet's size, say).
    MalformedSheet {
        sheet: String,
    },
    /// A workbook's sheet that reaches a cell so far away that reading it whole would take more
    /// cells than any template has (a cell at XFD1048576, say).
    SheetTooLarge {
        sheet: String,
        /// The farthest cell, as a spreadsheet names it (`XFD1048576`).
        cell: String,
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
    /// A structural problem of a PEI.
    Pei(avance_core::pei::PeiProblem),
    /// A part of a published report that cannot be read: the text, and why.
    Unreadable {
        text: String,
        reason: Unreadable,
    },
    /// The PDF's text layer cannot be extracted.
    Pdf {
        message: String,
    },
    /// A machine-written file whose content is not what its format says.
    Content {
        message: String,
    },
    /// A spreadsheet stored a percentage as a plain number: 0.2 could be 20% or 0.2%.
    NumericPercentage {
        value: String,
    },
    /// A second row for the same indicator in a sheet that takes one.
    DuplicateRow {
        first_row: usize,
    },
    /// A code that the sheet it must come from does not have.
    NotInSheet {
        code: String,
        sheet: String,
    },
    /// A directory of datasets with none in it.
    NoDatasets,
    /// A directory of POIs with none in it.
    NoPoi,
    /// A directory of PEIs with none in it.
    NoPei,
    /// A workbook without a sheet its template has.
    MissingSheet {
        sheet: String,
    },
    /// A folder that holds no POI: neither poi.json nor the template's CSV files.
    NotAPoiFolder,
    /// A code given twice in a list; `first` is where it was first.
    RepeatedCode {
        first: String,
    },
    /// An activity under an AEI the plan does not list.
    UnknownAei {
        code: String,
    },
    /// A second dataset of a policy already read from another folder.
    DuplicatePolicy {
        code: String,
        first: PathBuf,
    },
}

/// Why a part of a published report cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreadable {
    NoTable,
    NoTitle,
    NoSector,
    NoMinistry,
    NoPolicyType,
    NoYears,
    BadCode,
    ObjectiveWithoutAvance,
    NoName,
    RowNotRecognized,
    NoAvance,
    NoBaseline,
    BadBaselineYear,
    StandardOnTrend,
    AggregationOnNoDefinido,
    TooManyValues {
        found: usize,
        max: usize,
    },
    /// A PEI report without "Periodo del Plan: AAAA - AAAA".
    PeiNoPeriod,
    /// A PEI report without "Año de Seguimiento: AAAA" (or one outside the period).
    PeiNoCut,
    /// A PEI report without "Pliego: código nombre".
    PeiNoEntity,
    /// A PEI report without indicator rows.
    PeiNoIndicators,
    /// A PEI indicator row without the values its period and cut call for: the baseline's year and
    /// value, `targets` logros esperados, `years` valores obtenidos and `years` avances.
    PeiValues {
        found: usize,
        targets: usize,
        years: usize,
    },
    /// A POI report without its year in the title.
    PoiNoYear,
    /// A POI report without "Periodo: enero - junio".
    PoiNoPeriod,
    /// A POI report without "Fecha de generación: dd/mm/aaaa".
    PoiNoDate,
    /// A POI report without activities.
    PoiNoActivities,
    /// An activity before any AEI row.
    PoiNoAei,
    /// A PROG row without its code, name, unit, aggregation, the period's months and the
    /// accumulated programming.
    PoiProgrammingRow {
        months: usize,
    },
    /// An EJEC row without the period's months, the accumulated execution and the avance.
    PoiExecutionRow {
        months: usize,
    },
    /// An activity's PROG row with no EJEC row after it.
    PoiNoExecutionRow,
    /// An EJEC row with no PROG row before it.
    PoiExecutionWithoutActivity,
}

impl Unreadable {
    fn message(self, lang: Lang) -> String {
        let s = |es: &str, en: &str| lang.pick(es, en).to_string();
        match self {
            Unreadable::NoTable => s(
                "no se encontró la tabla de seguimiento (líneas que empiezan con OP., IOP., LN., SS. o ISS.)",
                "no follow-up table found (lines starting with OP., IOP., LN., SS. or ISS.)",
            ),
            Unreadable::NoTitle => s(
                "no se encontró el título \"Reporte de seguimiento de la Política Nacional de …, correspondiente al año AAAA\"",
                "title \"Reporte de seguimiento de la Política Nacional de …, correspondiente al año AAAA\" not found",
            ),
            Unreadable::NoSector => s(
                "no se encontró la línea \"Sector: código: nombre\" antes de la tabla",
                "line \"Sector: code: name\" not found before the table",
            ),
            Unreadable::NoMinistry => s(
                "no se encontró la línea \"Ministerio conductor: código: nombre\" antes de la tabla",
                "line \"Ministerio conductor: code: name\" not found before the table",
            ),
            Unreadable::NoPolicyType => s(
                "no se encontró la línea \"Tipo: SECTORIAL\" o \"Tipo: MULTISECTORIAL\" antes de la tabla",
                "line \"Tipo: SECTORIAL\" or \"Tipo: MULTISECTORIAL\" not found before the table",
            ),
            Unreadable::NoYears => s(
                "no se encontró la cabecera de años (\"Año valor\" seguido de los años de los logros esperados, los de los valores obtenidos y el del avance)",
                "years header not found (\"Año valor\" followed by the target years, the actual years and the avance year)",
            ),
            Unreadable::BadCode => s("código no válido", "invalid code"),
            Unreadable::ObjectiveWithoutAvance => s(
                "el objetivo prioritario no tiene nombre seguido de su avance (un número o ND)",
                "the priority objective has no name followed by its avance (a number or ND)",
            ),
            Unreadable::NoName => s("falta el nombre", "the name is missing"),
            Unreadable::RowNotRecognized => s(
                "no se reconoce la fila del indicador: se esperaba nombre, responsable, tipo de indicador, sentido esperado, tipo de agregación o estándar, año y valor de la línea base, valores y avance",
                "indicator row not recognised: expected name, responsible unit, indicator type, expected sense, aggregation or standard, baseline year and value, values and avance",
            ),
            Unreadable::NoAvance => s(
                "la fila no termina con el avance (un número como 84.2, o ND)",
                "the row does not end with the avance (a number such as 84.2, or ND)",
            ),
            Unreadable::NoBaseline => s("falta el valor de la línea base", "the baseline value is missing"),
            Unreadable::BadBaselineYear => s("el año de la línea base no es válido", "the baseline year is not valid"),
            Unreadable::StandardOnTrend => s(
                "un indicador ascendente o descendente lleva \"acumulado\" o \"no acumulado\"",
                "an ascending or descending indicator takes \"acumulado\" or \"no acumulado\"",
            ),
            Unreadable::AggregationOnNoDefinido => s(
                "un indicador no_definido lleva \"minimo permisible\" o \"maximo permisible\"",
                "a no_definido indicator takes \"minimo permisible\" or \"maximo permisible\"",
            ),
            Unreadable::PeiNoPeriod => s(
                "no se encontró el periodo del plan (\"Periodo del Plan: 2020 - 2026\")",
                "the plan's period was not found (\"Periodo del Plan: 2020 - 2026\")",
            ),
            Unreadable::PeiNoCut => s(
                "no se encontró el año de seguimiento dentro del periodo (\"Año de Seguimiento: 2022\")",
                "the follow-up year within the period was not found (\"Año de Seguimiento: 2022\")",
            ),
            Unreadable::PeiNoEntity => s(
                "no se encontró el pliego (\"Pliego: 112 NOMBRE DE LA ENTIDAD\")",
                "the entity was not found (\"Pliego: 112 ENTITY NAME\")",
            ),
            Unreadable::PeiNoIndicators => s(
                "no se encontraron filas de indicadores (líneas que empiezan con IND.01.OEI.01 o IND.01.AEI.01.01)",
                "no indicator rows found (lines starting with IND.01.OEI.01 or IND.01.AEI.01.01)",
            ),
            Unreadable::PeiValues { found, targets, years } => {
                let expected = 2 + targets + 2 * years;
                if lang == Lang::Es {
                    format!(
                        "la fila tiene {found} valores al final y se esperaban {expected}: año y valor de la línea base, {targets} logros esperados, {years} valores obtenidos y {years} avances"
                    )
                } else {
                    format!(
                        "the row ends with {found} values and {expected} were expected: the baseline's year and value, {targets} expected values, {years} obtained values and {years} avances"
                    )
                }
            }
            Unreadable::PoiNoYear => s(
                "no se encontró el título con el año (\"REPORTE DE SEGUIMIENTO DEL POI 2022\")",
                "the title with the year was not found (\"REPORTE DE SEGUIMIENTO DEL POI 2022\")",
            ),
            Unreadable::PoiNoPeriod => s(
                "no se encontró el periodo del reporte (\"Periodo: enero - junio\")",
                "the report's period was not found (\"Periodo: enero - junio\")",
            ),
            Unreadable::PoiNoDate => s(
                "no se encontró la fecha de generación del reporte (\"Fecha de generación: 01/08/2022\"), que dice qué meses vencieron",
                "the report's generation date was not found (\"Fecha de generación: 01/08/2022\"), which says which months were due",
            ),
            Unreadable::PoiNoActivities => s(
                "no se encontraron actividades (una fila PROG y una fila EJEC por AO)",
                "no activities found (a PROG row and an EJEC row per AO)",
            ),
            Unreadable::PoiNoAei => {
                s("la actividad aparece antes de toda fila de AEI", "the activity comes before any AEI row")
            }
            Unreadable::PoiProgrammingRow { months } => {
                if lang == Lang::Es {
                    format!(
                        "la fila PROG no trae código, nombre, unidad de medida, tipo de agregación, PROG, los {months} meses del periodo y la programación acumulada"
                    )
                } else {
                    format!(
                        "the PROG row lacks code, name, unit of measure, aggregation, PROG, the period's {months} months and the accumulated programming"
                    )
                }
            }
            Unreadable::PoiExecutionRow { months } => {
                if lang == Lang::Es {
                    format!("la fila EJEC no trae los {months} meses del periodo, la ejecución acumulada y el avance")
                } else {
                    format!("the EJEC row lacks the period's {months} months, the accumulated execution and the avance")
                }
            }
            Unreadable::PoiNoExecutionRow => s(
                "la actividad no tiene fila EJEC después de su fila PROG",
                "the activity has no EJEC row after its PROG row",
            ),
            Unreadable::PoiExecutionWithoutActivity => s(
                "fila EJEC sin la fila PROG de su actividad antes",
                "EJEC row without its activity's PROG row before it",
            ),
            Unreadable::TooManyValues { found, max } => {
                if lang == Lang::Es {
                    format!(
                        "hay {found} valores entre la línea base y el avance, pero la tabla tiene {max} columnas de años"
                    )
                } else {
                    format!(
                        "there are {found} values between the baseline and the avance, but the table has {max} year columns"
                    )
                }
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotApplicable {
    StandardOnTrend,
    AggregationOnNoDefinido,
}

/// Where in a file a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The file as a whole.
    File,
    /// A path in a JSON document: `indicators[3].sentido`.
    Path(String),
    /// A line of a text file, counted from 1.
    Line(usize),
    /// A cell of a table: the sheet (none for a CSV file, whose name says it), the row as the
    /// spreadsheet numbers it (the header is row 1) and the column letter.
    Cell { sheet: Option<String>, row: usize, column: String },
}

impl Location {
    fn render(&self, lang: Lang) -> Option<String> {
        match self {
            Location::File => None,
            Location::Path(p) if p.is_empty() => None,
            Location::Path(p) => Some(p.clone()),
            Location::Line(n) => Some(format!("{} {n}", lang.pick("línea", "line"))),
            Location::Cell { sheet, row, column } => {
                let cell = format!("{} {row}, {} {column}", lang.pick("fila", "row"), lang.pick("columna", "column"));
                Some(match sheet {
                    Some(s) => format!("{} \"{s}\", {cell}", lang.pick("Hoja", "Sheet")),
                    None => cell,
                })
            }
        }
    }
}

/// A located problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub file: PathBuf,
    pub location: Location,
    /// The code of the element the problem is in, when known.
    pub code: Option<String>,
    pub kind: IssueKind,
}

impl Issue {
    /// The file cannot be read.
    pub fn io(file: &std::path::Path, error: &std::io::Error) -> Issue {
        Issue {
            file: file.to_path_buf(),
            location: Location::File,
            code: None,
            kind: IssueKind::Io { message: error.to_string() },
        }
    }

    /// One line: `file: path (code): message`.
    pub fn render(&self, lang: Lang) -> String {
        let mut out = format!("{}", self.file.display());
        if let Some(location) = self.location.render(lang) {
            let _ = write!(out, ": {location}");
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
            IssueKind::SheetTooLarge { sheet, cell } => {
                if es {
                    format!(
                        "la hoja \"{sheet}\" llega hasta la celda {cell}: más de 5,000,000 celdas, que ninguna plantilla usa; borre las celdas lejanas"
                    )
                } else {
                    format!(
                        "the sheet \"{sheet}\" reaches the cell {cell}: more than 5,000,000 cells, which no template uses; delete the far cells"
                    )
                }
            }
            IssueKind::MalformedSheet { sheet } => {
                if es {
                    format!("la hoja \"{sheet}\" está dañada: su XML no es el de una hoja de cálculo válida")
                } else {
                    format!("the sheet \"{sheet}\" is damaged: its XML is not that of a valid spreadsheet")
                }
            }
            IssueKind::RepeatedCode { first } => {
                if es {
                    format!("el código ya aparece en {first}; cada código va una sola vez")
                } else {
                    format!("the code already appears at {first}; each code goes once")
                }
            }
            IssueKind::UnknownAei { code } => {
                if es {
                    format!("la AEI \"{code}\" no está en la lista \"aei\" del plan")
                } else {
                    format!("the AEI \"{code}\" is not in the plan's \"aei\" list")
                }
            }
            IssueKind::MissingSheet { sheet } => {
                if es {
                    format!("el libro no tiene la hoja \"{sheet}\" de la plantilla (avance poi template la escribe)")
                } else {
                    format!("the workbook has no sheet \"{sheet}\" of the template (avance poi template writes it)")
                }
            }
            IssueKind::NotAPoiFolder => lang
                .pick(
                    "la carpeta no tiene poi.json ni los CSV de la plantilla (poi.csv, aei.csv, actividades.csv)",
                    "the folder has neither a poi.json nor the template's CSV files (poi.csv, aei.csv, actividades.csv)",
                )
                .to_string(),
            IssueKind::NoPoi => lang
                .pick(
                    "el directorio no tiene carpetas con poi.json (lo que escribe avance poi generate --out)",
                    "the directory has no folders with a poi.json (what avance poi generate --out writes)",
                )
                .to_string(),
            IssueKind::NoPei => lang
                .pick(
                    "el directorio no tiene carpetas con pei.json (lo que escribe avance pei generate --out)",
                    "the directory has no folders with a pei.json (what avance pei generate --out writes)",
                )
                .to_string(),
            IssueKind::NoDatasets => lang
                .pick(
                    "el directorio no tiene carpetas con dataset.json (lo que escribe avance generate --out)",
                    "the directory has no folders with a dataset.json (what avance generate --out writes)",
                )
                .to_string(),
            IssueKind::DuplicatePolicy { code, first } => {
                if es {
                    format!("la política {code} ya se leyó de {}", first.display())
                } else {
                    format!("policy {code} was already read from {}", first.display())
                }
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
            IssueKind::Pei(problem) => pei_message(problem, lang),
            IssueKind::Unreadable { text, reason } if text.is_empty() => reason.message(lang),
            IssueKind::Unreadable { text, reason } => format!("{} («{text}»)", reason.message(lang)),
            IssueKind::DuplicateRow { first_row } => {
                if es {
                    format!("el indicador ya tiene una fila en esta hoja (fila {first_row}); se admite una sola")
                } else {
                    format!("the indicator already has a row in this sheet (row {first_row}); only one is allowed")
                }
            }
            IssueKind::NotInSheet { code, sheet } => {
                if es {
                    format!("\"{code}\" no está en la hoja \"{sheet}\"")
                } else {
                    format!("\"{code}\" is not in the sheet \"{sheet}\"")
                }
            }
            IssueKind::NumericPercentage { value } => {
                if es {
                    format!("la hoja de cálculo guardó {value} como número; en un indicador de porcentaje escriba el valor como texto, por ejemplo 20% o 0.2%, para que no se confunda 0.2 con 20%")
                } else {
                    format!("the spreadsheet stored {value} as a number; in a percentage indicator type the value as text, for example 20% or 0.2%, so that 0.2 is not mistaken for 20%")
                }
            }
            IssueKind::Content { message } => {
                format!("{}: {message}", lang.pick("contenido no válido", "invalid content"))
            }
            IssueKind::Pdf { message } => {
                format!("{}: {message}", lang.pick("no se puede extraer el texto del PDF", "cannot extract the PDF's text"))
            }
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

fn pei_message(problem: &avance_core::pei::PeiProblem, lang: Lang) -> String {
    use avance_core::pei::{PeiCodeKind, PeiProblem};
    let es = lang == Lang::Es;
    match problem {
        PeiProblem::WrongKind { code, expected } => {
            let e = Expected::PeiCode(*expected).describe(lang);
            if es {
                format!("se esperaba {e}; se encontró \"{code}\"")
            } else {
                format!("expected {e}; found \"{code}\"")
            }
        }
        PeiProblem::Duplicate { code } => {
            if es {
                format!("el código {code} está repetido")
            } else {
                format!("the code {code} is repeated")
            }
        }
        PeiProblem::MissingParent { code, parent } => {
            let (list, what, of_which) = match parent.kind() {
                PeiCodeKind::Objective => ("objectives", lang.pick("el OEI", "the OEI"), "del que"),
                _ => ("actions", lang.pick("la AEI", "the AEI"), "de la que"),
            };
            if es {
                format!("{what} {parent}, {of_which} depende {code}, no está en la lista \"{list}\" del plan")
            } else {
                format!("{what} {parent}, which {code} belongs to, is not in the plan's \"{list}\" list")
            }
        }
        PeiProblem::YearOutside { year, first, last } => {
            if es {
                format!("el año {year} está fuera del periodo del plan ({first}–{last})")
            } else {
                format!("the year {year} is outside the plan's period ({first}–{last})")
            }
        }
        PeiProblem::YearsReversed { first, last } => {
            if es {
                format!("el primer año ({first}) es posterior al último ({last})")
            } else {
                format!("the first year ({first}) is after the last one ({last})")
            }
        }
        PeiProblem::NotAPeiProfile { id } => {
            if es {
                format!(
                    "\"{id}\" no es un perfil de reglas del PEI (ceplan-pei@2018, ceplan-pei@2019, ceplan-pei@2020)"
                )
            } else {
                format!("\"{id}\" is not a PEI rule profile (ceplan-pei@2018, ceplan-pei@2019, ceplan-pei@2020)")
            }
        }
    }
}
