//! The phone inventory: a CSV file with one phone per line.

use std::collections::HashMap;
use std::fmt;

use thiserror::Error;

use super::csv::{Reader, RecordError, RecordFailure};
use crate::text::Hex;
use crate::trustlist::FileKind;

/// A phone's MAC address (what CUCM names its files after, `SEP<MAC>`).
///
/// ```
/// use itl_core::Mac;
/// let mac: Mac = "sep00:11:21:5a:1a:e3".parse().unwrap();
/// assert_eq!(mac.to_string(), "0011215A1AE3");
/// assert_eq!("0011.215A.1AE3".parse::<Mac>(), Ok(mac));
/// assert!("0011215A1AE".parse::<Mac>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mac([u8; 6]);

/// A MAC address that is not 12 hex digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
#[error("expected 12 hex digits, with or without SEP, separators : - . allowed")]
pub struct BadMac;

impl Mac {
    /// The six octets.
    pub fn octets(&self) -> [u8; 6] {
        self.0
    }
}

impl std::str::FromStr for Mac {
    type Err = BadMac;

    /// Any case, with or without a `SEP` prefix, with `:`, `-` or `.` between
    /// digits; blanks around it are ignored.
    fn from_str(text: &str) -> Result<Self, BadMac> {
        let text = text.trim();
        let text = match text.get(..3) {
            Some(p) if p.eq_ignore_ascii_case("SEP") => &text[3..],
            _ => text,
        };
        let digits: Vec<u8> = text
            .bytes()
            .filter(|b| !matches!(b, b':' | b'-' | b'.'))
            .collect();
        hex_array::<6>(&digits).map(Self).ok_or(BadMac)
    }
}

impl fmt::Display for Mac {
    /// 12 upper-case hex digits, as in `ITLSEP0011215A1AE3.tlv`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

/// The hash of a whole trust list as a phone shows it: MD5 or SHA-1 by model.
///
/// ```
/// use itl_core::PhoneHash;
/// let h: PhoneHash = "53:BE:72:B4:3D:A0:47:24:2B:8E:40:7D:63:85:1D:48".parse().unwrap();
/// assert!(matches!(h, PhoneHash::Md5(_)));
/// assert_eq!(h.to_string(), "53be72b43da047242b8e407d63851d48");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PhoneHash {
    /// 16 bytes.
    Md5([u8; 16]),
    /// 20 bytes.
    Sha1([u8; 20]),
}

/// A hash that is neither an MD5 nor a SHA-1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum BadHash {
    /// A character that is not a hex digit or an allowed separator.
    #[error("{0:?} is not a hex digit")]
    NotHex(char),
    /// Neither 32 (MD5) nor 40 (SHA-1) hex digits.
    #[error("{0} hex digits; MD5 has 32, SHA-1 40")]
    Length(usize),
}

impl PhoneHash {
    /// The hash bytes.
    pub fn bytes(&self) -> &[u8] {
        match self {
            Self::Md5(b) => b,
            Self::Sha1(b) => b,
        }
    }

    /// `MD5` or `SHA-1`.
    pub fn algorithm(&self) -> &'static str {
        match self {
            Self::Md5(_) => "MD5",
            Self::Sha1(_) => "SHA-1",
        }
    }
}

impl std::str::FromStr for PhoneHash {
    type Err = BadHash;

    /// Any case; `:`, `-`, spaces and tabs between digits are ignored.
    fn from_str(text: &str) -> Result<Self, BadHash> {
        let mut digits = Vec::with_capacity(40);
        for c in text.chars() {
            match c {
                ':' | '-' | ' ' | '\t' => {}
                c if c.is_ascii_hexdigit() => digits.push(c as u8),
                c => return Err(BadHash::NotHex(c)),
            }
        }
        match digits.len() {
            32 => hex_array::<16>(&digits).map(Self::Md5),
            40 => hex_array::<20>(&digits).map(Self::Sha1),
            n => return Err(BadHash::Length(n)),
        }
        .ok_or(BadHash::Length(digits.len()))
    }
}

impl fmt::Display for PhoneHash {
    /// Lower-case hex, as `md5sum` / `sha1sum` print it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Hex(self.bytes()).fmt(f)
    }
}

/// `N` bytes from `2N` ASCII hex digits.
fn hex_array<const N: usize>(digits: &[u8]) -> Option<[u8; N]> {
    if digits.len() != 2 * N {
        return None;
    }
    let nibble = |c: u8| {
        char::from(c)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
    };
    let mut out = [0u8; N];
    for (o, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        *o = nibble(pair[0])? << 4 | nibble(pair[1])?;
    }
    Some(out)
}

/// One phone of the inventory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phone {
    /// 1-based line of the CSV file where its record starts.
    pub line: usize,
    /// Its MAC address.
    pub mac: Mac,
    /// The hash it shows.
    pub hash: PhoneHash,
    /// Which trust list the hash is of (`kind` column; ITL when absent or empty).
    pub kind: FileKind,
    /// Every field of its line, in the order of [`PhoneList::columns`], as read.
    pub fields: Vec<String>,
}

/// A line of the inventory that was skipped, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadLine {
    /// 1-based line where the record starts.
    pub line: usize,
    /// 1-based line where it ends (a quoted field may span lines).
    pub end_line: usize,
    /// What is wrong.
    pub problem: LineProblem,
}

/// What is wrong with a line of the inventory.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum LineProblem {
    /// A quoted field is not closed before the end of the file (reading went on
    /// at the next line).
    #[error("field {field}: the quote that opens it is never closed")]
    UnclosedQuote {
        /// 1-based field number.
        field: usize,
    },
    /// Text after the closing quote of a field.
    #[error("field {field}: text after its closing quote")]
    TextAfterQuote {
        /// 1-based field number.
        field: usize,
    },
    /// A `"` inside a field that is not quoted.
    #[error("field {field}: a quote inside a field that does not start with one")]
    QuoteInUnquotedField {
        /// 1-based field number.
        field: usize,
    },
    /// A field is not UTF-8 text.
    #[error("field {field}: not UTF-8 text")]
    NotUtf8 {
        /// 1-based field number.
        field: usize,
    },
    /// The line does not have as many fields as the header.
    #[error("{found} fields, the header has {expected}")]
    FieldCount {
        /// Fields on the line.
        found: usize,
        /// Fields in the header.
        expected: usize,
    },
    /// The `mac` field is not a MAC address.
    #[error("mac \"{}\": {source}", crate::text::printable(.value))]
    Mac {
        /// The field.
        value: String,
        /// Why.
        source: BadMac,
    },
    /// The `hash` field is neither an MD5 nor a SHA-1.
    #[error("hash \"{}\": {source}", crate::text::printable(.value))]
    Hash {
        /// The field.
        value: String,
        /// Why.
        source: BadHash,
    },
    /// The `kind` field is neither `itl` nor `ctl`.
    #[error("kind \"{}\": expected itl or ctl", crate::text::printable(.value))]
    Kind {
        /// The field.
        value: String,
    },
    /// The same phone and kind already appear on an earlier line.
    #[error("phone {mac} ({}) is already on line {first_line}", kind.as_str())]
    Duplicate {
        /// The phone.
        mac: Mac,
        /// The kind.
        kind: FileKind,
        /// The line where it first appears.
        first_line: usize,
    },
}

/// Why an inventory cannot be read at all.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CsvError {
    /// No header line.
    #[error("line 1: the file is empty; expected a header line naming the columns mac and hash")]
    Empty,
    /// The header line cannot be read.
    #[error("line 1 (header): {0}")]
    Header(LineProblem),
    /// A required column is missing.
    #[error("line 1 (header): no column named {column:?}; the columns mac and hash are required")]
    MissingColumn {
        /// `mac` or `hash`.
        column: &'static str,
    },
    /// A column the audit reads is named twice.
    #[error("line 1 (header): the column {column:?} appears twice (columns {first} and {second})")]
    DuplicateColumn {
        /// `mac`, `hash` or `kind`.
        column: &'static str,
        /// 1-based column numbers.
        first: usize,
        /// 1-based column numbers.
        second: usize,
    },
}

/// The phones of an inventory, and the lines that were skipped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhoneList {
    /// The header's column names, as written.
    pub columns: Vec<String>,
    /// The phones, in file order.
    pub phones: Vec<Phone>,
    /// The skipped lines, in file order.
    pub bad_lines: Vec<BadLine>,
}

impl PhoneList {
    /// Reads an inventory: a header line, then one phone per line.
    ///
    /// The columns `mac` and `hash` are required, `kind` (`itl` or `ctl`, any
    /// case; ITL when empty) is optional; names are matched ignoring case and
    /// surrounding blanks, and every column (these included) is kept in
    /// [`Phone::fields`]. The delimiter is `,` unless the header has none and has
    /// a `;` (or a tab). Quoting follows RFC 4180 (see the reader's notes);
    /// blank lines are skipped. A line that cannot be read or whose values are
    /// wrong is listed in [`PhoneList::bad_lines`] and skipped.
    ///
    /// ```
    /// let csv = "name,MAC,hash\nlobby,SEP0011215A1AE3,53BE72B43DA047242B8E407D63851D48\nbad,xyz,00\n";
    /// let list = itl_core::PhoneList::parse(csv.as_bytes()).unwrap();
    /// assert_eq!(list.phones.len(), 1);
    /// assert_eq!(list.phones[0].fields[0], "lobby");
    /// assert_eq!(list.bad_lines[0].line, 3);
    /// ```
    pub fn parse(data: &[u8]) -> Result<Self, CsvError> {
        let delimiter = Reader::sniff_delimiter(data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data));
        let mut reader = Reader::new(data, delimiter);
        let header = match reader.next() {
            None => return Err(CsvError::Empty),
            Some(Err(f)) => return Err(CsvError::Header(record_problem(f.error))),
            Some(Ok(r)) => utf8_fields(&r.fields).map_err(CsvError::Header)?,
        };
        let find = |name: &'static str| -> Result<Option<usize>, CsvError> {
            let mut at = header
                .iter()
                .enumerate()
                .filter(|(_, h)| h.trim().eq_ignore_ascii_case(name))
                .map(|(i, _)| i);
            match (at.next(), at.next()) {
                (Some(first), Some(second)) => Err(CsvError::DuplicateColumn {
                    column: name,
                    first: first + 1,
                    second: second + 1,
                }),
                (first, _) => Ok(first),
            }
        };
        let mac_col = find("mac")?.ok_or(CsvError::MissingColumn { column: "mac" })?;
        let hash_col = find("hash")?.ok_or(CsvError::MissingColumn { column: "hash" })?;
        let kind_col = find("kind")?;

        let mut phones = Vec::new();
        let mut bad_lines = Vec::new();
        let mut seen: HashMap<(Mac, FileKind), usize> = HashMap::new();
        for record in reader {
            let record = match record {
                Ok(r) => r,
                Err(f) => {
                    bad_lines.push(bad(f));
                    continue;
                }
            };
            let line = record.line;
            let fail = |problem| BadLine {
                line,
                end_line: record.end_line,
                problem,
            };
            let fields = match utf8_fields(&record.fields) {
                Ok(f) => f,
                Err(p) => {
                    bad_lines.push(fail(p));
                    continue;
                }
            };
            if fields.len() != header.len() {
                bad_lines.push(fail(LineProblem::FieldCount {
                    found: fields.len(),
                    expected: header.len(),
                }));
                continue;
            }
            match phone(&fields, mac_col, hash_col, kind_col) {
                Err(p) => bad_lines.push(fail(p)),
                Ok((mac, hash, kind)) => {
                    if let Some(&first_line) = seen.get(&(mac, kind)) {
                        bad_lines.push(fail(LineProblem::Duplicate {
                            mac,
                            kind,
                            first_line,
                        }));
                        continue;
                    }
                    seen.insert((mac, kind), line);
                    phones.push(Phone {
                        line,
                        mac,
                        hash,
                        kind,
                        fields,
                    });
                }
            }
        }
        Ok(Self {
            columns: header,
            phones,
            bad_lines,
        })
    }
}

/// MAC, hash and kind of one line.
fn phone(
    fields: &[String],
    mac_col: usize,
    hash_col: usize,
    kind_col: Option<usize>,
) -> Result<(Mac, PhoneHash, FileKind), LineProblem> {
    let field = |i: usize| fields.get(i).map_or("", String::as_str);
    let mac_text = field(mac_col);
    let mac = mac_text.parse().map_err(|source| LineProblem::Mac {
        value: mac_text.to_owned(),
        source,
    })?;
    let hash_text = field(hash_col);
    let hash = hash_text
        .trim()
        .parse()
        .map_err(|source| LineProblem::Hash {
            value: hash_text.to_owned(),
            source,
        })?;
    let kind_text = kind_col.map_or("", field);
    let kind = match kind_text.trim().to_ascii_lowercase().as_str() {
        "" | "itl" => FileKind::Itl,
        "ctl" => FileKind::Ctl,
        _ => {
            return Err(LineProblem::Kind {
                value: kind_text.to_owned(),
            });
        }
    };
    Ok((mac, hash, kind))
}

fn utf8_fields(fields: &[std::borrow::Cow<'_, [u8]>]) -> Result<Vec<String>, LineProblem> {
    fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            std::str::from_utf8(f)
                .map(str::to_owned)
                .map_err(|_| LineProblem::NotUtf8 { field: i + 1 })
        })
        .collect()
}

fn record_problem(e: RecordError) -> LineProblem {
    match e {
        RecordError::UnclosedQuote { field } => LineProblem::UnclosedQuote { field },
        RecordError::TextAfterQuote { field } => LineProblem::TextAfterQuote { field },
        RecordError::QuoteInUnquotedField { field } => LineProblem::QuoteInUnquotedField { field },
    }
}

fn bad(f: RecordFailure) -> BadLine {
    BadLine {
        line: f.line,
        end_line: f.end_line,
        problem: record_problem(f.error),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const MD5: &str = "53be72b43da047242b8e407d63851d48";
    const SHA1: &str = "275ecd1a82fff99d17a743cacd4199e3940c5d00";

    #[test]
    fn mac_forms() {
        let want = "0011215A1AE3";
        for ok in [
            "0011215a1ae3",
            "SEP0011215A1AE3",
            "sep0011215a1ae3",
            " 00:11:21:5A:1A:E3 ",
            "00-11-21-5a-1a-e3",
            "0011.215a.1ae3",
            "SEP00:11:21:5a:1a:e3",
        ] {
            assert_eq!(ok.parse::<Mac>().unwrap().to_string(), want, "{ok}");
        }
        for bad in [
            "",
            "SEP",
            "0011215A1AE",
            "0011215A1AE3F",
            "0011215A1AEG",
            "00 11 21 5A 1A E3",
            "é011215A1AE3",
        ] {
            assert_eq!(bad.parse::<Mac>(), Err(BadMac), "{bad:?}");
        }
    }

    #[test]
    fn hash_forms() {
        let upper_colons = MD5
            .as_bytes()
            .chunks(2)
            .map(|c| std::str::from_utf8(c).unwrap().to_ascii_uppercase())
            .collect::<Vec<_>>()
            .join(":");
        for text in [
            MD5.to_owned(),
            MD5.to_ascii_uppercase(),
            upper_colons,
            MD5.replace('e', "E"),
        ] {
            let h: PhoneHash = text.parse().unwrap();
            assert!(matches!(h, PhoneHash::Md5(_)));
            assert_eq!(h.to_string(), MD5);
        }
        let spaced: String = SHA1
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join(" ");
        let h: PhoneHash = spaced.parse().unwrap();
        assert_eq!((h.algorithm(), h.to_string()), ("SHA-1", SHA1.to_owned()));
        assert_eq!("53be".parse::<PhoneHash>(), Err(BadHash::Length(4)));
        assert_eq!(
            format!("{}x", &MD5[1..]).parse::<PhoneHash>(),
            Err(BadHash::NotHex('x'))
        );
        assert_eq!("".parse::<PhoneHash>(), Err(BadHash::Length(0)));
    }

    #[test]
    fn header_errors() {
        assert_eq!(PhoneList::parse(b""), Err(CsvError::Empty));
        assert_eq!(PhoneList::parse(b"\n\n"), Err(CsvError::Empty));
        assert_eq!(
            PhoneList::parse(b"mac,name\n"),
            Err(CsvError::MissingColumn { column: "hash" })
        );
        assert_eq!(
            PhoneList::parse(b"hash\n"),
            Err(CsvError::MissingColumn { column: "mac" })
        );
        assert_eq!(
            PhoneList::parse(b"mac,hash, MAC \n"),
            Err(CsvError::DuplicateColumn {
                column: "mac",
                first: 1,
                second: 3
            })
        );
        assert_eq!(
            PhoneList::parse(b"mac,\"hash\n"),
            Err(CsvError::Header(LineProblem::UnclosedQuote { field: 2 }))
        );
        assert_eq!(
            PhoneList::parse(b"mac,h\xffsh\n"),
            Err(CsvError::Header(LineProblem::NotUtf8 { field: 2 }))
        );
    }

    #[test]
    fn lines_and_problems() {
        let csv = format!(
            "Name;Kind;mac;hash;note\r\n\
             a;;SEP0011215A1AE3;{MD5};\"x;y\"\r\n\
             b;CTL;0011215a1ae3;{SHA1};\r\n\
             c;itl;00:11:21:5a:1a:e3;{SHA1};dup\r\n\
             d;itl;zz;{MD5};\r\n\
             e;itl;001122334455;123;\r\n\
             f;tvs;001122334455;{MD5};\r\n\
             g;itl;001122334455;{MD5}\r\n\
             h;itl;001122334456;{MD5};\"open\r\n"
        );
        let list = PhoneList::parse(csv.as_bytes()).unwrap();
        assert_eq!(list.columns, ["Name", "Kind", "mac", "hash", "note"]);
        let got: Vec<_> = list
            .phones
            .iter()
            .map(|p| (p.line, p.mac.to_string(), p.hash.to_string(), p.kind))
            .collect();
        let mac = "0011215A1AE3".to_owned();
        assert_eq!(
            got,
            [
                (2, mac.clone(), MD5.to_owned(), FileKind::Itl),
                (3, mac.clone(), SHA1.to_owned(), FileKind::Ctl),
            ]
        );
        assert_eq!(
            list.phones[0].fields,
            ["a", "", "SEP0011215A1AE3", MD5, "x;y"]
        );
        let problems: Vec<_> = list
            .bad_lines
            .iter()
            .map(|b| (b.line, b.problem.clone()))
            .collect();
        assert_eq!(
            problems,
            [
                (
                    4,
                    LineProblem::Duplicate {
                        mac: "0011215A1AE3".parse().unwrap(),
                        kind: FileKind::Itl,
                        first_line: 2
                    }
                ),
                (
                    5,
                    LineProblem::Mac {
                        value: "zz".into(),
                        source: BadMac
                    }
                ),
                (
                    6,
                    LineProblem::Hash {
                        value: "123".into(),
                        source: BadHash::Length(3)
                    }
                ),
                (
                    7,
                    LineProblem::Kind {
                        value: "tvs".into()
                    }
                ),
                (
                    8,
                    LineProblem::FieldCount {
                        found: 4,
                        expected: 5
                    }
                ),
                (9, LineProblem::UnclosedQuote { field: 5 }),
            ]
        );
        assert_eq!(
            list.bad_lines[0].problem.to_string(),
            "phone 0011215A1AE3 (ITL) is already on line 2"
        );
    }
}
