//! The one place where figures are rounded and formatted.
//!
//! Published figures are exact decimals. They are rounded only for display, once, half away from
//! zero (`rust_decimal`'s `round_dp` alone would round half to even: 7.25 must show 7.3).

use rust_decimal::{Decimal, RoundingStrategy};

/// Rounds `x` to `decimals` places, half away from zero. Bands and alert thresholds are applied to
/// this figure, so that a printed 75.0 is never red and a printed 150.0 is never "above 150".
pub fn round_display(x: Decimal, decimals: u32) -> Decimal {
    x.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero)
}

/// Formats `x` rounded to `decimals` places with exactly that many decimals and `.` as the
/// decimal separator, as the published reports print avances: `86.5`, `10930.0`, `-41.4`.
pub fn format_display(x: Decimal, decimals: u32) -> String {
    let mut r = round_display(x, decimals);
    if r.is_zero() {
        // Never print "-0.0".
        r = Decimal::ZERO;
    }
    r.rescale(decimals);
    r.to_string()
}

/// Arithmetic mean of the values, `None` for an empty set: the sum divided by the count. Where
/// the sum would not fit a decimal (thousands of avances near 10²⁵ %, the most a value's range
/// allows), the mean of the values each divided by the count, which always fits.
pub fn mean(values: impl IntoIterator<Item = Decimal> + Clone) -> Option<Decimal> {
    let mut sum = Some(Decimal::ZERO);
    let mut n = 0u32;
    for v in values.clone() {
        sum = sum.and_then(|s| s.checked_add(v));
        n += 1;
    }
    if n == 0 {
        return None;
    }
    let count = Decimal::from(n);
    Some(match sum {
        Some(sum) => sum / count,
        None => values.into_iter().map(|v| v / count).sum(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("test decimal")
    }

    #[test]
    fn rounds_half_away_from_zero() {
        for (x, want) in [
            ("7.25", "7.3"),
            ("7.35", "7.4"),
            ("-41.45", "-41.5"),
            ("74.95", "75.0"),
            ("150.04", "150.0"),
            ("0.04", "0.0"),
            ("-0.04", "0.0"),
            ("10930", "10930.0"),
        ] {
            assert_eq!(format_display(d(x), 1), want, "{x}");
        }
    }

    #[test]
    fn quarter_of_0_29_percent_prints_7_3_not_7_2() {
        // The architecture's example of why f64 is never used for published figures.
        let x = d("0.29") / d("4") * d("100");
        assert_eq!(format_display(x, 1), "7.3");
    }

    #[test]
    fn mean_of_values_whose_sum_overflows() {
        let huge = Decimal::new(7, 0) * Decimal::from(10u64.pow(18)) * Decimal::from(10u64.pow(9));
        assert_eq!(mean(vec![huge; 20]), Some(huge));
    }

    #[test]
    fn mean_of_nothing_is_none() {
        assert_eq!(mean([]), None);
        assert_eq!(mean([d("86.5"), d("80"), d("71.4")]).map(|m| format_display(m, 1)), Some("79.3".into()));
    }
}
