//! What the show and certs commands print about a record's certificate and key:
//! names, validity, key type and size (read with `x509-parser`).

use itl_core::Record;
use x509_parser::prelude::{FromDer, X509Certificate};
use x509_parser::public_key::{PublicKey, RSAPublicKey};

/// Facts about one DER X.509 certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertInfo {
    /// Subject DN, RFC 4514 as `x509-parser` prints it.
    pub subject: String,
    /// Issuer DN, RFC 4514.
    pub issuer: String,
    /// First CN of the subject.
    pub subject_cn: Option<String>,
    /// Serial number, unsigned big-endian bytes (no DER sign byte).
    pub serial: Vec<u8>,
    /// notBefore, Unix time.
    pub not_before: i64,
    /// notAfter, Unix time.
    pub not_after: i64,
    /// The key as `RSA 2048`, `EC P-256`, …
    pub key: String,
    /// Key size in bits (RSA modulus or EC field size), if known.
    pub key_bits: Option<usize>,
    /// For RSA keys: the PKCS#1 `RSAPublicKey` DER (what a record's PUBLICKEY holds).
    pub rsa_pkcs1: Option<Vec<u8>>,
    /// For EC keys: the X9.62 point (what a record's PUBLICKEY holds).
    pub ec_point: Option<Vec<u8>>,
}

/// Bits of a big-endian unsigned integer (leading zero bytes ignored).
pub fn bit_length(n: &[u8]) -> usize {
    let Some(i) = n.iter().position(|&b| b != 0) else {
        return 0;
    };
    let rest = &n[i..];
    (rest.len() - 1) * 8 + (8 - rest[0].leading_zeros() as usize)
}

/// The curve name for an EC named-curve OID (content bytes).
fn curve_name(oid_content: &[u8]) -> Option<&'static str> {
    match oid_content {
        [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07] => Some("P-256"),
        [0x2B, 0x81, 0x04, 0x00, 0x22] => Some("P-384"),
        [0x2B, 0x81, 0x04, 0x00, 0x23] => Some("P-521"),
        _ => None,
    }
}

/// The curve of an uncompressed X9.62 point, from its size.
fn curve_of_point(point: &[u8]) -> Option<&'static str> {
    match point {
        [4, rest @ ..] => match rest.len() {
            64 => Some("P-256"),
            96 => Some("P-384"),
            132 => Some("P-521"),
            _ => None,
        },
        _ => None,
    }
}

/// Parses a DER certificate (leftover bytes after it are refused).
pub fn parse_certificate(der: &[u8]) -> Result<CertInfo, String> {
    let (rest, cert) =
        X509Certificate::from_der(der).map_err(|e| format!("certificate does not parse: {e}"))?;
    if !rest.is_empty() {
        return Err(format!(
            "certificate has {} byte(s) after its end",
            rest.len()
        ));
    }
    let spki = cert.public_key();
    let (key, key_bits, rsa_pkcs1, ec_point) = match spki.parsed() {
        Ok(PublicKey::RSA(k)) => {
            let bits = bit_length(k.modulus);
            (
                format!("RSA {bits}"),
                Some(bits),
                Some(spki.subject_public_key.data.to_vec()),
                None,
            )
        }
        Ok(PublicKey::EC(p)) => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|a| curve_name(a.as_bytes()))
                .or_else(|| curve_of_point(p.data()));
            let bits = p.key_size();
            let key = match curve {
                Some(c) => format!("EC {c}"),
                None => format!("EC {bits}-bit"),
            };
            (key, Some(bits), None, Some(p.data().to_vec()))
        }
        Ok(other) => {
            let bits = other.key_size();
            (format!("other {bits}-bit"), Some(bits), None, None)
        }
        Err(_) => (
            format!("unknown ({})", spki.algorithm.algorithm),
            None,
            None,
            None,
        ),
    };
    let serial = cert.raw_serial();
    let serial = match serial.iter().position(|&b| b != 0) {
        Some(i) => serial[i..].to_vec(),
        None => vec![0],
    };
    Ok(CertInfo {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        subject_cn: cert
            .subject()
            .iter_common_name()
            .next()
            .and_then(|a| a.as_str().ok())
            .map(str::to_owned),
        serial,
        not_before: cert.validity().not_before.timestamp(),
        not_after: cert.validity().not_after.timestamp(),
        key,
        key_bits,
        rsa_pkcs1,
        ec_point,
    })
}

/// The key as `RSA 2048` / `EC P-256` from a record's PUBLICKEY value.
pub fn public_key_description(pk: &[u8]) -> Option<String> {
    if let Some(curve) = curve_of_point(pk) {
        return Some(format!("EC {curve}"));
    }
    match RSAPublicKey::from_der(pk) {
        Ok(([], k)) => Some(format!("RSA {}", bit_length(k.modulus))),
        _ => None,
    }
}

/// The key of a record: from its CERTIFICATE if that parses, else from PUBLICKEY.
pub fn record_key(r: &Record<'_>) -> Option<String> {
    if let Some(info) = r.certificate().and_then(|c| parse_certificate(c).ok()) {
        return Some(info.key);
    }
    r.public_key().and_then(public_key_description)
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
        assert_eq!(public_key_description(&p).as_deref(), Some("EC P-256"));
        assert_eq!(public_key_description(&[1, 2, 3]), None);
    }
}
