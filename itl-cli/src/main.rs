//! `itltool`: inspect, verify and compare Cisco ITL/CTL trust-list files.
#![forbid(unsafe_code)]

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use itl_cli::{EXIT_ERROR, EXIT_OK, fetch, input, show_json};

/// Inspect, verify and compare Cisco ITL/CTL trust-list files.
#[derive(Parser)]
#[command(name = "itltool", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Show what is in one or more ITL/CTL files.
    Show {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ShowFormat::Json)]
        format: ShowFormat,
        /// Files to show (local paths or tftp://HOST[:PORT]/NAME).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Walk directories among FILES for *.tlv files (JSON lines, in parallel).
        #[arg(short, long)]
        recursive: bool,
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
transfer ended short, file exists, bad arguments).")]
    Fetch {
        /// tftp://HOST[:PORT]/NAME; with --mac, the server as HOST[:PORT].
        target: String,
        /// Fetch what the phone with this MAC address fetches
        /// (12 hex digits; separators : - . allowed).
        #[arg(long)]
        mac: Option<String>,
        /// Save as FILE (`-` writes the bytes to standard output).
        #[arg(short, long, value_name = "FILE", conflicts_with = "mac")]
        output: Option<PathBuf>,
        /// With --mac: save found files in DIR [default: current directory].
        #[arg(long, value_name = "DIR", requires = "mac")]
        dir: Option<PathBuf>,
        /// Replace existing files.
        #[arg(long)]
        force: bool,
        /// Give up when the server is silent this many seconds.
        #[arg(long, value_name = "SECONDS", default_value = "5", value_parser = fetch::parse_timeout)]
        timeout: Duration,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ShowFormat {
    /// The parsed structure as JSON (docs/JSON.md).
    Json,
}

/// Runs the command; returns the exit code.
fn run(cli: Cli, out: &mut dyn Write) -> io::Result<i32> {
    match cli.command {
        Command::Show {
            format: ShowFormat::Json,
            files,
            recursive,
        } if recursive || files.len() > 1 => show_json::write_many(
            &files,
            recursive,
            &show_json::trust_list_json,
            out,
            &mut io::stderr().lock(),
            io::stderr().is_terminal(),
        ),
        Command::Show {
            format: ShowFormat::Json,
            files,
            recursive: _,
        } => {
            let mut code = EXIT_OK;
            let many = files.len() > 1;
            for path in files {
                let result = input::read_source(&path).and_then(|bytes| {
                    let tl = input::parse(&path, &bytes)?;
                    Ok(show_json::trust_list_json(&path, &tl))
                });
                match result {
                    Ok(doc) => {
                        if many {
                            writeln!(out, "{doc}")?;
                        } else {
                            serde_json::to_writer_pretty(&mut *out, &doc)?;
                            writeln!(out)?;
                        }
                    }
                    Err(e) => {
                        out.flush()?;
                        eprintln!("error: {e}");
                        code = EXIT_ERROR;
                    }
                }
            }
            Ok(code)
        }
        Command::Fetch {
            target,
            mac,
            output,
            dir,
            force,
            timeout,
        } => {
            let options = fetch::FetchOptions { timeout, force };
            let result = match mac {
                Some(mac) => {
                    let dir = dir.as_deref().unwrap_or(Path::new("."));
                    fetch::fetch_phone(&target, &mac, dir, &options, out)
                }
                None => fetch::fetch_url(&target, output.as_deref(), &options, out),
            };
            match result {
                Ok(code) => Ok(code),
                Err(fetch::FetchError::Stdout(e)) => Err(e),
                Err(e) => {
                    out.flush()?;
                    eprintln!("error: {e}");
                    Ok(EXIT_ERROR)
                }
            }
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = run(cli, &mut out).and_then(|code| out.flush().map(|()| code));
    match result {
        Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(2)),
        // A closed pipe (`itltool show … | head`) is not an error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
