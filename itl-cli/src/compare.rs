//! `itltool compare PHONE SERVER`: is the phone's trust list the server's, and if
//! not, will the phone accept the server's file? (Logic in [`itl_core::compare`];
//! this module reads the inputs and prints the result as text or JSON.)

use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use itl_core::{Comparison, PhoneHashes, RecordSummary, SignerId, SignerKind, TrustList, Verdict};
use serde::Serialize;

use crate::input::{self, InputError};
use crate::text::{MIN_WIDTH_FITTED, printable, wrap};
use crate::words;
use crate::{EXIT_FAIL, EXIT_OK};

/// Version of the `compare --format json` schema (docs/JSON.md).
pub const SCHEMA_VERSION: u32 = 1;

/// What to compare, as given on the command line.
#[derive(Clone, Debug, Default)]
pub struct CompareRequest {
    /// The phone's trust list, when its file is at hand.
    pub phone: Option<PathBuf>,
    /// The server's file.
    pub server: PathBuf,
    /// The MD5 the phone shows (any case, `:`/spaces allowed).
    pub phone_md5: Option<String>,
    /// The SHA-1 the phone shows.
    pub phone_sha1: Option<String>,
    /// The phone's CTL, which adds to what the phone trusts.
    pub phone_ctl: Option<PathBuf>,
    /// Print JSON instead of text.
    pub json: bool,
    /// Colour the verdict (text only).
    pub color: bool,
    /// Wrap text to this many columns (a terminal's width); `None`: no wrapping.
    pub width: Option<usize>,
    /// Compare even when PHONE and SERVER are not the same kind (ITL vs CTL) or
    /// `--phone-ctl` is not a CTL (`--allow-kind-mismatch`).
    pub allow_kind_mismatch: bool,
}

impl CompareRequest {
    /// Builds a request from the positional files: `PHONE SERVER`, or only `SERVER`
    /// when the phone's hashes are given.
    pub fn from_files(
        files: &[PathBuf],
        phone_md5: Option<String>,
        phone_sha1: Option<String>,
        phone_ctl: Option<PathBuf>,
    ) -> Result<Self, CompareError> {
        let hashes = phone_md5.is_some() || phone_sha1.is_some();
        let (phone, server) = match (files, hashes) {
            ([phone, server], false) => (Some(phone.clone()), server.clone()),
            ([server], true) => (None, server.clone()),
            ([_, _], true) => {
                return Err(CompareError::Usage(
                    "give either the phone's file or --phone-md5/--phone-sha1, not both".into(),
                ));
            }
            (_, false) => {
                return Err(CompareError::Usage(
                    "compare needs PHONE SERVER (or SERVER with --phone-md5/--phone-sha1)".into(),
                ));
            }
            (_, true) => {
                return Err(CompareError::Usage(
                    "with --phone-md5/--phone-sha1 give only the server's file".into(),
                ));
            }
        };
        if phone.is_none() && phone_ctl.is_some() {
            return Err(CompareError::Usage(
                "--phone-ctl needs the phone's ITL file, not only its hash".into(),
            ));
        }
        Ok(Self {
            phone,
            server,
            phone_md5,
            phone_sha1,
            phone_ctl,
            ..Self::default()
        })
    }
}

/// Why `compare` could not give a verdict (exit status 2).
#[derive(Debug)]
#[non_exhaustive]
pub enum CompareError {
    /// Wrong arguments.
    Usage(String),
    /// An input could not be read or parsed.
    Input(InputError),
    /// Writing the output failed.
    Io(io::Error),
    /// The files are not of the kinds the comparison needs (ITL against CTL,
    /// or `--phone-ctl` not a CTL), and `--allow-kind-mismatch` was not given.
    KindMismatch(String),
}

impl fmt::Display for CompareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Usage(m) => f.write_str(m),
            Self::Input(e) => write!(f, "{e}"),
            Self::Io(e) => write!(f, "{e}"),
            Self::KindMismatch(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for CompareError {}

impl From<InputError> for CompareError {
    fn from(e: InputError) -> Self {
        Self::Input(e)
    }
}

impl From<io::Error> for CompareError {
    fn from(e: io::Error) -> Self {
        Self::Io(e)
    }
}

/// Reads a hash as typed from a phone screen: any case, with or without `:`, `-`
/// or spaces between digits. `hex_digits` is 32 for MD5 and 40 for SHA-1. Returns
/// lower-case hex without separators.
pub fn parse_hex_hash(text: &str, hex_digits: usize) -> Result<String, String> {
    let cleaned: String = text
        .chars()
        .filter(|c| !matches!(c, ':' | '-' | ' ' | '\t'))
        .collect();
    if let Some(bad) = cleaned.chars().find(|c| !c.is_ascii_hexdigit()) {
        return Err(format!("{text:?} is not hexadecimal (found {bad:?})"));
    }
    if cleaned.len() != hex_digits {
        return Err(format!(
            "{text:?} has {} hex digits, expected {hex_digits}",
            cleaned.len()
        ));
    }
    Ok(cleaned.to_ascii_lowercase())
}

/// `ITL (FILENAME ITLFile.tlv)`: the kind and what it was told from.
fn kind_of(tl: &TrustList<'_>) -> String {
    match tl.header().filename().filter(|n| !n.is_empty()) {
        Some(name) => format!("{} (FILENAME {})", tl.kind().as_str(), printable(&name)),
        None => format!("{} (from its records)", tl.kind().as_str()),
    }
}

/// `an ITL (FILENAME …)`, `a CTL (…)`.
fn with_article(tl: &TrustList<'_>) -> String {
    let article = if tl.kind() == itl_core::FileKind::Itl {
        "an"
    } else {
        "a"
    };
    format!("{article} {}", kind_of(tl))
}

/// Refuses pairs a verdict would be wrong for: a phone's ITL against a
/// server's CTL (or the reverse), and a `--phone-ctl` that is not a CTL.
fn check_kinds(
    req: &CompareRequest,
    phone: &TrustList<'_>,
    ctl: Option<&TrustList<'_>>,
    server: &TrustList<'_>,
) -> Result<(), CompareError> {
    if req.allow_kind_mismatch {
        return Ok(());
    }
    let name = |p: &Option<PathBuf>| {
        p.as_deref()
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    };
    if phone.kind() != server.kind() {
        return Err(CompareError::KindMismatch(format!(
            "{} is {} but {} is {}: compare the phone's ITL with the server's ITL, or its CTL \
             with the server's CTL (--allow-kind-mismatch compares them anyway)",
            name(&req.phone),
            with_article(phone),
            req.server.display(),
            with_article(server)
        )));
    }
    if let Some(ctl) = ctl
        && ctl.kind() != itl_core::FileKind::Ctl
    {
        return Err(CompareError::KindMismatch(format!(
            "{}: --phone-ctl needs the phone's CTL, but this is {} (--allow-kind-mismatch uses it anyway)",
            name(&req.phone_ctl),
            with_article(ctl)
        )));
    }
    Ok(())
}

fn load(path: &Path) -> Result<TrustList<'static>, CompareError> {
    let bytes = input::read_source(path)?;
    Ok(input::parse(path, &bytes)?.into_owned())
}

/// Runs the comparison and prints it; returns the exit status (0 identical or
/// accepted, 1 rejected or different).
pub fn run(req: &CompareRequest, out: &mut dyn Write) -> Result<i32, CompareError> {
    let server = load(&req.server)?;
    let comparison = match &req.phone {
        Some(phone) => {
            let phone = load(phone)?;
            let ctl = req.phone_ctl.as_deref().map(load).transpose()?;
            check_kinds(req, &phone, ctl.as_ref(), &server)?;
            itl_core::compare(&phone, ctl.as_ref(), &server)
        }
        None => {
            let hash = |v: &Option<String>, n: usize, what: &str| {
                v.as_deref()
                    .map(|s| parse_hex_hash(s, n))
                    .transpose()
                    .map_err(|e| CompareError::Usage(format!("{what}: {e}")))
            };
            let phone = PhoneHashes {
                md5: hash(&req.phone_md5, 32, "--phone-md5")?,
                sha1: hash(&req.phone_sha1, 40, "--phone-sha1")?,
            };
            itl_core::compare_hashes(&phone, &server)
        }
    };
    if req.json {
        write_json(out, req, &comparison)?;
    } else {
        write_text(out, req, &comparison)?;
    }
    Ok(if comparison.decision.verdict.is_ok() {
        EXIT_OK
    } else {
        EXIT_FAIL
    })
}

/// `function` of a record summary: CUCM's text, or the code when unknown.
#[derive(Serialize)]
#[serde(untagged)]
enum FunctionJson {
    Text(&'static str),
    Code(u16),
}

/// A record summary (docs/JSON.md, "Record summaries").
#[derive(Serialize)]
struct SummaryJson<'a> {
    index: usize,
    function: Option<FunctionJson>,
    function_code: Option<u16>,
    subject: &'a str,
    issuer: &'a str,
    serial: String,
    cert_hash: Option<String>,
    cert_hash_source: Option<&'static str>,
}

impl<'a> From<&'a RecordSummary> for SummaryJson<'a> {
    fn from(r: &'a RecordSummary) -> Self {
        Self {
            index: r.index,
            function: r.role.map(|f| {
                f.cucm_text()
                    .map_or(FunctionJson::Code(f.code()), FunctionJson::Text)
            }),
            function_code: r.role.map(|f| f.code()),
            subject: &r.subject,
            issuer: &r.issuer,
            serial: hex::encode(&r.serial),
            cert_hash: r.cert_hash.as_deref().map(hex::encode),
            cert_hash_source: r.cert_hash.as_ref().map(|_| {
                if r.hash_from_certhash {
                    "certhash"
                } else {
                    "certificate-sha1"
                }
            }),
        }
    }
}

/// A changed record.
#[derive(Serialize)]
struct ChangeJson<'a> {
    old: SummaryJson<'a>,
    new: SummaryJson<'a>,
    what: Vec<&'static str>,
}

/// A signer object (docs/JSON.md, "Signer objects").
#[derive(Serialize)]
struct SignerJson<'a> {
    name: &'a str,
    serial: String,
    issuer: &'a str,
}

impl<'a> From<&'a SignerId> for SignerJson<'a> {
    fn from(s: &'a SignerId) -> Self {
        Self {
            name: &s.name,
            serial: hex::encode(&s.serial),
            issuer: &s.issuer,
        }
    }
}

/// The entry that makes the phone accept the file.
#[derive(Serialize)]
struct TrustedByJson<'a> {
    file: &'static str,
    record: SummaryJson<'a>,
    server_record: Option<SummaryJson<'a>>,
}

/// The `compare --format json` document (docs/JSON.md).
#[derive(Serialize)]
struct ComparisonJson<'a> {
    schema: u32,
    verdict: &'static str,
    kind: &'static str,
    identical: bool,
    phone: Option<String>,
    phone_ctl: Option<String>,
    server: String,
    phone_md5: Option<&'a str>,
    phone_sha1: Option<&'a str>,
    server_md5: &'a str,
    server_sha1: &'a str,
    added: Vec<SummaryJson<'a>>,
    removed: Vec<SummaryJson<'a>>,
    changed: Vec<ChangeJson<'a>>,
    signer_changed: bool,
    phone_signer: Option<SignerJson<'a>>,
    server_signer: SignerJson<'a>,
    phone_signed_by: Option<&'static str>,
    trusted_by: Option<TrustedByJson<'a>>,
    reason_code: Option<&'static str>,
    explanation: String,
    remedies: Vec<String>,
    remedy_codes: Vec<&'static str>,
}

fn summaries(v: &[RecordSummary]) -> Vec<SummaryJson<'_>> {
    v.iter().map(SummaryJson::from).collect()
}

/// Writes the `compare --format json` document (schema in docs/JSON.md).
pub fn write_json(out: &mut dyn Write, req: &CompareRequest, c: &Comparison) -> io::Result<()> {
    let d = &c.decision;
    let (added, removed, changed) = match &c.diff {
        Some(diff) => (
            summaries(&diff.added),
            summaries(&diff.removed),
            diff.changed
                .iter()
                .map(|ch| ChangeJson {
                    old: SummaryJson::from(&ch.old),
                    new: SummaryJson::from(&ch.new),
                    what: ch.fields.iter().map(|f| f.as_str()).collect(),
                })
                .collect(),
        ),
        None => (Vec::new(), Vec::new(), Vec::new()),
    };
    let doc = ComparisonJson {
        schema: SCHEMA_VERSION,
        verdict: d.verdict.as_str(),
        kind: d.kind.as_str(),
        identical: c.identical,
        phone: req.phone.as_ref().map(|p| p.display().to_string()),
        phone_ctl: req.phone_ctl.as_ref().map(|p| p.display().to_string()),
        server: req.server.display().to_string(),
        phone_md5: c.phone_md5.as_deref(),
        phone_sha1: c.phone_sha1.as_deref(),
        server_md5: &c.server_md5,
        server_sha1: &c.server_sha1,
        added,
        removed,
        changed,
        signer_changed: c.diff.as_ref().is_some_and(|d| d.signer_changed),
        phone_signer: c.diff.as_ref().map(|d| SignerJson::from(&d.old_signer)),
        server_signer: SignerJson::from(&c.server_signer),
        phone_signed_by: d.phone_signed_by.map(SignerKind::as_str),
        trusted_by: d.trusted_by.as_ref().map(|t| TrustedByJson {
            file: t.file.as_str(),
            record: SummaryJson::from(&t.record),
            server_record: t.server_record.as_ref().map(SummaryJson::from),
        }),
        reason_code: d.reason.as_ref().map(words::reason_code),
        explanation: explanation(c),
        remedies: d.remedies.iter().map(words::remedy_text).collect(),
        remedy_codes: d.remedies.iter().map(words::remedy_code).collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::from)?;
    writeln!(out)
}

/// Why the verdict, in sentences (the text report's and JSON's `explanation`).
pub fn explanation(c: &Comparison) -> String {
    match (c.decision.verdict, &c.diff) {
        (Verdict::Identical, None) => {
            let shown = match (&c.phone_md5, &c.phone_sha1) {
                (Some(_), Some(_)) => "MD5 and SHA-1",
                (Some(_), None) => "MD5",
                _ => "SHA-1",
            };
            format!(
                "The {shown} the phone shows is the server's {}'s: the phone has it.",
                words::kind_name(c.decision.kind)
            )
        }
        _ => words::decision_text(&c.decision, &c.server_signer),
    }
}

fn paint(color: bool, verdict: Verdict) -> String {
    let code = if verdict.is_ok() { "1;32" } else { "1;31" };
    if color {
        format!("\x1b[{code}m{verdict}\x1b[0m")
    } else {
        verdict.to_string()
    }
}

/// Writes `text` (made [`printable`]) word-wrapped to `width` under `prefix`.
fn wrapped(
    out: &mut dyn Write,
    text: &str,
    prefix: &str,
    indent: usize,
    width: Option<usize>,
) -> io::Result<()> {
    let width = width.map_or(usize::MAX, |w| w.max(MIN_WIDTH_FITTED));
    for l in wrap(&printable(text), prefix, indent, width) {
        writeln!(out, "{l}")?;
    }
    Ok(())
}

fn short(r: &RecordSummary) -> String {
    let mut s = words::record_label(r);
    s.push_str(&format!(", serial {}", hex::encode(&r.serial)));
    if let Some(h) = &r.cert_hash {
        let what = if r.hash_from_certhash {
            "CERTHASH"
        } else {
            "SHA-1"
        };
        s.push_str(&format!(", {what} {}", hex::encode(h)));
    }
    s
}

/// The text report.
pub fn write_text(out: &mut dyn Write, req: &CompareRequest, c: &Comparison) -> io::Result<()> {
    let lines = |out: &mut dyn Write, text: &str, prefix: &str, indent: usize| {
        wrapped(out, text, prefix, indent, req.width)
    };
    let phone_name = req.phone.as_ref().map_or_else(
        || "(hash read off the phone)".to_owned(),
        |p| p.display().to_string(),
    );
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
    lines(out, &phone_name, "Phone   ", 8)?;
    writeln!(
        out,
        "        MD5 {}  SHA-1 {}",
        dash(&c.phone_md5),
        dash(&c.phone_sha1)
    )?;
    if let Some(ctl) = &req.phone_ctl {
        lines(out, &format!("with CTL {}", ctl.display()), "        ", 8)?;
    }
    lines(out, &req.server.display().to_string(), "Server  ", 8)?;
    writeln!(out, "        MD5 {}  SHA-1 {}", c.server_md5, c.server_sha1)?;
    writeln!(out, "Identical: {}", if c.identical { "yes" } else { "no" })?;
    if let Some(d) = &c.diff {
        writeln!(out)?;
        let signer = if d.signer_changed {
            format!(
                "changed: {} -> {}",
                words::signer_text(&d.old_signer),
                words::signer_text(&d.new_signer)
            )
        } else {
            format!("unchanged: {}", words::signer_text(&d.new_signer))
        };
        lines(out, &signer, "Signer  ", 8)?;
        if let Some(by) = c.decision.phone_signed_by {
            let text = format!(
                "the phone's {} was signed with {}",
                words::kind_name(c.decision.kind),
                words::signer_kind_text(by)
            );
            lines(out, &text, "        ", 8)?;
        }
        if d.records_unchanged() {
            writeln!(out, "Records: no differences")?;
        } else {
            writeln!(out, "Records:")?;
            for r in &d.added {
                lines(out, &short(r), "  added    ", 11)?;
            }
            for r in &d.removed {
                lines(out, &short(r), "  removed  ", 11)?;
            }
            for ch in &d.changed {
                let what: Vec<&str> = ch.fields.iter().map(|f| f.as_str()).collect();
                let text = format!(
                    "{} -> {}: {}",
                    short(&ch.old),
                    short(&ch.new),
                    what.join(", ")
                );
                lines(out, &text, "  changed  ", 11)?;
            }
        }
    }
    writeln!(out)?;
    writeln!(out, "Verdict: {}", paint(req.color, c.decision.verdict))?;
    lines(out, &explanation(c), "  ", 2)?;
    if !c.decision.remedies.is_empty() {
        writeln!(out, "What can be done:")?;
        for r in &c.decision.remedies {
            lines(out, &words::remedy_text(r), "  - ", 4)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_as_typed_from_a_phone() {
        let md5 = "53be72b43da047242b8e407d63851d48";
        assert_eq!(parse_hex_hash(md5, 32).as_deref(), Ok(md5));
        assert_eq!(
            parse_hex_hash("53:BE:72:B4:3D:A0:47:24:2B:8E:40:7D:63:85:1D:48", 32).as_deref(),
            Ok(md5)
        );
        assert_eq!(
            parse_hex_hash("53 be 72 b4 3d a0 47 24 2b 8e 40 7d 63 85 1d 48", 32).as_deref(),
            Ok(md5)
        );
        assert!(parse_hex_hash("53be", 32).is_err());
        assert!(parse_hex_hash(&"g".repeat(32), 32).is_err());
    }
}
