//! One error type for the command line, and the one place where the way a
//! command ends becomes its exit status (README, "Exit codes"):
//!
//! | status | meaning |
//! |---|---|
//! | 0 | done: everything valid, identical or accepted (also: standard output closed early, as by `head`) |
//! | 1 | a check failed, the files differ, or a phone would reject a file ([`CliError::Failed`]) |
//! | 2 | an input unreadable or malformed, bad arguments, an output not written ([`CliError::Input`], [`CliError::Usage`], [`CliError::Output`], [`CliError::Command`], [`CliError::Stdout`], [`CliError::Reported`]) |
//!
//! Each command's own error converts into it (`From`), so `main` has one
//! arm for every command instead of one per command.

use std::fmt;
use std::io::{self, Write};

use crate::fetch::FetchError;
use crate::input::InputError;

/// Why a command stopped, or that it found a failure.
#[derive(Debug)]
#[non_exhaustive]
pub enum CliError {
    /// An input file cannot be read or is malformed. The message names the
    /// file; for a malformed one also the element and its byte offset.
    Input(InputError),
    /// Bad arguments.
    Usage(String),
    /// An output file was not written: it exists (without `--force`), it is
    /// not a regular file, or the write failed. The message names the file.
    Output(FetchError),
    /// Writing to standard output failed. A closed pipe is not an error
    /// (status 0, no message).
    Stdout(io::Error),
    /// What a command itself found wrong: a TFTP failure, a bad MAC address, a
    /// key that does not match its certificate, … The message names the file.
    Command(Box<dyn std::error::Error>),
    /// A check failed, the files differ, or a phone would reject a file: the
    /// output already says which (status 1, no message).
    Failed,
    /// Inputs were unreadable or malformed and each one was reported as it
    /// came, the others still processed (status 2, no further message).
    Reported,
}

impl CliError {
    /// The exit status this ending means.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Failed => 1,
            Self::Stdout(e) if e.kind() == io::ErrorKind::BrokenPipe => 0,
            _ => 2,
        }
    }

    /// Whether `error: MESSAGE` is printed for it (not for a failure the
    /// output shows, errors already reported, or a closed pipe).
    pub fn has_message(&self) -> bool {
        !matches!(self, Self::Failed | Self::Reported) && self.exit_code() != 0
    }

    /// The ending of a command that returns an exit status after reporting
    /// its own per-file errors (`show`, `verify`, `hash`, `compare`, …).
    pub fn from_code(code: i32) -> Result<(), Self> {
        match code {
            0 => Ok(()),
            1 => Err(Self::Failed),
            _ => Err(Self::Reported),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Input(e) => write!(f, "{e}"),
            Self::Usage(m) => write!(f, "{m}"),
            Self::Output(e) => write!(f, "{e}"),
            Self::Stdout(e) => write!(f, "standard output: {e}"),
            Self::Command(e) => write!(f, "{e}"),
            Self::Failed => write!(f, "a check failed"),
            Self::Reported => write!(f, "some inputs could not be read"),
        }
    }
}

impl std::error::Error for CliError {}

/// Ends a command: `error: MESSAGE` on `err` where there is one (a standard
/// error that cannot be written is ignored rather than a panic, as
/// `eprintln!` would be: the status still tells), and the exit status.
pub fn finish(result: Result<(), CliError>, err: &mut dyn Write) -> u8 {
    match result {
        Ok(()) => 0,
        Err(e) => {
            if e.has_message() {
                let _ = writeln!(err, "error: {e}");
            }
            e.exit_code()
        }
    }
}

impl From<io::Error> for CliError {
    /// A write to standard output (the commands' only unwrapped I/O).
    fn from(e: io::Error) -> Self {
        Self::Stdout(e)
    }
}

impl From<serde_json::Error> for CliError {
    /// JSON written to standard output.
    fn from(e: serde_json::Error) -> Self {
        Self::Stdout(e.into())
    }
}

impl From<InputError> for CliError {
    fn from(e: InputError) -> Self {
        Self::Input(e)
    }
}

impl From<FetchError> for CliError {
    fn from(e: FetchError) -> Self {
        match e {
            FetchError::Stdout(e) => Self::Stdout(e),
            e @ (FetchError::Exists(_) | FetchError::NotRegular(_) | FetchError::Write { .. }) => {
                Self::Output(e)
            }
            other => Self::Command(Box::new(other)),
        }
    }
}

impl From<crate::build::BuildCliError> for CliError {
    fn from(e: crate::build::BuildCliError) -> Self {
        use crate::build::BuildCliError as E;
        match e {
            E::Input(e) => Self::Input(e),
            E::Usage(m) => Self::Usage(m),
            E::Write(e) => Self::from(e),
            E::Stdout(e) => Self::Stdout(e),
            other => Self::Command(Box::new(other)),
        }
    }
}

impl From<crate::signed::SignedCliError> for CliError {
    fn from(e: crate::signed::SignedCliError) -> Self {
        use crate::signed::SignedCliError as E;
        match e {
            E::Input(e) => Self::Input(e),
            E::Usage(m) => Self::Usage(m),
            E::Write(e) => Self::from(e),
            other => Self::Command(Box::new(other)),
        }
    }
}

impl From<crate::certs::CertsError> for CliError {
    fn from(e: crate::certs::CertsError) -> Self {
        use crate::certs::CertsError as E;
        match e {
            E::Stdout(e) => Self::Stdout(e),
            // Its own wording: with several files, nothing was written.
            other => Self::Command(Box::new(other)),
        }
    }
}

impl From<crate::compare::CompareError> for CliError {
    fn from(e: crate::compare::CompareError) -> Self {
        use crate::compare::CompareError as E;
        match e {
            E::Io(e) => Self::Stdout(e),
            E::Input(e) => Self::Input(e),
            E::Usage(m) => Self::Usage(m),
            other => Self::Command(Box::new(other)),
        }
    }
}

impl From<crate::phone::PhoneError> for CliError {
    fn from(e: crate::phone::PhoneError) -> Self {
        use crate::phone::PhoneError as E;
        match e {
            E::Io(e) => Self::Stdout(e),
            E::Input(e) => Self::Input(e),
            other => Self::Command(Box::new(other)),
        }
    }
}

impl From<crate::audit::AuditError> for CliError {
    fn from(e: crate::audit::AuditError) -> Self {
        use crate::audit::AuditError as E;
        match e {
            E::Stdout(e) => Self::Stdout(e),
            E::Input(e) => Self::Input(e),
            E::Output(e) => Self::from(e),
            other => Self::Command(Box::new(other)),
        }
    }
}

impl From<crate::verify::TrustSourceError> for CliError {
    fn from(e: crate::verify::TrustSourceError) -> Self {
        use crate::verify::TrustSourceError as E;
        match e {
            E::Input(e) => Self::Input(e),
            other => Self::Command(Box::new(other)),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::path::PathBuf;

    use super::*;

    fn ended(result: Result<(), CliError>) -> (u8, String) {
        let mut err = Vec::new();
        let code = finish(result, &mut err);
        (code, String::from_utf8(err).unwrap())
    }

    #[test]
    fn each_ending_has_its_documented_status_and_one_message() {
        let missing = || InputError::Io {
            path: PathBuf::from("ITLFile.tlv"),
            source: io::Error::from(io::ErrorKind::NotFound),
        };
        assert_eq!(ended(Ok(())), (0, String::new()));
        assert_eq!(ended(Err(CliError::Failed)), (1, String::new()));
        assert_eq!(ended(Err(CliError::Reported)), (2, String::new()));
        assert_eq!(
            ended(Err(missing().into())),
            (2, "error: ITLFile.tlv: no such file\n".to_owned())
        );
        assert_eq!(
            ended(Err(CliError::Usage("no records".to_owned()))),
            (2, "error: no records\n".to_owned())
        );
        // Output errors name the file; through any command's error type.
        let exists = || FetchError::Exists(PathBuf::from("out.tlv"));
        let want = (
            2,
            "error: out.tlv: already exists; not overwritten (use --force to replace it)\n"
                .to_owned(),
        );
        assert_eq!(ended(Err(exists().into())), want);
        assert_eq!(
            ended(Err(crate::build::BuildCliError::Write(exists()).into())),
            want
        );
        assert_eq!(
            ended(Err(crate::signed::SignedCliError::Write(exists()).into())),
            want
        );
        // Input errors keep their type, whichever command met them.
        for e in [
            CliError::from(crate::build::BuildCliError::Input(missing())),
            CliError::from(crate::signed::SignedCliError::Input(missing())),
            CliError::from(crate::compare::CompareError::Input(missing())),
            CliError::from(crate::phone::PhoneError::Input(missing())),
            CliError::from(crate::audit::AuditError::Input(missing())),
        ] {
            assert!(matches!(e, CliError::Input(_)), "{e:?}");
        }
        // Standard output: a closed pipe is quiet and 0, anything else 2.
        let pipe = || io::Error::from(io::ErrorKind::BrokenPipe);
        for e in [
            CliError::from(pipe()),
            crate::compare::CompareError::Io(pipe()).into(),
            crate::phone::PhoneError::Io(pipe()).into(),
            crate::audit::AuditError::Stdout(pipe()).into(),
            crate::certs::CertsError::Stdout(pipe()).into(),
            crate::build::BuildCliError::Stdout(pipe()).into(),
            FetchError::Stdout(pipe()).into(),
            crate::signed::SignedCliError::Write(FetchError::Stdout(pipe())).into(),
        ] {
            assert_eq!(ended(Err(e)), (0, String::new()));
        }
        let full = io::Error::other("No space left on device");
        assert_eq!(
            ended(Err(full.into())),
            (
                2,
                "error: standard output: No space left on device\n".to_owned()
            )
        );
        assert_eq!(CliError::from_code(0).ok(), Some(()));
        assert!(matches!(CliError::from_code(1), Err(CliError::Failed)));
        assert!(matches!(CliError::from_code(2), Err(CliError::Reported)));
    }

    /// A standard error that cannot be written is no panic.
    #[test]
    fn an_unwritable_stderr_still_gives_the_status() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::other("cannot write"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        assert_eq!(finish(Err(CliError::Usage("x".to_owned())), &mut Broken), 2);
    }
}
