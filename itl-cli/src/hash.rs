//! `itltool hash`: whole-file fingerprints in `md5sum` format, the way phones
//! show them (MD5 or SHA-1, by model) and administrators compare them. The lines
//! and documents are itl-core's ([`itl_core::write_hash`],
//! [`itl_core::write_hash_json`]); this runs them over the files.

use std::io::{self, Write};
use std::path::PathBuf;

use itl_core::{FileHash, JsonLayout, write_hash, write_hash_json};
use serde::Serialize;

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
pub fn run(
    files: &[PathBuf],
    algo: FileHash,
    options: Options,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    let mut code = EXIT_OK;
    let inputs = crate::bulk::expand(files, options.recursive);
    let many = inputs.len() > 1 || options.recursive;
    let layout = if many {
        JsonLayout::Line
    } else {
        JsonLayout::Pretty
    };
    let (mut ok, mut errors) = (0usize, 0usize);
    for input in &inputs {
        let result = input
            .as_ref()
            .map_err(ToString::to_string)
            .and_then(|path| {
                input::read_source(path)
                    .map(|b| (path, b))
                    .map_err(|e| e.to_string())
            });
        match result {
            Ok((path, bytes)) => {
                ok += 1;
                let name = path.display().to_string();
                if options.json {
                    write_hash_json(out, &name, &bytes, algo, layout)?;
                } else {
                    write_hash(out, &name, &bytes, algo)?;
                }
            }
            Err(e) => {
                errors += 1;
                out.flush()?;
                writeln!(err, "error: {e}")?;
                code = EXIT_ERROR;
            }
        }
    }
    if options.json && many {
        let totals = Totals {
            totals: Counts {
                files: ok + errors,
                ok,
                errors,
            },
        };
        serde_json::to_writer(&mut *out, &totals)?;
        writeln!(out)?;
    }
    Ok(code)
}
