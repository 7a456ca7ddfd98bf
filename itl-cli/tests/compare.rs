//! `itltool compare` end to end: files built with the Builder from the test keys
//! (own/keys/ and own/compare/), written to a temporary directory, compared by the
//! binary; verdict, JSON fields and exit status checked.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{cert, itltool, key, vectors};
use itl_core::{Builder, Role};
use serde_json::Value;

const PUBLISHER: &str = "own/keys/publisher";
const TVS: &str = "own/keys/tvs";
const CAPF: &str = "own/keys/capf";
const CCM_NEW: &str = "own/compare/ccm-regen";
const TVS_NEW: &str = "own/compare/tvs-regen";
const RECOVERY: &str = "own/compare/itlrecovery";

fn itl(signer: &str, ccm: &str, tvs: &str, recovery: bool, ts: u32) -> Vec<u8> {
    let mut b = Builder::new(cert(signer), key(signer))
        .timestamp(ts)
        .record(Role::SAST, cert(ccm));
    if recovery {
        b = b.record(Role::SAST, cert(RECOVERY));
    }
    b.record(Role::CCM_TFTP, cert(ccm))
        .hash_only_record(Role::TVS, cert(tvs))
        .hash_only_record(Role::CAPF, cert(CAPF))
        .build()
        .unwrap()
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_owned()
}

fn json(args: &[&str]) -> (Option<i32>, Value) {
    let mut a = vec!["compare", "--format", "json"];
    a.extend_from_slice(args);
    let out = itltool(&a);
    let doc = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code(), doc)
}

const KEYS: [&str; 8] = [
    "verdict",
    "identical",
    "phone_md5",
    "server_md5",
    "added",
    "removed",
    "changed",
    "explanation",
];

#[test]
fn the_six_scenarios_of_the_issue() {
    let dir = tempfile::tempdir().unwrap();
    let phone = write(
        &dir,
        "phone.tlv",
        &itl(PUBLISHER, PUBLISHER, TVS, false, 1_341_100_800),
    );
    let phone_rec = write(
        &dir,
        "phone-rec.tlv",
        &itl(PUBLISHER, PUBLISHER, TVS, true, 1_341_100_800),
    );
    let same = write(&dir, "same.tlv", &std::fs::read(&phone).unwrap());
    let resigned = write(
        &dir,
        "resigned.tlv",
        &itl(PUBLISHER, PUBLISHER, TVS, false, 1_341_187_200),
    );
    let ccm_new = write(
        &dir,
        "ccm-new.tlv",
        &itl(CCM_NEW, CCM_NEW, TVS, false, 1_341_187_200),
    );
    let tvs_new = write(
        &dir,
        "tvs-new.tlv",
        &itl(PUBLISHER, PUBLISHER, TVS_NEW, false, 1_341_187_200),
    );
    let both_new = write(
        &dir,
        "both-new.tlv",
        &itl(CCM_NEW, CCM_NEW, TVS_NEW, false, 1_341_187_200),
    );
    let rec_signed = write(
        &dir,
        "rec-signed.tlv",
        &itl(RECOVERY, CCM_NEW, TVS_NEW, true, 1_341_187_200),
    );

    let cases = [
        (&phone, &same, "identical", 0, 0),
        (&phone, &resigned, "accepted-signer", 0, 0),
        (&phone, &ccm_new, "accepted-tvs", 0, 2),
        (&phone, &tvs_new, "accepted-signer", 0, 1),
        (&phone, &both_new, "rejected", 1, 3),
        (&phone_rec, &rec_signed, "accepted-signer", 0, 3),
    ];
    for (p, s, verdict, code, changed) in cases {
        let (status, doc) = json(&[p, s]);
        assert_eq!(
            doc["verdict"], verdict,
            "{p} vs {s}: {}",
            doc["explanation"]
        );
        assert_eq!(status, Some(code), "{p} vs {s}");
        for k in KEYS {
            assert!(doc.get(k).is_some(), "{k} missing");
        }
        assert_eq!(doc["identical"], verdict == "identical");
        assert_eq!(
            doc["changed"].as_array().unwrap().len(),
            changed,
            "{s}: {doc}"
        );
        assert!(doc["explanation"].as_str().unwrap().len() > 20);
        // md5sum-style hex of the files.
        assert_eq!(doc["server_md5"].as_str().unwrap().len(), 32);
        assert_eq!(
            doc["phone_md5"] == doc["server_md5"],
            verdict == "identical"
        );

        let text = itltool(&["compare", p, s]);
        assert_eq!(text.status.code(), Some(code));
        let text = String::from_utf8(text.stdout).unwrap();
        assert!(text.contains(&format!("\nVerdict: {verdict}\n")), "{text}");
        // Not a terminal: nothing is wrapped; the explanation is one line.
        let explanation = doc["explanation"].as_str().unwrap();
        assert!(text.contains(&format!("\n  {explanation}\n")), "{text}");
    }
    // The rejected case says what can be done.
    let (_, doc) = json(&[&phone, &both_new]);
    let remedies = doc["remedies"].as_array().unwrap();
    assert!(
        remedies
            .iter()
            .any(|r| r.as_str().unwrap().contains("Delete the ITL on each phone"))
    );
    assert!(
        remedies
            .iter()
            .any(|r| r.as_str().unwrap().contains("backup"))
    );
    // ITLRecovery: the recovery-signed file is trusted through the phone's record 2.
    let (_, doc) = json(&[&phone_rec, &rec_signed]);
    assert_eq!(doc["trusted_by"]["record"]["index"], 2);
    assert_eq!(doc["trusted_by"]["file"], "ITL");
    assert_eq!(doc["signer_changed"], true);
}

#[test]
fn phone_ctl_adds_to_the_phones_trust() {
    let dir = tempfile::tempdir().unwrap();
    let phone = write(&dir, "phone.tlv", &itl(PUBLISHER, PUBLISHER, TVS, false, 1));
    let server = write(
        &dir,
        "server.tlv",
        &itl(CCM_NEW, CCM_NEW, TVS_NEW, false, 2),
    );
    let ctl = Builder::new(cert(CCM_NEW), key(CCM_NEW))
        .filename("CTLFile.tlv")
        .timestamp(1)
        .record(Role::SAST, cert(CCM_NEW))
        .build()
        .unwrap();
    let ctl = write(&dir, "ctl.tlv", &ctl);
    assert_eq!(json(&[&phone, &server]).0, Some(1));
    let (code, doc) = json(&["--phone-ctl", &ctl, &phone, &server]);
    assert_eq!(
        (code, doc["verdict"].as_str()),
        (Some(0), Some("accepted-signer"))
    );
    assert_eq!(doc["trusted_by"]["file"], "CTL");
}

#[test]
fn hashes_read_off_the_phone() {
    let rel = vectors().join("own/ITLSEP0011215A1AE3-sbd-replica.tlv");
    let server = rel.to_str().unwrap();
    let side: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{server}.json")).unwrap()).unwrap();
    let md5 = side["md5"].as_str().unwrap();
    let sha1 = side["sha1"].as_str().unwrap();
    let upper_colons = md5
        .as_bytes()
        .chunks(2)
        .map(|c| std::str::from_utf8(c).unwrap().to_ascii_uppercase())
        .collect::<Vec<_>>()
        .join(":");
    for args in [
        vec!["--phone-md5", md5],
        vec!["--phone-md5", &upper_colons],
        vec!["--phone-sha1", sha1],
        vec!["--phone-md5", md5, "--phone-sha1", sha1],
    ] {
        let mut a = args.clone();
        a.push(server);
        let (code, doc) = json(&a);
        assert_eq!(
            (code, doc["verdict"].as_str()),
            (Some(0), Some("identical")),
            "{args:?}"
        );
        assert_eq!(doc["server_md5"], md5);
        assert_eq!(doc["phone_md5"].is_null(), !args.contains(&"--phone-md5"));
    }
    // Cisco's original file (FORMAT-NOTES): another file.
    let (code, doc) = json(&["--phone-md5", "b61910bb01d8d3a1c1b36526cc9f2ddc", server]);
    assert_eq!(
        (code, doc["verdict"].as_str()),
        (Some(1), Some("different"))
    );
    assert!(
        doc["explanation"]
            .as_str()
            .unwrap()
            .contains("phone's file")
    );
}

#[test]
fn errors_exit_2_with_one_line() {
    let replica = vectors().join("own/ITLSEP0011215A1AE3-sbd-replica.tlv");
    let replica = replica.to_str().unwrap();
    let malformed = vectors().join("own/malformed/truncated-in-record3.tlv");
    let malformed = malformed.to_str().unwrap();
    let missing = vectors().join("no-such.tlv");
    let missing = missing.to_str().unwrap();
    for (args, says) in [
        (vec!["compare", replica, missing], missing.to_owned()),
        (
            vec!["compare", malformed, replica],
            format!("{malformed}: record 3"),
        ),
        (
            vec!["compare", "--phone-md5", "12:34", replica],
            "--phone-md5".to_owned(),
        ),
        (
            vec!["compare", "--phone-sha1", &"g".repeat(40), replica],
            "not hexadecimal".to_owned(),
        ),
        (
            vec!["compare", "--phone-md5", &"0".repeat(32), replica, replica],
            "not both".to_owned(),
        ),
        (vec!["compare", replica], "PHONE SERVER".to_owned()),
        (
            vec![
                "compare",
                "--phone-md5",
                &"0".repeat(32),
                "--phone-ctl",
                replica,
                replica,
            ],
            "--phone-ctl".to_owned(),
        ),
    ] {
        let out = itltool(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with("error: ") && err.contains(&says),
            "{args:?}: {err}"
        );
    }
}

/// A tokenless CTL (`utils ctl set-cluster mixed-mode`): signed by the
/// CallManager certificate `ccm`, its SAST and CCM+TFTP entry, with an ITLRecovery
/// SAST entry when `recovery`.
fn tokenless_ctl(ccm: &str, recovery: bool, ts: u32) -> Vec<u8> {
    let mut b = Builder::new(cert(ccm), key(ccm))
        .filename("CTLFile.tlv")
        .timestamp(ts)
        .record(Role::SAST, cert(ccm));
    if recovery {
        b = b.record(Role::SAST, cert(RECOVERY));
    }
    b.record(Role::CCM_TFTP, cert(ccm)).build().unwrap()
}

/// Text and JSON of `compare PHONE SERVER`, with the exit status.
fn both(phone: &str, server: &str) -> (Option<i32>, String, Value) {
    let out = itltool(&["compare", phone, server]);
    let text = String::from_utf8(out.stdout).unwrap();
    let (code, doc) = json(&[phone, server]);
    assert_eq!(out.status.code(), code);
    (code, text, doc)
}

fn codes(doc: &Value) -> Vec<&str> {
    doc["remedy_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect()
}

#[test]
fn a_rejected_ctl_is_explained_as_a_ctl() {
    let dir = tempfile::tempdir().unwrap();
    let phone = write(&dir, "phone-CTL.tlv", &tokenless_ctl(PUBLISHER, true, 1));
    let server = write(&dir, "CTLFile.tlv", &tokenless_ctl(CCM_NEW, true, 2));
    let (code, text, doc) = both(&phone, &server);
    assert_eq!(code, Some(1), "{text}");
    assert_eq!(doc["verdict"], "rejected");
    assert_eq!(doc["kind"], "CTL");
    assert_eq!(doc["reason_code"], "signer-not-trusted");
    assert_eq!(doc["phone_signed_by"], "callmanager");
    assert_eq!(
        codes(&doc),
        ["recovery-reset", "restore-signing-key", "delete-on-phone"]
    );
    assert!(text.contains("`utils ctl reset localkey`"), "{text}");
    assert!(!text.contains("utils itl"), "{text}");
    assert!(!text.contains("TVS"), "no TVS reasoning for a CTL: {text}");
    assert!(!text.contains("phone's ITL"), "{text}");
    assert!(text.contains("entry of the phone's CTL"), "{text}");
    assert!(text.contains("CTL update failed"), "{text}");
    assert!(text.contains("Delete the CTL on each phone"), "{text}");
    // The ITL case for contrast: ITL wording, the ITL reset command, TVS.
    let phone = write(
        &dir,
        "phone-ITL.tlv",
        &itl(PUBLISHER, PUBLISHER, TVS, true, 1),
    );
    let server = write(
        &dir,
        "ITLFile.tlv",
        &itl(CCM_NEW, CCM_NEW, TVS_NEW, true, 2),
    );
    let (code, text, doc) = both(&phone, &server);
    assert_eq!((code, doc["kind"].as_str()), (Some(1), Some("ITL")));
    assert!(text.contains("`utils itl reset localkey`"), "{text}");
    assert!(!text.contains("utils ctl"), "{text}");
    assert!(text.contains("TVS"), "{text}");
}

#[test]
fn an_itlrecovery_signed_phone_file_gets_the_itlrecovery_remedy() {
    let dir = tempfile::tempdir().unwrap();
    // CUCM 12: the phone's ITL is signed by the ITLRecovery key. The server's is
    // signed by a new CallManager key and lists no ITLRecovery certificate.
    let phone = write(&dir, "phone.tlv", &itl(RECOVERY, PUBLISHER, TVS, true, 1));
    let server = write(
        &dir,
        "server.tlv",
        &itl(CCM_NEW, CCM_NEW, TVS_NEW, false, 2),
    );
    let (code, text, doc) = both(&phone, &server);
    assert_eq!((code, doc["verdict"].as_str()), (Some(1), Some("rejected")));
    assert_eq!(doc["phone_signed_by"], "itlrecovery");
    assert_eq!(
        codes(&doc),
        [
            "recovery-unavailable",
            "restore-signing-key",
            "delete-on-phone"
        ]
    );
    let restore = doc["remedies"][1].as_str().unwrap();
    assert!(
        restore.starts_with("Restore the ITLRecovery certificate and key"),
        "{restore}"
    );
    assert!(
        !text.contains("old CallManager certificate"),
        "the CallManager certificate did not sign the phone's ITL: {text}"
    );
    assert!(
        text.contains("the phone's ITL was signed with the ITLRecovery certificate"),
        "{text}"
    );
    // The CallManager-signed phone file of the same cluster: the CallManager remedy.
    let phone = write(
        &dir,
        "phone-ccm.tlv",
        &itl(PUBLISHER, PUBLISHER, TVS, true, 1),
    );
    let (_, text, doc) = both(&phone, &server);
    assert_eq!(doc["phone_signed_by"], "callmanager");
    assert!(
        text.contains("Restore the old CallManager certificate"),
        "{text}"
    );
}

#[test]
fn an_etoken_signed_ctl_gets_the_etoken_remedy() {
    let dir = tempfile::tempdir().unwrap();
    // The CTL client's layout: two USB eTokens as SAST entries (any key pairs stand
    // in for the tokens), the CallManager certificate as CCM+TFTP; token 1 signs.
    let etoken_ctl = Builder::new(cert(TVS), key(TVS))
        .filename("CTLFile.tlv")
        .timestamp(1)
        .record(Role::SAST, cert(TVS))
        .record(Role::SAST, cert(CAPF))
        .record(Role::CCM_TFTP, cert(PUBLISHER))
        .build()
        .unwrap();
    let phone = write(&dir, "phone.tlv", &etoken_ctl);
    let server = write(&dir, "CTLFile.tlv", &tokenless_ctl(CCM_NEW, false, 2));
    let (code, text, doc) = both(&phone, &server);
    assert_eq!((code, doc["verdict"].as_str()), (Some(1), Some("rejected")));
    assert_eq!(doc["phone_signed_by"], "etoken");
    assert_eq!(codes(&doc), ["sign-with-etoken", "delete-on-phone"]);
    let remedy = doc["remedies"][0].as_str().unwrap();
    assert!(
        remedy.contains("USB eToken") && remedy.contains("CTL client"),
        "{remedy}"
    );
    assert!(remedy.contains("record 1 (SAST)") && remedy.contains("record 2 (SAST)"));
    assert!(!text.contains("DRS") && !text.contains("CallManager certificate and key"));
    assert!(!text.contains("TVS"), "{text}");
}
