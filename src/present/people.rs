//! Times as people read them (decisions.md, issue 29): "5 Dec 18:40", the year only when it differs from
//! the as-of time's, the clock alone on the as-of day. The engine writes its sentences with ISO times
//! (they go to JSON too, which keeps ISO 8601); every text for people — the CLI text, Copy plan, the
//! handover PDF, the card and the steps on screen — passes through [`people_times`] once, at the edge.

use crate::model::ClinicalTime;

/// The length of `YYYY-MM-DDTHH:MM`.
const CLOCK_LEN: usize = 16;

/// Whether `bytes` at `i` hold `YYYY-MM-DDTHH:MM`.
fn iso_at(bytes: &[u8], i: usize) -> bool {
    const SHAPE: &[u8; CLOCK_LEN] = b"dddd-dd-ddTdd:dd";
    bytes.get(i..i + CLOCK_LEN).is_some_and(|window| {
        window
            .iter()
            .zip(SHAPE)
            .all(|(b, s)| if *s == b'd' { b.is_ascii_digit() } else { b == s })
    })
}

/// The length of a `+HH:MM` / `-HH:MM` offset at `i`, if one is there (a repeated hour is written so).
fn offset_at(bytes: &[u8], i: usize) -> usize {
    let shape = |w: &[u8]| {
        matches!(w[0], b'+' | b'-')
            && w[1].is_ascii_digit()
            && w[2].is_ascii_digit()
            && w[3] == b':'
            && w[4].is_ascii_digit()
            && w[5].is_ascii_digit()
    };
    match bytes.get(i..i + 6) {
        Some(w) if shape(w) => 6,
        _ => 0,
    }
}

/// `text` with every ISO time (`2019-01-06T23:00`, with an offset or not) written for people against
/// `reference` (the as-of time), in the reference's zone. A digit run that is not a time is left as it is.
#[must_use]
pub fn people_times(text: &str, reference: ClinicalTime) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut copied, mut i) = (0, 0);
    while i + CLOCK_LEN <= bytes.len() {
        // Not inside a longer run of digits (an id, a hash).
        let starts_clean = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        if starts_clean && iso_at(bytes, i) {
            let end = i + CLOCK_LEN + offset_at(bytes, i + CLOCK_LEN);
            if let Some(t) = text
                .get(i..end)
                .and_then(|iso| ClinicalTime::parse_in(iso, reference.zone()).ok())
            {
                out.push_str(&text[copied..i]);
                out.push_str(&t.for_people(reference));
                copied = end;
                i = end;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_times_become_peoples_and_nothing_else_changes() {
        let as_of = ClinicalTime::constant(2019, 1, 7, 3, 5);
        let text = "aPTT 33 s at 2019-01-07T03:05 (0 h ago); AT 63% at 2019-01-06T23:00; weighed 2018-12-31T12:00 · id 12019-01-07T03:05";
        assert_eq!(
            people_times(text, as_of),
            "aPTT 33 s at 03:05 (0 h ago); AT 63% at 6 Jan 23:00; weighed 31 Dec 2018 12:00 · id 12019-01-07T03:05"
        );
        assert_eq!(people_times("no times here: 2019-01", as_of), "no times here: 2019-01");
        assert_eq!(people_times("é 2019-01-06T23:00 é", as_of), "é 6 Jan 23:00 é");
    }
}
