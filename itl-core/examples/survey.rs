//! What a tool built on itl-core looks like: survey a directory of trust lists,
//! then compare the phone's file with the server's and act on the verdict.
//!
//! ```text
//! cargo run -p itl-core --example survey -- DIR [PHONE SERVER]
//! ```
//!
//! For every `*.tlv` under DIR: its kind, signer, number of records and whether
//! its signature verifies. With PHONE and SERVER: will the phone accept the
//! server's file?
//!
//! Exit status: 0 every file read (and the phone accepts or already has the
//! server's file); 1 the phone would refuse it; 2 a file is unreadable or
//! malformed, or bad arguments.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use itl_core::{Remedy, TrustList, Verdict, common_name, decide, diff, verify_signature};

fn tlv_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            tlv_files(&path, out)?;
        } else if path
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("tlv"))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// The CN of a DN string, or the whole string.
fn short_name(dn: Option<String>) -> String {
    let dn = dn.unwrap_or_default();
    common_name(&dn).unwrap_or(dn)
}

/// One line per file; `false` if the file could not be read or parsed.
fn survey(path: &Path) -> bool {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {}: {e}", path.display());
            return false;
        }
    };
    let tl = match TrustList::parse(&bytes) {
        Ok(tl) => tl,
        Err(e) => {
            // ParseError says where: the byte offset and the element.
            eprintln!("error: {}: {e} (at byte {})", path.display(), e.offset());
            return false;
        }
    };
    let signature = match verify_signature(&tl) {
        Ok(report) => format!(
            "signed by record {} ({}-bit RSA, {})",
            report.signer_record, report.key_bits, report.digest
        ),
        Err(e) => format!("signature does not verify: {e}"),
    };
    println!(
        "{}: {}, signer {}, {} records, {signature}",
        path.display(),
        tl.kind().as_str(),
        short_name(tl.header().signer_name()),
        tl.records().len(),
    );
    true
}

fn load(path: &str) -> Result<Vec<u8>, ExitCode> {
    std::fs::read(path).map_err(|e| {
        eprintln!("error: {path}: {e}");
        ExitCode::from(2)
    })
}

/// Compares the phone's file with the server's; the exit status follows the verdict.
fn phone_versus_server(phone: &str, server: &str) -> Result<ExitCode, ExitCode> {
    let (phone_bytes, server_bytes) = (load(phone)?, load(server)?);
    let parse = |name: &str, bytes| {
        TrustList::parse(bytes).map_err(|e| {
            eprintln!("error: {name}: {e}");
            ExitCode::from(2)
        })
    };
    let (phone_tl, server_tl) = (parse(phone, &phone_bytes)?, parse(server, &server_bytes)?);
    // What changed (records, signer), then what the phone does about it.
    let d = diff(&phone_tl, &server_tl);
    println!(
        "compare {phone} -> {server}: {} added, {} removed, {} changed records",
        d.added.len(),
        d.removed.len(),
        d.changed.len()
    );
    let decision = decide(&phone_tl, None, &server_tl);
    let accepted = match decision.verdict {
        Verdict::Identical => {
            println!("verdict: identical, nothing to do");
            true
        }
        Verdict::AcceptedSigner | Verdict::AcceptedTvs => {
            let how = if decision.verdict == Verdict::AcceptedSigner {
                "its signer is trusted"
            } else {
                "its TVS entry vouches for the signer"
            };
            match &decision.trusted_by {
                Some(t) => println!(
                    "verdict: accepted, {how}: phone {} record {}",
                    t.file.as_str(),
                    t.record.index
                ),
                None => println!("verdict: accepted, {how}"),
            }
            true
        }
        Verdict::Rejected => {
            println!(
                "verdict: rejected, the phone refuses the server's file ({} remedies)",
                decision.remedies.len()
            );
            // Remedies are data: act on the ones a script can act on.
            for r in &decision.remedies {
                match r {
                    Remedy::RecoveryReset { record, .. } => println!(
                        "  the phone's ITLRecovery entry (record {}) still works: reset the file with it",
                        record.index
                    ),
                    Remedy::DeleteOnPhone { kind } => {
                        println!("  last resort: delete the {} on each phone", kind.as_str())
                    }
                    _ => {}
                }
            }
            false
        }
        // Only when comparing hashes; and verdicts may be added (non_exhaustive).
        other => {
            println!("verdict: {other}");
            other.is_ok()
        }
    };
    Ok(if accepted {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (dir, pair) = match args.as_slice() {
        [dir] => (dir, None),
        [dir, phone, server] => (dir, Some((phone, server))),
        _ => {
            eprintln!("usage: survey DIR [PHONE SERVER]");
            return ExitCode::from(2);
        }
    };
    let mut files = Vec::new();
    if let Err(e) = tlv_files(Path::new(dir), &mut files) {
        eprintln!("error: {dir}: {e}");
        return ExitCode::from(2);
    }
    files.sort();
    let bad = files.iter().filter(|f| !survey(f)).count();
    println!("{} files, {bad} unreadable or malformed", files.len());
    let verdict = match pair {
        Some((phone, server)) => match phone_versus_server(phone, server) {
            Ok(code) | Err(code) => code,
        },
        None => ExitCode::SUCCESS,
    };
    if bad == 0 { verdict } else { ExitCode::from(2) }
}
