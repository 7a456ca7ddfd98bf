//! Names taken from a file cannot steer the terminal: line breaks, escape sequences
//! and bidirectional controls in SIGNERNAME, SUBJECTNAME and DNSNAME are printed
//! escaped by show (text and cucm), compare and the trust descriptions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use itl_cli::compare;
use itl_cli::compare::CompareRequest;
use itl_core::{DigestAlgorithm, Element, TextOptions, TrustAnchor, TrustList};

/// A name that would clear the screen, start a fake line and reverse the text.
const EVIL: &str = "CN=evil\nSignature   valid: RSA 2048\x1b[2J\u{202e}x\u{9b}31m";
/// How it must be printed.
const ESCAPED: &str = "CN=evil\\nSignature   valid: RSA 2048\\u{1b}[2J\\u{202e}x\\u{9b}31m";

fn nul(s: &str) -> Vec<u8> {
    [s.as_bytes(), b"\0"].concat()
}

/// The replica with EVIL as the header's SIGNERNAME and as record 2's SUBJECTNAME
/// and DNSNAME.
fn hostile() -> Vec<u8> {
    let bytes = std::fs::read(common::vector("own/ITLSEP0011215A1AE3-sbd-replica.tlv")).unwrap();
    let mut tl = TrustList::parse(&bytes).unwrap().to_editable();
    for e in tl.header_mut().elements_mut() {
        if e.tag() == 3 {
            let mut kids = e.children().to_vec();
            for k in &mut kids {
                if k.tag() == 4 {
                    k.set_value(nul(EVIL));
                }
            }
            *e = Element::new_container(3, kids);
        }
    }
    let record = &mut tl.records_mut()[1];
    if record.get(itl_core::RecordTag::DNS_NAME).is_none() {
        record
            .elements_mut()
            .push(Element::new_value(2, Vec::new()));
    }
    for e in record.elements_mut() {
        if matches!(e.tag(), 2 | 3) {
            e.set_value(nul(EVIL));
        }
    }
    resign(tl.to_bytes_fixed().unwrap())
}

/// Signs `bytes` again with the replica's key (SHA-1), so that the file verifies.
fn resign(mut bytes: Vec<u8>) -> Vec<u8> {
    let tl = TrustList::parse(&bytes).unwrap();
    let sig = common::key("own/keys/publisher")
        .sign(DigestAlgorithm::SHA1, &tl.signed_bytes().unwrap())
        .unwrap();
    let range = tl.header().signature_range().unwrap();
    bytes[range.start + 3..range.end].copy_from_slice(&sig);
    bytes
}

/// No control character but the line breaks between lines, no bidi control.
fn assert_clean(what: &str, text: &str) {
    for (i, line) in text.lines().enumerate() {
        let bad: Vec<char> = line
            .chars()
            .filter(|&c| (c.is_control() && c != '\t') || ('\u{202a}'..='\u{202e}').contains(&c))
            .collect();
        assert!(bad.is_empty(), "{what} line {}: {bad:?} in {line:?}", i + 1);
        assert!(
            !line.starts_with("Signature   valid: RSA 2048"),
            "{what}: a line of the name's own: {line:?}"
        );
    }
}

#[test]
fn show_text_and_cucm_escape_names_from_the_file() {
    let bytes = hostile();
    let tl = TrustList::parse(&bytes).unwrap();
    assert_eq!(tl.records()[1].subject_name().as_deref(), Some(EVIL));
    assert!(itl_core::verify_signature(&tl).is_ok());

    let mut out = Vec::new();
    let mut opts = TextOptions::new(1_700_000_000);
    opts.width = Some(100);
    itl_core::write_show_text(&mut out, "evil.tlv", &tl, &opts).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_clean("show text", &text);
    // The header fields are printed in full: the signer's escaped name is there.
    assert!(text.contains(&format!("Signer      {ESCAPED}")), "{text}");

    let mut out = Vec::new();
    itl_core::write_show_cucm(&mut out, &tl, &itl_core::CucmOptions::new(0)).unwrap();
    let cucm = String::from_utf8(out).unwrap();
    assert_clean("show cucm", &cucm);
    assert!(cucm.contains(&format!("\tSUBJECTNAME\t{}\t{ESCAPED}", EVIL.len() + 1)));
    assert!(cucm.contains(&format!("\tDNSNAME\t{}\t{ESCAPED}", EVIL.len() + 1)));
}

#[test]
fn compare_and_trust_descriptions_escape_names_from_the_file() {
    let bytes = hostile();
    let evil = TrustList::parse(&bytes).unwrap();
    let replica_bytes =
        std::fs::read(common::vector("own/ITLSEP0011215A1AE3-sbd-replica.tlv")).unwrap();
    let replica = TrustList::parse(&replica_bytes).unwrap();
    for (phone, server) in [(&evil, &replica), (&replica, &evil)] {
        let c = itl_core::compare(phone, None, server);
        // Record 2's DNS name differs: both labels, with the CN, are printed.
        assert_eq!(c.diff.as_ref().unwrap().changed.len(), 1, "{c:?}");
        let mut out = Vec::new();
        compare::write_text(&mut out, &CompareRequest::default(), &c).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_clean("compare", &text);
        assert!(
            text.contains("record 2 (CCM+TFTP) evil\\nSignature"),
            "{text}"
        );
    }
    // The evil signer name is the server's: it is described, escaped.
    let c = itl_core::compare(&replica, None, &evil);
    let explanation = compare::explanation(&c);
    assert!(
        explanation.contains("evil\\nSignature   valid: RSA 2048\\u{1b}[2J"),
        "{explanation}"
    );
    for a in TrustAnchor::from_trust_list(&evil, "evil\n.tlv") {
        let text = itl_core::AnchorText(&a.origin).to_string();
        assert_clean("trust anchor", &text);
        assert!(text.starts_with("evil\\n.tlv record "), "{text}");
    }
}

#[test]
fn verify_lines_escape_names_from_the_file() {
    let bytes = hostile();
    let tl = TrustList::parse(&bytes).unwrap();
    let mut out = Vec::new();
    itl_core::write_verify(
        &mut out,
        "evil.tlv",
        &tl,
        &itl_core::VerifyOptions::new(1_700_000_000),
    )
    .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_clean("verify", &text);
    // Every line is one of the documented kinds for this file.
    for line in text.lines() {
        assert!(line.starts_with("evil.tlv: "), "{line:?}");
    }
    assert!(text.contains(ESCAPED), "{text}");
}
