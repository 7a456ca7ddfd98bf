//! `itltool certs FILE --out DIR [--der]`: writes each embedded certificate to
//! `DIR/<index>-<function>-<CN>.pem` (or `.der`), never overwriting a file.

use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use itl_core::{DigestAlgorithm, TrustList};

use crate::certinfo::parse_certificate;

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
                "{}: exists; nothing was written (remove it or choose another --out directory)",
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

/// Writes `bytes` to a new file `path`; fails if it exists. A failed write leaves
/// no file behind.
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), CertsError> {
    let io = |source| CertsError::Io {
        path: path.to_owned(),
        source,
    };
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| {
            if e.kind() == io::ErrorKind::AlreadyExists {
                CertsError::Exists(path.to_owned())
            } else {
                io(e)
            }
        })?;
    if let Err(e) = f.write_all(bytes).and_then(|()| f.sync_all()) {
        drop(f);
        let _ = std::fs::remove_file(path);
        return Err(io(e));
    }
    Ok(())
}

/// Writes every CERTIFICATE of `tl` to `dir` (created if needed) and reports each
/// file on `out`. Checks first that no target exists, so either all files are
/// written or none.
pub fn write_certs(
    out: &mut dyn Write,
    tl: &TrustList<'_>,
    dir: &Path,
    der: bool,
) -> Result<(), CertsError> {
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
            skipped.push(format!("record {index} ({function}): {what}, skipped"));
            continue;
        };
        let cn = r
            .subject_name()
            .and_then(|s| itl_core::common_name(&s))
            .or_else(|| parse_certificate(cert).ok().and_then(|c| c.subject_cn))
            .unwrap_or_default();
        let name = format!("{index}-{}-{}.{ext}", safe_name(&function), safe_name(&cn));
        plan.push((dir.join(name), index, function, cert));
    }
    for (path, ..) in &plan {
        if path.exists() {
            return Err(CertsError::Exists(path.clone()));
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
    let mut written: Vec<PathBuf> = Vec::new();
    for ((path, index, function, cert), bytes) in plan.iter().zip(&contents) {
        if let Err(e) = write_new(path, bytes) {
            // Leave nothing half done.
            for p in &written {
                let _ = std::fs::remove_file(p);
            }
            return Err(e);
        }
        written.push(path.clone());
        let sha1 = DigestAlgorithm::SHA1.hash(cert).unwrap_or_default();
        writeln!(
            out,
            "wrote {} (record {index}, {function}, {} bytes DER, SHA-1 {})",
            path.display(),
            cert.len(),
            hex::encode(&sha1)
        )
        .map_err(CertsError::Stdout)?;
    }
    for s in skipped {
        writeln!(out, "{s}").map_err(CertsError::Stdout)?;
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
