//! Errors of parsing and encoding.

use std::fmt;

use thiserror::Error;

use crate::role::Role;
use crate::tag::{HeaderTag, RecordTag};

/// The structure an element was read in: the header, or a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Structure {
    /// The file header.
    Header,
    /// A record.
    Record {
        /// 1-based record number.
        index: usize,
        /// The record's FUNCTION, when a 2-byte FUNCTION element could be found.
        role: Option<Role>,
    },
}

impl fmt::Display for Structure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Header => f.write_str("header"),
            Self::Record {
                index,
                role: Some(r),
            } => write!(f, "record {index} ({r})"),
            Self::Record { index, role: None } => write!(f, "record {index}"),
        }
    }
}

/// What was found where the header should start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Found {
    /// An element with this tag and length field.
    Element {
        /// The tag byte.
        tag: u8,
        /// The length field.
        length: u16,
    },
    /// Only this many bytes (too few for a tag and length).
    Bytes(usize),
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Element { tag, length } => write!(f, "tag {tag} length {length}"),
            Self::Bytes(n) => write!(f, "{n} byte(s)"),
        }
    }
}

/// How a header container's contents disagree with its declared length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ContainerProblem {
    /// The last bytes inside it are not a whole element.
    PartialElement {
        /// Where those bytes start.
        at: usize,
        /// How many there are.
        count: usize,
    },
    /// A child element runs past the container's end.
    ChildOverrun {
        /// The child's tag.
        child: HeaderTag,
        /// Where the child starts.
        at: usize,
        /// Where the child ends.
        child_end: usize,
        /// Where the container ends.
        end: usize,
    },
}

impl fmt::Display for ContainerProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PartialElement { at, count } => write!(
                f,
                "leave {count} byte(s) at byte {at} that are not a whole element"
            ),
            Self::ChildOverrun {
                child,
                at,
                child_end,
                end,
            } => write!(
                f,
                "run to byte {child_end} ({child} at byte {at}), past its end at byte {end}"
            ),
        }
    }
}

/// An element's tag, in the numbering of the structure it is in (header and
/// record tags share numbers but not meanings).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ElementTag {
    /// A tag of the header.
    Header(HeaderTag),
    /// A tag of a record.
    Record(RecordTag),
}

impl fmt::Display for ElementTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Header(t) => t.fmt(f),
            Self::Record(t) => t.fmt(f),
        }
    }
}

/// Why a byte string is not a well-formed ITL/CTL file.
///
/// Every variant carries the byte offset where the problem was found
/// ([`ParseError::offset`]); the `Display` text names the element and the offset.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The input has no bytes at all.
    #[error("header at byte 0: the file is empty; an ITL/CTL file starts with VERSION (tag 1)")]
    Empty,

    /// The input is larger than [`crate::Limits::max_size`] ([`crate::MAX_FILE_SIZE`]
    /// by default).
    #[error("file of {size} bytes is over the {max}-byte limit (at byte 0)")]
    TooLarge {
        /// Input size in bytes.
        size: usize,
        /// The limit.
        max: usize,
    },

    /// The file has more elements than [`crate::Limits::max_elements`] allows.
    #[error(
        "element at byte {offset} is over the limit of {max} elements in one file (real ITL/CTL files have a few hundred)"
    )]
    TooManyElements {
        /// Where the first element over the limit starts.
        offset: usize,
        /// The limit.
        max: usize,
    },

    /// The file does not begin with VERSION (tag 1) then HEADERLENGTH (tag 2, length 2).
    #[error("header at byte {offset}: expected {expected}, found {found}")]
    BadStart {
        /// Where the unexpected element starts.
        offset: usize,
        /// What was expected there.
        expected: &'static str,
        /// What was found.
        found: Found,
    },

    /// Fewer than the 3 bytes of a tag and length remain in the enclosing structure.
    #[error(
        "{context}: element at byte {offset} needs 3 bytes for tag and length, {remain} remain"
    )]
    TruncatedElement {
        /// The structure being read.
        context: Structure,
        /// Offset of the element.
        offset: usize,
        /// Bytes left in the enclosing structure.
        remain: usize,
    },

    /// An element's value runs past the end of its record, header or file.
    #[error("{context}: {tag} at byte {offset} needs {declared} bytes, {remain} remain")]
    ElementOverrun {
        /// The structure being read.
        context: Structure,
        /// The element's tag.
        tag: ElementTag,
        /// Offset of the element's tag byte.
        offset: usize,
        /// Length the element declares.
        declared: usize,
        /// Bytes left after its tag and length.
        remain: usize,
    },

    /// HEADERLENGTH points past the end of the file.
    #[error(
        "header: HEADERLENGTH at byte {offset} says {header_length} bytes but the file has {file_len}"
    )]
    HeaderLengthPastEnd {
        /// Offset of the HEADERLENGTH element.
        offset: usize,
        /// Its value.
        header_length: usize,
        /// The file size.
        file_len: usize,
    },

    /// An element of the header runs across the offset HEADERLENGTH names, so the
    /// header length is not where the first record starts.
    #[error(
        "header: HEADERLENGTH says {header_length} but {tag} at byte {offset} ends at byte {element_end}"
    )]
    HeaderLengthMismatch {
        /// Offset of the element that crosses the header end.
        offset: usize,
        /// The element's tag.
        tag: HeaderTag,
        /// The declared header length.
        header_length: usize,
        /// Where that element ends.
        element_end: usize,
    },

    /// A container's declared length disagrees with the elements inside it.
    #[error(
        "header: container {tag} at byte {offset} says {declared} bytes but its elements {problem}"
    )]
    ContainerMismatch {
        /// Offset of the container's tag byte.
        offset: usize,
        /// The container's tag.
        tag: HeaderTag,
        /// Its declared length.
        declared: usize,
        /// What its contents do instead.
        problem: ContainerProblem,
    },

    /// Fewer than 5 bytes remain where a record should start.
    #[error("record {index} at byte {offset}: {remain} bytes remain, a record needs at least 5")]
    RecordTruncated {
        /// 1-based record number.
        index: usize,
        /// Offset of the record.
        offset: usize,
        /// Bytes left in the file.
        remain: usize,
    },

    /// A record does not start with RECORDLENGTH (tag 1, length 2).
    #[error("record {index} at byte {offset}: expected RECORDLENGTH (tag 1, length 2), found tag {tag} length {length}{}",
        as_length.map(|n| format!(" (read as RECORDLENGTH it says {n} bytes but {remain} remain)")).unwrap_or_default())]
    RecordNoLength {
        /// 1-based record number.
        index: usize,
        /// Offset of the record.
        offset: usize,
        /// The tag found.
        tag: u8,
        /// The length found.
        length: u16,
        /// The u16 at bytes 3..5 of the record, which a lax reader would take as the
        /// record length (if the file has those bytes).
        as_length: Option<usize>,
        /// Bytes left in the file from the record's start.
        remain: usize,
    },

    /// RECORDLENGTH is smaller than its own 5-byte element.
    #[error(
        "record {index} at byte {offset}: RECORDLENGTH says {declared} bytes, less than the 5 it takes itself"
    )]
    RecordTooShort {
        /// 1-based record number.
        index: usize,
        /// Offset of the record.
        offset: usize,
        /// The declared length.
        declared: usize,
    },

    /// RECORDLENGTH runs past the end of the file.
    #[error(
        "record {index} at byte {offset}: RECORDLENGTH says {declared} bytes but {remain} remain"
    )]
    RecordOverrun {
        /// 1-based record number.
        index: usize,
        /// Offset of the record.
        offset: usize,
        /// The declared length.
        declared: usize,
        /// Bytes left in the file from the record's start.
        remain: usize,
    },
}

impl ParseError {
    /// The byte offset where the problem was found.
    pub fn offset(&self) -> usize {
        match self {
            Self::Empty | Self::TooLarge { .. } => 0,
            Self::BadStart { offset, .. }
            | Self::TooManyElements { offset, .. }
            | Self::TruncatedElement { offset, .. }
            | Self::ElementOverrun { offset, .. }
            | Self::HeaderLengthPastEnd { offset, .. }
            | Self::HeaderLengthMismatch { offset, .. }
            | Self::ContainerMismatch { offset, .. }
            | Self::RecordTruncated { offset, .. }
            | Self::RecordNoLength { offset, .. }
            | Self::RecordTooShort { offset, .. }
            | Self::RecordOverrun { offset, .. } => *offset,
        }
    }

    /// The error with the record it is in named by `index` and `role`.
    pub(crate) fn in_record(mut self, index: usize, role: Option<Role>) -> Self {
        if let Self::TruncatedElement { context, .. } | Self::ElementOverrun { context, .. } =
            &mut self
        {
            *context = Structure::Record { index, role };
        }
        self
    }

    /// The 1-based number of the record the error is in, if it is in a record.
    pub fn record_index(&self) -> Option<usize> {
        match self {
            Self::RecordTruncated { index, .. }
            | Self::RecordNoLength { index, .. }
            | Self::RecordTooShort { index, .. }
            | Self::RecordOverrun { index, .. } => Some(*index),
            Self::ElementOverrun { context, .. } | Self::TruncatedElement { context, .. } => {
                match context {
                    Structure::Record { index, .. } => Some(*index),
                    Structure::Header => None,
                }
            }
            _ => None,
        }
    }
}

/// Why a trust list cannot be encoded.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// A value, container, record or header is longer than its u16 length field allows.
    #[error("{what} is {len} bytes, over the 65535 a u16 length field can hold")]
    TooLong {
        /// What was too long, e.g. `record 3 CERTIFICATE (tag 9)`.
        what: EncodedPart,
        /// Its length.
        len: usize,
    },
}

/// A part of an encoded file, named by [`EncodeError::TooLong`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EncodedPart {
    /// The whole header (HEADERLENGTH).
    Header,
    /// An element of the header (its content, or a container's children).
    HeaderElement(HeaderTag),
    /// A whole record (RECORDLENGTH); 1-based record number.
    Record(usize),
    /// An element of a record.
    RecordElement {
        /// 1-based record number.
        record: usize,
        /// The element's tag.
        tag: RecordTag,
    },
}

impl fmt::Display for EncodedPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Header => f.write_str("header"),
            Self::HeaderElement(t) => write!(f, "header {t}"),
            Self::Record(i) => write!(f, "record {i}"),
            Self::RecordElement { record, tag } => write!(f, "record {record} {tag}"),
        }
    }
}
