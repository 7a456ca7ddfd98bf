//! Many files at once: `show --format json` with many files and `-r DIR`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testvectors")
}

fn itltool(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_itltool"))
        .args(args)
        .output()
        .expect("runs itltool")
}

/// Every *.tlv under `dir`, sorted as `-r` walks: by name, directory by directory.
fn tlv_files(dir: &Path, out: &mut Vec<PathBuf>) {
    walk(dir, &["tlv"], out);
}

/// Every file under `dir` with one of `extensions`, sorted as `-r` walks.
fn walk(dir: &Path, extensions: &[&str], out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, extensions, out);
        } else if p
            .extension()
            .is_some_and(|x| extensions.iter().any(|e| x == *e))
        {
            out.push(p);
        }
    }
}

fn sidecar(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(format!("{}.json", p.display())).unwrap())
        .unwrap()
}

#[test]
fn recursive_show_gives_one_line_per_file_in_order_then_totals() {
    // Trust lists and signed files (.sgn, .enc.sgn) alike.
    let dir = vectors();
    let mut files = Vec::new();
    walk(&dir, &["tlv", "sgn"], &mut files);
    assert!(
        files
            .iter()
            .filter(|p| p.extension().is_some_and(|x| x == "sgn"))
            .count()
            >= 15
    );
    let out = itltool(&["show", "--format", "json", "-r", dir.to_str().unwrap()]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    let (bad, good): (Vec<&PathBuf>, Vec<&PathBuf>) = files
        .iter()
        .partition(|p| sidecar(p).get("error_offset").is_some());
    assert!(!bad.is_empty() && good.len() >= 7);
    assert_eq!(lines.len(), good.len() + 1, "{stdout}");
    for (doc, p) in lines.iter().zip(&good) {
        assert_eq!(doc["file"], p.to_str().unwrap());
        assert_eq!(doc["size"], sidecar(p)["size"]);
        assert_eq!(doc["md5"], sidecar(p)["md5"]);
    }
    let err_lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(err_lines.len(), bad.len(), "{stderr}");
    for (line, p) in err_lines.iter().zip(&bad) {
        let prefix = format!("error: {}: ", p.display());
        assert!(line.starts_with(&prefix), "{line}");
    }
    let totals = &lines[good.len()]["totals"];
    assert_eq!(totals["files"], files.len());
    assert_eq!(totals["ok"], good.len());
    assert_eq!(totals["errors"], bad.len());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn many_named_files_keep_their_order() {
    // 600 names (more than two windows) in a scrambled order, repeats included.
    let mut files = Vec::new();
    tlv_files(&vectors(), &mut files);
    let good: Vec<PathBuf> = files
        .into_iter()
        .filter(|p| sidecar(p).get("error_offset").is_none())
        .collect();
    let names: Vec<String> = (0..600)
        .map(|i| good[(i * 7 + i / 3) % good.len()].display().to_string())
        .collect();
    let mut args = vec!["show", "--format", "json"];
    args.extend(names.iter().map(String::as_str));
    let out = itltool(&args);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), names.len() + 1);
    for (doc, name) in lines.iter().zip(&names) {
        assert_eq!(doc["file"], name.as_str());
        assert_eq!(doc["size"], sidecar(Path::new(name))["size"]);
    }
    assert_eq!(
        lines[names.len()],
        serde_json::json!({"totals": {"files": 600, "ok": 600, "failed": 0, "errors": 0}})
    );
}

#[test]
fn a_missing_file_among_many_exits_2_and_the_others_are_shown() {
    let good = vectors().join("real/CTLFile-cucm10.tlv");
    let good = good.to_str().unwrap();
    let out = itltool(&["show", "--format", "json", good, "/nonexistent.tlv", good]);
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 3);
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: /nonexistent.tlv: no such file\n"
    );
    assert!(
        stdout
            .lines()
            .last()
            .unwrap()
            .contains(r#"{"totals":{"files":3,"ok":2,"failed":0,"errors":1}}"#)
    );
}

#[test]
fn recursive_verify_summary_lines_in_order_then_totals() {
    let dir = vectors();
    let mut files = Vec::new();
    tlv_files(&dir, &mut files);
    let out = itltool(&["verify", "--summary", "-r", dir.to_str().unwrap()]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let (bad, good): (Vec<&PathBuf>, Vec<&PathBuf>) = files
        .iter()
        .partition(|p| sidecar(p).get("error_offset").is_some());
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), good.len() + 1, "{stdout}");
    let mut valid = 0;
    for (line, p) in lines.iter().zip(&good) {
        let ok = sidecar(p)["signature_valid"].as_bool().unwrap();
        valid += usize::from(ok);
        let want = format!(
            "{}: {} (",
            p.display(),
            if ok { "valid" } else { "INVALID" }
        );
        assert!(line.starts_with(&want), "{line} / {want}");
    }
    assert_eq!(
        lines[good.len()],
        format!(
            "total: {} files, {valid} valid, {} invalid, {} errors",
            files.len(),
            good.len() - valid,
            bad.len()
        )
    );
    let err_lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(err_lines.len(), bad.len(), "{stderr}");
    for (line, p) in err_lines.iter().zip(&bad) {
        assert!(
            line.starts_with(&format!("error: {}: ", p.display())),
            "{line}"
        );
    }
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn verify_of_many_files_keeps_order_and_exit_1_for_an_invalid_one() {
    let dir = tempfile::tempdir().unwrap();
    let real = vectors().join("real/CTLFile-cucm10.tlv");
    let mut bytes = std::fs::read(&real).unwrap();
    // A bit of the SIGNATURE value (tag 12 at byte 158 of the real CTL).
    assert_eq!(bytes[158], 12);
    bytes[170] ^= 0x01;
    let bad = dir.path().join("bad.tlv");
    std::fs::write(&bad, &bytes).unwrap();
    let names: Vec<String> = (0..300)
        .map(|i| if i % 37 == 5 { &bad } else { &real }.display().to_string())
        .collect();
    let mut args = vec!["verify", "--summary"];
    args.extend(names.iter().map(String::as_str));
    let out = itltool(&args);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), names.len() + 1);
    for (i, (line, name)) in lines.iter().zip(&names).enumerate() {
        let verdict = if i % 37 == 5 { "INVALID" } else { "valid" };
        assert!(line.starts_with(&format!("{name}: {verdict} (")), "{line}");
    }
    let invalid = (0..300).filter(|i| i % 37 == 5).count();
    assert_eq!(
        lines[names.len()],
        format!(
            "total: 300 files, {} valid, {invalid} invalid, 0 errors",
            300 - invalid
        )
    );
}

/// `show` (text and CUCM) of many files runs them in parallel but prints exactly
/// what showing each one alone prints, in the order given, a blank line between
/// files; unreadable and malformed files give their error on stderr, in order,
/// and the exit status is the worst (2).
#[test]
fn text_and_cucm_show_of_many_files_equal_each_file_alone_in_order() {
    let mut files = Vec::new();
    walk(&vectors(), &["tlv", "sgn"], &mut files);
    // A missing file in the middle, and the list reversed so that order is not
    // just the walk's.
    files.insert(files.len() / 2, vectors().join("no-such-file.tlv"));
    files.reverse();
    let names: Vec<&str> = files.iter().map(|p| p.to_str().unwrap()).collect();
    for format in ["text", "cucm"] {
        let mut want_out = Vec::new();
        let mut want_err = Vec::new();
        let mut shown = 0;
        for name in &names {
            let one = itltool(&["show", "--format", format, name]);
            if one.status.code() == Some(2) {
                want_err.extend_from_slice(&one.stderr);
                continue;
            }
            if shown > 0 {
                want_out.push(b'\n');
            }
            // The separator goes before every file after the first one shown.
            want_out.extend_from_slice(&one.stdout);
            shown += 1;
        }
        let mut args = vec!["show", "--format", format];
        args.extend(&names);
        let all = itltool(&args);
        assert_eq!(all.status.code(), Some(2), "{format}");
        assert!(shown > 20 && !want_err.is_empty(), "{format}: {shown}");
        assert_eq!(
            String::from_utf8_lossy(&all.stderr),
            String::from_utf8_lossy(&want_err),
            "{format}"
        );
        assert_eq!(
            String::from_utf8_lossy(&all.stdout),
            String::from_utf8_lossy(&want_out),
            "{format}"
        );
    }
}
