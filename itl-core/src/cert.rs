//! The facts of an X.509 certificate that a trust-list record repeats: names in
//! CUCM style, serial, public key, signature, validity and key size.
//!
//! Used by the builder (to fill records) and by the certificate checks (to compare
//! records with their certificates). Parsing uses `x509-parser` without its
//! `verify` feature; nothing here checks a certificate's signature.

use std::cell::RefCell;
use std::sync::Arc;

use x509_parser::certificate::X509Certificate;
use x509_parser::objects::{oid_registry, oid2abbrev, oid2sn};
use x509_parser::oid_registry::Oid;
use x509_parser::prelude::FromDer;
use x509_parser::public_key::PublicKey;
use x509_parser::x509::X509Name;

use crate::memo::{self, Memo};

/// Why bytes are not a certificate this crate can read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CertError {
    /// The bytes do not parse as an X.509 certificate in DER.
    #[error("the certificate does not parse as X.509 DER: {detail}")]
    NotX509 {
        /// The X.509 parser's finding.
        detail: String,
    },
    /// Bytes follow the certificate's DER encoding.
    #[error("{count} byte(s) follow the certificate's DER encoding")]
    TrailingBytes {
        /// How many.
        count: usize,
    },
    /// PEM input that is not UTF-8 text.
    #[error("the PEM text is not valid UTF-8")]
    PemNotUtf8,
    /// PEM text without a certificate block.
    #[error("no -----BEGIN CERTIFICATE----- block in the PEM text (is this a key?)")]
    NoPemBlock,
    /// A PEM certificate block whose base64 does not decode.
    #[error("the PEM block does not decode: {detail}")]
    BadPem {
        /// The PEM decoder's finding.
        detail: String,
    },
}

/// What a record says about its certificate, read from the certificate itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertInfo {
    /// Subject in CUCM style: `CN=host;OU=TAC;O=Cisco;L=RTP;ST=North Carolina;C=US`.
    pub subject: String,
    /// Issuer in CUCM style.
    pub issuer: String,
    /// Serial number as unsigned big-endian bytes (no DER sign byte).
    pub serial: Vec<u8>,
    /// The subjectPublicKey bits: PKCS#1 `RSAPublicKey` DER for RSA, the X9.62
    /// point for EC (what a record's PUBLICKEY holds).
    pub public_key: Vec<u8>,
    /// The certificate's signatureValue (what a record's SIGNATURE holds).
    pub signature: Vec<u8>,
    /// Dotted OID of the certificate's signature algorithm.
    pub signature_algorithm: String,
    /// Its short name (`sha256WithRSAEncryption`), or the dotted OID if unknown.
    pub signature_algorithm_name: String,
    /// Whether the key is RSA.
    pub is_rsa: bool,
    /// Key size in bits (0 when unknown).
    pub key_bits: usize,
    /// notBefore, Unix time.
    pub not_before: i64,
    /// notAfter, Unix time.
    pub not_after: i64,
}

/// OIDs of signature algorithms that use SHA-1.
const SHA1_SIGNATURE_OIDS: &[&str] = &[
    "1.2.840.113549.1.1.5", // sha1WithRSAEncryption
    "1.3.14.3.2.29",        // sha1WithRSAEncryption (OIW)
    "1.2.840.10045.4.1",    // ecdsa-with-SHA1
    "1.2.840.10040.4.3",    // dsa-with-sha1
];

impl CertInfo {
    /// Reads a DER certificate; the error says why it does not parse. Bytes after
    /// the certificate are refused. Results are remembered per thread for the
    /// certificates seen last (see `memo.rs`): bulk runs meet the same few
    /// certificates in every file.
    pub fn parse(der: &[u8]) -> Result<Self, CertError> {
        Self::parse_shared(der).map(|info| (*info).clone())
    }

    /// [`CertInfo::parse`], shared with the memo rather than copied out of it
    /// (an `Arc`, so that check results holding it can cross threads).
    pub(crate) fn parse_shared(der: &[u8]) -> Result<Arc<Self>, CertError> {
        thread_local! {
            static MEMO: RefCell<Memo<Result<Arc<CertInfo>, CertError>>> = const { RefCell::new(Memo::new()) };
        }
        memo::get_or_compute(&MEMO, 0, der, || Self::parse_uncached(der).map(Arc::new))
    }

    fn parse_uncached(der: &[u8]) -> Result<Self, CertError> {
        let (rest, cert) = X509Certificate::from_der(der).map_err(|e| CertError::NotX509 {
            detail: e.to_string(),
        })?;
        if !rest.is_empty() {
            return Err(CertError::TrailingBytes { count: rest.len() });
        }
        let spki = cert.public_key();
        let is_rsa = spki.algorithm.algorithm == x509_parser::oid_registry::OID_PKCS1_RSAENCRYPTION;
        let key_bits = spki.parsed().map_or(0, |k| match k {
            PublicKey::RSA(r) => r.key_size(),
            other => other.key_size(),
        });
        let validity = cert.validity();
        Ok(Self {
            subject: cucm_name(cert.subject()),
            issuer: cucm_name(cert.issuer()),
            serial: unsigned(cert.raw_serial()).to_vec(),
            public_key: spki.subject_public_key.data.to_vec(),
            signature: cert.signature_value.data.to_vec(),
            signature_algorithm: cert.signature_algorithm.algorithm.to_id_string(),
            signature_algorithm_name: algorithm_name(&cert.signature_algorithm.algorithm),
            is_rsa,
            key_bits,
            not_before: validity.not_before.timestamp(),
            not_after: validity.not_after.timestamp(),
        })
    }

    /// Whether the certificate is signed with a SHA-1 based algorithm.
    pub fn sha1_signed(&self) -> bool {
        SHA1_SIGNATURE_OIDS.contains(&self.signature_algorithm.as_str())
    }
}

/// A serial number without its DER sign byte (at least one byte is kept).
pub(crate) fn unsigned(serial: &[u8]) -> &[u8] {
    match serial {
        [0, rest @ ..] if !rest.is_empty() => rest,
        _ => serial,
    }
}

/// A certificate name as CUCM writes it: `TYPE=value` joined by `;` in the fixed
/// order CN, OU, O, L, ST, C whatever the order in the certificate (a real CUCM 10
/// CTL writes `CN=…;OU=…;O=…;L=…;ST=…;C=…` for certificates whose names are
/// stored C-first, CN-first and in mixed orders). Other attributes follow, and
/// repeated types keep their order, most specific (last in the certificate) first.
pub(crate) fn cucm_name(name: &X509Name<'_>) -> String {
    let mut attrs: Vec<(usize, String)> = name
        .iter_attributes()
        .map(|attr| {
            let oid = attr.attr_type();
            let ty = attribute_abbrev(oid);
            let rank = CUCM_ORDER
                .iter()
                .position(|t| *t == ty)
                .unwrap_or(CUCM_ORDER.len());
            (rank, format!("{ty}={}", attribute_text(attr.attr_value())))
        })
        .collect();
    attrs.reverse();
    // A stable sort keeps the reversed order within a rank.
    attrs.sort_by_key(|(rank, _)| *rank);
    attrs
        .into_iter()
        .map(|(_, text)| text)
        .collect::<Vec<_>>()
        .join(";")
}

/// The DER content of the OIDs of the attribute types in nearly every
/// certificate name (2.5.4.x), with their abbreviations as `oid2abbrev` gives
/// them; looked up here first because x509-parser's OID registry is a hash map
/// of every OID it knows, built on first use (a tenth of one `itltool show`).
const COMMON_ATTRIBUTES: &[(&[u8], &str)] = &[
    (&[0x55, 0x04, 0x03], "CN"),
    (&[0x55, 0x04, 0x06], "C"),
    (&[0x55, 0x04, 0x07], "L"),
    (&[0x55, 0x04, 0x08], "ST"),
    (&[0x55, 0x04, 0x0A], "O"),
    (&[0x55, 0x04, 0x0B], "OU"),
];

/// The RSA signature algorithms of nearly every certificate here
/// (1.2.840.113549.1.1.x), with their short names as `oid2sn` gives them.
const COMMON_ALGORITHMS: &[(&[u8], &str)] = &[
    (
        &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x05],
        "sha1WithRSAEncryption",
    ),
    (
        &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B],
        "sha256WithRSAEncryption",
    ),
    (
        &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0C],
        "sha384WithRSAEncryption",
    ),
    (
        &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0D],
        "sha512WithRSAEncryption",
    ),
];

/// An attribute type's abbreviation (`CN`), or its dotted OID if unknown.
fn attribute_abbrev(oid: &Oid<'_>) -> String {
    match COMMON_ATTRIBUTES
        .iter()
        .find(|(der, _)| *der == oid.as_bytes())
    {
        Some((_, abbrev)) => (*abbrev).to_owned(),
        None => oid2abbrev(oid, oid_registry()).map_or_else(|_| oid.to_id_string(), str::to_owned),
    }
}

/// A signature algorithm's short name (`sha256WithRSAEncryption`), or its
/// dotted OID if unknown.
fn algorithm_name(oid: &Oid<'_>) -> String {
    match COMMON_ALGORITHMS
        .iter()
        .find(|(der, _)| *der == oid.as_bytes())
    {
        Some((_, name)) => (*name).to_owned(),
        None => oid2sn(oid, oid_registry()).map_or_else(|_| oid.to_id_string(), str::to_owned),
    }
}

/// The attribute order of CUCM-written names.
const CUCM_ORDER: &[&str] = &["CN", "OU", "O", "L", "ST", "C"];

/// The text of an attribute value: strings as UTF-8 (BMPString decoded from
/// UTF-16), anything else as `#` and hex of its content.
fn attribute_text(value: &x509_parser::asn1_rs::Any<'_>) -> String {
    use x509_parser::asn1_rs::Tag;
    let data = value.data;
    match value.tag() {
        Tag::NumericString
        | Tag::VisibleString
        | Tag::PrintableString
        | Tag::GeneralString
        | Tag::GraphicString
        | Tag::T61String
        | Tag::VideotexString
        | Tag::Utf8String
        | Tag::Ia5String => String::from_utf8_lossy(data).into_owned(),
        Tag::BmpString => {
            let units: Vec<u16> = data
                .chunks(2)
                .map(|c| match c {
                    [a, b] => u16::from_be_bytes([*a, *b]),
                    _ => 0xFFFD,
                })
                .collect();
            String::from_utf16_lossy(&units)
        }
        _ => format!("#{}", hex::encode(data)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_oids_are_named_as_the_registry_names_them() {
        for (der, abbrev) in COMMON_ATTRIBUTES {
            let oid = Oid::new(std::borrow::Cow::Borrowed(der));
            let registry = oid2abbrev(&oid, oid_registry()).unwrap_or("not in the registry");
            assert_eq!(registry, *abbrev, "{}", oid.to_id_string());
            assert_eq!(attribute_abbrev(&oid), *abbrev);
        }
        for (der, name) in COMMON_ALGORITHMS {
            let oid = Oid::new(std::borrow::Cow::Borrowed(der));
            let registry = oid2sn(&oid, oid_registry()).unwrap_or("not in the registry");
            assert_eq!(registry, *name, "{}", oid.to_id_string());
            assert_eq!(algorithm_name(&oid), *name);
        }
        // Others still come from the registry (emailAddress, 1.2.840.113549.1.9.1).
        let email = Oid::new(std::borrow::Cow::Borrowed(&[
            0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x01,
        ]));
        assert_eq!(
            attribute_abbrev(&email),
            oid2abbrev(&email, oid_registry()).unwrap_or_default()
        );
    }

    #[test]
    fn sign_byte_is_dropped() {
        assert_eq!(unsigned(&[0, 0x80, 1]), &[0x80, 1]);
        assert_eq!(unsigned(&[0]), &[0]);
        assert_eq!(unsigned(&[0x12]), &[0x12]);
    }
}
