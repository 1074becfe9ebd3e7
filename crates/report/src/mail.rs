//! The wording of avance's e-mails, in Spanish or English: each message as a subject, a plain
//! text body and an HTML body that say the same thing, with links to the page concerned.

use avance_core::access::{Standing, Status};
use avance_core::lang::Lang;

use crate::labels::{days_left, lima_day, lima_time};

/// A message ready for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// An indicator a unit still owes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owed<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub standing: Standing,
}

/// A reminder to a unit (before its deadline or once late).
#[derive(Debug, Clone)]
pub struct Reminder<'a> {
    pub recipient: &'a str,
    pub unit: &'a str,
    pub policy_code: &'a str,
    pub policy_name: &'a str,
    pub year: i64,
    /// The unit's deadline, as stored (RFC 3339, UTC).
    pub deadline: &'a str,
    /// Days from today to the deadline's day in Lima (negative: late).
    pub days: i64,
    pub owed: Vec<Owed<'a>>,
    /// The application's public address, without a trailing slash.
    pub base_url: &'a str,
}

/// A notice to a unit that a value was returned or approved.
#[derive(Debug, Clone)]
pub struct Reviewed<'a> {
    pub recipient: &'a str,
    pub policy_code: &'a str,
    pub policy_name: &'a str,
    pub indicator: &'a str,
    pub indicator_name: &'a str,
    pub year: i64,
    pub value: &'a str,
    pub submitted_by: &'a str,
    pub submitted_at: &'a str,
    pub reviewer: &'a str,
    /// `Approved` or `Returned`.
    pub status: Status,
    pub reason: Option<&'a str>,
    pub base_url: &'a str,
}

/// One submission in a planning office's digest.
#[derive(Debug, Clone)]
pub struct DigestItem<'a> {
    pub policy_code: &'a str,
    pub indicator: &'a str,
    pub year: i64,
    pub value: &'a str,
    pub submitted_by: &'a str,
    pub submitted_at: &'a str,
    /// Where it stands now.
    pub status: Status,
}

/// A planning office's daily digest of new submissions.
#[derive(Debug, Clone)]
pub struct Digest<'a> {
    pub recipient: &'a str,
    /// The Lima day the submissions were sent, `AAAA-MM-DD`.
    pub day: &'a str,
    pub items: Vec<DigestItem<'a>>,
    pub base_url: &'a str,
}

/// A password-reset link.
#[derive(Debug, Clone)]
pub struct Reset<'a> {
    pub recipient: &'a str,
    pub username: &'a str,
    pub link: &'a str,
    /// When the link expires, as stored.
    pub expires_at: &'a str,
    pub base_url: &'a str,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// A message built once for both bodies.
struct Doc {
    lang: Lang,
    text: String,
    html: String,
}

impl Doc {
    fn new(lang: Lang, recipient: &str) -> Doc {
        let mut d = Doc { lang, text: String::new(), html: String::new() };
        d.para(&format!("{recipient}:"));
        d
    }

    fn para(&mut self, s: &str) {
        self.text.push_str(s);
        self.text.push_str("\n\n");
        self.html.push_str(&format!("<p>{}</p>\n", esc(s)));
    }

    fn list(&mut self, items: &[String]) {
        for i in items {
            self.text.push_str(&format!("  - {i}\n"));
        }
        self.text.push('\n');
        self.html.push_str("<ul>\n");
        for i in items {
            self.html.push_str(&format!("<li>{}</li>\n", esc(i)));
        }
        self.html.push_str("</ul>\n");
    }

    fn link(&mut self, lead: &str, url: &str) {
        self.text.push_str(&format!("{lead}\n{url}\n\n"));
        self.html.push_str(&format!("<p>{} <a href=\"{}\">{}</a></p>\n", esc(lead), esc(url), esc(url)));
    }

    fn finish(mut self, subject: String, base_url: &str, extra: Option<&str>) -> Rendered {
        let l = self.lang;
        let footer = l.pick(
            "Este mensaje lo envió avance, el sistema de seguimiento de políticas nacionales; no lo responda.",
            "This message was sent by avance, the follow-up system of national policies; do not reply to it.",
        );
        let footer = match extra {
            Some(e) => format!("{footer} {e}"),
            None => footer.to_string(),
        };
        self.text.push_str(&format!("--\n{footer}\n{base_url}/\n"));
        let html = format!(
            "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\n\
             <body style=\"font-family: sans-serif; color: #1b1b1b; max-width: 40em\">\n{}<hr>\n<p style=\"color: #5f6368; font-size: 90%\">{} <a href=\"{}/\">{}/</a></p>\n</body></html>\n",
            if l == Lang::Es { "es-PE" } else { "en" },
            esc(&subject),
            self.html,
            esc(&footer),
            esc(base_url),
            esc(base_url)
        );
        Rendered { subject, text: self.text, html }
    }
}

fn standing_word(s: Standing, l: Lang) -> &'static str {
    match s {
        Standing::Returned => l.pick("devuelto, por corregir", "returned, to correct"),
        _ => l.pick("por reportar", "to report"),
    }
}

fn values(n: usize, l: Lang) -> String {
    match (n, l) {
        (1, Lang::Es) => "1 valor".to_string(),
        (n, Lang::Es) => format!("{n} valores"),
        (1, Lang::En) => "1 value".to_string(),
        (n, Lang::En) => format!("{n} values"),
    }
}

/// A reminder of the deadline to a unit that still owes values.
pub fn reminder(r: &Reminder<'_>, l: Lang) -> Rendered {
    let n = values(r.owed.len(), l);
    let late = r.days < 0;
    let subject = match (late, l) {
        (false, Lang::Es) => {
            format!("avance: {} para reportar {n} de {} {}", days_left(Some(r.days), l), r.policy_code, r.year)
        }
        (false, Lang::En) => {
            format!("avance: {} to report {n} of {} {}", days_left(Some(r.days), l), r.policy_code, r.year)
        }
        (true, Lang::Es) => format!("avance: plazo vencido, {n} de {} {} por reportar", r.policy_code, r.year),
        (true, Lang::En) => format!("avance: deadline passed, {n} of {} {} to report", r.policy_code, r.year),
    };
    let mut d = Doc::new(l, r.recipient);
    d.para(&match l {
        Lang::Es => format!(
            "La unidad {} debe reportar {n} del año {} en el seguimiento de «{}» ({}).",
            r.unit, r.year, r.policy_name, r.policy_code
        ),
        Lang::En => {
            format!(
                "The unit {} must report {n} of the year {} in the follow-up of «{}» ({}).",
                r.unit, r.year, r.policy_name, r.policy_code
            )
        }
    });
    let when = lima_time(r.deadline, l);
    d.para(&match (late, l) {
        (false, Lang::Es) => format!("El plazo vence el {when}: {}.", days_left(Some(r.days), l)),
        (false, Lang::En) => format!("The deadline is {when}: {}.", days_left(Some(r.days), l)),
        (true, Lang::Es) => format!("El plazo venció el {when}: {}.", days_left(Some(r.days), l)),
        (true, Lang::En) => format!("The deadline was {when}: {}.", days_left(Some(r.days), l)),
    });
    let items: Vec<String> =
        r.owed.iter().map(|o| format!("{} {} ({})", o.code, o.name, standing_word(o.standing, l))).collect();
    d.list(&items);
    d.link(
        l.pick("Repórtelos en «Mis indicadores»:", "Report them in «My indicators»:"),
        &format!("{}/mis-indicadores", r.base_url),
    );
    d.finish(subject, r.base_url, None)
}

/// A notice to a unit that the planning office returned or approved a value.
pub fn reviewed(r: &Reviewed<'_>, l: Lang) -> Rendered {
    let returned = r.status == Status::Returned;
    let subject = match (returned, l) {
        (true, Lang::Es) => format!("avance: valor devuelto, {} {} ({})", r.indicator, r.year, r.policy_code),
        (true, Lang::En) => format!("avance: value returned, {} {} ({})", r.indicator, r.year, r.policy_code),
        (false, Lang::Es) => format!("avance: valor aprobado, {} {} ({})", r.indicator, r.year, r.policy_code),
        (false, Lang::En) => format!("avance: value approved, {} {} ({})", r.indicator, r.year, r.policy_code),
    };
    let mut d = Doc::new(l, r.recipient);
    let sent = lima_time(r.submitted_at, l);
    d.para(&match (returned, l) {
        (true, Lang::Es) => format!(
            "La oficina de planeamiento ({}) devolvió el valor {} de {} del indicador {} «{}», de «{}» ({}), que envió {} el {sent}.",
            r.reviewer, r.value, r.year, r.indicator, r.indicator_name, r.policy_name, r.policy_code, r.submitted_by
        ),
        (true, Lang::En) => format!(
            "The planning office ({}) returned the {} value {} of the indicator {} «{}», of «{}» ({}), sent by {} on {sent}.",
            r.reviewer, r.year, r.value, r.indicator, r.indicator_name, r.policy_name, r.policy_code, r.submitted_by
        ),
        (false, Lang::Es) => format!(
            "La oficina de planeamiento ({}) aprobó el valor {} de {} del indicador {} «{}», de «{}» ({}), que envió {} el {sent}. Es ahora el valor obtenido del indicador.",
            r.reviewer, r.value, r.year, r.indicator, r.indicator_name, r.policy_name, r.policy_code, r.submitted_by
        ),
        (false, Lang::En) => format!(
            "The planning office ({}) approved the {} value {} of the indicator {} «{}», of «{}» ({}), sent by {} on {sent}. It is now the indicator's actual.",
            r.reviewer, r.year, r.value, r.indicator, r.indicator_name, r.policy_name, r.policy_code, r.submitted_by
        ),
    });
    if returned {
        d.para(&format!("{} {}", l.pick("Motivo:", "Reason:"), r.reason.unwrap_or("")));
        d.link(
            l.pick(
                "Corríjalo y envíelo de nuevo en «Mis indicadores»:",
                "Correct it and send it again in «My indicators»:",
            ),
            &format!("{}/mis-indicadores", r.base_url),
        );
    } else {
        d.link(
            l.pick("Vea el indicador:", "See the indicator:"),
            &format!("{}/politicas/{}/indicadores/{}", r.base_url, r.policy_code, r.indicator),
        );
    }
    d.finish(subject, r.base_url, None)
}

/// A planning office's digest of the day's new submissions.
pub fn digest(g: &Digest<'_>, l: Lang) -> Rendered {
    let n = g.items.len();
    let subject = match (n, l) {
        (1, Lang::Es) => format!("avance: 1 envío nuevo el {}", g.day),
        (n, Lang::Es) => format!("avance: {n} envíos nuevos el {}", g.day),
        (1, Lang::En) => format!("avance: 1 new submission on {}", g.day),
        (n, Lang::En) => format!("avance: {n} new submissions on {}", g.day),
    };
    let mut d = Doc::new(l, g.recipient);
    d.para(&match l {
        Lang::Es => format!("Las unidades enviaron estos valores el {} (hora de Lima):", g.day),
        Lang::En => format!("The units sent these values on {} (Lima time):", g.day),
    });
    let items: Vec<String> = g
        .items
        .iter()
        .map(|i| {
            let at = lima_time(i.submitted_at, l);
            match l {
                Lang::Es => format!(
                    "{} {} {}: {}, de {} el {at} ({})",
                    i.policy_code,
                    i.indicator,
                    i.year,
                    i.value,
                    i.submitted_by,
                    i.status.label(l).to_lowercase()
                ),
                Lang::En => format!(
                    "{} {} {}: {}, by {} on {at} ({})",
                    i.policy_code,
                    i.indicator,
                    i.year,
                    i.value,
                    i.submitted_by,
                    i.status.label(l).to_lowercase()
                ),
            }
        })
        .collect();
    d.list(&items);
    d.link(l.pick("Revíselos en «Revisión»:", "Review them in «Review»:"), &format!("{}/revision", g.base_url));
    let opt_out = format!(
        "{} {}/cuenta",
        l.pick("Puede dejar de recibir este resumen en", "You may stop receiving this digest at"),
        g.base_url
    );
    d.finish(subject, g.base_url, Some(&opt_out))
}

/// A password-reset link.
pub fn reset(r: &Reset<'_>, l: Lang) -> Rendered {
    let subject = l.pick("avance: restablecer su contraseña", "avance: reset your password").to_string();
    let mut d = Doc::new(l, r.recipient);
    let until = lima_time(r.expires_at, l);
    d.para(&match l {
        Lang::Es => format!("Se pidió restablecer la contraseña de la cuenta {} de avance.", r.username),
        Lang::En => format!("Someone asked to reset the password of the avance account {}.", r.username),
    });
    d.link(
        &match l {
            Lang::Es => format!("Para elegir una nueva, abra este enlace; sirve una sola vez, hasta el {until}:"),
            Lang::En => format!("To choose a new one, open this link; it works once, until {until}:"),
        },
        r.link,
    );
    d.para(l.pick(
        "Si usted no lo pidió, ignore este mensaje: su contraseña no cambia.",
        "If you did not ask for it, ignore this message: your password does not change.",
    ));
    d.finish(subject, r.base_url, None)
}

/// The Lima day of an instant as stored, for a digest's heading.
pub fn day_of(at: &str) -> String {
    lima_day(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reminder_in_both_languages() {
        let r = Reminder {
            recipient: "Ana <Pérez>",
            unit: "DGDE",
            policy_code: "PNDI",
            policy_name: "Política Nacional de Desarrollo e Inclusión Social",
            year: 2024,
            deadline: "2025-03-01T04:59:59Z",
            days: 3,
            owed: vec![
                Owed { code: "IOP.01.01", name: "Tasa de pobreza", standing: Standing::Due },
                Owed { code: "IOP.01.02", name: "Brecha", standing: Standing::Returned },
            ],
            base_url: "https://avance.example.gob.pe",
        };
        let es = reminder(&r, Lang::Es);
        assert_eq!(es.subject, "avance: 3 días restantes para reportar 2 valores de PNDI 2024");
        assert!(
            es.text.starts_with("Ana <Pérez>:\n\nLa unidad DGDE debe reportar 2 valores del año 2024"),
            "{}",
            es.text
        );
        assert!(
            es.text.contains("El plazo vence el 2025-02-28 23:59:59 (hora de Lima): 3 días restantes."),
            "{}",
            es.text
        );
        assert!(es.text.contains("  - IOP.01.02 Brecha (devuelto, por corregir)\n"), "{}", es.text);
        assert!(es.text.contains("https://avance.example.gob.pe/mis-indicadores\n"), "{}", es.text);
        assert!(es.html.contains("<p>Ana &lt;Pérez&gt;:</p>"), "{}", es.html);
        assert!(es.html.contains("<a href=\"https://avance.example.gob.pe/mis-indicadores\">"), "{}", es.html);
        assert!(es.html.contains("<html lang=\"es-PE\">"));
        let en = reminder(&Reminder { days: -2, ..r }, Lang::En);
        assert_eq!(en.subject, "avance: deadline passed, 2 values of PNDI 2024 to report");
        assert!(en.text.contains("The deadline was 2025-02-28 23:59:59 (Lima time): 2 days late."), "{}", en.text);
    }

    #[test]
    fn returned_value_names_the_reason() {
        let r = Reviewed {
            recipient: "Unidad DGDE",
            policy_code: "PNDI",
            policy_name: "PN",
            indicator: "IOP.01.01",
            indicator_name: "Tasa",
            year: 2024,
            value: "12.5",
            submitted_by: "dgde",
            submitted_at: "2025-01-10T15:00:00Z",
            reviewer: "planeamiento",
            status: Status::Returned,
            reason: Some("falta la fuente"),
            base_url: "http://127.0.0.1:8080",
        };
        let m = reviewed(&r, Lang::Es);
        assert_eq!(m.subject, "avance: valor devuelto, IOP.01.01 2024 (PNDI)");
        assert!(m.text.contains("Motivo: falta la fuente\n"), "{}", m.text);
        let ok = reviewed(&Reviewed { status: Status::Approved, reason: None, ..r }, Lang::En);
        assert_eq!(ok.subject, "avance: value approved, IOP.01.01 2024 (PNDI)");
        assert!(ok.text.contains("http://127.0.0.1:8080/politicas/PNDI/indicadores/IOP.01.01\n"), "{}", ok.text);
    }
}
