//! Values as the planning offices write them: `20%`, `100.00%`, `10,256`, `0.10%`, `44328`, `ND`.
//!
//! A [`Cell`] keeps the exact decimal together with the text it came from and the indicator's unit,
//! so that reports print what was entered while every figure is computed at full precision.

use std::fmt;
use std::str::FromStr;

use compact_str::CompactString;
use rust_decimal::Decimal;

use crate::lang::Lang;

/// Unit of measure of an indicator. Percent-like units accept a trailing `%`; the others do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unit {
    Cantidad,
    Numero,
    Porcentaje,
    Ratio,
    Tasa,
    Indice,
    TasaVariacion,
}

impl Unit {
    pub const ALL: [Unit; 7] =
        [Unit::Cantidad, Unit::Numero, Unit::Porcentaje, Unit::Ratio, Unit::Tasa, Unit::Indice, Unit::TasaVariacion];

    /// The identifier used in datasets and JSON: `cantidad`, `numero`, `porcentaje`, `ratio`,
    /// `tasa`, `indice`, `tasa_variacion`.
    pub fn id(self) -> &'static str {
        match self {
            Unit::Cantidad => "cantidad",
            Unit::Numero => "numero",
            Unit::Porcentaje => "porcentaje",
            Unit::Ratio => "ratio",
            Unit::Tasa => "tasa",
            Unit::Indice => "indice",
            Unit::TasaVariacion => "tasa_variacion",
        }
    }

    /// Whether a value may carry a `%` sign.
    pub fn allows_percent_sign(self) -> bool {
        matches!(self, Unit::Porcentaje | Unit::Tasa | Unit::TasaVariacion)
    }

    /// Whether a value above 100 is impossible: a share of a whole.
    pub fn is_share(self) -> bool {
        self == Unit::Porcentaje
    }

    /// Whether values of this unit may be negative when the indicator does not say: only a rate
    /// of change (`tasa_variacion`) may; a quantity, a number, a percentage, a ratio, a rate or an
    /// index may not unless its indicator's metadata allows it (`negative_values`).
    pub fn negative_by_default(self) -> bool {
        self == Unit::TasaVariacion
    }
}

impl FromStr for Unit {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Unit::ALL.into_iter().find(|u| u.id() == s).ok_or(())
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A number as reported: the exact decimal, the text it was written as, and its unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    exact: Decimal,
    text: CompactString,
    unit: Unit,
}

impl Value {
    /// The exact decimal (for `20%`, 20).
    pub fn exact(&self) -> Decimal {
        self.exact
    }
    /// The text as entered, printed unchanged in reports.
    pub fn text(&self) -> &str {
        &self.text
    }
    pub fn unit(&self) -> Unit {
        self.unit
    }
}

/// One target, actual or baseline: a number, or ND ("no disponible") with the text that said so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Value(Value),
    Nd { text: CompactString },
}

/// Why a text is not a value of the indicator's unit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("empty value")]
    Empty,
    #[error("{text:?} is not a number")]
    NotANumber { text: String },
    #[error("{text:?} has a % sign but the unit is {unit}")]
    PercentNotAllowed { text: String, unit: Unit },
    #[error("{text:?} uses ',' but not as a thousands separator (groups of three digits)")]
    BadGrouping { text: String },
    /// `+5`: a sign is only written for negative values.
    #[error("{text:?} has an explicit + sign")]
    ExplicitPlus { text: String },
    /// `-0`, `-0.00`: zero has no sign.
    #[error("{text:?} is a negative zero")]
    NegativeZero { text: String },
    /// A negative value for an indicator whose values cannot be negative.
    #[error("{text:?} is negative and the indicator does not admit negative values")]
    Negative { text: String },
    /// More than [`MAX_INTEGER_DIGITS`] digits before the point or [`MAX_DECIMALS`] after it
    /// (trailing zeros aside): the figures' arithmetic is proven free of overflow within them.
    #[error("{text:?} is out of range: at most 15 integer digits and 8 decimals")]
    OutOfRange { text: String },
}

/// Digits a value may have before the decimal point: up to 999,999,999,999,999.
pub const MAX_INTEGER_DIGITS: u32 = 15;
/// Decimals a value may have (trailing zeros do not count: `100.000000000%` is 100).
pub const MAX_DECIMALS: u32 = 8;

impl Unit {
    /// The unit's name for people.
    pub fn label(self, lang: Lang) -> &'static str {
        use Lang::*;
        match (self, lang) {
            (Unit::Cantidad, Es) => "cantidad",
            (Unit::Cantidad, En) => "quantity",
            (Unit::Numero, Es) => "número",
            (Unit::Numero, En) => "number",
            (Unit::Porcentaje, Es) => "porcentaje",
            (Unit::Porcentaje, En) => "percentage",
            (Unit::Ratio, _) => "ratio",
            (Unit::Tasa, Es) => "tasa",
            (Unit::Tasa, En) => "rate",
            (Unit::Indice, Es) => "índice",
            (Unit::Indice, En) => "index",
            (Unit::TasaVariacion, Es) => "tasa de variación",
            (Unit::TasaVariacion, En) => "rate of change",
        }
    }
}

impl ValueError {
    /// The message for the person who typed the value, naming what was expected.
    pub fn message(&self, unit: Unit, lang: Lang) -> String {
        let example = if unit.allows_percent_sign() { "20%, 12.5% o ND" } else { "10,256, 44328, 0.5 o ND" };
        let example_en = if unit.allows_percent_sign() { "20%, 12.5% or ND" } else { "10,256, 44328, 0.5 or ND" };
        let what = match (unit, lang) {
            (Unit::Porcentaje, Lang::Es) => "un porcentaje válido".to_string(),
            (Unit::Porcentaje, Lang::En) => "a valid percentage".to_string(),
            (_, Lang::Es) => format!("un valor válido de {}", unit.label(lang)),
            (_, Lang::En) => format!("a valid {} value", unit.label(lang)),
        };
        match (self, lang) {
            (ValueError::Empty, Lang::Es) => format!("falta el valor: se esperaba {example}"),
            (ValueError::Empty, Lang::En) => format!("the value is empty: expected {example_en}"),
            (ValueError::NotANumber { text }, Lang::Es) => {
                format!("\"{text}\" no es {what} (se esperaba, por ejemplo, {example})")
            }
            (ValueError::NotANumber { text }, Lang::En) => {
                format!("\"{text}\" is not {what} (expected, for example, {example_en})")
            }
            (ValueError::BadGrouping { text }, Lang::Es) => format!(
                "\"{text}\" no es {what}: la coma separa miles en grupos de tres cifras y el punto separa decimales"
            ),
            (ValueError::BadGrouping { text }, Lang::En) => format!(
                "\"{text}\" is not {what}: a comma separates thousands in groups of three digits and a point separates decimals"
            ),
            (ValueError::PercentNotAllowed { text, .. }, Lang::Es) => format!(
                "\"{text}\" lleva % pero la unidad del indicador es {}: escriba el valor sin %",
                unit.label(lang)
            ),
            (ValueError::PercentNotAllowed { text, .. }, Lang::En) => format!(
                "\"{text}\" has a % sign but the indicator's unit is {}: write the value without %",
                unit.label(lang)
            ),
            (ValueError::ExplicitPlus { text }, Lang::Es) => {
                format!("\"{text}\" lleva el signo +: escriba el valor sin signo (solo los negativos llevan -)")
            }
            (ValueError::ExplicitPlus { text }, Lang::En) => {
                format!("\"{text}\" has a + sign: write the value without a sign (only negative values carry -)")
            }
            (ValueError::NegativeZero { text }, Lang::Es) => format!("\"{text}\" es un cero con signo: escriba 0"),
            (ValueError::NegativeZero { text }, Lang::En) => format!("\"{text}\" is a zero with a sign: write 0"),
            (ValueError::Negative { text }, Lang::Es) => {
                format!("\"{text}\" es negativo y este indicador ({}) no admite valores negativos", unit.label(lang))
            }
            (ValueError::Negative { text }, Lang::En) => format!(
                "\"{text}\" is negative and this indicator ({}) does not admit negative values",
                unit.label(lang)
            ),
            (ValueError::OutOfRange { text }, Lang::Es) => format!(
                "\"{text}\" está fuera del rango admitido: hasta {MAX_INTEGER_DIGITS} cifras enteras y {MAX_DECIMALS} decimales"
            ),
            (ValueError::OutOfRange { text }, Lang::En) => format!(
                "\"{text}\" is out of the accepted range: at most {MAX_INTEGER_DIGITS} integer digits and {MAX_DECIMALS} decimals"
            ),
        }
    }
}

impl Cell {
    /// Parses a value as written in the reports. `ND` (any case) is "no disponible". A comma is a
    /// thousands separator, so it must separate groups of exactly three digits (`10,256`); a
    /// decimal comma (`12,5`) is rejected rather than read wrongly.
    pub fn parse(text: &str, unit: Unit) -> Result<Cell, ValueError> {
        match Cell::plain(text, unit) {
            Some(cell) => Ok(cell),
            None => Cell::parse_any(text, unit),
        }
    }

    /// The common forms, read in one pass: `ND`, or `-`, digits (grouped by commas in threes or
    /// not), optionally `.` and digits, and `%` where the unit takes it; no spaces, at most 18
    /// digits. The very cell [`Cell::parse_any`] gives (checked by `the_quick_reading_is_the_full_one`
    /// and `quick_and_full_readings_agree`); `None` sends anything else to it, which also words
    /// the errors. Reading a national portfolio's millions of stored values is mostly this.
    fn plain(text: &str, unit: Unit) -> Option<Cell> {
        let bytes = text.as_bytes();
        if bytes.eq_ignore_ascii_case(b"nd") {
            return Some(Cell::Nd { text: text.into() });
        }
        let body = match bytes.split_last()? {
            (b'%', rest) if unit.allows_percent_sign() => rest,
            (b'%', _) => return None,
            _ => bytes,
        };
        let (negative, digits) = match body.first()? {
            b'-' => (true, &body[1..]),
            _ => (false, body),
        };
        // `group`: the digits since the last comma, once there is one.
        let (mut mantissa, mut count, mut scale, mut whole) = (0i64, 0u32, 0u32, 0u32);
        let (mut point, mut group) = (false, None::<u32>);
        for &b in digits {
            match b {
                b'0'..=b'9' => {
                    count += 1;
                    if count > 18 {
                        return None;
                    }
                    mantissa = mantissa * 10 + i64::from(b - b'0');
                    if point {
                        scale += 1;
                    } else {
                        whole += 1;
                        group = group.map(|g| g + 1);
                    }
                }
                b',' if !point => match group {
                    None if (1..=3).contains(&whole) => group = Some(0),
                    Some(3) => group = Some(0),
                    _ => return None,
                },
                b'.' if !point && group.is_none_or(|g| g == 3) => point = true,
                _ => return None,
            }
        }
        if whole == 0 || (point && scale == 0) || (negative && mantissa == 0) || group.is_some_and(|g| g != 3) {
            return None;
        }
        // Trailing zeros of the decimals dropped as `Decimal::normalize` drops them, on the
        // integer; then within the range by the digits written (more integer digits, even
        // leading zeros, are left to the full reading).
        while scale > 0 && mantissa % 10 == 0 {
            mantissa /= 10;
            scale -= 1;
        }
        if whole > MAX_INTEGER_DIGITS || scale > MAX_DECIMALS {
            return None;
        }
        let exact = Decimal::new(if negative { -mantissa } else { mantissa }, scale);
        Some(Cell::Value(Value { exact, text: text.into(), unit }))
    }

    /// [`Cell::parse`] for any text: every form and every error.
    fn parse_any(text: &str, unit: Unit) -> Result<Cell, ValueError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(ValueError::Empty);
        }
        if trimmed.eq_ignore_ascii_case("nd") {
            return Ok(Cell::Nd { text: trimmed.into() });
        }
        let (body, percent) = match trimmed.strip_suffix('%') {
            Some(b) => (b.trim_end(), true),
            None => (trimmed, false),
        };
        let not_a_number = || ValueError::NotANumber { text: trimmed.to_string() };
        if let Some(rest) = body.strip_prefix('+') {
            return Err(if rest.starts_with(['+', '-']) {
                not_a_number()
            } else {
                ValueError::ExplicitPlus { text: trimmed.to_string() }
            });
        }
        let digits = strip_grouping(body).map_err(|e| match e {
            Grouping::Bad => ValueError::BadGrouping { text: trimmed.to_string() },
            Grouping::Invalid => not_a_number(),
        })?;
        let exact = Decimal::from_str_exact(&digits).map_err(|_| not_a_number())?;
        if percent && !unit.allows_percent_sign() {
            return Err(ValueError::PercentNotAllowed { text: trimmed.to_string(), unit });
        }
        if exact.is_zero() && digits.starts_with('-') {
            return Err(ValueError::NegativeZero { text: trimmed.to_string() });
        }
        let exact = exact.normalize();
        if exact.scale() > MAX_DECIMALS || exact.abs() >= Decimal::from(10u64.pow(MAX_INTEGER_DIGITS)) {
            return Err(ValueError::OutOfRange { text: trimmed.to_string() });
        }
        Ok(Cell::Value(Value { exact, text: trimmed.into(), unit }))
    }

    /// [`Cell::parse`], then the sign checked: a negative value only where `negative_allowed`
    /// (see [`crate::model::Indicator::admits_negative`]). Every input of values (datasets,
    /// templates, published reports, the web form and the API) reads values this way.
    pub fn parse_signed(text: &str, unit: Unit, negative_allowed: bool) -> Result<Cell, ValueError> {
        let cell = Cell::parse(text, unit)?;
        match &cell {
            Cell::Value(v) if v.exact.is_sign_negative() && !negative_allowed => {
                Err(ValueError::Negative { text: v.text.to_string() })
            }
            _ => Ok(cell),
        }
    }

    /// The exact number, `None` for ND.
    pub fn number(&self) -> Option<Decimal> {
        match self {
            Cell::Value(v) => Some(v.exact),
            Cell::Nd { .. } => None,
        }
    }

    /// The text as entered.
    pub fn text(&self) -> &str {
        match self {
            Cell::Value(v) => &v.text,
            Cell::Nd { text } => text,
        }
    }
}

enum Grouping {
    Bad,
    Invalid,
}

/// Removes thousands separators after checking they group digits by three; only a plain
/// `-?digits(.digits)?` is accepted.
fn strip_grouping(body: &str) -> Result<std::borrow::Cow<'_, str>, Grouping> {
    let unsigned = body.strip_prefix('-').unwrap_or(body);
    let (int, frac) = match unsigned.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (unsigned, None),
    };
    if let Some(f) = frac
        && (f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(if f.contains(',') { Grouping::Bad } else { Grouping::Invalid });
    }
    let digits = |g: &str| g.bytes().all(|b| b.is_ascii_digit());
    if int.split(',').any(|g| g.is_empty() || !digits(g)) {
        return Err(if int.split(',').all(digits) { Grouping::Bad } else { Grouping::Invalid });
    }
    // Most values have no separator: the text itself is the number.
    if !int.contains(',') {
        return Ok(std::borrow::Cow::Borrowed(body));
    }
    let mut groups = int.split(',');
    if groups.next().is_some_and(|g| g.len() > 3) || groups.any(|g| g.len() != 3) {
        return Err(Grouping::Bad);
    }
    Ok(std::borrow::Cow::Owned(body.replace(',', "")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(text: &str, unit: Unit) -> String {
        Cell::parse(text, unit).expect(text).number().expect("number").to_string()
    }

    #[test]
    fn reads_the_forms_of_the_reference() {
        assert_eq!(num("20%", Unit::Porcentaje), "20");
        assert_eq!(num("100.00%", Unit::Porcentaje), "100");
        assert_eq!(num("0.10%", Unit::Porcentaje), "0.1");
        assert_eq!(num("10,256", Unit::Numero), "10256");
        assert_eq!(num("44328", Unit::Ratio), "44328");
        assert_eq!(num("1,234,567.5", Unit::Cantidad), "1234567.5");
        assert_eq!(num("-3.5", Unit::TasaVariacion), "-3.5");
        assert_eq!(num(" 7 ", Unit::Numero), "7");
        assert_eq!(Cell::parse("ND", Unit::Numero), Ok(Cell::Nd { text: "ND".into() }));
    }

    #[test]
    fn keeps_the_text_as_entered() {
        let c = Cell::parse("100.00%", Unit::Porcentaje).expect("valid");
        assert_eq!(c.text(), "100.00%");
    }

    #[test]
    fn rejects_what_is_not_a_value() {
        let err = |t: &str, u| Cell::parse(t, u).expect_err(t);
        assert_eq!(err("12;5%", Unit::Porcentaje), ValueError::NotANumber { text: "12;5%".into() });
        assert_eq!(err("12,5", Unit::Numero), ValueError::BadGrouping { text: "12,5".into() });
        assert_eq!(err("1,2345", Unit::Numero), ValueError::BadGrouping { text: "1,2345".into() });
        assert_eq!(err("", Unit::Numero), ValueError::Empty);
        assert_eq!(err("abc", Unit::Numero), ValueError::NotANumber { text: "abc".into() });
        assert_eq!(err("1.", Unit::Numero), ValueError::NotANumber { text: "1.".into() });
        assert_eq!(err("--1", Unit::Numero), ValueError::NotANumber { text: "--1".into() });
        assert_eq!(err("20%", Unit::Numero), ValueError::PercentNotAllowed { text: "20%".into(), unit: Unit::Numero });
        assert_eq!(err("+5", Unit::Numero), ValueError::ExplicitPlus { text: "+5".into() });
        // The range the arithmetic is proven within: 15 integer digits, 8 decimals.
        assert_eq!(num("999,999,999,999,999.99999999", Unit::Numero), "999999999999999.99999999");
        assert_eq!(num("12.500000000000%", Unit::Porcentaje), "12.5");
        for text in ["1000000000000000", "0.000000001", "79228162514264337593543950335"] {
            assert_eq!(err(text, Unit::Numero), ValueError::OutOfRange { text: text.into() }, "{text}");
        }
        assert_eq!(
            ValueError::OutOfRange { text: "0.000000001".into() }.message(Unit::Numero, Lang::Es),
            "\"0.000000001\" está fuera del rango admitido: hasta 15 cifras enteras y 8 decimales"
        );
        assert_eq!(err("+-5", Unit::Numero), ValueError::NotANumber { text: "+-5".into() });
        assert_eq!(err("-0", Unit::TasaVariacion), ValueError::NegativeZero { text: "-0".into() });
        assert_eq!(err("-0.00%", Unit::TasaVariacion), ValueError::NegativeZero { text: "-0.00%".into() });
    }

    #[test]
    fn negative_values_only_where_the_indicator_admits_them() {
        let signed = |t: &str, u, ok| Cell::parse_signed(t, u, ok);
        assert_eq!(signed("-5", Unit::Cantidad, false), Err(ValueError::Negative { text: "-5".into() }));
        assert_eq!(
            signed("-5", Unit::Cantidad, true).map(|c| c.number().map(|d| d.to_string())),
            Ok(Some("-5".into()))
        );
        assert!(signed("-3.5%", Unit::TasaVariacion, Unit::TasaVariacion.negative_by_default()).is_ok());
        assert!(signed("0", Unit::Porcentaje, false).is_ok());
        assert!(signed("ND", Unit::Porcentaje, false).is_ok());
        assert_eq!(
            ValueError::Negative { text: "-5".into() }.message(Unit::Cantidad, Lang::Es),
            "\"-5\" es negativo y este indicador (cantidad) no admite valores negativos"
        );
        for u in Unit::ALL {
            assert_eq!(u.negative_by_default(), u == Unit::TasaVariacion, "{u}");
        }
    }

    /// Whether the quick reading gives the full reading's very cell (value, scale, text) for
    /// `text`, under every unit; whether it read it at all.
    fn quick_agrees(text: &str) -> Vec<bool> {
        Unit::ALL
            .into_iter()
            .map(|unit| match Cell::plain(text, unit) {
                Some(quick) => {
                    let full = Cell::parse_any(text, unit).unwrap_or_else(|e| panic!("{text} ({unit}): {e:?}"));
                    assert_eq!(quick, full, "{text} ({unit})");
                    let parts = |c: &Cell| c.number().map(|d| (d.mantissa(), d.scale()));
                    assert_eq!(parts(&quick), parts(&full), "{text} ({unit})");
                    true
                }
                None => false,
            })
            .collect()
    }

    /// The quick reading takes the forms stored values have, gives the full reading's very cell,
    /// and leaves the rest (errors included) to it.
    #[test]
    fn the_quick_reading_is_the_full_one() {
        for text in ["0", "007", "12.5", "12.50", "0.10", "-3", "0.00", "10,256", "1,234,567.25", "0,123", "ND", "nd"] {
            assert!(quick_agrees(text).iter().all(|&q| q), "{text}: not read quickly");
        }
        for text in ["99.99%", "20%", "0.10%", "-1.5%"] {
            let quick = quick_agrees(text);
            for (unit, q) in Unit::ALL.into_iter().zip(quick) {
                assert_eq!(q, unit.allows_percent_sign(), "{text} ({unit})");
            }
        }
        for text in [
            "-0",
            "-0.0",
            "5.",
            ".5",
            "-.5",
            "1.2.3",
            "",
            "-",
            "%",
            "-%",
            "1000000000000000",
            "0.123456789",
            "1e3",
            "+5",
            "١٢",
            "12 ",
            " 12",
            "20 %",
            "12,5",
            "1,23",
            "1234,567",
            ",123",
            "1,,234",
            "1,234,56",
            "1,234.5,6",
            "N D",
            " ND",
            "nd ",
            "123456789012345678",
            "1234567890123456789",
            "99,999,999,999,999,999",
        ] {
            assert!(quick_agrees(text).iter().all(|&q| !q), "{text}: read quickly");
        }
        assert!(quick_agrees("999999999999999").iter().all(|&q| q));
        for text in ["0.12345678", "1.000000000", "999999999999999.9", "999,999,999,999,999.99"] {
            assert!(quick_agrees(text).iter().all(|&q| q), "{text}: not read quickly");
        }
    }

    proptest::proptest! {
        #[test]
        fn quick_and_full_readings_agree(text in "(-?[0-9,]{0,22}(\\.[0-9,]{0,10})?%?|[nN][dD])") {
            quick_agrees(&text);
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,12}") {
            let _ = Cell::parse(&s, Unit::Porcentaje);
        }

        #[test]
        fn grouped_and_plain_integers_agree(n in 0u64..10_000_000_000) {
            let plain = n.to_string();
            let mut grouped = String::new();
            for (i, ch) in plain.chars().enumerate() {
                if i > 0 && (plain.len() - i) % 3 == 0 { grouped.push(','); }
                grouped.push(ch);
            }
            proptest::prop_assert_eq!(num(&grouped, Unit::Numero), num(&plain, Unit::Numero));
        }
    }
}
