//! A generated cluster and fleet for the audit tests and bench (shared with
//! itl-cli's tests and the bench through `#[path]`).
//!
//! The cluster: four generations of its ITL and two of its CTL, built with the
//! Builder from the test keys in testvectors/own/keys and own/compare. Each
//! generation is described by who signs it, which certificates it holds in the
//! roles a phone accepts signers from (SAST, CCM+TFTP, TFTP) and its TVS
//! certificate; [`expected`] applies the phone's rules to these descriptions,
//! without the library, so the tests know every verdict up front.
//!
//! The fleet: a CSV inventory generated from a seed, mixing MD5 and SHA-1, upper
//! and lower case, separators, MAC forms, unknown hashes, extra columns (quoted
//! names with commas, quotes and line breaks, UTF-8), blank lines and bad lines
//! of every kind, with what each line is known to be.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use itl_core::{Builder, Role, SigningKey, load_certificate};
use md5::{Digest, Md5};
use sha1::Sha1;

const PUBLISHER: &str = "own/keys/publisher";
const TVS: &str = "own/keys/tvs";
const CAPF: &str = "own/keys/capf";
const CCM_NEW: &str = "own/compare/ccm-regen";
const TVS_NEW: &str = "own/compare/tvs-regen";
const RECOVERY: &str = "own/compare/itlrecovery";

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testvectors")
}

fn cert(rel: &str) -> Vec<u8> {
    load_certificate(&std::fs::read(vectors().join(format!("{rel}.crt"))).unwrap()).unwrap()
}

fn key(rel: &str) -> itl_core::SigningKey {
    SigningKey::from_pem_or_der(&std::fs::read(vectors().join(format!("{rel}.key"))).unwrap())
        .unwrap()
}

/// ITL or CTL, as the inventory's `kind` column says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Itl,
    Ctl,
}

/// One generation of the cluster's trust list.
#[derive(Clone, Debug)]
pub struct Generation {
    /// File name used in the history directory.
    pub name: &'static str,
    pub kind: Kind,
    pub bytes: Vec<u8>,
    /// The certificate (by test-key name) that signs it.
    pub signer: &'static str,
    /// Certificates in SAST, CCM+TFTP or TFTP records.
    pub trusted: Vec<&'static str>,
    /// The certificate of its TVS record.
    pub tvs: Option<&'static str>,
    /// Lower-case hex MD5 and SHA-1 of `bytes` (RustCrypto's md-5 and sha1).
    pub md5: String,
    pub sha1: String,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `signer` signs; `signers` go in as SAST (first) and CCM+TFTP (the rest).
fn generation(
    name: &'static str,
    kind: Kind,
    signer: &'static str,
    sast: &[&'static str],
    ccm_tftp: &'static str,
    tvs: Option<&'static str>,
    timestamp: u32,
) -> Generation {
    let mut b = Builder::new(cert(signer), key(signer))
        .timestamp(timestamp)
        .filename(match kind {
            Kind::Itl => "ITLFile.tlv",
            Kind::Ctl => "CTLFile.tlv",
        });
    for s in sast {
        b = b.record(Role::SAST, cert(s));
    }
    b = b.record(Role::CCM_TFTP, cert(ccm_tftp));
    if let Some(t) = tvs {
        b = b.hash_only_record(Role::TVS, cert(t));
    }
    if kind == Kind::Itl {
        b = b.hash_only_record(Role::CAPF, cert(CAPF));
    }
    let bytes = b.build().unwrap();
    let mut trusted: Vec<&'static str> = sast.to_vec();
    trusted.push(ccm_tftp);
    Generation {
        name,
        kind,
        md5: hex(&Md5::digest(&bytes)),
        sha1: hex(&Sha1::digest(&bytes)),
        bytes,
        signer,
        trusted,
        tvs,
    }
}

/// The cluster's files: index 0-3 the ITL generations, 4-5 the CTLs.
pub struct Cluster {
    pub gens: Vec<Generation>,
}

/// ITL generation 1 (CUCM as installed), 2 (CallManager certificate
/// regenerated), 3 (TVS regenerated too: the server's now), 4 (next: CUCM 12
/// style, signed by the ITLRecovery key); CTL 1 and 2 (the server's).
pub const ITL1: usize = 0;
pub const ITL2: usize = 1;
pub const ITL3: usize = 2;
pub const ITL4: usize = 3;
pub const CTL1: usize = 4;
pub const CTL2: usize = 5;

/// What the server serves now (ITL, CTL) and next (ITL only).
pub const SERVER_ITL: usize = ITL3;
pub const SERVER_CTL: usize = CTL2;
pub const NEXT_ITL: usize = ITL4;

pub fn cluster() -> Cluster {
    const T: u32 = 1_341_100_800;
    let gens = vec![
        generation(
            "gen1/ITLFile.tlv",
            Kind::Itl,
            PUBLISHER,
            &[PUBLISHER],
            PUBLISHER,
            Some(TVS),
            T,
        ),
        generation(
            "gen2/ITLFile.tlv",
            Kind::Itl,
            CCM_NEW,
            &[CCM_NEW],
            CCM_NEW,
            Some(TVS),
            T + 86_400,
        ),
        generation(
            "gen3/ITLFile.tlv",
            Kind::Itl,
            CCM_NEW,
            &[CCM_NEW],
            CCM_NEW,
            Some(TVS_NEW),
            T + 2 * 86_400,
        ),
        generation(
            "next/ITLFile.tlv",
            Kind::Itl,
            RECOVERY,
            &[RECOVERY],
            CCM_NEW,
            Some(TVS_NEW),
            T + 3 * 86_400,
        ),
        generation(
            "gen1/CTLFile.tlv",
            Kind::Ctl,
            PUBLISHER,
            &[PUBLISHER],
            PUBLISHER,
            None,
            T,
        ),
        generation(
            "gen2/CTLFile.tlv",
            Kind::Ctl,
            PUBLISHER,
            &[PUBLISHER],
            CCM_NEW,
            None,
            T + 86_400,
        ),
    ];
    Cluster { gens }
}

/// The phone's rules applied to the descriptions: what a phone holding `held`
/// does with `served`.
pub fn expected(held: &Generation, served: &Generation) -> &'static str {
    if held.bytes == served.bytes {
        "identical"
    } else if held.kind != served.kind {
        "unknown"
    } else if held.trusted.contains(&served.signer) {
        "accepted-signer"
    } else if held.kind == Kind::Itl && held.tvs.is_some() && held.tvs == served.tvs {
        "accepted-tvs"
    } else {
        "rejected"
    }
}

/// A deterministic generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// 0..n
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[usize::try_from(self.below(v.len() as u64)).unwrap()]
    }
}

/// A good line of the inventory.
#[derive(Clone, Debug)]
pub struct FleetPhone {
    /// 1-based line where its record starts.
    pub line: usize,
    /// 12 upper-case hex digits.
    pub mac: String,
    pub kind: Kind,
    /// The generation it holds; `None` for an unknown hash.
    pub holds: Option<usize>,
    /// The hash as written (normalised: lower-case hex, no separators).
    pub hash: String,
    /// The fields as written in the CSV, unquoted.
    pub fields: Vec<String>,
}

/// A bad line and the problem the reader must report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Bad {
    Mac,
    Hash,
    Kind,
    FieldCount,
    TextAfterQuote,
    QuoteInUnquoted,
    UnclosedQuote,
    /// Repeats the phone first on this line.
    Duplicate(usize),
}

pub struct Fleet {
    pub csv: Vec<u8>,
    pub columns: Vec<&'static str>,
    pub phones: Vec<FleetPhone>,
    pub bad: Vec<(usize, Bad)>,
}

pub const COLUMNS: [&str; 6] = ["Name", "MAC", "Hash", "model", "Kind", "location"];

fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

fn write_mac(rng: &mut Rng, mac: &[u8; 6]) -> String {
    let hexd: Vec<String> = mac
        .iter()
        .map(|b| {
            if rng.below(2) == 0 {
                format!("{b:02x}")
            } else {
                format!("{b:02X}")
            }
        })
        .collect();
    let body = match rng.below(4) {
        0 => hexd.concat(),
        1 => hexd.join(":"),
        2 => hexd.join("-"),
        _ => format!(
            "{}.{}.{}",
            hexd[..2].concat(),
            hexd[2..4].concat(),
            hexd[4..].concat()
        ),
    };
    match rng.below(3) {
        0 => format!("SEP{body}"),
        1 => format!("sep{body}"),
        _ => body,
    }
}

fn write_hash(rng: &mut Rng, hex_lower: &str) -> String {
    let h = if rng.below(2) == 0 {
        hex_lower.to_ascii_uppercase()
    } else {
        hex_lower.to_owned()
    };
    let pairs: Vec<&str> = (0..h.len() / 2).map(|i| &h[2 * i..2 * i + 2]).collect();
    match rng.below(4) {
        0 | 1 => h.clone(),
        2 => pairs.join(":"),
        _ => pairs.join(" "),
    }
}

/// `n` good phones plus bad, blank and spreadsheet-empty lines, from `seed`.
pub fn fleet(cluster: &Cluster, n: usize, seed: u64) -> Fleet {
    let mut rng = Rng::new(seed);
    let mut text = String::new();
    let mut line = 1;
    let header: Vec<String> = COLUMNS.iter().map(|c| (*c).to_owned()).collect();
    writeln!(text, "{}\r", header.join(",")).unwrap();
    line += 1;
    let mut phones: Vec<FleetPhone> = Vec::new();
    let mut bad = Vec::new();
    let models = [
        "CP-8845",
        "CP-7975",
        "CP-8865",
        "CP-8832 conference",
        "CP-7841",
    ];
    let places = [
        "Zürich, 3rd floor",
        "RTP",
        "São Paulo",
        "Lobby \"A\"",
        "",
        "Bldg 7",
    ];
    let mut i = 0u32;
    while phones.len() < n {
        i += 1;
        // Interleave blank lines and empty spreadsheet rows (skipped, not bad).
        if rng.below(200) == 0 {
            text.push_str(if rng.below(2) == 0 {
                "\r\n"
            } else {
                ",,,,,\r\n"
            });
            line += 1;
            continue;
        }
        let mac_bytes = [
            0x00,
            0x1e,
            0x7a,
            ((i >> 16) & 0xff) as u8,
            ((i >> 8) & 0xff) as u8,
            (i & 0xff) as u8,
        ];
        let mac = mac_bytes
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<String>();
        let kind = if rng.below(100) < 85 {
            Kind::Itl
        } else {
            Kind::Ctl
        };
        let roll = rng.below(100);
        let holds = match kind {
            Kind::Itl => match roll {
                0..20 => Some(ITL1),
                20..48 => Some(ITL2),
                48..88 => Some(ITL3),
                88..91 => Some(ITL4),
                _ => None,
            },
            Kind::Ctl => match roll {
                0..40 => Some(CTL1),
                40..90 => Some(CTL2),
                _ => None,
            },
        };
        let hash = match holds {
            Some(g) => {
                if rng.below(2) == 0 {
                    cluster.gens[g].md5.clone()
                } else {
                    cluster.gens[g].sha1.clone()
                }
            }
            None => {
                let len = if rng.below(2) == 0 { 16 } else { 20 };
                (0..len)
                    .map(|_| format!("{:02x}", rng.below(256)))
                    .collect()
            }
        };
        let name = match rng.below(10) {
            0 => format!("Smith, J. ({i})"),
            1 => format!("Room \"{i}\""),
            2 => format!("two\nlines {i}"),
            _ => format!("phone-{i}"),
        };
        let kind_text = match (kind, rng.below(3)) {
            (Kind::Itl, 0) => "itl",
            (Kind::Itl, 1) => "ITL",
            (Kind::Itl, _) => "",
            (Kind::Ctl, 0) => "ctl",
            (Kind::Ctl, _) => "CTL",
        };
        let mut fields = vec![
            name.clone(),
            write_mac(&mut rng, &mac_bytes),
            write_hash(&mut rng, &hash),
            (*rng.pick(&models)).to_owned(),
            kind_text.to_owned(),
            (*rng.pick(&places)).to_owned(),
        ];
        let lines_of = |fields: &[String]| {
            1 + fields
                .iter()
                .map(|f| f.matches('\n').count())
                .sum::<usize>()
        };

        // About 1.5% bad lines, of every kind.
        if rng.below(1000) < 15 {
            let quoted = |f: &[String]| f.iter().map(|x| quote(x)).collect::<Vec<_>>().join(",");
            // The first field written as is (holding a stray quote), the rest quoted.
            let raw_first = |first: String, f: &[String]| format!("{first},{}", quoted(&f[1..]));
            let (row, problem) = match rng.below(7) {
                0 => {
                    fields[1] = "SEP12345".into();
                    (quoted(&fields), Bad::Mac)
                }
                1 => {
                    fields[2] = hash[1..].to_owned();
                    (quoted(&fields), Bad::Hash)
                }
                2 => {
                    fields[4] = "tvs".into();
                    (quoted(&fields), Bad::Kind)
                }
                3 => {
                    fields.pop();
                    (quoted(&fields), Bad::FieldCount)
                }
                4 => (
                    raw_first(format!("\"x\"y{i}"), &fields),
                    Bad::TextAfterQuote,
                ),
                5 => (
                    raw_first(format!("12\" monitor {i}"), &fields),
                    Bad::QuoteInUnquoted,
                ),
                _ => {
                    let Some(first) = phones.iter().rev().find(|p| p.holds.is_some()).cloned()
                    else {
                        continue;
                    };
                    let mut dup = first.fields.clone();
                    dup[0] = format!("dup of line {}", first.line);
                    (quoted(&dup), Bad::Duplicate(first.line))
                }
            };
            let spans = row.matches('\n').count() + 1;
            writeln!(text, "{row}\r").unwrap();
            bad.push((line, problem));
            line += spans;
            continue;
        }
        let row = fields
            .iter()
            .map(|f| quote(f))
            .collect::<Vec<_>>()
            .join(",");
        writeln!(text, "{row}\r").unwrap();
        let spans = lines_of(&fields);
        phones.push(FleetPhone {
            line,
            mac,
            kind,
            holds,
            hash,
            fields,
        });
        line += spans;
    }
    // Last, a line whose quote is never closed.
    text.push_str("\"never closed,SEP001E7AFFFFFF,00,CP-8845,,RTP\r\n");
    bad.push((line, Bad::UnclosedQuote));
    Fleet {
        csv: text.into_bytes(),
        columns: COLUMNS.to_vec(),
        phones,
        bad,
    }
}

/// What the audit must say about a phone: (held file name or "unknown-hash",
/// status, server verdict, next verdict).
pub fn expected_row(
    cluster: &Cluster,
    p: &FleetPhone,
) -> (&'static str, &'static str, &'static str, &'static str) {
    let g = &cluster.gens;
    let (server, next) = match p.kind {
        Kind::Itl => (Some(SERVER_ITL), Some(NEXT_ITL)),
        Kind::Ctl => (Some(SERVER_CTL), None),
    };
    match p.holds {
        None => ("unknown-hash", "stale", "unknown", "unknown"),
        Some(h) => (
            g[h].name,
            if Some(h) == server {
                "current"
            } else {
                "stale"
            },
            server.map_or("unknown", |s| expected(&g[h], &g[s])),
            next.map_or("unknown", |s| expected(&g[h], &g[s])),
        ),
    }
}
