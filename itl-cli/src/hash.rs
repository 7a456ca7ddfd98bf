//! `itltool hash`: whole-file fingerprints in `md5sum` format, the way phones
//! show them (MD5 or SHA-1, by model) and administrators compare them.

use std::io::{self, Write};
use std::path::PathBuf;

use itl_core::Fingerprints;

use crate::{EXIT_ERROR, EXIT_OK, input};

/// Which hash to print.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum HashAlgo {
    /// MD5 (`md5sum`), the default.
    Md5,
    /// SHA-1 (`sha1sum`).
    Sha1,
    /// SHA-256 (`sha256sum`).
    Sha256,
}

/// A file name as `md5sum` prints it: names holding a backslash or a newline
/// are escaped and the line is then marked with a leading backslash.
fn escaped_name(name: &str) -> (bool, String) {
    if name.contains(['\\', '\n', '\r']) {
        let e = name
            .replace('\\', "\\\\")
            .replace('\n', "\\n")
            .replace('\r', "\\r");
        (true, e)
    } else {
        (false, name.to_owned())
    }
}

/// How `itltool hash` runs.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Walk directories among the files for `*.tlv` files (`-r`).
    pub recursive: bool,
    /// `--format json`: one document per file (docs/JSON.md).
    pub json: bool,
}

impl HashAlgo {
    fn name(self) -> &'static str {
        match self {
            Self::Md5 => "md5",
            Self::Sha1 => "sha1",
            Self::Sha256 => "sha256",
        }
    }
}

/// Prints `HEX  FILE` for each file (the whole file is hashed, whether or not it
/// parses, exactly as `md5sum` would), or with `json` one document per file
/// (one per line, then a totals line, when there are several). Unreadable files
/// are reported on `err` as `error: FILE: …`; returns [`EXIT_ERROR`] if any
/// was, else [`EXIT_OK`].
pub fn run(
    files: &[PathBuf],
    algo: HashAlgo,
    options: Options,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    let mut code = EXIT_OK;
    let inputs = crate::bulk::expand(files, options.recursive);
    let many = inputs.len() > 1 || options.recursive;
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
                let fp = Fingerprints::of(&bytes);
                let hex = match algo {
                    HashAlgo::Md5 => fp.md5,
                    HashAlgo::Sha1 => fp.sha1,
                    HashAlgo::Sha256 => fp.sha256,
                };
                if options.json {
                    let doc = serde_json::json!({
                        "schema": 1,
                        "file": path.display().to_string(),
                        "size": bytes.len(),
                        "algorithm": algo.name(),
                        "hash": hex,
                    });
                    if many {
                        writeln!(out, "{doc}")?;
                    } else {
                        writeln!(out, "{doc:#}")?;
                    }
                    continue;
                }
                let (mark, name) = escaped_name(&path.display().to_string());
                let mark = if mark { "\\" } else { "" };
                writeln!(out, "{mark}{hex}  {name}")?;
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
        let line =
            serde_json::json!({"totals": {"files": ok + errors, "ok": ok, "errors": errors}});
        writeln!(out, "{line}")?;
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped_like_md5sum() {
        assert_eq!(escaped_name("a b.tlv"), (false, "a b.tlv".to_owned()));
        assert_eq!(escaped_name("a\\b\nc"), (true, "a\\\\b\\nc".to_owned()));
    }
}
