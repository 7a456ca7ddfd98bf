//! The distinct trust lists an audit knows of (history, server, next), each
//! parsed and verified once and indexed by MD5 and SHA-1.

use std::collections::HashMap;

use md5::Md5;
use sha1::{Digest, Sha1};

use super::phones::PhoneHash;
use crate::error::ParseError;
use crate::trustlist::{FileKind, TrustList};
use crate::verify::verify_signature;

/// A file of a [`FileSet`]: an index, valid for the set it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(usize);

impl FileId {
    /// The 0-based position of the file in [`FileSet::files`].
    pub fn index(self) -> usize {
        self.0
    }
}

/// One distinct trust list (distinct bytes), under every name it was added as.
#[derive(Clone, Debug)]
pub struct KnownFile {
    names: Vec<String>,
    list: TrustList<'static>,
    md5: [u8; 16],
    sha1: [u8; 20],
    signature_valid: bool,
}

impl KnownFile {
    /// The names (paths, URLs) it was added as, first one first; files with the
    /// same bytes are one file.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The name it was first added as.
    pub fn name(&self) -> &str {
        self.names.first().map_or("", String::as_str)
    }

    /// The parsed file.
    pub fn trust_list(&self) -> &TrustList<'static> {
        &self.list
    }

    /// ITL or CTL.
    pub fn kind(&self) -> FileKind {
        self.list.kind()
    }

    /// MD5 of the whole file.
    pub fn md5(&self) -> &[u8; 16] {
        &self.md5
    }

    /// SHA-1 of the whole file.
    pub fn sha1(&self) -> &[u8; 20] {
        &self.sha1
    }

    /// Whether the file's signature verifies with its own signer's key.
    pub fn signature_valid(&self) -> bool {
        self.signature_valid
    }

    /// The header TIMESTAMP (Unix time), if any.
    pub fn timestamp(&self) -> Option<u32> {
        self.list.header().timestamp()
    }
}

/// The trust lists an audit matches phones against: every file is parsed and its
/// signature checked once when added; files with the same bytes are kept once.
///
/// ```
/// # let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../testvectors/own/ITLSEP0011215A1AE3-sbd-replica.tlv");
/// let mut files = itl_core::FileSet::new();
/// let id = files.add("replica.tlv", &std::fs::read(path)?)?;
/// let shown: itl_core::PhoneHash = "53BE72B43DA047242B8E407D63851D48".parse()?;
/// assert_eq!(files.find(&shown), Some(id));
/// assert!(files.get(id).signature_valid());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct FileSet {
    files: Vec<KnownFile>,
    by_md5: HashMap<[u8; 16], usize>,
    by_sha1: HashMap<[u8; 20], usize>,
}

impl FileSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file: parses it and checks its signature, unless a file with the
    /// same bytes is already in the set, which then gets `name` as one more name.
    pub fn add(&mut self, name: impl Into<String>, bytes: &[u8]) -> Result<FileId, ParseError> {
        let sha1: [u8; 20] = Sha1::digest(bytes).into();
        if let Some(&i) = self.by_sha1.get(&sha1) {
            let name = name.into();
            let file = &mut self.files[i];
            if !file.names.contains(&name) {
                file.names.push(name);
            }
            return Ok(FileId(i));
        }
        let list = TrustList::parse(bytes)?.into_owned();
        let md5: [u8; 16] = Md5::digest(bytes).into();
        let signature_valid = verify_signature(&list).is_ok();
        let i = self.files.len();
        self.files.push(KnownFile {
            names: vec![name.into()],
            list,
            md5,
            sha1,
            signature_valid,
        });
        self.by_sha1.insert(sha1, i);
        // Two different files with the same MD5 would take a collision attack;
        // the first one keeps the MD5.
        self.by_md5.entry(md5).or_insert(i);
        Ok(FileId(i))
    }

    /// The file whose whole-file hash is `hash`.
    pub fn find(&self, hash: &PhoneHash) -> Option<FileId> {
        match hash {
            PhoneHash::Md5(h) => self.by_md5.get(h),
            PhoneHash::Sha1(h) => self.by_sha1.get(h),
        }
        .copied()
        .map(FileId)
    }

    /// A file of this set.
    ///
    /// # Panics
    /// If `id` is not from this set.
    pub fn get(&self, id: FileId) -> &KnownFile {
        &self.files[id.0]
    }

    /// Every file, in the order added.
    pub fn files(&self) -> &[KnownFile] {
        &self.files
    }

    /// The ids of every file, in the order added.
    pub fn ids(&self) -> impl Iterator<Item = FileId> + '_ {
        (0..self.files.len()).map(FileId)
    }

    /// How many distinct files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}
