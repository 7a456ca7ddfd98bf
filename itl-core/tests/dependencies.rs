//! Every dependency of itl-core has a job: each crate named under
//! `[dependencies]` in Cargo.toml is used by name in `src/` (issue 13: `nom`
//! was there for one 3-byte read and `der` was never used directly).

use std::path::Path;

/// The crate names under `[dependencies]` of this crate's Cargo.toml.
fn dependencies() -> Vec<String> {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
            .unwrap_or_else(|e| panic!("itl-core/Cargo.toml: {e}"));
    let mut in_deps = false;
    let mut names = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
            continue;
        }
        if in_deps && let Some((name, _)) = line.split_once(['=', '.']) {
            let name = name.trim();
            if !name.is_empty() && !name.starts_with('#') {
                names.push(name.to_owned());
            }
        }
    }
    names
}

/// All Rust source under `dir`, concatenated.
fn sources(dir: &Path, text: &mut String) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        if path.is_dir() {
            sources(&path, text);
        } else if path.extension().is_some_and(|e| e == "rs") {
            text.push_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}")));
        }
    }
}

/// Whether `ident::` occurs in `text` as a path of its own (not `x::ident::`,
/// which is a re-export through another crate).
fn used(text: &str, ident: &str) -> bool {
    let needle = format!("{ident}::");
    text.match_indices(&needle).any(|(i, _)| {
        !text[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
    })
}

#[test]
fn every_dependency_is_used_directly() {
    let deps = dependencies();
    assert!(deps.len() >= 5, "read too few dependencies: {deps:?}");
    assert!(deps.iter().any(|d| d == "rsa"), "{deps:?}");
    let mut text = String::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut text,
    );
    let unused: Vec<&String> = deps
        .iter()
        .filter(|d| !used(&text, &d.replace('-', "_")) && !used(&text, &d.replace('-', "")))
        .collect();
    assert!(
        unused.is_empty(),
        "dependencies not used in src/: {unused:?}"
    );
}
