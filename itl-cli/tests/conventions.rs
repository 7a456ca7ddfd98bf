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

/// Runs `itltool build -o OUT` signed by the replica's publisher with `args`.
fn build(out: &std::path::Path, args: &[String]) -> std::process::Output {
    let keys = vectors().join("own/keys");
    let mut v = vec![
        "build".to_owned(),
        "-o".to_owned(),
        out.to_str().unwrap().to_owned(),
        "--signer".to_owned(),
        keys.join("publisher.crt").to_str().unwrap().to_owned(),
        "--key".to_owned(),
        keys.join("publisher.key").to_str().unwrap().to_owned(),
    ];
    v.extend(args.iter().cloned());
    let v: Vec<&str> = v.iter().map(String::as_str).collect();
    itltool(&v)
}

fn cert(name: &str) -> String {
    vectors()
        .join("own/keys")
        .join(name)
        .to_str()
        .unwrap()
        .to_owned()
}

#[test]
fn build_names_an_unknown_record_option() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ITLFile.tlv");
    let arg = format!("SAST:{},foo=bar", cert("publisher.crt"));
    let o = build(&out, &["--record".to_owned(), arg.clone()]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!("error: {arg:?}: unknown option \"foo\" (options: dns=NAME, ip=A.B.C.D)\n")
    );
    assert!(!out.exists());
    // Known options still work, in any order.
    let arg = format!("SAST:{},ip=10.1.2.3,dns=cucm", cert("publisher.crt"));
    let o = build(&out, &["--record".to_owned(), arg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "", "no warnings for a plain ITL");
}

#[test]
fn build_warns_about_size_duplicates_and_an_odd_filename() {
    let dir = tempfile::tempdir().unwrap();
    let publisher = cert("publisher.crt");
    let tvs = cert("tvs.crt");

    // The same record twice, and a FILENAME no phone asks for.
    let out = dir.path().join("my-itl.tlv");
    let o = build(
        &out,
        &[
            "--record".into(),
            format!("SAST:{publisher}"),
            "--hash-only".into(),
            format!("TVS:{tvs}"),
            "--record".into(),
            format!("SAST:{publisher}"),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out_s = out.display();
    assert_eq!(
        stderr(&o),
        format!(
            "warning: {out_s}: records 1 and 3 are the same (SAST with the certificate of {publisher}); one is enough\n\
             warning: {out_s}: FILENAME \"my-itl.tlv\" is not a name phones ask for (ITLFile.tlv, ITLSEP<MAC>.tlv, CTLFile.tlv, CTLSEP<MAC>.tlv with the MAC in upper case); give one with --filename\n"
        )
    );
    // The same certificate under another role is not a duplicate; --filename fixes the name.
    let out = dir.path().join("b.tlv");
    let o = build(
        &out,
        &[
            "--record".into(),
            format!("SAST:{publisher}"),
            "--record".into(),
            format!("CCM+TFTP:{publisher}"),
            "--filename".into(),
            "ITLSEP0011215A1AE3.tlv".into(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");

    // Over 64 KiB: 50 records of the 1442-byte certificate under numbered roles.
    let out = dir.path().join("CTLFile.tlv");
    let mut args = Vec::new();
    for role in 100..150 {
        args.push("--record".to_owned());
        args.push(format!("{role}:{publisher}"));
    }
    let o = build(&out, &args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let size = std::fs::metadata(&out).unwrap().len();
    assert!(size > 65_536, "{size}");
    assert_eq!(
        stderr(&o),
        format!(
            "warning: {}: the file is {size} bytes, over the 65536 bytes (64 KiB) phones accept; phones will refuse it\n",
            out.display()
        )
    );
}

#[test]
fn compare_usage_names_phone_and_server() {
    let o = itltool(&["compare"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("Usage: itltool compare [OPTIONS] PHONE SERVER\n"),
        "{err}"
    );
    assert!(!err.contains("<FILE>"), "{err}");
    let o = itltool(&["compare", "--help"]);
    let help = stdout(&o);
    assert!(
        help.contains("\n  <PHONE>\n") && help.contains("\n  [SERVER]\n"),
        "{help}"
    );
    // Three files are one too many.
    let f = vectors().join("real/CTLFile-cucm10.tlv");
    let f = f.to_str().unwrap();
    let o = itltool(&["compare", f, f, f]);
    assert_eq!(o.status.code(), Some(2));
}
