//! What kind of file a byte string is, and one entry point that parses any kind.
//!
//! ITL, CTL, signed (`.sgn`) and encrypted signed (`.enc.sgn`) files all start
//! with the same header; what follows HEADERLENGTH differs (records, or the
//! signed file's own bytes). The rule, applied to a file whose header parses:
//!
//! 1. The header has an ENCRYPTIONINFO element (tag 16): an **encrypted signed
//!    file**.
//! 2. FILENAME ends with `.sgn`: a **signed file** (phones ask for signed files
//!    by that name; the payload may be anything, even a trust list). A file
//!    named `.enc.sgn` without tag 16 is a signed file whose encryption block is
//!    missing (the `signed` fuzz target found the two answers disagreeing).
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
        // The header is parsed once: the kind is read from it, and the file's
        // parse goes on from where it ended.
        let h = by_rule(data, limits)?;
        match h.kind {
            None => {
                TrustList::with_header(data, h.header, h.end, h.left, h.max).map(Self::TrustList)
            }
            Some(_) => Ok(Self::Signed(SignedFile::with_header(data, h.header, h.end))),
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
    let h = by_rule(data, limits)?;
    Ok(match h.kind {
        Some(kind) => kind,
        // A trust list: ITL or CTL by its own rule, which may need the records.
        None => match TrustList::with_header(data, h.header, h.end, h.left, h.max) {
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

/// A parsed header and what [`by_rule`] made of it.
struct ByRule<'a> {
    /// The kind of a signed file, or `None` for a trust list.
    kind: Option<FileKind>,
    header: Header<'a>,
    /// Where the header ends.
    end: usize,
    /// Elements still allowed, of `max`.
    left: usize,
    max: usize,
}

/// Rules 1, 2 and 4 of the module documentation: the kind of a signed file, or
/// `None` for a trust list; with the header, parsed once.
fn by_rule(data: &[u8], limits: Limits) -> Result<ByRule<'_>, ParseError> {
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
    let kind = kind_by_header(&header, data.get(header_len..).unwrap_or_default());
    Ok(ByRule {
        kind,
        header,
        end: header_len,
        left,
        max,
    })
}

/// Rules 1, 2 and 4 for a parsed header followed by `rest`.
fn kind_by_header(header: &Header<'_>, rest: &[u8]) -> Option<FileKind> {
    if header.get(HeaderTag::ENCRYPTION_INFO).is_some() {
        return Some(FileKind::EncryptedSigned);
    }
    // FILENAME compared without copying it (ASCII case-insensitive, as before).
    let name = header.get(HeaderTag::FILENAME).and_then(|e| e.value());
    let name = name.map_or(&[][..], |n| {
        let end = n.iter().position(|&b| b == 0).unwrap_or(n.len());
        &n[..end]
    });
    let ends = |suffix: &[u8]| {
        name.len() >= suffix.len() && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
    };
    let starts = |prefix: &[u8]| {
        name.len() >= prefix.len() && name[..prefix.len()].eq_ignore_ascii_case(prefix)
    };
    if ends(b".sgn") {
        return Some(FileKind::Signed);
    }
    let named_list = ends(b".tlv") || starts(b"itl") || starts(b"ctl");
    let records_follow = rest.is_empty() || rest.starts_with(&[1, 0, 2]);
    if !named_list && !records_follow {
        return Some(FileKind::Signed);
    }
    None
}
