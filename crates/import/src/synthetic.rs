//! Deterministic synthetic portfolios, for benchmarks and durability tests: the same arguments give
//! the same policies on every machine. The mix of sentidos, standards, units and ND values is close
//! to the reference's.

use avance_core::code::Code;
use avance_core::model::{
    Aggregation, Baseline, Direction, Element, Entity, Indicator, Objective, Policy, PolicyMeta, PolicyParts,
    PolicyType, Sense, Series, Standard, Year, YearRange,
};
use avance_core::value::{Cell, Unit};

/// A 64-bit linear congruential generator: small, and identical everywhere.
#[derive(Debug, Clone)]
pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Lcg {
        Lcg(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

const SECTORS: [(&str, &str, &str, &str); 6] = [
    ("38", "PRODUCCION", "038", "M. DE LA PRODUCCION"),
    ("11", "SALUD", "011", "M. DE SALUD"),
    ("10", "EDUCACION", "010", "M. DE EDUCACION"),
    ("36", "TRANSPORTES Y COMUNICACIONES", "036", "M. DE TRANSPORTES Y COMUNICACIONES"),
    ("05", "AMBIENTAL", "005", "M. DEL AMBIENTE"),
    ("13", "AGRARIO Y DE RIEGO", "013", "M. DE DESARROLLO AGRARIO Y RIEGO"),
];

/// The largest number a segment of a code can have (`OP.999`).
const MAX_CODE_NUMBER: usize = 999;

fn code(s: String) -> Code {
    s.parse().expect("generated codes are valid")
}

/// One indicator with a target and an actual for every year, about one value in eight ND.
fn indicator<C>(rng: &mut Lcg, code: C, years: YearRange) -> Indicator<C> {
    let unit = if rng.below(3) == 0 { Unit::Porcentaje } else { Unit::Numero };
    let direction = match rng.below(20) {
        0..=10 => Direction::Trend { sense: Some(Sense::Ascendente), aggregation: Aggregation::NoAcumulado },
        11..=12 => Direction::Trend { sense: Some(Sense::Ascendente), aggregation: Aggregation::Acumulado },
        13..=14 => Direction::Trend { sense: Some(Sense::Descendente), aggregation: Aggregation::NoAcumulado },
        15..=18 => Direction::NoDefinido(Standard::MinimoPermisible),
        _ => Direction::NoDefinido(Standard::MaximoPermisible),
    };
    let cell = |rng: &mut Lcg, base: u64| {
        let text = if rng.below(8) == 0 {
            "ND".to_string()
        } else if unit == Unit::Porcentaje {
            format!("{}.{:02}%", base % 100, rng.below(100))
        } else {
            let n = base + rng.below(base + 1);
            if n >= 1000 { format!("{},{:03}", n / 1000, n % 1000) } else { n.to_string() }
        };
        Cell::parse(&text, unit).expect("generated values are valid")
    };
    let base = 1 + rng.below(5000);
    let targets: Series = years.iter().map(|y| (y, cell(rng, base))).collect();
    let actuals: Series = years.iter().map(|y| (y, cell(rng, base))).collect();
    Indicator {
        code,
        name: format!("Número de beneficiarios del servicio {}", rng.below(1000)),
        responsible: ["DGDE", "OGEEIE", "ITP", "MINEDU", "DGPAR - ITP"][rng.below(5) as usize].to_string(),
        indicator_type: ["COBERTURA", "CALIDAD", "RESULTADO"][rng.below(3) as usize].to_string(),
        unit,
        negative_values: None,
        direction,
        baseline: Some(Baseline {
            year: Year::new(years.first.get() - 1).expect("year"),
            value: Cell::parse("0", unit).expect("0"),
        }),
        targets,
        actuals,
    }
}

/// A policy with `indicators` indicators (2 per objective, the rest 2 per service, 2 services per
/// lineamiento, 5 lineamientos per objective; more lineamientos per objective where 999
/// objectives, the most a code can number, would not hold them all).
pub fn policy(number: usize, indicators: usize, years: YearRange, seed: u64) -> Policy {
    // Each objective holds 2 indicators and 4 per lineamiento.
    let per_objective = indicators.div_ceil(MAX_CODE_NUMBER);
    let lineamientos = per_objective.saturating_sub(2).div_ceil(4).clamp(5, MAX_CODE_NUMBER);
    let mut rng = Lcg::new(seed.wrapping_add(number as u64));
    let (sc, sn, mc, mn) = SECTORS[number % SECTORS.len()];
    let mut parts = PolicyParts {
        meta: PolicyMeta {
            code: format!("SYN{number:03}"),
            name: format!("Política Nacional Sintética {number}"),
            policy_type: if number.is_multiple_of(3) { PolicyType::Multisectorial } else { PolicyType::Sectorial },
            sector: Entity { code: sc.into(), name: sn.into() },
            ministry: Entity { code: mc.into(), name: mn.into() },
            norm: None,
            years,
            profile: "ceplan-pn@1".into(),
            synthesis: None,
        },
        objectives: Vec::new(),
        lineamientos: Vec::new(),
        services: Vec::new(),
        indicators: Vec::new(),
    };
    let mut left = indicators;
    let mut o = 0;
    while left > 0 {
        o += 1;
        parts.objectives.push(Objective {
            code: code(format!("OP.{o:02}")),
            name: format!("Objetivo prioritario {o}"),
            analysis: None,
        });
        for i in 1..=2.min(left) {
            parts.indicators.push(indicator(&mut rng, code(format!("IOP.{o:02}.{i:02}")), years));
            left -= 1;
        }
        for l in 1..=lineamientos {
            if left == 0 {
                break;
            }
            parts
                .lineamientos
                .push(Element { code: code(format!("LN.{o:02}.{l:02}")), name: format!("Lineamiento {o}.{l}") });
            for s in 1..=2 {
                if left == 0 {
                    break;
                }
                parts.services.push(Element {
                    code: code(format!("SS.{o:02}.{l:02}.{s:02}")),
                    name: format!("Servicio {o}.{l}.{s}"),
                });
                for i in 1..=2.min(left) {
                    parts.indicators.push(indicator(&mut rng, code(format!("ISS.{o:02}.{l:02}.{s:02}.{i:02}")), years));
                    left -= 1;
                }
            }
        }
    }
    Policy::new(parts).expect("a consistent synthetic policy")
}

/// `count` policies of `indicators` indicators each, made one at a time as they are asked for, so
/// that a large portfolio can be written out without holding it all in memory.
pub fn policies(count: usize, indicators: usize, years: YearRange, seed: u64) -> impl Iterator<Item = Policy> {
    (1..=count).map(move |n| policy(n, indicators, years, seed))
}

/// `count` policies of `indicators` indicators each, all in memory.
pub fn portfolio(count: usize, indicators: usize, years: YearRange, seed: u64) -> Vec<Policy> {
    policies(count, indicators, years, seed).collect()
}

/// An entity's synthetic POI for `year`: `activities` activities under about one AEI for every
/// twenty, each aggregation, some months without programming, a few follow-ups not recorded, and
/// execution around the programming (invented figures: the entity's name says so). The same
/// arguments give the same plan.
pub fn poi(number: usize, count: usize, year: i32, seed: u64) -> avance_core::poi::PoiPlan {
    use avance_core::Decimal;
    use avance_core::poi::{Activity, Aggregation as Agg, PoiPlan};
    let mut rng = Lcg::new(seed.wrapping_mul(1_000_003).wrapping_add(number as u64));
    let aei_count = count.div_ceil(20).max(1);
    let aei: Vec<(String, String)> = (1..=aei_count)
        .map(|n| {
            (format!("AEI.{:02}.{:02}", n.div_ceil(5), (n - 1) % 5 + 1), format!("Acción estratégica sintética {n}"))
        })
        .collect();
    let activities = (1..=count)
        .map(|n| {
            let aggregation = match rng.below(10) {
                0..=5 => Agg::AcumuladoAnual,
                6..=7 => Agg::AcumuladoMensual,
                _ => Agg::NoAcumulado,
            };
            let mut programmed = [Decimal::ZERO; 12];
            let mut executed = [None; 12];
            let base = 1 + rng.below(20);
            for m in 0..12 {
                let p = if rng.below(6) == 0 {
                    0
                } else if aggregation == Agg::AcumuladoMensual {
                    base * (m as u64 + 1)
                } else {
                    base
                };
                programmed[m] = Decimal::from(p);
                // About one follow-up in forty not recorded; execution mostly 70 to 120 % of the
                // programming, one month in ten below 70 %.
                let pct = if rng.below(10) == 0 { rng.below(70) } else { 70 + rng.below(51) };
                executed[m] = if rng.below(40) == 0 { None } else { Some(Decimal::from(p * pct / 100)) };
            }
            Activity {
                code: format!("AOI{:08}", number * 100_000 + n),
                name: format!("Actividad operativa sintética {n}"),
                unit: if rng.below(2) == 0 { "informe" } else { "acción" }.to_string(),
                priority: Some(u32::try_from(n).unwrap_or(u32::MAX)),
                aei: aei[(n - 1) * aei_count / count.max(1)].0.clone(),
                aggregation,
                programmed,
                executed,
            }
        })
        .collect();
    PoiPlan {
        entity_code: format!("E{number:04}"),
        entity_name: format!("Entidad sintética {number} (cifras inventadas)"),
        sector: "99 SINTÉTICO".to_string(),
        year,
        profile: avance_core::poi::PoiProfile::v2022().id(),
        aei,
        activities,
    }
}

/// Entity `number`'s synthetic PEI over `years`, with about `indicators` indicators (one or two per
/// OEI, one per AEI, four AEI per OEI), valores obtenidos up to `cut`: invented figures, said in
/// the entity's name.
pub fn pei(number: usize, indicators: usize, years: YearRange, cut: Year, seed: u64) -> avance_core::pei::PeiPlan {
    use avance_core::pei::{PeiElement, PeiPlan};
    let mut rng = Lcg::new(seed.wrapping_mul(1_000_033).wrapping_add(number as u64));
    let mut elements = Vec::new();
    let mut actions = Vec::new();
    let mut made = Vec::new();
    let element = |code: String, name: String| PeiElement {
        code: code.parse().expect("generated codes are valid"),
        name: Some(name),
    };
    let mut o = 0;
    while made.len() < indicators.max(1) && o < 999 {
        o += 1;
        elements.push(element(format!("OEI.{o:02}"), format!("Objetivo estratégico sintético {o}")));
        for k in 1..=2 {
            if made.len() < indicators && (k == 1 || rng.below(2) == 0) {
                made.push(format!("IND.{k:02}.OEI.{o:02}"));
            }
        }
        for a in 1..=4 {
            if made.len() < indicators {
                actions.push(element(format!("AEI.{o:02}.{a:02}"), format!("Acción estratégica sintética {o}.{a}")));
                made.push(format!("IND.01.AEI.{o:02}.{a:02}"));
            }
        }
    }
    elements.extend(actions);
    let indicators = made
        .into_iter()
        .map(|code| {
            let code: avance_core::pei::PeiCode = code.parse().expect("generated codes are valid");
            let mut ind = indicator(&mut rng, code, years);
            let later: Vec<Year> = ind.actuals.keys().copied().filter(|y| *y > cut).collect();
            for y in later {
                ind.actuals.remove(&y);
            }
            ind
        })
        .collect();
    PeiPlan {
        entity_code: format!("E{number:04}"),
        entity_name: format!("Entidad sintética {number} (cifras inventadas)"),
        sector: "99 SINTÉTICO".to_string(),
        first_year: years.first,
        last_year: years.last,
        profile: "ceplan-pei@2020".to_string(),
        elements,
        indicators,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_policy_the_command_accepts_is_made() {
        let years = YearRange { first: Year::new(2023).expect("year"), last: Year::new(2024).expect("year") };
        let p = policy(1, 40_000, years, 7);
        assert_eq!(p.indicators().len(), 40_000);
        assert_eq!(p.objectives().len(), 953, "42 indicators per objective: 2 + 10 lineamientos × 4");
        // Up to 21,978 indicators the shape stays 22 per objective, as before.
        assert_eq!(policy(1, 21_978, years, 7).objectives().len(), 999);
        assert_eq!(policy(1, 21_979, years, 7).objectives().len(), 846, "26 per objective");
    }

    #[test]
    fn a_portfolio_computed_on_every_core_is_computed_in_order() {
        let years = YearRange { first: Year::new(2021).expect("year"), last: Year::new(2024).expect("year") };
        let year = Year::new(2024).expect("year");
        let policies = portfolio(7, 40, years, 3);
        let one_by_one: Vec<_> = policies.iter().map(|p| avance_core::compute::compute(p, year)).collect();
        assert_eq!(avance_core::compute::compute_all(&policies, year), one_by_one);
        assert!(avance_core::compute::compute_all::<Policy>(&[], year).is_empty());
    }

    #[test]
    fn a_synthetic_pei_is_a_valid_plan() {
        let y = |n| Year::new(n).expect("year");
        let plan = pei(7, 40, YearRange { first: y(2024), last: y(2030) }, y(2026), 1);
        assert_eq!(plan.indicators.len(), 40);
        assert_eq!(plan.problems(), Vec::new());
        assert!(plan.indicators.iter().all(|i| i.actuals.keys().all(|y| y.get() <= 2026)));
        let text = crate::pei::to_json(&plan);
        let value = serde_json::from_str(&text).expect("json");
        let back = crate::pei::parse_value(std::path::Path::new("x"), &value).expect("reads back");
        assert_eq!(back, plan);
    }
}
