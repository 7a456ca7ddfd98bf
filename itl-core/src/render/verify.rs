//! `itltool verify`: the file signature, the optional outside trust, and every
//! record's certificate checks; one line per check or warning and a summary
//! line per file.
//!
//! ```text
//! ITLFile.tlv: ok   signature: SHA-1, RSA-1024 key of record 1 (SAST) CN=…
//! ITLFile.tlv: ok   record 1 (SAST): subject_name: SUBJECTNAME matches the certificate (CN=…)
//! ITLFile.tlv: warn record 1 (SAST): the certificate's RSA key has 1024 bits, under 2048
//! ITLFile.tlv: valid (13 checks passed, 2 warnings)
//! ```

use std::io::{self, Write};

use crate::certcheck::check_certificates;
#[cfg(feature = "json")]
use crate::text::printable;
use crate::text::write_printable;
use crate::trustlist::TrustList;
use crate::verify::{TrustAnchor, verify_signature, verify_with_trust};

use super::words::{AnchorText, CheckText, WarningText};

/// How [`write_verify`] and [`write_verify_json`] check and write.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct VerifyOptions<'t> {
    /// Unix time certificate validity is judged at.
    pub now: i64,
    /// Keys trusted from outside the file (`itltool verify --trust`); with
    /// them, a `trust` check says whether one of them signed the file.
    pub anchors: Option<&'t [TrustAnchor]>,
    /// Only the summary line (`itltool verify --summary`); the other lines are
    /// not even formatted.
    pub summary: bool,
}

impl VerifyOptions<'_> {
    /// Every line, no outside trust, validity judged at Unix time `now`.
    pub fn new(now: i64) -> Self {
        Self {
            now,
            anchors: None,
            summary: false,
        }
    }
}

/// What is done with a file's checks and warnings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Lines {
    /// Writes a line for each.
    All,
    /// Only counts them (`--summary`): nothing is formatted but the names of
    /// failed checks.
    Summary,
    /// Keeps them as text for JSON, writes nothing.
    #[cfg(feature = "json")]
    Collect,
}

/// Counts for a file's summary line, and the writing of the other lines.
struct Tally<'o> {
    out: &'o mut dyn Write,
    file: &'o str,
    lines: Lines,
    passed: usize,
    failed: Vec<String>,
    warnings: usize,
    /// With [`Lines::Collect`]: every check as (passed, what, detail).
    #[cfg(feature = "json")]
    checks: Vec<(bool, String, String)>,
    /// With [`Lines::Collect`]: every warning.
    #[cfg(feature = "json")]
    warning_list: Vec<String>,
}

/// Text written by `f` (which writes to a `Vec` and so does not fail).
fn text(f: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> String {
    let mut v = Vec::new();
    let _ = f(&mut v);
    String::from_utf8(v).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

impl Tally<'_> {
    /// One check; `what` and `detail` are only asked for when they are used
    /// (`what` also for a failed check, which the summary names).
    fn check<D: std::fmt::Display>(
        &mut self,
        passed: bool,
        what: impl Fn(&mut dyn Write) -> io::Result<()>,
        detail: impl FnOnce() -> D,
    ) -> io::Result<()> {
        if passed {
            self.passed += 1;
        } else {
            self.failed.push(text(&what));
        }
        // Names come from the file: escape control characters so a hostile
        // SUBJECTNAME cannot forge output lines.
        match self.lines {
            Lines::All => {
                // Written piece by piece, without `format_args!`: this is most
                // of the work of a bulk `verify` after the signature.
                self.out.write_all(self.file.as_bytes())?;
                self.out
                    .write_all(if passed { b": ok   " } else { b": FAIL " })?;
                what(self.out)?;
                self.out.write_all(b": ")?;
                write_printable(self.out, detail())?;
                self.out.write_all(b"\n")?;
            }
            Lines::Summary => {}
            #[cfg(feature = "json")]
            Lines::Collect => {
                let detail = printable(&detail().to_string()).into_owned();
                self.checks.push((passed, text(&what), detail));
            }
        }
        Ok(())
    }

    fn warn(&mut self, what: impl Fn(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
        self.warnings += 1;
        match self.lines {
            Lines::All => {
                self.out.write_all(self.file.as_bytes())?;
                self.out.write_all(b": warn ")?;
                what(self.out)?;
                self.out.write_all(b"\n")?;
            }
            Lines::Summary => {}
            #[cfg(feature = "json")]
            Lines::Collect => self.warning_list.push(text(&what)),
        }
        Ok(())
    }
}

/// `record N (ROLE)`.
fn write_record_label(out: &mut dyn Write, tl: &TrustList<'_>, index: usize) -> io::Result<()> {
    let role = tl
        .records()
        .get(index.wrapping_sub(1))
        .and_then(|r| r.function());
    out.write_all(b"record ")?;
    write_decimal(out, index)?;
    match role.map(|r| (r, r.short_str())) {
        Some((_, Some(name))) => {
            out.write_all(b" (")?;
            out.write_all(name.as_bytes())?;
            out.write_all(b")")
        }
        Some((role, None)) => write!(out, " ({})", role.code()),
        None => out.write_all(b" (no FUNCTION)"),
    }
}

/// `n` in decimal, without the formatting machinery.
fn write_decimal(out: &mut dyn Write, mut n: usize) -> io::Result<()> {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b"0123456789"[n % 10];
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.write_all(&digits[at..])
}

/// Checks `tl`, a trust list read from `name` (printed as given, at the start of
/// each line), and writes what `itltool verify` prints: one `ok` / `FAIL` line
/// per check (the file signature, the outside trust when
/// [`VerifyOptions::anchors`] are given, each record's certificate checks), one
/// `warn` line per warning, then the summary line (with
/// [`VerifyOptions::summary`], only that line). Returns whether every check
/// passed.
///
/// ```
/// # let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../testvectors/real/CTLFile-cucm10.tlv");
/// let bytes = std::fs::read(path)?;
/// let tl = itl_core::TrustList::parse(&bytes)?;
/// let mut options = itl_core::VerifyOptions::new(0);
/// options.summary = true;
/// let mut out = Vec::new();
/// assert!(itl_core::write_verify(&mut out, "CTLFile.tlv", &tl, &options)?);
/// assert!(String::from_utf8(out)?.starts_with("CTLFile.tlv: valid ("));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_verify(
    out: &mut dyn Write,
    name: &str,
    tl: &TrustList<'_>,
    options: &VerifyOptions<'_>,
) -> io::Result<bool> {
    let lines = if options.summary {
        Lines::Summary
    } else {
        Lines::All
    };
    let t = check_file(out, name, tl, options, lines)?;
    summary_line(t)
}

/// The `verify --format json` document of `tl`, read from `name` (schema in
/// `docs/JSON.md`: every check and warning of [`write_verify`] as data); returns
/// whether every check passed. [`VerifyOptions::summary`] is ignored.
#[cfg(feature = "json")]
pub fn write_verify_json(
    out: &mut dyn Write,
    name: &str,
    tl: &TrustList<'_>,
    options: &VerifyOptions<'_>,
    layout: super::JsonLayout,
) -> io::Result<bool> {
    use super::json::{VerifyCheckDoc, VerifyDoc, write_doc};
    let mut sink = io::sink();
    let t = check_file(&mut sink, name, tl, options, Lines::Collect)?;
    let valid = t.failed.is_empty();
    let doc = VerifyDoc {
        schema: super::JSON_SCHEMA_VERSION,
        file: name,
        valid,
        passed: t.passed,
        failed: t.failed.len(),
        checks: t
            .checks
            .into_iter()
            .map(|(passed, name, detail)| VerifyCheckDoc {
                name,
                passed,
                detail,
            })
            .collect(),
        warnings: t.warning_list,
    };
    write_doc(out, &doc, layout)?;
    Ok(valid)
}

fn check_file<'o>(
    out: &'o mut dyn Write,
    name: &'o str,
    tl: &TrustList<'_>,
    options: &VerifyOptions<'_>,
    lines: Lines,
) -> io::Result<Tally<'o>> {
    let mut t = Tally {
        out,
        file: name,
        lines,
        passed: 0,
        failed: Vec::new(),
        warnings: 0,
        #[cfg(feature = "json")]
        checks: Vec::new(),
        #[cfg(feature = "json")]
        warning_list: Vec::new(),
    };
    let signature = |o: &mut dyn Write| o.write_all(b"signature");
    match verify_signature(tl) {
        Ok(r) => t.check(true, signature, || {
            let subject = tl
                .records()
                .get(r.signer_record - 1)
                .and_then(|r| r.subject_name())
                .unwrap_or_default();
            let label = text(|o| write_record_label(o, tl, r.signer_record));
            let detail = format!("{}, RSA-{} key of {label} {subject}", r.digest, r.key_bits);
            detail.trim_end().to_owned()
        })?,
        Err(e) => t.check(false, signature, || e.to_string())?,
    }
    if let Some(anchors) = options.anchors {
        let trust = |o: &mut dyn Write| o.write_all(b"trust");
        match verify_with_trust(tl, anchors) {
            Ok(r) => t.check(true, trust, || {
                let origin = anchors.get(r.anchor).map(|a| AnchorText(&a.origin));
                format!(
                    "signed by a trusted key: {}",
                    origin.map(|o| o.to_string()).unwrap_or_default()
                )
            })?,
            Err(e) => t.check(false, trust, || e.to_string())?,
        }
    }
    let report = check_certificates(tl, options.now);
    for rc in &report.records {
        for c in &rc.checks {
            t.check(
                c.passed,
                |o| {
                    write_record_label(o, tl, rc.index)?;
                    o.write_all(b": ")?;
                    o.write_all(c.name().as_bytes())
                },
                || CheckText(c),
            )?;
        }
        for w in &rc.warnings {
            t.warn(|o| {
                write_record_label(o, tl, rc.index)?;
                o.write_all(b": ")?;
                write_printable(o, WarningText(w))
            })?;
        }
    }
    for w in &report.warnings {
        t.warn(|o| {
            o.write_all(b"file: ")?;
            write_printable(o, WarningText(w))
        })?;
    }
    Ok(t)
}

fn summary_line(t: Tally<'_>) -> io::Result<bool> {
    let Tally {
        out,
        file: name,
        passed,
        failed,
        warnings,
        ..
    } = t;
    let plural = if warnings == 1 { "" } else { "s" };
    if failed.is_empty() {
        writeln!(
            out,
            "{name}: valid ({passed} checks passed, {warnings} warning{plural})"
        )?;
        Ok(true)
    } else {
        writeln!(
            out,
            "{name}: INVALID ({} of {} checks failed: {}, {warnings} warning{plural})",
            failed.len(),
            failed.len() + passed,
            failed.join(", ")
        )?;
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    #[test]
    fn decimal_is_what_to_string_gives() {
        for n in [0, 7, 9, 10, 99, 100, 12_345, usize::MAX] {
            let mut v = Vec::new();
            super::write_decimal(&mut v, n).unwrap();
            assert_eq!(String::from_utf8(v).unwrap(), n.to_string());
        }
    }
}
