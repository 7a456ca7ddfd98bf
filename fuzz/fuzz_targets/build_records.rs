//! Structured records -> Builder -> parse: the built file parses, round-trips,
//! verifies, and gives back exactly the records, roles, names and addresses that
//! went in. When building fails, it fails for a reason the input explains.
#![no_main]

use std::net::Ipv4Addr;
use std::sync::OnceLock;

use arbitrary::Arbitrary;
use itl_core::{
    BuildError, Builder, DigestAlgorithm, RecordSpec, Role, SigningKey, TrustList, load_certificate,
};
use libfuzzer_sys::fuzz_target;

/// The certificates records may hold: our test certificates and the third-party
/// ones (RSA 1024/2048/4096 and one EC).
const CERTS: &[&[u8]] = &[
    include_bytes!("../../testvectors/own/keys/publisher.crt"),
    include_bytes!("../../testvectors/own/keys/tvs.crt"),
    include_bytes!("../../testvectors/own/keys/capf.crt"),
    include_bytes!("../../testvectors/own/keys/jasburns-ad-ca.crt"),
    include_bytes!("../../testvectors/thirdparty/certs/app.crt"),
    include_bytes!("../../testvectors/thirdparty/certs/capf.crt"),
    include_bytes!("../../testvectors/thirdparty/certs/ccm.crt"),
    include_bytes!("../../testvectors/thirdparty/certs/cm.crt"),
    include_bytes!("../../testvectors/thirdparty/certs/ec.crt"),
    include_bytes!("../../testvectors/thirdparty/certs/sast.crt"),
    include_bytes!("../../testvectors/thirdparty/certs/sast4k.crt"),
    include_bytes!("../../testvectors/thirdparty/certs/tftp.crt"),
];
/// Index of the signer (publisher) certificate in [`CERTS`].
const SIGNER: usize = 0;
const SIGNER_KEY: &[u8] = include_bytes!("../../testvectors/own/keys/publisher.key");
const MAX_RECORDS: usize = 10;

struct Material {
    certs: Vec<Vec<u8>>,
    key: SigningKey,
}

fn material() -> &'static Material {
    static M: OnceLock<Material> = OnceLock::new();
    M.get_or_init(|| Material {
        certs: CERTS
            .iter()
            .map(|pem| load_certificate(pem).expect("test certificate loads"))
            .collect(),
        key: SigningKey::from_pem_or_der(SIGNER_KEY).expect("test key loads"),
    })
}

#[derive(Arbitrary, Debug)]
struct Rec {
    role: u16,
    cert: u8,
    hash_only: bool,
    dns_name: Option<String>,
    ip: Option<[u8; 4]>,
}

#[derive(Arbitrary, Debug)]
struct Input {
    digest: u8,
    filename: String,
    timestamp: u32,
    signer_version: Option<(u8, u8)>,
    allow_external_signer: bool,
    records: Vec<Rec>,
}

fuzz_target!(|input: Input| {
    let m = material();
    let specs: Vec<RecordSpec> = input
        .records
        .iter()
        .take(MAX_RECORDS)
        .map(|r| RecordSpec {
            role: Role(r.role),
            cert_der: m.certs[usize::from(r.cert) % m.certs.len()].clone(),
            hash_only: r.hash_only,
            dns_name: r.dns_name.clone(),
            ip: r.ip.map(Ipv4Addr::from),
        })
        .collect();
    let mut b = Builder::new(m.certs[SIGNER].clone(), m.key.clone())
        .digest(DigestAlgorithm(input.digest))
        .filename(&input.filename)
        .timestamp(input.timestamp)
        .allow_external_signer(input.allow_external_signer);
    if let Some((major, minor)) = input.signer_version {
        b = b.signer_version(major, minor);
    }
    for s in &specs {
        b = b.record_spec(s.clone());
    }

    let signer_in_records = specs.iter().any(|s| s.cert_der == m.certs[SIGNER]);
    let bytes = match b.build() {
        Ok(bytes) => bytes,
        Err(e) => {
            // Every refusal must be explained by the input.
            let explained = match &e {
                BuildError::UnsupportedDigest(_) => !matches!(input.digest, 1..=3),
                BuildError::SignerNotInRecords { .. } => {
                    !signer_in_records && !input.allow_external_signer
                }
                BuildError::NulInString { .. } => {
                    input.filename.contains('\0')
                        || specs
                            .iter()
                            .any(|s| s.dns_name.as_deref().is_some_and(|d| d.contains('\0')))
                }
                BuildError::TooLong(_) => {
                    input.filename.len() > 60_000
                        || specs
                            .iter()
                            .any(|s| s.dns_name.as_ref().is_some_and(|d| d.len() > 60_000))
                }
                _ => false,
            };
            assert!(
                explained,
                "build refused without a reason in the input: {e}"
            );
            return;
        }
    };
    assert!(
        matches!(input.digest, 1..=3),
        "built with digest {}",
        input.digest
    );

    let tl = TrustList::parse(&bytes).unwrap_or_else(|e| panic!("built file does not parse: {e}"));
    assert_eq!(tl.to_bytes(), bytes);
    assert_eq!(tl.to_bytes_fixed().expect("fix lengths"), bytes);
    let h = tl.header();
    assert_eq!(h.digest(), Some(DigestAlgorithm(input.digest)));
    assert_eq!(h.filename().as_deref(), Some(input.filename.as_str()));
    assert_eq!(h.timestamp(), Some(input.timestamp));
    assert_eq!(h.signer_version(), input.signer_version);
    assert_eq!(
        h.header_length() % 4,
        0,
        "header not padded to a multiple of 4"
    );
    if signer_in_records {
        let report = itl_core::verify_signature(&tl).expect("built file verifies");
        assert_eq!(specs[report.signer_record - 1].cert_der, m.certs[SIGNER]);
    } else {
        itl_core::verify_signature_with_key(&tl, &m.key.public_key())
            .expect("built file verifies with the signer's key");
    }

    assert_eq!(tl.records().len(), specs.len());
    for (i, (r, s)) in tl.records().iter().zip(&specs).enumerate() {
        let n = i + 1;
        assert_eq!(r.function(), Some(s.role), "record {n} role");
        assert_eq!(
            r.dns_name().as_deref(),
            Some(s.dns_name.as_deref().unwrap_or("")),
            "record {n} DNS name"
        );
        assert_eq!(r.ip_address(), s.ip, "record {n} IP");
        if s.hash_only {
            assert_eq!(r.certificate(), None, "record {n} has a certificate");
            let sha1 = DigestAlgorithm::SHA1.hash(&s.cert_der);
            assert_eq!(r.cert_hash(), sha1.as_deref(), "record {n} CERTHASH");
            assert_eq!(r.hash_algorithm(), Some(DigestAlgorithm::SHA1));
        } else {
            assert_eq!(
                r.certificate(),
                Some(s.cert_der.as_slice()),
                "record {n} cert"
            );
            assert_eq!(r.cert_hash(), None, "record {n} has a CERTHASH");
        }
    }
});
