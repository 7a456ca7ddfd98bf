//! `itltool hash`: whole-file fingerprints in `md5sum` format, the way phones
//! show them (MD5 or SHA-1, by model) and administrators compare them. The lines
//! and documents are itl-core's ([`itl_core::write_hash`],
//! [`itl_core::write_hash_json`]); this runs them over the files.

use std::cell::RefCell;
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use itl_core::{FileHash, JsonLayout, write_hash, write_hash_json};
use serde::Serialize;

use crate::bulk::Status;
use crate::{EXIT_ERROR, EXIT_OK, input};

/// How `itltool hash` runs.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Walk directories among the files for `*.tlv` files (`-r`).
    pub recursive: bool,
    /// `--format json`: one document per file (docs/JSON.md).
    pub json: bool,
}

/// The last line of `hash --format json` over several files.
#[derive(Serialize)]
struct Totals {
    totals: Counts,
}

#[derive(Serialize)]
struct Counts {
    files: usize,
    ok: usize,
    errors: usize,
}

/// Prints `HEX  FILE` for each file (the whole file is hashed, whether or not it
/// parses, exactly as `md5sum` would), or with `json` one document per file
/// (one per line, then a totals line, when there are several). Unreadable files
/// are reported on `err` as `error: FILE: …`; returns [`EXIT_ERROR`] if any
/// was, else [`EXIT_OK`].
///
/// Many files are hashed in parallel on every core by [`crate::bulk::run_into`]
/// (output in input order, memory flat, one reused read buffer per worker); a
/// progress bar appears when standard error is a terminal and the run is long.
pub fn run(
    files: &[PathBuf],
    algo: FileHash,
    options: Options,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    let inputs = crate::bulk::expand(files, options.recursive);
    let many = inputs.len() > 1 || options.recursive;
    let layout = if many {
        JsonLayout::Line
    } else {
        JsonLayout::Pretty
    };
    let work = |input: &Result<PathBuf, input::InputError>, o: &mut Vec<u8>, e: &mut Vec<u8>| {
        let error = |e: &mut Vec<u8>, what: &dyn std::fmt::Display| {
            let _ = writeln!(e, "error: {what}");
            Status::Error
        };
        let path = match input {
            Ok(p) => p,
            Err(err) => return error(e, err),
        };
        // One read buffer per worker thread, reused from file to file.
        thread_local! {
            static BUF: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
        }
        BUF.with(|buf| {
            let Ok(mut bytes) = buf.try_borrow_mut() else {
                return error(e, &"internal error: read buffer in use");
            };
            if let Err(err) = input::read_source_into(path, &mut bytes) {
                return error(e, &err);
            }
            let name = path.to_string_lossy();
            let written = if options.json {
                write_hash_json(o, &name, &bytes, algo, layout)
            } else {
                write_hash(o, &name, &bytes, algo)
            };
            match written {
                Ok(()) => Status::Ok,
                Err(err) => error(e, &err),
            }
        })
    };
    let progress = std::io::stderr().is_terminal();
    let totals = crate::bulk::run_into(&inputs, work, out, err, progress)?;
    if options.json && many {
        let totals = Totals {
            totals: Counts {
                files: totals.files,
                ok: totals.ok,
                errors: totals.error,
            },
        };
        serde_json::to_writer(&mut *out, &totals)?;
        writeln!(out)?;
    }
    Ok(if totals.error > 0 {
        EXIT_ERROR
    } else {
        EXIT_OK
    })
}
