//! `itltool verify FILE... [--trust CERT_OR_TLV]...`: the file signature, the
//! optional outside trust, and every record's certificate checks; one line per
//! check or warning and a summary line per file.
//!
//! ```text
//! ITLFile.tlv: ok   signature: SHA-1, RSA-1024 key of record 1 (SAST) CN=…
//! ITLFile.tlv: ok   record 1 (SAST): subject_name: SUBJECTNAME matches the certificate (CN=…)
//! ITLFile.tlv: warn record 1 (SAST): the certificate's RSA key has 1024 bits, under 2048
//! ITLFile.tlv: valid (13 checks passed, 2 warnings)
//! ```
//!
//! Exit status: 0 every file valid; 1 any check failed; 2 any file (or trust
//! source) unreadable or malformed, or bad usage.

use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use itl_core::{
    Role, TrustAnchor, TrustList, check_certificates, load_certificate, verify_signature,
    verify_with_trust,
};

use crate::bulk::{self, Outcome, Status};
use crate::{EXIT_ERROR, input};

/// Why a `--trust` source could not be used.
#[derive(Debug)]
#[non_exhaustive]
pub enum TrustSourceError {
    /// The file could not be read.
    Input(input::InputError),
    /// The file is neither a trust list nor a certificate.
    Unrecognised {
        /// The file.
        path: PathBuf,
        /// Why it is not a trust list.
        as_trust_list: String,
        /// Why it is not a certificate.
        as_certificate: String,
    },
    /// A certificate whose key cannot verify RSA signatures.
    UnusableCertificate {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

impl fmt::Display for TrustSourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Input(e) => write!(f, "{e}"),
            Self::Unrecognised {
                path,
                as_trust_list,
                as_certificate,
            } => write!(
                f,
                "{}: --trust needs a certificate (PEM or DER) or an ITL/CTL file; as a trust list: {as_trust_list}; as a certificate: {as_certificate}",
                path.display()
            ),
            Self::UnusableCertificate { path, reason } => {
                write!(f, "{}: cannot be trusted: {reason}", path.display())
            }
        }
    }
}

impl std::error::Error for TrustSourceError {}

/// Reads the trusted keys of one `--trust` source: a certificate, or the SAST,
/// CCM+TFTP and TFTP entries of an ITL/CTL file.
pub fn load_trust(path: &Path) -> Result<Vec<TrustAnchor>, TrustSourceError> {
    let bytes = input::read_source(path).map_err(TrustSourceError::Input)?;
    let name = path.display().to_string();
    let as_trust_list = match TrustList::parse_with(&bytes, input::limits()) {
        Ok(tl) => return Ok(TrustAnchor::from_trust_list(&tl, &name)),
        Err(e) => e.to_string(),
    };
    // A PEM bundle: every certificate in it is trusted.
    let blocks = pem_certificate_blocks(&bytes);
    if blocks.len() > 1 {
        let mut anchors = Vec::with_capacity(blocks.len());
        for (i, block) in blocks.iter().enumerate() {
            let label = format!("{name} certificate {} of {}", i + 1, blocks.len());
            let der =
                load_certificate(block).map_err(|e| TrustSourceError::UnusableCertificate {
                    path: path.to_owned(),
                    reason: format!("certificate {} of the bundle: {e}", i + 1),
                })?;
            let anchor = TrustAnchor::from_certificate(&der, &label).map_err(|reason| {
                TrustSourceError::UnusableCertificate {
                    path: path.to_owned(),
                    reason: format!("certificate {} of the bundle: {reason}", i + 1),
                }
            })?;
            anchors.push(anchor);
        }
        return Ok(anchors);
    }
    match load_certificate(&bytes) {
        Ok(der) => TrustAnchor::from_certificate(&der, &name)
            .map(|a| vec![a])
            .map_err(|reason| TrustSourceError::UnusableCertificate {
                path: path.to_owned(),
                reason: reason.to_string(),
            }),
        Err(e) => Err(TrustSourceError::Unrecognised {
            path: path.to_owned(),
            as_trust_list,
            as_certificate: e.to_string(),
        }),
    }
}

/// The `-----BEGIN CERTIFICATE-----` … `-----END CERTIFICATE-----` blocks of a
/// PEM text, in order (empty when `bytes` is not PEM text).
pub fn pem_certificate_blocks(bytes: &[u8]) -> Vec<&[u8]> {
    const BEGINS: [&str; 2] = [
        "-----BEGIN CERTIFICATE-----",
        "-----BEGIN X509 CERTIFICATE-----",
    ];
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Vec::new();
    };
    let mut blocks = Vec::new();
    let mut rest = 0;
    while let Some((start, begin)) = BEGINS
        .iter()
        .filter_map(|b| text.get(rest..)?.find(b).map(|i| (rest + i, *b)))
        .min_by_key(|(i, _)| *i)
    {
        let end_marker = begin.replace("BEGIN", "END");
        let Some(end) = text.get(start..).and_then(|t| t.find(&end_marker)) else {
            break;
        };
        let end = start + end + end_marker.len();
        if let Some(block) = bytes.get(start..end) {
            blocks.push(block);
        }
        rest = end;
    }
    blocks
}

/// Counts for a file's summary line.
#[derive(Default)]
struct Tally {
    passed: usize,
    failed: Vec<String>,
    warnings: usize,
    /// Every check as (passed, what, detail), for JSON.
    checks: Vec<(bool, String, String)>,
    /// Every warning, for JSON.
    warning_list: Vec<String>,
}

impl Tally {
    fn line(
        &mut self,
        out: &mut dyn Write,
        file: &str,
        passed: bool,
        what: &str,
        detail: &str,
    ) -> io::Result<()> {
        // Names come from the file: escape control characters so a hostile
        // SUBJECTNAME cannot forge output lines.
        let detail = crate::text::printable(detail);
        self.checks
            .push((passed, what.to_owned(), detail.to_string()));
        if passed {
            self.passed += 1;
            writeln!(out, "{file}: ok   {what}: {detail}")
        } else {
            self.failed.push(what.to_owned());
            writeln!(out, "{file}: FAIL {what}: {detail}")
        }
    }

    fn warn(&mut self, out: &mut dyn Write, file: &str, what: &str) -> io::Result<()> {
        self.warnings += 1;
        self.warning_list
            .push(crate::text::printable(what).into_owned());
        writeln!(out, "{file}: warn {}", crate::text::printable(what))
    }
}

fn record_label(tl: &TrustList<'_>, index: usize) -> String {
    let role = tl
        .records()
        .get(index.wrapping_sub(1))
        .and_then(|r| r.function())
        .map_or_else(|| "no FUNCTION".to_owned(), Role::short_name);
    format!("record {index} ({role})")
}

/// Checks one parsed file, writing its lines; returns whether everything passed.
pub fn verify_file(
    out: &mut dyn Write,
    name: &str,
    tl: &TrustList<'_>,
    anchors: Option<&[TrustAnchor]>,
    now: i64,
) -> io::Result<bool> {
    let mut t = check_file(out, name, tl, anchors, now)?;
    summary_line(out, name, &mut t)
}

/// The `verify --format json` document of one parsed file (docs/JSON.md) and
/// whether everything passed.
pub fn verify_json(
    name: &str,
    tl: &TrustList<'_>,
    anchors: Option<&[TrustAnchor]>,
    now: i64,
) -> (serde_json::Value, bool) {
    let t = check_file(&mut io::sink(), name, tl, anchors, now).unwrap_or_default();
    let valid = t.failed.is_empty();
    let doc = serde_json::json!({
        "schema": 1,
        "file": name,
        "valid": valid,
        "passed": t.passed,
        "failed": t.failed.len(),
        "checks": t.checks.iter().map(|(passed, what, detail)| serde_json::json!({
            "name": what,
            "passed": passed,
            "detail": detail,
        })).collect::<Vec<_>>(),
        "warnings": t.warning_list,
    });
    (doc, valid)
}

fn check_file(
    out: &mut dyn Write,
    name: &str,
    tl: &TrustList<'_>,
    anchors: Option<&[TrustAnchor]>,
    now: i64,
) -> io::Result<Tally> {
    let mut t = Tally::default();
    match verify_signature(tl) {
        Ok(r) => {
            let rec = tl.records().get(r.signer_record - 1);
            let subject = rec.and_then(|r| r.subject_name()).unwrap_or_default();
            let detail = format!(
                "{}, RSA-{} key of {} {subject}",
                r.digest,
                r.key_bits,
                record_label(tl, r.signer_record)
            );
            t.line(out, name, true, "signature", detail.trim_end())?;
        }
        Err(e) => t.line(out, name, false, "signature", &e.to_string())?,
    }
    if let Some(anchors) = anchors {
        match verify_with_trust(tl, anchors) {
            Ok(r) => t.line(
                out,
                name,
                true,
                "trust",
                &format!("signed by a trusted key: {}", r.description),
            )?,
            Err(e) => t.line(out, name, false, "trust", &e.to_string())?,
        }
    }
    let report = check_certificates(tl, now);
    for rc in &report.records {
        let label = record_label(tl, rc.index);
        for c in &rc.checks {
            t.line(
                out,
                name,
                c.passed,
                &format!("{label}: {}", c.name),
                &c.detail,
            )?;
        }
        for w in &rc.warnings {
            t.warn(out, name, &format!("{label}: {w}"))?;
        }
    }
    for w in &report.warnings {
        t.warn(out, name, &format!("file: {w}"))?;
    }
    Ok(t)
}

fn summary_line(out: &mut dyn Write, name: &str, t: &mut Tally) -> io::Result<bool> {
    let warnings = match t.warnings {
        1 => ", 1 warning".to_owned(),
        n => format!(", {n} warnings"),
    };
    if t.failed.is_empty() {
        writeln!(out, "{name}: valid ({} checks passed{warnings})", t.passed)?;
        Ok(true)
    } else {
        writeln!(
            out,
            "{name}: INVALID ({} of {} checks failed: {}{warnings})",
            t.failed.len(),
            t.failed.len() + t.passed,
            t.failed.join(", ")
        )?;
        Ok(false)
    }
}

/// How `itltool verify` runs over its files.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Walk directories among the files for `*.tlv` files (`-r`).
    pub recursive: bool,
    /// Print only each file's summary line (`--summary`).
    pub summary: bool,
    /// Allow a progress bar on standard error (when it is a terminal).
    pub progress: bool,
    /// `--format json`: one document per file (docs/JSON.md) instead of lines.
    pub json: bool,
}

/// `itltool verify`: checks each file, against the keys of `trust` sources when
/// any are given. Files are checked in parallel ([`crate::bulk`]) and reported
/// in input order; with more than one file (or `-r`) a last line gives the
/// totals: `total: N files, N valid, N invalid, N errors`. Returns the exit code.
pub fn run(
    files: &[PathBuf],
    trust: &[PathBuf],
    now: i64,
    options: Options,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    let anchors = if trust.is_empty() {
        None
    } else {
        let mut all = Vec::new();
        for path in trust {
            match load_trust(path) {
                Ok(a) => all.extend(a),
                Err(e) => {
                    writeln!(err, "error: {e}")?;
                    return Ok(EXIT_ERROR);
                }
            }
        }
        Some(all)
    };
    let sources = match crate::signed::TrustSources::load(trust) {
        Ok(s) => s,
        Err(e) => {
            writeln!(err, "error: {e}")?;
            return Ok(EXIT_ERROR);
        }
    };
    let inputs = bulk::expand(files, options.recursive);
    let many = inputs.len() > 1 || options.recursive;
    let work = |input: &Result<PathBuf, input::InputError>| {
        let path = match input {
            Ok(p) => p,
            Err(e) => return Outcome::error(e),
        };
        let bytes = match input::read_source(path) {
            Ok(b) => b,
            Err(e) => return Outcome::error(&e),
        };
        let name = path.display().to_string();
        let mut lines = Vec::new();
        let tl = match input::parse_any(path, &bytes) {
            Ok(itl_core::AnyFile::TrustList(tl)) => tl,
            Ok(itl_core::AnyFile::Signed(f)) => {
                if sources.is_empty() {
                    return Outcome {
                        out: String::new(),
                        err: format!(
                            "error: {name}: a signed file carries no key of its own: give --trust ITLFile.tlv (the phone's ITL, and/or its CTL) or --trust CERT\n"
                        ),
                        status: Status::Error,
                    };
                }
                if options.json {
                    let verdict = crate::signed::check(&f, &sources);
                    let valid = matches!(verdict, crate::signed::Verdict::Trusted { .. });
                    let mut doc = crate::signed::json(path, &f, &verdict);
                    doc["valid"] = valid.into();
                    return Outcome {
                        out: if many {
                            format!("{doc}\n")
                        } else {
                            format!("{doc:#}\n")
                        },
                        err: String::new(),
                        status: if valid { Status::Ok } else { Status::Fail },
                    };
                }
                let valid = match crate::signed::verify_lines(&mut lines, &name, &f, &sources) {
                    Ok(v) => v,
                    Err(e) => return Outcome::error(&e),
                };
                let mut text = String::from_utf8_lossy(&lines).into_owned();
                if options.summary {
                    let start = text.trim_end().rfind('\n').map_or(0, |i| i + 1);
                    text.drain(..start);
                }
                return Outcome {
                    out: text,
                    err: String::new(),
                    status: if valid { Status::Ok } else { Status::Fail },
                };
            }
            Ok(_) => return Outcome::ok(String::new()),
            Err(e) => return Outcome::error(&e),
        };
        if options.json {
            let (doc, valid) = verify_json(&name, &tl, anchors.as_deref(), now);
            let text = if many {
                format!("{doc}\n")
            } else {
                format!("{doc:#}\n")
            };
            return Outcome {
                out: text,
                err: String::new(),
                status: if valid { Status::Ok } else { Status::Fail },
            };
        }
        let valid = match verify_file(&mut lines, &name, &tl, anchors.as_deref(), now) {
            Ok(v) => v,
            Err(e) => return Outcome::error(&e),
        };
        // The lines are built from Strings, so this does not copy.
        let mut text = String::from_utf8(lines)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        if options.summary {
            // The summary is the last line.
            let start = text.trim_end().rfind('\n').map_or(0, |i| i + 1);
            text.drain(..start);
        }
        Outcome {
            out: text,
            err: String::new(),
            status: if valid { Status::Ok } else { Status::Fail },
        }
    };
    let totals = bulk::run(&inputs, work, out, err, options.progress)?;
    if many && options.json {
        let line = serde_json::json!({"totals": {
            "files": totals.files,
            "valid": totals.ok,
            "invalid": totals.fail,
            "errors": totals.error,
        }});
        writeln!(out, "{line}")?;
    } else if many {
        writeln!(
            out,
            "total: {} files, {} valid, {} invalid, {} errors",
            totals.files, totals.ok, totals.fail, totals.error
        )?;
    }
    Ok(totals.exit_code())
}
