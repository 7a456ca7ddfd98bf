//! Fields `show --format json` adds to [`crate::show_json::trust_list_json`]'s
//! document besides those of [`crate::trust_json`]: per record the key and the
//! certificate's details, and at the top the warnings the text view prints. Kept
//! apart so that the parts can change independently (schema in `docs/JSON.md`).

use std::path::Path;

use itl_core::{DigestAlgorithm, TrustList};

use crate::timefmt;
use serde_json::{Map, Value, json};

use crate::certinfo::{parse_certificate, public_key_description};
use crate::warnings::{failures, warnings};

fn certificate_info(der: &[u8]) -> Value {
    match parse_certificate(der) {
        Ok(c) => json!({
            "subject": c.subject,
            "issuer": c.issuer,
            "serial": hex::encode(&c.serial),
            "not_before": timefmt::rfc3339(c.not_before),
            "not_after": timefmt::rfc3339(c.not_after),
            "key": c.key,
            "key_bits": c.key_bits,
            "sha256": hex::encode(DigestAlgorithm::SHA256.hash(der).unwrap_or_default()),
        }),
        Err(e) => json!({ "error": e }),
    }
}

/// The whole `show --format json` document for `tl` read from `path`: the parsed
/// structure, the trust fields and these additions. `now` is the Unix time
/// certificate validity is judged at.
pub fn document(path: &Path, tl: &TrustList<'_>, now: i64) -> Value {
    let mut doc = crate::show_json::trust_list_json(path, tl);
    crate::trust_json::extend(&mut doc, tl, now);
    extend(&mut doc, tl, now);
    doc
}

/// Adds `failures`, `warnings` and, per record, `key` and `certificate_info` to `doc` (a
/// document from `trust_list_json` for `tl`). `now` is the Unix time certificate
/// validity is checked against.
pub fn extend(doc: &mut Value, tl: &TrustList<'_>, now: i64) {
    let Value::Object(top) = doc else {
        return;
    };
    if let Some(Value::Array(records)) = top.get_mut("records") {
        for (r, v) in tl.records().iter().zip(records.iter_mut()) {
            let Value::Object(m) = v else { continue };
            let info = r.certificate().map(certificate_info);
            let key = info
                .as_ref()
                .and_then(|i| i.get("key").cloned())
                .or_else(|| {
                    r.public_key()
                        .and_then(public_key_description)
                        .map(|(k, _)| Value::from(k))
                })
                .unwrap_or(Value::Null);
            insert(m, "key", key);
            insert(m, "certificate_info", info.unwrap_or(Value::Null));
        }
    }
    top.insert(
        "failures".into(),
        failures(tl, now).into_iter().map(Value::from).collect(),
    );
    top.insert(
        "warnings".into(),
        warnings(tl, now).into_iter().map(Value::from).collect(),
    );
}

fn insert(m: &mut Map<String, Value>, k: &str, v: Value) {
    m.insert(k.to_owned(), v);
}
