//! `itltool audit PHONES.csv --history DIR... [--server FILE|tftp://HOST[:PORT]]
//! [--next FILE] [--format text|json|csv] [-o OUT]`: which trust list each phone
//! holds, whether it is the server's, and whether the phone will accept the
//! server's and the next file.
//!
//! This module reads the arguments' files, fetches over TFTP and prints; the
//! audit itself is [`itl_core::audit`].

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use itl_core::{
    AuditInput, AuditReport, AuditVerdict, CsvError, FileId, FileKind, FileSet, Held, Judgement,
    PhoneList, Served, Target, UnknownReason,
};
use serde::Serialize;

use crate::input::{self, InputError};
use crate::tftp::{self, TftpError, TftpUrl};
use crate::words;
use crate::{EXIT_FAIL, EXIT_OK};

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A table for people, worst first, and a summary.
    Text,
    /// One JSON document (docs/JSON.md).
    Json,
    /// The input's columns and the audit's.
    Csv,
}

/// What `audit` was asked.
#[derive(Clone, Debug)]
pub struct AuditArgs {
    /// The inventory.
    pub phones: PathBuf,
    /// Directories (or files) of trust lists the cluster has served.
    pub history: Vec<PathBuf>,
    /// Server files (one per kind), or one `tftp://HOST[:PORT]`.
    pub server: Vec<String>,
    /// Next files (one per kind).
    pub next: Vec<PathBuf>,
    /// Output format.
    pub format: Format,
    /// Write here instead of standard output.
    pub output: Option<PathBuf>,
    /// Replace `output` if it exists.
    pub force: bool,
    /// TFTP timeout.
    pub timeout: Duration,
    /// Allow a progress bar on standard error (it is a terminal).
    pub progress: bool,
}

/// Why `audit` could not run (exit 2). Each message is one line.
#[derive(Debug)]
#[non_exhaustive]
pub enum AuditError {
    /// A file could not be read, or a trust list is malformed.
    Input(InputError),
    /// The inventory cannot be read.
    Csv {
        /// The file.
        path: PathBuf,
        /// Why.
        error: CsvError,
    },
    /// A history directory holds no trust list at all.
    EmptyHistory(PathBuf),
    /// Two server (or next) files of the same kind.
    TwoOfAKind {
        /// `--server` or `--next`.
        option: &'static str,
        /// ITL or CTL.
        kind: &'static str,
    },
    /// `--server tftp://HOST` given with other `--server` values.
    MixedServer,
    /// A TFTP transfer failed (other than "File not found").
    Tftp {
        /// The URL.
        url: String,
        /// Why.
        error: TftpError,
    },
    /// The output file exists, or is one of the inputs.
    Output(crate::fetch::FetchError),
    /// The output is one of the inputs.
    OutputIsInput(PathBuf),
    /// Writing to standard output failed.
    Stdout(io::Error),
}

impl fmt::Display for AuditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Input(e) => write!(f, "{e}"),
            Self::Csv { path, error } => write!(f, "{}: {error}", path.display()),
            Self::EmptyHistory(p) => write!(
                f,
                "{}: no ITL/CTL file (*.tlv) found in this history directory",
                p.display()
            ),
            Self::TwoOfAKind { option, kind } => write!(
                f,
                "{option} given two {kind} files; give at most one ITL and one CTL"
            ),
            Self::MixedServer => write!(
                f,
                "--server tftp://HOST[:PORT] fetches every phone's files; it cannot be combined with other --server values"
            ),
            Self::Tftp { url, error } => write!(f, "{url}: {error}"),
            Self::Output(e) => write!(f, "{e}"),
            Self::OutputIsInput(p) => write!(
                f,
                "{}: is one of the inputs; not overwritten (choose another -o)",
                p.display()
            ),
            Self::Stdout(e) => write!(f, "standard output: {e}"),
        }
    }
}

impl std::error::Error for AuditError {}

impl From<InputError> for AuditError {
    fn from(e: InputError) -> Self {
        Self::Input(e)
    }
}

/// Where the server's files come from.
enum ServerSource {
    None,
    Files(Vec<String>),
    Tftp { host: String, port: u16 },
}

/// `tftp://HOST[:PORT]` with no file name (or only `/`): fetch per phone.
fn tftp_host(arg: &str) -> Option<Result<(String, u16), TftpError>> {
    if !tftp::is_tftp_url(arg) {
        return None;
    }
    let rest = arg.get(7..)?;
    let authority = match rest.split_once('/') {
        None => rest,
        Some((a, "")) => a,
        Some(_) => return None,
    };
    Some(tftp::parse_host_port(authority))
}

/// Everything the audit needs, loaded.
struct Loaded {
    list: PhoneList,
    files: FileSet,
    history: Vec<FileId>,
    skipped_history: Vec<String>,
    server: Served,
    next: Served,
    server_desc: Option<String>,
}

fn kind_name(k: FileKind) -> &'static str {
    match k {
        FileKind::Ctl => "CTL",
        _ => "ITL",
    }
}

/// Adds the files given to `--server` or `--next`, one per kind.
fn by_kind(
    files: &mut FileSet,
    given: &[String],
    option: &'static str,
) -> Result<Served, AuditError> {
    if given.is_empty() {
        return Ok(Served::None);
    }
    let (mut itl, mut ctl) = (None, None);
    for arg in given {
        let path = Path::new(arg);
        let bytes = input::read_source(path)?;
        // Parse first for a clear error naming the file.
        input::parse(path, &bytes)?;
        let id = files
            .add(arg.clone(), &bytes)
            .map_err(|error| InputError::Parse {
                path: path.to_owned(),
                error,
                hint: None,
            })?;
        let kind = files.get(id).kind();
        let slot = if kind == FileKind::Ctl {
            &mut ctl
        } else {
            &mut itl
        };
        if slot.is_some() {
            return Err(AuditError::TwoOfAKind {
                option,
                kind: kind_name(kind),
            });
        }
        *slot = Some(id);
    }
    Ok(Served::ByKind { itl, ctl })
}

fn load(args: &AuditArgs, err: &mut dyn Write) -> Result<Loaded, AuditError> {
    let csv = input_bytes(&args.phones)?;
    let list = PhoneList::parse(&csv).map_err(|error| AuditError::Csv {
        path: args.phones.clone(),
        error,
    })?;
    for b in &list.bad_lines {
        let lines = if b.end_line > b.line {
            format!("lines {}-{}", b.line, b.end_line)
        } else {
            format!("line {}", b.line)
        };
        let _ = writeln!(
            err,
            "warning: {}: {lines}: {} (skipped)",
            args.phones.display(),
            b.problem
        );
    }

    // Served files first, so that they are named as given.
    let mut files = FileSet::new();
    let source = if args.server.is_empty() {
        ServerSource::None
    } else if let Some(host) = args.server.iter().find_map(|s| tftp_host(s)) {
        if args.server.len() > 1 {
            return Err(AuditError::MixedServer);
        }
        let (host, port) = host.map_err(|error| AuditError::Tftp {
            url: args.server[0].clone(),
            error,
        })?;
        ServerSource::Tftp { host, port }
    } else {
        ServerSource::Files(args.server.clone())
    };
    let next: Vec<String> = args.next.iter().map(|p| p.display().to_string()).collect();
    let next = by_kind(&mut files, &next, "--next")?;
    let (server, server_desc) = match source {
        ServerSource::None => (Served::None, None),
        ServerSource::Files(given) => (by_kind(&mut files, &given, "--server")?, None),
        ServerSource::Tftp { host, port } => {
            let served = fetch_all(&host, port, &list, &mut files, args)?;
            (served, Some(args.server[0].clone()))
        }
    };
    let mut history = Vec::new();
    let mut skipped_history = Vec::new();
    for dir in &args.history {
        let meta = std::fs::metadata(dir).map_err(|source| InputError::Io {
            path: dir.clone(),
            source,
        })?;
        let mut found = 0;
        for p in crate::bulk::expand(std::slice::from_ref(dir), true) {
            let p = p?;
            let bytes = input::read_file(&p)?;
            found += 1;
            match files.add(p.display().to_string(), &bytes) {
                Ok(id) => {
                    if !history.contains(&id) {
                        history.push(id);
                    }
                }
                Err(e) => {
                    let _ = writeln!(
                        err,
                        "warning: {}: not an ITL/CTL file, skipped: {e}",
                        p.display()
                    );
                    skipped_history.push(p.display().to_string());
                }
            }
        }
        if meta.is_dir() && found == 0 {
            return Err(AuditError::EmptyHistory(dir.clone()));
        }
    }

    Ok(Loaded {
        list,
        files,
        history,
        skipped_history,
        server,
        next,
        server_desc,
    })
}

fn input_bytes(path: &Path) -> Result<Vec<u8>, AuditError> {
    let io = |source| InputError::Io {
        path: path.to_owned(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(InputError::Directory(path.to_owned()).into());
    }
    Ok(std::fs::read(path).map_err(io)?)
}

/// How many transfers run at once when fetching per phone.
const FETCH_THREADS: usize = 8;

/// Fetches what each phone fetches: `ITLSEP<MAC>.tlv` (`CTLSEP<MAC>.tlv` for a
/// CTL), and when the server has no such file, `ITLFile.tlv` (`CTLFile.tlv`),
/// fetched once. Each distinct file is parsed once.
fn fetch_all(
    host: &str,
    port: u16,
    list: &PhoneList,
    files: &mut FileSet,
    args: &AuditArgs,
) -> Result<Served, AuditError> {
    let url = |name: &str| {
        TftpUrl {
            host: host.to_owned(),
            port,
            name: name.to_owned(),
        }
        .to_string()
    };
    let addr: SocketAddr = tftp::resolve(host, port).map_err(|error| AuditError::Tftp {
        url: format!("tftp://{host}:{port}"),
        error,
    })?;
    let options = tftp::Options {
        timeout: args.timeout,
        ..tftp::Options::default()
    };
    let bar = if args.progress {
        let bar = ProgressBar::with_draw_target(
            Some(list.phones.len() as u64),
            ProgressDrawTarget::stderr(),
        );
        if let Ok(style) = ProgressStyle::with_template(
            "fetching {pos}/{len} phones [{bar:30}] {elapsed} elapsed, ETA {eta}",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar
    } else {
        ProgressBar::hidden()
    };

    /// What a phone gets: its own file, or the shared one of its kind.
    enum Got {
        Own(String, Vec<u8>),
        Shared(&'static str),
    }
    // The shared files, each fetched once, by the first phone that needs it.
    let shared: Mutex<HashMap<&'static str, Option<Vec<u8>>>> = Mutex::new(HashMap::new());
    let fetch_one = |name: &str| -> Result<Option<Vec<u8>>, AuditError> {
        match tftp::download(addr, name, &options) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(error) => Err(AuditError::Tftp {
                url: url(name),
                error,
            }),
        }
    };
    let per_phone = |i: usize| -> Result<Option<Got>, AuditError> {
        let phone = &list.phones[i];
        let (own, fallback) = match phone.kind {
            FileKind::Ctl => ("CTLSEP", "CTLFile.tlv"),
            _ => ("ITLSEP", "ITLFile.tlv"),
        };
        let name = format!("{own}{}.tlv", phone.mac);
        if let Some(bytes) = fetch_one(&name)? {
            return Ok(Some(Got::Own(url(&name), bytes)));
        }
        // The lock is held during the one transfer of the shared file.
        let mut cache = shared
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let found = match cache.get(fallback) {
            Some(f) => f.is_some(),
            None => {
                let got = fetch_one(fallback)?;
                let found = got.is_some();
                cache.insert(fallback, got);
                found
            }
        };
        Ok(found.then_some(Got::Shared(fallback)))
    };

    let n = list.phones.len();
    type Slot = Mutex<Option<Result<Option<Got>, AuditError>>>;
    let results: Vec<Slot> = (0..n).map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    std::thread::scope(|s| {
        for _ in 0..FETCH_THREADS.min(n.max(1)) {
            s.spawn(|| {
                while !failed.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        return;
                    }
                    let r = per_phone(i);
                    if r.is_err() {
                        failed.store(true, Ordering::Relaxed);
                    }
                    *results[i]
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(r);
                    bar.inc(1);
                }
            });
        }
    });
    bar.finish_and_clear();

    let results: Vec<Option<Result<Option<Got>, AuditError>>> = results
        .into_iter()
        .map(|m| {
            m.into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        })
        .collect();
    // A failed transfer stops the audit (the first one in phone order).
    let mut results = results;
    if let Some(i) = results.iter().position(|r| matches!(r, Some(Err(_))))
        && let Some(Err(e)) = results.swap_remove(i)
    {
        return Err(e);
    }
    let mut shared_ids: HashMap<&'static str, FileId> = HashMap::new();
    for (name, bytes) in shared
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
    {
        if let Some(bytes) = bytes {
            shared_ids.insert(name, add_fetched(files, &url(name), &bytes)?);
        }
    }
    let mut served = Vec::with_capacity(n);
    for r in results {
        served.push(match r {
            Some(Ok(Some(Got::Own(name, bytes)))) => Some(add_fetched(files, &name, &bytes)?),
            Some(Ok(Some(Got::Shared(name)))) => shared_ids.get(name).copied(),
            _ => None,
        });
    }
    Ok(Served::PerPhone(served))
}

fn add_fetched(files: &mut FileSet, name: &str, bytes: &[u8]) -> Result<FileId, AuditError> {
    files.add(name, bytes).map_err(|error| {
        AuditError::Input(InputError::Parse {
            path: PathBuf::from(name),
            hint: input::sniff(bytes, &error),
            error,
        })
    })
}

/// Whether `out` names one of the inputs (same file after resolving links).
fn output_is_input(out: &Path, args: &AuditArgs, loaded: &Loaded) -> bool {
    let Ok(target) = out.canonicalize() else {
        return false;
    };
    let same = |p: &Path| p.canonicalize().is_ok_and(|c| c == target);
    same(&args.phones)
        || args.next.iter().any(|p| same(p))
        || args.server.iter().any(|p| same(Path::new(p)))
        || loaded
            .files
            .files()
            .iter()
            .flat_map(|f| f.names())
            .any(|n| same(Path::new(n)))
}

/// Runs `itltool audit`; returns the exit code (0 no phone rejects, 1 some do).
pub fn run(args: &AuditArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<i32, AuditError> {
    let loaded = load(args, err)?;
    let report = itl_core::audit(&AuditInput {
        phones: &loaded.list,
        files: &loaded.files,
        server: &loaded.server,
        next: &loaded.next,
    });
    let view = View {
        args,
        loaded: &loaded,
        report: &report,
    };
    let mut buf = Vec::new();
    match args.format {
        Format::Text => view.text(&mut buf),
        Format::Json => view.json(&mut buf),
        Format::Csv => view.csv(&mut buf),
    }
    .map_err(AuditError::Stdout)?;
    match &args.output {
        None => out.write_all(&buf).map_err(AuditError::Stdout)?,
        Some(path) if path == Path::new("-") => {
            out.write_all(&buf).map_err(AuditError::Stdout)?;
        }
        Some(path) => {
            if output_is_input(path, args, &loaded) {
                return Err(AuditError::OutputIsInput(path.clone()));
            }
            crate::fetch::write_new_file(path, &buf, args.force).map_err(AuditError::Output)?;
        }
    }
    Ok(if report.any_rejected() {
        EXIT_FAIL
    } else {
        EXIT_OK
    })
}

/// The report with what is needed to print it.
struct View<'a> {
    args: &'a AuditArgs,
    loaded: &'a Loaded,
    report: &'a AuditReport,
}

fn reason_str(r: UnknownReason) -> &'static str {
    match r {
        UnknownReason::UnknownHash => "unknown-hash",
        UnknownReason::NoServedFile => "no-served-file",
        UnknownReason::KindMismatch => "kind-mismatch",
        _ => "unknown",
    }
}

fn reason_of(v: AuditVerdict) -> Option<&'static str> {
    match v {
        AuditVerdict::Unknown(r) => Some(reason_str(r)),
        _ => None,
    }
}

fn hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

impl View<'_> {
    fn files(&self) -> &FileSet {
        &self.loaded.files
    }

    /// `history`, `server`, `next`: where a file came from.
    fn roles(&self, id: FileId) -> Vec<&'static str> {
        let l = self.loaded;
        let mut r = Vec::new();
        if l.history.contains(&id) {
            r.push("history");
        }
        let served = |s: &Served| match s {
            Served::ByKind { itl, ctl } => *itl == Some(id) || *ctl == Some(id),
            Served::PerPhone(v) => v.contains(&Some(id)),
            _ => false,
        };
        if served(&l.server) {
            r.push("server");
        }
        if served(&l.next) {
            r.push("next");
        }
        r
    }

    fn held_name(&self, h: Held) -> String {
        match h {
            Held::File(id) => self.files().get(id).name().to_owned(),
            Held::UnknownHash => "unknown-hash".to_owned(),
        }
    }

    fn file_name(&self, f: Option<FileId>) -> String {
        f.map_or_else(
            || "-".to_owned(),
            |id| self.files().get(id).name().to_owned(),
        )
    }

    /// The remedies of a group's trust decision, one line each (worded by
    /// [`crate::words`], as `compare` and `phone` word them).
    fn remedies(&self, g: &itl_core::AuditGroup) -> Vec<String> {
        g.decision
            .as_ref()
            .map(|d| d.remedies.iter().map(words::remedy_text).collect())
            .unwrap_or_default()
    }

    /// What to do about a group, in one line, for verdicts without a decision.
    fn advice(&self, g: &itl_core::AuditGroup) -> Option<String> {
        let kind = kind_name(g.kind);
        match g.verdict {
            AuditVerdict::Unknown(UnknownReason::UnknownHash) => Some(format!(
                "Add the {kind} these phones hold to --history (from a backup, or `itltool fetch` while they still get it), or check the hash read off the phone."
            )),
            AuditVerdict::Unknown(UnknownReason::NoServedFile) => Some(format!(
                "No {kind} is served to these phones{}: give it with --{}.",
                if g.target == Target::Server {
                    " (not on the server, or --server not given for this kind)"
                } else {
                    ""
                },
                g.target.as_str()
            )),
            AuditVerdict::Unknown(UnknownReason::KindMismatch) => Some(format!(
                "The file these phones hold, or the one served to them, is not a {kind}: check the kind column."
            )),
            _ => None,
        }
    }

    fn text(&self, out: &mut dyn Write) -> io::Result<()> {
        let l = self.loaded;
        let sm = &self.report.summary;
        writeln!(
            out,
            "Phones   {} from {} ({} line{} skipped)",
            sm.phones,
            self.args.phones.display(),
            sm.bad_lines,
            if sm.bad_lines == 1 { "" } else { "s" }
        )?;
        writeln!(
            out,
            "History  {} distinct file{} from {}{}",
            l.history.len(),
            if l.history.len() == 1 { "" } else { "s" },
            self.args
                .history
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            if l.skipped_history.is_empty() {
                String::new()
            } else {
                format!(" ({} not ITL/CTL, skipped)", l.skipped_history.len())
            }
        )?;
        self.served_line(out, "Server", &l.server, l.server_desc.as_deref())?;
        self.served_line(out, "Next", &l.next, None)?;
        writeln!(out)?;

        let rows: Vec<[String; 7]> = self
            .report
            .rows
            .iter()
            .map(|r| {
                let p = &l.list.phones[r.phone];
                let v = |j: Option<Judgement>| j.map_or("-".to_owned(), |j| j.verdict.to_string());
                [
                    p.mac.to_string(),
                    kind_name(p.kind).to_owned(),
                    crate::text::printable(&self.held_name(r.held)).into_owned(),
                    r.status.as_str().to_owned(),
                    v(r.server),
                    v(r.next),
                    p.line.to_string(),
                ]
            })
            .collect();
        let header = ["MAC", "KIND", "HOLDS", "STATUS", "SERVER", "NEXT", "LINE"];
        let mut width = header.map(str::len);
        for r in &rows {
            for (w, c) in width.iter_mut().zip(r) {
                *w = (*w).max(c.chars().count());
            }
        }
        let line = |out: &mut dyn Write, cells: &[&str]| -> io::Result<()> {
            let mut s = String::new();
            for (i, c) in cells.iter().enumerate() {
                if i + 1 == cells.len() {
                    s.push_str(c);
                } else {
                    s.push_str(&format!("{c:<w$}  ", w = width[i]));
                }
            }
            writeln!(out, "{}", s.trim_end())
        };
        line(out, &header)?;
        for r in &rows {
            line(out, &r.iter().map(String::as_str).collect::<Vec<_>>())?;
        }

        writeln!(out)?;
        writeln!(out, "Held files")?;
        for (h, n) in &sm.held {
            let what = match h {
                Held::File(id) => {
                    let f = self.files().get(*id);
                    let roles = self.roles(*id);
                    format!(
                        "{}  {} MD5 {}{}{}",
                        crate::text::printable(f.name()),
                        kind_name(f.kind()),
                        hex(f.md5()),
                        if roles.is_empty() {
                            String::new()
                        } else {
                            format!("  ({})", roles.join(", "))
                        },
                        if f.signature_valid() {
                            ""
                        } else {
                            "  (signature does not verify)"
                        }
                    )
                }
                Held::UnknownHash => "unknown-hash (matches no known file)".to_owned(),
            };
            writeln!(out, "  {n:>6}  {what}")?;
        }
        let counts = |v: &[(AuditVerdict, usize)]| {
            let mut merged: Vec<(&str, usize)> = Vec::new();
            for (verdict, n) in v {
                match merged.iter_mut().find(|(s, _)| *s == verdict.as_str()) {
                    Some(m) => m.1 += n,
                    None => merged.push((verdict.as_str(), *n)),
                }
            }
            merged
                .iter()
                .map(|(s, n)| format!("{s} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        writeln!(
            out,
            "Status   {}",
            sm.status
                .iter()
                .map(|(s, n)| format!("{} {n}", s.as_str()))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
        if !sm.server_verdicts.is_empty() {
            writeln!(out, "Server   {}", counts(&sm.server_verdicts))?;
        }
        if !sm.next_verdicts.is_empty() {
            writeln!(out, "Next     {}", counts(&sm.next_verdicts))?;
        }
        if !sm.groups.is_empty() {
            writeln!(out)?;
            writeln!(
                out,
                "Groups (phones holding the same file, getting the same file)"
            )?;
        }
        for g in &sm.groups {
            writeln!(
                out,
                "  {:<6}  {:<15}  {:>6} phone{} holding {} ({}), getting {}",
                g.target.as_str(),
                g.verdict.as_str(),
                g.phones,
                if g.phones == 1 { " " } else { "s" },
                crate::text::printable(&self.held_name(g.held)),
                kind_name(g.kind),
                crate::text::printable(&self.file_name(g.file)),
            )?;
            if let AuditVerdict::Unknown(r) = g.verdict {
                writeln!(out, "          why: {}", reason_str(r))?;
            }
            for r in self.remedies(g) {
                writeln!(out, "          remedy: {r}")?;
            }
            if let Some(a) = self.advice(g) {
                writeln!(out, "          remedy: {a}")?;
            }
        }
        Ok(())
    }

    fn served_line(
        &self,
        out: &mut dyn Write,
        label: &str,
        served: &Served,
        desc: Option<&str>,
    ) -> io::Result<()> {
        let text = match served {
            Served::ByKind { itl, ctl } => [itl, ctl]
                .into_iter()
                .flatten()
                .map(|id| {
                    let f = self.files().get(*id);
                    format!(
                        "{} ({} MD5 {})",
                        crate::text::printable(f.name()),
                        kind_name(f.kind()),
                        hex(f.md5())
                    )
                })
                .collect::<Vec<_>>()
                .join(", "),
            Served::PerPhone(v) => {
                let mut distinct: Vec<FileId> = v.iter().flatten().copied().collect();
                distinct.sort();
                distinct.dedup();
                let missing = v.iter().filter(|x| x.is_none()).count();
                format!(
                    "{}: {} distinct file{} for {} phones{}",
                    desc.unwrap_or("tftp"),
                    distinct.len(),
                    if distinct.len() == 1 { "" } else { "s" },
                    v.len(),
                    if missing > 0 {
                        format!(", none for {missing}")
                    } else {
                        String::new()
                    }
                )
            }
            _ => "-".to_owned(),
        };
        writeln!(out, "{label:<8} {text}")
    }

    fn csv(&self, out: &mut dyn Write) -> io::Result<()> {
        let l = self.loaded;
        let added = [
            "held_file",
            "held_md5",
            "status",
            "server_file",
            "server_verdict",
            "server_reason",
            "next_file",
            "next_verdict",
            "next_reason",
        ];
        let clash = added.iter().any(|a| {
            l.list
                .columns
                .iter()
                .any(|c| c.trim().eq_ignore_ascii_case(a))
        });
        let prefix = if clash { "audit_" } else { "" };
        let mut header: Vec<String> = l.list.columns.clone();
        header.extend(added.iter().map(|a| format!("{prefix}{a}")));
        itl_core::write_csv_record(out, &header)?;
        for r in &self.report.rows {
            let p = &l.list.phones[r.phone];
            let mut fields = p.fields.clone();
            let (held, md5) = match r.held {
                Held::File(id) => {
                    let f = self.files().get(id);
                    (f.name().to_owned(), hex(f.md5()))
                }
                Held::UnknownHash => ("unknown-hash".to_owned(), String::new()),
            };
            fields.push(held);
            fields.push(md5);
            fields.push(r.status.as_str().to_owned());
            for j in [r.server, r.next] {
                match j {
                    None => fields.extend([String::new(), String::new(), String::new()]),
                    Some(j) => {
                        fields.push(
                            j.file.map_or_else(String::new, |id| {
                                self.files().get(id).name().to_owned()
                            }),
                        );
                        fields.push(j.verdict.as_str().to_owned());
                        fields.push(reason_of(j.verdict).unwrap_or_default().to_owned());
                    }
                }
            }
            itl_core::write_csv_record(out, &fields)?;
        }
        Ok(())
    }

    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        let l = self.loaded;
        let files = l.files.files();
        let roles = |id: FileId| self.roles(id);
        let judgement = |j: Option<Judgement>| {
            j.map(|j| JsonJudgement {
                file: j.file.map(FileId::index),
                verdict: j.verdict.as_str(),
                reason: reason_of(j.verdict),
                group: j.group,
            })
        };
        let held = |h: Held| match h {
            Held::File(id) => Some(id.index()),
            Held::UnknownHash => None,
        };
        let sm = &self.report.summary;
        let verdict_counts = |v: &[(AuditVerdict, usize)]| {
            v.iter()
                .map(|(verdict, n)| JsonVerdictCount {
                    verdict: verdict.as_str(),
                    reason: reason_of(*verdict),
                    phones: *n,
                })
                .collect()
        };
        let doc = JsonAudit {
            schema: 1,
            phones_file: self.args.phones.display().to_string(),
            columns: &l.list.columns,
            files: files
                .iter()
                .enumerate()
                .zip(l.files.ids())
                .map(|((i, f), id)| JsonFile {
                    id: i,
                    names: f.names(),
                    kind: kind_name(f.kind()),
                    md5: hex(f.md5()),
                    sha1: hex(f.sha1()),
                    timestamp: f.timestamp(),
                    signature_valid: f.signature_valid(),
                    roles: roles(id),
                })
                .collect(),
            skipped_history: &l.skipped_history,
            phones: self
                .report
                .rows
                .iter()
                .map(|r| {
                    let p = &l.list.phones[r.phone];
                    JsonPhone {
                        line: p.line,
                        mac: p.mac.to_string(),
                        kind: kind_name(p.kind),
                        hash: p.hash.to_string(),
                        hash_algorithm: p.hash.algorithm(),
                        fields: &p.fields,
                        held: held(r.held),
                        status: r.status.as_str(),
                        server: judgement(r.server),
                        next: judgement(r.next),
                    }
                })
                .collect(),
            bad_lines: l
                .list
                .bad_lines
                .iter()
                .map(|b| JsonBadLine {
                    line: b.line,
                    end_line: b.end_line,
                    problem: b.problem.to_string(),
                })
                .collect(),
            summary: JsonSummary {
                phones: sm.phones,
                bad_lines: sm.bad_lines,
                rejected: self.report.rows.iter().filter(|r| r.rank() == 0).count(),
                held: sm
                    .held
                    .iter()
                    .map(|(h, n)| JsonHeldCount {
                        file: held(*h),
                        phones: *n,
                    })
                    .collect(),
                status: sm
                    .status
                    .iter()
                    .map(|(s, n)| JsonStatusCount {
                        status: s.as_str(),
                        phones: *n,
                    })
                    .collect(),
                server_verdicts: verdict_counts(&sm.server_verdicts),
                next_verdicts: verdict_counts(&sm.next_verdicts),
                groups: sm
                    .groups
                    .iter()
                    .map(|g| JsonGroup {
                        target: g.target.as_str(),
                        held: held(g.held),
                        kind: kind_name(g.kind),
                        file: g.file.map(FileId::index),
                        verdict: g.verdict.as_str(),
                        reason: reason_of(g.verdict),
                        phones: g.phones,
                        remedies: self.remedies(g).into_iter().chain(self.advice(g)).collect(),
                    })
                    .collect(),
            },
        };
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        writeln!(out)
    }
}

#[derive(Serialize)]
struct JsonAudit<'a> {
    schema: u32,
    phones_file: String,
    columns: &'a [String],
    files: Vec<JsonFile<'a>>,
    skipped_history: &'a [String],
    phones: Vec<JsonPhone<'a>>,
    bad_lines: Vec<JsonBadLine>,
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    id: usize,
    names: &'a [String],
    kind: &'static str,
    md5: String,
    sha1: String,
    timestamp: Option<u32>,
    signature_valid: bool,
    roles: Vec<&'static str>,
}

#[derive(Serialize)]
struct JsonPhone<'a> {
    line: usize,
    mac: String,
    kind: &'static str,
    hash: String,
    hash_algorithm: &'static str,
    fields: &'a [String],
    held: Option<usize>,
    status: &'static str,
    server: Option<JsonJudgement>,
    next: Option<JsonJudgement>,
}

#[derive(Serialize)]
struct JsonJudgement {
    file: Option<usize>,
    verdict: &'static str,
    reason: Option<&'static str>,
    group: usize,
}

#[derive(Serialize)]
struct JsonBadLine {
    line: usize,
    end_line: usize,
    problem: String,
}

#[derive(Serialize)]
struct JsonSummary {
    phones: usize,
    bad_lines: usize,
    rejected: usize,
    held: Vec<JsonHeldCount>,
    status: Vec<JsonStatusCount>,
    server_verdicts: Vec<JsonVerdictCount>,
    next_verdicts: Vec<JsonVerdictCount>,
    groups: Vec<JsonGroup>,
}

#[derive(Serialize)]
struct JsonHeldCount {
    file: Option<usize>,
    phones: usize,
}

#[derive(Serialize)]
struct JsonStatusCount {
    status: &'static str,
    phones: usize,
}

#[derive(Serialize)]
struct JsonVerdictCount {
    verdict: &'static str,
    reason: Option<&'static str>,
    phones: usize,
}

#[derive(Serialize)]
struct JsonGroup {
    target: &'static str,
    held: Option<usize>,
    kind: &'static str,
    file: Option<usize>,
    verdict: &'static str,
    reason: Option<&'static str>,
    phones: usize,
    remedies: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tftp_host_forms() {
        assert_eq!(
            tftp_host("tftp://10.0.0.1").map(Result::ok),
            Some(Some(("10.0.0.1".to_owned(), 69)))
        );
        assert_eq!(
            tftp_host("tftp://cucm:6969/").map(Result::ok),
            Some(Some(("cucm".to_owned(), 6969)))
        );
        assert!(tftp_host("tftp://cucm/ITLFile.tlv").is_none());
        assert!(tftp_host("ITLFile.tlv").is_none());
        assert!(matches!(tftp_host("tftp://:99"), Some(Err(_))));
    }
}
