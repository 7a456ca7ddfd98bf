//! `itltool build`: build and sign an ITL/CTL file from certificates.
//!
//! ```text
//! itltool build -o ITLFile.tlv --signer pub.pem --key pub.key --digest sha256 \
//!     --record SAST:pub.pem --record CCM+TFTP:pub.pem,dns=cucm-pub,ip=10.0.0.5 \
//!     --record TVS:tvs.pem,hash --record CAPF:capf.pem,hash
//! ```
//!
//! Records keep their command-line order. The output is written atomically and
//! never replaces an existing file without `--force`, nor ever one of the inputs.

use std::ffi::OsString;
use std::fmt;
use std::io::{self, Write};
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

use itl_core::{
    BuildError, Builder, CertificateOf, DigestAlgorithm, Fingerprints, RecordSpec, Role,
    SigningKey, TrustList, load_certificate,
};

use crate::fetch::{FetchError, write_new_file};
use crate::input;

/// One `--record` argument: `ROLE:CERT[,dns=NAME][,ip=A.B.C.D][,hash]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordArg {
    /// FUNCTION.
    pub role: Role,
    /// The certificate file.
    pub cert: PathBuf,
    /// DNSNAME.
    pub dns_name: Option<String>,
    /// IPADDRESS.
    pub ip: Option<Ipv4Addr>,
    /// CERTHASH instead of CERTIFICATE (option `hash`).
    pub hash_only: bool,
}

/// The options a `--record` value may end with, for error messages.
const RECORD_OPTIONS: &str = "dns=NAME, ip=A.B.C.D, hash";

impl RecordArg {
    /// Parses `ROLE:CERT[,dns=NAME][,ip=A.B.C.D][,hash]`. ROLE is SAST, CCM,
    /// CCM+TFTP, TFTP, CAPF, APP-SERVER, TVS or a number; `hash` (or
    /// `hash=sha1`) makes a record holding the certificate's SHA-1 (CERTHASH,
    /// as CUCM's TVS and CAPF entries) instead of the certificate. The options
    /// are peeled off the end, in any order, so CERT may itself contain commas.
    pub fn parse(arg: &str) -> Result<Self, String> {
        let (role_text, mut rest) = arg
            .split_once(':')
            .ok_or_else(|| format!("{arg:?}: expected ROLE:CERT (e.g. CCM+TFTP:cucm.pem)"))?;
        let role = Role::from_name(role_text).ok_or_else(|| {
            format!(
                "{arg:?}: unknown role {role_text:?} (SAST, CCM, CCM+TFTP, TFTP, CAPF, APP-SERVER, TVS or a number 0-65535)"
            )
        })?;
        let (mut dns_name, mut ip, mut hash_only) = (None, None, false);
        let twice = |what: &str| format!("{arg:?}: {what} given twice");
        while let Some((head, opt)) = rest.rsplit_once(',') {
            if let Some(v) = opt.strip_prefix("dns=") {
                if dns_name.is_some() {
                    return Err(twice("dns="));
                }
                dns_name = Some(v.to_owned());
            } else if let Some(v) = opt.strip_prefix("ip=") {
                if ip.is_some() {
                    return Err(twice("ip="));
                }
                ip = Some(
                    v.parse::<Ipv4Addr>()
                        .map_err(|_| format!("{arg:?}: {v:?} is not an IPv4 address"))?,
                );
            } else if opt == "hash" || opt.strip_prefix("hash=").is_some() {
                if hash_only {
                    return Err(twice("hash"));
                }
                match opt.strip_prefix("hash=") {
                    None => {}
                    Some(v) if v.eq_ignore_ascii_case("sha1") => {}
                    Some(v) => {
                        return Err(format!(
                            "{arg:?}: hash={v}: a CERTHASH is the certificate's SHA-1; give hash or hash=sha1"
                        ));
                    }
                }
                hash_only = true;
            } else if let Some((key, _)) = opt.split_once('=')
                && !key.is_empty()
                && key
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                && !Path::new(rest).exists()
            {
                // `NAME=VALUE` after a comma is an option, unless the whole
                // text names an existing file.
                return Err(format!(
                    "{arg:?}: unknown option {key:?} (options: {RECORD_OPTIONS})"
                ));
            } else {
                break;
            }
            rest = head;
        }
        if rest.is_empty() {
            return Err(format!("{arg:?}: no certificate file after {role_text}:"));
        }
        Ok(Self {
            role,
            cert: PathBuf::from(rest),
            dns_name,
            ip,
            hash_only,
        })
    }
}

/// The command line with the older spelling of a hash-only record,
/// `--hash-only ROLE:CERT` (or `--hash-only=ROLE:CERT`), rewritten as
/// `--record ROLE:CERT,hash`, after the `build` subcommand only. One option
/// for every record keeps the records in command-line order without reading
/// clap's argument indices.
pub fn legacy_hash_only<I: IntoIterator<Item = OsString>>(args: I) -> Vec<OsString> {
    let mut out = Vec::new();
    let mut in_build = false;
    let mut args = args.into_iter();
    while let Some(a) = args.next() {
        if !in_build {
            // The first `build` word is the subcommand: no global option
            // takes a value of that spelling.
            in_build = a == "build" && !out.is_empty();
            out.push(a);
            continue;
        }
        if a == "--" {
            out.push(a);
            out.extend(args);
            break;
        }
        if a == "--hash-only" {
            out.push(OsString::from("--record"));
            if let Some(mut v) = args.next() {
                v.push(",hash");
                out.push(v);
            }
        } else if let Some(v) = a.to_str().and_then(|s| s.strip_prefix("--hash-only=")) {
            out.push(OsString::from(format!("--record={v},hash")));
        } else {
            out.push(a);
        }
    }
    out
}

/// Everything `itltool build` needs.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// Output file.
    pub output: PathBuf,
    /// Signer certificate (PEM or DER).
    pub signer: PathBuf,
    /// Signer private key (PKCS#1 or PKCS#8 PEM, or DER).
    pub key: PathBuf,
    /// File signature digest.
    pub digest: DigestAlgorithm,
    /// FILENAME element; by default the output's file name.
    pub filename: Option<String>,
    /// SIGNER VERSION (tag 28) as major, minor.
    pub signer_version: Option<(u8, u8)>,
    /// TIMESTAMP; by default now.
    pub timestamp: Option<u32>,
    /// Records in order.
    pub records: Vec<RecordArg>,
    /// Allow a signer that is not among the records.
    pub allow_external_signer: bool,
    /// Replace an existing output file.
    pub force: bool,
    /// Report as JSON (docs/JSON.md), warnings included, instead of text.
    pub json: bool,
}

/// Why `itltool build` produced nothing.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildCliError {
    /// An input file could not be read.
    Input(input::InputError),
    /// An input file is not what it should be (`FILE: certificate: …`).
    BadInput {
        /// The file.
        path: PathBuf,
        /// Why.
        error: BuildError,
    },
    /// The output would replace an input file.
    OutputIsInput(PathBuf),
    /// Building failed.
    Build(BuildError),
    /// Writing the output failed, or it exists.
    Write(FetchError),
    /// A bad argument.
    Usage(String),
    /// Writing the report line to standard output failed (the file was written).
    Stdout(std::io::Error),
}

impl fmt::Display for BuildCliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Input(e) => write!(f, "{e}"),
            Self::BadInput { path, error } => write!(f, "{}: {error}", path.display()),
            Self::OutputIsInput(p) => write!(
                f,
                "{}: is also an input; refusing to overwrite it (choose another -o)",
                p.display()
            ),
            Self::Build(e) => write!(f, "build: {e}"),
            Self::Write(e) => write!(f, "{e}"),
            Self::Usage(m) => write!(f, "{m}"),
            Self::Stdout(e) => write!(f, "standard output: {e}"),
        }
    }
}

impl std::error::Error for BuildCliError {}

/// Parses `--signer-version` (`1.1`).
pub fn parse_signer_version(s: &str) -> Result<(u8, u8), String> {
    let bad = || format!("{s:?}: expected MAJOR.MINOR with numbers 0-255, e.g. 1.1");
    let (a, b) = s.split_once('.').ok_or_else(bad)?;
    Ok((a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?))
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// A certificate from a local file, `-` or a `tftp://HOST[:PORT]/NAME` URL.
fn read_cert(path: &Path) -> Result<Vec<u8>, BuildCliError> {
    let bytes = input::read_source(path).map_err(BuildCliError::Input)?;
    load_certificate(&bytes).map_err(|error| BuildCliError::BadInput {
        path: path.to_owned(),
        error,
    })
}

/// The largest trust list phones accept (64 KiB).
const PHONE_MAX_SIZE: usize = 64 * 1024;

/// True for the names phones ask for: `ITLFile.tlv`, `CTLFile.tlv`,
/// `ITLSEP<MAC>.tlv`, `CTLSEP<MAC>.tlv` (MAC as 12 upper-case hex digits).
pub fn is_phone_file_name(name: &str) -> bool {
    if name == "ITLFile.tlv" || name == "CTLFile.tlv" {
        return true;
    }
    let mac = name
        .strip_prefix("ITLSEP")
        .or_else(|| name.strip_prefix("CTLSEP"))
        .and_then(|r| r.strip_suffix(".tlv"));
    mac.is_some_and(|m| {
        m.len() == 12
            && m.bytes()
                .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b))
    })
}

/// What `build` warns about (the file is still written): a size over what
/// phones accept, records given twice (same role, certificate and form), a
/// FILENAME that is not one phones ask for.
pub fn build_warnings(
    filename: &str,
    records: &[(RecordArg, Vec<u8>)],
    size: usize,
) -> Vec<String> {
    let mut w = Vec::new();
    if size > PHONE_MAX_SIZE {
        w.push(format!(
            "the file is {size} bytes, over the {PHONE_MAX_SIZE} bytes (64 KiB) phones accept; phones will refuse it"
        ));
    }
    for (j, (b, b_der)) in records.iter().enumerate() {
        if let Some(i) = records
            .iter()
            .take(j)
            .position(|(a, a_der)| a.role == b.role && a.hash_only == b.hash_only && a_der == b_der)
        {
            w.push(format!(
                "records {} and {} are the same ({} with the certificate of {}); one is enough",
                i + 1,
                j + 1,
                b.role.short_name(),
                b.cert.display()
            ));
        }
    }
    if !is_phone_file_name(filename) {
        w.push(format!(
            "FILENAME {filename:?} is not a name phones ask for (ITLFile.tlv, ITLSEP<MAC>.tlv, CTLFile.tlv, CTLSEP<MAC>.tlv with the MAC in upper case); give one with --filename"
        ));
    }
    w
}

/// Builds, signs and writes the file; prints one line saying what was written,
/// and `warning: …` lines on `err` for what [`build_warnings`] finds.
pub fn run(
    opts: &BuildOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), BuildCliError> {
    let inputs = std::iter::once(&opts.signer)
        .chain(std::iter::once(&opts.key))
        .chain(opts.records.iter().map(|r| &r.cert));
    for p in inputs {
        if same_file(p, &opts.output) {
            return Err(BuildCliError::OutputIsInput(opts.output.clone()));
        }
    }
    if !opts.force && opts.output.symlink_metadata().is_ok() {
        return Err(BuildCliError::Write(FetchError::Exists(
            opts.output.clone(),
        )));
    }
    if opts.records.is_empty() && !opts.allow_external_signer {
        return Err(BuildCliError::Usage(
            "no records: give --record ROLE:CERT (the signer normally as SAST)".to_owned(),
        ));
    }
    let signer = read_cert(&opts.signer)?;
    let key_bytes = input::read_private_key(&opts.key).map_err(BuildCliError::Input)?;
    let key = SigningKey::from_pem_or_der(&key_bytes).map_err(|e| BuildCliError::BadInput {
        path: opts.key.clone(),
        error: BuildError::PrivateKey(e),
    })?;
    let filename = match &opts.filename {
        Some(n) => n.clone(),
        None => opts
            .output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| {
                BuildCliError::Usage(format!(
                    "{}: not a file name; give --filename",
                    opts.output.display()
                ))
            })?,
    };
    let mut b = Builder::new(signer, key)
        .digest(opts.digest)
        .filename(&filename)
        .allow_external_signer(opts.allow_external_signer);
    if let Some((major, minor)) = opts.signer_version {
        b = b.signer_version(major, minor);
    }
    if let Some(t) = opts.timestamp {
        b = b.timestamp(t);
    }
    let mut records = Vec::with_capacity(opts.records.len());
    for r in &opts.records {
        let der = read_cert(&r.cert)?;
        b = b.record_spec(RecordSpec {
            role: r.role,
            cert_der: der.clone(),
            hash_only: r.hash_only,
            dns_name: r.dns_name.clone(),
            ip: r.ip,
        });
        records.push((r.clone(), der));
    }
    let bytes = b.build().map_err(|e| match e {
        BuildError::KeyMismatch { .. } => BuildCliError::BadInput {
            path: opts.key.clone(),
            error: e,
        },
        BuildError::Certificate {
            which: CertificateOf::Signer,
            ..
        }
        | BuildError::SignerKey(_) => BuildCliError::BadInput {
            path: opts.signer.clone(),
            error: e,
        },
        other => BuildCliError::Build(other),
    })?;
    write_new_file(&opts.output, &bytes, opts.force).map_err(BuildCliError::Write)?;
    let warnings = build_warnings(&filename, &records, bytes.len());
    if !opts.json {
        for w in &warnings {
            let _ = writeln!(err, "warning: {}: {w}", opts.output.display());
        }
    }
    // Our own output: parsed whatever its size (the limits are for files from
    // elsewhere).
    let unbounded = itl_core::Limits::DEFAULT
        .with_max_size(usize::MAX)
        .with_max_elements(usize::MAX);
    let tl = TrustList::parse_with(&bytes, unbounded).map_err(|e| {
        BuildCliError::Usage(format!(
            "internal error: the written file does not parse: {e}"
        ))
    })?;
    if opts.json {
        let fp = Fingerprints::of(&bytes);
        let doc = BuiltJson {
            schema: 1,
            output: opts.output.display().to_string(),
            filename: &filename,
            size: bytes.len(),
            records: tl.records().len(),
            digest: opts.digest.to_string(),
            signer: tl.header().signer_name(),
            md5: fp.md5,
            sha1: fp.sha1,
            warnings: &warnings,
        };
        return serde_json::to_writer_pretty(&mut *out, &doc)
            .map_err(io::Error::from)
            .and_then(|()| writeln!(out))
            .map_err(BuildCliError::Stdout);
    }
    writeln!(
        out,
        "wrote {}: {} bytes, {} records, {} signature by {}, md5 {}",
        opts.output.display(),
        bytes.len(),
        tl.records().len(),
        opts.digest,
        tl.header().signer_name().unwrap_or_default(),
        Fingerprints::of(&bytes).md5
    )
    .map_err(BuildCliError::Stdout)
}

/// `build --format json` (docs/JSON.md).
#[derive(serde::Serialize)]
struct BuiltJson<'a> {
    schema: u32,
    output: String,
    filename: &'a str,
    size: usize,
    records: usize,
    digest: String,
    signer: Option<String>,
    md5: String,
    sha1: String,
    warnings: &'a [String],
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_arguments() {
        let r = RecordArg::parse("ccm+tftp:a,b.pem,dns=cucm,ip=10.1.2.3")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.role, Role::CCM_TFTP);
        assert_eq!(r.cert, PathBuf::from("a,b.pem"));
        assert_eq!(r.dns_name.as_deref(), Some("cucm"));
        assert_eq!(r.ip, Some(Ipv4Addr::new(10, 1, 2, 3)));
        assert!(!r.hash_only);
        let r = RecordArg::parse("21:/x/c:d.pem,hash").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (r.role, r.cert, r.hash_only),
            (Role::TVS, PathBuf::from("/x/c:d.pem"), true)
        );
        // hash among the other options, in any order; hash=sha1 is the same.
        for arg in ["CAPF:c.pem,hash,dns=capf", "CAPF:c.pem,dns=capf,hash=SHA1"] {
            let r = RecordArg::parse(arg).unwrap_or_else(|e| panic!("{arg}: {e}"));
            assert_eq!(
                (r.role, r.cert, r.hash_only, r.dns_name.as_deref()),
                (Role::CAPF, PathBuf::from("c.pem"), true, Some("capf")),
                "{arg}"
            );
        }
        assert!(
            RecordArg::parse("TVS:a.pem,hash=sha256")
                .is_err_and(|e| e.contains("hash=sha256: a CERTHASH is the certificate's SHA-1"))
        );
        assert!(
            RecordArg::parse("TVS:a.pem,hash,hash").is_err_and(|e| e.contains("hash given twice"))
        );
        assert!(RecordArg::parse("TVS:a.pem,foo=bar").is_err_and(|e| {
            e.ends_with("unknown option \"foo\" (options: dns=NAME, ip=A.B.C.D, hash)")
        }));
        assert!(RecordArg::parse("BOSS:a.pem").is_err_and(|e| e.contains("unknown role")));
        assert!(RecordArg::parse("a.pem").is_err());
        assert!(RecordArg::parse("TVS:a.pem,ip=10.1").is_err_and(|e| e.contains("IPv4")));
        assert!(RecordArg::parse("TVS:").is_err());
        assert!(RecordArg::parse("TVS:,hash").is_err());
        assert_eq!(parse_signer_version("1.1"), Ok((1, 1)));
        assert!(parse_signer_version("1").is_err());
        assert!(parse_signer_version("1.300").is_err());
    }

    #[test]
    fn the_old_hash_only_spelling_becomes_a_record_option() {
        let args = |v: &[&str]| v.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            legacy_hash_only(args(&[
                "itltool",
                "--max-size",
                "9",
                "build",
                "--record",
                "SAST:a.pem",
                "--hash-only",
                "TVS:t.pem",
                "--hash-only=CAPF:c.pem,dns=x",
                "-o",
                "o.tlv",
            ])),
            args(&[
                "itltool",
                "--max-size",
                "9",
                "build",
                "--record",
                "SAST:a.pem",
                "--record",
                "TVS:t.pem,hash",
                "--record=CAPF:c.pem,dns=x,hash",
                "-o",
                "o.tlv",
            ])
        );
        // Other commands, and anything after `--`, are left alone.
        for v in [
            &["itltool", "show", "--hash-only", "x"][..],
            &["itltool", "build", "--", "--hash-only", "x"][..],
            &["build", "--hash-only", "x"][..],
        ] {
            assert_eq!(legacy_hash_only(args(v)), args(v));
        }
    }
}
