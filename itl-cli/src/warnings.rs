//! Warnings `show` prints under the table: things that parse but that a phone or an
//! administrator would trip over (expired or weak certificates, records whose fields
//! disagree with their certificate, files phones refuse, unknown elements).
//!
//! These are computed here from the parsed file and `x509-parser`; the file signature
//! itself is reported separately by `show`.

use itl_core::{DigestAlgorithm, Record, TrustList, tag::RecordTag};

use crate::certinfo::{parse_certificate, public_key_description};
use crate::timefmt;

/// Phones refuse ITL/CTL files larger than this (FORMAT-NOTES, "What people compare").
pub const PHONE_MAX_FILE: usize = 64 * 1024;

/// `record 3 (TVS)`.
pub fn record_label(index: usize, r: &Record<'_>) -> String {
    match r.function() {
        Some(f) => format!("record {index} ({f})"),
        None => format!("record {index}"),
    }
}

/// `record 3 (TVS) CUCM8-Publisher.bbbburns.lab`: the label and the CN of SUBJECTNAME.
pub fn record_label_cn(index: usize, r: &Record<'_>) -> String {
    let label = record_label(index, r);
    match r
        .subject_name()
        .and_then(|s| itl_core::dn::common_name(&s).or(Some(s)))
        .filter(|s| !s.is_empty())
    {
        Some(cn) => format!("{label} {cn}"),
        None => label,
    }
}

/// Every warning for `tl`, in file order; `now` is the Unix time validity is checked
/// against.
pub fn warnings(tl: &TrustList<'_>, now: i64) -> Vec<String> {
    let mut w = Vec::new();
    let size = tl.raw().len();
    if size > PHONE_MAX_FILE {
        w.push(format!(
            "the file is {size} bytes; phones refuse trust lists over {PHONE_MAX_FILE} bytes (about 39 certificates)"
        ));
    }
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
        record_warnings(i + 1, r, now, ec_allowed, &mut w);
    }
    w
}

fn record_warnings(index: usize, r: &Record<'_>, now: i64, ec_allowed: bool, w: &mut Vec<String>) {
    let label = record_label_cn(index, r);
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
    if r.cert_hash().is_some() {
        match r.hash_algorithm() {
            None => w.push(format!("{label}: CERTHASH without a 1-byte HASH ALGORITHM")),
            Some(DigestAlgorithm(c)) if DigestAlgorithm(c).name().is_none() => {
                w.push(format!("{label}: CERTHASH uses unknown hash algorithm {c}"));
            }
            Some(_) => {}
        }
    }
    let mut key = r
        .public_key()
        .and_then(public_key_description)
        .map(|(k, _)| k);
    if let Some(der) = r.certificate() {
        match parse_certificate(der) {
            Err(e) => w.push(format!("{label}: {e}")),
            Ok(c) => {
                if c.not_after < now {
                    w.push(format!(
                        "{label}: certificate expired on {}",
                        timefmt::date(c.not_after)
                    ));
                }
                if c.not_before > now {
                    w.push(format!(
                        "{label}: certificate not valid before {}",
                        timefmt::date(c.not_before)
                    ));
                }
                if let Some(pk) = r.public_key() {
                    let same = c.public_key == pk;
                    if !same {
                        w.push(format!(
                            "{label}: PUBLICKEY differs from the certificate's key"
                        ));
                    }
                }
                if let Some(serial) = r.serial_number() {
                    let trimmed = match serial.iter().position(|&b| b != 0) {
                        Some(i) => &serial[i..],
                        None => &[0][..],
                    };
                    if trimmed != c.serial.as_slice() {
                        w.push(format!(
                            "{label}: SERIALNUMBER differs from the certificate's serial"
                        ));
                    }
                }
                key = Some(c.key);
            }
        }
    }
    if let Some(k) = key {
        if let Some(bits) = k.strip_prefix("RSA ").and_then(|b| b.parse::<u32>().ok())
            && bits < 2048
        {
            w.push(format!(
                "{label}: RSA {bits}-bit key; 2048 bits or more is recommended"
            ));
        }
        if k.starts_with("EC") && !ec_allowed {
            w.push(format!(
                "{label}: {k} key, but the header has no SIGNER VERSION 1.1 or later, which tells phones they may use EC keys"
            ));
        }
    }
}
