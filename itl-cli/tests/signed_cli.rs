//! `itltool show/verify/sign/unsign/decrypt` of signed files (`.sgn`,
//! `.enc.sgn`), checked against the sidecars of `testvectors/signed/` (made by
//! an independent Python script) and against the payload files byte for byte.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod tftp_server;

use std::path::Path;

use common::{itltool, sidecar, stderr, stdout, vector, vectors};
use serde_json::Value;

const ITL: &str = "signed/ITLFile.tlv";
const XML: &str = "signed/payloads/SEP001122334455.cnf.xml";

fn sgn(name: &str) -> String {
    vector(&format!("signed/{name}"))
}

#[test]
fn verify_against_the_itl_like_a_phone() {
    let itl = vector(ITL);
    let mut seen = 0;
    for entry in std::fs::read_dir(vectors().join("signed")).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_none_or(|e| e != "sgn") {
            continue;
        }
        seen += 1;
        let exp = sidecar(&p);
        let path = p.display().to_string();
        let o = itltool(&["verify", &path, "--trust", &itl]);
        let code = o.status.code();
        let (out, err) = (stdout(&o), stderr(&o));
        if exp.get("error_offset").is_some() {
            assert_eq!(code, Some(2), "{path}: malformed exits 2\n{out}{err}");
            assert!(err.starts_with(&format!("error: {path}: ")), "{err}");
            assert!(err.contains("byte"), "{err}");
            continue;
        }
        match exp["trusted"].as_bool() {
            Some(true) => {
                assert_eq!(code, Some(0), "{path}\n{out}{err}");
                let rec = exp["signer_record"].as_u64().unwrap();
                let role = match exp["signer_role"].as_u64() {
                    Some(2) => "CCM+TFTP",
                    Some(3) => "TFTP",
                    other => panic!("{other:?}"),
                };
                assert!(
                    out.contains(&format!("{itl} record {rec} ({role})")),
                    "{path}: {out}"
                );
                assert!(out.contains(exp["digest"].as_str().unwrap()), "{out}");
                assert!(
                    out.ends_with(&format!("{path}: valid and trusted\n")),
                    "{out}"
                );
            }
            _ => {
                assert_eq!(code, Some(1), "{path}\n{out}{err}");
                let want = match exp["failure"].as_str() {
                    Some("signer-not-tftp") => format!(
                        "signed by {itl} record 1 (SAST) ITLRECOVERY_cucm-pub.signed.lab which is not a TFTP or CCM+TFTP entry"
                    ),
                    Some("signer-not-found") => format!(
                        "(serial {}, issuer {}) is in no record of {itl}",
                        exp["signer_serial"].as_str().unwrap(),
                        exp["signer_issuer"].as_str().unwrap()
                    ),
                    Some("mismatch") => format!(
                        "signature mismatch: the signature does not verify with the key of {itl} record 2 (CCM+TFTP)"
                    ),
                    other => panic!("{path}: {other:?}"),
                };
                assert!(out.contains(&want), "{path}: {out} lacks {want}");
                assert!(out.contains(&format!("{path}: NOT TRUSTED")), "{out}");
            }
        }
    }
    assert!(seen >= 17, "{seen} signed vectors");
}

#[test]
fn verify_against_a_certificate_and_without_trust() {
    let f = sgn("SEP001122334455.cnf.xml-sha1-tftp.sgn");
    let o = itltool(&["verify", &f, "--trust", &sgn("keys/tftp.crt")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("certificate"), "{}", stdout(&o));
    let o = itltool(&["verify", &f, "--trust", &sgn("keys/ccmtftp.crt")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("(the file names another signer)"),
        "{}",
        stdout(&o)
    );
    // A signed file has no key of its own.
    let o = itltool(&["verify", &f]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("give --trust ITLFile.tlv"),
        "{}",
        stderr(&o)
    );
    // ITL and CTL together: the summary form.
    let o = itltool(&[
        "verify",
        "--summary",
        &f,
        "--trust",
        &vector(ITL),
        "--trust",
        &vector("real/CTLFile-cucm10.tlv"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), format!("{f}: valid and trusted\n"));
}

#[test]
fn show_reports_the_sidecar_facts() {
    for name in [
        "SEP001122334455.cnf.xml-sha256-ccmtftp.sgn",
        "List.bin-sha512-ccmtftp.sgn",
        "empty.txt-sha1-ccmtftp.sgn",
        "SEP001122334455.cnf.xml.enc.sgn",
    ] {
        let path = sgn(name);
        let exp = sidecar(Path::new(&path));
        let o = itltool(&["show", &path]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let text = stdout(&o);
        for key in [
            "md5",
            "sha1",
            "payload_sha1",
            "filename",
            "digest",
            "version",
        ] {
            let v = exp[key].as_str().unwrap();
            assert!(text.contains(v), "{name}: text lacks {key} {v}:\n{text}");
        }
        assert!(
            text.contains(&format!(
                "Payload     at byte {}, {} bytes",
                exp["payload_offset"], exp["payload_length"]
            )),
            "{text}"
        );
        assert!(text.contains("Signature   not checked"), "{text}");

        let o = itltool(&["show", "--format", "json", &path, "--trust", &vector(ITL)]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(doc["md5"], exp["md5"]);
        assert_eq!(doc["sha1"], exp["sha1"]);
        assert_eq!(doc["size"], exp["size"]);
        assert_eq!(doc["payload"]["offset"], exp["payload_offset"]);
        assert_eq!(doc["payload"]["length"], exp["payload_length"]);
        assert_eq!(doc["payload"]["sha1"], exp["payload_sha1"]);
        assert_eq!(doc["header"]["filename"], exp["filename"]);
        assert_eq!(doc["header"]["timestamp"], exp["timestamp"]);
        assert_eq!(doc["header"]["signer_serial"], exp["signer_serial"]);
        assert_eq!(doc["signature"]["state"], "trusted");
        match exp.get("encryption") {
            Some(e) => {
                assert_eq!(doc["kind"], "encrypted signed file");
                assert_eq!(doc["encryption"]["iv"], e["iv"]);
                assert_eq!(doc["encryption"]["pad_count"], e["pad_count"]);
                assert_eq!(doc["encryption"]["plaintext_hash"], e["plaintext_hash"]);
                assert!(text.contains(e["iv"].as_str().unwrap()), "{text}");
            }
            None => {
                assert_eq!(doc["kind"], "signed file");
                assert_eq!(doc["encryption"], Value::Null);
            }
        }

        let o = itltool(&["show", "--format", "cucm", &path, "--trust", &vector(ITL)]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let cucm = stdout(&o);
        assert!(cucm.starts_with(&format!(
            "The checksum value of the signed file: {}(MD5) {}(SHA1)\nLength of signed file: {}\n",
            exp["md5"].as_str().unwrap(),
            exp["sha1"].as_str().unwrap(),
            exp["size"]
        )));
        assert!(cucm.contains(&format!("HeaderLength:\t{} (BYTES)", exp["header_length"])));
        assert!(
            cucm.ends_with("The signed file was verified successfully.\n"),
            "{cucm}"
        );
    }
    // A signer the phone does not accept: show exits 1 and says why.
    let path = sgn("SEP001122334455.cnf.xml-sha1-itlrecovery.sgn");
    let o = itltool(&["show", &path, "--trust", &vector(ITL)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("NOT TRUSTED: signed by"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn sign_then_verify_unsign_across_digests() {
    let dir = tempfile::tempdir().unwrap();
    let payload = std::fs::read(vector(XML)).unwrap();
    for digest in ["sha1", "sha256", "sha512"] {
        let out = dir
            .path()
            .join(format!("SEP001122334455.cnf.xml-{digest}.sgn"));
        let out_s = out.display().to_string();
        let o = itltool(&[
            "sign",
            &vector(XML),
            "-o",
            &out_s,
            "--signer",
            &sgn("keys/ccmtftp.crt"),
            "--key",
            &sgn("keys/ccmtftp.key"),
            "--digest",
            digest,
            "--filename",
            "SEP001122334455.cnf.xml.sgn",
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let o = itltool(&["verify", &out_s, "--trust", &vector(ITL)]);
        assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
        let name = match digest {
            "sha1" => "SHA-1",
            "sha256" => "SHA-256",
            _ => "SHA-512",
        };
        assert!(stdout(&o).contains(&format!("ok   trust: {name}, RSA-2048")));
        // Again without --force: refused, the file unchanged.
        let before = std::fs::read(&out).unwrap();
        let o = itltool(&[
            "sign",
            &vector(XML),
            "-o",
            &out_s,
            "--signer",
            &sgn("keys/tftp.crt"),
            "--key",
            &sgn("keys/tftp.key"),
        ]);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
        assert_eq!(std::fs::read(&out).unwrap(), before);
        // unsign: the payload byte for byte.
        let plain = dir.path().join(format!("{digest}.xml"));
        let o = itltool(&["unsign", &out_s, "-o", &plain.display().to_string()]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(std::fs::read(&plain).unwrap(), payload);
    }
    // FILENAME defaults to the output's name.
    let out = dir.path().join("XMLDefault.cnf.xml.sgn");
    let o = itltool(&[
        "sign",
        &vector(XML),
        "-o",
        &out.display().to_string(),
        "--signer",
        &sgn("keys/tftp.crt"),
        "--key",
        &sgn("keys/tftp.key"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let bytes = std::fs::read(&out).unwrap();
    let f = itl_core::SignedFile::parse(&bytes).unwrap();
    assert_eq!(
        f.header().filename().as_deref(),
        Some("XMLDefault.cnf.xml.sgn")
    );
    // A key that is not the certificate's: nothing written.
    let bad = dir.path().join("bad.sgn");
    let o = itltool(&[
        "sign",
        &vector(XML),
        "-o",
        &bad.display().to_string(),
        "--signer",
        &sgn("keys/tftp.crt"),
        "--key",
        &sgn("keys/ccmtftp.key"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!bad.exists());
}

#[test]
fn unsign_and_decrypt_the_vectors() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out").display().to_string();
    // unsign of every vector with a payload file gives it byte for byte.
    for name in [
        "SEP001122334455.cnf.xml-sha1-ccmtftp.sgn",
        "List.bin-sha256-ccmtftp.sgn",
        "empty.txt-sha512-ccmtftp.sgn",
    ] {
        let path = sgn(name);
        let exp = sidecar(Path::new(&path));
        let o = itltool(&["unsign", &path, "-o", "-"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let want = std::fs::read(
            vectors()
                .join("signed")
                .join(exp["payload_file"].as_str().unwrap()),
        )
        .unwrap();
        assert_eq!(o.stdout, want, "{name}");
    }
    let enc = sgn("SEP001122334455.cnf.xml.enc.sgn");
    let o = itltool(&[
        "decrypt",
        &enc,
        "--key",
        &sgn("keys/device.key"),
        "-o",
        &out,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(&out).unwrap(),
        std::fs::read(vector(XML)).unwrap()
    );
    // Wrong device key: a clear error, nothing written.
    let out2 = dir.path().join("out2").display().to_string();
    let o = itltool(&["decrypt", &enc, "--key", &sgn("keys/tftp.key"), "-o", &out2]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("wrong device key"), "{}", stderr(&o));
    assert!(!Path::new(&out2).exists());
    // A damaged plaintext hash.
    let mut bytes = std::fs::read(&enc).unwrap();
    let f = itl_core::SignedFile::parse(&bytes).unwrap();
    let at = f
        .header()
        .get(itl_core::HeaderTag::PLAINTEXT_HASH)
        .unwrap()
        .offset()
        + 3;
    bytes[at] ^= 1;
    let bad = dir.path().join("bad.enc.sgn");
    std::fs::write(&bad, &bytes).unwrap();
    let o = itltool(&[
        "decrypt",
        &bad.display().to_string(),
        "--key",
        &sgn("keys/device.key"),
        "-o",
        &out2,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("the header says"), "{}", stderr(&o));
    // sign --encrypt-for, then decrypt.
    let made = dir.path().join("SEP001122334455.cnf.xml.enc.sgn");
    let o = itltool(&[
        "sign",
        &vector(XML),
        "-o",
        &made.display().to_string(),
        "--signer",
        &sgn("keys/ccmtftp.crt"),
        "--key",
        &sgn("keys/ccmtftp.key"),
        "--encrypt-for",
        &sgn("keys/device.crt"),
        "--digest",
        "sha256",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = itltool(&[
        "verify",
        &made.display().to_string(),
        "--trust",
        &vector(ITL),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = itltool(&[
        "decrypt",
        &made.display().to_string(),
        "--key",
        &sgn("keys/device.key"),
        "-o",
        "-",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(o.stdout, std::fs::read(vector(XML)).unwrap());
    // Trust lists are not signed files.
    let o = itltool(&["unsign", &vector(ITL), "-o", "-"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not a signed file"), "{}", stderr(&o));
}

#[test]
fn verify_over_tftp() {
    let dir = tempfile::tempdir().unwrap();
    for (from, to) in [
        (
            "signed/SEP001122334455.cnf.xml-sha1-ccmtftp.sgn",
            "SEP001122334455.cnf.xml.sgn",
        ),
        (ITL, "ITLFile.tlv"),
    ] {
        std::fs::copy(vectors().join(from), dir.path().join(to)).unwrap();
    }
    let server = tftp_server::TestServer::start(dir.path());
    let base = format!("tftp://127.0.0.1:{}", server.port());
    let o = itltool(&[
        "verify",
        &format!("{base}/SEP001122334455.cnf.xml.sgn"),
        "--trust",
        &format!("{base}/ITLFile.tlv"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("record 2 (CCM+TFTP)"), "{}", stdout(&o));
}

#[test]
fn recursive_verify_with_trust_walks_signed_files_too() {
    let dir = vectors().join("signed");
    let dir_s = dir.display().to_string();
    let itl = vector(ITL);
    let mut sgn: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "sgn"))
        .collect();
    sgn.sort();
    assert!(sgn.len() >= 15, "{sgn:?}");
    let o = itltool(&["verify", "--summary", "-r", &dir_s, "--trust", &itl]);
    let (out, err) = (stdout(&o), stderr(&o));
    let (mut valid, mut invalid, mut errors) = (0, 0, 0);
    for p in &sgn {
        let exp = sidecar(p);
        let path = p.display().to_string();
        if exp.get("error_offset").is_some() {
            errors += 1;
            assert!(err.contains(&format!("error: {path}: ")), "{path}\n{err}");
        } else if exp["trusted"] == true {
            valid += 1;
            assert!(
                out.contains(&format!("\n{path}: valid and trusted\n")),
                "{path}\n{out}"
            );
        } else {
            invalid += 1;
            assert!(
                out.contains(&format!("\n{path}: NOT TRUSTED (")),
                "{path}\n{out}"
            );
        }
    }
    // The ITL itself is walked too (and is valid).
    assert!(out.starts_with(&format!("{itl}: valid (")), "{out}");
    assert!(
        out.ends_with(&format!(
            "total: {} files, {} valid, {invalid} invalid, {errors} errors\n",
            sgn.len() + 1,
            valid + 1
        )),
        "{out}"
    );
    assert_eq!(o.status.code(), Some(if errors > 0 { 2 } else { 1 }));
    // Without --trust a signed file cannot be checked: -r takes the trust lists only.
    let o = itltool(&["verify", "--summary", "-r", &dir_s]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 2, "{}", stdout(&o));
}

#[test]
fn sign_unsign_decrypt_report_as_documented_json() {
    use md5::{Digest as _, Md5};
    use sha1::Sha1;
    let md5 = |b: &[u8]| hex::encode(Md5::digest(b));
    let sha1 = |b: &[u8]| hex::encode(Sha1::digest(b));
    let json = |o: &std::process::Output| -> Value {
        assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
        assert_eq!(stderr(o), "", "JSON mode: nothing on standard error");
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
    };
    let dir = tempfile::tempdir().unwrap();
    let at = |name: &str| dir.path().join(name).display().to_string();
    let xml = vector(XML);
    let xml_bytes = std::fs::read(&xml).unwrap();
    let mut docs: Vec<(&str, Value)> = Vec::new();

    // sign, plain and encrypted.
    for (out, extra) in [
        ("a.cnf.xml.sgn", vec![]),
        (
            "b.cnf.xml.enc.sgn",
            vec!["--encrypt-for", "keys/device.crt"],
        ),
    ] {
        let mut args = vec![
            "sign".to_owned(),
            xml.clone(),
            "-o".into(),
            at(out),
            "--signer".into(),
            sgn("keys/ccmtftp.crt"),
            "--key".into(),
            sgn("keys/ccmtftp.key"),
            "--digest".into(),
            "sha256".into(),
            "--timestamp".into(),
            "1767225600".into(),
            "--format".into(),
            "json".into(),
        ];
        for pair in extra.chunks(2) {
            args.extend([pair[0].to_owned(), sgn(pair[1])]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let doc = json(&itltool(&args));
        let written = std::fs::read(at(out)).unwrap();
        assert_eq!(doc["output"], at(out));
        assert_eq!(doc["filename"], out);
        assert_eq!(doc["size"], written.len());
        assert_eq!(doc["md5"], md5(&written));
        assert_eq!(doc["sha1"], sha1(&written));
        assert_eq!(doc["digest"], "SHA-256");
        assert_eq!(doc["timestamp"], 1_767_225_600);
        assert_eq!(doc["payload_length"], xml_bytes.len());
        assert_eq!(doc["encrypted"], !extra.is_empty());
        docs.push(("sign", doc));
    }

    // unsign: the payload's SHA-1 from the sidecar.
    let signed = sgn("SEP001122334455.cnf.xml-sha1-ccmtftp.sgn");
    let exp = sidecar(Path::new(&signed));
    let doc = json(&itltool(&[
        "unsign",
        &signed,
        "-o",
        &at("u.xml"),
        "--format",
        "json",
    ]));
    assert_eq!(doc["file"], signed);
    assert_eq!(doc["output"], at("u.xml"));
    assert_eq!(doc["size"], exp["payload_length"]);
    assert_eq!(doc["sha1"], exp["payload_sha1"]);
    assert_eq!(doc["encrypted"], false);
    docs.push(("unsign", doc));

    // decrypt: the plaintext is the payload file the vector was made from.
    let enc = sgn("SEP001122334455.cnf.xml.enc.sgn");
    let key = sgn("keys/device.key");
    let doc = json(&itltool(&[
        "decrypt",
        &enc,
        "--key",
        &key,
        "-o",
        &at("d.xml"),
        "--format",
        "json",
    ]));
    assert_eq!(doc["size"], xml_bytes.len());
    assert_eq!(doc["sha1"], sha1(&xml_bytes));
    assert_eq!(std::fs::read(at("d.xml")).unwrap(), xml_bytes);
    docs.push(("decrypt", doc));

    for (cmd, doc) in &docs {
        assert_eq!(doc["schema"], 1, "{cmd}");
        let mut found = std::collections::BTreeSet::new();
        common::json_doc::paths(doc, "", &mut found);
        common::json_doc::assert_documented(
            &common::json_doc::section(cmd),
            &found,
            &[],
            &format!("{cmd} --format json"),
        );
    }

    // With -o - standard output carries the file: JSON is refused, nothing written.
    for args in [
        vec!["unsign", signed.as_str(), "-o", "-", "--format", "json"],
        vec![
            "decrypt",
            enc.as_str(),
            "--key",
            key.as_str(),
            "-o",
            "-",
            "--format",
            "json",
        ],
    ] {
        let o = itltool(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(o.stdout.is_empty(), "{args:?}");
        assert_eq!(
            stderr(&o),
            "error: --format json reports on standard output: give -o FILE (with -o - the file itself goes there)\n"
        );
    }
}
