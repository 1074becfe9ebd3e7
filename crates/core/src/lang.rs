//! The languages of user-facing text. Spanish (es-PE) is the default.

use std::str::FromStr;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    Es,
    En,
}

impl Lang {
    pub fn id(self) -> &'static str {
        match self {
            Lang::Es => "es",
            Lang::En => "en",
        }
    }

    /// Picks the text of this language.
    pub fn pick<'a>(self, es: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Es => es,
            Lang::En => en,
        }
    }

    /// Joins items as a list: `a, b y c` / `a, b and c`.
    pub fn list(self, items: &[String]) -> String {
        join(items, self.pick("y", "and"))
    }

    /// Joins alternatives: `a, b o c` / `a, b or c`.
    pub fn either(self, items: &[String]) -> String {
        join(items, self.pick("o", "or"))
    }
}

fn join(items: &[String], conjunction: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {conjunction} {last}", init.join(", ")),
    }
}

impl FromStr for Lang {
    type Err = ();
    fn from_str(s: &str) -> Result<Lang, ()> {
        match s.to_ascii_lowercase().as_str() {
            "es" | "es-pe" | "spa" => Ok(Lang::Es),
            "en" | "eng" => Ok(Lang::En),
            _ => Err(()),
        }
    }
}
