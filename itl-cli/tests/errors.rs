//! The errors users really hit: each must exit 2, print nothing on stdout, and
//! print exactly one line on stderr, `error: <path>: …`, that says what is wrong.

use std::path::{Path, PathBuf};
use std::process::Command;

fn vector(rel: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../testvectors")
        .join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// A fresh directory for one test's files.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("itltool-errors-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("mkdir {}: {e}", dir.display()));
    dir
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    path
}

/// Runs `itltool show PATH` (through `prefix`, e.g. to drop privileges) and checks
/// the error contract; returns the stderr line.
fn assert_error_with(prefix: &[&str], path: &Path, phrases: &[&str]) -> String {
    let exe = env!("CARGO_BIN_EXE_itltool");
    let mut cmd = match prefix.split_first() {
        Some((first, rest)) => {
            let mut c = Command::new(first);
            c.args(rest).arg(exe);
            c
        }
        None => Command::new(exe),
    };
    let out = cmd
        .arg("show")
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {exe}: {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(2),
        "exit status for {}; stderr: {stderr}",
        path.display()
    );
    assert!(stdout.is_empty(), "stdout not empty: {stdout}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "stderr is not one line: {stderr:?}");
    let line = lines[0];
    let start = format!("error: {}: ", path.display());
    assert!(
        line.starts_with(&start),
        "{line:?} does not start {start:?}"
    );
    for p in phrases {
        assert!(line.contains(p), "{line:?} does not contain {p:?}");
    }
    line.to_owned()
}

fn assert_error(path: &Path, phrases: &[&str]) -> String {
    assert_error_with(&[], path, phrases)
}

#[test]
fn empty_file() {
    let dir = scratch("empty");
    assert_error(&write(&dir, "ITLFile.tlv", b""), &["file is empty"]);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn directory() {
    let dir = scratch("directory");
    assert_error(&dir, &["is a directory"]);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn missing_file() {
    let dir = scratch("missing");
    assert_error(&dir.join("ITLFile.tlv"), &["no such file"]);
    let _ = std::fs::remove_dir_all(dir);
}

fn is_root() -> bool {
    let out = Command::new("id")
        .arg("-u")
        .output()
        .unwrap_or_else(|e| panic!("cannot run `id -u` (coreutils): {e}"));
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

#[test]
fn permission_denied() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("permission");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755))
        .unwrap_or_else(|e| panic!("chmod: {e}"));
    let path = write(&dir, "ITLFile.tlv", &vector("real/CTLFile-cucm10.tlv"));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000))
        .unwrap_or_else(|e| panic!("chmod: {e}"));
    // Root reads any file, so as root run the binary as uid/gid 65534, `nobody` (setpriv is in
    // util-linux); the message mapping itself is also unit-tested in input.rs.
    let prefix: &[&str] = if is_root() {
        let ok = Command::new("setpriv")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(
            ok,
            "tests run as root need `setpriv` (util-linux) to run itltool unprivileged"
        );
        &[
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
        ]
    } else {
        &[]
    };
    assert_error_with(prefix, &path, &["permission denied"]);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn png_image() {
    let dir = scratch("png");
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend_from_slice(&[0u8; 64]);
    assert_error(
        &write(&dir, "ITLFile.tlv", &png),
        &["PNG image", "not an ITL/CTL"],
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn xml_phone_config() {
    let dir = scratch("xml");
    let xml = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<device xsi:type=\"axl:XIPPhone\">\n  <fullConfig>true</fullConfig>\n</device>\n";
    assert_error(
        &write(&dir, "SEP001122334455.cnf.xml", xml),
        &["XML phone configuration", "not an ITL/CTL"],
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn html_page() {
    let dir = scratch("html");
    let html = b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head></html>\n";
    assert_error(&write(&dir, "ITLFile.tlv", html), &["HTML page"]);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn pem_certificate() {
    let dir = scratch("pem");
    let path = write(&dir, "ITLFile.tlv", &vector("own/keys/publisher.crt"));
    assert_error(&path, &["PEM certificate", "not an ITL/CTL"]);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn signed_config_sgn() {
    // A .sgn file: the ITL-style signed header, then the configuration XML at the
    // header length. The replica's header is 296 bytes.
    let mut sgn = vector("own/ITLSEP0011215A1AE3-sbd-replica.tlv");
    sgn.truncate(296);
    sgn.extend_from_slice(
        b"<?xml version=\"1.0\"?>\n<device>\n  <deviceProtocol>SIP</deviceProtocol>\n</device>\n",
    );
    let dir = scratch("sgn");
    let path = write(&dir, "SEP001122334455.cnf.xml.sgn", &sgn);
    assert_error(
        &path,
        &["signed configuration file (.sgn)", "not an ITL/CTL"],
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// What a TFTP transfer in ASCII mode does to a binary file: a CR before each LF.
fn netascii(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 64);
    for &b in bytes {
        if b == b'\n' {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

#[test]
fn netascii_transfer() {
    let original = vector("real/CTLFile-cucm10.tlv");
    let mangled = netascii(&original);
    assert!(
        mangled.len() > original.len(),
        "the vector has no LF byte to mangle"
    );
    let dir = scratch("netascii");
    let path = write(&dir, "CTLFile.tlv", &mangled);
    assert_error(
        &path,
        &["ASCII (netascii) mode", "transfer it again in binary mode"],
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn netascii_full_encoding() {
    // Full netascii also turns each CR into CR NUL; the replica has CR bytes (its
    // header padding).
    let original = vector("own/ITLSEP0011215A1AE3-sbd-replica.tlv");
    let mut mangled = Vec::new();
    for &b in &original {
        match b {
            b'\n' => mangled.extend_from_slice(b"\r\n"),
            b'\r' => mangled.extend_from_slice(b"\r\0"),
            _ => mangled.push(b),
        }
    }
    let dir = scratch("netascii-full");
    let path = write(&dir, "ITLFile.tlv", &mangled);
    assert_error(&path, &["transfer it again in binary mode"]);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn malformed_file_is_one_line_with_offset() {
    // A truncated real file: no guess about its type, the parser's finding only.
    let original = vector("real/CTLFile-cucm10.tlv");
    let dir = scratch("truncated");
    let path = write(&dir, "CTLFile.tlv", &original[..original.len() - 100]);
    let line = assert_error(&path, &["record", "byte"]);
    assert!(!line.contains("looks like"), "{line}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn over_the_size_limit_is_refused_before_reading() {
    // A sparse file one byte over the limit: refused from its size alone.
    let dir = scratch("too-large");
    let path = dir.join("ITLFile.tlv");
    let file = std::fs::File::create(&path).unwrap_or_else(|e| panic!("create: {e}"));
    let limit = u64::try_from(itl_core::MAX_FILE_SIZE).unwrap_or(u64::MAX);
    file.set_len(limit + 1)
        .unwrap_or_else(|e| panic!("set_len: {e}"));
    assert_error(
        &path,
        &["1048577 bytes", "over the 1048576-byte limit", "--max-size"],
    );
    // Raised, the same file is read and refused by the parser instead.
    let out = Command::new(env!("CARGO_BIN_EXE_itltool"))
        .args(["show", "--max-size", "2000000"])
        .arg(&path)
        .output()
        .unwrap_or_else(|e| panic!("cannot run itltool: {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("expected VERSION (tag 1)"), "{stderr}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn endless_input_is_cut_at_the_limit() {
    // A device reports size 0 and never ends: reading stops one byte past the limit.
    assert_error(Path::new("/dev/zero"), &["over the 1048576-byte limit"]);
}
