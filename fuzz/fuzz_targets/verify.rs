//! Parse, then run signature verification and every per-record key check: none
//! of them may panic, whatever the bytes are. And nothing but an unmodified signed
//! vector may verify: RSA signatures cannot be forged, and the one part of a file
//! the signature does not cover (the SIGNATURE element and its place) is checked,
//! so any other input that verifies is a modified file called valid.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// Every test vector whose sidecar says `signature_valid: true` (the test
/// `the_verify_fuzz_oracle_lists_every_signed_vector` in itl-core/tests/vectors.rs
/// checks this list against the sidecars).
const SIGNED: &[&[u8]] = &[
    include_bytes!("../../testvectors/real/CTLFile-cucm10.tlv"),
    include_bytes!("../../testvectors/own/ITLSEP0011215A1AE3-sbd-replica.tlv"),
    include_bytes!("../../testvectors/thirdparty/CTL-sha1-4096.tlv"),
    include_bytes!("../../testvectors/thirdparty/ITL-sha1.tlv"),
    include_bytes!("../../testvectors/thirdparty/ITL-sha512-allroles.tlv"),
    include_bytes!("../../testvectors/thirdparty/ITLFile-community.tlv"),
    include_bytes!("../../testvectors/thirdparty/ITLSEP-sha512.tlv"),
    include_bytes!("../../testvectors/signed/ITLFile.tlv"),
];

fuzz_target!(|data: &[u8]| {
    let Ok(tl) = itl_core::TrustList::parse(data) else {
        return;
    };
    let result = itl_core::verify_signature(&tl);
    if let Ok(report) = &result {
        // A file that verifies names a record that exists, and is one of the
        // signed vectors byte for byte.
        assert!(report.signer_record >= 1 && report.signer_record <= tl.records().len());
        assert!(
            SIGNED.contains(&data),
            "a file that is not one of the signed vectors verifies"
        );
    }
    let _ = result.map_err(|e| e.to_string());
    // Certificate checks at a fixed time, trust from the file's own entries and from
    // a real CTL, and comparison both ways with a real file.
    let _ = itl_core::check_certificates(&tl, 1_700_000_000);
    let anchors = itl_core::TrustAnchor::from_trust_list(&tl, "fuzz");
    let _ = itl_core::verify_with_trust(&tl, &anchors);
    let real = itl_core::TrustList::parse(SIGNED[0]).expect("real CTL parses");
    let _ =
        itl_core::verify_with_trust(&tl, &itl_core::TrustAnchor::from_trust_list(&real, "real"));
    let _ = itl_core::verify_with_trust(&real, &anchors);
    let _ = itl_core::compare(&tl, None, &real);
    let _ = itl_core::compare(&real, Some(&tl), &tl);
    let _ = itl_core::compare_hashes(
        &itl_core::PhoneHashes {
            md5: Some(itl_core::Fingerprints::of(data).md5),
            sha1: None,
        },
        &tl,
    );
    for r in tl.records() {
        let _ = itl_core::cert_hash_matches(r, data);
        if let Some(der) = r.certificate() {
            let _ = itl_core::CertInfo::parse(der);
            let _ = itl_core::cert_hash_matches(r, der);
        }
        if let Ok(key) = itl_core::PublicKey::of_record(r) {
            let _ = itl_core::verify_signature_with_key(&tl, &key);
        }
        if let Some(der) = r.certificate() {
            let _ = itl_core::PublicKey::from_certificate(der);
            let _ = itl_core::Fingerprints::of(der);
        }
        let _ = itl_core::same_dn(
            &r.subject_name().unwrap_or_default(),
            &r.issuer_name().unwrap_or_default(),
        );
        let _ = itl_core::common_name(&r.subject_name().unwrap_or_default());
    }
});
