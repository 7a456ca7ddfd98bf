//! Parse, then run signature verification and every per-record key check: none
//! of them may panic, whatever the bytes are.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(tl) = itl_core::TrustList::parse(data) else {
        return;
    };
    let result = itl_core::verify_signature(&tl);
    if let Ok(report) = &result {
        // A file that verifies names a record that exists.
        assert!(report.signer_record >= 1 && report.signer_record <= tl.records().len());
    }
    let _ = result.map_err(|e| e.to_string());
    for r in tl.records() {
        if let Ok(key) = itl_core::verify::record_public_key(r) {
            let _ = itl_core::verify_signature_with_key(&tl, &key);
        }
        if let Some(der) = r.certificate() {
            let _ = itl_core::verify::certificate_public_key(der);
            let _ = itl_core::fingerprint::cucm_sha1(der);
            let _ = itl_core::Fingerprints::of(der);
        }
        let _ = itl_core::dn::same_dn(
            &r.subject_name().unwrap_or_default(),
            &r.issuer_name().unwrap_or_default(),
        );
        let _ = itl_core::dn::common_name(&r.subject_name().unwrap_or_default());
        let _ = itl_core::dn::attributes(&r.subject_name().unwrap_or_default());
    }
});
