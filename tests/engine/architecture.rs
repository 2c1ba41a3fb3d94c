#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a test failure"
)]
//! The shape of the code, checked: no import cycle between the files under `src/`, and no file longer
//! than a reader can hold (700 lines). The modules are read from the source text: every crate path —
//! in a `use` (`crate::`, `super::`, `self::`, `anticoag_planner::`, or a 2018-style path relative to a
//! `mod.rs`) and written inline anywhere else in the code (`super::event_code::EventCode::of(..)`,
//! `impl super::case::Case`, a serde attribute's `"crate::model::required_option"`) — is an arrow from
//! the file to the deepest module file the path names. Comments are left out, and so is test-only code
//! (after `#[cfg(test)]`, and the test-support files): a test may read anything.

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

/// The text without its comments (`//…` to the end of the line, `/* … */`, nested), so that a path named
/// in a doc comment is not read as an arrow. String literals (plain, byte and raw) and char literals are
/// kept as they are and never read as comment starts or string ends (a serde attribute names a function
/// by its path in a string).
fn without_comments(text: &str) -> String {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let before = text[..i].chars().next_back();
        // Where the next piece ends, and whether it is kept.
        let (len, keep) = if rest.starts_with("//") {
            (rest.find('\n').unwrap_or(rest.len()), false)
        } else if rest.starts_with("/*") {
            let mut depth = 0_usize;
            let mut j = 0;
            while j < rest.len() {
                if rest[j..].starts_with("/*") {
                    depth += 1;
                    j += 2;
                } else if rest[j..].starts_with("*/") {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j += rest[j..].chars().next().map_or(1, char::len_utf8);
                }
            }
            (j.min(rest.len()), false)
        } else if rest.starts_with('r')
            && !before.is_some_and(|c| is_ident(c) && c != 'b')
            && rest[1..].trim_start_matches('#').starts_with('"')
        {
            // A raw string: r"…", r#"…"#, br"…".
            let hashes = rest[1..].len() - rest[1..].trim_start_matches('#').len();
            let close = format!("\"{}", "#".repeat(hashes));
            let body = 2 + hashes;
            (
                rest[body..].find(&close).map_or(rest.len(), |k| body + k + close.len()),
                true,
            )
        } else if rest.starts_with('"') {
            let mut j = 1;
            let bytes = rest.as_bytes();
            while j < bytes.len() && bytes[j] != b'"' {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            ((j + 1).min(rest.len()), true)
        } else if rest.starts_with('\'') {
            // A char literal ('x', '\n', '\'', '\u{2014}'), else a lifetime ('a).
            let mut chars = rest.char_indices().skip(1);
            match chars.next() {
                Some((_, '\\')) => (rest[2..].find('\'').map_or(rest.len(), |k| 2 + k + 1), true),
                Some((k, c)) if rest[k + c.len_utf8()..].starts_with('\'') => (k + c.len_utf8() + 1, true),
                _ => (1, true),
            }
        } else {
            (rest.chars().next().map_or(1, char::len_utf8), true)
        };
        if keep {
            out.push_str(&rest[..len]);
        }
        i += len.max(1);
    }
    out
}

/// Every path written inline that starts at the crate or a module (`crate::a::b`, `super::c::D`,
/// `self::e`, `anticoag_planner::f`), wherever it stands: in an expression, a type, an `impl`, a
/// macro or an attribute's string.
fn inline_paths(code: &str) -> Vec<String> {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = Vec::new();
    for (i, _) in code.match_indices("::") {
        let head_start = code[..i].rfind(|c: char| !is_ident(c)).map_or(0, |j| j + 1);
        let head = &code[head_start..i];
        if !matches!(head, "crate" | "super" | "self" | "anticoag_planner") {
            continue;
        }
        // Only the first segment of a path starts one (`super::super::x` is read once, from its start).
        if code[..head_start].ends_with("::") {
            continue;
        }
        let end = code[head_start..]
            .find(|c: char| !(is_ident(c) || c == ':'))
            .map_or(code.len(), |j| head_start + j);
        out.push(code[head_start..end].trim_end_matches(':').to_owned());
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
        let code = without_comments(production_source(&text));
        let arrows: BTreeSet<Vec<String>> = use_statements(&code)
            .iter()
            .flat_map(|u| expand(u))
            .chain(inline_paths(&code))
            .filter_map(|p| target(&p, &from, &modules))
            .filter(|t| *t != module && in_scope(t) && !t.is_empty())
            .collect();
        graph.insert(module, arrows);
    }
    graph
}

/// Every group of files that import each other in a circle (the strongly connected components of more
/// than one file), each written "a ↔ b ↔ c", so that one run names every circle to break.
fn circles(graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<String> {
    let reach = |from: &Vec<String>| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.clone()];
        while let Some(node) = todo.pop() {
            for next in graph.get(&node).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    todo.push(next.clone());
                }
            }
        }
        seen
    };
    let reachable: BTreeMap<&Vec<String>, BTreeSet<Vec<String>>> = graph.keys().map(|n| (n, reach(n))).collect();
    let mut placed = BTreeSet::new();
    let mut out = Vec::new();
    for (node, from_node) in &reachable {
        if placed.contains(*node) || !from_node.contains(*node) {
            continue;
        }
        let group: Vec<String> = from_node
            .iter()
            .filter(|m| reachable.get(m).is_some_and(|r| r.contains(*node)))
            .map(|m| m.join("::"))
            .collect();
        placed.extend(
            from_node
                .iter()
                .filter(|m| reachable.get(m).is_some_and(|r| r.contains(*node)))
                .cloned(),
        );
        out.push(group.join(" ↔ "));
    }
    out
}

#[test]
fn the_engine_has_no_import_cycle() {
    let graph = import_graph(&["model", "protocol", "analysis", "dosing", "io", "present"]);
    assert!(graph.len() > 30, "the engine's files were found: {}", graph.len());
    let found = circles(&graph);
    assert!(found.is_empty(), "import circles:\n{}", found.join("\n"));
    let module = |path: &str| path.split("::").map(str::to_owned).collect::<Vec<_>>();
    // The reader sees real arrows (a file's own, a parent's to its child, one across rooms).
    let arrows = |from: &str| graph.get(&module(from)).cloned().unwrap_or_default();
    assert!(arrows("analysis::icu::heparin").contains(&module("analysis::context")));
    assert!(arrows("analysis::run").contains(&module("analysis::context")));
    assert!(arrows("present::report").contains(&module("analysis")));
    // The rooms are floors: what is shown and printed (`present`) reads the engine, never the reverse.
    let upward: Vec<String> = graph
        .iter()
        .filter(|(from, _)| from.first().is_some_and(|r| r != "present"))
        .flat_map(|(from, to)| {
            to.iter()
                .filter(|t| t.first().is_some_and(|r| r == "present"))
                .map(move |t| format!("{} → {}", from.join("::"), t.join("::")))
        })
        .collect();
    assert!(upward.is_empty(), "the engine reads what is presented: {upward:?}");
}

#[test]
fn the_whole_crate_has_no_import_cycle() {
    let graph = import_graph(&[]);
    let found = circles(&graph);
    assert!(found.is_empty(), "import circles:\n{}", found.join("\n"));
}

/// The app's views (`app/views/`) draw from the document and their own state and push commands; they
/// never reach up into the shell (the state it owns, the interpreter), nor into each other except the
/// shared pieces (the add/edit and draw forms, the small widgets, the Plots view's parts).
#[test]
fn app_views_import_only_the_document_their_state_and_the_commands() {
    let graph = import_graph(&["app"]);
    let path = |m: &str| m.split("::").map(str::to_owned).collect::<Vec<_>>();
    let views: Vec<&Vec<String>> = graph
        .keys()
        .filter(|m| m.len() == 3 && m[..2] == path("app::views")[..])
        .collect();
    assert!(views.len() >= 14, "the views were found: {views:?}");
    let allowed: BTreeSet<Vec<String>> = [
        "app::document",
        "app::command",
        "app::theme",
        "app::demo_cases",
        "app::preferences",
        "app::status",
        "app::forecasting",
        "app::views",
        "app::views::event_form",
        "app::views::draw_form",
        "app::views::widgets",
        "app::views::whatif",
        "app::views::scatter",
        "app::views::plot_grid",
    ]
    .into_iter()
    .map(path)
    .collect();
    let mut wrong = Vec::new();
    for view in views {
        for target in graph[view].iter().filter(|t| t.first().is_some_and(|r| r == "app")) {
            if !allowed.contains(target) {
                wrong.push(format!("{} → {}", view.join("::"), target.join("::")));
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
    assert_eq!(circles(&graph), ["a ↔ a::b"]);
    // Inline paths are read wherever they stand, and comments are not.
    let code = without_comments(
        "impl super::case::Case {} // crate::ignored::x\n#[serde(with = \"crate::model::opt\")] let c = '\"'; f(self::x::y(), super::super::z::W);",
    );
    assert_eq!(
        inline_paths(&code),
        [
            "super::case::Case",
            "crate::model::opt",
            "self::x::y",
            "super::super::z::W"
        ]
    );
    // Char literals, raw strings and nested comments neither start nor end a string or a comment.
    let tricky = without_comments(concat!(
        r#"let q = '\"'; let r = r"C:\"; /* a /* b */ crate::hidden::x */ "#,
        r###"let l: &'a str = "//"; super::seen::Y; let h = r##""// "##; crate::also::Z"###,
    ));
    assert_eq!(inline_paths(&tricky), ["super::seen::Y", "crate::also::Z"], "{tricky}");
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
