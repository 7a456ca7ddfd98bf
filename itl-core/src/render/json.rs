//! JSON documents (schema in `docs/JSON.md`): one serde-derived structure per
//! document, serialised with `serde_json::to_writer` straight into the output.
//! A `show` document's records are serialised one at a time as the writer
//! reaches them, so a file's document is never held whole in memory.

use std::io::{self, Write};

use serde::{Serialize, Serializer};

use crate::certcheck::{CertReport, Check, RecordChecks, Warning, check_certificates};
use crate::digest::DigestAlgorithm;
use crate::element::Element;
use crate::fingerprint::Fingerprints;
use crate::record::Record;
use crate::trustlist::TrustList;
use crate::verify::{SignatureError, SignatureReport, verify_signature};

use super::Shown;
use super::certinfo::{parse_certificate, public_key_description};
use super::findings::{failures, warnings};
use super::words::{CheckText, WarningText};

/// Version of the JSON schemas (`schema` in every document); raised on any
/// incompatible change.
pub const JSON_SCHEMA_VERSION: u32 = 1;

/// How a JSON document is laid out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonLayout {
    /// Indented over several lines, then a newline: one file's document.
    #[default]
    Pretty,
    /// Compact on one line, then a newline (JSON Lines): one of many files.
    Line,
}

/// How [`write_show_json`] renders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct JsonOptions {
    /// Unix time certificate validity is judged at.
    pub now: i64,
    /// Indented, or one line.
    pub layout: JsonLayout,
}

impl JsonOptions {
    /// An indented document, validity judged at Unix time `now`.
    pub fn new(now: i64) -> Self {
        Self {
            now,
            layout: JsonLayout::Pretty,
        }
    }
}

/// Serialises `doc` into `out` in `layout`, then a newline.
pub(crate) fn write_doc<T: Serialize + ?Sized>(
    out: &mut dyn Write,
    doc: &T,
    layout: JsonLayout,
) -> io::Result<()> {
    match layout {
        JsonLayout::Pretty => serde_json::to_writer_pretty(&mut *out, doc)?,
        JsonLayout::Line => serde_json::to_writer(&mut *out, doc)?,
    }
    out.write_all(b"\n")
}

/// A name from a table, or the stored number when the table has none.
#[derive(Serialize)]
#[serde(untagged)]
enum NameOrCode {
    Name(&'static str),
    Code(u16),
}

fn digest_name(d: DigestAlgorithm) -> NameOrCode {
    d.name()
        .map_or_else(|| NameOrCode::Code(u16::from(d.code())), NameOrCode::Name)
}

/// `show --format json` of a trust list; `R` is its records (serialised lazily
/// from the trust list, or given whole in tests).
#[derive(Serialize)]
struct ShowDoc<'a, R> {
    schema: u32,
    file: &'a str,
    size: usize,
    kind: &'static str,
    header: HeaderDoc,
    records: R,
    md5: String,
    sha1: String,
    sha256: String,
    signature: SignatureDoc,
    failures: Vec<String>,
    warnings: Vec<String>,
}

#[derive(Serialize)]
struct HeaderDoc {
    version: Option<String>,
    header_length: u16,
    signer_name: Option<String>,
    signer_serial: Option<String>,
    issuer_name: Option<String>,
    digest: Option<NameOrCode>,
    signature_algorithm: Option<u8>,
    modulus_bits: Option<u32>,
    signature_length: Option<usize>,
    filename: Option<String>,
    timestamp: Option<u32>,
    signer_version: Option<String>,
    padding: usize,
    unknown_elements: Vec<ElementDoc>,
}

/// An element kept as it is (unknown tags): a value, or children.
#[derive(Serialize)]
struct ElementDoc {
    tag: u8,
    /// Reserved for a name; unknown tags have none, so always `null`.
    name: Option<&'static str>,
    offset: usize,
    length: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    value_hex: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    children: Option<Vec<ElementDoc>>,
}

impl ElementDoc {
    fn of(e: &Element<'_>) -> Self {
        let (value_hex, children) = match e.value() {
            Some(v) => (Some(hex::encode(v)), None),
            None => (None, Some(e.children().iter().map(Self::of).collect())),
        };
        Self {
            tag: e.tag(),
            name: None,
            offset: e.offset(),
            length: e.content_len(),
            value_hex,
            children,
        }
    }
}

#[derive(Serialize)]
struct RecordDoc {
    index: usize,
    offset: usize,
    length: u16,
    function: Option<NameOrCode>,
    function_code: Option<u16>,
    subject: Option<String>,
    issuer: Option<String>,
    serial: Option<String>,
    dns_name: Option<String>,
    ip_address: Option<String>,
    public_key_length: Option<usize>,
    signature_length: Option<usize>,
    certificate_length: Option<usize>,
    certificate_sha1: Option<String>,
    cert_hash: Option<String>,
    cert_hash_algorithm: Option<String>,
    unknown_elements: Vec<ElementDoc>,
    checks: Vec<CheckDoc>,
    warnings: Vec<WarningDoc>,
    key: Option<String>,
    certificate_info: Option<CertInfoDoc>,
}

#[derive(Serialize)]
struct CheckDoc {
    name: &'static str,
    passed: bool,
    detail: String,
}

impl CheckDoc {
    fn of(c: &Check) -> Self {
        Self {
            name: c.name(),
            passed: c.passed,
            detail: CheckText(c).to_string(),
        }
    }
}

#[derive(Serialize)]
struct WarningDoc {
    kind: &'static str,
    message: String,
}

impl WarningDoc {
    fn of(w: &Warning) -> Self {
        Self {
            kind: w.kind().as_str(),
            message: WarningText(w).to_string(),
        }
    }
}

/// What a record's CERTIFICATE says, or why it does not parse.
#[derive(Serialize)]
#[serde(untagged)]
enum CertInfoDoc {
    Parsed {
        subject: String,
        issuer: String,
        serial: String,
        not_before: String,
        not_after: String,
        key: String,
        key_bits: Option<usize>,
        sha256: String,
    },
    Error {
        error: String,
    },
}

#[derive(Serialize)]
struct SignatureDoc {
    valid: bool,
    signer_record: Option<usize>,
    digest: Option<NameOrCode>,
    error: Option<String>,
}

impl RecordDoc {
    fn of(index: usize, r: &Record<'_>, checks: Option<&RecordChecks>) -> Self {
        let function = r.function();
        let info = r.certificate().map(|der| match parse_certificate(der) {
            Ok(c) => CertInfoDoc::Parsed {
                subject: c.subject,
                issuer: c.issuer,
                serial: hex::encode(&c.serial),
                not_before: crate::timefmt::rfc3339(c.not_before),
                not_after: crate::timefmt::rfc3339(c.not_after),
                key: c.key,
                key_bits: c.key_bits,
                sha256: hex::encode(DigestAlgorithm::SHA256.hash(der).unwrap_or_default()),
            },
            Err(e) => CertInfoDoc::Error {
                error: e.to_string(),
            },
        });
        let key = match &info {
            Some(CertInfoDoc::Parsed { key, .. }) => Some(key.clone()),
            _ => r
                .public_key()
                .and_then(public_key_description)
                .map(|(k, _)| k),
        };
        Self {
            index,
            offset: r.offset(),
            length: r.length(),
            function: function.map(|f| {
                f.cucm_text()
                    .map_or_else(|| NameOrCode::Code(f.code()), NameOrCode::Name)
            }),
            function_code: function.map(|f| f.code()),
            subject: r.subject_name(),
            issuer: r.issuer_name(),
            serial: r.serial_number().map(hex::encode),
            dns_name: r.dns_name(),
            ip_address: r.ip_address().map(|ip| ip.to_string()),
            public_key_length: r.public_key().map(<[u8]>::len),
            signature_length: r.signature().map(<[u8]>::len),
            certificate_length: r.certificate().map(<[u8]>::len),
            certificate_sha1: r
                .certificate()
                .map(|c| hex::encode(DigestAlgorithm::SHA1.hash(c).unwrap_or_default())),
            cert_hash: r.cert_hash().map(hex::encode),
            cert_hash_algorithm: r.hash_algorithm().map(|d| d.to_string()),
            unknown_elements: r.unknown_elements().map(ElementDoc::of).collect(),
            checks: checks.map_or_else(Vec::new, |c| c.checks.iter().map(CheckDoc::of).collect()),
            warnings: checks.map_or_else(Vec::new, |c| {
                c.warnings.iter().map(WarningDoc::of).collect()
            }),
            key,
            certificate_info: info,
        }
    }
}

/// The records of a trust list, serialised one at a time.
struct Records<'t, 'a> {
    tl: &'t TrustList<'a>,
    report: &'t CertReport,
}

impl Serialize for Records<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            self.tl
                .records()
                .iter()
                .enumerate()
                .map(|(i, r)| RecordDoc::of(i + 1, r, self.report.records.get(i))),
        )
    }
}

fn signature_doc(
    tl: &TrustList<'_>,
    signature: &Result<SignatureReport, SignatureError>,
) -> SignatureDoc {
    let digest = tl.header().digest().map(digest_name);
    match signature {
        Ok(r) => SignatureDoc {
            valid: true,
            signer_record: Some(r.signer_record),
            digest,
            error: None,
        },
        Err(e) => SignatureDoc {
            valid: false,
            signer_record: None,
            digest,
            error: Some(e.to_string()),
        },
    }
}

fn header_doc(tl: &TrustList<'_>) -> HeaderDoc {
    let h = tl.header();
    HeaderDoc {
        version: h.version_string(),
        header_length: h.header_length(),
        signer_name: h.signer_name(),
        signer_serial: h.signer_serial().map(hex::encode),
        issuer_name: h.issuer_name(),
        digest: h.digest().map(digest_name),
        signature_algorithm: h.signature_algorithm(),
        modulus_bits: h.modulus_bits(),
        signature_length: h.signature().map(<[u8]>::len),
        filename: h.filename(),
        timestamp: h.timestamp(),
        signer_version: h.signer_version().map(|(a, b)| format!("{a}.{b}")),
        padding: h.padding_len(),
        unknown_elements: h.unknown_elements().map(ElementDoc::of).collect(),
    }
}

/// Writes the `show --format json` document of `tl`, a trust list read from
/// `name` (a path or URL, written as given): the parsed structure, the
/// fingerprints, the signature verdict, each record's checks, warnings and
/// certificate details, and the failures and warnings `show`'s text view
/// lists (schema in `docs/JSON.md`). Returns their counts.
///
/// The document is serialised as it is produced, record by record: memory
/// does not grow with a second copy of the file as a JSON tree.
///
/// ```
/// # let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../testvectors/real/CTLFile-cucm10.tlv");
/// let bytes = std::fs::read(path)?;
/// let tl = itl_core::TrustList::parse(&bytes)?;
/// let mut out = Vec::new();
/// let mut options = itl_core::JsonOptions::new(0);
/// options.layout = itl_core::JsonLayout::Line;
/// itl_core::write_show_json(&mut out, "CTLFile.tlv", &tl, &options)?;
/// let doc: serde_json::Value = serde_json::from_slice(&out)?;
/// assert_eq!(doc["kind"], "CTL");
/// assert_eq!(doc["signature"]["valid"], true);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_show_json(
    out: &mut dyn Write,
    name: &str,
    tl: &TrustList<'_>,
    options: &JsonOptions,
) -> io::Result<Shown> {
    let fp = Fingerprints::of(tl.raw());
    let signature = verify_signature(tl);
    let report = check_certificates(tl, options.now);
    let failures = failures(tl, &report, &signature);
    let warnings = warnings(tl, &report);
    let shown = Shown {
        failures: failures.len(),
        warnings: warnings.len(),
    };
    let doc = ShowDoc {
        schema: JSON_SCHEMA_VERSION,
        file: name,
        size: tl.raw().len(),
        kind: tl.kind().as_str(),
        header: header_doc(tl),
        records: Records {
            tl,
            report: &report,
        },
        md5: fp.md5,
        sha1: fp.sha1,
        sha256: fp.sha256,
        signature: signature_doc(tl, &signature),
        failures,
        warnings,
    };
    write_doc(out, &doc, options.layout)?;
    Ok(shown)
}

/// `verify --format json` of one trust list.
#[derive(Serialize)]
pub(crate) struct VerifyDoc<'a> {
    pub(crate) schema: u32,
    pub(crate) file: &'a str,
    pub(crate) valid: bool,
    pub(crate) passed: usize,
    pub(crate) failed: usize,
    pub(crate) checks: Vec<VerifyCheckDoc>,
    pub(crate) warnings: Vec<String>,
}

/// One check of `verify --format json`.
#[derive(Serialize)]
pub(crate) struct VerifyCheckDoc {
    pub(crate) name: String,
    pub(crate) passed: bool,
    pub(crate) detail: String,
}

/// `hash --format json` of one file.
#[derive(Serialize)]
pub(crate) struct HashDoc<'a> {
    pub(crate) schema: u32,
    pub(crate) file: &'a str,
    pub(crate) size: usize,
    pub(crate) algorithm: &'static str,
    pub(crate) hash: String,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    //! docs/JSON.md against the structures: every field a document can carry is
    //! documented in its section, and every field documented there exists.
    //! Examples with every field present (no `null`, no empty array) stand for
    //! each structure; adding a field to a structure makes the examples fail
    //! to compile until it is given a value, and this test fail until the
    //! field is documented.

    use std::collections::BTreeSet;

    use serde_json::Value;

    use super::*;

    fn element(tag: u8, children: bool) -> ElementDoc {
        ElementDoc {
            tag,
            name: Some("reserved"),
            offset: 40,
            length: 2,
            value_hex: (!children).then(|| "abcd".to_owned()),
            children: children.then(|| vec![element(tag + 1, false)]),
        }
    }

    fn record(info: CertInfoDoc) -> RecordDoc {
        RecordDoc {
            index: 1,
            offset: 300,
            length: 1200,
            function: Some(NameOrCode::Name("CCM+TFTP")),
            function_code: Some(4),
            subject: Some("CN=a".into()),
            issuer: Some("CN=a".into()),
            serial: Some("01".into()),
            dns_name: Some("a".into()),
            ip_address: Some("10.0.0.1".into()),
            public_key_length: Some(270),
            signature_length: Some(256),
            certificate_length: Some(800),
            certificate_sha1: Some("00".into()),
            cert_hash: Some("00".into()),
            cert_hash_algorithm: Some("SHA-1".into()),
            unknown_elements: vec![element(40, false), element(41, true)],
            checks: vec![CheckDoc {
                name: "subject_name",
                passed: true,
                detail: "d".into(),
            }],
            warnings: vec![WarningDoc {
                kind: "expired",
                message: "m".into(),
            }],
            key: Some("RSA 2048".into()),
            certificate_info: Some(info),
        }
    }

    fn show_examples() -> Vec<Value> {
        let parsed = CertInfoDoc::Parsed {
            subject: "CN=a".into(),
            issuer: "CN=a".into(),
            serial: "01".into(),
            not_before: "2020-01-01T00:00:00Z".into(),
            not_after: "2030-01-01T00:00:00Z".into(),
            key: "RSA 2048".into(),
            key_bits: Some(2048),
            sha256: "00".into(),
        };
        let error = CertInfoDoc::Error { error: "e".into() };
        let doc = ShowDoc {
            schema: 1,
            file: "f",
            size: 1,
            kind: "ITL",
            header: HeaderDoc {
                version: Some("1.2".into()),
                header_length: 300,
                signer_name: Some("CN=a".into()),
                signer_serial: Some("01".into()),
                issuer_name: Some("CN=a".into()),
                digest: Some(NameOrCode::Name("SHA-1")),
                signature_algorithm: Some(0),
                modulus_bits: Some(2048),
                signature_length: Some(256),
                filename: Some("ITLFile.tlv".into()),
                timestamp: Some(1),
                signer_version: Some("1.1".into()),
                padding: 0,
                unknown_elements: vec![element(40, false), element(41, true)],
            },
            records: vec![record(parsed), record(error)],
            md5: "00".into(),
            sha1: "00".into(),
            sha256: "00".into(),
            signature: SignatureDoc {
                valid: false,
                signer_record: Some(1),
                digest: Some(NameOrCode::Code(9)),
                error: Some("e".into()),
            },
            failures: vec!["f".into()],
            warnings: vec!["w".into()],
        };
        vec![serde_json::to_value(doc).unwrap()]
    }

    fn verify_examples() -> Vec<Value> {
        let doc = VerifyDoc {
            schema: 1,
            file: "f",
            valid: true,
            passed: 1,
            failed: 0,
            checks: vec![VerifyCheckDoc {
                name: "signature".into(),
                passed: true,
                detail: "d".into(),
            }],
            warnings: vec!["w".into()],
        };
        vec![serde_json::to_value(doc).unwrap()]
    }

    fn hash_examples() -> Vec<Value> {
        let doc = HashDoc {
            schema: 1,
            file: "f",
            size: 1,
            algorithm: "md5",
            hash: "00".into(),
        };
        vec![serde_json::to_value(doc).unwrap()]
    }

    /// Field paths of a document (`header.version`, `records[].key`, …), shared
    /// object kinds written as `<kind>.field`; panics on a `null` or an empty
    /// array, which would hide the fields of what it stands for.
    fn paths(v: &Value, prefix: &str, out: &mut BTreeSet<String>) {
        match v {
            Value::Object(m) => {
                for (k, child) in m {
                    let p = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    out.insert(p.clone());
                    paths(child, &p, out);
                }
            }
            Value::Array(a) => {
                assert!(!a.is_empty(), "{prefix}: empty array in an example");
                let item = if prefix.ends_with("unknown_elements") || prefix.ends_with("children") {
                    "<element>".to_owned()
                } else {
                    format!("{prefix}[]")
                };
                for child in a {
                    paths(child, &item, out);
                }
            }
            Value::Null => panic!("{prefix}: null in an example"),
            _ => {}
        }
    }

    /// The fields documented in the `## \`HEADING\`` section of docs/JSON.md:
    /// the back-quoted first cell of each table row.
    fn documented(heading: &str) -> BTreeSet<String> {
        let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/JSON.md"))
            .unwrap();
        let head = format!("## `{heading}`\n");
        let start = doc
            .find(&head)
            .unwrap_or_else(|| panic!("no section {head}"));
        let rest = &doc[start + head.len()..];
        let section = &rest[..rest.find("\n## ").unwrap_or(rest.len())];
        section
            .lines()
            .filter_map(|l| l.strip_prefix("| `"))
            .filter_map(|l| l.split_once("` |").map(|(field, _)| field.to_owned()))
            .collect()
    }

    fn check(heading: &str, examples: Vec<Value>) {
        let mut found = BTreeSet::new();
        for e in &examples {
            paths(e, "", &mut found);
        }
        let documented = documented(heading);
        let undocumented: Vec<_> = found.difference(&documented).collect();
        let stale: Vec<_> = documented.difference(&found).collect();
        assert!(
            undocumented.is_empty() && stale.is_empty(),
            "{heading}: fields not in docs/JSON.md: {undocumented:?}; documented but not in the structures: {stale:?}"
        );
    }

    #[test]
    fn show_json_is_documented_field_for_field() {
        check("show --format json", show_examples());
    }

    #[test]
    fn verify_json_is_documented_field_for_field() {
        check("verify --format json", verify_examples());
    }

    #[test]
    fn hash_json_is_documented_field_for_field() {
        check("hash --format json", hash_examples());
    }
}
