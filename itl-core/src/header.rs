//! The file header: version, header length, signer and signature information,
//! file name, time stamp, signer version, padding and any unknown element.

use std::ops::Range;

use crate::digest::DigestAlgorithm;
use crate::element::{self, Element, PADDING_BYTE, Scope, read_tlv};
use crate::error::{ContainerProblem, Found, ParseError, Structure};
use crate::tag::HeaderTag;
use crate::trustlist::take_element;

/// The header of an ITL/CTL file, every element kept in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header<'a> {
    elements: Vec<Element<'a>>,
}

impl<'a> Header<'a> {
    /// Builds a header from elements (for building and editing).
    pub fn from_elements(elements: Vec<Element<'a>>) -> Self {
        Self { elements }
    }

    /// Parses the header at the start of `data`; returns it and the header length.
    /// A header is at most 65,535 bytes, so it has fewer elements than
    /// [`crate::MAX_ELEMENTS`]; no limit is applied here.
    pub(crate) fn parse(data: &'a [u8]) -> Result<(Self, usize), ParseError> {
        let mut left = usize::MAX;
        Self::parse_counted(data, &mut left, usize::MAX)
    }

    /// [`Header::parse`], counting every element (container children and padding
    /// bytes included) against `left`, of the `max` elements a file may hold.
    pub(crate) fn parse_counted(
        data: &'a [u8],
        left: &mut usize,
        max: usize,
    ) -> Result<(Self, usize), ParseError> {
        let scope = Scope {
            context: Structure::Header,
        };
        let file_len = data.len();
        // VERSION must come first, then HEADERLENGTH (tag 2, length 2).
        let found = |pos: usize| -> Found {
            match data.get(pos..pos + 3) {
                Some([t, a, b]) => Found::Element {
                    tag: *t,
                    length: u16::from_be_bytes([*a, *b]),
                },
                _ => Found::Bytes(file_len.saturating_sub(pos)),
            }
        };
        if data.first() != Some(&1) {
            return Err(ParseError::BadStart {
                offset: 0,
                expected: "VERSION (tag 1)",
                found: found(0),
            });
        }
        let (_, vstart, vend) = read_tlv(data, 0, file_len, &scope)?;
        let version = element::parsed_value(0, 1, &data[vstart..vend]);
        let hpos = vend;
        let (htag, hstart, hend) = match read_tlv(data, hpos, file_len, &scope) {
            Ok(t) if t.0 == 2 && t.2 - t.1 == 2 => t,
            _ => {
                return Err(ParseError::BadStart {
                    offset: hpos,
                    expected: "HEADERLENGTH (tag 2, length 2)",
                    found: found(hpos),
                });
            }
        };
        let header_len = usize::from(u16::from_be_bytes([data[hstart], data[hstart + 1]]));
        if header_len > file_len {
            return Err(ParseError::HeaderLengthPastEnd {
                offset: hpos,
                header_length: header_len,
                file_len,
            });
        }
        take_element(left, 0, max)?;
        take_element(left, hpos, max)?;
        // A CUCM header has 9 top-level elements plus up to 3 padding bytes.
        let mut elements = Vec::with_capacity(16);
        elements.push(version);
        elements.push(element::parsed_value(hpos, htag, &data[hstart..hend]));
        let mut pos = hend;
        if pos > header_len {
            return Err(ParseError::HeaderLengthMismatch {
                offset: hpos,
                tag: HeaderTag::HEADER_LENGTH,
                header_length: header_len,
                element_end: pos,
            });
        }
        while pos < header_len {
            take_element(left, pos, max)?;
            if data[pos] == PADDING_BYTE {
                elements.push(element::parsed_padding(pos));
                pos += 1;
                continue;
            }
            // Read against the file end first so that an element crossing the header
            // end is reported as a header-length problem, not a truncation.
            let (tag, start, stop) = read_tlv(data, pos, file_len, &scope)?;
            if stop > header_len {
                return Err(ParseError::HeaderLengthMismatch {
                    offset: pos,
                    tag: HeaderTag(tag),
                    header_length: header_len,
                    element_end: stop,
                });
            }
            let at = Frame {
                pos,
                tag,
                start,
                stop,
            };
            elements.push(parse_element(data, &at, None, left, max)?);
            pos = stop;
        }
        Ok((Self { elements }, header_len))
    }

    /// Every top-level element in file order (containers hold their children).
    pub fn elements(&self) -> &[Element<'a>] {
        &self.elements
    }

    /// Mutable access to the elements, for editing.
    pub fn elements_mut(&mut self) -> &mut Vec<Element<'a>> {
        &mut self.elements
    }

    /// The first top-level element with this tag.
    pub fn get(&self, tag: HeaderTag) -> Option<&Element<'a>> {
        self.elements
            .iter()
            .find(|e| e.tag() == tag.0 && !e.is_padding())
    }

    fn child(&self, container: HeaderTag, tag: HeaderTag) -> Option<&Element<'a>> {
        self.get(container)?
            .children()
            .iter()
            .find(|e| e.tag() == tag.0)
    }

    fn algo_child(&self, tag: HeaderTag) -> Option<&Element<'a>> {
        self.child(HeaderTag::SIGNATURE_INFO, HeaderTag::SIGNATURE_ALGO_INFO)?
            .children()
            .iter()
            .find(|e| e.tag() == tag.0)
    }

    /// VERSION as (major, minor).
    pub fn version(&self) -> Option<(u8, u8)> {
        match self.get(HeaderTag::VERSION)?.value()? {
            [a, b] => Some((*a, *b)),
            _ => None,
        }
    }

    /// VERSION as text, `1.2`; the raw hex for an odd-sized value.
    pub fn version_string(&self) -> Option<String> {
        let e = self.get(HeaderTag::VERSION)?;
        Some(match self.version() {
            Some((a, b)) => format!("{a}.{b}"),
            None => hex::encode(e.value().unwrap_or_default()),
        })
    }

    /// HEADERLENGTH: the offset of the first record.
    pub fn header_length(&self) -> u16 {
        match self.get(HeaderTag::HEADER_LENGTH).and_then(Element::value) {
            Some([a, b]) => u16::from_be_bytes([*a, *b]),
            _ => 0,
        }
    }

    /// SIGNERNAME text (subject DN of the signer).
    pub fn signer_name(&self) -> Option<String> {
        Some(
            self.child(HeaderTag::SIGNER_INFO, HeaderTag::SIGNER_NAME)?
                .text()
                .into_owned(),
        )
    }

    /// The signer's SERIALNUMBER bytes.
    pub fn signer_serial(&self) -> Option<&[u8]> {
        self.child(HeaderTag::SIGNER_INFO, HeaderTag::SERIAL_NUMBER)?
            .value()
    }

    /// CANAME text (issuer DN of the signer).
    pub fn issuer_name(&self) -> Option<String> {
        Some(
            self.child(HeaderTag::SIGNER_INFO, HeaderTag::CA_NAME)?
                .text()
                .into_owned(),
        )
    }

    /// The signer information container (tag 3), if present.
    pub fn signer_info(&self) -> Option<&Element<'a>> {
        self.get(HeaderTag::SIGNER_INFO)
    }

    /// DIGESTALGORTITHM: the hash of the file signature.
    pub fn digest(&self) -> Option<DigestAlgorithm> {
        match self
            .child(HeaderTag::SIGNATURE_INFO, HeaderTag::DIGEST_ALGORITHM)?
            .value()?
        {
            [c] => Some(DigestAlgorithm(*c)),
            _ => None,
        }
    }

    /// SIGNATUREALGORTITHM code (0 = RSA).
    pub fn signature_algorithm(&self) -> Option<u8> {
        match self.algo_child(HeaderTag::SIGNATURE_ALGORITHM)?.value()? {
            [c] => Some(*c),
            _ => None,
        }
    }

    /// SIGNATUREMODULUS code (index into 512/1024/2048/4096 bits).
    pub fn modulus_code(&self) -> Option<u8> {
        match self.algo_child(HeaderTag::SIGNATURE_MODULUS)?.value()? {
            [c] => Some(*c),
            _ => None,
        }
    }

    /// Key size in bits named by SIGNATUREMODULUS, if the code is known.
    pub fn modulus_bits(&self) -> Option<u32> {
        match self.modulus_code()? {
            0 => Some(512),
            1 => Some(1024),
            2 => Some(2048),
            3 => Some(4096),
            _ => None,
        }
    }

    /// Every top-level SIGNATURE element (a valid signed file has exactly one).
    pub fn signature_elements(&self) -> impl Iterator<Item = &Element<'a>> {
        self.elements
            .iter()
            .filter(|e| e.tag() == HeaderTag::SIGNATURE.0 && !e.is_padding())
    }

    /// The SIGNATURE bytes.
    pub fn signature(&self) -> Option<&[u8]> {
        self.get(HeaderTag::SIGNATURE)?.value()
    }

    /// Byte range of the whole SIGNATURE element (tag, length, value) in the file:
    /// what is left out of the signed bytes.
    pub fn signature_range(&self) -> Option<Range<usize>> {
        let e = self.get(HeaderTag::SIGNATURE)?;
        Some(e.offset()..e.offset() + e.encoded_len())
    }

    /// FILENAME text.
    pub fn filename(&self) -> Option<String> {
        Some(self.get(HeaderTag::FILENAME)?.text().into_owned())
    }

    /// TIMESTAMP (Unix time).
    pub fn timestamp(&self) -> Option<u32> {
        match self.get(HeaderTag::TIMESTAMP)?.value()? {
            [a, b, c, d] => Some(u32::from_be_bytes([*a, *b, *c, *d])),
            _ => None,
        }
    }

    /// SIGNER VERSION (tag 28) as (major, minor).
    pub fn signer_version(&self) -> Option<(u8, u8)> {
        match self.get(HeaderTag::SIGNER_VERSION)?.value()? {
            [a, b] => Some((*a, *b)),
            _ => None,
        }
    }

    /// Number of bare padding bytes.
    pub fn padding_len(&self) -> usize {
        self.elements.iter().filter(|e| e.is_padding()).count()
    }

    /// Top-level elements whose tag this crate does not know.
    pub fn unknown_elements(&self) -> impl Iterator<Item = &Element<'a>> {
        self.elements
            .iter()
            .filter(|e| HeaderTag(e.tag()).name().is_none())
    }

    /// Bytes the header takes when written.
    pub fn encoded_len(&self) -> usize {
        self.elements.iter().map(Element::encoded_len).sum()
    }

    pub(crate) fn into_owned(self) -> Header<'static> {
        Header {
            elements: self.elements.into_iter().map(Element::into_owned).collect(),
        }
    }
}

/// Where one element is: its tag at `pos`, its value `start..stop`.
struct Frame {
    pos: usize,
    tag: u8,
    start: usize,
    stop: usize,
}

/// Parses one header element whose value is `data[start..stop]`, stepping into
/// containers; each child is counted against `left` (the element itself was).
fn parse_element<'a>(
    data: &'a [u8],
    at: &Frame,
    parent: Option<HeaderTag>,
    left: &mut usize,
    max: usize,
) -> Result<Element<'a>, ParseError> {
    let &Frame {
        pos,
        tag,
        start,
        stop,
    } = at;
    let header_tag = HeaderTag(tag);
    if !header_tag.is_container(parent) {
        return Ok(element::parsed_value(pos, tag, &data[start..stop]));
    }
    if header_tag.is_optional_container() {
        // Children count only if it is read as a container.
        let mut trial = *left;
        return Ok(match parse_container(data, at, &mut trial, max) {
            Ok(e) => {
                *left = trial;
                e
            }
            Err(_) => element::parsed_value(pos, tag, &data[start..stop]),
        });
    }
    parse_container(data, at, left, max)
}

/// Parses the container element `at`, counting its children against `left`.
fn parse_container<'a>(
    data: &'a [u8],
    at: &Frame,
    left: &mut usize,
    max: usize,
) -> Result<Element<'a>, ParseError> {
    let &Frame {
        pos,
        tag,
        start,
        stop,
    } = at;
    let scope = Scope {
        context: Structure::Header,
    };
    let mut children = Vec::with_capacity(3);
    let mut cpos = start;
    while cpos < stop {
        let (ctag, cstart, cstop) = read_tlv(data, cpos, data.len(), &scope).map_err(|_| {
            ParseError::ContainerMismatch {
                offset: pos,
                tag: HeaderTag(tag),
                declared: stop - start,
                problem: ContainerProblem::PartialElement {
                    at: cpos,
                    count: stop - cpos,
                },
            }
        })?;
        if cstop > stop {
            return Err(ParseError::ContainerMismatch {
                offset: pos,
                tag: HeaderTag(tag),
                declared: stop - start,
                problem: ContainerProblem::ChildOverrun {
                    child: HeaderTag(ctag),
                    at: cpos,
                    child_end: cstop,
                    end: stop,
                },
            });
        }
        take_element(left, cpos, max)?;
        let child = Frame {
            pos: cpos,
            tag: ctag,
            start: cstart,
            stop: cstop,
        };
        children.push(parse_element(
            data,
            &child,
            Some(HeaderTag(tag)),
            left,
            max,
        )?);
        cpos = cstop;
    }
    Ok(element::parsed_container(pos, tag, children))
}
