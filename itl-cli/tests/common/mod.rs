//! Helpers shared by the itl-cli integration tests (each test file uses some).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use itl_core::{SigningKey, load_certificate};
use serde_json::Value;

pub mod json_doc;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The repository's `testvectors/` directory.
pub fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testvectors")
}

/// Path (as a string) of a file under `testvectors/`.
pub fn vector(rel: &str) -> String {
    vectors().join(rel).display().to_string()
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
pub fn sidecar(tlv: &Path) -> Value {
    let p = format!("{}.json", tlv.display());
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"));
    serde_json::from_str(&text).unwrap()
}

/// The DER of `testvectors/REL.crt`.
pub fn cert(rel: &str) -> Vec<u8> {
    load_certificate(&std::fs::read(vectors().join(format!("{rel}.crt"))).unwrap()).unwrap()
}

/// The private key in `testvectors/REL.key`.
pub fn key(rel: &str) -> itl_core::SigningKey {
    SigningKey::from_pem_or_der(&std::fs::read(vectors().join(format!("{rel}.key"))).unwrap())
        .unwrap()
}

/// Runs the `itltool` binary built for these tests.
pub fn itltool(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_itltool"))
        .args(args)
        .output()
        .expect("runs itltool")
}

/// A process's stdout as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A process's stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs an outside tool in `dir`; fails the test with an install hint if it is
/// missing.
pub fn tool(program: &str, args: &[&str], dir: &Path, package: &str) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run `{program}` ({e}); install it (Debian: apt-get install {package})")
        })
}

/// SHA-1 fingerprint of a certificate file (PEM, or DER with `der`),
/// lower-case hex, as `openssl x509` computes it (independent of this project).
pub fn openssl_sha1(path: &Path, der: bool) -> String {
    let out = Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha1", "-inform"])
        .arg(if der { "DER" } else { "PEM" })
        .arg("-in")
        .arg(path)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run `openssl` ({e}); install it (Debian: apt-get install openssl)")
        });
    assert!(
        out.status.success(),
        "openssl rejects {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    text.trim()
        .rsplit('=')
        .next()
        .unwrap()
        .replace(':', "")
        .to_ascii_lowercase()
}
