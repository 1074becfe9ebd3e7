//! The national portfolio: every loaded policy computed for a year and summed up (the figures
//! the portfolio's reports show), without holding the whole portfolio in memory.

use avance_core::model::{Policy, Year};
use avance_core::portfolio::{PolicyFigures, figures};
use avance_core::profile::RuleProfile;
use avance_core::progress::ProgressMethod;
use avance_store::Values;

use crate::App;

/// A portfolio's figures for one year: a line per policy, by code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortfolioFigures {
    pub year: Year,
    pub policies: Vec<PolicyFigures>,
}

/// The outlook `method` set on a profile (a result's, where the reports read it), when one is
/// given.
pub fn with_method(method: Option<ProgressMethod>) -> impl Fn(&mut RuleProfile) + Send + Sync + Copy {
    move |profile: &mut RuleProfile| {
        if let Some(m) = method {
            profile.progress = m;
        }
    }
}

/// The figures of policies already in memory (a directory of datasets) for `year` (by default
/// the last year of any of them), on every core; `None` when there is no policy and no year.
pub fn of_policies(
    policies: &[Policy],
    year: Option<Year>,
    method: Option<ProgressMethod>,
) -> Option<PortfolioFigures> {
    let year = year.or_else(|| policies.iter().map(|p| p.meta().years.last).max())?;
    Some(PortfolioFigures { year, policies: avance_core::portfolio::figures_all(policies, year, with_method(method)) })
}

/// The figures of the portfolio in a directory of datasets (a folder per policy, what `avance
/// generate --out` writes) for `year`, by default the last year of any policy (found first from
/// each file's years alone): each policy read, summed up and let go on every core, so that memory
/// holds a few policies at a time. `Ok(None)` when there is no policy and no year; every problem
/// of every file otherwise.
pub fn of_datasets(
    dir: &std::path::Path,
    year: Option<Year>,
    method: Option<ProgressMethod>,
) -> Result<Option<PortfolioFigures>, Vec<avance_import::issue::Issue>> {
    use avance_import::dataset::{last_year_of_portfolio, read_portfolio, read_portfolio_with};
    let year = match year {
        Some(year) => Some(year),
        None => last_year_of_portfolio(dir)?,
    };
    match year {
        Some(year) => {
            let adjust = with_method(method);
            let policies = read_portfolio_with(dir, |p| figures(&p, year, adjust))?;
            Ok(Some(PortfolioFigures { year, policies }))
        }
        // No file tells its years: the full read reports why (or, for files that read after
        // all, computes them as they are).
        None => {
            let policies = read_portfolio(dir)?;
            let figures = of_policies(&policies, None, method);
            // The process ends soon: the system takes its memory back at once, where freeing a
            // national portfolio's millions of values one by one takes seconds.
            std::mem::forget(policies);
            Ok(figures)
        }
    }
}

impl App {
    /// Every loaded policy's figures for `year` (by default the last year of any policy), each
    /// under its own profile and with the outlook `method` when one is given. Policies are read
    /// and computed on every core; only what computing the year needs is read (every target,
    /// the actuals up to the year), and each policy is let go as soon as it is summed up, so
    /// memory holds a few policies at a time, not the portfolio. `None` when the database has
    /// no policy and no year is given.
    pub async fn portfolio(
        &self,
        year: Option<Year>,
        method: Option<ProgressMethod>,
    ) -> Result<Option<PortfolioFigures>, crate::AppError> {
        let year = match year {
            Some(y) => y,
            None => match self.store.latest_year().await? {
                None => return Ok(None),
                Some(y) => u16::try_from(y).ok().and_then(|y| Year::new(y).ok()).ok_or_else(|| {
                    avance_store::StoreError::Corrupt { policy: String::new(), detail: format!("last_year {y}") }
                })?,
            },
        };
        let adjust = with_method(method);
        let policies =
            self.store.read_policies_with(None, Values::For(year), move |p| figures(&p, year, adjust)).await?;
        Ok(Some(PortfolioFigures { year, policies }))
    }
}
