//! Phone versus server, both at once: what changed ([`crate::diff`]) and will the
//! phone accept the server's file ([`crate::decide`]).
//!
//! [`compare`] works on whole files; [`compare_hashes`] on the MD5 / SHA-1 a phone
//! shows, which can only say whether the files are the same.

use crate::decision::{Reason, TrustDecision, Verdict, decide};
use crate::diff::{SignerId, TrustListDiff, diff};
use crate::fingerprint::Fingerprints;
use crate::trustlist::TrustList;

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
    /// The server file's signer.
    pub server_signer: SignerId,
    /// What changed from the phone's file to the server's; `None` when only
    /// hashes of the phone's file are known.
    pub diff: Option<TrustListDiff>,
    /// What the phone will do, why, and what can be done.
    pub decision: TrustDecision,
}

impl Comparison {
    /// The verdict (`self.decision.verdict`).
    pub fn verdict(&self) -> Verdict {
        self.decision.verdict
    }
}

/// The hashes of a phone's trust list as read off the phone.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PhoneHashes {
    /// MD5, lower-case hex without separators.
    pub md5: Option<String>,
    /// SHA-1, lower-case hex without separators.
    pub sha1: Option<String>,
}

/// Compares the phone's trust list (and, if given, the phone's CTL, which adds to
/// what the phone trusts) with the server's file: [`diff`] and [`decide`].
///
/// ```
/// # let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../testvectors/own/ITLSEP0011215A1AE3-sbd-replica.tlv");
/// let bytes = std::fs::read(path)?;
/// let tl = itl_core::TrustList::parse(&bytes)?;
/// let c = itl_core::compare(&tl, None, &tl);
/// match c.decision.verdict {
///     itl_core::Verdict::Identical => assert!(c.identical),
///     other => panic!("{other}"),
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn compare(
    phone: &TrustList<'_>,
    phone_ctl: Option<&TrustList<'_>>,
    server: &TrustList<'_>,
) -> Comparison {
    let d = diff(phone, server);
    Comparison {
        identical: d.identical,
        phone_md5: Some(d.old_fingerprints.md5.clone()),
        phone_sha1: Some(d.old_fingerprints.sha1.clone()),
        server_md5: d.new_fingerprints.md5.clone(),
        server_sha1: d.new_fingerprints.sha1.clone(),
        server_signer: d.new_signer.clone(),
        decision: decide(phone, phone_ctl, server),
        diff: Some(d),
    }
}

/// Compares the hashes a phone shows with the server's file: identical or different.
pub fn compare_hashes(phone: &PhoneHashes, server: &TrustList<'_>) -> Comparison {
    let sf = Fingerprints::of(server.raw());
    let md5_ok = phone.md5.as_ref().is_none_or(|m| *m == sf.md5);
    let sha1_ok = phone.sha1.as_ref().is_none_or(|s| *s == sf.sha1);
    let given = phone.md5.is_some() || phone.sha1.is_some();
    let identical = given && md5_ok && sha1_ok;
    let kind = server.kind();
    let decision = TrustDecision {
        kind,
        verdict: if identical {
            Verdict::Identical
        } else {
            Verdict::Different
        },
        trusted_by: None,
        phone_signed_by: None,
        reason: (!identical).then_some(Reason::HashesDiffer {
            kind,
            md5: phone.md5.is_some(),
            sha1: phone.sha1.is_some(),
        }),
        remedies: Vec::new(),
    };
    Comparison {
        identical,
        phone_md5: phone.md5.clone(),
        phone_sha1: phone.sha1.clone(),
        server_md5: sf.md5,
        server_sha1: sf.sha1,
        server_signer: SignerId::of(server),
        diff: None,
        decision,
    }
}
