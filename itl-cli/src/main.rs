//! `itltool`: inspect, verify and compare Cisco ITL/CTL trust-list files.
#![forbid(unsafe_code)]

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use itl_cli::error::CliError;
use itl_cli::{
    EXIT_ERROR, EXIT_FAIL, EXIT_OK, audit, build, bulk, certs, compare, fetch, hash, input, phone,
    verify, words,
};

/// `itltool --version`: the version and the RSA backend built in
/// (`itltool 0.1.0 (RSA signatures: aws-lc-rs)`).
fn version() -> &'static str {
    static VERSION: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        format!(
            "{} (RSA signatures: {})",
            env!("CARGO_PKG_VERSION"),
            itl_core::RSA_BACKEND
        )
    });
    VERSION.as_str()
}

/// Inspect, verify and compare Cisco ITL/CTL trust-list files.
#[derive(Parser)]
#[command(name = "itltool", version = version(), about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Refuse input files over this many bytes [default: 1048576, 1 MiB; phones
    /// refuse trust lists over 64 KiB].
    #[arg(long, global = true, value_name = "BYTES")]
    max_size: Option<usize>,
    /// Refuse input files with more than this many elements [default: 8192].
    #[arg(long, global = true, value_name = "N")]
    max_elements: Option<usize>,
}

// `defer`: a subcommand's arguments are built only when it is the one invoked
// (or for help, completions and manual pages), which saves about 0.25 ms, a
// sixth, of `itltool show FILE` (docs/PERFORMANCE.md, issue 14). Help and
// manual pages are unchanged; completion scripts list a subcommand's global
// options (--max-size, --max-elements) before its own instead of after them.
#[derive(Subcommand)]
#[command(defer = true)]
enum Command {
    /// Show what is in one or more ITL/CTL files or signed files (.sgn, .enc.sgn).
    ///
    /// The kind is decided by content (header, FILENAME), not by the name given.
    /// For a signed file: FILENAME, signer, digest, time stamp, whole-file MD5 and
    /// SHA-1, the payload's offset, length and SHA-1, the encryption fields of an
    /// .enc.sgn, and with --trust whether a phone holding those files accepts it.
    #[command(
        after_help = "Exit status: 0 every file shown and valid; 1 a file's signature \
or a record check fails (listed under Failures); 2 a file unreadable or malformed, or bad \
arguments.

Examples:
  itltool show ITLFile.tlv
  itltool show --format cucm tftp://10.1.1.10/CTLFile.tlv
  itltool show --format json -r /srv/tftp > trust-lists.jsonl"
    )]
    Show {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
        format: ShowFormat,
        /// Files to show (local paths or tftp://HOST[:PORT]/NAME).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// For signed files: the phone's ITL/CTL (or a certificate) to check the
        /// signer against; may be repeated.
        #[arg(long, value_name = "TLV_OR_CERT")]
        trust: Vec<PathBuf>,
        /// Walk directories among FILES for *.tlv and *.sgn files. With --format json and
        /// more than one file: one JSON object per line (files read in parallel),
        /// then {"totals": …}.
        #[arg(short, long)]
        recursive: bool,
        /// On a terminal, do not fit the text to its width (nothing is cut or
        /// wrapped, as when the output goes to a pipe or a file).
        #[arg(long)]
        wide: bool,
    },
    /// Compare the phone's trust list with the server's: identical, and if not,
    /// will the phone accept the server's file?
    ///
    /// PHONE is the phone's ITL (or CTL); instead of it, --phone-md5 / --phone-sha1
    /// take the hash the phone shows under Settings > Security > Trust List, which
    /// can only tell identical from different.
    #[command(
        override_usage = "itltool compare [OPTIONS] PHONE SERVER\n       \
itltool compare [OPTIONS] --phone-md5 HEX SERVER\n       \
itltool compare [OPTIONS] --phone-sha1 HEX SERVER",
        after_help = "Verdicts: identical, accepted-signer, accepted-tvs, rejected, \
different (hashes only).\nExit status: 0 identical or accepted; 1 rejected or different; \
2 error (unreadable or malformed file, bad hash, bad arguments, an ITL compared with a CTL \
or a --phone-ctl that is not a CTL, without --allow-kind-mismatch).

Examples:
  itltool compare ITLSEP0011215A1AE3.tlv ITLFile.tlv
  itltool compare --phone-md5 53be72b43da047242b8e407d63851d48 tftp://10.1.1.10/ITLFile.tlv
  itltool compare --format json --phone-model 8845 phone-ITL.tlv new-ITLFile.tlv"
    )]
    Compare {
        /// The phone's ITL/CTL (local path or tftp://HOST[:PORT]/NAME); with
        /// --phone-md5/--phone-sha1, the server's file instead (and no SERVER).
        #[arg(value_name = "PHONE")]
        phone: PathBuf,
        /// The server's ITL/CTL (local path or tftp://HOST[:PORT]/NAME).
        #[arg(value_name = "SERVER")]
        server: Option<PathBuf>,
        /// The MD5 the phone shows (any case; `:` and spaces allowed).
        #[arg(long, value_name = "HEX")]
        phone_md5: Option<String>,
        /// The SHA-1 the phone shows (any case; `:` and spaces allowed).
        #[arg(long, value_name = "HEX")]
        phone_sha1: Option<String>,
        /// The phone's CTL, which adds its entries to what the phone trusts.
        #[arg(long, value_name = "FILE")]
        phone_ctl: Option<PathBuf>,
        /// The phone's model (7962, CP-8845, 9971, ...): remedies then give that
        /// family's menu path only (without it, every family's).
        #[arg(long, value_name = "MODEL", value_parser = parse_phone_model)]
        phone_model: Option<words::PhoneFamily>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// On a terminal, do not wrap the text to its width.
        #[arg(long)]
        wide: bool,
        /// Compare even an ITL with a CTL, or use a --phone-ctl that is not a
        /// CTL (refused by default: the verdict would be meaningless).
        #[arg(long)]
        allow_kind_mismatch: bool,
    },
    /// Replay a phone's boot: which files it asks for, in order, and whether it
    /// trusts each one, before you change anything on the cluster.
    ///
    /// The phone asks for CTLSEP<MAC>.tlv (else CTLFile.tlv), ITLSEP<MAC>.tlv
    /// (else ITLFile.tlv), then SEP<MAC>.cnf.xml.enc.sgn, SEP<MAC>.cnf.xml.sgn,
    /// SEP<MAC>.cnf.xml (else XMLDefault.cnf.xml.sgn, XMLDefault.cnf.xml). Each
    /// trust list it accepts replaces what it trusts before the next file. Without
    /// --itl/--ctl the phone is in its factory state (it trusts the first trust
    /// list it gets).
    #[command(after_help = "Decisions: first-use, trusted-signer, trusted-tvs, \
unchanged, rejected, not-found, unsigned.\nExit status: 0 trusted (the phone ends \
on a configuration it accepts); 1 broken (the first failing file, the reason and \
what can be done are printed); 2 error (bad MAC, unreadable directory or phone \
file, unreachable TFTP server, bad arguments).\n\nExamples:\n  itltool phone --mac \
SEP0011215A1AE3 --dir tftp-root --itl ITLSEP0011215A1AE3.tlv\n  itltool phone \
--mac 00:11:21:5a:1a:e3 --tftp tftp://10.1.1.10 --format json")]
    Phone {
        /// The phone's MAC address (12 hex digits; SEP prefix, any case and the
        /// separators : - . allowed).
        #[arg(long)]
        mac: String,
        /// Read the cluster's files from this TFTP server.
        #[arg(
            long,
            value_name = "tftp://HOST[:PORT]",
            required_unless_present = "dir",
            conflicts_with = "dir"
        )]
        tftp: Option<String>,
        /// Read the cluster's files from this copy of the TFTP root.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// The ITL the phone holds now (local path or tftp://HOST[:PORT]/NAME).
        #[arg(long, value_name = "FILE")]
        itl: Option<PathBuf>,
        /// The CTL the phone holds now.
        #[arg(long, value_name = "FILE")]
        ctl: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// With --tftp: give up when the server is silent this many seconds.
        #[arg(long, value_name = "SECONDS", default_value = "5", value_parser = fetch::parse_timeout)]
        timeout: Duration,
    },
    /// Audit a fleet: which trust list each phone holds, whether it is the
    /// server's, and whether the phone will accept the server's (and the next) file.
    ///
    /// PHONES.csv has a header line and one phone per line; the columns `mac`
    /// (with or without SEP; `:` `-` `.` allowed) and `hash` (the MD5 or SHA-1
    /// the phone shows; any case, `:` or spaces allowed) are required, `kind`
    /// (itl or ctl, default itl) is optional, other columns are carried through.
    /// Quoting follows RFC 4180; bad lines are reported on stderr with their
    /// line number and skipped; blank lines are skipped. Each phone's hash is
    /// matched against the *.tlv files under each --history DIR (read
    /// recursively) and the --server and --next files. Rows are sorted worst
    /// first; the summary counts phones per held file and per verdict, with what
    /// to do for each group.
    #[command(
        after_help = "Verdicts: identical, accepted-signer, accepted-tvs, rejected, \
unknown (unknown-hash, no-served-file, kind-mismatch).
Exit status: 0 no phone rejects the server's or the next file; 1 some phone does; \
2 bad input (unreadable CSV, missing mac/hash column, unreadable history \
directory or file, malformed server/next file, TFTP failure, output exists).

Examples:
  itltool audit phones.csv --history backups/ --server ITLFile.tlv
  itltool audit phones.csv --history backups/ --server tftp://10.1.1.10 --next ITL-new.tlv
  itltool audit phones.csv --history tftp-folder/ --server ITLFile.tlv --format csv -o audit.csv"
    )]
    Audit {
        /// The inventory (CSV with a header line).
        #[arg(value_name = "PHONES.csv")]
        phones: PathBuf,
        /// A directory of trust lists the cluster has served (read recursively
        /// for *.tlv); may be repeated.
        #[arg(long, value_name = "DIR", required = true)]
        history: Vec<PathBuf>,
        /// The file phones get now (one ITL and/or one CTL; local path or
        /// tftp://HOST[:PORT]/NAME), or tftp://HOST[:PORT] to fetch what each
        /// phone fetches: ITLSEP<MAC>.tlv, else ITLFile.tlv (CTLSEP/CTLFile for
        /// kind ctl).
        #[arg(long, value_name = "FILE|tftp://HOST[:PORT]")]
        server: Vec<String>,
        /// A file about to be published (one ITL and/or one CTL).
        #[arg(long, value_name = "FILE")]
        next: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = AuditFormat::Text)]
        format: AuditFormat,
        /// Write the report to OUT (atomically) instead of standard output.
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
        /// Replace OUT if it exists.
        #[arg(long)]
        force: bool,
        /// With --server tftp://…: give up when the server is silent this many seconds.
        #[arg(long, value_name = "SECONDS", default_value = "5", value_parser = fetch::parse_timeout)]
        timeout: Duration,
    },
    /// Write each embedded certificate to DIR as <index>-<function>-<CN>.pem.
    ///
    /// Records that carry only a CERTHASH are listed and skipped. Existing files
    /// are never overwritten without --force: if any target exists, nothing is
    /// written.
    #[command(
        after_help = "Exit status: 0 written (or nothing to write); 2 unreadable or \
malformed file, a target exists (without --force), or a write failed.

Examples:
  itltool certs ITLFile.tlv -o certs/
  itltool certs --der tftp://10.1.1.10/CTLFile.tlv -o ctl-certs/ --force
  itltool certs ITLFile.tlv -o certs/ && openssl x509 -in certs/1-SAST-*.pem -noout -text"
    )]
    Certs {
        /// The ITL/CTL file (local path or tftp://HOST[:PORT]/NAME).
        file: PathBuf,
        /// Directory to write to (created if missing).
        #[arg(short, long = "output", visible_alias = "out", value_name = "DIR")]
        output: PathBuf,
        /// Write DER (.der) instead of PEM (.pem).
        #[arg(long)]
        der: bool,
        /// Replace certificate files that exist.
        #[arg(long)]
        force: bool,
        /// Output format of the report.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Download trust lists from a TFTP server (such as CUCM's) in binary mode.
    ///
    /// `fetch tftp://HOST[:PORT]/NAME [-o FILE]` saves one file, by default as
    /// the last part of NAME in the current directory.
    ///
    /// `fetch --mac MAC HOST[:PORT] [--dir DIR]` asks for what that phone asks
    /// for: CTLSEP<MAC>.tlv and ITLSEP<MAC>.tlv, and for whichever is not found,
    /// CTLFile.tlv / ITLFile.tlv. It prints a table (file, found or not, size,
    /// MD5) and saves the files found in DIR.
    ///
    /// Files are written atomically and never overwritten without --force.
    /// Lost packets are sent again (RFC 1350); the transfer is given up when
    /// the server is silent for --timeout seconds.
    #[command(after_help = "Exit status: 0 saved (with --mac: an ITL was found); \
1 with --mac: no ITL found (neither ITLSEP<MAC>.tlv nor ITLFile.tlv); \
2 error (unknown host, no answer, TFTP error such as \"File not found\", \
transfer ended short, file exists, bad arguments).

Examples:
  itltool fetch tftp://10.1.1.10/ITLFile.tlv
  itltool fetch --mac SEP0011215A1AE3 10.1.1.10 --dir phone1
  itltool fetch tftp://10.1.1.10/CTLFile.tlv -o - | itltool show -")]
    Fetch {
        /// tftp://HOST[:PORT]/NAME; with --mac, the server as HOST[:PORT].
        target: String,
        /// Fetch what the phone with this MAC address fetches
        /// (12 hex digits, with or without SEP, any case; separators : - . allowed).
        #[arg(long)]
        mac: Option<String>,
        /// Save as FILE (`-` writes the bytes to standard output).
        #[arg(short, long, value_name = "FILE", conflicts_with = "mac")]
        output: Option<PathBuf>,
        /// With --mac: save found files in DIR, created if missing [default:
        /// current directory]. A file already there with the same content
        /// (CTLFile.tlv shared by two phones) is kept.
        #[arg(long, value_name = "DIR", requires = "mac")]
        dir: Option<PathBuf>,
        /// Replace existing files.
        #[arg(long)]
        force: bool,
        /// Give up when the server is silent this many seconds.
        #[arg(long, value_name = "SECONDS", default_value = "5", value_parser = fetch::parse_timeout)]
        timeout: Duration,
        /// Output format of the report.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Verify the file signature and every record's certificate.
    ///
    /// Prints one line per check (`ok`, `FAIL`) or warning (`warn`) and a summary
    /// line per file. With --trust, the file must also be signed by a key trusted
    /// from outside: a certificate, or the SAST, CCM+TFTP and TFTP entries of
    /// another ITL/CTL (the phone's current file).
    #[command(after_help = "Exit status: 0 every file valid; 1 any check failed; \
2 any file or --trust source unreadable or malformed, or bad arguments.

Examples:
  itltool verify ITLFile.tlv
  itltool verify --trust phone-ITL.tlv --trust ca-bundle.pem new-ITLFile.tlv
  itltool verify --summary -r /srv/tftp")]
    Verify {
        /// Files to verify (local paths or tftp://HOST[:PORT]/NAME).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// A certificate (PEM or DER) or ITL/CTL file whose keys are trusted;
        /// may be repeated.
        #[arg(long, value_name = "CERT_OR_TLV")]
        trust: Vec<PathBuf>,
        /// Walk directories among FILES for *.tlv files (and *.sgn files
        /// when --trust is given).
        #[arg(short, long)]
        recursive: bool,
        /// Print only the summary line of each file.
        #[arg(long)]
        summary: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print whole-file hashes in md5sum format (`md5sum -c` reads them back).
    ///
    /// Phones show the MD5 or SHA-1 of their trust list under Settings >
    /// Security > Trust List.
    #[command(after_help = "Exit status: 0 all hashed; 2 any file unreadable.

Examples:
  itltool hash ITLFile.tlv CTLFile.tlv
  itltool hash --algo sha1 tftp://10.1.1.10/ITLFile.tlv
  itltool hash -r /srv/tftp > trust-lists.md5 && md5sum -c trust-lists.md5")]
    Hash {
        /// Hash algorithm.
        #[arg(long, value_enum, default_value_t = HashArg::Md5)]
        algo: HashArg,
        /// Files to hash (local paths, tftp://HOST[:PORT]/NAME, or - for
        /// standard input).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Walk directories among FILES for *.tlv files.
        #[arg(short, long)]
        recursive: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Build and sign an ITL/CTL file from certificates.
    ///
    /// Records are written in command-line order. ROLE is SAST, CCM, CCM+TFTP,
    /// TFTP, CAPF, APP-SERVER, TVS or a number; append ,dns=NAME and/or
    /// ,ip=A.B.C.D to set the record's DNS name and IPv4 address, and ,hash for
    /// a record holding the certificate's SHA-1 instead of the certificate.
    #[command(after_help = "Exit status: 0 written; 2 refused or failed (nothing \
is written): unreadable input, key not matching the signer certificate, signer \
not among the records, file too large for its u16 lengths, output exists \
(without --force) or is an input. Warnings (the file is written): over 64 KiB, \
records given twice, a FILENAME phones never ask for.

Examples:
  itltool build -o ITLFile.tlv --signer cm.pem --key cm.key --record SAST:cm.pem \\
      --record CCM+TFTP:cm.pem,dns=cucm.example.com --record TVS:tvs.pem,hash
  itltool build -o CTLFile.tlv --digest sha256 --signer cm.pem --key cm.key \\
      --record SAST:cm.pem --record CCM+TFTP:cm.pem,ip=10.1.1.10")]
    Build(BuildArgs),
    /// Print a shell completion script.
    ///
    /// Load it in the current shell, or install it where your shell looks for
    /// completions (see README).
    #[command(after_help = "Exit status: 0 printed; 2 bad arguments.

Examples:
  source <(itltool completions bash)
  itltool completions zsh > ~/.zfunc/_itltool
  itltool completions fish > ~/.config/fish/completions/itltool.fish")]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), or write one page per command to a directory.
    #[command(
        after_help = "Exit status: 0 written; 2 a page exists (without --force) or \
cannot be written.

Examples:
  itltool man | man -l -
  itltool man -o /usr/local/share/man/man1"
    )]
    Man {
        /// Write itltool.1 and itltool-COMMAND.1 for every command to DIR
        /// (created if missing) instead of printing itltool.1.
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Replace pages that exist.
        #[arg(long)]
        force: bool,
    },
    /// Sign a file (a phone configuration, ring list, …) as a .sgn in CUCM's
    /// header layout; with --encrypt-for, encrypt it for a phone (.enc.sgn).
    ///
    /// Phones accept the file when the signer is a TFTP or CCM+TFTP entry of
    /// their ITL/CTL (CUCM signs with the TFTP node's CallManager certificate).
    #[command(after_help = "Exit status: 0 written; 2 refused or failed (nothing \
is written): unreadable input, key not matching the certificate, output exists \
(without --force) or is an input.\n\nExamples:\n  itltool sign SEP001122334455.cnf.xml \
-o SEP001122334455.cnf.xml.sgn --signer CallManager.pem --key CallManager.key\n  \
itltool sign SEP001122334455.cnf.xml -o SEP001122334455.cnf.xml.enc.sgn --signer CallManager.pem \
--key CallManager.key --encrypt-for SEP001122334455-LSC.pem")]
    Sign(SignArgs),
    /// Write the payload of a signed file (what follows its header) byte for
    /// byte. The signature is not checked: use `verify --trust`.
    #[command(after_help = "Exit status: 0 written; 2 unreadable or malformed \
input, not a signed file, output exists (without --force).

Examples:
  itltool unsign SEP001122334455.cnf.xml.sgn -o SEP001122334455.cnf.xml
  itltool unsign tftp://10.1.1.10/SEP001122334455.cnf.xml.sgn -o - | less")]
    Unsign {
        /// The signed file (local path or tftp://HOST[:PORT]/NAME).
        file: PathBuf,
        /// Output file (written atomically; `-` for standard output).
        #[arg(short, long, value_name = "OUT")]
        output: PathBuf,
        /// Replace OUT if it exists.
        #[arg(long)]
        force: bool,
        /// Output format of the report (json: on standard output, needs -o FILE).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Decrypt an encrypted configuration (.enc.sgn) with the phone's RSA
    /// private key: unwrap the AES-128 key, decrypt, drop the padding, check the
    /// plaintext hash. The signature is not checked: use `verify --trust`.
    #[command(after_help = "Exit status: 0 written; 2 unreadable or malformed \
input, not encrypted, wrong device key, hash mismatch, output exists (without --force).

Examples:
  itltool decrypt SEP001122334455.cnf.xml.enc.sgn --key SEP001122334455-LSC.key -o SEP001122334455.cnf.xml
  itltool decrypt tftp://10.1.1.10/SEP001122334455.cnf.xml.enc.sgn --key phone.key -o -")]
    Decrypt {
        /// The .enc.sgn file (local path or tftp://HOST[:PORT]/NAME).
        file: PathBuf,
        /// The phone's RSA private key (PKCS#1 or PKCS#8, PEM or DER).
        #[arg(long, value_name = "DEVICE_KEY")]
        key: PathBuf,
        /// Output file (written atomically; `-` for standard output).
        #[arg(short, long, value_name = "OUT")]
        output: PathBuf,
        /// Replace OUT if it exists.
        #[arg(long)]
        force: bool,
        /// Output format of the report (json: on standard output, needs -o FILE).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(clap::Args)]
struct SignArgs {
    /// The file to sign (local path or tftp://HOST[:PORT]/NAME).
    payload: PathBuf,
    /// Output file (written atomically; `-` for standard output).
    #[arg(short, long, value_name = "OUT")]
    output: PathBuf,
    /// The signer's certificate (PEM or DER; local path or
    /// tftp://HOST[:PORT]/NAME), e.g. the TFTP node's CallManager.pem.
    #[arg(long, value_name = "CERT")]
    signer: PathBuf,
    /// The signer's RSA private key (PKCS#1 or PKCS#8, PEM or DER; not
    /// encrypted; a local file, never fetched over TFTP).
    #[arg(long, value_name = "KEY")]
    key: PathBuf,
    /// Digest of the signature (and of the plaintext hash of an .enc.sgn).
    #[arg(long, value_enum, default_value_t = DigestArg::Sha1)]
    digest: DigestArg,
    /// The FILENAME element, the name phones ask for [default: the output's file name].
    #[arg(long, value_name = "NAME")]
    filename: Option<String>,
    /// The TIMESTAMP element, Unix time [default: now].
    #[arg(long, value_name = "UNIX_TIME")]
    timestamp: Option<u32>,
    /// Encrypt for the phone with this certificate (its LSC or MIC; local path
    /// or tftp://HOST[:PORT]/NAME): an .enc.sgn.
    #[arg(long, value_name = "DEVICE_CERT")]
    encrypt_for: Option<PathBuf>,
    /// Replace OUT if it exists.
    #[arg(long)]
    force: bool,
    /// Output format of the report (text: one line on standard error; json:
    /// on standard output, needs -o FILE).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(clap::Args)]
struct BuildArgs {
    /// Output file (written atomically).
    #[arg(short, long, value_name = "OUT")]
    output: PathBuf,
    /// The signer's certificate (PEM or DER; local path or tftp://HOST[:PORT]/NAME).
    #[arg(long, value_name = "CERT")]
    signer: PathBuf,
    /// The signer's RSA private key (PKCS#1 or PKCS#8, PEM or DER; not
    /// encrypted; a local file, never fetched over TFTP).
    #[arg(long, value_name = "KEY")]
    key: PathBuf,
    /// Digest of the file signature.
    #[arg(long, value_enum, default_value_t = DigestArg::Sha1)]
    digest: DigestArg,
    /// The FILENAME element [default: the output's file name].
    #[arg(long, value_name = "NAME")]
    filename: Option<String>,
    /// Write a SIGNER VERSION element (1.1 allows phones EC keys).
    #[arg(long, value_name = "MAJOR.MINOR", value_parser = build::parse_signer_version)]
    signer_version: Option<(u8, u8)>,
    /// The TIMESTAMP element, Unix time [default: now].
    #[arg(long, value_name = "UNIX_TIME")]
    timestamp: Option<u32>,
    /// A record, in command-line order: ROLE:CERT[,dns=NAME][,ip=A.B.C.D][,hash]
    /// (CERT a local path or tftp://HOST[:PORT]/NAME).
    /// With `hash` the record holds the certificate's SHA-1 (CERTHASH, as
    /// CUCM's TVS and CAPF entries) instead of the certificate.
    /// (`--hash-only ROLE:CERT` is still read as `--record ROLE:CERT,hash`.)
    #[arg(long, value_name = "ROLE:CERT[,OPTIONS]")]
    record: Vec<String>,
    /// Allow a signer that is not among the records.
    #[arg(long)]
    allow_external_signer: bool,
    /// Replace OUT if it exists.
    #[arg(long)]
    force: bool,
    /// Output format of the report.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Clone, Copy, ValueEnum)]
enum HashArg {
    /// MD5 (as md5sum).
    Md5,
    /// SHA-1 (as sha1sum).
    Sha1,
    /// SHA-256 (as sha256sum).
    Sha256,
}

#[derive(Clone, Copy, ValueEnum)]
enum DigestArg {
    /// SHA-1 (every CUCM file seen).
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-512.
    Sha512,
}

#[derive(Clone, Copy, ValueEnum)]
enum ShowFormat {
    /// A readable summary: file facts, signature, one row per record, warnings.
    Text,
    /// The layout of CUCM's `show itl` / `show ctl`.
    Cucm,
    /// The parsed structure as JSON (docs/JSON.md).
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum AuditFormat {
    /// A table worst first, then the summary.
    Text,
    /// JSON (docs/JSON.md).
    Json,
    /// The input's columns and the audit's (held file, status, verdicts).
    Csv,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Readable text.
    Text,
    /// JSON (docs/JSON.md).
    Json,
}

/// Prints `error: MESSAGE` on standard error. A standard error that cannot be
/// written (a closed pipe, a full disk) is ignored rather than a panic, as
/// `eprintln!` would: the exit status still tells.
fn report(e: &dyn std::fmt::Display) {
    let _ = writeln!(io::stderr(), "error: {e}");
}

/// Runs the command; how it ended becomes the exit status in one place
/// ([`itl_cli::error::finish`]).
fn run(cli: Cli, out: &mut dyn Write) -> Result<(), CliError> {
    match cli.command {
        Command::Show {
            format,
            files,
            trust,
            recursive,
            wide,
        } => CliError::from_code(show(
            format,
            &files,
            &trust,
            recursive,
            text_width(wide),
            out,
        )?),
        Command::Certs {
            file,
            output: dir,
            der,
            force,
            format,
        } => {
            let options = certs::CertsOptions {
                der,
                force,
                json: format == Format::Json,
            };
            let bytes = input::read_source(&file)?;
            let tl = input::parse(&file, &bytes)?;
            let source = file.display().to_string();
            Ok(certs::write_certs(out, &tl, &dir, &source, options)?)
        }
        Command::Compare {
            phone,
            server,
            phone_md5,
            phone_sha1,
            phone_ctl,
            phone_model,
            format,
            wide,
            allow_kind_mismatch,
        } => {
            let files: Vec<PathBuf> = std::iter::once(phone).chain(server).collect();
            let mut req =
                compare::CompareRequest::from_files(&files, phone_md5, phone_sha1, phone_ctl)?;
            req.json = format == Format::Json;
            req.color = use_color();
            req.width = text_width(wide);
            req.allow_kind_mismatch = allow_kind_mismatch;
            req.phone_family = phone_model;
            CliError::from_code(compare::run(&req, out)?)
        }
        Command::Phone {
            mac,
            tftp,
            dir,
            itl,
            ctl,
            format,
            timeout,
        } => {
            let server = match (tftp, dir) {
                (Some(url), _) => phone::Server::Tftp(url),
                (None, Some(dir)) => phone::Server::Dir(dir),
                (None, None) => phone::Server::Dir(PathBuf::from(".")),
            };
            let req = phone::PhoneRequest {
                mac,
                server,
                itl,
                ctl,
                json: format == Format::Json,
                color: use_color(),
                timeout,
            };
            CliError::from_code(phone::run(&req, out)?)
        }
        Command::Audit {
            phones,
            history,
            server,
            next,
            format,
            output,
            force,
            timeout,
        } => {
            let args = audit::AuditArgs {
                phones,
                history,
                server,
                next,
                format: match format {
                    AuditFormat::Text => audit::Format::Text,
                    AuditFormat::Json => audit::Format::Json,
                    AuditFormat::Csv => audit::Format::Csv,
                },
                output,
                force,
                timeout,
                progress: io::stderr().is_terminal(),
            };
            CliError::from_code(audit::run(&args, out, &mut io::stderr())?)
        }
        Command::Fetch {
            target,
            mac,
            output,
            dir,
            force,
            timeout,
            format,
        } => {
            let options = fetch::FetchOptions {
                timeout,
                force,
                json: format == Format::Json,
            };
            let code = match mac {
                Some(mac) => {
                    let dir = dir.as_deref().unwrap_or(Path::new("."));
                    fetch::fetch_phone(&target, &mac, dir, &options, out)?
                }
                None => fetch::fetch_url(&target, output.as_deref(), &options, out)?,
            };
            CliError::from_code(code)
        }
        Command::Verify {
            files,
            trust,
            recursive,
            summary,
            format,
        } => {
            let options = verify::Options {
                recursive,
                summary,
                progress: io::stderr().is_terminal(),
                json: format == Format::Json,
            };
            CliError::from_code(verify::run(
                &files,
                &trust,
                now(),
                options,
                out,
                &mut io::stderr(),
            )?)
        }
        Command::Hash {
            algo,
            files,
            recursive,
            format,
        } => {
            let algo = match algo {
                HashArg::Md5 => itl_core::FileHash::Md5,
                HashArg::Sha1 => itl_core::FileHash::Sha1,
                HashArg::Sha256 => itl_core::FileHash::Sha256,
            };
            let options = hash::Options {
                recursive,
                json: format == Format::Json,
            };
            CliError::from_code(hash::run(&files, algo, options, out, &mut io::stderr())?)
        }
        Command::Build(args) => run_build(args, out),
        Command::Completions { shell } => {
            // Into memory first: clap_complete panics on a write error (a closed pipe).
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "itltool", &mut script);
            out.write_all(&script)?;
            Ok(())
        }
        Command::Man { output, force } => match output {
            None => Ok(clap_mangen::Man::new(Cli::command()).render(out)?),
            Some(dir) => Ok(itl_cli::man::write_pages(Cli::command(), &dir, force, out)?),
        },
        Command::Sign(args) => {
            let opts = itl_cli::signed::SignOptions {
                payload: args.payload,
                output: args.output,
                signer: args.signer,
                key: args.key,
                digest: digest_of(args.digest),
                filename: args.filename,
                timestamp: args.timestamp,
                encrypt_for: args.encrypt_for,
                force: args.force,
                json: args.format == Format::Json,
            };
            Ok(itl_cli::signed::sign(&opts, out, &mut io::stderr())?)
        }
        Command::Unsign {
            file,
            output,
            force,
            format,
        } => Ok(itl_cli::signed::unsign(
            &file,
            &output,
            force,
            format == Format::Json,
            out,
            &mut io::stderr(),
        )?),
        Command::Decrypt {
            file,
            key,
            output,
            force,
            format,
        } => Ok(itl_cli::signed::decrypt_file(
            &file,
            &key,
            &output,
            force,
            format == Format::Json,
            out,
        )?),
    }
}

/// `--phone-model`: the family of a model such as 7962, CP-8845 or 9971.
fn parse_phone_model(model: &str) -> Result<words::PhoneFamily, String> {
    words::PhoneFamily::from_model(model).ok_or_else(|| {
        format!("no known phone family for model {model:?} (known: 79xx, 89xx/99xx, 78xx/88xx)")
    })
}

fn digest_of(d: DigestArg) -> itl_core::DigestAlgorithm {
    match d {
        DigestArg::Sha1 => itl_core::DigestAlgorithm::SHA1,
        DigestArg::Sha256 => itl_core::DigestAlgorithm::SHA256,
        DigestArg::Sha512 => itl_core::DigestAlgorithm::SHA512,
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn run_build(args: BuildArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let records = args
        .record
        .iter()
        .map(|a| build::RecordArg::parse(a))
        .collect::<Result<Vec<_>, _>>()
        .map_err(CliError::Usage)?;
    let opts = build::BuildOptions {
        output: args.output,
        signer: args.signer,
        key: args.key,
        digest: match args.digest {
            DigestArg::Sha1 => itl_core::DigestAlgorithm::SHA1,
            DigestArg::Sha256 => itl_core::DigestAlgorithm::SHA256,
            DigestArg::Sha512 => itl_core::DigestAlgorithm::SHA512,
        },
        filename: args.filename,
        signer_version: args.signer_version,
        timestamp: args.timestamp,
        records,
        allow_external_signer: args.allow_external_signer,
        force: args.force,
        json: args.format == Format::Json,
    };
    Ok(build::run(&opts, out, &mut io::stderr())?)
}

/// Whether to colour the output: stdout is a terminal and `NO_COLOR` is unset or empty.
fn use_color() -> bool {
    itl_cli::color_wanted(
        io::stdout().is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
    )
}

/// The width text output is fitted to: the terminal's, when standard output is
/// one and `--wide` is not given; otherwise none (nothing cut or wrapped).
fn text_width(wide: bool) -> Option<usize> {
    let on_terminal = !wide && io::stdout().is_terminal();
    itl_cli::fitted_width(
        on_terminal,
        on_terminal
            .then(|| console::Term::stdout().size_checked())
            .flatten()
            .map(|(_rows, cols)| usize::from(cols)),
        std::env::var("COLUMNS").ok().as_deref(),
    )
}

/// Modification time of a local file in Unix seconds (`None` for URLs).
fn mtime(path: &Path) -> Option<i64> {
    let t = std::fs::metadata(path).ok()?.modified().ok()?;
    let d = t.duration_since(std::time::UNIX_EPOCH).ok()?;
    i64::try_from(d.as_secs()).ok()
}

fn show(
    format: ShowFormat,
    files: &[PathBuf],
    trust: &[PathBuf],
    recursive: bool,
    width: Option<usize>,
    out: &mut dyn Write,
) -> Result<i32, CliError> {
    let sources = itl_cli::signed::TrustSources::load(trust)?;
    if matches!(format, ShowFormat::Json) && (recursive || files.len() > 1) {
        // JSON lines, files in parallel, then a totals line (docs/JSON.md).
        let signed_doc = |o: &mut dyn Write, path: &Path, f: &itl_core::SignedFile<'_>| {
            let verdict = itl_cli::signed::check(f, &sources);
            serde_json::to_writer(&mut *o, &itl_cli::signed::json(path, f, &verdict))?;
            writeln!(o)?;
            Ok(matches!(verdict, itl_cli::signed::Verdict::Rejected { .. }))
        };
        return Ok(itl_cli::show::write_many_json(
            files,
            recursive,
            now(),
            &signed_doc,
            out,
            &mut io::stderr(),
            io::stderr().is_terminal(),
        )?);
    }
    let mut code = EXIT_OK;
    let mut expanded = Vec::new();
    for input in bulk::expand_with_signed(files, recursive) {
        match input {
            Ok(p) => expanded.push(p),
            Err(e) => {
                report(&e);
                code = EXIT_ERROR;
            }
        }
    }
    let files = &expanded;
    let many = files.len() > 1;
    let mut text = itl_core::TextOptions::new(now());
    text.color = use_color();
    text.width = width;
    if many && !matches!(format, ShowFormat::Json) {
        // Several files as text or CUCM tables: in parallel, written in input
        // order as soon as each one's turn comes ([`bulk::run_streaming`]).
        let indexed: Vec<(usize, &PathBuf)> = files.iter().enumerate().collect();
        let work = |&(i, path): &(usize, &PathBuf), o: &mut Vec<u8>, e: &mut Vec<u8>| {
            bulk::with_bytes(Ok(path), e, |path, bytes, e| {
                let failed = match input::parse_any(path, bytes) {
                    Ok(itl_core::AnyFile::Signed(f)) => {
                        let verdict = itl_cli::signed::check(&f, &sources);
                        let separator = if i > 0 { writeln!(o) } else { Ok(()) };
                        separator.and_then(|()| match format {
                            ShowFormat::Cucm => {
                                itl_cli::signed::write_cucm(o, &f, mtime(path), &verdict)
                            }
                            _ => itl_cli::signed::write_text(o, path, &f, &verdict),
                        })
                    }
                    Ok(itl_core::AnyFile::TrustList(tl)) => {
                        let separator = if i > 0 { writeln!(o) } else { Ok(()) };
                        separator
                            .and_then(|()| match format {
                                ShowFormat::Cucm => {
                                    let mut cucm = itl_core::CucmOptions::new(text.now);
                                    cucm.modified = mtime(path);
                                    itl_core::write_show_cucm(o, &tl, &cucm)
                                }
                                _ => itl_core::write_show_text(
                                    o,
                                    &path.display().to_string(),
                                    &tl,
                                    &text,
                                ),
                            })
                            .map(|shown| shown.failures > 0)
                    }
                    Ok(_) => return bulk::Status::Ok,
                    Err(err) => return bulk::error_line(e, &err),
                };
                match failed {
                    Ok(true) => bulk::Status::Fail,
                    Ok(false) => bulk::Status::Ok,
                    Err(err) => bulk::error_line(e, &err),
                }
            })
        };
        let totals = bulk::run_streaming(
            &indexed,
            work,
            out,
            &mut io::stderr(),
            io::stderr().is_terminal(),
        )?;
        // An unreadable file (2) wins over one that does not verify (1).
        return Ok(code.max(totals.exit_code()));
    }
    for (i, path) in files.iter().enumerate() {
        let bytes = match input::read_source(path) {
            Ok(b) => b,
            Err(e) => {
                out.flush()?;
                report(&e);
                code = EXIT_ERROR;
                continue;
            }
        };
        let tl = match input::parse_any(path, &bytes) {
            Ok(itl_core::AnyFile::Signed(f)) => {
                let verdict = itl_cli::signed::check(&f, &sources);
                if i > 0 && !matches!(format, ShowFormat::Json) {
                    writeln!(out)?;
                }
                let failed = match format {
                    ShowFormat::Json => {
                        let doc = itl_cli::signed::json(path, &f, &verdict);
                        if many {
                            serde_json::to_writer(&mut *out, &doc)?;
                        } else {
                            serde_json::to_writer_pretty(&mut *out, &doc)?;
                        }
                        writeln!(out)?;
                        matches!(verdict, itl_cli::signed::Verdict::Rejected { .. })
                    }
                    ShowFormat::Text => itl_cli::signed::write_text(out, path, &f, &verdict)?,
                    ShowFormat::Cucm => {
                        itl_cli::signed::write_cucm(out, &f, mtime(path), &verdict)?
                    }
                };
                if failed && code == EXIT_OK {
                    code = EXIT_FAIL;
                }
                continue;
            }
            Ok(itl_core::AnyFile::TrustList(tl)) => tl,
            Ok(_) => continue,
            Err(e) => {
                out.flush()?;
                report(&e);
                code = EXIT_ERROR;
                continue;
            }
        };
        let name = path.display().to_string();
        let shown = match format {
            ShowFormat::Json => {
                let mut json = itl_core::JsonOptions::new(text.now);
                if many {
                    json.layout = itl_core::JsonLayout::Line;
                }
                itl_core::write_show_json(out, &name, &tl, &json)?
            }
            ShowFormat::Text => {
                if i > 0 {
                    writeln!(out)?;
                }
                itl_core::write_show_text(out, &name, &tl, &text)?
            }
            ShowFormat::Cucm => {
                if i > 0 {
                    writeln!(out)?;
                }
                let mut cucm = itl_core::CucmOptions::new(text.now);
                cucm.modified = mtime(path);
                itl_core::write_show_cucm(out, &tl, &cucm)?
            }
        };
        let failed = shown.failures > 0;
        // A file that does not verify exits 1 (an unreadable one 2 wins).
        if failed && code == EXIT_OK {
            code = EXIT_FAIL;
        }
    }
    Ok(code)
}

fn main() -> ExitCode {
    let cli = Cli::parse_from(build::legacy_hash_only(std::env::args_os()));
    let defaults = itl_core::Limits::DEFAULT;
    input::set_limits(
        defaults
            .with_max_size(cli.max_size.unwrap_or(defaults.max_size()))
            .with_max_elements(cli.max_elements.unwrap_or(defaults.max_elements())),
    );
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = run(cli, &mut out);
    // Standard output is flushed before any error is printed, so that the
    // error comes after what was written; a failed flush is the error unless
    // the command ended with one of its own.
    let result = match (result, out.flush()) {
        (Err(e), _) if e.has_message() => Err(e),
        (result, Ok(())) => result,
        (_, Err(e)) => Err(CliError::Stdout(e)),
    };
    ExitCode::from(itl_cli::error::finish(result, &mut io::stderr()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_tree_is_consistent() {
        // Builds every deferred subcommand and runs clap's own checks.
        Cli::command().debug_assert();
    }

    #[test]
    fn a_deferred_subcommand_takes_its_own_and_the_global_options() {
        let cli = Cli::try_parse_from([
            "itltool",
            "show",
            "--format",
            "json",
            "a.tlv",
            "--max-size",
            "4096",
        ])
        .expect("parses");
        assert_eq!(cli.max_size, Some(4096));
        match cli.command {
            Command::Show { format, files, .. } => {
                assert!(matches!(format, ShowFormat::Json));
                assert_eq!(files, [PathBuf::from("a.tlv")]);
            }
            _ => panic!("not show"),
        }
        let err = Cli::try_parse_from(["itltool", "show", "--bogus", "a.tlv"])
            .err()
            .expect("an unknown option is refused");
        assert_eq!(err.kind(), clap::error::ErrorKind::UnknownArgument);
    }
}
