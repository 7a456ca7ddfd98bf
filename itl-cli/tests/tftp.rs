//! `itltool fetch` and `show/verify/hash tftp://…` against TFTP servers on
//! 127.0.0.1, each serving a temporary directory at a free port.
//!
//! Every test runs twice:
//! - `in_test::…` against the small server of `tftp_server/` (a thread of this
//!   process): runs with `cargo test`, as any user, with nothing installed;
//! - `tftpd_hpa::…` against Debian's tftpd-hpa (`in.tftpd`), for
//!   interoperability with a real daemon. These are `#[ignore]`d; run them with
//!   `cargo test -p itl-cli --test tftp -- --ignored` (as `.ci/run` does after
//!   installing tftpd-hpa). They need root (in.tftpd chroots into the served
//!   directory) and fail, never skip, when in.tftpd is missing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod tftp_server;

use std::fs;
use std::net::UdpSocket;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use common::{stderr, stdout, vectors};

const ITLTOOL: &str = env!("CARGO_BIN_EXE_itltool");

/// A fresh empty directory under the system temp dir, readable by all.
fn temp_dir(what: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "itltool-tftp-{what}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

/// Copies `bytes` to `dir/rel` so that the server's user (`tftp`) can read it.
fn put(dir: &Path, rel: &str, bytes: &[u8]) {
    let path = dir.join(rel);
    let mut d = path.parent().unwrap().to_owned();
    fs::create_dir_all(&d).unwrap();
    while d.starts_with(dir) {
        fs::set_permissions(&d, fs::Permissions::from_mode(0o755)).unwrap();
        if !d.pop() {
            break;
        }
    }
    fs::write(&path, bytes).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
}

fn in_tftpd() -> PathBuf {
    let candidates = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    let found = [PathBuf::from("/usr/sbin")]
        .into_iter()
        .chain(candidates)
        .map(|d| d.join("in.tftpd"))
        .find(|p| p.is_file());
    match found {
        Some(p) => p,
        None => panic!(
            "in.tftpd not found: install the Debian package tftpd-hpa \
             (apt-get install tftpd-hpa); .ci/run does this"
        ),
    }
}

fn is_root() -> bool {
    let out = Command::new("id").arg("-u").output().expect("run id -u");
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

/// A TFTP server serving a directory on 127.0.0.1.
trait Server: Sized {
    /// Starts serving `dir` (removed when the server is dropped).
    fn start(dir: &Path) -> Self;
    /// Its UDP port.
    fn port(&self) -> u16;
    /// Stops it: the port no longer answers.
    fn stop(&mut self);
    /// `tftp://127.0.0.1:PORT/NAME`.
    fn url(&self, name: &str) -> String {
        format!("tftp://127.0.0.1:{}/{name}", self.port())
    }
}

/// The in-test server of `tftp_server/`.
struct InTest {
    server: tftp_server::TestServer,
    dir: PathBuf,
}

impl Server for InTest {
    fn start(dir: &Path) -> Self {
        Self {
            server: tftp_server::TestServer::start(dir),
            dir: dir.to_owned(),
        }
    }
    fn port(&self) -> u16 {
        self.server.port()
    }
    fn stop(&mut self) {
        self.server.stop();
    }
}

impl Drop for InTest {
    fn drop(&mut self) {
        self.server.stop();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// A running `in.tftpd -L -a 127.0.0.1:PORT -s DIR` (Debian's tftpd-hpa).
struct Hpa {
    child: Option<Child>,
    port: u16,
    dir: PathBuf,
}

impl Server for Hpa {
    fn start(dir: &Path) -> Self {
        let bin = in_tftpd();
        assert!(
            is_root(),
            "in.tftpd -s (chroot into the served directory) needs root; run the tests as root, as CI does"
        );
        for _ in 0..5 {
            let port = UdpSocket::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let mut child = Command::new(&bin)
                .args(["-L", "-a", &format!("127.0.0.1:{port}"), "-s"])
                .arg(dir)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("start in.tftpd");
            // Up once it holds the port.
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(5) {
                if let Some(status) = child.try_wait().unwrap() {
                    let mut err = String::new();
                    if let Some(mut e) = child.stderr.take() {
                        let _ = std::io::Read::read_to_string(&mut e, &mut err);
                    }
                    eprintln!("in.tftpd on port {port} exited ({status}): {err}");
                    break;
                }
                if UdpSocket::bind(("127.0.0.1", port)).is_err() {
                    return Self {
                        child: Some(child),
                        port,
                        dir: dir.to_owned(),
                    };
                }
                thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("in.tftpd did not start on 127.0.0.1");
    }

    fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server by its PID.
    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Hpa {
    fn drop(&mut self) {
        self.stop();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn itltool(args: &[&str], cwd: &Path) -> Output {
    Command::new(ITLTOOL)
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .output()
        .expect("run itltool")
}

/// MD5 by coreutils' `md5sum`, independent of our code.
fn md5sum(path: &Path) -> String {
    let out = Command::new("md5sum")
        .arg(path)
        .output()
        .expect("md5sum (coreutils) is needed");
    assert!(out.status.success());
    stdout(&out).split_whitespace().next().unwrap().to_owned()
}

/// Every `.tlv` under testvectors/, as (path relative to it, bytes).
fn all_vectors() -> Vec<(String, Vec<u8>)> {
    let root = vectors();
    common::all_vectors()
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(&root).unwrap().to_str().unwrap().to_owned();
            (rel, fs::read(&p).unwrap())
        })
        .collect()
}

/// Bytes with no short period, so a lost or doubled block would show.
fn pattern(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| u8::try_from((i * 31 + i / 251) % 256).unwrap())
        .collect()
}

fn fetched_bytes_are_identical_for_every_vector_and_block_boundary<S: Server>() {
    let served = temp_dir("srv");
    let mut files = all_vectors();
    assert!(files.len() >= 14, "test vectors found: {}", files.len());
    // Transfer edge cases: an exact multiple of 512 ends with an empty block.
    for len in [0usize, 1, 511, 512, 513, 1024, 70_000] {
        files.push((format!("sizes/{len}.bin"), pattern(len)));
    }
    for (rel, bytes) in &files {
        put(&served, rel, bytes);
    }
    let server = S::start(&served);
    let out = temp_dir("out");
    for (i, (rel, bytes)) in files.iter().enumerate() {
        let dest = out.join(format!("{i}.tlv"));
        let o = itltool(
            &["fetch", &server.url(rel), "-o", dest.to_str().unwrap()],
            &out,
        );
        assert_eq!(o.status.code(), Some(0), "{rel}: {}", stderr(&o));
        assert_eq!(&fs::read(&dest).unwrap(), bytes, "{rel}: bytes differ");
        assert_eq!(
            stdout(&o),
            format!(
                "saved {} ({} bytes, MD5 {})\n",
                dest.display(),
                bytes.len(),
                md5sum(&served.join(rel))
            )
        );
    }
    // `-o -` writes the bytes to standard output.
    let (rel, bytes) = &files[0];
    let o = itltool(&["fetch", &server.url(rel), "-o", "-"], &out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(&o.stdout, bytes);
    fs::remove_dir_all(&out).unwrap();
}

fn default_name_is_in_the_current_directory_and_never_overwritten_without_force<S: Server>() {
    let served = temp_dir("srv");
    let vector = fs::read(vectors().join("real/CTLFile-cucm10.tlv")).unwrap();
    put(&served, "real/CTLFile-cucm10.tlv", &vector);
    let server = S::start(&served);
    let cwd = temp_dir("cwd");
    let url = server.url("real/CTLFile-cucm10.tlv");
    let local = cwd.join("CTLFile-cucm10.tlv");

    let o = itltool(&["fetch", &url], &cwd);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(fs::read(&local).unwrap(), vector);

    fs::write(&local, b"old").unwrap();
    let o = itltool(&["fetch", &url], &cwd);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: CTLFile-cucm10.tlv: already exists; not overwritten (use --force to replace it)\n"
    );
    assert_eq!(fs::read(&local).unwrap(), b"old");

    let o = itltool(&["fetch", &url, "--force"], &cwd);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(fs::read(&local).unwrap(), vector);
    // Nothing else (no temporary file) is left in the directory.
    assert_eq!(fs::read_dir(&cwd).unwrap().count(), 1);
    fs::remove_dir_all(&cwd).unwrap();
}

fn missing_file_gives_the_servers_file_not_found<S: Server>() {
    let served = temp_dir("srv");
    put(&served, "ITLFile.tlv", b"x");
    let server = S::start(&served);
    let cwd = temp_dir("cwd");
    let url = server.url("nope.tlv");

    let o = itltool(&["fetch", &url], &cwd);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!("error: {url}: TFTP error 1 from server: File not found\n")
    );
    assert_eq!(fs::read_dir(&cwd).unwrap().count(), 0, "no file written");

    let o = itltool(&["show", &url], &cwd);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!("error: {url}: TFTP error 1 from server: File not found\n")
    );
    fs::remove_dir_all(&cwd).unwrap();
}

fn show_reads_a_tftp_url_like_a_local_file<S: Server>() {
    let served = temp_dir("srv");
    let rel = "thirdparty/ITLFile-community.tlv";
    let local = vectors().join(rel);
    put(&served, rel, &fs::read(&local).unwrap());
    let server = S::start(&served);
    let url = server.url(rel);

    let remote = itltool(&["show", "--format", "json", &url], &served);
    assert_eq!(remote.status.code(), Some(0), "{}", stderr(&remote));
    let here = itltool(
        &["show", "--format", "json", local.to_str().unwrap()],
        &served,
    );
    assert_eq!(here.status.code(), Some(0), "{}", stderr(&here));
    let mut remote: serde_json::Value = serde_json::from_slice(&remote.stdout).unwrap();
    let mut here: serde_json::Value = serde_json::from_slice(&here.stdout).unwrap();
    assert_eq!(remote["file"], url.as_str());
    remote["file"] = serde_json::Value::Null;
    here["file"] = serde_json::Value::Null;
    assert_eq!(remote, here);
}

fn verify_and_hash_read_a_tftp_url_like_a_local_file<S: Server>() {
    let served = temp_dir("srv");
    let rel = "real/CTLFile-cucm10.tlv";
    let local = vectors().join(rel);
    put(&served, rel, &fs::read(&local).unwrap());
    let server = S::start(&served);
    let url = server.url(rel);

    let out = itltool(&["hash", &url], &served);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // md5sum of the local copy, independently computed.
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{}  {url}\n", md5sum(&local))
    );

    let out = itltool(&["verify", "--summary", &url], &served);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .starts_with(&format!("{url}: valid"))
    );
}

/// The rows of the `fetch --mac` table, split on white space.
fn table(out: &str) -> Vec<Vec<String>> {
    let mut lines = out.lines();
    assert_eq!(
        lines
            .next()
            .map(|l| l.split_whitespace().collect::<Vec<_>>()),
        Some(vec!["FILE", "RESULT", "SIZE", "MD5"])
    );
    lines
        .take_while(|l| !l.starts_with("saved ") && !l.starts_with("no ITL"))
        .map(|l| l.split_whitespace().map(str::to_owned).collect())
        .collect()
}

fn found_row(name: &str, path: &Path) -> Vec<String> {
    vec![
        name.to_owned(),
        "found".to_owned(),
        fs::metadata(path).unwrap().len().to_string(),
        md5sum(path),
    ]
}

fn missing_row(name: &str) -> Vec<String> {
    [name, "not", "found", "-", "-"].map(str::to_owned).to_vec()
}

fn fetch_mac_asks_like_a_phone_and_falls_back_to_the_shared_files<S: Server>() {
    let served = temp_dir("srv");
    let itl = vectors().join("own/ITLSEP0011215A1AE3-sbd-replica.tlv");
    let ctl = vectors().join("real/CTLFile-cucm10.tlv");
    put(&served, "ITLSEP0011215A1AE3.tlv", &fs::read(&itl).unwrap());
    put(&served, "CTLFile.tlv", &fs::read(&ctl).unwrap());
    // Another phone's file and the shared ITL must not be fetched.
    put(&served, "ITLSEP001122334455.tlv", b"other phone");
    put(&served, "ITLFile.tlv", b"shared ITL");
    let server = S::start(&served);
    let cwd = temp_dir("cwd");
    let out = cwd.join("out");
    fs::create_dir(&out).unwrap();
    let host = format!("127.0.0.1:{}", server.port());
    let args = ["fetch", "--mac", "00:11:21:5a:1a:e3", &host, "--dir", "out"];

    let o = itltool(&args, &cwd);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        table(&stdout(&o)),
        vec![
            missing_row("CTLSEP0011215A1AE3.tlv"),
            found_row("CTLFile.tlv", &ctl),
            found_row("ITLSEP0011215A1AE3.tlv", &itl),
        ]
    );
    assert!(stdout(&o).ends_with("saved out/CTLFile.tlv\nsaved out/ITLSEP0011215A1AE3.tlv\n"));
    let mut saved: Vec<_> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    saved.sort();
    assert_eq!(saved, ["CTLFile.tlv", "ITLSEP0011215A1AE3.tlv"]);
    assert_eq!(
        fs::read(out.join("CTLFile.tlv")).unwrap(),
        fs::read(&ctl).unwrap()
    );
    assert_eq!(
        fs::read(out.join("ITLSEP0011215A1AE3.tlv")).unwrap(),
        fs::read(&itl).unwrap()
    );

    // Again: the files exist, so nothing is written without --force.
    fs::write(out.join("CTLFile.tlv"), b"old").unwrap();
    let o = itltool(&args, &cwd);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: out/CTLFile.tlv: already exists; not overwritten (use --force to replace it)\n"
    );
    assert_eq!(fs::read(out.join("CTLFile.tlv")).unwrap(), b"old");
    let mut forced = args.to_vec();
    forced.push("--force");
    let o = itltool(&forced, &cwd);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        fs::read(out.join("CTLFile.tlv")).unwrap(),
        fs::read(&ctl).unwrap()
    );
    fs::remove_dir_all(&cwd).unwrap();
}

fn fetch_mac_creates_the_dir_and_a_second_phone_shares_the_ctl<S: Server>() {
    let served = temp_dir("srv");
    let itl1 = vectors().join("own/ITLSEP0011215A1AE3-sbd-replica.tlv");
    let itl2 = vectors().join("thirdparty/ITLSEP-sha512.tlv");
    let ctl = vectors().join("real/CTLFile-cucm10.tlv");
    put(&served, "ITLSEP0011215A1AE3.tlv", &fs::read(&itl1).unwrap());
    put(&served, "ITLSEPAABBCCDDEEFF.tlv", &fs::read(&itl2).unwrap());
    put(&served, "CTLFile.tlv", &fs::read(&ctl).unwrap());
    let server = S::start(&served);
    let cwd = temp_dir("cwd");
    let host = format!("127.0.0.1:{}", server.port());

    // DIR does not exist yet (two levels); the MAC as the phone's name shows it.
    let o = itltool(
        &[
            "fetch",
            "--mac",
            "SEP0011215A1AE3",
            &host,
            "--dir",
            "new/out",
        ],
        &cwd,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).ends_with("saved new/out/CTLFile.tlv\nsaved new/out/ITLSEP0011215A1AE3.tlv\n"),
        "{}",
        stdout(&o)
    );
    // A second phone into the same folder: the shared CTLFile.tlv is the same.
    let o = itltool(
        &[
            "fetch",
            "--mac",
            "sepaabb.ccdd.eeff",
            &host,
            "--dir",
            "new/out",
        ],
        &cwd,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).ends_with(
            "kept new/out/CTLFile.tlv (same content already there)\nsaved new/out/ITLSEPAABBCCDDEEFF.tlv\n"
        ),
        "{}",
        stdout(&o)
    );
    let out = cwd.join("new/out");
    let mut saved: Vec<_> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    saved.sort();
    assert_eq!(
        saved,
        [
            "CTLFile.tlv",
            "ITLSEP0011215A1AE3.tlv",
            "ITLSEPAABBCCDDEEFF.tlv"
        ]
    );
    assert_eq!(
        fs::read(out.join("CTLFile.tlv")).unwrap(),
        fs::read(&ctl).unwrap()
    );
    assert_eq!(
        fs::read(out.join("ITLSEPAABBCCDDEEFF.tlv")).unwrap(),
        fs::read(&itl2).unwrap()
    );
    fs::remove_dir_all(&cwd).unwrap();
}

fn fetch_reports_as_json<S: Server>() {
    let served = temp_dir("srv");
    let ctl = vectors().join("real/CTLFile-cucm10.tlv");
    put(&served, "CTLFile.tlv", &fs::read(&ctl).unwrap());
    let server = S::start(&served);
    let cwd = temp_dir("cwd");
    let url = server.url("CTLFile.tlv");

    let o = itltool(&["fetch", &url, "--format", "json"], &cwd);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["url"], url.as_str());
    assert_eq!(doc["saved"], "CTLFile.tlv");
    assert_eq!(doc["size"], fs::metadata(&ctl).unwrap().len());
    assert_eq!(doc["md5"], md5sum(&ctl));

    let host = format!("127.0.0.1:{}", server.port());
    let o = itltool(
        &[
            "fetch",
            "--mac",
            "SEP001122334455",
            &host,
            "--format",
            "json",
        ],
        &cwd,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["mac"], "001122334455");
    assert_eq!(doc["itl_found"], false);
    let files = doc["files"].as_array().unwrap();
    let names: Vec<&str> = files.iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "CTLSEP001122334455.tlv",
            "CTLFile.tlv",
            "ITLSEP001122334455.tlv",
            "ITLFile.tlv"
        ]
    );
    assert_eq!(files[1]["found"], true);
    assert_eq!(files[1]["md5"], md5sum(&ctl));
    // CTLFile.tlv was already there with the same bytes: kept.
    assert_eq!(files[1]["kept"], true);
    assert_eq!(files[0]["found"], false);
    fs::remove_dir_all(&cwd).unwrap();
}

fn fetch_mac_without_any_itl_exits_1<S: Server>() {
    let served = temp_dir("srv");
    let ctl = vectors().join("real/CTLFile-cucm10.tlv");
    put(&served, "CTLSEPAABBCCDDEEFF.tlv", &fs::read(&ctl).unwrap());
    let server = S::start(&served);
    let cwd = temp_dir("cwd");
    let host = format!("127.0.0.1:{}", server.port());

    let o = itltool(&["fetch", "--mac", "aabb.ccdd.eeff", &host], &cwd);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        table(&stdout(&o)),
        vec![
            found_row("CTLSEPAABBCCDDEEFF.tlv", &ctl),
            missing_row("ITLSEPAABBCCDDEEFF.tlv"),
            missing_row("ITLFile.tlv"),
        ]
    );
    assert!(stdout(&o).ends_with(
        "saved ./CTLSEPAABBCCDDEEFF.tlv\nno ITL found (neither ITLSEPAABBCCDDEEFF.tlv nor ITLFile.tlv)\n"
    ));
    assert_eq!(
        fs::read(cwd.join("CTLSEPAABBCCDDEEFF.tlv")).unwrap(),
        fs::read(&ctl).unwrap()
    );
    fs::remove_dir_all(&cwd).unwrap();
}

fn stopped_server_gives_the_timeout_error<S: Server>() {
    let served = temp_dir("srv");
    put(&served, "CTLFile.tlv", b"x");
    let mut server = S::start(&served);
    let url = server.url("CTLFile.tlv");
    let port = server.port();
    server.stop();
    let cwd = temp_dir("cwd");

    let start = Instant::now();
    let o = itltool(&["fetch", &url, "--timeout", "1"], &cwd);
    let took = start.elapsed();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "error: {url}: no answer from TFTP server 127.0.0.1:{port} within 1 s (5 requests sent); \
             is the server running and the port right?\n"
        )
    );
    assert!(
        took >= Duration::from_secs(1) && took < Duration::from_secs(4),
        "{took:?}"
    );
    assert_eq!(fs::read_dir(&cwd).unwrap().count(), 0, "no file written");

    let o = itltool(
        &[
            "fetch",
            "--mac",
            "0011215A1AE3",
            &format!("127.0.0.1:{port}"),
            "--timeout",
            "1",
        ],
        &cwd,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with(&format!(
            "error: tftp://127.0.0.1:{port}/CTLSEP0011215A1AE3.tlv: no answer from TFTP server"
        )),
        "{}",
        stderr(&o)
    );
    assert_eq!(stderr(&o).lines().count(), 1);
    fs::remove_dir_all(&cwd).unwrap();
}

#[test]
fn bad_arguments_exit_2_with_one_line() {
    let cwd = temp_dir("cwd");
    for (args, want) in [
        (
            vec!["fetch", "127.0.0.1/ITLFile.tlv"],
            "error: 127.0.0.1/ITLFile.tlv: not a TFTP address: it does not start with tftp:// (expected tftp://HOST[:PORT]/NAME)\n",
        ),
        (
            vec!["fetch", "tftp://127.0.0.1:0/x"],
            "error: tftp://127.0.0.1:0/x: not a TFTP address: the port is not a number from 1 to 65535 (expected tftp://HOST[:PORT]/NAME)\n",
        ),
        (
            vec!["fetch", "--mac", "0011215A1AE", "127.0.0.1"],
            "error: MAC address \"0011215A1AE\": expected 12 hex digits such as 0011215A1AE3 or SEP0011215A1AE3 (separators : - . allowed)\n",
        ),
        (
            vec!["fetch", "tftp://127.0.0.1/dir/"],
            "error: tftp://127.0.0.1/dir/: cannot name a local file after this URL; give one with -o FILE\n",
        ),
    ] {
        let o = itltool(&args, &cwd);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert_eq!(stderr(&o), want, "{args:?}");
    }
    let o = itltool(&["fetch", "tftp://127.0.0.1/x", "--timeout", "0"], &cwd);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("from 0.1 to 600"), "{}", stderr(&o));
    fs::remove_dir_all(&cwd).unwrap();
}

/// One `#[test]` per behaviour test above, against server type `$server`,
/// each with the attributes given (`#[ignore]` for tftpd-hpa).
macro_rules! tftp_tests {
    ($server:ty $(, #[$attr:meta])*) => {
        tftp_tests!(@each $server; [$(#[$attr])*];
            fetched_bytes_are_identical_for_every_vector_and_block_boundary
            default_name_is_in_the_current_directory_and_never_overwritten_without_force
            missing_file_gives_the_servers_file_not_found
            show_reads_a_tftp_url_like_a_local_file
            verify_and_hash_read_a_tftp_url_like_a_local_file
            fetch_mac_asks_like_a_phone_and_falls_back_to_the_shared_files
            fetch_mac_creates_the_dir_and_a_second_phone_shares_the_ctl
            fetch_reports_as_json
            fetch_mac_without_any_itl_exits_1
            stopped_server_gives_the_timeout_error
        );
    };
    (@each $server:ty; $attrs:tt; $name:ident $($rest:ident)*) => {
        tftp_tests!(@one $server; $attrs; $name);
        tftp_tests!(@each $server; $attrs; $($rest)*);
    };
    (@each $server:ty; $attrs:tt;) => {};
    (@one $server:ty; [$(#[$attr:meta])*]; $name:ident) => {
        #[test]
        $(#[$attr])*
        fn $name() {
            super::$name::<$server>();
        }
    };
}

/// Against the in-test server: part of `cargo test`.
mod in_test {
    tftp_tests!(super::InTest);
}

/// Against Debian's tftpd-hpa: `cargo test -p itl-cli --test tftp -- --ignored` (needs root).
mod tftpd_hpa {
    tftp_tests!(
        super::Hpa,
        #[ignore = "needs root and Debian's tftpd-hpa; run with --ignored (.ci/run does)"]
    );
}
