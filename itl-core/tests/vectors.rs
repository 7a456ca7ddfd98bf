//! Walks `testvectors/` and checks every file against its sidecar of expected facts.
//!
//! Every `X.tlv` must have an `X.tlv.json` sidecar; any file this test does not
//! understand fails it, so no vector is skipped silently.

mod common;

use std::path::{Path, PathBuf};

use common::{sidecar, vectors};
use itl_core::{Fingerprints, TrustList, verify_signature};
use serde_json::Value;
use sha1::{Digest, Sha1};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.map(|e| e.path()).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Files that are not vectors but belong in the directory.
fn is_support_file(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let ext = p.extension().and_then(|e| e.to_str()).unwrap_or_default();
    name == "EXPECTED.json" || matches!(ext, "md" | "py" | "sh" | "crt" | "key" | "pem" | "der")
}

fn s(v: &Value) -> Option<String> {
    v.as_str().map(str::to_owned)
}

#[test]
fn every_vector_matches_its_sidecar() {
    let mut files = Vec::new();
    walk(&vectors(), &mut files);
    let mut checked = 0;
    let mut valid = 0;
    for p in &files {
        let name = p.display().to_string();
        if name.ends_with(".tlv.json") {
            let tlv = PathBuf::from(name.trim_end_matches(".json"));
            assert!(tlv.exists(), "{name}: sidecar without a vector");
            continue;
        }
        if is_support_file(p) {
            continue;
        }
        assert!(
            name.ends_with(".tlv"),
            "{name}: a file this test does not understand (add a sidecar or remove it)"
        );
        let bytes = std::fs::read(p).unwrap_or_else(|e| panic!("{name}: {e}"));
        let exp = sidecar(p);
        checked += 1;

        // Facts independent of parsing.
        assert_eq!(
            exp["size"].as_u64(),
            Some(bytes.len() as u64),
            "{name}: size"
        );
        let fp = Fingerprints::of(&bytes);
        assert_eq!(
            s(&exp["md5"]).as_deref(),
            Some(fp.md5.as_str()),
            "{name}: md5"
        );
        assert_eq!(
            s(&exp["sha1"]).as_deref(),
            Some(fp.sha1.as_str()),
            "{name}: sha1"
        );
        assert_eq!(
            s(&exp["sha256"]).as_deref(),
            Some(fp.sha256.as_str()),
            "{name}: sha256"
        );

        if let Some(offset) = exp.get("error_offset") {
            let err = match TrustList::parse(&bytes) {
                Ok(_) => {
                    panic!("{name}: parsed, but the sidecar expects an error at byte {offset}")
                }
                Err(e) => e,
            };
            assert_eq!(
                Some(err.offset() as u64),
                offset.as_u64(),
                "{name}: error offset ({err})"
            );
            let msg = err.to_string();
            for want in exp["error_contains"].as_array().expect("error_contains") {
                let want = want.as_str().expect("string");
                assert!(
                    msg.contains(want),
                    "{name}: error {msg:?} should contain {want:?}"
                );
            }
            continue;
        }

        let tl = TrustList::parse(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        valid += 1;
        assert_eq!(tl.to_bytes(), bytes, "{name}: verbatim round trip");
        assert_eq!(
            tl.to_bytes_fixed().expect("fits"),
            bytes,
            "{name}: fixing a valid file changes nothing"
        );

        let h = tl.header();
        assert_eq!(
            exp["header_length"].as_u64(),
            Some(u64::from(h.header_length())),
            "{name}: header_length"
        );
        assert_eq!(s(&exp["version"]), h.version_string(), "{name}: version");
        assert_eq!(
            s(&exp["digest"]),
            h.digest().and_then(|d| d.name()).map(str::to_owned),
            "{name}: digest"
        );
        assert_eq!(
            s(&exp["signer_serial"]),
            h.signer_serial().map(hex::encode),
            "{name}: signer_serial"
        );
        assert_eq!(
            s(&exp["signer_name"]),
            h.signer_name(),
            "{name}: signer_name"
        );
        assert_eq!(s(&exp["filename"]), h.filename(), "{name}: filename");
        assert_eq!(
            exp["timestamp"].as_u64(),
            h.timestamp().map(u64::from),
            "{name}: timestamp"
        );
        assert_eq!(
            s(&exp["signer_version"]),
            h.signer_version().map(|(a, b)| format!("{a}.{b}")),
            "{name}: signer_version"
        );

        let recs = exp["records"].as_array().expect("records");
        assert_eq!(recs.len(), tl.records().len(), "{name}: record count");
        for (i, (want, got)) in recs.iter().zip(tl.records()).enumerate() {
            let at = format!("{name}: record {}", i + 1);
            assert_eq!(
                want["offset"].as_u64(),
                Some(got.offset() as u64),
                "{at}: offset"
            );
            assert_eq!(
                want["length"].as_u64(),
                Some(u64::from(got.length())),
                "{at}: length"
            );
            assert_eq!(s(&want["subject"]), got.subject_name(), "{at}: subject");
            assert_eq!(
                want["function_code"].as_u64(),
                got.function().map(|f| u64::from(f.code())),
                "{at}: function"
            );
            assert_eq!(
                s(&want["serial"]),
                got.serial_number().map(hex::encode),
                "{at}: serial"
            );
            assert_eq!(
                s(&want["cert_sha1"]),
                got.certificate().map(|c| hex::encode(Sha1::digest(c))),
                "{at}: cert_sha1"
            );
            if let Some(h) = want.get("cert_hash") {
                assert_eq!(s(h), got.cert_hash().map(hex::encode), "{at}: cert_hash");
            }
        }

        let sig = verify_signature(&tl);
        assert_eq!(
            exp["signature_valid"].as_bool(),
            Some(sig.is_ok()),
            "{name}: signature_valid ({sig:?})"
        );
        if let Ok(report) = sig {
            assert_eq!(
                exp["signer_record"].as_u64(),
                Some(report.signer_record as u64),
                "{name}: signer_record"
            );
        }
    }
    // The shared vectors alone are 7 files, 6 of them valid.
    assert!(
        checked >= 14 && valid >= 7,
        "only {checked} vectors ({valid} valid) found"
    );
}

#[test]
fn real_ctl_has_the_documented_shape() {
    let bytes = std::fs::read(vectors().join("real/CTLFile-cucm10.tlv")).expect("real CTL");
    let tl = TrustList::parse(&bytes).expect("parses");
    assert_eq!(tl.header().header_length(), 312);
    let roles: Vec<u16> = tl
        .records()
        .iter()
        .filter_map(|r| r.function())
        .map(|f| f.code())
        .collect();
    assert_eq!(roles, [0, 2, 2, 4, 0, 2]);
}

#[test]
fn corrupted_ctl_fails_at_record_6() {
    let bytes = std::fs::read(vectors().join("real/CTLFile-cucm10-corrupted.tlv")).expect("vector");
    let err = TrustList::parse(&bytes).expect_err("must not parse");
    assert_eq!(err.offset(), 6023);
    assert_eq!(err.record_index(), Some(6));
    assert!(
        err.to_string().starts_with("record 6 at byte 6023"),
        "{err}"
    );
}
