//! Many files at once: expand `-r` directories, work on the files in parallel on
//! every core (rayon), write each file's result in input order, and count totals.
//!
//! Results are written a window of [`WINDOW`] files at a time: the files of one
//! window are processed in parallel, then their results are written in order
//! before the next window starts. Memory therefore stays flat however many
//! files there are (one window of results, not the whole run), and output
//! streams: the first lines appear after the first window, not at the end.
//!
//! A progress bar is drawn on standard error when it is a terminal and the run
//! has taken over a second; never when standard error is redirected.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::input::InputError;
use crate::{EXIT_ERROR, EXIT_FAIL, EXIT_OK};

/// Files processed in parallel before their results are written.
pub const WINDOW: usize = 256;

/// Files one worker takes at a time; their output goes into one buffer.
const CHUNK: usize = 16;

/// How long a run goes before a progress bar appears.
const PROGRESS_AFTER: Duration = Duration::from_secs(1);

/// How one file turned out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Read, parsed, and (for `verify`) valid.
    Ok,
    /// Read and parsed, but a check failed (for `verify`: the signature).
    Fail,
    /// Unreadable or malformed.
    Error,
}

/// The result of one file: what to print, and how it turned out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Whole lines for standard output (may be empty).
    pub out: String,
    /// Whole lines for standard error (may be empty).
    pub err: String,
    /// How the file turned out.
    pub status: Status,
}

impl Outcome {
    /// A file with a result on standard output.
    pub fn ok(out: String) -> Self {
        Self {
            out,
            err: String::new(),
            status: Status::Ok,
        }
    }

    /// A file that could not be read or parsed: `error: …` on standard error.
    pub fn error(e: &dyn std::fmt::Display) -> Self {
        Self {
            out: String::new(),
            err: format!("error: {e}\n"),
            status: Status::Error,
        }
    }
}

/// Counts of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Files processed.
    pub files: usize,
    /// Files with [`Status::Ok`].
    pub ok: usize,
    /// Files with [`Status::Fail`].
    pub fail: usize,
    /// Files with [`Status::Error`].
    pub error: usize,
}

/// Writes `error: WHAT` to a file's error lines; the file's status is then
/// [`Status::Error`].
pub fn error_line(err: &mut Vec<u8>, what: &dyn std::fmt::Display) -> Status {
    // Writing to a Vec does not fail.
    let _ = writeln!(err, "error: {what}");
    Status::Error
}

/// One file of a bulk run: `input` (a path, or the error met when listing it) is
/// read into this worker thread's buffer, reused from file to file
/// ([`crate::input::read_source_into`]), and handed to `f` with the file's error
/// lines. A listing or read error becomes an `error: …` line instead.
pub fn with_bytes(
    input: Result<&Path, &InputError>,
    err: &mut Vec<u8>,
    f: impl FnOnce(&Path, &[u8], &mut Vec<u8>) -> Status,
) -> Status {
    thread_local! {
        static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let path = match input {
        Ok(p) => p,
        Err(e) => return error_line(err, e),
    };
    BUF.with(|buf| {
        let Ok(mut bytes) = buf.try_borrow_mut() else {
            return error_line(err, &"internal error: read buffer in use");
        };
        if let Err(e) = crate::input::read_source_into(path, &mut bytes) {
            return error_line(err, &e);
        }
        f(path, &bytes, err)
    })
}

/// Writes the last line of a bulk run's JSON lines, `{"totals":{NAME:N,…}}`,
/// with the counts named and ordered as `fields` gives them (each command names
/// its own: docs/JSON.md).
pub fn write_totals_line(out: &mut dyn Write, fields: &[(&str, usize)]) -> io::Result<()> {
    use serde::ser::{Serialize, SerializeMap, Serializer};
    struct Counts<'a>(&'a [(&'a str, usize)]);
    impl Serialize for Counts<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut map = s.serialize_map(Some(self.0.len()))?;
            for (name, n) in self.0 {
                map.serialize_entry(name, n)?;
            }
            map.end()
        }
    }
    #[derive(serde::Serialize)]
    struct Line<'a> {
        totals: Counts<'a>,
    }
    serde_json::to_writer(
        &mut *out,
        &Line {
            totals: Counts(fields),
        },
    )?;
    writeln!(out)
}

impl Totals {
    fn add(&mut self, status: Status) {
        self.files += 1;
        match status {
            Status::Ok => self.ok += 1,
            Status::Fail => self.fail += 1,
            Status::Error => self.error += 1,
        }
    }

    /// The exit code: 2 if any file was unreadable or malformed, else 1 if any
    /// check failed, else 0.
    pub fn exit_code(&self) -> i32 {
        if self.error > 0 {
            EXIT_ERROR
        } else if self.fail > 0 {
            EXIT_FAIL
        } else {
            EXIT_OK
        }
    }
}

/// The files named on the command line, with directories walked when
/// `recursive` is set: every regular file whose name ends in `.tlv` (any case;
/// [`expand_with_signed`] adds `.sgn`),
/// in name order, subdirectories included (symbolic links to directories are
/// not followed). Files named explicitly are always taken, whatever their name.
/// A directory that cannot be read is an `Err` in its place.
pub fn expand(paths: &[PathBuf], recursive: bool) -> Vec<Result<PathBuf, InputError>> {
    expand_matching(paths, recursive, is_tlv)
}

/// [`expand`] for the commands that read signed files as well as trust lists
/// (`show`, `verify`): directories give their `*.tlv` and `*.sgn` files
/// (`.enc.sgn` included), any case.
pub fn expand_with_signed(paths: &[PathBuf], recursive: bool) -> Vec<Result<PathBuf, InputError>> {
    expand_matching(paths, recursive, |p| {
        is_tlv(p) || p.extension().is_some_and(|x| x.eq_ignore_ascii_case("sgn"))
    })
}

fn expand_matching(
    paths: &[PathBuf],
    recursive: bool,
    wanted: fn(&Path) -> bool,
) -> Vec<Result<PathBuf, InputError>> {
    let mut out = Vec::with_capacity(paths.len());
    for p in paths {
        if recursive && std::fs::metadata(p).is_ok_and(|m| m.is_dir()) {
            walk(p, wanted, &mut out);
        } else {
            out.push(Ok(p.clone()));
        }
    }
    out
}

fn walk(dir: &Path, wanted: fn(&Path) -> bool, out: &mut Vec<Result<PathBuf, InputError>>) {
    let io_error = |path: &Path, source| InputError::Io {
        path: path.to_owned(),
        source,
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(rd) => rd.collect::<Result<Vec<_>, _>>(),
        Err(e) => Err(e),
    };
    let mut entries = match entries {
        Ok(e) => e,
        Err(e) => {
            out.push(Err(io_error(dir, e)));
            return;
        }
    };
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            walk(&path, wanted, out);
        } else if wanted(&path)
            && (kind.is_file()
                || kind.is_symlink() && std::fs::metadata(&path).is_ok_and(|m| m.is_file()))
        {
            out.push(Ok(path));
        }
    }
}

fn is_tlv(path: &Path) -> bool {
    path.extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("tlv"))
}

/// Runs `work` on every input in parallel and writes each outcome, in input
/// order, to `out` and `err`; returns the totals. `progress` allows a progress
/// bar on standard error (pass whether standard error is a terminal).
///
/// [`run_into`] with a closure that returns its lines as strings.
pub fn run<T, F>(
    inputs: &[T],
    work: F,
    out: &mut dyn Write,
    err: &mut dyn Write,
    progress: bool,
) -> io::Result<Totals>
where
    T: Sync,
    F: Fn(&T) -> Outcome + Sync,
{
    run_into(
        inputs,
        |input, o, e| {
            let outcome = work(input);
            o.extend_from_slice(outcome.out.as_bytes());
            e.extend_from_slice(outcome.err.as_bytes());
            outcome.status
        },
        out,
        err,
        progress,
    )
}

/// The output of [`CHUNK`] consecutive files: their lines for standard output
/// and standard error, one after the other, and where each file's end.
#[derive(Default)]
struct Batch {
    out: Vec<u8>,
    err: Vec<u8>,
    /// Per file: end of its lines in `out`, in `err`, and its status.
    files: Vec<(usize, usize, Status)>,
}

/// Runs `work` on every input in parallel; `work` appends the input's whole
/// lines for standard output and standard error to the two buffers it is given
/// and returns how the input turned out. The lines are written, in input
/// order, to `out` and `err`; returns the totals. `progress` allows a progress
/// bar on standard error (pass whether standard error is a terminal).
///
/// The inputs go in windows of [`WINDOW`]; in a window, each worker takes
/// [`CHUNK`] consecutive inputs at a time and writes their lines into one
/// buffer, so there is no allocation per input. The windows are computed by a
/// loop running on a rayon worker and handed over a channel to this thread,
/// which writes them: the workers go on with the next window while one is
/// written, and at most three windows of results exist at a time.
///
/// A write error (such as a closed pipe) stops the run and is returned.
pub fn run_into<T, F>(
    inputs: &[T],
    work: F,
    out: &mut dyn Write,
    err: &mut dyn Write,
    progress: bool,
) -> io::Result<Totals>
where
    T: Sync,
    F: Fn(&T, &mut Vec<u8>, &mut Vec<u8>) -> Status + Sync,
{
    let bar = Progress::new(inputs.len(), progress);
    let chunk = |inputs: &[T]| {
        let mut b = Batch {
            files: Vec::with_capacity(inputs.len()),
            ..Batch::default()
        };
        for input in inputs {
            let status = work(input, &mut b.out, &mut b.err);
            b.files.push((b.out.len(), b.err.len(), status));
            bar.inc();
        }
        b
    };
    if inputs.len() <= 1 {
        // One file needs no thread pool (saves starting one for `verify FILE`).
        return write_window(vec![chunk(inputs)], out, err, &bar, Totals::default());
    }
    let (tx, rx) = mpsc::sync_channel::<Vec<Batch>>(1);
    let result = std::thread::scope(|s| {
        s.spawn(|| {
            // On a worker, so each window's parallel map needs no wake-up of a
            // thread outside the pool.
            rayon::scope(|_| {
                for window in inputs.chunks(WINDOW) {
                    let batches = window.par_chunks(CHUNK).map(chunk).collect();
                    // The writer is gone after a write error: stop.
                    if tx.send(batches).is_err() {
                        break;
                    }
                }
                drop(tx);
            });
        });
        let mut totals = Totals::default();
        // `rx` is dropped on return, which stops the loop above on an error.
        for batches in rx {
            totals = write_window(batches, out, err, &bar, totals)?;
            bar.tick();
        }
        Ok(totals)
    });
    bar.finish();
    result
}

/// Like [`run_into`], for outputs that can be large (a `show --format json`
/// document of a 1 MiB file runs to megabytes): at most `2 × threads` files are
/// ahead of the one being written, so memory is bounded by a few files' output
/// whatever the number of files, instead of by [`WINDOW`] files.
///
/// Each worker thread takes the next file, waits while it is too far ahead of
/// the writer, runs `work` into its own buffers and hands them to this thread,
/// which writes them in input order as soon as the file before is written. No
/// file is ever waiting on a later one, so the run cannot stall. A write error
/// (such as a closed pipe) stops the workers and is returned.
pub fn run_streaming<T, F>(
    inputs: &[T],
    work: F,
    out: &mut dyn Write,
    err: &mut dyn Write,
    progress: bool,
) -> io::Result<Totals>
where
    T: Sync,
    F: Fn(&T, &mut Vec<u8>, &mut Vec<u8>) -> Status + Sync,
{
    use std::collections::BTreeMap;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Condvar, Mutex};

    let bar = Progress::new(inputs.len(), progress);
    let threads = rayon::current_num_threads().clamp(1, inputs.len().max(1));
    let ahead = 2 * threads;
    let next = AtomicUsize::new(0);
    // (files written, stopped): workers wait on it when too far ahead.
    let gate = (Mutex::new((0usize, false)), Condvar::new());
    let (tx, rx) = mpsc::channel::<(usize, Vec<u8>, Vec<u8>, Status)>();
    std::thread::scope(|s| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, gate, work, bar) = (&next, &gate, &work, &bar);
            s.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(input) = inputs.get(i) else { break };
                    {
                        let Ok(mut g) = gate.0.lock() else { break };
                        while i >= g.0 + ahead && !g.1 {
                            let Ok(woken) = gate.1.wait(g) else { return };
                            g = woken;
                        }
                        if g.1 {
                            break;
                        }
                    }
                    let (mut o, mut e) = (Vec::new(), Vec::new());
                    let status = work(input, &mut o, &mut e);
                    bar.inc();
                    if tx.send((i, o, e, status)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let stop = || {
            if let Ok(mut g) = gate.0.lock() {
                g.1 = true;
            }
            gate.1.notify_all();
        };
        let mut totals = Totals::default();
        let mut pending = BTreeMap::new();
        let mut written = 0;
        for (i, o, e, status) in rx.iter() {
            pending.insert(i, (o, e, status));
            while let Some((o, e, status)) = pending.remove(&written) {
                let result = out.write_all(&o).and_then(|()| {
                    if e.is_empty() {
                        return Ok(());
                    }
                    // Keep stdout and stderr lines in input order on a terminal.
                    out.flush()?;
                    bar.suspend(|| err.write_all(&e))
                });
                if let Err(error) = result {
                    stop();
                    return Err(error);
                }
                totals.add(status);
                written += 1;
                if let Ok(mut g) = gate.0.lock() {
                    g.0 = written;
                }
                gate.1.notify_all();
            }
            bar.tick();
        }
        bar.finish();
        Ok(totals)
    })
}

/// Writes one window's output in order, adding its files to `totals`.
fn write_window(
    batches: Vec<Batch>,
    out: &mut dyn Write,
    err: &mut dyn Write,
    bar: &Progress,
    mut totals: Totals,
) -> io::Result<Totals> {
    for b in batches {
        if b.err.is_empty() {
            // The common case: standard output only, in one write.
            out.write_all(&b.out)?;
            for &(_, _, status) in &b.files {
                totals.add(status);
            }
            continue;
        }
        let (mut o, mut e) = (0, 0);
        for &(o_end, e_end, status) in &b.files {
            out.write_all(b.out.get(o..o_end).unwrap_or_default())?;
            if e_end > e {
                // Keep stdout and stderr lines in input order on a terminal.
                out.flush()?;
                bar.suspend(|| err.write_all(b.err.get(e..e_end).unwrap_or_default()))?;
            }
            (o, e) = (o_end, e_end);
            totals.add(status);
        }
    }
    Ok(totals)
}

/// A progress bar that shows itself once the run has lasted [`PROGRESS_AFTER`].
struct Progress {
    bar: ProgressBar,
    allowed: bool,
    start: Instant,
}

impl Progress {
    fn new(len: usize, allowed: bool) -> Self {
        let bar = ProgressBar::hidden();
        bar.set_length(len as u64);
        if let Ok(style) = ProgressStyle::with_template(
            "{pos}/{len} files [{bar:30}] {elapsed} elapsed, ETA {eta}",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        Self {
            bar,
            allowed,
            start: Instant::now(),
        }
    }

    fn inc(&self) {
        // A bar that can never be shown (standard error is not a terminal)
        // needs no count: `inc` takes the bar's lock, which every worker shares.
        if self.allowed {
            self.bar.inc(1);
        }
    }

    /// Called between windows: shows the bar once the run is slow enough.
    fn tick(&self) {
        if self.allowed && self.bar.is_hidden() && self.start.elapsed() >= PROGRESS_AFTER {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.bar.suspend(f)
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn order_is_input_order_and_totals_add_up() {
        // More than one window, with uneven work so that later inputs often finish
        // before earlier ones.
        let inputs: Vec<usize> = (0..WINDOW * 3 + 17).collect();
        let work = |&i: &usize| {
            std::thread::sleep(Duration::from_micros(((i * 7919) % 13) as u64 * 10));
            match i % 10 {
                3 => Outcome::error(&format!("file {i}")),
                7 => Outcome {
                    out: format!("{i} invalid\n"),
                    err: String::new(),
                    status: Status::Fail,
                },
                _ => Outcome::ok(format!("{i}\n")),
            }
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let totals = run(&inputs, work, &mut out, &mut err, false).unwrap();
        let out = String::from_utf8(out).unwrap();
        let expected: String = inputs
            .iter()
            .filter(|i| *i % 10 != 3)
            .map(|i| {
                if i % 10 == 7 {
                    format!("{i} invalid\n")
                } else {
                    format!("{i}\n")
                }
            })
            .collect();
        assert_eq!(out, expected);
        let err = String::from_utf8(err).unwrap();
        let expected_err: String = inputs
            .iter()
            .filter(|i| *i % 10 == 3)
            .map(|i| format!("error: file {i}\n"))
            .collect();
        assert_eq!(err, expected_err);
        let n = inputs.len();
        let errors = inputs.iter().filter(|i| *i % 10 == 3).count();
        let fails = inputs.iter().filter(|i| *i % 10 == 7).count();
        assert_eq!(
            totals,
            Totals {
                files: n,
                ok: n - errors - fails,
                fail: fails,
                error: errors
            }
        );
        assert_eq!(totals.exit_code(), EXIT_ERROR);
    }

    #[test]
    fn streaming_keeps_input_order_and_stops_on_a_write_error() {
        let inputs: Vec<usize> = (0..500).collect();
        let work = |&i: &usize, o: &mut Vec<u8>, e: &mut Vec<u8>| {
            std::thread::sleep(Duration::from_micros(((i * 7919) % 13) as u64 * 10));
            if i % 10 == 3 {
                writeln!(e, "error: file {i}").unwrap();
                Status::Error
            } else {
                writeln!(o, "{i}").unwrap();
                Status::Ok
            }
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let totals = run_streaming(&inputs, work, &mut out, &mut err, false).unwrap();
        let want: String = inputs
            .iter()
            .filter(|i| *i % 10 != 3)
            .map(|i| format!("{i}\n"))
            .collect();
        assert_eq!(String::from_utf8(out).unwrap(), want);
        let want_err: String = inputs
            .iter()
            .filter(|i| *i % 10 == 3)
            .map(|i| format!("error: file {i}\n"))
            .collect();
        assert_eq!(String::from_utf8(err).unwrap(), want_err);
        assert_eq!((totals.files, totals.ok, totals.error), (500, 450, 50));

        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let done = std::sync::atomic::AtomicUsize::new(0);
        let e = run_streaming(
            &inputs,
            |i, o, _| {
                done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                writeln!(o, "{i}").unwrap();
                Status::Ok
            },
            &mut Closed,
            &mut io::sink(),
            false,
        )
        .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::BrokenPipe);
        // The workers stopped: no more than the files allowed ahead were done.
        let n = done.load(std::sync::atomic::Ordering::Relaxed);
        assert!(n <= 1 + 3 * rayon::current_num_threads(), "{n} files done");
    }

    #[test]
    fn exit_codes() {
        let t = |ok, fail, error| Totals {
            files: ok + fail + error,
            ok,
            fail,
            error,
        };
        assert_eq!(t(5, 0, 0).exit_code(), EXIT_OK);
        assert_eq!(t(0, 0, 0).exit_code(), EXIT_OK);
        assert_eq!(t(5, 1, 0).exit_code(), EXIT_FAIL);
        assert_eq!(t(5, 1, 1).exit_code(), EXIT_ERROR);
        assert_eq!(t(0, 0, 1).exit_code(), EXIT_ERROR);
    }

    #[test]
    fn a_write_error_stops_the_run() {
        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let inputs: Vec<usize> = (0..10).collect();
        let e = run(
            &inputs,
            |i| Outcome::ok(format!("{i}\n")),
            &mut Closed,
            &mut io::sink(),
            false,
        )
        .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::BrokenPipe);
    }

    #[test]
    fn expand_walks_directories_sorted_tlv_only() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("b/sub")).unwrap();
        for f in [
            "c.tlv",
            "a.TLV",
            "b/z.tlv",
            "b/sub/y.tlv",
            "b/notes.txt",
            "b/x.tlv.json",
        ] {
            std::fs::write(d.join(f), b"x").unwrap();
        }
        // A link to a file is taken; a link to a directory is not followed.
        std::os::unix::fs::symlink(d.join("c.tlv"), d.join("d-link.tlv")).unwrap();
        std::os::unix::fs::symlink(d.join("b"), d.join("e-dir-link")).unwrap();
        let named = d.join("b/notes.txt");
        let got: Vec<PathBuf> = expand(&[d.to_owned(), named.clone()], true)
            .into_iter()
            .map(Result::unwrap)
            .collect();
        let want: Vec<PathBuf> = ["a.TLV", "b/sub/y.tlv", "b/z.tlv", "c.tlv", "d-link.tlv"]
            .iter()
            .map(|f| d.join(f))
            .chain([named])
            .collect();
        assert_eq!(got, want);
        // Without -r a directory stays as it is (and is refused when read).
        let got: Vec<PathBuf> = expand(&[d.to_owned()], false)
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(got, vec![d.to_owned()]);
    }

    #[test]
    fn expand_with_signed_takes_sgn_files_too() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for f in [
            "a.tlv",
            "b.cnf.xml.sgn",
            "c.cnf.xml.enc.SGN",
            "d.cnf.xml",
            "e.sgn.json",
        ] {
            std::fs::write(d.join(f), b"x").unwrap();
        }
        let names = |v: Vec<Result<PathBuf, InputError>>| -> Vec<String> {
            v.into_iter()
                .map(|p| p.unwrap().strip_prefix(d).unwrap().display().to_string())
                .collect()
        };
        assert_eq!(
            names(expand_with_signed(&[d.to_owned()], true)),
            ["a.tlv", "b.cnf.xml.sgn", "c.cnf.xml.enc.SGN"]
        );
        assert_eq!(names(expand(&[d.to_owned()], true)), ["a.tlv"]);
    }
}
