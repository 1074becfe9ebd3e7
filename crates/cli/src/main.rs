//! `avance`: follow-up of national policies (CEPLAN's Sinaplan method) from the command line.
#![forbid(unsafe_code)]

mod db;
mod notify;
mod progress;
#[cfg(feature = "web")]
mod serve;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use avance_core::compute::compute;
use avance_core::lang::Lang;
use avance_core::model::{Policy, Year};
use avance_import::dataset;
use clap::{Parser, Subcommand, ValueEnum};

/// Seguimiento de políticas nacionales según el método de CEPLAN (Sinaplan).
#[derive(Debug, Parser)]
#[command(name = "avance", version, about)]
struct Cli {
    /// Idioma de los mensajes y resultados: es (por defecto) o en.
    #[arg(long, global = true, env = "AVANCE_LANG", default_value = "es", value_parser = parse_lang)]
    lang: Lang,
    /// Base de datos: sqlite://ARCHIVO (por defecto avance.db aquí) o postgres://…
    #[arg(long, global = true, env = "AVANCE_DB")]
    db: Option<String>,
    /// Formato del registro de eventos (en la salida de error): texto legible (por defecto) o json.
    #[arg(long, global = true, env = "AVANCE_LOG_FORMAT", default_value = "texto", value_parser = ["texto", "json"])]
    log_format: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Sirve la aplicación web: tableros públicos, reporte y aprobación de valores, API JSON (/api/v1).
    #[cfg(feature = "web")]
    Serve {
        /// Dirección y puerto donde escuchar.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Demostración: usa avance-demo.db (o --db) con la política de referencia cargada, abre 2024
        /// para reportar e imprime una cuenta por rol. Solo escucha en la interfaz local.
        #[arg(long)]
        demo: bool,
        /// Marca las cookies como Secure y envía Strict-Transport-Security (detrás de HTTPS).
        #[arg(long)]
        secure_cookies: bool,
        /// Dirección de un proxy inverso de confianza (repetible): solo de él se toma la dirección
        /// del cliente de la cabecera X-Forwarded-For.
        #[arg(long = "trusted-proxy", value_name = "IP")]
        trusted_proxies: Vec<std::net::IpAddr>,
        /// Días de validez de un token de la API nuevo.
        #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(i64).range(1..=3650))]
        token_days: i64,
        /// Réplica de lectura de PostgreSQL (repetible): las páginas públicas, las descargas y la
        /// API de lectura leen las políticas de una réplica al día; lo demás, del primario (--db).
        #[arg(long = "read-db", env = "AVANCE_READ_DB", value_delimiter = ',', value_name = "postgres://…")]
        read_db: Vec<String>,
        /// Métricas de Prometheus en /metricas (solicitudes por ruta y estado, latencias, caché,
        /// conexiones, bandeja de salida): no las exponga al público, el proxy debe cerrarlas.
        #[arg(long)]
        metrics: bool,
        /// Con --demo: imprime los correos en la terminal en vez de enviarlos.
        #[arg(long, requires = "demo", conflicts_with = "smtp")]
        print_mail: bool,
        #[command(flatten)]
        mail: notify::MailArgs,
    },
    /// Escribe los recordatorios y resúmenes que tocan y envía la bandeja de salida de correo.
    Notify {
        /// Una sola vuelta y termina (para cron o un temporizador de systemd); sin ella, sigue
        /// hasta Ctrl-C, una vuelta por minuto.
        #[arg(long)]
        once: bool,
        #[command(flatten)]
        mail: notify::MailArgs,
    },
    /// Calcula los avances, el índice de gestión, el semáforo y las alertas de una política.
    Compute {
        #[command(flatten)]
        source: Source,
        /// Con --policy: calcula desde los datos de la última publicación (las cifras publicadas).
        #[arg(long, requires = "policy", conflicts_with_all = ["dataset", "all"])]
        published: bool,
        /// Año del seguimiento (por defecto, el último año de la política).
        #[arg(long)]
        year: Option<u16>,
        /// Formato de salida.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Método de las perspectivas al horizonte (por defecto, el del perfil de reglas): unsd
        /// (razón entre la tasa observada y la requerida, de la ONU) o escap (progreso anticipado
        /// por regresión ponderada, de la CESPAP). No cambia los avances ni el índice.
        #[arg(long, value_enum)]
        perspectiva: Option<OutlookMethod>,
    },
    /// Lee un Reporte de seguimiento publicado (texto o PDF) y escribe el conjunto de datos.
    ImportReport {
        /// El reporte: el texto del PDF (.txt) o el PDF mismo.
        file: PathBuf,
        /// Directorio donde escribir dataset.json y published.json (por defecto, el conjunto de
        /// datos se imprime en la salida estándar).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Código de la política (por defecto, las iniciales de su nombre).
        #[arg(long)]
        code: Option<String>,
        /// Perfil de reglas del conjunto de datos.
        #[arg(long, default_value = "ceplan-pn@1")]
        profile: String,
        /// Rechaza un reporte que parece incompleto (termina dentro de la tabla, le falta el
        /// índice o las alertas, o sus conteos no cuadran con lo leído) en vez de advertirlo.
        #[arg(long)]
        strict: bool,
    },
    /// Recalcula un reporte publicado desde sus datos y lista cada discrepancia.
    Audit {
        /// Un reporte (.txt o .pdf), o un conjunto de datos con su published.json.
        input: PathBuf,
        /// Formato de salida.
        #[arg(long, value_enum, default_value_t = AuditFormat::Text)]
        format: AuditFormat,
    },
    /// Escribe la plantilla XLSX para planificadores, vacía o con los datos de una política.
    Template {
        /// Archivo .xlsx a escribir.
        #[arg(long)]
        out: PathBuf,
        /// Conjunto de datos con que prellenar la plantilla.
        #[arg(long)]
        policy: Option<PathBuf>,
        /// Años de la plantilla vacía, por ejemplo 2025-2030.
        #[arg(long, required_unless_present = "policy")]
        years: Option<String>,
    },
    /// Lee una plantilla llenada (XLSX, o un directorio de CSV) y escribe el conjunto de datos.
    Import {
        /// El libro .xlsx, o el directorio con politica.csv, estructura.csv, indicadores.csv y valores.csv.
        input: PathBuf,
        /// Directorio del conjunto de datos a escribir (por defecto, se imprime en la salida estándar).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Escribe un conjunto de datos como libro XLSX o como archivos CSV.
    Export {
        dataset: PathBuf,
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// Archivo .xlsx, o directorio para los CSV.
        #[arg(long)]
        out: PathBuf,
    },
    /// Trabaja con conjuntos de datos en el formato canónico (docs/formats.md).
    #[command(subcommand)]
    Dataset(DatasetCommand),
    /// Plan Operativo Institucional (POI): el avance de cada actividad, de cada AEI y el total,
    /// con las reglas de cada versión del aplicativo de CEPLAN (docs/rules.md).
    #[command(subcommand)]
    Poi(PoiCommand),
    /// Plan Estratégico Institucional (PEI): el avance de cada indicador de OEI y de AEI, año por
    /// año hasta el de seguimiento, como el Anexo B-7 del aplicativo de CEPLAN (docs/rules.md).
    #[command(subcommand)]
    Pei(PeiCommand),
    /// Trabaja con la base de datos (--db; por defecto, avance.db en este directorio).
    #[command(subcommand)]
    Db(DbCommand),
    /// Escribe el Reporte de seguimiento de una política (PDF, HTML con gráficos, o XLSX).
    Report {
        #[command(flatten)]
        source: Source,
        /// Año del reporte (por defecto, el último año de la política).
        #[arg(long)]
        year: Option<u16>,
        /// Formato del reporte.
        #[arg(long, value_enum, default_value_t = ReportFormat::Html)]
        format: ReportFormat,
        /// Archivo a escribir.
        #[arg(long)]
        out: PathBuf,
        /// Método de las perspectivas al horizonte (por defecto, el del perfil de reglas): unsd
        /// (razón entre la tasa observada y la requerida, de la ONU) o escap (progreso anticipado
        /// por regresión ponderada, de la CESPAP). No cambia los avances ni el índice.
        #[arg(long, value_enum)]
        perspectiva: Option<OutlookMethod>,
    },
    /// Genera una cartera sintética y determinista de políticas (pruebas y mediciones).
    Generate {
        /// Número de políticas.
        #[arg(long, default_value_t = 1)]
        policies: usize,
        /// Indicadores por política.
        #[arg(long, default_value_t = 100)]
        indicators: usize,
        /// Años, por ejemplo 2021-2030.
        #[arg(long, default_value = "2021-2030")]
        years: String,
        /// Semilla: la misma semilla da los mismos datos.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Directorio: un subdirectorio con dataset.json por política.
        #[arg(long, required_unless_present = "to_db", conflicts_with = "to_db")]
        out: Option<PathBuf>,
        /// En vez de archivos, carga las políticas directamente en la base de datos (--db, o avance.db).
        #[arg(long)]
        to_db: bool,
    },
}

#[derive(Debug, Subcommand)]
enum DbCommand {
    /// Crea la base de datos (o la pone al día) con su esquema.
    Init,
    /// Carga un conjunto de datos: todo o nada; solo se agregan revisiones de lo que cambió.
    Load {
        dataset: PathBuf,
        /// Quién hace el cambio (por defecto, el usuario del sistema).
        #[arg(long)]
        author: Option<String>,
        /// Por qué.
        #[arg(long, default_value = "carga del conjunto de datos")]
        reason: String,
    },
    /// Lista las políticas cargadas.
    List,
    /// Muestra cada revisión de un indicador: quién, cuándo, por qué, y el valor reportado primero.
    History {
        indicator: String,
        /// Solo en esta política.
        #[arg(long)]
        policy: Option<String>,
    },
    /// Publica el año de una política: congela datos, perfil de reglas y cifras con un hash.
    Publish {
        #[arg(long)]
        policy: String,
        #[arg(long)]
        year: u16,
        #[arg(long)]
        author: Option<String>,
    },
    /// Escribe el estado actual como conjuntos de datos (uno por política, o solo --policy).
    Export {
        #[arg(long)]
        policy: Option<String>,
        #[arg(long)]
        out: PathBuf,
    },
    /// Copia coherente de la base SQLite en uso (PostgreSQL: pg_dump, ver docs/deployment.md).
    Backup { file: PathBuf },
    /// Crea un usuario de la aplicación web; la contraseña (12 caracteres o más) se lee de la
    /// entrada estándar.
    AddUser {
        username: String,
        /// admin, planning (oficina de planeamiento) o unit (unidad responsable).
        #[arg(long)]
        role: String,
        /// Código del ministerio conductor (planning) o nombre de la unidad (unit).
        #[arg(long)]
        scope: Option<String>,
        /// Nombre para mostrar.
        #[arg(long)]
        name: String,
        /// Correo electrónico (recordatorios, avisos, enlace para restablecer la contraseña).
        #[arg(long)]
        email: Option<String>,
    },
}

/// Which policy a command works on: a dataset, one policy of the database, or all of them.
#[derive(Debug, clap::Args)]
struct Source {
    /// Conjunto de datos: un directorio con dataset.json, o el archivo mismo; con --all, un
    /// directorio de carpetas con dataset.json (lo que escribe generate --out). Sin él, la
    /// política se toma de la base de datos con --policy, o todas con --all.
    #[arg(required_unless_present_any = ["policy", "all"], conflicts_with = "policy")]
    dataset: Option<PathBuf>,
    /// Código de una política de la base de datos.
    #[arg(long, conflicts_with = "all")]
    policy: Option<String>,
    /// Todas las políticas (de la base de datos, o del directorio dado), con conteos por sector,
    /// ministerio conductor y tipo.
    #[arg(long)]
    all: bool,
}

impl Source {
    /// The one policy named: read from the dataset, or from the database (its current state, or
    /// with `published` the inputs of its latest publication of `year`).
    fn policy(
        &self,
        location: &avance_store::Location,
        year: Option<u16>,
        published: bool,
        lang: Lang,
    ) -> Result<Policy, Failure> {
        match (&self.dataset, &self.policy) {
            (Some(path), _) => load(path, lang),
            (None, Some(code)) => {
                let y = year.and_then(|y| Year::new(y).ok());
                db::block_on(db::policy_for_compute(location, code, y, published, lang))?
            }
            (None, None) => unreachable!("clap requires a dataset, --policy or --all"),
        }
    }
}

/// `--perspectiva`: the method of the outlook to the horizon, named after its source.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum OutlookMethod {
    Unsd,
    Escap,
}

impl OutlookMethod {
    fn method(self) -> avance_core::progress::ProgressMethod {
        match self {
            OutlookMethod::Unsd => avance_core::progress::ProgressMethod::UnsdGrowthRatio,
            OutlookMethod::Escap => avance_core::progress::ProgressMethod::EscapAnticipated,
        }
    }

    /// Sets the method on a result's profile, where the reports read it.
    fn apply(method: Option<OutlookMethod>, result: &mut avance_core::compute::PolicyResult) {
        avance_app::portfolio::with_method(method.map(OutlookMethod::method))(&mut result.profile);
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ReportFormat {
    Html,
    Pdf,
    Xlsx,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ExportFormat {
    Xlsx,
    Csv,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum AuditFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
enum PeiCommand {
    /// Calcula el seguimiento de un PEI (archivo avance-pei/1, docs/formats.md, o de la base de
    /// datos con --entity).
    Compute {
        #[command(flatten)]
        source: PeiSource,
        /// Las cifras publicadas (avance pei publish) del PEI de --entity, regeneradas de los datos
        /// congelados: idénticas a las publicadas o un error.
        #[arg(long, requires = "entity")]
        published: bool,
        /// Año de seguimiento (por defecto, el último del periodo con valores obtenidos).
        #[arg(long, value_name = "AAAA")]
        year: Option<u16>,
        /// Perfil de reglas (por defecto, el del archivo): ceplan-pei@2018, @2019 o @2020.
        #[arg(long)]
        profile: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Publica el seguimiento de un año del PEI de una entidad en la base de datos: congela el plan
    /// como está, el perfil y las cifras, con su huella SHA-256.
    Publish {
        /// Código de la entidad.
        #[arg(long)]
        entity: String,
        /// Primer año del periodo del PEI (por defecto, el último PEI de la entidad).
        #[arg(long, value_name = "AAAA")]
        first_year: Option<i32>,
        /// Año de seguimiento (por defecto, el último del periodo con valores obtenidos).
        #[arg(long, value_name = "AAAA")]
        year: Option<u16>,
        /// Quién publica (por defecto, el usuario del sistema).
        #[arg(long)]
        author: Option<String>,
    },
    /// Escribe el Seguimiento del PEI (Anexo B-7) de un año en PDF.
    Report {
        #[command(flatten)]
        source: PeiSource,
        /// Año de seguimiento (por defecto, el último del periodo con valores obtenidos).
        #[arg(long, value_name = "AAAA")]
        year: Option<u16>,
        /// Perfil de reglas (por defecto, el del PEI).
        #[arg(long)]
        profile: Option<String>,
        /// El archivo .pdf a escribir.
        #[arg(long)]
        out: PathBuf,
    },
    /// Escribe la plantilla de un PEI, vacía (del periodo --years) o con los datos de un PEI
    /// (--pei): un libro .xlsx, o con otra extensión un directorio con pei.csv, elementos.csv e
    /// indicadores.csv.
    Template {
        /// El archivo .xlsx, o el directorio de los CSV, a escribir.
        #[arg(long)]
        out: PathBuf,
        /// El PEI con que prellenarla (pei.json, su plantilla o sus CSV).
        #[arg(long, conflicts_with = "years")]
        pei: Option<PathBuf>,
        /// El periodo de una plantilla vacía, por ejemplo 2024-2030.
        #[arg(long, required_unless_present = "pei")]
        years: Option<String>,
    },
    /// Lee un PEI de su plantilla XLSX (avance pei template) o de un directorio de CSV (pei.csv,
    /// elementos.csv e indicadores.csv, con columnas logro_AAAA y valor_AAAA por año del
    /// periodo; docs/formats.md) y escribe su pei.json.
    Import {
        /// La plantilla .xlsx, o el directorio de los CSV.
        path: PathBuf,
        /// El archivo a escribir (por defecto, se imprime en la salida estándar).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Imprime el JSON Schema del formato avance-pei/1 (docs/pei.schema.json).
    Schema,
    /// Carga un PEI (archivo avance-pei/1), o con --all el pei.json de cada carpeta de un
    /// directorio, en la base de datos (--db): una revisión nueva, con quién, cuándo y por qué, si
    /// difiere de la guardada.
    Load {
        file: PathBuf,
        #[arg(long)]
        all: bool,
        /// Quién hace el cambio (por defecto, el usuario del sistema).
        #[arg(long)]
        author: Option<String>,
        /// Por qué.
        #[arg(long, default_value = "carga del PEI")]
        reason: String,
    },
    /// Lista los PEI de la base de datos.
    List,
    /// Escribe PEI sintéticos (cifras inventadas), una carpeta con pei.json por entidad.
    Generate {
        #[arg(long, default_value_t = 10)]
        entities: usize,
        #[arg(long, default_value_t = 30)]
        indicators: usize,
        /// Periodo del plan.
        #[arg(long, default_value = "2024-2030")]
        years: String,
        /// Último año con valores obtenidos.
        #[arg(long, default_value_t = 2026)]
        cut: u16,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        out: PathBuf,
    },
    /// Muestra cada cambio de los logros esperados y valores obtenidos de un indicador del PEI:
    /// quién, cuándo, por qué.
    History {
        /// Código de la entidad.
        entity: String,
        /// Código del indicador (IND.01.OEI.01).
        indicator: String,
        /// Primer año del periodo del PEI (por defecto, el último PEI de la entidad).
        #[arg(long, value_name = "AAAA")]
        first_year: Option<i32>,
    },
    /// Lee un Seguimiento del PEI publicado (Anexo B-7 del aplicativo de CEPLAN: su texto o su
    /// PDF) y escribe el PEI que reporta (avance-pei/1).
    ImportReport(ReportImport),
    /// Contrasta cada avance que imprimió un Seguimiento del PEI publicado con el que dan sus
    /// propios datos, con las reglas de la versión del aplicativo de ese año (salida 1 si alguno
    /// difiere).
    Audit(ReportAudit),
}

/// A PEI: its file, or an entity's PEI in the database.
#[derive(Debug, clap::Args)]
struct PeiSource {
    /// El archivo del PEI (sin él, el PEI se toma de la base de datos con --entity).
    #[arg(required_unless_present = "entity", conflicts_with = "entity")]
    file: Option<PathBuf>,
    /// Código de la entidad cuyo PEI se toma de la base de datos (--db).
    #[arg(long)]
    entity: Option<String>,
    /// Primer año del periodo del PEI en la base de datos (por defecto, el último PEI de la
    /// entidad).
    #[arg(long, value_name = "AAAA")]
    first_year: Option<i32>,
}

/// A published PEI or POI report to read into its plan.
#[derive(Debug, clap::Args)]
struct ReportImport {
    /// El reporte: .txt o .pdf.
    report: PathBuf,
    /// El archivo a escribir (por defecto, se imprime en la salida estándar).
    #[arg(long)]
    out: Option<PathBuf>,
}

/// A published PEI or POI report to audit against its own data.
#[derive(Debug, clap::Args)]
struct ReportAudit {
    /// El reporte: .txt o .pdf.
    report: PathBuf,
    /// Perfil de reglas (por defecto, el de la versión del aplicativo que lo imprimió).
    #[arg(long)]
    profile: Option<String>,
    #[arg(long, value_enum, default_value_t = AuditFormat::Text)]
    format: AuditFormat,
}

#[derive(Debug, Subcommand)]
enum PoiCommand {
    /// Calcula un POI (archivo avance-poi/1, docs/formats.md, o de la base de datos con
    /// --entity), o con --all los de un directorio o los de la base de datos.
    Compute {
        /// El archivo del POI (o su carpeta); con --all, un directorio de carpetas con poi.json.
        /// Sin él, el POI se toma de la base de datos (--db) con --entity, o todos con --all.
        #[arg(required_unless_present_any = ["entity", "all"], conflicts_with = "entity")]
        file: Option<PathBuf>,
        /// Código de la entidad cuyo POI se toma de la base de datos.
        #[arg(long, conflicts_with = "all")]
        entity: Option<String>,
        /// Año del POI en la base de datos (por defecto, el último de la entidad; con --all, todos).
        #[arg(long, value_name = "AAAA")]
        plan_year: Option<i32>,
        /// Todos los POI del directorio o de la base de datos: un resumen (actividades con avance,
        /// S.P., S.I.; el total de cada entidad en JSON).
        #[arg(long)]
        all: bool,
        /// Meses del periodo, por ejemplo 1-6 (primer semestre) o 7 (julio).
        #[arg(long, default_value = "1-12", value_parser = parse_months)]
        months: (u8, u8),
        /// Fecha del reporte (AAAA-MM-DD): el seguimiento de cada mes vence el último día del mes
        /// siguiente; sin ella, todos los meses del periodo ya vencieron.
        #[arg(long, value_name = "AAAA-MM-DD", value_parser = parse_day)]
        as_of: Option<(i32, u8, u8)>,
        /// Perfil de reglas (por defecto, el del archivo): ceplan-poi@2021 o ceplan-poi@2022.
        #[arg(long)]
        profile: Option<String>,
        /// Los promedios del año (el perfil 2021 cuenta S.P. como 0) en vez de los del periodo.
        #[arg(long)]
        year: bool,
        /// El último seguimiento publicado (avance poi publish) del POI de --entity, regenerado de
        /// los datos congelados con sus meses, su fecha y su perfil: idéntico al publicado o un
        /// error.
        #[arg(long, requires = "entity", conflicts_with_all = ["months", "as_of", "profile", "year"])]
        published: bool,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Publica el seguimiento de un periodo del POI de una entidad en la base de datos, como lo
    /// imprimiría un reporte generado hoy: congela el plan como está, los meses, la fecha, el
    /// perfil y las cifras, con su huella SHA-256.
    Publish {
        /// Código de la entidad.
        #[arg(long)]
        entity: String,
        /// Año del POI (por defecto, el último de la entidad).
        #[arg(long, value_name = "AAAA")]
        plan_year: Option<i32>,
        /// Meses del periodo, por ejemplo 1-6 (por defecto, de enero al último mes terminado).
        #[arg(long, value_parser = parse_months)]
        months: Option<(u8, u8)>,
        /// Quién publica (por defecto, el usuario del sistema).
        #[arg(long)]
        author: Option<String>,
    },
    /// Escribe el Reporte de seguimiento del POI de un periodo en PDF (avance poi audit lo lee de
    /// vuelta) o, con --out F.xlsx, en un libro XLSX, como lo imprime el aplicativo de CEPLAN en la
    /// versión del perfil.
    Report {
        /// El archivo del POI (o su carpeta). Sin él, el POI se toma de la base de datos (--db)
        /// con --entity.
        #[arg(required_unless_present = "entity", conflicts_with = "entity")]
        file: Option<PathBuf>,
        /// Código de la entidad cuyo POI se toma de la base de datos.
        #[arg(long)]
        entity: Option<String>,
        /// Año del POI en la base de datos (por defecto, el último de la entidad).
        #[arg(long, value_name = "AAAA")]
        plan_year: Option<i32>,
        /// Meses del periodo, por ejemplo 1-6 (primer semestre) o 7 (julio).
        #[arg(long, default_value = "1-12", value_parser = parse_months)]
        months: (u8, u8),
        /// Fecha de generación del reporte (AAAA-MM-DD; por defecto, hoy en Lima): el seguimiento
        /// de cada mes vence el último día del mes siguiente.
        #[arg(long, value_name = "AAAA-MM-DD", value_parser = parse_day)]
        as_of: Option<(i32, u8, u8)>,
        /// Perfil de reglas (por defecto, el del POI): ceplan-poi@2021 o ceplan-poi@2022.
        #[arg(long)]
        profile: Option<String>,
        /// El archivo .pdf (o .xlsx) a escribir.
        #[arg(long)]
        out: PathBuf,
    },
    /// Lee un POI de su plantilla XLSX (avance poi template) o de un directorio de CSV
    /// (poi.csv, aei.csv y actividades.csv, con columnas prog_ene … prog_dic y ejec_ene …
    /// ejec_dic; docs/formats.md) y escribe su poi.json.
    Import {
        /// La plantilla .xlsx, o el directorio de los CSV.
        dir: PathBuf,
        /// El archivo a escribir (por defecto, se imprime en la salida estándar).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Carga POI en la base de datos (--db): un archivo poi.json, una carpeta con poi.json o con
    /// los CSV de la plantilla, o con --all cada carpeta de un directorio. Cada POI en una
    /// transacción: todo o nada; solo se agregan revisiones de lo que cambió.
    Load {
        input: PathBuf,
        #[arg(long)]
        all: bool,
        /// Quién hace el cambio (por defecto, el usuario del sistema).
        #[arg(long)]
        author: Option<String>,
        /// Por qué.
        #[arg(long, default_value = "carga del POI")]
        reason: String,
    },
    /// Escribe la plantilla XLSX de un POI, vacía o con los datos de un POI (--poi).
    Template {
        /// Archivo .xlsx a escribir.
        #[arg(long)]
        out: PathBuf,
        /// El POI con que prellenarla (poi.json, su carpeta o sus CSV).
        #[arg(long)]
        poi: Option<PathBuf>,
    },
    /// Lee un Reporte de seguimiento del POI publicado (su texto o su PDF) y escribe el POI que
    /// reporta (avance-poi/1), con los meses que imprime.
    ImportReport(ReportImport),
    /// Contrasta cada cifra que imprimió un Reporte de seguimiento del POI publicado (de cada AO,
    /// de cada AEI y el total) con la que dan sus propios datos en la fecha del reporte (salida 1
    /// si alguna difiere); la versión 2022 imprime "PORCENTAJE DE AVANCES TRUNCADOS AL 100%".
    Audit(ReportAudit),
    /// Lista los POI de la base de datos.
    List,
    /// Imprime el JSON Schema del formato avance-poi/1 (docs/poi.schema.json).
    Schema,
    /// Muestra cada revisión de la programación y la ejecución de una actividad: quién, cuándo,
    /// por qué.
    History {
        /// Código de la entidad.
        entity: String,
        /// Código de la actividad (AO).
        activity: String,
        /// Año del POI (por defecto, el último de la entidad).
        #[arg(long, value_name = "AAAA")]
        plan_year: Option<i32>,
    },
    /// Escribe POI sintéticos (cifras inventadas), una carpeta con poi.json por entidad.
    Generate {
        #[arg(long, default_value_t = 10)]
        entities: usize,
        #[arg(long, default_value_t = 200)]
        activities: usize,
        #[arg(long, default_value_t = 2022)]
        year: i32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Directorio donde escribir las carpetas.
        #[arg(long)]
        out: PathBuf,
    },
}

fn parse_months(s: &str) -> Result<(u8, u8), String> {
    let bad = || format!("«{s}»: escriba un mes (1 a 12) o un rango como 1-6");
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let a: u8 = a.trim().parse().map_err(|_| bad())?;
    let b: u8 = b.trim().parse().map_err(|_| bad())?;
    if (1..=12).contains(&a) && (1..=12).contains(&b) && a <= b { Ok((a, b)) } else { Err(bad()) }
}

fn parse_day(s: &str) -> Result<(i32, u8, u8), String> {
    let bad = || format!("«{s}»: escriba AAAA-MM-DD, por ejemplo 2022-08-01");
    let parts: Vec<&str> = s.trim().split('-').collect();
    let [y, m, d] = parts.as_slice() else { return Err(bad()) };
    let (y, m, d): (i32, u8, u8) =
        (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
    let real =
        y.to_string().len() == 4 && (1..=12).contains(&m) && (1..=avance_core::poi::days_in_month(y, m)).contains(&d);
    if real { Ok((y, m, d)) } else { Err(bad()) }
}

#[derive(Debug, Subcommand)]
enum DatasetCommand {
    /// Valida un conjunto de datos y muestra cada error con archivo, ruta, campo y valor.
    Check { dataset: PathBuf },
    /// Reescribe un conjunto de datos en la forma canónica (orden y formato fijos).
    Fmt {
        dataset: PathBuf,
        /// Dónde escribir (por defecto, sobre el mismo archivo).
        #[arg(long)]
        out: Option<PathBuf>,
        /// No escribe: termina con estado 1 si el archivo no está en forma canónica.
        #[arg(long, conflicts_with = "out")]
        check: bool,
    },
    /// Imprime el JSON Schema del formato de conjunto de datos.
    Schema,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Json,
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    s.parse().map_err(|()| format!("idioma desconocido \"{s}\": use es o en"))
}

/// How a run ended; the one place that maps outcomes to exit codes.
pub(crate) enum Failure {
    /// Input that cannot be used (exit 2): the lines say where and why.
    Invalid(Vec<String>),
    /// A check that found differences (exit 1).
    Differs(String),
    /// An audit that found discrepancies, already printed (exit 1).
    Found,
}

/// Whether the command runs the web server (its log is at `info` by default).
fn is_server(command: &Command) -> bool {
    #[cfg(feature = "web")]
    if matches!(command, Command::Serve { .. }) {
        return true;
    }
    let _ = command;
    false
}

/// The event log (tracing) on standard error: human-readable or JSON lines; the level from
/// `AVANCE_LOG` (e.g. `debug`), `info` by default, `warn` for commands other than `serve`.
fn init_logging(format: &str, serving: bool) {
    let default = if serving { "info" } else { "warn" };
    let filter = tracing_subscriber::EnvFilter::try_from_env("AVANCE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    // Colours only on a terminal: a log file or a journal gets plain text.
    let colours = std::io::IsTerminal::is_terminal(&std::io::stderr());
    // A log that cannot be written (standard error closed: the process reading it died) is
    // dropped: tracing would otherwise report it with eprintln!, which panics, and every request
    // would fail.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(colours)
        .log_internal_errors(false);
    let _ = if format == "json" { builder.json().try_init() } else { builder.try_init() };
}

/// mimalloc instead of the system's allocator: a portfolio's read builds and drops millions of
/// small strings and vectors (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(&cli.log_format, is_server(&cli.command));
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Differs(line)) => {
            eprintln!("{line}");
            ExitCode::from(1)
        }
        Err(Failure::Found) => ExitCode::from(1),
        Err(Failure::Invalid(lines)) => {
            let mut err = std::io::stderr().lock();
            for l in lines {
                let _ = writeln!(err, "{} {l}", cli.lang.pick("error:", "error:"));
            }
            ExitCode::from(2)
        }
    }
}

fn load(path: &Path, lang: Lang) -> Result<Policy, Failure> {
    dataset::read(path).map_err(|issues| Failure::Invalid(issues.iter().map(|i| i.render(lang)).collect()))
}

fn run(cli: &Cli) -> Result<(), Failure> {
    let lang = cli.lang;
    match &cli.command {
        Command::Compute { source, published, year, format, perspectiva } => {
            let location = db::location(cli.db.as_deref());
            if source.all {
                let p = portfolio(source, &location, *year, *perspectiva, lang)?;
                return print(&match format {
                    Format::Table => avance_report::text::portfolio(&p.policies, p.year, lang),
                    Format::Json => json_text(&avance_report::json::portfolio(&p.policies, p.year)),
                });
            }
            let policy = source.policy(&location, *year, *published, lang)?;
            let year = year_of(&policy, *year, lang)?;
            let mut result = compute(&policy, year);
            OutlookMethod::apply(*perspectiva, &mut result);
            print(&match format {
                Format::Table => avance_report::text::compute(&policy, &result, lang),
                Format::Json => json_text(&avance_report::json::compute(&policy, &result, lang)),
            })
        }
        Command::Report { source, year, format, out, perspectiva } => {
            let location = db::location(cli.db.as_deref());
            let write = |bytes: Vec<u8>| {
                std::fs::write(out, bytes).map_err(|e| cannot_write(out, e, lang))?;
                print(&format!("{} {}\n", lang.pick("Escrito:", "Written:"), out.display()))
            };
            if source.all {
                let p = portfolio(source, &location, *year, *perspectiva, lang)?;
                let (items, year) = (&p.policies, p.year);
                return write(match format {
                    ReportFormat::Html => avance_report::html::render_portfolio(items, year, lang).into_bytes(),
                    ReportFormat::Pdf => avance_pdf::render_portfolio(items, year, lang)
                        .map_err(|e| Failure::Invalid(vec![format!("{}: {e}", out.display())]))?,
                    ReportFormat::Xlsx => avance_report::xlsx::render_portfolio(items, year, lang)
                        .map_err(|e| Failure::Invalid(vec![format!("{}: {e}", out.display())]))?,
                });
            }
            let policy = source.policy(&location, None, false, lang)?;
            let year = year_of(&policy, *year, lang)?;
            let mut result = compute(&policy, year);
            OutlookMethod::apply(*perspectiva, &mut result);
            let bytes = match format {
                ReportFormat::Html => {
                    avance_report::html::render(&policy, &result, lang, &dataset::content_hash(&policy)).into_bytes()
                }
                ReportFormat::Pdf => avance_pdf::render(&policy, &result, lang, &dataset::content_hash(&policy))
                    .map_err(|e| Failure::Invalid(vec![format!("{}: {e}", out.display())]))?,
                ReportFormat::Xlsx => avance_report::xlsx::render(&policy, &result, lang)
                    .map_err(|e| Failure::Invalid(vec![format!("{}: {e}", out.display())]))?,
            };
            write(bytes)
        }
        Command::Generate { policies, indicators, years, seed, out, to_db } => {
            let range = years_arg(years, "2021-2030", lang)?;
            if *indicators == 0 || *indicators > 40_000 {
                return Err(Failure::Invalid(vec![format!(
                    "--indicators {indicators}: {}",
                    lang.pick(
                        "se esperaba entre 1 y 40000 indicadores por política",
                        "expected between 1 and 40000 indicators per policy"
                    )
                )]));
            }
            // One policy at a time: made, written or loaded, dropped.
            let generated = avance_import::synthetic::policies(*policies, *indicators, range, *seed);
            let place = match out {
                Some(out) => {
                    for policy in generated {
                        let dir = out.join(&policy.meta().code);
                        dataset::write(&policy, &dir).map_err(|e| cannot_write(&dir, e, lang))?;
                    }
                    out.display().to_string()
                }
                None => {
                    let _ = to_db;
                    let location = db::location(cli.db.as_deref());
                    db::block_on(db::load_all(&location, generated, lang))??
                }
            };
            let what = match (*policies, lang) {
                (1, Lang::Es) => "Generada 1 política en".to_string(),
                (n, Lang::Es) => format!("Generadas {n} políticas en"),
                (1, Lang::En) => "Generated 1 policy in".to_string(),
                (n, Lang::En) => format!("Generated {n} policies in"),
            };
            print(&format!("{what} {place}\n"))
        }
        #[cfg(feature = "web")]
        Command::Serve {
            addr,
            demo,
            secure_cookies,
            trusted_proxies,
            token_days,
            print_mail,
            mail,
            metrics,
            read_db,
        } => {
            let location = match (&cli.db, demo) {
                (None, true) => avance_store::Location::Sqlite(PathBuf::from("avance-demo.db")),
                (db, _) => db::location(db.as_deref()),
            };
            let options = serve::Options {
                addr: *addr,
                demo: *demo,
                secure_cookies: *secure_cookies,
                trusted_proxies: trusted_proxies.clone(),
                token_days: *token_days,
                print_mail: *print_mail,
                metrics: *metrics,
                read_db: read_db.clone(),
                mail: mail.clone(),
            };
            serve::serve(&location, &options, lang)
        }
        Command::Notify { once, mail } => {
            let location = db::location(cli.db.as_deref());
            let out = notify::notify(&location, mail, *once, lang)?;
            print(&out)
        }
        Command::Db(command) => {
            let location = db::location(cli.db.as_deref());
            let out = match command {
                DbCommand::Init => db::block_on(db::init(&location, lang))?,
                DbCommand::Load { dataset, author, reason } => {
                    let policy = load(dataset, lang)?;
                    db::block_on(db::load(&location, &policy, author.as_deref(), reason, lang))?
                }
                DbCommand::List => db::block_on(db::list(&location, lang))?,
                DbCommand::History { indicator, policy } => {
                    db::block_on(db::history(&location, indicator, policy.as_deref(), lang))?
                }
                DbCommand::Publish { policy, year, author } => {
                    let y = Year::new(*year).map_err(|_| Failure::Invalid(vec![format!("--year {year}")]))?;
                    db::block_on(db::publish(&location, policy, y, author.as_deref(), lang))?
                }
                DbCommand::Export { policy, out } => db::block_on(db::export(&location, policy.as_deref(), out, lang))?,
                DbCommand::Backup { file } => db::block_on(db::backup(&location, file, lang))?,
                DbCommand::AddUser { username, role, scope, name, email } => {
                    let mut password = String::new();
                    std::io::stdin().read_line(&mut password).map_err(|e| Failure::Invalid(vec![e.to_string()]))?;
                    let password = password.trim_end_matches(['\r', '\n']);
                    db::block_on(db::add_user(
                        &location,
                        username,
                        role,
                        scope.as_deref(),
                        name,
                        email.as_deref(),
                        password,
                        lang,
                    ))?
                }
            }?;
            print(&out)
        }
        Command::ImportReport { file, out, code, profile, strict } => {
            import_report(file, out.as_deref(), code, profile, *strict, lang)
        }
        Command::Audit { input, format } => audit(input, *format, lang),
        Command::Template { out, policy, years } => template(out, policy.as_deref(), years.as_deref(), lang),
        Command::Import { input, out } => {
            let mut bar = progress::Bar::new(lang.pick("Leyendo la plantilla", "Reading the template"), lang);
            let policy =
                avance_import::workbook::read_with(input, &mut |s| bar.step(s)).map_err(|i| issues(i, lang))?;
            drop(bar);
            match out {
                None => print(&dataset::to_json(&policy)),
                Some(dir) => write_dataset(&policy, dir, lang),
            }
        }
        Command::Export { dataset: path, format, out } => {
            let policy = load(path, lang)?;
            let tables = avance_import::tables::from_policy(&policy);
            match format {
                ExportFormat::Xlsx => avance_import::workbook::write_xlsx(&tables, out),
                ExportFormat::Csv => avance_import::workbook::write_csv(&tables, out),
            }
            .map_err(|i| issues(i, lang))?;
            print(&format!("{} {}\n", lang.pick("Escrito:", "Written:"), out.display()))
        }
        Command::Poi(PoiCommand::Import { dir, out }) => {
            let plan = avance_import::poi::read_path(dir).map_err(|list| issues(list, lang))?;
            let text = json_text(&avance_import::poi::to_json(&plan));
            match out {
                None => print(&text),
                Some(file) => {
                    std::fs::write(file, text).map_err(|e| cannot_write(file, e, lang))?;
                    print(&format!(
                        "{} {} ({} {}, {} AEI, {} {})\n",
                        lang.pick("Escrito:", "Written:"),
                        file.display(),
                        lang.pick("POI", "POI"),
                        plan.year,
                        plan.aei.len(),
                        plan.activities.len(),
                        lang.pick("actividades", "activities")
                    ))
                }
            }
        }
        Command::Poi(PoiCommand::Generate { entities, activities, year, seed, out }) => {
            for n in 1..=*entities {
                let plan = avance_import::synthetic::poi(n, *activities, *year, *seed);
                let dir = out.join(&plan.entity_code);
                std::fs::create_dir_all(&dir).map_err(|e| cannot_write(&dir, e, lang))?;
                let file = dir.join(avance_import::poi::FILE_NAME);
                let text = serde_json::to_string(&avance_import::poi::to_json(&plan)).unwrap_or_default();
                std::fs::write(&file, text).map_err(|e| cannot_write(&file, e, lang))?;
            }
            print(&match lang {
                Lang::Es => {
                    format!("Escritos {entities} POI sintéticos de {activities} actividades en {}\n", out.display())
                }
                Lang::En => {
                    format!("Wrote {entities} synthetic POIs of {activities} activities to {}\n", out.display())
                }
            })
        }
        Command::Poi(PoiCommand::Report { file, entity, plan_year, months, as_of, profile, out }) => {
            let plan = match file {
                Some(path) => avance_import::poi::read_path(path).map_err(|list| issues(list, lang))?,
                None => {
                    db::block_on(db::poi_plans(&db::location(cli.db.as_deref()), entity.as_deref(), *plan_year, lang))??
                        .swap_remove(0)
                }
            };
            let generated = as_of.unwrap_or_else(avance_report::labels::lima_today);
            let f = avance_app::poi::poi_figures(
                &plan,
                *months,
                Some((generated.0, generated.1)),
                profile.as_deref(),
                false,
            )
            .map_err(|e| Failure::Invalid(vec![e.message(lang)]))?;
            let figures = (f.period, &f.profile, &f.result);
            let bytes = if out.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) {
                avance_report::poi::xlsx(&avance_report::poi::layout(&plan, figures, generated, lang), lang)
                    .map_err(|e| Failure::Invalid(vec![format!("{}: {e}", out.display())]))?
            } else {
                avance_pdf::render_poi(&plan, figures, generated, lang)
                    .map_err(|e| Failure::Invalid(vec![format!("{}: {e}", out.display())]))?
            };
            std::fs::write(out, bytes).map_err(|e| cannot_write(out, e, lang))?;
            print(&format!("{} {}\n", lang.pick("Escrito:", "Written:"), out.display()))
        }
        Command::Poi(PoiCommand::Publish { entity, plan_year, months, author }) => print(&db::block_on(
            db::poi_publish(&db::location(cli.db.as_deref()), entity, *plan_year, *months, author.as_deref(), lang),
        )??),
        Command::Poi(PoiCommand::Compute { entity: Some(entity), plan_year, published: true, format, .. }) => {
            let location = db::location(cli.db.as_deref());
            let (plan, f) = db::block_on(db::poi_published(&location, entity, *plan_year, lang))??;
            print(&match format {
                Format::Table => avance_report::poi::text(&plan, f.period, &f.profile, &f.result, lang),
                Format::Json => json_text(&avance_report::poi::json(&plan, f.period, &f.profile, &f.result)),
            })
        }
        Command::Poi(PoiCommand::Compute {
            file,
            entity,
            plan_year,
            all,
            months,
            as_of,
            profile,
            year,
            format,
            ..
        }) => {
            let invalid = |list| issues(list, lang);
            let plans = match (file, entity) {
                (Some(path), _) if *all => avance_import::poi::read_all(path).map_err(invalid)?,
                (Some(path), _) => vec![avance_import::poi::read_path(path).map_err(invalid)?],
                (None, entity) => {
                    db::block_on(db::poi_plans(&db::location(cli.db.as_deref()), entity.as_deref(), *plan_year, lang))??
                }
            };
            let as_of = as_of.map(|(y, m, _)| (y, m));
            let figures = avance_app::poi::portfolio_figures(&plans, *months, as_of, profile.as_deref(), *year)
                .map_err(|e| Failure::Invalid(vec![e.message(lang)]))?;
            let rows: Vec<_> = plans.iter().zip(&figures).collect();
            let out = print(&match (&rows[..], *all, format) {
                ([(plan, f)], false, Format::Table) => {
                    avance_report::poi::text(plan, f.period, &f.profile, &f.result, lang)
                }
                ([(plan, f)], false, Format::Json) => {
                    json_text(&avance_report::poi::json(plan, f.period, &f.profile, &f.result))
                }
                (rows, _, format) => {
                    let rows: Vec<_> = rows.iter().map(|(p, f)| (*p, &f.profile, &f.result)).collect();
                    match format {
                        Format::Table => avance_report::poi::portfolio_text(&rows, lang),
                        Format::Json => json_text(&avance_report::poi::portfolio_json(&rows)),
                    }
                }
            });
            drop(rows);
            // The process ends here: the system takes a national portfolio's memory back at once.
            std::mem::forget((plans, figures));
            out
        }
        Command::Poi(PoiCommand::Load { input, all, author, reason }) => {
            let invalid = |list| issues(list, lang);
            let plans = if *all {
                avance_import::poi::read_all(input).map_err(invalid)?
            } else {
                vec![avance_import::poi::read_path(input).map_err(invalid)?]
            };
            let location = db::location(cli.db.as_deref());
            print(&db::block_on(db::load_poi(&location, &plans, author.as_deref(), reason, lang))??)
        }
        Command::Poi(PoiCommand::Schema) => print(avance_import::poi::SCHEMA),
        Command::Poi(PoiCommand::ImportReport(ReportImport { report, out })) => {
            let imported = avance_import::poi_text::read(report).map_err(|list| issues(list, lang))?;
            let plan = &imported.plan;
            let (aei, activities, printed) = (plan.aei.len(), plan.activities.len(), imported.published.len());
            let about = match lang {
                Lang::Es => format!(
                    "POI {} de {}, {aei} AEI, {activities} actividades, {printed} cifras impresas",
                    plan.year, plan.entity_name
                ),
                Lang::En => format!(
                    "POI {} of {}, {aei} AEI, {activities} activities, {printed} figures printed",
                    plan.year, plan.entity_name
                ),
            };
            print_or_write(out.as_deref(), &json_text(&avance_import::poi::to_json(plan)), &about, lang)
        }
        Command::Poi(PoiCommand::Audit(ReportAudit { report, profile, format })) => {
            let imported = avance_import::poi_text::read(report).map_err(|list| issues(list, lang))?;
            let plan = &imported.plan;
            let (y, m, _) = imported.generated;
            let months = (imported.period.first, imported.period.last);
            let f = avance_app::poi::poi_figures(plan, months, Some((y, m)), profile.as_deref(), false)
                .map_err(|e| Failure::Invalid(vec![e.message(lang)]))?;
            let findings = avance_core::poi::audit(&f.result, &imported.published, &f.profile);
            let printed = imported.published.len();
            print(&match format {
                AuditFormat::Text => {
                    avance_report::poi::audit_text(plan, f.period, &f.profile, printed, &findings, lang)
                }
                AuditFormat::Json => {
                    json_text(&avance_report::poi::audit_json(plan, f.period, &f.profile, printed, &findings))
                }
            })?;
            if findings.is_empty() { Ok(()) } else { Err(Failure::Found) }
        }
        Command::Pei(PeiCommand::Schema) => print(avance_import::pei::SCHEMA),
        Command::Pei(PeiCommand::ImportReport(ReportImport { report, out })) => {
            let imported = avance_import::pei_text::read(report).map_err(|list| issues(list, lang))?;
            let plan = &imported.plan;
            let (first, last, name) = (plan.first_year, plan.last_year, &plan.entity_name);
            let (indicators, cut, printed) = (plan.indicators.len(), imported.cut, imported.published.len());
            let about = match lang {
                Lang::Es => format!(
                    "PEI {first}–{last} de {name}, {indicators} indicadores, seguimiento {cut}, {printed} avances impresos"
                ),
                Lang::En => format!(
                    "PEI {first}–{last} of {name}, {indicators} indicators, follow-up {cut}, {printed} avances printed"
                ),
            };
            print_or_write(out.as_deref(), &avance_import::pei::to_json(plan), &about, lang)
        }
        Command::Pei(PeiCommand::Audit(ReportAudit { report, profile, format })) => {
            let imported = avance_import::pei_text::read(report).map_err(|list| issues(list, lang))?;
            let result = avance_app::pei::pei_figures(&imported.plan, Some(imported.cut.get()), profile.as_deref())
                .map_err(|e| Failure::Invalid(vec![e.message(lang)]))?;
            let findings = avance_core::pei::audit(&result, &imported.published);
            let printed = imported.published.len();
            print(&match format {
                AuditFormat::Text => avance_report::pei::audit_text(&imported.plan, &result, printed, &findings, lang),
                AuditFormat::Json => {
                    json_text(&avance_report::pei::audit_json(&imported.plan, &result, printed, &findings))
                }
            })?;
            if findings.is_empty() { Ok(()) } else { Err(Failure::Found) }
        }
        Command::Pei(PeiCommand::Load { file, all, author, reason }) => {
            let plans = if *all {
                avance_import::pei::read_all(file).map_err(|list| issues(list, lang))?
            } else {
                vec![avance_import::pei::read_path(file).map_err(|list| issues(list, lang))?]
            };
            let location = db::location(cli.db.as_deref());
            print(&db::block_on(db::load_pei(&location, &plans, author.as_deref(), reason, lang))??)
        }
        Command::Pei(PeiCommand::Generate { entities, indicators, years, cut, seed, out }) => {
            let range = years_arg(years, "2024-2030", lang)?;
            let cut = Year::new(*cut).ok().filter(|c| range.contains(*c)).ok_or_else(|| {
                Failure::Invalid(vec![format!(
                    "--cut {cut}: {}",
                    lang.pick("el año debe estar en el periodo --years", "the year must be within --years")
                )])
            })?;
            if *indicators == 0 || *indicators > 5_000 {
                return Err(Failure::Invalid(vec![format!(
                    "--indicators {indicators}: {}",
                    lang.pick(
                        "se esperaba entre 1 y 5000 indicadores por PEI",
                        "expected between 1 and 5000 indicators per PEI"
                    )
                )]));
            }
            for n in 1..=*entities {
                let plan = avance_import::synthetic::pei(n, *indicators, range, cut, *seed);
                let dir = out.join(&plan.entity_code);
                std::fs::create_dir_all(&dir).map_err(|e| cannot_write(&dir, e, lang))?;
                let file = dir.join(avance_import::pei::FILE_NAME);
                std::fs::write(&file, avance_import::pei::to_json(&plan)).map_err(|e| cannot_write(&file, e, lang))?;
            }
            print(&match lang {
                Lang::Es => {
                    format!("Escritos {entities} PEI sintéticos de {indicators} indicadores en {}\n", out.display())
                }
                Lang::En => {
                    format!("Wrote {entities} synthetic PEIs of {indicators} indicators to {}\n", out.display())
                }
            })
        }
        Command::Pei(PeiCommand::List) => print(&db::block_on(db::pei_list(&db::location(cli.db.as_deref()), lang))??),
        Command::Pei(PeiCommand::History { entity, indicator, first_year }) => print(&db::block_on(db::pei_history(
            &db::location(cli.db.as_deref()),
            entity,
            indicator,
            *first_year,
            lang,
        ))??),
        Command::Pei(PeiCommand::Report { source, year, profile, out }) => {
            let plan = pei_plan(source, cli.db.as_deref(), lang)?;
            let result = avance_app::pei::pei_figures(&plan, *year, profile.as_deref())
                .map_err(|e| Failure::Invalid(vec![e.message(lang)]))?;
            let bytes = avance_pdf::render_pei(&plan, &result, lang)
                .map_err(|e| Failure::Invalid(vec![format!("{}: {e}", out.display())]))?;
            std::fs::write(out, bytes).map_err(|e| cannot_write(out, e, lang))?;
            print(&format!("{} {}\n", lang.pick("Escrito:", "Written:"), out.display()))
        }
        Command::Pei(PeiCommand::Publish { entity, first_year, year, author }) => print(&db::block_on(
            db::pei_publish(&db::location(cli.db.as_deref()), entity, *first_year, *year, author.as_deref(), lang),
        )??),
        Command::Pei(PeiCommand::Compute { source, published: true, year, format, .. }) => {
            let entity = source.entity.as_deref().unwrap_or_default();
            let location = db::location(cli.db.as_deref());
            let (plan, result) = db::block_on(db::pei_published(&location, entity, source.first_year, *year, lang))??;
            print(&match format {
                Format::Table => avance_report::pei::text(&plan, &result, lang),
                Format::Json => json_text(&avance_report::pei::json(&plan, &result)),
            })
        }
        Command::Pei(PeiCommand::Compute { source, year, profile, format, .. }) => {
            let plan = pei_plan(source, cli.db.as_deref(), lang)?;
            let result = avance_app::pei::pei_figures(&plan, *year, profile.as_deref())
                .map_err(|e| Failure::Invalid(vec![e.message(lang)]))?;
            print(&match format {
                Format::Table => avance_report::pei::text(&plan, &result, lang),
                Format::Json => json_text(&avance_report::pei::json(&plan, &result)),
            })
        }
        Command::Pei(PeiCommand::Template { out, pei, years }) => {
            let plan = match pei {
                Some(p) => Some(avance_import::pei::read_path(p).map_err(|list| issues(list, lang))?),
                None => None,
            };
            let period = match (&plan, years) {
                (Some(p), _) => (p.first_year.get(), p.last_year.get()),
                (None, years) => {
                    let years = years.as_deref().unwrap_or_default();
                    let range = years_arg(years, "2024-2030", lang)?;
                    (range.first.get(), range.last.get())
                }
            };
            let tables = avance_import::pei::template(plan.as_ref(), period);
            let written = if out.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) {
                avance_import::workbook::write_pei_xlsx(&tables, out)
            } else {
                avance_import::workbook::write_csv(&tables, out)
            };
            written.map_err(|list| issues(list, lang))?;
            print(&format!("{} {}\n", lang.pick("Escrito:", "Written:"), out.display()))
        }
        Command::Pei(PeiCommand::Import { path, out }) => {
            let plan = avance_import::pei::read_path(path).map_err(|list| issues(list, lang))?;
            let about = match lang {
                Lang::Es => format!(
                    "PEI {}–{} de {}, {} indicadores",
                    plan.first_year,
                    plan.last_year,
                    plan.entity_name,
                    plan.indicators.len()
                ),
                Lang::En => format!(
                    "PEI {}–{} of {}, {} indicators",
                    plan.first_year,
                    plan.last_year,
                    plan.entity_name,
                    plan.indicators.len()
                ),
            };
            print_or_write(out.as_deref(), &avance_import::pei::to_json(&plan), &about, lang)
        }
        Command::Poi(PoiCommand::Template { out, poi }) => {
            let plan = match poi {
                Some(p) => Some(avance_import::poi::read_path(p).map_err(|list| issues(list, lang))?),
                None => None,
            };
            avance_import::workbook::write_poi_xlsx(&avance_import::poi::template(plan.as_ref()), out)
                .map_err(|list| issues(list, lang))?;
            print(&format!("{} {}\n", lang.pick("Escrito:", "Written:"), out.display()))
        }
        Command::Poi(PoiCommand::List) => print(&db::block_on(db::poi_list(&db::location(cli.db.as_deref()), lang))??),
        Command::Poi(PoiCommand::History { entity, activity, plan_year }) => print(&db::block_on(db::poi_history(
            &db::location(cli.db.as_deref()),
            entity,
            activity,
            *plan_year,
            lang,
        ))??),
        Command::Dataset(DatasetCommand::Check { dataset }) => {
            let policy = load(dataset, lang)?;
            let m = policy.meta();
            print(&format!(
                "{}: {} ({}) — {}; {} {}–{}\n",
                lang.pick("Conjunto de datos válido", "Valid dataset"),
                m.name,
                m.code,
                structure(&policy),
                lang.pick("años", "years"),
                m.years.first,
                m.years.last
            ))
        }
        Command::Dataset(DatasetCommand::Fmt { dataset: path, out, check }) => {
            let policy = load(path, lang)?;
            let file = dataset::dataset_file(path);
            if *check {
                let current = std::fs::read_to_string(&file).unwrap_or_default();
                return if current == dataset::to_json(&policy) {
                    Ok(())
                } else {
                    Err(Failure::Differs(format!(
                        "{}: {}",
                        file.display(),
                        lang.pick(
                            "no está en forma canónica (avance dataset fmt lo corrige)",
                            "is not in canonical form (avance dataset fmt fixes it)"
                        )
                    )))
                };
            }
            let target = out.clone().unwrap_or(file);
            let written = dataset::write(&policy, &target).map_err(|e| cannot_write(&target, e, lang))?;
            print(&format!("{} {}\n", lang.pick("Escrito:", "Written:"), written.display()))
        }
        Command::Dataset(DatasetCommand::Schema) => print(dataset::SCHEMA),
    }
}

/// The failure of writing `path`.
pub(crate) fn cannot_write(path: &Path, e: impl std::fmt::Display, lang: Lang) -> Failure {
    Failure::Invalid(vec![format!("{}: {}: {e}", path.display(), lang.pick("no se puede escribir", "cannot write"))])
}

fn write_dataset(policy: &Policy, dir: &Path, lang: Lang) -> Result<(), Failure> {
    let written = dataset::write(policy, dir).map_err(|e| cannot_write(dir, e, lang))?;
    print(&format!("{} {}\n", lang.pick("Escrito:", "Written:"), written.display()))
}

fn template(out: &Path, policy: Option<&Path>, years: Option<&str>, lang: Lang) -> Result<(), Failure> {
    let policy = policy.map(|p| load(p, lang)).transpose()?;
    let range = match (&policy, years) {
        (Some(p), _) => p.meta().years,
        (None, Some(y)) => years_arg(y, "2025-2030", lang)?,
        (None, None) => unreachable!("clap requires --years without --policy"),
    };
    let tables = avance_import::workbook::template(policy.as_ref(), range);
    avance_import::workbook::write_xlsx(&tables, out).map_err(|i| issues(i, lang))?;
    print(&format!("{} {}\n", lang.pick("Escrito:", "Written:"), out.display()))
}

/// Prints `text`, or writes it to `out` and says so with what it holds (`about`).
fn print_or_write(out: Option<&Path>, text: &str, about: &str, lang: Lang) -> Result<(), Failure> {
    match out {
        None => print(text),
        Some(file) => {
            std::fs::write(file, text).map_err(|e| cannot_write(file, e, lang))?;
            print(&format!("{} {} ({about})\n", lang.pick("Escrito:", "Written:"), file.display()))
        }
    }
}

/// The PEI a command names: its file, or an entity's PEI in the database.
fn pei_plan(source: &PeiSource, db: Option<&str>, lang: Lang) -> Result<avance_core::pei::PeiPlan, Failure> {
    match (&source.file, &source.entity) {
        (Some(file), _) => avance_import::pei::read_path(file).map_err(|list| issues(list, lang)),
        (None, entity) => db::block_on(db::pei_plan(
            &db::location(db),
            entity.as_deref().unwrap_or_default(),
            source.first_year,
            lang,
        ))?,
    }
}

/// `--years A-B`, or a failure that shows `example` of the form.
fn years_arg(s: &str, example: &str, lang: Lang) -> Result<avance_core::model::YearRange, Failure> {
    parse_years(s).ok_or_else(|| {
        Failure::Invalid(vec![format!(
            "--years {s}: {}",
            match lang {
                Lang::Es => format!("se esperaba un rango de años como {example}"),
                Lang::En => format!("expected a range of years such as {example}"),
            }
        )])
    })
}

fn parse_years(s: &str) -> Option<avance_core::model::YearRange> {
    let (a, b) = s.split_once('-')?;
    let (first, last) = (a.trim().parse::<Year>().ok()?, b.trim().parse::<Year>().ok()?);
    (first <= last).then_some(avance_core::model::YearRange { first, last })
}

fn issues(list: Vec<avance_import::issue::Issue>, lang: Lang) -> Failure {
    Failure::Invalid(list.iter().map(|i| i.render(lang)).collect())
}

fn import_report(
    file: &Path,
    out: Option<&Path>,
    code: &Option<String>,
    profile: &str,
    strict: bool,
    lang: Lang,
) -> Result<(), Failure> {
    use avance_import::report_text::{self, Evidence};
    let options = report_text::Options { code: code.clone(), profile: profile.to_string() };
    let mut bar = progress::Bar::new(lang.pick("Leyendo el reporte", "Reading the report"), lang);
    let imported = report_text::read_with(file, &options, &mut |s| bar.step(s)).map_err(|i| issues(i, lang))?;
    drop(bar);
    // A report cut short reads without error: say what is missing, or refuse with --strict.
    let gaps = avance_core::audit::gaps(&imported.policy, &imported.published);
    let lines: Vec<String> =
        gaps.iter().map(|g| format!("{}: {}", file.display(), avance_report::audit::gap(g, lang))).collect();
    if strict && !lines.is_empty() {
        let mut out = lines;
        out.push(
            lang.pick(
                "No se escribió nada: el reporte parece incompleto (--strict).",
                "Nothing was written: the report looks incomplete (--strict).",
            )
            .to_string(),
        );
        return Err(Failure::Invalid(out));
    }
    for l in &lines {
        eprintln!("{}: {l}", lang.pick("aviso", "warning"));
    }
    let Some(dir) = out else {
        return print(&dataset::to_json(&imported.policy));
    };
    let source = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let write_failed = |e: std::io::Error| cannot_write(dir, e, lang);
    let written = dataset::write(&imported.policy, dir).map_err(write_failed)?;
    let published = dir.join(avance_import::published::FILE_NAME);
    std::fs::write(&published, avance_import::published::to_json(&imported.published, &imported.decisions, &source))
        .map_err(write_failed)?;
    let m = imported.policy.meta();
    let shape = structure(&imported.policy);
    let reproduced = imported.decisions.iter().filter(|d| matches!(d.evidence, Evidence::Reproduces { .. })).count();
    let usual = imported.decisions.len() - reproduced;
    let (p, w) = (published.display(), written.display());
    print(&if lang == Lang::Es {
        format!(
            "Importado {} ({}): {shape}.\nAños de los valores: {reproduced} filas reproducen su avance impreso con una sola disposición; {usual} siguen la disposición de las filas con igual número de valores (ver {p}).\nEscrito: {w}, {p}\n",
            m.name, m.code
        )
    } else {
        format!(
            "Imported {} ({}): {shape}.\nYears of the values: {reproduced} rows reproduce their printed avance with a single layout; {usual} follow the layout of the rows with as many values (see {p}).\nWritten: {w}, {p}\n",
            m.name, m.code
        )
    })
}

/// `4 OP, 22 LN, 43 SS, 5 IOP, 86 ISS`.
fn structure(policy: &Policy) -> String {
    let p = policy.parts();
    let iop = p.indicators.iter().filter(|i| i.code.kind() == avance_core::code::CodeKind::ObjectiveIndicator).count();
    format!(
        "{} OP, {} LN, {} SS, {iop} IOP, {} ISS",
        p.objectives.len(),
        p.lineamientos.len(),
        p.services.len(),
        p.indicators.len() - iop
    )
}

fn audit(input: &Path, format: AuditFormat, lang: Lang) -> Result<(), Failure> {
    let is_dataset = input.is_dir() || input.extension().is_some_and(|e| e == "json");
    let (policy, published) = if is_dataset {
        let policy = load(input, lang)?;
        let dir =
            if input.is_dir() { input.to_path_buf() } else { input.parent().unwrap_or(Path::new(".")).to_path_buf() };
        let file = dir.join(avance_import::published::FILE_NAME);
        if !file.exists() {
            return Err(Failure::Invalid(vec![format!(
                "{}: {}",
                file.display(),
                lang.pick(
                    "no existe: auditar un conjunto de datos requiere lo que el reporte publicó (avance import-report REPORTE --out DIRECTORIO lo escribe)",
                    "does not exist: auditing a dataset needs what the report published (avance import-report REPORT --out DIR writes it)"
                )
            )]));
        }
        let (published, _) = avance_import::published::read(&file).map_err(|i| issues(i, lang))?;
        (policy, published)
    } else {
        let mut bar = progress::Bar::new(lang.pick("Leyendo el reporte", "Reading the report"), lang);
        let options = avance_import::report_text::Options::default();
        let imported = avance_import::report_text::read_with(input, &options, &mut |s| bar.step(s))
            .map_err(|i| issues(i, lang))?;
        drop(bar);
        (imported.policy, imported.published)
    };
    let year = published.year.unwrap_or(policy.meta().years.last);
    let result = compute(&policy, year);
    let findings = avance_core::audit::audit(&policy, &result, &published);
    let out = match format {
        AuditFormat::Text => avance_report::audit::text(&findings, &policy, &result, lang),
        AuditFormat::Json => json_text(&avance_report::audit::json(&findings, &policy, &result, lang)),
    };
    print(&out)?;
    if findings.is_empty() { Ok(()) } else { Err(Failure::Found) }
}

/// Every policy of the portfolio (the folders of the dataset directory given, or the database)
/// summed up for `--year`, or for the latest year of any of them.
fn portfolio(
    source: &Source,
    location: &avance_store::Location,
    year: Option<u16>,
    method: Option<OutlookMethod>,
    lang: Lang,
) -> Result<avance_app::portfolio::PortfolioFigures, Failure> {
    let started = std::time::Instant::now();
    let year = year.map(|y| Year::new(y).map_err(|_| Failure::Invalid(vec![format!("--year {y}")]))).transpose()?;
    let method = method.map(OutlookMethod::method);
    let figures = match &source.dataset {
        // With a year, each policy is read, computed and let go on every core.
        Some(dir) => avance_app::portfolio::of_datasets(dir, year, method)
            .map_err(|issues| Failure::Invalid(issues.iter().map(|i| i.render(lang)).collect()))?,
        // Each policy is read, computed and let go on every core: a few in memory at a time.
        None => db::block_on(db::with_app(location, lang, async |app| app.portfolio(year, method).await))??,
    };
    let figures = figures.ok_or_else(|| {
        Failure::Invalid(vec![lang.pick("la base de datos no tiene políticas", "the database has no policies").into()])
    })?;
    tracing::info!(
        policies = figures.policies.len(),
        ms = started.elapsed().as_millis() as u64,
        "portfolio read and computed"
    );
    Ok(figures)
}

/// The year to compute: `--year` if it is one of the policy's years, else its last year.
fn year_of(policy: &Policy, year: Option<u16>, lang: Lang) -> Result<Year, Failure> {
    let years = policy.meta().years;
    let Some(y) = year else {
        return Ok(years.last);
    };
    match Year::new(y) {
        Ok(y) if years.contains(y) => Ok(y),
        _ => Err(Failure::Invalid(vec![if lang == Lang::Es {
            format!(
                "--year {y}: el año debe estar entre {} y {}, los años de la política {}",
                years.first,
                years.last,
                policy.meta().code
            )
        } else {
            format!(
                "--year {y}: the year must be between {} and {}, the years of policy {}",
                years.first,
                years.last,
                policy.meta().code
            )
        }])),
    }
}

pub(crate) fn json_text(v: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

fn print(s: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`avance ... | head`) is not an error worth reporting.
    let _ = out.write_all(s.as_bytes());
    Ok(())
}
