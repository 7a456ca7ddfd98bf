//! Writes the TFTP roots of a small test cluster before and after certificate
//! regenerations, for trying `itltool phone` (README, "Before a certificate
//! regeneration"). Every file is built and signed with the library from the test
//! keys in `testvectors/own/`; nothing here is a real cluster's.
//!
//! ```sh
//! cargo run -p itl-core --example phone_cluster -- OUT
//! ```
//!
//! writes
//! - `OUT/before/`: `ITLFile.tlv` signed by the CallManager certificate
//!   (`own/keys/publisher`), TVS `own/keys/tvs`, and `SEP0011215A1AE3.cnf.xml.sgn`
//!   signed by the CallManager certificate, as CUCM 8–11 serves them;
//! - `OUT/phone/ITLSEP0011215A1AE3.tlv`: what a phone booted on `before` holds;
//! - `OUT/after-ccm/`: the same after the CallManager certificate was regenerated
//!   (`own/compare/ccm-regen`), TVS unchanged;
//! - `OUT/after-both/`: after CallManager and TVS (`own/compare/tvs-regen`) were
//!   both regenerated.
//!
//! Existing files are not overwritten: OUT must not exist.

use std::error::Error;
use std::path::{Path, PathBuf};

use itl_core::{Builder, Role, SignedFileBuilder, SigningKey, load_certificate};

const MAC: &str = "0011215A1AE3";

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testvectors/own")
}

fn cert(rel: &str) -> Result<Vec<u8>, Box<dyn Error>> {
    Ok(load_certificate(&std::fs::read(
        vectors().join(format!("{rel}.crt")),
    )?)?)
}

fn key(rel: &str) -> Result<itl_core::SigningKey, Box<dyn Error>> {
    Ok(SigningKey::from_pem_or_der(&std::fs::read(
        vectors().join(format!("{rel}.key")),
    )?)?)
}

/// The files of a CUCM 8–11 cluster whose CallManager certificate is `ccm` and
/// TVS certificate `tvs`, written at `time`.
fn cluster(dir: &Path, ccm: &str, tvs: &str, time: u32) -> Result<Vec<u8>, Box<dyn Error>> {
    let itl = Builder::new(cert(ccm)?, key(ccm)?)
        .timestamp(time)
        .filename("ITLFile.tlv")
        .record(Role::SAST, cert(ccm)?)
        .record(Role::CCM_TFTP, cert(ccm)?)
        .hash_only_record(Role::TVS, cert(tvs)?)
        .hash_only_record(Role::CAPF, cert("keys/capf")?)
        .build()?;
    let name = format!("SEP{MAC}.cnf.xml.sgn");
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<device><deviceProtocol>SIP</deviceProtocol><name>SEP{MAC}</name></device>\n"
    );
    let config = SignedFileBuilder::new(cert(ccm)?, key(ccm)?, &name)
        .timestamp(time)
        .build(xml.as_bytes())?;
    std::fs::create_dir_all(dir)?;
    write_new(&dir.join("ITLFile.tlv"), &itl)?;
    write_new(&dir.join(name), &config)?;
    Ok(itl)
}

fn write_new(path: &Path, bytes: &[u8]) -> Result<(), Box<dyn Error>> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    f.write_all(bytes)?;
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let Some(out) = std::env::args_os().nth(1).map(PathBuf::from) else {
        return Err("usage: phone_cluster OUT (a directory that does not exist yet)".into());
    };
    if out.exists() {
        return Err(format!("{}: exists; give a new directory", out.display()).into());
    }
    let before = cluster(
        &out.join("before"),
        "keys/publisher",
        "keys/tvs",
        1_341_100_800,
    )?;
    std::fs::create_dir_all(out.join("phone"))?;
    write_new(&out.join(format!("phone/ITLSEP{MAC}.tlv")), &before)?;
    cluster(
        &out.join("after-ccm"),
        "compare/ccm-regen",
        "keys/tvs",
        1_341_187_200,
    )?;
    cluster(
        &out.join("after-both"),
        "compare/ccm-regen",
        "compare/tvs-regen",
        1_341_187_200,
    )?;
    println!(
        "wrote {}/{{before,after-ccm,after-both,phone}}",
        out.display()
    );
    Ok(())
}
