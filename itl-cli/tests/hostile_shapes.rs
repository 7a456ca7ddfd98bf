//! Hostile shapes at the input limits (issue 12): every command either refuses
//! the file with a one-line error naming it, the byte offset and the limit, or
//! gives its normal result. Their peak memory and time are measured by
//! `scripts/hostile/measure.sh` (docs/PERFORMANCE.md), not here.
//!
//! The shapes are built here from the format alone: a valid header (VERSION,
//! HEADERLENGTH, FILENAME, TIMESTAMP) and then the most records, the most
//! elements, the largest values or the most header elements the limits allow,
//! or just over them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The default input limit (itl_core::MAX_FILE_SIZE), as docs/FORMAT.md states it.
const CAP: usize = 1024 * 1024;
/// The default element limit (itl_core::MAX_ELEMENTS), as docs/FORMAT.md states it.
const MAX_ELEMENTS: usize = 8_192;

fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    let len = u16::try_from(value.len()).unwrap();
    [&[tag][..], &len.to_be_bytes(), value].concat()
}

/// VERSION 1.2, HEADERLENGTH, FILENAME ITLFile.tlv, TIMESTAMP, then `extra`
/// elements; no padding. 32 bytes (4 elements) without `extra`.
fn header(extra: &[u8]) -> Vec<u8> {
    let body = [
        tlv(14, b"ITLFile.tlv\0"),
        tlv(15, &1_700_000_000u32.to_be_bytes()),
        extra.to_vec(),
    ]
    .concat();
    let len = u16::try_from(10 + body.len()).unwrap();
    [tlv(1, &[1, 2]), tlv(2, &len.to_be_bytes()), body].concat()
}

fn record(body: &[u8]) -> Vec<u8> {
    let len = u16::try_from(5 + body.len()).unwrap();
    [tlv(1, &len.to_be_bytes()), body.to_vec()].concat()
}

/// Fills `out` to exactly `size` bytes with 5-byte records, the last one taking
/// the remainder in one unknown element.
fn fill_tiny(mut out: Vec<u8>, size: usize) -> Vec<u8> {
    let left = size - out.len();
    let (mut n, rest) = (left / 5, left % 5);
    let last = match rest {
        0 => Vec::new(),
        3 | 4 => {
            n -= 1;
            record(&tlv(200, &vec![0; rest + 5 - 8]))
        }
        _ => {
            n -= 2;
            record(&tlv(200, &vec![0; rest + 10 - 8]))
        }
    };
    for _ in 0..n {
        out.extend(record(&[]));
    }
    out.extend(last);
    assert_eq!(out.len(), size);
    out
}

/// `n` empty elements of tags no header or record knows (29 to 228; 3 bytes each).
fn unknown_elements(n: usize) -> Vec<u8> {
    (0..n)
        .flat_map(|i| [u8::try_from(29 + i % 200).unwrap(), 0, 0])
        .collect()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("itltool-hostile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn itltool(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_itltool"))
        .args(args)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Every command that parses the file, with a fresh certs directory.
fn parsing_commands(path: &str, dir: &Path) -> Vec<Vec<String>> {
    let certs = dir.join("certs").display().to_string();
    [
        vec!["show", path],
        vec!["show", "--format", "json", path],
        vec!["show", "--format", "cucm", path],
        vec!["verify", path],
        vec!["compare", path, path],
        vec!["certs", "-o", &certs, path],
    ]
    .into_iter()
    .map(|v| v.into_iter().map(str::to_owned).collect())
    .collect()
}

/// Each parsing command refuses `bytes` with exit 2 and one stderr line naming
/// the file and containing `phrases`; `hash` exits `hash_exit`.
fn assert_refused(name: &str, bytes: &[u8], phrases: &[&str], hash_exit: i32) {
    let dir = scratch(name);
    let file = dir.join(format!("{name}.tlv"));
    std::fs::write(&file, bytes).unwrap();
    let path = file.display().to_string();
    for args in parsing_commands(&path, &dir) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = itltool(&args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        let line = stderr
            .lines()
            .find(|l| l.starts_with("error: "))
            .unwrap_or_else(|| panic!("{args:?}: no error line: {stderr}"));
        assert!(
            line.starts_with(&format!("error: {path}: ")),
            "{args:?}: {line}"
        );
        for p in phrases {
            assert!(line.contains(p), "{args:?}: {line:?} lacks {p:?}");
        }
    }
    let out = itltool(&["hash", &path]);
    assert_eq!(
        out.status.code(),
        Some(hash_exit),
        "hash: {}",
        text(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// Each parsing command gives its result; returns the `show --format json`
/// document. The file is unsigned: `show` and `verify` report that (exit 1).
fn assert_accepted(name: &str, bytes: &[u8]) -> Value {
    let dir = scratch(name);
    let file = dir.join(format!("{name}.tlv"));
    std::fs::write(&file, bytes).unwrap();
    let path = file.display().to_string();
    let mut json = Value::Null;
    for args in parsing_commands(&path, &dir) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = itltool(&args);
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        let expected = match args[0] {
            "show" | "verify" => 1,
            _ => 0,
        };
        assert_eq!(out.status.code(), Some(expected), "{args:?}: {stderr}");
        match (args[0], args.get(2).copied()) {
            ("show", Some("json")) => json = serde_json::from_str(&stdout).unwrap(),
            ("show", _) => assert!(stdout.contains(&bytes.len().to_string()), "{args:?}"),
            ("verify", _) => assert!(stdout.contains("INVALID"), "{args:?}: {stdout}"),
            ("compare", _) => assert!(stdout.contains("identical"), "{args:?}: {stdout}"),
            _ => {}
        }
    }
    let out = itltool(&["hash", &path]);
    assert_eq!(out.status.code(), Some(0));
    let md5sum = Command::new("md5sum")
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run md5sum (coreutils): {e}"));
    assert_eq!(text(&out.stdout), text(&md5sum.stdout));
    let _ = std::fs::remove_dir_all(dir);
    json
}

#[test]
fn over_the_size_limit_every_command_refuses() {
    let bytes = fill_tiny(header(&[]), CAP + 1);
    assert_refused(
        "over-cap",
        &bytes,
        &["1048577 bytes", "over the 1048576-byte limit", "--max-size"],
        2,
    );
}

#[test]
fn tiny_records_at_the_cap_are_refused_at_the_element_limit() {
    // 4 header elements, then one per 5-byte record: element MAX_ELEMENTS + 1 is
    // record MAX_ELEMENTS - 3, at byte 32 + 5 * (MAX_ELEMENTS - 4).
    let bytes = fill_tiny(header(&[]), CAP);
    let offset = (32 + 5 * (MAX_ELEMENTS - 4)).to_string();
    assert_refused(
        "tiny-records",
        &bytes,
        &[
            &format!("element at byte {offset} "),
            "8192 elements",
            "--max-elements",
        ],
        0,
    );
}

#[test]
fn dense_elements_at_the_cap_are_refused_at_the_element_limit() {
    // Records of 65,534 bytes of empty unknown elements (21,843 each).
    let mut bytes = header(&[]);
    while bytes.len() + 65_534 <= CAP {
        bytes.extend(record(&unknown_elements(21_843)));
    }
    let bytes = fill_tiny(bytes, CAP);
    assert_refused("many-elements", &bytes, &["8192 elements"], 0);
}

#[test]
fn the_most_records_the_limit_lets_through_are_shown() {
    let n = MAX_ELEMENTS - 4;
    let mut bytes = header(&[]);
    for _ in 0..n {
        bytes.extend(record(&[]));
    }
    let doc = assert_accepted("tiny-records-max", &bytes);
    let records = doc["records"].as_array().unwrap();
    assert_eq!(records.len(), n);
    assert_eq!(records[n - 1]["offset"], 32 + 5 * (n - 1));
    assert_eq!(records[n - 1]["length"], 5);
}

#[test]
fn the_most_elements_the_limit_lets_through_are_shown() {
    let mut bytes = header(&[]);
    let mut left = MAX_ELEMENTS - 4;
    let mut records = 0;
    while left > 1 {
        let n = (left - 1).min(21_843);
        bytes.extend(record(&unknown_elements(n)));
        left -= 1 + n;
        records += 1;
    }
    let doc = assert_accepted("many-elements-max", &bytes);
    let shown: usize = doc["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["unknown_elements"].as_array().unwrap().len())
        .sum();
    assert_eq!(shown, MAX_ELEMENTS - 4 - records);
}

#[test]
fn the_largest_values_at_the_cap_are_shown() {
    // A 65,000-byte unknown header element, then records of one 65,527-byte
    // CERTIFICATE of garbage (65,535 bytes each).
    let mut bytes = header(&tlv(201, &vec![0x41; 65_000]));
    let mut certs = 0;
    while bytes.len() + 65_535 + 5 <= CAP {
        bytes.extend(record(&tlv(9, &vec![0x5a; 65_527])));
        certs += 1;
    }
    let bytes = fill_tiny(bytes, CAP);
    let doc = assert_accepted("max-elements", &bytes);
    assert_eq!(doc["size"], CAP);
    let unknown = doc["header"]["unknown_elements"].as_array().unwrap();
    assert_eq!(unknown[0]["length"], 65_000);
    let records = doc["records"].as_array().unwrap();
    assert_eq!(records[0]["certificate_length"], 65_527);
    assert_eq!(
        records
            .iter()
            .filter(|r| r["certificate_length"] == 65_527)
            .count(),
        certs
    );
}

#[test]
fn a_header_of_unknown_elements_up_to_the_limit_is_shown() {
    // 16 records of one large unknown element (2 elements each) fill the file to
    // the cap; the header holds as many empty unknown elements as the limit
    // leaves: exactly MAX_ELEMENTS in all.
    let records = 16;
    let n = MAX_ELEMENTS - 4 - 2 * records;
    let mut bytes = header(&unknown_elements(n));
    for _ in 0..records - 1 {
        bytes.extend(record(&tlv(201, &vec![0; 65_527])));
    }
    let last = CAP - bytes.len() - 8;
    assert!(last <= 65_527);
    bytes.extend(record(&tlv(201, &vec![0; last])));
    assert_eq!(bytes.len(), CAP);
    let doc = assert_accepted("unknown-header", &bytes);
    assert_eq!(
        doc["header"]["unknown_elements"].as_array().unwrap().len(),
        n
    );
    assert_eq!(doc["header"]["header_length"], 32 + 3 * n);
    assert_eq!(doc["records"].as_array().unwrap().len(), records);
}
