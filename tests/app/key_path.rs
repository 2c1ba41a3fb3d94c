//! The keyboard path at the bedside (issue 28), counted. Every key goes to whichever field has the
//! keyboard, as on a real keyboard: nothing here sets a field by its label. A path that loses the
//! keyboard (the kind picker once did: digits went nowhere and Tab reached New…) puts its digits in the
//! wrong place and the row it records is wrong or absent. The targets: a paired draw in ≤ 1 click + 14
//! keys, a heparin rate change in ≤ 1 click + 10 keys.

use anticoag_planner::model::{ClinicalTime, EventKind, HeparinRate};

use super::*;

/// The demo's last event is 2019-01-12T08:00; twenty minutes later.
const NOW: ClinicalTime = ClinicalTime::constant(2019, 1, 12, 8, 20);

/// A keyboard and a mouse that count what they did.
#[derive(Default)]
struct Counted {
    clicks: usize,
    keys: usize,
}

impl Counted {
    fn click(&mut self, h: &mut Harness<'static, PlannerApp>, label: &str) {
        self.clicks += 1;
        h.get_by_label(label).click();
        h.run();
    }

    /// Each character is one key, sent to the field that has the keyboard.
    fn type_text(&mut self, h: &mut Harness<'static, PlannerApp>, text: &str) {
        for c in text.chars() {
            self.keys += 1;
            h.event(egui::Event::Text(c.to_string()));
            h.run();
        }
    }

    fn press(&mut self, h: &mut Harness<'static, PlannerApp>, key: egui::Key) {
        self.keys += 1;
        h.key_press(key);
        h.run();
    }
}

fn at_the_timeline() -> Harness<'static, PlannerApp> {
    let mut h = harness_at(NOW);
    h.run();
    click(&mut h, "Timeline");
    h
}

fn events_at(h: &Harness<'static, PlannerApp>, at: ClinicalTime) -> Vec<EventKind> {
    doc(h)
        .case()
        .events
        .iter()
        .filter(|e| e.time == at)
        .map(|e| e.kind)
        .collect()
}

#[test]
fn a_paired_draw_takes_one_click_and_at_most_fourteen_keys_each_time() {
    let mut h = at_the_timeline();
    let mut used = Counted::default();
    // The first draw: into the time field, the clock alone, the aPTT, the anti-Xa, Enter.
    used.click(&mut h, "Draw time");
    used.type_text(&mut h, "08:10");
    used.press(&mut h, egui::Key::Tab);
    used.type_text(&mut h, "61");
    used.press(&mut h, egui::Key::Tab);
    used.type_text(&mut h, "0.35");
    used.press(&mut h, egui::Key::Enter);
    let first = events_at(&h, ClinicalTime::constant(2019, 1, 12, 8, 10));
    assert!(
        first
            .iter()
            .any(|k| matches!(k, EventKind::Aptt(s) if s.value() == 61.0))
            && first
                .iter()
                .any(|k| matches!(k, EventKind::AntiXa(x) if x.value() == 0.35)),
        "{first:?}"
    );
    assert!(
        used.clicks <= 1 && used.keys <= 14,
        "{} clicks, {} keys",
        used.clicks,
        used.keys
    );
    // The row cleared, the time too (the kept time once took the next draw's typing:
    // "2026-12-12:3505T06:10"); the keyboard waits on the row's Now — a button, so Ctrl+Z undoes the
    // draw — and Tab goes on to the time, never to the case bar's New… (the review's second pass).
    assert_eq!(h.get_by_label("Draw time").value().as_deref(), Some(""));
    assert!(h.get_all_by_label("Now").next().expect("Now").is_focused());
    h.key_press(egui::Key::Tab);
    h.run();
    assert!(h.get_by_label("Draw time").is_focused(), "Tab from Now: the time");
    let mut next = Counted::default();
    next.click(&mut h, "Draw time");
    next.type_text(&mut h, "08:15");
    next.press(&mut h, egui::Key::Tab);
    next.type_text(&mut h, "64");
    next.press(&mut h, egui::Key::Tab);
    next.type_text(&mut h, "0.38");
    next.press(&mut h, egui::Key::Enter);
    let second = events_at(&h, ClinicalTime::constant(2019, 1, 12, 8, 15));
    assert_eq!(second.len(), 2, "{second:?}");
    assert!(
        next.clicks <= 1 && next.keys <= 14,
        "{} clicks, {} keys",
        next.clicks,
        next.keys
    );
}

#[test]
fn a_click_into_a_filled_time_selects_it_so_typing_replaces_it() {
    let mut h = at_the_timeline();
    let mut used = Counted::default();
    h.get_all_by_label("Now").next().expect("the draw row's Now").click();
    h.run();
    used.clicks += 1;
    assert_eq!(h.get_by_label("Draw time").value().as_deref(), Some("2019-01-12T08:20"));
    assert!(
        h.get_by_label("aPTT (s)").is_focused(),
        "Now hands the keyboard to the aPTT"
    );
    h.get_by_label("Draw time").click();
    h.run();
    used.type_text(&mut h, "08:05");
    assert_eq!(
        h.get_by_label("Draw time").value().as_deref(),
        Some("08:05"),
        "replaced, not inserted into"
    );
}

#[test]
fn a_refused_enter_keeps_the_keyboard_in_the_field_it_refused() {
    let mut h = at_the_timeline();
    let before = doc(&h).case().events.len();
    let mut used = Counted::default();
    used.click(&mut h, "Draw time");
    used.type_text(&mut h, "08:10");
    used.press(&mut h, egui::Key::Tab);
    used.type_text(&mut h, "61");
    used.press(&mut h, egui::Key::Tab);
    used.type_text(&mut h, "0,35");
    used.press(&mut h, egui::Key::Enter);
    assert_eq!(doc(&h).case().events.len(), before, "nothing added");
    assert!(shows(&h, "not added: anti-Xa"));
    assert!(
        h.get_by_label("anti-Xa (units/mL)").is_focused(),
        "the refused field keeps the keyboard"
    );
    // Its text is selected: the corrected value replaces it.
    used.type_text(&mut h, "0.35");
    used.press(&mut h, egui::Key::Enter);
    assert_eq!(doc(&h).case().events.len(), before + 2, "{}", screen_text(&h));
}

#[test]
fn a_rate_change_takes_one_click_and_at_most_ten_keys() {
    let mut h = at_the_timeline();
    let mut used = Counted::default();
    // Now, then the kind typed ahead ("hep i": the heparin infusion rate, whose words it starts; not the
    // heparin bolus, whose "i" is inside a word), Tab to Value, Enter. The
    // event form's Now is the second (the draw row has one too).
    h.get_all_by_label("Now").nth(1).expect("the event form's Now").click();
    h.run();
    used.clicks += 1;
    assert!(
        h.get_by_label("Kind").is_focused(),
        "Now hands the keyboard to the kind"
    );
    used.type_text(&mut h, "hep i");
    used.press(&mut h, egui::Key::Tab);
    assert!(
        h.get_by_label("Value").is_focused(),
        "Tab took the first match and landed in Value"
    );
    used.type_text(&mut h, "16");
    used.press(&mut h, egui::Key::Enter);
    let added = events_at(&h, NOW);
    assert!(
        added
            .iter()
            .any(|k| matches!(k, EventKind::UfhInfusion(HeparinRate::UnitsPerKgPerHour(r)) if r.value() == 16.0)),
        "{added:?} {}",
        screen_text(&h)
    );
    assert!(
        used.clicks <= 1 && used.keys <= 10,
        "{} clicks, {} keys",
        used.clicks,
        used.keys
    );

    // The next change at a typed time: the kind is kept, Tab passes it.
    let mut next = Counted::default();
    next.click(&mut h, "Event time");
    next.type_text(&mut h, "08:18");
    next.press(&mut h, egui::Key::Tab);
    next.press(&mut h, egui::Key::Tab);
    next.type_text(&mut h, "14");
    next.press(&mut h, egui::Key::Enter);
    let at = ClinicalTime::constant(2019, 1, 12, 8, 18);
    assert!(
        events_at(&h, at)
            .iter()
            .any(|k| matches!(k, EventKind::UfhInfusion(HeparinRate::UnitsPerKgPerHour(r)) if r.value() == 14.0)),
        "{}",
        screen_text(&h)
    );
    assert!(
        next.clicks <= 1 && next.keys <= 10,
        "{} clicks, {} keys",
        next.clicks,
        next.keys
    );
}

#[test]
fn a_paired_draw_with_now_takes_one_click_and_eight_keys() {
    let mut h = at_the_timeline();
    let mut used = Counted::default();
    h.get_all_by_label("Now").next().expect("the draw row's Now").click();
    h.run();
    used.clicks += 1;
    used.type_text(&mut h, "61");
    used.press(&mut h, egui::Key::Tab);
    used.type_text(&mut h, "0.35");
    used.press(&mut h, egui::Key::Enter);
    assert_eq!(events_at(&h, NOW).len(), 2, "{}", screen_text(&h));
    assert_eq!((used.clicks, used.keys), (1, 8));
}

/// The review's second pass: "08:10" in a 2019 teaching case was read as today, seven years on, with the
/// 2019 infusion still running. A clock alone on a case whose last event is 48 h or more before it is
/// refused, by name, and keeps the keyboard.
#[test]
fn a_clock_alone_on_a_case_long_past_must_be_dated() {
    let mut h = harness_at(ClinicalTime::constant(2026, 12, 6, 21, 45));
    h.run();
    click(&mut h, "Timeline");
    let before = doc(&h).case().events.len();
    let mut used = Counted::default();
    used.click(&mut h, "Draw time");
    used.type_text(&mut h, "08:10");
    used.press(&mut h, egui::Key::Tab);
    used.type_text(&mut h, "61");
    used.press(&mut h, egui::Key::Enter);
    assert_eq!(doc(&h).case().events.len(), before, "nothing added");
    assert!(
        shows(
            &h,
            "'08:10' reads as 2026-12-06T08:10, 48 h or more after the case's last event (2019-01-12T08:00): type the date in full"
        ),
        "{}",
        screen_text(&h)
    );
    assert!(
        h.get_by_label("Draw time").is_focused(),
        "the refused time keeps the keyboard"
    );
    used.type_text(&mut h, "2019-01-12T08:10");
    used.press(&mut h, egui::Key::Enter);
    assert_eq!(doc(&h).case().events.len(), before + 1, "dated in full, it is added");
}

/// After a click on a button (Delete here), Ctrl+Z undoes the case: a focused button is not typing (the
/// review: Ctrl+Z did nothing while the Delete button had the keyboard).
#[test]
fn ctrl_z_undoes_a_delete_while_the_delete_button_has_the_keyboard() {
    let mut h = at_the_timeline();
    let before = doc(&h).case().events.clone();
    h.get_all_by_label("Delete").next().expect("a row").click();
    h.run();
    assert_eq!(doc(&h).case().events.len(), before.len() - 1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert_eq!(doc(&h).case().events, before, "restored");
}

/// After a row is recorded the keyboard waits on the event form's Now (Tab stayed out of the form and
/// reached New…); the form opens with no time (it once held the case's last event time, back-dating).
#[test]
fn the_event_form_opens_without_a_time_and_keeps_the_keyboard_after_add() {
    let mut h = at_the_timeline();
    assert_eq!(h.get_by_label("Event time").value().as_deref(), Some(""));
    h.get_all_by_label("Now").nth(1).expect("the event form's Now").click();
    h.run();
    h.event(egui::Event::Text("hep i".to_owned()));
    h.run();
    h.key_press(egui::Key::Tab);
    h.run();
    h.event(egui::Event::Text("16".to_owned()));
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    assert!(
        shows(&h, "added: 08:20 heparin infusion 16 units/kg/h"),
        "{}",
        screen_text(&h)
    );
    assert!(h.get_all_by_label("Now").nth(1).expect("Now").is_focused());
}

/// A filter that matches no kind never falls back to the previous kind in silence (a typed "hepi" once
/// left the kind at aPTT, and "16" was recorded as an aPTT of 16 s): the list stays open, says so, and
/// the keyboard stays in the filter.
#[test]
fn a_kind_filter_that_matches_nothing_keeps_the_list_open() {
    let mut h = at_the_timeline();
    h.get_all_by_label("Now").nth(1).expect("the event form's Now").click();
    h.run();
    h.event(egui::Event::Text("hepx".to_owned()));
    h.run();
    h.key_press(egui::Key::Tab);
    h.run();
    assert!(
        shows(&h, "no kind matches 'hepx': the kind is still aPTT"),
        "{}",
        screen_text(&h)
    );
    assert!(h.get_by_label("Find a kind").is_focused());
    assert!(!h.get_by_label("Value").is_focused());
}

/// The review's second pass: keys typed fast — a Tab and the next value within one frame — went to the
/// field the Tab left ("19:00⇥55⇥0.28" gave a time "19:005" and an aPTT "50"). The window holds the keys
/// after a Tab for the next frame (`hold_keys_after_tab`, on the raw input before egui reads it).
#[test]
fn keys_typed_in_one_burst_land_in_their_fields() {
    let burst = || {
        let mut events = Vec::new();
        for (i, part) in ["08:10", "55", "0.28"].iter().enumerate() {
            if i > 0 {
                events.push(egui::Event::Key {
                    key: egui::Key::Tab,
                    physical_key: None,
                    pressed: true,
                    repeat: false,
                    modifiers: egui::Modifiers::NONE,
                });
            }
            events.push(egui::Event::Text((*part).to_owned()));
        }
        events
    };
    let values = |h: &Harness<'static, PlannerApp>| {
        ["Draw time", "aPTT (s)", "anti-Xa (units/mL)"].map(|l| h.get_by_label(l).value().unwrap_or_default())
    };
    // The hold splits the burst after each Tab: this frame gets the time and the Tab, the rest waits.
    let mut app = PlannerApp::new();
    let mut raw = egui::RawInput {
        events: burst(),
        ..Default::default()
    };
    assert!(app.hold_keys_after_tab(&mut raw), "keys wait for the next frame");
    assert_eq!(raw.events.len(), 2, "{:?}", raw.events);
    let mut next = egui::RawInput::default();
    assert!(app.hold_keys_after_tab(&mut next));
    assert_eq!(next.events.len(), 2, "55 and the second Tab");
    let mut last = egui::RawInput::default();
    assert!(!app.hold_keys_after_tab(&mut last), "nothing waits after the last Tab");
    assert!(matches!(&last.events[..], [egui::Event::Text(t)] if t == "0.28"));
    // And in the window (the real window's own check at 15 ms a key: see the closing note of issue 29).
    // Through the hold: one Tab per frame.
    let mut h = at_the_timeline();
    h.get_by_label("Draw time").click();
    h.run();
    let mut raw = egui::RawInput {
        events: burst(),
        ..Default::default()
    };
    for _ in 0..5 {
        h.state_mut().hold_keys_after_tab(&mut raw);
        for e in std::mem::take(&mut raw.events) {
            h.event(e);
        }
        h.run();
    }
    assert_eq!(values(&h), ["08:10", "55", "0.28"]);
}
