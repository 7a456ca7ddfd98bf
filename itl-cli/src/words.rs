//! The one place where the phone's trust decisions are put into words: verdicts,
//! reasons and remedies of `compare`, `audit` and `phone`, worded per file kind
//! (ITL or CTL), per signer of the phone's file (CallManager, ITLRecovery, USB
//! eToken) and with stable short codes for JSON.
//!
//! The library ([`itl_core::decide`], [`itl_core::replay`]) gives data only:
//! [`Verdict`], [`Reason`], [`Remedy`]. Names taken from files are made
//! [`printable`] here.
//!
//! Phone menus: FORMAT-NOTES (the project's facts) gives the Trust List menu as
//! Settings > Security > Trust List (and, in Cisco's Security By Default note,
//! Settings > Security Configuration > Trust List) but no menu path per phone
//! family for erasing a trust list, so the deletion remedy names both menus and
//! says that the path depends on the model rather than inventing per-family paths.

use itl_core::{
    FileKind, Reason, RecordSummary, Remedy, SignerId, SignerKind, TrustDecision, TvsCheck,
    Verdict, common_name,
};

use crate::text::printable;

/// `ITL` / `CTL` (and the other kinds' names).
pub fn kind_name(kind: FileKind) -> &'static str {
    kind.as_str()
}

/// `record 3 (TVS) CUCM8-Publisher.bbbburns.lab`: position, role and CN.
pub fn record_label(r: &RecordSummary) -> String {
    let mut s = format!("record {}", r.index);
    if let Some(role) = r.role {
        s.push_str(&format!(" ({role})"));
    }
    let cn = common_name(&r.subject).unwrap_or_else(|| r.subject.clone());
    if !cn.is_empty() {
        s.push(' ');
        s.push_str(&printable(&cn));
    }
    s
}

/// `CUCM8-Publisher.bbbburns.lab (serial 20d4…)`: a signer's CN and serial.
pub fn signer_text(s: &SignerId) -> String {
    let cn = common_name(&s.name).unwrap_or_else(|| s.name.clone());
    format!("{} (serial {})", printable(&cn), hex::encode(&s.serial))
}

/// Who signed the phone's file, for people.
pub fn signer_kind_text(k: SignerKind) -> &'static str {
    match k {
        SignerKind::CallManager => "the CallManager certificate",
        SignerKind::ItlRecovery => "the ITLRecovery certificate",
        SignerKind::EToken => "a USB eToken",
        _ => "a certificate that is neither the CallManager nor the ITLRecovery one",
    }
}

/// `ITL`, `ITL or CTL`, `CTL`: the phone's files a signer was looked for in.
fn held_text(held: &[FileKind]) -> String {
    if held.is_empty() {
        return "any trust list".to_owned();
    }
    held.iter()
        .map(|k| kind_name(*k))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// Why TVS could not vouch, as a clause.
pub fn tvs_text(tvs: TvsCheck) -> &'static str {
    match tvs {
        TvsCheck::NoPhoneItl => "the phone holds no ITL, so it knows no TVS server to ask",
        TvsCheck::NoTvsEntry => "the phone's ITL has no TVS entry, so it cannot ask TVS",
        TvsCheck::TvsChanged => {
            "no TVS entry of the phone's ITL matches the cluster's TVS certificate (the TVS entry of the server's ITL), so the phone cannot trust what TVS says"
        }
        TvsCheck::SignerUnknown => {
            "TVS does not know the signer either (it is not a TFTP or CCM+TFTP entry of the cluster's ITL whose key verifies the file)"
        }
        _ => "TVS cannot vouch for it",
    }
}

/// The status line a phone shows when it refuses a trust list of `kind`.
fn refused_status(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Ctl => "CTL update failed",
        _ => "Trust List update failed",
    }
}

/// The CUCM command that signs a trust list of `kind` with the ITLRecovery key.
pub fn reset_command(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Ctl => "utils ctl reset localkey",
        _ => "utils itl reset localkey",
    }
}

/// A short code for a reason (JSON `reason_code`).
pub fn reason_code(r: &Reason) -> &'static str {
    match r {
        Reason::Malformed(_) => "malformed",
        Reason::BadSignature(_) => "bad-signature",
        Reason::SignerNotTrusted { .. } => "signer-not-trusted",
        Reason::NotCtlCcmTftp { .. } => "not-ctl-ccm-tftp",
        Reason::ConfigSignerNotTrusted { .. } => "config-signer-not-trusted",
        Reason::ConfigSignerWrongRole { .. } => "config-signer-wrong-role",
        Reason::ConfigRefused(_) => "config-signature",
        Reason::UnsignedConfig { .. } => "unsigned-config",
        Reason::NoConfig => "no-config",
        Reason::HashesDiffer { .. } => "hashes-differ",
        _ => "other",
    }
}

/// `MD5`, `SHA-1`, `MD5 and SHA-1`: the hashes read off the phone.
fn shown(md5: bool, sha1: bool) -> &'static str {
    match (md5, sha1) {
        (true, true) => "MD5 and SHA-1",
        (true, false) => "MD5",
        _ => "SHA-1",
    }
}

/// The reason in an administrator's words. `kind` is the kind of the file the
/// phone was reading, when the reason itself does not say.
pub fn reason_text(r: &Reason, kind: Option<FileKind>) -> String {
    let file = kind.map_or_else(
        || "file".to_owned(),
        |k| format!("server's {}", kind_name(k)),
    );
    match r {
        Reason::Malformed(e) => {
            format!("The {file} is not a well-formed trust list ({e}); the phone refuses it.")
        }
        Reason::BadSignature(e) => format!(
            "The {file}'s signature does not verify with its own signer ({e}): it is damaged or was changed after signing, and the phone refuses it whatever it trusts."
        ),
        Reason::SignerNotTrusted {
            kind,
            signer,
            held,
            tvs,
        } => {
            let k = kind_name(*kind);
            let not_entry = format!(
                "The server's {k} is signed by {}, which is not a SAST, CCM+TFTP or TFTP entry of the phone's {}",
                signer_text(signer),
                held_text(held)
            );
            match (kind, tvs) {
                // TVS needs the phone's ITL, which was not given: nothing to say.
                (_, TvsCheck::NotChecked) => match kind {
                    FileKind::Ctl => format!(
                        "{not_entry}. The phone refuses the new CTL (\"{}\") and keeps its old CTL until the CTL is deleted on the phone.",
                        refused_status(*kind)
                    ),
                    _ => format!(
                        "{not_entry}. The phone refuses the {k} (\"{}\").",
                        refused_status(*kind)
                    ),
                },
                _ => format!(
                    "{not_entry}, and {}. The phone refuses the {k} (\"{}\") and, until it is deleted, all signed configuration.",
                    tvs_text(*tvs),
                    refused_status(*kind)
                ),
            }
        }
        Reason::NotCtlCcmTftp { signer } => format!(
            "The phone holds a CTL but no ITL: it trusts an ITL only if its signer is a CCM+TFTP entry of the CTL, and {} is not.",
            signer_text(signer)
        ),
        Reason::ConfigSignerNotTrusted { signer, tvs } => format!(
            "The configuration is signed by {}, which is neither a TFTP nor a CCM+TFTP entry of the phone's ITL or CTL, and {}. The phone refuses it.",
            signer_text(signer),
            tvs_text(*tvs)
        ),
        Reason::ConfigSignerWrongRole { signer, record } => format!(
            "The configuration is signed by {}, which {} lists only as {}: only TFTP and CCM+TFTP entries authenticate configuration files. The phone refuses it.",
            signer_text(signer),
            printable(&record.file),
            record_label(&record.record)
        ),
        Reason::ConfigRefused(e) => {
            format!("The configuration's signature does not hold: {e}. The phone refuses it.")
        }
        Reason::UnsignedConfig { holds } => format!(
            "The configuration is not signed, and the phone holds a trust list ({}): it accepts only signed configuration.",
            holds
                .iter()
                .map(|k| kind_name(*k))
                .collect::<Vec<_>>()
                .join(" and ")
        ),
        Reason::NoConfig => {
            "None of the configuration files is on the server: the phone has nothing to register with.".to_owned()
        }
        Reason::HashesDiffer { kind, md5, sha1 } => {
            let k = kind_name(*kind);
            format!(
                "The {} the phone shows differs from the server's {k}: the phone has another file. Whether it will accept the server's depends on what its current {k} trusts; give the phone's file instead of its hash for a trust verdict.",
                shown(*md5, *sha1)
            )
        }
        _ => "The phone refuses the file.".to_owned(),
    }
}

/// A short code for a remedy (JSON `remedy_codes`).
pub fn remedy_code(r: &Remedy) -> &'static str {
    match r {
        Remedy::DeleteOnPhone { .. } => "delete-on-phone",
        Remedy::RestoreSigningKey { .. } => "restore-signing-key",
        Remedy::RecoveryReset { .. } => "recovery-reset",
        Remedy::RecoveryUnavailable { .. } => "recovery-unavailable",
        Remedy::SignWithEToken { .. } => "sign-with-etoken",
        Remedy::UpdateCtl => "update-ctl",
        Remedy::RegenerateServerFile { .. } => "regenerate-server-file",
        Remedy::ResignConfig { .. } => "resign-config",
        Remedy::ServeSignedConfig { .. } => "serve-signed-config",
        Remedy::AddPhone { .. } => "add-phone",
        _ => "other",
    }
}

/// Where on the phone a trust list of `kind` is erased (see the module notes:
/// no per-family menu paths are known to the project, so both menus are named).
pub fn delete_on_phone_path(kind: FileKind) -> String {
    let k = kind_name(kind);
    format!(
        "in the phone's Trust List menu (Settings > Security > Trust List, or Settings > Security Configuration > Trust List; the path depends on the model) select the {k} File and erase it, or reset the phone to factory settings"
    )
}

/// A remedy in an administrator's words.
pub fn remedy_text(r: &Remedy) -> String {
    match r {
        Remedy::DeleteOnPhone { kind } => {
            let k = kind_name(*kind);
            format!(
                "Delete the {k} on each phone by hand: {}. The phone then trusts the first {k} it downloads.",
                delete_on_phone_path(*kind)
            )
        }
        Remedy::RestoreSigningKey {
            kind,
            signer,
            signed_by,
        } => {
            let k = kind_name(*kind);
            let signer = signer_text(signer);
            match signed_by {
                SignerKind::CallManager => format!(
                    "Restore the old CallManager certificate and key, which signed the phone's {k} ({signer}), from a backup (DRS restore), so that the cluster signs with a key the phone trusts again."
                ),
                SignerKind::ItlRecovery => format!(
                    "Restore the ITLRecovery certificate and key, which signed the phone's {k} ({signer}), from a backup (DRS restore): the cluster signs its ITL and CTL with the ITLRecovery key, so the phone trusts them again."
                ),
                SignerKind::EToken => format!(
                    "Sign the {k} with the USB eToken that signed the phone's {k} ({signer}), using the CTL client."
                ),
                _ => format!(
                    "Have the {k} signed again by the certificate and key that signed the phone's {k} ({signer}), restored from a backup if they are gone, so that the phone trusts the signer."
                ),
            }
        }
        Remedy::RecoveryReset { kind, held, record } => {
            let k = kind_name(*kind);
            format!(
                "The phone's {} holds the ITLRecovery entry {}, which the server's {k} still has: on the publisher run `{}` (or `remotekey`), restart the TFTP service and reset the phones; the reset {k} is signed with the ITLRecovery key, which the phone trusts.",
                kind_name(*held),
                record_label(record),
                reset_command(*kind)
            )
        }
        Remedy::RecoveryUnavailable { kind, held, record } => format!(
            "An ITLRecovery reset (`{}`) is not possible: the phone's {} holds the ITLRecovery entry {}, but the server's {} no longer has that certificate, so the cluster no longer has its key.",
            reset_command(*kind),
            kind_name(*held),
            record_label(record),
            kind_name(*kind)
        ),
        Remedy::SignWithEToken { tokens } => {
            let list = tokens
                .iter()
                .map(record_label)
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "The phone's CTL was signed with a USB eToken (a hardware security token; its key is not on the server and no backup restores it): sign the new CTL with the CTL client and one of the eTokens the phone's CTL lists ({list}), so that the phone trusts its signer."
            )
        }
        Remedy::UpdateCtl => "Update the CTL (`utils ctl update CTLFile`) so that it lists the TFTP server's CallManager certificate as CCM+TFTP; the phone takes the new CTL, then the ITL.".to_owned(),
        Remedy::RegenerateServerFile { file, kind } => {
            let how = match kind {
                FileKind::Ctl => {
                    "`utils ctl update CTLFile` for a tokenless CTL, or the CTL client with a USB eToken"
                }
                _ => "restart the TFTP service, which rebuilds the ITL",
            };
            let name = if file.is_empty() {
                format!("the {}", kind_name(*kind))
            } else {
                printable(file).into_owned()
            };
            format!("Regenerate {name} on the cluster ({how}) and check again.")
        }
        Remedy::ResignConfig { file } => format!(
            "Have the TFTP service sign {} again with the CallManager certificate listed in the ITL (restart the TFTP service once the ITL is rebuilt).",
            printable(file)
        ),
        Remedy::ServeSignedConfig { file } => format!(
            "Serve the signed configuration ({}.sgn): the TFTP service signs configuration files when it builds them; restart it, and make sure nothing serves an unsigned copy in its place.",
            printable(file)
        ),
        Remedy::AddPhone { device } => format!(
            "Add {device} to the cluster, or enable auto-registration so that XMLDefault.cnf.xml is served."
        ),
        _ => "See the reason above.".to_owned(),
    }
}

/// Why the phone does what the decision says, in sentences: for accepted files
/// who vouches, for refused ones the [`reason_text`]. `server_signer` is the
/// server file's signer.
pub fn decision_text(d: &TrustDecision, server_signer: &SignerId) -> String {
    let k = kind_name(d.kind);
    match d.verdict {
        Verdict::Identical => {
            format!("The phone has the server's {k} (same MD5 and SHA-1): nothing to do.")
        }
        Verdict::AcceptedSigner => match &d.trusted_by {
            Some(by) => format!(
                "The server's {k} is signed by {}, whose key is in the phone's {} as {}: the phone verifies the new file itself and accepts it.",
                signer_text(server_signer),
                kind_name(by.file),
                record_label(&by.record)
            ),
            None => format!("The server's {k} is signed by a key the phone trusts: accepted."),
        },
        Verdict::AcceptedTvs => {
            let (phone_tvs, server_tvs) = d.trusted_by.as_ref().map_or_else(
                || ("its TVS entry".to_owned(), "the server's".to_owned()),
                |by| {
                    (
                        record_label(&by.record),
                        by.server_record
                            .as_ref()
                            .map(record_label)
                            .unwrap_or_default(),
                    )
                },
            );
            format!(
                "The phone does not know the signer of the server's {k}, {}, so it asks its TVS server. The TVS entry of the phone's ITL ({phone_tvs}) matches the server's TVS entry ({server_tvs}): the TVS server still presents a certificate the phone trusts, and it can vouch for the new signer. The phone accepts the file.",
                signer_text(server_signer)
            )
        }
        _ => match &d.reason {
            Some(r) => reason_text(r, Some(d.kind)),
            None => format!("The phone refuses the server's {k}."),
        },
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn summary(index: usize, subject: &str) -> RecordSummary {
        RecordSummary {
            index,
            role: Some(itl_core::Role::SAST),
            subject: subject.to_owned(),
            issuer: String::new(),
            serial: vec![1],
            cert_hash: None,
            hash_from_certhash: false,
        }
    }

    fn signer() -> SignerId {
        SignerId {
            name: "CN=pub;O=x".to_owned(),
            serial: vec![0x20, 0xd4],
            issuer: "CN=ca".to_owned(),
        }
    }

    #[test]
    fn the_reset_command_follows_the_kind() {
        let record = summary(2, "CN=ITLRECOVERY_pub");
        let ctl = remedy_text(&Remedy::RecoveryReset {
            kind: FileKind::Ctl,
            held: FileKind::Ctl,
            record: record.clone(),
        });
        assert!(ctl.contains("`utils ctl reset localkey`"), "{ctl}");
        assert!(
            !ctl.contains("itl reset") && !ctl.contains("'s ITL"),
            "{ctl}"
        );
        let itl = remedy_text(&Remedy::RecoveryReset {
            kind: FileKind::Itl,
            held: FileKind::Itl,
            record,
        });
        assert!(itl.contains("`utils itl reset localkey`"), "{itl}");
        assert!(
            !itl.contains("ctl reset") && !itl.contains("'s CTL"),
            "{itl}"
        );
    }

    #[test]
    fn restoring_the_signer_names_the_certificate_that_signed() {
        let text = |signed_by| {
            remedy_text(&Remedy::RestoreSigningKey {
                kind: FileKind::Itl,
                signer: signer(),
                signed_by,
            })
        };
        let ccm = text(SignerKind::CallManager);
        assert!(ccm.contains("old CallManager certificate"), "{ccm}");
        let rec = text(SignerKind::ItlRecovery);
        assert!(rec.contains("ITLRecovery certificate and key"), "{rec}");
        assert!(!rec.contains("CallManager"), "{rec}");
        let unknown = text(SignerKind::Unknown);
        assert!(!unknown.contains("CallManager"), "{unknown}");
        assert!(unknown.contains("pub (serial 20d4)"), "{unknown}");
    }

    #[test]
    fn a_ctl_rejection_is_worded_as_a_ctl_without_tvs() {
        let r = Reason::SignerNotTrusted {
            kind: FileKind::Ctl,
            signer: signer(),
            held: vec![FileKind::Ctl],
            tvs: TvsCheck::NotChecked,
        };
        let t = reason_text(&r, Some(FileKind::Ctl));
        assert!(
            t.contains("server's CTL") && t.contains("phone's CTL"),
            "{t}"
        );
        assert!(t.contains("CTL update failed"), "{t}");
        assert!(!t.contains("TVS") && !t.contains("ITL"), "{t}");
        // An ITL rejection says why TVS could not help.
        let r = Reason::SignerNotTrusted {
            kind: FileKind::Itl,
            signer: signer(),
            held: vec![FileKind::Itl, FileKind::Ctl],
            tvs: TvsCheck::TvsChanged,
        };
        let t = reason_text(&r, Some(FileKind::Itl));
        assert!(t.contains("phone's ITL or CTL") && t.contains("TVS"), "{t}");
        assert!(t.contains("Trust List update failed"), "{t}");
    }

    #[test]
    fn etoken_remedy_lists_the_tokens_and_not_a_backup_restore() {
        let t = remedy_text(&Remedy::SignWithEToken {
            tokens: vec![summary(1, "CN=SAST-ADN1"), summary(2, "CN=SAST-ADN2")],
        });
        assert!(t.contains("USB eToken") && t.contains("CTL client"), "{t}");
        assert!(
            t.contains("record 1 (SAST) SAST-ADN1, record 2 (SAST) SAST-ADN2"),
            "{t}"
        );
        assert!(!t.contains("DRS"), "{t}");
    }

    #[test]
    fn deleting_names_the_kind_and_the_phone_menu() {
        for kind in [FileKind::Itl, FileKind::Ctl] {
            let k = kind.as_str();
            let t = remedy_text(&Remedy::DeleteOnPhone { kind });
            assert!(
                t.starts_with(&format!("Delete the {k} on each phone")),
                "{t}"
            );
            assert!(t.contains(&format!("select the {k} File")), "{t}");
            assert!(t.contains("Settings > Security > Trust List"), "{t}");
        }
    }

    #[test]
    fn every_remedy_and_reason_has_its_own_code() {
        let remedies = [
            Remedy::DeleteOnPhone {
                kind: FileKind::Itl,
            },
            Remedy::UpdateCtl,
            Remedy::SignWithEToken { tokens: vec![] },
            Remedy::RecoveryUnavailable {
                kind: FileKind::Itl,
                held: FileKind::Itl,
                record: summary(1, "CN=x"),
            },
        ];
        let codes: std::collections::BTreeSet<_> = remedies.iter().map(remedy_code).collect();
        assert_eq!(codes.len(), remedies.len());
        assert!(!codes.contains("other"));
    }
}
