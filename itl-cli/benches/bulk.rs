//! Bulk verification in process, as `itltool verify -r DIR` and `itltool verify
//! --summary -r DIR` run it (every core, output to a sink), over directories of
//! RSA-2048 ITLs made by `scripts/perf/make_bulk.py`:
//!
//! ```sh
//! python3 scripts/perf/make_bulk.py --count 2000 /tmp/itl-bulk/same
//! python3 scripts/perf/make_bulk.py --distinct --count 2000 /tmp/itl-bulk/distinct
//! cargo bench -p itl-cli --bench bulk
//! ```
//!
//! `ITL_BULK_SAME` and `ITL_BULK_DISTINCT` name other directories. The
//! throughput is in files per second: compare it with one core's `openssl speed
//! rsa2048` verify rate (docs/PERFORMANCE.md).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use itl_cli::verify::{Options, run};

fn dir(var: &str, default: &str, flag: &str) -> (PathBuf, u64) {
    let dir = PathBuf::from(std::env::var(var).unwrap_or_else(|_| default.to_owned()));
    let files = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e}: make it with `python3 scripts/perf/make_bulk.py {flag}--count 2000 {}` (or set {var})",
                dir.display(),
                dir.display()
            )
        })
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "tlv"))
        })
        .count();
    assert!(files > 0, "{}: no .tlv files", dir.display());
    (dir, files as u64)
}

fn benches(c: &mut Criterion) {
    // 2023-11-14: every generated certificate is valid then.
    let now = 1_700_000_000;
    for (name, var, default, flag) in [
        ("same-cluster", "ITL_BULK_SAME", "/tmp/itl-bulk/same", ""),
        (
            "distinct",
            "ITL_BULK_DISTINCT",
            "/tmp/itl-bulk/distinct",
            "--distinct ",
        ),
    ] {
        let (dir, files) = dir(var, default, flag);
        let mut g = c.benchmark_group(format!("bulk-verify-{name}"));
        g.sample_size(10);
        g.throughput(Throughput::Elements(files));
        for (label, summary) in [("summary", true), ("all-lines", false)] {
            let options = Options {
                recursive: true,
                summary,
                ..Options::default()
            };
            let code = run(
                std::slice::from_ref(&dir),
                &[],
                now,
                options,
                &mut std::io::sink(),
                &mut std::io::sink(),
            )
            .unwrap();
            assert_eq!(code, 0, "{}: every file verifies", dir.display());
            g.bench_function(label, |b| {
                b.iter(|| {
                    run(
                        std::slice::from_ref(&dir),
                        &[],
                        now,
                        options,
                        &mut std::io::sink(),
                        &mut std::io::sink(),
                    )
                    .unwrap()
                })
            });
        }
        g.finish();
    }
}

criterion_group!(bulk, benches);
criterion_main!(bulk);
