//! The failures and warnings `show` lists under the table, worded.
//!
//! Certificate checks and warnings (expired, weak or SHA-1-signed certificates,
//! records disagreeing with their certificate, files over 64 KiB) come from
//! [`crate::check_certificates`]; this adds what the structure shows (unknown tags
//! and FUNCTION codes, a SIGNATUREMODULUS that disagrees with the SIGNATURE, EC
//! keys without SIGNER VERSION 1.1) and puts everything in file order.
//!
//! Failures (the file signature, record checks that fail) are kept apart from
//! warnings: `show` lists them under *Failures* and exits 1.

use crate::certcheck::CertReport;
use crate::digest::DigestAlgorithm;
use crate::record::Record;
use crate::tag::RecordTag;
use crate::trustlist::TrustList;
use crate::verify::{SignatureError, SignatureReport};

use super::certinfo::record_key;
use super::words::{CheckText, WarningText};

/// `record 3 (TVS)`.
pub(crate) fn record_label(index: usize, r: &Record<'_>) -> String {
    match r.function() {
        Some(f) => format!("record {index} ({f})"),
        None => format!("record {index}"),
    }
}

/// `record 3 (TVS) CUCM8-Publisher.bbbburns.lab`: the label and the CN of SUBJECTNAME.
pub(crate) fn record_label_cn(index: usize, r: &Record<'_>) -> String {
    let label = record_label(index, r);
    match r
        .subject_name()
        .and_then(|s| crate::dn::common_name(&s).or(Some(s)))
        .filter(|s| !s.is_empty())
    {
        Some(cn) => format!("{label} {cn}"),
        None => label,
    }
}

/// Every warning for `tl`, in file order; `report` is its certificate report.
pub(crate) fn warnings(tl: &TrustList<'_>, report: &CertReport) -> Vec<String> {
    let mut w: Vec<String> = report
        .warnings
        .iter()
        .map(|x| WarningText(x).to_string())
        .collect();
    let h = tl.header();
    if let (Some(bits), Some(sig)) = (h.modulus_bits(), h.signature())
        && usize::try_from(bits / 8).ok() != Some(sig.len())
    {
        w.push(format!(
            "header: SIGNATUREMODULUS names {bits}-bit keys but SIGNATURE has {} bytes",
            sig.len()
        ));
    }
    for e in h.unknown_elements() {
        w.push(format!(
            "header: unknown tag {} ({} bytes) at byte {}, kept as is",
            e.tag(),
            e.content_len(),
            e.offset()
        ));
    }
    let ec_allowed = h.signer_version().is_some_and(|v| v >= (1, 1));
    for (i, r) in tl.records().iter().enumerate() {
        let label = record_label_cn(i + 1, r);
        structure_warnings(&label, r, ec_allowed, &mut w);
        if let Some(rc) = report.records.get(i) {
            for x in &rc.warnings {
                w.push(format!("{label}: {}", WarningText(x)));
            }
        }
    }
    w
}

/// Every failure for `tl`, in file order: the file signature when it does not
/// verify (or is missing), then each record check that failed. `signature` is
/// what [`crate::verify_signature`] returned for `tl`, `report` its certificate
/// report. A file with a failure is one a phone refuses; `show` exits 1 for it.
pub(crate) fn failures(
    tl: &TrustList<'_>,
    report: &CertReport,
    signature: &Result<SignatureReport, SignatureError>,
) -> Vec<String> {
    let mut f = Vec::new();
    match signature {
        Ok(_) => {}
        Err(SignatureError::NoSignature) => {
            f.push(
                "signature: the file is unsigned (the header has no SIGNATURE element)".to_owned(),
            );
        }
        Err(e) => f.push(format!("signature: does not verify: {e}")),
    }
    for (i, (r, rc)) in tl.records().iter().zip(&report.records).enumerate() {
        let label = record_label_cn(i + 1, r);
        for c in rc.checks.iter().filter(|c| !c.passed) {
            f.push(format!(
                "{label}: {} check failed: {}",
                c.name(),
                CheckText(c)
            ));
        }
    }
    f
}

fn structure_warnings(label: &str, r: &Record<'_>, ec_allowed: bool, w: &mut Vec<String>) {
    match r.function() {
        None if r.get(RecordTag::FUNCTION).is_some() => {
            w.push(format!("{label}: FUNCTION is not 2 bytes"));
        }
        None => w.push(format!("{label}: no FUNCTION element")),
        Some(f) if f.cucm_text().is_none() => {
            w.push(format!("{label}: unknown FUNCTION code {}", f.code()));
        }
        Some(_) => {}
    }
    for e in r.unknown_elements() {
        w.push(format!(
            "{label}: unknown tag {} ({} bytes) at byte {}, kept as is",
            e.tag(),
            e.content_len(),
            e.offset()
        ));
    }
    // With a CERTIFICATE, certcheck judges CERTHASH against it.
    if r.cert_hash().is_some() && r.certificate().is_none() {
        match r.hash_algorithm() {
            None => w.push(format!("{label}: CERTHASH without a 1-byte HASH ALGORITHM")),
            Some(DigestAlgorithm(c)) if DigestAlgorithm(c).name().is_none() => {
                w.push(format!("{label}: CERTHASH uses unknown hash algorithm {c}"));
            }
            Some(_) => {}
        }
    }
    if let Some(k) = record_key(r)
        && k.starts_with("EC")
        && !ec_allowed
    {
        w.push(format!(
            "{label}: {k} key, but the header has no SIGNER VERSION 1.1 or later, which tells phones they may use EC keys"
        ));
    }
}
