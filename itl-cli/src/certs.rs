//! `itltool certs FILE --out DIR [--der]`: writes each embedded certificate to
//! `DIR/<index>-<function>-<CN>.pem` (or `.der`), never overwriting a file.

use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use itl_core::{DigestAlgorithm, TrustList, dn, fingerprint, hex_lower};

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

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
fn base64(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(B64[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A DER certificate as PEM (64-character lines).
pub fn pem(der: &[u8]) -> String {
    let b = base64(der);
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    for line in b.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
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
            .and_then(|s| dn::common_name(&s))
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
    if !plan.is_empty() {
        std::fs::create_dir_all(dir).map_err(|source| CertsError::Io {
            path: dir.to_owned(),
            source,
        })?;
    }
    let mut written: Vec<PathBuf> = Vec::new();
    for (path, index, function, cert) in &plan {
        let bytes = if der {
            cert.to_vec()
        } else {
            pem(cert).into_bytes()
        };
        if let Err(e) = write_new(path, &bytes) {
            // Leave nothing half done.
            for p in &written {
                let _ = std::fs::remove_file(p);
            }
            return Err(e);
        }
        written.push(path.clone());
        let sha1 = fingerprint::hash(DigestAlgorithm::SHA1, cert).unwrap_or_default();
        writeln!(
            out,
            "wrote {} (record {index}, {function}, {} bytes DER, SHA-1 {})",
            path.display(),
            cert.len(),
            hex_lower(&sha1)
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
    fn base64_vectors() {
        // RFC 4648 §10.
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), o);
        }
    }
}
