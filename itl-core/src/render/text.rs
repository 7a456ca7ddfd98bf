//! `itltool show --format text` (the default): a readable summary of one file:
//! file facts, signature status, one row per record, failures, warnings.

use std::io::{self, Write};

use crate::certcheck::check_certificates;
use crate::fingerprint::{md5_hex, sha1_hex};
use crate::record::Record;
use crate::text::{printable, truncate_text as truncate, wrap_text as wrap};
use crate::timefmt;
use crate::trustlist::TrustList;
use crate::verify::{SignatureError, verify_signature};

use super::Shown;
use super::certinfo::{parse_certificate, record_key};
use super::findings::{failures, record_label, warnings};

/// The narrowest width the output is fitted to; narrower terminals get this.
const MIN_WIDTH_FITTED: usize = 40;

/// Width of the label column of the file facts.
const LABEL: usize = 12;

/// How [`write_show_text`] renders.
///
/// ```
/// let mut options = itl_core::TextOptions::new(1_700_000_000);
/// options.width = Some(100);
/// assert!(!options.color);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TextOptions {
    /// Use ANSI colours (only when writing to a terminal and `NO_COLOR` is unset).
    pub color: bool,
    /// Unix time certificate validity is checked against.
    pub now: i64,
    /// Fit lines to this many columns (a terminal's width; below 40 the
    /// output is fitted to 40); `None`: never cut or wrap (not a terminal, or
    /// `itltool show --wide`).
    pub width: Option<usize>,
}

impl TextOptions {
    /// No colour, no width (nothing cut or wrapped), validity judged at Unix
    /// time `now`.
    pub fn new(now: i64) -> Self {
        Self {
            color: false,
            now,
            width: None,
        }
    }

    /// The width to fit to, `usize::MAX` for none.
    fn limit(&self) -> usize {
        self.width.map_or(usize::MAX, |w| w.max(MIN_WIDTH_FITTED))
    }
}

/// ANSI styling that turns itself off.
#[derive(Clone, Copy)]
struct Paint(bool);

impl Paint {
    fn wrap(self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }
    fn bold(self, s: &str) -> String {
        self.wrap("1", s)
    }
    fn green(self, s: &str) -> String {
        self.wrap("32", s)
    }
    fn red(self, s: &str) -> String {
        self.wrap("1;31", s)
    }
    fn yellow(self, s: &str) -> String {
        self.wrap("33", s)
    }
}

/// `s` cut to `width` characters from the left (`…` + the tail), for paths.
fn truncate_left(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n <= width {
        return s.to_owned();
    }
    if width == 0 {
        return String::new();
    }
    let mut t = String::from("…");
    t.extend(s.chars().skip(n - (width - 1)));
    t
}

/// Where the file kind comes from.
fn kind_source(tl: &TrustList<'_>) -> String {
    match tl.header().filename() {
        Some(name)
            if name.to_ascii_uppercase().starts_with("ITL")
                || name.to_ascii_uppercase().starts_with("CTL") =>
        {
            format!("from FILENAME {name}")
        }
        _ => "from the records".to_owned(),
    }
}

fn field(out: &mut dyn Write, p: Paint, width: usize, label: &str, value: &str) -> io::Result<()> {
    writeln!(
        out,
        "{}{}",
        p.bold(&format!("{label:<LABEL$}")),
        truncate(&printable(value), width.saturating_sub(LABEL))
    )
}

/// Short CN of a DN string, else the whole string.
fn cn_of(name: Option<String>) -> String {
    match name {
        Some(n) => crate::dn::common_name(&n).unwrap_or(n),
        None => String::new(),
    }
}

/// The certificate SHA-1 (hex) of a record, or its CERTHASH; and whether it is CERTHASH.
fn record_hash(r: &Record<'_>) -> (String, bool) {
    if let Some(der) = r.certificate() {
        let h = crate::digest::DigestAlgorithm::SHA1
            .hash(der)
            .unwrap_or_default();
        return (hex::encode(&h), false);
    }
    match r.cert_hash() {
        Some(h) => (hex::encode(h), true),
        None => ("-".to_owned(), false),
    }
}

const COLUMNS: [&str; 9] = [
    "#",
    "FUNCTION",
    "SUBJECT CN",
    "ISSUER CN",
    "SERIAL",
    "KEY",
    "CERT SHA-1",
    "VALID UNTIL",
    "DNS / IP",
];

/// Minimum width of each column when shrinking to fit (`None` = never shrunk), and
/// the stage in which it is shrunk: the hash and serial first (their first characters
/// are enough to tell certificates apart; `cucm` and `json` print them in full), then
/// the names and the DNS name.
const MIN_WIDTH: [Option<(usize, u8)>; 9] = [
    None,
    None,
    Some((10, 2)),
    Some((10, 2)),
    Some((9, 1)),
    None,
    Some((10, 1)),
    None,
    Some((8, 2)),
];

/// The cells of a record's row; text from the file made [`printable`].
fn record_row(index: usize, r: &Record<'_>) -> [String; 9] {
    let cert = r.certificate().and_then(|c| parse_certificate(c).ok());
    let subject = r.subject_name().filter(|s| !s.is_empty()).map_or_else(
        || {
            cert.as_ref()
                .and_then(|c| c.subject_cn.clone())
                .unwrap_or_default()
        },
        |s| cn_of(Some(s)),
    );
    let valid = cert
        .as_ref()
        .map_or_else(|| "-".to_owned(), |c| timefmt::date(c.not_after));
    // A self-signed record's issuer is its subject: say so instead of repeating it.
    let issuer = match (r.subject_name(), r.issuer_name()) {
        (Some(s), Some(i)) if !i.is_empty() && crate::dn::same_dn(&s, &i) => "(self)".to_owned(),
        (_, i) => cn_of(i),
    };
    // The address first: the DNS name usually repeats the CN.
    let mut where_ = Vec::new();
    if let Some(ip) = r.ip_address() {
        where_.push(ip.to_string());
    }
    if let Some(d) = r.dns_name().filter(|d| !d.is_empty()) {
        where_.push(d);
    }
    [
        index.to_string(),
        r.function()
            .map_or_else(|| "-".to_owned(), |f| f.short_name()),
        subject,
        issuer,
        r.serial_number()
            .map_or_else(|| "-".to_owned(), hex::encode),
        record_key(r).unwrap_or_else(|| "-".to_owned()),
        record_hash(r).0,
        valid,
        where_.join(" "),
    ]
    .map(|cell| printable(&cell).into_owned())
}

/// Column widths for `rows` that fit `width` with two spaces between columns, or
/// `None` when the table cannot fit even with every column at its minimum.
/// The DNS / IP column is left out (width 0) when no record has either.
fn fit_widths(rows: &[[String; 9]], width: usize) -> Option<[usize; 9]> {
    let mut w = [0usize; 9];
    for (i, h) in COLUMNS.iter().enumerate() {
        w[i] = h.chars().count();
    }
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            w[i] = w[i].max(cell.chars().count());
        }
    }
    if rows.iter().all(|r| r[8].is_empty()) {
        w[8] = 0;
    }
    let total = |w: &[usize; 9]| {
        let shown = w.iter().filter(|&&x| x > 0).count();
        w.iter().sum::<usize>() + 2 * shown.saturating_sub(1)
    };
    for stage in [1, 2] {
        while total(&w) > width {
            let pick = (0..9)
                .filter(|&i| MIN_WIDTH[i].is_some_and(|(m, s)| s == stage && w[i] > m))
                .max_by_key(|&i| (w[i], i));
            match pick {
                Some(i) => w[i] -= 1,
                None => break,
            }
        }
    }
    (total(&w) <= width).then_some(w)
}

/// The records as blocks of `label value` lines, for terminals too narrow for
/// the table: values are cut to the width, never wrapped mid-word.
fn write_record_blocks(
    out: &mut dyn Write,
    p: Paint,
    rows: &[[String; 9]],
    width: usize,
) -> io::Result<()> {
    const BLOCK_LABEL: usize = 13;
    const LABELS: [&str; 9] = [
        "#",
        "Function",
        "Subject CN",
        "Issuer CN",
        "Serial",
        "Key",
        "Cert SHA-1",
        "Valid until",
        "DNS / IP",
    ];
    for row in rows {
        let head = format!("record {} ({})", row[0], row[1]);
        writeln!(out, "{}", p.bold(&truncate(&head, width)))?;
        for (i, head) in LABELS.iter().enumerate().skip(2) {
            if row[i].is_empty() {
                continue;
            }
            let room = width.saturating_sub(BLOCK_LABEL + 2);
            writeln!(out, "  {:<BLOCK_LABEL$}{}", head, truncate(&row[i], room))?;
        }
    }
    Ok(())
}

fn format_row(row: &[String; 9], w: &[usize; 9]) -> String {
    let mut line = String::new();
    for (i, cell) in row.iter().enumerate() {
        if w[i] == 0 {
            continue;
        }
        let t = truncate(cell, w[i]);
        if i == 0 {
            line.push_str(&format!("{t:>width$}", width = w[i]));
        } else {
            line.push_str("  ");
            line.push_str(&format!("{t:<width$}", width = w[i]));
        }
    }
    line.trim_end().to_owned()
}

/// Writes what `itltool show` prints for `tl`, a trust list read from `name` (a
/// path or URL, printed as given): file facts, the signature status, one row per
/// record, then the failures and warnings. Returns their counts.
///
/// On a terminal the output fits its width ([`TextOptions::width`]): long values
/// are cut with `…`, text is wrapped between words, and when even the narrowest
/// table does not fit, each record is shown as a block of lines. Names from the
/// file are written with control characters escaped.
///
/// ```
/// # let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../testvectors/real/CTLFile-cucm10.tlv");
/// let bytes = std::fs::read(path)?;
/// let tl = itl_core::TrustList::parse(&bytes)?;
/// let mut out = Vec::new();
/// let shown = itl_core::write_show_text(&mut out, "CTLFile.tlv", &tl, &itl_core::TextOptions::new(0))?;
/// assert_eq!(shown.failures, 0);
/// assert!(String::from_utf8(out)?.starts_with("File        CTLFile.tlv\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_show_text(
    out: &mut dyn Write,
    name: &str,
    tl: &TrustList<'_>,
    opts: &TextOptions,
) -> io::Result<Shown> {
    let p = Paint(opts.color);
    let width = opts.limit();
    let h = tl.header();
    // Only the MD5 and SHA-1 are printed: no SHA-256 of the file.
    let (md5, sha1) = (md5_hex(tl.raw()), sha1_hex(tl.raw()));
    writeln!(
        out,
        "{}{}",
        p.bold(&format!("{:<LABEL$}", "File")),
        truncate_left(&printable(name), width.saturating_sub(LABEL))
    )?;
    field(
        out,
        p,
        width,
        "Kind",
        &format!("{} ({})", tl.kind().as_str(), kind_source(tl)),
    )?;
    field(out, p, width, "Size", &format!("{} bytes", tl.raw().len()))?;
    field(out, p, width, "MD5", &md5)?;
    field(out, p, width, "SHA-1", &sha1)?;
    field(
        out,
        p,
        width,
        "Version",
        &h.version_string().unwrap_or_else(|| "-".to_owned()),
    )?;
    if let Some((a, b)) = h.signer_version() {
        field(out, p, width, "Signer ver.", &format!("{a}.{b}"))?;
    }
    field(
        out,
        p,
        width,
        "Header",
        &format!("{} bytes", h.header_length()),
    )?;
    if let Some(ts) = h.timestamp() {
        field(
            out,
            p,
            width,
            "Timestamp",
            &format!("{} ({ts})", timefmt::date_time(i64::from(ts))),
        )?;
    }
    let digest = h.digest().map_or_else(|| "-".to_owned(), |d| d.to_string());
    field(out, p, width, "Digest", &digest)?;
    field(
        out,
        p,
        width,
        "Signer",
        &h.signer_name().unwrap_or_default(),
    )?;
    field(
        out,
        p,
        width,
        "Serial",
        &h.signer_serial().map(hex::encode).unwrap_or_default(),
    )?;
    field(
        out,
        p,
        width,
        "Issuer",
        &h.issuer_name().unwrap_or_default(),
    )?;
    let signature = verify_signature(tl);
    let status = match &signature {
        Ok(rep) => {
            let rec = tl
                .records()
                .get(rep.signer_record.saturating_sub(1))
                .map(|r| {
                    format!(
                        "{} {}",
                        record_label(rep.signer_record, r),
                        cn_of(r.subject_name())
                    )
                })
                .unwrap_or_default();
            format!(
                "{}: RSA {}, {}, by {}",
                p.green("valid"),
                rep.key_bits,
                rep.digest,
                printable(&rec)
            )
        }
        Err(SignatureError::NoSignature) => {
            format!("{}: the header has no SIGNATURE element", p.red("unsigned"))
        }
        Err(e) => format!("{}: {}", p.red("INVALID"), printable(&e.to_string())),
    };
    // The status may be long (a list of serials); wrap it under the label.
    let label = p.bold(&format!("{:<LABEL$}", "Signature"));
    for line in wrap(&status, "", LABEL, width.saturating_sub(LABEL))
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("{label}{l}")
            } else {
                l.clone()
            }
        })
    {
        writeln!(out, "{line}")?;
    }

    writeln!(out)?;
    let rows: Vec<[String; 9]> = tl
        .records()
        .iter()
        .enumerate()
        .map(|(i, r)| record_row(i + 1, r))
        .collect();
    writeln!(out, "{}", p.bold(&format!("Records ({})", rows.len())))?;
    if let Some(w) = fit_widths(&rows, width) {
        let head: [String; 9] = COLUMNS.map(str::to_owned);
        writeln!(out, "{}", p.bold(&format_row(&head, &w)))?;
        for row in &rows {
            writeln!(out, "{}", format_row(row, &w))?;
        }
    } else {
        write_record_blocks(out, p, &rows, width)?;
    }
    let hashed: Vec<String> = tl
        .records()
        .iter()
        .enumerate()
        .filter(|(_, r)| record_hash(r).1)
        .map(|(i, _)| (i + 1).to_string())
        .collect();
    if !hashed.is_empty() {
        let note = format!(
            "CERT SHA-1 is the SHA-1 of the record's CERTIFICATE; record(s) {} carry no certificate: their CERTHASH is shown instead.",
            hashed.join(", ")
        );
        for line in wrap(&note, "", 0, width) {
            writeln!(out, "{line}")?;
        }
    }

    writeln!(out)?;
    let report = check_certificates(tl, opts.now);
    let fails = failures(tl, &report, &signature);
    if !fails.is_empty() {
        writeln!(
            out,
            "{}",
            p.red(&p.bold(&format!("Failures ({})", fails.len())))
        )?;
        for failure in &fails {
            for line in wrap(&printable(failure), "  - ", 4, width) {
                writeln!(out, "{}", p.red(&line))?;
            }
        }
        writeln!(out)?;
    }
    let warns = warnings(tl, &report);
    if warns.is_empty() {
        writeln!(out, "No warnings.")?;
    } else {
        writeln!(
            out,
            "{}",
            p.yellow(&p.bold(&format!("Warnings ({})", warns.len())))
        )?;
        for warning in &warns {
            for line in wrap(&printable(warning), "  - ", 4, width) {
                writeln!(out, "{}", p.yellow(&line))?;
            }
        }
    }
    Ok(Shown {
        failures: fails.len(),
        warnings: warns.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_from_the_left() {
        assert_eq!(truncate_left("/a/b/c/d", 5), "…/c/d");
        assert_eq!(truncate_left("/a", 5), "/a");
    }
}
