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
//! is computed from the two values' mantissas on their indicator's one scale (its lane,
//! `crate::avance::Lanes`; the scale cancels) by one integer division — or, where the numerator
//! times 10²⁰ does not fit, by a long division in three steps that gives the same quotient and
//! remainder: exact when the remainder is zero, otherwise the quotient truncated toward zero and
//! the interval of one unit beyond it. A mean adds the bounds and divides them rounding outward,
//! so the true mean stays inside. Nothing is rounded inward anywhere.
//!
//! A figure is *settled* when the interval widened by one unit on each side, `[lo − 1, hi + 1]`,
//! holds no rounding boundary of 8 decimals or fewer, half away from zero (the boundaries of `d`
//! decimals are the odd multiples of 5 × 10⁻⁽ᵈ⁺¹⁾), so every point of a settled interval rounds to the same figure at every
//! precision up to 8 decimals, and the true value is at least 10⁻¹⁸ away from any boundary. The
//! figure the results hold is the point of the interval nearest to zero (for a single quotient,
//! the quotient truncated toward zero), so rounding it for display, for a band or for comparison
//! with a printed report gives what the exact rational gives. An exact figure is settled. Bands
//! and the atypical threshold are decided on that point without rounding it: a profile's limit
//! becomes a bound on the units that the rounded figure reaches exactly when the point does
//! ([`Thresholds`]).
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
use rust_decimal::prelude::ToPrimitive;

use crate::band::BandLimits;
use crate::number::round_display;
use crate::profile::{Judgement, RuleProfile};

/// A number of an indicator's series as an arithmetic reads it: a decimal ([`Decimals`]), or a
/// mantissa on the one scale of all the indicator's numbers ([`Fixed`]), so that two numbers of
/// one indicator compare, add and divide as they are.
pub trait Number: Copy + Ord + std::fmt::Debug {
    const ZERO: Self;
    /// The sum of two numbers of one indicator (never near the type's limits: values are read
    /// with at most 15 integer digits, and lanes refuse larger ones, `crate::avance::Lanes`).
    fn plus(self, other: Self) -> Self;
}

impl Number for Decimal {
    const ZERO: Decimal = Decimal::ZERO;
    fn plus(self, other: Decimal) -> Decimal {
        self + other
    }
}

impl Number for i128 {
    const ZERO: i128 = 0;
    fn plus(self, other: i128) -> i128 {
        self + other
    }
}

/// The arithmetic the rules are computed with.
pub trait Arithmetic {
    /// A number of an indicator's series as this arithmetic reads it.
    type Value: Number;
    /// A figure under computation: an avance, a mean.
    type Figure: Copy + std::fmt::Debug;
    /// Why this arithmetic cannot compute a policy-year ([`Infallible`] for [`Decimals`]).
    type Refusal: std::fmt::Debug;

    /// `num / den × 100` (`den` is not zero; both of one indicator).
    fn percent(num: Self::Value, den: Self::Value) -> Result<Self::Figure, Self::Refusal>;
    /// `(vo − lb) / (le − lb) × 100` (`le ≠ lb`; all three of one indicator).
    fn percent_of_change(vo: Self::Value, lb: Self::Value, le: Self::Value) -> Result<Self::Figure, Self::Refusal>;
    /// A value given by the rules (0, 100, a cap).
    fn constant(x: Decimal) -> Result<Self::Figure, Self::Refusal>;
    /// Whether the figure is above `cap`.
    fn above(x: Self::Figure, cap: Decimal) -> Result<bool, Self::Refusal>;
    /// The arithmetic mean; `None` for no figures.
    fn mean(xs: impl Iterator<Item = Self::Figure>) -> Result<Option<Self::Figure>, Self::Refusal>;
    /// The figure as the results hold it.
    fn settle(x: Self::Figure) -> Result<Decimal, Self::Refusal>;
    /// Whether [`Arithmetic::settle`] accepts the figure, without making its decimal.
    fn settles(x: Self::Figure) -> Result<(), Self::Refusal>;
    /// The figure rounded to `decimals`, half away from zero (what bands are applied to).
    fn displayed(x: Self::Figure, decimals: u32) -> Result<Decimal, Self::Refusal>;
    /// What figures are judged against: a profile's band limits and atypical threshold, in the
    /// form this arithmetic compares with.
    type Limits<'p>;
    fn limits(profile: &RuleProfile) -> Result<Self::Limits<'_>, Self::Refusal>;
    /// The profile's judgement ([`RuleProfile::judge`]) of a figure: its band and whether it is
    /// atypical, from the figure as displayed.
    fn judge(x: Self::Figure, limits: &Self::Limits<'_>) -> Result<Judgement, Self::Refusal>;
    /// [`Arithmetic::judge`] and [`Arithmetic::settle`] of one figure at once (a result holds
    /// each indicator's avance and its band).
    fn judge_settle(x: Self::Figure, limits: &Self::Limits<'_>) -> Result<(Judgement, Decimal), Self::Refusal> {
        Ok((Self::judge(x, limits)?, Self::settle(x)?))
    }
}

/// The reference arithmetic: `rust_decimal`'s 96-bit decimals.
#[derive(Debug, Clone, Copy)]
pub struct Decimals;

impl Arithmetic for Decimals {
    type Value = Decimal;
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
    fn mean(xs: impl Iterator<Item = Decimal>) -> Result<Option<Decimal>, Infallible> {
        let values: Vec<Decimal> = xs.collect();
        Ok(crate::number::mean(values.iter().copied()))
    }
    fn settle(x: Decimal) -> Result<Decimal, Infallible> {
        Ok(x)
    }
    fn settles(_: Decimal) -> Result<(), Infallible> {
        Ok(())
    }
    fn displayed(x: Decimal, decimals: u32) -> Result<Decimal, Infallible> {
        Ok(round_display(x, decimals))
    }
    type Limits<'p> = &'p RuleProfile;
    fn limits(profile: &RuleProfile) -> Result<&RuleProfile, Infallible> {
        Ok(profile)
    }
    fn judge(x: Decimal, profile: &&RuleProfile) -> Result<Judgement, Infallible> {
        Ok(profile.judge(Some(x)))
    }
}

/// Units per 1: figures are counted in 10⁻¹⁸.
const SCALE: u32 = 18;
/// 100 in units.
const HUNDRED: i128 = 100 * 10i128.pow(SCALE);
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

/// `n / d` truncated toward zero and its remainder (of `n`'s sign), with one library division
/// (`n % d` would be a second).
fn div_rem(n: i128, d: i128) -> (i128, i128) {
    let q = n / d;
    (q, n - q * d)
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

    /// `num / den × 100` in units, `den` non-zero.
    #[inline]
    fn quotient(num: i128, den: i128) -> Result<Fixed, Unsettled> {
        if den == 0 {
            return Err(Unsettled::OutOfRange);
        }
        // Truncated toward zero; the remainder has the sign of the numerator.
        let (q, r) = match num.checked_mul(HUNDRED) {
            Some(n) => div_rem(n, den),
            None => Fixed::long_quotient(num, den).ok_or(Unsettled::OutOfRange)?,
        };
        if q.abs() >= LIMIT {
            return Err(Unsettled::OutOfRange);
        }
        if r == 0 {
            return Ok(Fixed { lo: q, hi: q });
        }
        // The true quotient lies strictly between q and the next unit away from zero.
        if (num < 0) == (den < 0) { Ok(Fixed { lo: q, hi: q + 1 }) } else { Ok(Fixed { lo: q - 1, hi: q }) }
    }

    /// `num × 10²⁰ / den` and its remainder, truncated toward zero, where `num × 10²⁰` itself
    /// does not fit: by long division in three steps (`num / den`, then two more digits of
    /// 10¹⁰), each remainder smaller than `den` and carrying the sign of `num`, so that
    /// `num × 10²⁰ = den × q + r` with `r` of `num`'s sign and below `den` in magnitude, as one
    /// division would give. `None` if `den` is too large for the steps.
    fn long_quotient(num: i128, den: i128) -> Option<(i128, i128)> {
        const STEP: i128 = 10i128.pow(10);
        let (q1, r1) = div_rem(num, den);
        let (q2, r2) = div_rem(r1.checked_mul(STEP)?, den);
        let (q3, r3) = div_rem(r2.checked_mul(STEP)?, den);
        let q = q1.checked_mul(STEP)?.checked_add(q2)?.checked_mul(STEP)?.checked_add(q3)?;
        Some((q, r3))
    }

    fn is_exact(self) -> bool {
        self.lo == self.hi
    }

    /// Whether every point of `[lo − 1, hi + 1]` rounds alike at every precision up to 8 decimals:
    /// the interval holds no rounding boundary.
    #[inline]
    fn is_settled(self) -> bool {
        if self.is_exact() {
            return true;
        }
        let (a, b) = (self.lo - 1, self.hi + 1);
        if b - a >= BOUNDARY_GRID {
            return false;
        }
        // One multiple of the grid at most lies in [a, b]. Boundaries are symmetric around zero,
        // so a negative interval is mirrored; one holding zero holds no other multiple, and zero
        // is no boundary.
        let (a, b) = match (a > 0, b < 0) {
            (true, _) => (a, b),
            (_, true) => (-b, -a),
            _ => return true,
        };
        // The multiple at or above a.
        let Some((q, r)) = grid_div_rem(a.unsigned_abs()) else {
            return false;
        };
        let m = q + u64::from(r != 0);
        i128::from(m) * BOUNDARY_GRID > b || !is_boundary(m)
    }

    /// The point the results hold: the one nearest zero.
    #[inline]
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
fn is_boundary(mut m: u64) -> bool {
    if m == 0 {
        return false;
    }
    for _ in 0..=MAX_DECIMALS {
        if !m.is_multiple_of(10) {
            return m % 2 == 1;
        }
        m /= 10;
    }
    false
}

/// `x / BOUNDARY_GRID` and its remainder, for `x` below 2⁹³ (`None` above), with 64-bit
/// divisions by the constant (an `i128` division is a library call; these are multiplications):
/// `x = hi · 2³⁰ + lo`, `hi` below 2⁶³; `hi`'s remainder (below 2³³) shifted back in stays below
/// 2⁶³.
fn grid_div_rem(x: u128) -> Option<(u64, u64)> {
    const GRID: u64 = BOUNDARY_GRID as u64;
    let hi = u64::try_from(x >> 30).ok().filter(|hi| *hi < 1 << 63)?;
    let lo = (x & ((1 << 30) - 1)) as u64;
    let (q1, r1) = (hi / GRID, hi % GRID);
    let t = (r1 << 30) | lo;
    Some(((q1 << 30) + t / GRID, t % GRID))
}

/// Whether a figure's display reaches a threshold `t` (a count of 10⁻ᵈ, `d` the profile's
/// decimals), decided on the figure's point `p` in units, with no rounding: `step` being 10⁻ᵈ in
/// units, the displayed figure (`p / step` rounded half away from zero) is at least `t` exactly
/// when `p ≥ t·step − step/2` for `t ≥ 1`, and when `p > t·step − step/2` for `t ≤ 0` (where
/// negative points round toward the threshold from below).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reach {
    at: i128,
    strict: bool,
}

impl Reach {
    fn of(t: i128, step: i128) -> Result<Reach, Unsettled> {
        let at = t.checked_mul(step).and_then(|x| x.checked_sub(step / 2)).ok_or(Unsettled::OutOfRange)?;
        Ok(Reach { at, strict: t <= 0 })
    }

    fn by(self, p: i128) -> bool {
        if self.strict { p > self.at } else { p >= self.at }
    }
}

/// A profile's band limits and atypical threshold as [`Fixed`] compares with them: a displayed
/// figure (a count of 10⁻ᵈ) is at or above a band limit `L` when it reaches ⌈L·10ᵈ⌉, and above
/// the atypical threshold `A` when it reaches ⌊A·10ᵈ⌋ + 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    bands: BandLimits<Reach>,
    atypical: Reach,
}

impl Thresholds {
    /// The judgement of a figure's point.
    #[inline]
    fn judge(&self, p: i128) -> Judgement {
        Judgement { band: self.bands.classify_by(|reach| reach.by(p)), atypical: self.atypical.by(p) }
    }
}

impl Arithmetic for Fixed {
    /// A mantissa on the indicator's scale: the scale cancels out of every quotient.
    type Value = i128;
    type Figure = Fixed;
    type Refusal = Unsettled;

    #[inline]
    fn percent(num: i128, den: i128) -> Result<Fixed, Unsettled> {
        // (n · 10^-s) / (d · 10^-s) · 100 · 10^18 units.
        Fixed::quotient(num, den)
    }

    fn percent_of_change(vo: i128, lb: i128, le: i128) -> Result<Fixed, Unsettled> {
        let num = vo.checked_sub(lb).ok_or(Unsettled::OutOfRange)?;
        let den = le.checked_sub(lb).ok_or(Unsettled::OutOfRange)?;
        Fixed::quotient(num, den)
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

    #[inline]
    fn mean(xs: impl Iterator<Item = Fixed>) -> Result<Option<Fixed>, Unsettled> {
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

    #[inline]
    fn settle(x: Fixed) -> Result<Decimal, Unsettled> {
        Decimal::try_from_i128_with_scale(x.point()?, SCALE).map_err(|_| Unsettled::OutOfRange)
    }
    fn settles(x: Fixed) -> Result<(), Unsettled> {
        // A point is below 10²⁷ in magnitude, inside a decimal's 96 bits: settle refuses only
        // where point does.
        x.point().map(drop)
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

    type Limits<'p> = Thresholds;
    fn limits(profile: &RuleProfile) -> Result<Thresholds, Unsettled> {
        let d = profile.decimals;
        if d > MAX_DECIMALS {
            return Err(Unsettled::OutOfRange);
        }
        let step = pow10(SCALE - d).ok_or(Unsettled::OutOfRange)?;
        let shift = Decimal::from_i128_with_scale(pow10(d).ok_or(Unsettled::OutOfRange)?, 0);
        let count = |x: Decimal, whole: fn(&Decimal) -> Decimal, plus: i128| -> Result<Reach, Unsettled> {
            let t = x.checked_mul(shift).map(|x| whole(&x)).and_then(|x| x.to_i128()).ok_or(Unsettled::OutOfRange)?;
            Reach::of(t.checked_add(plus).ok_or(Unsettled::OutOfRange)?, step)
        };
        Ok(Thresholds {
            bands: BandLimits {
                intermedio: count(profile.bands.intermedio, Decimal::ceil, 0)?,
                alto: count(profile.bands.alto, Decimal::ceil, 0)?,
            },
            atypical: count(profile.atypical_above, Decimal::floor, 1)?,
        })
    }
    #[inline]
    fn judge(x: Fixed, t: &Thresholds) -> Result<Judgement, Unsettled> {
        Ok(t.judge(x.point()?))
    }
    #[inline]
    fn judge_settle(x: Fixed, t: &Thresholds) -> Result<(Judgement, Decimal), Unsettled> {
        // One settling check for both.
        let p = x.point()?;
        Ok((t.judge(p), Decimal::try_from_i128_with_scale(p, SCALE).map_err(|_| Unsettled::OutOfRange)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("test decimal")
    }

    /// `num / den × 100` with both on their common scale, as a lane holds them.
    fn percent(num: &str, den: &str) -> Result<Fixed, Unsettled> {
        let (n, m) = (d(num), d(den));
        let scale = n.scale().max(m.scale());
        let on_scale = |x: Decimal| x.mantissa() * 10i128.pow(scale - x.scale());
        Fixed::percent(on_scale(n), on_scale(m))
    }

    fn shown<A: Arithmetic>(x: A::Figure, decimals: u32) -> Option<String> {
        A::displayed(x, decimals).ok().map(|r| crate::number::format_display(r, decimals))
    }

    #[test]
    fn a_quotient_is_exact_or_truncated_with_its_interval() {
        assert_eq!(percent("42391", "49007").map(|f| (f.hi - f.lo, f.lo.signum())), Ok((1, 1)));
        let exact = percent("10.08", "12.60").expect("fits");
        assert!(exact.is_exact());
        assert_eq!(Fixed::settle(exact), Ok(d("80")));
        let negative = percent("-5", "15").expect("fits");
        assert_eq!((negative.hi - negative.lo, negative.hi), (1, -33_333_333_333_333_333_333));
    }

    #[test]
    fn a_numerator_too_large_to_scale_is_divided_in_steps() {
        // (10²² + 7) × 10²⁰ / (3 × 10²¹) does not fit in one i128 product: the long division
        // gives the one division's quotient and remainder, for either sign.
        let (num, den) = (10i128.pow(22) + 7, 3 * 10i128.pow(21));
        assert_eq!(Fixed::long_quotient(num, den), Some((333_333_333_333_333_333_333, 17 * 10i128.pow(20))));
        assert_eq!(Fixed::long_quotient(-num, den), Some((-333_333_333_333_333_333_333, -17 * 10i128.pow(20))));
        let f = Fixed::percent(num, den).expect("fits");
        assert_eq!((f.lo, f.hi), (333_333_333_333_333_333_333, 333_333_333_333_333_333_334));
        // Exactly divisible: exact.
        assert!(Fixed::percent(4 * 10i128.pow(22), 10i128.pow(22)).expect("fits").is_exact());
    }

    #[test]
    fn judged_without_rounding_as_the_rounded_decimal_is() {
        // Limits and thresholds of every sign, whole, on the display grid and off it; figures at
        // each rounding boundary of the display and a unit either side, of either sign.
        let limits = ["-0.05", "-1", "0", "0.04", "0.05", "74.95", "75", "95", "149.951"];
        let mut checked = 0;
        for decimals in 0..=3 {
            let step = 10i128.pow(SCALE - decimals);
            for (i, low) in limits.iter().enumerate() {
                let high = limits[(i + 3) % limits.len()];
                let atypical = limits[(i + 5) % limits.len()];
                let mut profile = RuleProfile { decimals, atypical_above: d(atypical), ..RuleProfile::ceplan_pn_v1() };
                profile.bands = BandLimits { intermedio: d(low), alto: d(high) };
                let t = Fixed::limits(&profile).expect("fits");
                for limit in limits {
                    let at = Fixed::units(d(limit)).expect("fits");
                    let on_grid = at / step * step;
                    for centre in [at, on_grid - step / 2, on_grid + step / 2, -on_grid - step / 2] {
                        for p in [centre - 1, centre, centre + 1] {
                            let figure = Fixed { lo: p, hi: p };
                            let decimal = Decimal::from_i128_with_scale(p, SCALE);
                            assert_eq!(
                                Fixed::judge(figure, &t),
                                Ok(profile.judge(Some(decimal))),
                                "{decimal} at {decimals} decimals, limits {low}/{high}, atypical {atypical}"
                            );
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(checked, 4 * 9 * 9 * 4 * 3);
    }

    #[test]
    fn the_grid_divided_with_64_bit_steps_as_with_128() {
        let mut x: u128 = 0x9E37_79B9_7F4A_7C15;
        let grid = BOUNDARY_GRID as u128;
        for i in 0..100_000u32 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            // Every magnitude up to 2⁹³, and the multiples of the grid and their neighbours.
            let v = match i % 3 {
                0 => x >> (35 + i % 60),
                1 => (x >> 70) * grid,
                _ => (x >> 70) * grid + 1 - u128::from(i % 2) * 2,
            };
            let want = (v / grid, v % grid);
            assert_eq!(grid_div_rem(v).map(|(q, r)| (u128::from(q), u128::from(r))), Some(want), "{v}");
        }
        assert_eq!(grid_div_rem(1 << 93), None);
        // A settled interval a hair off a boundary, of either sign, and one on it.
        let unit = |x: i128| Fixed { lo: x, hi: x + 1 };
        let boundary = 7495 * 10i128.pow(16); // 74.95
        assert!(unit(boundary + 2).is_settled() && unit(-boundary - 3).is_settled());
        assert!(!unit(boundary).is_settled() && !unit(-boundary - 1).is_settled());
        assert!(unit(-1).is_settled());
    }

    #[test]
    fn ties_round_half_away_from_zero() {
        for (vo, le, want) in [("7495", "10000", "75.0"), ("-41.45", "100", "-41.5"), ("0.29", "4", "7.3")] {
            let f = percent(vo, le).expect("fits");
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
        assert_eq!(percent("1000000000", "0.5"), Err(Unsettled::OutOfRange));
        assert_eq!(Fixed::displayed(Fixed::exact(0).expect("zero"), 9), Err(Unsettled::OutOfRange));
    }

    #[test]
    fn means_keep_the_true_value_inside() {
        // 1/3 and 2/3 of 100: the mean is 50 exactly, the interval holds it.
        let third = percent("1", "3").expect("fits");
        let two_thirds = percent("2", "3").expect("fits");
        let m = Fixed::mean([third, two_thirds].into_iter()).expect("fits").expect("two");
        let fifty = 50 * 10i128.pow(18);
        assert!(m.lo < fifty && fifty < m.hi, "{m:?}");
        assert_eq!(shown::<Fixed>(m, 1).as_deref(), Some("50.0"));
        assert_eq!(Fixed::mean(std::iter::empty()), Ok(None));
    }
}
