//! The anti-Xa forecast as the open case holds it (issue 16): the fit at the replay time (remade when the
//! case or the cursor changes, a few milliseconds) and the back-test on the patient's own history
//! (a refit per anti-Xa: computed once per edit on a background thread, never on the frame path).

use std::sync::{Arc, Mutex};

use eframe::egui;

use crate::analysis::forecast::fit::Population;
use crate::analysis::forecast::outlook::{Band, Outlook};
use crate::analysis::forecast::{Backtest, BacktestPair, backtest_pairs};
use crate::analysis::{Analysis, FindingCode, Prepared};
use crate::model::Anticoagulant;
use crate::model::{Case, ClinicalTime, EventKind, Setting, num};
use crate::protocol::Protocol;
use crate::protocol::forecast_prior::ForecastPrior;

/// What the background back-test and the window share, under one lock: the result once computed, and
/// the window to wake then (whichever comes first, the other sees it).
#[derive(Default)]
struct Mailbox {
    result: Option<Result<Vec<BacktestPair>, String>>,
    wake: Option<egui::Context>,
}

/// The back-test of one case revision: running, or its pairs.
enum BacktestJob {
    Running(Arc<Mutex<Mailbox>>),
    Ready(Vec<BacktestPair>),
    /// No back-test: the same reason as no forecast, or the worker failed.
    Unavailable(String),
}

/// The forecast state of the open case.
pub struct Forecasting {
    prior: Result<ForecastPrior, String>,
    outlook: Result<Outlook, String>,
    backtest: BacktestJob,
    /// The replay time, and what is derived once for it (not per frame): the back-test's verdict and the
    /// card's line.
    as_of: ClinicalTime,
    summary: Option<Backtest>,
    verdict: Option<String>,
    line: Option<ForecastLine>,
}

/// Up to this many anti-Xa results the back-test is computed at once (a few milliseconds); beyond, on a
/// background thread (a 30-day course with 120 results takes about 0.6 s).
const BACKTEST_IN_LINE_UP_TO: usize = 24;

impl Forecasting {
    /// The forecast of a newly opened or edited case, at `as_of`; the back-test starts in the background.
    #[must_use]
    pub fn new(
        case: &Case,
        prepared: &Prepared,
        protocol: &Protocol,
        analysis: &Analysis,
        as_of: ClinicalTime,
    ) -> Self {
        let prior = ForecastPrior::shipped().map_err(|e| format!("the forecast prior did not load: {e}"));
        let mut out = Self {
            prior,
            outlook: Err(String::new()),
            backtest: BacktestJob::Unavailable(String::new()),
            as_of,
            summary: None,
            verdict: None,
            line: None,
        };
        out.cursor_moved(case, prepared, protocol, analysis, as_of);
        let adult_outside_bypass =
            crate::model::Population::ADULTS.covers(case.patient.age_group) && case.patient.setting != Setting::Cpb;
        out.backtest = match &out.prior {
            Ok(_) if !adult_outside_bypass => {
                BacktestJob::Unavailable("the model is of adults outside bypass".to_owned())
            }
            Ok(prior) => {
                let pop = Population::of(prior, analysis.patient.dosing_weight_kg.value());
                let until = case.last_event_time().unwrap_or(case.case_start);
                if prepared.timeline.labs.anti_xa.all().len() <= BACKTEST_IN_LINE_UP_TO {
                    BacktestJob::Ready(backtest_pairs(case, &prepared.timeline, protocol, &pop, until))
                } else {
                    let (case, timeline, protocol) = (case.clone(), prepared.timeline.clone(), protocol.clone());
                    let mailbox = Arc::new(Mutex::new(Mailbox::default()));
                    let to_window = Arc::clone(&mailbox);
                    std::thread::spawn(move || {
                        let pairs = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            backtest_pairs(&case, &timeline, &protocol, &pop, until)
                        }))
                        .map_err(|_| "the back-test stopped with an internal error".to_owned());
                        if let Ok(mut mailbox) = to_window.lock() {
                            mailbox.result = Some(pairs);
                            if let Some(ctx) = &mailbox.wake {
                                ctx.request_repaint();
                            }
                        }
                    });
                    BacktestJob::Running(mailbox)
                }
            }
            Err(why) => BacktestJob::Unavailable(why.clone()),
        };
        out.refresh();
        out
    }

    /// Derives, once per replay time or back-test result, the verdict and the card's line.
    fn refresh(&mut self) {
        self.summary = self.backtest_until(self.as_of).ok().flatten().and_then(Backtest::of);
        // Issue 30: a model that is not following the patient greys everything first.
        let misfit = self.outlook().ok().and_then(|o| o.misfit.clone());
        self.verdict = misfit.or_else(|| self.summary.as_ref().and_then(Backtest::discredited));
        self.line = self.make_card_line(self.as_of);
    }

    /// The replay time moved: the fit at the new time.
    pub fn cursor_moved(
        &mut self,
        case: &Case,
        prepared: &Prepared,
        protocol: &Protocol,
        analysis: &Analysis,
        as_of: ClinicalTime,
    ) {
        self.outlook = match (&self.prior, not_in_the_window(prepared, analysis, as_of)) {
            (_, Some(why)) => Err(why.to_owned()),
            (Ok(prior), None) => {
                Outlook::prepare(case, &prepared.timeline, protocol, prior, analysis, as_of).map_err(|e| e.to_string())
            }
            (Err(why), None) => Err(why.clone()),
        };
        self.as_of = as_of;
        self.refresh();
    }

    /// Takes the back-test's result when the background thread has left it; until then, leaves `ctx`
    /// for the thread to wake.
    pub fn poll(&mut self, ctx: &egui::Context) {
        let BacktestJob::Running(mailbox) = &self.backtest else {
            return;
        };
        let taken = match mailbox.lock() {
            Ok(mut m) => match m.result.take() {
                Some(result) => Some(result),
                None => {
                    m.wake.get_or_insert_with(|| ctx.clone());
                    None
                }
            },
            Err(_) => Some(Err("the back-test stopped with an internal error".to_owned())),
        };
        if let Some(result) = taken {
            self.backtest = match result {
                Ok(pairs) => BacktestJob::Ready(pairs),
                Err(why) => BacktestJob::Unavailable(why),
            };
            self.refresh();
        }
    }

    /// The fit at the replay time, or why there is none.
    pub fn outlook(&self) -> Result<&Outlook, &str> {
        self.outlook.as_ref().map_err(String::as_str)
    }

    /// The back-test pairs up to `as_of`: `Ok(None)` while they are being computed, `Err` with the reason
    /// when there is no back-test.
    pub fn backtest_until(&self, as_of: ClinicalTime) -> Result<Option<&[BacktestPair]>, &str> {
        match &self.backtest {
            BacktestJob::Running(_) => Ok(None),
            // In time order: the pairs up to `as_of` are a prefix.
            BacktestJob::Ready(pairs) => Ok(Some(&pairs[..pairs.partition_point(|p| p.time <= as_of)])),
            BacktestJob::Unavailable(why) => Err(why),
        }
    }

    /// The back-test's summary up to the replay time (none until it is known or with no pair).
    #[must_use]
    pub fn summary(&self) -> Option<&Backtest> {
        self.summary.as_ref()
    }

    /// Why the forecast is not to be relied on at the replay time (the back-test does not beat the last
    /// value), once the back-test is known.
    #[must_use]
    pub fn discredited(&self) -> Option<&str> {
        self.verdict.as_deref()
    }

    /// The card's forecast line at the replay time.
    #[must_use]
    pub fn card_line(&self) -> Option<&ForecastLine> {
        self.line.as_ref()
    }
}

/// Where the window shows no heparin forecast although the command line gives one: a direct thrombin
/// inhibitor runs (the model is of heparin), or HIT is suspected (heparin is to stop: a heparin what-if
/// is no question to ask then).
fn not_in_the_window(prepared: &Prepared, analysis: &Analysis, as_of: ClinicalTime) -> Option<&'static str> {
    if prepared
        .timeline
        .running(as_of)
        .is_some_and(|s| s.drug() != Anticoagulant::Heparin)
    {
        return Some("a direct thrombin inhibitor runs; the model is of heparin");
    }
    analysis
        .findings
        .iter()
        .any(|f| f.code == FindingCode::HitSuspected)
        .then_some("HIT is suspected; heparin is to stop, not to be forecast")
}

/// The recommendation card's forecast line: information beside the nomogram's step, never in its place.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastLine {
    pub text: String,
    /// Why it is greyed out (the back-test does not beat the last value), if it is.
    pub greyed: Option<String>,
}

impl Forecasting {
    /// The card's line, when a heparin infusion runs and at least one anti-Xa was fitted: the next result
    /// at the monitoring time at the running rate and after the step, levels and bands only (issue 28: the
    /// card shows one rate and one pump number, the protocol's; the model's rate is the What if panel's).
    #[must_use]
    fn make_card_line(&self, as_of: ClinicalTime) -> Option<ForecastLine> {
        let o = self.outlook().ok()?;
        let rate = o.running_units_per_h.filter(|r| *r > 0.0)?;
        if o.samples_used == 0 {
            return None;
        }
        if let Some(why) = &o.misfit {
            // Issue 30: no number a reader could take for a prediction, no rate.
            return Some(ForecastLine {
                text: format!(
                    "Forecast ({}): {why}. No forecast and no model rate are shown; the protocol's step above decides.",
                    if o.provisional { "provisional model" } else { "model" },
                ),
                greyed: Some(why.clone()),
            });
        }
        let next = o.band_at(o.running_plan(), o.next_anti_xa);
        let mut text = format!(
            "Forecast ({}): at the running {} units/kg/h the next anti-Xa at {} would be \
             {} ({}–{}) units/mL",
            if o.provisional { "provisional model" } else { "model" },
            num(rate / o.dosing_weight_kg, 1),
            o.next_anti_xa.for_people(as_of),
            num(next.median, 2),
            num(next.obs_p05, 2),
            num(next.obs_p95, 2)
        );
        if let Some(plan) = o.recommended {
            // Issue 28: one rate and one pump number on the card — the step's own; here only its level.
            let step = o.band_at(plan, o.next_anti_xa);
            text.push_str(&format!(
                "; after the step above {} ({}–{})",
                num(step.median, 2),
                num(step.obs_p05, 2),
                num(step.obs_p95, 2)
            ));
        }
        // Said without the model's rate change (the review: "model (−3 units/kg/h)" beside the protocol's
        // step put two rate changes on one card); the rate is in What if.
        if o.warnings.iter().any(|w| w.contains("point different ways")) {
            text.push_str("; the model and the nomogram's step point different ways: the nomogram decides");
        }
        if o.warnings
            .iter()
            .any(|w| w.contains("not calibrated for changing patients"))
        {
            text.push_str("; no probability in range: not calibrated for changing patients");
        }
        text.push_str(". Information only: the protocol's step above decides.");
        Some(ForecastLine {
            text,
            greyed: self.verdict.clone(),
        })
    }

    /// The model's rate to the target, with its pump rate, for the What if panel (issue 28: not on the card).
    #[must_use]
    pub fn model_rate_line(&self) -> Option<String> {
        let o = self.outlook().ok()?;
        let mut text = String::new();
        match (&o.rate_to_target, &self.verdict) {
            // As the command line: a forecast not to be relied on (not following the patient, or not
            // beating the last value) offers no rate, greyed or not.
            (Some(_), Some(why)) => text.push_str(&format!("no rate to target: not to be relied on — {why}")),
            // Issue 30: the uncapped answer is never shown as a rate.
            (Some(r), None) => text.push_str(&format!(
                "toward {}: {} units/kg/h = {} units/h = {} mL/h{} ({})",
                num(r.target_anti_xa, 2),
                num(r.value, 1),
                num(r.units_per_h, 0),
                num(r.pump_ml_per_h, 1),
                if r.capped {
                    ", at most one nomogram step from the running rate"
                } else {
                    " at steady state"
                },
                probability_words(r.probability_in_range)
            )),
            (None, _) => {
                if let Some(why) = o.warnings.iter().find(|w| w.starts_with("no rate to target")) {
                    text.push_str(why);
                }
            }
        }
        (!text.is_empty()).then(|| {
            format!(
                "Model ({}): {text}",
                if o.provisional {
                    "provisional"
                } else {
                    "published prior"
                }
            )
        })
    }
}

/// The probability of a steady state in range, or why none is shown (issue 30).
fn probability_words(p: Option<f64>) -> String {
    p.map_or_else(
        || "no probability in range: not calibrated for changing patients".to_owned(),
        |p| format!("probability of a steady state in the target {}%", num(p * 100.0, 0)),
    )
}

/// Teaching: the case's next measured anti-Xa after the replay time, and what the forecast said of it.
#[derive(Debug, Clone, PartialEq)]
pub struct NextResult {
    pub time: ClinicalTime,
    pub measured: f64,
    /// The forecast at that time at the rate running at the replay time (none when there is no forecast).
    pub forecast: Option<Band>,
}

impl Forecasting {
    /// The case's first anti-Xa after `as_of`, with the forecast of it.
    #[must_use]
    pub fn next_result(&self, case: &Case, as_of: ClinicalTime) -> Option<NextResult> {
        let (time, measured) = case.events.iter().find_map(|e| match e.kind {
            EventKind::AntiXa(x) if e.time > as_of => Some((e.time, x.value())),
            _ => None,
        })?;
        let forecast = self.outlook().ok().map(|o| o.band_at(o.running_plan(), time));
        Some(NextResult {
            time,
            measured,
            forecast,
        })
    }
}
