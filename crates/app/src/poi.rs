//! The use cases of an entity's Plan Operativo Institucional (POI): load it, list and read what is
//! loaded, record an activity's monthly execution (the entity's planning office), and compute its
//! figures for a period as a version of CEPLAN's application prints them.

use avance_core::Decimal;
use avance_core::access::{Action, Event, Resource};
use avance_core::poi::{Period, PoiPlan, PoiProfile, PoiResult, month_deadline};
use avance_core::value::{Cell, Unit, ValueError};
use avance_store::app::NewAudit;
use avance_store::poi::{MonthRevision, MonthRole, MonthsChange, PoiLoadOutcome, PoiSummary};

use crate::{Actor, App, AppError, Field, Missing, Problem};

/// A month's execution as a user typed it: empty text removes the record (the month is without
/// follow-up again).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutionEntry {
    pub entity: String,
    pub year: i32,
    pub activity: String,
    pub month: u8,
    pub value: String,
}

/// A month's execution of several activities, as typed in one form (or one API call): recorded
/// all together or not at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthEntry {
    pub entity: String,
    pub year: i32,
    pub month: u8,
    /// `(activity, value as typed)`; an empty value removes the record.
    pub values: Vec<(String, String)>,
}

/// The most activities one entry takes.
pub const MAX_ACTIVITIES: usize = 5000;

/// What recording a month's execution did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedMonth {
    /// The change set written; `None` when every value was already the one recorded.
    pub change: Option<i64>,
    /// The activities whose value changed.
    pub changed: Vec<String>,
    /// The month's follow-up was due before today (note iv): recorded late.
    pub late: bool,
    /// The last day to record the month, `AAAA-MM-DD`.
    pub deadline: String,
}

/// A POI's figures for a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoiFigures {
    pub profile: PoiProfile,
    pub period: Period,
    pub result: PoiResult,
}

/// The period of months `first..=last` of a plan reported on `as_of` (`(year, month)`; `None`:
/// every month of the period is due), and the profile `profile` names (the plan's own when
/// `None`), with the figures `year_means` asks for (the year's means rather than the period's).
pub fn poi_figures(
    plan: &PoiPlan,
    months: (u8, u8),
    as_of: Option<(i32, u8)>,
    profile: Option<&str>,
    year_means: bool,
) -> Result<PoiFigures, AppError> {
    let id = profile.unwrap_or(&plan.profile);
    let profile = PoiProfile::find(id)
        .ok_or_else(|| AppError::invalid(Field::Profile, Problem::PoiProfileUnknown(id.to_string())))?;
    if months.0 < 1 || months.1 > 12 || months.0 > months.1 {
        return Err(AppError::invalid(Field::Month, Problem::MonthRange));
    }
    let period = match as_of {
        Some((y, m)) => Period::on(months.0, months.1, plan.year, y, m),
        None => Period { first: months.0, last: months.1, due_through: months.1 },
    };
    let result = avance_core::poi::compute(&plan.activities, period, &profile, year_means);
    Ok(PoiFigures { profile, period, result })
}

/// [`poi_figures`] of many plans, in order, shared out among the machine's cores (plans are
/// independent); the first refusal stops it.
pub fn portfolio_figures(
    plans: &[PoiPlan],
    months: (u8, u8),
    as_of: Option<(i32, u8)>,
    profile: Option<&str>,
    year_means: bool,
) -> Result<Vec<PoiFigures>, AppError> {
    avance_core::compute::on_every_core(plans, |p| poi_figures(p, months, as_of, profile, year_means))
        .into_iter()
        .collect()
}

/// An entity's POI as its page shows it: the figures of a period as of today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoiPage {
    pub plan: PoiPlan,
    pub figures: PoiFigures,
    /// Today in Lima, `AAAA-MM-DD`: the report's date (which months are due).
    pub today: String,
    /// The published follow-ups of this POI, oldest first.
    pub published: Vec<avance_store::poi::PoiSnapshot>,
}

/// One POI in the overview across entities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoiRow {
    pub summary: PoiSummary,
    pub figures: PoiFigures,
}

/// What the planning office's monthly entry form shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryView {
    pub plan: PoiPlan,
    pub month: u8,
    /// The months that may be recorded (those begun), January first.
    pub months: Vec<u8>,
    /// The last day to record the month, `AAAA-MM-DD`.
    pub deadline: String,
    /// Days from today to the deadline (negative: late).
    pub days_left: i64,
}

/// The months of a plan of `year` that have ended on `today` (`(year, month)`), as a period:
/// January to the last month ended (January alone before any has).
pub fn ended_months(year: i32, today: (i32, u8)) -> (u8, u8) {
    match today.0.cmp(&year) {
        std::cmp::Ordering::Greater => (1, 12),
        std::cmp::Ordering::Equal => (1, today.1.saturating_sub(1).max(1)),
        std::cmp::Ordering::Less => (1, 1),
    }
}

/// Each POI's overview figures by `(entity, year)`, with the change set and the month they were
/// computed at.
pub type FiguresCache = std::collections::HashMap<(String, i32), (i64, (i32, u8), PoiFigures)>;

/// `(y, m, d)` as `AAAA-MM-DD`.
fn day((y, m, d): (i32, u8, u8)) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

impl App {
    /// Loads an entity's POI: a new change set with what differs from the database (nothing if
    /// nothing does), audited in the same transaction.
    pub async fn load_poi(&self, actor: &Actor, plan: &PoiPlan, reason: &str) -> Result<PoiLoadOutcome, AppError> {
        self.allow(actor, Action::LoadData, &Resource::Site)?;
        let at = self.now();
        let subject = format!("POI {} {}", plan.entity_code, plan.year);
        let entry = NewAudit {
            subject: Some(&subject),
            detail: Some(reason),
            ..NewAudit::new(&at, &actor.name, Event::LoadPoi)
        };
        Ok(self.store.load_poi(plan, &actor.name, reason, Some(&entry)).await?)
    }

    /// Every loaded POI.
    pub async fn poi_plans(&self) -> Result<Vec<PoiSummary>, AppError> {
        Ok(self.store.poi_plans().await?)
    }

    /// Every loaded POI whole (of `year` only, when given), by entity and year.
    pub async fn all_pois(&self, year: Option<i32>) -> Result<Vec<PoiPlan>, AppError> {
        Ok(self.store.pois(year).await?)
    }

    /// An entity's POI of a year, or of its latest year when `year` is `None`.
    pub async fn poi(&self, entity: &str, year: Option<i32>) -> Result<PoiPlan, AppError> {
        let year = match year {
            Some(y) => y,
            None => self
                .store
                .poi_plans()
                .await?
                .into_iter()
                .filter(|p| p.entity_code == entity)
                .map(|p| p.year)
                .max()
                .ok_or(AppError::NotFound(Missing::Poi))?,
        };
        self.store.poi(entity, year).await?.ok_or(AppError::NotFound(Missing::Poi))
    }

    /// Every revision of an activity's months, oldest first.
    pub async fn poi_history(&self, entity: &str, year: i32, activity: &str) -> Result<Vec<MonthRevision>, AppError> {
        Ok(self.store.poi_history(entity, year, activity).await?)
    }

    /// Today in Lima as `(year, month)`: what a POI report generated now counts as due.
    pub fn poi_today(&self) -> (i32, u8) {
        let today = crate::tracking::lima_today(self.clock.now());
        (today.year(), u8::from(today.month()))
    }

    /// An entity's POI with the figures of `months` (by default January to the last month
    /// ended) as a report generated today would print them.
    pub async fn poi_page(
        &self,
        entity: &str,
        year: Option<i32>,
        months: Option<(u8, u8)>,
    ) -> Result<PoiPage, AppError> {
        let plan = self.poi(entity, year).await?;
        let today = self.poi_today();
        let months = months.unwrap_or_else(|| ended_months(plan.year, today));
        let figures = poi_figures(&plan, months, Some(today), None, false)?;
        let d = crate::tracking::lima_today(self.clock.now());
        let published = self.store.poi_snapshots(&plan.entity_code, plan.year).await?;
        Ok(PoiPage { plan, figures, today: day((d.year(), u8::from(d.month()), d.day())), published })
    }

    /// Every loaded POI with its total from January to the last month ended, as of today. Only
    /// the POIs changed since the last call (or all, when the month turned) are read and computed
    /// again: the figures of the others are kept by their latest change set.
    pub async fn poi_overview(&self) -> Result<Vec<PoiRow>, AppError> {
        let today = self.poi_today();
        let summaries = self.store.poi_plans().await?;
        let fresh = |s: &PoiSummary| {
            let cache = self.poi_figures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            cache
                .get(&(s.entity_code.clone(), s.year))
                .filter(|(change, day, _)| *change == s.last_change && *day == today)
                .map(|x| x.2.clone())
        };
        let stale = summaries.iter().filter(|s| fresh(s).is_none()).count();
        // Many to compute again (the first call, a new month): every plan in one read.
        let mut all: std::collections::HashMap<(String, i32), PoiPlan> = if stale > 20 {
            self.store.pois(None).await?.into_iter().map(|p| ((p.entity_code.clone(), p.year), p)).collect()
        } else {
            std::collections::HashMap::new()
        };
        let mut rows = Vec::with_capacity(summaries.len());
        for summary in summaries {
            let figures = match fresh(&summary) {
                Some(f) => f,
                None => {
                    let key = (summary.entity_code.clone(), summary.year);
                    let plan = match all.remove(&key) {
                        Some(p) => p,
                        None => self.poi(&summary.entity_code, Some(summary.year)).await?,
                    };
                    let f = poi_figures(&plan, ended_months(plan.year, today), Some(today), None, false)?;
                    let mut cache = self.poi_figures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                    cache.insert(key, (summary.last_change, today, f.clone()));
                    f
                }
            };
            rows.push(PoiRow { summary, figures });
        }
        Ok(rows)
    }

    /// The monthly entry form of an entity's POI for its planning office: `month`, or by default
    /// the last month ended (whose follow-up is due by the end of this one).
    pub async fn poi_entry(
        &self,
        actor: &Actor,
        entity: &str,
        year: Option<i32>,
        month: Option<u8>,
    ) -> Result<EntryView, AppError> {
        self.allow(actor, Action::RecordExecution, &Resource::Entity { code: entity })?;
        let plan = self.poi(entity, year).await?;
        let today = self.poi_today();
        let begun: u8 = match today.0.cmp(&plan.year) {
            std::cmp::Ordering::Greater => 12,
            std::cmp::Ordering::Equal => today.1,
            std::cmp::Ordering::Less => 0,
        };
        if begun == 0 {
            return Err(AppError::invalid(Field::Month, Problem::MonthNotStarted(day((plan.year, 1, 1)))));
        }
        let month = match month {
            Some(m) if !(1..=12).contains(&m) => return Err(AppError::invalid(Field::Month, Problem::MonthRange)),
            Some(m) if m > begun => {
                return Err(AppError::invalid(Field::Month, Problem::MonthNotStarted(day((plan.year, m, 1)))));
            }
            Some(m) => m,
            None => ended_months(plan.year, today).1.min(begun),
        };
        let due = month_deadline(plan.year, month);
        let d = crate::tracking::lima_today(self.clock.now());
        let days_left =
            time::Date::from_calendar_date(due.0, time::Month::try_from(due.1).unwrap_or(time::Month::January), due.2)
                .map(|deadline| (deadline - d).whole_days())
                .unwrap_or_default();
        Ok(EntryView { plan, month, months: (1..=begun).collect(), deadline: day(due), days_left })
    }

    /// Records (or, with an empty value, removes) an activity's execution of a month: the
    /// entity's planning office, from the month's first day on. A month whose follow-up was due
    /// (the last day of the following month, note iv) is still recorded, marked late in the
    /// answer and the audit log: a report generated before keeps its S.I. in the history.
    pub async fn record_execution(&self, actor: &Actor, e: &ExecutionEntry) -> Result<RecordedMonth, AppError> {
        let entry = MonthEntry {
            entity: e.entity.clone(),
            year: e.year,
            month: e.month,
            values: vec![(e.activity.clone(), e.value.clone())],
        };
        self.record_month(actor, &entry).await.map_err(|err| match err {
            AppError::Items(mut items) if items.len() == 1 => items.remove(0).1,
            other => other,
        })
    }

    /// [`App::record_execution`] for several activities of one month at once, in one
    /// transaction: each refused value is named by its position in [`AppError::Items`], and then
    /// nothing is recorded.
    pub async fn record_month(&self, actor: &Actor, e: &MonthEntry) -> Result<RecordedMonth, AppError> {
        self.allow(actor, Action::RecordExecution, &Resource::Entity { code: &e.entity })?;
        if !(1..=12).contains(&e.month) {
            return Err(AppError::invalid(Field::Month, Problem::MonthRange));
        }
        if e.values.is_empty() || e.values.len() > MAX_ACTIVITIES {
            return Err(AppError::invalid(Field::Items, Problem::ActivityCount(MAX_ACTIVITIES)));
        }
        let plan = self.store.poi(&e.entity, e.year).await?.ok_or(AppError::NotFound(Missing::Poi))?;
        let today = crate::tracking::lima_today(self.clock.now());
        let now = (today.year(), u8::from(today.month()), today.day());
        if (now.0, now.1) < (e.year, e.month) {
            return Err(AppError::invalid(Field::Month, Problem::MonthNotStarted(day((e.year, e.month, 1)))));
        }
        let mut values = Vec::with_capacity(e.values.len());
        let mut refused = Vec::new();
        for (i, (activity, text)) in e.values.iter().enumerate() {
            if !plan.activities.iter().any(|a| a.code == *activity) {
                refused.push((i, AppError::NotFound(Missing::Activity)));
            } else if e.values[..i].iter().any(|(a, _)| a == activity) {
                refused.push((i, AppError::invalid(Field::Items, Problem::RepeatedActivity)));
            } else {
                match execution(text) {
                    Ok(v) => values.push((activity.clone(), e.month, v)),
                    Err(err) => refused.push((i, err)),
                }
            }
        }
        if !refused.is_empty() {
            return Err(AppError::Items(refused));
        }
        let due = month_deadline(e.year, e.month);
        let late = now > due;
        let at = self.now();
        let subject = format!("POI {} {}", e.entity, e.year);
        let audit = NewAudit { subject: Some(&subject), ..NewAudit::new(&at, &actor.name, Event::RecordExecution) };
        let year = e.year;
        let detail = move |activity: &str, month: u8, value: Option<&str>| {
            format!(
                "{activity} {month:02}/{year}: {}{}",
                value.unwrap_or("—"),
                if late { " (fuera de plazo)" } else { "" }
            )
        };
        let out = self
            .store
            .set_poi_months(
                &MonthsChange {
                    entity: &e.entity,
                    year: e.year,
                    role: MonthRole::Executed,
                    values: &values,
                    reason: "registro de ejecución",
                },
                &audit,
                &detail,
            )
            .await?;
        Ok(RecordedMonth {
            change: out.change,
            changed: out.changed.into_iter().map(|(a, _)| a).collect(),
            late,
            deadline: day(due),
        })
    }
}

/// A month's execution as typed: a quantity of zero or more, or nothing (the record removed).
fn execution(text: &str) -> Result<Option<Decimal>, AppError> {
    match text.trim() {
        "" => Ok(None),
        text => match Cell::parse_signed(text, Unit::Cantidad, false) {
            Ok(Cell::Value(v)) => Ok(Some(v.exact())),
            Ok(Cell::Nd { .. }) => Err(AppError::invalid(Field::Value, Problem::ExecutionNd)),
            Err(ValueError::Negative { .. }) => Err(AppError::invalid(Field::Value, Problem::ExecutionNegative)),
            Err(err) => Err(AppError::invalid(Field::Value, Problem::Value(err, Unit::Cantidad))),
        },
    }
}

/// The figures as the store keeps them published (`avance-poi-compute/1`, pretty, a final newline).
fn figures_text(plan: &PoiPlan, f: &PoiFigures) -> String {
    let mut s = serde_json::to_string_pretty(&avance_report::poi::json(plan, f.period, &f.profile, &f.result))
        .unwrap_or_default();
    s.push('\n');
    s
}

/// `AAAA-MM-DD` as `(year, month)`.
fn year_month(date: &str) -> Option<(i32, u8)> {
    let mut parts = date.split('-');
    let y = parts.next()?.parse().ok()?;
    let m = parts.next()?.parse().ok().filter(|m| (1..=12).contains(m))?;
    Some((y, m))
}

impl App {
    /// Publishes an entity's POI follow-up of `months` (by default January to the last month
    /// ended) as a report generated today prints it: the plan as it stands, the months, the date,
    /// the profile and the figures frozen with their hash, audited. The entity's planning office
    /// or the administrator.
    pub async fn publish_poi(
        &self,
        actor: &Actor,
        entity: &str,
        year: Option<i32>,
        months: Option<(u8, u8)>,
    ) -> Result<avance_store::poi::PoiSnapshot, AppError> {
        self.allow(actor, Action::Publish, &Resource::Entity { code: entity })?;
        // A change between reading the plan and freezing it: read and compute again.
        for _ in 0..5 {
            let year = match year {
                Some(y) => y,
                None => self.poi(entity, None).await?.year,
            };
            let as_of = self.store.poi_last_change(entity, year).await?.ok_or(AppError::NotFound(Missing::Poi))?;
            let page = self.poi_page(entity, Some(year), months).await?;
            let (plan, figures) = (&page.plan, &page.figures);
            let inputs = serde_json::to_string_pretty(&avance_import::poi::to_json(plan)).unwrap_or_default();
            let text = figures_text(plan, figures);
            let at = self.now();
            let period = (figures.period.first, figures.period.last);
            let subject = format!("POI {} {} {}-{}", plan.entity_code, plan.year, period.0, period.1);
            let profile = figures.profile.id();
            let snapshot = avance_store::poi::NewPoiSnapshot {
                entity: &plan.entity_code,
                year: plan.year,
                months: period,
                report_date: &page.today,
                as_of,
                profile: &profile,
                inputs: &inputs,
                figures: &text,
                published_by: &actor.name,
                audit: NewAudit { subject: Some(&subject), ..NewAudit::new(&at, &actor.name, Event::Publish) },
            };
            if let Some(s) = self.store.publish_poi(&snapshot).await? {
                tracing::info!(user = %actor.name, entity = %s.entity, year = s.year, hash = %s.content_hash, "POI published");
                return Ok(s);
            }
        }
        Err(AppError::Conflict(crate::ConflictKind::Busy))
    }

    /// The published follow-ups of an entity's POI of `year` (by default its latest), oldest first.
    pub async fn poi_snapshots(
        &self,
        entity: &str,
        year: Option<i32>,
    ) -> Result<Vec<avance_store::poi::PoiSnapshot>, AppError> {
        let year = match year {
            Some(y) => y,
            None => self.poi(entity, None).await?.year,
        };
        Ok(self.store.poi_snapshots(entity, year).await?)
    }
}

/// A published follow-up regenerated from its frozen inputs, months, date and profile: the plan,
/// its figures, and whether they are the very figures published (the same text, the same hash).
pub fn regenerate(s: &avance_store::poi::PoiSnapshot) -> Result<(PoiPlan, PoiFigures, bool), AppError> {
    let what = format!("POI {} {}", s.entity, s.year);
    let plan = crate::pei::stored_document(&what, "poi.json", &s.inputs, avance_import::poi::parse_value)?;
    let corrupt = || {
        AppError::Store(avance_store::StoreError::Corrupt {
            policy: what.clone(),
            detail: format!("report date {:?}", s.report_date),
        })
    };
    let as_of = year_month(&s.report_date).ok_or_else(corrupt)?;
    let figures = poi_figures(&plan, s.months, Some(as_of), Some(&s.profile), false)?;
    let text = figures_text(&plan, &figures);
    let same = text == s.figures && avance_store::content_hash(&s.profile, &s.inputs, &text) == s.content_hash;
    Ok((plan, figures, same))
}
