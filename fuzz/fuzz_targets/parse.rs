//! Arbitrary bytes into the parser: it must return, never panic, hang or
//! allocate without bound; and what it accepts it must describe consistently.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match itl_core::TrustList::parse(data) {
        Ok(tl) => {
            // Every accessor is total on anything the parser accepts.
            let h = tl.header();
            let _ = (h.version_string(), h.header_length(), h.signer_name());
            let _ = (
                h.signer_serial(),
                h.issuer_name(),
                h.digest(),
                h.modulus_bits(),
            );
            let _ = (
                h.signature(),
                h.signature_range(),
                h.filename(),
                h.timestamp(),
            );
            let _ = (
                h.signer_version(),
                h.padding_len(),
                h.unknown_elements().count(),
            );
            for r in tl.records() {
                assert!(r.offset() < data.len());
                let _ = (
                    r.function(),
                    r.dns_name(),
                    r.subject_name(),
                    r.issuer_name(),
                );
                let _ = (
                    r.serial_number(),
                    r.public_key(),
                    r.signature(),
                    r.certificate(),
                );
                let _ = (r.ip_address(), r.cert_hash(), r.hash_algorithm());
                let _ = r.unknown_elements().count();
            }
            let _ = tl.kind();
            let _ = tl.signed_bytes();
        }
        Err(e) => {
            // The error names a place inside the input (or byte 0 of an empty one).
            assert!(
                e.offset() <= data.len(),
                "offset {} past {}",
                e.offset(),
                data.len()
            );
            let _ = e.to_string();
            let _ = e.record_index();
        }
    }
});
