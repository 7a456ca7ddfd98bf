//! The tag-length-value element, the building block of header and records.

use std::borrow::Cow;

use crate::error::{ElementTag, EncodeError, EncodedPart, ParseError, Structure};
use crate::tag::{HeaderTag, RecordTag};

/// The bare padding byte of the header (tag 13 without a length field).
pub const PADDING_BYTE: u8 = 0x0D;

/// What an element holds.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Body<'a> {
    /// A plain value.
    Value(Cow<'a, [u8]>),
    /// A container: a list of elements (header tags 3, 7 and 9 inside 7).
    Container(Vec<Element<'a>>),
    /// A bare padding byte (`0x0D`, no length).
    Padding,
}

/// One element: `tag: u8`, `length: u16` big-endian, value; or a bare padding byte.
///
/// Parsed elements borrow the input and remember their byte offset in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Element<'a> {
    offset: usize,
    tag: u8,
    body: Body<'a>,
}

impl<'a> Element<'a> {
    /// A value element (for building); its offset is 0 until the list is re-parsed.
    pub fn new_value(tag: u8, value: impl Into<Cow<'a, [u8]>>) -> Self {
        Self {
            offset: 0,
            tag,
            body: Body::Value(value.into()),
        }
    }

    /// A container element (for building).
    pub fn new_container(tag: u8, children: Vec<Element<'a>>) -> Self {
        Self {
            offset: 0,
            tag,
            body: Body::Container(children),
        }
    }

    /// A bare padding byte (for building).
    pub fn new_padding() -> Self {
        Self {
            offset: 0,
            tag: PADDING_BYTE,
            body: Body::Padding,
        }
    }

    /// The tag byte.
    pub fn tag(&self) -> u8 {
        self.tag
    }

    /// Byte offset of the tag in the parsed input (0 for built elements). Editing
    /// ([`crate::EditableTrustList`]) does not update it.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// What the element holds.
    pub fn body(&self) -> &Body<'a> {
        &self.body
    }

    /// The value bytes, or `None` for containers and padding.
    pub fn value(&self) -> Option<&[u8]> {
        match &self.body {
            Body::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The child elements of a container (empty for other elements).
    pub fn children(&self) -> &[Element<'a>] {
        match &self.body {
            Body::Container(c) => c,
            _ => &[],
        }
    }

    /// Whether this is a bare padding byte.
    pub fn is_padding(&self) -> bool {
        matches!(self.body, Body::Padding)
    }

    /// The value of the length field as written: value length, or the sum of the
    /// children's encoded lengths for a container; 0 for padding.
    pub fn content_len(&self) -> usize {
        match &self.body {
            Body::Value(v) => v.len(),
            Body::Container(c) => c.iter().map(Element::encoded_len).sum(),
            Body::Padding => 0,
        }
    }

    /// Bytes this element takes in the file (3 + content, or 1 for padding).
    pub fn encoded_len(&self) -> usize {
        match self.body {
            Body::Padding => 1,
            _ => 3 + self.content_len(),
        }
    }

    /// The value as text: up to the first NUL, invalid UTF-8 replaced (lossless for
    /// valid UTF-8). Empty for containers and padding.
    pub fn text(&self) -> Cow<'_, str> {
        text(self.value().unwrap_or_default())
    }

    /// The value as a big-endian unsigned integer if it is 1, 2 or 4 bytes long.
    pub fn uint(&self) -> Option<u32> {
        match self.value()? {
            [a] => Some(u32::from(*a)),
            [a, b] => Some(u32::from(u16::from_be_bytes([*a, *b]))),
            [a, b, c, d] => Some(u32::from_be_bytes([*a, *b, *c, *d])),
            _ => None,
        }
    }

    /// Returns the element with all borrowed data copied.
    pub fn into_owned(self) -> Element<'static> {
        Element {
            offset: self.offset,
            tag: self.tag,
            body: match self.body {
                Body::Value(v) => Body::Value(Cow::Owned(v.into_owned())),
                Body::Container(c) => {
                    Body::Container(c.into_iter().map(Element::into_owned).collect())
                }
                Body::Padding => Body::Padding,
            },
        }
    }

    /// Replaces the value (for editing). Has no effect on containers or padding.
    pub fn set_value(&mut self, value: impl Into<Cow<'a, [u8]>>) {
        if let Body::Value(v) = &mut self.body {
            *v = value.into();
        }
    }

    /// Appends the encoding to `out`. Each length field is that of the content;
    /// a content over 65,535 bytes is refused, never clamped or wrapped. `what`
    /// names a tag for the error (`header SIGNATURE (tag 12)`).
    pub(crate) fn write(
        &self,
        out: &mut Vec<u8>,
        what: &dyn Fn(u8) -> EncodedPart,
    ) -> Result<(), EncodeError> {
        out.push(self.tag);
        let length = |len: usize| {
            u16::try_from(len).map_err(|_| EncodeError::TooLong {
                what: what(self.tag),
                len,
            })
        };
        match &self.body {
            Body::Padding => {}
            Body::Value(v) => {
                out.extend_from_slice(&length(v.len())?.to_be_bytes());
                out.extend_from_slice(v);
            }
            Body::Container(c) => {
                out.extend_from_slice(&length(self.content_len())?.to_be_bytes());
                for child in c {
                    child.write(out, what)?;
                }
            }
        }
        Ok(())
    }

    /// Checks that this element's length field (and its children's) fit a u16.
    pub(crate) fn check_lengths(
        &self,
        what: &dyn Fn(u8) -> EncodedPart,
    ) -> Result<(), EncodeError> {
        let len = self.content_len();
        if len > usize::from(u16::MAX) {
            return Err(EncodeError::TooLong {
                what: what(self.tag),
                len,
            });
        }
        for child in self.children() {
            child.check_lengths(what)?;
        }
        Ok(())
    }
}

/// Text of a NUL-terminated string value: the bytes before the first NUL, as UTF-8
/// with invalid sequences replaced.
pub fn text(bytes: &[u8]) -> Cow<'_, str> {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end])
}

/// Tag and length (big-endian u16) of the element starting at `input[0]`, or
/// `None` if fewer than 3 bytes remain. A slice pattern, not a parser
/// combinator: this runs once per element on the verification hot path.
fn tag_and_length(input: &[u8]) -> Option<(u8, u16)> {
    match *input {
        [tag, hi, lo, ..] => Some((tag, u16::from_be_bytes([hi, lo]))),
        _ => None,
    }
}

/// Where an element was read from, for error messages.
pub(crate) struct Scope {
    /// The header, or which record.
    pub context: Structure,
}

impl Scope {
    /// `tag` in the numbering of this structure.
    fn tag(&self, tag: u8) -> ElementTag {
        match self.context {
            Structure::Header => ElementTag::Header(HeaderTag(tag)),
            Structure::Record { .. } => ElementTag::Record(RecordTag(tag)),
        }
    }
}

/// Reads the tag and length of the element at `pos`, and returns
/// `(tag, value range start, value end)`; the value must end by `end`.
pub(crate) fn read_tlv(
    data: &[u8],
    pos: usize,
    end: usize,
    scope: &Scope,
) -> Result<(u8, usize, usize), ParseError> {
    let window = data.get(pos..end).unwrap_or_default();
    let Some((tag, len)) = tag_and_length(window) else {
        return Err(ParseError::TruncatedElement {
            context: scope.context,
            offset: pos,
            remain: window.len(),
        });
    };
    let start = pos + 3;
    let remain = end - start;
    let len = usize::from(len);
    if len > remain {
        return Err(ParseError::ElementOverrun {
            context: scope.context,
            tag: scope.tag(tag),
            offset: pos,
            declared: len,
            remain,
        });
    }
    Ok((tag, start, start + len))
}

/// Reads a flat sequence of value elements filling `data[pos..end]` exactly,
/// appending them to `out`.
pub(crate) fn read_values<'a>(
    data: &'a [u8],
    mut pos: usize,
    end: usize,
    scope: &Scope,
    out: &mut Vec<Element<'a>>,
) -> Result<(), ParseError> {
    while pos < end {
        let (tag, start, stop) = read_tlv(data, pos, end, scope)?;
        out.push(Element {
            offset: pos,
            tag,
            body: Body::Value(Cow::Borrowed(&data[start..stop])),
        });
        pos = stop;
    }
    Ok(())
}

pub(crate) fn parsed_value(offset: usize, tag: u8, value: &[u8]) -> Element<'_> {
    Element {
        offset,
        tag,
        body: Body::Value(Cow::Borrowed(value)),
    }
}

pub(crate) fn parsed_container(offset: usize, tag: u8, children: Vec<Element<'_>>) -> Element<'_> {
    Element {
        offset,
        tag,
        body: Body::Container(children),
    }
}

pub(crate) fn parsed_padding(offset: usize) -> Element<'static> {
    Element {
        offset,
        tag: PADDING_BYTE,
        body: Body::Padding,
    }
}
