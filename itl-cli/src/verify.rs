//! `itltool verify FILE... [--trust CERT_OR_TLV]...`: the file signature, the
//! optional outside trust, and every record's certificate checks; one line per
//! check or warning and a summary line per file.
//!
//! ```text
//! ITLFile.tlv: ok   signature: SHA-1, RSA-1024 key of record 1 (SAST) CN=…
//! ITLFile.tlv: ok   record 1 (SAST): subject_name: SUBJECTNAME matches the certificate (CN=…)
//! ITLFile.tlv: warn record 1 (SAST): the certificate's RSA key has 1024 bits, under 2048
//! ITLFile.tlv: valid (13 checks passed, 2 warnings)
//! ```
//!
//! The lines and documents are itl-core's ([`itl_core::write_verify`],
//! [`itl_core::write_verify_json`]); this loads the `--trust` sources and runs
//! them over the files.
//!
//! Exit status: 0 every file valid; 1 any check failed; 2 any file (or trust
//! source) unreadable or malformed, or bad usage.

use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use itl_core::{
    JsonLayout, TrustAnchor, TrustList, VerifyOptions, load_certificate, write_verify,
    write_verify_json,
};

use crate::bulk::{self, Status};
use crate::{EXIT_ERROR, input};

/// Why a `--trust` source could not be used.
#[derive(Debug)]
#[non_exhaustive]
pub enum TrustSourceError {
    /// The file could not be read.
    Input(input::InputError),
    /// The file is neither a trust list nor a certificate.
    Unrecognised {
        /// The file.
        path: PathBuf,
        /// Why it is not a trust list.
        as_trust_list: String,
        /// Why it is not a certificate.
        as_certificate: String,
    },
    /// A certificate whose key cannot verify RSA signatures.
    UnusableCertificate {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

impl fmt::Display for TrustSourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Input(e) => write!(f, "{e}"),
            Self::Unrecognised {
                path,
                as_trust_list,
                as_certificate,
            } => write!(
                f,
                "{}: --trust needs a certificate (PEM or DER) or an ITL/CTL file; as a trust list: {as_trust_list}; as a certificate: {as_certificate}",
                path.display()
            ),
            Self::UnusableCertificate { path, reason } => {
                write!(f, "{}: cannot be trusted: {reason}", path.display())
            }
        }
    }
}

impl std::error::Error for TrustSourceError {}

/// Reads the trusted keys of one `--trust` source: a certificate, or the SAST,
/// CCM+TFTP and TFTP entries of an ITL/CTL file.
pub fn load_trust(path: &Path) -> Result<Vec<TrustAnchor>, TrustSourceError> {
    let bytes = input::read_source(path).map_err(TrustSourceError::Input)?;
    let name = path.display().to_string();
    let as_trust_list = match TrustList::parse_with(&bytes, input::limits()) {
        Ok(tl) => return Ok(TrustAnchor::from_trust_list(&tl, &name)),
        Err(e) => e.to_string(),
    };
    // A PEM bundle: every certificate in it is trusted.
    let blocks = pem_certificate_blocks(&bytes);
    if blocks.len() > 1 {
        let mut anchors = Vec::with_capacity(blocks.len());
        for (i, block) in blocks.iter().enumerate() {
            let label = format!("{name} certificate {} of {}", i + 1, blocks.len());
            let der =
                load_certificate(block).map_err(|e| TrustSourceError::UnusableCertificate {
                    path: path.to_owned(),
                    reason: format!("certificate {} of the bundle: {e}", i + 1),
                })?;
            let anchor = TrustAnchor::from_certificate(&der, &label).map_err(|reason| {
                TrustSourceError::UnusableCertificate {
                    path: path.to_owned(),
                    reason: format!("certificate {} of the bundle: {reason}", i + 1),
                }
            })?;
            anchors.push(anchor);
        }
        return Ok(anchors);
    }
    match load_certificate(&bytes) {
        Ok(der) => TrustAnchor::from_certificate(&der, &name)
            .map(|a| vec![a])
            .map_err(|reason| TrustSourceError::UnusableCertificate {
                path: path.to_owned(),
                reason: reason.to_string(),
            }),
        Err(e) => Err(TrustSourceError::Unrecognised {
            path: path.to_owned(),
            as_trust_list,
            as_certificate: e.to_string(),
        }),
    }
}

/// The `-----BEGIN CERTIFICATE-----` … `-----END CERTIFICATE-----` blocks of a
/// PEM text, in order (empty when `bytes` is not PEM text).
pub fn pem_certificate_blocks(bytes: &[u8]) -> Vec<&[u8]> {
    const BEGINS: [&str; 2] = [
        "-----BEGIN CERTIFICATE-----",
        "-----BEGIN X509 CERTIFICATE-----",
    ];
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Vec::new();
    };
    let mut blocks = Vec::new();
    let mut rest = 0;
    while let Some((start, begin)) = BEGINS
        .iter()
        .filter_map(|b| text.get(rest..)?.find(b).map(|i| (rest + i, *b)))
        .min_by_key(|(i, _)| *i)
    {
        let end_marker = begin.replace("BEGIN", "END");
        let Some(end) = text.get(start..).and_then(|t| t.find(&end_marker)) else {
            break;
        };
        let end = start + end + end_marker.len();
        if let Some(block) = bytes.get(start..end) {
            blocks.push(block);
        }
        rest = end;
    }
    blocks
}

/// How `itltool verify` runs over its files.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Walk directories among the files for `*.tlv` files (`-r`).
    pub recursive: bool,
    /// Print only each file's summary line (`--summary`).
    pub summary: bool,
    /// Allow a progress bar on standard error (when it is a terminal).
    pub progress: bool,
    /// `--format json`: one document per file (docs/JSON.md) instead of lines.
    pub json: bool,
}

/// `itltool verify`: checks each file, against the keys of `trust` sources when
/// any are given. Files are checked in parallel ([`crate::bulk`]) and reported
/// in input order; with more than one file (or `-r`) a last line gives the
/// totals: `total: N files, N valid, N invalid, N errors`. Returns the exit code.
pub fn run(
    files: &[PathBuf],
    trust: &[PathBuf],
    now: i64,
    options: Options,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<i32> {
    let anchors = if trust.is_empty() {
        None
    } else {
        let mut all = Vec::new();
        for path in trust {
            match load_trust(path) {
                Ok(a) => all.extend(a),
                Err(e) => {
                    writeln!(err, "error: {e}")?;
                    return Ok(EXIT_ERROR);
                }
            }
        }
        Some(all)
    };
    let sources = match crate::signed::TrustSources::load(trust) {
        Ok(s) => s,
        Err(e) => {
            writeln!(err, "error: {e}")?;
            return Ok(EXIT_ERROR);
        }
    };
    // Signed files can only be checked against --trust: without it, -r takes
    // the trust lists alone.
    let inputs = if sources.is_empty() {
        bulk::expand(files, options.recursive)
    } else {
        bulk::expand_with_signed(files, options.recursive)
    };
    let many = inputs.len() > 1 || options.recursive;
    let work = |input: &Result<PathBuf, input::InputError>, o: &mut Vec<u8>, e: &mut Vec<u8>| {
        bulk::with_bytes(input.as_deref(), e, |path, bytes, e| {
            let name = path.to_string_lossy();
            let tl = match input::parse_any(path, bytes) {
                Ok(itl_core::AnyFile::TrustList(tl)) => tl,
                Ok(itl_core::AnyFile::Signed(f)) => {
                    if sources.is_empty() {
                        return bulk::error_line(
                            e,
                            &format_args!(
                                "{name}: a signed file carries no key of its own: give --trust ITLFile.tlv (the phone's ITL, and/or its CTL) or --trust CERT"
                            ),
                        );
                    }
                    if options.json {
                        let verdict = crate::signed::check(&f, &sources);
                        let valid = matches!(verdict, crate::signed::Verdict::Trusted { .. });
                        let mut doc = crate::signed::json(path, &f, &verdict);
                        doc.valid = Some(valid);
                        let written = if many {
                            serde_json::to_writer(&mut *o, &doc)
                        } else {
                            serde_json::to_writer_pretty(&mut *o, &doc)
                        };
                        let _ = written.map_err(io::Error::from).and_then(|()| writeln!(o));
                        return if valid { Status::Ok } else { Status::Fail };
                    }
                    let mut lines = Vec::new();
                    let valid = match crate::signed::verify_lines(&mut lines, &name, &f, &sources) {
                        Ok(v) => v,
                        Err(err) => return bulk::error_line(e, &err),
                    };
                    let mut text = String::from_utf8_lossy(&lines).into_owned();
                    if options.summary {
                        let start = text.trim_end().rfind('\n').map_or(0, |i| i + 1);
                        text.drain(..start);
                    }
                    o.extend_from_slice(text.as_bytes());
                    return if valid { Status::Ok } else { Status::Fail };
                }
                Ok(_) => return Status::Ok,
                Err(err) => return bulk::error_line(e, &err),
            };
            let mut verify = VerifyOptions::new(now);
            verify.anchors = anchors.as_deref();
            verify.summary = options.summary;
            let valid = if options.json {
                let layout = if many {
                    JsonLayout::Line
                } else {
                    JsonLayout::Pretty
                };
                write_verify_json(o, &name, &tl, &verify, layout)
            } else {
                write_verify(o, &name, &tl, &verify)
            };
            match valid {
                Ok(true) => Status::Ok,
                Ok(false) => Status::Fail,
                Err(err) => bulk::error_line(e, &err),
            }
        })
    };
    let totals = bulk::run_into(&inputs, work, out, err, options.progress)?;
    if many && options.json {
        bulk::write_totals_line(
            out,
            &[
                ("files", totals.files),
                ("valid", totals.ok),
                ("invalid", totals.fail),
                ("errors", totals.error),
            ],
        )?;
    } else if many {
        writeln!(
            out,
            "total: {} files, {} valid, {} invalid, {} errors",
            totals.files, totals.ok, totals.fail, totals.error
        )?;
    }
    Ok(totals.exit_code())
}
