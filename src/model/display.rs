//! Display conventions (ISMP, clinical reference §13) as a check: what a screen or a plan must never
//! show. Used by the tests that read every screen and every plan; the formatting itself is
//! [`super::units::format_number`].

/// The display problems a text may have, as (problem, offending fragment).
#[must_use]
pub fn display_convention_problems(text: &str) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    let words: Vec<&str> = text.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        let next = words.get(i + 1).copied().unwrap_or("");
        let number = w
            .trim_start_matches(['(', '≈', '+', '−', '-'])
            .trim_end_matches([',', ';', ')', '.']);
        let is_number = !number.is_empty()
            && number.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',')
            && number.chars().next().is_some_and(|c| c.is_ascii_digit());
        if is_number {
            // Trailing zero: "5.0", "0.50".
            if let Some((_, frac)) = number.split_once('.')
                && frac.ends_with('0')
            {
                problems.push(("trailing zero".to_owned(), format!("{w} {next}")));
            }
            // "U" or "IU" after a number instead of "units".
            let unit = next.trim_end_matches([',', ';', ')', '.']);
            if unit == "U" || unit == "IU" || unit.starts_with("U/") || unit.starts_with("IU/") {
                problems.push(("abbreviated units".to_owned(), format!("{w} {next}")));
            }
        }
        // Naked decimal: ".5".
        if w.starts_with('.') && w.chars().nth(1).is_some_and(|c| c.is_ascii_digit()) {
            problems.push(("no leading zero".to_owned(), (*w).to_owned()));
        }
    }
    for bad in ["µg", "μg", "ug/kg"] {
        if text.contains(bad) {
            problems.push(("write mcg".to_owned(), bad.to_owned()));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::display_convention_problems as convention_problems;

    #[test]
    fn the_convention_checker_finds_each_problem() {
        assert_eq!(convention_problems("give 5.0 units/kg").len(), 1);
        assert_eq!(convention_problems("give 5000 U now").len(), 1);
        assert_eq!(convention_problems("rate .5 mg/kg/h").len(), 1);
        assert_eq!(convention_problems("argatroban 2 µg/kg/min").len(), 1);
        assert!(convention_problems("antithrombin 1,000 units; 0.5 mcg/kg/min = 2.7 mL/h").is_empty());
    }
}
