//! Signed files (`.sgn`, `.enc.sgn`) in the CLI: `show` (text, JSON, CUCM-like
//! header table), `verify` the way a phone does, `sign`, `unsign` and `decrypt`.
//!
//! ```text
//! $ itltool verify SEP001122334455.cnf.xml.sgn --trust ITLFile.tlv
//! SEP001122334455.cnf.xml.sgn: ok   trust: SHA-256, RSA-2048 key of ITLFile.tlv record 2 (CCM+TFTP) cucm-pub.signed.lab
//! SEP001122334455.cnf.xml.sgn: valid and trusted
//! ```

use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use itl_core::{
    DecryptError, DigestAlgorithm, Fingerprints, SignError, SignedFile, SignedFileBuilder,
    SignedFileError, SigningKey, TrustList, TrustRecord, decrypt, load_certificate,
    verify_signed_file, verify_signed_file_with_certificate,
};
use serde::Serialize;
use sha1::{Digest, Sha1};

use crate::fetch::{FetchError, write_new_file};
use crate::input;
use crate::text::printable;
use crate::timefmt;
use crate::verify::{TrustSourceError, pem_certificate_blocks};

/// What `--trust` gave, kept as trust lists (for the phone's rule) and
/// certificates (checked directly).
#[derive(Debug, Default)]
pub struct TrustSources {
    lists: Vec<(String, Vec<u8>)>,
    certs: Vec<(String, Vec<u8>)>,
}

impl TrustSources {
    /// Reads each `--trust` source: an ITL/CTL file, a certificate (PEM or
    /// DER) or a PEM bundle of certificates.
    pub fn load(paths: &[PathBuf]) -> Result<Self, TrustSourceError> {
        let mut s = Self::default();
        for path in paths {
            let bytes = input::read_source(path).map_err(TrustSourceError::Input)?;
            let name = path.display().to_string();
            let as_trust_list = match TrustList::parse(&bytes) {
                Ok(_) => {
                    s.lists.push((name, bytes));
                    continue;
                }
                Err(e) => e.to_string(),
            };
            let blocks = pem_certificate_blocks(&bytes);
            if blocks.len() > 1 {
                for (i, block) in blocks.iter().enumerate() {
                    let der = load_certificate(block).map_err(|e| {
                        TrustSourceError::UnusableCertificate {
                            path: path.clone(),
                            reason: format!("certificate {} of the bundle: {e}", i + 1),
                        }
                    })?;
                    s.certs.push((
                        format!("{name} certificate {} of {}", i + 1, blocks.len()),
                        der,
                    ));
                }
                continue;
            }
            match load_certificate(&bytes) {
                Ok(der) => s.certs.push((name, der)),
                Err(e) => {
                    return Err(TrustSourceError::Unrecognised {
                        path: path.clone(),
                        as_trust_list,
                        as_certificate: e.to_string(),
                    });
                }
            }
        }
        Ok(s)
    }

    /// Whether no source was given.
    pub fn is_empty(&self) -> bool {
        self.lists.is_empty() && self.certs.is_empty()
    }
}

/// The outcome of checking a signed file against the `--trust` sources.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// No `--trust` source was given.
    NotChecked,
    /// A phone holding the trust lists (or the given certificate) accepts it.
    Trusted {
        /// Who signed: `ITLFile.tlv record 2 (CCM+TFTP) cucm-pub` or a certificate.
        by: String,
        /// The digest.
        digest: DigestAlgorithm,
        /// The signer's key size.
        key_bits: usize,
    },
    /// Not trusted or invalid, and why (naming the record and the rule).
    Rejected {
        /// Why.
        reason: String,
    },
}

fn cn(dn_text: &str) -> String {
    itl_core::common_name(dn_text).unwrap_or_else(|| dn_text.to_owned())
}

/// `ITLFile.tlv record 1 (SAST) ITLRECOVERY_…`.
fn record_text(sources: &TrustSources, r: &TrustRecord) -> String {
    let list = sources.lists.get(r.list).map_or("?", |(n, _)| n.as_str());
    let role = r
        .role
        .map_or_else(|| "no FUNCTION".to_owned(), |f| f.short_name());
    format!(
        "{list} record {} ({role}) {}",
        r.record,
        printable(&cn(&r.subject))
    )
}

fn records_text(sources: &TrustSources, rs: &[TrustRecord]) -> String {
    rs.iter()
        .map(|r| record_text(sources, r))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The words for a failure of [`verify_signed_file`].
fn reason(sources: &TrustSources, file: &SignedFile<'_>, e: &SignedFileError) -> String {
    let h = file.header();
    match e {
        SignedFileError::SignerNotTftp { found } => format!(
            "signed by {} which is not a TFTP or CCM+TFTP entry (only those authenticate configuration files)",
            records_text(sources, found)
        ),
        SignedFileError::SignerNotFound { serial, issuer } => format!(
            "the signer {} (serial {}, issuer {}) is in no record of {}; a phone would ask its TVS server",
            printable(&cn(&h.signer_name().unwrap_or_default())),
            hex::encode(serial),
            printable(issuer),
            sources
                .lists
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        SignedFileError::Mismatch { tried } => format!(
            "signature mismatch: the signature does not verify with the key of {}: the file was changed after signing",
            records_text(sources, tried)
        ),
        SignedFileError::KeyNotUsable { signer } => format!(
            "the signer's entry {} has no usable RSA key",
            record_text(sources, signer)
        ),
        other => other.to_string(),
    }
}

/// Checks `file` against the trust lists (the phone's rule), then, failing that,
/// against each certificate given.
pub fn check(file: &SignedFile<'_>, sources: &TrustSources) -> Verdict {
    if sources.is_empty() {
        return Verdict::NotChecked;
    }
    let mut reasons = Vec::new();
    if !sources.lists.is_empty() {
        let parsed: Vec<TrustList<'_>> = sources
            .lists
            .iter()
            .filter_map(|(_, b)| TrustList::parse(b).ok())
            .collect();
        let refs: Vec<&TrustList<'_>> = parsed.iter().collect();
        match verify_signed_file(file, &refs) {
            Ok(r) => {
                return Verdict::Trusted {
                    by: record_text(sources, &r.signer),
                    digest: r.digest,
                    key_bits: r.key_bits,
                };
            }
            Err(e) => reasons.push(reason(sources, file, &e)),
        }
    }
    for (name, der) in &sources.certs {
        match verify_signed_file_with_certificate(file, der) {
            Ok(r) => {
                let subject = itl_core::CertInfo::parse(der)
                    .map(|c| cn(&c.subject))
                    .unwrap_or_default();
                return Verdict::Trusted {
                    by: format!("certificate {name} ({})", printable(&subject)),
                    digest: r.digest,
                    key_bits: r.key_bits,
                };
            }
            Err(SignedFileError::CertificateMismatch {
                header_names_certificate,
            }) => reasons.push(format!(
                "the signature does not verify with the certificate {name}{}",
                if header_names_certificate {
                    ": the file was changed after signing"
                } else {
                    " (the file names another signer)"
                }
            )),
            Err(e) => reasons.push(format!("{name}: {e}")),
        }
    }
    Verdict::Rejected {
        reason: reasons.join("; "),
    }
}

const NO_TRUST: &str = "a signed file carries no key of its own: give --trust ITLFile.tlv (the phone's ITL, and/or its CTL) or --trust CERT";

/// `itltool verify` of one signed file: one `ok`/`FAIL` line and a summary
/// line. Returns whether it is valid and trusted.
pub fn verify_lines(
    out: &mut dyn Write,
    name: &str,
    file: &SignedFile<'_>,
    sources: &TrustSources,
) -> io::Result<bool> {
    match check(file, sources) {
        Verdict::NotChecked => {
            writeln!(out, "{name}: FAIL trust: {NO_TRUST}")?;
            writeln!(out, "{name}: NOT CHECKED (no --trust)")?;
            Ok(false)
        }
        Verdict::Trusted {
            by,
            digest,
            key_bits,
        } => {
            writeln!(
                out,
                "{name}: ok   trust: {digest}, RSA-{key_bits} key of {by}"
            )?;
            writeln!(out, "{name}: valid and trusted")?;
            Ok(true)
        }
        Verdict::Rejected { reason } => {
            writeln!(out, "{name}: FAIL trust: {reason}")?;
            writeln!(out, "{name}: NOT TRUSTED ({reason})")?;
            Ok(false)
        }
    }
}

fn kv(out: &mut dyn Write, key: &str, value: &str) -> io::Result<()> {
    writeln!(out, "{key:<12}{value}")
}

/// `itltool show` (text) of a signed file. Returns whether the signature was
/// checked and failed.
pub fn write_text(
    out: &mut dyn Write,
    path: &Path,
    file: &SignedFile<'_>,
    verdict: &Verdict,
) -> io::Result<bool> {
    let h = file.header();
    let fp = Fingerprints::of(file.raw());
    let filename = h.filename().unwrap_or_default();
    kv(out, "File", &printable(&path.display().to_string()))?;
    kv(
        out,
        "Kind",
        &format!(
            "{} (FILENAME {})",
            file.kind().as_str(),
            printable(&filename)
        ),
    )?;
    kv(out, "Size", &format!("{} bytes", file.raw().len()))?;
    kv(out, "MD5", &fp.md5)?;
    kv(out, "SHA-1", &fp.sha1)?;
    kv(out, "Version", &h.version_string().unwrap_or_default())?;
    kv(out, "Header", &format!("{} bytes", h.header_length()))?;
    if let Some(ts) = h.timestamp() {
        kv(
            out,
            "Timestamp",
            &format!("{} ({ts})", timefmt::date_time(i64::from(ts))),
        )?;
    }
    kv(
        out,
        "Digest",
        &h.digest().map(|d| d.to_string()).unwrap_or_default(),
    )?;
    kv(
        out,
        "Signer",
        &printable(&h.signer_name().unwrap_or_default()),
    )?;
    kv(
        out,
        "Serial",
        &h.signer_serial().map(hex::encode).unwrap_or_default(),
    )?;
    kv(
        out,
        "Issuer",
        &printable(&h.issuer_name().unwrap_or_default()),
    )?;
    kv(
        out,
        "Payload",
        &format!(
            "at byte {}, {} bytes, SHA-1 {}",
            file.payload_offset(),
            file.payload().len(),
            hex::encode(Sha1::digest(file.payload()))
        ),
    )?;
    let failed = match verdict {
        Verdict::NotChecked => {
            kv(
                out,
                "Signature",
                "not checked (give --trust ITLFile.tlv or a certificate)",
            )?;
            false
        }
        Verdict::Trusted {
            by,
            digest,
            key_bits,
        } => {
            kv(
                out,
                "Signature",
                &format!("valid and trusted: RSA {key_bits}, {digest}, by {by}"),
            )?;
            false
        }
        Verdict::Rejected { reason } => {
            kv(out, "Signature", &format!("NOT TRUSTED: {reason}"))?;
            true
        }
    };
    if file.is_encrypted() {
        match file.encryption() {
            Ok(e) => {
                let alg = if e.algorithm == itl_core::ALGORITHM_AES {
                    format!("AES-{}-CBC", e.key_bits)
                } else {
                    format!("algorithm {} ({} bits)", e.algorithm, e.key_bits)
                };
                kv(
                    out,
                    "Encryption",
                    &format!(
                        "{alg}, IV {}, {} pad byte(s)",
                        hex::encode(e.iv),
                        e.pad_count
                    ),
                )?;
                kv(
                    out,
                    "AES key",
                    &format!(
                        "{} bytes, encrypted with the device's RSA key (RSA {})",
                        e.encrypted_key.len(),
                        e.encrypted_key.len() * 8
                    ),
                )?;
                kv(
                    out,
                    "Plain hash",
                    &format!("{} {}", e.hash_algorithm, hex::encode(e.plaintext_hash)),
                )?;
            }
            Err(e) => kv(out, "Encryption", &format!("unreadable: {e}"))?,
        }
    }
    Ok(failed)
}

/// The verdict of a signed file in JSON (`signature`).
#[derive(Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
enum SignatureJson<'a> {
    NotChecked,
    Trusted {
        signer: &'a str,
        digest: String,
        key_bits: usize,
    },
    Rejected {
        reason: &'a str,
    },
}

/// The encryption block of an `.enc.sgn` in JSON.
#[derive(Serialize)]
#[serde(untagged)]
enum EncryptionJson {
    Info {
        iv: String,
        pad_count: u16,
        key_bits: u16,
        algorithm: u8,
        encrypted_key_length: usize,
        encrypted_key: String,
        hash_algorithm: String,
        plaintext_hash: String,
    },
    Error {
        error: String,
    },
}

#[derive(Serialize)]
struct SignedHeaderJson {
    version: Option<String>,
    header_length: u16,
    signer_name: Option<String>,
    signer_serial: Option<String>,
    issuer_name: Option<String>,
    digest: Option<String>,
    signature_length: Option<usize>,
    filename: Option<String>,
    timestamp: Option<u32>,
    padding: usize,
}

#[derive(Serialize)]
struct PayloadJson {
    offset: usize,
    length: usize,
    sha1: String,
}

/// The `show --format json` document of a signed file (schema in docs/JSON.md);
/// `verify --format json` sets `valid`.
#[derive(Serialize)]
pub struct SignedJson<'a> {
    schema: u32,
    file: String,
    size: usize,
    kind: &'static str,
    md5: String,
    sha1: String,
    header: SignedHeaderJson,
    payload: PayloadJson,
    signature: SignatureJson<'a>,
    encryption: Option<EncryptionJson>,
    failures: Vec<&'a str>,
    /// Whether the signature verified (`verify` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid: Option<bool>,
}

/// The `show --format json` document of a signed file (schema in docs/JSON.md).
pub fn json<'a>(path: &Path, file: &SignedFile<'_>, verdict: &'a Verdict) -> SignedJson<'a> {
    let h = file.header();
    let fp = Fingerprints::of(file.raw());
    let signature = match verdict {
        Verdict::NotChecked => SignatureJson::NotChecked,
        Verdict::Trusted {
            by,
            digest,
            key_bits,
        } => SignatureJson::Trusted {
            signer: by,
            digest: digest.to_string(),
            key_bits: *key_bits,
        },
        Verdict::Rejected { reason } => SignatureJson::Rejected { reason },
    };
    let failures = match verdict {
        Verdict::Rejected { reason } => vec![reason.as_str()],
        _ => Vec::new(),
    };
    let encryption = match file.encryption() {
        Ok(e) => Some(EncryptionJson::Info {
            iv: hex::encode(e.iv),
            pad_count: e.pad_count,
            key_bits: e.key_bits,
            algorithm: e.algorithm,
            encrypted_key_length: e.encrypted_key.len(),
            encrypted_key: hex::encode(e.encrypted_key),
            hash_algorithm: e.hash_algorithm.to_string(),
            plaintext_hash: hex::encode(e.plaintext_hash),
        }),
        Err(itl_core::EncryptionError::NotEncrypted) => None,
        Err(e) => Some(EncryptionJson::Error {
            error: e.to_string(),
        }),
    };
    SignedJson {
        schema: itl_core::JSON_SCHEMA_VERSION,
        file: path.display().to_string(),
        size: file.raw().len(),
        kind: file.kind().as_str(),
        md5: fp.md5,
        sha1: fp.sha1,
        header: SignedHeaderJson {
            version: h.version_string(),
            header_length: h.header_length(),
            signer_name: h.signer_name(),
            signer_serial: h.signer_serial().map(hex::encode),
            issuer_name: h.issuer_name(),
            digest: h.digest().map(|d| d.to_string()),
            signature_length: h.signature().map(<[u8]>::len),
            filename: h.filename(),
            timestamp: h.timestamp(),
            padding: h.padding_len(),
        },
        payload: PayloadJson {
            offset: file.payload_offset(),
            length: file.payload().len(),
            sha1: hex::encode(Sha1::digest(file.payload())),
        },
        signature,
        encryption,
        failures,
        valid: None,
    }
}

/// `show --format cucm` of a signed file: CUCM's `show itl` header table (no
/// CUCM output of a signed file is public; this follows the ITL layout), the
/// payload line, and the verdict when `--trust` was given.
pub fn write_cucm(
    out: &mut dyn Write,
    file: &SignedFile<'_>,
    modified: Option<i64>,
    verdict: &Verdict,
) -> io::Result<bool> {
    let fp = Fingerprints::of(file.raw());
    writeln!(
        out,
        "The checksum value of the signed file: {}(MD5) {}(SHA1)",
        fp.md5, fp.sha1
    )?;
    writeln!(out, "Length of signed file: {}", file.raw().len())?;
    if let Some(m) = modified {
        writeln!(
            out,
            "The signed File was last modified on {}",
            timefmt::cucm(m)
        )?;
    }
    writeln!(out)?;
    writeln!(out, "Parse signed File")?;
    writeln!(out, "----------------")?;
    writeln!(out)?;
    itl_core::write_cucm_header(out, file.header())?;
    writeln!(out)?;
    writeln!(
        out,
        "Payload:\t{} bytes at byte {} (SHA1 {})",
        file.payload().len(),
        file.payload_offset(),
        hex::encode(Sha1::digest(file.payload()))
    )?;
    match verdict {
        Verdict::NotChecked => Ok(false),
        Verdict::Trusted { .. } => {
            writeln!(out, "The signed file was verified successfully.")?;
            Ok(false)
        }
        Verdict::Rejected { reason } => {
            writeln!(out, "Verification of the signed file failed: {reason}")?;
            Ok(true)
        }
    }
}

/// Why `sign`, `unsign` or `decrypt` wrote nothing.
#[derive(Debug)]
#[non_exhaustive]
pub enum SignedCliError {
    /// An input could not be read or parsed.
    Input(input::InputError),
    /// A certificate or key file is not usable.
    BadInput {
        /// The file.
        path: PathBuf,
        /// Why.
        error: itl_core::BuildError,
    },
    /// The input is a trust list, not a signed file.
    NotSigned {
        /// The file.
        path: PathBuf,
        /// What it is.
        kind: itl_core::FileKind,
    },
    /// The output would replace an input.
    OutputIsInput(PathBuf),
    /// Signing failed.
    Sign(SignError),
    /// Decryption failed.
    Decrypt {
        /// The file.
        path: PathBuf,
        /// Why.
        error: DecryptError,
    },
    /// Writing the output failed, or it exists.
    Write(FetchError),
    /// Bad usage.
    Usage(String),
}

impl fmt::Display for SignedCliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Input(e) => write!(f, "{e}"),
            Self::BadInput { path, error } => write!(f, "{}: {error}", path.display()),
            Self::NotSigned { path, kind } => write!(
                f,
                "{}: this is an {}, not a signed file (.sgn)",
                path.display(),
                kind.as_str()
            ),
            Self::OutputIsInput(p) => write!(
                f,
                "{}: is also an input; refusing to overwrite it (choose another -o)",
                p.display()
            ),
            Self::Sign(e) => write!(f, "sign: {e}"),
            Self::Decrypt { path, error } => write!(f, "{}: {error}", path.display()),
            Self::Write(e) => write!(f, "{e}"),
            Self::Usage(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for SignedCliError {}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Writes `bytes` to `output` atomically (`-` is standard output), refusing to
/// replace an input or (without `force`) an existing file.
fn write_output(
    output: &Path,
    inputs: &[&Path],
    bytes: &[u8],
    force: bool,
    out: &mut dyn Write,
) -> Result<(), SignedCliError> {
    if output == Path::new("-") {
        out.write_all(bytes)
            .map_err(|source| SignedCliError::Write(FetchError::Stdout(source)))?;
        return Ok(());
    }
    if inputs.iter().any(|i| same_file(i, output)) {
        return Err(SignedCliError::OutputIsInput(output.to_owned()));
    }
    if !force && output.symlink_metadata().is_ok() {
        return Err(SignedCliError::Write(FetchError::Exists(output.to_owned())));
    }
    write_new_file(output, bytes, force).map_err(SignedCliError::Write)
}

fn read_signed(path: &Path) -> Result<Vec<u8>, SignedCliError> {
    input::read_source(path).map_err(SignedCliError::Input)
}

fn parse_signed<'a>(path: &Path, bytes: &'a [u8]) -> Result<SignedFile<'a>, SignedCliError> {
    match input::parse_any(path, bytes).map_err(SignedCliError::Input)? {
        itl_core::AnyFile::Signed(f) => Ok(f),
        other => Err(SignedCliError::NotSigned {
            path: path.to_owned(),
            kind: other.kind(),
        }),
    }
}

/// Everything `itltool sign` needs.
#[derive(Clone, Debug)]
pub struct SignOptions {
    /// The file to sign.
    pub payload: PathBuf,
    /// Output file (`-`: standard output).
    pub output: PathBuf,
    /// Signer certificate.
    pub signer: PathBuf,
    /// Signer private key.
    pub key: PathBuf,
    /// Digest.
    pub digest: DigestAlgorithm,
    /// FILENAME; by default the output's file name.
    pub filename: Option<String>,
    /// TIMESTAMP; by default now.
    pub timestamp: Option<u32>,
    /// Encrypt for this device certificate (`.enc.sgn`).
    pub encrypt_for: Option<PathBuf>,
    /// Replace an existing output.
    pub force: bool,
    /// Report as JSON (docs/JSON.md) on `out` instead of a line on `err`.
    pub json: bool,
}

/// What `sign --format json` reports (docs/JSON.md).
#[derive(Serialize)]
struct SignReport<'a> {
    schema: u32,
    output: String,
    filename: &'a str,
    size: usize,
    digest: String,
    encrypted: bool,
    timestamp: Option<u32>,
    payload_length: usize,
    md5: String,
    sha1: String,
}

/// What `unsign --format json` and `decrypt --format json` report
/// (docs/JSON.md): the bytes written.
#[derive(Serialize)]
struct ExtractReport {
    schema: u32,
    file: String,
    output: String,
    size: usize,
    sha1: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    encrypted: Option<bool>,
}

/// `--format json` with `-o -`: standard output carries the file itself.
fn refuse_json_to_stdout(json: bool, output: &Path) -> Result<(), SignedCliError> {
    if json && output == Path::new("-") {
        return Err(SignedCliError::Usage(
            "--format json reports on standard output: give -o FILE (with -o - the file itself goes there)".to_owned(),
        ));
    }
    Ok(())
}

fn write_report(out: &mut dyn Write, report: &impl Serialize) -> Result<(), SignedCliError> {
    let stdout = |e: io::Error| SignedCliError::Write(FetchError::Stdout(e));
    serde_json::to_writer_pretty(&mut *out, report).map_err(|e| stdout(e.into()))?;
    writeln!(out).map_err(stdout)
}

/// A certificate from a local file, `-` or a `tftp://HOST[:PORT]/NAME` URL.
fn read_cert(path: &Path) -> Result<Vec<u8>, SignedCliError> {
    let bytes = input::read_source(path).map_err(SignedCliError::Input)?;
    load_certificate(&bytes).map_err(|error| SignedCliError::BadInput {
        path: path.to_owned(),
        error,
    })
}

fn read_key(path: &Path) -> Result<itl_core::SigningKey, SignedCliError> {
    let bytes = input::read_private_key(path).map_err(SignedCliError::Input)?;
    SigningKey::from_pem_or_der(&bytes).map_err(|e| SignedCliError::BadInput {
        path: path.to_owned(),
        error: itl_core::BuildError::PrivateKey(e),
    })
}

/// `itltool sign`: signs (and with `--encrypt-for` encrypts) a file; prints one
/// line on `err` saying what was written.
pub fn sign(
    opts: &SignOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), SignedCliError> {
    let mut inputs = vec![
        opts.payload.as_path(),
        opts.signer.as_path(),
        opts.key.as_path(),
    ];
    if let Some(d) = &opts.encrypt_for {
        inputs.push(d);
    }
    refuse_json_to_stdout(opts.json, &opts.output)?;
    if opts.output != Path::new("-") {
        if inputs.iter().any(|i| same_file(i, &opts.output)) {
            return Err(SignedCliError::OutputIsInput(opts.output.clone()));
        }
        if !opts.force && opts.output.symlink_metadata().is_ok() {
            return Err(SignedCliError::Write(FetchError::Exists(
                opts.output.clone(),
            )));
        }
    }
    let payload = input::read_source(&opts.payload).map_err(SignedCliError::Input)?;
    let cert = read_cert(&opts.signer)?;
    let key = read_key(&opts.key)?;
    let filename = match &opts.filename {
        Some(n) => n.clone(),
        None => match opts.output.file_name() {
            Some(n) if opts.output != Path::new("-") => n.to_string_lossy().into_owned(),
            _ => {
                return Err(SignedCliError::Usage(
                    "give --filename (the name phones ask for, e.g. SEP001122334455.cnf.xml.sgn) when writing to standard output".to_owned(),
                ));
            }
        },
    };
    let mut b = SignedFileBuilder::new(cert, key, &filename).digest(opts.digest);
    if let Some(t) = opts.timestamp {
        b = b.timestamp(t);
    }
    if let Some(device) = &opts.encrypt_for {
        b = b.encrypt_for(read_cert(device)?);
    }
    let bytes = b.build(&payload).map_err(SignedCliError::Sign)?;
    write_output(&opts.output, &inputs, &bytes, opts.force, out)?;
    if opts.json {
        // What the file holds, read back from it.
        let written = SignedFile::parse(&bytes).map_err(|e| {
            SignedCliError::Usage(format!(
                "internal error: the signed file does not parse: {e}"
            ))
        })?;
        let fp = itl_core::Fingerprints::of(&bytes);
        return write_report(
            out,
            &SignReport {
                schema: 1,
                output: opts.output.display().to_string(),
                filename: &filename,
                size: bytes.len(),
                digest: opts.digest.to_string(),
                encrypted: written.is_encrypted(),
                timestamp: written.header().timestamp(),
                payload_length: payload.len(),
                md5: fp.md5,
                sha1: fp.sha1,
            },
        );
    }
    if opts.output != Path::new("-") {
        let _ = writeln!(
            err,
            "wrote {} ({} bytes, {}FILENAME {}, {})",
            opts.output.display(),
            bytes.len(),
            if opts.encrypt_for.is_some() {
                "encrypted, "
            } else {
                ""
            },
            printable(&filename),
            opts.digest
        );
    }
    Ok(())
}

/// `itltool unsign X.sgn -o OUT`: writes the payload byte for byte. The
/// signature is not checked (use `verify --trust`).
pub fn unsign(
    file: &Path,
    output: &Path,
    force: bool,
    json: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), SignedCliError> {
    refuse_json_to_stdout(json, output)?;
    let bytes = read_signed(file)?;
    let parsed = parse_signed(file, &bytes)?;
    if json {
        write_output(output, &[file], parsed.payload(), force, out)?;
        return write_report(
            out,
            &extract_report(file, output, parsed.payload(), Some(parsed.is_encrypted())),
        );
    }
    if parsed.is_encrypted() {
        let _ = writeln!(
            err,
            "warning: {} is encrypted: the payload written is the ciphertext (use `itltool decrypt --key DEVICE_KEY`)",
            file.display()
        );
    }
    write_output(output, &[file], parsed.payload(), force, out)
}

/// `itltool decrypt X.enc.sgn --key DEVICE_KEY -o OUT`: writes the decrypted
/// configuration (its hash checked). The signature is not checked (use
/// `verify --trust`).
pub fn decrypt_file(
    file: &Path,
    key: &Path,
    output: &Path,
    force: bool,
    json: bool,
    out: &mut dyn Write,
) -> Result<(), SignedCliError> {
    refuse_json_to_stdout(json, output)?;
    let bytes = read_signed(file)?;
    let parsed = parse_signed(file, &bytes)?;
    let device_key = read_key(key)?;
    let plain = decrypt(&parsed, &device_key).map_err(|error| SignedCliError::Decrypt {
        path: file.to_owned(),
        error,
    })?;
    write_output(output, &[file, key], &plain, force, out)?;
    if json {
        return write_report(out, &extract_report(file, output, &plain, None));
    }
    Ok(())
}

fn extract_report(
    file: &Path,
    output: &Path,
    bytes: &[u8],
    encrypted: Option<bool>,
) -> ExtractReport {
    ExtractReport {
        schema: 1,
        file: file.display().to_string(),
        output: output.display().to_string(),
        size: bytes.len(),
        sha1: itl_core::Fingerprints::of(bytes).sha1,
        encrypted,
    }
}
