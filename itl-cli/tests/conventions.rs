//! The command-line conventions and fixes of issue 15: `show` of a file that
//! does not verify, `build`'s option and input checks, usage lines.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{itltool, stderr, stdout, vectors};

/// The real CUCM CTL with one bit of its SIGNATURE flipped.
fn bad_signature_copy(dir: &std::path::Path) -> String {
    let mut bytes = std::fs::read(vectors().join("real/CTLFile-cucm10.tlv")).unwrap();
    let sig = itl_core::TrustList::parse(&bytes)
        .unwrap()
        .header()
        .signature()
        .unwrap()
        .to_vec();
    assert_eq!(sig.len(), 128, "RSA-1024 signature");
    let at = bytes
        .windows(sig.len())
        .position(|w| w == sig.as_slice())
        .unwrap();
    bytes[at + 40] ^= 0x01;
    let path = dir.join("CTLFile.tlv");
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn show_of_a_file_whose_signature_is_invalid_exits_1_and_lists_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    let bad = bad_signature_copy(dir.path());

    let o = itltool(&["show", &bad]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    let failures = out
        .split("\nFailures (1)\n")
        .nth(1)
        .unwrap_or_else(|| panic!("no Failures section:\n{out}"));
    let (failures, warnings) = failures.split_once("\n\n").unwrap();
    assert!(
        failures.starts_with("  - signature: does not verify"),
        "{failures}"
    );
    assert!(!warnings.contains("signature"), "{warnings}");
    assert!(out.contains("Signature   INVALID"), "{out}");

    // JSON: in `failures`, not in `warnings`; same exit status.
    let o = itltool(&["show", "--format", "json", &bad]);
    assert_eq!(o.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let f = doc["failures"].as_array().unwrap();
    assert_eq!(f.len(), 1);
    assert!(
        f[0].as_str()
            .unwrap()
            .starts_with("signature: does not verify")
    );
    assert_eq!(doc["signature"]["valid"], false);
    assert!(
        doc["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|w| !w.as_str().unwrap().contains("signature: does not verify"))
    );
    // cucm layout: same exit status; several files: 1 unless one is unreadable.
    let o = itltool(&["show", "--format", "cucm", &bad]);
    assert_eq!(o.status.code(), Some(1));
    let good = vectors().join("real/CTLFile-cucm10.tlv");
    let good = good.to_str().unwrap();
    let o = itltool(&["show", good, &bad, good]);
    assert_eq!(o.status.code(), Some(1));
    let o = itltool(&["show", "--format", "json", good, &bad]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).ends_with("{\"totals\":{\"files\":2,\"ok\":1,\"failed\":1,\"errors\":0}}\n"),
        "{}",
        stdout(&o)
    );
    let o = itltool(&["show", &bad, "/nonexistent.tlv"]);
    assert_eq!(o.status.code(), Some(2));
    // The intact file still exits 0.
    let o = itltool(&["show", good]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!stdout(&o).contains("Failures"));
}
