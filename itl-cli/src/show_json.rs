//! `itltool show --format json`: the parsed structure as JSON (schema in
//! `docs/JSON.md`).

use std::path::Path;

use itl_core::{Element, Record, TrustList};
use serde_json::{Map, Value, json};
use sha1::{Digest, Sha1};

/// Version of the JSON schema; bumped on incompatible changes.
pub const SCHEMA_VERSION: u32 = 1;

fn opt<T: Into<Value>>(v: Option<T>) -> Value {
    v.map_or(Value::Null, Into::into)
}

fn element_json(e: &Element<'_>, name: Option<&str>) -> Value {
    let mut m = Map::new();
    m.insert("tag".into(), e.tag().into());
    m.insert("name".into(), opt(name));
    m.insert("offset".into(), e.offset().into());
    m.insert("length".into(), e.content_len().into());
    match e.value() {
        Some(v) => {
            m.insert("value_hex".into(), hex::encode(v).into());
        }
        None => {
            m.insert(
                "children".into(),
                e.children()
                    .iter()
                    .map(|c| element_json(c, None))
                    .collect::<Vec<_>>()
                    .into(),
            );
        }
    }
    Value::Object(m)
}

/// The JSON object for one record.
pub fn record_json(index: usize, r: &Record<'_>) -> Value {
    let function = r.function();
    json!({
        "index": index,
        "offset": r.offset(),
        "length": r.length(),
        "function": function.map_or(Value::Null, |f| f.cucm_text().map_or_else(|| Value::from(f.code()), Value::from)),
        "function_code": opt(function.map(|f| f.code())),
        "subject": opt(r.subject_name()),
        "issuer": opt(r.issuer_name()),
        "serial": opt(r.serial_number().map(hex::encode)),
        "dns_name": opt(r.dns_name()),
        "ip_address": opt(r.ip_address().map(|ip| ip.to_string())),
        "public_key_length": opt(r.public_key().map(<[u8]>::len)),
        "signature_length": opt(r.signature().map(<[u8]>::len)),
        "certificate_length": opt(r.certificate().map(<[u8]>::len)),
        "certificate_sha1": opt(r.certificate().map(|c| hex::encode(Sha1::digest(c)))),
        "cert_hash": opt(r.cert_hash().map(hex::encode)),
        "cert_hash_algorithm": opt(r.hash_algorithm().map(|d| d.to_string())),
        "unknown_elements": r.unknown_elements().map(|e| element_json(e, None)).collect::<Vec<_>>(),
    })
}

/// The JSON document for a parsed file.
pub fn trust_list_json(path: &Path, tl: &TrustList<'_>) -> Value {
    let h = tl.header();
    let digest = h
        .digest()
        .map(|d| d.name().map_or_else(|| Value::from(d.code()), Value::from));
    json!({
        "schema": SCHEMA_VERSION,
        "file": path.display().to_string(),
        "size": tl.raw().len(),
        "kind": tl.kind().as_str(),
        "header": {
            "version": opt(h.version_string()),
            "header_length": h.header_length(),
            "signer_name": opt(h.signer_name()),
            "signer_serial": opt(h.signer_serial().map(hex::encode)),
            "issuer_name": opt(h.issuer_name()),
            "digest": digest.unwrap_or(Value::Null),
            "signature_algorithm": opt(h.signature_algorithm()),
            "modulus_bits": opt(h.modulus_bits()),
            "signature_length": opt(h.signature().map(<[u8]>::len)),
            "filename": opt(h.filename()),
            "timestamp": opt(h.timestamp()),
            "signer_version": opt(h.signer_version().map(|(a, b)| format!("{a}.{b}"))),
            "padding": h.padding_len(),
            "unknown_elements": h.unknown_elements().map(|e| element_json(e, None)).collect::<Vec<_>>(),
        },
        "records": tl.records().iter().enumerate().map(|(i, r)| record_json(i + 1, r)).collect::<Vec<_>>(),
    })
}

/// `show --format json` of many files (more than one named, or `-r`): one
/// compact JSON document per line, in input order, then one line
/// `{"totals":{"files":N,"ok":N,"errors":N}}`. Unreadable or malformed files get
/// an `error: …` line on `err` and count in `errors`. Files are processed in
/// parallel ([`crate::bulk`]). Returns the exit code (2 if any file failed).
pub fn write_many(
    paths: &[std::path::PathBuf],
    recursive: bool,
    doc: &(dyn Fn(&Path, &TrustList<'_>) -> Value + Sync),
    signed_doc: &(dyn Fn(&Path, &itl_core::SignedFile<'_>) -> Value + Sync),
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
    progress: bool,
) -> std::io::Result<i32> {
    use crate::bulk::{self, Outcome};
    let inputs = bulk::expand_with_signed(paths, recursive);
    let work = |input: &Result<std::path::PathBuf, crate::input::InputError>| {
        let path = match input {
            Ok(p) => p,
            Err(e) => return Outcome::error(e),
        };
        let result = crate::input::read_source(path).and_then(|bytes| {
            Ok(match crate::input::parse_any(path, &bytes)? {
                itl_core::AnyFile::Signed(f) => signed_doc(path, &f),
                other => match other.as_trust_list() {
                    Some(tl) => doc(path, tl),
                    None => Value::Null,
                },
            })
        });
        match result {
            // A file whose signature or a record check fails counts as failed (exit 1).
            Ok(d) if d["failures"].as_array().is_some_and(|f| !f.is_empty()) => Outcome {
                out: format!("{d}\n"),
                err: String::new(),
                status: bulk::Status::Fail,
            },
            Ok(d) => Outcome::ok(format!("{d}\n")),
            Err(e) => Outcome::error(&e),
        }
    };
    let totals = bulk::run(&inputs, work, out, err, progress)?;
    let line = json!({"totals": {"files": totals.files, "ok": totals.ok, "failed": totals.fail, "errors": totals.error}});
    writeln!(out, "{line}")?;
    Ok(totals.exit_code())
}
