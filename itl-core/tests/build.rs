//! The builder: layout, signatures checked by our verifier and by openssl, parse-back,
//! and refusals.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::net::Ipv4Addr;

use common::{
    openssl, openssl_name_rfc2253, openssl_sha1_fingerprint, openssl_status, read_vector,
    vector_path,
};
use itl_core::{
    BuildError, Builder, DigestAlgorithm, RecordSpec, Role, SigningKey, TrustList,
    load_certificate, verify_signature,
};

/// The DER of the test certificate `own/keys/NAME.crt`.
fn cert(name: &str) -> Vec<u8> {
    common::cert(&format!("own/keys/{name}"))
}

/// The test key `own/keys/NAME.key`.
fn key(name: &str) -> itl_core::SigningKey {
    common::key(&format!("own/keys/{name}"))
}

/// The DER of a certificate, converted by openssl (independent of our PEM reader).
fn openssl_der(name: &str) -> Vec<u8> {
    openssl(&[
        "x509",
        "-in",
        &vector_path(&format!("own/keys/{name}.crt")),
        "-outform",
        "DER",
    ])
}

#[test]
fn rebuilds_the_sbd_replica_byte_for_byte() {
    // testvectors/make_vectors.py built the replica independently (Python), following
    // Cisco's documented `show itl`; the builder must lay out the same bytes.
    let publisher = cert("publisher");
    let built = Builder::new(publisher.clone(), key("publisher"))
        .digest(DigestAlgorithm::SHA1)
        .filename("ITLFile.tlv")
        .timestamp(1_341_100_800)
        .record(Role::SAST, publisher.clone())
        .record(Role::CCM_TFTP, publisher)
        .hash_only_record(Role::TVS, cert("tvs"))
        .hash_only_record(Role::CAPF, cert("capf"))
        .build()
        .unwrap();
    let replica = read_vector("own/ITLSEP0011215A1AE3-sbd-replica.tlv");
    assert_eq!(built.len(), replica.len());
    if let Some(i) = built.iter().zip(&replica).position(|(a, b)| a != b) {
        panic!("built file differs from the replica first at byte {i}");
    }
}

fn tmp_write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p.display().to_string()
}

/// Verifies `signature` over `signed` with openssl and the public key of `cert_pem`.
fn openssl_verifies(
    cert_pem: &str,
    digest: &str,
    signed: &[u8],
    signature: &[u8],
) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let pubkey = openssl(&["x509", "-in", cert_pem, "-noout", "-pubkey"]);
    let pub_path = tmp_write(&dir, "pub.pem", &pubkey);
    let sig_path = tmp_write(&dir, "sig.bin", signature);
    let data_path = tmp_write(&dir, "signed.bin", signed);
    openssl_status(&[
        "dgst",
        &format!("-{digest}"),
        "-verify",
        &pub_path,
        "-signature",
        &sig_path,
        &data_path,
    ])
}

#[test]
fn each_digest_verifies_with_itltool_and_openssl_and_parses_back() {
    let publisher_pem = vector_path("own/keys/publisher.crt");
    for (digest, name) in [
        (DigestAlgorithm::SHA1, "sha1"),
        (DigestAlgorithm::SHA256, "sha256"),
        (DigestAlgorithm::SHA512, "sha512"),
    ] {
        let publisher = cert("publisher");
        let bytes = Builder::new(publisher.clone(), key("publisher"))
            .digest(digest)
            .filename("ITLSEP001122334455.tlv")
            .timestamp(1_700_000_000)
            .signer_version(1, 1)
            .record(Role::SAST, publisher.clone())
            .record_spec(RecordSpec {
                role: Role::CCM_TFTP,
                cert_der: publisher.clone(),
                hash_only: false,
                dns_name: Some("cucm-pub".to_owned()),
                ip: Some(Ipv4Addr::new(10, 35, 48, 106)),
            })
            .hash_only_record(Role::TVS, cert("tvs"))
            .record(Role::CAPF, cert("capf"))
            .build()
            .unwrap();
        let tl = TrustList::parse(&bytes).unwrap();

        // Our verifier.
        let report = verify_signature(&tl).unwrap();
        assert_eq!(report.signer_record, 1, "{name}");
        assert_eq!(report.digest, digest);

        // openssl, over the file minus the tag-12 element, cut here by hand from
        // the element's offset (independent of signed_bytes()).
        let h = tl.header();
        let sig = h.signature().unwrap().to_vec();
        assert_eq!(sig.len(), 128, "RSA-1024 signature");
        let at = h.get(itl_core::HeaderTag::SIGNATURE).unwrap().offset();
        assert_eq!(bytes[at], 12);
        let mut signed = bytes[..at].to_vec();
        signed.extend_from_slice(&bytes[at + 3 + 128..]);
        let (ok, out) = openssl_verifies(&publisher_pem, name, &signed, &sig);
        assert!(ok && out.contains("Verified OK"), "{name}: openssl: {out}");
        // ... and openssl rejects a changed byte, so the check above can fail.
        let mut changed = signed.clone();
        let last = changed.len() - 1;
        changed[last] ^= 1;
        let (ok, out) = openssl_verifies(&publisher_pem, name, &changed, &sig);
        assert!(!ok, "{name}: openssl accepted a changed file: {out}");

        // Layout.
        let top: Vec<u8> = h
            .elements()
            .iter()
            .filter(|e| !e.is_padding())
            .map(|e| e.tag())
            .collect();
        assert_eq!(top, [1, 2, 28, 3, 7, 12, 14, 15]);
        assert_eq!(usize::from(h.header_length()) % 4, 0);
        assert_eq!(usize::from(h.header_length()), tl.records()[0].offset());
        assert!(
            h.elements()
                .iter()
                .skip_while(|e| !e.is_padding())
                .all(|e| e.is_padding())
        );
        assert_eq!(h.version_string().as_deref(), Some("1.2"));
        assert_eq!(h.digest(), Some(digest));
        assert_eq!(h.signature_algorithm(), Some(0));
        assert_eq!(h.modulus_bits(), Some(1024));
        assert_eq!(h.filename().as_deref(), Some("ITLSEP001122334455.tlv"));
        assert_eq!(h.timestamp(), Some(1_700_000_000));
        assert_eq!(h.signer_version(), Some((1, 1)));
        let pub_subject = openssl_name_rfc2253(&publisher_pem, "subject").replace(',', ";");
        assert_eq!(h.signer_name().as_deref(), Some(pub_subject.as_str()));
        assert_eq!(h.issuer_name().as_deref(), Some("CN=JASBURNS-AD"));
        let serial = String::from_utf8(openssl(&[
            "x509",
            "-in",
            &publisher_pem,
            "-noout",
            "-serial",
        ]))
        .unwrap();
        assert_eq!(
            hex::encode(h.signer_serial().unwrap()),
            serial
                .trim()
                .trim_start_matches("serial=")
                .to_ascii_lowercase()
        );
        assert_eq!(
            tl.to_bytes_fixed().unwrap(),
            bytes,
            "lengths are already right"
        );

        // Records, as given.
        let r = tl.records();
        assert_eq!(r.len(), 4);
        let roles: Vec<_> = r.iter().map(|r| r.function().unwrap()).collect();
        assert_eq!(roles, [Role::SAST, Role::CCM_TFTP, Role::TVS, Role::CAPF]);
        for rec in r {
            let tags: Vec<u8> = rec.elements().iter().map(|e| e.tag()).collect();
            assert!(
                tags.windows(2).all(|w| w[0] < w[1]),
                "ascending tags: {tags:?}"
            );
        }
        assert_eq!(r[0].certificate().unwrap(), openssl_der("publisher"));
        assert_eq!(r[1].certificate().unwrap(), openssl_der("publisher"));
        assert_eq!(r[3].certificate().unwrap(), openssl_der("capf"));
        assert_eq!(r[1].dns_name().as_deref(), Some("cucm-pub"));
        assert_eq!(r[1].ip_address(), Some(Ipv4Addr::new(10, 35, 48, 106)));
        assert_eq!(r[0].dns_name().as_deref(), Some(""));
        assert_eq!(r[0].ip_address(), None);
        assert!(r[2].certificate().is_none());
        let tvs_pem = vector_path("own/keys/tvs.crt");
        assert_eq!(
            hex::encode(r[2].cert_hash().unwrap()),
            openssl_sha1_fingerprint(&tvs_pem)
        );
        assert_eq!(r[2].hash_algorithm(), Some(DigestAlgorithm::SHA1));
        for (rec, file) in [(&r[0], "publisher"), (&r[2], "tvs"), (&r[3], "capf")] {
            let pem = vector_path(&format!("own/keys/{file}.crt"));
            let subject = openssl_name_rfc2253(&pem, "subject").replace(',', ";");
            let issuer = openssl_name_rfc2253(&pem, "issuer").replace(',', ";");
            assert_eq!(rec.subject_name().unwrap(), subject, "{file}");
            assert_eq!(rec.issuer_name().unwrap(), issuer, "{file}");
            // PUBLICKEY is the PKCS#1 RSAPublicKey DER openssl writes.
            let pkcs1 = openssl(&[
                "rsa",
                "-in",
                &vector_path(&format!("own/keys/{file}.key")),
                "-RSAPublicKey_out",
                "-outform",
                "DER",
            ]);
            assert_eq!(rec.public_key().unwrap(), pkcs1, "{file}");
        }
    }
}

#[test]
fn a_2048_bit_signer_writes_modulus_code_2() {
    let tvs = cert("tvs");
    let bytes = Builder::new(tvs.clone(), key("tvs"))
        .digest(DigestAlgorithm::SHA256)
        .record(Role::SAST, tvs)
        .build()
        .unwrap();
    let tl = TrustList::parse(&bytes).unwrap();
    assert_eq!(tl.header().modulus_bits(), Some(2048));
    assert_eq!(tl.header().signature().unwrap().len(), 256);
    assert_eq!(tl.header().signer_version(), None);
    assert_eq!(verify_signature(&tl).unwrap().signer_record, 1);
    let signed = tl.signed_bytes().unwrap();
    let (ok, out) = openssl_verifies(
        &vector_path("own/keys/tvs.crt"),
        "sha256",
        &signed,
        tl.header().signature().unwrap(),
    );
    assert!(ok, "{out}");
}

#[test]
fn refuses_a_key_that_does_not_match_the_signer() {
    let publisher = cert("publisher");
    let err = Builder::new(publisher.clone(), key("capf"))
        .record(Role::SAST, publisher)
        .build()
        .unwrap_err();
    assert!(matches!(err, BuildError::KeyMismatch { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("does not match the signer certificate CN=CUCM8-Publisher"),
        "{err}"
    );
}

#[test]
fn refuses_a_signer_not_among_the_records_unless_allowed() {
    let publisher = cert("publisher");
    let builder =
        || Builder::new(publisher.clone(), key("publisher")).record(Role::TVS, cert("tvs"));
    let err = builder().build().unwrap_err();
    assert!(
        matches!(err, BuildError::SignerNotInRecords { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("not among the records"), "{err}");

    let bytes = builder().allow_external_signer(true).build().unwrap();
    let tl = TrustList::parse(&bytes).unwrap();
    // Not verifiable from inside the file ...
    assert!(verify_signature(&tl).is_err());
    // ... but with the signer's key from outside.
    let key = itl_core::PublicKey::from_certificate(&publisher).unwrap();
    assert_eq!(
        itl_core::verify_signature_with_key(&tl, &key).unwrap(),
        DigestAlgorithm::SHA1
    );
}

#[test]
fn refuses_a_record_over_the_u16_length() {
    let publisher = cert("publisher");
    let err = Builder::new(publisher.clone(), key("publisher"))
        .record(Role::SAST, publisher.clone())
        .record_spec(RecordSpec {
            role: Role::CCM,
            cert_der: publisher,
            hash_only: false,
            dns_name: Some("x".repeat(70_000)),
            ip: None,
        })
        .build()
        .unwrap_err();
    assert!(matches!(err, BuildError::TooLong(_)), "{err:?}");
    assert!(err.to_string().contains("65535"), "{err}");
}

#[test]
fn refuses_unknown_digest_and_bad_inputs() {
    let publisher = cert("publisher");
    let err = Builder::new(publisher.clone(), key("publisher"))
        .digest(DigestAlgorithm(9))
        .record(Role::SAST, publisher.clone())
        .build()
        .unwrap_err();
    assert_eq!(err, BuildError::UnsupportedDigest(9));
    let err = Builder::new(publisher.clone(), key("publisher"))
        .record(Role::SAST, publisher.clone())
        .record(Role::CCM, b"not a certificate".to_vec())
        .build()
        .unwrap_err();
    assert!(
        err.to_string().starts_with("record 2 (CCM) certificate:"),
        "{err}"
    );
    // A key file is not a certificate and vice versa.
    let e = load_certificate(&read_vector("own/keys/publisher.key")).unwrap_err();
    assert!(
        e.to_string().contains("no -----BEGIN CERTIFICATE-----"),
        "{e}"
    );
    let e = SigningKey::from_pem_or_der(&read_vector("own/keys/publisher.crt")).unwrap_err();
    assert_eq!(e, itl_core::PrivateKeyError::NoPemBlock);
    assert!(e.to_string().contains("PRIVATE KEY"), "{e}");
}

#[test]
fn loads_pem_and_der_certificates_and_pkcs1_and_pkcs8_keys() {
    assert_eq!(
        load_certificate(&openssl_der("publisher")).unwrap(),
        openssl_der("publisher")
    );
    assert_eq!(cert("publisher"), openssl_der("publisher"));
    let pkcs8 = key("publisher");
    let key_path = vector_path("own/keys/publisher.key");
    let pkcs1_pem = openssl(&["rsa", "-in", &key_path, "-traditional"]);
    assert!(String::from_utf8_lossy(&pkcs1_pem).contains("BEGIN RSA PRIVATE KEY"));
    assert_eq!(SigningKey::from_pem_or_der(&pkcs1_pem).unwrap(), pkcs8);
    let pkcs8_der = openssl(&["pkey", "-in", &key_path, "-outform", "DER"]);
    assert_eq!(SigningKey::from_pem_or_der(&pkcs8_der).unwrap(), pkcs8);
    let encrypted = openssl(&["pkey", "-in", &key_path, "-aes256", "-passout", "pass:x"]);
    let e = SigningKey::from_pem_or_der(&encrypted).unwrap_err();
    assert!(e.to_string().contains("encrypted"), "{e}");
}

#[test]
fn records_match_a_real_cucm_ctl_byte_for_byte() {
    // Rebuild the six records of the real CUCM 10 CTL from their certificates, DNS
    // names and addresses: the record bytes (names in CUCM's CN;OU;O;L;ST;C order
    // whatever the certificate's order, unsigned serials, PKCS#1 keys, element
    // order) must equal what CUCM wrote. The file is signed with our test key, as an
    // external signer, since the cluster's key is not ours.
    let real = read_vector("real/CTLFile-cucm10.tlv");
    let tl = TrustList::parse(&real).unwrap();
    let publisher = cert("publisher");
    let mut b = Builder::new(publisher, key("publisher"))
        .filename("CTLFile.tlv")
        .allow_external_signer(true);
    for r in tl.records() {
        b = b.record_spec(RecordSpec {
            role: r.function().unwrap(),
            cert_der: r.certificate().unwrap().to_vec(),
            hash_only: false,
            dns_name: r.dns_name(),
            ip: r.ip_address(),
        });
    }
    let built = b.build().unwrap();
    let ours = TrustList::parse(&built).unwrap();
    let hl = usize::from(tl.header().header_length());
    let our_hl = usize::from(ours.header().header_length());
    assert_eq!(built.len() - our_hl, real.len() - hl);
    assert!(built[our_hl..] == real[hl..], "records differ from CUCM's");
}
