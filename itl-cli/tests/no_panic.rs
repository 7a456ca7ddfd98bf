//! The show renderers, compare and certs never panic on damaged input: every vector
//! with single bytes changed (and cut short) is rendered in every format whenever it
//! still parses, and compared with the original.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use common::all_vectors;
use itl_cli::certs;
use itl_core::{CucmOptions, JsonOptions, TextOptions, TrustList, Verdict};

fn render_all(bytes: &[u8], original: &TrustList<'_>, dir: &Path) {
    let Ok(tl) = TrustList::parse(bytes) else {
        return;
    };
    let mut sink = Vec::new();
    let mut text = TextOptions::new(0);
    text.color = true;
    text.width = Some(40);
    itl_core::write_show_text(&mut sink, "x.tlv", &tl, &text).unwrap();
    let mut cucm = CucmOptions::new(0);
    cucm.modified = Some(-1);
    itl_core::write_show_cucm(&mut sink, &tl, &cucm).unwrap();
    let mut json = Vec::new();
    itl_core::write_show_json(&mut json, "x.tlv", &tl, &JsonOptions::new(i64::MAX)).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(doc["size"], bytes.len());
    // The damaged bytes always differ from the original's (a byte changed or
    // the file cut short): never identical, whichever side each is on; the
    // damaged file against itself is.
    let c = itl_core::compare(original, Some(&tl), &tl);
    assert_ne!(c.decision.verdict, Verdict::Identical, "{c:?}");
    let c = itl_core::compare(&tl, None, original);
    assert_ne!(c.decision.verdict, Verdict::Identical, "{c:?}");
    let c = itl_core::compare(&tl, None, &tl);
    assert_eq!(c.decision.verdict, Verdict::Identical, "{c:?}");
    // Into a directory that exists already with the same names: refused, no panic.
    let _ = certs::write_certs(&mut sink, &tl, dir, "x", certs::CertsOptions::default());
}

#[test]
fn damaged_vectors_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    for p in all_vectors() {
        let bytes = std::fs::read(&p).unwrap();
        let Ok(original) = TrustList::parse(&bytes) else {
            continue;
        };
        let original = original.into_owned();
        // About 30 positions a file keeps this test to seconds (RSA checks in debug builds).
        let step = (bytes.len() / 30).max(1);
        for i in (0..bytes.len()).step_by(step) {
            for flip in [0x01u8, 0xff] {
                let mut b = bytes.clone();
                b[i] ^= flip;
                render_all(&b, &original, dir.path());
            }
            render_all(&bytes[..i], &original, dir.path());
        }
    }
}
