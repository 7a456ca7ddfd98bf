//! The whole file: header and records.

use std::borrow::Cow;

use crate::edit::EditableTrustList;
use crate::error::{EncodeError, ParseError};
use crate::header::Header;
use crate::record::Record;

/// Largest input [`TrustList::parse`] accepts by default: 1 MiB. Phones refuse
/// trust lists over 64 KiB and real ones are 5–65 KB (a CUCM 10 CTL with five
/// records is 7,166 bytes), so 16 times the phone limit leaves room for odd
/// server-side files while keeping every command within 64 MiB of memory.
/// [`Limits::with_max_size`] raises it.
pub const MAX_FILE_SIZE: usize = 1024 * 1024;

/// Most elements [`TrustList::parse`] accepts by default in one file, counting
/// every header element (container children and padding bytes included) and
/// every record element (RECORDLENGTH included): 8,192. A real record has up to
/// 11 elements, so this is about 700 records: ten times what fits in the 64 KiB
/// a phone accepts (records with certificates are 700–2,000 bytes), and as many
/// as a 1 MiB file of real records holds. It bounds everything later steps
/// build per record or element (the JSON document, the certificate checks), so
/// every command stays within 64 MiB (docs/PERFORMANCE.md).
/// [`Limits::with_max_elements`] raises it.
pub const MAX_ELEMENTS: usize = 8_192;

/// What [`TrustList::parse_with`] accepts: the input size and the number of
/// elements. Both bound the memory and time every later step takes (rendering,
/// comparing, verifying), so that a hostile file cannot exhaust either.
///
/// ```
/// use itl_core::{Limits, MAX_ELEMENTS, MAX_FILE_SIZE};
/// let limits = Limits::default().with_max_size(4 * MAX_FILE_SIZE);
/// assert_eq!(limits.max_size(), 4 * 1024 * 1024);
/// assert_eq!(limits.max_elements(), MAX_ELEMENTS);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    max_size: usize,
    max_elements: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl Limits {
    /// [`MAX_FILE_SIZE`] bytes and [`MAX_ELEMENTS`] elements.
    pub const DEFAULT: Self = Self {
        max_size: MAX_FILE_SIZE,
        max_elements: MAX_ELEMENTS,
    };

    /// The largest input accepted, in bytes.
    pub const fn max_size(self) -> usize {
        self.max_size
    }

    /// The most elements accepted in one file.
    pub const fn max_elements(self) -> usize {
        self.max_elements
    }

    /// These limits with another size limit in bytes.
    #[must_use]
    pub const fn with_max_size(self, bytes: usize) -> Self {
        Self {
            max_size: bytes,
            ..self
        }
    }

    /// These limits with another element limit.
    #[must_use]
    pub const fn with_max_elements(self, elements: usize) -> Self {
        Self {
            max_elements: elements,
            ..self
        }
    }
}

/// Counts one more element at `offset` against the element limit.
pub(crate) fn take_element(left: &mut usize, offset: usize, max: usize) -> Result<(), ParseError> {
    *left = left
        .checked_sub(1)
        .ok_or(ParseError::TooManyElements { offset, max })?;
    Ok(())
}

/// A parsed ITL or CTL file: an immutable view of the bytes it was parsed from.
///
/// Parsing borrows the input (`TrustList<'a>`); [`TrustList::into_owned`] gives a
/// `TrustList<'static>`. The only way to get one is to parse bytes, so
/// [`TrustList::raw`], [`TrustList::signed_bytes`], verification and hashes
/// always describe the parsed file. To change a file, edit an
/// [`EditableTrustList`] ([`TrustList::to_editable`]), write it and parse the
/// result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustList<'a> {
    raw: Cow<'a, [u8]>,
    header: Header<'a>,
    records: Vec<Record<'a>>,
}

/// What kind of trust list a file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FileKind {
    /// Initial Trust List (`ITLFile.tlv`, `ITLSEP<MAC>.tlv`).
    Itl,
    /// Certificate Trust List (`CTLFile.tlv`, `CTLSEP<MAC>.tlv`).
    Ctl,
    /// A signed file (`SEP<MAC>.cnf.xml.sgn`, ring lists, tones, firmware): the
    /// trust-list header followed by the file's own bytes (see [`crate::SignedFile`]).
    Signed,
    /// An encrypted signed configuration file (`SEP<MAC>.cnf.xml.enc.sgn`): a
    /// signed file whose header carries an encryption block (tag 16).
    EncryptedSigned,
}

impl FileKind {
    /// `ITL`, `CTL`, `signed file` or `encrypted signed file`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Itl => "ITL",
            Self::Ctl => "CTL",
            Self::Signed => "signed file",
            Self::EncryptedSigned => "encrypted signed file",
        }
    }

    /// Whether this is a trust list (ITL or CTL).
    pub fn is_trust_list(self) -> bool {
        matches!(self, Self::Itl | Self::Ctl)
    }
}

impl<'a> TrustList<'a> {
    /// Parses a whole file strictly, within the default [`Limits`]; every byte
    /// must belong to an element.
    pub fn parse(data: &'a [u8]) -> Result<Self, ParseError> {
        Self::parse_with(data, Limits::DEFAULT)
    }

    /// Parses a whole file strictly within `limits`: an input over
    /// [`Limits::max_size`] is refused before any parsing
    /// ([`ParseError::TooLarge`]), a file with more than
    /// [`Limits::max_elements`] elements where the count passes the limit
    /// ([`ParseError::TooManyElements`]).
    pub fn parse_with(data: &'a [u8], limits: Limits) -> Result<Self, ParseError> {
        if data.is_empty() {
            return Err(ParseError::Empty);
        }
        if data.len() > limits.max_size {
            return Err(ParseError::TooLarge {
                size: data.len(),
                max: limits.max_size,
            });
        }
        let max = limits.max_elements;
        let mut left = max;
        let (header, pos) = Header::parse_counted(data, &mut left, max)?;
        Self::with_header(data, header, pos, left, max)
    }

    /// The rest of [`TrustList::parse_with`] once the header is parsed (ending at
    /// byte `pos`, `left` of `max` elements still allowed): the records. Kind
    /// detection parses the header once and continues here.
    pub(crate) fn with_header(
        data: &'a [u8],
        header: Header<'a>,
        mut pos: usize,
        mut left: usize,
        max: usize,
    ) -> Result<Self, ParseError> {
        // Frame every record first, so that a broken RECORDLENGTH chain is reported
        // where it breaks, then read the elements inside each record.
        // Records are rarely under 400 bytes; this guess avoids regrowing the list.
        let mut frames = Vec::with_capacity(data.len().saturating_sub(pos) / 400 + 1);
        while pos < data.len() {
            let end = Record::frame(data, pos, frames.len() + 1)?;
            take_element(&mut left, pos, max)?;
            frames.push((pos, end));
            pos = end;
        }
        let mut records = Vec::with_capacity(frames.len());
        for (i, &(start, end)) in frames.iter().enumerate() {
            records.push(Record::parse(data, start, end, i + 1, &mut left, max)?);
        }
        Ok(Self {
            raw: Cow::Borrowed(data),
            header,
            records,
        })
    }

    /// The header.
    pub fn header(&self) -> &Header<'a> {
        &self.header
    }

    /// The records in file order.
    pub fn records(&self) -> &[Record<'a>] {
        &self.records
    }

    /// The bytes the list was parsed from.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// ITL or CTL: from the header FILENAME (`ITL…` / `CTL…`), else ITL when a
    /// record has the TVS role (TVS entries exist only in ITLs), else CTL.
    pub fn kind(&self) -> FileKind {
        let name = self
            .header
            .filename()
            .unwrap_or_default()
            .to_ascii_uppercase();
        if name.starts_with("CTL") {
            FileKind::Ctl
        } else if name.starts_with("ITL")
            || self
                .records
                .iter()
                .any(|r| r.function() == Some(crate::Role::TVS))
        {
            FileKind::Itl
        } else {
            FileKind::Ctl
        }
    }

    /// The bytes the signature covers: the original bytes with the SIGNATURE
    /// element (tag, length and value) removed. `None` without a SIGNATURE element.
    pub fn signed_bytes(&self) -> Option<Vec<u8>> {
        crate::verify::signed_bytes(&self.header, self.raw())
    }

    /// The list encoded again from its elements, verbatim: element lengths follow
    /// their contents and the HEADERLENGTH and RECORDLENGTH values are written as
    /// stored. For every file [`TrustList::parse`] accepts, the result equals the
    /// input byte for byte (tested on every vector, by proptest and by fuzzing).
    pub fn to_bytes(&self) -> Vec<u8> {
        // Every length of a parsed list was read from a u16 field, so encoding it
        // cannot meet a length over 65,535; the input is the answer if it did.
        crate::edit::encode(&self.header, &self.records).unwrap_or_else(|_| self.raw.to_vec())
    }

    /// The list written with every length recomputed, as
    /// [`EditableTrustList::to_bytes_fixed`] does. A parsed list's lengths are
    /// already right (the parser checks them all) and padding is left as it is,
    /// so for every file [`TrustList::parse`] accepts this equals the input.
    pub fn to_bytes_fixed(&self) -> Result<Vec<u8>, EncodeError> {
        self.to_editable().to_bytes_fixed()
    }

    /// An editable copy of the header and records (the write side). Edits there
    /// cannot reach this list: its raw bytes, signed bytes and hashes keep
    /// describing the file that was parsed; parse the edited bytes again to
    /// verify or hash them.
    pub fn to_editable(&self) -> EditableTrustList<'a> {
        EditableTrustList::new(self.header.clone(), self.records.clone())
    }

    /// Copies all borrowed data, giving an owned list.
    pub fn into_owned(self) -> TrustList<'static> {
        TrustList {
            raw: Cow::Owned(self.raw.into_owned()),
            header: self.header.into_owned(),
            records: self.records.into_iter().map(Record::into_owned).collect(),
        }
    }
}
