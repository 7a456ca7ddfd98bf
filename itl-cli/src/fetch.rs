//! `itltool fetch`: download trust lists from a TFTP server (CUCM's TFTP
//! service) the way a phone does, and save them without ever leaving a
//! partial file or overwriting one (unless `--force`).

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use itl_core::Fingerprints;

use crate::tftp::{self, TftpError, TftpUrl};
use crate::{EXIT_FAIL, EXIT_OK};

/// Settings shared by both forms of `fetch`.
#[derive(Clone, Debug)]
pub struct FetchOptions {
    /// Give up when the server is silent this long.
    pub timeout: Duration,
    /// Replace existing files.
    pub force: bool,
    /// Report as JSON (docs/JSON.md) instead of text.
    pub json: bool,
}

impl Default for FetchOptions {
    fn default() -> Self {
        Self {
            timeout: tftp::DEFAULT_TIMEOUT,
            force: false,
            json: false,
        }
    }
}

impl FetchOptions {
    fn tftp(&self) -> tftp::Options {
        tftp::Options {
            timeout: self.timeout,
            max_size: crate::input::limits().max_size(),
            ..tftp::Options::default()
        }
    }
}

/// Why `fetch` failed (exit 2). Each message is one line.
#[derive(Debug)]
#[non_exhaustive]
pub enum FetchError {
    /// The transfer failed.
    Tftp {
        /// The URL or address.
        what: String,
        /// Why.
        error: TftpError,
    },
    /// The output file exists and `--force` was not given.
    Exists(PathBuf),
    /// The output path exists but is not a regular file (a device such as
    /// `/dev/null`, a FIFO, a socket, a directory): replacing it atomically would
    /// remove it, so it is refused even with `--force`.
    NotRegular(PathBuf),
    /// No output name can be made from the URL.
    NoFileName(String),
    /// The output file could not be written.
    Write {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: io::Error,
    },
    /// The MAC address is not 12 hex digits.
    BadMac(String),
    /// Writing to standard output failed (a closed pipe is not an error).
    Stdout(io::Error),
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Tftp { what, error } => write!(f, "{what}: {error}"),
            Self::NotRegular(path) => write!(
                f,
                "{}: exists and is not a regular file; it is not replaced (write to a new file instead)",
                path.display()
            ),
            Self::Exists(path) => write!(
                f,
                "{}: already exists; not overwritten (use --force to replace it)",
                path.display()
            ),
            Self::NoFileName(url) => write!(
                f,
                "{url}: cannot name a local file after this URL; give one with -o FILE"
            ),
            Self::Write { path, source } => {
                write!(f, "{}: cannot write: {source}", path.display())
            }
            Self::BadMac(mac) => write!(
                f,
                "MAC address \"{mac}\": expected 12 hex digits such as 0011215A1AE3 or SEP0011215A1AE3 (separators : - . allowed)"
            ),
            Self::Stdout(e) => write!(f, "standard output: {e}"),
        }
    }
}

impl std::error::Error for FetchError {}

/// `itltool fetch tftp://HOST[:PORT]/NAME [-o FILE]`: downloads one file in
/// octet mode and saves it as `output` (default: the last part of NAME in the
/// current directory; `-` writes the bytes to `out`). Prints one line naming
/// the saved file, its size and MD5.
pub fn fetch_url(
    url: &str,
    output: Option<&Path>,
    options: &FetchOptions,
    out: &mut dyn Write,
) -> Result<i32, FetchError> {
    let tftp_err = |error| FetchError::Tftp {
        what: url.to_owned(),
        error,
    };
    let parsed = TftpUrl::parse(url).map_err(tftp_err)?;
    let to_stdout = output == Some(Path::new("-"));
    let path = match output {
        Some(p) => p.to_owned(),
        None => PathBuf::from(
            parsed
                .file_name()
                .ok_or_else(|| FetchError::NoFileName(url.to_owned()))?,
        ),
    };
    // Refuse early, before any traffic; the write itself checks again.
    if !to_stdout && !options.force && path.symlink_metadata().is_ok() {
        return Err(FetchError::Exists(path));
    }
    let bytes = tftp::get(&parsed, &options.tftp()).map_err(tftp_err)?;
    if to_stdout {
        out.write_all(&bytes).map_err(FetchError::Stdout)?;
        return Ok(EXIT_OK);
    }
    write_new_file(&path, &bytes, options.force)?;
    let md5 = Fingerprints::of(&bytes).md5;
    if options.json {
        let doc = SavedJson {
            schema: 1,
            url: parsed.to_string(),
            saved: path.display().to_string(),
            size: bytes.len(),
            md5,
        };
        write_pretty(out, &doc)?;
        return Ok(EXIT_OK);
    }
    writeln!(
        out,
        "saved {} ({} bytes, MD5 {md5})",
        path.display(),
        bytes.len(),
    )
    .map_err(FetchError::Stdout)?;
    Ok(EXIT_OK)
}

/// Parses `--timeout SECONDS` (a number from 0.1 to 600, fractions allowed).
pub fn parse_timeout(s: &str) -> Result<Duration, String> {
    match s.trim().parse::<f64>() {
        Ok(secs) if (0.1..=600.0).contains(&secs) => Ok(Duration::from_secs_f64(secs)),
        _ => Err(format!(
            "\"{s}\" is not a number of seconds from 0.1 to 600"
        )),
    }
}

/// `12:34:56:78:9a:bc`, `1234.5678.9ABC`, `123456789abc`, `SEP123456789ABC`,
/// `sep12-34-56-78-9a-bc` → `123456789ABC`.
pub fn normalize_mac(mac: &str) -> Result<String, FetchError> {
    let bare = match mac.get(..3) {
        Some(p) if p.eq_ignore_ascii_case("SEP") => mac.get(3..).unwrap_or_default(),
        _ => mac,
    };
    let digits: String = bare
        .chars()
        .filter(|c| !matches!(c, ':' | '-' | '.'))
        .collect();
    if digits.len() != 12 || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(FetchError::BadMac(mac.to_owned()));
    }
    Ok(digits.to_ascii_uppercase())
}

/// One file asked for by [`fetch_phone`].
struct Asked {
    name: String,
    bytes: Option<Vec<u8>>,
}

/// `itltool fetch --mac MAC HOST[:PORT] [--dir DIR]`: asks for what a phone
/// asks for, `CTLSEP<MAC>.tlv` and `ITLSEP<MAC>.tlv`, and for whichever the
/// server does not have ("File not found"), `CTLFile.tlv` / `ITLFile.tlv`.
/// Prints a table (name, found or not, size, MD5), then saves the files
/// found in `dir`. Returns [`EXIT_OK`] if an ITL was found, [`EXIT_FAIL`] if
/// not (a cluster without security has no CTL, but every CUCM since 8.0
/// serves an ITL).
pub fn fetch_phone(
    server: &str,
    mac: &str,
    dir: &Path,
    options: &FetchOptions,
    out: &mut dyn Write,
) -> Result<i32, FetchError> {
    let mac = normalize_mac(mac)?;
    let addr_err = |error| FetchError::Tftp {
        what: server.to_owned(),
        error,
    };
    let (host, port) = tftp::parse_host_port(server).map_err(addr_err)?;
    let addr = tftp::resolve(&host, port).map_err(addr_err)?;
    let topts = options.tftp();

    let mut asked = Vec::new();
    let mut found_itl = false;
    for (own, shared) in [("CTLSEP", "CTLFile.tlv"), ("ITLSEP", "ITLFile.tlv")] {
        for name in [format!("{own}{mac}.tlv"), shared.to_owned()] {
            let bytes = match tftp::download(addr, &name, &topts) {
                Ok(bytes) => Some(bytes),
                Err(e) if e.is_not_found() => None,
                Err(error) => {
                    let url = TftpUrl {
                        host: host.clone(),
                        port,
                        name,
                    };
                    return Err(FetchError::Tftp {
                        what: url.to_string(),
                        error,
                    });
                }
            };
            let found = bytes.is_some();
            asked.push(Asked { name, bytes });
            if found {
                found_itl |= own == "ITLSEP";
                break;
            }
        }
    }

    if !options.json {
        print_table(&asked, out).map_err(FetchError::Stdout)?;
    }

    let found: Vec<(PathBuf, &[u8])> = asked
        .iter()
        .filter_map(|a| Some((dir.join(&a.name), a.bytes.as_deref()?)))
        .collect();
    // A file already there with the same bytes (the shared CTLFile.tlv of a
    // second phone fetched into the same folder) is kept; a different one is
    // an error unless --force, checked for every file before any is written.
    if !options.force
        && let Some((path, _)) = found
            .iter()
            .find(|(p, b)| p.symlink_metadata().is_ok() && !same_content(p, b))
    {
        return Err(FetchError::Exists(path.clone()));
    }
    if !found.is_empty() && !dir.as_os_str().is_empty() {
        fs::create_dir_all(dir).map_err(|source| FetchError::Write {
            path: dir.to_owned(),
            source,
        })?;
    }
    let mut kept = Vec::new();
    for (path, bytes) in &found {
        if !options.force && same_content(path, bytes) {
            kept.push(path.clone());
            if !options.json {
                writeln!(out, "kept {} (same content already there)", path.display())
                    .map_err(FetchError::Stdout)?;
            }
            continue;
        }
        write_new_file(path, bytes, options.force)?;
        if !options.json {
            writeln!(out, "saved {}", path.display()).map_err(FetchError::Stdout)?;
        }
    }
    if options.json {
        let files = asked
            .iter()
            .map(|a| {
                let path = dir.join(&a.name);
                let found = a
                    .bytes
                    .as_ref()
                    .map(|b| (b.len(), Fingerprints::of(b).md5, path.display().to_string()));
                PhoneFileJson {
                    name: &a.name,
                    found: found.is_some(),
                    kept: found.is_some() && kept.contains(&path),
                    size: found.as_ref().map(|f| f.0),
                    md5: found.as_ref().map(|f| f.1.clone()),
                    path: found.map(|f| f.2),
                }
            })
            .collect();
        let doc = PhoneFilesJson {
            schema: 1,
            server: addr.to_string(),
            mac: &mac,
            itl_found: found_itl,
            files,
        };
        write_pretty(out, &doc)?;
        return Ok(if found_itl { EXIT_OK } else { EXIT_FAIL });
    }
    if found_itl {
        Ok(EXIT_OK)
    } else {
        writeln!(
            out,
            "no ITL found (neither ITLSEP{mac}.tlv nor ITLFile.tlv)"
        )
        .map_err(FetchError::Stdout)?;
        Ok(EXIT_FAIL)
    }
}

/// True if `path` is a regular file holding exactly `bytes`.
fn same_content(path: &Path, bytes: &[u8]) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
        && fs::read(path).is_ok_and(|b| b == bytes)
}

fn print_table(asked: &[Asked], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{:<24} {:<9} {:>8}  MD5", "FILE", "RESULT", "SIZE")?;
    for a in asked {
        match &a.bytes {
            Some(b) => writeln!(
                out,
                "{:<24} {:<9} {:>8}  {}",
                a.name,
                "found",
                b.len(),
                Fingerprints::of(b).md5
            )?,
            None => writeln!(out, "{:<24} {:<9} {:>8}  -", a.name, "not found", "-")?,
        }
    }
    Ok(())
}

/// Writes `bytes` to `path` atomically and durably (flushed to disk before it
/// takes the name); see [`write_atomic`].
pub fn write_new_file(path: &Path, bytes: &[u8], force: bool) -> Result<(), FetchError> {
    write_atomic(path, bytes, force, true)
}

/// Writes `bytes` to `path` atomically: a [`tempfile::NamedTempFile`] in the
/// same directory, written (and with `sync` flushed to disk), then persisted
/// under the name. Readers see the old file or the whole new one, never a part.
/// Without `force` an existing `path` is never replaced
/// ([`tempfile::NamedTempFile::persist_noclobber`]:
/// [`FetchError::Exists`]); with it, only a regular file or a symbolic link is
/// (a device, FIFO, socket or directory is [`FetchError::NotRegular`]). The new
/// file has the usual mode (0666 less the umask), not the temporary file's
/// 0600. On any failure the temporary file is removed.
pub fn write_atomic(path: &Path, bytes: &[u8], force: bool, sync: bool) -> Result<(), FetchError> {
    let write_err = |source| FetchError::Write {
        path: path.to_owned(),
        source,
    };
    let name = path.file_name().ok_or_else(|| {
        write_err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a file name",
        ))
    })?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    // A rename over a device (`-o /dev/null --force` as root) would replace the
    // device node with a regular file: only regular files (or symbolic links,
    // which the rename replaces, not follows) are ever replaced.
    if let Ok(meta) = fs::symlink_metadata(path)
        && !meta.file_type().is_file()
        && !meta.file_type().is_symlink()
    {
        return Err(FetchError::NotRegular(path.to_owned()));
    }
    if !force && fs::symlink_metadata(path).is_ok() {
        return Err(FetchError::Exists(path.to_owned()));
    }
    let mut prefix = std::ffi::OsString::from(".");
    prefix.push(name);
    prefix.push(".");
    let mut tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".tmp")
        .permissions(output_permissions())
        .tempfile_in(dir)
        .map_err(write_err)?;
    tmp.write_all(bytes).map_err(write_err)?;
    if sync {
        tmp.as_file().sync_all().map_err(write_err)?;
    }
    // On an error the temporary file comes back inside it and is removed
    // when that is dropped.
    let persisted = if force {
        tmp.persist(path)
    } else {
        tmp.persist_noclobber(path)
    };
    match persisted {
        Ok(_) => Ok(()),
        Err(e) if !force && e.error.kind() == io::ErrorKind::AlreadyExists => {
            Err(FetchError::Exists(path.to_owned()))
        }
        Err(e) => Err(write_err(e.error)),
    }
}

/// Mode 0666 for the new file, which the umask then narrows as for any file
/// the user creates (a TFTP server must be able to read what `build` writes).
fn output_permissions() -> fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    fs::Permissions::from_mode(0o666)
}

/// `fetch URL --format json` (docs/JSON.md).
#[derive(serde::Serialize)]
struct SavedJson {
    schema: u32,
    url: String,
    saved: String,
    size: usize,
    md5: String,
}

/// One file of `fetch --mac --format json`.
#[derive(serde::Serialize)]
struct PhoneFileJson<'a> {
    name: &'a str,
    found: bool,
    size: Option<usize>,
    md5: Option<String>,
    path: Option<String>,
    kept: bool,
}

/// `fetch --mac --format json` (docs/JSON.md).
#[derive(serde::Serialize)]
struct PhoneFilesJson<'a> {
    schema: u32,
    server: String,
    mac: &'a str,
    itl_found: bool,
    files: Vec<PhoneFileJson<'a>>,
}

/// A JSON document, pretty, and a newline.
fn write_pretty(out: &mut dyn Write, doc: &impl serde::Serialize) -> Result<(), FetchError> {
    serde_json::to_writer_pretty(&mut *out, doc)
        .map_err(io::Error::from)
        .and_then(|()| writeln!(out))
        .map_err(FetchError::Stdout)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn macs() {
        for ok in [
            "0011215a1ae3",
            "00:11:21:5A:1A:E3",
            "00-11-21-5a-1a-e3",
            "0011.215a.1ae3",
            "SEP0011215A1AE3",
            "sep0011215a1ae3",
            "Sep00:11:21:5a:1a:e3",
            "SEP0011.215A.1AE3",
            "SEP00-11-21-5A-1A-E3",
        ] {
            assert_eq!(normalize_mac(ok).unwrap(), "0011215A1AE3", "{ok}");
        }
        for bad in [
            "",
            "0011215A1AE",
            "0011215A1AE3F",
            "0011215A1AEG",
            "00 11 21 5A 1A E3",
            "SEP",
            "SEP0011215A1AE",
            "SEPSEP0011215A1AE3",
            "0011215A1AE3SEP",
        ] {
            assert!(
                matches!(normalize_mac(bad), Err(FetchError::BadMac(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn write_new_file_never_replaces_what_is_not_a_regular_file() {
        let dir = std::env::temp_dir().join(format!("itltool-fetch-sock-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        // A socket stands in for a device node such as /dev/null, which a
        // rename would replace with a regular file.
        let path = dir.join("out.tlv");
        let _listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
        for force in [false, true] {
            assert!(
                matches!(
                    write_new_file(&path, b"x", force),
                    Err(FetchError::NotRegular(_))
                ),
                "force {force}"
            );
            use std::os::unix::fs::FileTypeExt;
            assert!(fs::symlink_metadata(&path).unwrap().file_type().is_socket());
        }
        // A directory is refused too, and nothing is left behind.
        let sub = dir.join("sub");
        fs::create_dir(&sub).unwrap();
        assert!(matches!(
            write_new_file(&sub, b"x", true),
            Err(FetchError::NotRegular(_))
        ));
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 2);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn new_files_get_the_umask_mode_not_the_temporary_files() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        // What a file created by the user gets: 0666 less the umask.
        let plain = dir.path().join("plain");
        fs::File::create(&plain).unwrap();
        let expected = fs::metadata(&plain).unwrap().permissions().mode() & 0o777;
        for (name, force, sync) in [("a", false, true), ("b", true, true), ("c", false, false)] {
            let path = dir.path().join(name);
            write_atomic(&path, b"x", force, sync).unwrap();
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(
                mode, expected,
                "{name}: mode {mode:o}, expected {expected:o}"
            );
        }
    }

    #[test]
    fn write_new_file_never_overwrites_without_force() {
        let dir = std::env::temp_dir().join(format!("itltool-fetch-unit-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("ITLFile.tlv");
        write_new_file(&path, b"one", false).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"one");
        assert!(matches!(
            write_new_file(&path, b"two", false),
            Err(FetchError::Exists(_))
        ));
        assert_eq!(fs::read(&path).unwrap(), b"one");
        write_new_file(&path, b"three", true).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"three");
        // No temporary files are left behind.
        let names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [std::ffi::OsString::from("ITLFile.tlv")]);
        // A missing directory is a write error naming the file.
        let err = write_new_file(&dir.join("no/such/x.tlv"), b"x", false).unwrap_err();
        assert!(
            err.to_string().contains("no/such/x.tlv: cannot write"),
            "{err}"
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
