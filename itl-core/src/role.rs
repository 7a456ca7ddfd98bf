//! FUNCTION (role) codes of records.

use std::fmt;

/// The FUNCTION of a record: which job the certificate does in the cluster.
///
/// A newtype over the `u16` code so that unknown codes survive parsing and
/// printing; the named constants are the codes CUCM is known to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Role(pub u16);

impl Role {
    /// System Administrator Security Token: file signers, USB eTokens, ITLRecovery.
    pub const SAST: Self = Self(0);
    /// CallManager.
    pub const CCM: Self = Self(1);
    /// CallManager and TFTP.
    pub const CCM_TFTP: Self = Self(2);
    /// TFTP.
    pub const TFTP: Self = Self(3);
    /// Certificate Authority Proxy Function.
    pub const CAPF: Self = Self(4);
    /// Application server.
    pub const APP_SERVER: Self = Self(7);
    /// Trust Verification Service (ITL only).
    pub const TVS: Self = Self(21);

    /// The role code as stored in the file.
    pub fn code(self) -> u16 {
        self.0
    }

    /// The text CUCM's `show itl` / `show ctl` prints for this role, if known.
    pub fn cucm_text(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "System Administrator Security Token",
            1 => "CCM",
            2 => "CCM+TFTP",
            3 => "TFTP",
            4 => "CAPF",
            7 => "APP-SERVER",
            21 => "TVS",
            _ => return None,
        })
    }

    /// A short name (`SAST`, `CCM+TFTP`, …), or the number for unknown codes.
    pub fn short_name(self) -> String {
        match self.short_str() {
            Some(t) => t.to_owned(),
            None => self.0.to_string(),
        }
    }

    /// [`Role::short_name`] of a known code, without allocating.
    pub(crate) fn short_str(self) -> Option<&'static str> {
        match self.0 {
            0 => Some("SAST"),
            _ => self.cucm_text(),
        }
    }

    /// Parses a role name as a user would type it (`SAST`, `ccm+tftp`, `TVS`,
    /// `APP-SERVER`, …) or a decimal code.
    pub fn from_name(name: &str) -> Option<Self> {
        let up = name.trim().to_ascii_uppercase();
        Some(match up.as_str() {
            "SAST" => Self::SAST,
            "CCM" => Self::CCM,
            "CCM+TFTP" | "CCM_TFTP" | "CCMTFTP" => Self::CCM_TFTP,
            "TFTP" => Self::TFTP,
            "CAPF" => Self::CAPF,
            "APP-SERVER" | "APP_SERVER" | "APPSERVER" => Self::APP_SERVER,
            "TVS" => Self::TVS,
            other => Self(other.parse().ok()?),
        })
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.short_str() {
            Some(t) => f.write_str(t),
            None => write!(f, "{}", self.0),
        }
    }
}
