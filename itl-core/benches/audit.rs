//! The fleet audit of 10,000 phones: reading the inventory (CSV) and auditing it
//! against a cluster of four ITL and two CTL generations (server and next files
//! given), as `itltool audit` does after loading the files. Also the cost of
//! adding the cluster's files to a FileSet (each parsed and verified once).
//!
//! Run: `cargo bench -p itl-core --bench audit` (see docs/PERFORMANCE.md).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/fleet/mod.rs"]
mod fleet;

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use itl_core::{AuditInput, FileSet, PhoneList, Served, audit};

fn benches(c: &mut Criterion) {
    let cluster = fleet::cluster();
    let fleet = fleet::fleet(&cluster, 10_000, 0xbe4c);
    let files = |cluster: &fleet::Cluster| {
        let mut files = FileSet::new();
        let ids: Vec<_> = cluster
            .gens
            .iter()
            .map(|g| files.add(g.name, &g.bytes).unwrap())
            .collect();
        (files, ids)
    };
    let (set, ids) = files(&cluster);
    let server = Served::ByKind {
        itl: Some(ids[fleet::SERVER_ITL]),
        ctl: Some(ids[fleet::SERVER_CTL]),
    };
    let next = Served::ByKind {
        itl: Some(ids[fleet::NEXT_ITL]),
        ctl: None,
    };
    let list = PhoneList::parse(&fleet.csv).unwrap();
    assert_eq!(list.phones.len(), 10_000);

    let mut g = c.benchmark_group("audit");
    g.sample_size(20);
    g.throughput(Throughput::Elements(10_000));
    g.bench_function("read_csv_10000_phones", |b| {
        b.iter(|| PhoneList::parse(black_box(&fleet.csv)).unwrap())
    });
    g.bench_function("audit_10000_phones", |b| {
        b.iter(|| {
            audit(&AuditInput {
                phones: black_box(&list),
                files: &set,
                server: &server,
                next: &next,
            })
        })
    });
    g.bench_function("read_csv_and_audit_10000_phones", |b| {
        b.iter(|| {
            let list = PhoneList::parse(black_box(&fleet.csv)).unwrap();
            audit(&AuditInput {
                phones: &list,
                files: &set,
                server: &server,
                next: &next,
            })
        })
    });
    g.finish();
    let mut g = c.benchmark_group("audit_files");
    g.sample_size(20);
    g.throughput(Throughput::Elements(cluster.gens.len() as u64));
    g.bench_function("add_6_cluster_files", |b| {
        b.iter(|| files(black_box(&cluster)))
    });
    g.finish();
}

criterion_group!(audit_benches, benches);
criterion_main!(audit_benches);
