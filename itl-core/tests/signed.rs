//! Signed files (`.sgn`, `.enc.sgn`): mutation, sign/verify, unsign, decrypt.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::read_vector;
use itl_core::{
    AnyFile, DecryptError, DigestAlgorithm, FileKind, Role, SignedFile, SignedFileBuilder,
    SignedFileError, SigningKey, TrustList, decrypt, load_certificate, verify_signed_file,
    verify_signed_file_with_certificate,
};

const XML_SGN: &str = "signed/SEP001122334455.cnf.xml-sha256-ccmtftp.sgn";
const ENC_SGN: &str = "signed/SEP001122334455.cnf.xml.enc.sgn";

fn itl() -> Vec<u8> {
    read_vector("signed/ITLFile.tlv")
}

fn cert(name: &str) -> Vec<u8> {
    load_certificate(&read_vector(&format!("signed/keys/{name}.crt"))).unwrap()
}

fn key(name: &str) -> itl_core::SigningKey {
    SigningKey::from_pem_or_der(&read_vector(&format!("signed/keys/{name}.key"))).unwrap()
}

/// Whether `bytes` verifies like a phone holding the vectors' ITL.
fn phone_accepts(bytes: &[u8], itl: &TrustList<'_>) -> bool {
    match SignedFile::parse(bytes) {
        Ok(f) => verify_signed_file(&f, &[itl]).is_ok(),
        Err(_) => false,
    }
}

#[test]
fn every_truncation_and_bit_flip_never_verifies() {
    let itl_bytes = itl();
    let itl = TrustList::parse(&itl_bytes).unwrap();
    for rel in [XML_SGN, ENC_SGN, "signed/empty.txt-sha1-ccmtftp.sgn"] {
        let bytes = read_vector(rel);
        assert!(phone_accepts(&bytes, &itl), "{rel}: the original verifies");
        for len in 0..bytes.len() {
            assert!(
                !phone_accepts(&bytes[..len], &itl),
                "{rel}: cut to {len} verifies"
            );
            // Other entry points never panic either.
            let _ = AnyFile::parse(&bytes[..len]);
        }
        let mut copy = bytes.clone();
        for bit in 0..bytes.len() * 8 {
            copy[bit / 8] ^= 1 << (bit % 8);
            assert!(
                !phone_accepts(&copy, &itl),
                "{rel}: bit {bit} flipped verifies"
            );
            if let Ok(f) = SignedFile::parse(&copy) {
                assert_eq!(f.to_bytes(), copy, "{rel}: bit {bit}: round trip");
                let _ = verify_signed_file_with_certificate(&f, &cert("ccmtftp"));
            }
            copy[bit / 8] ^= 1 << (bit % 8);
        }
    }
}

#[test]
fn sign_then_verify_across_digests() {
    let itl_bytes = itl();
    let itl = TrustList::parse(&itl_bytes).unwrap();
    let payload = read_vector("signed/payloads/SEP001122334455.cnf.xml");
    for digest in [
        DigestAlgorithm::SHA1,
        DigestAlgorithm::SHA256,
        DigestAlgorithm::SHA512,
    ] {
        for (who, role, record) in [("ccmtftp", Role::CCM_TFTP, 2), ("tftp", Role::TFTP, 3)] {
            let bytes = SignedFileBuilder::new(cert(who), key(who), "SEP001122334455.cnf.xml.sgn")
                .digest(digest)
                .timestamp(1_767_225_600)
                .build(&payload)
                .unwrap();
            let file = SignedFile::parse(&bytes).unwrap();
            assert_eq!(file.to_bytes(), bytes);
            assert_eq!(file.header().header_length() % 4, 0, "padded to 4");
            assert_eq!(file.header().version(), Some((1, 0)));
            assert_eq!(file.header().digest(), Some(digest));
            assert_eq!(
                file.header().filename().as_deref(),
                Some("SEP001122334455.cnf.xml.sgn")
            );
            assert_eq!(file.kind(), FileKind::Signed);
            // unsign: the payload byte for byte.
            assert_eq!(file.payload(), payload);
            let report = verify_signed_file(&file, &[&itl]).unwrap();
            assert_eq!(report.signer.record, record);
            assert_eq!(report.signer.role, Some(role));
            assert_eq!(report.digest, digest);
            assert_eq!(report.key_bits, 2048);
            let by_cert = verify_signed_file_with_certificate(&file, &cert(who)).unwrap();
            assert!(by_cert.header_names_certificate);
            // Another certificate does not verify it.
            assert!(matches!(
                verify_signed_file_with_certificate(&file, &cert("stranger")),
                Err(SignedFileError::CertificateMismatch {
                    header_names_certificate: false
                })
            ));
        }
    }
}

#[test]
fn sast_only_and_unknown_signers_are_named_failures() {
    let itl_bytes = itl();
    let itl = TrustList::parse(&itl_bytes).unwrap();
    let payload = b"<device/>";
    let bytes = SignedFileBuilder::new(cert("itlrecovery"), key("itlrecovery"), "x.cnf.xml.sgn")
        .build(payload)
        .unwrap();
    let file = SignedFile::parse(&bytes).unwrap();
    let err = verify_signed_file(&file, &[&itl]).unwrap_err();
    let SignedFileError::SignerNotTftp { found } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].record, found[0].role), (1, Some(Role::SAST)));
    assert_eq!(
        err.to_string(),
        "signed by record 1 (SAST) CN=ITLRECOVERY_cucm-pub.signed.lab;OU=TAC;O=Cisco;L=RTP;ST=North Carolina;C=US which is not a TFTP or CCM+TFTP entry"
    );
    // ...but the signature itself is good.
    verify_signed_file_with_certificate(&file, &cert("itlrecovery")).unwrap();

    let bytes = SignedFileBuilder::new(cert("stranger"), key("stranger"), "x.cnf.xml.sgn")
        .build(payload)
        .unwrap();
    let file = SignedFile::parse(&bytes).unwrap();
    assert!(matches!(
        verify_signed_file(&file, &[&itl]),
        Err(SignedFileError::SignerNotFound { .. })
    ));
    assert_eq!(
        verify_signed_file(&file, &[]),
        Err(SignedFileError::NoTrustList)
    );
}

#[test]
fn signer_found_in_a_second_trust_list() {
    // A CTL holding the stranger as TFTP: with ITL and CTL the phone trusts it.
    let ctl_bytes = itl_core::Builder::new(cert("stranger"), key("stranger"))
        .filename("CTLFile.tlv")
        .record(Role::SAST, cert("stranger"))
        .record(Role::TFTP, cert("stranger"))
        .build()
        .unwrap();
    let ctl = TrustList::parse(&ctl_bytes).unwrap();
    let itl_bytes = itl();
    let itl = TrustList::parse(&itl_bytes).unwrap();
    let bytes = read_vector("signed/SEP001122334455.cnf.xml-sha1-stranger.sgn");
    let file = SignedFile::parse(&bytes).unwrap();
    let report = verify_signed_file(&file, &[&itl, &ctl]).unwrap();
    assert_eq!(
        (report.signer.list, report.signer.record, report.signer.role),
        (1, 2, Some(Role::TFTP))
    );
}

#[test]
fn decrypt_gives_the_exact_plaintext() {
    let bytes = read_vector(ENC_SGN);
    let file = SignedFile::parse(&bytes).unwrap();
    assert_eq!(file.kind(), FileKind::EncryptedSigned);
    let plain = decrypt(&file, &key("device")).unwrap();
    assert_eq!(
        plain,
        read_vector("signed/payloads/SEP001122334455.cnf.xml")
    );
}

#[test]
fn decrypt_fails_clearly_on_a_wrong_key() {
    let bytes = read_vector(ENC_SGN);
    let file = SignedFile::parse(&bytes).unwrap();
    // Another 2048-bit key: the unwrapped key is rejected, or the hash differs.
    let err = decrypt(&file, &key("stranger")).unwrap_err();
    assert!(
        matches!(
            err,
            DecryptError::KeyUnwrap | DecryptError::HashMismatch { .. }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("wrong device key"), "{err}");
    // Not an encrypted file at all.
    let plain = read_vector(XML_SGN);
    let plain = SignedFile::parse(&plain).unwrap();
    assert!(matches!(
        decrypt(&plain, &key("device")),
        Err(DecryptError::Block(itl_core::EncryptionError::NotEncrypted))
    ));
}

#[test]
fn decrypt_fails_clearly_on_a_bad_hash() {
    let mut bytes = read_vector(ENC_SGN);
    let file = SignedFile::parse(&bytes).unwrap();
    let hash_at = file
        .header()
        .get(itl_core::HeaderTag::PLAINTEXT_HASH)
        .unwrap()
        .offset()
        + 3;
    bytes[hash_at] ^= 0x80;
    let file = SignedFile::parse(&bytes).unwrap();
    let err = decrypt(&file, &key("device")).unwrap_err();
    let DecryptError::HashMismatch {
        algorithm,
        expected,
        found,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(*algorithm, DigestAlgorithm::SHA1);
    assert_ne!(expected, found);
    assert!(err.to_string().contains("SHA-1"), "{err}");
}

#[test]
fn encrypt_for_a_device_then_decrypt() {
    let itl_bytes = itl();
    let itl = TrustList::parse(&itl_bytes).unwrap();
    for len in [0usize, 1, 15, 16, 17, 1000] {
        let payload: Vec<u8> = (0..len).map(|i| u8::try_from(i % 251).unwrap()).collect();
        let bytes = SignedFileBuilder::new(cert("ccmtftp"), key("ccmtftp"), "SEP.cnf.xml.enc.sgn")
            .digest(DigestAlgorithm::SHA512)
            .encrypt_for(cert("device"))
            .build(&payload)
            .unwrap();
        let file = SignedFile::parse(&bytes).unwrap();
        assert_eq!(file.to_bytes(), bytes);
        assert_eq!(file.kind(), FileKind::EncryptedSigned);
        assert_eq!(file.header().version(), Some((2, 0)));
        let info = file.encryption().unwrap();
        assert_eq!(usize::from(info.pad_count), 16 - len % 16);
        assert_eq!((info.key_bits, info.algorithm), (128, 1));
        assert_eq!(info.hash_algorithm, DigestAlgorithm::SHA512);
        assert_eq!(file.payload().len(), len + 16 - len % 16);
        if len > 0 {
            assert_ne!(file.payload().get(..len), Some(payload.as_slice()));
        }
        verify_signed_file(&file, &[&itl]).unwrap();
        assert_eq!(decrypt(&file, &key("device")).unwrap(), payload);
    }
}

#[test]
#[ignore = "needs python3 with cryptography (an independent decrypter); .ci/run runs it with --ignored"]
fn python_decrypts_what_we_encrypt() {
    // Independent check: Python `cryptography` unwraps and decrypts our .enc.sgn.
    let payload = read_vector("signed/payloads/SEP001122334455.cnf.xml");
    let bytes = SignedFileBuilder::new(cert("ccmtftp"), key("ccmtftp"), "SEP.cnf.xml.enc.sgn")
        .encrypt_for(cert("device"))
        .build(&payload)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.enc.sgn");
    std::fs::write(&path, &bytes).unwrap();
    let script = r#"
import sys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
d = open(sys.argv[1], 'rb').read()
key = serialization.load_pem_private_key(open(sys.argv[2], 'rb').read(), None)
hl = int.from_bytes(d[8:10], 'big')
f = {}
def walk(p, end, top):
    while p < end:
        if top and d[p] == 13:
            p += 1; continue
        t, n = d[p], int.from_bytes(d[p+1:p+3], 'big')
        f[t] = d[p+3:p+3+n]
        if t in (3, 7, 9, 16, 17, 21): walk(p+3, p+3+n, False)
        p += 3 + n
walk(0, hl, True)
k = key.decrypt(f[25], padding.PKCS1v15())
dec = Cipher(algorithms.AES(k), modes.CBC(f[19])).decryptor()
plain = dec.update(d[hl:]) + dec.finalize()
sys.stdout.buffer.write(plain[:len(plain) - int.from_bytes(f[20], 'big')])
"#;
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&path)
        .arg(common::vector_path("signed/keys/device.key"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run python3 ({e}); install python3-cryptography"));
    assert!(
        out.status.success(),
        "python3 failed (is python3-cryptography installed?): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout, payload);
}

#[test]
fn detection_by_filename_and_content() {
    // The binary payload starts like a record (01 00 02): FILENAME decides.
    let bin = read_vector("signed/List.bin-sha1-ccmtftp.sgn");
    assert_eq!(itl_core::detect_kind(&bin), Ok(FileKind::Signed));
    // Without a .sgn FILENAME, a text payload is a signed file by content...
    let bytes = SignedFileBuilder::new(cert("ccmtftp"), key("ccmtftp"), "dialplan.xml")
        .build(b"<DIALTEMPLATE/>")
        .unwrap();
    assert_eq!(itl_core::detect_kind(&bytes), Ok(FileKind::Signed));
    // ...and an empty payload is an (empty) trust list.
    let bytes = SignedFileBuilder::new(cert("ccmtftp"), key("ccmtftp"), "dialplan.xml")
        .build(b"")
        .unwrap();
    assert_eq!(itl_core::detect_kind(&bytes), Ok(FileKind::Ctl));
    // A .enc.sgn name without an encryption block: a signed file, the same
    // answer from detect_kind and AnyFile (found by the `signed` fuzz target).
    let bytes = SignedFileBuilder::new(cert("ccmtftp"), key("ccmtftp"), "SEP.cnf.xml.enc.sgn")
        .build(b"<device/>")
        .unwrap();
    assert_eq!(itl_core::detect_kind(&bytes), Ok(FileKind::Signed));
    assert_eq!(AnyFile::parse(&bytes).unwrap().kind(), FileKind::Signed);
    // Trust lists stay trust lists.
    assert_eq!(itl_core::detect_kind(&itl()), Ok(FileKind::Itl));
    let ctl = read_vector("real/CTLFile-cucm10.tlv");
    assert_eq!(itl_core::detect_kind(&ctl), Ok(FileKind::Ctl));
    // A broken CTL keeps its record error.
    let bad = read_vector("real/CTLFile-cucm10-corrupted.tlv");
    assert_eq!(itl_core::detect_kind(&bad), Ok(FileKind::Ctl));
    assert_eq!(AnyFile::parse(&bad).unwrap_err().offset(), 6023);
}

#[test]
fn unknown_tags_and_versions_are_kept() {
    // VERSION 9.9 and an unknown tag 40 after TIMESTAMP: parsed, kept, written back.
    let bytes = SignedFileBuilder::new(cert("ccmtftp"), key("ccmtftp"), "a.sgn")
        .version(9, 9)
        .build(b"payload")
        .unwrap();
    let file = SignedFile::parse(&bytes).unwrap();
    assert_eq!(file.header().version(), Some((9, 9)));
    let hl = usize::from(file.header().header_length());
    // Insert tag 40 (4 bytes with its value) in place of padding plus 4 more.
    let mut edited = bytes[..hl].to_vec();
    while edited.last() == Some(&0x0D) {
        edited.pop();
    }
    edited.extend_from_slice(&[40, 0, 1, 7]);
    while !edited.len().is_multiple_of(4) {
        edited.push(0x0D);
    }
    let new_hl = u16::try_from(edited.len()).unwrap().to_be_bytes();
    edited[8..10].copy_from_slice(&new_hl);
    edited.extend_from_slice(b"payload");
    let file = SignedFile::parse(&edited).unwrap();
    assert_eq!(file.to_bytes(), edited);
    assert_eq!(file.payload(), b"payload");
    assert_eq!(file.header().unknown_elements().count(), 1);
    // The header changed after signing: a mismatch.
    assert!(matches!(
        verify_signed_file_with_certificate(&file, &cert("ccmtftp")),
        Err(SignedFileError::CertificateMismatch {
            header_names_certificate: true
        })
    ));
}
