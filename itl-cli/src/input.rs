//! Reading input files with clear, one-line errors.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use itl_core::MAX_FILE_SIZE;

/// Why an input could not be read or parsed.
#[derive(Debug)]
#[non_exhaustive]
pub enum InputError {
    /// The file could not be opened or read.
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The path is a directory.
    Directory(PathBuf),
    /// The file is larger than [`MAX_FILE_SIZE`].
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
    },
    /// The bytes are not a well-formed trust list.
    Parse {
        /// The file.
        path: PathBuf,
        /// Why.
        error: itl_core::ParseError,
        /// What the bytes look like instead, when recognisable.
        hint: Option<String>,
    },
    /// A `tftp://` URL could not be fetched.
    Tftp {
        /// The URL as given.
        url: String,
        /// Why.
        error: crate::tftp::TftpError,
    },
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io { path, source } => {
                let what = match source.kind() {
                    std::io::ErrorKind::NotFound => "no such file".to_owned(),
                    std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
                    _ => source.to_string(),
                };
                write!(f, "{}: {what}", path.display())
            }
            Self::Directory(path) => {
                write!(f, "{}: is a directory, not an ITL/CTL file", path.display())
            }
            Self::TooLarge { path, size } => write!(
                f,
                "{}: file of {size} bytes is over the {MAX_FILE_SIZE}-byte limit (at byte 0); not an ITL/CTL file",
                path.display()
            ),
            Self::Parse { path, error, hint } => {
                write!(f, "{}: {error}", path.display())?;
                if let Some(h) = hint {
                    write!(f, " ({h})")?;
                }
                Ok(())
            }
            Self::Tftp { url, error } => write!(f, "{url}: {error}"),
        }
    }
}

impl std::error::Error for InputError {}

/// Reads a whole file, refusing directories and files over [`MAX_FILE_SIZE`]
/// before reading them.
pub fn read_file(path: &Path) -> Result<Vec<u8>, InputError> {
    let io = |source| InputError::Io {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.is_dir() {
        return Err(InputError::Directory(path.to_owned()));
    }
    if meta.len() > MAX_FILE_SIZE as u64 {
        return Err(InputError::TooLarge {
            path: path.to_owned(),
            size: meta.len(),
        });
    }
    // Sized from the metadata so that a whole file is read in one call.
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0).saturating_add(1));
    // Read at most one byte past the limit, in case the file grows while we read.
    file.take(MAX_FILE_SIZE as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() > MAX_FILE_SIZE {
        return Err(InputError::TooLarge {
            path: path.to_owned(),
            size: bytes.len() as u64,
        });
    }
    Ok(bytes)
}

/// Reads a local file or, for a `tftp://HOST[:PORT]/NAME` argument, fetches it
/// in octet mode with [`crate::tftp::DEFAULT_TIMEOUT`]; same size limit.
pub fn read_source(arg: &Path) -> Result<Vec<u8>, InputError> {
    read_source_with_timeout(arg, crate::tftp::DEFAULT_TIMEOUT)
}

/// [`read_source`] with a TFTP timeout.
pub fn read_source_with_timeout(
    arg: &Path,
    timeout: std::time::Duration,
) -> Result<Vec<u8>, InputError> {
    use crate::tftp;
    match arg.to_str() {
        Some(url) if tftp::is_tftp_url(url) => {
            let options = tftp::Options {
                timeout,
                ..tftp::Options::default()
            };
            tftp::TftpUrl::parse(url)
                .and_then(|u| tftp::get(&u, &options))
                .map_err(|error| InputError::Tftp {
                    url: url.to_owned(),
                    error,
                })
        }
        _ => read_file(arg),
    }
}

/// Parses bytes read from `path`, turning a parse error into an [`InputError`].
pub fn parse<'a>(path: &Path, bytes: &'a [u8]) -> Result<itl_core::TrustList<'a>, InputError> {
    itl_core::TrustList::parse(bytes).map_err(|error| InputError::Parse {
        path: path.to_owned(),
        hint: sniff(bytes, &error),
        error,
    })
}

/// A guess at what a file that is not a trust list is.
pub fn sniff(bytes: &[u8], _error: &itl_core::ParseError) -> Option<String> {
    let starts = |p: &[u8]| bytes.starts_with(p);
    if starts(b"\x89PNG") {
        return Some("this looks like a PNG image, not an ITL/CTL file".to_owned());
    }
    let trimmed = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map_or(&[][..], |i| &bytes[i..]);
    if trimmed.starts_with(b"<") {
        return Some("this looks like XML or HTML text, not an ITL/CTL file".to_owned());
    }
    if trimmed.starts_with(b"-----BEGIN") {
        return Some("this looks like a PEM certificate or key, not an ITL/CTL file".to_owned());
    }
    None
}
