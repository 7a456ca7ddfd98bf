//! The write side: an editable trust list, kept apart from the parsed view
//! ([`crate::TrustList`]) so that nothing derived from parsed bytes (raw bytes,
//! signed bytes, verification, hashes) can describe a list after it was changed.

use crate::element::Element;
use crate::error::{EncodeError, EncodedPart};
use crate::header::Header;
use crate::record::Record;
use crate::tag::{HeaderTag, RecordTag};

/// A trust list being built or edited: header and records as elements.
///
/// Get one from a parsed list ([`crate::TrustList::to_editable`]) or from parts
/// ([`EditableTrustList::new`]); change it through [`EditableTrustList::header_mut`]
/// and [`EditableTrustList::records_mut`]; write it with
/// [`EditableTrustList::to_bytes_fixed`] (lengths recomputed) or
/// [`EditableTrustList::to_bytes`] (verbatim). To verify or hash the result,
/// parse the bytes written. Element offsets are those of the parsed input and
/// are not updated by edits.
///
/// ```
/// # let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../testvectors/real/CTLFile-cucm10.tlv");
/// use itl_core::{RecordTag, TrustList};
/// let bytes = std::fs::read(path)?;
/// let tl = TrustList::parse(&bytes)?;
/// let mut edit = tl.to_editable();
/// // Drop the last record; the header and RECORDLENGTH values are recomputed.
/// edit.records_mut().pop();
/// let shorter = edit.to_bytes_fixed()?;
/// let parsed = TrustList::parse(&shorter)?;
/// assert_eq!(parsed.records().len(), tl.records().len() - 1);
/// // The original view still describes the original file.
/// assert_eq!(tl.raw(), &bytes[..]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditableTrustList<'a> {
    header: Header<'a>,
    records: Vec<Record<'a>>,
}

impl<'a> EditableTrustList<'a> {
    /// A list from a header and records.
    pub fn new(header: Header<'a>, records: Vec<Record<'a>>) -> Self {
        Self { header, records }
    }

    /// The header.
    pub fn header(&self) -> &Header<'a> {
        &self.header
    }

    /// The records in file order.
    pub fn records(&self) -> &[Record<'a>] {
        &self.records
    }

    /// The header, to edit.
    pub fn header_mut(&mut self) -> &mut Header<'a> {
        &mut self.header
    }

    /// The records, to edit, add or remove.
    pub fn records_mut(&mut self) -> &mut Vec<Record<'a>> {
        &mut self.records
    }

    /// Writes the list verbatim: element and container lengths follow their
    /// contents, HEADERLENGTH, RECORDLENGTH and padding are written as they are.
    /// Refuses an element whose content is over 65,535 bytes
    /// ([`EncodeError::TooLong`]): its length field cannot hold it.
    pub fn to_bytes(&self) -> Result<Vec<u8>, EncodeError> {
        encode(&self.header, &self.records)
    }

    /// Sets HEADERLENGTH to the header's size and each RECORDLENGTH to its
    /// record's size. Padding bytes are content and stay as they are
    /// ([`EditableTrustList::pad_header`] aligns them). Refuses any length over
    /// 65,535 ([`EncodeError::TooLong`]), changing nothing then.
    pub fn fix_lengths(&mut self) -> Result<(), EncodeError> {
        for e in self.header.elements() {
            e.check_lengths(&|t| EncodedPart::HeaderElement(HeaderTag(t)))?;
        }
        let header_len = self.header.encoded_len();
        let hl = u16::try_from(header_len).map_err(|_| EncodeError::TooLong {
            what: EncodedPart::Header,
            len: header_len,
        })?;
        let mut lengths = Vec::with_capacity(self.records.len());
        for (i, r) in self.records.iter().enumerate() {
            for e in r.elements() {
                e.check_lengths(&|t| EncodedPart::RecordElement {
                    record: i + 1,
                    tag: RecordTag(t),
                })?;
            }
            let len = r.encoded_len();
            lengths.push(u16::try_from(len).map_err(|_| EncodeError::TooLong {
                what: EncodedPart::Record(i + 1),
                len,
            })?);
        }
        if let Some(e) = self
            .header
            .elements_mut()
            .iter_mut()
            .find(|e| e.tag() == HeaderTag::HEADER_LENGTH.0 && !e.is_padding())
        {
            e.set_value(hl.to_be_bytes().to_vec());
        }
        for (r, rl) in self.records.iter_mut().zip(lengths) {
            if let Some(first) = r.elements_mut().first_mut() {
                first.set_value(rl.to_be_bytes().to_vec());
            }
        }
        Ok(())
    }

    /// Resizes the header padding so that the header is a multiple of 4 bytes,
    /// as CUCM writes it: all bare padding bytes are removed and 0 to 3 put back
    /// where the first one was (at the end of the header if there was none).
    pub fn pad_header(&mut self) {
        let elements = self.header.elements_mut();
        let at = elements
            .iter()
            .position(Element::is_padding)
            .unwrap_or(elements.len());
        elements.retain(|e| !e.is_padding());
        let unpadded: usize = elements.iter().map(Element::encoded_len).sum();
        let at = at.min(elements.len());
        for _ in 0..(4 - unpadded % 4) % 4 {
            elements.insert(at, Element::new_padding());
        }
    }

    /// Writes the list with HEADERLENGTH and every RECORDLENGTH recomputed
    /// ([`EditableTrustList::fix_lengths`] on a copy). For a list taken from a
    /// parsed file and not changed, this equals the parsed bytes.
    pub fn to_bytes_fixed(&self) -> Result<Vec<u8>, EncodeError> {
        let mut fixed = self.clone();
        fixed.fix_lengths()?;
        fixed.to_bytes()
    }

    /// Copies all borrowed data.
    pub fn into_owned(self) -> EditableTrustList<'static> {
        EditableTrustList {
            header: self.header.into_owned(),
            records: self.records.into_iter().map(Record::into_owned).collect(),
        }
    }
}

impl<'a> From<crate::TrustList<'a>> for EditableTrustList<'a> {
    fn from(tl: crate::TrustList<'a>) -> Self {
        tl.to_editable()
    }
}

/// Header and records encoded verbatim, refusing lengths over 65,535.
pub(crate) fn encode(header: &Header<'_>, records: &[Record<'_>]) -> Result<Vec<u8>, EncodeError> {
    let size = header.encoded_len() + records.iter().map(Record::encoded_len).sum::<usize>();
    let mut out = Vec::with_capacity(size);
    for e in header.elements() {
        e.write(&mut out, &|t| EncodedPart::HeaderElement(HeaderTag(t)))?;
    }
    for (i, r) in records.iter().enumerate() {
        for e in r.elements() {
            e.write(&mut out, &|t| EncodedPart::RecordElement {
                record: i + 1,
                tag: RecordTag(t),
            })?;
        }
    }
    Ok(out)
}
