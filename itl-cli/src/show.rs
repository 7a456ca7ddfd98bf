//! `itltool show --format json` over many files (more than one named, or `-r`):
//! one compact JSON document per line, in input order, then a totals line
//! (docs/JSON.md). Each document is serialised by itl-core's
//! [`itl_core::write_show_json`] straight into the output buffer of the worker
//! that read the file, record by record, with no document tree in between, and
//! the buffers are written in input order with only a few files ahead
//! ([`bulk::run_streaming`]): memory stays flat however many files there are.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use itl_core::{AnyFile, JsonLayout, JsonOptions, SignedFile, write_show_json};

use crate::bulk::{self, Status};
use crate::input;

/// Writes one compact JSON document per file, in input order, then one line
/// `{"totals":{"files":N,"ok":N,"failed":N,"errors":N}}`. Unreadable or
/// malformed files get an `error: …` line on `err` and count in `errors`; a
/// file with failures (its signature or a record check) counts in `failed`.
/// `signed_doc` writes the document of a signed file (`.sgn`) and returns
/// whether it failed. Files are processed in parallel ([`crate::bulk`]).
/// Returns the exit code (2 if any file was unreadable, else 1 if any failed).
pub fn write_many_json(
    paths: &[PathBuf],
    recursive: bool,
    now: i64,
    signed_doc: &(dyn Fn(&mut dyn Write, &Path, &SignedFile<'_>) -> io::Result<bool> + Sync),
    out: &mut dyn Write,
    err: &mut dyn Write,
    progress: bool,
) -> io::Result<i32> {
    let inputs = bulk::expand_with_signed(paths, recursive);
    let mut options = JsonOptions::new(now);
    options.layout = JsonLayout::Line;
    let work = |input: &Result<PathBuf, input::InputError>, o: &mut Vec<u8>, e: &mut Vec<u8>| {
        bulk::with_bytes(input.as_deref(), e, |path, bytes, e| {
            let failed = match input::parse_any(path, bytes) {
                Ok(AnyFile::Signed(f)) => signed_doc(o, path, &f),
                Ok(other) => match other.as_trust_list() {
                    Some(tl) => write_show_json(o, &path.display().to_string(), tl, &options)
                        .map(|shown| shown.failures > 0),
                    None => Ok(false),
                },
                Err(err) => return bulk::error_line(e, &err),
            };
            match failed {
                Ok(true) => Status::Fail,
                Ok(false) => Status::Ok,
                Err(err) => bulk::error_line(e, &err),
            }
        })
    };
    let totals = bulk::run_streaming(&inputs, work, out, err, progress)?;
    bulk::write_totals_line(
        out,
        &[
            ("files", totals.files),
            ("ok", totals.ok),
            ("failed", totals.fail),
            ("errors", totals.error),
        ],
    )?;
    Ok(totals.exit_code())
}
