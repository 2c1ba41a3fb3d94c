//! Text that cannot forge (issue 27): a newline in a patient's name once added a false "RECOMMENDATION: …"
//! line to Copy plan and the PDF header, and right-to-left overrides reorder what is read. Identifiers
//! (name, MRN, bed) and author names refuse control, newline and bidirectional-formatting characters; free
//! text (notes, reasons, CSV fields echoed in an error) is printed with them escaped, visibly.

use std::borrow::Cow;

/// Bidirectional formatting characters: embeddings and overrides (U+202A–U+202E), isolates (U+2066–U+2069),
/// and the marks (U+200E, U+200F, U+061C) that can reorder what a reader sees.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Invisible characters that make two identifiers look alike (zero-width spaces and joiners, the word
/// joiner, the byte-order mark) — review of issue 27.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// A character that may not stand in an identifier or a name: a control character (newline, tab, escape
/// included), a bidirectional control, or a line or paragraph separator.
#[must_use]
pub fn is_forging(c: char) -> bool {
    c.is_control() || is_bidi_control(c) || is_invisible(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Refuses a name, MRN, bed or author name holding a forging character, naming the field and the
/// character's code point.
///
/// # Errors
/// The first forging character, described.
pub fn check_plain(field: &str, value: &str) -> Result<(), String> {
    if value.trim().is_empty() && field.contains("author") {
        return Err(format!(
            "{field} is empty: write who you are (it signs the trail and the handover)"
        ));
    }
    match value.chars().find(|c| is_forging(*c)) {
        None => Ok(()),
        Some(c) => Err(format!(
            "{field} holds {} (U+{:04X}): a name, MRN, bed or author is one line of plain text",
            describe(c),
            u32::from(c)
        )),
    }
}

fn describe(c: char) -> &'static str {
    match c {
        '\n' | '\r' | '\u{2028}' | '\u{2029}' => "a line break",
        '\t' => "a tab",
        '\u{1B}' => "a terminal escape",
        c if is_bidi_control(c) => "a right-to-left or direction control",
        c if is_invisible(c) => "an invisible character",
        _ => "a control character",
    }
}

/// Free text as printed: each forging character written visibly (`\n`, `\u{202E}`), so a note cannot add
/// a line or reorder one. Text without any is returned as it is.
#[must_use]
pub fn escaped(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_forging) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_forging(c) => out.push_str(&format!("\\u{{{:04X}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Free text on one line as printed in a header: escaped, and every run of white space (spaces of any
/// width, non-breaking ones) made one space — review of issue 27: a title padded with 200 spaces put a
/// forged "RECOMMENDATION:" at the start of the PDF header's second line.
#[must_use]
pub fn one_line(text: &str) -> String {
    escaped(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text as a terminal prints it: forging characters escaped, line breaks kept (an error may list several
/// problems, one per line).
#[must_use]
pub fn escaped_keeping_lines(text: &str) -> String {
    text.split('\n')
        .map(|line| escaped(line).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// At most `max` characters of echoed input, with "…" when cut.
#[must_use]
pub fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_owned(),
        Some((i, _)) => format!("{}…", &text[..i]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_refuse_line_breaks_escapes_and_direction_controls() {
        assert!(check_plain("name", "Jane Doe-Smith, O'Brien").is_ok());
        assert!(check_plain("name", "Zoë Ångström 李").is_ok());
        let forged = check_plain("name", "Jane\nRECOMMENDATION: Stop heparin").unwrap_err();
        assert!(forged.contains("name holds a line break (U+000A)"), "{forged}");
        assert!(check_plain("author", "Dr \u{202E}eeL").unwrap_err().contains("U+202E"));
        assert!(
            check_plain("MRN", "12\u{1B}[31m3")
                .unwrap_err()
                .contains("terminal escape")
        );
    }

    #[test]
    fn notes_are_printed_with_forging_characters_visible() {
        assert_eq!(escaped("plain note"), "plain note");
        assert_eq!(escaped("line one\nRECOMMENDATION: x"), "line one\\nRECOMMENDATION: x");
        assert_eq!(escaped("a\u{202E}b"), "a\\u{202E}b");
        assert_eq!(escaped("\u{1B}[2J"), "\\u{001B}[2J");
    }
}
