//! Helpers shared by the itl-cli integration tests (each test file uses some).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub mod json_doc;
#[path = "../../../itl-core/tests/common/vectors.rs"]
mod vectors;
pub use vectors::*;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Path (as a string) of a file under `testvectors/`.
pub fn vector(rel: &str) -> String {
    vectors().join(rel).display().to_string()
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
