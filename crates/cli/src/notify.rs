//! E-mail from the command line: the options `serve` and `notify` share, and `avance notify`,
//! which writes the reminders and digests due and sends the outbox (once, for a cron job or a
//! systemd timer, or until stopped).

use avance_app::mail::{MailSettings, Mailer};
use avance_core::lang::Lang;
use avance_core::mail::ReminderPlan;
use avance_store::Location;

use crate::Failure;
use crate::db::{app_failure, open};

/// How e-mail is sent and worded.
#[derive(Debug, Clone, clap::Args)]
pub struct MailArgs {
    /// Servidor SMTP: smtp://servidor:587?tls=required (STARTTLS), smtps://servidor:465 (TLS) o
    /// smtp://servidor:25 (sin cifrar, solo en la red local). El usuario va en la dirección
    /// (smtp://usuario@servidor:587?tls=required); la contraseña, solo en la variable de entorno
    /// AVANCE_SMTP_PASSWORD.
    #[arg(long, env = "AVANCE_SMTP", value_name = "URL")]
    pub smtp: Option<String>,
    /// Remitente de los correos, por ejemplo "Avance <avance@entidad.gob.pe>".
    #[arg(long, env = "AVANCE_MAIL_FROM", value_name = "DIRECCIÓN")]
    pub mail_from: Option<String>,
    /// Dirección pública de la aplicación (https://…): los enlaces de los correos empiezan con ella.
    #[arg(long, env = "AVANCE_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
    /// Días antes del plazo en que se recuerda a cada unidad con valores pendientes (cada uno una vez).
    #[arg(long, value_delimiter = ',', default_value = "7,3,1", value_name = "DÍAS",
          value_parser = clap::value_parser!(i64).range(0..=365))]
    pub remind_days: Vec<i64>,
    /// Vencido el plazo, se recuerda el día siguiente y luego cada tantos días…
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(i64).range(1..=365))]
    pub late_every: i64,
    /// …hasta tantos días después del plazo.
    #[arg(long, default_value_t = 28, value_parser = clap::value_parser!(i64).range(0..=3650))]
    pub late_until: i64,
    /// Hora de Lima desde la que cada oficina de planeamiento recibe el resumen del día anterior.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u8).range(0..=23))]
    pub digest_hour: u8,
}

impl MailArgs {
    /// The settings, with links under `--public-url` (else `fallback`, when there is one).
    pub fn settings(&self, fallback: Option<String>, lang: Lang) -> Result<MailSettings, Failure> {
        let url = match self.public_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            Some(u) => u.to_string(),
            None => fallback.ok_or_else(|| {
                Failure::Invalid(vec![
                    lang.pick(
                        "falta --public-url (o AVANCE_PUBLIC_URL): la dirección donde los usuarios abren avance, con la que empiezan los enlaces de los correos (por ejemplo https://avance.entidad.gob.pe)",
                        "--public-url (or AVANCE_PUBLIC_URL) is missing: the address where users open avance, which the links of messages start with (for example https://avance.entity.gob.pe)",
                    )
                    .to_string(),
                ])
            })?,
        };
        let ok = (url.starts_with("https://") || url.starts_with("http://"))
            && url.len() > "http://".len() + 1
            && !url.chars().any(|c| c.is_whitespace() || c == '?' || c == '#');
        if !ok {
            return Err(Failure::Invalid(vec![format!(
                "--public-url: «{url}» {}",
                lang.pick(
                    "no es una dirección http:// o https:// sin espacios, ? ni # (por ejemplo https://avance.entidad.gob.pe)",
                    "is not an http:// or https:// address without spaces, ? or # (for example https://avance.entity.gob.pe)"
                )
            )]));
        }
        Ok(MailSettings {
            public_url: url.trim_end_matches('/').to_string(),
            plan: ReminderPlan {
                before: self.remind_days.clone(),
                late_every: self.late_every,
                late_until: self.late_until,
            },
            digest_hour: self.digest_hour,
            ..MailSettings::default()
        })
    }

    /// The SMTP server, when `--smtp` is given (`--mail-from` is then required).
    pub fn mailer(&self, lang: Lang) -> Result<Option<Mailer>, Failure> {
        let Some(url) = self.smtp.as_deref().map(str::trim).filter(|u| !u.is_empty()) else { return Ok(None) };
        let Some(from) = self.mail_from.as_deref().map(str::trim).filter(|f| !f.is_empty()) else {
            return Err(Failure::Invalid(vec![
                lang.pick(
                    "con --smtp, falta --mail-from (o AVANCE_MAIL_FROM): el remitente de los correos, por ejemplo \"Avance <avance@entidad.gob.pe>\"",
                    "with --smtp, --mail-from (or AVANCE_MAIL_FROM) is missing: the sender of the messages, for example \"Avance <avance@entity.gob.pe>\"",
                )
                .to_string(),
            ]));
        };
        let password = std::env::var("AVANCE_SMTP_PASSWORD").ok();
        Mailer::smtp(url, password.as_deref(), from).map(Some).map_err(|e| Failure::Invalid(vec![e.message(lang)]))
    }
}

/// `avance notify`: one round (`once`), or rounds until Ctrl-C or SIGTERM.
pub fn notify(location: &Location, args: &MailArgs, once: bool, lang: Lang) -> Result<String, Failure> {
    let settings = args.settings(None, lang)?;
    let Some(mailer) = args.mailer(lang)? else {
        return Err(Failure::Invalid(vec![
            lang.pick(
                "falta --smtp (o AVANCE_SMTP): el servidor por el que se envían los correos",
                "--smtp (or AVANCE_SMTP) is missing: the server the messages are sent through",
            )
            .to_string(),
        ]));
    };
    crate::db::block_on(async {
        let store = open(location, lang).await?;
        let app =
            avance_app::App::new(store, avance_app::Settings { mail: settings, ..avance_app::Settings::default() });
        if !once {
            let (stop, stopped) = tokio::sync::watch::channel(false);
            tokio::spawn(async move {
                wait_for_signal().await;
                let _ = stop.send(true);
            });
            tracing::info!(to = %mailer.describe(Lang::En), "mail worker started");
            app.mail_worker(mailer, stopped).await;
            app.close().await;
            return Ok(String::new());
        }
        let report = app.notify_once(&mailer).await;
        app.close().await;
        let r = report.map_err(|e| app_failure(location, e, lang))?;
        let line = match lang {
            Lang::Es => format!(
                "Correo: {} recordatorios y resúmenes escritos; {} enviados, {} por reintentar, {} fallidos.\n",
                r.written, r.sent, r.retried, r.failed
            ),
            Lang::En => format!(
                "Mail: {} reminders and digests written; {} sent, {} to retry, {} failed.\n",
                r.written, r.sent, r.retried, r.failed
            ),
        };
        if r.failed > 0 {
            return Err(Failure::Invalid(vec![
                line.trim_end().to_string(),
                lang.pick(
                    "Los fallidos están en la bandeja de salida (Administración › Correo), con el motivo; desde ahí se reenvían.",
                    "The failed ones are in the outbox (Administration › Mail), with the reason; they can be sent again from there.",
                )
                .to_string(),
            ]));
        }
        Ok(line)
    })?
}

/// Ctrl-C, or SIGTERM where there is one.
pub async fn wait_for_signal() {
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
