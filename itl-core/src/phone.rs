//! Replay of a phone's boot through the cluster's trust files: which files it asks
//! for, in which order, and whether it trusts each one.
//!
//! A phone asks the TFTP server for its CTL (`CTLSEP<MAC>.tlv`, else
//! `CTLFile.tlv`), then its ITL (`ITLSEP<MAC>.tlv`, else `ITLFile.tlv`), then its
//! configuration (`SEP<MAC>.cnf.xml.enc.sgn`, `SEP<MAC>.cnf.xml.sgn`,
//! `SEP<MAC>.cnf.xml`, and for a phone the cluster does not know
//! `XMLDefault.cnf.xml.sgn`, `XMLDefault.cnf.xml`). Each trust list it accepts
//! replaces what it trusts before the next file is checked. The rules
//! (FORMAT-NOTES, "How a phone decides to trust a new ITL/CTL"):
//!
//! 1. a phone with neither CTL nor ITL (or with a rollback ITL, whose records have
//!    no FUNCTION) trusts the first trust list it gets ([`Decision::FirstUse`]);
//! 2. a phone with a CTL but no ITL trusts an ITL only if it is signed by a
//!    CCM+TFTP entry of the CTL;
//! 3. otherwise a new file must be signed by a SAST, CCM+TFTP or TFTP entry of the
//!    phone's current CTL or ITL ([`Decision::TrustedSigner`], decided by the
//!    library's trust decision, [`decide`](crate::decide())), or else vouched for by the TVS
//!    server, whose certificate must match the TVS entry of the phone's current
//!    ITL ([`Decision::TrustedTvs`]); the TVS server's certificate is taken from
//!    the cluster's ITL;
//! 4. a configuration file must be signed by a TFTP or CCM+TFTP entry of what the
//!    phone trusts once its trust lists are read (or be vouched for by TVS); an
//!    unsigned configuration is refused by a phone that holds a trust list.
//!
//! [`replay`] reads files through a [`FileSource`] (a directory with
//! [`DirSource`], a TFTP client, or any closure
//! `FnMut(&str) -> Result<Option<Vec<u8>>, E>`), and returns typed [`Step`]s and an
//! [`Outcome`] with the decision module's [`Reason`]s and [`Remedy`]s; callers
//! word them.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::Mac;

use crate::decision::{
    self, DecidingRecord, Reason, RecordSource, Remedy, TrustedBy, TvsCheck, Verdict,
};
use crate::diff::{RecordSummary, SignerId, same_certificate};
use crate::error::ParseError;
use crate::fingerprint::Fingerprints;
use crate::keys::PublicKey;
use crate::record::Record;
use crate::role::Role;
use crate::signed::{SignedFile, SignedFileError, verify_signed_file};
use crate::trustlist::{FileKind, MAX_FILE_SIZE, TrustList};
use crate::verify::{self, verify_signature, verify_with_trust};

/// Where the replay reads the cluster's files: `Ok(Some(bytes))` for a file,
/// `Ok(None)` when the server has no such file (TFTP "File not found"), `Err`
/// when it cannot tell (server unreachable, directory unreadable), which stops
/// the replay.
///
/// Any `FnMut(&str) -> Result<Option<Vec<u8>>, E>` is a source.
pub trait FileSource {
    /// Why a file could not be read.
    type Error;
    /// The file `name` (as the phone asks for it), if the server has it.
    fn fetch(&mut self, name: &str) -> Result<Option<Vec<u8>>, Self::Error>;
}

impl<E, F: FnMut(&str) -> Result<Option<Vec<u8>>, E>> FileSource for F {
    type Error = E;
    fn fetch(&mut self, name: &str) -> Result<Option<Vec<u8>>, E> {
        self(name)
    }
}

/// A copy of the TFTP root in a directory (what `itltool fetch` saves, or CUCM's
/// files): a missing file is "not found".
#[derive(Clone, Debug)]
pub struct DirSource {
    dir: PathBuf,
}

/// A file of a [`DirSource`] that exists but cannot be read.
#[derive(Debug, Error)]
#[error("{}: {source}", path.display())]
pub struct DirSourceError {
    /// The file.
    pub path: PathBuf,
    /// What the system said (or why it was refused).
    pub source: std::io::Error,
}

impl DirSource {
    /// Reads files from `dir`, which must be a readable directory.
    pub fn new(dir: impl Into<PathBuf>) -> Result<Self, DirSourceError> {
        let dir = dir.into();
        match std::fs::read_dir(&dir) {
            Ok(_) => Ok(Self { dir }),
            Err(source) => Err(DirSourceError { path: dir, source }),
        }
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl FileSource for DirSource {
    type Error = DirSourceError;
    fn fetch(&mut self, name: &str) -> Result<Option<Vec<u8>>, DirSourceError> {
        let path = self.dir.join(name);
        let err = |source| DirSourceError {
            path: path.clone(),
            source,
        };
        let meta = match std::fs::metadata(&path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(err(e)),
        };
        if !meta.is_file() {
            return Err(err(std::io::Error::other("not a regular file")));
        }
        if meta.len() > MAX_FILE_SIZE as u64 {
            return Err(err(std::io::Error::other(format!(
                "{} bytes, more than the {MAX_FILE_SIZE} bytes a trust file may have",
                meta.len()
            ))));
        }
        std::fs::read(&path).map(Some).map_err(err)
    }
}

/// A trust list the phone holds before the replay (from the phone, or saved
/// from it earlier).
#[derive(Clone, Debug)]
pub struct HeldFile {
    /// A name for it in the report (its path, say).
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// What the phone holds when it boots. The default is a phone in its factory
/// state: no CTL, no ITL.
#[derive(Clone, Debug, Default)]
pub struct PhoneStart {
    /// The phone's ITL.
    pub itl: Option<HeldFile>,
    /// The phone's CTL.
    pub ctl: Option<HeldFile>,
}

/// Why the replay could not run (as opposed to a phone that would not trust the
/// cluster, which is an [`Outcome`]).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ReplayError<E> {
    /// A file the phone holds is malformed.
    #[error("{name}: {error}")]
    PhoneFile {
        /// Which of the phone's files.
        kind: FileKind,
        /// Its name.
        name: String,
        /// Why it does not parse.
        error: ParseError,
    },
    /// A file given as the phone's ITL is a CTL, or the other way round.
    #[error("{name}: given as the phone's {expected} but it is a {found}", expected = expected.as_str(), found = found.as_str())]
    PhoneFileKind {
        /// What it was given as.
        expected: FileKind,
        /// What it is (from its FILENAME and records).
        found: FileKind,
        /// Its name.
        name: String,
    },
    /// The source could not tell whether the server has a file.
    #[error("{name}: {error}")]
    Source {
        /// The file asked for.
        name: String,
        /// Why.
        error: E,
    },
}

/// Which part of the boot a step belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Stage {
    /// `CTLSEP<MAC>.tlv`, `CTLFile.tlv`.
    Ctl,
    /// `ITLSEP<MAC>.tlv`, `ITLFile.tlv`.
    Itl,
    /// `SEP<MAC>.cnf.xml…`, `XMLDefault.cnf.xml…`.
    Config,
}

impl Stage {
    /// `ctl`, `itl`, `config`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ctl => "ctl",
            Self::Itl => "itl",
            Self::Config => "config",
        }
    }
}

/// What the phone does with a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Decision {
    /// The phone held no trust list and trusts the first one it gets.
    FirstUse,
    /// Signed by an entry the phone trusts: accepted.
    TrustedSigner,
    /// The signer is unknown to the phone; the TVS server, whose certificate
    /// matches the TVS entry of the phone's ITL, vouches for it: accepted.
    TrustedTvs,
    /// The phone already holds this very file.
    Unchanged,
    /// Refused; see the step's [`Reason`].
    Rejected,
    /// The server has no such file; the phone asks for the next one.
    NotFound,
    /// A configuration file without signature: accepted by a phone that holds no
    /// trust list, refused (with a [`Reason`]) by one that does.
    Unsigned,
}

impl Decision {
    /// `first-use`, `trusted-signer`, `trusted-tvs`, `unchanged`, `rejected`,
    /// `not-found`, `unsigned`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FirstUse => "first-use",
            Self::TrustedSigner => "trusted-signer",
            Self::TrustedTvs => "trusted-tvs",
            Self::Unchanged => "unchanged",
            Self::Rejected => "rejected",
            Self::NotFound => "not-found",
            Self::Unsigned => "unsigned",
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A trust list the phone holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldList {
    /// Its name: as asked for from the server, or as given for the phone's own.
    pub file: String,
    /// Whole-file hashes (what the phone shows under Settings > Security).
    pub fingerprints: Fingerprints,
    /// Its signer.
    pub signer: SignerId,
    /// How many records it has.
    pub records: usize,
}

/// What the phone trusts at some point of the replay.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustState {
    /// Its CTL.
    pub ctl: Option<HeldList>,
    /// Its ITL.
    pub itl: Option<HeldList>,
}

/// One file the phone asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// CTL, ITL or configuration.
    pub stage: Stage,
    /// The name asked for.
    pub file: String,
    /// The file this one stands in for, when the phone asks for it because that
    /// one was not found (`CTLFile.tlv` for `CTLSEP<MAC>.tlv`).
    pub fallback_for: Option<String>,
    /// Whether the server has it.
    pub found: bool,
    /// Its size in bytes.
    pub size: Option<usize>,
    /// Its MD5, SHA-1 and SHA-256.
    pub fingerprints: Option<Fingerprints>,
    /// The signer its header names, if it has a header.
    pub signer: Option<SignerId>,
    /// What the phone does with it.
    pub decision: Decision,
    /// The record that decided.
    pub by: Option<DecidingRecord>,
    /// Why it was refused (for [`Decision::Rejected`], and [`Decision::Unsigned`]
    /// on a phone that holds a trust list).
    pub reason: Option<Reason>,
    /// What the phone trusts after this step.
    pub trust_after: TrustState,
}

/// Where the phone ends.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The phone trusts its trust lists and the configuration it registers with.
    Trusted,
    /// Trust breaks at a step.
    Broken(Box<Broken>),
}

/// Where and why trust breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Broken {
    /// Index (0-based) into [`Replay::steps`] of the first failing step.
    pub step: usize,
    /// That step's file.
    pub file: String,
    /// Why.
    pub reason: Reason,
    /// What can be done, most direct first.
    pub remedies: Vec<Remedy>,
}

/// A replayed boot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replay {
    /// The phone.
    pub mac: Mac,
    /// What it trusted before booting.
    pub before: TrustState,
    /// Every file it asked for, in order.
    pub steps: Vec<Step>,
    /// Where it ends.
    pub outcome: Outcome,
}

impl Replay {
    /// The failing step, if trust breaks.
    pub fn broken_step(&self) -> Option<&Step> {
        match &self.outcome {
            Outcome::Broken(b) => self.steps.get(b.step),
            Outcome::Trusted => None,
        }
    }
}

/// A trust list in the phone's memory.
struct Kept {
    name: String,
    tl: TrustList<'static>,
}

impl Kept {
    fn summary(&self) -> HeldList {
        HeldList {
            file: self.name.clone(),
            fingerprints: Fingerprints::of(self.tl.raw()),
            signer: SignerId::of(&self.tl),
            records: self.tl.records().len(),
        }
    }
}

#[derive(Default)]
struct Memory {
    ctl: Option<Kept>,
    itl: Option<Kept>,
}

impl Memory {
    fn state(&self) -> TrustState {
        TrustState {
            ctl: self.ctl.as_ref().map(Kept::summary),
            itl: self.itl.as_ref().map(Kept::summary),
        }
    }

    fn get(&self, kind: FileKind) -> Option<&Kept> {
        match kind {
            FileKind::Ctl => self.ctl.as_ref(),
            _ => self.itl.as_ref(),
        }
    }

    /// The ITL, unless it is a rollback ITL (no record has a FUNCTION), which
    /// the phone treats as no ITL.
    fn live_itl(&self) -> Option<&Kept> {
        self.itl
            .as_ref()
            .filter(|k| k.tl.records().iter().any(|r| r.function().is_some()))
    }

    fn kinds(&self) -> Vec<FileKind> {
        let mut v = Vec::new();
        if self.ctl.is_some() {
            v.push(FileKind::Ctl);
        }
        if self.itl.is_some() {
            v.push(FileKind::Itl);
        }
        v
    }
}

/// The source with every answer kept, so that a file read ahead (the cluster's
/// ITL, for its TVS certificate) is asked for once.
struct Cached<'s, S: FileSource> {
    source: &'s mut S,
    seen: HashMap<String, Option<Vec<u8>>>,
}

impl<S: FileSource> Cached<'_, S> {
    fn get(&mut self, name: &str) -> Result<Option<Vec<u8>>, ReplayError<S::Error>> {
        if let Some(v) = self.seen.get(name) {
            return Ok(v.clone());
        }
        let v = self
            .source
            .fetch(name)
            .map_err(|error| ReplayError::Source {
                name: name.to_owned(),
                error,
            })?;
        self.seen.insert(name.to_owned(), v.clone());
        Ok(v)
    }
}

/// What a checked file leads to.
struct Verdict2 {
    decision: Decision,
    by: Option<DecidingRecord>,
    reason: Option<Reason>,
}

impl Verdict2 {
    fn accept(decision: Decision, by: Option<DecidingRecord>) -> Self {
        Self {
            decision,
            by,
            reason: None,
        }
    }
    fn reject(reason: Reason) -> Self {
        Self {
            decision: Decision::Rejected,
            by: None,
            reason: Some(reason),
        }
    }
}

fn trust_names(stage: Stage, mac: &Mac) -> [String; 2] {
    match stage {
        Stage::Ctl => [format!("CTLSEP{mac}.tlv"), "CTLFile.tlv".to_owned()],
        _ => [format!("ITLSEP{mac}.tlv"), "ITLFile.tlv".to_owned()],
    }
}

fn config_names(mac: &Mac) -> [String; 5] {
    [
        format!("SEP{mac}.cnf.xml.enc.sgn"),
        format!("SEP{mac}.cnf.xml.sgn"),
        format!("SEP{mac}.cnf.xml"),
        "XMLDefault.cnf.xml.sgn".to_owned(),
        "XMLDefault.cnf.xml".to_owned(),
    ]
}

/// The file each name stands in for (the first name of its group).
fn fallback_for(names: &[String], i: usize) -> Option<String> {
    (i > 0).then(|| names[0].clone())
}

fn load_held<E>(held: Option<HeldFile>, kind: FileKind) -> Result<Option<Kept>, ReplayError<E>> {
    let Some(h) = held else { return Ok(None) };
    let tl = match TrustList::parse(&h.bytes) {
        Ok(tl) => tl.into_owned(),
        Err(error) => {
            return Err(ReplayError::PhoneFile {
                kind,
                name: h.name,
                error,
            });
        }
    };
    if tl.kind() != kind {
        return Err(ReplayError::PhoneFileKind {
            expected: kind,
            found: tl.kind(),
            name: h.name,
        });
    }
    Ok(Some(Kept { name: h.name, tl }))
}

/// Replays the boot of the phone `mac`, which holds `start`, against the files
/// `source` serves. Errors only when the phone's own files are malformed or the
/// source cannot tell whether a file exists; a phone that would not trust the
/// cluster is an [`Outcome::Broken`].
pub fn replay<S: FileSource>(
    mac: &Mac,
    start: PhoneStart,
    source: &mut S,
) -> Result<Replay, ReplayError<S::Error>> {
    let mut mem = Memory {
        ctl: load_held(start.ctl, FileKind::Ctl)?,
        itl: load_held(start.itl, FileKind::Itl)?,
    };
    let before = mem.state();
    let mut src = Cached {
        source,
        seen: HashMap::new(),
    };
    let mut steps = Vec::new();

    for stage in [Stage::Ctl, Stage::Itl] {
        let kind = if stage == Stage::Ctl {
            FileKind::Ctl
        } else {
            FileKind::Itl
        };
        let names = trust_names(stage, mac);
        for (i, name) in names.iter().enumerate() {
            let Some(bytes) = src.get(name)? else {
                steps.push(not_found(stage, name, fallback_for(&names, i), &mem));
                continue;
            };
            let cluster_itl = if stage == Stage::Ctl {
                cluster_itl(&mut src, mac)?
            } else {
                Some(bytes.clone())
            };
            let v = check_trust_list(&bytes, kind, &mem, cluster_itl.as_deref());
            let fp = Fingerprints::of(&bytes);
            let parsed = TrustList::parse(&bytes).ok().map(TrustList::into_owned);
            let signer = parsed.as_ref().map(SignerId::of);
            let accepted = matches!(
                v.decision,
                Decision::FirstUse | Decision::TrustedSigner | Decision::TrustedTvs
            );
            if let (true, Some(tl)) = (accepted, parsed) {
                let kept = Some(Kept {
                    name: name.clone(),
                    tl,
                });
                match kind {
                    FileKind::Ctl => mem.ctl = kept,
                    _ => mem.itl = kept,
                }
            }
            let rejected = v.decision == Decision::Rejected;
            steps.push(Step {
                stage,
                file: name.clone(),
                fallback_for: fallback_for(&names, i),
                found: true,
                size: Some(bytes.len()),
                fingerprints: Some(fp),
                signer,
                decision: v.decision,
                by: v.by,
                reason: v.reason.clone(),
                trust_after: mem.state(),
            });
            if rejected {
                let reason = v.reason.unwrap_or(Reason::NoConfig);
                let remedies = trust_list_remedies(&reason, kind, name, &mem, &bytes);
                return Ok(finish(mac, before, steps, reason, remedies));
            }
            break;
        }
    }

    // Configuration.
    let names = config_names(mac);
    for (i, name) in names.iter().enumerate() {
        let Some(bytes) = src.get(name)? else {
            steps.push(not_found(
                Stage::Config,
                name,
                fallback_for(&names, i),
                &mem,
            ));
            continue;
        };
        let signed = name.ends_with(".sgn");
        let cluster_itl = cluster_itl(&mut src, mac)?;
        let (v, signer) = check_config(&bytes, signed, &mem, cluster_itl.as_deref());
        let failed = v.reason.clone();
        steps.push(Step {
            stage: Stage::Config,
            file: name.clone(),
            fallback_for: fallback_for(&names, i),
            found: true,
            size: Some(bytes.len()),
            fingerprints: Some(Fingerprints::of(&bytes)),
            signer,
            decision: v.decision,
            by: v.by,
            reason: v.reason,
            trust_after: mem.state(),
        });
        if let Some(reason) = failed {
            let remedies = config_remedies(&reason, name, mac);
            return Ok(finish(mac, before, steps, reason, remedies));
        }
        return Ok(Replay {
            mac: *mac,
            before,
            steps,
            outcome: Outcome::Trusted,
        });
    }
    let remedies = config_remedies(&Reason::NoConfig, "", mac);
    Ok(finish(mac, before, steps, Reason::NoConfig, remedies))
}

fn finish(
    mac: &Mac,
    before: TrustState,
    steps: Vec<Step>,
    reason: Reason,
    remedies: Vec<Remedy>,
) -> Replay {
    let step = steps.len().saturating_sub(1);
    let file = steps.last().map(|s| s.file.clone()).unwrap_or_default();
    Replay {
        mac: *mac,
        before,
        steps,
        outcome: Outcome::Broken(Box::new(Broken {
            step,
            file,
            reason,
            remedies,
        })),
    }
}

fn not_found(stage: Stage, name: &str, fallback_for: Option<String>, mem: &Memory) -> Step {
    Step {
        stage,
        file: name.to_owned(),
        fallback_for,
        found: false,
        size: None,
        fingerprints: None,
        signer: None,
        decision: Decision::NotFound,
        by: None,
        reason: None,
        trust_after: mem.state(),
    }
}

/// The cluster's ITL, as the phone would get it (`ITLSEP<MAC>.tlv`, else
/// `ITLFile.tlv`): where the TVS server's certificate is known from.
fn cluster_itl<S: FileSource>(
    src: &mut Cached<'_, S>,
    mac: &Mac,
) -> Result<Option<Vec<u8>>, ReplayError<S::Error>> {
    for name in trust_names(Stage::Itl, mac) {
        if let Some(b) = src.get(&name)? {
            return Ok(Some(b));
        }
    }
    Ok(None)
}

fn deciding(source: RecordSource, file: &str, index: usize, r: &Record<'_>) -> DecidingRecord {
    DecidingRecord {
        source,
        file: file.to_owned(),
        record: RecordSummary::of(index, r),
    }
}

/// Whether the TVS server can vouch: a TVS entry of the phone's ITL is the
/// cluster's TVS certificate (a TVS entry of the cluster's ITL).
fn tvs_vouches(mem: &Memory, cluster_itl: Option<&[u8]>) -> Result<DecidingRecord, TvsCheck> {
    let Some(itl) = mem.live_itl() else {
        return Err(TvsCheck::NoPhoneItl);
    };
    let phone_tvs: Vec<(usize, &Record<'_>)> = itl
        .tl
        .records()
        .iter()
        .enumerate()
        .filter(|(_, r)| r.function() == Some(Role::TVS))
        .collect();
    if phone_tvs.is_empty() {
        return Err(TvsCheck::NoTvsEntry);
    }
    let cluster = cluster_itl.and_then(|b| TrustList::parse(b).ok());
    let Some(cluster) = cluster else {
        return Err(TvsCheck::TvsChanged);
    };
    for (i, a) in phone_tvs {
        let matches = cluster
            .records()
            .iter()
            .filter(|b| b.function() == Some(Role::TVS))
            .any(|b| same_certificate(a, b) == Some(true));
        if matches {
            return Ok(deciding(RecordSource::PhoneItl, &itl.name, i + 1, a));
        }
    }
    Err(TvsCheck::TvsChanged)
}

/// The phone's decision on a new trust list of `kind`.
fn check_trust_list(
    bytes: &[u8],
    kind: FileKind,
    mem: &Memory,
    cluster_itl: Option<&[u8]>,
) -> Verdict2 {
    let tl = match TrustList::parse(bytes) {
        Ok(tl) => tl,
        Err(e) => return Verdict2::reject(Reason::Malformed(e)),
    };
    if mem.get(kind).is_some_and(|k| k.tl.raw() == bytes) {
        return Verdict2::accept(Decision::Unchanged, None);
    }
    let own = match verify_signature(&tl) {
        Ok(r) => r,
        Err(e) => return Verdict2::reject(Reason::BadSignature(e)),
    };
    let signer = SignerId::of(&tl);
    let (itl, ctl) = (mem.live_itl(), mem.ctl.as_ref());
    // Rule 3 needs a file held; the phone's ITL comes first.
    let (primary, secondary, primary_src) = match (itl, ctl) {
        (Some(i), c) => (i, c, RecordSource::PhoneItl),
        (None, Some(c)) => (c, None, RecordSource::PhoneCtl),
        // Rule 1: nothing held, trust on first use.
        (None, None) => {
            let index = own.signer_record;
            let by = tl.records().get(index.saturating_sub(1)).map(|r| {
                deciding(
                    RecordSource::ThisFile,
                    &tl.header().filename().unwrap_or_default(),
                    index,
                    r,
                )
            });
            return Verdict2::accept(Decision::FirstUse, by);
        }
    };
    // Rule 2: a CTL only; an ITL must be signed by one of its CCM+TFTP entries.
    if primary_src == RecordSource::PhoneCtl && kind == FileKind::Itl {
        let entries: Vec<(usize, &Record<'_>, verify::TrustAnchor)> = primary
            .tl
            .records()
            .iter()
            .enumerate()
            .filter(|(_, r)| r.function() == Some(Role::CCM_TFTP))
            .filter_map(|(i, r)| {
                let key = PublicKey::of_record(r).ok()?;
                let anchor = verify::TrustAnchor::from_key(key);
                Some((i, r, anchor))
            })
            .collect();
        let anchors: Vec<verify::TrustAnchor> = entries.iter().map(|(_, _, a)| a.clone()).collect();
        return match verify_with_trust(&tl, &anchors)
            .ok()
            .and_then(|found| entries.get(found.anchor))
        {
            Some((i, r, _)) => Verdict2::accept(
                Decision::TrustedSigner,
                Some(deciding(RecordSource::PhoneCtl, &primary.name, i + 1, r)),
            ),
            None => Verdict2::reject(Reason::NotCtlCcmTftp { signer }),
        };
    }
    // Rule 3: signed by a SAST, CCM+TFTP or TFTP entry, or vouched for by TVS.
    let d = decision::decide(&primary.tl, secondary.map(|k| &k.tl), &tl);
    let anchor = |a: &TrustedBy| {
        // The phone's CTL is the secondary file only when an ITL is the primary.
        let from_secondary = a.file == FileKind::Ctl && primary_src == RecordSource::PhoneItl;
        let (source, file) = match secondary {
            Some(k) if from_secondary => (RecordSource::PhoneCtl, k.name.clone()),
            _ => (primary_src, primary.name.clone()),
        };
        DecidingRecord {
            source,
            file,
            record: a.record.clone(),
        }
    };
    match d.verdict {
        Verdict::Identical => Verdict2::accept(Decision::Unchanged, None),
        Verdict::AcceptedSigner => {
            Verdict2::accept(Decision::TrustedSigner, d.trusted_by.as_ref().map(anchor))
        }
        Verdict::AcceptedTvs if primary_src == RecordSource::PhoneItl => {
            Verdict2::accept(Decision::TrustedTvs, d.trusted_by.as_ref().map(anchor))
        }
        _ => match tvs_vouches(mem, cluster_itl) {
            Ok(by) => Verdict2::accept(Decision::TrustedTvs, Some(by)),
            Err(tvs) => Verdict2::reject(Reason::SignerNotTrusted {
                kind,
                signer,
                held: mem.kinds(),
                tvs,
            }),
        },
    }
}

/// The phone's decision on a configuration file: a `.sgn` / `.enc.sgn` file
/// must be signed by a TFTP or CCM+TFTP entry of what the phone trusts (checked
/// by [`verify_signed_file`] like a phone: signer by issuer and serial), else
/// vouched for by TVS; an unsigned one is refused by a phone that holds a trust
/// list.
fn check_config(
    bytes: &[u8],
    signed: bool,
    mem: &Memory,
    cluster_itl: Option<&[u8]>,
) -> (Verdict2, Option<SignerId>) {
    let holds = mem.kinds();
    if !signed {
        if holds.is_empty() {
            return (Verdict2::accept(Decision::Unsigned, None), None);
        }
        return (
            Verdict2 {
                decision: Decision::Unsigned,
                by: None,
                reason: Some(Reason::UnsignedConfig { holds }),
            },
            None,
        );
    }
    let file = match SignedFile::parse(bytes) {
        Ok(f) => f,
        Err(e) => return (Verdict2::reject(Reason::Malformed(e)), None),
    };
    let signer = SignerId::of_header(file.header());
    // Nothing to check it with: the phone takes it as it is.
    if holds.is_empty() {
        return (Verdict2::accept(Decision::FirstUse, None), Some(signer));
    }
    let lists: Vec<&Kept> = [mem.ctl.as_ref(), mem.itl.as_ref()]
        .into_iter()
        .flatten()
        .collect();
    let trust: Vec<&TrustList<'_>> = lists.iter().map(|k| &k.tl).collect();
    let verdict = match verify_signed_file(&file, &trust) {
        Ok(report) => {
            let by = lists.get(report.signer.list).and_then(|k| {
                let index = report.signer.record;
                let r = k.tl.records().get(index.checked_sub(1)?)?;
                Some(deciding(source_of(mem, k), &k.name, index, r))
            });
            Verdict2::accept(Decision::TrustedSigner, by)
        }
        Err(SignedFileError::SignerNotFound { .. }) => {
            match tvs_vouches_config(&file, mem, cluster_itl) {
                Ok(by) => Verdict2::accept(Decision::TrustedTvs, Some(by)),
                Err(tvs) => Verdict2::reject(Reason::ConfigSignerNotTrusted {
                    signer: signer.clone(),
                    tvs,
                }),
            }
        }
        Err(SignedFileError::SignerNotTftp { found }) => {
            let record = found.first().and_then(|t| {
                let k = lists.get(t.list)?;
                let r = k.tl.records().get(t.record.checked_sub(1)?)?;
                Some(deciding(source_of(mem, k), &k.name, t.record, r))
            });
            match record {
                Some(record) => Verdict2::reject(Reason::ConfigSignerWrongRole {
                    signer: signer.clone(),
                    record,
                }),
                None => Verdict2::reject(Reason::ConfigRefused(SignedFileError::SignerNotTftp {
                    found,
                })),
            }
        }
        Err(e) => Verdict2::reject(Reason::ConfigRefused(e)),
    };
    (verdict, Some(signer))
}

fn source_of(mem: &Memory, k: &Kept) -> RecordSource {
    match &mem.ctl {
        Some(c) if std::ptr::eq(c, k) => RecordSource::PhoneCtl,
        _ => RecordSource::PhoneItl,
    }
}

/// The signer of a configuration is not in the phone's trust lists, so the phone
/// asks TVS. TVS answers for the cluster's certificates (a TFTP or CCM+TFTP entry
/// of the cluster's ITL whose key verifies the file), and the phone believes it
/// if the TVS server's certificate matches its ITL's TVS entry.
fn tvs_vouches_config(
    file: &SignedFile<'_>,
    mem: &Memory,
    cluster_itl: Option<&[u8]>,
) -> Result<DecidingRecord, TvsCheck> {
    let by = tvs_vouches(mem, cluster_itl)?;
    let cluster = cluster_itl.and_then(|b| TrustList::parse(b).ok());
    match cluster {
        Some(c) if verify_signed_file(file, &[&c]).is_ok() => Ok(by),
        _ => Err(TvsCheck::SignerUnknown),
    }
}

fn trust_list_remedies(
    reason: &Reason,
    kind: FileKind,
    name: &str,
    mem: &Memory,
    server: &[u8],
) -> Vec<Remedy> {
    match reason {
        Reason::Malformed(_) | Reason::BadSignature(_) => vec![Remedy::RegenerateServerFile {
            file: name.to_owned(),
            kind,
        }],
        Reason::NotCtlCcmTftp { .. } => vec![
            Remedy::UpdateCtl,
            Remedy::DeleteOnPhone {
                kind: FileKind::Ctl,
            },
        ],
        _ => {
            // The phone file whose trust failed: the one of this kind, else the
            // other one (a CTL-only phone checking an ITL).
            let held = mem.get(kind).or(mem.ctl.as_ref()).or(mem.itl.as_ref());
            match held {
                Some(held) => {
                    let server = TrustList::parse(server).ok();
                    decision::untrusted_remedies(&held.tl, server.as_ref(), kind)
                }
                None => vec![Remedy::DeleteOnPhone { kind }],
            }
        }
    }
}

fn config_remedies(reason: &Reason, name: &str, mac: &Mac) -> Vec<Remedy> {
    match reason {
        Reason::UnsignedConfig { .. } => vec![Remedy::ServeSignedConfig {
            file: name.to_owned(),
        }],
        Reason::NoConfig => vec![Remedy::AddPhone {
            device: format!("SEP{mac}"),
        }],
        _ => vec![Remedy::ResignConfig {
            file: name.to_owned(),
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_phone_order() {
        let Ok(mac) = "0011215a1ae3".parse::<Mac>() else {
            panic!("MAC")
        };
        assert_eq!(
            trust_names(Stage::Ctl, &mac),
            ["CTLSEP0011215A1AE3.tlv", "CTLFile.tlv"]
        );
        assert_eq!(
            config_names(&mac),
            [
                "SEP0011215A1AE3.cnf.xml.enc.sgn",
                "SEP0011215A1AE3.cnf.xml.sgn",
                "SEP0011215A1AE3.cnf.xml",
                "XMLDefault.cnf.xml.sgn",
                "XMLDefault.cnf.xml"
            ]
        );
    }
}
