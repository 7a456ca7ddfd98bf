//! Phone versus server: is the phone's trust list the server's, what changed, and
//! will the phone accept the server's file?
//!
//! The verdict follows the phone's rules (FORMAT-NOTES, "How a phone decides to trust
//! a new ITL/CTL"):
//!
//! 1. a new file is accepted when it is signed by a certificate the phone already
//!    trusts as a SAST, CCM+TFTP or TFTP entry of its current ITL or CTL — checked
//!    here by verifying the server file's signature with each such entry's key;
//! 2. otherwise the phone asks a TVS server listed in its ITL, and trusts the answer
//!    only if that server's certificate matches the TVS entry's hash in its current
//!    ITL — checked here by comparing the TVS entries of both files;
//! 3. otherwise the phone refuses the file and all signed configuration until its
//!    ITL is deleted (or the cluster signs with a key the phone trusts again).
//!
//! [`compare`] works on whole files; [`compare_hashes`] on the MD5 / SHA-1 a phone
//! shows, which can only say whether the files are the same.

use std::collections::{HashMap, VecDeque};
use std::fmt;

use crate::digest::DigestAlgorithm;
use crate::dn::{attributes, common_name, same_dn};
use crate::fingerprint::{Fingerprints, hash};
use crate::keys::PublicKey;
use crate::record::Record;
use crate::role::Role;
use crate::text::printable;
use crate::trustlist::{FileKind, TrustList};
use crate::verify::{TrustAnchor, verify_signature, verify_with_trust};

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

/// One record, as the comparison reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordSummary {
    /// 1-based position in its file.
    pub index: usize,
    /// FUNCTION, if the record has a 2-byte one.
    pub role: Option<Role>,
    /// SUBJECTNAME as stored.
    pub subject: String,
    /// ISSUERNAME as stored.
    pub issuer: String,
    /// SERIALNUMBER bytes.
    pub serial: Vec<u8>,
    /// SHA-1 of the CERTIFICATE, or else the CERTHASH value (see `hash_from_certhash`).
    pub cert_hash: Option<Vec<u8>>,
    /// Whether `cert_hash` is the record's CERTHASH rather than a hash of a CERTIFICATE.
    pub hash_from_certhash: bool,
}

impl RecordSummary {
    pub(crate) fn of(index: usize, r: &Record<'_>) -> Self {
        let (cert_hash, hash_from_certhash) = match r.certificate() {
            Some(der) => (hash(DigestAlgorithm::SHA1, der), false),
            None => (r.cert_hash().map(<[u8]>::to_vec), r.cert_hash().is_some()),
        };
        Self {
            index,
            role: r.function(),
            subject: r.subject_name().unwrap_or_default(),
            issuer: r.issuer_name().unwrap_or_default(),
            serial: r.serial_number().unwrap_or_default().to_vec(),
            cert_hash,
            hash_from_certhash,
        }
    }

    /// `record 3 (TVS) CUCM8-Publisher.bbbburns.lab`.
    pub fn label(&self) -> String {
        let mut s = format!("record {}", self.index);
        if let Some(r) = self.role {
            s.push_str(&format!(" ({r})"));
        }
        let cn = common_name(&self.subject).unwrap_or_else(|| self.subject.clone());
        if !cn.is_empty() {
            s.push(' ');
            s.push_str(&printable(&cn));
        }
        s
    }
}

/// A record present in both files under the same role and subject (or the same
/// role, issuer and serial) whose certificate, key or address changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordChange {
    /// The record in the phone's file.
    pub old: RecordSummary,
    /// The record in the server's file.
    pub new: RecordSummary,
    /// What differs: `certificate`, `key`, `serial`, `issuer`, `dns name`,
    /// `ip address`.
    pub what: Vec<&'static str>,
}

/// The signer a header names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignerId {
    /// SIGNERNAME.
    pub name: String,
    /// Header SERIALNUMBER.
    pub serial: Vec<u8>,
    /// CANAME.
    pub issuer: String,
}

impl SignerId {
    pub(crate) fn of(tl: &TrustList<'_>) -> Self {
        Self::of_header(tl.header())
    }

    pub(crate) fn of_header(h: &crate::header::Header<'_>) -> Self {
        Self {
            name: h.signer_name().unwrap_or_default(),
            serial: h.signer_serial().unwrap_or_default().to_vec(),
            issuer: h.issuer_name().unwrap_or_default(),
        }
    }

    fn same(&self, other: &Self) -> bool {
        self.serial == other.serial && same_dn(&self.issuer, &other.issuer)
    }

    /// `CUCM8-Publisher.bbbburns.lab (serial 20d4…)`.
    pub fn describe(&self) -> String {
        let cn = common_name(&self.name).unwrap_or_else(|| self.name.clone());
        format!("{} (serial {})", printable(&cn), hex::encode(&self.serial))
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

/// The result of comparing the phone's trust list with the server's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    /// Whether the files are byte for byte the same (or the given hashes match).
    pub identical: bool,
    /// MD5 of the phone's file (lower-case hex), if known.
    pub phone_md5: Option<String>,
    /// SHA-1 of the phone's file, if known.
    pub phone_sha1: Option<String>,
    /// MD5 of the server's file.
    pub server_md5: String,
    /// SHA-1 of the server's file.
    pub server_sha1: String,
    /// Records only in the server's file.
    pub added: Vec<RecordSummary>,
    /// Records only in the phone's file.
    pub removed: Vec<RecordSummary>,
    /// Records in both whose certificate, key or address changed.
    pub changed: Vec<RecordChange>,
    /// Whether the header signer (serial and issuer) differs; `false` when only
    /// hashes of the phone's file are known.
    pub signer_changed: bool,
    /// The phone file's signer, when the file was given.
    pub phone_signer: Option<SignerId>,
    /// The server file's signer.
    pub server_signer: SignerId,
    /// What the phone will do.
    pub verdict: Verdict,
    /// The phone entry that makes it accept the file, for the accepted verdicts.
    pub trusted_by: Option<TrustedBy>,
    /// Why, in sentences.
    pub explanation: String,
    /// What can be done when the phone refuses the file (empty otherwise).
    pub remedies: Vec<String>,
}

/// The hashes of a phone's trust list as read off the phone.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PhoneHashes {
    /// MD5, lower-case hex without separators.
    pub md5: Option<String>,
    /// SHA-1, lower-case hex without separators.
    pub sha1: Option<String>,
}

/// Record identity for matching: role, issuer attributes (sorted, so CUCM and
/// RFC 4514 spellings agree) and serial.
type Key = (Option<u16>, Vec<(String, String)>, Vec<u8>);

/// Role and subject attributes (sorted): equal exactly when the roles are and
/// [`same_dn`] holds for the subjects.
type SubjectKey = (Option<u16>, Vec<(String, String)>);

fn subject_key(r: &Record<'_>) -> SubjectKey {
    let mut subject = attributes(&r.subject_name().unwrap_or_default());
    subject.sort();
    (r.function().map(Role::code), subject)
}

fn key_of(r: &Record<'_>) -> Key {
    let mut issuer = attributes(&r.issuer_name().unwrap_or_default());
    issuer.sort();
    (
        r.function().map(Role::code),
        issuer,
        r.serial_number().unwrap_or_default().to_vec(),
    )
}

/// Whether two records hold the same certificate: `Some(true/false)` when it can be
/// told (both certificates, a certificate and a hash of it, or two hashes of the same
/// algorithm), `None` otherwise.
pub fn same_certificate(a: &Record<'_>, b: &Record<'_>) -> Option<bool> {
    let hash_alg = |r: &Record<'_>| r.hash_algorithm().unwrap_or(DigestAlgorithm::SHA1);
    match (a.certificate(), b.certificate()) {
        (Some(x), Some(y)) => Some(x == y),
        (Some(cert), None) => {
            let h = b.cert_hash()?;
            Some(hash(hash_alg(b), cert)?.as_slice() == h)
        }
        (None, Some(cert)) => {
            let h = a.cert_hash()?;
            Some(hash(hash_alg(a), cert)?.as_slice() == h)
        }
        (None, None) => {
            let (x, y) = (a.cert_hash()?, b.cert_hash()?);
            (hash_alg(a) == hash_alg(b)).then_some(x == y)
        }
    }
}

fn same_key(a: &Record<'_>, b: &Record<'_>) -> Option<bool> {
    if let (Some(x), Some(y)) = (a.public_key(), b.public_key()) {
        return Some(x == y);
    }
    match (PublicKey::of_record(a), PublicKey::of_record(b)) {
        (Ok(x), Ok(y)) => Some(x == y),
        _ => None,
    }
}

/// What differs between two records taken as the same entry.
fn differences(a: &Record<'_>, b: &Record<'_>) -> Vec<&'static str> {
    let mut what = Vec::new();
    // Records with neither CERTIFICATE nor CERTHASH (non-secure clusters write
    // such records) have no certificate to differ in.
    let no_certificate = |r: &Record<'_>| r.certificate().is_none() && r.cert_hash().is_none();
    if same_certificate(a, b) != Some(true) && !(no_certificate(a) && no_certificate(b)) {
        what.push("certificate");
    }
    if same_key(a, b) == Some(false) {
        what.push("key");
    }
    if a.serial_number() != b.serial_number() {
        what.push("serial");
    }
    if !same_dn(
        &a.issuer_name().unwrap_or_default(),
        &b.issuer_name().unwrap_or_default(),
    ) {
        what.push("issuer");
    }
    if a.dns_name() != b.dns_name() {
        what.push("dns name");
    }
    if a.ip_address() != b.ip_address() {
        what.push("ip address");
    }
    what
}

/// Record-level differences: `(added, removed, changed)`.
///
/// Each phone record, in file order, is paired with the first server record not
/// yet paired that has the same role, issuer and serial; the rest, in the same
/// way, by role and subject (a regenerated certificate). Lookups go through hash
/// maps so that files with very many records take linear time.
fn diff_records(
    phone: &TrustList<'_>,
    server: &TrustList<'_>,
) -> (Vec<RecordSummary>, Vec<RecordSummary>, Vec<RecordChange>) {
    let (p, s) = (phone.records(), server.records());
    let mut phone_paired = vec![false; p.len()];
    let mut server_paired = vec![false; s.len()];
    let mut pairs = Vec::new();
    // 1. Same role, issuer and serial.
    let mut by_key: HashMap<Key, VecDeque<usize>> = HashMap::new();
    for (j, r) in s.iter().enumerate() {
        by_key.entry(key_of(r)).or_default().push_back(j);
    }
    for (i, r) in p.iter().enumerate() {
        if let Some(j) = by_key.get_mut(&key_of(r)).and_then(VecDeque::pop_front) {
            pairs.push((i, j));
            phone_paired[i] = true;
            server_paired[j] = true;
        }
    }
    // 2. Same role and subject: the certificate was regenerated.
    let mut by_subject: HashMap<SubjectKey, VecDeque<usize>> = HashMap::new();
    for (j, r) in s.iter().enumerate() {
        if !server_paired[j] {
            by_subject.entry(subject_key(r)).or_default().push_back(j);
        }
    }
    for (i, r) in p.iter().enumerate() {
        if phone_paired[i] || r.subject_name().unwrap_or_default().is_empty() {
            continue;
        }
        if let Some(j) = by_subject
            .get_mut(&subject_key(r))
            .and_then(VecDeque::pop_front)
        {
            pairs.push((i, j));
            phone_paired[i] = true;
            server_paired[j] = true;
        }
    }
    pairs.sort_unstable();
    let changed = pairs
        .into_iter()
        .filter_map(|(pi, si)| {
            let what = differences(&p[pi], &s[si]);
            (!what.is_empty()).then(|| RecordChange {
                old: RecordSummary::of(pi + 1, &p[pi]),
                new: RecordSummary::of(si + 1, &s[si]),
                what,
            })
        })
        .collect();
    let unpaired = |records: &[Record<'_>], paired: &[bool]| -> Vec<RecordSummary> {
        records
            .iter()
            .enumerate()
            .filter(|&(j, _)| !paired[j])
            .map(|(j, r)| RecordSummary::of(j + 1, r))
            .collect()
    };
    (
        unpaired(s, &server_paired),
        unpaired(p, &phone_paired),
        changed,
    )
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
/// file order, ITL before CTL).
fn signer_anchor(
    phone: &TrustList<'_>,
    phone_ctl: Option<&TrustList<'_>>,
    server: &TrustList<'_>,
) -> Option<TrustedBy> {
    // Every candidate key at once, so that the server file is hashed once.
    let mut keys = Vec::new();
    let mut entries = Vec::new();
    let files = [(FileKind::Itl, Some(phone)), (FileKind::Ctl, phone_ctl)];
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

/// What an administrator can do when the phone refuses the server's file.
fn remedies(phone: &TrustList<'_>, server: &TrustList<'_>, kind: &str) -> Vec<String> {
    let mut out = Vec::new();
    let recovery = phone
        .records()
        .iter()
        .enumerate()
        .find(|(_, r)| is_itl_recovery(r));
    if let Some((i, r)) = recovery {
        let label = RecordSummary::of(i + 1, r).label();
        let server_has = server.records().iter().any(|s| {
            s.function() == Some(Role::SAST)
                && (same_certificate(r, s) == Some(true) || same_key(r, s) == Some(true))
        });
        if server_has {
            out.push(format!(
                "ITL recovery: the phone's {kind} holds the ITLRecovery entry {label}, and the server's file still has that certificate. On the publisher (CUCM 10 or later) run `utils itl reset localkey` (or `remotekey`), restart the TFTP service and reset the phones: the reset {kind} is signed with the ITLRecovery key, which the phone trusts."
            ));
        } else {
            out.push(format!(
                "ITL recovery is not possible: the phone's ITLRecovery entry ({label}) is not in the server's file, so the server no longer has that key."
            ));
        }
    }
    out.push(format!(
        "Restore the old CallManager certificate and key, which signed the phone's {kind} ({}), from a backup (DRS restore) so that the server signs with a key the phone trusts again.",
        SignerId::of(phone).describe()
    ));
    out.push(format!(
        "Delete the {kind} on each phone by hand (Settings > Security > Trust List > {kind} File > Erase, or a factory reset); the phone then trusts the first {kind} it downloads."
    ));
    out
}

/// Compares the phone's trust list (and, if given, the phone's CTL, which adds to
/// what the phone trusts) with the server's file.
pub fn compare(
    phone: &TrustList<'_>,
    phone_ctl: Option<&TrustList<'_>>,
    server: &TrustList<'_>,
) -> Comparison {
    let pf = Fingerprints::of(phone.raw());
    let sf = Fingerprints::of(server.raw());
    let kind = server.kind().as_str();
    let identical = phone.raw() == server.raw();
    let (added, removed, changed) = diff_records(phone, server);
    let phone_signer = SignerId::of(phone);
    let server_signer = SignerId::of(server);
    let signer_changed = !phone_signer.same(&server_signer);
    let mut trusted_by = None;
    let mut fixes = Vec::new();
    let (verdict, explanation) = if identical {
        (
            Verdict::Identical,
            format!("The phone has the server's {kind} (same MD5 and SHA-1): nothing to do."),
        )
    } else {
        match verify_signature(server) {
            Err(e) => {
                fixes.push(format!(
                    "Fix the server's {kind} first: regenerate it (for the ITL, restart the TFTP service; for a tokenless CTL, `utils ctl update CTLFile`) and compare again."
                ));
                (
                    Verdict::Rejected,
                    format!(
                        "The server's {kind} does not verify with its own signer ({e}); the phone refuses it whatever it trusts."
                    ),
                )
            }
            Ok(_) => {
                if let Some(anchor) = signer_anchor(phone, phone_ctl, server) {
                    let why = format!(
                        "The server's {kind} is signed by {}, whose key is in the phone's {} as {}: the phone verifies the new file itself and accepts it.",
                        server_signer.describe(),
                        anchor.file.as_str(),
                        anchor.record.label()
                    );
                    trusted_by = Some(anchor);
                    (Verdict::AcceptedSigner, why)
                } else if let Some(anchor) = tvs_anchor(phone, server) {
                    let server_tvs = anchor
                        .server_record
                        .as_ref()
                        .map(RecordSummary::label)
                        .unwrap_or_default();
                    let why = format!(
                        "The phone does not know the signer of the server's {kind}, {}, so it asks its TVS server. The TVS entry of the phone's ITL ({}) matches the server's TVS entry ({server_tvs}): the TVS server still presents a certificate the phone trusts, and it can vouch for the new signer. The phone accepts the file.",
                        server_signer.describe(),
                        anchor.record.label()
                    );
                    trusted_by = Some(anchor);
                    (Verdict::AcceptedTvs, why)
                } else {
                    fixes = remedies(phone, server, kind);
                    (
                        Verdict::Rejected,
                        format!(
                            "The server's {kind} is signed by {}, which is not a SAST, CCM+TFTP or TFTP entry of the phone's ITL{}, and no TVS entry of the phone's ITL matches a TVS entry of the server's file, so the TVS server cannot vouch for it. The phone refuses the file and all signed configuration.",
                            server_signer.describe(),
                            if phone_ctl.is_some() { " or CTL" } else { "" }
                        ),
                    )
                }
            }
        }
    };
    Comparison {
        identical,
        phone_md5: Some(pf.md5),
        phone_sha1: Some(pf.sha1),
        server_md5: sf.md5,
        server_sha1: sf.sha1,
        added,
        removed,
        changed,
        signer_changed,
        phone_signer: Some(phone_signer),
        server_signer,
        verdict,
        trusted_by,
        explanation,
        remedies: fixes,
    }
}

/// Compares the hashes a phone shows with the server's file: identical or different.
pub fn compare_hashes(phone: &PhoneHashes, server: &TrustList<'_>) -> Comparison {
    let sf = Fingerprints::of(server.raw());
    let kind = server.kind().as_str();
    let md5_ok = phone.md5.as_ref().is_none_or(|m| *m == sf.md5);
    let sha1_ok = phone.sha1.as_ref().is_none_or(|s| *s == sf.sha1);
    let given = phone.md5.is_some() || phone.sha1.is_some();
    let identical = given && md5_ok && sha1_ok;
    let shown = match (&phone.md5, &phone.sha1) {
        (Some(_), Some(_)) => "MD5 and SHA-1",
        (Some(_), None) => "MD5",
        _ => "SHA-1",
    };
    let (verdict, explanation) = if identical {
        (
            Verdict::Identical,
            format!("The {shown} the phone shows is the server's {kind}'s: the phone has it."),
        )
    } else {
        (
            Verdict::Different,
            format!(
                "The {shown} the phone shows differs from the server's {kind}: the phone has another file. Whether it will accept the server's depends on what its current {kind} trusts; give the phone's file instead of its hash for a trust verdict."
            ),
        )
    };
    Comparison {
        identical,
        phone_md5: phone.md5.clone(),
        phone_sha1: phone.sha1.clone(),
        server_md5: sf.md5,
        server_sha1: sf.sha1,
        added: Vec::new(),
        removed: Vec::new(),
        changed: Vec::new(),
        signer_changed: false,
        phone_signer: None,
        server_signer: SignerId::of(server),
        verdict,
        trusted_by: None,
        explanation,
        remedies: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::element::Element;
    use crate::header::Header;
    use proptest::prelude::*;

    /// The record diff as first written (quadratic): the reference the indexed
    /// version must agree with.
    fn diff_records_reference(
        phone: &TrustList<'_>,
        server: &TrustList<'_>,
    ) -> (Vec<RecordSummary>, Vec<RecordSummary>, Vec<RecordChange>) {
        let (p, s) = (phone.records(), server.records());
        let mut p_left: Vec<usize> = (0..p.len()).collect();
        let mut s_left: Vec<usize> = (0..s.len()).collect();
        let mut pairs = Vec::new();
        let mut i = 0;
        while i < p_left.len() {
            let k = key_of(&p[p_left[i]]);
            if let Some(j) = s_left.iter().position(|&sj| key_of(&s[sj]) == k) {
                pairs.push((p_left.remove(i), s_left.remove(j)));
            } else {
                i += 1;
            }
        }
        let mut i = 0;
        while i < p_left.len() {
            let a = &p[p_left[i]];
            let subject = a.subject_name().unwrap_or_default();
            let found = s_left.iter().position(|&sj| {
                let b = &s[sj];
                b.function() == a.function()
                    && !subject.is_empty()
                    && same_dn(&b.subject_name().unwrap_or_default(), &subject)
            });
            if let Some(j) = found {
                pairs.push((p_left.remove(i), s_left.remove(j)));
            } else {
                i += 1;
            }
        }
        pairs.sort_unstable();
        let changed = pairs
            .into_iter()
            .filter_map(|(pi, si)| {
                let what = differences(&p[pi], &s[si]);
                (!what.is_empty()).then(|| RecordChange {
                    old: RecordSummary::of(pi + 1, &p[pi]),
                    new: RecordSummary::of(si + 1, &s[si]),
                    what,
                })
            })
            .collect();
        let added = s_left
            .iter()
            .map(|&j| RecordSummary::of(j + 1, &s[j]))
            .collect();
        let removed = p_left
            .iter()
            .map(|&j| RecordSummary::of(j + 1, &p[j]))
            .collect();
        (added, removed, changed)
    }

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

    const CERTS: [&[u8]; 3] = [b"cert-a", b"cert-b", b"cert-c"];

    /// A record from small pools of values, so that records often share roles,
    /// names, serials, certificates and hashes (in both spellings of a DN).
    fn record() -> impl Strategy<Value = Record<'static>> {
        let text =
            |pool: &'static [&'static str]| proptest::option::of(proptest::sample::select(pool));
        let hashes: Vec<Vec<u8>> = CERTS
            .iter()
            .flat_map(|c| {
                [DigestAlgorithm::SHA1, DigestAlgorithm::SHA256]
                    .into_iter()
                    .filter_map(|a| hash(a, c))
            })
            .chain([vec![0u8; 20]])
            .collect();
        (
            proptest::option::of(proptest::sample::select(vec![0u16, 1, 2, 4, 21, 21, 21])),
            text(&["CN=a;O=x", "O=x,CN=a", "CN=b;O=x", "", " "]),
            text(&["CN=ca;O=x", "O=x,CN=ca", "CN=other"]),
            proptest::option::of(proptest::sample::select(vec![
                vec![1u8],
                vec![2],
                vec![0, 1],
            ])),
            proptest::option::of(proptest::sample::select(CERTS.to_vec())),
            proptest::option::of(proptest::sample::select(hashes)),
            proptest::option::of(proptest::sample::select(vec![1u8, 2, 3, 9])),
            proptest::option::of(proptest::sample::select(vec!["h1", "h2"])),
        )
            .prop_map(
                |(function, subject, issuer, serial, cert, certhash, alg, dns)| {
                    let nul = |t: &str| [t.as_bytes(), b"\0"].concat();
                    let mut els = vec![Element::new_value(1, vec![0, 0])];
                    if let Some(d) = dns {
                        els.push(Element::new_value(2, nul(d)));
                    }
                    if let Some(t) = subject {
                        els.push(Element::new_value(3, nul(t)));
                    }
                    if let Some(f) = function {
                        els.push(Element::new_value(4, f.to_be_bytes().to_vec()));
                    }
                    if let Some(t) = issuer {
                        els.push(Element::new_value(5, nul(t)));
                    }
                    if let Some(v) = serial {
                        els.push(Element::new_value(6, v));
                    }
                    if let Some(c) = cert {
                        els.push(Element::new_value(9, c.to_vec()));
                    }
                    if let Some(h) = certhash {
                        els.push(Element::new_value(11, h));
                    }
                    if let Some(a) = alg {
                        els.push(Element::new_value(12, vec![a]));
                    }
                    Record::from_elements(els)
                },
            )
    }

    fn list(records: Vec<Record<'static>>) -> TrustList<'static> {
        let header = Header::from_elements(vec![
            Element::new_value(1, vec![1, 2]),
            Element::new_value(2, vec![0, 0]),
        ]);
        let bytes = crate::EditableTrustList::new(header, records)
            .to_bytes_fixed()
            .expect("small lists fit");
        TrustList::parse(&bytes)
            .expect("built list parses")
            .into_owned()
    }

    #[test]
    fn records_without_certificates_are_not_changed() {
        // A non-secure CUCM record: RECORDLENGTH, DNSNAME, FUNCTION, IPADDRESS.
        let record = |ip: u8| {
            Record::from_elements(vec![
                Element::new_value(1, vec![0, 33]),
                Element::new_value(2, b"cucm-pub\0".to_vec()),
                Element::new_value(4, vec![0, 2]),
                Element::new_value(10, vec![10, 0, 0, ip]),
            ])
        };
        let phone = list(vec![record(5), record(6)]);
        let (added, removed, changed) = diff_records(&phone, &phone.clone());
        assert!(
            added.is_empty() && removed.is_empty(),
            "{added:?} {removed:?}"
        );
        assert!(changed.is_empty(), "{changed:?}");
        // A different address is still a change, and only that.
        let server = list(vec![record(5), record(7)]);
        let (_, _, changed) = diff_records(&phone, &server);
        assert_eq!(changed.len(), 1);
        assert_eq!(changed[0].what, ["ip address"]);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn indexed_matching_agrees_with_the_pairwise_reference(
            phone in proptest::collection::vec(record(), 0..12),
            server in proptest::collection::vec(record(), 0..12),
        ) {
            let (phone, server) = (list(phone), list(server));
            prop_assert_eq!(
                diff_records(&phone, &server),
                diff_records_reference(&phone, &server)
            );
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
