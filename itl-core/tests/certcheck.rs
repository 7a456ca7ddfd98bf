//! Certificate checks and warnings, against facts openssl reads from the same
//! certificates.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{all_vectors, openssl, openssl_sha1_fingerprint, read_vector, sidecar, vector_path};
use itl_core::{
    Builder, CertInfo, CheckDetail, CheckKind, DigestAlgorithm, Element, KeySource, Role,
    SigningKey, TrustList, Warning, WarningKind, check_certificates, load_certificate,
};
use itl_core::{cert_hash_matches, check_record};

/// 2025-06-15 15:06:40 UTC.
const NOW: i64 = 1_750_000_000;
const NOW_ISO: &str = "2025-06-15 15:06:40Z";

/// Unix time of openssl's `YYYY-MM-DD HH:MM:SSZ` (days from the civil date by
/// the proleptic Gregorian calendar, independent of the library's parser).
fn unix_time(iso: &str) -> i64 {
    let n = |a: usize, b: usize| iso[a..b].parse::<i64>().unwrap();
    let (y, m, d) = (n(0, 4), n(5, 7), n(8, 10));
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + n(11, 13) * 3600 + n(14, 16) * 60 + n(17, 19)
}

fn unhex(s: String) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn valid_vectors() -> Vec<(String, Vec<u8>)> {
    all_vectors()
        .into_iter()
        .filter(|p| sidecar(p).get("error_offset").is_none())
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect()
}

#[test]
fn every_record_of_every_vector_agrees_with_its_certificate() {
    let mut with_cert = 0;
    for (name, bytes) in valid_vectors() {
        let tl = TrustList::parse(&bytes).unwrap();
        let report = check_certificates(&tl, NOW);
        assert_eq!(report.records.len(), tl.records().len());
        for (rc, r) in report.records.iter().zip(tl.records()) {
            for c in &rc.checks {
                assert!(
                    c.passed,
                    "{name} record {}: {} failed: {:?}",
                    rc.index,
                    c.name(),
                    c.detail
                );
            }
            let names: Vec<_> = rc.checks.iter().map(|c| c.name()).collect();
            if r.certificate().is_some() {
                with_cert += 1;
                assert_eq!(
                    names,
                    [
                        "certificate",
                        "subject_name",
                        "issuer_name",
                        "serial_number",
                        "public_key",
                        "signature"
                    ],
                    "{name} record {}",
                    rc.index
                );
            } else {
                assert!(names.is_empty(), "{name} record {}: {names:?}", rc.index);
            }
        }
        assert!(report.passed());
        assert!(report.warnings.is_empty(), "{name}: {:?}", report.warnings);
    }
    assert!(with_cert >= 30, "{with_cert}");
}

#[test]
fn names_of_the_real_ctl_equal_the_certificates_exactly() {
    let bytes = read_vector("real/CTLFile-cucm10.tlv");
    let tl = TrustList::parse(&bytes).unwrap();
    for r in tl.records() {
        let info = CertInfo::parse(r.certificate().unwrap()).unwrap();
        assert_eq!(r.subject_name().unwrap(), info.subject);
        assert_eq!(r.issuer_name().unwrap(), info.issuer);
    }
}

#[test]
fn comma_style_names_compare_attribute_by_attribute() {
    // The third-party files store RFC 4514 names with commas, least specific first.
    let bytes = read_vector("thirdparty/ITL-sha1.tlv");
    let tl = TrustList::parse(&bytes).unwrap();
    let r = &tl.records()[1];
    let stored = r.subject_name().unwrap();
    assert!(stored.starts_with("C=US,ST=North Carolina"), "{stored}");
    let rc = check_record(2, r, NOW);
    assert!(
        rc.checks
            .iter()
            .any(|c| c.kind == CheckKind::SubjectName && c.passed)
    );
}

#[test]
fn replica_cert_hashes_are_the_sha1_of_the_tvs_and_capf_certificates() {
    let bytes = read_vector("own/ITLSEP0011215A1AE3-sbd-replica.tlv");
    let tl = TrustList::parse(&bytes).unwrap();
    let tvs_record = &tl.records()[2];
    let capf_record = &tl.records()[3];
    assert_eq!(tvs_record.function(), Some(Role::TVS));
    assert_eq!(capf_record.function(), Some(Role::CAPF));
    for (record, file) in [(tvs_record, "tvs"), (capf_record, "capf")] {
        let expected = openssl_sha1_fingerprint(&vector_path(&format!("own/keys/{file}.crt")));
        assert_eq!(hex::encode(record.cert_hash().unwrap()), expected, "{file}");
    }
    let tvs = load_certificate(&read_vector("own/keys/tvs.crt")).unwrap();
    let capf = load_certificate(&read_vector("own/keys/capf.crt")).unwrap();
    assert_eq!(cert_hash_matches(tvs_record, &tvs), Some(true));
    assert_eq!(cert_hash_matches(tvs_record, &capf), Some(false));
    assert_eq!(cert_hash_matches(capf_record, &capf), Some(true));
    assert_eq!(cert_hash_matches(&tl.records()[0], &tvs), None);
}

/// Facts openssl reads from a DER certificate: (notBefore, notAfter) as
/// `YYYY-MM-DD HH:MM:SSZ`, RSA key bits (None if not RSA), signature algorithm.
fn openssl_facts(der: &[u8]) -> (String, String, Option<usize>, String) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("c.der");
    std::fs::write(&p, der).unwrap();
    let p = p.display().to_string();
    let dates = String::from_utf8(openssl(&[
        "x509",
        "-inform",
        "DER",
        "-in",
        &p,
        "-noout",
        "-startdate",
        "-enddate",
        "-dateopt",
        "iso_8601",
    ]))
    .unwrap();
    let get = |k: &str| {
        dates
            .lines()
            .find_map(|l| l.strip_prefix(k))
            .unwrap()
            .trim()
            .to_owned()
    };
    let text = String::from_utf8(openssl(&[
        "x509", "-inform", "DER", "-in", &p, "-noout", "-text",
    ]))
    .unwrap();
    let is_rsa = text.contains("Public Key Algorithm: rsaEncryption");
    let bits = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Public-Key: ("))
        .and_then(|l| l.split(' ').next())
        .map(|n| n.parse::<usize>().unwrap())
        .filter(|_| is_rsa);
    let sig = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Signature Algorithm: "))
        .unwrap()
        .to_owned();
    (get("notBefore="), get("notAfter="), bits, sig)
}

#[test]
fn warnings_follow_the_certificates_as_openssl_reads_them() {
    let mut seen = std::collections::HashSet::new();
    for (name, bytes) in valid_vectors() {
        let tl = TrustList::parse(&bytes).unwrap();
        let report = check_certificates(&tl, NOW);
        for (rc, r) in report.records.iter().zip(tl.records()) {
            let Some(der) = r.certificate() else { continue };
            let (not_before, not_after, bits, sig) = openssl_facts(der);
            let kinds: Vec<_> = rc.warnings.iter().map(Warning::kind).collect();
            let mut expected = Vec::new();
            if not_after.as_str() < NOW_ISO {
                expected.push(WarningKind::Expired);
            } else if not_before.as_str() > NOW_ISO {
                expected.push(WarningKind::NotYetValid);
            }
            if bits.is_some_and(|b| b < 2048) {
                expected.push(WarningKind::WeakRsaKey);
            }
            if sig.starts_with("sha1With") || sig == "ecdsa-with-SHA1" {
                expected.push(WarningKind::Sha1Signature);
            }
            assert_eq!(
                kinds, expected,
                "{name} record {} ({not_before} .. {not_after}, {bits:?}, {sig})",
                rc.index
            );
            for w in &rc.warnings {
                seen.insert(w.kind());
                match w {
                    Warning::Expired {
                        not_before: b,
                        not_after: a,
                    }
                    | Warning::NotYetValid {
                        not_before: b,
                        not_after: a,
                    } => {
                        assert_eq!(*b, unix_time(&not_before), "{name}");
                        assert_eq!(*a, unix_time(&not_after), "{name}");
                    }
                    Warning::WeakRsaKey { source, bits: b } => {
                        assert_eq!(*source, KeySource::Certificate);
                        assert_eq!(Some(*b), bits, "{name}");
                    }
                    Warning::Sha1Signature { certificate } => {
                        assert_eq!(certificate.signature_algorithm_name, sig, "{name}");
                    }
                    _ => {}
                }
            }
        }
    }
    // The vectors exercise expired (real CTL), not-yet-valid (third party, made
    // in late 2026), RSA-1024 and SHA-1 signed certificates.
    for k in [
        WarningKind::Expired,
        WarningKind::NotYetValid,
        WarningKind::WeakRsaKey,
        WarningKind::Sha1Signature,
    ] {
        assert!(seen.contains(&k), "no {k:?} warning seen");
    }
}

#[test]
fn hash_only_records_warn_about_small_keys_from_publickey() {
    let bytes = read_vector("own/ITLSEP0011215A1AE3-sbd-replica.tlv");
    let tl = TrustList::parse(&bytes).unwrap();
    let report = check_certificates(&tl, NOW);
    // TVS is RSA-2048, CAPF RSA-1024 (both hash-only).
    assert!(report.records[2].warnings.is_empty());
    let w = &report.records[3].warnings;
    assert_eq!(w.len(), 1);
    assert_eq!(
        w[0],
        Warning::WeakRsaKey {
            source: KeySource::PublicKey,
            bits: 1024
        }
    );
}

/// The replica with one value of record 1 changed.
fn replica_with(tag: u8, change: impl Fn(&mut Vec<u8>)) -> Vec<u8> {
    let bytes = read_vector("own/ITLSEP0011215A1AE3-sbd-replica.tlv");
    let mut tl = TrustList::parse(&bytes).unwrap().to_editable();
    let rec = &mut tl.records_mut()[0];
    let e = rec
        .elements_mut()
        .iter_mut()
        .skip(1)
        .find(|e| e.tag() == tag)
        .unwrap();
    let mut v = e.value().unwrap().to_vec();
    change(&mut v);
    e.set_value(v);
    tl.to_bytes_fixed().unwrap()
}

fn failed_checks(bytes: &[u8]) -> Vec<(&'static str, CheckDetail)> {
    let tl = TrustList::parse(bytes).unwrap();
    let report = check_certificates(&tl, NOW);
    assert!(!report.passed());
    report.records[0]
        .checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| (c.name(), c.detail.clone()))
        .collect()
}

#[test]
fn each_disagreement_is_reported() {
    let f = failed_checks(&replica_with(3, |v| {
        *v = b"CN=Someone Else;OU=TAC\0".to_vec()
    }));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].0, "subject_name");
    assert!(
        matches!(&f[0].1, CheckDetail::NameDiffers { stored, certificate }
            if stored == "CN=Someone Else;OU=TAC" && certificate.subject.starts_with("CN=CUCM8-Publisher")),
        "{:?}",
        f[0].1
    );
    let f = failed_checks(&replica_with(5, |v| *v = b"CN=JASBURNS-AD2\0".to_vec()));
    assert_eq!(f[0].0, "issuer_name");
    let f = failed_checks(&replica_with(6, |v| v[0] ^= 1));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].0, "serial_number");
    assert!(
        matches!(&f[0].1, CheckDetail::SerialDiffers { stored, certificate }
            if hex::encode(stored) == "21d4cedc0e94e7800005"
                && hex::encode(&certificate.serial) == "20d4cedc0e94e7800005"),
        "{:?}",
        f[0].1
    );
    let f = failed_checks(&replica_with(7, |v| v[20] ^= 1));
    assert_eq!(f[0].0, "public_key");
    let f = failed_checks(&replica_with(8, |v| v.truncate(100)));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].0, "signature");
    assert!(
        matches!(&f[0].1, CheckDetail::BytesDiffer { stored_len: 100, certificate }
            if certificate.signature.len() == 256),
        "{:?}",
        f[0].1
    );
    let f = failed_checks(&replica_with(9, |v| v[0] = 0x31));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].0, "certificate");
    assert!(
        matches!(f[0].1, CheckDetail::DoesNotParse(_)),
        "{:?}",
        f[0].1
    );

    // A serial written with a DER sign byte still matches.
    let ok = replica_with(6, |v| v.insert(0, 0));
    assert!(check_certificates(&TrustList::parse(&ok).unwrap(), NOW).passed());
}

#[test]
fn certhash_next_to_a_certificate_is_checked() {
    let bytes = read_vector("own/ITLSEP0011215A1AE3-sbd-replica.tlv");
    let der = TrustList::parse(&bytes).unwrap().records()[0]
        .certificate()
        .unwrap()
        .to_vec();
    let sha1 = unhex(openssl_sha1_fingerprint(&vector_path(
        "own/keys/publisher.crt",
    )));
    let sha256 = {
        let out = String::from_utf8(openssl(&[
            "x509",
            "-in",
            &vector_path("own/keys/publisher.crt"),
            "-noout",
            "-fingerprint",
            "-sha256",
        ]))
        .unwrap();
        unhex(out.trim().rsplit('=').next().unwrap().replace(':', ""))
    };
    assert_eq!(der.len(), 1442);
    let with_hash = |hash: Vec<u8>, alg: u8| {
        let mut tl = TrustList::parse(&bytes).unwrap().to_editable();
        let rec = &mut tl.records_mut()[0];
        rec.elements_mut().push(Element::new_value(11, hash));
        rec.elements_mut().push(Element::new_value(12, vec![alg]));
        let out = tl.to_bytes_fixed().unwrap();
        let tl = TrustList::parse(&out).unwrap();
        check_record(1, &tl.records()[0], NOW)
            .checks
            .into_iter()
            .find(|c| c.kind == CheckKind::CertHash)
            .unwrap()
    };
    assert!(with_hash(sha1.clone(), 1).passed);
    assert!(with_hash(sha256.clone(), 2).passed);
    let c = with_hash(sha256.clone(), 1);
    assert!(!c.passed);
    assert_eq!(
        c.detail,
        CheckDetail::CertHashDiffers {
            algorithm: DigestAlgorithm::SHA1,
            stored: sha256,
            computed: sha1.clone(),
        }
    );
    let c = with_hash(sha1, 7);
    assert!(!c.passed);
    assert_eq!(
        c.detail,
        CheckDetail::UnknownHashAlgorithm {
            algorithm: DigestAlgorithm(7)
        }
    );
}

#[test]
fn a_file_over_64_kib_gets_a_file_warning() {
    let publisher = load_certificate(&read_vector("own/keys/publisher.crt")).unwrap();
    let key = SigningKey::from_pem_or_der(&read_vector("own/keys/publisher.key")).unwrap();
    let mut b = Builder::new(publisher.clone(), key);
    for _ in 0..34 {
        b = b.record(Role::CCM, publisher.clone());
    }
    let bytes = b.record(Role::SAST, publisher).build().unwrap();
    assert!(bytes.len() > 65_536, "{}", bytes.len());
    let report = check_certificates(&TrustList::parse(&bytes).unwrap(), NOW);
    assert_eq!(report.warnings.len(), 1);
    assert_eq!(
        report.warnings[0],
        Warning::FileTooLarge { size: bytes.len() }
    );
}
