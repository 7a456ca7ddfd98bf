//! The command-line conventions and fixes of issue 15: `show` of a file that
//! does not verify, `build`'s option and input checks, usage lines.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod tftp_server;

use common::{itltool, openssl_sha1, stderr, stdout, vectors};

/// The real CUCM CTL with one bit of its SIGNATURE flipped.
fn bad_signature_copy(dir: &std::path::Path) -> String {
    let mut bytes = std::fs::read(vectors().join("real/CTLFile-cucm10.tlv")).unwrap();
    let sig = itl_core::TrustList::parse(&bytes)
        .unwrap()
        .header()
        .signature()
        .unwrap()
        .to_vec();
    assert_eq!(sig.len(), 128, "RSA-1024 signature");
    let at = bytes
        .windows(sig.len())
        .position(|w| w == sig.as_slice())
        .unwrap();
    bytes[at + 40] ^= 0x01;
    let path = dir.join("CTLFile.tlv");
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn show_of_a_file_whose_signature_is_invalid_exits_1_and_lists_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    let bad = bad_signature_copy(dir.path());

    let o = itltool(&["show", &bad]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    let failures = out
        .split("\nFailures (1)\n")
        .nth(1)
        .unwrap_or_else(|| panic!("no Failures section:\n{out}"));
    let (failures, warnings) = failures.split_once("\n\n").unwrap();
    assert!(
        failures.starts_with("  - signature: does not verify"),
        "{failures}"
    );
    assert!(!warnings.contains("signature"), "{warnings}");
    assert!(out.contains("Signature   INVALID"), "{out}");

    // JSON: in `failures`, not in `warnings`; same exit status.
    let o = itltool(&["show", "--format", "json", &bad]);
    assert_eq!(o.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let f = doc["failures"].as_array().unwrap();
    assert_eq!(f.len(), 1);
    assert!(
        f[0].as_str()
            .unwrap()
            .starts_with("signature: does not verify")
    );
    assert_eq!(doc["signature"]["valid"], false);
    assert!(
        doc["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|w| !w.as_str().unwrap().contains("signature: does not verify"))
    );
    // cucm layout: same exit status; several files: 1 unless one is unreadable.
    let o = itltool(&["show", "--format", "cucm", &bad]);
    assert_eq!(o.status.code(), Some(1));
    let good = vectors().join("real/CTLFile-cucm10.tlv");
    let good = good.to_str().unwrap();
    let o = itltool(&["show", good, &bad, good]);
    assert_eq!(o.status.code(), Some(1));
    let o = itltool(&["show", "--format", "json", good, &bad]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).ends_with("{\"totals\":{\"files\":2,\"ok\":1,\"failed\":1,\"errors\":0}}\n"),
        "{}",
        stdout(&o)
    );
    let o = itltool(&["show", &bad, "/nonexistent.tlv"]);
    assert_eq!(o.status.code(), Some(2));
    // The intact file still exits 0.
    let o = itltool(&["show", good]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!stdout(&o).contains("Failures"));
}

/// Runs `itltool build -o OUT` signed by the replica's publisher with `args`.
fn build(out: &std::path::Path, args: &[String]) -> std::process::Output {
    let keys = vectors().join("own/keys");
    let mut v = vec![
        "build".to_owned(),
        "-o".to_owned(),
        out.to_str().unwrap().to_owned(),
        "--signer".to_owned(),
        keys.join("publisher.crt").to_str().unwrap().to_owned(),
        "--key".to_owned(),
        keys.join("publisher.key").to_str().unwrap().to_owned(),
    ];
    v.extend(args.iter().cloned());
    let v: Vec<&str> = v.iter().map(String::as_str).collect();
    itltool(&v)
}

fn cert(name: &str) -> String {
    vectors()
        .join("own/keys")
        .join(name)
        .to_str()
        .unwrap()
        .to_owned()
}

#[test]
fn build_names_an_unknown_record_option() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ITLFile.tlv");
    let arg = format!("SAST:{},foo=bar", cert("publisher.crt"));
    let o = build(&out, &["--record".to_owned(), arg.clone()]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!("error: {arg:?}: unknown option \"foo\" (options: dns=NAME, ip=A.B.C.D, hash)\n")
    );
    assert!(!out.exists());
    // Known options still work, in any order.
    let arg = format!("SAST:{},ip=10.1.2.3,dns=cucm", cert("publisher.crt"));
    let o = build(&out, &["--record".to_owned(), arg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "", "no warnings for a plain ITL");
}

#[test]
fn build_record_hash_option_keeps_command_line_order() {
    // `,hash` inside --record, and the older --hash-only spelling between
    // --record options: records come out in command-line order, the hashed
    // ones holding the SHA-1 openssl computes for the certificate.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ITLFile.tlv");
    let (publisher, tvs, capf) = (cert("publisher.crt"), cert("tvs.crt"), cert("capf.crt"));
    let o = build(
        &out,
        &[
            "--record".into(),
            format!("SAST:{publisher}"),
            "--hash-only".into(),
            format!("TVS:{tvs}"),
            "--record".into(),
            format!("CAPF:{capf},hash,dns=capf.example.com"),
            "--record".into(),
            format!("CCM+TFTP:{publisher}"),
            "--record".into(),
            format!("TVS:{capf},hash=sha1"),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let bytes = std::fs::read(&out).unwrap();
    let tl = itl_core::TrustList::parse(&bytes).unwrap();
    let got: Vec<(String, Option<String>, bool)> = tl
        .records()
        .iter()
        .map(|r| {
            (
                r.function().unwrap().short_name(),
                r.cert_hash().map(hex::encode),
                r.certificate().is_some(),
            )
        })
        .collect();
    let sha1 = |p: &str| Some(openssl_sha1(std::path::Path::new(p), false));
    assert_eq!(
        got,
        [
            ("SAST".to_owned(), None, true),
            ("TVS".to_owned(), sha1(&tvs), false),
            ("CAPF".to_owned(), sha1(&capf), false),
            ("CCM+TFTP".to_owned(), None, true),
            ("TVS".to_owned(), sha1(&capf), false),
        ]
    );
    assert_eq!(
        tl.records()[2].dns_name().as_deref(),
        Some("capf.example.com")
    );
    // A CERTHASH is a SHA-1: another digest is refused, naming the option.
    let arg = format!("TVS:{tvs},hash=sha256");
    let o = build(
        &dir.path().join("x.tlv"),
        &["--record".to_owned(), arg.clone()],
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "error: {arg:?}: hash=sha256: a CERTHASH is the certificate's SHA-1; give hash or hash=sha1\n"
        )
    );
}

#[test]
fn build_warns_about_size_duplicates_and_an_odd_filename() {
    let dir = tempfile::tempdir().unwrap();
    let publisher = cert("publisher.crt");
    let tvs = cert("tvs.crt");

    // The same record twice, and a FILENAME no phone asks for.
    let out = dir.path().join("my-itl.tlv");
    let o = build(
        &out,
        &[
            "--record".into(),
            format!("SAST:{publisher}"),
            "--hash-only".into(),
            format!("TVS:{tvs}"),
            "--record".into(),
            format!("SAST:{publisher}"),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out_s = out.display();
    assert_eq!(
        stderr(&o),
        format!(
            "warning: {out_s}: records 1 and 3 are the same (SAST with the certificate of {publisher}); one is enough\n\
             warning: {out_s}: FILENAME \"my-itl.tlv\" is not a name phones ask for (ITLFile.tlv, ITLSEP<MAC>.tlv, CTLFile.tlv, CTLSEP<MAC>.tlv with the MAC in upper case); give one with --filename\n"
        )
    );
    // The same certificate under another role is not a duplicate; --filename fixes the name.
    let out = dir.path().join("b.tlv");
    let o = build(
        &out,
        &[
            "--record".into(),
            format!("SAST:{publisher}"),
            "--record".into(),
            format!("CCM+TFTP:{publisher}"),
            "--filename".into(),
            "ITLSEP0011215A1AE3.tlv".into(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");

    // Over 64 KiB: 50 records of the 1442-byte certificate under numbered roles.
    let out = dir.path().join("CTLFile.tlv");
    let mut args = Vec::new();
    for role in 100..150 {
        args.push("--record".to_owned());
        args.push(format!("{role}:{publisher}"));
    }
    let o = build(&out, &args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let size = std::fs::metadata(&out).unwrap().len();
    assert!(size > 65_536, "{size}");
    assert_eq!(
        stderr(&o),
        format!(
            "warning: {}: the file is {size} bytes, over the 65536 bytes (64 KiB) phones accept; phones will refuse it\n",
            out.display()
        )
    );
}

#[test]
fn compare_usage_names_phone_and_server() {
    let o = itltool(&["compare"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("Usage: itltool compare [OPTIONS] PHONE SERVER\n"),
        "{err}"
    );
    assert!(!err.contains("<FILE>"), "{err}");
    let o = itltool(&["compare", "--help"]);
    let help = stdout(&o);
    assert!(
        help.contains("\n  <PHONE>\n") && help.contains("\n  [SERVER]\n"),
        "{help}"
    );
    // Three files are one too many.
    let f = vectors().join("real/CTLFile-cucm10.tlv");
    let f = f.to_str().unwrap();
    let o = itltool(&["compare", f, f, f]);
    assert_eq!(o.status.code(), Some(2));
}

/// `md5sum FILE` by coreutils, independent of our code.
fn md5sum(path: &std::path::Path) -> String {
    let o = std::process::Command::new("md5sum")
        .arg(path)
        .output()
        .expect("md5sum (coreutils) is needed");
    stdout(&o).split_whitespace().next().unwrap().to_owned()
}

#[test]
fn verify_json_agrees_with_every_sidecar() {
    for path in common::all_vectors() {
        let p = path.to_str().unwrap();
        let side = common::sidecar(&path);
        let o = itltool(&["verify", "--format", "json", p]);
        if side.get("error_offset").is_some() {
            assert_eq!(o.status.code(), Some(2), "{p}");
            assert!(o.stdout.is_empty(), "{p}");
            continue;
        }
        let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(doc["file"], p);
        let sig = doc["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "signature")
            .unwrap();
        assert_eq!(sig["passed"], side["signature_valid"], "{p}");
        if let Some(n) = side["signer_record"].as_u64() {
            assert!(
                sig["detail"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("of record {n} (")),
                "{p}: {sig}"
            );
        }
        let failed = doc["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["passed"] == false)
            .count();
        assert_eq!(doc["failed"], failed);
        assert_eq!(doc["valid"], failed == 0);
        assert_eq!(
            o.status.code(),
            Some(if failed == 0 { 0 } else { 1 }),
            "{p}"
        );
    }
    // A bad signature: valid false, exit 1; several files: JSON lines and totals.
    let dir = tempfile::tempdir().unwrap();
    let bad = bad_signature_copy(dir.path());
    let good = vectors().join("thirdparty/ITL-sha1.tlv");
    let o = itltool(&[
        "verify",
        "--format",
        "json",
        &bad,
        good.to_str().unwrap(),
        "/nonexistent.tlv",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["valid"], false);
    assert_eq!(lines[0]["checks"][0]["name"], "signature");
    assert_eq!(lines[0]["checks"][0]["passed"], false);
    assert_eq!(lines[1]["valid"], true);
    assert_eq!(
        lines[2],
        serde_json::json!({"totals": {"files": 3, "valid": 1, "invalid": 1, "errors": 1}})
    );
    assert_eq!(stderr(&o), "error: /nonexistent.tlv: no such file\n");
}

#[test]
fn hash_reads_directories_with_r_and_stdin_and_writes_json() {
    let all = common::all_vectors();
    let root = vectors();
    let o = itltool(&["hash", "-r", root.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines: Vec<String> = stdout(&o).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), all.len());
    for (line, path) in lines.iter().zip(&all) {
        assert_eq!(line, &format!("{}  {}", md5sum(path), path.display()));
    }
    let o = itltool(&["hash", "--format", "json", "-r", root.to_str().unwrap()]);
    let docs: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(docs.len(), all.len() + 1);
    for (doc, path) in docs.iter().zip(&all) {
        assert_eq!(doc["file"], path.to_str().unwrap());
        assert_eq!(doc["algorithm"], "md5");
        assert_eq!(doc["hash"], md5sum(path));
        assert_eq!(doc["size"], std::fs::metadata(path).unwrap().len());
    }
    assert_eq!(docs[all.len()]["totals"]["files"], all.len());
    // `-` is standard input, for every command that reads files.
    let file = root.join("real/CTLFile-cucm10.tlv");
    let run_stdin = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_itltool"))
            .args(args)
            .stdin(std::fs::File::open(&file).unwrap())
            .output()
            .unwrap()
    };
    let o = run_stdin(&["hash", "-"]);
    assert_eq!(stdout(&o), format!("{}  -\n", md5sum(&file)));
    let o = run_stdin(&["show", "--format", "json", "-"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["md5"], md5sum(&file));
    let o = run_stdin(&["verify", "--summary", "-"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("-: valid ("), "{}", stdout(&o));
    let o = run_stdin(&["compare", "-", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn certs_takes_o_and_force_and_writes_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("certs");
    let file = vectors().join("thirdparty/ITL-sha1.tlv");
    let file = file.to_str().unwrap();
    let o = itltool(&[
        "certs",
        file,
        "-o",
        out.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let written = doc["written"].as_array().unwrap();
    assert!(!written.is_empty());
    for w in written {
        let path = std::path::Path::new(w["path"].as_str().unwrap());
        assert_eq!(w["sha1"], openssl_sha1(path, false), "{w}");
        assert_eq!(w["replaced"], false);
    }
    // Again: refused without --force (nothing changed), replaced with it.
    let first = std::path::Path::new(written[0]["path"].as_str().unwrap()).to_owned();
    std::fs::write(&first, b"old").unwrap();
    let o = itltool(&["certs", file, "--output", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("exists; nothing was written (use --force"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(&first).unwrap(), b"old");
    let o = itltool(&["certs", file, "-o", out.to_str().unwrap(), "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("replaced "), "{}", stdout(&o));
    assert_eq!(written[0]["sha1"], openssl_sha1(&first, false));
    // The old spelling --out still works.
    let o = itltool(&[
        "certs",
        file,
        "--out",
        dir.path().join("b").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn build_json_reports_the_file_it_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ITLFile.tlv");
    let o = build(
        &out,
        &[
            "--record".into(),
            format!("SAST:{}", cert("publisher.crt")),
            "--format".into(),
            "json".into(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["md5"], md5sum(&out));
    assert_eq!(doc["size"], std::fs::metadata(&out).unwrap().len());
    assert_eq!(doc["records"], 1);
    assert_eq!(doc["filename"], "ITLFile.tlv");
    assert_eq!(doc["warnings"], serde_json::json!([]));
}

#[test]
fn wide_is_accepted_and_pipes_are_never_cut() {
    let f = vectors().join("real/CTLFile-cucm10.tlv");
    let f = f.to_str().unwrap();
    let plain = itltool(&["show", f]);
    let wide = itltool(&["show", "--wide", f]);
    assert_eq!(plain.status.code(), Some(0));
    assert_eq!(plain.stdout, wide.stdout);
    // Piped, every record's full IP address and the signer's full DN are there.
    let out = stdout(&plain);
    assert!(out.contains("Signer      CN=gigantic-6.cisco.com;OU=VTG;O=Alpha;L=SJ;ST=CA;C=US\n"));
    assert!(!out.contains('…'), "{out}");
    let o = itltool(&["compare", "--wide", f, f]);
    assert_eq!(o.status.code(), Some(0));
}

/// The subcommands `itltool --help` lists.
fn subcommands() -> Vec<String> {
    let help = stdout(&itltool(&["--help"]));
    let commands = help
        .split("Commands:\n")
        .nth(1)
        .unwrap()
        .split("\n\n")
        .next()
        .unwrap();
    commands
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_subcommand_help_ends_with_exit_status_and_examples_that_parse() {
    let commands = subcommands();
    for want in [
        "show",
        "verify",
        "compare",
        "hash",
        "build",
        "certs",
        "fetch",
        "completions",
        "man",
    ] {
        assert!(
            commands.iter().any(|c| c == want),
            "{want} not in {commands:?}"
        );
    }
    let empty = tempfile::tempdir().unwrap();
    for cmd in &commands {
        let help = stdout(&itltool(&[cmd, "--help"]));
        assert!(
            help.contains("Exit status: 0 "),
            "{cmd}: no exit status:\n{help}"
        );
        let examples = help
            .rsplit_once("\nExamples:\n")
            .unwrap_or_else(|| panic!("{cmd}: no Examples at the end:\n{help}"))
            .1;
        // Two or three examples (a long one continues on lines ending in `\`).
        let mut lines: Vec<String> = Vec::new();
        let mut joined = String::new();
        for l in examples.lines() {
            joined.push_str(l.trim().trim_end_matches('\\'));
            joined.push(' ');
            if !l.ends_with('\\') {
                lines.push(joined.trim().to_owned());
                joined.clear();
            }
        }
        assert!((2..=3).contains(&lines.len()), "{cmd}: {lines:?}");
        for line in &lines {
            assert!(line.contains(&format!("itltool {cmd}")), "{cmd}: {line}");
            // Run what can run offline and harmlessly, in an empty directory: the
            // command line must be accepted (a missing file is fine, a usage
            // error is not).
            let argv: Vec<&str> = line
                .split("itltool ")
                .nth(1)
                .unwrap()
                .split_whitespace()
                .take_while(|a| !matches!(*a, "|" | ">" | "&&" | "<"))
                .map(|a| a.trim_end_matches(')'))
                .collect();
            if argv
                .iter()
                .any(|a| a.contains("tftp://") || a.starts_with('~'))
                || argv.starts_with(&["man", "-o"])
                || argv.contains(&"--mac")
            {
                continue;
            }
            let o = std::process::Command::new(env!("CARGO_BIN_EXE_itltool"))
                .args(&argv)
                .current_dir(empty.path())
                .stdin(std::process::Stdio::null())
                .output()
                .unwrap();
            assert!(
                !stderr(&o).contains("Usage:"),
                "{cmd}: example {line:?} is not accepted:\n{}",
                stderr(&o)
            );
        }
    }
    assert_eq!(std::fs::read_dir(empty.path()).unwrap().count(), 0);
}

#[test]
fn completions_and_man_pages() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = itltool(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}");
        let script = stdout(&o);
        for cmd in subcommands() {
            assert!(script.contains(&cmd), "{shell}: {cmd} not completed");
        }
        assert!(script.contains("phone-md5"), "{shell}");
    }
    let o = itltool(&["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(2));

    let o = itltool(&["man"]);
    assert_eq!(o.status.code(), Some(0));
    let page = stdout(&o);
    assert!(page.contains(".TH itltool 1"), "{page}");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    let o = itltool(&["man", "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let mut want: Vec<String> = subcommands()
        .iter()
        .map(|c| format!("itltool-{c}.1"))
        .chain(["itltool.1".to_owned()])
        .collect();
    want.sort();
    assert_eq!(names, want);
    let show = std::fs::read_to_string(out.join("itltool-show.1")).unwrap();
    assert!(show.contains("Examples:"), "{show}");
    // Pages are not overwritten without --force.
    let o = itltool(&["man", "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    let o = itltool(&["man", "-o", out.to_str().unwrap(), "--force"]);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn compare_refuses_an_itl_against_a_ctl_unless_told() {
    let itl = vectors().join("own/ITLSEP0011215A1AE3-sbd-replica.tlv");
    let ctl = vectors().join("real/CTLFile-cucm10.tlv");
    let other_itl = vectors().join("thirdparty/ITL-sha1.tlv");
    let (itl, ctl, other_itl) = (
        itl.to_str().unwrap(),
        ctl.to_str().unwrap(),
        other_itl.to_str().unwrap(),
    );
    // The kinds come from the sidecars' FILENAME, independently of the tool.
    let filename = |p: &str| common::sidecar(std::path::Path::new(p))["filename"].clone();
    assert_eq!(filename(itl), "ITLFile.tlv");
    assert_eq!(filename(ctl), "CTLFile.tlv");

    for (phone, server) in [(itl, ctl), (ctl, itl)] {
        let o = itltool(&["compare", phone, server]);
        assert_eq!(o.status.code(), Some(2), "{phone} {server}");
        assert!(o.stdout.is_empty());
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with(&format!("error: {phone} is a")), "{err}");
        assert!(err.contains("--allow-kind-mismatch"), "{err}");
        let o = itltool(&["compare", "--format", "json", phone, server]);
        assert_eq!(o.status.code(), Some(2));
        // Told to: a verdict.
        let o = itltool(&["compare", "--allow-kind-mismatch", phone, server]);
        assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
        assert!(stdout(&o).contains("\nVerdict: "));
    }
    assert!(stderr(&itltool(&["compare", itl, ctl])).contains(&format!(
        "error: {itl} is an ITL (FILENAME ITLFile.tlv) but {ctl} is a CTL (FILENAME CTLFile.tlv)"
    )));
    // An ITL given as --phone-ctl.
    let o = itltool(&["compare", "--phone-ctl", other_itl, itl, itl]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "error: {other_itl}: --phone-ctl needs the phone's CTL, but this is an ITL (FILENAME ITLFile.tlv) (--allow-kind-mismatch uses it anyway)\n"
        )
    );
    let o = itltool(&["compare", "--phone-ctl", ctl, itl, itl]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn hash_of_many_files_keeps_their_order_and_reports_unreadable_ones() {
    // Many files are hashed in parallel (bulk runner); the lines stay in input order.
    let all = common::all_vectors();
    let mut args: Vec<String> = vec!["hash".into(), "--algo".into(), "sha1".into()];
    args.extend(all.iter().map(|p| p.display().to_string()));
    args.insert(4, "/nonexistent.tlv".into());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = itltool(&refs);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(stderr(&o), "error: /nonexistent.tlv: no such file\n");
    let lines: Vec<String> = stdout(&o).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), all.len());
    for (line, path) in lines.iter().zip(&all) {
        let o = std::process::Command::new("sha1sum")
            .arg(path)
            .output()
            .expect("sha1sum (coreutils) is needed");
        let sum = stdout(&o).split_whitespace().next().unwrap().to_owned();
        assert_eq!(line, &format!("{sum}  {}", path.display()));
    }
}

#[test]
fn build_and_sign_read_certificates_from_tftp_urls_but_never_keys() {
    let served = tempfile::tempdir().unwrap();
    for name in ["publisher.crt", "tvs.crt"] {
        std::fs::copy(cert(name), served.path().join(name)).unwrap();
    }
    let server = tftp_server::TestServer::start(served.path());
    let url = |name: &str| format!("tftp://127.0.0.1:{}/{name}", server.port());
    let dir = tempfile::tempdir().unwrap();
    let built = |out: &std::path::Path, signer: String, records: [String; 3]| {
        let mut args = vec![
            "build".to_owned(),
            "-o".into(),
            out.display().to_string(),
            "--signer".into(),
            signer,
            "--key".into(),
            cert("publisher.key"),
            "--timestamp".into(),
            "1700000000".into(),
            "--filename".into(),
            "ITLFile.tlv".into(),
        ];
        for r in records {
            args.extend(["--record".to_owned(), r]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = itltool(&args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        std::fs::read(out).unwrap()
    };
    // The same file from local certificates and from the TFTP server.
    let local = built(
        &dir.path().join("local.tlv"),
        cert("publisher.crt"),
        [
            format!("SAST:{}", cert("publisher.crt")),
            format!("CCM+TFTP:{}", cert("publisher.crt")),
            format!("TVS:{},hash", cert("tvs.crt")),
        ],
    );
    let fetched = built(
        &dir.path().join("tftp.tlv"),
        url("publisher.crt"),
        [
            format!("SAST:{}", url("publisher.crt")),
            format!("CCM+TFTP:{}", url("publisher.crt")),
            format!("TVS:{},hash", url("tvs.crt")),
        ],
    );
    assert_eq!(fetched, local);
    let tl = itl_core::TrustList::parse(&fetched).unwrap();
    assert_eq!(tl.records().len(), 3);

    // sign's certificate over TFTP too.
    let payload = dir.path().join("x.cnf.xml");
    std::fs::write(&payload, b"<device/>").unwrap();
    let out = dir.path().join("x.cnf.xml.sgn");
    let o = itltool(&[
        "sign",
        payload.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--signer",
        &url("publisher.crt"),
        "--key",
        &cert("publisher.key"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = itltool(&[
        "verify",
        out.to_str().unwrap(),
        "--trust",
        dir.path().join("local.tlv").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));

    // A private key is never fetched over cleartext TFTP: refused by name, nothing written.
    let key_url = url("publisher.key");
    let out = dir.path().join("refused.tlv");
    let o = itltool(&[
        "build",
        "-o",
        out.to_str().unwrap(),
        "--signer",
        &cert("publisher.crt"),
        "--key",
        &key_url,
        "--record",
        &format!("SAST:{}", cert("publisher.crt")),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "error: {key_url}: a private key is read from a local file only (TFTP is cleartext); copy it here first\n"
        )
    );
    assert!(!out.exists());
}
