//! The cases bundled in the binary: the CMAJ 2019 case and the teaching cases, one per pattern.

/// Cases bundled in the binary: (menu label, file name, text). The teaching cases are the synthetic
/// cases the engine tests use, one per pattern.
pub const DEMO_CASES: [(&str, &str, &str); 10] = [
    (
        "CMAJ 2019: heparin resistance on VV-ECMO",
        "assets/cases/cmaj-2019-ecmo.ron",
        include_str!("../../assets/cases/cmaj-2019-ecmo.ron"),
    ),
    (
        "Teaching: pseudo-resistance",
        "tests/cases/pseudo-resistance.ron",
        include_str!("../../tests/cases/pseudo-resistance.ron"),
    ),
    (
        "Teaching: coagulopathy discordance",
        "tests/cases/coagulopathy-discordance.ron",
        include_str!("../../tests/cases/coagulopathy-discordance.ron"),
    ),
    (
        "Teaching: suspected HIT",
        "tests/cases/hit-suspected.ron",
        include_str!("../../tests/cases/hit-suspected.ron"),
    ),
    (
        "Teaching: bypass heparin resistance",
        "tests/cases/bypass-resistance.ron",
        include_str!("../../tests/cases/bypass-resistance.ron"),
    ),
    (
        "Teaching: severe antithrombin deficiency on VA-ECMO",
        "tests/cases/antithrombin-severe-deficiency.ron",
        include_str!("../../tests/cases/antithrombin-severe-deficiency.ron"),
    ),
    (
        "Teaching: supratherapeutic heparin",
        "tests/cases/supratherapeutic.ron",
        include_str!("../../tests/cases/supratherapeutic.ron"),
    ),
    (
        "Teaching: under-dosing",
        "tests/cases/under-dosed.ron",
        include_str!("../../tests/cases/under-dosed.ron"),
    ),
    (
        "Teaching: a fast heparin clearer and the anti-Xa forecast",
        "tests/cases/forecast-fast-clearance.ron",
        include_str!("../../tests/cases/forecast-fast-clearance.ron"),
    ),
    (
        "Teaching: ICU → bypass → ICU, CRRT from day 2",
        "tests/cases/icu-bypass-icu.ron",
        include_str!("../../tests/cases/icu-bypass-icu.ron"),
    ),
];
