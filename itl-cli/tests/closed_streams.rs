//! Standard output and standard error that cannot be written: `build` reports a
//! failed write of its result line (exit 2) instead of exiting 0, and an error
//! that cannot be printed does not turn into a panic (exit 101), whichever
//! command meets it.
#![allow(clippy::unwrap_used)]

mod common;

use std::fs::File;
use std::process::{Command, Stdio};

/// `/dev/full`: every write fails with "No space left on device".
fn full() -> Stdio {
    Stdio::from(
        File::options()
            .write(true)
            .open("/dev/full")
            .unwrap_or_else(|e| panic!("cannot open /dev/full: {e}")),
    )
}

#[test]
fn an_error_on_an_unwritable_stderr_is_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("ITLFile.tlv");
    std::fs::write(&bad, b"not a trust list").unwrap();
    for args in [
        vec!["show", bad.to_str().unwrap()],
        vec!["show", "--format", "cucm", bad.to_str().unwrap()],
        vec![
            "certs",
            "-o",
            dir.path().to_str().unwrap(),
            bad.to_str().unwrap(),
        ],
        vec!["compare", bad.to_str().unwrap(), bad.to_str().unwrap()],
        // These printed their error with eprintln!, which panics when
        // standard error cannot be written.
        vec![
            "phone",
            "--mac",
            "not-a-mac",
            "--dir",
            dir.path().to_str().unwrap(),
        ],
        vec![
            "audit",
            "/nonexistent.csv",
            "--history",
            dir.path().to_str().unwrap(),
        ],
        vec!["man", "-o", bad.to_str().unwrap()],
        vec!["show", "--trust", "/nonexistent.pem", bad.to_str().unwrap()],
        vec!["unsign", bad.to_str().unwrap(), "-o", "/nonexistent/x"],
        vec![
            "decrypt",
            bad.to_str().unwrap(),
            "--key",
            "/nonexistent.key",
            "-o",
            "/nonexistent/x",
        ],
        vec![
            "sign",
            bad.to_str().unwrap(),
            "-o",
            "/nonexistent/x.sgn",
            "--signer",
            "/nonexistent.pem",
            "--key",
            "/nonexistent.key",
        ],
    ] {
        let status = Command::new(env!("CARGO_BIN_EXE_itltool"))
            .args(&args)
            .stdout(Stdio::null())
            .stderr(full())
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn build_reports_a_failed_write_of_its_result_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ITLFile.tlv");
    let crt = common::vector("own/keys/publisher.crt");
    let key = common::vector("own/keys/publisher.key");
    let result = Command::new(env!("CARGO_BIN_EXE_itltool"))
        .args([
            "build",
            "-o",
            out.to_str().unwrap(),
            "--signer",
            &crt,
            "--key",
            &key,
        ])
        .args(["--record", &format!("SAST:{crt}")])
        .stdout(full())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    // The file itself was written before the report line, and is complete.
    let bytes = std::fs::read(&out).unwrap();
    assert!(itl_core::TrustList::parse(&bytes).is_ok());
}

/// A writer whose every write fails.
struct Broken;

impl std::io::Write for Broken {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(std::io::Error::other("cannot write"))
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn the_build_library_function_returns_a_failed_write() {
    let dir = tempfile::tempdir().unwrap();
    let crt = common::vector("own/keys/publisher.crt");
    for json in [false, true] {
        let opts = itl_cli::build::BuildOptions {
            output: dir.path().join(format!("ITLFile-{json}.tlv")),
            signer: crt.clone().into(),
            key: common::vector("own/keys/publisher.key").into(),
            digest: itl_core::DigestAlgorithm::SHA1,
            filename: None,
            signer_version: None,
            timestamp: Some(1_700_000_000),
            records: vec![itl_cli::build::RecordArg::parse(&format!("SAST:{crt}")).unwrap()],
            allow_external_signer: false,
            force: false,
            json,
        };
        let result = itl_cli::build::run(&opts, &mut Broken, &mut std::io::sink());
        assert!(
            matches!(result, Err(itl_cli::build::BuildCliError::Stdout(ref e)) if e.to_string() == "cannot write"),
            "json {json}: {result:?}"
        );
    }
}
