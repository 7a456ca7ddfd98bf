//! The fleet audit on a generated cluster (four ITL and two CTL generations built
//! with the Builder) and a generated inventory of ~2,000 phones: every phone's
//! row is checked against the verdict the test derives from how the cluster and
//! the inventory were made (tests/fleet), every bad line against its problem.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod fleet;

use std::collections::HashMap;

use fleet::{Bad, Kind, expected_row};
use itl_core::{
    AuditInput, AuditReport, AuditVerdict, FileSet, FileStatus, Held, LineProblem, PhoneList,
    Served, UnknownReason, audit,
};

struct Setup {
    cluster: fleet::Cluster,
    fleet: fleet::Fleet,
    list: PhoneList,
    files: FileSet,
    server: Served,
    next: Served,
}

fn setup(n: usize, seed: u64) -> Setup {
    let cluster = fleet::cluster();
    let fleet = fleet::fleet(&cluster, n, seed);
    let list = PhoneList::parse(&fleet.csv).unwrap();
    let mut files = FileSet::new();
    let ids: Vec<_> = cluster
        .gens
        .iter()
        .map(|g| files.add(g.name, &g.bytes).unwrap())
        .collect();
    let server = Served::ByKind {
        itl: Some(ids[fleet::SERVER_ITL]),
        ctl: Some(ids[fleet::SERVER_CTL]),
    };
    let next = Served::ByKind {
        itl: Some(ids[fleet::NEXT_ITL]),
        ctl: None,
    };
    Setup {
        cluster,
        fleet,
        list,
        files,
        server,
        next,
    }
}

fn run(s: &Setup) -> AuditReport {
    audit(&AuditInput {
        phones: &s.list,
        files: &s.files,
        server: &s.server,
        next: &s.next,
    })
}

#[test]
fn every_phone_of_a_generated_fleet_gets_the_expected_row() {
    let s = setup(2000, 0x1711);
    let report = run(&s);
    let fleet = &s.fleet;

    // The inventory was read as generated: every good line is a phone, in order.
    assert_eq!(s.list.phones.len(), fleet.phones.len());
    assert_eq!(s.list.columns, fleet.columns);
    for (got, want) in s.list.phones.iter().zip(&fleet.phones) {
        assert_eq!(got.line, want.line);
        assert_eq!(got.mac.to_string(), want.mac, "line {}", want.line);
        assert_eq!(got.hash.to_string(), want.hash, "line {}", want.line);
        assert_eq!(got.fields, want.fields, "line {}", want.line);
    }
    // Every bad line is reported, with its problem, and nothing else.
    let bad: Vec<(usize, Bad)> = s
        .list
        .bad_lines
        .iter()
        .map(|b| {
            let kind = match &b.problem {
                LineProblem::Mac { .. } => Bad::Mac,
                LineProblem::Hash { .. } => Bad::Hash,
                LineProblem::Kind { .. } => Bad::Kind,
                LineProblem::FieldCount { .. } => Bad::FieldCount,
                LineProblem::TextAfterQuote { field: 1 } => Bad::TextAfterQuote,
                LineProblem::QuoteInUnquotedField { field: 1 } => Bad::QuoteInUnquoted,
                LineProblem::UnclosedQuote { field: 1 } => Bad::UnclosedQuote,
                LineProblem::Duplicate { first_line, .. } => Bad::Duplicate(*first_line),
                other => panic!("line {}: unexpected {other:?}", b.line),
            };
            (b.line, kind)
        })
        .collect();
    assert_eq!(bad, fleet.bad);
    // The generator made a mix: check the test exercises what it claims.
    let count = |f: &dyn Fn(&Bad) -> bool| fleet.bad.iter().filter(|(_, b)| f(b)).count();
    assert!(count(&|b| matches!(b, Bad::Duplicate(_))) > 0);
    assert!(count(&|b| *b == Bad::TextAfterQuote) > 0 && count(&|b| *b == Bad::Mac) > 0);
    assert!(
        fleet.phones.iter().any(|p| p.hash.len() == 32)
            && fleet.phones.iter().any(|p| p.hash.len() == 40)
    );
    assert!(fleet.phones.iter().any(|p| p.holds.is_none()));
    assert!(fleet.phones.iter().any(|p| p.fields[0].contains('\n')));

    // Every phone is in exactly one row, and its row is what the rules say.
    assert_eq!(report.rows.len(), fleet.phones.len());
    let mut seen = vec![false; fleet.phones.len()];
    let mut verdict_counts: HashMap<(&str, &str), usize> = HashMap::new();
    for row in &report.rows {
        assert!(!std::mem::replace(&mut seen[row.phone], true));
        let p = &fleet.phones[row.phone];
        let (held, status, server, next) = expected_row(&s.cluster, p);
        let got_held = match row.held {
            Held::File(id) => s.files.get(id).name(),
            Held::UnknownHash => "unknown-hash",
        };
        let got = (
            got_held,
            row.status.as_str(),
            row.server.unwrap().verdict.as_str(),
            row.next.unwrap().verdict.as_str(),
        );
        assert_eq!(
            got,
            (held, status, server, next),
            "phone on line {}",
            p.line
        );
        *verdict_counts.entry(("server", server)).or_default() += 1;
        *verdict_counts.entry(("next", next)).or_default() += 1;
        // Unknown verdicts say why.
        let why = row.next.unwrap().verdict;
        match (p.holds, p.kind) {
            (None, _) => assert_eq!(why, AuditVerdict::Unknown(UnknownReason::UnknownHash)),
            (Some(_), Kind::Ctl) => {
                assert_eq!(why, AuditVerdict::Unknown(UnknownReason::NoServedFile))
            }
            _ => {}
        }
    }
    // Every verdict occurs, so every branch of the rules was checked.
    for v in [
        "identical",
        "accepted-signer",
        "accepted-tvs",
        "rejected",
        "unknown",
    ] {
        assert!(
            verdict_counts.contains_key(&("server", v))
                || verdict_counts.contains_key(&("next", v)),
            "no phone got {v}: {verdict_counts:?}"
        );
    }

    // Worst first.
    let ranks: Vec<(u8, u8)> = report
        .rows
        .iter()
        .map(|r| (r.rank(), r.server.unwrap().verdict.rank()))
        .collect();
    assert!(
        ranks.windows(2).all(|w| w[0] <= w[1]),
        "rows are not worst first"
    );
    assert_eq!(report.rows[0].rank(), 0);
    assert!(report.any_rejected());

    // The summary counts match the rows, and the groups partition the phones.
    let sm = &report.summary;
    assert_eq!(sm.phones, fleet.phones.len());
    assert_eq!(sm.bad_lines, fleet.bad.len());
    for (v, n) in &sm.server_verdicts {
        assert_eq!(
            *n,
            report
                .rows
                .iter()
                .filter(|r| r.server.unwrap().verdict == *v)
                .count()
        );
    }
    let held_total: usize = sm.held.iter().map(|(_, n)| n).sum();
    assert_eq!(held_total, fleet.phones.len());
    let unknown = sm
        .held
        .iter()
        .find(|(h, _)| *h == Held::UnknownHash)
        .unwrap()
        .1;
    assert_eq!(
        unknown,
        fleet.phones.iter().filter(|p| p.holds.is_none()).count()
    );
    let current = sm
        .status
        .iter()
        .find(|(st, _)| *st == FileStatus::Current)
        .unwrap()
        .1;
    assert_eq!(
        current,
        fleet
            .phones
            .iter()
            .filter(|p| p.holds == Some(fleet::SERVER_ITL) || p.holds == Some(fleet::SERVER_CTL))
            .count()
    );
    for target in [itl_core::Target::Server, itl_core::Target::Next] {
        let total: usize = sm
            .groups
            .iter()
            .filter(|g| g.target == target)
            .map(|g| g.phones)
            .sum();
        assert_eq!(total, fleet.phones.len());
    }
    for (gi, g) in sm.groups.iter().enumerate() {
        let members = report
            .rows
            .iter()
            .filter(|r| {
                let j = match g.target {
                    itl_core::Target::Server => r.server,
                    _ => r.next,
                };
                j.unwrap().group == gi
            })
            .count();
        assert_eq!(members, g.phones, "group {gi}");
        // Rejected groups carry the trust decision (and so its remedies).
        if g.verdict == AuditVerdict::Rejected {
            assert!(g.decision.as_ref().is_some_and(|c| !c.remedies.is_empty()));
        }
    }
}

#[test]
fn without_server_files_there_are_no_verdicts() {
    let mut s = setup(50, 7);
    s.server = Served::None;
    s.next = Served::None;
    let report = run(&s);
    for row in &report.rows {
        assert_eq!(
            (row.status, row.server, row.next),
            (FileStatus::Unknown, None, None)
        );
    }
    assert!(!report.any_rejected());
    assert!(report.summary.groups.is_empty());
}

#[test]
fn per_phone_served_files_and_missing_ones() {
    let mut s = setup(60, 99);
    let gen3 = s
        .files
        .find(&s.cluster.gens[fleet::ITL3].md5.parse().unwrap())
        .unwrap();
    // Even phones get ITL 3, odd ones nothing (not on the server).
    let per: Vec<_> = (0..s.list.phones.len())
        .map(|i| (i % 2 == 0).then_some(gen3))
        .collect();
    s.server = Served::PerPhone(per);
    s.next = Served::None;
    let report = run(&s);
    for row in &report.rows {
        let p = &s.fleet.phones[row.phone];
        let v = row.server.unwrap().verdict;
        if row.phone % 2 == 1 {
            assert_eq!(row.status, FileStatus::Unknown);
            let want = if p.holds.is_none() {
                UnknownReason::UnknownHash
            } else {
                UnknownReason::NoServedFile
            };
            assert_eq!(v, AuditVerdict::Unknown(want));
        } else if p.kind == Kind::Ctl && p.holds.is_some() {
            // A CTL against an ITL: no verdict.
            assert_eq!(v, AuditVerdict::Unknown(UnknownReason::KindMismatch));
        } else if let Some(h) = p.holds {
            let g = &s.cluster.gens;
            assert_eq!(v.as_str(), fleet::expected(&g[h], &g[fleet::ITL3]));
        }
    }
}

#[test]
fn files_are_kept_once_per_content() {
    let cluster = fleet::cluster();
    let mut files = FileSet::new();
    let a = files.add("a/ITLFile.tlv", &cluster.gens[0].bytes).unwrap();
    let b = files
        .add("b/ITLSEP001E7A000001.tlv", &cluster.gens[0].bytes)
        .unwrap();
    assert_eq!(a, b);
    assert_eq!(files.len(), 1);
    assert_eq!(
        files.get(a).names(),
        ["a/ITLFile.tlv", "b/ITLSEP001E7A000001.tlv"]
    );
    assert!(files.add("junk", b"not a trust list").is_err());
    assert_eq!(files.len(), 1);
    let sha1: itl_core::PhoneHash = cluster.gens[0].sha1.to_ascii_uppercase().parse().unwrap();
    assert_eq!(files.find(&sha1), Some(a));
}

/// The inventory read by Python's csv module (an independent RFC 4180 reader)
/// gives, for every phone's line, the same fields as ours.
#[test]
#[ignore = "needs python3 (an independent CSV reader); .ci/run runs it with --ignored"]
fn csv_fields_agree_with_pythons_csv_module() {
    let s = setup(2000, 0x5eed);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("phones.csv");
    std::fs::write(&path, &s.fleet.csv).unwrap();
    // Each record with the line it starts on; reading stops at the unclosed
    // quote of the last line (non-strict: the bad lines are read leniently).
    let script = "import csv, json, sys\n\
                  f = open(sys.argv[1], newline='', encoding='utf-8')\n\
                  r = csv.reader(f)\n\
                  out, start = [], 1\n\
                  try:\n\
                  \x20   for row in r:\n\
                  \x20       out.append([start, row])\n\
                  \x20       start = r.line_num + 1\n\
                  except csv.Error:\n\
                  \x20   pass\n\
                  print(json.dumps(out))";
    let py = std::process::Command::new("python3")
        .args(["-c", script, &path.display().to_string()])
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run python3 ({e}); install it (Debian: apt-get install python3)")
        });
    assert!(
        py.status.success(),
        "{}",
        String::from_utf8_lossy(&py.stderr)
    );
    let rows: Vec<(usize, Vec<String>)> = serde_json::from_slice(&py.stdout).unwrap();
    let by_line: HashMap<usize, &Vec<String>> = rows.iter().map(|(l, r)| (*l, r)).collect();
    assert_eq!(rows[0].1, fleet::COLUMNS);
    for p in &s.list.phones {
        assert_eq!(
            by_line.get(&p.line).copied(),
            Some(&p.fields),
            "line {}",
            p.line
        );
    }
}
