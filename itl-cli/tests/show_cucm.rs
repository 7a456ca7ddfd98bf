//! `itltool show --format cucm` checked, independently of the golden files, against
//! what CUCM printed for the documented ITL (FORMAT-NOTES, "A documented ITL") and
//! against the sidecars of the replica and of the real CUCM 10 CTL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::Command;

use common::root;
use itl_core::TrustList;
use serde_json::Value;

fn sidecar(rel: &str) -> Value {
    common::sidecar(&root().join(rel))
}

fn cucm_cli(rel: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_itltool"))
        .current_dir(root())
        .args(["show", "--format", "cucm", rel])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A line with its runs of whitespace (tabs included) made single spaces.
fn norm(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The output cut into blocks: the header part (`None`) and each `… Record #:N`.
struct Parsed {
    preamble: Vec<String>,
    header_rows: Vec<String>,
    records: Vec<Vec<String>>,
    last: String,
}

fn parse(text: &str, kind: &str) -> Parsed {
    let lines: Vec<String> = text.lines().map(norm).collect();
    let table_head = "BYTEPOS TAG LENGTH VALUE";
    let first_table = lines.iter().position(|l| l == table_head).unwrap();
    let mut p = Parsed {
        preamble: lines[..first_table].to_vec(),
        header_rows: Vec::new(),
        records: Vec::new(),
        last: lines.last().unwrap().clone(),
    };
    let mut current: Option<Vec<String>> = None;
    let mut in_header = true;
    for (i, l) in lines.iter().enumerate().skip(first_table + 2) {
        if l.starts_with(&format!("{kind} Record #:")) {
            in_header = false;
            if let Some(r) = current.take() {
                p.records.push(r);
            }
            assert_eq!(l, &format!("{kind} Record #:{}", p.records.len() + 1));
            assert_eq!(lines[i + 1], "----");
            assert_eq!(lines[i + 2], table_head);
            current = Some(Vec::new());
            continue;
        }
        if l.is_empty() || l == "----" || l == table_head || l.starts_with("-------") {
            continue;
        }
        if in_header {
            p.header_rows.push(l.clone());
        } else if i + 1 < lines.len() {
            current.as_mut().unwrap().push(l.clone());
        }
    }
    if let Some(r) = current.take() {
        p.records.push(r);
    }
    p
}

/// `20:D4:…` from lower-case hex.
fn colon(hex: &str) -> String {
    hex.as_bytes()
        .chunks(2)
        .map(|c| std::str::from_utf8(c).unwrap().to_ascii_uppercase())
        .collect::<Vec<_>>()
        .join(":")
}

/// `0E 1E …` from lower-case hex.
fn spaced(hex: &str) -> String {
    colon(hex).replace(':', " ")
}

/// Rows of a block that are table rows (start with a tag number).
fn tags(rows: &[String]) -> Vec<u32> {
    rows.iter()
        .filter_map(|r| r.split(' ').next().and_then(|t| t.parse().ok()))
        .collect()
}

fn has(rows: &[String], want: &str) {
    assert!(
        rows.iter().any(|r| r == want),
        "no row {want:?} in:\n{}",
        rows.join("\n")
    );
}

#[test]
fn replica_reproduces_the_documented_show_itl_tables() {
    let rel = "testvectors/own/ITLSEP0011215A1AE3-sbd-replica.tlv";
    let side = sidecar(rel);
    let text = cucm_cli(rel);
    let p = parse(&text, "ITL");

    // Preamble, as CUCM prints it.
    assert_eq!(
        p.preamble[0],
        format!(
            "The checksum value of the ITL file: {}(MD5) {}(SHA1)",
            side["md5"].as_str().unwrap(),
            side["sha1"].as_str().unwrap()
        )
    );
    assert_eq!(p.preamble[1], "Length of ITL file: 5438");
    assert!(p.preamble[2].starts_with("The ITL File was last modified on "));
    assert!(p.preamble.contains(&"Parse ITL File".to_owned()));
    assert!(p.preamble.contains(&"Version: 1.2".to_owned()));
    assert!(p.preamble.contains(&"HeaderLength: 296 (BYTES)".to_owned()));

    // Header table: the rows the note shows, tag for tag and length for length.
    let dn = "CN=CUCM8-Publisher.bbbburns.lab;OU=TAC;O=Cisco;L=RTP;ST=North Carolina;C=US";
    let h = &p.header_rows;
    assert_eq!(h[0], "3 SIGNERID 2 110");
    assert_eq!(h[1], format!("4 SIGNERNAME 76 {dn}"));
    assert_eq!(
        h[2],
        format!(
            "5 SERIALNUMBER 10 {}",
            colon(side["signer_serial"].as_str().unwrap())
        )
    );
    assert_eq!(h[3], "6 CANAME 15 CN=JASBURNS-AD");
    has(h, "7 SIGNATUREINFO 2 15");
    has(h, "9 SIGNATUREALGOINFO 2 8");
    // A 1024-bit key gives a 128-byte signature, dumped 8 bytes a line.
    let sig = h.iter().position(|r| r == "12 SIGNATURE 128").unwrap();
    let dump: Vec<&String> = h[sig + 1..]
        .iter()
        .take_while(|r| !r.starts_with("14 "))
        .collect();
    assert_eq!(dump.len(), 16);
    assert!(dump.iter().all(|l| {
        l.split(' ').count() == 8
            && l.split(' ')
                .all(|b| u8::from_str_radix(b, 16).is_ok() && b == b.to_lowercase())
    }));
    has(h, "14 FILENAME 12");
    has(h, "15 TIMESTAMP 4");

    // Records: structure and lengths of the note.
    assert_eq!(p.records.len(), 4);
    let recs = side["records"].as_array().unwrap();
    let lengths: Vec<&String> = p.records.iter().map(|r| &r[0]).collect();
    assert_eq!(
        lengths,
        [
            "1 RECORDLENGTH 2 1972",
            "1 RECORDLENGTH 2 1972",
            "1 RECORDLENGTH 2 743",
            "1 RECORDLENGTH 2 455"
        ]
    );
    for (i, function) in [(0, "System Administrator Security Token"), (1, "CCM+TFTP")] {
        let r = &p.records[i];
        assert_eq!(tags(r), [1, 2, 3, 4, 5, 6, 7, 8, 9], "record {}", i + 1);
        has(r, "2 DNSNAME 2");
        has(r, &format!("3 SUBJECTNAME 76 {dn}"));
        has(r, &format!("4 FUNCTION 2 {function}"));
        has(r, "5 ISSUERNAME 15 CN=JASBURNS-AD");
        has(
            r,
            &format!(
                "6 SERIALNUMBER 10 {}",
                colon(recs[i]["serial"].as_str().unwrap())
            ),
        );
        has(r, "7 PUBLICKEY 140");
        has(r, "8 SIGNATURE 256");
        has(
            r,
            &format!(
                "9 CERTIFICATE 1442 {} (SHA1 Hash HEX)",
                spaced(recs[i]["cert_sha1"].as_str().unwrap())
            ),
        );
    }
    assert_eq!(
        p.records[0].last().unwrap(),
        "This etoken was used to sign the ITL file."
    );
    assert!(
        !p.records[1].iter().any(|l| l.contains("etoken")),
        "only SAST records"
    );

    let tvs = &p.records[2];
    assert_eq!(tags(tvs), [1, 2, 3, 4, 5, 6, 7, 8, 11, 12]);
    has(tvs, &format!("3 SUBJECTNAME 76 {dn}"));
    has(tvs, "4 FUNCTION 2 TVS");
    has(tvs, &format!("5 ISSUERNAME 76 {dn}"));
    has(tvs, "6 SERIALNUMBER 8 2E:3E:1A:7B:DA:A6:4D:84"); // as printed in the note
    has(tvs, "7 PUBLICKEY 270");
    has(tvs, "8 SIGNATURE 256");
    has(
        tvs,
        &format!(
            "11 CERTHASH 20 {}",
            spaced(recs[2]["cert_hash"].as_str().unwrap())
        ),
    );
    has(tvs, "12 HASH ALGORITHM 1 SHA-1");

    let capf = &p.records[3];
    let capf_dn = "CN=CAPF-9c4cba7d;OU=TAC;O=Cisco;L=RTP;ST=North Carolina;C=US";
    assert_eq!(tags(capf), [1, 2, 3, 4, 5, 6, 7, 8, 11, 12]);
    has(capf, &format!("3 SUBJECTNAME 61 {capf_dn}"));
    has(capf, "4 FUNCTION 2 CAPF");
    has(capf, &format!("5 ISSUERNAME 61 {capf_dn}"));
    has(capf, "6 SERIALNUMBER 8 0A:DC:6E:77:42:91:4A:53"); // as printed in the note
    has(capf, "7 PUBLICKEY 140");
    has(capf, "8 SIGNATURE 128");
    has(
        capf,
        &format!(
            "11 CERTHASH 20 {}",
            spaced(recs[3]["cert_hash"].as_str().unwrap())
        ),
    );
    has(capf, "12 HASH ALGORITHM 1 SHA-1");

    assert_eq!(p.last, "The ITL file was verified successfully.");
}

#[test]
fn real_ctl_uses_ctl_wording_and_marks_each_sast_record() {
    let rel = "testvectors/real/CTLFile-cucm10.tlv";
    let side = sidecar(rel);
    let text = cucm_cli(rel);
    let p = parse(&text, "CTL");
    assert!(p.preamble[0].starts_with("The checksum value of the CTL file: "));
    assert_eq!(
        p.preamble[1],
        format!("Length of CTL file: {}", side["size"])
    );
    assert!(p.preamble.contains(&"Parse CTL File".to_owned()));
    assert!(p.preamble.contains(&"HeaderLength: 312 (BYTES)".to_owned()));
    // docs/FORMAT.md §7.1: signer serial and 1024-bit signature.
    has(&p.header_rows, "5 SERIALNUMBER 8 24:49:1F:10:70:3F:EA:9B");
    has(&p.header_rows, "12 SIGNATURE 128");
    let recs = side["records"].as_array().unwrap();
    assert_eq!(p.records.len(), recs.len());
    for (r, want) in p.records.iter().zip(recs) {
        assert_eq!(r[0], format!("1 RECORDLENGTH 2 {}", want["length"]));
        assert_eq!(tags(r), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        has(r, "10 IPADDRESS 4");
    }
    // Record 1 signed the file; record 5 (ITLRECOVERY) is a SAST that did not.
    assert_eq!(
        p.records[0].last().unwrap(),
        "This etoken was used to sign the CTL file."
    );
    assert_eq!(
        p.records[4].last().unwrap(),
        "This etoken was not used to sign the CTL file."
    );
    for i in [1, 2, 3, 5] {
        assert!(!p.records[i].iter().any(|l| l.contains("etoken")));
    }
    assert_eq!(p.last, "The CTL file was verified successfully.");
}

#[test]
fn a_changed_signature_is_reported_as_cucm_does() {
    let mut bytes = std::fs::read(root().join("testvectors/real/CTLFile-cucm10.tlv")).unwrap();
    // docs/FORMAT.md §7.4: the signature value is at 161–288.
    bytes[200] ^= 1;
    let tl = TrustList::parse(&bytes).unwrap();
    let mut out = Vec::new();
    itl_core::write_show_cucm(&mut out, &tl, &itl_core::CucmOptions::new(0)).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(
        text.lines().last().unwrap(),
        "Verification of the CTL file failed."
    );
    assert!(text.contains("The CTL File was last modified on (unknown)\n"));
}
