//! The test vectors, for the tests of both crates: itl-core's tests use this
//! module from `common/mod.rs`, itl-cli's include the same file by path (one
//! dev-only copy, no support crate to publish).

use std::path::{Path, PathBuf};

/// The repository's `testvectors/` directory.
pub fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testvectors")
}

/// Reads a file under `testvectors/`.
pub fn read_vector(rel: &str) -> Vec<u8> {
    let p = vectors().join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
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

/// The DER of the certificate `testvectors/REL.crt`.
pub fn cert(rel: &str) -> Vec<u8> {
    itl_core::load_certificate(&read_vector(&format!("{rel}.crt"))).unwrap()
}

/// The private key `testvectors/REL.key`.
pub fn key(rel: &str) -> itl_core::SigningKey {
    itl_core::SigningKey::from_pem_or_der(&read_vector(&format!("{rel}.key"))).unwrap()
}
