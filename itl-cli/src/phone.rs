//! `itltool phone`: replay a phone's boot through the cluster's files (CTL, ITL,
//! configuration) and say whether it ends trusting the cluster. The replay is
//! [`itl_core::replay`]; this module reads the inputs, serves files from a
//! directory or a TFTP server, and prints the typed result as text or JSON, worded by [`crate::words`].

use std::fmt;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use itl_core::{
    Decision, DirSource, DirSourceError, FileKind, HeldFile, HeldList, Mac, Outcome, PhoneStart,
    RecordSource, Replay, ReplayError, Stage, Step, TrustState,
};
use itl_core::{RecordSummary, SignerId};
use serde::Serialize;

use crate::input::{self, InputError};
use crate::text::{MAX_WIDTH, printable, wrap};
use crate::tftp::{self, TftpError};
use crate::words;
use crate::{EXIT_FAIL, EXIT_OK};

/// Version of the `phone --format json` schema (docs/JSON.md).
pub const SCHEMA_VERSION: u32 = 1;

/// Where the cluster's files come from.
#[derive(Clone, Debug)]
pub enum Server {
    /// A copy of the TFTP root.
    Dir(PathBuf),
    /// A TFTP server, `tftp://HOST[:PORT]`.
    Tftp(String),
}

/// What `itltool phone` was asked.
#[derive(Clone, Debug)]
pub struct PhoneRequest {
    /// The MAC address as given.
    pub mac: String,
    /// Where the files are.
    pub server: Server,
    /// The phone's current ITL (path or tftp:// URL).
    pub itl: Option<PathBuf>,
    /// The phone's current CTL.
    pub ctl: Option<PathBuf>,
    /// Print JSON instead of text.
    pub json: bool,
    /// Colour the result (text only).
    pub color: bool,
    /// TFTP: give up when the server is silent this long.
    pub timeout: Duration,
}

/// Why the replay could not run (exit status 2).
#[derive(Debug)]
#[non_exhaustive]
pub enum PhoneError {
    /// The MAC address is malformed.
    Mac(String),
    /// The phone's ITL or CTL could not be read or parsed.
    Input(InputError),
    /// A file given as the phone's ITL is a CTL or the other way round.
    Kind {
        /// The file.
        path: PathBuf,
        /// What it was given as.
        expected: FileKind,
        /// What it is.
        found: FileKind,
    },
    /// The directory, or a file in it, cannot be read.
    Dir(DirSourceError),
    /// The TFTP server cannot be reached, or a transfer failed otherwise than
    /// "File not found".
    Tftp {
        /// The server or URL.
        what: String,
        /// Why.
        error: TftpError,
    },
    /// Writing the output failed.
    Io(io::Error),
}

impl fmt::Display for PhoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Mac(given) => write!(
                f,
                "MAC address {given:?}: expected 12 hex digits such as 0011215A1AE3 (a SEP prefix, any case and the separators : - . are allowed)"
            ),
            Self::Input(e) => write!(f, "{e}"),
            Self::Kind {
                path,
                expected,
                found,
            } => write!(
                f,
                "{}: given as the phone's {} but it is a {} (from its FILENAME and records)",
                path.display(),
                expected.as_str(),
                found.as_str()
            ),
            Self::Dir(e) => write!(f, "{e}"),
            Self::Tftp { what, error } => write!(f, "{what}: {error}"),
            Self::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for PhoneError {}

impl From<io::Error> for PhoneError {
    fn from(e: io::Error) -> Self {
        Self::Io(e)
    }
}

/// `tftp://HOST[:PORT]` (a trailing `/` allowed) → host and port.
pub fn parse_server_url(url: &str) -> Result<(String, u16), TftpError> {
    let bad = |reason| TftpError::BadAddress {
        given: url.to_owned(),
        reason,
        expected: "tftp://HOST[:PORT]",
    };
    let rest = match url.get(7..) {
        Some(rest) if tftp::is_tftp_url(url) => rest,
        _ => return Err(bad("it does not start with tftp://")),
    };
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.contains('/') {
        return Err(bad(
            "give only the server; the phone's file names are asked for in the TFTP root",
        ));
    }
    tftp::parse_host_port(authority).map_err(|e| match e {
        TftpError::BadAddress { reason, .. } => bad(reason),
        other => other,
    })
}

fn held(path: &Option<PathBuf>, kind: FileKind) -> Result<Option<HeldFile>, PhoneError> {
    let Some(path) = path else { return Ok(None) };
    let bytes = input::read_source(path).map_err(PhoneError::Input)?;
    let found = input::parse(path, &bytes)
        .map_err(PhoneError::Input)?
        .kind();
    if found != kind {
        return Err(PhoneError::Kind {
            path: path.clone(),
            expected: kind,
            found,
        });
    }
    Ok(Some(HeldFile {
        name: path.display().to_string(),
        bytes,
    }))
}

/// The phone's files were checked before the replay; its errors about them
/// cannot happen, but are reported rather than trusted away.
fn replay_error<E>(e: ReplayError<E>, source: impl FnOnce(String, E) -> PhoneError) -> PhoneError {
    match e {
        ReplayError::Source { name, error } => source(name, error),
        ReplayError::PhoneFile { name, error, .. } => PhoneError::Input(InputError::Parse {
            path: PathBuf::from(name),
            error,
            hint: None,
        }),
        ReplayError::PhoneFileKind {
            expected,
            found,
            name,
        } => PhoneError::Kind {
            path: PathBuf::from(name),
            expected,
            found,
        },
        _ => PhoneError::Io(io::Error::other("replay failed")),
    }
}

/// Runs the replay and prints it; returns the exit status (0 trusted, 1 broken).
pub fn run(req: &PhoneRequest, out: &mut dyn Write) -> Result<i32, PhoneError> {
    let mac: Mac = req
        .mac
        .parse()
        .map_err(|_| PhoneError::Mac(req.mac.clone()))?;
    let start = PhoneStart {
        itl: held(&req.itl, FileKind::Itl)?,
        ctl: held(&req.ctl, FileKind::Ctl)?,
    };
    let (replay, source) = match &req.server {
        Server::Dir(dir) => {
            let mut src = DirSource::new(dir).map_err(PhoneError::Dir)?;
            let r = itl_core::replay(&mac, start, &mut src)
                .map_err(|e| replay_error(e, |_, error| PhoneError::Dir(error)))?;
            (r, dir.display().to_string())
        }
        Server::Tftp(url) => {
            let tftp_err = |error| PhoneError::Tftp {
                what: url.clone(),
                error,
            };
            let (host, port) = parse_server_url(url).map_err(tftp_err)?;
            let addr = tftp::resolve(&host, port).map_err(tftp_err)?;
            let options = tftp::Options {
                timeout: req.timeout,
                ..tftp::Options::default()
            };
            let mut src = tftp_source(addr, options);
            let r = itl_core::replay(&mac, start, &mut src).map_err(|e| {
                replay_error(e, |name, error| PhoneError::Tftp {
                    what: tftp::TftpUrl {
                        host: host.clone(),
                        port,
                        name,
                    }
                    .to_string(),
                    error,
                })
            })?;
            let server = tftp::TftpUrl {
                host: host.clone(),
                port,
                name: String::new(),
            };
            (r, server.to_string())
        }
    };
    if req.json {
        serde_json::to_writer_pretty(&mut *out, &replay_json(&replay, &source))
            .map_err(io::Error::from)?;
        writeln!(out)?;
    } else {
        write_text(out, &replay, &source, req.color)?;
    }
    Ok(match replay.outcome {
        Outcome::Trusted => EXIT_OK,
        _ => EXIT_FAIL,
    })
}

/// A [`itl_core::FileSource`] asking a TFTP server: "File not found" is `None`.
pub fn tftp_source(
    addr: SocketAddr,
    options: tftp::Options,
) -> impl FnMut(&str) -> Result<Option<Vec<u8>>, TftpError> {
    move |name: &str| match tftp::download(addr, name, &options) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------------------
// Words.

/// The kind of trust list a stage reads (`None` for configuration files).
fn stage_kind(stage: Stage) -> Option<FileKind> {
    match stage {
        Stage::Ctl => Some(FileKind::Ctl),
        Stage::Itl => Some(FileKind::Itl),
        _ => None,
    }
}

/// A step's reason in words (see [`words::reason_text`]).
fn step_reason(s: &Step) -> Option<String> {
    s.reason
        .as_ref()
        .map(|r| words::reason_text(r, stage_kind(s.stage)))
}

fn source_code(s: RecordSource) -> &'static str {
    match s {
        RecordSource::PhoneCtl => "phone-ctl",
        RecordSource::PhoneItl => "phone-itl",
        RecordSource::ThisFile => "this-file",
        _ => "other",
    }
}

fn source_words(s: RecordSource) -> &'static str {
    match s {
        RecordSource::PhoneCtl => "the phone's CTL",
        RecordSource::PhoneItl => "the phone's ITL",
        RecordSource::ThisFile => "the file itself",
        _ => "another file",
    }
}

/// How the step was decided, in words.
fn decision_text(step: &Step) -> String {
    let by = step.by.as_ref().map(|d| {
        format!(
            "{} of {} ({})",
            words::record_label(&d.record),
            source_words(d.source),
            printable(&d.file)
        )
    });
    match (step.decision, by) {
        (Decision::FirstUse, _) if step.stage == Stage::Config => {
            "The phone holds no trust list to check the signature with: it takes the file as it is."
                .to_owned()
        }
        (Decision::FirstUse, Some(by)) => format!(
            "The phone held no trust list: it trusts the first one it gets (signed by {by})."
        ),
        (Decision::FirstUse, None) => {
            "The phone held no trust list: it trusts the first one it gets.".to_owned()
        }
        (Decision::TrustedSigner, Some(by)) => {
            format!("Signed by a key the phone trusts: {by}.")
        }
        (Decision::TrustedTvs, Some(by)) => format!(
            "The phone does not know the signer; it asks its TVS server, whose certificate matches {by}, and TVS vouches for the signer."
        ),
        (Decision::Unchanged, _) => "The phone already holds this file.".to_owned(),
        (Decision::NotFound, _) => match &step.fallback_for {
            Some(_) => "Not on the server.".to_owned(),
            None => "Not on the server; the phone asks for the next name.".to_owned(),
        },
        (Decision::Unsigned, _) if step.reason.is_none() => {
            "Not signed; the phone holds no trust list, so it takes it as it is.".to_owned()
        }
        _ => step_reason(step).unwrap_or_default(),
    }
}

fn held_text(h: &HeldList) -> String {
    format!(
        "{} (MD5 {}, signed by {})",
        printable(&h.file),
        h.fingerprints.md5,
        words::signer_text(&h.signer)
    )
}

fn trust_text(t: &TrustState) -> String {
    match (&t.ctl, &t.itl) {
        (None, None) => "nothing (factory state)".to_owned(),
        (ctl, itl) => {
            let mut parts = Vec::new();
            match ctl {
                Some(c) => parts.push(format!("CTL {}", held_text(c))),
                None => parts.push("no CTL".to_owned()),
            }
            match itl {
                Some(i) => parts.push(format!("ITL {}", held_text(i))),
                None => parts.push("no ITL".to_owned()),
            }
            parts.join("; ")
        }
    }
}

fn lines(out: &mut dyn Write, text: &str, prefix: &str, indent: usize) -> io::Result<()> {
    for l in wrap(text, prefix, indent, MAX_WIDTH) {
        writeln!(out, "{l}")?;
    }
    Ok(())
}

fn paint(color: bool, trusted: bool, text: &str) -> String {
    if !color {
        return text.to_owned();
    }
    let code = if trusted { "1;32" } else { "1;31" };
    format!("\x1b[{code}m{text}\x1b[0m")
}

/// The text report.
pub fn write_text(out: &mut dyn Write, r: &Replay, source: &str, color: bool) -> io::Result<()> {
    writeln!(out, "Phone   SEP{} (MAC {})", r.mac, r.mac)?;
    lines(out, &printable(source), "Server  ", 8)?;
    lines(out, &trust_text(&r.before), "Holds   ", 8)?;
    writeln!(out)?;
    let failing = match &r.outcome {
        Outcome::Broken(b) => Some(b.step),
        _ => None,
    };
    for (i, s) in r.steps.iter().enumerate() {
        let mut head = format!("{}. {}", i + 1, s.file);
        if !s.found {
            head.push_str(": not found");
        } else if let Some(size) = s.size {
            head.push_str(&format!(": {size} bytes"));
        }
        head.push_str(&format!(" -> {}", s.decision));
        writeln!(out, "{head}")?;
        if let Some(fp) = &s.fingerprints {
            writeln!(out, "   MD5 {}  SHA-1 {}", fp.md5, fp.sha1)?;
        }
        if let Some(signer) = &s.signer {
            lines(
                out,
                &format!("signed by {}", words::signer_text(signer)),
                "   ",
                3,
            )?;
        }
        if failing == Some(i) && s.reason.is_some() {
            writeln!(out, "   Refused: see the result below.")?;
            lines(
                out,
                &trust_text(&s.trust_after),
                "   Phone still trusts: ",
                3,
            )?;
        } else if s.decision != Decision::NotFound {
            lines(out, &printable(&decision_text(s)), "   ", 3)?;
            lines(out, &trust_text(&s.trust_after), "   Phone now trusts: ", 3)?;
        }
    }
    writeln!(out)?;
    match &r.outcome {
        Outcome::Broken(b) => {
            let head = format!("broken at {}", b.file);
            writeln!(out, "Result: {}", paint(color, false, &head))?;
            let kind = r.steps.get(b.step).and_then(|s| stage_kind(s.stage));
            lines(
                out,
                &printable(&words::reason_text(&b.reason, kind)),
                "  ",
                2,
            )?;
            if !b.remedies.is_empty() {
                writeln!(out, "What can be done:")?;
                for m in &b.remedies {
                    lines(out, &printable(&words::remedy_text(m)), "  - ", 4)?;
                }
            }
        }
        _ => {
            writeln!(out, "Result: {}", paint(color, true, "trusted"))?;
            let last = r.steps.last().map(|s| s.file.clone()).unwrap_or_default();
            lines(
                out,
                &format!(
                    "The phone trusts every file it read and registers with {}.",
                    printable(&last)
                ),
                "  ",
                2,
            )?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// JSON.

/// A signer in JSON: name, serial (hex), issuer.
#[derive(Serialize)]
struct SignerJson<'a> {
    name: &'a str,
    serial: String,
    issuer: &'a str,
}

impl<'a> SignerJson<'a> {
    fn of(s: &'a SignerId) -> Self {
        SignerJson {
            name: &s.name,
            serial: hex::encode(&s.serial),
            issuer: &s.issuer,
        }
    }
}

/// A record's FUNCTION: CUCM's text where it has one, else the number.
#[derive(Serialize)]
#[serde(untagged)]
enum FunctionJson {
    Text(&'static str),
    Code(u16),
}

#[derive(Serialize)]
struct RecordJson<'a> {
    index: usize,
    function: Option<FunctionJson>,
    function_code: Option<u16>,
    subject: &'a str,
    issuer: &'a str,
    serial: String,
}

impl<'a> RecordJson<'a> {
    fn of(r: &'a RecordSummary) -> Self {
        RecordJson {
            index: r.index,
            function: r.role.map(|f| {
                f.cucm_text()
                    .map_or(FunctionJson::Code(f.code()), FunctionJson::Text)
            }),
            function_code: r.role.map(|f| f.code()),
            subject: &r.subject,
            issuer: &r.issuer,
            serial: hex::encode(&r.serial),
        }
    }
}

#[derive(Serialize)]
struct HeldJson<'a> {
    file: &'a str,
    md5: &'a str,
    sha1: &'a str,
    signer: SignerJson<'a>,
    records: usize,
}

impl<'a> HeldJson<'a> {
    fn of(h: &'a HeldList) -> Self {
        HeldJson {
            file: &h.file,
            md5: &h.fingerprints.md5,
            sha1: &h.fingerprints.sha1,
            signer: SignerJson::of(&h.signer),
            records: h.records,
        }
    }
}

#[derive(Serialize)]
struct TrustJson<'a> {
    ctl: Option<HeldJson<'a>>,
    itl: Option<HeldJson<'a>>,
}

impl<'a> TrustJson<'a> {
    fn of(t: &'a TrustState) -> Self {
        TrustJson {
            ctl: t.ctl.as_ref().map(HeldJson::of),
            itl: t.itl.as_ref().map(HeldJson::of),
        }
    }
}

#[derive(Serialize)]
struct DecidingJson<'a> {
    #[serde(rename = "in")]
    source: &'static str,
    file: &'a str,
    record: RecordJson<'a>,
}

#[derive(Serialize)]
struct StepJson<'a> {
    stage: &'static str,
    file: &'a str,
    fallback_for: Option<&'a str>,
    found: bool,
    size: Option<usize>,
    md5: Option<&'a str>,
    sha1: Option<&'a str>,
    signer: Option<SignerJson<'a>>,
    decision: &'static str,
    signer_record: Option<usize>,
    deciding_record: Option<DecidingJson<'a>>,
    reason: Option<String>,
    reason_code: Option<&'static str>,
    trust_after: TrustJson<'a>,
}

impl<'a> StepJson<'a> {
    fn of(s: &'a Step) -> Self {
        StepJson {
            stage: s.stage.as_str(),
            file: &s.file,
            fallback_for: s.fallback_for.as_deref(),
            found: s.found,
            size: s.size,
            md5: s.fingerprints.as_ref().map(|f| f.md5.as_str()),
            sha1: s.fingerprints.as_ref().map(|f| f.sha1.as_str()),
            signer: s.signer.as_ref().map(SignerJson::of),
            decision: s.decision.as_str(),
            signer_record: s.by.as_ref().map(|d| d.record.index),
            deciding_record: s.by.as_ref().map(|d| DecidingJson {
                source: source_code(d.source),
                file: &d.file,
                record: RecordJson::of(&d.record),
            }),
            reason: step_reason(s),
            reason_code: s.reason.as_ref().map(words::reason_code),
            trust_after: TrustJson::of(&s.trust_after),
        }
    }
}

/// The `phone --format json` document (schema in docs/JSON.md).
#[derive(Serialize)]
pub struct ReplayJson<'a> {
    schema: u32,
    mac: String,
    device: String,
    server: &'a str,
    before: TrustJson<'a>,
    result: &'static str,
    broken_at: Option<&'a str>,
    reason: Option<String>,
    reason_code: Option<&'static str>,
    steps: Vec<StepJson<'a>>,
    remedies: Vec<String>,
    remedy_codes: Vec<&'static str>,
}

/// The `phone --format json` document of a replay (schema in docs/JSON.md).
pub fn replay_json<'a>(r: &'a Replay, source: &'a str) -> ReplayJson<'a> {
    let (result, broken_at, reason, reason_code, remedies, remedy_codes) = match &r.outcome {
        Outcome::Broken(b) => (
            "broken",
            Some(b.file.as_str()),
            Some(words::reason_text(
                &b.reason,
                r.steps.get(b.step).and_then(|s| stage_kind(s.stage)),
            )),
            Some(words::reason_code(&b.reason)),
            b.remedies.iter().map(words::remedy_text).collect(),
            b.remedies.iter().map(words::remedy_code).collect(),
        ),
        _ => ("trusted", None, None, None, Vec::new(), Vec::new()),
    };
    ReplayJson {
        schema: SCHEMA_VERSION,
        mac: r.mac.to_string(),
        device: format!("SEP{}", r.mac),
        server: source,
        before: TrustJson::of(&r.before),
        result,
        broken_at,
        reason,
        reason_code,
        steps: r.steps.iter().map(StepJson::of).collect(),
        remedies,
        remedy_codes,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn server_urls() {
        assert_eq!(
            parse_server_url("tftp://10.0.0.1").unwrap(),
            ("10.0.0.1".to_owned(), 69)
        );
        assert_eq!(
            parse_server_url("TFTP://cucm.lab:6969/").unwrap(),
            ("cucm.lab".to_owned(), 6969)
        );
        for bad in ["cucm.lab", "tftp://", "tftp://h/ITLFile.tlv", "tftp://h:0"] {
            assert!(parse_server_url(bad).is_err(), "{bad}");
        }
    }
}
