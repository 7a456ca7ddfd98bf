//! Signed files (`.sgn`, `.enc.sgn`): parse (lossless), kind detection, the
//! phone's check against a fixed ITL, the check against a fixed certificate, the
//! encryption block and decryption with a fixed device key. None may panic,
//! whatever the bytes are, and:
//! - a file that parses writes back to the same bytes;
//! - nothing but an unmodified trusted vector passes the phone's check (RSA
//!   signatures cannot be forged; any other input that passes is a modified file
//!   called trusted);
//! - a decryption that succeeds gives the payload minus PADCOUNT bytes.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

const ITL: &[u8] = include_bytes!("../../testvectors/signed/ITLFile.tlv");
const CCMTFTP_CERT: &[u8] = include_bytes!("../../testvectors/signed/keys/ccmtftp.crt");
const DEVICE_KEY: &[u8] = include_bytes!("../../testvectors/signed/keys/device.key");

/// Every vector of testvectors/signed/ whose sidecar says `trusted: true`.
const TRUSTED: &[&[u8]] = &[
    include_bytes!("../../testvectors/signed/SEP001122334455.cnf.xml-sha1-ccmtftp.sgn"),
    include_bytes!("../../testvectors/signed/SEP001122334455.cnf.xml-sha256-ccmtftp.sgn"),
    include_bytes!("../../testvectors/signed/SEP001122334455.cnf.xml-sha512-ccmtftp.sgn"),
    include_bytes!("../../testvectors/signed/SEP001122334455.cnf.xml-sha1-tftp.sgn"),
    include_bytes!("../../testvectors/signed/List.bin-sha1-ccmtftp.sgn"),
    include_bytes!("../../testvectors/signed/List.bin-sha256-ccmtftp.sgn"),
    include_bytes!("../../testvectors/signed/List.bin-sha512-ccmtftp.sgn"),
    include_bytes!("../../testvectors/signed/empty.txt-sha1-ccmtftp.sgn"),
    include_bytes!("../../testvectors/signed/empty.txt-sha256-ccmtftp.sgn"),
    include_bytes!("../../testvectors/signed/empty.txt-sha512-ccmtftp.sgn"),
    include_bytes!("../../testvectors/signed/SEP001122334455.cnf.xml.enc.sgn"),
];

struct Fixed {
    cert: Vec<u8>,
    key: itl_core::SigningKey,
}

fn fixed() -> &'static Fixed {
    static FIXED: OnceLock<Fixed> = OnceLock::new();
    FIXED.get_or_init(|| Fixed {
        cert: itl_core::load_certificate(CCMTFTP_CERT).expect("certificate"),
        key: itl_core::SigningKey::from_pem_or_der(DEVICE_KEY).expect("device key"),
    })
}

fuzz_target!(|data: &[u8]| {
    let kind = itl_core::detect_kind(data);
    let any = itl_core::AnyFile::parse(data);
    if let (Ok(k), Ok(a)) = (&kind, &any) {
        assert_eq!(*k, a.kind(), "detect_kind and AnyFile::parse disagree");
    }
    let Ok(file) = itl_core::SignedFile::parse(data) else {
        return;
    };
    assert_eq!(file.to_bytes(), data, "a parsed signed file writes back the same bytes");
    assert!(file.payload_offset() <= data.len());
    let itl = itl_core::TrustList::parse(ITL).expect("ITL parses");
    let verdict = itl_core::verify_signed_file(&file, &[&itl]);
    if verdict.is_ok() {
        assert!(TRUSTED.contains(&data), "a file that is not a trusted vector is trusted");
    }
    let _ = verdict.map_err(|e| e.to_string());
    let by_cert = itl_core::verify_signed_file_with_certificate(&file, &fixed().cert);
    if by_cert.is_ok() {
        assert!(TRUSTED.contains(&data), "a file that is not a trusted vector verifies");
    }
    if let Ok(info) = file.encryption() {
        let _ = (info.iv, info.pad_count, info.key_bits, info.unknown.len());
        if let Ok(plain) = itl_core::decrypt(&file, &fixed().key) {
            // decrypt checks the hash itself; the lengths must add up.
            assert_eq!(plain.len() + usize::from(info.pad_count), file.payload().len());
        }
    } else {
        assert!(itl_core::decrypt(&file, &fixed().key).is_err());
    }
});
