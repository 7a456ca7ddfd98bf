//! `itltool hash`: whole-file fingerprints in `md5sum` format, the way phones
//! show them (MD5 or SHA-1, by model) and administrators compare them.

use std::io::{self, Write};

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256};

/// A hash of a whole file, as phones and `md5sum` / `sha1sum` / `sha256sum`
/// print it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FileHash {
    /// MD5 (`md5sum`); what most phones show.
    Md5,
    /// SHA-1 (`sha1sum`); what newer phones show.
    Sha1,
    /// SHA-256 (`sha256sum`).
    Sha256,
}

impl FileHash {
    /// `md5`, `sha1` or `sha256`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Md5 => "md5",
            Self::Sha1 => "sha1",
            Self::Sha256 => "sha256",
        }
    }

    /// The hash of `bytes`, lower-case hex.
    ///
    /// ```
    /// assert_eq!(itl_core::FileHash::Md5.of(b""), "d41d8cd98f00b204e9800998ecf8427e");
    /// ```
    pub fn of(self, bytes: &[u8]) -> String {
        match self {
            Self::Md5 => hex::encode(Md5::digest(bytes)),
            Self::Sha1 => hex::encode(Sha1::digest(bytes)),
            Self::Sha256 => hex::encode(Sha256::digest(bytes)),
        }
    }
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

/// Writes `HEX  NAME` for `bytes`, read from `name`, exactly as `md5sum` (or
/// `sha1sum`, `sha256sum`) would: the whole file is hashed, whether or not it
/// parses.
///
/// ```
/// let mut out = Vec::new();
/// itl_core::write_hash(&mut out, "empty.tlv", b"", itl_core::FileHash::Md5)?;
/// assert_eq!(out, b"d41d8cd98f00b204e9800998ecf8427e  empty.tlv\n");
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_hash(
    out: &mut dyn Write,
    name: &str,
    bytes: &[u8],
    algorithm: FileHash,
) -> io::Result<()> {
    let (mark, name) = escaped_name(name);
    let mark = if mark { "\\" } else { "" };
    writeln!(out, "{mark}{}  {name}", algorithm.of(bytes))
}

/// Writes the `hash --format json` document of `bytes`, read from `name`
/// (schema in `docs/JSON.md`).
#[cfg(feature = "json")]
pub fn write_hash_json(
    out: &mut dyn Write,
    name: &str,
    bytes: &[u8],
    algorithm: FileHash,
    layout: super::JsonLayout,
) -> io::Result<()> {
    let doc = super::json::HashDoc {
        schema: super::JSON_SCHEMA_VERSION,
        file: name,
        size: bytes.len(),
        algorithm: algorithm.name(),
        hash: algorithm.of(bytes),
    };
    super::json::write_doc(out, &doc, layout)
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
