//! The arithmetic of the figures, two ways: [`Decimals`] (96-bit decimals, `rust_decimal`: the
//! reference) and [`Fixed`] (integers, several times faster). The rules (which formula, when a
//! figure is ND, caps, means) are written once, in `avance` and `compute`, over the
//! [`Arithmetic`] trait; a policy-year is computed with [`Fixed`] and, where it refuses, again
//! with [`Decimals`].
//!
//! # Why the two agree
//!
//! A [`Fixed`] figure is a count of units of 10⁻¹⁸ with an interval around it: an exact value
//! (`lo == hi`), or the open interval `(lo, hi)` the true value is known to lie in. VO / LE × 100
//! is computed from the decimals' own integer mantissas by one integer division: exact when the
//! remainder is zero, otherwise the quotient truncated toward zero and the interval of one unit
//! beyond it. A mean adds the bounds and divides them rounding outward, so the true mean stays
//! inside. Nothing is rounded inward anywhere.
//!
//! A figure is *settled* when the interval widened by one unit on each side, `[lo − 1, hi + 1]`,
//! holds no rounding boundary of 8 decimals or fewer, half away from zero (the boundaries of `d`
//! decimals are the odd multiples of 5 × 10⁻⁽ᵈ⁺¹⁾), so every point of a settled interval rounds to the same figure at every
//! precision up to 8 decimals, and the true value is at least 10⁻¹⁸ away from any boundary. The
//! figure the results hold is the point of the interval nearest to zero (for a single quotient,
//! the quotient truncated toward zero), so rounding it for display, for a band or for comparison
//! with a printed report gives what the exact rational gives. An exact figure is settled.
//!
//! The decimal rules agree: while every figure and every sum of figures stays below 10⁹ in
//! magnitude (what [`Fixed`] accepts), the decimal quotients carry at least 19 decimals and their
//! accumulated error, divisions, products and sums included, stays below 10⁻¹⁹, under the distance
//! 10⁻¹⁸ that a settled figure keeps from every boundary. Comparisons with a cap are decided the
//! same way: only when the interval is a whole unit clear of the cap. Everything else (a figure
//! not settled, an interval touching a cap, a magnitude or a precision out of range) makes
//! [`Fixed`] refuse, and the policy-year is computed with [`Decimals`]: the two never give
//! different figures, bands, caps or alerts. The property tests (`tests/arithmetic.rs`) and the
//! JSON comparisons (`crates/report/tests/arithmetic.rs`) check it.

use std::convert::Infallible;

use rust_decimal::Decimal;

use crate::number::round_display;

/// The arithmetic the rules are computed with.
pub trait Arithmetic {
    /// A figure under computation: an avance, a mean.
    type Figure: Copy + std::fmt::Debug;
    /// Why this arithmetic cannot compute a policy-year ([`Infallible`] for [`Decimals`]).
    type Refusal: std::fmt::Debug;

    /// `num / den × 100` (`den` is not zero).
    fn percent(num: Decimal, den: Decimal) -> Result<Self::Figure, Self::Refusal>;
    /// `(vo − lb) / (le − lb) × 100` (`le ≠ lb`).
    fn percent_of_change(vo: Decimal, lb: Decimal, le: Decimal) -> Result<Self::Figure, Self::Refusal>;
    /// A value given by the rules (0, 100, a cap).
    fn constant(x: Decimal) -> Result<Self::Figure, Self::Refusal>;
    /// Whether the figure is above `cap`.
    fn above(x: Self::Figure, cap: Decimal) -> Result<bool, Self::Refusal>;
    /// The arithmetic mean; `None` for no figures.
    fn mean(xs: &mut dyn Iterator<Item = Self::Figure>) -> Result<Option<Self::Figure>, Self::Refusal>;
    /// The figure as the results hold it.
    fn settle(x: Self::Figure) -> Result<Decimal, Self::Refusal>;
    /// The figure rounded to `decimals`, half away from zero (what bands are applied to).
    fn displayed(x: Self::Figure, decimals: u32) -> Result<Decimal, Self::Refusal>;
}

/// The reference arithmetic: `rust_decimal`'s 96-bit decimals.
#[derive(Debug, Clone, Copy)]
pub struct Decimals;

impl Arithmetic for Decimals {
    type Figure = Decimal;
    type Refusal = Infallible;

    fn percent(num: Decimal, den: Decimal) -> Result<Decimal, Infallible> {
        Ok(num / den * Decimal::ONE_HUNDRED)
    }
    fn percent_of_change(vo: Decimal, lb: Decimal, le: Decimal) -> Result<Decimal, Infallible> {
        Ok((vo - lb) / (le - lb) * Decimal::ONE_HUNDRED)
    }
    fn constant(x: Decimal) -> Result<Decimal, Infallible> {
        Ok(x)
    }
    fn above(x: Decimal, cap: Decimal) -> Result<bool, Infallible> {
        Ok(x > cap)
    }
    fn mean(xs: &mut dyn Iterator<Item = Decimal>) -> Result<Option<Decimal>, Infallible> {
        let values: Vec<Decimal> = xs.collect();
        Ok(crate::number::mean(values.iter().copied()))
    }
    fn settle(x: Decimal) -> Result<Decimal, Infallible> {
        Ok(x)
    }
    fn displayed(x: Decimal, decimals: u32) -> Result<Decimal, Infallible> {
        Ok(round_display(x, decimals))
    }
}

/// Units per 1: figures are counted in 10⁻¹⁸.
const SCALE: u32 = 18;
/// The largest magnitude [`Fixed`] accepts, in units: 10⁹.
const LIMIT: i128 = 10i128.pow(27);
/// 5 × 10⁻⁹ in units: every rounding boundary up to 8 decimals is a multiple of it.
const BOUNDARY_GRID: i128 = 5 * 10i128.pow(9);
/// Displayed figures may have up to this many decimals.
const MAX_DECIMALS: u32 = 8;

/// Why [`Fixed`] gave way to [`Decimals`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsettled {
    /// A value or a figure too large, or with too many decimals, for the integers.
    OutOfRange,
    /// A figure too close to a rounding boundary or to a cap to be decided with a margin.
    Close,
}

/// Fixed-point figures: a count of 10⁻¹⁸, exact or with the open interval around the true value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fixed {
    lo: i128,
    hi: i128,
}

fn pow10(n: u32) -> Option<i128> {
    10i128.checked_pow(n)
}

impl Fixed {
    fn exact(units: i128) -> Result<Fixed, Unsettled> {
        if units.abs() >= LIMIT {
            return Err(Unsettled::OutOfRange);
        }
        Ok(Fixed { lo: units, hi: units })
    }

    /// `num · 10^exp / den` in units, `den` non-zero; `exp` may be negative.
    fn quotient(num: i128, exp: i32, den: i128) -> Result<Fixed, Unsettled> {
        let (num, den) = if exp >= 0 {
            (num.checked_mul(pow10(exp.unsigned_abs()).ok_or(Unsettled::OutOfRange)?), Some(den))
        } else {
            (Some(num), pow10(exp.unsigned_abs()).and_then(|p| den.checked_mul(p)))
        };
        let (Some(num), Some(den)) = (num, den) else {
            return Err(Unsettled::OutOfRange);
        };
        if den == 0 {
            return Err(Unsettled::OutOfRange);
        }
        // Truncated toward zero; the remainder has the sign of the numerator.
        let (q, r) = (num / den, num % den);
        if q.abs() >= LIMIT {
            return Err(Unsettled::OutOfRange);
        }
        if r == 0 {
            return Ok(Fixed { lo: q, hi: q });
        }
        // The true quotient lies strictly between q and the next unit away from zero.
        if (num < 0) == (den < 0) { Ok(Fixed { lo: q, hi: q + 1 }) } else { Ok(Fixed { lo: q - 1, hi: q }) }
    }

    fn is_exact(self) -> bool {
        self.lo == self.hi
    }

    /// Whether every point of `[lo − 1, hi + 1]` rounds alike at every precision up to 8 decimals:
    /// the interval holds no rounding boundary.
    fn is_settled(self) -> bool {
        if self.is_exact() {
            return true;
        }
        let (a, b) = (self.lo - 1, self.hi + 1);
        if b - a >= BOUNDARY_GRID {
            return false;
        }
        // The one multiple of the grid that can lie in [a, b]: the first at or above a.
        let m = -(-a).div_euclid(BOUNDARY_GRID);
        m * BOUNDARY_GRID > b || !is_boundary(m)
    }

    /// The point the results hold: the one nearest zero.
    fn point(self) -> Result<i128, Unsettled> {
        if !self.is_settled() {
            return Err(Unsettled::Close);
        }
        Ok(if self.lo >= 0 {
            self.lo
        } else if self.hi <= 0 {
            self.hi
        } else {
            // Around zero: every point of it rounds to zero.
            0
        })
    }

    /// A decimal as units, exactly.
    fn units(x: Decimal) -> Result<i128, Unsettled> {
        let scale = x.scale();
        if scale > SCALE {
            return Err(Unsettled::OutOfRange);
        }
        x.mantissa().checked_mul(pow10(SCALE - scale).ok_or(Unsettled::OutOfRange)?).ok_or(Unsettled::OutOfRange)
    }
}

/// Whether `m` × 5 × 10⁻⁹ is a rounding boundary at some precision of 8 decimals or fewer: the
/// boundaries at `d` decimals are (2k + 1) × 5 × 10⁻⁽ᵈ⁺¹⁾, so `m` must be an odd number times
/// 10ʲ with `j` ≤ 8. Zero is not one: rounding half away from zero is symmetric around it.
fn is_boundary(m: i128) -> bool {
    let mut m = m.abs();
    if m == 0 {
        return false;
    }
    for _ in 0..=MAX_DECIMALS {
        if m % 10 != 0 {
            return m % 2 == 1;
        }
        m /= 10;
    }
    false
}

/// `(mantissa, scale)` of each value, brought to the largest of their scales.
fn common<const N: usize>(xs: [Decimal; N]) -> Result<([i128; N], u32), Unsettled> {
    let scale = xs.iter().map(Decimal::scale).max().unwrap_or(0);
    let mut out = [0i128; N];
    for (o, x) in out.iter_mut().zip(xs) {
        let factor = pow10(scale - x.scale()).ok_or(Unsettled::OutOfRange)?;
        *o = x.mantissa().checked_mul(factor).ok_or(Unsettled::OutOfRange)?;
    }
    Ok((out, scale))
}

impl Arithmetic for Fixed {
    type Figure = Fixed;
    type Refusal = Unsettled;

    fn percent(num: Decimal, den: Decimal) -> Result<Fixed, Unsettled> {
        // (n · 10^-sn) / (d · 10^-sd) · 100 · 10^18 units.
        let exp = den.scale() as i32 - num.scale() as i32 + 2 + SCALE as i32;
        Fixed::quotient(num.mantissa(), exp, den.mantissa())
    }

    fn percent_of_change(vo: Decimal, lb: Decimal, le: Decimal) -> Result<Fixed, Unsettled> {
        let ([vo, lb, le], _) = common([vo, lb, le])?;
        let num = vo.checked_sub(lb).ok_or(Unsettled::OutOfRange)?;
        let den = le.checked_sub(lb).ok_or(Unsettled::OutOfRange)?;
        Fixed::quotient(num, 2 + SCALE as i32, den)
    }

    fn constant(x: Decimal) -> Result<Fixed, Unsettled> {
        Fixed::exact(Fixed::units(x)?)
    }

    fn above(x: Fixed, cap: Decimal) -> Result<bool, Unsettled> {
        let c = Fixed::units(cap)?;
        if x.is_exact() {
            Ok(x.lo > c)
        } else if x.lo > c {
            // The true value is above lo, itself a unit or more above the cap.
            Ok(true)
        } else if x.hi < c {
            Ok(false)
        } else {
            Err(Unsettled::Close)
        }
    }

    fn mean(xs: &mut dyn Iterator<Item = Fixed>) -> Result<Option<Fixed>, Unsettled> {
        let (mut lo, mut hi, mut n) = (0i128, 0i128, 0i128);
        for x in xs {
            lo += x.lo;
            hi += x.hi;
            n += 1;
            // The decimal rules' sums must stay below 10⁹ too (module documentation).
            if lo.abs() >= LIMIT || hi.abs() >= LIMIT {
                return Err(Unsettled::OutOfRange);
            }
        }
        if n == 0 {
            return Ok(None);
        }
        if lo == hi {
            let (q, r) = (lo.div_euclid(n), lo.rem_euclid(n));
            return Ok(Some(if r == 0 { Fixed { lo: q, hi: q } } else { Fixed { lo: q, hi: q + 1 } }));
        }
        // Outward: lo down, hi up; the true mean stays strictly inside.
        Ok(Some(Fixed { lo: lo.div_euclid(n), hi: -(-hi).div_euclid(n) }))
    }

    fn settle(x: Fixed) -> Result<Decimal, Unsettled> {
        Decimal::try_from_i128_with_scale(x.point()?, SCALE).map_err(|_| Unsettled::OutOfRange)
    }

    fn displayed(x: Fixed, decimals: u32) -> Result<Decimal, Unsettled> {
        if decimals > MAX_DECIMALS {
            return Err(Unsettled::OutOfRange);
        }
        let p = x.point()?;
        let step = pow10(SCALE - decimals).ok_or(Unsettled::OutOfRange)?;
        let (q, r) = (p.abs() / step, p.abs() % step);
        let q = if 2 * r >= step { q + 1 } else { q };
        Decimal::try_from_i128_with_scale(if p < 0 { -q } else { q }, decimals).map_err(|_| Unsettled::OutOfRange)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("test decimal")
    }

    fn shown<A: Arithmetic>(x: A::Figure, decimals: u32) -> Option<String> {
        A::displayed(x, decimals).ok().map(|r| crate::number::format_display(r, decimals))
    }

    #[test]
    fn a_quotient_is_exact_or_truncated_with_its_interval() {
        assert_eq!(Fixed::percent(d("42391"), d("49007")).map(|f| (f.hi - f.lo, f.lo.signum())), Ok((1, 1)));
        let exact = Fixed::percent(d("10.08"), d("12.60")).expect("fits");
        assert!(exact.is_exact());
        assert_eq!(Fixed::settle(exact), Ok(d("80")));
        let negative = Fixed::percent(d("-5"), d("15")).expect("fits");
        assert_eq!((negative.hi - negative.lo, negative.hi), (1, -33_333_333_333_333_333_333));
    }

    #[test]
    fn ties_round_half_away_from_zero() {
        for (vo, le, want) in [("7495", "10000", "75.0"), ("-41.45", "100", "-41.5"), ("0.29", "4", "7.3")] {
            let f = Fixed::percent(d(vo), d(le)).expect("fits");
            assert_eq!(shown::<Fixed>(f, 1).as_deref(), Some(want), "{vo} / {le}");
            let old = Decimals::percent(d(vo), d(le)).expect("infallible");
            assert_eq!(shown::<Decimals>(old, 1).as_deref(), Some(want));
        }
    }

    #[test]
    fn refuses_what_it_cannot_settle() {
        // Exactly a unit above 74.95 cannot be told from 74.95 with a margin: refused.
        let close = Fixed { lo: 74_950_000_000_000_000_000, hi: 74_950_000_000_000_000_001 };
        assert_eq!(Fixed::settle(close), Err(Unsettled::Close));
        assert_eq!(
            Fixed::above(Fixed { lo: 100 * 10i128.pow(18), hi: 100 * 10i128.pow(18) + 1 }, d("100")),
            Err(Unsettled::Close)
        );
        assert_eq!(Fixed::percent(d("1000000000"), d("0.5")), Err(Unsettled::OutOfRange));
        assert_eq!(Fixed::displayed(Fixed::exact(0).expect("zero"), 9), Err(Unsettled::OutOfRange));
    }

    #[test]
    fn means_keep_the_true_value_inside() {
        // 1/3 and 2/3 of 100: the mean is 50 exactly, the interval holds it.
        let third = Fixed::percent(d("1"), d("3")).expect("fits");
        let two_thirds = Fixed::percent(d("2"), d("3")).expect("fits");
        let m = Fixed::mean(&mut [third, two_thirds].into_iter()).expect("fits").expect("two");
        let fifty = 50 * 10i128.pow(18);
        assert!(m.lo < fifty && fifty < m.hi, "{m:?}");
        assert_eq!(shown::<Fixed>(m, 1).as_deref(), Some("50.0"));
        assert_eq!(Fixed::mean(&mut std::iter::empty()), Ok(None));
    }
}
