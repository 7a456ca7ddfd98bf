//! `itltool`: inspect, verify and compare Cisco ITL/CTL trust-list files.
#![forbid(unsafe_code)]

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use itl_cli::{EXIT_ERROR, EXIT_OK, input, show_json};

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
        /// Files to show.
        #[arg(required = true)]
        files: Vec<PathBuf>,
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
        } => {
            let mut code = EXIT_OK;
            let many = files.len() > 1;
            for path in files {
                let result = input::read_file(&path).and_then(|bytes| {
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
