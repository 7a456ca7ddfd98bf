//! `itltool show --format json` on every vector, checked against the sidecars.
#![allow(clippy::expect_used)] // test helpers: a failure is a test failure

mod common;

use common::{all_vectors, itltool, sidecar, vectors};
use serde_json::Value;

#[test]
fn json_matches_sidecars_for_every_vector() {
    let mut valid = 0;
    for p in all_vectors() {
        let exp = sidecar(&p);
        let path = p.to_str().expect("utf-8 path");
        let out = itltool(&["show", "--format", "json", path]);
        if exp.get("error_offset").is_some() {
            assert_eq!(out.status.code(), Some(2), "{path}: exit code");
            assert!(out.stdout.is_empty(), "{path}: nothing on stdout");
            let err = String::from_utf8(out.stderr).expect("utf-8");
            assert_eq!(err.lines().count(), 1, "{path}: one line: {err}");
            assert!(
                err.starts_with(&format!("error: {path}: ")),
                "{path}: {err}"
            );
            assert!(
                err.contains(&format!("byte {}", exp["error_offset"])),
                "{path}: offset in {err}"
            );
            continue;
        }
        valid += 1;
        assert_eq!(
            out.status.code(),
            Some(0),
            "{path}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
        assert_eq!(doc["file"], path);
        assert_eq!(doc["size"], exp["size"]);
        let h = &doc["header"];
        for (ours, theirs) in [
            ("version", "version"),
            ("header_length", "header_length"),
            ("signer_name", "signer_name"),
            ("signer_serial", "signer_serial"),
            ("digest", "digest"),
            ("filename", "filename"),
            ("timestamp", "timestamp"),
        ] {
            assert_eq!(h[ours], exp[theirs], "{path}: header.{ours}");
        }
        let recs = doc["records"].as_array().expect("records");
        let want = exp["records"].as_array().expect("records");
        assert_eq!(recs.len(), want.len(), "{path}: record count");
        for (i, (r, w)) in recs.iter().zip(want).enumerate() {
            assert_eq!(r["index"], i + 1);
            for (ours, theirs) in [
                ("offset", "offset"),
                ("length", "length"),
                ("subject", "subject"),
                ("function_code", "function_code"),
                ("serial", "serial"),
                ("certificate_sha1", "cert_sha1"),
                ("cert_hash", "cert_hash"),
            ] {
                assert_eq!(r[ours], w[theirs], "{path}: record {} {ours}", i + 1);
            }
            for key in [
                "function",
                "issuer",
                "dns_name",
                "ip_address",
                "unknown_elements",
            ] {
                assert!(r.get(key).is_some(), "{path}: record {} has {key}", i + 1);
            }
        }
    }
    assert!(valid >= 7, "only {valid} valid vectors");
}

#[test]
fn function_is_cucm_text() {
    let p = vectors().join("real/CTLFile-cucm10.tlv");
    let out = itltool(&["show", "--format", "json", p.to_str().expect("path")]);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let f: Vec<&str> = doc["records"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| r["function"].as_str().expect("text"))
        .collect();
    assert_eq!(
        f,
        [
            "System Administrator Security Token",
            "CCM+TFTP",
            "CCM+TFTP",
            "CAPF",
            "System Administrator Security Token",
            "CCM+TFTP"
        ]
    );
}

#[test]
fn unreadable_inputs_exit_2_with_one_line() {
    let dir = vectors();
    let missing = dir.join("no-such-file.tlv");
    for p in [dir.clone(), missing] {
        let path = p.to_str().expect("path");
        let out = itltool(&["show", "--format", "json", path]);
        assert_eq!(out.status.code(), Some(2), "{path}");
        assert!(out.stdout.is_empty());
        let err = String::from_utf8(out.stderr).expect("utf-8");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with(&format!("error: {path}: ")), "{err}");
    }
}
