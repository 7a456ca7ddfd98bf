//! Golden outputs of `show` for every vector under `testvectors/`, in every format:
//! `tests/golden/<vector>.text.txt`, `.cucm.txt`, `.json.txt`, and `<vector>.error.txt`
//! for the vectors that must not parse.
//!
//! Regenerate after an intended change with
//! `ITLTOOL_BLESS=1 cargo test -p itl-cli --test golden` and review the diff.
//! Times are fixed so the files do not depend on the clock or on checkout time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{all_vectors, root, sidecar};
use itl_cli::input;
use itl_core::{CucmOptions, JsonOptions, TextOptions};

/// A common terminal width (in characters).
const MAX_WIDTH: usize = 100;

/// "Now" for validity warnings: 2023-11-14 22:13:20 UTC.
const NOW: i64 = 1_700_000_000;
/// The file modification time printed by `--format cucm`.
const MTIME: i64 = 1_700_000_000;
const FORMATS: [&str; 3] = ["text", "cucm", "json"];

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Every `.tlv` under `testvectors/`, as paths relative to the workspace root.
fn vectors() -> Vec<String> {
    let out: Vec<String> = all_vectors()
        .iter()
        .map(|p| p.strip_prefix(root()).unwrap().to_str().unwrap().to_owned())
        .collect();
    assert!(out.len() >= 14, "only {} vectors found", out.len());
    out
}

fn stem(rel: &str) -> String {
    Path::new(rel)
        .file_stem()
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned()
}

fn render_text(rel: &str, bytes: &[u8], color: bool) -> Result<String, String> {
    render_text_at(rel, bytes, color, Some(MAX_WIDTH))
}

fn render_text_at(
    rel: &str,
    bytes: &[u8],
    color: bool,
    width: Option<usize>,
) -> Result<String, String> {
    let tl = input::parse(Path::new(rel), bytes).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    let mut options = TextOptions::new(NOW);
    options.color = color;
    options.width = width;
    itl_core::write_show_text(&mut out, rel, &tl, &options).unwrap();
    Ok(String::from_utf8(out).unwrap())
}

/// `(golden file name, content)` for one vector.
fn render(rel: &str) -> Vec<(String, String)> {
    let bytes = std::fs::read(root().join(rel)).unwrap();
    let name = stem(rel);
    let tl = match input::parse(Path::new(rel), &bytes) {
        Ok(tl) => tl,
        Err(e) => return vec![(format!("{name}.error.txt"), format!("{e}\n"))],
    };
    let mut files = Vec::new();
    for format in FORMATS {
        let mut out = Vec::new();
        match format {
            "text" => {
                let mut options = TextOptions::new(NOW);
                options.width = Some(MAX_WIDTH);
                itl_core::write_show_text(&mut out, rel, &tl, &options).unwrap();
            }
            "cucm" => {
                let mut options = CucmOptions::new(NOW);
                options.modified = Some(MTIME);
                itl_core::write_show_cucm(&mut out, &tl, &options).unwrap();
            }
            _ => {
                itl_core::write_show_json(&mut out, rel, &tl, &JsonOptions::new(NOW)).unwrap();
            }
        }
        files.push((
            format!("{name}.{format}.txt"),
            String::from_utf8(out).unwrap(),
        ));
    }
    files
}

#[test]
fn golden_outputs_for_every_vector_and_format() {
    let bless = std::env::var_os("ITLTOOL_BLESS").is_some_and(|v| !v.is_empty());
    let dir = golden_dir();
    if bless {
        std::fs::create_dir_all(&dir).unwrap();
    }
    let mut expected_names = BTreeSet::new();
    let mut failures = Vec::new();
    for rel in vectors() {
        for (name, got) in render(&rel) {
            assert!(
                expected_names.insert(name.clone()),
                "{name}: two vectors share a stem"
            );
            let path = dir.join(&name);
            if bless {
                std::fs::write(&path, &got).unwrap();
                continue;
            }
            match std::fs::read_to_string(&path) {
                Err(e) => failures.push(format!("{name}: cannot read golden file: {e}")),
                Ok(want) if want != got => {
                    let line = want
                        .lines()
                        .zip(got.lines())
                        .position(|(a, b)| a != b)
                        .unwrap_or_else(|| want.lines().count().min(got.lines().count()));
                    failures.push(format!(
                        "{name}: differs from line {}:\n  golden: {:?}\n  now:    {:?}",
                        line + 1,
                        want.lines().nth(line).unwrap_or("<end>"),
                        got.lines().nth(line).unwrap_or("<end>")
                    ));
                }
                Ok(_) => {}
            }
        }
    }
    // No stale golden files for vectors that no longer exist.
    for e in std::fs::read_dir(&dir).unwrap() {
        let name = e.unwrap().file_name().to_str().unwrap().to_owned();
        if !expected_names.contains(&name) {
            if bless {
                std::fs::remove_file(dir.join(&name)).unwrap();
            } else {
                failures.push(format!("{name}: golden file without a vector"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} golden mismatch(es); if intended, rerun with ITLTOOL_BLESS=1 and review the diff:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Strips ANSI colour sequences (`ESC [ … m`).
fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn text_fits_the_width_for_every_vector() {
    for rel in vectors() {
        let bytes = std::fs::read(root().join(&rel)).unwrap();
        for width in [60, 80, MAX_WIDTH, 132] {
            for color in [false, true] {
                let Ok(text) = render_text_at(&rel, &bytes, color, Some(width)) else {
                    continue;
                };
                assert_eq!(text.contains('\x1b'), color, "{rel}: colour {color}");
                for (i, line) in strip_ansi(&text).lines().enumerate() {
                    let n = line.chars().count();
                    assert!(
                        n <= width,
                        "{rel} at {width}: line {}: {n} columns: {line}",
                        i + 1
                    );
                }
            }
        }
    }
}

/// The `  - ` items of the text's Warnings section, continuation lines joined.
fn warning_items(text: &str) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if line.starts_with("Warnings (") {
            inside = true;
        } else if !inside {
        } else if let Some(item) = line.strip_prefix("  - ") {
            items.push(item.to_owned());
        } else if let (Some(rest), Some(last)) = (line.strip_prefix("    "), items.last_mut()) {
            last.push(' ');
            last.push_str(rest);
        }
    }
    items
}

#[test]
fn narrow_terminals_wrap_between_words_and_pipes_get_whole_lines() {
    let mut checked = 0;
    for rel in vectors() {
        let bytes = std::fs::read(root().join(&rel)).unwrap();
        let Ok(whole) = render_text_at(&rel, &bytes, false, None) else {
            continue;
        };
        let at60 = render_text_at(&rel, &bytes, false, Some(60)).unwrap();
        // Wrapped at 60 columns, the warnings read the same as unwrapped: no
        // word was split or lost.
        assert_eq!(warning_items(&at60), warning_items(&whole), "{rel}");
        checked += warning_items(&whole).len();
        // Unwrapped: every certificate's full SHA-1 and serial is in the output.
        let tl = itl_core::TrustList::parse(&bytes).unwrap();
        for r in tl.records() {
            if let Some(serial) = r.serial_number() {
                assert!(whole.contains(&hex::encode(serial)), "{rel}");
            }
        }
        // At 60 columns the records are blocks: one `#  FUNCTION` line each.
        assert!(!at60.contains("#  FUNCTION"), "{rel}: table at 60 columns");
        assert_eq!(
            at60.lines()
                .filter(|l| l.starts_with("  Cert SHA-1 "))
                .count(),
            tl.records().len(),
            "{rel}"
        );
    }
    assert!(checked > 20, "only {checked} warnings checked");
}

#[test]
fn text_has_the_facts_of_each_sidecar() {
    for rel in vectors() {
        let bytes = std::fs::read(root().join(&rel)).unwrap();
        let side = sidecar(&root().join(&rel));
        let Ok(text) = render_text(&rel, &bytes, false) else {
            assert!(side.get("error_offset").is_some(), "{rel} should parse");
            continue;
        };
        let field = |label: &str| -> String {
            text.lines()
                .find(|l| l.starts_with(label) && l.as_bytes().get(label.len()) == Some(&b' '))
                .map(|l| l[label.len()..].trim().to_owned())
                .unwrap_or_else(|| panic!("{rel}: no {label} line"))
        };
        assert_eq!(field("MD5"), side["md5"].as_str().unwrap(), "{rel}");
        assert_eq!(field("SHA-1"), side["sha1"].as_str().unwrap(), "{rel}");
        assert_eq!(field("Size"), format!("{} bytes", side["size"]), "{rel}");
        assert_eq!(field("Version"), side["version"].as_str().unwrap(), "{rel}");
        assert_eq!(
            field("Header"),
            format!("{} bytes", side["header_length"]),
            "{rel}"
        );
        assert_eq!(field("Digest"), side["digest"].as_str().unwrap(), "{rel}");
        let sig = field("Signature");
        if side["signature_valid"] == true {
            assert!(
                sig.starts_with("valid:")
                    && sig.contains(&format!("by record {} ", side["signer_record"])),
                "{rel}: {sig}"
            );
        } else {
            assert!(!sig.starts_with("valid"), "{rel}: {sig}");
        }
        let n = side["records"].as_array().unwrap().len();
        assert!(text.contains(&format!("Records ({n})\n")), "{rel}");
        // One row per record, numbered, each naming the start of its certificate hash.
        let rows: Vec<&str> = text
            .lines()
            .skip_while(|l| !l.starts_with("Records ("))
            .skip(2)
            .take(n)
            .collect();
        for (i, (row, rec)) in rows
            .iter()
            .zip(side["records"].as_array().unwrap())
            .enumerate()
        {
            let cols: Vec<&str> = row.split_whitespace().collect();
            assert_eq!(cols[0], (i + 1).to_string(), "{rel}: {row}");
            let hash = rec["cert_sha1"]
                .as_str()
                .or(rec["cert_hash"].as_str())
                .unwrap();
            assert!(
                row.contains(&hash[..8]),
                "{rel}: row {} lacks {hash}: {row}",
                i + 1
            );
        }
    }
}

#[test]
fn cli_default_format_is_text_and_plain_when_piped() {
    let rel = "testvectors/own/ITLSEP0011215A1AE3-sbd-replica.tlv";
    let out = Command::new(env!("CARGO_BIN_EXE_itltool"))
        .current_dir(root())
        .args(["show", rel])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains('\x1b'),
        "no colour when stdout is not a terminal"
    );
    // The replica's certificates are valid until 2032, so the clock does not matter.
    // (Compared with the library's rendering, not the golden file, which a parallel
    // ITLTOOL_BLESS run may be rewriting.)
    let bytes = std::fs::read(root().join(rel)).unwrap();
    // Not a terminal: nothing is cut or wrapped.
    assert_eq!(text, render_text_at(rel, &bytes, false, None).unwrap());
}
