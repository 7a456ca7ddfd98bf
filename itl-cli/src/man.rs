//! `itltool man -o DIR`: one manual page per command, written like every other
//! output file (atomically, never over an existing page without `--force`).

use std::io::Write;
use std::path::Path;

use crate::fetch::{FetchError, write_new_file};

/// The pages of `cmd` and of each of its subcommands, as (file name, roff).
pub fn pages(cmd: clap::Command) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    fn collect(cmd: clap::Command, out: &mut Vec<(String, Vec<u8>)>) -> std::io::Result<()> {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned() {
            collect(sub, out)?;
        }
        let man = clap_mangen::Man::new(cmd);
        let mut roff = Vec::new();
        man.render(&mut roff)?;
        out.push((man.get_filename(), roff));
        Ok(())
    }
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    let mut out = Vec::new();
    collect(cmd, &mut out)?;
    out.sort();
    Ok(out)
}

/// Writes every page of `cmd` to `dir` (created if missing) and names each on
/// `out`. Without `force`, nothing is written if any page exists.
pub fn write_pages(
    cmd: clap::Command,
    dir: &Path,
    force: bool,
    out: &mut dyn Write,
) -> Result<(), FetchError> {
    let pages = pages(cmd).map_err(|source| FetchError::Write {
        path: dir.to_owned(),
        source,
    })?;
    if !force
        && let Some((name, _)) = pages
            .iter()
            .find(|(name, _)| dir.join(name).symlink_metadata().is_ok())
    {
        return Err(FetchError::Exists(dir.join(name)));
    }
    std::fs::create_dir_all(dir).map_err(|source| FetchError::Write {
        path: dir.to_owned(),
        source,
    })?;
    for (name, roff) in &pages {
        let path = dir.join(name);
        write_new_file(&path, roff, force)?;
        writeln!(out, "wrote {}", path.display()).map_err(FetchError::Stdout)?;
    }
    Ok(())
}
