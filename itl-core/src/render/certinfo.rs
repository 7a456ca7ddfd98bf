//! What the renderers print about a record's certificate and key: names,
//! validity, key type and size. The certificate facts come from
//! [`crate::CertInfo`]; this adds the key description (`RSA 2048`, `EC P-256`)
//! and the CN.

use x509_parser::prelude::FromDer;
use x509_parser::public_key::RSAPublicKey;

use crate::cert::{CertError, CertInfo};
use crate::record::Record;

/// Facts about one DER X.509 certificate, as printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CertFacts {
    /// Subject DN, CUCM style (`CN=…;OU=…;O=…;L=…;ST=…;C=…`).
    pub(crate) subject: String,
    /// Issuer DN, CUCM style.
    pub(crate) issuer: String,
    /// First CN of the subject.
    pub(crate) subject_cn: Option<String>,
    /// Serial number, unsigned big-endian bytes (no DER sign byte).
    pub(crate) serial: Vec<u8>,
    /// notBefore, Unix time.
    pub(crate) not_before: i64,
    /// notAfter, Unix time.
    pub(crate) not_after: i64,
    /// The key as `RSA 2048`, `EC P-256`, …
    pub(crate) key: String,
    /// Key size in bits, if known.
    pub(crate) key_bits: Option<usize>,
}

/// Bits of a big-endian unsigned integer (leading zero bytes ignored).
fn bit_length(n: &[u8]) -> usize {
    let Some(i) = n.iter().position(|&b| b != 0) else {
        return 0;
    };
    let rest = &n[i..];
    (rest.len() - 1) * 8 + (8 - rest[0].leading_zeros() as usize)
}

/// The curve of an uncompressed X9.62 point, from its size.
fn curve_of_point(point: &[u8]) -> Option<(&'static str, usize)> {
    match point {
        [4, rest @ ..] => match rest.len() {
            64 => Some(("P-256", 256)),
            96 => Some(("P-384", 384)),
            132 => Some(("P-521", 521)),
            _ => None,
        },
        _ => None,
    }
}

/// Reads a DER certificate (leftover bytes after it are refused).
pub(crate) fn parse_certificate(der: &[u8]) -> Result<CertFacts, CertError> {
    let c: std::sync::Arc<CertInfo> = CertInfo::parse_shared(der)?;
    let (key, key_bits) = match public_key_description(&c.public_key) {
        Some((k, bits)) => (k, Some(bits)),
        None if c.is_rsa => (format!("RSA {}", c.key_bits), Some(c.key_bits)),
        None if c.key_bits > 0 => (format!("{}-bit non-RSA", c.key_bits), Some(c.key_bits)),
        None => ("unknown".to_owned(), None),
    };
    Ok(CertFacts {
        subject_cn: crate::dn::common_name(&c.subject),
        subject: c.subject.clone(),
        issuer: c.issuer.clone(),
        serial: c.serial.clone(),
        not_before: c.not_before,
        not_after: c.not_after,
        key,
        key_bits,
    })
}

/// The key as `RSA 2048` / `EC P-256`, with its size in bits, from a record's
/// PUBLICKEY value (or a certificate's subjectPublicKey bits).
pub(crate) fn public_key_description(pk: &[u8]) -> Option<(String, usize)> {
    if let Some((curve, bits)) = curve_of_point(pk) {
        return Some((format!("EC {curve}"), bits));
    }
    match RSAPublicKey::from_der(pk) {
        Ok(([], k)) => {
            let bits = bit_length(k.modulus);
            Some((format!("RSA {bits}"), bits))
        }
        _ => None,
    }
}

/// The key of a record: from its CERTIFICATE if that parses, else from PUBLICKEY.
pub(crate) fn record_key(r: &Record<'_>) -> Option<String> {
    if let Some(info) = r.certificate().and_then(|c| parse_certificate(c).ok()) {
        return Some(info.key);
    }
    r.public_key()
        .and_then(public_key_description)
        .map(|(k, _)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_lengths() {
        assert_eq!(bit_length(&[]), 0);
        assert_eq!(bit_length(&[0, 0]), 0);
        assert_eq!(bit_length(&[1]), 1);
        assert_eq!(bit_length(&[0, 0x80, 0]), 16);
        assert_eq!(bit_length(&[0x7f, 0xff]), 15);
    }

    #[test]
    fn points() {
        let mut p = vec![4u8];
        p.extend([0u8; 64]);
        assert_eq!(
            public_key_description(&p),
            Some(("EC P-256".to_owned(), 256))
        );
        assert_eq!(public_key_description(&[1, 2, 3]), None);
    }
}
