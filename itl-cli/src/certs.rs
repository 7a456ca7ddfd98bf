//! `itltool certs FILE -o DIR [--der] [--force]`: writes each embedded certificate to
//! `DIR/<index>-<function>-<CN>.pem` (or `.der`), never overwriting a file.

use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use itl_core::{DigestAlgorithm, TrustList};

/// Why `certs` wrote nothing (exit status 2).
#[derive(Debug)]
#[non_exhaustive]
pub enum CertsError {
    /// A target file exists already; nothing was written.
    Exists(PathBuf),
    /// The output directory could not be created or written.
    Io {
        /// The path.
        path: PathBuf,
        /// What the OS said.
        source: io::Error,
    },
    /// Writing the report to stdout failed.
    Stdout(io::Error),
}

impl fmt::Display for CertsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Exists(p) => write!(
                f,
                "{}: exists; nothing was written (use --force to replace it, or choose another -o directory)",
                p.display()
            ),
            Self::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Self::Stdout(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for CertsError {}

/// A name part safe on every file system: ASCII letters, digits, `.`, `_` and `-`
/// kept, anything else made `_`; no leading dot; at most 64 characters; `unknown`
/// when nothing is left.
pub fn safe_name(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    while out.starts_with('.') {
        out.remove(0);
    }
    if out.is_empty() {
        "unknown".to_owned()
    } else {
        out
    }
}

/// A DER certificate as PEM (RFC 7468: 64-character lines, LF line ends).
pub fn pem(der: &[u8]) -> Result<String, pem_rfc7468::Error> {
    pem_rfc7468::encode_string("CERTIFICATE", pem_rfc7468::LineEnding::LF, der)
}

/// `certs --format json` (docs/JSON.md).
#[derive(serde::Serialize)]
struct CertsDoc<'a> {
    schema: u32,
    file: &'a str,
    directory: String,
    format: &'a str,
    written: Vec<WrittenDoc<'a>>,
    skipped: Vec<SkippedDoc<'a>>,
}

/// A certificate file `certs` wrote.
#[derive(serde::Serialize)]
struct WrittenDoc<'a> {
    path: String,
    record: usize,
    function: &'a str,
    der_bytes: usize,
    sha1: &'a str,
    replaced: bool,
}

/// A record without a certificate.
#[derive(serde::Serialize)]
struct SkippedDoc<'a> {
    record: usize,
    function: &'a str,
    reason: &'a str,
}

/// How [`write_certs`] writes.
#[derive(Clone, Copy, Debug, Default)]
pub struct CertsOptions {
    /// DER (`.der`) instead of PEM (`.pem`).
    pub der: bool,
    /// Replace files that exist (each is still written atomically).
    pub force: bool,
    /// Report as JSON (docs/JSON.md) instead of lines.
    pub json: bool,
}

/// Writes each embedded certificate of `tl` to `dir` as
/// `<index>-<function>-<CN>.pem` (or `.der`) and reports on `out` what was
/// written and skipped. Without `force`, if any target exists nothing is
/// written; every file is written atomically, and on a failure the files this
/// run created are removed. `source` names the input in the JSON report.
pub fn write_certs(
    out: &mut dyn Write,
    tl: &TrustList<'_>,
    dir: &Path,
    source: &str,
    options: CertsOptions,
) -> Result<(), CertsError> {
    let der = options.der;
    let ext = if der { "der" } else { "pem" };
    let mut plan = Vec::new();
    let mut skipped = Vec::new();
    for (i, r) in tl.records().iter().enumerate() {
        let index = i + 1;
        let function = r
            .function()
            .map_or_else(|| "none".to_owned(), |f| f.short_name());
        let Some(cert) = r.certificate() else {
            let what = if r.cert_hash().is_some() {
                "no certificate (CERTHASH only)"
            } else {
                "no certificate"
            };
            skipped.push((index, function, what));
            continue;
        };
        let cn = r
            .subject_name()
            .and_then(|s| itl_core::common_name(&s))
            .or_else(|| {
                itl_core::CertInfo::parse(cert)
                    .ok()
                    .and_then(|c| itl_core::common_name(&c.subject))
            })
            .unwrap_or_default();
        let name = format!("{index}-{}-{}.{ext}", safe_name(&function), safe_name(&cn));
        plan.push((dir.join(name), index, function, cert));
    }
    if !options.force {
        for (path, ..) in &plan {
            if path.symlink_metadata().is_ok() {
                return Err(CertsError::Exists(path.clone()));
            }
        }
    }
    // Encode everything before writing anything.
    let contents = plan
        .iter()
        .map(|(path, _, _, cert)| {
            if der {
                return Ok(cert.to_vec());
            }
            pem(cert)
                .map(String::into_bytes)
                .map_err(|e| CertsError::Io {
                    path: path.clone(),
                    source: io::Error::other(format!("cannot encode as PEM: {e}")),
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if !plan.is_empty() {
        std::fs::create_dir_all(dir).map_err(|source| CertsError::Io {
            path: dir.to_owned(),
            source,
        })?;
    }
    let mut created: Vec<PathBuf> = Vec::new();
    let mut written = Vec::new();
    for ((path, index, function, cert), bytes) in plan.iter().zip(&contents) {
        let existed = path.symlink_metadata().is_ok();
        // Atomic, without an fsync per file: at about 5 ms each on a disk, the
        // ~1,400 certificates a 1 MiB file can hold took 7 s; the extraction
        // can be run again.
        let result =
            crate::fetch::write_atomic(path, bytes, options.force, false).map_err(|e| match e {
                crate::fetch::FetchError::Exists(p) => CertsError::Exists(p),
                crate::fetch::FetchError::Write { path, source } => CertsError::Io { path, source },
                other => CertsError::Io {
                    path: path.clone(),
                    source: io::Error::other(other.to_string()),
                },
            });
        if let Err(e) = result {
            // Leave nothing half done.
            for p in &created {
                let _ = std::fs::remove_file(p);
            }
            return Err(e);
        }
        if !existed {
            created.push(path.clone());
        }
        let sha1 = hex::encode(DigestAlgorithm::SHA1.hash(cert).unwrap_or_default());
        written.push((path, *index, function, cert.len(), sha1, existed));
    }
    if options.json {
        let doc = CertsDoc {
            schema: itl_core::JSON_SCHEMA_VERSION,
            file: source,
            directory: dir.display().to_string(),
            format: ext,
            written: written
                .iter()
                .map(|(path, index, function, len, sha1, replaced)| WrittenDoc {
                    path: path.display().to_string(),
                    record: *index,
                    function,
                    der_bytes: *len,
                    sha1,
                    replaced: *replaced,
                })
                .collect(),
            skipped: skipped
                .iter()
                .map(|(index, function, why)| SkippedDoc {
                    record: *index,
                    function,
                    reason: why,
                })
                .collect(),
        };
        serde_json::to_writer_pretty(&mut *out, &doc).map_err(|e| CertsError::Stdout(e.into()))?;
        writeln!(out).map_err(CertsError::Stdout)?;
        return Ok(());
    }
    for (path, index, function, len, sha1, replaced) in &written {
        let verb = if *replaced { "replaced" } else { "wrote" };
        writeln!(
            out,
            "{verb} {} (record {index}, {function}, {len} bytes DER, SHA-1 {sha1})",
            path.display(),
        )
        .map_err(CertsError::Stdout)?;
    }
    for (index, function, what) in skipped {
        writeln!(out, "record {index} ({function}): {what}, skipped")
            .map_err(CertsError::Stdout)?;
    }
    if plan.is_empty() {
        writeln!(out, "no certificates in the file; nothing written")
            .map_err(CertsError::Stdout)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_names() {
        assert_eq!(safe_name("CCM+TFTP"), "CCM_TFTP");
        assert_eq!(safe_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_name("..hidden"), "hidden");
        assert_eq!(safe_name(""), "unknown");
        assert_eq!(safe_name("ISRG Root X1"), "ISRG_Root_X1");
        assert_eq!(safe_name("é/\\:*?\"<>|"), "__________");
        assert_eq!(safe_name(&"a".repeat(100)).len(), 64);
    }

    #[test]
    fn pem_encoding() {
        // RFC 4648 §10 base64 inside RFC 7468 armour, 64 characters a line.
        assert_eq!(
            pem(b"foobar").unwrap_or_default(),
            "-----BEGIN CERTIFICATE-----\nZm9vYmFy\n-----END CERTIFICATE-----\n"
        );
        assert_eq!(
            pem(b"fooba").unwrap_or_default(),
            "-----BEGIN CERTIFICATE-----\nZm9vYmE=\n-----END CERTIFICATE-----\n"
        );
        let long = pem(&[0xffu8; 100]).unwrap_or_default();
        let lines: Vec<&str> = long.lines().collect();
        assert_eq!(lines.len(), 5, "{long}");
        // 100 bytes 0xff: 132 '/' for the first 99, then "/w==".
        assert_eq!(lines[1], "/".repeat(64));
        assert_eq!(lines[2], "/".repeat(64));
        assert_eq!(lines[3], "/////w==");
    }
}
