//! Every field `show --format json` and `compare --format json` print (on every
//! vector, and on compare scenarios of every verdict) is documented in docs/JSON.md,
//! and compare's `verdict` is always one of the documented strings.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;

use common::json_doc::{assert_documented, documented, paths, section};
use common::{all_vectors, cert, key, root};
use itl_core::{Builder, Role};
use serde_json::Value;

/// The JSON document `itltool ARGS` prints.
fn itltool(args: &[&str]) -> Value {
    let out = common::itltool(args);
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&out.stderr)))
}

/// Paths inside shared object kinds are documented once, as `<kind>.field`.
const SHARED: [(&str, &str); 10] = [
    ("header.unknown_elements[]", "<element>"),
    ("records[].unknown_elements[]", "<element>"),
    ("added[]", "<summary>"),
    ("removed[]", "<summary>"),
    ("changed[].old", "<summary>"),
    ("changed[].new", "<summary>"),
    ("trusted_by.record", "<summary>"),
    ("trusted_by.server_record", "<summary>"),
    ("phone_signer", "<signer>"),
    ("server_signer", "<signer>"),
];

/// Fails naming every field of `found` that `doc` does not list.
fn check(doc: &str, found: &BTreeSet<String>, what: &str) {
    assert_documented(doc, found, &SHARED, what);
}

#[test]
fn show_json_fields_are_documented() {
    let doc = documented();
    let mut found = BTreeSet::new();
    let files: Vec<_> = all_vectors()
        .into_iter()
        .filter(|p| {
            let p = p.to_str().unwrap();
            !p.contains("malformed") && !p.contains("corrupted")
        })
        .collect();
    assert!(files.len() >= 7);
    for f in files {
        paths(
            &itltool(&["show", "--format", "json", f.to_str().unwrap()]),
            "",
            &mut found,
        );
    }
    assert!(found.contains("records[].certificate_info.not_after"));
    check(&doc, &found, "show --format json");
}

#[test]
fn compare_json_fields_are_documented_for_every_verdict() {
    let itl = |signer: &str, tvs: &str, ts: u32| {
        Builder::new(cert(signer), key(signer))
            .timestamp(ts)
            .record(Role::SAST, cert(signer))
            .record(Role::CCM_TFTP, cert(signer))
            .hash_only_record(Role::TVS, cert(tvs))
            .build()
            .unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    let put = |name: &str, b: Vec<u8>| {
        let p = dir.path().join(name);
        std::fs::write(&p, b).unwrap();
        p.to_str().unwrap().to_owned()
    };
    let phone = put("phone.tlv", itl("own/keys/publisher", "own/keys/tvs", 1));
    let resigned = put("resigned.tlv", itl("own/keys/publisher", "own/keys/tvs", 2));
    let ccm_new = put("ccm.tlv", itl("own/compare/ccm-regen", "own/keys/tvs", 2));
    let both_new = put(
        "both.tlv",
        itl("own/compare/ccm-regen", "own/compare/tvs-regen", 2),
    );
    let md5 = "0".repeat(32);

    let doc = documented();
    let mut found = BTreeSet::new();
    let mut verdicts = BTreeSet::new();
    for args in [
        vec![phone.as_str(), phone.as_str()],
        vec![phone.as_str(), resigned.as_str()],
        vec![phone.as_str(), ccm_new.as_str()],
        vec![phone.as_str(), both_new.as_str()],
        vec!["--phone-md5", md5.as_str(), phone.as_str()],
    ] {
        let mut a = vec!["compare", "--format", "json"];
        a.extend(args);
        let out = itltool(&a);
        let verdict = out["verdict"].as_str().unwrap().to_owned();
        assert!(
            doc.contains(&format!("| `{verdict}` |")),
            "verdict {verdict} not documented"
        );
        verdicts.insert(verdict);
        paths(&out, "", &mut found);
    }
    assert_eq!(verdicts.len(), 5, "{verdicts:?}");
    assert!(found.contains("trusted_by.server_record.cert_hash"));
    assert!(found.contains("changed[].new.serial"));
    check(&doc, &found, "compare --format json");
}

/// Every JSON document `itltool ARGS` prints (totals lines left out).
fn documents(args: &[&str]) -> Vec<Value> {
    let out = common::itltool(args);
    serde_json::Deserializer::from_slice(&out.stdout)
        .into_iter::<Value>()
        .map(Result::unwrap)
        .filter(|v| v.get("totals").is_none())
        .collect()
}

#[test]
fn json_of_the_other_commands_is_documented_in_its_section() {
    let vectors = root().join("testvectors");
    let all = vectors.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("certs");
    let publisher = root().join("testvectors/own/keys/publisher.crt");
    let built = dir.path().join("ITLFile.tlv");
    let publisher_key = root().join("testvectors/own/keys/publisher.key");
    let cases: Vec<(&str, Vec<Value>)> = vec![
        (
            "verify",
            documents(&["verify", "--format", "json", "-r", all]),
        ),
        ("hash", documents(&["hash", "--format", "json", "-r", all])),
        (
            "certs",
            documents(&[
                "certs",
                "--format",
                "json",
                root()
                    .join("testvectors/own/ITLSEP0011215A1AE3-sbd-replica.tlv")
                    .to_str()
                    .unwrap(),
                "-o",
                out.to_str().unwrap(),
            ]),
        ),
        (
            "build",
            vec![itltool(&[
                "build",
                "--format",
                "json",
                "-o",
                built.to_str().unwrap(),
                "--signer",
                publisher.to_str().unwrap(),
                "--key",
                publisher_key.to_str().unwrap(),
                "--record",
                &format!("SAST:{}", publisher.display()),
            ])],
        ),
    ];
    for (cmd, docs) in cases {
        assert!(!docs.is_empty(), "{cmd}: no JSON");
        let mut found = BTreeSet::new();
        for d in &docs {
            assert_eq!(d["schema"], 1, "{cmd}");
            paths(d, "", &mut found);
        }
        check(&section(cmd), &found, &format!("{cmd} --format json"));
    }
    // fetch's fields are exercised in tests/tftp.rs; here: every one named there is listed.
    for field in ["url", "saved", "server", "mac", "itl_found", "files[].kept"] {
        assert!(section("fetch").contains(&format!("`{field}`")), "{field}");
    }
}
