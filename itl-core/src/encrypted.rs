//! The encryption block of an encrypted configuration file (`.enc.sgn`).
//!
//! After TIMESTAMP and before the padding, the header holds:
//!
//! ```text
//! 16 ENCRYPTIONINFO {
//!     17 CIPHERINFO { 18 = u8 (0, meaning unknown), 19 IV (16 bytes), 20 PADCOUNT (u16) }
//!     21 KEYINFO    { 22 = u8 (0, meaning unknown), 23 KEYSIZE (u16 bits, 128),
//!                     24 KEYALGORITHM (u8, 1 = AES), 25 ENCRYPTEDKEY (RSA PKCS#1 v1.5) }
//! }
//! 26 PLAINHASHALGORITHM (u8 hash code)   27 PLAINHASH (hash of the plaintext)
//! ```
//!
//! The payload is AES-128-CBC of the configuration followed by PADCOUNT `\r` bytes
//! (1 to 16, so its length is a multiple of 16). To decrypt: unwrap the AES key
//! with the device's RSA private key, decrypt, drop PADCOUNT bytes, check the hash.
//! The names of tags 16–27 are this crate's (Cisco's are not public).

use aes::Aes128;
use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use rsa::Pkcs1v15Encrypt;
use thiserror::Error;

use crate::digest::DigestAlgorithm;
use crate::element::Element;
use crate::fingerprint::hash;
use crate::header::Header;
use crate::keys::{PublicKey, SigningKey};
use crate::signed::{SignError, SignedFile};
use crate::tag::HeaderTag;

/// KEYALGORITHM code of AES.
pub const ALGORITHM_AES: u8 = 1;

/// The encryption block of an `.enc.sgn` header as typed fields, borrowed from
/// the header. The elements themselves (unknown ones included) stay in the
/// header, which is what the file is written from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncryptionInfo<'h> {
    /// Tag 18: one byte of unknown meaning (0 in every file seen); `None` if absent.
    pub cipher_flag: Option<u8>,
    /// Tag 19: the AES-CBC initialisation vector (16 bytes).
    pub iv: [u8; 16],
    /// Tag 20: how many `\r` bytes pad the plaintext.
    pub pad_count: u16,
    /// Tag 22: one byte of unknown meaning (0 in every file seen); `None` if absent.
    pub key_flag: Option<u8>,
    /// Tag 23: the AES key size in bits (128).
    pub key_bits: u16,
    /// Tag 24: the cipher, [`ALGORITHM_AES`] (1).
    pub algorithm: u8,
    /// Tag 25: the AES key encrypted with the device's RSA public key.
    pub encrypted_key: &'h [u8],
    /// Tag 26: hash code of tag 27.
    pub hash_algorithm: DigestAlgorithm,
    /// Tag 27: hash of the plaintext (without its padding).
    pub plaintext_hash: &'h [u8],
    /// Elements of the block this crate does not know (inside 16, 17 or 21), in
    /// file order.
    pub unknown: Vec<&'h Element<'h>>,
}

/// Why the encryption block cannot be read.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum EncryptionError {
    /// The header has no ENCRYPTIONINFO (tag 16): the file is not encrypted.
    #[error("the header has no ENCRYPTIONINFO (tag 16): the file is not encrypted")]
    NotEncrypted,
    /// A field of the block is missing.
    #[error("the encryption block has no {0}")]
    Missing(HeaderTag),
    /// A field has the wrong size.
    #[error("{tag} at byte {offset} is {found} bytes, expected {expected}")]
    BadLength {
        /// The field.
        tag: HeaderTag,
        /// Offset of its tag byte.
        offset: usize,
        /// Its length.
        found: usize,
        /// The length it must have.
        expected: usize,
    },
}

/// Why an `.enc.sgn` could not be decrypted.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DecryptError {
    /// The encryption block cannot be read.
    #[error("{0}")]
    Block(#[from] EncryptionError),
    /// KEYALGORITHM is not AES (1).
    #[error("unsupported KEYALGORITHM {0} (only 1, AES, is known)")]
    UnsupportedAlgorithm(u8),
    /// KEYSIZE is not 128.
    #[error("unsupported KEYSIZE {0} bits (only AES-128 is known)")]
    UnsupportedKeySize(u16),
    /// The encrypted key's size is not the device key's size: the key given is
    /// not the device's.
    #[error(
        "the encrypted AES key is {found} bytes but the device key is {expected} bytes: wrong device key"
    )]
    WrongKeySize {
        /// Size of ENCRYPTEDKEY.
        found: usize,
        /// Size of the device key's modulus.
        expected: usize,
    },
    /// RSA decryption of the AES key failed, or gave a value that is not a
    /// 16-byte key: the key given is not the device's (or the block is damaged).
    #[error("the AES key does not decrypt with the device key: wrong device key")]
    KeyUnwrap,
    /// The ciphertext is not a whole number of 16-byte blocks.
    #[error("the encrypted payload is {0} bytes, not a multiple of 16")]
    NotBlockAligned(usize),
    /// PADCOUNT is larger than the decrypted payload or than one block.
    #[error("PADCOUNT {pad} does not fit a decrypted payload of {len} bytes")]
    BadPadCount {
        /// PADCOUNT.
        pad: u16,
        /// Length of the decrypted payload.
        len: usize,
    },
    /// The plaintext hash algorithm is not SHA-1, SHA-256 or SHA-512.
    #[error("unsupported PLAINHASHALGORITHM {0} (known: 1 SHA-1, 2 SHA-256, 3 SHA-512)")]
    UnsupportedHash(u8),
    /// The decrypted plaintext does not have the hash the header gives: wrong
    /// device key, or a damaged file.
    #[error(
        "the decrypted configuration's {algorithm} is {}, the header says {}: wrong device key or damaged file",
        hex::encode(found),
        hex::encode(expected)
    )]
    HashMismatch {
        /// The hash algorithm.
        algorithm: DigestAlgorithm,
        /// PLAINHASH.
        expected: Vec<u8>,
        /// The hash of what was decrypted.
        found: Vec<u8>,
    },
}

/// Reads the encryption block of `header`.
pub(crate) fn read_block<'h>(
    header: &'h Header<'_>,
) -> Result<EncryptionInfo<'h>, EncryptionError> {
    let block = header
        .get(HeaderTag::ENCRYPTION_INFO)
        .ok_or(EncryptionError::NotEncrypted)?;
    let mut unknown = Vec::new();
    let mut cipher = None;
    let mut key = None;
    for e in block.children() {
        match HeaderTag(e.tag()) {
            HeaderTag::CIPHER_INFO if cipher.is_none() => cipher = Some(e),
            HeaderTag::KEY_INFO if key.is_none() => key = Some(e),
            _ => unknown.push(e),
        }
    }
    let cipher = cipher.ok_or(EncryptionError::Missing(HeaderTag::CIPHER_INFO))?;
    let key = key.ok_or(EncryptionError::Missing(HeaderTag::KEY_INFO))?;
    let known = |tag: u8| (18..=27).contains(&tag);
    unknown.extend(cipher.children().iter().filter(|e| !known(e.tag())));
    unknown.extend(key.children().iter().filter(|e| !known(e.tag())));
    let find = |c: &'h Element<'_>, tag: HeaderTag| {
        c.children()
            .iter()
            .find(|e| e.tag() == tag.0)
            .ok_or(EncryptionError::Missing(tag))
    };
    let sized =
        |e: &'h Element<'_>, tag: HeaderTag, n: usize| -> Result<&'h [u8], EncryptionError> {
            let v = e.value().unwrap_or_default();
            if v.len() == n {
                Ok(v)
            } else {
                Err(EncryptionError::BadLength {
                    tag,
                    offset: e.offset(),
                    found: v.len(),
                    expected: n,
                })
            }
        };
    let byte = |e: &'h Element<'_>, tag| sized(e, tag, 1).map(|v| v[0]);
    let word = |e: &'h Element<'_>, tag| sized(e, tag, 2).map(|v| u16::from_be_bytes([v[0], v[1]]));
    let optional_byte = |c: &'h Element<'_>, tag: HeaderTag| match find(c, tag) {
        Ok(e) => byte(e, tag).map(Some),
        Err(_) => Ok(None),
    };
    let iv_e = find(cipher, HeaderTag::IV)?;
    let mut iv = [0u8; 16];
    iv.copy_from_slice(sized(iv_e, HeaderTag::IV, 16)?);
    let top = |tag: HeaderTag| header.get(tag).ok_or(EncryptionError::Missing(tag));
    let hash_algorithm = DigestAlgorithm(byte(
        top(HeaderTag::PLAINTEXT_HASH_ALGORITHM)?,
        HeaderTag::PLAINTEXT_HASH_ALGORITHM,
    )?);
    Ok(EncryptionInfo {
        cipher_flag: optional_byte(cipher, HeaderTag::CIPHER_FLAG)?,
        iv,
        pad_count: word(find(cipher, HeaderTag::PAD_COUNT)?, HeaderTag::PAD_COUNT)?,
        key_flag: optional_byte(key, HeaderTag::KEY_FLAG)?,
        key_bits: word(find(key, HeaderTag::KEY_SIZE)?, HeaderTag::KEY_SIZE)?,
        algorithm: byte(
            find(key, HeaderTag::KEY_ALGORITHM)?,
            HeaderTag::KEY_ALGORITHM,
        )?,
        encrypted_key: find(key, HeaderTag::ENCRYPTED_KEY)?
            .value()
            .unwrap_or_default(),
        hash_algorithm,
        plaintext_hash: top(HeaderTag::PLAINTEXT_HASH)?.value().unwrap_or_default(),
        unknown,
    })
}

type Aes128CbcEnc = cbc::Encryptor<Aes128>;
type Aes128CbcDec = cbc::Decryptor<Aes128>;

/// Decrypts an `.enc.sgn` with the device's RSA private key and returns the
/// plaintext configuration (padding dropped, hash checked). The file signature is
/// not checked here (see [`crate::verify_signed_file`]): a phone checks it first.
pub fn decrypt(file: &SignedFile<'_>, device_key: &SigningKey) -> Result<Vec<u8>, DecryptError> {
    let info = file.encryption()?;
    if info.algorithm != ALGORITHM_AES {
        return Err(DecryptError::UnsupportedAlgorithm(info.algorithm));
    }
    if info.key_bits != 128 {
        return Err(DecryptError::UnsupportedKeySize(info.key_bits));
    }
    let expected = device_key.public_key().bits().div_ceil(8);
    if info.encrypted_key.len() != expected {
        return Err(DecryptError::WrongKeySize {
            found: info.encrypted_key.len(),
            expected,
        });
    }
    // PKCS#1 v1.5 decryption with implicit rejection: a wrong key gives a
    // pseudo-random value, rarely 16 bytes; the plaintext hash catches the rest.
    let aes_key = device_key
        .rsa()
        .decrypt(Pkcs1v15Encrypt, info.encrypted_key)
        .map_err(|_| DecryptError::KeyUnwrap)?;
    let aes_key: [u8; 16] = aes_key
        .as_slice()
        .try_into()
        .map_err(|_| DecryptError::KeyUnwrap)?;
    let ciphertext = file.payload();
    if !ciphertext.len().is_multiple_of(16) {
        return Err(DecryptError::NotBlockAligned(ciphertext.len()));
    }
    let mut plain = Aes128CbcDec::new(&aes_key.into(), &info.iv.into())
        .decrypt_padded_vec::<NoPadding>(ciphertext)
        .map_err(|_| DecryptError::NotBlockAligned(ciphertext.len()))?;
    let pad = usize::from(info.pad_count);
    if pad > plain.len() || pad > 16 {
        return Err(DecryptError::BadPadCount {
            pad: info.pad_count,
            len: plain.len(),
        });
    }
    plain.truncate(plain.len() - pad);
    let found = hash(info.hash_algorithm, &plain)
        .ok_or(DecryptError::UnsupportedHash(info.hash_algorithm.code()))?;
    if found != info.plaintext_hash {
        return Err(DecryptError::HashMismatch {
            algorithm: info.hash_algorithm,
            expected: info.plaintext_hash.to_vec(),
            found,
        });
    }
    Ok(plain)
}

/// Encrypts `plain` for `device_key`: returns the header elements (16, 26, 27)
/// and the ciphertext.
pub(crate) fn encrypt(
    plain: &[u8],
    device_key: &PublicKey,
    digest: DigestAlgorithm,
    fixed: Option<([u8; 16], [u8; 16])>,
) -> Result<(Vec<Element<'static>>, Vec<u8>), SignError> {
    let (key, iv) = match fixed {
        Some(k) => k,
        None => {
            let mut key = [0u8; 16];
            let mut iv = [0u8; 16];
            getrandom::fill(&mut key).map_err(|_| SignError::Random)?;
            getrandom::fill(&mut iv).map_err(|_| SignError::Random)?;
            (key, iv)
        }
    };
    let plain_hash = hash(digest, plain).ok_or(SignError::UnsupportedDigest(digest.code()))?;
    // 1 to 16 `\r` bytes, so the length is a multiple of 16.
    let pad = 16 - plain.len() % 16;
    let mut padded = Vec::with_capacity(plain.len() + pad);
    padded.extend_from_slice(plain);
    padded.resize(plain.len() + pad, b'\r');
    let ciphertext =
        Aes128CbcEnc::new(&key.into(), &iv.into()).encrypt_padded_vec::<NoPadding>(&padded);
    let wrapped = device_key
        .rsa()
        .encrypt(&mut getrandom::SysRng, Pkcs1v15Encrypt, &key)
        .map_err(|_| SignError::Rsa)?;
    let pad = u16::try_from(pad).unwrap_or(16);
    let block = vec![
        Element::new_container(
            HeaderTag::ENCRYPTION_INFO.0,
            vec![
                Element::new_container(
                    HeaderTag::CIPHER_INFO.0,
                    vec![
                        Element::new_value(HeaderTag::CIPHER_FLAG.0, vec![0]),
                        Element::new_value(HeaderTag::IV.0, iv.to_vec()),
                        Element::new_value(HeaderTag::PAD_COUNT.0, pad.to_be_bytes().to_vec()),
                    ],
                ),
                Element::new_container(
                    HeaderTag::KEY_INFO.0,
                    vec![
                        Element::new_value(HeaderTag::KEY_FLAG.0, vec![0]),
                        Element::new_value(HeaderTag::KEY_SIZE.0, 128u16.to_be_bytes().to_vec()),
                        Element::new_value(HeaderTag::KEY_ALGORITHM.0, vec![ALGORITHM_AES]),
                        Element::new_value(HeaderTag::ENCRYPTED_KEY.0, wrapped),
                    ],
                ),
            ],
        ),
        Element::new_value(HeaderTag::PLAINTEXT_HASH_ALGORITHM.0, vec![digest.code()]),
        Element::new_value(HeaderTag::PLAINTEXT_HASH.0, plain_hash),
    ];
    Ok((block, ciphertext))
}
