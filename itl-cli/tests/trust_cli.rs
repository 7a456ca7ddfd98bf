//! `itltool verify`, `hash`, `build` and the trust fields of `show --format json`,
//! run as a process: exit status, stdout and stderr pinned.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

use common::{all_vectors, itltool, sidecar, stderr, stdout, tool, vector, vectors};
use serde_json::Value;

// ---------------------------------------------------------------- verify

#[test]
fn verify_every_vector_as_its_sidecar_says() {
    for p in all_vectors() {
        let facts = sidecar(&p);
        let name = p.display().to_string();
        let o = itltool(&["verify", &name]);
        if let Some(offset) = facts.get("error_offset") {
            assert_eq!(o.status.code(), Some(2), "{name}: {}", stdout(&o));
            let err = stderr(&o);
            assert!(err.starts_with(&format!("error: {name}: ")), "{err}");
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(
                err.contains(&offset.to_string()),
                "{name}: offset {offset}: {err}"
            );
            for s in facts["error_contains"].as_array().unwrap() {
                assert!(err.contains(s.as_str().unwrap()), "{name}: {s}: {err}");
            }
            assert!(stdout(&o).is_empty());
            continue;
        }
        let valid = facts["signature_valid"].as_bool().unwrap();
        assert_eq!(
            o.status.code(),
            Some(if valid { 0 } else { 1 }),
            "{name}: {}{}",
            stdout(&o),
            stderr(&o)
        );
        assert!(stderr(&o).is_empty(), "{}", stderr(&o));
        let out = stdout(&o);
        let signer = facts["signer_record"].as_u64().unwrap();
        let digest = facts["digest"].as_str().unwrap();
        let sig_line = out
            .lines()
            .find(|l| l.contains(" signature: ") && !l.contains("): "))
            .unwrap_or_else(|| out.lines().next().unwrap());
        assert!(
            sig_line.starts_with(&format!("{name}: ok   signature: {digest}, RSA-")),
            "{sig_line}"
        );
        assert!(
            sig_line.contains(&format!(" key of record {signer} (")),
            "{sig_line}"
        );
        let last = out.lines().last().unwrap();
        assert!(last.starts_with(&format!("{name}: valid (")), "{last}");
        assert!(!out.contains(": FAIL "), "{out}");
        // One line per check: the count in the summary is the number of ok lines.
        let oks = out
            .lines()
            .filter(|l| l.starts_with(&format!("{name}: ok ")))
            .count();
        assert!(last.contains(&format!("({oks} checks passed")), "{last}");
    }
}

#[test]
fn verify_reports_a_changed_signature_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = std::fs::read(vector("real/CTLFile-cucm10.tlv")).unwrap();
    // The real CTL's SIGNATURE value starts after tag 12 at byte 171 (docs: the
    // header is 1,2,3{4,5,6},7{8,9{10,11}},12: 5+5+3+127+3+15 = 158; +3).
    assert_eq!(bytes[158], 12);
    bytes[161 + 5] ^= 0x01;
    let bad = dir.path().join("bad.tlv");
    std::fs::write(&bad, &bytes).unwrap();
    let bad = bad.display().to_string();
    let o = itltool(&["verify", &bad]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).is_empty());
    let out = stdout(&o);
    assert!(
        out.lines().next().unwrap().starts_with(&format!(
            "{bad}: FAIL signature: signature mismatch: the signature does not verify with the key of record 1 (nor records 2, 5)"
        )),
        "{out}"
    );
    assert!(
        out.lines().last().unwrap().starts_with(&format!(
            "{bad}: INVALID (1 of 37 checks failed: signature, "
        )),
        "{out}"
    );

    // With a valid file first and a malformed one after: 2 wins over 1.
    let o = itltool(&[
        "verify",
        &vector("real/CTLFile-cucm10.tlv"),
        &bad,
        &vector("own/malformed/empty.tlv"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let o = itltool(&["verify", &vector("real/CTLFile-cucm10.tlv"), &bad]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn verify_against_outside_trust() {
    let replica = vector("own/ITLSEP0011215A1AE3-sbd-replica.tlv");
    let publisher = vector("own/keys/publisher.crt");
    let o = itltool(&["verify", &replica, "--trust", &publisher]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains(&format!("{replica}: ok   trust: signed by a trusted key: {publisher} (CN=CUCM8-Publisher.bbbburns.lab;")),
        "{out}"
    );

    let tvs = vector("own/keys/tvs.crt");
    let o = itltool(&["verify", &replica, "--trust", &tvs]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains(&format!("{replica}: FAIL trust: not trusted: the signature does not verify with any of the 1 trusted key(s)")),
        "{}",
        stdout(&o)
    );
    // Several sources add up; an ITL/CTL gives its SAST/CCM+TFTP/TFTP entries.
    let o = itltool(&["verify", &replica, "--trust", &tvs, "--trust", &replica]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains(&format!(
        "trust: signed by a trusted key: {replica} record 1 (SAST) CN=CUCM8-Publisher"
    )));
    // The real CTL does not trust the replica.
    let o = itltool(&[
        "verify",
        &replica,
        "--trust",
        &vector("real/CTLFile-cucm10.tlv"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("of the 5 trusted key(s)"),
        "{}",
        stdout(&o)
    );

    // A --trust source that is neither: exit 2 before any file is checked.
    let key = vector("own/keys/publisher.key");
    let o = itltool(&["verify", &replica, "--trust", &key]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).is_empty());
    let err = stderr(&o);
    assert!(
        err.starts_with(&format!(
            "error: {key}: --trust needs a certificate (PEM or DER) or an ITL/CTL file;"
        )),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
    let o = itltool(&["verify", &replica, "--trust", "/nonexistent/x.pem"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), "error: /nonexistent/x.pem: no such file\n");
}

#[test]
fn verify_trusts_every_certificate_of_a_pem_bundle() {
    let replica = vector("own/ITLSEP0011215A1AE3-sbd-replica.tlv");
    let tvs = std::fs::read(vectors().join("own/keys/tvs.crt")).unwrap();
    let publisher = std::fs::read(vectors().join("own/keys/publisher.crt")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // The signer (publisher) is the second certificate of the bundle.
    let bundle = dir.path().join("bundle.pem");
    std::fs::write(&bundle, [tvs.clone(), publisher].concat()).unwrap();
    let bundle = bundle.to_str().unwrap();
    let o = itltool(&["verify", &replica, "--trust", bundle]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains(&format!(
            "{replica}: ok   trust: signed by a trusted key: {bundle} certificate 2 of 2 (CN=CUCM8-Publisher.bbbburns.lab;"
        )),
        "{}",
        stdout(&o)
    );
    // Without the signer in the bundle: both keys tried, not trusted.
    let other = dir.path().join("other.pem");
    let capf = std::fs::read(vectors().join("own/keys/capf.crt")).unwrap();
    std::fs::write(&other, [tvs, capf].concat()).unwrap();
    let o = itltool(&["verify", &replica, "--trust", other.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains(
            "not trusted: the signature does not verify with any of the 2 trusted key(s)"
        ),
        "{}",
        stdout(&o)
    );
}

#[test]
fn verify_usage_errors_exit_2() {
    let o = itltool(&["verify"]);
    assert_eq!(o.status.code(), Some(2));
    let o = itltool(&["verify", "--bogus", &vector("real/CTLFile-cucm10.tlv")]);
    assert_eq!(o.status.code(), Some(2));
}

// ---------------------------------------------------------------- hash

#[test]
fn hash_lines_are_checked_by_md5sum_sha1sum_and_sha256sum() {
    let files: Vec<PathBuf> = all_vectors();
    let names: Vec<String> = files
        .iter()
        .map(|p| p.strip_prefix(vectors()).unwrap().display().to_string())
        .collect();
    for (algo, checker, field) in [
        (None, "md5sum", "md5"),
        (Some("sha1"), "sha1sum", "sha1"),
        (Some("sha256"), "sha256sum", "sha256"),
    ] {
        let mut args = vec!["hash"];
        if let Some(a) = algo {
            args.extend(["--algo", a]);
        }
        args.extend(names.iter().map(String::as_str));
        let o = Command::new(env!("CARGO_BIN_EXE_itltool"))
            .args(&args)
            .current_dir(vectors())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let out = stdout(&o);
        // Every line is the sidecar's hash (malformed files are hashed too).
        for ((line, name), path) in out.lines().zip(&names).zip(&files) {
            let expected = sidecar(path)[field].as_str().unwrap().to_owned();
            assert_eq!(line, format!("{expected}  {name}"));
        }
        assert_eq!(out.lines().count(), names.len());
        let dir = tempfile::tempdir().unwrap();
        let sums = dir.path().join("SUMS");
        std::fs::write(&sums, &out).unwrap();
        let c = tool(
            checker,
            &["-c", &sums.display().to_string()],
            &vectors(),
            "coreutils",
        );
        assert!(
            c.status.success(),
            "{checker} -c: {}{}",
            stdout(&c),
            stderr(&c)
        );
        assert_eq!(
            stdout(&c).lines().filter(|l| l.ends_with(": OK")).count(),
            names.len()
        );
    }
}

#[test]
fn hash_of_a_missing_file_exits_2_and_goes_on() {
    let real = vector("real/CTLFile-cucm10.tlv");
    let o = itltool(&["hash", "/nonexistent/a.tlv", &real]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), "error: /nonexistent/a.tlv: no such file\n");
    assert_eq!(
        stdout(&o),
        format!("0c43d702a9bc273d1ba7e9512877ab6a  {real}\n")
    );
    let o = itltool(&["hash", "--algo", "crc32", &real]);
    assert_eq!(o.status.code(), Some(2));
}

// ---------------------------------------------------------------- build

struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }
    /// Names in the directory (to see that nothing partial is left behind).
    fn listing(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }
}

fn key(name: &str) -> String {
    vector(&format!("own/keys/{name}.key"))
}

fn crt(name: &str) -> String {
    vector(&format!("own/keys/{name}.crt"))
}

#[test]
fn build_with_each_digest_verifies_in_itltool_and_openssl() {
    let s = Scratch::new();
    let tvs_arg = format!("TVS:{}", crt("tvs"));
    for digest in ["sha1", "sha256", "sha512"] {
        let out = s.path(&format!("ITLSEP-{digest}.tlv"));
        let o = itltool(&[
            "build",
            "-o",
            &out,
            "--signer",
            &crt("publisher"),
            "--key",
            &key("publisher"),
            "--digest",
            digest,
            "--timestamp",
            "1700000000",
            "--signer-version",
            "1.1",
            "--hash-only",
            &tvs_arg,
            "--record",
            &format!("SAST:{}", crt("publisher")),
            "--record",
            &format!("CCM+TFTP:{},dns=cucm-pub,ip=10.0.0.5", crt("publisher")),
            "--hash-only",
            &format!("capf:{}", crt("capf")),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        // The only warning: the output's name is not one phones ask for.
        assert_eq!(
            stderr(&o),
            format!(
                "warning: {out}: FILENAME \"ITLSEP-{digest}.tlv\" is not a name phones ask for \
                 (ITLFile.tlv, ITLSEP<MAC>.tlv, CTLFile.tlv, CTLSEP<MAC>.tlv with the MAC in upper case); \
                 give one with --filename\n"
            )
        );
        let line = stdout(&o);
        assert!(line.starts_with(&format!("wrote {out}: ")), "{line}");
        assert!(line.contains(", 4 records, "), "{line}");

        let o = itltool(&["verify", &out]);
        assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
        // Record order is the command line's: TVS first, signed by SAST record 2.
        assert!(
            stdout(&o).contains("key of record 2 (SAST)"),
            "{}",
            stdout(&o)
        );

        // JSON shows what was given.
        let o = itltool(&["show", "--format", "json", &out]);
        let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
        let roles: Vec<_> = doc["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["function_code"].as_u64().unwrap())
            .collect();
        assert_eq!(roles, [21, 0, 2, 4]);
        assert_eq!(doc["records"][2]["dns_name"], "cucm-pub");
        assert_eq!(doc["records"][2]["ip_address"], "10.0.0.5");
        assert_eq!(doc["header"]["filename"], format!("ITLSEP-{digest}.tlv"));
        assert_eq!(doc["header"]["timestamp"], 1_700_000_000);
        assert_eq!(doc["header"]["signer_version"], "1.1");
        assert_eq!(doc["signature"]["valid"], true);
        assert_eq!(doc["signature"]["signer_record"], 2);

        // openssl: signature over the file minus the tag-12 element.
        let bytes = std::fs::read(&out).unwrap();
        let hl = usize::from(u16::from_be_bytes([bytes[8], bytes[9]]));
        let at = (0..hl)
            .find(|&i| bytes[i] == 12 && bytes[i + 1] == 0 && bytes[i + 2] == 128)
            .unwrap();
        let mut signed = bytes[..at].to_vec();
        signed.extend_from_slice(&bytes[at + 131..]);
        std::fs::write(s.path("signed.bin"), &signed).unwrap();
        std::fs::write(s.path("sig.bin"), &bytes[at + 3..at + 131]).unwrap();
        let pubkey = tool(
            "openssl",
            &["x509", "-in", &crt("publisher"), "-noout", "-pubkey"],
            s.dir.path(),
            "openssl",
        );
        std::fs::write(s.path("pub.pem"), &pubkey.stdout).unwrap();
        let v = tool(
            "openssl",
            &[
                "dgst",
                &format!("-{digest}"),
                "-verify",
                "pub.pem",
                "-signature",
                "sig.bin",
                "signed.bin",
            ],
            s.dir.path(),
            "openssl",
        );
        assert!(
            v.status.success() && stdout(&v).contains("Verified OK"),
            "{}{}",
            stdout(&v),
            stderr(&v)
        );
    }
}

/// Runs `itltool build -o OUT --signer SIGNER --key KEY --record R... EXTRA...`.
fn build(out: &str, signer: &str, key_file: &str, records: &[String], extra: &[&str]) -> Output {
    let mut v = vec!["build", "-o", out, "--signer", signer, "--key", key_file];
    for r in records {
        v.extend(["--record", r.as_str()]);
    }
    v.extend(extra);
    itltool(&v)
}

#[test]
fn build_refusals_leave_no_file() {
    let s = Scratch::new();
    let out = s.path("ITLFile.tlv");
    let signer = crt("publisher");
    let pub_key = key("publisher");
    let sast = vec![format!("SAST:{signer}")];

    // A key that is not the signer's.
    let capf_key = key("capf");
    let o = build(&out, &signer, &capf_key, &sast, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "error: {capf_key}: the private key does not match the signer certificate CN=CUCM8-Publisher.bbbburns.lab;OU=TAC;O=Cisco;L=RTP;ST=North Carolina;C=US: its public key differs\n"
        )
    );
    assert!(stdout(&o).is_empty());
    assert!(s.listing().is_empty(), "{:?}", s.listing());

    // A signer not among the records ...
    let tvs_only = vec![format!("TVS:{}", crt("tvs"))];
    let o = build(&out, &signer, &pub_key, &tvs_only, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o)
            .starts_with("error: build: the signer certificate CN=CUCM8-Publisher.bbbburns.lab;"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("is not among the records"));
    assert!(s.listing().is_empty());
    // ... unless allowed.
    let o = build(
        &out,
        &signer,
        &pub_key,
        &tvs_only,
        &["--allow-external-signer"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(s.listing(), ["ITLFile.tlv"]);
    let first = std::fs::read(&out).unwrap();

    // An existing output is not replaced without --force.
    let o = build(&out, &signer, &pub_key, &sast, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!("error: {out}: already exists; not overwritten (use --force to replace it)\n")
    );
    assert_eq!(std::fs::read(&out).unwrap(), first);
    assert_eq!(s.listing(), ["ITLFile.tlv"]);
    let o = build(&out, &signer, &pub_key, &sast, &["--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_ne!(std::fs::read(&out).unwrap(), first);
    assert_eq!(s.listing(), ["ITLFile.tlv"]);

    // Never an input, even with --force.
    let copy = s.path("pub.pem");
    std::fs::copy(&signer, &copy).unwrap();
    let o = build(
        &copy,
        &copy,
        &pub_key,
        &[format!("SAST:{copy}")],
        &["--force"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!("error: {copy}: is also an input; refusing to overwrite it (choose another -o)\n")
    );
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        std::fs::read(&signer).unwrap()
    );

    // A record too long for its u16 length.
    let out2 = s.path("big.tlv");
    let long = vec![
        format!("SAST:{signer}"),
        format!("CCM:{signer},dns={}", "x".repeat(70_000)),
    ];
    let o = build(&out2, &signer, &pub_key, &long, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("error: build: the file would not fit the format: "),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("65535"));

    // Unreadable and wrong inputs name the file.
    let o = build(&out2, "/nonexistent/signer.pem", &pub_key, &sast, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), "error: /nonexistent/signer.pem: no such file\n");
    let o = build(&out2, &signer, &signer, &sast, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with(&format!("error: {signer}: private key: ")),
        "{}",
        stderr(&o)
    );
    let ec = vector("thirdparty/certs/ec.crt");
    let o = build(&out2, &ec, &pub_key, &[format!("SAST:{ec}")], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with(&format!(
            "error: {ec}: signer certificate: the certificate's key is not RSA"
        )),
        "{}",
        stderr(&o)
    );
    let o = build(&out2, &signer, &pub_key, &[format!("BOSS:{signer}")], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown role \"BOSS\""),
        "{}",
        stderr(&o)
    );

    assert_eq!(
        s.listing(),
        ["ITLFile.tlv", "pub.pem"],
        "nothing partial left"
    );
}

#[test]
fn build_reproduces_the_replica() {
    // The builder's CLI with the replica's inputs gives the replica's bytes.
    let s = Scratch::new();
    let out = s.path("r.tlv");
    let o = itltool(&[
        "build",
        "-o",
        &out,
        "--signer",
        &crt("publisher"),
        "--key",
        &key("publisher"),
        "--filename",
        "ITLFile.tlv",
        "--timestamp",
        "1341100800",
        "--record",
        &format!("SAST:{}", crt("publisher")),
        "--record",
        &format!("CCM+TFTP:{}", crt("publisher")),
        "--hash-only",
        &format!("TVS:{}", crt("tvs")),
        "--hash-only",
        &format!("CAPF:{}", crt("capf")),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        std::fs::read(&out).unwrap()
            == std::fs::read(vector("own/ITLSEP0011215A1AE3-sbd-replica.tlv")).unwrap()
    );
    assert!(
        stdout(&o).ends_with(", md5 53be72b43da047242b8e407d63851d48\n"),
        "{}",
        stdout(&o)
    );
}

// ---------------------------------------------------------------- show json

#[test]
fn show_json_has_fingerprints_signature_and_checks() {
    for p in all_vectors() {
        let facts = sidecar(&p);
        if facts.get("error_offset").is_some() {
            continue;
        }
        let name = p.display().to_string();
        let o = itltool(&["show", "--format", "json", &name]);
        assert_eq!(o.status.code(), Some(0), "{name}");
        let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
        for k in ["md5", "sha1", "sha256"] {
            assert_eq!(doc[k], facts[k], "{name} {k}");
        }
        let sig = &doc["signature"];
        assert_eq!(sig["valid"], facts["signature_valid"], "{name}");
        assert_eq!(sig["signer_record"], facts["signer_record"], "{name}");
        assert_eq!(sig["digest"], facts["digest"], "{name}");
        assert_eq!(sig["error"], Value::Null);
        for (r, f) in doc["records"]
            .as_array()
            .unwrap()
            .iter()
            .zip(facts["records"].as_array().unwrap())
        {
            let checks = r["checks"].as_array().unwrap();
            assert_eq!(
                checks.is_empty(),
                f["cert_sha1"].is_null(),
                "{name}: checks only with a certificate"
            );
            for c in checks {
                assert_eq!(c["passed"], true, "{name}: {c}");
                assert!(c["name"].is_string() && c["detail"].is_string());
            }
            for w in r["warnings"].as_array().unwrap() {
                assert!(w["kind"].is_string() && w["message"].is_string(), "{w}");
            }
        }
    }
    // A broken signature: valid false, an error, no signer.
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = std::fs::read(vector("own/ITLSEP0011215A1AE3-sbd-replica.tlv")).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    let bad = dir.path().join("bad.tlv");
    std::fs::write(&bad, &bytes).unwrap();
    let o = itltool(&["show", "--format", "json", &bad.display().to_string()]);
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["signature"]["valid"], false);
    assert_eq!(doc["signature"]["signer_record"], Value::Null);
    assert_eq!(doc["signature"]["digest"], "SHA-1");
    assert!(
        doc["signature"]["error"]
            .as_str()
            .unwrap()
            .starts_with("signature mismatch")
    );
    // The flipped byte is in record 4's HASH ALGORITHM (1 -> 0): not a check of a
    // hash-only record, so the checks still pass; the warning for the CAPF key stays.
    assert_eq!(doc["records"][3]["warnings"][0]["kind"], "weak_rsa_key");
}
