//! The semáforo: bajo [0–75), intermedio [75–95), alto ≥ 95, ND.

use rust_decimal::Decimal;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Band {
    Bajo,
    Intermedio,
    Alto,
    Nd,
}

impl Band {
    pub const ALL: [Band; 4] = [Band::Bajo, Band::Intermedio, Band::Alto, Band::Nd];
    /// `bajo`, `intermedio`, `alto`, `nd`.
    pub fn id(self) -> &'static str {
        match self {
            Band::Bajo => "bajo",
            Band::Intermedio => "intermedio",
            Band::Alto => "alto",
            Band::Nd => "nd",
        }
    }
}

/// Lower limits of the intermedio and alto bands: decimals, or (`L`) the form an arithmetic
/// compares its figures with (`crate::exact::Thresholds`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BandLimits<L = Decimal> {
    pub intermedio: L,
    pub alto: L,
}

impl<L> BandLimits<L> {
    /// The band of a figure that `reaches` the limits it is at or above.
    pub fn classify_by(&self, reaches: impl Fn(&L) -> bool) -> Band {
        if reaches(&self.alto) {
            Band::Alto
        } else if reaches(&self.intermedio) {
            Band::Intermedio
        } else {
            Band::Bajo
        }
    }
}

impl Default for BandLimits {
    fn default() -> Self {
        BandLimits { intermedio: Decimal::from(75), alto: Decimal::from(95) }
    }
}

impl BandLimits {
    /// Band of a figure as displayed. Negative figures (possible only for secondary measures)
    /// are bajo.
    pub fn classify(&self, displayed: Decimal) -> Band {
        self.classify_by(|limit| displayed >= *limit)
    }
}

/// How many figures of one level fall in each band.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BandCounts {
    pub bajo: usize,
    pub intermedio: usize,
    pub alto: usize,
    pub nd: usize,
}

impl BandCounts {
    pub fn add(&mut self, band: Band) {
        *self.get_mut(band) += 1;
    }
    pub fn get(&self, band: Band) -> usize {
        match band {
            Band::Bajo => self.bajo,
            Band::Intermedio => self.intermedio,
            Band::Alto => self.alto,
            Band::Nd => self.nd,
        }
    }
    fn get_mut(&mut self, band: Band) -> &mut usize {
        match band {
            Band::Bajo => &mut self.bajo,
            Band::Intermedio => &mut self.intermedio,
            Band::Alto => &mut self.alto,
            Band::Nd => &mut self.nd,
        }
    }
    pub fn total(&self) -> usize {
        self.bajo + self.intermedio + self.alto + self.nd
    }
    /// Adds another set of counts (for aggregating across policies).
    pub fn merge(&mut self, other: &BandCounts) {
        for b in Band::ALL {
            *self.get_mut(b) += other.get(b);
        }
    }
}
