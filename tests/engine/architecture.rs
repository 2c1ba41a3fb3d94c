#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a test failure"
)]
//! The shape of the code, checked: no import cycle between the files under `src/`, and no file longer
//! than a reader can hold (700 lines). The modules are read from the source text: every `use` of a
//! crate path (`crate::`, `super::`, `anticoag_planner::`) is an arrow from the file to the deepest
//! module file the path names. Test-only code (after `#[cfg(test)]`, and the test-support files) is
//! left out: a test may read anything.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 700;

/// The crate checked: this one, or another checkout named by `ARCHITECTURE_ROOT` (to show what the
/// checks say of an older tree).
fn crate_root() -> PathBuf {
    std::env::var_os("ARCHITECTURE_ROOT").map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/analysis/icu/mod.rs` → ["analysis", "icu"]; `src/lib.rs` and `src/main.rs` → [].
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap();
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    if !matches!(stem, "mod" | "lib" | "main") {
        parts.push(stem.to_owned());
    }
    parts
}

/// The non-test source of a file: everything before its first `#[cfg(test)]` block (a `#[cfg(test)]`
/// on a one-line item such as `mod tests_support;` does not end it).
fn production_source(text: &str) -> &str {
    let mut from = 0;
    while let Some(i) = text[from..].find("#[cfg(test)]") {
        let at = from + i;
        let next_item = text[at..].lines().nth(1).unwrap_or("").trim();
        if next_item.ends_with(';') {
            from = at + 1;
            continue;
        }
        return &text[..at];
    }
    text
}

/// Every `use` statement of the text, whitespace removed.
fn use_statements(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("use ") {
        let before = &rest[..i];
        let at_line_start = before
            .rsplit('\n')
            .next()
            .is_some_and(|l| l.trim().is_empty() || l.trim() == "pub" || l.trim().starts_with("pub("));
        rest = &rest[i + 4..];
        if !at_line_start {
            continue;
        }
        if let Some(end) = rest.find(';') {
            out.push(rest[..end].chars().filter(|c| !c.is_whitespace()).collect());
            rest = &rest[end..];
        }
    }
    out
}

/// `a::{b::{c, d}, e}` → ["a::b::c", "a::b::d", "a::e"].
fn expand(tree: &str) -> Vec<String> {
    let Some(open) = tree.find('{') else {
        return vec![tree.to_owned()];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.len() - 1];
    let mut items = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    items
        .into_iter()
        .filter(|s| !s.is_empty())
        .flat_map(|item| expand(item).into_iter().map(move |p| format!("{prefix}{p}")))
        .collect()
}

/// The module a path names, as the deepest known module it starts with.
fn target(path: &str, from: &[String], modules: &BTreeSet<Vec<String>>) -> Option<Vec<String>> {
    let mut segments: Vec<&str> = path.split("::").collect();
    let mut base: Vec<String> = match segments.first().copied() {
        Some("crate" | "anticoag_planner") => {
            segments.remove(0);
            Vec::new()
        }
        Some("super" | "self") => from.to_vec(),
        // A 2018-edition path relative to the current module (`use context::Cx;` in a `mod.rs`).
        Some(first) if modules.contains(&[from, &[first.to_owned()]].concat()) => from.to_vec(),
        _ => return None,
    };
    while let Some(&s) = segments.first() {
        match s {
            "super" => {
                base.pop();
            }
            "self" => {}
            _ => break,
        }
        segments.remove(0);
    }
    let mut best = base.clone();
    for s in segments {
        let s = s.split(" as ").next().unwrap_or(s);
        base.push(s.to_owned());
        if modules.contains(&base) {
            best = base.clone();
        } else {
            break;
        }
    }
    Some(best)
}

/// The import graph of the files under `src/` whose module starts with one of `roots` ([] = all).
fn import_graph(roots: &[&str]) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let src = crate_root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.retain(|f| !f.ends_with("tests_support.rs") && !f.ends_with("tests.rs"));
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(&src, f)).collect();
    let in_scope = |m: &[String]| roots.is_empty() || m.first().is_some_and(|r| roots.contains(&r.as_str()));
    let mut graph = BTreeMap::new();
    for file in &files {
        let module = module_of(&src, file);
        if !in_scope(&module) || module.is_empty() {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        // A `mod.rs` that only re-exports from its children does not depend on them in a way that can
        // form a cycle with them; every other arrow counts.
        let from = module.clone();
        let arrows: BTreeSet<Vec<String>> = use_statements(production_source(&text))
            .iter()
            .flat_map(|u| expand(u))
            .filter_map(|p| target(&p, &from, &modules))
            .filter(|t| *t != module && in_scope(t) && !t.is_empty())
            .collect();
        graph.insert(module, arrows);
    }
    graph
}

/// One cycle of the graph, if there is any.
fn find_cycle(graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Option<Vec<Vec<String>>> {
    fn visit(
        node: &Vec<String>,
        graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        stack: &mut Vec<Vec<String>>,
        done: &mut BTreeSet<Vec<String>>,
    ) -> Option<Vec<Vec<String>>> {
        if let Some(i) = stack.iter().position(|n| n == node) {
            return Some(stack[i..].to_vec());
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.clone());
        for next in graph.get(node).into_iter().flatten() {
            // A parent module's re-export of its child is not an arrow back up.
            if let Some(cycle) = visit(next, graph, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        done.insert(node.clone());
        None
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        if let Some(cycle) = visit(node, graph, &mut Vec::new(), &mut done) {
            return Some(cycle);
        }
    }
    None
}

#[test]
fn the_engine_has_no_import_cycle() {
    let graph = import_graph(&["model", "protocol", "analysis", "dosing", "io"]);
    assert!(graph.len() > 30, "the engine's files were found: {}", graph.len());
    if let Some(cycle) = find_cycle(&graph) {
        let names: Vec<String> = cycle.iter().map(|m| m.join("::")).collect();
        panic!("import cycle: {} → {}", names.join(" → "), names[0]);
    }
    let module = |path: &str| path.split("::").map(str::to_owned).collect::<Vec<_>>();
    // The reader sees real arrows (a file's own, a parent's to its child, one across rooms).
    let arrows = |from: &str| graph.get(&module(from)).cloned().unwrap_or_default();
    assert!(arrows("analysis::icu::heparin").contains(&module("analysis::context")));
    assert!(arrows("analysis").contains(&module("analysis::context")));
    assert!(arrows("io::report").contains(&module("analysis")));
}

#[test]
fn the_whole_crate_has_no_import_cycle() {
    let graph = import_graph(&[]);
    if let Some(cycle) = find_cycle(&graph) {
        let names: Vec<String> = cycle.iter().map(|m| m.join("::")).collect();
        panic!("import cycle: {} → {}", names.join(" → "), names[0]);
    }
}

/// The app's views draw from the document and their own state and push commands; they never reach
/// up into the shell (the state it owns, the interpreter) nor into each other, except the shared
/// add/edit form and the tables of demo cases, views and colours.
#[test]
fn app_views_import_only_the_document_their_state_and_the_commands() {
    let graph = import_graph(&["app"]);
    let app = |m: &str| vec!["app".to_owned(), m.to_owned()];
    let views = [
        "bypass",
        "case_bar",
        "dialogs",
        "draw_form",
        "event_form",
        "flowsheet",
        "history",
        "patient",
        "plan",
        "plots",
        "scatter",
        "timeline",
        "tools",
        "whatif",
    ];
    let allowed: BTreeSet<Vec<String>> = [
        "document",
        "command",
        "theme",
        "event_form",
        "draw_form",
        "demo_cases",
        "preferences",
        "status",
        "forecasting",
        "whatif",
        "scatter",
        "plot_grid",
    ]
    .into_iter()
    .map(app)
    .collect();
    let mut wrong = Vec::new();
    for view in views {
        let module = app(view);
        let arrows = graph.get(&module).unwrap_or_else(|| panic!("no view {view}"));
        for target in arrows.iter().filter(|t| t.first().is_some_and(|r| r == "app")) {
            if !allowed.contains(target) {
                wrong.push(format!("{} → {}", module.join("::"), target.join("::")));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "views reaching beyond the document, their state and the commands: {wrong:?}"
    );
}

#[test]
fn the_checker_finds_a_cycle_and_resolves_paths() {
    let modules: BTreeSet<Vec<String>> = [vec!["a".to_owned()], vec!["a".to_owned(), "b".to_owned()]]
        .into_iter()
        .collect();
    let from = vec!["a".to_owned(), "b".to_owned()];
    assert_eq!(target("super::Thing", &from, &modules), Some(vec!["a".to_owned()]));
    assert_eq!(target("crate::a::b::X", &from, &modules), Some(from.clone()));
    assert_eq!(expand("a::{b::{c,d},e}"), ["a::b::c", "a::b::d", "a::e"]);
    let mut graph = BTreeMap::new();
    graph.insert(vec!["a".to_owned()], [from.clone()].into_iter().collect());
    graph.insert(from.clone(), [vec!["a".to_owned()]].into_iter().collect());
    assert!(find_cycle(&graph).is_some());
}

#[test]
fn no_source_file_is_longer_than_a_reader_can_hold() {
    let src = crate_root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).unwrap().lines().count();
            (n > MAX_LINES).then(|| format!("{} ({n} lines)", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "files over {MAX_LINES} lines: {long:?}");
}
