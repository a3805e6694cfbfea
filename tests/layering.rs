//! The module layering of DESIGN.md, checked on the source: the top-level modules of src/
//! (config, db, mail, models, services, tokens, views, web, ...) import each other one way
//! only. Every `crate::x` a file names (in a `use` or inline, `use crate::{a, b}` included;
//! comments and string literals skipped) is an edge from its module to `x`; any cycle fails,
//! named with the lines that make it, and so does any edge the layers forbid. lib.rs and
//! main.rs wire everything together and are left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Where an edge comes from: the first file and line that makes it.
type Graph = BTreeMap<String, BTreeMap<String, String>>;

/// Edges the layers forbid even where they would close no cycle (yet): `from -> to`.
const FORBIDDEN: &[(&str, &[&str])] = &[
    // Services return data: they never render, send or answer HTTP.
    ("services", &["views", "mail", "web", "content"]),
    // The delivery engine renders and sends; the use cases that cause mail are not its business.
    ("mail", &["services", "web", "content", "search"]),
    // Views render what they are given: no database, no mail, no HTTP.
    ("views", &["db", "mail", "web", "content"]),
    // Rows and queries know only the database.
    ("models", &["services", "views", "mail", "web", "search", "content", "markdown", "tokens", "config"]),
    ("db", &["models", "services", "views", "mail", "web", "search", "content", "tokens"]),
    ("markdown", &["db", "models", "services", "views", "mail", "web", "search", "content"]),
    ("vocab", &["db", "models", "services", "views", "mail", "web", "search", "content"]),
    // The workers run use cases and the delivery engine; nothing of HTTP or pages.
    ("background", &["web", "views", "content"]),
    ("error", &["db", "models", "services", "views", "mail", "web", "search", "content", "tokens", "config"]),
];

/// Leaves: modules that import nothing from the crate at all.
const LEAVES: &[&str] = &["tokens", "paths"];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The source with comments, string and character literals blanked (newlines kept, so line
/// numbers stay right), so `crate::` in a doc comment or a message is not an import.
fn code_only(s: &str) -> String {
    let c: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let blank = |out: &mut String, ch: char| out.push(if ch == '\n' { '\n' } else { ' ' });
    let mut i = 0;
    while i < c.len() {
        let ident_before = i > 0 && (c[i - 1].is_alphanumeric() || c[i - 1] == '_');
        if c[i] == '/' && c.get(i + 1) == Some(&'/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if c[i] == '/' && c.get(i + 1) == Some(&'*') {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
        } else if !ident_before && (c[i] == 'r' || (c[i] == 'b' && c.get(i + 1) == Some(&'r'))) && {
            let mut j = i + if c[i] == 'b' { 2 } else { 1 };
            while c.get(j) == Some(&'#') {
                j += 1;
            }
            c.get(j) == Some(&'"')
        } {
            // A raw string: r"...", r#"..."#, br##"..."##.
            let mut j = i + if c[i] == 'b' { 2 } else { 1 };
            let mut hashes = 0;
            while c[j] == '#' {
                hashes += 1;
                j += 1;
            }
            j += 1;
            while j < c.len() && !(c[j] == '"' && (0..hashes).all(|k| c.get(j + 1 + k) == Some(&'#'))) {
                blank(&mut out, c[j]);
                j += 1;
            }
            i = j + 1 + hashes;
        } else if c[i] == '"' {
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    blank(&mut out, c[i]);
                    i += 1;
                }
                if i < c.len() {
                    blank(&mut out, c[i]);
                }
                i += 1;
            }
            i += 1;
        } else if c[i] == '\'' && (c.get(i + 1) == Some(&'\\') || c.get(i + 2) == Some(&'\'')) {
            // A character literal ('x', '\n', '\u{2028}'); a lifetime ('a) has no closing quote.
            i += 1;
            while i < c.len() && c[i] != '\'' {
                if c[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

/// The top-level names after each `crate::` in `code`, with their line numbers.
fn crate_paths(code: &str) -> Vec<(String, usize)> {
    let c: Vec<char> = code.chars().collect();
    let ident = |c: &[char], mut j: usize| -> (String, usize) {
        let start = j;
        while j < c.len() && (c[j].is_alphanumeric() || c[j] == '_') {
            j += 1;
        }
        (c[start..j].iter().collect(), j)
    };
    let skip_ws = |c: &[char], mut j: usize| {
        while j < c.len() && c[j].is_whitespace() {
            j += 1;
        }
        j
    };
    let line_of = |i: usize| c[..i].iter().filter(|&&ch| ch == '\n').count() + 1;
    let mut out = Vec::new();
    let needle: Vec<char> = "crate::".chars().collect();
    let mut i = 0;
    while i + needle.len() <= c.len() {
        let before_ok = i == 0 || !(c[i - 1].is_alphanumeric() || c[i - 1] == '_' || c[i - 1] == '$');
        if !before_ok || c[i..i + needle.len()] != needle[..] {
            i += 1;
            continue;
        }
        let line = line_of(i);
        let mut j = skip_ws(&c, i + needle.len());
        if c.get(j) == Some(&'{') {
            // use crate::{a, b::{c, d}, e}: the first name of each item at the top level.
            j += 1;
            let mut depth = 0;
            let mut expect_name = true;
            while j < c.len() {
                match c[j] {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => expect_name = true,
                    ch if expect_name && depth == 0 && (ch.is_alphanumeric() || ch == '_') => {
                        let (name, end) = ident(&c, j);
                        out.push((name, line_of(j)));
                        expect_name = false;
                        j = end;
                        continue;
                    }
                    _ => {}
                }
                j += 1;
            }
        } else {
            let (name, _) = ident(&c, j);
            if !name.is_empty() {
                out.push((name, line));
            }
        }
        i += needle.len();
    }
    out
}

/// The graph between the top-level modules of src/, with the place that makes each edge.
fn module_graph() -> (BTreeSet<String>, Graph) {
    let root = src();
    let mut modules = BTreeSet::new();
    for e in std::fs::read_dir(&root).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_stem().unwrap().to_string_lossy().to_string();
        if p.is_dir() || (p.extension().is_some_and(|e| e == "rs") && name != "lib" && name != "main") {
            modules.insert(name);
        }
    }
    // Names lib.rs re-exports (`pub use config::Config;`) stand for their module.
    let lib = std::fs::read_to_string(root.join("lib.rs")).unwrap();
    let mut aliases: BTreeMap<String, String> = BTreeMap::new();
    for line in lib.lines() {
        if let Some(rest) = line.trim().strip_prefix("pub use ") {
            if let Some((module, name)) = rest.trim_end_matches(';').split_once("::") {
                aliases.insert(name.to_string(), module.to_string());
            }
        }
    }
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut graph: Graph = modules.iter().map(|m| (m.clone(), BTreeMap::new())).collect();
    for file in files {
        let rel = file.strip_prefix(&root).unwrap();
        let first = rel.components().next().unwrap().as_os_str().to_string_lossy().to_string();
        let from = first.trim_end_matches(".rs").to_string();
        if !modules.contains(&from) {
            continue; // lib.rs, main.rs
        }
        let code = code_only(&std::fs::read_to_string(&file).unwrap());
        for (name, line) in crate_paths(&code) {
            let to = aliases.get(&name).cloned().unwrap_or(name);
            if to != from && modules.contains(&to) {
                graph.get_mut(&from).unwrap().entry(to).or_insert_with(|| format!("src/{}:{line}", rel.display()));
            }
        }
    }
    (modules, graph)
}

/// Every cycle's strongly connected component (Tarjan), each with one cycle through it.
fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    struct T<'a> {
        g: &'a Graph,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        sccs: Vec<Vec<&'a str>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        let n = t.index.len();
        t.index.insert(v, n);
        t.low.insert(v, n);
        t.stack.push(v);
        t.on.insert(v);
        for w in t.g[v].keys() {
            let w = w.as_str();
            if !t.g.contains_key(w) {
                continue;
            }
            if !t.index.contains_key(w) {
                visit(t, w);
                let lw = t.low[w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if t.on.contains(w) {
                let iw = t.index[w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if t.low[v] == t.index[v] {
            let mut scc = Vec::new();
            loop {
                let w = t.stack.pop().unwrap();
                t.on.remove(w);
                scc.push(w);
                if w == v {
                    break;
                }
            }
            t.sccs.push(scc);
        }
    }
    let mut t = T { g: graph, index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), on: BTreeSet::new(), sccs: Vec::new() };
    for v in graph.keys() {
        if !t.index.contains_key(v.as_str()) {
            visit(&mut t, v);
        }
    }
    let mut out = Vec::new();
    for scc in t.sccs.into_iter().filter(|s| s.len() > 1) {
        // A shortest way from the component's first module back to itself, inside it.
        let members: BTreeSet<&str> = scc.iter().copied().collect();
        let start = *members.iter().next().unwrap();
        let mut prev: BTreeMap<&str, &str> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        let mut last = None;
        'search: while let Some(v) = queue.pop_front() {
            for w in graph[v].keys().map(String::as_str).filter(|w| members.contains(w)) {
                if w == start {
                    last = Some(v);
                    break 'search;
                }
                if !prev.contains_key(w) {
                    prev.insert(w, v);
                    queue.push_back(w);
                }
            }
        }
        let mut path = vec![start.to_string()];
        let mut v = last.expect("a component of two or more modules has a cycle");
        while v != start {
            path.push(v.to_string());
            v = prev[v];
        }
        path.push(start.to_string());
        let n = path.len();
        path[1..n - 1].reverse();
        out.push(path);
    }
    out
}

/// A cycle with the line behind each step, then every other import among the same modules.
fn describe(graph: &Graph, cycle: &[String]) -> String {
    let steps: Vec<String> = cycle.windows(2).map(|w| format!("{} -> {} ({})", w[0], w[1], graph[&w[0]][&w[1]])).collect();
    let members: BTreeSet<&String> = cycle.iter().collect();
    let others: Vec<String> = members
        .iter()
        .flat_map(|from| graph[*from].iter().filter(|(to, _)| members.contains(to)).map(move |(to, place)| (from, to, place)))
        .filter(|(from, to, _)| !cycle.windows(2).any(|w| &w[0] == **from && &w[1] == *to))
        .map(|(from, to, place)| format!("{from} -> {to} ({place})"))
        .collect();
    let mut text = format!("{}\n    {}", cycle.join(" -> "), steps.join("\n    "));
    if !others.is_empty() {
        text.push_str(&format!("\n  also among them:\n    {}", others.join("\n    ")));
    }
    text
}

fn print_graph(graph: &Graph) {
    println!("module graph (src/, lib.rs and main.rs left out):");
    for (from, to) in graph {
        let to: Vec<&str> = to.keys().map(String::as_str).collect();
        println!("  {from:<9} -> {}", if to.is_empty() { "(nothing)".to_string() } else { to.join(", ") });
    }
}

#[test]
fn no_two_top_level_modules_import_each_other_even_through_others() {
    let (modules, graph) = module_graph();
    for m in ["mail", "models", "services", "tokens", "views", "web"] {
        assert!(modules.contains(m), "src/{m} is a top-level module: {modules:?}");
    }
    print_graph(&graph);
    let found = cycles(&graph);
    let text: Vec<String> = found.iter().map(|c| describe(&graph, c)).collect();
    assert!(found.is_empty(), "import cycles between top-level modules:\n  {}", text.join("\n  "));
}

#[test]
fn the_layers_point_one_way() {
    let (_, graph) = module_graph();
    let mut wrong = Vec::new();
    for (from, banned) in FORBIDDEN {
        for to in *banned {
            if let Some(place) = graph.get(*from).and_then(|e| e.get(*to)) {
                wrong.push(format!("{from} -> {to} ({place})"));
            }
        }
    }
    for leaf in LEAVES {
        for (to, place) in &graph[*leaf] {
            wrong.push(format!("{leaf} is a leaf but imports {to} ({place})"));
        }
    }
    assert!(wrong.is_empty(), "imports against the layering:\n  {}", wrong.join("\n  "));
}

/// The checker itself: it sees through comments, strings and grouped imports, and finds a
/// cycle of three as well as one of two.
#[test]
fn the_checker_finds_what_it_should() {
    let code = code_only("use crate::{a, b::{c, d}, e};\n// crate::hidden\nlet s = \"crate::nope\"; let r = r#\"crate::raw\"#; let q = '\"'; let l: &'static str = x;\nfn f<'a>() { crate::f::g(); }\n/* crate::block /* nested */ crate::still */ $crate::macro_only; my_crate::no;\n");
    let names: Vec<String> = crate_paths(&code).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["a", "b", "e", "f"]);
    assert_eq!(crate_paths(&code).last().unwrap().1, 4, "line numbers survive the blanking");
    let edge = |pairs: &[(&str, &str)]| -> Graph {
        let mut g: Graph = BTreeMap::new();
        for (a, b) in pairs {
            g.entry(a.to_string()).or_default().insert(b.to_string(), "here".into());
            g.entry(b.to_string()).or_default();
        }
        g
    };
    assert!(cycles(&edge(&[("web", "services"), ("services", "models"), ("web", "models")])).is_empty());
    assert_eq!(cycles(&edge(&[("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])), vec![vec!["a", "b", "c", "a"]]);
    assert_eq!(cycles(&edge(&[("mail", "services"), ("services", "mail")])).len(), 1);
}
