//! `itltool hash`: whole-file fingerprints in `md5sum` format, the way phones
//! show them (MD5 or SHA-1, by model) and administrators compare them. The lines
//! and documents are itl-core's ([`itl_core::write_hash`],
//! [`itl_core::write_hash_json`]); this runs them over the files.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use itl_core::{FileHash, JsonLayout, write_hash, write_hash_json};

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
        crate::bulk::with_bytes(input.as_deref(), e, |path, bytes, e| {
            let name = path.to_string_lossy();
            let written = if options.json {
                write_hash_json(o, &name, bytes, algo, layout)
            } else {
                write_hash(o, &name, bytes, algo)
            };
            match written {
                Ok(()) => Status::Ok,
                Err(err) => crate::bulk::error_line(e, &err),
            }
        })
    };
    let progress = std::io::stderr().is_terminal();
    let totals = crate::bulk::run_into(&inputs, work, out, err, progress)?;
    if options.json && many {
        crate::bulk::write_totals_line(
            out,
            &[
                ("files", totals.files),
                ("ok", totals.ok),
                ("errors", totals.error),
            ],
        )?;
    }
    Ok(if totals.error > 0 {
        EXIT_ERROR
    } else {
        EXIT_OK
    })
}
