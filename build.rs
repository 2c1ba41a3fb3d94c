//! Writes one `#[test]` per clinical scenario for the engine test binary (`tests/engine/scenarios.rs`
//! includes the file), so that each scenario runs, passes and fails alone:
//! `cargo test --test engine -- scenarios::heparin::H_01` (the file without its number, the id with
//! `-` written `_`). The ids are read from the text of `tests/scenarios/*.ron` (`id: "…"`); the test
//! binary parses the files in full and fails if its list and this one differ, so a scenario this scan
//! missed cannot go unrun.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let scenarios = manifest.join("tests/scenarios");
    println!("cargo::rerun-if-changed=tests/scenarios");
    println!("cargo::rerun-if-changed=build.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("scenario_tests.rs");
    let code = match scenario_files(&scenarios) {
        Ok(files) => tests_for(&files),
        // No scenarios beside the crate (a packaged copy): no tests to write, and the engine test says so.
        Err(_) => "pub const FILES: &[(&str, &[&str])] = &[];\n".to_owned(),
    };
    if let Err(e) = std::fs::write(&out, code) {
        println!("cargo::error=cannot write {}: {e}", out.display());
    }
}

/// The scenario files, sorted, each with its text.
fn scenario_files(dir: &Path) -> std::io::Result<Vec<(String, String)>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "ron") {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            files.push((name, std::fs::read_to_string(&path)?));
        }
    }
    files.sort();
    Ok(files)
}

/// `02-heparin.ron` → `heparin`; `H-01` → `H_01` (what a test name can hold).
fn identifier(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// The `id: "…"` values of a file, in order.
fn ids(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("id:") {
        let before = rest[..i].chars().next_back();
        rest = &rest[i + 3..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let value = rest.trim_start();
        if let Some(quoted) = value.strip_prefix('"')
            && let Some(end) = quoted.find('"')
        {
            out.push(quoted[..end].to_owned());
        }
    }
    out
}

fn tests_for(files: &[(String, String)]) -> String {
    let mut code = String::from("// Written by build.rs from tests/scenarios/*.ron: one test per scenario.\n\n");
    code.push_str("/// Each file and the ids this scan found in it.\npub const FILES: &[(&str, &[&str])] = &[\n");
    for (name, text) in files {
        let _ = writeln!(code, "    ({name:?}, &{:?}),", ids(text));
    }
    code.push_str("];\n");
    for (name, text) in files {
        let stem = name.trim_end_matches(".ron");
        let module = identifier(stem.trim_start_matches(|c: char| c.is_ascii_digit() || c == '-'));
        let _ = writeln!(code, "\nmod {module} {{");
        for id in ids(text) {
            let _ = writeln!(
                code,
                "    #[test]\n    #[allow(non_snake_case)]\n    fn {}() {{\n        super::run_scenario({name:?}, {id:?});\n    }}",
                identifier(&id)
            );
        }
        code.push_str("}\n");
    }
    code
}
