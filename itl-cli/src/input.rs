//! Reading input files with clear, one-line errors.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use std::sync::atomic::{AtomicUsize, Ordering};

use itl_core::Limits;

static MAX_SIZE: AtomicUsize = AtomicUsize::new(Limits::DEFAULT.max_size());
static MAX_ELEMENTS: AtomicUsize = AtomicUsize::new(Limits::DEFAULT.max_elements());

/// Sets the limits every later read and parse of this process uses (the
/// `--max-size` and `--max-elements` options; [`Limits::DEFAULT`] otherwise).
pub fn set_limits(limits: Limits) {
    MAX_SIZE.store(limits.max_size(), Ordering::Relaxed);
    MAX_ELEMENTS.store(limits.max_elements(), Ordering::Relaxed);
}

/// The limits reads and parses use (see [`set_limits`]).
pub fn limits() -> Limits {
    Limits::DEFAULT
        .with_max_size(MAX_SIZE.load(Ordering::Relaxed))
        .with_max_elements(MAX_ELEMENTS.load(Ordering::Relaxed))
}

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
    /// The file is larger than the size limit ([`limits`]).
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The limit.
        max: usize,
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
    /// A private key named by a `tftp://` URL: keys are read from local files only.
    KeyOverTftp(String),
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
            Self::TooLarge { path, size, max } => write!(
                f,
                "{}: file of {size} bytes is over the {max}-byte limit (at byte 0); real ITL/CTL files are under 64 KiB (--max-size raises the limit)",
                path.display()
            ),
            // What the file looks like is what the user needs first; the parser's
            // finding follows for the record.
            Self::Parse { path, error, hint } => match hint {
                Some(h) => write!(f, "{}: {h} (parser: {error})", path.display()),
                None if matches!(error, itl_core::ParseError::TooManyElements { .. }) => write!(
                    f,
                    "{}: {error} (--max-elements raises the limit)",
                    path.display()
                ),
                None => write!(f, "{}: {error}", path.display()),
            },
            Self::Tftp { url, error } => write!(f, "{url}: {error}"),
            Self::KeyOverTftp(url) => write!(
                f,
                "{url}: a private key is read from a local file only (TFTP is cleartext); copy it here first"
            ),
        }
    }
}

impl std::error::Error for InputError {}

/// True for the argument `-`, which means standard input.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Reads standard input to its end, up to the size limit ([`limits`]; errors
/// name it `-`).
fn read_stdin() -> Result<Vec<u8>, InputError> {
    let max = limits().max_size();
    let path = Path::new("-");
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(max as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| InputError::Io {
            path: path.to_owned(),
            source,
        })?;
    if bytes.len() > max {
        return Err(InputError::TooLarge {
            path: path.to_owned(),
            size: bytes.len() as u64,
            max,
        });
    }
    Ok(bytes)
}

/// Reads a whole file, refusing directories and files over the size limit
/// ([`limits`]) before reading them. `-` reads standard input.
pub fn read_file(path: &Path) -> Result<Vec<u8>, InputError> {
    if is_stdin(path) {
        return read_stdin();
    }
    let max = limits().max_size();
    let io = |source| InputError::Io {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.is_dir() {
        return Err(InputError::Directory(path.to_owned()));
    }
    if meta.len() > max as u64 {
        return Err(InputError::TooLarge {
            path: path.to_owned(),
            size: meta.len(),
            max,
        });
    }
    // Sized from the metadata so that a whole file is read in one call.
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0).saturating_add(1));
    // Read at most one byte past the limit, in case the file grows while we read.
    file.take(max as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() > max {
        return Err(InputError::TooLarge {
            path: path.to_owned(),
            size: bytes.len() as u64,
            max,
        });
    }
    Ok(bytes)
}

/// The largest read buffer [`read_file_into`] keeps for the next file.
const KEEP_BUFFER: usize = 1 << 20;

/// [`read_file`] into `buf` (cleared first), so that a bulk run reuses one
/// buffer per worker. A regular file is read with one `read` call into a buffer
/// sized from its metadata (one byte more, to see a file that grew); reading
/// goes on only if that call came back short or full. `-` reads standard input.
pub fn read_file_into(path: &Path, buf: &mut Vec<u8>) -> Result<(), InputError> {
    if is_stdin(path) {
        *buf = read_stdin()?;
        return Ok(());
    }
    let max = limits().max_size();
    let io = |source| InputError::Io {
        path: path.to_owned(),
        source,
    };
    buf.clear();
    let mut file = std::fs::File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.is_dir() {
        return Err(InputError::Directory(path.to_owned()));
    }
    if meta.len() > max as u64 {
        return Err(InputError::TooLarge {
            path: path.to_owned(),
            size: meta.len(),
            max,
        });
    }
    let size = usize::try_from(meta.len()).unwrap_or(0);
    if buf.capacity() > KEEP_BUFFER && size <= KEEP_BUFFER {
        // One large file does not keep its buffer for the rest of a bulk run.
        *buf = Vec::new();
    }
    // The zeroing is a few hundred nanoseconds for a 5 KB file; it keeps this
    // without `unsafe`.
    buf.resize(size + 1, 0);
    let n = loop {
        match file.read(buf) {
            Ok(n) => break n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io(e)),
        }
    };
    buf.truncate(n);
    if n != size {
        // Short (a pipe, a file being written) or grown: read the rest, at most
        // one byte past the limit.
        (&mut file)
            .take((max.saturating_add(1) - n.min(max)) as u64)
            .read_to_end(buf)
            .map_err(io)?;
    }
    if buf.len() > max {
        return Err(InputError::TooLarge {
            path: path.to_owned(),
            size: buf.len() as u64,
            max,
        });
    }
    Ok(())
}

/// [`read_source`] into `buf` (cleared first): local files through
/// [`read_file_into`], `tftp://` URLs fetched.
pub fn read_source_into(arg: &Path, buf: &mut Vec<u8>) -> Result<(), InputError> {
    match arg.to_str() {
        Some(url) if crate::tftp::is_tftp_url(url) => {
            *buf = read_source(arg)?;
            Ok(())
        }
        _ => read_file_into(arg, buf),
    }
}

/// Reads a local file (`-`: standard input) or, for a `tftp://HOST[:PORT]/NAME`
/// argument, fetches it in octet mode with [`crate::tftp::DEFAULT_TIMEOUT`]; same size limit.
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
                max_size: limits().max_size(),
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

/// Reads a private key: a local file or `-`, never a `tftp://` URL
/// ([`InputError::KeyOverTftp`]), where [`read_source`] would fetch it.
pub fn read_private_key(path: &Path) -> Result<Vec<u8>, InputError> {
    match path.to_str() {
        Some(url) if crate::tftp::is_tftp_url(url) => Err(InputError::KeyOverTftp(url.to_owned())),
        _ => read_file(path),
    }
}

/// Parses bytes read from `path`, turning a parse error into an [`InputError`].
pub fn parse<'a>(path: &Path, bytes: &'a [u8]) -> Result<itl_core::TrustList<'a>, InputError> {
    itl_core::TrustList::parse_with(bytes, limits()).map_err(|error| InputError::Parse {
        path: path.to_owned(),
        hint: sniff(bytes, &error),
        error,
    })
}

/// Parses bytes read from `path` as whatever they are (ITL, CTL, signed or
/// encrypted signed file, see [`itl_core::detect_kind`]), turning a parse error
/// into an [`InputError`].
pub fn parse_any<'a>(path: &Path, bytes: &'a [u8]) -> Result<itl_core::AnyFile<'a>, InputError> {
    itl_core::AnyFile::parse_with(bytes, limits()).map_err(|error| InputError::Parse {
        path: path.to_owned(),
        hint: sniff(bytes, &error),
        error,
    })
}

/// A guess at what a file that is not a trust list is, phrased for the user.
///
/// Checked in this order: a trust list mangled by an ASCII (netascii) TFTP transfer,
/// a signed configuration file (`.sgn`, same header as an ITL), then well-known
/// file types by their first bytes.
pub fn sniff(bytes: &[u8], _error: &itl_core::ParseError) -> Option<String> {
    if netascii_repaired(bytes).is_some() {
        return Some(
            "the file was transferred in ASCII (netascii) mode, which put a CR byte before \
             every LF byte; transfer it again in binary mode (tftp: `binary` / `mode octet`)"
                .to_owned(),
        );
    }
    if let Ok(kind) = itl_core::detect_kind_with(bytes, limits())
        && !kind.is_trust_list()
    {
        return Some(format!(
            "this is a {} (.sgn), not an ITL/CTL: it has the ITL-style signed header \
             followed by the signed file's own bytes instead of records (`itltool show`, \
             `verify --trust`, `unsign` and `decrypt` read it)",
            kind.as_str()
        ));
    }
    if is_signed_config(bytes) {
        return Some(
            "this is a signed configuration file (.sgn), not an ITL/CTL: it has the \
             ITL-style signed header but a configuration payload instead of records"
                .to_owned(),
        );
    }
    let looks = looks_like(bytes)?;
    Some(format!("this looks like {looks}, not an ITL/CTL file"))
}

/// If `bytes` is a trust list that went through netascii encoding (LF -> CR LF,
/// CR -> CR NUL), the decoded bytes, provided they parse. Only tried when every LF
/// byte is preceded by CR, as netascii leaves it.
pub fn netascii_repaired(bytes: &[u8]) -> Option<Vec<u8>> {
    let lf = bytes.iter().filter(|&&b| b == b'\n').count();
    let crlf = bytes.windows(2).filter(|w| w == b"\r\n").count();
    if lf == 0 || lf != crlf {
        return None;
    }
    // Full netascii decoding, and the simpler mangling that only inserted CRs.
    let full = netascii_decode(bytes, true);
    if itl_core::TrustList::parse(&full).is_ok() {
        return Some(full);
    }
    let lf_only = netascii_decode(bytes, false);
    itl_core::TrustList::parse(&lf_only)
        .is_ok()
        .then_some(lf_only)
}

/// Undoes netascii: CR LF -> LF and, if `cr_nul`, CR NUL -> CR.
fn netascii_decode(bytes: &[u8], cr_nul: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let next = bytes.get(i + 1).copied();
        if b == b'\r' && next == Some(b'\n') {
            out.push(b'\n');
            i += 2;
        } else if b == b'\r' && cr_nul && next == Some(0) {
            out.push(b'\r');
            i += 2;
        } else {
            out.push(b);
            i += 1;
        }
    }
    out
}

/// Whether `bytes` starts like an ITL header (VERSION, HEADERLENGTH) whose payload
/// at the header length is not a record: configuration text, or a header naming a
/// `.sgn` file.
fn is_signed_config(bytes: &[u8]) -> bool {
    let Some([1, 0, 2, _, _, 2, 0, 2, hi, lo]) = bytes.get(..10) else {
        return false;
    };
    let header_len = usize::from(u16::from_be_bytes([*hi, *lo]));
    let Some(header) = bytes.get(..header_len) else {
        return false;
    };
    let payload = &bytes[header_len..];
    let names_sgn = header.windows(5).any(|w| w.eq_ignore_ascii_case(b".sgn\0"));
    let starts_record = payload.starts_with(&[1, 0, 2]);
    names_sgn || (!starts_record && is_text(payload))
}

/// Whether the first bytes are text (a configuration payload): printable ASCII,
/// white space or UTF-8, with no NUL or other control bytes.
fn is_text(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(256)];
    !head.is_empty()
        && head
            .iter()
            .all(|&b| b >= 0x20 || matches!(b, b'\t' | b'\n' | b'\r'))
}

/// What a file looks like, from its first bytes, for files people mistake for
/// trust lists.
fn looks_like(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"%PDF", "a PDF document"),
        (b"PK\x03\x04", "a ZIP archive"),
        (b"\x1f\x8b", "a gzip-compressed file"),
        (b"\x7fELF", "an ELF program"),
    ];
    if let Some((_, what)) = MAGIC.iter().find(|(m, _)| bytes.starts_with(m)) {
        return Some(what);
    }
    let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(text.len());
    let text = &text[start..];
    let head = text[..text.len().min(1024)].to_ascii_lowercase();
    let has = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
    if head.starts_with(b"<") {
        if has(b"<html") || head.starts_with(b"<!doctype html") {
            return Some("an HTML page (a web server's answer?)");
        }
        if has(b"<device") {
            return Some("an XML phone configuration file (SEP<MAC>.cnf.xml)");
        }
        return Some("an XML file");
    }
    if head.starts_with(b"-----begin") {
        if has(b"private key") {
            return Some("a PEM private key");
        }
        if has(b"certificate") {
            return Some("a PEM certificate");
        }
        return Some("a PEM file");
    }
    // SEQUENCE with a two-byte length, then SEQUENCE: how DER certificates start.
    if let [0x30, 0x82, _, _, 0x30, 0x82, ..] = bytes {
        return Some("a DER certificate");
    }
    if is_text(bytes) {
        return Some("a text file");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_denied_is_one_line_naming_the_file() {
        // Tests that run as root cannot make the OS refuse a read, so the message
        // mapping is checked here (tests/errors.rs also runs the binary as an
        // unprivileged user).
        let e = InputError::Io {
            path: PathBuf::from("dir/ITLFile.tlv"),
            source: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        };
        assert_eq!(e.to_string(), "dir/ITLFile.tlv: permission denied");
    }

    #[test]
    fn missing_file_is_one_line_naming_the_file() {
        let e = InputError::Io {
            path: PathBuf::from("ITLFile.tlv"),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        };
        assert_eq!(e.to_string(), "ITLFile.tlv: no such file");
    }

    #[test]
    fn netascii_decoding_undoes_the_encoding() {
        assert_eq!(netascii_decode(b"a\r\nb\r\0c\r", true), b"a\nb\rc\r");
        assert_eq!(netascii_decode(b"a\r\nb\r\0c", false), b"a\nb\r\0c");
    }

    #[test]
    fn text_payload_is_text() {
        assert!(is_text(b"<device>\n\t<x/>\r\n</device>"));
        assert!(!is_text(b"\x01\x00\x02\x07\xb4"));
        assert!(!is_text(b""));
    }
}
