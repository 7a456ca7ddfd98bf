//! The difference between two trust lists: records added, removed and changed
//! (with which fields changed), whether the signer changed, and the files'
//! hashes. No judgement: whether a phone accepts the new file is the trust
//! decision's business ([`crate::decide`]).
//!
//! Records are paired first by (FUNCTION, issuer, serial), then by (FUNCTION,
//! subject): a regenerated certificate keeps its subject, so it shows as changed,
//! not as one record removed and another added. Names are compared attribute by
//! attribute ([`same_dn`]), so CUCM and RFC 4514 spellings match.

use std::collections::{HashMap, VecDeque};
use std::fmt;

use crate::digest::DigestAlgorithm;
use crate::dn::{attributes, same_dn};
use crate::fingerprint::{Fingerprints, hash};
use crate::header::Header;
use crate::keys::PublicKey;
use crate::record::Record;
use crate::role::Role;
use crate::trustlist::TrustList;

/// One record, as a diff or a trust decision reports it.
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
    /// The summary of `record`, the `index`-th (1-based) of its file.
    pub fn of(index: usize, record: &Record<'_>) -> Self {
        let (cert_hash, hash_from_certhash) = match record.certificate() {
            Some(der) => (hash(DigestAlgorithm::SHA1, der), false),
            None => (
                record.cert_hash().map(<[u8]>::to_vec),
                record.cert_hash().is_some(),
            ),
        };
        Self {
            index,
            role: record.function(),
            subject: record.subject_name().unwrap_or_default(),
            issuer: record.issuer_name().unwrap_or_default(),
            serial: record.serial_number().unwrap_or_default().to_vec(),
            cert_hash,
            hash_from_certhash,
        }
    }
}

/// A field of a record that differs between two files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ChangedField {
    /// The CERTIFICATE (or the CERTHASH standing for it).
    Certificate,
    /// The public key (PUBLICKEY, or the certificate's key).
    Key,
    /// SERIALNUMBER.
    Serial,
    /// ISSUERNAME (compared attribute by attribute).
    Issuer,
    /// DNSNAME.
    DnsName,
    /// IPADDRESS.
    IpAddress,
}

impl ChangedField {
    /// `certificate`, `key`, `serial`, `issuer`, `dns name`, `ip address`: a stable
    /// code (the one `compare --format json` prints).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Certificate => "certificate",
            Self::Key => "key",
            Self::Serial => "serial",
            Self::Issuer => "issuer",
            Self::DnsName => "dns name",
            Self::IpAddress => "ip address",
        }
    }
}

impl fmt::Display for ChangedField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A record present in both files under the same role and subject (or the same
/// role, issuer and serial) whose certificate, key or address changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordChange {
    /// The record in the old (phone's) file.
    pub old: RecordSummary,
    /// The record in the new (server's) file.
    pub new: RecordSummary,
    /// What differs, in the order of [`ChangedField`]; never empty.
    pub fields: Vec<ChangedField>,
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
    /// The signer `tl`'s header names.
    pub fn of(tl: &TrustList<'_>) -> Self {
        Self::of_header(tl.header())
    }

    pub(crate) fn of_header(h: &Header<'_>) -> Self {
        Self {
            name: h.signer_name().unwrap_or_default(),
            serial: h.signer_serial().unwrap_or_default().to_vec(),
            issuer: h.issuer_name().unwrap_or_default(),
        }
    }

    /// Whether both name the same certificate: same serial, and issuers equal
    /// attribute by attribute ([`same_dn`]).
    pub fn same_certificate_as(&self, other: &Self) -> bool {
        self.serial == other.serial && same_dn(&self.issuer, &other.issuer)
    }
}

/// What changed from an old trust list (the phone's) to a new one (the server's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustListDiff {
    /// Whether the files are byte for byte the same.
    pub identical: bool,
    /// Hashes of the old file.
    pub old_fingerprints: Fingerprints,
    /// Hashes of the new file.
    pub new_fingerprints: Fingerprints,
    /// Records only in the new file, in its order.
    pub added: Vec<RecordSummary>,
    /// Records only in the old file, in its order.
    pub removed: Vec<RecordSummary>,
    /// Records in both whose certificate, key or address changed, in the old
    /// file's order.
    pub changed: Vec<RecordChange>,
    /// The old file's signer.
    pub old_signer: SignerId,
    /// The new file's signer.
    pub new_signer: SignerId,
    /// Whether the header signer (serial and issuer) differs.
    pub signer_changed: bool,
}

impl TrustListDiff {
    /// Whether no record was added, removed or changed (the files may still
    /// differ in their header: signer, timestamp, signature).
    pub fn records_unchanged(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// The difference from `old` (the phone's file) to `new` (the server's).
///
/// ```
/// # let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../testvectors/own/ITLSEP0011215A1AE3-sbd-replica.tlv");
/// let bytes = std::fs::read(path)?;
/// let tl = itl_core::TrustList::parse(&bytes)?;
/// let d = itl_core::diff(&tl, &tl);
/// assert!(d.identical && d.records_unchanged() && !d.signer_changed);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn diff(old: &TrustList<'_>, new: &TrustList<'_>) -> TrustListDiff {
    let (added, removed, changed) = diff_records(old, new);
    let old_signer = SignerId::of(old);
    let new_signer = SignerId::of(new);
    TrustListDiff {
        identical: old.raw() == new.raw(),
        old_fingerprints: Fingerprints::of(old.raw()),
        new_fingerprints: Fingerprints::of(new.raw()),
        added,
        removed,
        changed,
        signer_changed: !old_signer.same_certificate_as(&new_signer),
        old_signer,
        new_signer,
    }
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

pub(crate) fn same_key(a: &Record<'_>, b: &Record<'_>) -> Option<bool> {
    if let (Some(x), Some(y)) = (a.public_key(), b.public_key()) {
        return Some(x == y);
    }
    match (PublicKey::of_record(a), PublicKey::of_record(b)) {
        (Ok(x), Ok(y)) => Some(x == y),
        _ => None,
    }
}

/// The paired records (phone index, server index) that differ, in the phone's
/// record order, with what differs.
fn changed_pairs(
    mut pairs: Vec<(usize, usize)>,
    p: &[Record<'_>],
    s: &[Record<'_>],
) -> Vec<RecordChange> {
    pairs.sort_unstable();
    pairs
        .into_iter()
        .filter_map(|(pi, si)| {
            let fields = differences(&p[pi], &s[si]);
            (!fields.is_empty()).then(|| RecordChange {
                old: RecordSummary::of(pi + 1, &p[pi]),
                new: RecordSummary::of(si + 1, &s[si]),
                fields,
            })
        })
        .collect()
}

/// What differs between two records taken as the same entry.
fn differences(a: &Record<'_>, b: &Record<'_>) -> Vec<ChangedField> {
    let mut what = Vec::new();
    // Records with neither CERTIFICATE nor CERTHASH (non-secure clusters write
    // such records) have no certificate to differ in.
    let no_certificate = |r: &Record<'_>| r.certificate().is_none() && r.cert_hash().is_none();
    if same_certificate(a, b) != Some(true) && !(no_certificate(a) && no_certificate(b)) {
        what.push(ChangedField::Certificate);
    }
    if same_key(a, b) == Some(false) {
        what.push(ChangedField::Key);
    }
    if a.serial_number() != b.serial_number() {
        what.push(ChangedField::Serial);
    }
    if !same_dn(
        &a.issuer_name().unwrap_or_default(),
        &b.issuer_name().unwrap_or_default(),
    ) {
        what.push(ChangedField::Issuer);
    }
    if a.dns_name() != b.dns_name() {
        what.push(ChangedField::DnsName);
    }
    if a.ip_address() != b.ip_address() {
        what.push(ChangedField::IpAddress);
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
    let changed = changed_pairs(pairs, p, s);
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

#[cfg(test)]
pub(crate) mod tests {
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
        let changed = changed_pairs(pairs, p, s);
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

    const CERTS: [&[u8]; 3] = [b"cert-a", b"cert-b", b"cert-c"];

    /// A record from small pools of values, so that records often share roles,
    /// names, serials, certificates and hashes (in both spellings of a DN).
    pub(crate) fn record() -> impl Strategy<Value = Record<'static>> {
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

    pub(crate) fn list(records: Vec<Record<'static>>) -> TrustList<'static> {
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
        assert_eq!(changed[0].fields, [ChangedField::IpAddress]);
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
        }
    }
}
