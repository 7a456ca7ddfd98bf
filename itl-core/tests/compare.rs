//! Phone-versus-server verdicts on ITLs built with the Builder from the test keys:
//! the replica's (own/keys/) and the regenerated ones (own/compare/). Which key signs
//! each file is fixed by construction, so each scenario's verdict is known up front.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{cert, key};
use itl_core::{Builder, PhoneHashes, Role, TrustList, Verdict, compare, compare_hashes};
use itl_core::{FileKind, RecordSummary};

const T1: u32 = 1_341_100_800;
const T2: u32 = 1_341_187_200;

const PUBLISHER: &str = "own/keys/publisher";
const TVS: &str = "own/keys/tvs";
const CAPF: &str = "own/keys/capf";
const CCM_NEW: &str = "own/compare/ccm-regen";
const TVS_NEW: &str = "own/compare/tvs-regen";
const RECOVERY: &str = "own/compare/itlrecovery";

/// An ITL as CUCM 8 writes it: SAST and CCM+TFTP = the CallManager certificate
/// (which signs), TVS and CAPF as hashes; `extra_sast` adds a SAST entry after the
/// first (an ITLRecovery certificate).
fn itl(signer: &str, ccm: &str, tvs: &str, extra_sast: Option<&str>, ts: u32) -> Vec<u8> {
    let mut b = Builder::new(cert(signer), key(signer))
        .timestamp(ts)
        .record(Role::SAST, cert(ccm));
    if let Some(x) = extra_sast {
        b = b.record(Role::SAST, cert(x));
    }
    b.record(Role::CCM_TFTP, cert(ccm))
        .hash_only_record(Role::TVS, cert(tvs))
        .hash_only_record(Role::CAPF, cert(CAPF))
        .build()
        .unwrap()
}

fn run(phone: &[u8], ctl: Option<&[u8]>, server: &[u8]) -> itl_core::Comparison {
    let p = TrustList::parse(phone).unwrap();
    let s = TrustList::parse(server).unwrap();
    let c = ctl.map(|b| TrustList::parse(b).unwrap());
    compare(&p, c.as_ref(), &s)
}

fn roles(v: &[RecordSummary]) -> Vec<Role> {
    v.iter().map(|r| r.role.unwrap()).collect()
}

#[test]
fn identical_files() {
    let phone = itl(PUBLISHER, PUBLISHER, TVS, None, T1);
    let c = run(&phone, None, &phone.clone());
    assert_eq!(c.verdict, Verdict::Identical);
    assert!(c.identical);
    assert_eq!(c.phone_md5, Some(c.server_md5.clone()));
    assert!(c.added.is_empty() && c.removed.is_empty() && c.changed.is_empty());
    assert!(!c.signer_changed);
    assert!(c.remedies.is_empty());
}

#[test]
fn re_signed_with_a_new_timestamp_is_accepted_by_signer() {
    let phone = itl(PUBLISHER, PUBLISHER, TVS, None, T1);
    let server = itl(PUBLISHER, PUBLISHER, TVS, None, T2);
    assert_ne!(phone, server);
    let c = run(&phone, None, &server);
    assert_eq!(c.verdict, Verdict::AcceptedSigner);
    assert!(!c.identical);
    assert_ne!(c.phone_md5.as_deref(), Some(c.server_md5.as_str()));
    assert!(c.added.is_empty() && c.removed.is_empty() && c.changed.is_empty());
    assert!(!c.signer_changed);
    let by = c.trusted_by.unwrap();
    assert_eq!(
        (by.file, by.record.index, by.record.role),
        (FileKind::Itl, 1, Some(Role::SAST))
    );
}

#[test]
fn callmanager_regenerated_tvs_kept_is_accepted_by_tvs() {
    let phone = itl(PUBLISHER, PUBLISHER, TVS, None, T1);
    let server = itl(CCM_NEW, CCM_NEW, TVS, None, T2);
    let c = run(&phone, None, &server);
    assert_eq!(c.verdict, Verdict::AcceptedTvs, "{}", c.explanation);
    assert!(c.signer_changed);
    assert!(c.added.is_empty() && c.removed.is_empty());
    assert_eq!(
        c.changed
            .iter()
            .map(|ch| ch.old.role.unwrap())
            .collect::<Vec<_>>(),
        [Role::SAST, Role::CCM_TFTP]
    );
    for ch in &c.changed {
        for w in ["certificate", "key", "serial", "issuer"] {
            assert!(ch.what.contains(&w), "{:?}", ch.what);
        }
    }
    let by = c.trusted_by.unwrap();
    assert_eq!((by.record.index, by.record.role), (3, Some(Role::TVS)));
    assert_eq!(by.server_record.unwrap().index, 3);
    assert!(c.explanation.contains("TVS"), "{}", c.explanation);
}

#[test]
fn tvs_regenerated_callmanager_kept_is_accepted_by_signer() {
    let phone = itl(PUBLISHER, PUBLISHER, TVS, None, T1);
    let server = itl(PUBLISHER, PUBLISHER, TVS_NEW, None, T2);
    let c = run(&phone, None, &server);
    assert_eq!(c.verdict, Verdict::AcceptedSigner);
    assert!(!c.signer_changed);
    assert_eq!(c.changed.len(), 1);
    assert_eq!(c.changed[0].old.role, Some(Role::TVS));
    assert!(c.changed[0].what.contains(&"certificate") && c.changed[0].what.contains(&"key"));
}

#[test]
fn both_regenerated_is_rejected_with_remedies() {
    let phone = itl(PUBLISHER, PUBLISHER, TVS, None, T1);
    let server = itl(CCM_NEW, CCM_NEW, TVS_NEW, None, T2);
    let c = run(&phone, None, &server);
    assert_eq!(c.verdict, Verdict::Rejected, "{}", c.explanation);
    assert!(c.trusted_by.is_none());
    assert!(c.signer_changed);
    assert_eq!(c.changed.len(), 3);
    let all = c.remedies.join("\n");
    assert!(all.contains("Delete the ITL on each phone"), "{all}");
    assert!(all.contains("backup"), "{all}");
    assert!(
        !all.contains("utils itl reset"),
        "no ITLRecovery entry on the phone: {all}"
    );
}

#[test]
fn itlrecovery_signed_server_file_is_accepted_by_the_phones_recovery_entry() {
    let phone = itl(PUBLISHER, PUBLISHER, TVS, Some(RECOVERY), T1);
    // CUCM 12+: the ITLRecovery key signs; CallManager and TVS are both new.
    let server = itl(RECOVERY, CCM_NEW, TVS_NEW, Some(RECOVERY), T2);
    let c = run(&phone, None, &server);
    assert_eq!(c.verdict, Verdict::AcceptedSigner, "{}", c.explanation);
    assert!(c.signer_changed);
    let by = c.trusted_by.unwrap();
    assert_eq!((by.record.index, by.record.role), (2, Some(Role::SAST)));
    assert!(by.record.subject.contains("ITLRECOVERY_"));
}

#[test]
fn rejected_file_offers_itl_recovery_when_the_server_still_has_the_key() {
    let phone = itl(PUBLISHER, PUBLISHER, TVS, Some(RECOVERY), T1);
    let server = itl(CCM_NEW, CCM_NEW, TVS_NEW, Some(RECOVERY), T2);
    let c = run(&phone, None, &server);
    assert_eq!(c.verdict, Verdict::Rejected);
    assert!(
        c.remedies[0].contains("utils itl reset localkey"),
        "{:?}",
        c.remedies
    );
    // Without the recovery entry on the server, recovery is not offered.
    let server = itl(CCM_NEW, CCM_NEW, TVS_NEW, None, T2);
    let c = run(&phone, None, &server);
    assert_eq!(c.verdict, Verdict::Rejected);
    assert!(c.remedies[0].contains("not possible"), "{:?}", c.remedies);
    assert_eq!(roles(&c.removed), [Role::SAST]);
}

#[test]
fn the_phones_ctl_adds_to_its_trust() {
    let phone = itl(PUBLISHER, PUBLISHER, TVS, None, T1);
    let server = itl(CCM_NEW, CCM_NEW, TVS_NEW, None, T2);
    let ctl = Builder::new(cert(CCM_NEW), key(CCM_NEW))
        .filename("CTLFile.tlv")
        .timestamp(T1)
        .record(Role::SAST, cert(CCM_NEW))
        .record(Role::CCM_TFTP, cert(CCM_NEW))
        .build()
        .unwrap();
    assert_eq!(run(&phone, None, &server).verdict, Verdict::Rejected);
    let c = run(&phone, Some(&ctl), &server);
    assert_eq!(c.verdict, Verdict::AcceptedSigner);
    let by = c.trusted_by.unwrap();
    assert_eq!((by.file, by.record.index), (FileKind::Ctl, 1));
}

#[test]
fn a_server_file_that_does_not_verify_is_rejected() {
    let phone = itl(PUBLISHER, PUBLISHER, TVS, None, T1);
    let mut server = itl(PUBLISHER, PUBLISHER, TVS, None, T2);
    let last = server.len() - 1;
    server[last] ^= 1; // inside the last record: signed bytes change
    let c = run(&phone, None, &server);
    assert_eq!(c.verdict, Verdict::Rejected);
    assert!(
        c.explanation.contains("does not verify"),
        "{}",
        c.explanation
    );
}

#[test]
fn hashes_read_off_the_phone() {
    let rel = "own/ITLSEP0011215A1AE3-sbd-replica.tlv";
    let side: serde_json::Value =
        serde_json::from_slice(&common::read_vector(&format!("{rel}.json"))).unwrap();
    let bytes = common::read_vector(rel);
    let server = TrustList::parse(&bytes).unwrap();
    let md5 = side["md5"].as_str().unwrap();
    let sha1 = side["sha1"].as_str().unwrap();
    // As a phone shows it: upper case with colons.
    let typed = md5
        .as_bytes()
        .chunks(2)
        .map(|c| std::str::from_utf8(c).unwrap().to_ascii_uppercase())
        .collect::<Vec<_>>()
        .join(":");
    let phone = PhoneHashes {
        md5: Some(typed.replace(':', "").to_ascii_lowercase()),
        sha1: None,
    };
    let c = compare_hashes(&phone, &server);
    assert_eq!(c.verdict, Verdict::Identical);
    assert_eq!(c.server_sha1, sha1);
    let phone = PhoneHashes {
        md5: None,
        sha1: Some(sha1.to_owned()),
    };
    assert_eq!(compare_hashes(&phone, &server).verdict, Verdict::Identical);
    // The MD5 of Cisco's original file (FORMAT-NOTES): a different file.
    let phone = PhoneHashes {
        md5: Some("b61910bb01d8d3a1c1b36526cc9f2ddc".into()),
        sha1: None,
    };
    let c = compare_hashes(&phone, &server);
    assert_eq!(c.verdict, Verdict::Different);
    assert!(c.explanation.contains("phone's file"), "{}", c.explanation);
}
