//! The whole file: header and records.

use std::borrow::Cow;

use crate::element::Element;
use crate::error::{EncodeError, ParseError};
use crate::header::Header;
use crate::record::Record;
use crate::tag::{HeaderTag, RecordTag};

/// Largest input [`TrustList::parse`] accepts: 16 MiB. Phones refuse files over
/// 64 KiB; the margin leaves room for odd server-side files.
pub const MAX_FILE_SIZE: usize = 16 * 1024 * 1024;

/// A parsed ITL or CTL file.
///
/// Parsing borrows the input (`TrustList<'a>`); [`TrustList::into_owned`] gives a
/// `TrustList<'static>` for building and editing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustList<'a> {
    raw: Cow<'a, [u8]>,
    header: Header<'a>,
    records: Vec<Record<'a>>,
}

/// What kind of trust list a file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
    /// Parses a whole file strictly; every byte must belong to an element.
    pub fn parse(data: &'a [u8]) -> Result<Self, ParseError> {
        if data.is_empty() {
            return Err(ParseError::Empty);
        }
        if data.len() > MAX_FILE_SIZE {
            return Err(ParseError::TooLarge {
                size: data.len(),
                max: MAX_FILE_SIZE,
            });
        }
        let (header, mut pos) = Header::parse(data)?;
        // Frame every record first, so that a broken RECORDLENGTH chain is reported
        // where it breaks, then read the elements inside each record.
        // Records are rarely under 400 bytes; this guess avoids regrowing the list.
        let mut frames = Vec::with_capacity(data.len().saturating_sub(pos) / 400 + 1);
        while pos < data.len() {
            let end = Record::frame(data, pos, frames.len() + 1)?;
            frames.push((pos, end));
            pos = end;
        }
        let records = frames
            .iter()
            .enumerate()
            .map(|(i, &(start, end))| Record::parse(data, start, end, i + 1))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            raw: Cow::Borrowed(data),
            header,
            records,
        })
    }

    /// Builds a trust list from parts (for building and editing). The raw bytes are
    /// those of [`TrustList::to_bytes`]; use [`TrustList::to_bytes_fixed`] to recompute
    /// lengths first.
    pub fn from_parts(header: Header<'a>, records: Vec<Record<'a>>) -> Self {
        let mut tl = Self {
            raw: Cow::Borrowed(&[]),
            header,
            records,
        };
        tl.raw = Cow::Owned(tl.to_bytes());
        tl
    }

    /// The header.
    pub fn header(&self) -> &Header<'a> {
        &self.header
    }

    /// The records in file order.
    pub fn records(&self) -> &[Record<'a>] {
        &self.records
    }

    /// Mutable header, for editing.
    pub fn header_mut(&mut self) -> &mut Header<'a> {
        &mut self.header
    }

    /// Mutable records, for editing.
    pub fn records_mut(&mut self) -> &mut Vec<Record<'a>> {
        &mut self.records
    }

    /// The bytes the list was parsed from (or built from, for [`TrustList::from_parts`]).
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

    /// Writes the list verbatim: element lengths follow their contents and the
    /// HEADERLENGTH and RECORDLENGTH values are written as stored. For every file
    /// [`TrustList::parse`] accepts, the result equals the input byte for byte.
    pub fn to_bytes(&self) -> Vec<u8> {
        let size =
            self.header.encoded_len() + self.records.iter().map(Record::encoded_len).sum::<usize>();
        let mut out = Vec::with_capacity(size);
        for e in self.header.elements() {
            e.write(&mut out);
        }
        for r in &self.records {
            for e in r.elements() {
                e.write(&mut out);
            }
        }
        out
    }

    /// Writes the list with every length recomputed ("fix" mode): element and
    /// container lengths, HEADERLENGTH, each RECORDLENGTH, and the padding (when the
    /// header has padding, it is resized so the header length is a multiple of 4).
    /// Refuses any length that does not fit a u16. Fixing a parsed valid file
    /// changes nothing.
    pub fn to_bytes_fixed(&self) -> Result<Vec<u8>, EncodeError> {
        let mut fixed = self.clone();
        fixed.fix_lengths()?;
        Ok(fixed.to_bytes())
    }

    /// Recomputes HEADERLENGTH, RECORDLENGTH and padding in place (see
    /// [`TrustList::to_bytes_fixed`]).
    pub fn fix_lengths(&mut self) -> Result<(), EncodeError> {
        // Padding: keep its place, resize it.
        let elements = self.header.elements_mut();
        if let Some(first_pad) = elements.iter().position(Element::is_padding) {
            elements.retain(|e| !e.is_padding());
            let unpadded: usize = elements.iter().map(Element::encoded_len).sum();
            let pad = (4 - unpadded % 4) % 4;
            let at = first_pad.min(elements.len());
            for _ in 0..pad {
                elements.insert(at, Element::new_padding());
            }
        }
        let header_len = self.header.encoded_len();
        for e in self.header.elements() {
            e.check_lengths(&|t| format!("header {}", HeaderTag(t)))?;
        }
        let hl = u16::try_from(header_len).map_err(|_| EncodeError::TooLong {
            what: "header".to_owned(),
            len: header_len,
        })?;
        if let Some(e) = self
            .header
            .elements_mut()
            .iter_mut()
            .find(|e| e.tag() == HeaderTag::HEADER_LENGTH.0)
        {
            e.set_value(hl.to_be_bytes().to_vec());
        }
        for (i, r) in self.records.iter_mut().enumerate() {
            let len = r.encoded_len();
            for e in r.elements() {
                e.check_lengths(&|t| format!("record {} {}", i + 1, RecordTag(t)))?;
            }
            let rl = u16::try_from(len).map_err(|_| EncodeError::TooLong {
                what: format!("record {}", i + 1),
                len,
            })?;
            if let Some(first) = r.elements_mut().first_mut() {
                first.set_value(rl.to_be_bytes().to_vec());
            }
        }
        self.raw = Cow::Owned(self.to_bytes());
        Ok(())
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
