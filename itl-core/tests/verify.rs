//! File signature verification: every vector against its sidecar, and
//! verification against outside trust (bit flips and truncations: mutation.rs).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{all_vectors, read_vector, sidecar};
use itl_core::{
    AnchorOrigin, Builder, DigestAlgorithm, Role, SignatureError, TrustAnchor, TrustList,
    verify_signature, verify_with_trust,
};

#[test]
fn every_vector_verifies_as_its_sidecar_says() {
    let mut checked = 0;
    for path in all_vectors() {
        let facts = sidecar(&path);
        let bytes = std::fs::read(&path).unwrap();
        let name = path.display().to_string();
        let parsed = TrustList::parse(&bytes);
        if facts.get("error_offset").is_some() {
            assert!(parsed.is_err(), "{name}: must not parse");
            continue;
        }
        let tl = parsed.unwrap_or_else(|e| panic!("{name}: {e}"));
        let expected_valid = facts["signature_valid"].as_bool().unwrap();
        let result = verify_signature(&tl);
        assert_eq!(result.is_ok(), expected_valid, "{name}: {result:?}");
        if let Ok(report) = result {
            assert_eq!(
                report.signer_record as u64,
                facts["signer_record"].as_u64().unwrap(),
                "{name}"
            );
            assert_eq!(
                report.digest.name(),
                facts["digest"].as_str(),
                "{name}: digest"
            );
            assert_eq!(
                report.key_bits,
                tl.header().modulus_bits().unwrap() as usize,
                "{name}: key size and SIGNATUREMODULUS"
            );
        }
        checked += 1;
    }
    assert!(checked >= 7, "only {checked} valid vectors checked");
}

#[test]
fn the_real_ctl_is_signed_by_record_1() {
    let bytes = read_vector("real/CTLFile-cucm10.tlv");
    let tl = TrustList::parse(&bytes).unwrap();
    let r = verify_signature(&tl).unwrap();
    assert_eq!(
        (r.signer_record, r.digest, r.key_bits),
        (1, DigestAlgorithm::SHA1, 1024)
    );
}

// Every truncation and single-bit flip of the replica and the real CTL is checked
// in mutation.rs (no panic, round trip, never verifies), with the moved-signature case.

fn key_cert(name: &str) -> (itl_core::SigningKey, Vec<u8>) {
    let rel = format!("own/keys/{name}");
    (common::key(&rel), common::cert(&rel))
}

#[test]
fn errors_say_why_no_signer_verified() {
    let replica = read_vector("own/ITLSEP0011215A1AE3-sbd-replica.tlv");
    let tl = TrustList::parse(&replica).unwrap();

    // No signature element: drop tag 12 and fix the lengths.
    let mut unsigned = tl.to_editable();
    unsigned
        .header_mut()
        .elements_mut()
        .retain(|e| e.tag() != 12 || e.is_padding());
    let bytes = unsigned.to_bytes_fixed().unwrap();
    let e = verify_signature(&TrustList::parse(&bytes).unwrap()).unwrap_err();
    assert_eq!(e, SignatureError::NoSignature);

    // Two signature elements.
    let mut twice = tl.to_editable();
    let sig = twice
        .header()
        .get(itl_core::HeaderTag::SIGNATURE)
        .unwrap()
        .clone();
    let at = twice
        .header()
        .elements()
        .iter()
        .position(|e| e.tag() == 12)
        .unwrap();
    twice.header_mut().elements_mut().insert(at, sig);
    let bytes = twice.to_bytes_fixed().unwrap();
    let e = verify_signature(&TrustList::parse(&bytes).unwrap()).unwrap_err();
    assert_eq!(e, SignatureError::MultipleSignatures(2));

    // Unknown digest code 9: an error, not a panic.
    let mut odd = replica.clone();
    let pos = tl
        .header()
        .get(itl_core::HeaderTag::SIGNATURE_INFO)
        .unwrap()
        .offset()
        + 3;
    assert_eq!(&odd[pos..pos + 4], &[8, 0, 1, 1]);
    odd[pos + 3] = 9;
    let e = verify_signature(&TrustList::parse(&odd).unwrap()).unwrap_err();
    assert_eq!(e, SignatureError::UnsupportedDigest(9));
    assert_eq!(
        e.to_string(),
        "unsupported digest 9 (known: 1 SHA-1, 2 SHA-256, 3 SHA-512)"
    );

    // A changed signature byte: mismatch, naming the header's signer (records 1, 2
    // share its serial and issuer).
    let mut bad = replica.clone();
    let range = tl.header().signature_range().unwrap();
    bad[range.start + 10] ^= 0x40;
    let e = verify_signature(&TrustList::parse(&bad).unwrap()).unwrap_err();
    assert_eq!(
        e,
        SignatureError::Mismatch {
            record: 1,
            others: vec![2],
            no_key: Vec::new(),
        }
    );

    // The signer's serial changed in the header: no record matches, the SAST record
    // is tried and fails (the header is signed too), and the error lists the
    // serials searched.
    let mut moved = tl.to_editable();
    for e in moved.header_mut().elements_mut() {
        if e.tag() == 3 {
            let mut kids = e.children().to_vec();
            for k in &mut kids {
                if k.tag() == 5 {
                    k.set_value(vec![1, 2, 3]);
                }
            }
            *e = itl_core::Element::new_container(3, kids);
        }
    }
    let bytes = moved.to_bytes_fixed().unwrap();
    let e = verify_signature(&TrustList::parse(&bytes).unwrap()).unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, SignatureError::SignerNotFound { .. }), "{e:?}");
    assert!(
        msg.contains("010203")
            && msg.contains("20d4cedc0e94e7800005")
            && msg.contains("2e3e1a7bdaa64d84"),
        "{msg}"
    );
}

/// Sets the header's signer SERIALNUMBER (tag 5 inside tag 3).
fn set_header_serial(tl: &mut itl_core::EditableTrustList<'_>, serial: Vec<u8>) {
    for e in tl.header_mut().elements_mut() {
        if e.tag() == 3 {
            let mut kids = e.children().to_vec();
            for k in &mut kids {
                if k.tag() == 5 {
                    k.set_value(serial.clone());
                }
            }
            *e = itl_core::Element::new_container(3, kids);
        }
    }
}

#[test]
fn a_sast_record_not_named_by_the_header_is_found() {
    // Signed by the TVS key, held by SAST record 2; the header names a serial no
    // record has. The verifier falls back to the SAST records and reports record 2.
    let (tvs_key, tvs) = key_cert("tvs");
    let (_, publisher) = key_cert("publisher");
    let bytes = Builder::new(tvs.clone(), tvs_key.clone())
        .record(Role::CCM_TFTP, publisher)
        .record(Role::SAST, tvs)
        .build()
        .unwrap();
    let mut tl = TrustList::parse(&bytes).unwrap().to_editable();
    set_header_serial(&mut tl, vec![0x0b, 0xad]);
    let bytes = common::resign(tl.to_bytes_fixed().unwrap(), &tvs_key);
    let r = verify_signature(&TrustList::parse(&bytes).unwrap()).unwrap();
    assert_eq!((r.signer_record, r.key_bits), (2, 2048));
}

#[test]
fn an_unusable_signer_key_is_reported() {
    // The signer record carries only PUBLICKEY (hash-only), and it is broken.
    let (key, publisher) = key_cert("publisher");
    let bytes = Builder::new(publisher.clone(), key)
        .hash_only_record(Role::SAST, publisher)
        .build()
        .unwrap();
    let tl = TrustList::parse(&bytes).unwrap();
    assert_eq!(verify_signature(&tl).unwrap().signer_record, 1);
    let at = tl.records()[0]
        .get(itl_core::RecordTag::PUBLIC_KEY)
        .unwrap()
        .offset()
        + 3;
    let mut broken = bytes.clone();
    assert_eq!(broken[at], 0x30, "PKCS#1 RSAPublicKey is a DER SEQUENCE");
    broken[at] = 0x31;
    let e = verify_signature(&TrustList::parse(&broken).unwrap()).unwrap_err();
    assert!(
        matches!(e, SignatureError::KeyNotUsable { record: 1, .. }),
        "{e:?}"
    );
    assert!(
        e.to_string()
            .starts_with("record 1: key not usable: PUBLICKEY is not a usable RSA key"),
        "{e}"
    );
}

#[test]
fn outside_trust_from_a_certificate_or_another_trust_list() {
    let replica_bytes = read_vector("own/ITLSEP0011215A1AE3-sbd-replica.tlv");
    let replica = TrustList::parse(&replica_bytes).unwrap();
    let (_, publisher) = key_cert("publisher");
    let (tvs_key, tvs) = key_cert("tvs");

    let by_cert = TrustAnchor::from_certificate(&publisher, "publisher.crt").unwrap();
    let r = verify_with_trust(&replica, std::slice::from_ref(&by_cert)).unwrap();
    assert_eq!(r.anchor, 0);
    match &by_cert.origin {
        AnchorOrigin::Certificate { source, subject } => {
            assert_eq!(source, "publisher.crt");
            assert!(subject.starts_with("CN=CUCM8-Publisher"), "{subject}");
        }
        other => panic!("{other:?}"),
    }

    let wrong = TrustAnchor::from_certificate(&tvs, "tvs.crt").unwrap();
    assert_eq!(
        verify_with_trust(&replica, std::slice::from_ref(&wrong)).unwrap_err(),
        SignatureError::NotTrusted { tried: 1 }
    );
    assert_eq!(
        verify_with_trust(&replica, &[]).unwrap_err(),
        SignatureError::NoTrustAnchors
    );
    let r = verify_with_trust(&replica, &[wrong, by_cert]).unwrap();
    assert_eq!(r.anchor, 1);

    // The replica as the phone's current ITL: its SAST and CCM+TFTP records are
    // anchors, its TVS and CAPF records are not.
    let anchors = TrustAnchor::from_trust_list(&replica, "current.tlv");
    let origins: Vec<_> = anchors.iter().map(|a| &a.origin).collect();
    assert_eq!(origins.len(), 2, "{origins:?}");
    assert!(
        matches!(origins[0], AnchorOrigin::Record { source, index: 1, role: Role::SAST, subject: Some(s) }
            if source == "current.tlv" && s.starts_with("CN=CUCM8-Publisher")),
        "{origins:?}"
    );
    assert!(
        matches!(origins[1], AnchorOrigin::Record { source, index: 2, role: Role::CCM_TFTP, .. }
            if source == "current.tlv"),
        "{origins:?}"
    );

    // A new file signed by the publisher is trusted by a phone holding the replica;
    // one signed by the TVS key (not an anchor) is not, though it verifies by itself.
    let (pub_key, _) = key_cert("publisher");
    let good = Builder::new(publisher.clone(), pub_key)
        .record(Role::SAST, publisher.clone())
        .build()
        .unwrap();
    let good = TrustList::parse(&good).unwrap();
    assert_eq!(verify_with_trust(&good, &anchors).unwrap().anchor, 0);
    let other = Builder::new(tvs.clone(), tvs_key)
        .record(Role::SAST, tvs)
        .build()
        .unwrap();
    let other = TrustList::parse(&other).unwrap();
    assert!(verify_signature(&other).is_ok());
    assert_eq!(
        verify_with_trust(&other, &anchors).unwrap_err(),
        SignatureError::NotTrusted { tried: 2 }
    );

    // The real CTL trusts itself through its SAST record.
    let ctl_bytes = read_vector("real/CTLFile-cucm10.tlv");
    let ctl = TrustList::parse(&ctl_bytes).unwrap();
    let anchors = TrustAnchor::from_trust_list(&ctl, "CTLFile.tlv");
    assert_eq!(anchors.len(), 5, "SAST and CCM+TFTP records; not CAPF");
    let r = verify_with_trust(&ctl, &anchors).unwrap();
    assert!(
        matches!(&anchors[r.anchor].origin, AnchorOrigin::Record { source, index: 1, role: Role::SAST, subject: Some(s) }
            if source == "CTLFile.tlv" && s.starts_with("CN=gigantic-6")),
        "{:?}",
        anchors[r.anchor].origin
    );
}

#[test]
fn sast_records_without_a_key_are_not_listed_as_failed() {
    // The replica (records 1 and 2 share the header's signer; 4 records) plus a
    // SAST record holding only RECORDLENGTH and FUNCTION. Appending it changed
    // the signed bytes: records 1 and 2 fail to verify, record 5 has no key.
    let mut bytes = read_vector("own/ITLSEP0011215A1AE3-sbd-replica.tlv");
    bytes.extend([1, 0, 2, 0, 10, 4, 0, 2, 0, 0]);
    let tl = TrustList::parse(&bytes).unwrap();
    let e = verify_signature(&tl).unwrap_err();
    assert_eq!(
        e,
        SignatureError::Mismatch {
            record: 1,
            others: vec![2],
            no_key: vec![5],
        }
    );
    assert_eq!(
        e.to_string(),
        "signature mismatch: the signature does not verify with the key of record 1 \
         (nor records 2); SAST records 5 have no usable RSA key"
    );
}
