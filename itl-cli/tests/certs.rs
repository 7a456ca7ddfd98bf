//! `itltool certs FILE --out DIR [--der]` on every vector: the written certificates
//! are read back by `openssl x509` (independent of this project) and their SHA-1
//! fingerprints compared with the sidecars; nothing is ever overwritten.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use common::{all_vectors, itltool, openssl_sha1, sidecar, vectors};

fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn every_certificate_of_every_vector_reads_back_with_openssl() {
    let mut written_total = 0;
    for p in all_vectors() {
        let side = sidecar(&p);
        let path = p.to_str().unwrap();
        for der in [false, true] {
            let tmp = tempfile::tempdir().unwrap();
            let out_dir = tmp.path().join("certs");
            let out_str = out_dir.to_str().unwrap();
            let mut args = vec!["certs", path, "--out", out_str];
            if der {
                args.push("--der");
            }
            let out = itltool(&args);
            if side.get("error_offset").is_some() {
                assert_eq!(out.status.code(), Some(2), "{path}");
                assert!(!out_dir.exists(), "{path}: nothing written");
                continue;
            }
            assert_eq!(
                out.status.code(),
                Some(0),
                "{path}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let report = String::from_utf8(out.stdout).unwrap();
            let want: Vec<(usize, &str)> = side["records"]
                .as_array()
                .unwrap()
                .iter()
                .enumerate()
                .filter_map(|(i, r)| r["cert_sha1"].as_str().map(|h| (i + 1, h)))
                .collect();
            let names = listing(&out_dir);
            assert_eq!(names.len(), want.len(), "{path}: {names:?}");
            for (index, sha1) in want {
                let name = names
                    .iter()
                    .find(|n| n.starts_with(&format!("{index}-")))
                    .unwrap_or_else(|| panic!("{path}: no file for record {index}: {names:?}"));
                assert!(name.ends_with(if der { ".der" } else { ".pem" }), "{name}");
                assert!(
                    name.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)),
                    "unsafe name {name}"
                );
                let f = out_dir.join(name);
                assert_eq!(openssl_sha1(&f, der), sha1, "{path}: {name}");
                assert!(
                    report.contains(&format!("wrote {}", f.display())),
                    "{report}"
                );
                written_total += 1;
            }
        }
    }
    assert!(
        written_total >= 40,
        "only {written_total} certificates written"
    );
}

#[test]
fn never_overwrites_and_writes_all_or_nothing() {
    let ctl = vectors().join("real/CTLFile-cucm10.tlv");
    let ctl = ctl.to_str().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();
    let first = itltool(&["certs", ctl, "--out", dir]);
    assert_eq!(first.status.code(), Some(0));
    let names = listing(tmp.path());
    assert_eq!(names.len(), 6);
    assert!(
        names.contains(&"5-SAST-ITLRECOVERY_gigantic-6.cisco.com.pem".to_owned()),
        "{names:?}"
    );
    assert!(
        names.contains(&"2-CCM_TFTP-gigantic-6.cisco.com.pem".to_owned()),
        "{names:?}"
    );
    let before: Vec<Vec<u8>> = names
        .iter()
        .map(|n| std::fs::read(tmp.path().join(n)).unwrap())
        .collect();

    // A second run refuses, names the file, and changes nothing.
    let again = itltool(&["certs", ctl, "--out", dir]);
    assert_eq!(again.status.code(), Some(2));
    let err = String::from_utf8(again.stderr).unwrap();
    assert_eq!(err.lines().count(), 1);
    assert!(
        err.starts_with("error: ") && err.contains("exists"),
        "{err}"
    );
    let after: Vec<Vec<u8>> = names
        .iter()
        .map(|n| std::fs::read(tmp.path().join(n)).unwrap())
        .collect();
    assert_eq!(before, after);

    // One clashing name among six: nothing at all is written.
    let tmp2 = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp2.path().join("6-CCM_TFTP-ccm-sjcctg-013.cisco.com.pem"),
        b"mine",
    )
    .unwrap();
    let out = itltool(&["certs", ctl, "--out", tmp2.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        listing(tmp2.path()),
        ["6-CCM_TFTP-ccm-sjcctg-013.cisco.com.pem"]
    );
    assert_eq!(
        std::fs::read(tmp2.path().join("6-CCM_TFTP-ccm-sjcctg-013.cisco.com.pem")).unwrap(),
        b"mine"
    );
}

#[test]
fn hash_only_records_are_listed_as_skipped() {
    let rel = vectors().join("own/ITLSEP0011215A1AE3-sbd-replica.tlv");
    let tmp = tempfile::tempdir().unwrap();
    let out = itltool(&[
        "certs",
        rel.to_str().unwrap(),
        "--out",
        tmp.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(
        report.contains("record 3 (TVS): no certificate (CERTHASH only), skipped"),
        "{report}"
    );
    assert!(
        report.contains("record 4 (CAPF): no certificate (CERTHASH only), skipped"),
        "{report}"
    );
    assert_eq!(
        listing(tmp.path()),
        [
            "1-SAST-CUCM8-Publisher.bbbburns.lab.pem",
            "2-CCM_TFTP-CUCM8-Publisher.bbbburns.lab.pem"
        ]
    );
}
