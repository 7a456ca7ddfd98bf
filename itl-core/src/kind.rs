//! What kind of file a byte string is, and one entry point that parses any kind.
//!
//! ITL, CTL, signed (`.sgn`) and encrypted signed (`.enc.sgn`) files all start
//! with the same header; what follows HEADERLENGTH differs (records, or the
//! signed file's own bytes). The rule, applied to a file whose header parses:
//!
//! 1. The header has an ENCRYPTIONINFO element (tag 16), or FILENAME ends with
//!    `.enc.sgn`: an **encrypted signed file**.
//! 2. FILENAME ends with `.sgn`: a **signed file** (phones ask for signed files
//!    by that name; the payload may be anything, even a trust list).
//! 3. FILENAME ends with `.tlv` or starts with `ITL` or `CTL`: a **trust list**,
//!    ITL or CTL by [`TrustList::kind`]; a record error is the file's error.
//! 4. Otherwise (no FILENAME, or another name) by content: nothing after the
//!    header, or records (the first bytes after the header are a RECORDLENGTH
//!    element, tag 1 length 2): a **trust list**; anything else: a **signed file**.
//!
//! Case does not matter in the FILENAME tests. A header error is the file's
//! error whatever its kind.

use crate::error::ParseError;
use crate::header::Header;
use crate::signed::SignedFile;
use crate::tag::HeaderTag;
use crate::trustlist::{FileKind, Limits, TrustList};

/// Any file with the trust-list header, parsed as its kind.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AnyFile<'a> {
    /// An ITL or CTL.
    TrustList(TrustList<'a>),
    /// A signed file, encrypted (`.enc.sgn`) or not (`.sgn`).
    Signed(SignedFile<'a>),
}

impl<'a> AnyFile<'a> {
    /// Detects the kind (by the rule of [`detect_kind`]) and parses.
    pub fn parse(data: &'a [u8]) -> Result<Self, ParseError> {
        Self::parse_with(data, Limits::DEFAULT)
    }

    /// [`AnyFile::parse`] with other limits.
    pub fn parse_with(data: &'a [u8], limits: Limits) -> Result<Self, ParseError> {
        match by_rule(data, limits)? {
            None => TrustList::parse_with(data, limits).map(Self::TrustList),
            Some(_) => SignedFile::parse_with(data, limits).map(Self::Signed),
        }
    }

    /// The file's kind.
    pub fn kind(&self) -> FileKind {
        match self {
            Self::TrustList(tl) => tl.kind(),
            Self::Signed(f) => f.kind(),
        }
    }

    /// The header.
    pub fn header(&self) -> &Header<'a> {
        match self {
            Self::TrustList(tl) => tl.header(),
            Self::Signed(f) => f.header(),
        }
    }

    /// The bytes the file was parsed from.
    pub fn raw(&self) -> &[u8] {
        match self {
            Self::TrustList(tl) => tl.raw(),
            Self::Signed(f) => f.raw(),
        }
    }

    /// The trust list, if this is one.
    pub fn as_trust_list(&self) -> Option<&TrustList<'a>> {
        match self {
            Self::TrustList(tl) => Some(tl),
            Self::Signed(_) => None,
        }
    }

    /// The signed file, if this is one.
    pub fn as_signed(&self) -> Option<&SignedFile<'a>> {
        match self {
            Self::Signed(f) => Some(f),
            Self::TrustList(_) => None,
        }
    }
}

/// The kind of `data`.
///
/// ITL, CTL, signed (`.sgn`) and encrypted signed (`.enc.sgn`) files all start
/// with the same header; what follows HEADERLENGTH differs (records, or the
/// signed file's own bytes). The rule, applied to a file whose header parses:
///
/// 1. The header has an ENCRYPTIONINFO element (tag 16), or FILENAME ends with
///    `.enc.sgn`: an **encrypted signed file**.
/// 2. FILENAME ends with `.sgn`: a **signed file** (phones ask for signed files
///    by that name; the payload may be anything, even a trust list).
/// 3. FILENAME ends with `.tlv` or starts with `ITL` or `CTL`: a **trust list**,
///    ITL or CTL by [`TrustList::kind`]; a record error is the file's error.
/// 4. Otherwise (no FILENAME, or another name) by content: nothing after the
///    header, or records (the first bytes after the header are a RECORDLENGTH
///    element, tag 1 length 2): a **trust list**; anything else: a **signed file**.
///
/// Case does not matter in the FILENAME tests. A header error is the file's
/// error whatever its kind.
///
/// Only the
/// header is parsed (and, for a trust list, its records, to tell ITL from CTL
/// when FILENAME does not); a header error is returned as is.
pub fn detect_kind(data: &[u8]) -> Result<FileKind, ParseError> {
    detect_kind_with(data, Limits::DEFAULT)
}

/// [`detect_kind`] with other limits.
pub fn detect_kind_with(data: &[u8], limits: Limits) -> Result<FileKind, ParseError> {
    Ok(match by_rule(data, limits)? {
        Some(kind) => kind,
        // A trust list: ITL or CTL by its own rule, which may need the records.
        None => match TrustList::parse_with(data, limits) {
            Ok(tl) => tl.kind(),
            Err(_) if ctl_name(data) => FileKind::Ctl,
            Err(_) => FileKind::Itl,
        },
    })
}

fn ctl_name(data: &[u8]) -> bool {
    Header::parse(data).is_ok_and(|(h, _)| {
        h.filename()
            .unwrap_or_default()
            .to_ascii_lowercase()
            .starts_with("ctl")
    })
}

/// Rules 1, 2 and 4 of the module documentation: the kind of a signed file, or
/// `None` for a trust list.
fn by_rule(data: &[u8], limits: Limits) -> Result<Option<FileKind>, ParseError> {
    if data.is_empty() {
        return Err(ParseError::Empty);
    }
    if data.len() > limits.max_size() {
        return Err(ParseError::TooLarge {
            size: data.len(),
            max: limits.max_size(),
        });
    }
    let max = limits.max_elements();
    let mut left = max;
    let (header, header_len) = Header::parse_counted(data, &mut left, max)?;
    let name = header.filename().unwrap_or_default().to_ascii_lowercase();
    if header.get(HeaderTag::ENCRYPTION_INFO).is_some() || name.ends_with(".enc.sgn") {
        return Ok(Some(FileKind::EncryptedSigned));
    }
    if name.ends_with(".sgn") {
        return Ok(Some(FileKind::Signed));
    }
    let named_list = name.ends_with(".tlv") || name.starts_with("itl") || name.starts_with("ctl");
    let rest = data.get(header_len..).unwrap_or_default();
    let records_follow = rest.is_empty() || rest.starts_with(&[1, 0, 2]);
    if !named_list && !records_follow {
        return Ok(Some(FileKind::Signed));
    }
    Ok(None)
}
