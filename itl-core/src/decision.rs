//! The phone's trust decision: will a phone holding one trust list accept a new
//! one, by which of its entries, and if not, why and what can be done.
//!
//! The rules (FORMAT-NOTES, "How a phone decides to trust a new ITL/CTL"):
//!
//! 1. a new file is accepted when it is signed by a certificate the phone already
//!    trusts as a SAST, CCM+TFTP or TFTP entry of its current ITL or CTL — checked
//!    here by verifying the new file's signature with each such entry's key;
//! 2. otherwise the phone asks a TVS server listed in its ITL, and trusts the answer
//!    only if that server's certificate matches the TVS entry's hash in its current
//!    ITL — checked here by comparing the TVS entries of both files;
//! 3. otherwise the phone refuses the file and all signed configuration until its
//!    trust list is deleted (or the cluster signs with a key the phone trusts again).
//!
//! Everything here is data: the verdict, the deciding entry, a [`Reason`] and
//! [`Remedy`] values. Callers word them (the `itltool` CLI has one place that
//! does, shared by `compare`, `audit` and `phone`). The phone replay
//! ([`crate::replay`]) uses the same types for every file a phone reads.

use std::collections::HashMap;
use std::fmt;

use crate::diff::{RecordSummary, SignerId, same_certificate, same_key};
use crate::digest::DigestAlgorithm;
use crate::dn::{common_name, same_dn};
use crate::error::ParseError;
use crate::fingerprint::hash;
use crate::keys::PublicKey;
use crate::record::Record;
use crate::role::Role;
use crate::signed::SignedFileError;
use crate::trustlist::{FileKind, TrustList};
use crate::verify::{SignatureError, TrustAnchor, verify_signature, verify_with_trust};

/// What the phone will do with the server's file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Verdict {
    /// The phone already has the server's file.
    Identical,
    /// The server's file is signed by a key the phone trusts (a SAST, CCM+TFTP or
    /// TFTP entry of its ITL or CTL): accepted.
    AcceptedSigner,
    /// The signer is unknown to the phone, but a TVS entry of the phone's ITL matches
    /// a TVS entry of the server's ITL: the TVS server can vouch for the new signer.
    AcceptedTvs,
    /// Neither: the phone refuses the file and all signed configuration.
    Rejected,
    /// Only hashes of the phone's file were given, and they differ from the server's.
    Different,
}

impl Verdict {
    /// `identical`, `accepted-signer`, `accepted-tvs`, `rejected` or `different`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Identical => "identical",
            Self::AcceptedSigner => "accepted-signer",
            Self::AcceptedTvs => "accepted-tvs",
            Self::Rejected => "rejected",
            Self::Different => "different",
        }
    }

    /// Whether the phone ends up with the server's file without anyone's help
    /// (identical or accepted).
    pub fn is_ok(self) -> bool {
        matches!(
            self,
            Self::Identical | Self::AcceptedSigner | Self::AcceptedTvs
        )
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The phone-side entry that makes the phone accept the server's file (see
/// [`crate::TrustAnchor`] for keys trusted from outside when verifying).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustedBy {
    /// Which of the phone's files holds it.
    pub file: FileKind,
    /// The entry.
    pub record: RecordSummary,
    /// For [`Verdict::AcceptedTvs`]: the matching TVS entry of the server's file.
    pub server_record: Option<RecordSummary>,
}

/// Which file holds the record that decided a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RecordSource {
    /// The CTL the phone held when the file was checked.
    PhoneCtl,
    /// The ITL the phone held when the file was checked.
    PhoneItl,
    /// The file itself (its own signer, for [`crate::Decision::FirstUse`]).
    ThisFile,
}

/// The record that decided a step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecidingRecord {
    /// Which file holds it.
    pub source: RecordSource,
    /// That file's name (as asked for, or as given for the phone's own files).
    pub file: String,
    /// The record (1-based index in that file).
    pub record: RecordSummary,
}

/// Which certificate signed a trust list, told from the records its header's
/// signer (serial and issuer) matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignerKind {
    /// The TFTP server's CallManager certificate (the signer is also a CCM,
    /// CCM+TFTP or TFTP entry): CUCM 8 to 11.5 sign this way, and tokenless CTLs.
    CallManager,
    /// The ITLRecovery certificate (a SAST entry named `ITLRECOVERY_<host>`):
    /// CUCM 12 and later sign ITL and CTL with it.
    ItlRecovery,
    /// A hardware USB eToken: a CTL whose signer is a SAST entry only (classic
    /// CTLs made with the CTL client).
    EToken,
    /// None of these (the signer is not among the records, or only as another role).
    Unknown,
}

impl SignerKind {
    /// `callmanager`, `itlrecovery`, `etoken` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CallManager => "callmanager",
            Self::ItlRecovery => "itlrecovery",
            Self::EToken => "etoken",
            Self::Unknown => "unknown",
        }
    }

    /// Who signed `tl`.
    ///
    /// ```
    /// # let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../testvectors/own/ITLSEP0011215A1AE3-sbd-replica.tlv");
    /// let bytes = std::fs::read(path)?;
    /// let tl = itl_core::TrustList::parse(&bytes)?;
    /// // A CUCM 8 ITL: signed by the publisher's CallManager certificate, which is
    /// // both its SAST and its CCM+TFTP entry.
    /// assert_eq!(itl_core::SignerKind::of(&tl), itl_core::SignerKind::CallManager);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn of(tl: &TrustList<'_>) -> Self {
        let h = tl.header();
        let serial = h.signer_serial().unwrap_or_default();
        let issuer = h.issuer_name().unwrap_or_default();
        let signers: Vec<&Record<'_>> = tl
            .records()
            .iter()
            .filter(|r| {
                r.serial_number() == Some(serial)
                    && same_dn(&r.issuer_name().unwrap_or_default(), &issuer)
            })
            .collect();
        if signers.iter().any(|r| is_itl_recovery(r)) {
            Self::ItlRecovery
        } else if signers.iter().any(|r| {
            matches!(
                r.function(),
                Some(Role::CCM) | Some(Role::CCM_TFTP) | Some(Role::TFTP)
            )
        }) {
            Self::CallManager
        } else if tl.kind() == FileKind::Ctl
            && signers.iter().any(|r| r.function() == Some(Role::SAST))
        {
            Self::EToken
        } else {
            Self::Unknown
        }
    }
}

impl fmt::Display for SignerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why the TVS server could not vouch for a signer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TvsCheck {
    /// The phone holds no ITL, so it knows no TVS server.
    NoPhoneItl,
    /// The phone's ITL has no TVS entry.
    NoTvsEntry,
    /// The cluster's TVS certificate (its ITL's TVS entry) is not the one in the
    /// phone's ITL: the TVS certificate was regenerated, or the cluster has no ITL.
    TvsChanged,
    /// TVS is trusted but does not know the signer: it is not a TFTP or CCM+TFTP
    /// entry of the cluster's ITL whose key verifies the file.
    SignerUnknown,
    /// Not checked: the phone's ITL was not given (a CTL compared with a CTL), so
    /// whether a TVS server could vouch is not known.
    NotChecked,
}

/// Why a file was refused (or, for [`Reason::HashesDiffer`], why no trust
/// verdict can be given).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// The file does not parse.
    Malformed(ParseError),
    /// The file's signature does not verify with its own signer: it is damaged
    /// or was changed after signing.
    BadSignature(SignatureError),
    /// The trust list is signed by a key the phone does not trust, and TVS cannot
    /// vouch for it.
    SignerNotTrusted {
        /// The refused file: ITL or CTL.
        kind: FileKind,
        /// The file's signer.
        signer: SignerId,
        /// The phone's trust lists the signer was looked for in.
        held: Vec<FileKind>,
        /// Why TVS could not help.
        tvs: TvsCheck,
    },
    /// The phone holds a CTL but no ITL, and the ITL's signer is not a CCM+TFTP
    /// entry of that CTL.
    NotCtlCcmTftp {
        /// The ITL's signer.
        signer: SignerId,
    },
    /// The configuration is signed by a certificate that is neither a TFTP nor a
    /// CCM+TFTP entry of what the phone trusts, and TVS cannot vouch for it.
    ConfigSignerNotTrusted {
        /// The configuration's signer.
        signer: SignerId,
        /// Why TVS could not help.
        tvs: TvsCheck,
    },
    /// The configuration's signer is in the phone's trust lists, but only in a
    /// role that does not authenticate configuration files (SAST, CAPF, TVS…).
    ConfigSignerWrongRole {
        /// The configuration's signer.
        signer: SignerId,
        /// The entry it matches.
        record: DecidingRecord,
    },
    /// The configuration's signature cannot be checked or does not verify (no
    /// usable key, signature mismatch, unknown digest…).
    ConfigRefused(SignedFileError),
    /// The configuration is not signed and the phone holds a trust list.
    UnsignedConfig {
        /// The trust lists the phone holds.
        holds: Vec<FileKind>,
    },
    /// None of the configuration files exists on the server.
    NoConfig,
    /// Only hashes of the phone's file are known, and they differ from the
    /// server file's: the phone has another file; its trust cannot be judged.
    HashesDiffer {
        /// The kind of the server's file.
        kind: FileKind,
        /// Whether an MD5 was given.
        md5: bool,
        /// Whether a SHA-1 was given.
        sha1: bool,
    },
}

/// What an administrator can do about a refused file. Callers word them.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Remedy {
    /// Delete the trust list on each phone by hand (the phone menu, or a factory
    /// reset); the phone then trusts the first one it downloads.
    DeleteOnPhone {
        /// Which file.
        kind: FileKind,
    },
    /// Restore, from a backup, the certificate and key that signed the trust list
    /// the phone holds, so that the cluster signs with a key the phone trusts again.
    RestoreSigningKey {
        /// Which trust list of the phone the signer signed.
        kind: FileKind,
        /// Its signer.
        signer: SignerId,
        /// Which certificate that is (never [`SignerKind::EToken`]: a hardware
        /// token is not restored from a backup, see [`Remedy::SignWithEToken`]).
        signed_by: SignerKind,
    },
    /// A trust list of the phone holds an ITLRecovery entry that the cluster still
    /// has: have the cluster sign the refused file with the ITLRecovery key
    /// (`utils itl reset localkey` for an ITL, `utils ctl reset localkey` for a
    /// CTL), then restart TFTP and reset the phones.
    RecoveryReset {
        /// The refused file's kind (which reset command).
        kind: FileKind,
        /// The phone's file holding the ITLRecovery entry.
        held: FileKind,
        /// The ITLRecovery entry in the phone's file.
        record: RecordSummary,
    },
    /// A trust list of the phone holds an ITLRecovery entry, but the server's file
    /// no longer has that certificate: the recovery reset is not possible (unless
    /// the ITLRecovery certificate and key are restored).
    RecoveryUnavailable {
        /// The refused file's kind.
        kind: FileKind,
        /// The phone's file holding the ITLRecovery entry.
        held: FileKind,
        /// The ITLRecovery entry in the phone's file.
        record: RecordSummary,
    },
    /// The phone's CTL was signed by a USB eToken: sign the new CTL with one of the
    /// eTokens it lists (the CTL client), so that the phone trusts it.
    SignWithEToken {
        /// The eToken (SAST) entries of the phone's CTL.
        tokens: Vec<RecordSummary>,
    },
    /// A phone holding only a CTL refuses an ITL whose signer is not a CCM+TFTP
    /// entry of that CTL: update the CTL so that it lists the TFTP server's
    /// CallManager certificate as CCM+TFTP (`utils ctl update CTLFile`).
    UpdateCtl,
    /// The server's file is damaged: regenerate it on the cluster.
    RegenerateServerFile {
        /// Which file failed (as the phone asks for it, or its FILENAME).
        file: String,
        /// What it was taken for.
        kind: FileKind,
    },
    /// The configuration is signed by a certificate the phone does not trust (or
    /// damaged): have the TFTP service sign the configuration files again with the
    /// CallManager certificate listed in the ITL (restart the TFTP service).
    ResignConfig {
        /// The configuration file.
        file: String,
    },
    /// Serve the signed configuration (`.sgn`) the phone expects.
    ServeSignedConfig {
        /// The unsigned file the phone found.
        file: String,
    },
    /// Add the phone to the cluster (or allow auto-registration, which serves
    /// `XMLDefault.cnf.xml`).
    AddPhone {
        /// The phone's device name, `SEP<MAC>`.
        device: String,
    },
}

/// The phone's decision on the server's trust list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustDecision {
    /// The kind of the server's file.
    pub kind: FileKind,
    /// What the phone will do.
    pub verdict: Verdict,
    /// The phone entry that makes it accept the file, for the accepted verdicts.
    pub trusted_by: Option<TrustedBy>,
    /// Who signed the phone's file, when the file was given.
    pub phone_signed_by: Option<SignerKind>,
    /// Why, for [`Verdict::Rejected`] and [`Verdict::Different`].
    pub reason: Option<Reason>,
    /// What can be done when the phone refuses the file, most direct first
    /// (empty otherwise).
    pub remedies: Vec<Remedy>,
}

/// The phone's decision on `server` when it holds `phone` (and, if given, the CTL
/// `phone_ctl`, which adds to what it trusts).
///
/// ```
/// # let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../testvectors/own/ITLSEP0011215A1AE3-sbd-replica.tlv");
/// let bytes = std::fs::read(path)?;
/// let tl = itl_core::TrustList::parse(&bytes)?;
/// let d = itl_core::decide(&tl, None, &tl);
/// assert_eq!(d.verdict, itl_core::Verdict::Identical);
/// assert!(d.reason.is_none() && d.remedies.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn decide(
    phone: &TrustList<'_>,
    phone_ctl: Option<&TrustList<'_>>,
    server: &TrustList<'_>,
) -> TrustDecision {
    let kind = server.kind();
    let mut d = TrustDecision {
        kind,
        verdict: Verdict::Identical,
        trusted_by: None,
        phone_signed_by: Some(SignerKind::of(phone)),
        reason: None,
        remedies: Vec::new(),
    };
    if phone.raw() == server.raw() {
        return d;
    }
    if let Err(e) = verify_signature(server) {
        d.verdict = Verdict::Rejected;
        d.reason = Some(Reason::BadSignature(e));
        d.remedies = vec![Remedy::RegenerateServerFile {
            file: server.header().filename().unwrap_or_default(),
            kind,
        }];
        return d;
    }
    if let Some(anchor) = signer_anchor(phone, phone_ctl, server) {
        d.verdict = Verdict::AcceptedSigner;
        d.trusted_by = Some(anchor);
    } else if let Some(anchor) = tvs_anchor(phone, server) {
        d.verdict = Verdict::AcceptedTvs;
        d.trusted_by = Some(anchor);
    } else {
        let tvs = if phone.kind() != FileKind::Itl {
            TvsCheck::NotChecked
        } else if phone
            .records()
            .iter()
            .any(|r| r.function() == Some(Role::TVS))
        {
            TvsCheck::TvsChanged
        } else {
            TvsCheck::NoTvsEntry
        };
        let mut held = vec![phone.kind()];
        if let Some(ctl) = phone_ctl {
            held.push(ctl.kind());
        }
        d.verdict = Verdict::Rejected;
        d.reason = Some(Reason::SignerNotTrusted {
            kind,
            signer: SignerId::of(server),
            held,
            tvs,
        });
        d.remedies = untrusted_remedies(phone, Some(server), kind);
    }
    d
}

/// What can be done when a phone holding `held` refuses a file of `kind` (the
/// server's `server`, if it parses) because its signer is not trusted.
pub(crate) fn untrusted_remedies(
    held: &TrustList<'_>,
    server: Option<&TrustList<'_>>,
    kind: FileKind,
) -> Vec<Remedy> {
    let mut out = Vec::new();
    let signed_by = SignerKind::of(held);
    let mut reset_offered = false;
    let recovery = held
        .records()
        .iter()
        .enumerate()
        .find(|(_, r)| is_itl_recovery(r));
    if let Some((i, r)) = recovery {
        let record = RecordSummary::of(i + 1, r);
        let server_has = server.is_some_and(|s| {
            s.records().iter().any(|x| {
                x.function() == Some(Role::SAST)
                    && (same_certificate(r, x) == Some(true) || same_key(r, x) == Some(true))
            })
        });
        let held = held.kind();
        if server_has {
            reset_offered = true;
            out.push(Remedy::RecoveryReset { kind, held, record });
        } else {
            out.push(Remedy::RecoveryUnavailable { kind, held, record });
        }
    }
    match signed_by {
        SignerKind::EToken => out.push(Remedy::SignWithEToken {
            tokens: held
                .records()
                .iter()
                .enumerate()
                .filter(|(_, r)| r.function() == Some(Role::SAST) && !is_itl_recovery(r))
                .map(|(i, r)| RecordSummary::of(i + 1, r))
                .collect(),
        }),
        // The ITLRecovery key is still on the cluster: the reset is the fix.
        SignerKind::ItlRecovery if reset_offered => {}
        _ => out.push(Remedy::RestoreSigningKey {
            kind: held.kind(),
            signer: SignerId::of(held),
            signed_by,
        }),
    }
    out.push(Remedy::DeleteOnPhone { kind });
    out
}

/// Roles whose certificates a phone accepts as signers of a new trust list.
fn is_signer_role(r: &Record<'_>) -> bool {
    matches!(
        r.function(),
        Some(Role::SAST) | Some(Role::CCM_TFTP) | Some(Role::TFTP)
    )
}

/// Whether a SAST record is an ITLRecovery entry (CUCM names it `ITLRECOVERY_<host>`).
pub(crate) fn is_itl_recovery(r: &Record<'_>) -> bool {
    r.function() == Some(Role::SAST)
        && r.subject_name()
            .and_then(|s| common_name(&s))
            .is_some_and(|cn| cn.to_ascii_uppercase().starts_with("ITLRECOVERY"))
}

/// The phone entry whose key verifies the server file's signature (the first in
/// file order, the phone's file before its CTL).
fn signer_anchor(
    phone: &TrustList<'_>,
    phone_ctl: Option<&TrustList<'_>>,
    server: &TrustList<'_>,
) -> Option<TrustedBy> {
    // Every candidate key at once, so that the server file is hashed once.
    let mut keys = Vec::new();
    let mut entries = Vec::new();
    let files = [(phone.kind(), Some(phone)), (FileKind::Ctl, phone_ctl)];
    for (file, tl) in files {
        let Some(tl) = tl else { continue };
        for (i, r) in tl.records().iter().enumerate() {
            if !is_signer_role(r) {
                continue;
            }
            let Ok(key) = PublicKey::of_record(r) else {
                continue;
            };
            keys.push(TrustAnchor::from_key(key));
            entries.push((file, i, r));
        }
    }
    let found = verify_with_trust(server, &keys).ok()?;
    let &(file, i, r) = entries.get(found.anchor)?;
    Some(TrustedBy {
        file,
        record: RecordSummary::of(i + 1, r),
        server_record: None,
    })
}

/// A TVS entry of the phone's ITL matching a TVS entry of the server's file: the
/// first phone entry (in file order) that has a match, with its first match, as
/// [`same_certificate`] decides. Server entries are indexed by certificate and by
/// hash, so that files with very many records take linear time.
fn tvs_anchor(phone: &TrustList<'_>, server: &TrustList<'_>) -> Option<TrustedBy> {
    let is_tvs = |r: &Record<'_>| r.function() == Some(Role::TVS);
    let hash_alg = |r: &Record<'_>| r.hash_algorithm().unwrap_or(DigestAlgorithm::SHA1);
    let known = [
        DigestAlgorithm::SHA1,
        DigestAlgorithm::SHA256,
        DigestAlgorithm::SHA512,
    ];
    // Server TVS entries: by certificate, by (algorithm, CERTHASH), and by the hash
    // of their certificate with each known algorithm. Each map keeps the first entry.
    let mut by_cert: HashMap<&[u8], usize> = HashMap::new();
    let mut by_certhash: HashMap<(DigestAlgorithm, &[u8]), usize> = HashMap::new();
    let mut by_cert_hashed: HashMap<(DigestAlgorithm, Vec<u8>), usize> = HashMap::new();
    for (j, b) in server
        .records()
        .iter()
        .enumerate()
        .filter(|(_, b)| is_tvs(b))
    {
        if let Some(cert) = b.certificate() {
            by_cert.entry(cert).or_insert(j);
            for alg in known {
                if let Some(h) = hash(alg, cert) {
                    by_cert_hashed.entry((alg, h)).or_insert(j);
                }
            }
        } else if let Some(h) = b.cert_hash() {
            by_certhash.entry((hash_alg(b), h)).or_insert(j);
        }
    }
    for (i, a) in phone
        .records()
        .iter()
        .enumerate()
        .filter(|(_, a)| is_tvs(a))
    {
        let candidates: Vec<usize> = if let Some(cert) = a.certificate() {
            // Same certificate, or a server CERTHASH of it.
            let hashed = known.into_iter().filter_map(|alg| {
                let h = hash(alg, cert)?;
                by_certhash.get(&(alg, h.as_slice())).copied()
            });
            by_cert
                .get(cert)
                .copied()
                .into_iter()
                .chain(hashed)
                .collect()
        } else if let Some(h) = a.cert_hash() {
            // The same CERTHASH, or a server certificate with that hash.
            let alg = hash_alg(a);
            by_certhash
                .get(&(alg, h))
                .copied()
                .into_iter()
                .chain(by_cert_hashed.get(&(alg, h.to_vec())).copied())
                .collect()
        } else {
            Vec::new()
        };
        if let Some(j) = candidates.into_iter().min() {
            let b = &server.records()[j];
            return Some(TrustedBy {
                file: FileKind::Itl,
                record: RecordSummary::of(i + 1, a),
                server_record: Some(RecordSummary::of(j + 1, b)),
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::tests::{list, record};
    use proptest::prelude::*;

    /// The TVS match as first written (every pair tried): the reference.
    fn tvs_anchor_reference(phone: &TrustList<'_>, server: &TrustList<'_>) -> Option<TrustedBy> {
        let tvs = |tl: &'_ TrustList<'_>| -> Vec<usize> {
            tl.records()
                .iter()
                .enumerate()
                .filter(|(_, r)| r.function() == Some(Role::TVS))
                .map(|(i, _)| i)
                .collect()
        };
        for pi in tvs(phone) {
            for si in tvs(server) {
                let (a, b) = (&phone.records()[pi], &server.records()[si]);
                if same_certificate(a, b) == Some(true) {
                    return Some(TrustedBy {
                        file: FileKind::Itl,
                        record: RecordSummary::of(pi + 1, a),
                        server_record: Some(RecordSummary::of(si + 1, b)),
                    });
                }
            }
        }
        None
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn indexed_tvs_matching_agrees_with_the_pairwise_reference(
            phone in proptest::collection::vec(record(), 0..12),
            server in proptest::collection::vec(record(), 0..12),
        ) {
            let (phone, server) = (list(phone), list(server));
            prop_assert_eq!(
                tvs_anchor(&phone, &server),
                tvs_anchor_reference(&phone, &server)
            );
        }
    }

    #[test]
    fn verdict_strings() {
        let all = [
            Verdict::Identical,
            Verdict::AcceptedSigner,
            Verdict::AcceptedTvs,
            Verdict::Rejected,
            Verdict::Different,
        ];
        let s: Vec<&str> = all.iter().map(|v| v.as_str()).collect();
        assert_eq!(
            s,
            [
                "identical",
                "accepted-signer",
                "accepted-tvs",
                "rejected",
                "different"
            ]
        );
        assert_eq!(all.map(Verdict::is_ok), [true, true, true, false, false]);
    }
}
