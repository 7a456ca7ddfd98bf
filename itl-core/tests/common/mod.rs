//! Helpers shared by the itl-core integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository's `testvectors/` directory.
pub fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testvectors")
}

/// Reads a file under `testvectors/`.
pub fn read_vector(rel: &str) -> Vec<u8> {
    let p = vectors().join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

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

/// Every `*.tlv` under `testvectors/`, sorted.
pub fn all_vectors() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "tlv") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(&vectors(), &mut out);
    out.sort();
    assert!(
        out.len() >= 10,
        "expected the test vectors under {}",
        vectors().display()
    );
    out
}

/// The sidecar JSON of a vector (`X.tlv.json` next to `X.tlv`).
pub fn sidecar(tlv: &Path) -> serde_json::Value {
    let side = PathBuf::from(format!("{}.json", tlv.display()));
    let text = std::fs::read_to_string(&side).unwrap_or_else(|e| {
        panic!(
            "{}: no readable sidecar {}: {e}",
            tlv.display(),
            side.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: bad JSON: {e}", side.display()))
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

/// The DER of the certificate `testvectors/REL.crt`.
pub fn cert(rel: &str) -> Vec<u8> {
    itl_core::load_certificate(&read_vector(&format!("{rel}.crt"))).unwrap()
}

/// The private key `testvectors/REL.key`.
pub fn key(rel: &str) -> itl_core::SigningKey {
    itl_core::SigningKey::from_pem_or_der(&read_vector(&format!("{rel}.key"))).unwrap()
}
