//! The follow-up of an entity's PEI: the figures of a year under the profile of a version of
//! CEPLAN's application.

use avance_core::model::Year;
use avance_core::pei::{PeiPlan, PeiResult, compute};
use avance_core::profile::RuleProfile;

use crate::error::{AppError, Field, Problem};

/// The year a PEI's follow-up is cut at when none is asked for: the last year of its period with a
/// valor obtenido, or its first year when none has one yet.
pub fn default_year(plan: &PeiPlan) -> Year {
    let last = plan.indicators.iter().flat_map(|i| i.actuals.keys().copied()).filter(|y| *y <= plan.last_year).max();
    last.unwrap_or(plan.first_year)
}

/// The figures of `plan` cut at `year` (by default [`default_year`]) under the profile `profile`
/// names (the plan's own when `None`; a `ceplan-pei` one).
pub fn pei_figures(plan: &PeiPlan, year: Option<u16>, profile: Option<&str>) -> Result<PeiResult, AppError> {
    let id = profile.unwrap_or(&plan.profile);
    let profile = RuleProfile::find(id)
        .filter(|p| p.name == "ceplan-pei")
        .ok_or_else(|| AppError::invalid(Field::Profile, Problem::PeiProfileUnknown(id.to_string())))?;
    let (first, last) = (plan.first_year.get(), plan.last_year.get());
    let year = match year {
        None => default_year(plan),
        Some(y) => Year::new(y)
            .ok()
            .filter(|y| (first..=last).contains(&y.get()))
            .ok_or_else(|| AppError::invalid(Field::Year, Problem::PeiYear(y, first, last)))?,
    };
    compute(plan, year, &profile).map_err(|_| AppError::invalid(Field::Year, Problem::PeiYear(year.get(), first, last)))
}

/// The valores obtenidos of a year of an entity's PEI, as typed in one form (or one API call):
/// recorded all together or not at all. An empty value removes the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeiEntry {
    pub entity: String,
    /// The first year of the plan's period (`None`: the entity's latest PEI).
    pub first_year: Option<i32>,
    pub year: u16,
    /// `(indicator code, value as typed)`.
    pub values: Vec<(String, String)>,
}

/// The most indicators one entry takes.
pub const MAX_INDICATORS: usize = 2000;

/// What recording a year's values did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedPei {
    /// The change set written; `None` when every value was already the one recorded.
    pub change: Option<i64>,
    /// The indicators whose value changed.
    pub changed: Vec<String>,
}

/// One change of an indicator's value in a PEI's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeiValueChange {
    pub change: i64,
    pub at: String,
    pub author: String,
    pub reason: String,
    pub year: u16,
    /// `target` (logro esperado) or `actual` (valor obtenido).
    pub role: &'static str,
    /// As written; `None` where it was removed.
    pub value: Option<String>,
}

/// A stored document read back; it was written by avance, so a failure is the database's.
fn stored_plan(entity: &str, document: &str) -> Result<PeiPlan, AppError> {
    stored_document(&format!("PEI {entity}"), "pei.json", document, avance_import::pei::parse_value)
}

/// A plan's document as the store keeps it (a revision or a published snapshot) read back; what
/// fails to read is a corrupt store (`what` names the plan), never the user's input.
pub(crate) fn stored_document<P>(
    what: &str,
    file: &str,
    document: &str,
    parse: impl Fn(&std::path::Path, &serde_json::Value) -> Result<P, Vec<avance_import::issue::Issue>>,
) -> Result<P, AppError> {
    let corrupt =
        |detail: String| AppError::Store(avance_store::StoreError::Corrupt { policy: what.to_string(), detail });
    let value: serde_json::Value = serde_json::from_str(document).map_err(|e| corrupt(e.to_string()))?;
    parse(std::path::Path::new(file), &value)
        .map_err(|issues| corrupt(issues.first().map(|i| i.render(avance_core::lang::Lang::En)).unwrap_or_default()))
}

/// A plan as the store keeps a revision of it.
fn revision(plan: &PeiPlan) -> avance_store::pei::PeiDocument {
    avance_store::pei::PeiDocument {
        entity_name: plan.entity_name.clone(),
        last_year: i32::from(plan.last_year.get()),
        profile: plan.profile.clone(),
        indicators: i64::try_from(plan.indicators.len()).unwrap_or(i64::MAX),
        document: avance_import::pei::to_json(plan),
    }
}

impl crate::App {
    /// Loads an entity's PEI (a new revision when it differs from the one stored), audited.
    pub async fn load_pei(&self, actor: &crate::Actor, plan: &PeiPlan, reason: &str) -> Result<Option<i64>, AppError> {
        self.allow(actor, avance_core::access::Action::LoadData, &avance_core::access::Resource::Site)?;
        let at = self.now();
        let subject = format!("PEI {} {}-{}", plan.entity_code, plan.first_year, plan.last_year);
        let entry = avance_store::app::NewAudit {
            subject: Some(&subject),
            detail: Some(reason),
            ..avance_store::app::NewAudit::new(&at, &actor.name, avance_core::access::Event::LoadPei)
        };
        let update = |_: Option<&str>| {
            Ok::<_, AppError>(Some(avance_store::pei::PeiUpdate { revision: revision(plan), details: Vec::new() }))
        };
        let first = i32::from(plan.first_year.get());
        self.store.update_pei(&plan.entity_code, first, &actor.name, reason, &entry, &update).await?
    }

    /// Every loaded PEI.
    pub async fn pei_plans(&self) -> Result<Vec<avance_store::pei::PeiSummary>, AppError> {
        Ok(self.store.pei_plans().await?)
    }

    /// An entity's PEI as it stands: the one whose period starts `first_year`, or its latest.
    pub async fn pei(
        &self,
        entity: &str,
        first_year: Option<i32>,
    ) -> Result<(avance_store::pei::PeiSummary, PeiPlan), AppError> {
        let stored = self.store.pei(entity, first_year).await?.ok_or(AppError::NotFound(crate::Missing::Pei))?;
        let plan = stored_plan(entity, &stored.document)?;
        Ok((stored.summary, plan))
    }

    /// Every change of an indicator's logros esperados and valores obtenidos, oldest first: who,
    /// when, why, the year and the value.
    pub async fn pei_history(
        &self,
        entity: &str,
        first_year: Option<i32>,
        indicator: &str,
    ) -> Result<Vec<PeiValueChange>, AppError> {
        let (summary, plan) = self.pei(entity, first_year).await?;
        if !plan.indicators.iter().any(|i| i.code.as_str() == indicator) {
            return Err(AppError::NotFound(crate::Missing::PeiIndicator));
        }
        let revisions = self.store.pei_revisions(&summary.entity_code, summary.first_year).await?;
        let mut out = Vec::new();
        let mut before: [avance_core::model::Series; 2] = Default::default();
        for r in revisions {
            let plan = stored_plan(entity, &r.document)?;
            let now: [avance_core::model::Series; 2] = plan
                .indicators
                .iter()
                .find(|i| i.code.as_str() == indicator)
                .map(|i| [i.targets.clone(), i.actuals.clone()])
                .unwrap_or_default();
            for (k, role) in ["target", "actual"].into_iter().enumerate() {
                let years: std::collections::BTreeSet<Year> = before[k].keys().chain(now[k].keys()).copied().collect();
                for y in years {
                    let (old, new) = (before[k].get(&y), now[k].get(&y));
                    if old.map(|c| c.text()) != new.map(|c| c.text()) {
                        out.push(PeiValueChange {
                            change: r.change,
                            at: r.at.clone(),
                            author: r.author.clone(),
                            reason: r.reason.clone(),
                            year: y.get(),
                            role,
                            value: new.map(|c| c.text().to_string()),
                        });
                    }
                }
            }
            before = now;
        }
        Ok(out)
    }

    /// Records the valores obtenidos of a year of an entity's PEI, by the entity's planning
    /// office, all together in one change set or none: each refused value is named by its
    /// position in [`AppError::Items`]. The year must be of the plan's period and have begun.
    pub async fn record_pei_values(&self, actor: &crate::Actor, e: &PeiEntry) -> Result<RecordedPei, AppError> {
        use avance_core::access::{Action, Event, Resource};
        self.allow(actor, Action::RecordExecution, &Resource::Entity { code: &e.entity })?;
        if e.values.is_empty() || e.values.len() > MAX_INDICATORS {
            return Err(AppError::invalid(Field::Items, Problem::IndicatorCount(MAX_INDICATORS)));
        }
        let (summary, _) = self.pei(&e.entity, e.first_year).await?;
        let (first, last) = (summary.first_year, summary.last_year);
        let to_u16 = |y: i32| u16::try_from(y).unwrap_or_default();
        if !(first..=last).contains(&i32::from(e.year)) {
            return Err(AppError::invalid(Field::Year, Problem::PeiYear(e.year, to_u16(first), to_u16(last))));
        }
        if i32::from(e.year) > crate::tracking::lima_today(self.clock.now()).year() {
            return Err(AppError::invalid(Field::Year, Problem::PeiYearNotStarted(e.year)));
        }
        let year = Year::new(e.year).map_err(|_| AppError::invalid(Field::Year, Problem::PeiYear(e.year, 0, 0)))?;
        let at = self.now();
        let subject = format!("PEI {} {}-{}", summary.entity_code, first, last);
        let entry = avance_store::app::NewAudit {
            subject: Some(&subject),
            ..avance_store::app::NewAudit::new(&at, &actor.name, Event::RecordPeiValue)
        };
        let changed = std::sync::Mutex::new(Vec::new());
        let update = |current: Option<&str>| -> Result<Option<avance_store::pei::PeiUpdate>, AppError> {
            let mut plan = stored_plan(&e.entity, current.ok_or(AppError::NotFound(crate::Missing::Pei))?)?;
            let mut refused = Vec::new();
            let mut details = Vec::new();
            let mut names = Vec::new();
            for (i, (code, text)) in e.values.iter().enumerate() {
                let Some(ind) = plan.indicators.iter_mut().find(|ind| ind.code.as_str() == code) else {
                    refused.push((i, AppError::NotFound(crate::Missing::PeiIndicator)));
                    continue;
                };
                if e.values[..i].iter().any(|(c, _)| c == code) {
                    refused.push((i, AppError::invalid(Field::Items, Problem::RepeatedIndicator)));
                    continue;
                }
                let value = match text.trim() {
                    "" => None,
                    t => match ind.parse_value(t) {
                        Ok(cell) => Some(cell),
                        Err(err) => {
                            refused.push((i, AppError::invalid(Field::Value, Problem::Value(err, ind.unit))));
                            continue;
                        }
                    },
                };
                if ind.actuals.get(&year).map(|c| c.text()) == value.as_ref().map(|c| c.text()) {
                    continue;
                }
                let shown = value.as_ref().map_or("—".to_string(), |c| c.text().to_string());
                details.push(format!("{code} {}: {shown}", e.year));
                names.push(code.clone());
                match value {
                    Some(c) => ind.actuals.insert(year, c),
                    None => ind.actuals.remove(&year),
                };
            }
            if !refused.is_empty() {
                return Err(AppError::Items(refused));
            }
            if details.is_empty() {
                return Ok(None);
            }
            *changed.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = names;
            Ok(Some(avance_store::pei::PeiUpdate { revision: revision(&plan), details }))
        };
        let reason = format!("valores obtenidos {}", e.year);
        let change =
            self.store.update_pei(&summary.entity_code, first, &actor.name, &reason, &entry, &update).await??;
        let changed = if change.is_some() { changed.into_inner().unwrap_or_default() } else { Vec::new() };
        Ok(RecordedPei { change, changed })
    }
}

/// The overview's row of each PEI, by entity and first year.
pub type RowsCache = std::collections::HashMap<(String, i32), PeiRow>;

/// An entity's PEI with the figures of a follow-up year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeiPage {
    pub summary: avance_store::pei::PeiSummary,
    pub plan: PeiPlan,
    pub figures: PeiResult,
    /// Its published follow-ups (every year), oldest first.
    pub published: Vec<avance_store::pei::PeiSnapshot>,
}

/// One PEI in the overview across entities: the counts of its latest year with values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeiRow {
    pub summary: avance_store::pei::PeiSummary,
    /// The follow-up year: the last of the period with a value obtained.
    pub year: Year,
    /// Indicators of the year with an avance, with "(*)", and ND.
    pub valued: usize,
    pub zero_target: usize,
    pub nd: usize,
}

/// What the planning office's form for a year's values shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeiEntryView {
    pub summary: avance_store::pei::PeiSummary,
    pub plan: PeiPlan,
    pub year: u16,
    /// The years of the period that have begun: those whose values may be recorded.
    pub years: Vec<u16>,
}

impl crate::App {
    /// An entity's PEI (the one starting `first_year`, or its latest) with the figures of `year`
    /// (by default its last year with values).
    pub async fn pei_page(
        &self,
        entity: &str,
        first_year: Option<i32>,
        year: Option<u16>,
    ) -> Result<PeiPage, AppError> {
        let (summary, plan) = self.pei(entity, first_year).await?;
        let figures = pei_figures(&plan, year, None)?;
        let published = self.store.pei_snapshots(&summary.entity_code, summary.first_year, None).await?;
        Ok(PeiPage { summary, plan, figures, published })
    }

    /// Every loaded PEI with the figures of its last year with values. Only the PEIs changed since
    /// the last call are read and computed again (all in one read when there are many): the rows
    /// of the others are kept by their latest change set.
    pub async fn pei_overview(&self) -> Result<Vec<PeiRow>, AppError> {
        let summaries = self.store.pei_plans().await?;
        let kept = |s: &avance_store::pei::PeiSummary| {
            let cache = self.pei_rows.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            cache.get(&(s.entity_code.clone(), s.first_year)).filter(|r| r.summary == *s).cloned()
        };
        let stale = summaries.iter().filter(|s| kept(s).is_none()).count();
        let mut documents: std::collections::HashMap<(String, i32), String> = if stale > 20 {
            self.store
                .pei_documents()
                .await?
                .into_iter()
                .map(|d| ((d.summary.entity_code, d.summary.first_year), d.document))
                .collect()
        } else {
            std::collections::HashMap::new()
        };
        let mut out = Vec::with_capacity(summaries.len());
        for summary in summaries {
            if let Some(row) = kept(&summary) {
                out.push(row);
                continue;
            }
            let key = (summary.entity_code.clone(), summary.first_year);
            let plan = match documents.remove(&key) {
                Some(d) => stored_plan(&summary.entity_code, &d)?,
                None => self.pei(&summary.entity_code, Some(summary.first_year)).await?.1,
            };
            let figures = pei_figures(&plan, None, None)?;
            let cut = figures.cut;
            let of_year = || figures.rows.iter().filter(move |r| r.year == cut);
            let valued = of_year().filter(|r| matches!(r.figure, avance_core::pei::PeiFigure::Value(_))).count();
            let zero_target = of_year().filter(|r| r.figure == avance_core::pei::PeiFigure::ZeroTarget).count();
            let nd = of_year().filter(|r| matches!(r.figure, avance_core::pei::PeiFigure::Nd(_))).count();
            let row = PeiRow { summary, year: cut, valued, zero_target, nd };
            self.pei_rows.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(key, row.clone());
            out.push(row);
        }
        Ok(out)
    }

    /// The form of a year's values of an entity's PEI, for its planning office: `year` (by
    /// default the latest begun) among the period's years that have begun.
    pub async fn pei_entry(
        &self,
        actor: &crate::Actor,
        entity: &str,
        first_year: Option<i32>,
        year: Option<u16>,
    ) -> Result<PeiEntryView, AppError> {
        use avance_core::access::{Action, Resource};
        self.allow(actor, Action::RecordExecution, &Resource::Entity { code: entity })?;
        let (summary, plan) = self.pei(entity, first_year).await?;
        let this_year = crate::tracking::lima_today(self.clock.now()).year();
        let (first, last) = (plan.first_year.get(), plan.last_year.get());
        let years: Vec<u16> = (first..=last).filter(|y| i32::from(*y) <= this_year).collect();
        let Some(&latest) = years.last() else {
            return Err(AppError::invalid(Field::Year, Problem::PeiYearNotStarted(first)));
        };
        let year = match year {
            None => latest,
            Some(y) if !(first..=last).contains(&y) => {
                return Err(AppError::invalid(Field::Year, Problem::PeiYear(y, first, last)));
            }
            Some(y) if y > latest => return Err(AppError::invalid(Field::Year, Problem::PeiYearNotStarted(y))),
            Some(y) => y,
        };
        Ok(PeiEntryView { summary, plan, year, years })
    }
}

/// The figures document as publishing stores it: pretty JSON with a final newline, the same text
/// `avance pei compute --format json` prints.
fn figures_text(plan: &PeiPlan, result: &PeiResult) -> String {
    let mut s = serde_json::to_string_pretty(&avance_report::pei::json(plan, result)).unwrap_or_default();
    s.push('\n');
    s
}

impl crate::App {
    /// Publishes an entity's PEI follow-up of `year` (by default its last year with values): the
    /// plan as it stands, the profile and the figures frozen with their hash, audited. The
    /// entity's planning office or the administrator.
    pub async fn publish_pei(
        &self,
        actor: &crate::Actor,
        entity: &str,
        first_year: Option<i32>,
        year: Option<u16>,
    ) -> Result<avance_store::pei::PeiSnapshot, AppError> {
        use avance_core::access::{Action, Event, Resource};
        self.allow(actor, Action::Publish, &Resource::Entity { code: entity })?;
        // A change between reading the plan and freezing it: read and compute again.
        for _ in 0..5 {
            let (summary, plan) = self.pei(entity, first_year).await?;
            let result = pei_figures(&plan, year, None)?;
            let (inputs, figures) = (avance_import::pei::to_json(&plan), figures_text(&plan, &result));
            let at = self.now();
            let subject =
                format!("PEI {} {}-{} {}", summary.entity_code, summary.first_year, summary.last_year, result.cut);
            let snapshot = avance_store::pei::NewPeiSnapshot {
                entity: &summary.entity_code,
                first_year: summary.first_year,
                year: i32::from(result.cut.get()),
                as_of: summary.last_change,
                profile: &plan.profile,
                inputs: &inputs,
                figures: &figures,
                published_by: &actor.name,
                audit: avance_store::app::NewAudit {
                    subject: Some(&subject),
                    ..avance_store::app::NewAudit::new(&at, &actor.name, Event::Publish)
                },
            };
            if let Some(s) = self.store.publish_pei(&snapshot).await? {
                tracing::info!(user = %actor.name, entity = %s.entity, year = s.year, hash = %s.content_hash, "PEI published");
                return Ok(s);
            }
        }
        Err(AppError::Conflict(crate::ConflictKind::Busy))
    }

    /// The published follow-ups of an entity's PEI (of `year`, or all), oldest first.
    pub async fn pei_snapshots(
        &self,
        entity: &str,
        first_year: Option<i32>,
        year: Option<u16>,
    ) -> Result<Vec<avance_store::pei::PeiSnapshot>, AppError> {
        let (summary, _) = self.pei(entity, first_year).await?;
        Ok(self.store.pei_snapshots(&summary.entity_code, summary.first_year, year.map(i32::from)).await?)
    }
}

/// A published follow-up regenerated from its frozen inputs and profile: the plan, its figures,
/// and whether they are the very figures published (the same text, and the same hash).
pub fn regenerate(s: &avance_store::pei::PeiSnapshot) -> Result<(PeiPlan, PeiResult, bool), AppError> {
    let plan = stored_plan(&s.entity, &s.inputs)?;
    let year = u16::try_from(s.year).ok();
    let result = pei_figures(&plan, year, Some(&s.profile))?;
    let figures = figures_text(&plan, &result);
    let same = figures == s.figures && avance_store::content_hash(&s.profile, &s.inputs, &figures) == s.content_hash;
    Ok((plan, result, same))
}
