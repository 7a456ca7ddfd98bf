//! Tag numbers of header and record elements.
//!
//! Header and record tags share the same `u8` space but mean different things
//! (tag 5 is SERIALNUMBER in the header and ISSUERNAME in a record), so each has its
//! own newtype. Unknown tags are ordinary values: they are kept and printed as numbers.

use std::fmt;

/// A tag of an element in the file header (or inside one of its containers).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HeaderTag(pub u8);

impl HeaderTag {
    /// VERSION: two bytes, major and minor (1.2 in every CUCM file seen).
    pub const VERSION: Self = Self(1);
    /// HEADERLENGTH: u16, the offset of the first record.
    pub const HEADER_LENGTH: Self = Self(2);
    /// SIGNERINFO container (CUCM prints it as SIGNERID) holding tags 4, 5, 6.
    pub const SIGNER_INFO: Self = Self(3);
    /// SIGNERNAME: subject DN of the signing certificate.
    pub const SIGNER_NAME: Self = Self(4);
    /// SERIALNUMBER of the signing certificate (unsigned big-endian bytes).
    pub const SERIAL_NUMBER: Self = Self(5);
    /// CANAME: issuer DN of the signing certificate.
    pub const CA_NAME: Self = Self(6);
    /// SIGNATUREINFO container holding tags 8 and 9.
    pub const SIGNATURE_INFO: Self = Self(7);
    /// DIGESTALGORTITHM (sic): u8 hash code.
    pub const DIGEST_ALGORITHM: Self = Self(8);
    /// SIGNATUREALGOINFO container holding tags 10 and 11.
    pub const SIGNATURE_ALGO_INFO: Self = Self(9);
    /// SIGNATUREALGORTITHM (sic): u8, 0 = RSA.
    pub const SIGNATURE_ALGORITHM: Self = Self(10);
    /// SIGNATUREMODULUS: u8 index into 512/1024/2048/4096 bits.
    pub const SIGNATURE_MODULUS: Self = Self(11);
    /// SIGNATURE: the raw RSA PKCS#1 v1.5 file signature.
    pub const SIGNATURE: Self = Self(12);
    /// Padding: a bare `0x0D` byte without a length field.
    pub const PADDING: Self = Self(13);
    /// FILENAME, NUL-terminated.
    pub const FILENAME: Self = Self(14);
    /// TIMESTAMP: u32 big-endian Unix time.
    pub const TIMESTAMP: Self = Self(15);
    /// SIGNER VERSION: two bytes major.minor (≥ 1.1 allows EC keys).
    pub const SIGNER_VERSION: Self = Self(28);

    // Tags 16–27: the encryption block of an encrypted configuration file
    // (`.enc.sgn`). Cisco's names for them are not public; these are this crate's.
    /// ENCRYPTIONINFO: container of tags 17 and 21 (`.enc.sgn`).
    pub const ENCRYPTION_INFO: Self = Self(16);
    /// CIPHERINFO: container of tags 18, 19 and 20 (inside tag 16).
    pub const CIPHER_INFO: Self = Self(17);
    /// Tag 18 (inside 17): one byte, 0 in every file seen, meaning unknown.
    pub const CIPHER_FLAG: Self = Self(18);
    /// IV (inside 17): the 16-byte AES-CBC initialisation vector.
    pub const IV: Self = Self(19);
    /// PADCOUNT (inside 17): u16, how many `\r` bytes were added to the plaintext.
    pub const PAD_COUNT: Self = Self(20);
    /// KEYINFO: container of tags 22 to 25 (inside tag 16).
    pub const KEY_INFO: Self = Self(21);
    /// Tag 22 (inside 21): one byte, 0 in every file seen, meaning unknown.
    pub const KEY_FLAG: Self = Self(22);
    /// KEYSIZE (inside 21): u16, the AES key size in bits (128).
    pub const KEY_SIZE: Self = Self(23);
    /// KEYALGORITHM (inside 21): one byte, 1 = AES.
    pub const KEY_ALGORITHM: Self = Self(24);
    /// ENCRYPTEDKEY (inside 21): the AES key encrypted with the device's RSA key
    /// (PKCS#1 v1.5).
    pub const ENCRYPTED_KEY: Self = Self(25);
    /// PLAINHASHALGORITHM: one byte, hash code of tag 27.
    pub const PLAINTEXT_HASH_ALGORITHM: Self = Self(26);
    /// PLAINHASH: hash of the decrypted configuration (without its padding).
    pub const PLAINTEXT_HASH: Self = Self(27);

    /// The name CUCM's `show itl` / `show ctl` prints for this tag, if known.
    pub fn cucm_name(self) -> Option<&'static str> {
        Some(match self.0 {
            1 => "VERSION",
            2 => "HEADERLENGTH",
            3 => "SIGNERID",
            4 => "SIGNERNAME",
            5 => "SERIALNUMBER",
            6 => "CANAME",
            7 => "SIGNATUREINFO",
            8 => "DIGESTALGORTITHM",
            9 => "SIGNATUREALGOINFO",
            10 => "SIGNATUREALGORTITHM",
            11 => "SIGNATUREMODULUS",
            12 => "SIGNATURE",
            13 => "PADDING",
            14 => "FILENAME",
            15 => "TIMESTAMP",
            28 => "SIGNERVERSION",
            _ => return None,
        })
    }

    /// The element's name: [`HeaderTag::cucm_name`], or for tags 16–27 of an
    /// encrypted configuration file (which no public CUCM output names) this
    /// crate's name (`ENCRYPTIONINFO`, `IV`, `ENCRYPTEDKEY`, …).
    pub fn name(self) -> Option<&'static str> {
        if let Some(n) = self.cucm_name() {
            return Some(n);
        }
        Some(match self.0 {
            16 => "ENCRYPTIONINFO",
            17 => "CIPHERINFO",
            18 => "CIPHERFLAG",
            19 => "IV",
            20 => "PADCOUNT",
            21 => "KEYINFO",
            22 => "KEYFLAG",
            23 => "KEYSIZE",
            24 => "KEYALGORITHM",
            25 => "ENCRYPTEDKEY",
            26 => "PLAINHASHALGORITHM",
            27 => "PLAINHASH",
            _ => return None,
        })
    }

    /// Whether the tag is a container whose value is a list of elements, given the
    /// tag of the container it sits in (`None` at the top level of the header).
    ///
    /// Tags 16, 17 and 21 (the encryption block of `.enc.sgn` files) are read as
    /// containers only when their value is a whole list of elements; otherwise they
    /// are kept as plain values (see [`HeaderTag::is_optional_container`]).
    pub fn is_container(self, parent: Option<HeaderTag>) -> bool {
        match parent {
            None => {
                self == Self::SIGNER_INFO
                    || self == Self::SIGNATURE_INFO
                    || self == Self::ENCRYPTION_INFO
            }
            Some(p) if p == Self::SIGNATURE_INFO => self == Self::SIGNATURE_ALGO_INFO,
            Some(p) if p == Self::ENCRYPTION_INFO => {
                self == Self::CIPHER_INFO || self == Self::KEY_INFO
            }
            Some(_) => false,
        }
    }

    /// Whether a value that does not split into whole elements is kept as a plain
    /// value instead of being an error: true for the encryption containers 16, 17
    /// and 21, which trust lists never hold (an ITL or CTL carrying an unknown tag
    /// 16 still parses as before).
    pub fn is_optional_container(self) -> bool {
        self == Self::ENCRYPTION_INFO || self == Self::CIPHER_INFO || self == Self::KEY_INFO
    }
}

impl fmt::Display for HeaderTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "{n} (tag {})", self.0),
            None => write!(f, "tag {}", self.0),
        }
    }
}

/// A tag of an element inside a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordTag(pub u8);

impl RecordTag {
    /// RECORDLENGTH: u16, whole record size including this element.
    pub const RECORD_LENGTH: Self = Self(1);
    /// DNSNAME: host name or IP text, may be empty.
    pub const DNS_NAME: Self = Self(2);
    /// SUBJECTNAME: subject DN.
    pub const SUBJECT_NAME: Self = Self(3);
    /// FUNCTION: u16 role code.
    pub const FUNCTION: Self = Self(4);
    /// ISSUERNAME: issuer DN.
    pub const ISSUER_NAME: Self = Self(5);
    /// SERIALNUMBER: certificate serial, unsigned big-endian bytes.
    pub const SERIAL_NUMBER: Self = Self(6);
    /// PUBLICKEY: PKCS#1 RSAPublicKey DER, or an X9.62 EC point.
    pub const PUBLIC_KEY: Self = Self(7);
    /// SIGNATURE: the certificate's own signatureValue.
    pub const SIGNATURE: Self = Self(8);
    /// CERTIFICATE: DER X.509 certificate.
    pub const CERTIFICATE: Self = Self(9);
    /// IPADDRESS: 4 bytes IPv4, network order.
    pub const IP_ADDRESS: Self = Self(10);
    /// CERTHASH: hash of the certificate.
    pub const CERT_HASH: Self = Self(11);
    /// HASH ALGORITHM: u8 hash code of CERTHASH.
    pub const HASH_ALGORITHM: Self = Self(12);

    /// The name CUCM's `show itl` / `show ctl` prints for this tag, if known.
    pub fn cucm_name(self) -> Option<&'static str> {
        Some(match self.0 {
            1 => "RECORDLENGTH",
            2 => "DNSNAME",
            3 => "SUBJECTNAME",
            4 => "FUNCTION",
            5 => "ISSUERNAME",
            6 => "SERIALNUMBER",
            7 => "PUBLICKEY",
            8 => "SIGNATURE",
            9 => "CERTIFICATE",
            10 => "IPADDRESS",
            11 => "CERTHASH",
            12 => "HASH ALGORITHM",
            _ => return None,
        })
    }
}

impl fmt::Display for RecordTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.cucm_name() {
            Some(n) => write!(f, "{n} (tag {})", self.0),
            None => write!(f, "tag {}", self.0),
        }
    }
}
