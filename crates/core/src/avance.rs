//! Avance Tipo 1 and Tipo 2 of one indicator in one year, with everything needed to explain it.

use rust_decimal::Decimal;

use crate::exact::{Arithmetic, Decimals, Fixed, Number};
use crate::model::{Aggregation, Direction, Indicator, Sense, Standard, Year};
use crate::profile::{AccumulationReading, DescendingFormula, RuleProfile, SenseInference, ZeroDivision};
use crate::value::Cell;

/// The direction an indicator is computed with, once the profile has resolved an undeclared sense.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved {
    Trend { sense: Sense, aggregation: Aggregation, inferred: bool },
    NoDefinido(Standard),
}

/// Why an avance is ND.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NdReason {
    /// No target (LE) for the year, or it is ND.
    NoTarget,
    /// No actual (VO) for the year, or it is ND.
    NoActual,
    NoTargetNorActual,
    /// Ascendente with LE = 0.
    ZeroTarget,
    /// Descendente with VO = 0.
    ZeroActual,
}

/// The rule that produced an avance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Formula {
    /// VO / LE × 100.
    ActualOverTarget,
    /// LE / VO × 100.
    TargetOverActual,
    /// 100 if VO ≥ LE, else 0.
    Minimum,
    /// 100 if VO ≤ LE, else 0.
    Maximum,
    /// Zero divisor under [`ZeroDivision::FullWhenReached`]: 100 if the target was reached, else 0.
    ZeroReached,
}

/// Which value a data-quality problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Baseline,
    Target,
    Actual,
}

/// A data-quality problem (calidad de datos).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QualityIssue {
    /// LE = 0 where the formula divides by it.
    ZeroTarget { year: Year },
    /// VO = 0 where the descending formula divides by it.
    ZeroActual { year: Year },
    /// LE and VO of different signs.
    SignMismatch { year: Year, target: Decimal, actual: Decimal },
    /// A share above 100%.
    PercentAbove100 { role: Role, year: Year, text: String },
    /// The declared sense contradicts the sequence of targets.
    SenseContradictsTargets { declared: Sense, from_targets: Sense },
    /// The sense was not declared and was inferred from the targets.
    SenseInferred { sense: Sense },
}

/// Avance Tipo 2 (progress relative to the baseline).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tipo2<T = Decimal> {
    Value(T),
    Nd,
    /// Not defined for `no_definido` indicators.
    NotApplicable,
}

impl<F> Tipo2<F> {
    /// The figure as the results hold it ([`Arithmetic::settle`]).
    pub(crate) fn settled<A: Arithmetic<Figure = F>>(self) -> Result<Tipo2, A::Refusal> {
        Ok(match self {
            Tipo2::Value(x) => Tipo2::Value(A::settle(x)?),
            Tipo2::Nd => Tipo2::Nd,
            Tipo2::NotApplicable => Tipo2::NotApplicable,
        })
    }
}

impl Tipo2 {
    pub fn value(self) -> Option<Decimal> {
        match self {
            Tipo2::Value(v) => Some(v),
            _ => None,
        }
    }
}

/// An indicator's figures for one year under one profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub year: Year,
    pub direction: Resolved,
    /// The target and actual the formula used (sums under [`AccumulationReading::SumOfYears`]).
    pub target: Option<Decimal>,
    pub actual: Option<Decimal>,
    /// The years whose values were summed, when they were.
    pub summed_years: Vec<Year>,
    /// Avance Tipo 1, unrounded, after the profile's cap; `Err` says why it is ND.
    pub avance: Result<Decimal, NdReason>,
    pub formula: Option<Formula>,
    /// Whether the cap lowered the figure.
    pub capped: bool,
    pub tipo2: Tipo2,
    pub quality: Vec<QualityIssue>,
}

/// The sense that the sequence of yearly targets suggests: compares the last non-ND target with
/// the first one. `None` when there are fewer than two or they are equal.
pub fn sense_from_targets<C>(ind: &Indicator<C>) -> Option<Sense> {
    sense_of(&Cells::of(ind))
}

fn sense_of<N: Numbers>(n: &N) -> Option<Sense> {
    let mut numbers = n.targets().map(|(_, x)| x);
    let first = numbers.next()?;
    let last = numbers.next_back()?;
    match last.cmp(&first) {
        std::cmp::Ordering::Greater => Some(Sense::Ascendente),
        std::cmp::Ordering::Less => Some(Sense::Descendente),
        std::cmp::Ordering::Equal => None,
    }
}

/// Resolves the direction an indicator is computed with under a profile.
pub fn resolve<C>(ind: &Indicator<C>, profile: &RuleProfile) -> Resolved {
    resolve_with(ind, &Cells::of(ind), profile)
}

/// [`resolve`], the targets read from `numbers`.
fn resolve_with<C, N: Numbers>(ind: &Indicator<C>, numbers: &N, profile: &RuleProfile) -> Resolved {
    match ind.direction {
        Direction::NoDefinido(s) => Resolved::NoDefinido(s),
        Direction::Trend { sense: Some(sense), aggregation } => Resolved::Trend { sense, aggregation, inferred: false },
        Direction::Trend { sense: None, aggregation } => {
            let sense = match profile.sense_inference {
                SenseInference::Never => Sense::Ascendente,
                SenseInference::FromTargets => sense_of(numbers).unwrap_or(Sense::Ascendente),
            };
            Resolved::Trend { sense, aggregation, inferred: true }
        }
    }
}

fn number_at(map: &crate::model::Series, year: Year) -> Option<Decimal> {
    map.get(&year).and_then(Cell::number)
}

/// An indicator's numbers as an arithmetic reads them: its decimals ([`Cells`]), or its
/// integers ([`Lane`]).
pub(crate) trait Numbers {
    type Value: Number;
    fn target(&self, year: Year) -> Option<Self::Value>;
    fn actual(&self, year: Year) -> Option<Self::Value>;
    fn baseline(&self) -> Option<Self::Value>;
    /// Every target, by year.
    fn targets(&self) -> impl DoubleEndedIterator<Item = (Year, Self::Value)>;
    /// Every actual, by year.
    fn actuals(&self) -> impl DoubleEndedIterator<Item = (Year, Self::Value)>;
    /// 100 as one of these numbers (`None` if it cannot be one).
    fn hundred(&self) -> Option<Self::Value>;
    /// One of these numbers (or a sum of them) as the decimal it was read as (a sum: as the
    /// decimals' sum is written), `None` where that cannot be told from the number.
    fn decimal(&self, x: Self::Value) -> Option<Decimal>;
    /// The years up to `year`, included, that have a target, in order.
    fn target_years(&self, up_to: Year) -> impl Iterator<Item = Year> {
        self.targets().map(|(y, _)| y).take_while(move |y| *y <= up_to)
    }
}

/// An indicator's numbers as its decimals, looked up in its series.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cells<'a> {
    baseline: Option<Decimal>,
    targets: &'a crate::model::Series,
    actuals: &'a crate::model::Series,
}

impl<'a> Cells<'a> {
    pub(crate) fn of<C>(ind: &'a Indicator<C>) -> Cells<'a> {
        Cells {
            baseline: ind.baseline.as_ref().and_then(|b| b.value.number()),
            targets: &ind.targets,
            actuals: &ind.actuals,
        }
    }
}

impl Numbers for Cells<'_> {
    type Value = Decimal;
    fn target(&self, year: Year) -> Option<Decimal> {
        number_at(self.targets, year)
    }
    fn actual(&self, year: Year) -> Option<Decimal> {
        number_at(self.actuals, year)
    }
    fn baseline(&self) -> Option<Decimal> {
        self.baseline
    }
    fn targets(&self) -> impl DoubleEndedIterator<Item = (Year, Decimal)> {
        self.targets.iter().filter_map(|(y, c)| Some((*y, c.number()?)))
    }
    fn actuals(&self) -> impl DoubleEndedIterator<Item = (Year, Decimal)> {
        self.actuals.iter().filter_map(|(y, c)| Some((*y, c.number()?)))
    }
    fn hundred(&self) -> Option<Decimal> {
        Some(Decimal::ONE_HUNDRED)
    }
    fn decimal(&self, x: Decimal) -> Option<Decimal> {
        Some(x)
    }
}

/// No number in a lane's cell (no value for the year, or ND). Never a lane's number: those
/// are below [`LANE_LIMIT`] in magnitude.
const NONE: i128 = i128::MIN;
/// Lanes hold numbers below 10³⁰ in magnitude: sums of a lane's years stay far inside `i128`.
const LANE_LIMIT: i128 = 10i128.pow(30);

/// The numbers of a list of indicators as integers, for [`Fixed`]: each indicator's baseline,
/// targets and actuals as mantissas on one scale of its own (the largest of its numbers'), year
/// by year, so that a year's value is read by its position, with no search and no decimal. An
/// indicator whose numbers do not fit has no lane, and its policy-year is computed with decimals.
/// A [`crate::model::Policy`] holds its indicators' lanes from when it is made.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Lanes {
    /// The first year of every lane.
    first: u16,
    /// Years per lane.
    width: usize,
    /// Per indicator, `1 + 2 × width` cells: its baseline, its targets, its actuals.
    cells: Store,
    /// Per indicator, the scale of its mantissas, `None` where its numbers do not fit.
    scales: Vec<Option<Scale>>,
}

/// The scale of a lane's mantissas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Scale {
    scale: u32,
    /// Whether every target and actual was read on this scale, none a negative zero: each of
    /// their mantissas is then its decimal exactly as read, scale and all (the baseline's is
    /// never written out).
    as_read: bool,
}

impl std::fmt::Debug for Lanes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let narrow = matches!(self.cells, Store::Narrow(_));
        f.debug_struct("Lanes")
            .field("first", &self.first)
            .field("width", &self.width)
            .field("indicators", &self.scales.len())
            .field("narrow", &narrow)
            .finish()
    }
}

/// The scales a lane's numbers were read on.
#[derive(Debug, Default)]
struct Met {
    /// Of every number.
    smallest: Option<u32>,
    largest: u32,
    /// Of the targets and actuals (a full result writes them out; the baseline only feeds Tipo 2).
    smallest_of_years: Option<u32>,
    negative_zero: bool,
}

/// The cells of a list of lanes: 64-bit where every number of the list fits (the usual case,
/// half the memory), 128-bit otherwise. No number is the type's smallest value.
#[derive(Clone, PartialEq, Eq)]
enum Store {
    Narrow(Vec<i64>),
    Wide(Vec<i128>),
}

impl Default for Store {
    fn default() -> Store {
        Store::Narrow(Vec::new())
    }
}

impl Store {
    #[inline]
    fn slice(&self, range: std::ops::Range<usize>) -> Slice<'_> {
        match self {
            Store::Narrow(v) => Slice::Narrow(v.get(range).unwrap_or(&[])),
            Store::Wide(v) => Slice::Wide(v.get(range).unwrap_or(&[])),
        }
    }
}

/// A cell of a [`Store`]: 64 or 128 bits.
trait LaneCell: Copy {
    /// No number.
    const NONE: Self;
    /// The number as a cell, if it fits.
    fn of(x: i128) -> Option<Self>;
}

impl LaneCell for i64 {
    const NONE: i64 = i64::MIN;
    fn of(x: i128) -> Option<i64> {
        i64::try_from(x).ok().filter(|x| *x != i64::MIN)
    }
}

impl LaneCell for i128 {
    const NONE: i128 = NONE;
    fn of(x: i128) -> Option<i128> {
        Some(x)
    }
}

/// Why a number cannot be written into a lane.
enum Misfit {
    /// Too large for any lane: the indicator has none.
    Lane,
    /// Too large for a 64-bit lane: the list needs 128-bit cells.
    Narrow,
}

/// A run of cells of a [`Store`].
#[derive(Debug, Clone, Copy)]
enum Slice<'a> {
    Narrow(&'a [i64]),
    Wide(&'a [i128]),
}

impl Slice<'_> {
    /// The number in cell `i`, if there is one.
    #[inline]
    fn get(self, i: usize) -> Option<i128> {
        match self {
            Slice::Narrow(s) => s.get(i).copied().filter(|x| *x != i64::MIN).map(i128::from),
            Slice::Wide(s) => s.get(i).copied().filter(|x| *x != NONE),
        }
    }

    fn len(self) -> usize {
        match self {
            Slice::Narrow(s) => s.len(),
            Slice::Wide(s) => s.len(),
        }
    }
}

impl Lanes {
    /// The lanes of `indicators`, in their order.
    pub fn new<C>(indicators: &[Indicator<C>]) -> Lanes {
        // Each series is in year order: its first and last years bound it.
        let ends = || {
            indicators
                .iter()
                .flat_map(|i| [&i.targets, &i.actuals])
                .filter_map(|s| s.keys().next().zip(s.keys().next_back()))
        };
        let (Some(first), Some(last)) = (ends().map(|(f, _)| f.get()).min(), ends().map(|(_, l)| l.get()).max()) else {
            return Lanes {
                scales: vec![Some(Scale { scale: 0, as_read: true }); indicators.len()],
                ..Lanes::default()
            };
        };
        let width = usize::from(last - first) + 1;
        // 64-bit cells unless a number needs more.
        let (cells, scales) = match Lanes::fill_all::<i64, C>(indicators, first, width) {
            Some((cells, scales)) => (Store::Narrow(cells), scales),
            None => {
                let (cells, scales) = Lanes::fill_all::<i128, C>(indicators, first, width).unwrap_or_default();
                (Store::Wide(cells), scales)
            }
        };
        Lanes { first, width, cells, scales }
    }

    /// Every indicator's lane in cells of `T`, and their scales; `None` if a number needs wider
    /// cells.
    fn fill_all<T: LaneCell, C>(
        indicators: &[Indicator<C>],
        first: u16,
        width: usize,
    ) -> Option<(Vec<T>, Vec<Option<Scale>>)> {
        let stride = 1 + 2 * width;
        let mut cells = vec![T::NONE; stride * indicators.len()];
        let mut scales = Vec::with_capacity(indicators.len());
        for (ind, lane) in indicators.iter().zip(cells.chunks_exact_mut(stride)) {
            match Lanes::fill(ind, first, width, lane) {
                Ok(scale) => scales.push(Some(scale)),
                Err(Misfit::Lane) => scales.push(None),
                Err(Misfit::Narrow) => return None,
            }
        }
        Some((cells, scales))
    }

    /// Writes the indicator's numbers into its lane: their scale, `None` if one does not fit.
    /// One pass when every number has the same scale (the usual case), a second to bring them to
    /// the largest.
    fn fill<T: LaneCell, C>(ind: &Indicator<C>, first: u16, width: usize, lane: &mut [T]) -> Result<Scale, Misfit> {
        let met = Lanes::write(ind, first, width, lane, None)?;
        let (smallest, largest) = (met.smallest.unwrap_or(0), met.largest);
        if smallest < largest {
            Lanes::write(ind, first, width, lane, Some(largest))?;
        }
        let as_read = met.smallest_of_years.is_none_or(|s| s == largest) && !met.negative_zero;
        Ok(Scale { scale: largest, as_read })
    }

    /// Writes each number's mantissa into the lane, brought to `scale` (or as it is): what it
    /// met, or why a number does not fit.
    fn write<T: LaneCell, C>(
        ind: &Indicator<C>,
        first: u16,
        width: usize,
        lane: &mut [T],
        scale: Option<u32>,
    ) -> Result<Met, Misfit> {
        let mut met = Met::default();
        let mut put = |cell: &mut T, x: Decimal, of_year: bool| -> Result<(), Misfit> {
            let low = |s: Option<u32>| Some(s.map_or(x.scale(), |s| s.min(x.scale())));
            met.smallest = low(met.smallest);
            met.largest = met.largest.max(x.scale());
            if of_year {
                met.smallest_of_years = low(met.smallest_of_years);
                met.negative_zero |= x.is_zero() && x.is_sign_negative();
            }
            let m = match scale {
                None => Some(x.mantissa()),
                Some(s) => s
                    .checked_sub(x.scale())
                    .and_then(|k| 10i128.checked_pow(k))
                    .and_then(|f| x.mantissa().checked_mul(f)),
            };
            let m = m.filter(|m| m.abs() < LANE_LIMIT).ok_or(Misfit::Lane)?;
            *cell = T::of(m).ok_or(Misfit::Narrow)?;
            Ok(())
        };
        if let Some(b) = ind.baseline.as_ref().and_then(|b| b.value.number()) {
            put(&mut lane[0], b, false)?;
        }
        for (offset, series) in [(1, &ind.targets), (1 + width, &ind.actuals)] {
            for (y, c) in series {
                if let Some(x) = c.number() {
                    put(&mut lane[offset + usize::from(y.get() - first)], x, true)?;
                }
            }
        }
        Ok(met)
    }

    /// The `i`-th indicator's lane, if its numbers fit.
    #[inline]
    pub(crate) fn lane(&self, i: usize) -> Option<Lane<'_>> {
        let Scale { scale, as_read } = self.scales.get(i).copied().flatten()?;
        let (stride, start) = (1 + 2 * self.width, i * (1 + 2 * self.width));
        Some(Lane {
            first: self.first,
            scale,
            as_read,
            baseline: self.cells.slice(start..start + stride).get(0),
            targets: self.cells.slice(start + 1..start + 1 + self.width),
            actuals: self.cells.slice(start + 1 + self.width..start + stride),
        })
    }
}

/// One indicator's numbers as integers on its scale ([`Lanes`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lane<'a> {
    first: u16,
    /// The scale of its mantissas.
    scale: u32,
    /// Whether its mantissas are its decimals as read ([`Scale`]).
    as_read: bool,
    baseline: Option<i128>,
    targets: Slice<'a>,
    actuals: Slice<'a>,
}

impl<'a> Lane<'a> {
    fn at(&self, cells: Slice<'_>, year: Year) -> Option<i128> {
        cells.get(usize::from(year.get().checked_sub(self.first)?))
    }

    fn each(&self, cells: Slice<'a>) -> impl DoubleEndedIterator<Item = (Year, i128)> + use<'a> {
        let first = self.first;
        (0..cells.len()).filter_map(move |i| {
            let year = Year::new(first.checked_add(u16::try_from(i).ok()?)?).ok()?;
            Some((year, cells.get(i)?))
        })
    }
}

impl Numbers for Lane<'_> {
    type Value = i128;
    fn target(&self, year: Year) -> Option<i128> {
        self.at(self.targets, year)
    }
    fn actual(&self, year: Year) -> Option<i128> {
        self.at(self.actuals, year)
    }
    fn baseline(&self) -> Option<i128> {
        self.baseline
    }
    fn targets(&self) -> impl DoubleEndedIterator<Item = (Year, i128)> {
        self.each(self.targets)
    }
    fn actuals(&self) -> impl DoubleEndedIterator<Item = (Year, i128)> {
        self.each(self.actuals)
    }
    fn hundred(&self) -> Option<i128> {
        10i128.checked_pow(self.scale)?.checked_mul(100)
    }
    fn decimal(&self, x: i128) -> Option<Decimal> {
        // Every number on one scale: a decimal sum keeps it, and its mantissa is the sum's.
        if self.as_read { Decimal::try_from_i128_with_scale(x, self.scale).ok() } else { None }
    }
}

/// The numbers an arithmetic reads an indicator's figures from: [`Decimals`] its series'
/// decimals, [`Fixed`] its lane (and refuses an indicator without one).
pub(crate) trait Reads: Arithmetic {
    /// Whether this is the integers' arithmetic.
    const INTEGERS: bool;
    type Source<'a>: Numbers<Value = Self::Value>;
    fn source<'a, C>(ind: &'a Indicator<C>, lane: Option<Lane<'a>>) -> Result<Self::Source<'a>, Self::Refusal>;
}

impl Reads for Decimals {
    const INTEGERS: bool = false;
    type Source<'a> = Cells<'a>;
    fn source<'a, C>(ind: &'a Indicator<C>, _: Option<Lane<'a>>) -> Result<Cells<'a>, std::convert::Infallible> {
        Ok(Cells::of(ind))
    }
}

impl Reads for Fixed {
    const INTEGERS: bool = true;
    type Source<'a> = Lane<'a>;
    fn source<'a, C>(_: &'a Indicator<C>, lane: Option<Lane<'a>>) -> Result<Lane<'a>, crate::exact::Unsettled> {
        lane.ok_or(crate::exact::Unsettled::OutOfRange)
    }
}

/// What an indicator's figures need of its whole series, whatever the year: the direction it is
/// computed with and the series' data-quality problems. Worked out once per indicator, so that
/// computing many years does not scan the series again for each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesFacts {
    pub direction: Resolved,
    /// The sense inferred, or a declared sense that the targets contradict.
    sense_issue: Option<QualityIssue>,
    /// Shares above 100%: the baseline's, then the targets' and the actuals' by year.
    over_100: Vec<(Role, Year)>,
}

impl SeriesFacts {
    pub fn of<C>(ind: &Indicator<C>, profile: &RuleProfile) -> SeriesFacts {
        SeriesFacts::read(ind, &Cells::of(ind), profile)
    }

    /// The facts of `ind`, its numbers read from `numbers` (its cells or its lane: the same).
    pub(crate) fn read<C, N: Numbers>(ind: &Indicator<C>, numbers: &N, profile: &RuleProfile) -> SeriesFacts {
        let direction = resolve_with(ind, numbers, profile);
        let sense_issue = match direction {
            Resolved::Trend { sense, inferred: true, .. } => Some(QualityIssue::SenseInferred { sense }),
            Resolved::Trend { sense, inferred: false, .. } => sense_of(numbers)
                .filter(|from_targets| *from_targets != sense)
                .map(|from_targets| QualityIssue::SenseContradictsTargets { declared: sense, from_targets }),
            Resolved::NoDefinido(_) => None,
        };
        let mut over_100 = Vec::new();
        if ind.unit.is_share() {
            let hundred = numbers.hundred();
            let above = |x: &N::Value| hundred.is_some_and(|h| *x > h);
            if let (Some(b), Some(x)) = (&ind.baseline, numbers.baseline())
                && above(&x)
            {
                over_100.push((Role::Baseline, b.year));
            }
            over_100.extend(numbers.targets().filter(|(_, x)| above(x)).map(|(y, _)| (Role::Target, y)));
            over_100.extend(numbers.actuals().filter(|(_, x)| above(x)).map(|(y, _)| (Role::Actual, y)));
        }
        SeriesFacts { direction, sense_issue, over_100 }
    }

    /// The shares above 100% of the series up to `year` (the baseline's whatever its year,
    /// targets and actuals of `year` and before).
    fn over_100_up_to(&self, year: Year) -> impl Iterator<Item = &(Role, Year)> {
        self.over_100.iter().filter(move |(role, y)| *role == Role::Baseline || *y <= year)
    }

    /// Problems of `ind`'s series up to `year`: the sense, then shares above 100%.
    fn quality_up_to<C>(&self, ind: &Indicator<C>, year: Year) -> Vec<QualityIssue> {
        let text = |role: Role, y: Year| {
            let cell = match role {
                Role::Baseline => ind.baseline.as_ref().map(|b| &b.value),
                Role::Target => ind.targets.get(&y),
                Role::Actual => ind.actuals.get(&y),
            };
            cell.map(|c| c.text().to_string()).unwrap_or_default()
        };
        let over = self.over_100_up_to(year).map(|&(role, y)| QualityIssue::PercentAbove100 {
            role,
            year: y,
            text: text(role, y),
        });
        self.sense_issue.iter().cloned().chain(over).collect()
    }

    /// Every data-quality problem of `ind` in `year`: its series' up to the year
    /// ([`SeriesFacts::quality_up_to`]), then those the rules `found` in the year's own target
    /// and actual (`target_actual` tells those two, asked only for a sign mismatch).
    pub(crate) fn quality<C>(
        &self,
        ind: &Indicator<C>,
        year: Year,
        found: Found,
        target_actual: impl FnOnce() -> (Option<Decimal>, Option<Decimal>),
    ) -> Vec<QualityIssue> {
        let mut quality = self.quality_up_to(ind, year);
        if found.has(Found::SIGN_MISMATCH)
            && let (Some(target), Some(actual)) = target_actual()
        {
            quality.push(QualityIssue::SignMismatch { year, target, actual });
        }
        if found.has(Found::ZERO_TARGET) {
            quality.push(QualityIssue::ZeroTarget { year });
        }
        if found.has(Found::ZERO_ACTUAL) {
            quality.push(QualityIssue::ZeroActual { year });
        }
        quality
    }

    /// How many problems [`SeriesFacts::quality_up_to`] lists.
    pub(crate) fn issues_up_to(&self, year: Year) -> usize {
        usize::from(self.sense_issue.is_some()) + self.over_100_up_to(year).count()
    }
}

/// Computes Avance Tipo 1 and Tipo 2 of `ind` in `year` under `profile`.
pub fn evaluate<C>(ind: &Indicator<C>, year: Year, profile: &RuleProfile) -> Evaluation {
    evaluate_series(ind, &SeriesFacts::of(ind, profile), year, profile)
}

/// [`evaluate`] with the indicator's [`SeriesFacts`] already worked out (they must be those of
/// `ind` under `profile`). Computed with integers, or with decimals where the integers refuse
/// (`crate::exact`): the figures are the same.
pub fn evaluate_series<C>(ind: &Indicator<C>, facts: &SeriesFacts, year: Year, profile: &RuleProfile) -> Evaluation {
    evaluate_fixed(ind, facts, year, profile).unwrap_or_else(|_| evaluate_decimal(ind, facts, year, profile))
}

/// [`evaluate_series`] with integers only, or why the integers could not settle it.
pub fn evaluate_fixed<C>(
    ind: &Indicator<C>,
    facts: &SeriesFacts,
    year: Year,
    profile: &RuleProfile,
) -> Result<Evaluation, crate::exact::Unsettled> {
    let lanes = Lanes::new(std::slice::from_ref(ind));
    evaluate_in::<Fixed, _>(ind, lanes.lane(0), facts, year, profile).map(|(evaluation, _)| evaluation)
}

/// [`evaluate_series`] with `rust_decimal`'s decimals only: the reference.
pub fn evaluate_decimal<C>(ind: &Indicator<C>, facts: &SeriesFacts, year: Year, profile: &RuleProfile) -> Evaluation {
    let Ok((evaluation, _)) = evaluate_in::<Decimals, _>(ind, None, facts, year, profile);
    evaluation
}

/// The rules of one indicator-year in arithmetic `A`, reading the indicator's numbers from its
/// `lane` (for [`Fixed`]) or its series: the evaluation and its avance as a figure of `A` (for
/// the means).
pub(crate) fn evaluate_in<A: Reads, C>(
    ind: &Indicator<C>,
    lane: Option<Lane<'_>>,
    facts: &SeriesFacts,
    year: Year,
    profile: &RuleProfile,
) -> Result<(Evaluation, Option<A::Figure>), A::Refusal> {
    let numbers = A::source(ind, lane)?;
    let outcome = outcome::<A, _>(&numbers, facts.direction, year, profile)?;
    let tipo2 = tipo2::<A, _>(&numbers, facts.direction, year)?;
    let figure = outcome.figure.ok();
    Ok((evaluation::<A, _, _>(ind, &numbers, facts, year, profile, outcome, tipo2)?, figure))
}

/// The data-quality problems the rules find in one year's own target and actual, one bit each
/// (one byte: it is written and read once per indicator-year).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Found(u8);

impl Found {
    const SIGN_MISMATCH: u8 = 1;
    const ZERO_TARGET: u8 = 2;
    const ZERO_ACTUAL: u8 = 4;

    fn has(self, problem: u8) -> bool {
        self.0 & problem != 0
    }
    fn set(&mut self, problem: u8, found: bool) {
        if found {
            self.0 |= problem;
        }
    }
    pub(crate) fn count(self) -> usize {
        self.0.count_ones() as usize
    }
}

/// What the rules decide of one indicator-year, before it is written out as an [`Evaluation`]:
/// a few numbers and flags.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Outcome<F> {
    /// Avance Tipo 1 after the profile's cap, or why it is ND.
    pub(crate) figure: Result<F, NdReason>,
    pub(crate) formula: Option<Formula>,
    pub(crate) capped: bool,
    pub(crate) found: Found,
}

/// The target and actual the formula uses in `year`: the year's, or under
/// [`AccumulationReading::SumOfYears`] an accumulated indicator's sums; and whether they are sums.
fn values<N: Numbers>(
    n: &N,
    direction: Resolved,
    year: Year,
    profile: &RuleProfile,
) -> (Option<N::Value>, Option<N::Value>, bool) {
    match direction {
        Resolved::Trend { aggregation: Aggregation::Acumulado, .. }
            if profile.accumulation == AccumulationReading::SumOfYears =>
        {
            summed(n, year)
        }
        _ => (n.target(year), n.actual(year), false),
    }
}

/// The target and actual the formula uses in `year` (as [`values`] reads them), as `ind`'s
/// decimals read them.
pub(crate) fn values_as_read<C>(
    ind: &Indicator<C>,
    direction: Resolved,
    year: Year,
    profile: &RuleProfile,
) -> (Option<Decimal>, Option<Decimal>) {
    let (target, actual, _) = values(&Cells::of(ind), direction, year, profile);
    (target, actual)
}

/// Avance Tipo 1 of one indicator-year in arithmetic `A`, from the indicator's `numbers`.
#[inline]
pub(crate) fn outcome<A: Arithmetic, N: Numbers<Value = A::Value>>(
    numbers: &N,
    direction: Resolved,
    year: Year,
    profile: &RuleProfile,
) -> Result<Outcome<A::Figure>, A::Refusal> {
    let hundred = Decimal::ONE_HUNDRED;
    let zero = <A::Value as Number>::ZERO;
    let mut found = Found::default();
    let (target, actual, _) = values(numbers, direction, year, profile);

    let mut formula = None;
    let whole = |reached: bool| A::constant(if reached { hundred } else { Decimal::ZERO });
    let raw: Result<A::Figure, NdReason> = match (target, actual) {
        (None, None) => Err(NdReason::NoTargetNorActual),
        (None, Some(_)) => Err(NdReason::NoTarget),
        (Some(_), None) => Err(NdReason::NoActual),
        (Some(le), Some(vo)) => {
            found.set(Found::SIGN_MISMATCH, le != zero && vo != zero && (le < zero) != (vo < zero));
            match direction {
                Resolved::NoDefinido(Standard::MinimoPermisible) => {
                    formula = Some(Formula::Minimum);
                    Ok(whole(vo >= le)?)
                }
                Resolved::NoDefinido(Standard::MaximoPermisible) => {
                    formula = Some(Formula::Maximum);
                    Ok(whole(vo <= le)?)
                }
                Resolved::Trend { sense: Sense::Ascendente, .. } => {
                    if le == zero {
                        found.set(Found::ZERO_TARGET, true);
                        match zero_division(profile, vo >= le, NdReason::ZeroTarget, &mut formula) {
                            Ok(reached) => Ok(whole(reached)?),
                            Err(reason) => Err(reason),
                        }
                    } else {
                        formula = Some(Formula::ActualOverTarget);
                        Ok(A::percent(vo, le)?)
                    }
                }
                Resolved::Trend { sense: Sense::Descendente, .. } => match profile.descending {
                    DescendingFormula::TargetOverActual => {
                        if vo == zero {
                            found.set(Found::ZERO_ACTUAL, true);
                            match zero_division(profile, vo <= le, NdReason::ZeroActual, &mut formula) {
                                Ok(reached) => Ok(whole(reached)?),
                                Err(reason) => Err(reason),
                            }
                        } else {
                            formula = Some(Formula::TargetOverActual);
                            Ok(A::percent(le, vo)?)
                        }
                    }
                },
            }
        }
    };

    let mut capped = false;
    let figure = match (raw, profile.cap) {
        (Ok(a), Some(cap)) if A::above(a, cap)? => {
            capped = true;
            Ok(A::constant(cap)?)
        }
        (raw, _) => raw,
    };
    Ok(Outcome { figure, formula, capped, found })
}

/// The indicator-year's [`Evaluation`] from what the rules decided in arithmetic `A`: the figures
/// settled, the target and actual as the indicator's decimals, and its quality problems listed.
fn evaluation<A: Arithmetic, C, N: Numbers<Value = A::Value>>(
    ind: &Indicator<C>,
    numbers: &N,
    facts: &SeriesFacts,
    year: Year,
    profile: &RuleProfile,
    outcome: Outcome<A::Figure>,
    tipo2: Tipo2<A::Figure>,
) -> Result<Evaluation, A::Refusal> {
    // The target and actual as decimals: told by the numbers the rules read, or looked up in
    // the indicator's cells where they cannot tell.
    let (target, actual, summed) = values(numbers, facts.direction, year, profile);
    let (target, actual) = match (target.map(|x| numbers.decimal(x)), actual.map(|x| numbers.decimal(x))) {
        (Some(None), _) | (_, Some(None)) => values_as_read(ind, facts.direction, year, profile),
        (target, actual) => (target.flatten(), actual.flatten()),
    };
    let quality = facts.quality(ind, year, outcome.found, || (target, actual));
    Ok(Evaluation {
        year,
        direction: facts.direction,
        target,
        actual,
        summed_years: if summed { numbers.target_years(year).collect() } else { Vec::new() },
        avance: match outcome.figure {
            Ok(a) => Ok(A::settle(a)?),
            Err(reason) => Err(reason),
        },
        formula: outcome.formula,
        capped: outcome.capped,
        tipo2: tipo2.settled::<A>()?,
        quality,
    })
}

/// A zero divisor: ND, or under [`ZeroDivision::FullWhenReached`] whether the target was reached.
fn zero_division(
    profile: &RuleProfile,
    reached: bool,
    reason: NdReason,
    formula: &mut Option<Formula>,
) -> Result<bool, NdReason> {
    match profile.zero_division {
        ZeroDivision::NotComputed => Err(reason),
        ZeroDivision::FullWhenReached => {
            *formula = Some(Formula::ZeroReached);
            Ok(reached)
        }
    }
}

/// Sums of targets and actuals over the years up to `year` that have a target, and whether
/// they were summed. The year itself must have a target; an actual missing in any of those years
/// makes the sum ND.
fn summed<N: Numbers>(n: &N, year: Year) -> (Option<N::Value>, Option<N::Value>, bool) {
    if n.target(year).is_none() {
        return (None, n.actual(year), false);
    }
    let zero = <N::Value as Number>::ZERO;
    let mut target = zero;
    let mut actual = Some(zero);
    for y in n.target_years(year) {
        target = n.target(y).map_or(target, |t| target.plus(t));
        actual = actual.zip(n.actual(y)).map(|(sum, a)| sum.plus(a));
    }
    (Some(target), actual, true)
}

/// Avance Tipo 2 of the year's own target and actual against the baseline, as a figure of `A`.
#[inline]
pub(crate) fn tipo2<A: Arithmetic, N: Numbers<Value = A::Value>>(
    n: &N,
    direction: Resolved,
    year: Year,
) -> Result<Tipo2<A::Figure>, A::Refusal> {
    if !matches!(direction, Resolved::Trend { .. }) {
        return Ok(Tipo2::NotApplicable);
    }
    let (Some(lb), Some(le), Some(vo)) = (n.baseline(), n.target(year), n.actual(year)) else {
        return Ok(Tipo2::Nd);
    };
    if le == lb {
        return Ok(Tipo2::Nd);
    }
    // Ascendente (VO − LB) / (LE − LB) × 100; descendente (LB − VO) / (LB − LE) × 100, the same
    // quotient.
    Ok(Tipo2::Value(A::percent_of_change(vo, lb, le)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::Code;
    use crate::model::{Baseline, Series};
    use crate::value::Unit;

    fn y(n: u16) -> Year {
        Year::new(n).expect("year")
    }

    /// Texts of every scale and sign, around 100, and ND.
    const TEXTS: [&str; 12] =
        ["0", "100", "100.5", "99.999", "250", "-3", "ND", "100.00", "7.25", "100.0001", "12", "101"];

    /// Whole numbers only (of one scale, summing to zero at times; "-0" is not read).
    const WHOLE: [&str; 8] = ["0", "-3", "3", "12", "-12", "101", "ND", "5"];
    /// Two decimals each.
    const CENTS: [&str; 6] = ["40.38", "12.00", "-0.05", "100.25", "ND", "0.00"];

    fn series(
        texts: &[&str],
        unit: Unit,
        pick: &mut impl FnMut() -> usize,
        years: std::ops::RangeInclusive<u16>,
    ) -> Series {
        years
            .filter_map(|year| {
                let i = pick();
                (i < texts.len()).then(|| (y(year), Cell::parse_signed(texts[i], unit, true).expect(texts[i])))
            })
            .collect()
    }

    #[test]
    fn facts_read_from_a_lane_are_those_read_from_the_cells() {
        let mut state = 11u64;
        let mut pick = move || {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            ((state >> 33) % 15) as usize
        };
        let directions = [
            Direction::Trend { sense: None, aggregation: Aggregation::NoAcumulado },
            Direction::Trend { sense: Some(Sense::Ascendente), aggregation: Aggregation::Acumulado },
            Direction::Trend { sense: Some(Sense::Descendente), aggregation: Aggregation::NoAcumulado },
        ];
        let mut indicators = Vec::new();
        for n in 0..600 {
            let unit = [Unit::Porcentaje, Unit::Numero][n / 2 % 2];
            // Mixed scales; whole numbers; two decimals over a whole baseline (a lane on the
            // targets' scale, told as read though the baseline was read on another).
            let texts: &[&str] = [&TEXTS[..], &WHOLE[..], &CENTS[..]][n % 3];
            let baseline_text = if n % 3 == 2 { WHOLE[pick() % 6] } else { texts[pick() % texts.len()] };
            indicators.push(Indicator {
                code: "IOP.01.01".parse::<Code>().expect("code"),
                name: String::new(),
                responsible: String::new(),
                indicator_type: String::new(),
                unit,
                negative_values: Some(true),
                direction: directions[n % 3],
                baseline: (n % 4 != 0).then(|| Baseline {
                    year: y(2019),
                    value: Cell::parse_signed(baseline_text, unit, true).expect("baseline"),
                }),
                targets: series(texts, unit, &mut pick, 2021..=2026),
                actuals: series(texts, unit, &mut pick, 2021 + (n % 3) as u16..=2025),
            });
        }
        let lanes = Lanes::new(&indicators);
        let (mut over_100, mut as_read) = (0, 0);
        for profile in RuleProfile::builtin() {
            for (i, ind) in indicators.iter().enumerate() {
                let lane = lanes.lane(i).expect("every number fits");
                let facts = SeriesFacts::read(ind, &lane, &profile);
                assert_eq!(facts, SeriesFacts::of(ind, &profile), "indicator {i}: {ind:?}");
                over_100 += facts.over_100.len();
                for year in (2020..=2027).map(y) {
                    assert_eq!(lane.target(year), Cells::of(ind).target(year).map(|x| on(x, lane.scale)));
                    let cells = Cells::of(ind);
                    let (lt, la, ls) = summed(&lane, year);
                    let (ct, ca, cs) = summed(&cells, year);
                    assert_eq!(ls, cs);
                    // Told as read, scale and sign included (the text of a Decimal shows both).
                    let told = |x: Option<i128>| x.and_then(|x| lane.decimal(x)).map(|d| d.to_string());
                    let read = |x: Option<Decimal>| x.map(|d| d.to_string());
                    if lane.as_read {
                        assert_eq!((told(lt), told(la)), (read(ct), read(ca)), "indicator {i}, {year}");
                        assert_eq!(told(lane.actual(year)), read(cells.actual(year)));
                        as_read += 1;
                    }
                }
            }
        }
        assert!(over_100 > 500, "{over_100}");
        assert!(as_read > 1000, "{as_read}");
        assert!(matches!(lanes.cells, Store::Narrow(_)));

        // One number too large for 64 bits: the whole list in 128-bit cells, the same numbers.
        let mut wide = indicators[..40].to_vec();
        let big = "123456789012345.12345678";
        wide[7].targets.insert(y(2022), Cell::parse_signed(big, Unit::Numero, true).expect(big));
        let lanes = Lanes::new(&wide);
        assert!(matches!(lanes.cells, Store::Wide(_)));
        for (i, ind) in wide.iter().enumerate() {
            let lane = lanes.lane(i).expect("every number fits");
            for year in (2020..=2027).map(y) {
                let cells = Cells::of(ind);
                assert_eq!(lane.target(year), cells.target(year).map(|x| on(x, lane.scale)), "{i} {year}");
                assert_eq!(lane.actual(year), cells.actual(year).map(|x| on(x, lane.scale)), "{i} {year}");
            }
        }
        assert_eq!(lanes.lane(7).and_then(|l| l.target(y(2022))), Some(12_345_678_901_234_512_345_678));
    }

    fn on(x: Decimal, scale: u32) -> i128 {
        x.mantissa() * 10i128.pow(scale - x.scale())
    }
}
