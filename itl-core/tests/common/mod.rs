//! Helpers shared by the itl-core integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

mod vectors;
pub use vectors::*;

/// Runs `openssl` with `args`; panics (failing the test) if openssl is missing or
/// fails. Returns stdout.
pub fn openssl(args: &[&str]) -> Vec<u8> {
    let out = Command::new("openssl")
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run `openssl` ({e}); install it (Debian: apt-get install openssl)")
        });
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Runs `openssl` and returns (success, stdout+stderr) without asserting success.
pub fn openssl_status(args: &[&str]) -> (bool, String) {
    let out = Command::new("openssl")
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run `openssl` ({e}); install it (Debian: apt-get install openssl)")
        });
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// Path (as a string) of a file under `testvectors/`.
pub fn vector_path(rel: &str) -> String {
    vectors().join(rel).display().to_string()
}

/// The SHA-1 fingerprint of a PEM certificate, lower-case hex, computed by openssl.
pub fn openssl_sha1_fingerprint(cert_pem: &str) -> String {
    let out = String::from_utf8(openssl(&[
        "x509",
        "-in",
        cert_pem,
        "-noout",
        "-fingerprint",
        "-sha1",
    ]))
    .unwrap();
    let hexpart = out.trim().rsplit('=').next().unwrap();
    hexpart.replace(':', "").to_ascii_lowercase()
}

/// A name of a PEM certificate as openssl prints it in RFC 2253 form (most specific
/// attribute first), `which` = `subject` or `issuer`.
pub fn openssl_name_rfc2253(cert_pem: &str, which: &str) -> String {
    let out = String::from_utf8(openssl(&[
        "x509",
        "-in",
        cert_pem,
        "-noout",
        &format!("-{which}"),
        "-nameopt",
        "RFC2253",
    ]))
    .unwrap();
    out.trim()
        .strip_prefix(&format!("{which}="))
        .unwrap()
        .to_owned()
}

/// Signs `bytes` (a trust list changed after building) again with `key` and SHA-1:
/// the signature over the file minus its SIGNATURE element replaces the old one.
pub fn resign(mut bytes: Vec<u8>, key: &itl_core::SigningKey) -> Vec<u8> {
    // Any size: tests/scale.rs re-signs files over the default limits.
    let unbounded = itl_core::Limits::DEFAULT
        .with_max_size(usize::MAX)
        .with_max_elements(usize::MAX);
    let tl = itl_core::TrustList::parse_with(&bytes, unbounded).unwrap();
    let sig = key
        .sign(itl_core::DigestAlgorithm::SHA1, &tl.signed_bytes().unwrap())
        .unwrap();
    let range = tl.header().signature_range().unwrap();
    bytes[range.start + 3..range.end].copy_from_slice(&sig);
    bytes
}
