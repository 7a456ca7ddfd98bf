//! Test clusters: the files a CUCM TFTP server would serve, built with the
//! library's Builder from the test keys (`testvectors/own/keys/` and
//! `testvectors/own/compare/`), so that who signs what is known by construction.
//!
//! Self-contained (it loads its own keys) so that the itl-cli tests can include
//! it with `#[path]`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use itl_core::{Builder, Role, SignedFileBuilder, SigningKey, load_certificate};

/// The CallManager certificate of the CUCM 8 replica (`own/keys/publisher`).
pub const PUBLISHER: &str = "own/keys/publisher";
/// The TVS certificate of the replica.
pub const TVS: &str = "own/keys/tvs";
/// The CAPF certificate of the replica.
pub const CAPF: &str = "own/keys/capf";
/// A regenerated CallManager certificate (same subject, new key and serial).
pub const CCM_NEW: &str = "own/compare/ccm-regen";
/// A regenerated TVS certificate.
pub const TVS_NEW: &str = "own/compare/tvs-regen";
/// An ITLRecovery certificate (CN=ITLRECOVERY_…).
pub const RECOVERY: &str = "own/compare/itlrecovery";

/// The phone used by the tests.
pub const MAC: &str = "0011215A1AE3";

/// 2012-07-01 and a day later.
pub const T1: u32 = 1_341_100_800;
/// A day after [`T1`].
pub const T2: u32 = 1_341_187_200;

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testvectors")
}

/// The DER certificate `testvectors/REL.crt`.
pub fn cert(rel: &str) -> Vec<u8> {
    let p = vectors().join(format!("{rel}.crt"));
    load_certificate(&std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))).unwrap()
}

/// The private key `testvectors/REL.key`.
pub fn key(rel: &str) -> itl_core::SigningKey {
    let p = vectors().join(format!("{rel}.key"));
    SigningKey::from_pem_or_der(
        &std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
    )
    .unwrap()
}

/// What a cluster's certificates are, and which signs the trust lists.
#[derive(Clone, Debug)]
pub struct Cluster {
    /// Signs the ITL (and the CTL): the CallManager certificate before CUCM 12,
    /// the ITLRecovery certificate from 12.
    pub signer: &'static str,
    /// The CallManager certificate (SAST and CCM+TFTP entries; signs configs).
    pub ccm: &'static str,
    /// The TVS certificate (a hash-only TVS entry).
    pub tvs: &'static str,
    /// An ITLRecovery certificate, as a second SAST entry.
    pub recovery: Option<&'static str>,
    /// Whether the cluster is in mixed mode (serves a CTL).
    pub ctl: bool,
    /// TIMESTAMP of the files.
    pub timestamp: u32,
    /// The phone's configuration `SEP<MAC>.cnf.xml…`.
    pub config: Config,
}

/// The configuration file the TFTP server has for the phone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Config {
    /// `SEP<MAC>.cnf.xml.sgn`, signed by the CallManager certificate (as CUCM does).
    Signed,
    /// `SEP<MAC>.cnf.xml.sgn`, signed by this certificate instead.
    SignedBy(&'static str),
    /// `SEP<MAC>.cnf.xml`, not signed.
    Unsigned,
    /// None.
    Missing,
}

impl Cluster {
    /// A CUCM 8–11 cluster with the replica's certificates, CallManager signing.
    pub fn cucm8() -> Self {
        Self {
            signer: PUBLISHER,
            ccm: PUBLISHER,
            tvs: TVS,
            recovery: None,
            ctl: false,
            timestamp: T1,
            config: Config::Signed,
        }
    }

    /// A CUCM 12+ cluster: ITLRecovery signs, and is a SAST entry.
    pub fn cucm12() -> Self {
        Self {
            signer: RECOVERY,
            recovery: Some(RECOVERY),
            ..Self::cucm8()
        }
    }

    /// The same cluster with a new CallManager certificate; where CallManager
    /// signed, the new one signs.
    pub fn ccm_regenerated(&self) -> Self {
        let signer = if self.signer == self.ccm {
            CCM_NEW
        } else {
            self.signer
        };
        Self {
            signer,
            ccm: CCM_NEW,
            timestamp: T2,
            ..self.clone()
        }
    }

    /// The same cluster with a new TVS certificate.
    pub fn tvs_regenerated(&self) -> Self {
        Self {
            tvs: TVS_NEW,
            timestamp: T2,
            ..self.clone()
        }
    }

    /// The ITL as CUCM writes it: SAST = signer certificate… in CUCM 8 order.
    pub fn itl(&self) -> Vec<u8> {
        let mut b = Builder::new(cert(self.signer), key(self.signer))
            .timestamp(self.timestamp)
            .filename("ITLFile.tlv")
            .record(Role::SAST, cert(self.ccm));
        if let Some(r) = self.recovery {
            b = b.record(Role::SAST, cert(r));
        }
        b.record(Role::CCM_TFTP, cert(self.ccm))
            .hash_only_record(Role::TVS, cert(self.tvs))
            .hash_only_record(Role::CAPF, cert(CAPF))
            .build()
            .unwrap()
    }

    /// A tokenless CTL: SAST and CCM+TFTP = CallManager, CAPF, and the ITLRecovery
    /// SAST entry if any.
    pub fn ctl_file(&self) -> Vec<u8> {
        let mut b = Builder::new(cert(self.signer), key(self.signer))
            .timestamp(self.timestamp)
            .filename("CTLFile.tlv")
            .record(Role::SAST, cert(self.ccm));
        if let Some(r) = self.recovery {
            b = b.record(Role::SAST, cert(r));
        }
        b.record(Role::CCM_TFTP, cert(self.ccm))
            .record(Role::CAPF, cert(CAPF))
            .build()
            .unwrap()
    }

    /// The phone's configuration as the TFTP server serves it, if any.
    pub fn config_file(&self) -> Option<(String, Vec<u8>)> {
        let signer = match self.config {
            Config::Signed => self.ccm,
            Config::SignedBy(s) => s,
            Config::Unsigned => return Some((format!("SEP{MAC}.cnf.xml"), config_xml(MAC))),
            Config::Missing => return None,
        };
        let name = format!("SEP{MAC}.cnf.xml.sgn");
        let bytes = SignedFileBuilder::new(cert(signer), key(signer), &name)
            .timestamp(self.timestamp)
            .build(&config_xml(MAC))
            .unwrap();
        Some((name, bytes))
    }

    /// Every file the TFTP server serves: trust lists and configuration.
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        let mut v = self.trust_files();
        v.extend(self.config_file());
        v
    }

    /// The trust lists the TFTP server serves: `ITLFile.tlv`, and `CTLFile.tlv` in
    /// mixed mode.
    pub fn trust_files(&self) -> Vec<(String, Vec<u8>)> {
        let mut v = vec![("ITLFile.tlv".to_owned(), self.itl())];
        if self.ctl {
            v.push(("CTLFile.tlv".to_owned(), self.ctl_file()));
        }
        v
    }
}

/// A small phone configuration.
pub fn config_xml(mac: &str) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<device><deviceProtocol>SCCP</deviceProtocol><name>SEP{mac}</name><loadInformation>SCCP41.9-4-2SR3-1S</loadInformation></device>\n"
    )
    .into_bytes()
}

/// Writes `files` into `dir` (created if needed).
pub fn write_files(dir: &Path, files: &[(String, Vec<u8>)]) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}
