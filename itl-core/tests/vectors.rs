//! Walks `testvectors/` and checks every file against its sidecar of expected facts.
//!
//! Every `X.tlv` must have an `X.tlv.json` sidecar; any file this test does not
//! understand fails it, so no vector is skipped silently.

mod common;

use std::path::{Path, PathBuf};

use common::{sidecar, vectors};
use itl_core::{
    AnyFile, DigestAlgorithm, FileKind, Fingerprints, Role, SignedFile, SignedFileError,
    SigningKey, TrustList, decrypt, detect_kind, verify_signature, verify_signed_file,
    verify_signed_file_with_certificate,
};
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

/// Files that are not vectors but belong in the directory. Payloads of signed
/// files (`signed/payloads/`) are support files too; each must be named by a
/// sidecar (checked by `every_signed_vector_matches_its_sidecar`).
fn is_support_file(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let ext = p.extension().and_then(|e| e.to_str()).unwrap_or_default();
    name == "EXPECTED.json"
        || matches!(ext, "md" | "py" | "sh" | "crt" | "key" | "pem" | "der")
        || is_payload(p)
}

fn is_payload(p: &Path) -> bool {
    p.parent().is_some_and(|d| d.ends_with("signed/payloads"))
}

fn s(v: &Value) -> Option<String> {
    v.as_str().map(str::to_owned)
}

/// The header facts every sidecar states, trust list or signed file alike.
fn check_header(name: &str, exp: &Value, h: &itl_core::Header<'_>) {
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
}

#[test]
fn every_vector_matches_its_sidecar() {
    let mut files = Vec::new();
    walk(&vectors(), &mut files);
    let mut checked = 0;
    let mut valid = 0;
    for p in &files {
        let name = p.display().to_string();
        if name.ends_with(".tlv.json") || name.ends_with(".sgn.json") {
            let tlv = PathBuf::from(name.trim_end_matches(".json"));
            assert!(tlv.exists(), "{name}: sidecar without a vector");
            continue;
        }
        if is_support_file(p) {
            continue;
        }
        if name.ends_with(".sgn") {
            // Checked by every_signed_vector_matches_its_sidecar.
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
        let kind = detect_kind(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(kind.is_trust_list(), "{name}: detected as {kind:?}");
        assert!(
            matches!(AnyFile::parse(&bytes), Ok(AnyFile::TrustList(ref t)) if *t == tl),
            "{name}: AnyFile::parse"
        );
        valid += 1;
        assert_eq!(tl.to_bytes(), bytes, "{name}: verbatim round trip");
        assert_eq!(
            tl.to_bytes_fixed().expect("fits"),
            bytes,
            "{name}: fixing a valid file changes nothing"
        );

        let h = tl.header();
        check_header(&name, &exp, h);
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

/// Every `.sgn` under `testvectors/` against its `.sgn.json` sidecar: file and
/// header facts, payload, kind, the phone-like verdict against the ITL(s) named,
/// the signature against the certificate named, and for `.enc.sgn` the
/// encryption fields and the decrypted plaintext.
#[test]
fn every_signed_vector_matches_its_sidecar() {
    let mut files = Vec::new();
    walk(&vectors(), &mut files);
    let mut checked = 0;
    let mut payloads_named = std::collections::BTreeSet::new();
    for p in files
        .iter()
        .filter(|p| p.display().to_string().ends_with(".sgn"))
    {
        let name = p.display().to_string();
        let dir = p.parent().expect("dir");
        let bytes = std::fs::read(p).unwrap_or_else(|e| panic!("{name}: {e}"));
        let exp = sidecar(p);
        checked += 1;
        let fp = Fingerprints::of(&bytes);
        assert_eq!(
            exp["size"].as_u64(),
            Some(bytes.len() as u64),
            "{name}: size"
        );
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
            let err = SignedFile::parse(&bytes).expect_err(&name);
            assert_eq!(Some(err.offset() as u64), offset.as_u64(), "{name}: {err}");
            assert_eq!(
                AnyFile::parse(&bytes).expect_err(&name),
                err,
                "{name}: AnyFile"
            );
            for want in exp["error_contains"].as_array().expect("error_contains") {
                let want = want.as_str().expect("string");
                assert!(
                    err.to_string().contains(want),
                    "{name}: {err} lacks {want:?}"
                );
            }
            continue;
        }

        let file = SignedFile::parse(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(file.to_bytes(), bytes, "{name}: verbatim round trip");
        let want_kind = match exp["kind"].as_str() {
            Some("signed") => FileKind::Signed,
            Some("encrypted-signed") => FileKind::EncryptedSigned,
            other => panic!("{name}: unknown kind {other:?}"),
        };
        assert_eq!(file.kind(), want_kind, "{name}: kind");
        assert_eq!(detect_kind(&bytes), Ok(want_kind), "{name}: detect_kind");
        assert!(
            matches!(AnyFile::parse(&bytes), Ok(AnyFile::Signed(ref f)) if *f == file),
            "{name}: AnyFile::parse"
        );
        let h = file.header();
        check_header(&name, &exp, h);
        assert_eq!(
            s(&exp["signer_issuer"]),
            h.issuer_name(),
            "{name}: signer_issuer"
        );
        assert_eq!(
            exp["payload_offset"].as_u64(),
            Some(file.payload_offset() as u64),
            "{name}"
        );
        assert_eq!(
            exp["payload_length"].as_u64(),
            Some(file.payload().len() as u64),
            "{name}"
        );
        assert_eq!(
            s(&exp["payload_sha1"]),
            Some(hex::encode(Sha1::digest(file.payload()))),
            "{name}: payload_sha1"
        );
        if let Some(pf) = s(&exp["payload_file"]) {
            let want = std::fs::read(dir.join(&pf)).unwrap_or_else(|e| panic!("{pf}: {e}"));
            assert_eq!(
                file.payload(),
                want,
                "{name}: payload is {pf} byte for byte"
            );
            payloads_named.insert(dir.join(pf));
        }

        // Against the certificate the sidecar names.
        let cert = std::fs::read(dir.join(s(&exp["certificate"]).expect("certificate")))
            .expect("certificate");
        let cert = itl_core::load_certificate(&cert).expect("certificate");
        let by_cert = verify_signed_file_with_certificate(&file, &cert);
        assert_eq!(
            exp["signature_valid"].as_bool(),
            Some(by_cert.is_ok()),
            "{name}: signature_valid ({by_cert:?})"
        );

        // Like a phone holding the trust lists the sidecar names.
        let lists: Vec<Vec<u8>> = exp["trust_lists"]
            .as_array()
            .expect("trust_lists")
            .iter()
            .map(|t| std::fs::read(dir.join(t.as_str().expect("name"))).expect("trust list"))
            .collect();
        let parsed: Vec<TrustList<'_>> = lists
            .iter()
            .map(|b| TrustList::parse(b).expect("trust list"))
            .collect();
        let refs: Vec<&TrustList<'_>> = parsed.iter().collect();
        let verdict = verify_signed_file(&file, &refs);
        assert_eq!(
            exp["trusted"].as_bool(),
            Some(verdict.is_ok()),
            "{name}: {verdict:?}"
        );
        match (&verdict, exp["failure"].as_str()) {
            (Ok(report), None) => {
                assert_eq!(
                    exp["signer_record"].as_u64(),
                    Some(report.signer.record as u64)
                );
                assert_eq!(
                    exp["signer_role"].as_u64(),
                    report.signer.role.map(|r| u64::from(r.code())),
                    "{name}: signer_role"
                );
                assert_eq!(Some(report.digest), h.digest());
            }
            (Err(SignedFileError::SignerNotTftp { found }), Some("signer-not-tftp")) => {
                assert_eq!(found.len(), 1, "{name}");
                assert_eq!(exp["signer_record"].as_u64(), Some(found[0].record as u64));
                assert_eq!(found[0].role, Some(Role::SAST), "{name}");
                let msg = verdict.as_ref().expect_err("err").to_string();
                assert!(
                    msg.contains("not a TFTP or CCM+TFTP entry"),
                    "{name}: {msg}"
                );
            }
            (Err(SignedFileError::SignerNotFound { serial, .. }), Some("signer-not-found")) => {
                assert_eq!(
                    Some(hex::encode(serial)),
                    s(&exp["signer_serial"]),
                    "{name}"
                );
            }
            (Err(SignedFileError::Mismatch { tried }), Some("mismatch")) => {
                assert!(!tried.is_empty(), "{name}");
            }
            (got, want) => panic!("{name}: verdict {got:?}, sidecar says {want:?}"),
        }

        // Encryption.
        match exp.get("encryption") {
            None => assert!(
                !file.is_encrypted(),
                "{name}: encrypted without sidecar facts"
            ),
            Some(e) => {
                let info = file
                    .encryption()
                    .unwrap_or_else(|err| panic!("{name}: {err}"));
                assert_eq!(s(&e["iv"]), Some(hex::encode(info.iv)), "{name}: iv");
                assert_eq!(e["pad_count"].as_u64(), Some(u64::from(info.pad_count)));
                assert_eq!(e["key_bits"].as_u64(), Some(u64::from(info.key_bits)));
                assert_eq!(e["algorithm"].as_u64(), Some(u64::from(info.algorithm)));
                assert_eq!(
                    s(&e["encrypted_key_sha1"]),
                    Some(hex::encode(Sha1::digest(info.encrypted_key)))
                );
                assert_eq!(
                    s(&e["hash_algorithm"]),
                    info.hash_algorithm.name().map(str::to_owned)
                );
                assert_eq!(
                    s(&e["plaintext_hash"]),
                    Some(hex::encode(info.plaintext_hash))
                );
                assert!(info.unknown.is_empty(), "{name}: unknown elements");
                let key = std::fs::read(dir.join(s(&e["device_key"]).expect("device_key")))
                    .expect("device key");
                let key = SigningKey::from_pem_or_der(&key).expect("device key");
                let plain = decrypt(&file, &key).unwrap_or_else(|err| panic!("{name}: {err}"));
                let pf = s(&e["plaintext_file"]).expect("plaintext_file");
                let want = std::fs::read(dir.join(&pf)).expect("plaintext");
                assert_eq!(plain, want, "{name}: plaintext");
                assert_eq!(info.hash_algorithm, DigestAlgorithm::SHA1, "{name}");
                assert_eq!(
                    Some(hex::encode(Sha1::digest(&plain))),
                    s(&e["plaintext_hash"])
                );
                payloads_named.insert(dir.join(pf));
            }
        }
    }
    // Every payload file is named by a sidecar.
    for p in files.iter().filter(|p| is_payload(p)) {
        assert!(
            payloads_named.contains(p),
            "{}: named by no sidecar",
            p.display()
        );
    }
    assert!(checked >= 17, "only {checked} signed vectors");
}

/// The `verify` fuzz target's oracle lists the signed vectors by hand: it must list
/// exactly the `.tlv` vectors whose sidecar says `signature_valid: true`, or the
/// fuzz smoke in CI fails on a new vector (as it did on `signed/ITLFile.tlv`).
#[test]
fn the_verify_fuzz_oracle_lists_every_signed_vector() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let target = std::fs::read_to_string(root.join("fuzz/fuzz_targets/verify.rs")).unwrap();
    let mut listed: Vec<String> = target
        .lines()
        .filter_map(|l| l.trim().strip_prefix("include_bytes!(\"../../"))
        .filter_map(|l| l.strip_suffix("\"),"))
        .map(str::to_owned)
        .collect();
    listed.sort();
    let mut valid = Vec::new();
    let mut stack = vec![root.join("testvectors")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.to_string_lossy().ends_with(".tlv.json") {
                let facts: serde_json::Value =
                    serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
                if facts["signature_valid"] == serde_json::Value::Bool(true) {
                    let tlv = path.strip_prefix(&root).unwrap().to_string_lossy();
                    valid.push(tlv.trim_end_matches(".json").to_owned());
                }
            }
        }
    }
    valid.sort();
    assert_eq!(listed, valid);
}
