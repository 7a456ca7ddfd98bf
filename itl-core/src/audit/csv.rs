//! A small, strict CSV reader (RFC 4180) that reports bad records by line
//! number and carries on with the next line, and the matching writer.
//!
//! Why not the `csv` crate: it is lenient by design. An unterminated quote makes
//! it read the rest of the file as one field, and text after a closing quote or
//! a quote inside an unquoted field is accepted as is. An audit must say which
//! lines it could not read, so this reader refuses each of these cases for the
//! record where it happens, names the line, and resumes at the next line.
//!
//! What is read: records end at CR LF, LF or a lone CR; fields are separated by
//! one delimiter byte; a field that starts with `"` is quoted, may hold the
//! delimiter, line breaks and `""` (one quote), and must be followed by the
//! delimiter or the end of the record. Work is on bytes (the delimiter, quote
//! and line breaks are ASCII, so UTF-8 text passes through untouched); a leading
//! UTF-8 byte-order mark is skipped. Lines whose fields are all empty or blanks
//! (such as `,,,` from a spreadsheet) are skipped.

/// What is wrong with one record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RecordError {
    /// A quoted field is not closed before the end of the file.
    UnclosedQuote {
        /// 1-based field number.
        field: usize,
    },
    /// A closing quote is followed by something other than the delimiter or the
    /// end of the record.
    TextAfterQuote {
        /// 1-based field number.
        field: usize,
    },
    /// A quote inside a field that does not start with one.
    QuoteInUnquotedField {
        /// 1-based field number.
        field: usize,
    },
}

/// One record as read: its fields and the lines it spans.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RawRecord<'a> {
    /// 1-based line where the record starts.
    pub line: usize,
    /// 1-based line where it ends (differs when a quoted field holds line breaks).
    pub end_line: usize,
    /// The fields, unquoted.
    pub fields: Vec<std::borrow::Cow<'a, [u8]>>,
}

/// A record that could not be read: where, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RecordFailure {
    /// 1-based line where the record starts.
    pub line: usize,
    /// 1-based line where reading stopped.
    pub end_line: usize,
    /// Why.
    pub error: RecordError,
}

/// Reads records one after the other.
pub(crate) struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    line: usize,
    delimiter: u8,
}

impl<'a> Reader<'a> {
    /// A reader over `data` (a leading UTF-8 BOM is skipped).
    pub(crate) fn new(data: &'a [u8], delimiter: u8) -> Self {
        let pos = if data.starts_with(b"\xef\xbb\xbf") {
            3
        } else {
            0
        };
        Self {
            data,
            pos,
            line: 1,
            delimiter,
        }
    }

    /// The delimiter of a file from its first line: `,` if the line holds one,
    /// else `;`, else a tab, else `,`.
    pub(crate) fn sniff_delimiter(data: &[u8]) -> u8 {
        let first = data
            .split(|&b| b == b'\n' || b == b'\r')
            .next()
            .unwrap_or_default();
        [b',', b';', b'\t']
            .into_iter()
            .find(|d| first.contains(d))
            .unwrap_or(b',')
    }

    fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    /// At a line break: consumes it (CR LF, LF or CR) and counts the line.
    fn eat_line_break(&mut self) -> bool {
        match self.peek() {
            Some(b'\r') => {
                self.pos += 1;
                if self.peek() == Some(b'\n') {
                    self.pos += 1;
                }
                self.line += 1;
                true
            }
            Some(b'\n') => {
                self.pos += 1;
                self.line += 1;
                true
            }
            _ => false,
        }
    }

    /// Skips to just after the next line break (or the end), without reading
    /// quotes: where reading resumes after a bad record.
    fn skip_line(&mut self) {
        while let Some(b) = self.peek() {
            if b == b'\r' || b == b'\n' {
                self.eat_line_break();
                return;
            }
            self.pos += 1;
        }
    }

    /// Reads one record starting at `self.pos`; `None` for a blank record.
    fn record(&mut self) -> Result<Option<RawRecord<'a>>, RecordFailure> {
        let start = self.pos;
        let start_line = self.line;
        let mut fields = Vec::new();
        loop {
            let field_no = fields.len() + 1;
            let fail = |reader: &Self, error| RecordFailure {
                line: start_line,
                end_line: reader.line,
                error,
            };
            if self.peek() == Some(b'"') {
                self.pos += 1;
                let mut value = Vec::new();
                loop {
                    match self.peek() {
                        None => {
                            let failure =
                                fail(self, RecordError::UnclosedQuote { field: field_no });
                            // Resume at the line after the one the record starts on.
                            self.pos = start;
                            self.line = start_line;
                            self.skip_line();
                            return Err(failure);
                        }
                        Some(b'"') => {
                            self.pos += 1;
                            if self.peek() == Some(b'"') {
                                value.push(b'"');
                                self.pos += 1;
                            } else {
                                break;
                            }
                        }
                        Some(b'\r') => {
                            let at = self.pos;
                            self.eat_line_break();
                            value.extend_from_slice(&self.data[at..self.pos]);
                        }
                        Some(b'\n') => {
                            value.push(b'\n');
                            self.pos += 1;
                            self.line += 1;
                        }
                        Some(b) => {
                            value.push(b);
                            self.pos += 1;
                        }
                    }
                }
                fields.push(std::borrow::Cow::Owned(value));
                match self.peek() {
                    Some(d) if d == self.delimiter => self.pos += 1,
                    None | Some(b'\r' | b'\n') => break,
                    Some(_) => {
                        let failure = fail(self, RecordError::TextAfterQuote { field: field_no });
                        self.skip_line();
                        return Err(failure);
                    }
                }
            } else {
                let from = self.pos;
                loop {
                    match self.peek() {
                        Some(b'"') => {
                            let failure =
                                fail(self, RecordError::QuoteInUnquotedField { field: field_no });
                            self.skip_line();
                            return Err(failure);
                        }
                        Some(d) if d == self.delimiter => break,
                        None | Some(b'\r' | b'\n') => break,
                        Some(_) => self.pos += 1,
                    }
                }
                fields.push(std::borrow::Cow::Borrowed(&self.data[from..self.pos]));
                if self.peek() == Some(self.delimiter) {
                    self.pos += 1;
                } else {
                    break;
                }
            }
        }
        let end_line = self.line;
        self.eat_line_break();
        if fields.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            return Ok(None);
        }
        Ok(Some(RawRecord {
            line: start_line,
            end_line,
            fields,
        }))
    }
}

impl<'a> Iterator for Reader<'a> {
    type Item = Result<RawRecord<'a>, RecordFailure>;

    fn next(&mut self) -> Option<Self::Item> {
        while self.pos < self.data.len() {
            match self.record() {
                Ok(None) => continue,
                Ok(Some(r)) => return Some(Ok(r)),
                Err(e) => return Some(Err(e)),
            }
        }
        None
    }
}

/// Writes one CSV record (comma-separated, CR LF at the end as RFC 4180 has
/// it): fields holding a comma, a quote, a line break, or leading or trailing
/// blanks are quoted, with quotes doubled.
pub fn write_csv_record<S: AsRef<str>>(
    out: &mut dyn std::io::Write,
    fields: &[S],
) -> std::io::Result<()> {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        let f = f.as_ref();
        let needs_quotes = f.contains([',', '"', '\r', '\n'])
            || f.starts_with([' ', '\t'])
            || f.ends_with([' ', '\t']);
        if needs_quotes {
            out.write_all(b"\"")?;
            out.write_all(f.replace('"', "\"\"").as_bytes())?;
            out.write_all(b"\"")?;
        } else {
            out.write_all(f.as_bytes())?;
        }
    }
    out.write_all(b"\r\n")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A record as the tests compare it: (line, end line, fields).
    type Read = Result<(usize, usize, Vec<String>), RecordFailure>;

    fn read(text: &str) -> Vec<Read> {
        Reader::new(text.as_bytes(), b',')
            .map(|r| {
                r.map(|r| {
                    (
                        r.line,
                        r.end_line,
                        r.fields
                            .iter()
                            .map(|f| String::from_utf8(f.to_vec()).unwrap())
                            .collect(),
                    )
                })
            })
            .collect()
    }

    fn ok(
        line: usize,
        end: usize,
        f: &[&str],
    ) -> Result<(usize, usize, Vec<String>), RecordFailure> {
        Ok((line, end, f.iter().map(|s| (*s).to_owned()).collect()))
    }

    #[test]
    fn plain_and_quoted_fields() {
        assert_eq!(
            read("a,b,c\r\n1,\"x,y\",\"say \"\"hi\"\"\"\n"),
            [
                ok(1, 1, &["a", "b", "c"]),
                ok(2, 2, &["1", "x,y", "say \"hi\""])
            ]
        );
        // Empty fields, quoted empty, no final line break.
        assert_eq!(read(",\"\",x"), [ok(1, 1, &["", "", "x"])]);
    }

    #[test]
    fn line_breaks_inside_quotes_span_lines() {
        assert_eq!(
            read("h\n\"one\r\ntwo\nthree\",z\nnext\n"),
            [
                ok(1, 1, &["h"]),
                ok(2, 4, &["one\r\ntwo\nthree", "z"]),
                ok(5, 5, &["next"])
            ]
        );
        // A lone CR ends a line too.
        assert_eq!(read("a\rb\r"), [ok(1, 1, &["a"]), ok(2, 2, &["b"])]);
    }

    #[test]
    fn blank_lines_are_skipped() {
        assert_eq!(
            read("a\n\n , \t\n,,\nb\n"),
            [ok(1, 1, &["a"]), ok(5, 5, &["b"])]
        );
    }

    #[test]
    fn bad_records_name_their_line_and_reading_resumes() {
        let got = read("a,b\n1,\"x\"y,z\n2,ab\"c\n3,ok\n");
        assert_eq!(
            got,
            [
                ok(1, 1, &["a", "b"]),
                Err(RecordFailure {
                    line: 2,
                    end_line: 2,
                    error: RecordError::TextAfterQuote { field: 2 }
                }),
                Err(RecordFailure {
                    line: 3,
                    end_line: 3,
                    error: RecordError::QuoteInUnquotedField { field: 2 }
                }),
                ok(4, 4, &["3", "ok"]),
            ]
        );
    }

    #[test]
    fn an_unclosed_quote_loses_only_its_own_line() {
        let got = read("a,b\n1,\"open\n2,x\n3,y\n");
        assert_eq!(
            got,
            [
                ok(1, 1, &["a", "b"]),
                Err(RecordFailure {
                    line: 2,
                    end_line: 5,
                    error: RecordError::UnclosedQuote { field: 2 }
                }),
                ok(3, 3, &["2", "x"]),
                ok(4, 4, &["3", "y"]),
            ]
        );
    }

    #[test]
    fn bom_and_delimiters() {
        assert_eq!(read("\u{feff}a,b\n"), [ok(1, 1, &["a", "b"])]);
        assert_eq!(Reader::sniff_delimiter(b"mac;hash\n1,2"), b';');
        assert_eq!(Reader::sniff_delimiter(b"mac,hash;x"), b',');
        assert_eq!(Reader::sniff_delimiter(b"mac\thash"), b'\t');
        assert_eq!(Reader::sniff_delimiter(b"mac"), b',');
    }

    #[test]
    fn writing_then_reading_gives_the_fields_back() {
        let fields = ["plain", "a,b", "q\"uote", "two\r\nlines", " pad ", "", "é"];
        let mut out = Vec::new();
        write_csv_record(&mut out, &fields).unwrap();
        write_csv_record(&mut out, &["x"]).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(read(&text), [ok(1, 2, &fields), ok(3, 3, &["x"])]);
    }
}
