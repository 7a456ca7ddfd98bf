//! Phone-versus-server verdicts on ITLs built with the Builder from the test keys:
//! the replica's (own/keys/) and the regenerated ones (own/compare/). Which key signs
//! each file is fixed by construction, so each scenario's verdict is known up front.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{cert, key};
use itl_core::{Builder, PhoneHashes, Role, TrustList, Verdict, compare, compare_hashes};
use itl_core::{
    ChangedField, FileKind, Reason, RecordSummary, Remedy, SignerKind, TrustListDiff, TvsCheck,
};

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

fn diff(c: &itl_core::Comparison) -> &TrustListDiff {
    c.diff.as_ref().expect("files were compared, not hashes")
}

fn roles(v: &[RecordSummary]) -> Vec<Role> {
    v.iter().map(|r| r.role.unwrap()).collect()
}

#[test]
fn identical_files() {
    let phone = itl(PUBLISHER, PUBLISHER, TVS, None, T1);
    let c = run(&phone, None, &phone.clone());
    assert_eq!(c.decision.verdict, Verdict::Identical);
    assert!(c.identical);
    assert_eq!(c.phone_md5, Some(c.server_md5.clone()));
    assert!(diff(&c).records_unchanged());
    assert!(!diff(&c).signer_changed);
    assert!(c.decision.remedies.is_empty() && c.decision.reason.is_none());
    assert_eq!(c.decision.phone_signed_by, Some(SignerKind::CallManager));
}

#[test]
fn re_signed_with_a_new_timestamp_is_accepted_by_signer() {
    let phone = itl(PUBLISHER, PUBLISHER, TVS, None, T1);
    let server = itl(PUBLISHER, PUBLISHER, TVS, None, T2);
    assert_ne!(phone, server);
    let c = run(&phone, None, &server);
    assert_eq!(c.decision.verdict, Verdict::AcceptedSigner);
    assert!(!c.identical);
    assert_ne!(c.phone_md5.as_deref(), Some(c.server_md5.as_str()));
    assert!(diff(&c).records_unchanged());
    assert!(!diff(&c).signer_changed);
    let by = c.decision.trusted_by.unwrap();
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
    assert_eq!(c.decision.verdict, Verdict::AcceptedTvs, "{c:?}");
    let d = diff(&c);
    assert!(d.signer_changed);
    assert!(d.added.is_empty() && d.removed.is_empty());
    assert_eq!(
        d.changed
            .iter()
            .map(|ch| ch.old.role.unwrap())
            .collect::<Vec<_>>(),
        [Role::SAST, Role::CCM_TFTP]
    );
    for ch in &d.changed {
        for f in [
            ChangedField::Certificate,
            ChangedField::Key,
            ChangedField::Serial,
            ChangedField::Issuer,
        ] {
            assert!(ch.fields.contains(&f), "{:?}", ch.fields);
        }
    }
    let by = c.decision.trusted_by.unwrap();
    assert_eq!((by.record.index, by.record.role), (3, Some(Role::TVS)));
    assert_eq!(by.server_record.unwrap().index, 3);
    assert!(c.decision.reason.is_none());
}

#[test]
fn tvs_regenerated_callmanager_kept_is_accepted_by_signer() {
    let phone = itl(PUBLISHER, PUBLISHER, TVS, None, T1);
    let server = itl(PUBLISHER, PUBLISHER, TVS_NEW, None, T2);
    let c = run(&phone, None, &server);
    assert_eq!(c.decision.verdict, Verdict::AcceptedSigner);
    let d = diff(&c);
    assert!(!d.signer_changed);
    assert_eq!(d.changed.len(), 1);
    assert_eq!(d.changed[0].old.role, Some(Role::TVS));
    // openssl: the regenerated TVS certificate has a new serial (090beb22… for
    // 2e3e1a7b…), the same issuer (itself, same subject).
    assert_eq!(
        d.changed[0].fields,
        [
            ChangedField::Certificate,
            ChangedField::Key,
            ChangedField::Serial
        ]
    );
}

#[test]
fn both_regenerated_is_rejected_with_remedies() {
    let phone = itl(PUBLISHER, PUBLISHER, TVS, None, T1);
    let server = itl(CCM_NEW, CCM_NEW, TVS_NEW, None, T2);
    let c = run(&phone, None, &server);
    assert_eq!(c.decision.verdict, Verdict::Rejected, "{c:?}");
    assert!(c.decision.trusted_by.is_none());
    assert!(diff(&c).signer_changed);
    assert_eq!(diff(&c).changed.len(), 3);
    match &c.decision.reason {
        Some(Reason::SignerNotTrusted {
            kind,
            signer,
            held,
            tvs,
        }) => {
            assert_eq!(*kind, FileKind::Itl);
            assert_eq!(*signer, c.server_signer);
            assert_eq!(*held, [FileKind::Itl]);
            assert_eq!(*tvs, TvsCheck::TvsChanged);
        }
        other => panic!("{other:?}"),
    }
    // No ITLRecovery entry on the phone: restore the CallManager key, or delete
    // the ITL on the phones.
    assert_eq!(
        c.decision.remedies,
        [
            Remedy::RestoreSigningKey {
                kind: FileKind::Itl,
                signer: diff(&c).old_signer.clone(),
                signed_by: SignerKind::CallManager,
            },
            Remedy::DeleteOnPhone {
                kind: FileKind::Itl
            },
        ]
    );
}

#[test]
fn itlrecovery_signed_server_file_is_accepted_by_the_phones_recovery_entry() {
    let phone = itl(PUBLISHER, PUBLISHER, TVS, Some(RECOVERY), T1);
    // CUCM 12+: the ITLRecovery key signs; CallManager and TVS are both new.
    let server = itl(RECOVERY, CCM_NEW, TVS_NEW, Some(RECOVERY), T2);
    let c = run(&phone, None, &server);
    assert_eq!(c.decision.verdict, Verdict::AcceptedSigner, "{c:?}");
    assert!(diff(&c).signer_changed);
    let by = c.decision.trusted_by.unwrap();
    assert_eq!((by.record.index, by.record.role), (2, Some(Role::SAST)));
    assert!(by.record.subject.contains("ITLRECOVERY_"));
}

#[test]
fn rejected_file_offers_itl_recovery_when_the_server_still_has_the_key() {
    let phone = itl(PUBLISHER, PUBLISHER, TVS, Some(RECOVERY), T1);
    let server = itl(CCM_NEW, CCM_NEW, TVS_NEW, Some(RECOVERY), T2);
    let c = run(&phone, None, &server);
    assert_eq!(c.decision.verdict, Verdict::Rejected);
    match &c.decision.remedies[0] {
        Remedy::RecoveryReset { kind, held, record } => {
            assert_eq!(
                (*kind, *held, record.index),
                (FileKind::Itl, FileKind::Itl, 2)
            );
            assert!(record.subject.contains("ITLRECOVERY_"));
        }
        other => panic!("{other:?}"),
    }
    // Without the recovery entry on the server, recovery is not offered.
    let server = itl(CCM_NEW, CCM_NEW, TVS_NEW, None, T2);
    let c = run(&phone, None, &server);
    assert_eq!(c.decision.verdict, Verdict::Rejected);
    assert!(
        matches!(
            &c.decision.remedies[0],
            Remedy::RecoveryUnavailable { record, .. } if record.index == 2
        ),
        "{:?}",
        c.decision.remedies
    );
    assert_eq!(roles(&diff(&c).removed), [Role::SAST]);
}

#[test]
fn a_phone_file_signed_by_itlrecovery_gets_the_itlrecovery_remedy() {
    // CUCM 12: the phone's ITL is signed by the ITLRecovery key. The server's is
    // signed by a new key, and its ITLRecovery certificate is new too.
    let phone = itl(RECOVERY, PUBLISHER, TVS, Some(RECOVERY), T1);
    let server = itl(CCM_NEW, CCM_NEW, TVS_NEW, Some(CCM_NEW), T2);
    let c = run(&phone, None, &server);
    assert_eq!(c.decision.verdict, Verdict::Rejected, "{c:?}");
    assert_eq!(c.decision.phone_signed_by, Some(SignerKind::ItlRecovery));
    let restore: Vec<SignerKind> = c
        .decision
        .remedies
        .iter()
        .filter_map(|r| match r {
            Remedy::RestoreSigningKey { signed_by, .. } => Some(*signed_by),
            _ => None,
        })
        .collect();
    assert_eq!(restore, [SignerKind::ItlRecovery]);
    // While the cluster still has the ITLRecovery key, the reset is the remedy and
    // nothing needs restoring.
    let server = itl(CCM_NEW, CCM_NEW, TVS_NEW, Some(RECOVERY), T2);
    let c = run(&phone, None, &server);
    assert!(
        matches!(c.decision.remedies[0], Remedy::RecoveryReset { .. }),
        "{:?}",
        c.decision.remedies
    );
    assert!(
        !c.decision
            .remedies
            .iter()
            .any(|r| matches!(r, Remedy::RestoreSigningKey { .. })),
        "{:?}",
        c.decision.remedies
    );
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
    assert_eq!(
        run(&phone, None, &server).decision.verdict,
        Verdict::Rejected
    );
    let c = run(&phone, Some(&ctl), &server);
    assert_eq!(c.decision.verdict, Verdict::AcceptedSigner);
    let by = c.decision.trusted_by.unwrap();
    assert_eq!((by.file, by.record.index), (FileKind::Ctl, 1));
}

/// A CTL as the CTL client writes it with USB eTokens: both tokens as SAST
/// entries, the CallManager certificate as CCM+TFTP; signed by the first token.
fn etoken_ctl(token: &str, other_token: &str, ccm: &str, ts: u32) -> Vec<u8> {
    Builder::new(cert(token), key(token))
        .filename("CTLFile.tlv")
        .timestamp(ts)
        .record(Role::SAST, cert(token))
        .record(Role::SAST, cert(other_token))
        .record(Role::CCM_TFTP, cert(ccm))
        .build()
        .unwrap()
}

/// A tokenless CTL (`utils ctl set-cluster mixed-mode`): signed by the
/// CallManager certificate, which is its SAST and CCM+TFTP entry.
fn tokenless_ctl(ccm: &str, recovery: Option<&str>, ts: u32) -> Vec<u8> {
    let mut b = Builder::new(cert(ccm), key(ccm))
        .filename("CTLFile.tlv")
        .timestamp(ts)
        .record(Role::SAST, cert(ccm));
    if let Some(r) = recovery {
        b = b.record(Role::SAST, cert(r));
    }
    b.record(Role::CCM_TFTP, cert(ccm)).build().unwrap()
}

#[test]
fn a_rejected_ctl_is_a_ctl_rejection_without_tvs() {
    let phone = tokenless_ctl(PUBLISHER, Some(RECOVERY), T1);
    let server = tokenless_ctl(CCM_NEW, Some(RECOVERY), T2);
    let c = run(&phone, None, &server);
    assert_eq!(c.decision.verdict, Verdict::Rejected, "{c:?}");
    assert_eq!(c.decision.kind, FileKind::Ctl);
    match &c.decision.reason {
        Some(Reason::SignerNotTrusted {
            kind, held, tvs, ..
        }) => {
            assert_eq!(
                (*kind, held.as_slice()),
                (FileKind::Ctl, &[FileKind::Ctl][..])
            );
            assert_eq!(*tvs, TvsCheck::NotChecked, "TVS is for ITLs");
        }
        other => panic!("{other:?}"),
    }
    // The reset is of the CTL, from the ITLRecovery entry of the phone's CTL.
    assert_eq!(
        c.decision.remedies[0],
        Remedy::RecoveryReset {
            kind: FileKind::Ctl,
            held: FileKind::Ctl,
            record: RecordSummary::of(2, &TrustList::parse(&phone).unwrap().records()[1]),
        }
    );
    assert_eq!(
        c.decision.remedies.last(),
        Some(&Remedy::DeleteOnPhone {
            kind: FileKind::Ctl
        })
    );
    // Accepted by its signer, the trusting entry is in the phone's CTL.
    let c = run(&phone, None, &tokenless_ctl(PUBLISHER, None, T2));
    assert_eq!(c.decision.verdict, Verdict::AcceptedSigner);
    assert_eq!(c.decision.trusted_by.unwrap().file, FileKind::Ctl);
}

#[test]
fn an_etoken_signed_ctl_gets_the_etoken_remedy() {
    // The eToken certificates stand in for hardware tokens: any key pair does.
    let phone = etoken_ctl(TVS, CAPF, PUBLISHER, T1);
    let parsed = TrustList::parse(&phone).unwrap();
    assert_eq!(SignerKind::of(&parsed), SignerKind::EToken);
    // A tokenless CTL signed by a new CallManager key: the phone refuses it.
    let server = tokenless_ctl(CCM_NEW, None, T2);
    let c = run(&phone, None, &server);
    assert_eq!(c.decision.verdict, Verdict::Rejected);
    assert_eq!(c.decision.phone_signed_by, Some(SignerKind::EToken));
    assert_eq!(
        c.decision.remedies,
        [
            Remedy::SignWithEToken {
                tokens: vec![
                    RecordSummary::of(1, &parsed.records()[0]),
                    RecordSummary::of(2, &parsed.records()[1]),
                ]
            },
            Remedy::DeleteOnPhone {
                kind: FileKind::Ctl
            },
        ]
    );
    // Signed by the other token: accepted by its SAST entry.
    let c = run(&phone, None, &etoken_ctl(CAPF, TVS, CCM_NEW, T2));
    assert_eq!(c.decision.verdict, Verdict::AcceptedSigner);
    let by = c.decision.trusted_by.unwrap();
    assert_eq!((by.file, by.record.index), (FileKind::Ctl, 2));
}

#[test]
fn a_server_file_that_does_not_verify_is_rejected() {
    let phone = itl(PUBLISHER, PUBLISHER, TVS, None, T1);
    let mut server = itl(PUBLISHER, PUBLISHER, TVS, None, T2);
    let last = server.len() - 1;
    server[last] ^= 1; // inside the last record: signed bytes change
    let c = run(&phone, None, &server);
    assert_eq!(c.decision.verdict, Verdict::Rejected);
    assert!(
        matches!(c.decision.reason, Some(Reason::BadSignature(_))),
        "{:?}",
        c.decision.reason
    );
    assert_eq!(
        c.decision.remedies,
        [Remedy::RegenerateServerFile {
            file: "ITLFile.tlv".to_owned(),
            kind: FileKind::Itl
        }]
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
    assert_eq!(c.decision.verdict, Verdict::Identical);
    assert!(c.diff.is_none() && c.decision.reason.is_none());
    assert_eq!(c.server_sha1, sha1);
    let phone = PhoneHashes {
        md5: None,
        sha1: Some(sha1.to_owned()),
    };
    assert_eq!(
        compare_hashes(&phone, &server).decision.verdict,
        Verdict::Identical
    );
    // The MD5 of Cisco's original file (FORMAT-NOTES): a different file.
    let phone = PhoneHashes {
        md5: Some("b61910bb01d8d3a1c1b36526cc9f2ddc".into()),
        sha1: None,
    };
    let c = compare_hashes(&phone, &server);
    assert_eq!(c.decision.verdict, Verdict::Different);
    assert_eq!(
        c.decision.reason,
        Some(Reason::HashesDiffer {
            kind: FileKind::Itl,
            md5: true,
            sha1: false
        })
    );
}

#[test]
fn who_signed_the_shipped_vectors() {
    // By their records (`itltool show`): the real CUCM 10 CTL is signed by the
    // publisher's CallManager certificate (also its CCM+TFTP entry); the
    // third-party CTL by a SAST-only certificate (a token); ITL-sha1 by its
    // ITLRECOVERY_cucm-a.lab SAST entry; the community ITL by a SAST entry that is
    // no other role; the replica by the CUCM 8 CallManager certificate.
    for (rel, expected) in [
        ("real/CTLFile-cucm10.tlv", SignerKind::CallManager),
        ("thirdparty/CTL-sha1-4096.tlv", SignerKind::EToken),
        ("thirdparty/ITL-sha1.tlv", SignerKind::ItlRecovery),
        ("thirdparty/ITLFile-community.tlv", SignerKind::Unknown),
        (
            "own/ITLSEP0011215A1AE3-sbd-replica.tlv",
            SignerKind::CallManager,
        ),
    ] {
        let bytes = common::read_vector(rel);
        let tl = TrustList::parse(&bytes).unwrap();
        assert_eq!(SignerKind::of(&tl), expected, "{rel}");
    }
}
