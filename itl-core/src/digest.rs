//! Hash algorithm codes (header DIGESTALGORTITHM and record HASH ALGORITHM).

use std::fmt;

/// A hash algorithm code as stored in the file; unknown codes are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DigestAlgorithm(pub u8);

impl DigestAlgorithm {
    /// SHA-1 (every CUCM file seen).
    pub const SHA1: Self = Self(1);
    /// SHA-256.
    pub const SHA256: Self = Self(2);
    /// SHA-512.
    pub const SHA512: Self = Self(3);

    /// The code as stored.
    pub fn code(self) -> u8 {
        self.0
    }

    /// `SHA-1`, `SHA-256`, `SHA-512`, or `None` for an unknown code.
    pub fn name(self) -> Option<&'static str> {
        match self.0 {
            1 => Some("SHA-1"),
            2 => Some("SHA-256"),
            3 => Some("SHA-512"),
            _ => None,
        }
    }

    /// The hash of `bytes` with this algorithm; `None` for an unknown code.
    ///
    /// ```
    /// let h = itl_core::DigestAlgorithm::SHA1.hash(b"abc").unwrap();
    /// assert_eq!(hex::encode(h), "a9993e364706816aba3e25717850c26c9cd0d89d");
    /// assert_eq!(itl_core::DigestAlgorithm(9).hash(b"abc"), None);
    /// ```
    pub fn hash(self, bytes: &[u8]) -> Option<Vec<u8>> {
        crate::fingerprint::hash(self, bytes)
    }

    /// Parses `sha1`, `SHA-256`, `sha512`, … (case and dash insensitive).
    pub fn from_name(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().replace('-', "").as_str() {
            "sha1" => Some(Self::SHA1),
            "sha256" => Some(Self::SHA256),
            "sha512" => Some(Self::SHA512),
            _ => None,
        }
    }
}

impl fmt::Display for DigestAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "{}", self.0),
        }
    }
}
