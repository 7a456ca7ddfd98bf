//! `itltool --version` names the RSA backend the binary was built with.

use std::process::Command;

#[test]
fn version_names_the_rsa_backend() {
    let out = Command::new(env!("CARGO_BIN_EXE_itltool"))
        .arg("--version")
        .output()
        .unwrap_or_else(|e| panic!("cannot run itltool: {e}"));
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    // The features this test is built with are the binary's.
    let backend = if cfg!(feature = "aws-lc") {
        "aws-lc-rs"
    } else {
        "rsa (pure Rust)"
    };
    assert_eq!(
        text,
        format!(
            "itltool {} (RSA signatures: {backend})\n",
            env!("CARGO_PKG_VERSION")
        )
    );
}
