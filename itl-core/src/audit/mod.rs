//! Fleet audit: which trust list each phone holds, whether it is the server's,
//! and whether the phone will accept the server's (and the next) file.
//!
//! Inputs are typed: a [`PhoneList`] (the inventory, read from CSV), a
//! [`FileSet`] (every distinct trust list the cluster has served, plus the
//! server's and the next file, each parsed and verified once) and which file
//! each phone gets now and next ([`Served`]). [`audit`] matches each phone's
//! hash (MD5 or SHA-1) to the file it holds and runs the phone's trust rules
//! (the library's trust decision, [`crate::decide`]) once per distinct pair of
//! held file and served file, whatever the number of phones.

mod csv;
mod files;
mod phones;

use std::cmp::Reverse;
use std::collections::HashMap;
use std::fmt;

pub use csv::write_csv_record;
pub use files::{FileId, FileSet, KnownFile};
pub use phones::{
    BadHash, BadLine, BadMac, CsvError, LineProblem, Mac, Phone, PhoneHash, PhoneList,
};

use crate::decision::{TrustDecision, Verdict, decide};
use crate::trustlist::FileKind;

/// Which file each phone gets (from the server now, or next).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Served {
    /// Not known (no `--server` / `--next`).
    #[default]
    None,
    /// One file per kind for every phone: the ITL (`ITLFile.tlv`) and the CTL.
    ByKind {
        /// The file phones holding an ITL get.
        itl: Option<FileId>,
        /// The file phones holding a CTL get.
        ctl: Option<FileId>,
    },
    /// One file per phone, in the order of [`PhoneList::phones`] (as fetched over
    /// TFTP, `ITLSEP<MAC>.tlv` or `ITLFile.tlv`); `None` where the server had
    /// none.
    PerPhone(Vec<Option<FileId>>),
}

impl Served {
    fn is_none(&self) -> bool {
        matches!(self, Self::None)
    }

    fn for_phone(&self, index: usize, kind: FileKind) -> Option<FileId> {
        match self {
            Self::None => None,
            Self::ByKind { itl, ctl } => match kind {
                FileKind::Ctl => *ctl,
                _ => *itl,
            },
            Self::PerPhone(v) => v.get(index).copied().flatten(),
        }
    }
}

/// What a phone holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Held {
    /// A known file.
    File(FileId),
    /// No known file has the hash the phone shows.
    UnknownHash,
}

/// Whether the phone holds the server's file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FileStatus {
    /// It holds the file the server serves it now.
    Current,
    /// It holds another file.
    Stale,
    /// No server file is known for it.
    Unknown,
}

impl FileStatus {
    /// `current`, `stale` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Current => "current",
            Self::Stale => "stale",
            Self::Unknown => "unknown",
        }
    }
}

/// Why no verdict can be given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum UnknownReason {
    /// The phone's hash matches no known file.
    UnknownHash,
    /// No file is served to this phone (none given, or not on the server).
    NoServedFile,
    /// The phone's file and the served file are not the same kind (ITL, CTL),
    /// or the held file is not of the kind the inventory says.
    KindMismatch,
}

/// What the phone will do with the served file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuditVerdict {
    /// The phone already has it.
    Identical,
    /// Signed by a key the phone trusts: accepted.
    AcceptedSigner,
    /// The phone's TVS server can vouch for it: accepted.
    AcceptedTvs,
    /// The phone refuses it (and all signed configuration).
    Rejected,
    /// Cannot be told.
    Unknown(UnknownReason),
}

impl AuditVerdict {
    /// `identical`, `accepted-signer`, `accepted-tvs`, `rejected` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Identical => "identical",
            Self::AcceptedSigner => "accepted-signer",
            Self::AcceptedTvs => "accepted-tvs",
            Self::Rejected => "rejected",
            Self::Unknown(_) => "unknown",
        }
    }

    /// 0 for the worst (rejected), then unknown, accepted-tvs (it needs the TVS
    /// server), accepted-signer, identical.
    pub fn rank(self) -> u8 {
        match self {
            Self::Rejected => 0,
            Self::Unknown(_) => 1,
            Self::AcceptedTvs => 2,
            Self::AcceptedSigner => 3,
            Self::Identical => 4,
        }
    }
}

impl fmt::Display for AuditVerdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which served file a verdict is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Target {
    /// The file the server serves now.
    Server,
    /// The file about to be published.
    Next,
}

impl Target {
    /// `server` or `next`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Server => "server",
            Self::Next => "next",
        }
    }
}

/// The verdict on one served file for one phone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Judgement {
    /// The file served to the phone, if known.
    pub file: Option<FileId>,
    /// What the phone does with it.
    pub verdict: AuditVerdict,
    /// The group of phones sharing held file, served file and verdict: an index
    /// into [`AuditSummary::groups`].
    pub group: usize,
}

/// One phone's result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuditRow {
    /// The phone: an index into [`PhoneList::phones`].
    pub phone: usize,
    /// The file it holds.
    pub held: Held,
    /// Whether that is the server's.
    pub status: FileStatus,
    /// The verdict on the server's file (`None` without server files).
    pub server: Option<Judgement>,
    /// The verdict on the next file (`None` without next files).
    pub next: Option<Judgement>,
}

impl AuditRow {
    /// The lower rank of both verdicts (see [`AuditVerdict::rank`]); 5 when there is none.
    pub fn rank(&self) -> u8 {
        let r = |j: Option<Judgement>| j.map_or(5, |j| j.verdict.rank());
        r(self.server).min(r(self.next))
    }
}

/// Phones that hold the same file, get the same file, and so share a verdict
/// (and what to do about it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditGroup {
    /// Server or next.
    pub target: Target,
    /// What the phones hold.
    pub held: Held,
    /// The kind of trust list the phones reported.
    pub kind: FileKind,
    /// The file they get.
    pub file: Option<FileId>,
    /// The verdict.
    pub verdict: AuditVerdict,
    /// How many phones.
    pub phones: usize,
    /// The phone's trust decision behind the verdict (with its reason and
    /// remedies), when the rules ran: not for identical files or unknown verdicts.
    pub decision: Option<TrustDecision>,
}

/// Counts over the whole audit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditSummary {
    /// Phones audited.
    pub phones: usize,
    /// Lines of the inventory skipped ([`PhoneList::bad_lines`]).
    pub bad_lines: usize,
    /// Phones per held file, most phones first.
    pub held: Vec<(Held, usize)>,
    /// Phones per status (current, stale, unknown), in that order, zero counts left out.
    pub status: Vec<(FileStatus, usize)>,
    /// Phones per verdict on the server's file, worst first.
    pub server_verdicts: Vec<(AuditVerdict, usize)>,
    /// Phones per verdict on the next file, worst first.
    pub next_verdicts: Vec<(AuditVerdict, usize)>,
    /// The groups, server before next, each worst first, then most phones first.
    pub groups: Vec<AuditGroup>,
}

/// The result of [`audit`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditReport {
    /// One row per phone, worst first (lowest [`AuditRow::rank`], then server
    /// verdict, next verdict, stale before current, then inventory order).
    pub rows: Vec<AuditRow>,
    /// Counts and groups.
    pub summary: AuditSummary,
}

impl AuditReport {
    /// Whether any phone rejects the server's or the next file.
    pub fn any_rejected(&self) -> bool {
        self.rows.iter().any(|r| r.rank() == 0)
    }
}

/// What [`audit`] works on.
#[derive(Clone, Copy, Debug)]
pub struct AuditInput<'a> {
    /// The inventory.
    pub phones: &'a PhoneList,
    /// Every known file: history, server and next files must all be in it.
    pub files: &'a FileSet,
    /// What the server serves now.
    pub server: &'a Served,
    /// What it will serve next.
    pub next: &'a Served,
}

/// The verdict of the phone's trust rules for one (held, served) pair.
fn judge_pair(
    files: &FileSet,
    held: FileId,
    served: FileId,
) -> (AuditVerdict, Option<TrustDecision>) {
    let (h, s) = (files.get(held), files.get(served));
    if held == served {
        return (AuditVerdict::Identical, None);
    }
    if h.kind() != s.kind() {
        return (AuditVerdict::Unknown(UnknownReason::KindMismatch), None);
    }
    let d = decide(h.trust_list(), None, s.trust_list());
    let verdict = match d.verdict {
        Verdict::Identical => AuditVerdict::Identical,
        Verdict::AcceptedSigner => AuditVerdict::AcceptedSigner,
        Verdict::AcceptedTvs => AuditVerdict::AcceptedTvs,
        Verdict::Rejected => AuditVerdict::Rejected,
        _ => AuditVerdict::Unknown(UnknownReason::NoServedFile),
    };
    (verdict, Some(d))
}

/// Audits every phone of the inventory: matches each phone's hash to the file
/// it holds, then runs the phone's trust rules once per distinct pair of held
/// and served file.
///
/// Each distinct (held file, served file) pair is judged once. Every phone is
/// in exactly one row.
pub fn audit(input: &AuditInput<'_>) -> AuditReport {
    let files = input.files;
    let mut decisions: HashMap<(FileId, FileId), (AuditVerdict, Option<TrustDecision>)> =
        HashMap::new();
    type GroupKey = (Target, Held, FileKind, Option<FileId>, AuditVerdict);
    let mut groups: Vec<AuditGroup> = Vec::new();
    let mut group_index: HashMap<GroupKey, usize> = HashMap::new();

    let mut judge = |target: Target, held: Held, kind: FileKind, served: &Served, i: usize| {
        if served.is_none() {
            return None;
        }
        let file = served.for_phone(i, kind);
        let verdict = match (held, file) {
            (Held::UnknownHash, _) => AuditVerdict::Unknown(UnknownReason::UnknownHash),
            (Held::File(_), None) => AuditVerdict::Unknown(UnknownReason::NoServedFile),
            (Held::File(h), Some(s)) => {
                if files.get(h).kind() != kind || files.get(s).kind() != kind {
                    AuditVerdict::Unknown(UnknownReason::KindMismatch)
                } else {
                    decisions
                        .entry((h, s))
                        .or_insert_with(|| judge_pair(files, h, s))
                        .0
                }
            }
        };
        let key = (target, held, kind, file, verdict);
        let group = *group_index.entry(key).or_insert_with(|| {
            let decision = match (held, file) {
                (Held::File(h), Some(s)) => decisions.get(&(h, s)).and_then(|d| d.1.clone()),
                _ => None,
            };
            groups.push(AuditGroup {
                target,
                held,
                kind,
                file,
                verdict,
                phones: 0,
                decision,
            });
            groups.len() - 1
        });
        groups[group].phones += 1;
        Some(Judgement {
            file,
            verdict,
            group,
        })
    };

    let mut rows = Vec::with_capacity(input.phones.phones.len());
    for (i, phone) in input.phones.phones.iter().enumerate() {
        let held = files
            .find(&phone.hash)
            .map_or(Held::UnknownHash, Held::File);
        let status = match input.server.for_phone(i, phone.kind) {
            None => FileStatus::Unknown,
            Some(s) if held == Held::File(s) => FileStatus::Current,
            Some(_) => FileStatus::Stale,
        };
        let server = judge(Target::Server, held, phone.kind, input.server, i);
        let next = judge(Target::Next, held, phone.kind, input.next, i);
        rows.push(AuditRow {
            phone: i,
            held,
            status,
            server,
            next,
        });
    }

    // Worst first; groups are renumbered after sorting, so rows point at them.
    let status_rank = |s: FileStatus| match s {
        FileStatus::Stale => 0,
        FileStatus::Unknown => 1,
        FileStatus::Current => 2,
    };
    let verdict_rank = |j: Option<Judgement>| j.map_or(5, |j| j.verdict.rank());
    rows.sort_by_key(|r| {
        (
            r.rank(),
            verdict_rank(r.server),
            verdict_rank(r.next),
            status_rank(r.status),
            r.phone,
        )
    });
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by_key(|&g| {
        let x = &groups[g];
        (x.target, x.verdict.rank(), Reverse(x.phones), x.held, g)
    });
    let mut new_index = vec![0; groups.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    for r in &mut rows {
        for j in [&mut r.server, &mut r.next].into_iter().flatten() {
            j.group = new_index[j.group];
        }
    }
    let mut slots: Vec<Option<AuditGroup>> = groups.into_iter().map(Some).collect();
    let groups: Vec<AuditGroup> = order.iter().filter_map(|&g| slots[g].take()).collect();

    let summary = summarize(&rows, input.phones, groups);
    AuditReport { rows, summary }
}

fn summarize(rows: &[AuditRow], phones: &PhoneList, groups: Vec<AuditGroup>) -> AuditSummary {
    let mut held: HashMap<Held, usize> = HashMap::new();
    let mut status: HashMap<FileStatus, usize> = HashMap::new();
    let mut server: HashMap<AuditVerdict, usize> = HashMap::new();
    let mut next: HashMap<AuditVerdict, usize> = HashMap::new();
    for r in rows {
        *held.entry(r.held).or_default() += 1;
        *status.entry(r.status).or_default() += 1;
        if let Some(j) = r.server {
            *server.entry(j.verdict).or_default() += 1;
        }
        if let Some(j) = r.next {
            *next.entry(j.verdict).or_default() += 1;
        }
    }
    let mut held: Vec<(Held, usize)> = held.into_iter().collect();
    held.sort_by_key(|&(h, n)| (Reverse(n), h));
    let status = [FileStatus::Current, FileStatus::Stale, FileStatus::Unknown]
        .into_iter()
        .filter_map(|s| Some((s, *status.get(&s)?)))
        .collect();
    let verdicts = |m: HashMap<AuditVerdict, usize>| {
        let mut v: Vec<(AuditVerdict, usize)> = m.into_iter().collect();
        v.sort_by_key(|&(v, n)| (v.rank(), unknown_order(v), Reverse(n)));
        v
    };
    AuditSummary {
        phones: rows.len(),
        bad_lines: phones.bad_lines.len(),
        held,
        status,
        server_verdicts: verdicts(server),
        next_verdicts: verdicts(next),
        groups,
    }
}

/// Orders the reasons of unknown verdicts among themselves.
fn unknown_order(v: AuditVerdict) -> Option<UnknownReason> {
    match v {
        AuditVerdict::Unknown(r) => Some(r),
        _ => None,
    }
}
