//! Fields `show --format json` gains from the trust checks: whole-file
//! fingerprints (`md5`, `sha1`, `sha256`), the file `signature` verdict, and per
//! record `checks` and `warnings` (schema in `docs/JSON.md`).

use itl_core::{Check, Fingerprints, TrustList, Warning, check_certificates, verify_signature};
use serde_json::{Value, json};

use crate::check_text::{CheckText, WarningText};

/// The `signature` object: `valid`, `signer_record` (1-based or null), `digest`
/// (the header's, by name, or its code if unknown, or null) and `error` (why it
/// does not verify, or null).
pub fn signature_json(tl: &TrustList<'_>) -> Value {
    let digest = tl.header().digest().map_or(Value::Null, |d| {
        d.name().map_or_else(|| d.code().into(), Value::from)
    });
    match verify_signature(tl) {
        Ok(r) => json!({
            "valid": true,
            "signer_record": r.signer_record,
            "digest": digest,
            "error": null,
        }),
        Err(e) => json!({
            "valid": false,
            "signer_record": null,
            "digest": digest,
            "error": e.to_string(),
        }),
    }
}

fn check_json(c: &Check) -> Value {
    json!({
        "name": c.name(),
        "passed": c.passed,
        "detail": CheckText(c).to_string(),
    })
}

fn warning_json(w: &Warning) -> Value {
    json!({ "kind": w.kind().as_str(), "message": WarningText(w).to_string() })
}

/// Adds `md5`, `sha1`, `sha256`, `signature` and, to each record, `checks` and
/// `warnings` to `doc` (a document from `show_json::trust_list_json` for `tl`).
/// `now` (Unix time) is when certificate validity is judged.
pub fn extend(doc: &mut Value, tl: &TrustList<'_>, now: i64) {
    let Value::Object(top) = doc else {
        return;
    };
    let fp = Fingerprints::of(tl.raw());
    top.insert("md5".into(), fp.md5.into());
    top.insert("sha1".into(), fp.sha1.into());
    top.insert("sha256".into(), fp.sha256.into());
    top.insert("signature".into(), signature_json(tl));
    let report = check_certificates(tl, now);
    if let Some(Value::Array(records)) = top.get_mut("records") {
        for (v, rc) in records.iter_mut().zip(&report.records) {
            if let Value::Object(m) = v {
                m.insert(
                    "checks".into(),
                    rc.checks.iter().map(check_json).collect::<Vec<_>>().into(),
                );
                m.insert(
                    "warnings".into(),
                    rc.warnings
                        .iter()
                        .map(warning_json)
                        .collect::<Vec<_>>()
                        .into(),
                );
            }
        }
    }
}
