//! Small per-thread memos of per-certificate work, for bulk runs.
//!
//! A bulk run checks thousands of files that carry the same few certificates
//! (every `ITLSEP<MAC>.tlv` of a cluster holds the same CallManager, TVS and
//! CAPF certificates), and parsing one certificate costs about as much as one
//! RSA signature check. So the results of pure functions of a certificate's (or
//! key's) bytes are remembered per thread, keyed by those exact bytes.
//!
//! A memo only ever returns what the same computation on the same bytes
//! returned, so it changes no result. It holds at most [`ENTRIES`] entries of
//! keys up to [`MAX_KEY`] bytes (larger keys are not remembered), replaced in
//! turn, so its memory is bounded (about 100 KB per memo and thread at most).

use std::cell::RefCell;
use std::thread::LocalKey;

/// Entries per memo.
pub(crate) const ENTRIES: usize = 16;
/// Longest key remembered; a certificate is typically 1–2 KB.
pub(crate) const MAX_KEY: usize = 4096;

/// The entries of one memo: `(tag, key bytes, value)`; the tag tells apart
/// computations on the same bytes (such as one per digest).
pub(crate) struct Memo<V> {
    entries: Vec<(u8, Box<[u8]>, V)>,
    next: usize,
}

impl<V> Memo<V> {
    /// An empty memo.
    pub(crate) const fn new() -> Self {
        Self {
            entries: Vec::new(),
            next: 0,
        }
    }
}

/// The value of `compute` for `(tag, key)`, from `memo` when it was computed
/// before on this thread.
pub(crate) fn get_or_compute<V: Clone>(
    memo: &'static LocalKey<RefCell<Memo<V>>>,
    tag: u8,
    key: &[u8],
    compute: impl FnOnce() -> V,
) -> V {
    if key.len() > MAX_KEY {
        return compute();
    }
    let hit = memo.with(|m| {
        let m = m.try_borrow().ok()?;
        m.entries
            .iter()
            .find(|(t, k, _)| *t == tag && **k == *key)
            .map(|(_, _, v)| v.clone())
    });
    if let Some(v) = hit {
        return v;
    }
    // Computed outside any borrow, so `compute` may use other memos.
    let v = compute();
    memo.with(|m| {
        if let Ok(mut m) = m.try_borrow_mut() {
            let entry = (tag, Box::from(key), v.clone());
            if m.entries.len() < ENTRIES {
                m.entries.push(entry);
            } else {
                let at = m.next;
                m.entries[at] = entry;
                m.next = (at + 1) % ENTRIES;
            }
        }
    });
    v
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    thread_local! {
        static SQUARES: RefCell<Memo<usize>> = const { RefCell::new(Memo::new()) };
    }

    #[test]
    fn remembers_per_tag_and_key_and_stays_bounded() {
        let calls = Cell::new(0);
        let square = |tag: u8, key: &[u8]| {
            get_or_compute(&SQUARES, tag, key, || {
                calls.set(calls.get() + 1);
                key.len() * key.len() + usize::from(tag)
            })
        };
        assert_eq!(square(0, b"abc"), 9);
        assert_eq!(square(0, b"abc"), 9);
        assert_eq!(calls.get(), 1);
        assert_eq!(square(1, b"abc"), 10);
        assert_eq!(calls.get(), 2);
        // Overflow: the oldest entries are replaced, results stay right.
        for n in 0..(ENTRIES * 3) {
            assert_eq!(square(2, &vec![7; n]), n * n + 2);
        }
        assert_eq!(SQUARES.with(|m| m.borrow().entries.len()), ENTRIES);
        // Keys over MAX_KEY are computed every time and not kept.
        let big = vec![0; MAX_KEY + 1];
        let before = calls.get();
        assert_eq!(square(0, &big), big.len() * big.len());
        assert_eq!(square(0, &big), big.len() * big.len());
        assert_eq!(calls.get(), before + 2);
    }
}
