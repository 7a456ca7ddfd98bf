//! Replays of a phone's boot (`itl_core::replay`) against clusters built with the
//! Builder from the test keys. Who signs each file is fixed by construction, so
//! each scenario's decisions are known up front; hashes are checked against
//! openssl.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/cluster.rs"]
mod cluster;
mod common;

use std::collections::HashMap;
use std::convert::Infallible;

use cluster::{CCM_NEW, Cluster, Config, MAC, PUBLISHER, RECOVERY, config_xml};
use itl_core::{
    Decision, DirSource, FileKind, HeldFile, Mac, Outcome, PhoneStart, Reason, RecordSource,
    Remedy, Replay, ReplayError, Role, SignedFileError, SignerKind, Stage, TvsCheck, replay,
};

/// Serves `files` from memory and records every name asked for.
struct Server {
    files: HashMap<String, Vec<u8>>,
    asked: Vec<String>,
}

impl Server {
    fn new(files: Vec<(String, Vec<u8>)>) -> Self {
        Self {
            files: files.into_iter().collect(),
            asked: Vec::new(),
        }
    }

    fn with(mut self, name: &str, bytes: Vec<u8>) -> Self {
        self.files.insert(name.to_owned(), bytes);
        self
    }

    fn run(&mut self, start: PhoneStart) -> Replay {
        let mac = MAC.parse::<Mac>().unwrap();
        let mut source = |name: &str| -> Result<Option<Vec<u8>>, Infallible> {
            self.asked.push(name.to_owned());
            Ok(self.files.get(name).cloned())
        };
        replay(&mac, start, &mut source).unwrap()
    }
}

fn phone_itl(bytes: Vec<u8>) -> PhoneStart {
    PhoneStart {
        itl: Some(HeldFile {
            name: "phone-ITL.tlv".to_owned(),
            bytes,
        }),
        ctl: None,
    }
}

fn unsigned_config() -> (String, Vec<u8>) {
    (format!("SEP{MAC}.cnf.xml"), config_xml(MAC))
}

/// `(file, decision)` of every step.
fn decisions(r: &Replay) -> Vec<(String, Decision)> {
    r.steps
        .iter()
        .map(|s| (s.file.clone(), s.decision))
        .collect()
}

fn names(pairs: &[(&str, Decision)]) -> Vec<(String, Decision)> {
    pairs
        .iter()
        .map(|(n, d)| (n.replace("<MAC>", MAC), *d))
        .collect()
}

/// MD5 of `bytes` by `openssl dgst -md5`.
fn openssl_md5(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("f");
    std::fs::write(&p, bytes).unwrap();
    let out = common::openssl(&["dgst", "-md5", "-r", p.to_str().unwrap()]);
    String::from_utf8(out)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

#[test]
fn factory_phone_trusts_the_first_itl() {
    let cluster = Cluster::cucm8();
    let itl = cluster.itl();
    let mut server = Server::new(cluster.files());
    let r = server.run(PhoneStart::default());
    assert_eq!(r.before.itl, None);
    assert_eq!(r.outcome, Outcome::Trusted);
    assert_eq!(
        decisions(&r)[..4],
        names(&[
            ("CTLSEP<MAC>.tlv", Decision::NotFound),
            ("CTLFile.tlv", Decision::NotFound),
            ("ITLSEP<MAC>.tlv", Decision::NotFound),
            ("ITLFile.tlv", Decision::FirstUse),
        ])[..]
    );
    let step = &r.steps[3];
    assert_eq!(step.stage, Stage::Itl);
    assert_eq!(
        step.fallback_for.as_deref(),
        Some(&*format!("ITLSEP{MAC}.tlv"))
    );
    assert!(step.found);
    assert_eq!(step.size, Some(itl.len()));
    assert_eq!(step.fingerprints.as_ref().unwrap().md5, openssl_md5(&itl));
    // First use: decided by the file's own signer, record 1 (SAST).
    let by = step.by.as_ref().unwrap();
    assert_eq!(by.source, RecordSource::ThisFile);
    assert_eq!((by.record.index, by.record.role), (1, Some(Role::SAST)));
    // The phone now holds that ITL.
    let held = step.trust_after.itl.as_ref().unwrap();
    assert_eq!(held.file, "ITLFile.tlv");
    assert_eq!(held.fingerprints.md5, openssl_md5(&itl));
    assert_eq!(held.records, 4);
    assert_eq!(step.trust_after.ctl, None);
    // The CTL steps and the first ITL step leave the phone as it was.
    assert!(
        r.steps[..3]
            .iter()
            .all(|s| s.trust_after.itl.is_none() && !s.found)
    );
}

#[test]
fn unchanged_cluster() {
    let cluster = Cluster::cucm8();
    let mut server = Server::new(cluster.files());
    let r = server.run(phone_itl(cluster.itl()));
    assert_eq!(r.outcome, Outcome::Trusted);
    let itl_step = r.steps.iter().find(|s| s.file == "ITLFile.tlv").unwrap();
    assert_eq!(itl_step.decision, Decision::Unchanged);
    assert!(itl_step.by.is_none() && itl_step.reason.is_none());
    // What the phone held is what it holds.
    assert_eq!(itl_step.trust_after, r.before);
}

#[test]
fn callmanager_regenerated_is_accepted_through_tvs() {
    let old = Cluster::cucm8();
    let new = old.ccm_regenerated();
    let mut server = Server::new(new.files());
    let r = server.run(phone_itl(old.itl()));
    assert_eq!(r.outcome, Outcome::Trusted);
    let step = r.steps.iter().find(|s| s.file == "ITLFile.tlv").unwrap();
    assert_eq!(step.decision, Decision::TrustedTvs, "{:?}", step.reason);
    // The configuration, signed with the new key, is checked with the new ITL.
    let config = r.steps.last().unwrap();
    assert_eq!(config.decision, Decision::TrustedSigner);
    assert_eq!(config.by.as_ref().unwrap().file, "ITLFile.tlv");
    let by = step.by.as_ref().unwrap();
    assert_eq!(by.source, RecordSource::PhoneItl);
    assert_eq!(by.file, "phone-ITL.tlv");
    assert_eq!((by.record.index, by.record.role), (3, Some(Role::TVS)));
    // The phone now trusts the new ITL, signed by the new certificate.
    let held = step.trust_after.itl.as_ref().unwrap();
    assert_eq!(held.fingerprints.md5, openssl_md5(&new.itl()));
    assert_eq!(held.signer, step.signer.clone().unwrap());
    assert_ne!(held.signer, r.before.itl.as_ref().unwrap().signer);
}

#[test]
fn tvs_regenerated_is_accepted_by_the_signer() {
    let old = Cluster::cucm8();
    let new = old.tvs_regenerated();
    let mut server = Server::new(new.files());
    let r = server.run(phone_itl(old.itl()));
    assert_eq!(r.outcome, Outcome::Trusted);
    let step = r.steps.iter().find(|s| s.file == "ITLFile.tlv").unwrap();
    assert_eq!(step.decision, Decision::TrustedSigner);
    let by = step.by.as_ref().unwrap();
    assert_eq!((by.source, by.record.index), (RecordSource::PhoneItl, 1));
    assert_eq!(by.record.role, Some(Role::SAST));
}

#[test]
fn both_regenerated_breaks_at_the_itl() {
    let old = Cluster::cucm8();
    let new = old.ccm_regenerated().tvs_regenerated();
    let mut server = Server::new(new.trust_files()).with(&unsigned_config().0, config_xml(MAC));
    let r = server.run(phone_itl(old.itl()));
    let Outcome::Broken(b) = &r.outcome else {
        panic!("expected broken: {:?}", r.outcome)
    };
    assert_eq!(b.file, "ITLFile.tlv");
    assert_eq!(r.steps.len(), b.step + 1, "the replay stops at the failure");
    let step = r.broken_step().unwrap();
    assert_eq!(step.decision, Decision::Rejected);
    match &b.reason {
        Reason::SignerNotTrusted {
            kind,
            signer,
            tvs,
            held,
        } => {
            assert_eq!(*kind, FileKind::Itl);
            assert_eq!(*held, [FileKind::Itl]);
            assert_eq!(*tvs, TvsCheck::TvsChanged);
            assert_eq!(Some(signer), step.signer.as_ref());
        }
        other => panic!("{other:?}"),
    }
    // The phone keeps its old ITL.
    assert_eq!(step.trust_after, r.before);
    // Remedies: restore the old (CallManager) key, or delete the ITL on the phone.
    assert!(
        b.remedies.contains(&Remedy::DeleteOnPhone {
            kind: FileKind::Itl
        }),
        "{:?}",
        b.remedies
    );
    let restore = b
        .remedies
        .iter()
        .find_map(|m| match m {
            Remedy::RestoreSigningKey {
                kind,
                signer,
                signed_by,
            } => Some((*kind, signer.clone(), *signed_by)),
            _ => None,
        })
        .unwrap();
    assert_eq!(restore.0, FileKind::Itl);
    assert_eq!(restore.1, r.before.itl.as_ref().unwrap().signer);
    assert_eq!(restore.2, SignerKind::CallManager);
    // The configuration is never asked for.
    assert!(
        !server.asked.iter().any(|n| n.contains("cnf.xml")),
        "{:?}",
        server.asked
    );
}

#[test]
fn itlrecovery_signed_itl_after_a_callmanager_change() {
    let old = Cluster::cucm12();
    let new = old.ccm_regenerated();
    assert_eq!(new.signer, RECOVERY);
    let mut server = Server::new(new.files());
    let r = server.run(phone_itl(old.itl()));
    assert_eq!(r.outcome, Outcome::Trusted);
    let step = r.steps.iter().find(|s| s.file == "ITLFile.tlv").unwrap();
    assert_eq!(step.decision, Decision::TrustedSigner);
    let by = step.by.as_ref().unwrap();
    assert_eq!((by.record.index, by.record.role), (2, Some(Role::SAST)));
    assert!(
        by.record.subject.contains("ITLRECOVERY_"),
        "{}",
        by.record.subject
    );
    // Even with TVS regenerated as well, the ITLRecovery key carries the phone.
    let mut server = Server::new(new.tvs_regenerated().trust_files());
    let r = server.run(phone_itl(old.itl()));
    let step = r.steps.iter().find(|s| s.file == "ITLFile.tlv").unwrap();
    assert_eq!(step.decision, Decision::TrustedSigner);
}

#[test]
fn itlrecovery_reset_is_offered_when_callmanager_signed_but_recovery_is_kept() {
    // The phone's ITL has an ITLRecovery entry; the cluster signs with a new
    // CallManager key and has a new TVS: broken, but the recovery key still works.
    let old = Cluster {
        signer: PUBLISHER,
        recovery: Some(RECOVERY),
        ..Cluster::cucm8()
    };
    let new = old.ccm_regenerated().tvs_regenerated();
    assert_eq!(new.signer, CCM_NEW);
    let mut server = Server::new(new.trust_files());
    let r = server.run(phone_itl(old.itl()));
    let Outcome::Broken(b) = &r.outcome else {
        panic!("{:?}", r.outcome)
    };
    match &b.remedies[0] {
        Remedy::RecoveryReset { kind, held, record } => {
            assert_eq!((*kind, *held), (FileKind::Itl, FileKind::Itl));
            assert_eq!(record.index, 2);
            assert!(record.subject.contains("ITLRECOVERY_"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn itlsep_shadows_itlfile() {
    let old = Cluster::cucm8();
    let new = old.ccm_regenerated().tvs_regenerated();
    // ITLFile.tlv would break the phone, but it asks for ITLSEP<MAC>.tlv first.
    let mut server = Server::new(new.trust_files()).with(&format!("ITLSEP{MAC}.tlv"), old.itl());
    let r = server.run(phone_itl(old.itl()));
    assert_eq!(
        decisions(&r)[..3],
        names(&[
            ("CTLSEP<MAC>.tlv", Decision::NotFound),
            ("CTLFile.tlv", Decision::NotFound),
            ("ITLSEP<MAC>.tlv", Decision::Unchanged),
        ])[..]
    );
    assert_eq!(r.steps[2].fallback_for, None);
    assert!(!r.steps.iter().any(|s| s.file == "ITLFile.tlv"));
    assert!(
        !server.asked.contains(&"ITLFile.tlv".to_owned()),
        "{:?}",
        server.asked
    );
}

#[test]
fn no_files_at_all() {
    let mut server = Server::new(Vec::new());
    let r = server.run(PhoneStart::default());
    assert_eq!(
        decisions(&r),
        names(&[
            ("CTLSEP<MAC>.tlv", Decision::NotFound),
            ("CTLFile.tlv", Decision::NotFound),
            ("ITLSEP<MAC>.tlv", Decision::NotFound),
            ("ITLFile.tlv", Decision::NotFound),
            ("SEP<MAC>.cnf.xml.enc.sgn", Decision::NotFound),
            ("SEP<MAC>.cnf.xml.sgn", Decision::NotFound),
            ("SEP<MAC>.cnf.xml", Decision::NotFound),
            ("XMLDefault.cnf.xml.sgn", Decision::NotFound),
            ("XMLDefault.cnf.xml", Decision::NotFound),
        ])
    );
    let Outcome::Broken(b) = &r.outcome else {
        panic!("{:?}", r.outcome)
    };
    assert_eq!((b.step, b.file.as_str()), (8, "XMLDefault.cnf.xml"));
    assert_eq!(b.reason, Reason::NoConfig);
    assert_eq!(
        b.remedies,
        [Remedy::AddPhone {
            device: format!("SEP{MAC}")
        }]
    );
    // Every name asked for once, in the phone's order.
    assert_eq!(
        server.asked,
        r.steps.iter().map(|s| s.file.clone()).collect::<Vec<_>>()
    );
}

#[test]
fn a_phone_without_trust_list_takes_an_unsigned_config() {
    let (name, xml) = unsigned_config();
    let mut server = Server::new(vec![(name.clone(), xml)]);
    let r = server.run(PhoneStart::default());
    let last = r.steps.last().unwrap();
    assert_eq!(
        (last.file.as_str(), last.decision),
        (name.as_str(), Decision::Unsigned)
    );
    assert_eq!(last.reason, None);
    assert_eq!(r.outcome, Outcome::Trusted);
}

#[test]
fn unsigned_config_on_a_phone_with_an_itl_is_refused() {
    let cluster = Cluster::cucm8();
    let (name, xml) = unsigned_config();
    let mut server = Server::new(cluster.trust_files()).with(&name, xml);
    let r = server.run(phone_itl(cluster.itl()));
    let Outcome::Broken(b) = &r.outcome else {
        panic!("{:?}", r.outcome)
    };
    assert_eq!(b.file, name);
    assert_eq!(
        b.reason,
        Reason::UnsignedConfig {
            holds: vec![FileKind::Itl]
        }
    );
    assert_eq!(r.broken_step().unwrap().decision, Decision::Unsigned);
    // The signed names were asked for first.
    assert_eq!(
        server.asked[server.asked.len() - 3..],
        [
            format!("SEP{MAC}.cnf.xml.enc.sgn"),
            format!("SEP{MAC}.cnf.xml.sgn"),
            name.clone()
        ]
    );
    assert_eq!(b.remedies, [Remedy::ServeSignedConfig { file: name }]);
}

#[test]
fn a_damaged_itl_is_rejected_as_such() {
    let cluster = Cluster::cucm8();
    let mut itl = cluster.itl();
    let last = itl.len() - 1;
    itl[last] ^= 1;
    let mut server = Server::new(vec![("ITLFile.tlv".to_owned(), itl)]);
    let r = server.run(PhoneStart::default());
    let Outcome::Broken(b) = &r.outcome else {
        panic!("{:?}", r.outcome)
    };
    assert!(
        matches!(b.reason, Reason::BadSignature(_)),
        "{:?}",
        b.reason
    );
    assert_eq!(
        b.remedies,
        [Remedy::RegenerateServerFile {
            file: "ITLFile.tlv".to_owned(),
            kind: FileKind::Itl
        }]
    );
    // Not a trust list at all.
    let mut server = Server::new(vec![("ITLFile.tlv".to_owned(), b"<html>".to_vec())]);
    let r = server.run(PhoneStart::default());
    let Outcome::Broken(b) = &r.outcome else {
        panic!("{:?}", r.outcome)
    };
    assert!(matches!(b.reason, Reason::Malformed(_)), "{:?}", b.reason);
}

#[test]
fn mixed_mode_factory_phone_takes_the_ctl_then_checks_the_itl_with_it() {
    let cluster = Cluster {
        ctl: true,
        ..Cluster::cucm8()
    };
    let mut server = Server::new(cluster.trust_files());
    let r = server.run(PhoneStart::default());
    assert_eq!(
        decisions(&r)[..4],
        names(&[
            ("CTLSEP<MAC>.tlv", Decision::NotFound),
            ("CTLFile.tlv", Decision::FirstUse),
            ("ITLSEP<MAC>.tlv", Decision::NotFound),
            ("ITLFile.tlv", Decision::TrustedSigner),
        ])[..]
    );
    // Rule 2: a CTL but no ITL: the ITL's signer must be a CCM+TFTP entry of the CTL.
    let by = r.steps[3].by.as_ref().unwrap();
    assert_eq!(by.source, RecordSource::PhoneCtl);
    assert_eq!(by.file, "CTLFile.tlv");
    assert_eq!(by.record.role, Some(Role::CCM_TFTP));
    let after = &r.steps[3].trust_after;
    assert!(after.ctl.is_some() && after.itl.is_some());
}

#[test]
fn a_ctl_only_phone_refuses_an_itl_signed_by_a_sast_entry_only() {
    // CUCM 12: the ITL is signed by ITLRecovery, a SAST entry of the CTL but not
    // a CCM+TFTP one.
    let cluster = Cluster {
        ctl: true,
        ..Cluster::cucm12()
    };
    let ctl = cluster.ctl_file();
    let mut server = Server::new(vec![("ITLFile.tlv".to_owned(), cluster.itl())]);
    let r = server.run(PhoneStart {
        itl: None,
        ctl: Some(HeldFile {
            name: "phone-CTL.tlv".to_owned(),
            bytes: ctl,
        }),
    });
    let Outcome::Broken(b) = &r.outcome else {
        panic!("{:?}", r.outcome)
    };
    assert_eq!(b.file, "ITLFile.tlv");
    assert!(
        matches!(b.reason, Reason::NotCtlCcmTftp { .. }),
        "{:?}",
        b.reason
    );
}

#[test]
fn mixed_mode_callmanager_regenerated_ctl_accepted_through_tvs() {
    let old = Cluster {
        ctl: true,
        ..Cluster::cucm8()
    };
    let new = old.ccm_regenerated();
    let mut server = Server::new(new.trust_files());
    let r = server.run(PhoneStart {
        itl: Some(HeldFile {
            name: "phone-ITL.tlv".to_owned(),
            bytes: old.itl(),
        }),
        ctl: Some(HeldFile {
            name: "phone-CTL.tlv".to_owned(),
            bytes: old.ctl_file(),
        }),
    });
    // The new CTL is signed by the new CallManager key: the phone asks TVS, whose
    // certificate (the cluster ITL's TVS entry) is unchanged.
    let ctl = r.steps.iter().find(|s| s.file == "CTLFile.tlv").unwrap();
    assert_eq!(ctl.decision, Decision::TrustedTvs, "{:?}", ctl.reason);
    assert_eq!(ctl.by.as_ref().unwrap().record.role, Some(Role::TVS));
    // The ITL is then signed by a CCM+TFTP entry of the new CTL.
    let itl = r.steps.iter().find(|s| s.file == "ITLFile.tlv").unwrap();
    assert_eq!(itl.decision, Decision::TrustedSigner, "{:?}", itl.reason);
    assert_eq!(itl.by.as_ref().unwrap().source, RecordSource::PhoneCtl);
}

#[test]
fn phone_files_are_checked() {
    let cluster = Cluster::cucm8();
    let mac = MAC.parse::<Mac>().unwrap();
    let mut none = |_: &str| -> Result<Option<Vec<u8>>, Infallible> { Ok(None) };
    let start = PhoneStart {
        itl: Some(HeldFile {
            name: "x.tlv".to_owned(),
            bytes: vec![1, 2],
        }),
        ctl: None,
    };
    match replay(&mac, start, &mut none) {
        Err(ReplayError::PhoneFile { kind, name, .. }) => {
            assert_eq!((kind, name.as_str()), (FileKind::Itl, "x.tlv"));
        }
        other => panic!("{other:?}"),
    }
    let start = PhoneStart {
        itl: None,
        ctl: Some(HeldFile {
            name: "itl-as-ctl.tlv".to_owned(),
            bytes: cluster.itl(),
        }),
    };
    assert!(matches!(
        replay(&mac, start, &mut none),
        Err(ReplayError::PhoneFileKind {
            expected: FileKind::Ctl,
            found: FileKind::Itl,
            ..
        })
    ));
}

#[test]
fn a_source_error_stops_the_replay() {
    let mac = MAC.parse::<Mac>().unwrap();
    let mut failing = |name: &str| -> Result<Option<Vec<u8>>, String> {
        if name == "ITLFile.tlv" {
            Err("timed out".to_owned())
        } else {
            Ok(None)
        }
    };
    match replay(&mac, PhoneStart::default(), &mut failing) {
        Err(ReplayError::Source { name, error }) => {
            assert_eq!(
                (name.as_str(), error.as_str()),
                ("ITLFile.tlv", "timed out")
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn dir_source_reads_a_tftp_root() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = Cluster::cucm8();
    cluster::write_files(dir.path(), &cluster.trust_files());
    let mut src = DirSource::new(dir.path()).unwrap();
    let r = replay(
        &MAC.parse::<Mac>().unwrap(),
        phone_itl(cluster.itl()),
        &mut src,
    )
    .unwrap();
    let step = r.steps.iter().find(|s| s.file == "ITLFile.tlv").unwrap();
    assert_eq!(step.decision, Decision::Unchanged);
    // A missing directory is an error naming it.
    let missing = dir.path().join("nope");
    let e = DirSource::new(&missing).unwrap_err();
    assert_eq!(e.path, missing);
    // A directory where a file is expected is an error, not "not found".
    std::fs::create_dir(dir.path().join("CTLFile.tlv")).unwrap();
    let e = replay(
        &MAC.parse::<Mac>().unwrap(),
        PhoneStart::default(),
        &mut src,
    )
    .unwrap_err();
    assert!(
        matches!(&e, ReplayError::Source { name, .. } if name == "CTLFile.tlv"),
        "{e:?}"
    );
}

#[test]
fn config_signed_by_a_key_the_new_itl_lacks_breaks_at_the_config() {
    // CallManager regenerated, but the configuration is still the one signed with
    // the old key (a stale file, or a TFTP service not restarted).
    let old = Cluster::cucm8();
    let new = Cluster {
        config: Config::SignedBy(PUBLISHER),
        ..old.ccm_regenerated()
    };
    let mut server = Server::new(new.files());
    let r = server.run(phone_itl(old.itl()));
    let Outcome::Broken(b) = &r.outcome else {
        panic!("{:?}", r.outcome)
    };
    assert_eq!(b.file, format!("SEP{MAC}.cnf.xml.sgn"));
    // The ITL step went through (TVS), the phone holds the new ITL.
    let itl = r.steps.iter().find(|s| s.file == "ITLFile.tlv").unwrap();
    assert_eq!(itl.decision, Decision::TrustedTvs);
    let step = r.broken_step().unwrap();
    assert_eq!(step.decision, Decision::Rejected);
    assert_eq!(step.trust_after.itl.as_ref().unwrap().file, "ITLFile.tlv");
    match &b.reason {
        Reason::ConfigSignerNotTrusted { signer, tvs } => {
            // TVS is trusted, but the cluster's ITL does not have the old key.
            assert_eq!(*tvs, TvsCheck::SignerUnknown);
            assert_eq!(signer, &r.before.itl.as_ref().unwrap().signer);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        b.remedies,
        [Remedy::ResignConfig {
            file: format!("SEP{MAC}.cnf.xml.sgn")
        }]
    );
}

#[test]
fn config_signed_by_a_sast_only_entry_is_refused() {
    // CUCM 12: the ITLRecovery certificate is a SAST entry, not a TFTP one.
    let cluster = Cluster {
        config: Config::SignedBy(RECOVERY),
        ..Cluster::cucm12()
    };
    let mut server = Server::new(cluster.files());
    let r = server.run(phone_itl(cluster.itl()));
    let Outcome::Broken(b) = &r.outcome else {
        panic!("{:?}", r.outcome)
    };
    match &b.reason {
        Reason::ConfigSignerWrongRole { record, .. } => {
            assert_eq!(record.source, RecordSource::PhoneItl);
            assert_eq!(
                (record.record.index, record.record.role),
                (2, Some(Role::SAST))
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_damaged_config_is_refused() {
    let cluster = Cluster::cucm8();
    let (name, mut sgn) = cluster.config_file().unwrap();
    let last = sgn.len() - 2;
    sgn[last] ^= 0x20; // inside the XML payload
    let mut server = Server::new(cluster.trust_files()).with(&name, sgn);
    let r = server.run(phone_itl(cluster.itl()));
    let Outcome::Broken(b) = &r.outcome else {
        panic!("{:?}", r.outcome)
    };
    assert!(
        matches!(
            b.reason,
            Reason::ConfigRefused(SignedFileError::Mismatch { .. })
        ),
        "{:?}",
        b.reason
    );
    // Not a signed file at all.
    let mut server = Server::new(cluster.trust_files()).with(&name, config_xml(MAC));
    let r = server.run(phone_itl(cluster.itl()));
    let Outcome::Broken(b) = &r.outcome else {
        panic!("{:?}", r.outcome)
    };
    assert!(matches!(b.reason, Reason::Malformed(_)), "{:?}", b.reason);
}

#[test]
fn an_unknown_phone_gets_xmldefault() {
    let cluster = Cluster {
        config: Config::Missing,
        ..Cluster::cucm8()
    };
    let xml_default = itl_core::SignedFileBuilder::new(
        cluster::cert(PUBLISHER),
        cluster::key(PUBLISHER),
        "XMLDefault.cnf.xml.sgn",
    )
    .build(b"<Default/>")
    .unwrap();
    let mut server = Server::new(cluster.files()).with("XMLDefault.cnf.xml.sgn", xml_default);
    let r = server.run(PhoneStart::default());
    assert_eq!(r.outcome, Outcome::Trusted);
    let last = r.steps.last().unwrap();
    assert_eq!(last.file, "XMLDefault.cnf.xml.sgn");
    assert_eq!(last.decision, Decision::TrustedSigner);
    assert_eq!(last.fallback_for, Some(format!("SEP{MAC}.cnf.xml.enc.sgn")));
}

#[test]
fn an_encrypted_config_is_asked_for_first_and_its_signature_checked() {
    let cluster = Cluster::cucm8();
    let name = format!("SEP{MAC}.cnf.xml.enc.sgn");
    // Encrypted for the phone's certificate (any RSA certificate serves here).
    let enc =
        itl_core::SignedFileBuilder::new(cluster::cert(PUBLISHER), cluster::key(PUBLISHER), &name)
            .encrypt_for(cluster::cert(cluster::CAPF))
            .build(&config_xml(MAC))
            .unwrap();
    assert_eq!(
        itl_core::detect_kind(&enc).unwrap(),
        FileKind::EncryptedSigned
    );
    let mut server = Server::new(cluster.files()).with(&name, enc);
    let r = server.run(phone_itl(cluster.itl()));
    assert_eq!(r.outcome, Outcome::Trusted);
    let last = r.steps.last().unwrap();
    assert_eq!(
        (last.file.as_str(), last.decision),
        (name.as_str(), Decision::TrustedSigner)
    );
    // The .sgn beside it is never asked for.
    assert!(!server.asked.contains(&format!("SEP{MAC}.cnf.xml.sgn")));
}
