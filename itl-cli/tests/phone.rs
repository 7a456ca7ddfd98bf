//! `itltool phone`: the replay of a phone's boot from a directory and over TFTP
//! (a test server on 127.0.0.1), on clusters built with the library's Builder from
//! the test keys; exit statuses; the JSON document and its documentation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../itl-core/tests/common/cluster.rs"]
mod cluster;
mod common;
mod tftp_server;

use std::collections::BTreeSet;
use std::path::Path;

use cluster::{Cluster, Config, MAC, PUBLISHER, config_xml, write_files};
use common::{itltool, json_doc, stderr, stdout};
use serde_json::Value;

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", stdout(out), stderr(out)))
}

/// A TFTP root for `cluster`, with `extra` files, in a new temporary directory.
fn tftp_root(cluster: &Cluster, extra: &[(String, Vec<u8>)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), &cluster.trust_files());
    write_files(dir.path(), extra);
    dir
}

/// `itltool phone` (text) of a phone holding `held`'s ITL, booting from `root_dir`.
fn replay_text(root_dir: &tempfile::TempDir, held: &Cluster) -> std::process::Output {
    let phone = tempfile::tempdir().unwrap();
    let itl = save(phone.path(), "phone-ITL.tlv", &held.itl());
    itltool(&[
        "phone",
        "--mac",
        MAC,
        "--dir",
        root_dir.path().to_str().unwrap(),
        "--itl",
        &itl,
    ])
}

fn save(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_owned()
}

fn md5_of(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let p = save(dir.path(), "f", bytes);
    let out = std::process::Command::new("openssl")
        .args(["dgst", "-md5", "-r", &p])
        .output()
        .unwrap_or_else(|e| panic!("cannot run openssl ({e}); install it"));
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

#[test]
fn both_regenerated_breaks_at_the_itl_from_a_dir_and_over_tftp() {
    let old = Cluster::cucm8();
    let new = old.ccm_regenerated().tvs_regenerated();
    let root_dir = tftp_root(&new, &[(format!("SEP{MAC}.cnf.xml"), config_xml(MAC))]);
    let phone = tempfile::tempdir().unwrap();
    let itl = save(phone.path(), "phone-ITL.tlv", &old.itl());
    let dir = root_dir.path().to_str().unwrap();

    let by_dir = itltool(&[
        "phone",
        "--mac",
        "sep00:11:21:5a:1a:e3",
        "--dir",
        dir,
        "--itl",
        &itl,
        "--format",
        "json",
    ]);
    assert_eq!(by_dir.status.code(), Some(1), "{}", stderr(&by_dir));
    let d = json(&by_dir);
    assert_eq!(d["mac"], MAC);
    assert_eq!(d["result"], "broken");
    assert_eq!(d["broken_at"], "ITLFile.tlv");
    assert_eq!(d["reason_code"], "signer-not-trusted");
    let steps = d["steps"].as_array().unwrap();
    let got: Vec<(&str, bool, &str)> = steps
        .iter()
        .map(|s| {
            (
                s["file"].as_str().unwrap(),
                s["found"].as_bool().unwrap(),
                s["decision"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (&*format!("CTLSEP{MAC}.tlv"), false, "not-found"),
            ("CTLFile.tlv", false, "not-found"),
            (&*format!("ITLSEP{MAC}.tlv"), false, "not-found"),
            ("ITLFile.tlv", true, "rejected"),
        ]
    );
    assert_eq!(steps[3]["md5"], md5_of(&new.itl()));
    assert_eq!(steps[3]["signer_record"], Value::Null);
    assert_eq!(steps[3]["fallback_for"], format!("ITLSEP{MAC}.tlv"));
    assert_eq!(steps[3]["trust_after"]["itl"]["md5"], md5_of(&old.itl()));
    assert_eq!(
        d["remedy_codes"],
        serde_json::json!(["restore-signing-key", "delete-on-phone"])
    );
    let remedies = d["remedies"].as_array().unwrap();
    assert!(
        remedies[1]
            .as_str()
            .unwrap()
            .contains("Delete the ITL on each phone"),
        "{remedies:?}"
    );
    assert!(
        remedies[0].as_str().unwrap().contains("CallManager"),
        "{remedies:?}"
    );

    // The same over TFTP: the same document but for the server.
    let server = tftp_server::TestServer::start(root_dir.path());
    let url = format!("tftp://127.0.0.1:{}", server.port());
    let by_tftp = itltool(&[
        "phone", "--mac", MAC, "--tftp", &url, "--itl", &itl, "--format", "json",
    ]);
    assert_eq!(by_tftp.status.code(), Some(1), "{}", stderr(&by_tftp));
    let mut t = json(&by_tftp);
    assert_eq!(t["server"], format!("{url}/"));
    t["server"] = d["server"].clone();
    assert_eq!(t, d);
}

#[test]
fn callmanager_regenerated_is_trusted_from_a_dir_and_over_tftp() {
    let old = Cluster::cucm8();
    let new = old.ccm_regenerated();
    let root_dir = tftp_root(&new, &new.config_file().into_iter().collect::<Vec<_>>());
    let phone = tempfile::tempdir().unwrap();
    let itl = save(phone.path(), "phone-ITL.tlv", &old.itl());
    let dir = root_dir.path().to_str().unwrap();
    let by_dir = itltool(&[
        "phone", "--mac", MAC, "--dir", dir, "--itl", &itl, "--format", "json",
    ]);
    assert_eq!(by_dir.status.code(), Some(0), "{}", stderr(&by_dir));
    let d = json(&by_dir);
    assert_eq!(d["result"], "trusted");
    assert_eq!(d["broken_at"], Value::Null);
    assert_eq!(d["remedies"], serde_json::json!([]));
    let steps = d["steps"].as_array().unwrap();
    let itl_step = &steps[3];
    assert_eq!(itl_step["decision"], "trusted-tvs");
    assert_eq!(itl_step["signer_record"], 3);
    assert_eq!(itl_step["deciding_record"]["in"], "phone-itl");
    assert_eq!(itl_step["deciding_record"]["record"]["function"], "TVS");
    let config = steps.last().unwrap();
    assert_eq!(config["file"], format!("SEP{MAC}.cnf.xml.sgn"));
    assert_eq!(config["decision"], "trusted-signer");
    assert_eq!(config["signer_record"], 2);
    assert_eq!(config["deciding_record"]["file"], "ITLFile.tlv");
    assert_eq!(config["md5"], md5_of(&new.config_file().unwrap().1));

    let server = tftp_server::TestServer::start(root_dir.path());
    let url = format!("tftp://127.0.0.1:{}", server.port());
    let by_tftp = itltool(&[
        "phone", "--mac", MAC, "--tftp", &url, "--itl", &itl, "--format", "json",
    ]);
    assert_eq!(by_tftp.status.code(), Some(0), "{}", stderr(&by_tftp));
    let mut t = json(&by_tftp);
    t["server"] = d["server"].clone();
    assert_eq!(t, d);

    // The text report says the same.
    let out = itltool(&["phone", "--mac", MAC, "--tftp", &url, "--itl", &itl]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("4. ITLFile.tlv"), "{text}");
    assert!(text.contains("-> trusted-tvs"), "{text}");
    assert!(
        text.contains(&format!("MD5 {}", md5_of(&new.itl()))),
        "{text}"
    );
    assert!(text.contains("Result: trusted"), "{text}");
}

#[test]
fn stale_config_text_report() {
    let old = Cluster::cucm8();
    let new = Cluster {
        config: Config::SignedBy(PUBLISHER),
        ..old.ccm_regenerated()
    };
    let root_dir = tftp_root(&new, &new.config_file().into_iter().collect::<Vec<_>>());
    let out = replay_text(&root_dir, &old);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains(&format!("Result: broken at SEP{MAC}.cnf.xml.sgn")),
        "{text}"
    );
    assert!(text.contains("TVS does not know the signer"), "{text}");
}

#[test]
fn no_configuration_text_report() {
    let old = Cluster::cucm8();
    let new = old.ccm_regenerated();
    let root_dir = tftp_root(&new, &[]);
    let out = replay_text(&root_dir, &old);
    let text = stdout(&out);
    assert!(text.contains("4. ITLFile.tlv"), "{text}");
    assert!(text.contains("-> trusted-tvs"), "{text}");
    assert!(
        text.contains(&format!("MD5 {}", md5_of(&new.itl()))),
        "{text}"
    );
    // No configuration at all: broken at the last name asked for.
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text.contains("Result: broken at XMLDefault.cnf.xml"),
        "{text}"
    );
    assert!(
        text.contains(&format!("Add SEP{MAC} to the cluster")),
        "{text}"
    );
}

#[test]
fn factory_phone_over_tftp() {
    let cluster = Cluster::cucm8();
    let root_dir = tftp_root(&cluster, &[]);
    let server = tftp_server::TestServer::start(root_dir.path());
    let url = format!("tftp://127.0.0.1:{}/", server.port());
    let out = itltool(&["phone", "--mac", MAC, "--tftp", &url, "--format", "json"]);
    let d = json(&out);
    assert_eq!(d["before"]["itl"], Value::Null);
    let itl = d["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["file"] == "ITLFile.tlv")
        .unwrap();
    assert_eq!(itl["decision"], "first-use");
    assert_eq!(itl["signer_record"], 1);
    assert_eq!(itl["deciding_record"]["in"], "this-file");
    assert_eq!(itl["sha1"].as_str().unwrap().len(), 40);
}

#[test]
fn errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    // Bad MAC.
    let out = itltool(&["phone", "--mac", "0011215A1AE", "--dir", d]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("MAC address \"0011215A1AE\""),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).is_empty());
    // Missing directory.
    let missing = dir.path().join("none");
    let out = itltool(&["phone", "--mac", MAC, "--dir", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(missing.to_str().unwrap()),
        "{}",
        stderr(&out)
    );
    // A CTL given as the phone's ITL.
    let ctl = save(
        dir.path(),
        "ctl.tlv",
        &Cluster {
            ctl: true,
            ..Cluster::cucm8()
        }
        .ctl_file(),
    );
    let out = itltool(&["phone", "--mac", MAC, "--dir", d, "--itl", &ctl]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("given as the phone's ITL but it is a CTL"),
        "{}",
        stderr(&out)
    );
    // A malformed phone file names the byte offset.
    let bad = save(dir.path(), "bad.tlv", &[1, 0, 2, 1]);
    let out = itltool(&["phone", "--mac", MAC, "--dir", d, "--itl", &bad]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("bad.tlv"), "{}", stderr(&out));
    // Nothing answers on this port.
    let port = std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("tftp://127.0.0.1:{port}");
    let out = itltool(&["phone", "--mac", MAC, "--tftp", &url, "--timeout", "0.5"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(
        stderr(&out).contains(&format!("CTLSEP{MAC}.tlv")),
        "{}",
        stderr(&out)
    );
    // --tftp with a file name, and neither --tftp nor --dir.
    let out = itltool(&["phone", "--mac", MAC, "--tftp", "tftp://h/ITLFile.tlv"]);
    assert_eq!(out.status.code(), Some(2));
    let out = itltool(&["phone", "--mac", MAC]);
    assert_eq!(out.status.code(), Some(2));
}

/// Paths inside shared objects are documented once, as `<kind>.field`.
const SHARED: [(&str, &str); 10] = [
    ("before.ctl.signer", "<signer>"),
    ("before.itl.signer", "<signer>"),
    ("steps[].trust_after.ctl.signer", "<signer>"),
    ("steps[].trust_after.itl.signer", "<signer>"),
    ("steps[].signer", "<signer>"),
    ("before.ctl", "<held>"),
    ("before.itl", "<held>"),
    ("steps[].trust_after.ctl", "<held>"),
    ("steps[].trust_after.itl", "<held>"),
    ("steps[].deciding_record.record", "<record>"),
];

#[test]
fn every_json_field_is_documented() {
    let section = json_doc::section("phone");
    let old = Cluster::cucm8();
    let mut found = BTreeSet::new();
    let mut decisions = BTreeSet::new();
    let phone = tempfile::tempdir().unwrap();
    let itl = save(phone.path(), "phone-ITL.tlv", &old.itl());
    let ctl_cluster = Cluster {
        ctl: true,
        ..old.clone()
    };
    for (cluster, held) in [
        (old.clone(), Some(itl.as_str())),
        (old.ccm_regenerated(), Some(itl.as_str())),
        (old.ccm_regenerated().tvs_regenerated(), Some(itl.as_str())),
        (ctl_cluster, None),
    ] {
        let dir = tftp_root(&cluster, &[(format!("SEP{MAC}.cnf.xml"), config_xml(MAC))]);
        let mut args = vec![
            "phone",
            "--mac",
            MAC,
            "--dir",
            dir.path().to_str().unwrap(),
            "--format",
            "json",
        ];
        if let Some(i) = held {
            args.extend(["--itl", i]);
        }
        let d = json(&itltool(&args));
        for s in d["steps"].as_array().unwrap() {
            decisions.insert(s["decision"].as_str().unwrap().to_owned());
        }
        json_doc::paths(&d, "", &mut found);
    }
    for d in &decisions {
        assert!(
            section.contains(&format!("`{d}`")),
            "decision {d} not documented"
        );
    }
    json_doc::assert_documented(&section, &found, &SHARED, "phone --format json");
    assert!(decisions.len() >= 6, "{decisions:?}");
}
