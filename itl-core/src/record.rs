//! Records: one certificate (or certificate hash) with its FUNCTION.

use std::net::Ipv4Addr;

use crate::digest::DigestAlgorithm;
use crate::element::{self, Element, Scope, read_values};
use crate::error::{ParseError, Structure};
use crate::role::Role;
use crate::tag::RecordTag;
use crate::trustlist::take_element;

/// One record of the trust list, every element kept in file order.
///
/// The first element is RECORDLENGTH (tag 1); any subset of the other tags may
/// follow in any order, unknown tags included.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record<'a> {
    offset: usize,
    elements: Vec<Element<'a>>,
}

impl<'a> Record<'a> {
    /// Builds a record from its elements (RECORDLENGTH first; its value is
    /// recomputed by [`crate::TrustList::to_bytes_fixed`]).
    pub fn from_elements(elements: Vec<Element<'a>>) -> Self {
        Self {
            offset: 0,
            elements,
        }
    }

    /// Checks the frame of record number `index` (1-based) at `pos`: a RECORDLENGTH
    /// element (tag 1, length 2) whose value is at least 5 and fits in the file.
    /// Returns the record's end.
    pub(crate) fn frame(data: &[u8], pos: usize, index: usize) -> Result<usize, ParseError> {
        let remain = data.len().saturating_sub(pos);
        let (Some(&tag), Some(len_bytes)) = (data.get(pos), data.get(pos + 1..pos + 3)) else {
            return Err(ParseError::RecordTruncated {
                index,
                offset: pos,
                remain,
            });
        };
        let field_len = u16::from_be_bytes([len_bytes[0], len_bytes[1]]);
        if tag != RecordTag::RECORD_LENGTH.0 || field_len != 2 {
            let as_length = data
                .get(pos + 3..pos + 5)
                .map(|v| usize::from(u16::from_be_bytes([v[0], v[1]])));
            return Err(ParseError::RecordNoLength {
                index,
                offset: pos,
                tag,
                length: field_len,
                as_length,
                remain,
            });
        }
        let Some(value) = data.get(pos + 3..pos + 5) else {
            return Err(ParseError::RecordTruncated {
                index,
                offset: pos,
                remain,
            });
        };
        let declared = usize::from(u16::from_be_bytes([value[0], value[1]]));
        if declared < 5 {
            return Err(ParseError::RecordTooShort {
                index,
                offset: pos,
                declared,
            });
        }
        if declared > remain {
            return Err(ParseError::RecordOverrun {
                index,
                offset: pos,
                declared,
                remain,
            });
        }
        Ok(pos + declared)
    }

    /// Parses the elements of record number `index` framed as `data[pos..end]` by
    /// [`Record::frame`]. Its elements after RECORDLENGTH (which the framing
    /// counted) are counted against `left`, of the `max` a file may hold.
    pub(crate) fn parse(
        data: &'a [u8],
        pos: usize,
        end: usize,
        index: usize,
        left: &mut usize,
        max: usize,
    ) -> Result<Self, ParseError> {
        // Count first (a cheap walk over tags and lengths), so the list is
        // allocated once at its size: a 5-byte record takes one element, not a
        // guess. A walk that stops early leaves the error to `read_values` below.
        let mut count = 1;
        let mut at = pos + 5;
        while at < end {
            take_element(left, at, max)?;
            count += 1;
            match data.get(at + 1..at + 3) {
                Some(&[a, b]) => at += 3 + usize::from(u16::from_be_bytes([a, b])),
                _ => break,
            }
        }
        let mut elements = Vec::with_capacity(count);
        elements.push(element::parsed_value(
            pos,
            RecordTag::RECORD_LENGTH.0,
            &data[pos + 3..pos + 5],
        ));
        let scope = Scope {
            context: Structure::Record { index, role: None },
        };
        // Only on error: name the record by its FUNCTION (a scan of the record).
        read_values(data, pos + 5, end, &scope, &mut elements)
            .map_err(|e| e.in_record(index, find_function(data, pos + 5, end)))?;
        Ok(Self {
            offset: pos,
            elements,
        })
    }

    /// Byte offset of the record in the parsed input.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// RECORDLENGTH as stored.
    pub fn length(&self) -> u16 {
        match self.elements.first().and_then(Element::value) {
            Some([a, b]) => u16::from_be_bytes([*a, *b]),
            _ => 0,
        }
    }

    /// Every element in file order, RECORDLENGTH first.
    pub fn elements(&self) -> &[Element<'a>] {
        &self.elements
    }

    /// Mutable access to the elements, for editing.
    pub fn elements_mut(&mut self) -> &mut Vec<Element<'a>> {
        &mut self.elements
    }

    /// The first element with this tag (RECORDLENGTH excluded).
    pub fn get(&self, tag: RecordTag) -> Option<&Element<'a>> {
        self.elements.iter().skip(1).find(|e| e.tag() == tag.0)
    }

    fn bytes(&self, tag: RecordTag) -> Option<&[u8]> {
        self.get(tag)?.value()
    }

    fn string(&self, tag: RecordTag) -> Option<String> {
        Some(self.get(tag)?.text().into_owned())
    }

    /// FUNCTION (role), or `None` if the record has no FUNCTION element or its value
    /// is not 2 bytes.
    pub fn function(&self) -> Option<Role> {
        match self.bytes(RecordTag::FUNCTION)? {
            [a, b] => Some(Role(u16::from_be_bytes([*a, *b]))),
            _ => None,
        }
    }

    /// DNSNAME text.
    pub fn dns_name(&self) -> Option<String> {
        self.string(RecordTag::DNS_NAME)
    }

    /// SUBJECTNAME text.
    pub fn subject_name(&self) -> Option<String> {
        self.string(RecordTag::SUBJECT_NAME)
    }

    /// ISSUERNAME text.
    pub fn issuer_name(&self) -> Option<String> {
        self.string(RecordTag::ISSUER_NAME)
    }

    /// SERIALNUMBER bytes.
    pub fn serial_number(&self) -> Option<&[u8]> {
        self.bytes(RecordTag::SERIAL_NUMBER)
    }

    /// PUBLICKEY bytes (PKCS#1 RSAPublicKey DER, or an EC point).
    pub fn public_key(&self) -> Option<&[u8]> {
        self.bytes(RecordTag::PUBLIC_KEY)
    }

    /// SIGNATURE bytes: the certificate's own signatureValue.
    pub fn signature(&self) -> Option<&[u8]> {
        self.bytes(RecordTag::SIGNATURE)
    }

    /// CERTIFICATE: DER X.509.
    pub fn certificate(&self) -> Option<&[u8]> {
        self.bytes(RecordTag::CERTIFICATE)
    }

    /// IPADDRESS, if it is 4 bytes.
    pub fn ip_address(&self) -> Option<Ipv4Addr> {
        match self.bytes(RecordTag::IP_ADDRESS)? {
            [a, b, c, d] => Some(Ipv4Addr::new(*a, *b, *c, *d)),
            _ => None,
        }
    }

    /// CERTHASH bytes.
    pub fn cert_hash(&self) -> Option<&[u8]> {
        self.bytes(RecordTag::CERT_HASH)
    }

    /// HASH ALGORITHM of CERTHASH.
    pub fn hash_algorithm(&self) -> Option<DigestAlgorithm> {
        match self.bytes(RecordTag::HASH_ALGORITHM)? {
            [c] => Some(DigestAlgorithm(*c)),
            _ => None,
        }
    }

    /// Elements whose tag this crate does not know.
    pub fn unknown_elements(&self) -> impl Iterator<Item = &Element<'a>> {
        self.elements
            .iter()
            .filter(|e| RecordTag(e.tag()).cucm_name().is_none())
    }

    /// Bytes the record takes when written.
    pub fn encoded_len(&self) -> usize {
        self.elements.iter().map(Element::encoded_len).sum()
    }

    pub(crate) fn into_owned(self) -> Record<'static> {
        Record {
            offset: self.offset,
            elements: self.elements.into_iter().map(Element::into_owned).collect(),
        }
    }
}

/// Best-effort scan for a FUNCTION element in a record that failed to parse, to name
/// the record's role in the error message.
fn find_function(data: &[u8], mut pos: usize, end: usize) -> Option<Role> {
    while pos + 3 <= end {
        let tag = data[pos];
        let len = usize::from(u16::from_be_bytes([data[pos + 1], data[pos + 2]]));
        let stop = pos + 3 + len;
        if stop > end {
            return None;
        }
        if tag == RecordTag::FUNCTION.0 && len == 2 {
            return Some(Role(u16::from_be_bytes([data[pos + 3], data[pos + 4]])));
        }
        pos = stop;
    }
    None
}
