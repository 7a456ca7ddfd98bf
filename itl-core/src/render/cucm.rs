//! `itltool show --format cucm`: the layout of CUCM's `show itl` / `show ctl`, line
//! for line, so the output can be compared with what the server prints.
//!
//! The layout follows CUCM 10 output quoted in Cisco's notes (see FORMAT-NOTES, "What
//! people compare"): tab-separated `BYTEPOS TAG LENGTH VALUE` rows whose first column is
//! the tag number; containers and RECORDLENGTH as LENGTH 2 with the u16 as VALUE;
//! serials as upper-case colon-separated hex; CERTIFICATE as its SHA-1; the file
//! SIGNATURE dumped as lower-case hex, 8 bytes a line; elements CUCM prints without a
//! value (PUBLICKEY, FILENAME, TIMESTAMP, IPADDRESS, …) without one.

use std::io::{self, Write};

use crate::certcheck::check_certificates;
use crate::digest::DigestAlgorithm;
use crate::element::Element;
use crate::fingerprint::{md5_hex, sha1_hex};
use crate::header::Header;
use crate::record::Record;
use crate::role::Role;
use crate::tag::{HeaderTag, RecordTag};
use crate::text::printable;
use crate::timefmt;
use crate::trustlist::{FileKind, TrustList};
use crate::verify::{SignatureReport, verify_signature};

use super::Shown;
use super::findings::{failures, warnings};

const TABLE_HEAD: &str = "BYTEPOS\tTAG\t\tLENGTH\tVALUE\n-------\t---\t\t------\t-----";

/// Bytes as upper-case hex pairs joined by `sep`.
fn upper_hex(bytes: &[u8], sep: &str) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(sep)
}

/// Serial as CUCM prints it: `20:D4:CE:DC:0E:94:E7:80:00:05`.
pub(crate) fn colon_hex(bytes: &[u8]) -> String {
    upper_hex(bytes, ":")
}

/// Bytes as upper-case hex separated by spaces, as CUCM prints hashes.
pub(crate) fn spaced_hex(bytes: &[u8]) -> String {
    upper_hex(bytes, " ")
}

/// The file SIGNATURE dump: lower-case hex without leading zeros, 8 bytes a line,
/// each padded to 4 columns (as CUCM prints it).
fn signature_lines(sig: &[u8]) -> Vec<String> {
    sig.chunks(8)
        .map(|c| {
            c.iter()
                .map(|b| format!("{b:<4x}"))
                .collect::<String>()
                .trim_end()
                .to_owned()
        })
        .collect()
}

fn row(out: &mut dyn Write, tag: u8, name: &str, len: usize, value: &str) -> io::Result<()> {
    if value.is_empty() {
        writeln!(out, "{tag}\t{name}\t{len}")
    } else {
        writeln!(out, "{tag}\t{name}\t{len}\t{value}")
    }
}

fn header_element(out: &mut dyn Write, e: &Element<'_>) -> io::Result<()> {
    let tag = HeaderTag(e.tag());
    let name = tag.name().unwrap_or("UNKNOWN");
    if e.value().is_none() {
        // A container: LENGTH 2, VALUE its content length, then its children.
        row(out, e.tag(), name, 2, &e.content_len().to_string())?;
        for c in e.children() {
            header_element(out, c)?;
        }
        return Ok(());
    }
    let v = e.value().unwrap_or_default();
    let value = match tag {
        HeaderTag::SIGNER_NAME | HeaderTag::CA_NAME => printable(&e.text()).into_owned(),
        HeaderTag::SERIAL_NUMBER => colon_hex(v),
        HeaderTag::SIGNER_VERSION => match v {
            [a, b] => format!("{a}.{b}"),
            _ => String::new(),
        },
        // The encryption block of an .enc.sgn (no CUCM output of it is public).
        HeaderTag::IV | HeaderTag::PLAINTEXT_HASH => spaced_hex(v),
        HeaderTag::PAD_COUNT
        | HeaderTag::KEY_SIZE
        | HeaderTag::KEY_ALGORITHM
        | HeaderTag::CIPHER_FLAG
        | HeaderTag::KEY_FLAG => e.uint().map(|n| n.to_string()).unwrap_or_default(),
        HeaderTag::PLAINTEXT_HASH_ALGORITHM => match v {
            [c] => DigestAlgorithm(*c).to_string(),
            _ => String::new(),
        },
        _ => String::new(),
    };
    row(out, e.tag(), name, v.len(), &value)?;
    if tag == HeaderTag::SIGNATURE {
        for line in signature_lines(v) {
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}

fn record_element(out: &mut dyn Write, e: &Element<'_>) -> io::Result<()> {
    let tag = RecordTag(e.tag());
    let name = tag.cucm_name().unwrap_or("UNKNOWN");
    let v = e.value().unwrap_or_default();
    let value = match tag {
        RecordTag::RECORD_LENGTH => e.uint().map(|n| n.to_string()).unwrap_or_default(),
        RecordTag::DNS_NAME | RecordTag::SUBJECT_NAME | RecordTag::ISSUER_NAME => {
            printable(&e.text()).into_owned()
        }
        RecordTag::FUNCTION => match v {
            [a, b] => {
                let role = Role(u16::from_be_bytes([*a, *b]));
                role.cucm_text()
                    .map_or_else(|| role.code().to_string(), str::to_owned)
            }
            _ => spaced_hex(v),
        },
        RecordTag::SERIAL_NUMBER => colon_hex(v),
        RecordTag::CERTIFICATE => format!(
            "{} (SHA1 Hash HEX)",
            spaced_hex(&DigestAlgorithm::SHA1.hash(v).unwrap_or_default())
        ),
        RecordTag::CERT_HASH => spaced_hex(v),
        RecordTag::HASH_ALGORITHM => match v {
            [c] => DigestAlgorithm(*c).to_string(),
            _ => spaced_hex(v),
        },
        _ => String::new(),
    };
    row(out, e.tag(), name, v.len(), &value)
}

/// The 1-based index of the record that signed the file: the one whose key
/// verified the signature (`verified`), else the first whose serial and issuer
/// match the header's.
fn signer_of(tl: &TrustList<'_>, verified: Option<&SignatureReport>) -> Option<usize> {
    if let Some(rep) = verified {
        return Some(rep.signer_record);
    }
    let h = tl.header();
    let serial = h.signer_serial()?;
    let issuer = h.issuer_name().unwrap_or_default();
    tl.records()
        .iter()
        .position(|r| {
            r.serial_number() == Some(serial)
                && crate::dn::same_dn(&r.issuer_name().unwrap_or_default(), &issuer)
        })
        .map(|i| i + 1)
}

fn record_block(
    out: &mut dyn Write,
    kind: &str,
    index: usize,
    r: &Record<'_>,
    signer: Option<usize>,
) -> io::Result<()> {
    writeln!(out, "{kind} Record #:{index}")?;
    writeln!(out, "----")?;
    writeln!(out, "{TABLE_HEAD}")?;
    for e in r.elements() {
        record_element(out, e)?;
    }
    if r.function() == Some(Role::SAST) {
        let used = if signer == Some(index) { "" } else { "not " };
        writeln!(out, "This etoken was {used}used to sign the {kind} file.")?;
    }
    Ok(())
}

/// Writes the `Version:` and `HeaderLength:` lines and the `BYTEPOS TAG LENGTH
/// VALUE` table of a header's elements (padding, VERSION and HEADERLENGTH left
/// out, as CUCM does): the header part of [`write_show_cucm`], also the layout of
/// a signed file's header (`.sgn`, which has the same header).
pub fn write_cucm_header(out: &mut dyn Write, h: &Header<'_>) -> io::Result<()> {
    writeln!(out, "Version:\t{}", h.version_string().unwrap_or_default())?;
    writeln!(out, "HeaderLength:\t{} (BYTES)", h.header_length())?;
    writeln!(out)?;
    writeln!(out, "{TABLE_HEAD}")?;
    for e in h.elements() {
        if e.is_padding()
            || e.tag() == HeaderTag::VERSION.0
            || e.tag() == HeaderTag::HEADER_LENGTH.0
        {
            continue;
        }
        header_element(out, e)?;
    }
    Ok(())
}

/// How [`write_show_cucm`] renders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CucmOptions {
    /// The file's modification time (Unix seconds) for the `last modified`
    /// line; `None` prints `(unknown)`.
    pub modified: Option<i64>,
    /// Unix time certificate validity is judged at (for the failure and
    /// warning counts returned; CUCM's layout prints neither).
    pub now: i64,
}

impl CucmOptions {
    /// Modification time unknown, validity judged at Unix time `now`.
    pub fn new(now: i64) -> Self {
        Self {
            modified: None,
            now,
        }
    }
}

/// Writes `tl` as CUCM's `show itl` / `show ctl` prints it, line for line, so the
/// output can be compared with what the server prints. Returns the counts of
/// failures and warnings `show`'s text view would list (not printed here).
///
/// ```
/// # let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../testvectors/real/CTLFile-cucm10.tlv");
/// let bytes = std::fs::read(path)?;
/// let tl = itl_core::TrustList::parse(&bytes)?;
/// let mut out = Vec::new();
/// itl_core::write_show_cucm(&mut out, &tl, &itl_core::CucmOptions::new(0))?;
/// let text = String::from_utf8(out)?;
/// assert!(text.ends_with("The CTL file was verified successfully.\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_show_cucm(
    out: &mut dyn Write,
    tl: &TrustList<'_>,
    options: &CucmOptions,
) -> io::Result<Shown> {
    let modified = options.modified;
    let kind = match tl.kind() {
        FileKind::Ctl => "CTL",
        _ => "ITL",
    };
    let h = tl.header();
    // Only the MD5 and SHA-1 are printed: no SHA-256 of the file.
    let (md5, sha1) = (md5_hex(tl.raw()), sha1_hex(tl.raw()));
    writeln!(
        out,
        "The checksum value of the {kind} file: {}(MD5) {}(SHA1)",
        md5, sha1
    )?;
    writeln!(out, "Length of {kind} file: {}", tl.raw().len())?;
    let when = modified.map_or_else(|| "(unknown)".to_owned(), timefmt::cucm);
    writeln!(out, "The {kind} File was last modified on {when}")?;
    writeln!(out)?;
    writeln!(out, "Parse {kind} File")?;
    writeln!(out, "----------------")?;
    writeln!(out)?;
    write_cucm_header(out, h)?;
    // Verified once: for the SAST lines, the last line and the failures.
    let signature = verify_signature(tl);
    let verified = signature.as_ref().ok();
    let signer = signer_of(tl, verified);
    for (i, r) in tl.records().iter().enumerate() {
        writeln!(out)?;
        record_block(out, kind, i + 1, r, signer)?;
    }
    writeln!(out)?;
    if verified.is_some() {
        writeln!(out, "The {kind} file was verified successfully.")?;
    } else {
        writeln!(out, "Verification of the {kind} file failed.")?;
    }
    let report = check_certificates(tl, options.now);
    Ok(Shown {
        failures: failures(tl, &report, &signature).len(),
        warnings: warnings(tl, &report).len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(colon_hex(&[0x20, 0xd4, 0x05]), "20:D4:05");
        assert_eq!(spaced_hex(&[0x0e, 0x1e]), "0E 1E");
        // CUCM prints `bf  5   f2` for bytes bf 05 f2.
        assert_eq!(signature_lines(&[0xbf, 0x05, 0xf2]), ["bf  5   f2"]);
        assert_eq!(signature_lines(&[0u8; 9]).len(), 2);
    }
}
