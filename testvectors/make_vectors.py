#!/usr/bin/env python3
"""Generate and check itltool's test vectors.

Run from anywhere:  python3 testvectors/make_vectors.py [--check]

What it does
  1. Shared vectors (real/, thirdparty/): recomputes size, MD5, SHA-1 and SHA-256 of each
     file with hashlib and checks them against EXPECTED.json (a verbatim copy of the shared
     interoperability facts).  It also walks each file with the small strict TLV reader below
     and verifies the RSA file signature with the `cryptography` package, and checks that
     every fact it can derive agrees with EXPECTED.json.  Then it writes `<file>.tlv.json`
     sidecars from EXPECTED.json plus `cert_hash` and `source`.
  2. Own vectors (own/): builds a byte-exact structural replica of the ITL printed in Cisco's
     "Security By Default" troubleshooting note (5438 bytes, header 296, records
     1972/1972/743/455), signs it with a test-only RSA-1024 key, verifies the signature with
     `cryptography` and with the `openssl` command line tool, and writes its sidecar.
  3. Malformed vectors (own/malformed/): small hand-made broken files derived from the
     replica, each with a sidecar giving the byte offset where a strict parser must stop.

Keys under own/keys/ are generated once (if missing) and then reused, so a rerun produces
byte-identical files: certificate dates, serials and the file timestamp are fixed, and RSA
PKCS#1 v1.5 signatures are deterministic.  They are TEST-ONLY keys.

--check writes nothing; it exits 1 if any file on disk differs from what would be written.

This script is independent of the Rust code: it must never import or call it.
"""

import argparse
import datetime
import hashlib
import json
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

HERE = Path(__file__).resolve().parent

# --------------------------------------------------------------------------------------------
# Output handling (write, or compare in --check mode)
# --------------------------------------------------------------------------------------------


class Output:
    def __init__(self, check):
        self.check = check
        self.differs = []
        self.written = []

    def put(self, path, data):
        old = path.read_bytes() if path.exists() else None
        if old == data:
            return
        if self.check:
            self.differs.append(path)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.written.append(path)

    def put_json(self, path, obj):
        self.put(path, (json.dumps(obj, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))


def file_facts(data):
    return {
        "size": len(data),
        "md5": hashlib.md5(data).hexdigest(),
        "sha1": hashlib.sha1(data).hexdigest(),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


# --------------------------------------------------------------------------------------------
# A small, strict reader used only to cross-check facts (not a reference implementation)
#
# Order of checks (the error offsets in the sidecars follow it):
#   header: element at 0 must be VERSION (tag 1), element at 5 HEADERLENGTH (tag 2); the
#           header length must not exceed the file; then every header element up to the
#           header length, stepping into containers 3, 7, 9; bare 0x0D padding at top level.
#           An element whose value runs past its container (or past the header / the file)
#           is reported at the offset of its tag byte.
#   records: first all records are framed by RECORDLENGTH (a record that does not start
#           with tag 1 / length 2, that is shorter than 5 or that runs past the end of the
#           file is reported at the record's first byte), then the elements of each record.
# --------------------------------------------------------------------------------------------

CONTAINERS = {3, 7, 9}
DIGESTS = {1: ("SHA-1", hashes.SHA1), 2: ("SHA-256", hashes.SHA256), 3: ("SHA-512", hashes.SHA512)}


class ParseError(Exception):
    def __init__(self, offset, message):
        super().__init__(f"{message} (offset {offset})")
        self.offset = offset
        self.message = message


def u16(b, o):
    return (b[o] << 8) | b[o + 1]


def read_element(d, pos, end, where):
    """Return (tag, value_start, value_end) of the element at pos inside [.., end)."""
    if pos + 3 > end:
        raise ParseError(pos, f"{where}: element at byte {pos} needs 3 bytes, {end - pos} remain")
    tag, length = d[pos], u16(d, pos + 1)
    if pos + 3 + length > end:
        raise ParseError(pos, f"{where}: tag {tag} at byte {pos} declares length {length}, "
                              f"only {end - pos - 3} bytes remain")
    return tag, pos + 3, pos + 3 + length


def parse_header(d):
    """Return (header_length, {tag: (offset, value)}) with containers flattened."""
    n = len(d)
    tag, vs, ve = read_element(d, 0, n, "header")
    if tag != 1 or ve - vs != 2:
        raise ParseError(0, "header: file does not start with VERSION (tag 1, length 2)")
    tag, vs, ve = read_element(d, 5, n, "header")
    if tag != 2 or ve - vs != 2:
        raise ParseError(5, "header: second element is not HEADERLENGTH (tag 2, length 2)")
    hl = u16(d, vs)
    if hl > n:
        raise ParseError(5, f"header length {hl} exceeds file size {n}")
    found = {}

    def walk(pos, end, top):
        while pos < end:
            if top and d[pos] == 13:
                pos += 1
                continue
            tag, vs, ve = read_element(d, pos, end, "header")
            if tag in found:
                raise ParseError(pos, f"header: duplicate tag {tag} at byte {pos}")
            found[tag] = (pos, d[vs:ve])
            if tag in CONTAINERS:
                try:
                    walk(vs, ve, False)
                except ParseError as e:
                    # A container whose children do not fill it exactly: report the
                    # container, whose length is the one that disagrees.
                    raise ParseError(pos, f"header: container tag {tag} at byte {pos} "
                                          f"disagrees with its contents ({e})") from e
            pos = ve

    walk(0, hl, True)
    return hl, found


def frame_records(d, hl):
    recs = []
    pos, n = hl, len(d)
    while pos < n:
        no = len(recs) + 1
        if pos + 5 > n:
            raise ParseError(pos, f"record {no} at byte {pos} is truncated ({n - pos} bytes)")
        if d[pos] != 1 or u16(d, pos + 1) != 2:
            raise ParseError(pos, f"record {no} at byte {pos} does not start with RECORDLENGTH")
        rl = u16(d, pos + 3)
        if rl < 5:
            raise ParseError(pos, f"record {no} at byte {pos} declares length {rl} (< 5)")
        if pos + rl > n:
            raise ParseError(pos, f"record {no} at byte {pos} declares length {rl} "
                                  f"but only {n - pos} bytes remain")
        recs.append((pos, rl))
        pos += rl
    return recs


def record_elements(d, off, rl, no, lenient=False):
    els = {}
    pos, end = off + 5, off + rl
    while pos < end:
        try:
            tag, vs, ve = read_element(d, pos, end, f"record {no}")
        except ParseError:
            if lenient:
                break
            raise
        els.setdefault(tag, d[vs:ve])
        pos = ve
    return els


def cstr(value):
    return value.split(b"\0", 1)[0].decode("utf-8")


def record_facts(d, off, rl, no, lenient=False):
    els = record_elements(d, off, rl, no, lenient)
    return {
        "offset": off,
        "length": rl,
        "subject": cstr(els[3]) if 3 in els else None,
        "function_code": u16(els[4], 0) if 4 in els else None,
        "serial": els[6].hex() if 6 in els else None,
        "cert_sha1": hashlib.sha1(els[9]).hexdigest() if 9 in els else None,
        "cert_hash": els[11].hex() if 11 in els else None,
    }, els


def derive_facts(d):
    """Everything a strict reader can derive from the bytes (raises ParseError)."""
    hl, h = parse_header(d)
    framed = frame_records(d, hl)
    records, raw = [], []
    for i, (off, rl) in enumerate(framed, 1):
        rec, els = record_facts(d, off, rl, i)
        records.append(rec)
        raw.append(els)
    f = {"header_length": hl, "version": "%d.%d" % tuple(h[1][1])}
    f["digest"] = DIGESTS[h[8][1][0]][0]
    f["signer_serial"] = h[5][1].hex()
    f["signer_name"] = cstr(h[4][1])
    f["filename"] = cstr(h[14][1])
    f["timestamp"] = struct.unpack(">I", h[15][1])[0]
    if 28 in h:
        f["signer_version"] = "%d.%d" % tuple(h[28][1])
    # signer: first record whose serial and issuer match header tags 5 / 6
    signer = None
    for i, els in enumerate(raw, 1):
        if els.get(6) == h[5][1] and (6 not in h or 5 not in els or cstr(els[5]) == cstr(h[6][1])):
            signer = i
            break
    sig_off, sig = h[12]
    signed = d[:sig_off] + d[sig_off + 3 + len(sig):]
    valid = False
    if signer is not None and 9 in raw[signer - 1]:
        cert = x509.load_der_x509_certificate(raw[signer - 1][9])
        try:
            cert.public_key().verify(sig, signed, padding.PKCS1v15(), DIGESTS[h[8][1][0]][1]())
            valid = True
        except Exception:
            valid = False
    f["signature_valid"] = valid
    f["signer_record"] = signer
    f["records"] = records
    return f


# --------------------------------------------------------------------------------------------
# Sidecar layout
# --------------------------------------------------------------------------------------------

HEADER_KEYS = ["header_length", "version", "digest", "signer_serial", "signer_name",
               "filename", "timestamp", "signer_version"]
RECORD_KEYS = ["offset", "length", "subject", "function_code", "serial", "cert_sha1", "cert_hash"]


def ordered_record(r):
    return {k: r[k] for k in RECORD_KEYS}


def valid_sidecar(source, data, facts):
    s = {"source": source}
    s.update(file_facts(data))
    for k in HEADER_KEYS:
        if k in facts:
            s[k] = facts[k]
    s["signature_valid"] = facts["signature_valid"]
    s["signer_record"] = facts["signer_record"]
    s["records"] = [ordered_record(r) for r in facts["records"]]
    return s


# --------------------------------------------------------------------------------------------
# 1. Shared vectors
# --------------------------------------------------------------------------------------------

SHARED_SOURCES = {
    "real/CTLFile-cucm10.tlv":
        "shared interoperability vectors (real/): a CTL written by a real CUCM 10.x cluster "
        "(tokenless CTL, RSA-1024, SHA-1, six records incl. an ITLRECOVERY SAST record)",
    "real/CTLFile-cucm10-corrupted.tlv":
        "shared interoperability vectors (real/): CTLFile-cucm10.tlv after a fuzzer rewrote a "
        "certificate name in record 5; 3 bytes shorter, record 6 is misframed",
    "thirdparty/ITLFile-community.tlv":
        "shared interoperability vectors (thirdparty/): ITL built by a public open-source tool "
        "and served to real phones (tag 28 = 1.0, RSA-2048, 4096-bit APP-SERVER roots)",
    "thirdparty/ITL-sha1.tlv":
        "shared interoperability vectors (thirdparty/): built by the same public tool from "
        "thirdparty/certs/, SHA-1",
    "thirdparty/ITL-sha512-allroles.tlv":
        "shared interoperability vectors (thirdparty/): built by the same public tool from "
        "thirdparty/certs/, SHA-512, every role code, one EC certificate",
    "thirdparty/CTL-sha1-4096.tlv":
        "shared interoperability vectors (thirdparty/): built by the same public tool from "
        "thirdparty/certs/, RSA-4096 SAST signer, SHA-1",
    "thirdparty/ITLSEP-sha512.tlv":
        "shared interoperability vectors (thirdparty/): built by the same public tool from "
        "thirdparty/certs/, per-phone ITLSEP file, SHA-512",
}

# Error location contract for shared files that must fail (EXPECTED.json gives the message).
SHARED_ERRORS = {
    "real/CTLFile-cucm10-corrupted.tlv": {
        "error_offset": 6023,
        "error_contains": ["record 6", "6023"],
        "why": "Records are framed by RECORDLENGTH before their elements are read. Records 1-5 "
               "frame correctly (record 5 ends at 6023 = 4862 + 1161), but the 3 bytes lost in "
               "record 5's certificate shift record 6: at 6023 the bytes are 00 0F 63 63 6D, so "
               "there is no RECORDLENGTH element and the u16 read as its value is 0x636D = "
               "25453 > 1140 bytes left (7163 - 6023). Note: record 5's last element, at 6016 "
               "(tag 0x6A, length 256), also runs past record 5's end; a parser that reads "
               "elements before framing the next record would stop there instead, but "
               "EXPECTED.json reports record 5 (with its certificate SHA-1) and names record 6.",
    },
}


def do_shared(out, expected):
    count = 0
    for rel in sorted(expected):
        exp = expected[rel]
        path = HERE / rel
        data = path.read_bytes()
        got = file_facts(data)
        for k, v in got.items():
            if exp[k] != v:
                raise SystemExit(f"{rel}: {k} is {v}, EXPECTED.json says {exp[k]}")
        if "error" in exp:
            err = SHARED_ERRORS[rel]
            try:
                derive_facts(data)
                raise SystemExit(f"{rel}: expected a parse error, got none")
            except ParseError as e:
                if e.offset != err["error_offset"]:
                    raise SystemExit(f"{rel}: parse error at {e.offset}: {e.message}")
            # the records EXPECTED.json lists before the failure, read leniently
            hl, _ = parse_header(data)
            assert hl == exp["header_length"]
            pos, recs = hl, []
            for i, er in enumerate(exp["records"], 1):
                assert er["offset"] == pos
                r, _ = record_facts(data, pos, u16(data, pos + 3), i, lenient=True)
                recs.append(r)
                pos += r["length"]
            for r, er in zip(recs, exp["records"]):
                for k in er:
                    if r[k] != er[k]:
                        raise SystemExit(f"{rel}: record at {r['offset']}: {k} {r[k]} != {er[k]}")
            s = {"source": SHARED_SOURCES[rel]}
            s.update(got)
            for k in HEADER_KEYS:
                if k in exp:
                    s[k] = exp[k]
            s["error"] = exp["error"]
            s.update(err)
            s["records"] = [ordered_record(r) for r in recs]
        else:
            facts = derive_facts(data)
            for k in exp:
                if k in got:
                    continue
                mine = facts.get(k)
                if k == "records":
                    mine = [{kk: r[kk] for kk in RECORD_KEYS if kk != "cert_hash"} for r in mine]
                    theirs = [{kk: r[kk] for kk in RECORD_KEYS if kk != "cert_hash"}
                              for r in exp[k]]
                else:
                    theirs = exp[k]
                if mine != theirs:
                    raise SystemExit(f"{rel}: {k}: derived {mine!r}, EXPECTED.json {theirs!r}")
            s = valid_sidecar(SHARED_SOURCES[rel], data, facts)
        out.put_json(path.with_name(path.name + ".json"), s)
        count += 1
    return count


# --------------------------------------------------------------------------------------------
# 2. Own vector: replica of the Security By Default ITL
# --------------------------------------------------------------------------------------------

OWN = HERE / "own"
KEYS = OWN / "keys"
UTC = datetime.timezone.utc
NOT_BEFORE = datetime.datetime(2012, 1, 1, tzinfo=UTC)
NOT_AFTER = datetime.datetime(2032, 1, 1, tzinfo=UTC)
TIMESTAMP = int(datetime.datetime(2012, 7, 1, tzinfo=UTC).timestamp())  # 1341100800

PUB_DN = "CN=CUCM8-Publisher.bbbburns.lab;OU=TAC;O=Cisco;L=RTP;ST=North Carolina;C=US"
CA_DN = "CN=JASBURNS-AD"
CAPF_DN = "CN=CAPF-9c4cba7d;OU=TAC;O=Cisco;L=RTP;ST=North Carolina;C=US"
PUB_SERIAL = bytes.fromhex("20D4CEDC0E94E7800005")
TVS_SERIAL = bytes.fromhex("2E3E1A7BDAA64D84")
CAPF_SERIAL = bytes.fromhex("0ADC6E7742914A53")
CA_SERIAL = bytes.fromhex("1C3F5A7E9B2D4F6081A3C5E7092B4D6F")  # our choice; not in the note
PUB_CERT_DER_LEN = 1442
REPLICA = "ITLSEP0011215A1AE3-sbd-replica.tlv"

ROLE_SAST, ROLE_CCM_TFTP, ROLE_CAPF, ROLE_TVS = 0, 2, 4, 21


def el(tag, value):
    assert 0 <= tag <= 255 and len(value) <= 0xFFFF
    return bytes([tag]) + struct.pack(">H", len(value)) + value


def nul(s):
    return s.encode("utf-8") + b"\0"


def be16(v):
    return struct.pack(">H", v)


def load_or_create_key(out, name, bits):
    path = KEYS / f"{name}.key"
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        assert key.key_size == bits, f"{path}: expected RSA-{bits}"
        return key
    if out.check:
        raise SystemExit(f"--check: {path} is missing")
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    out.put(path, key.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()))
    return key


def cucm_name(cn):
    # DER order C, ST, L, O, OU, CN: prints (RFC 4514) as CN=...,OU=TAC,O=Cisco,L=RTP,...
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
        x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "North Carolina"),
        x509.NameAttribute(NameOID.LOCALITY_NAME, "RTP"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Cisco"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "TAC"),
        x509.NameAttribute(NameOID.COMMON_NAME, cn),
    ])


def der_length(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


NETSCAPE_COMMENT = x509.ObjectIdentifier("2.16.840.1.113730.1.13")


def comment_ext(text):
    raw = text.encode("ascii")
    return x509.UnrecognizedExtension(NETSCAPE_COMMENT, b"\x16" + der_length(len(raw)) + raw)


MS_CERT_TEMPLATE_NAME = x509.ObjectIdentifier("1.3.6.1.4.1.311.20.2")


def ms_template_ext(name):
    # Microsoft AD CS "certificate template name" extension, a BMPString (as on CA-issued certs)
    raw = name.encode("utf-16-be")
    return x509.UnrecognizedExtension(MS_CERT_TEMPLATE_NAME, b"\x1e" + der_length(len(raw)) + raw)


def make_cert(subject, issuer, public_key, signing_key, serial, extensions):
    b = (x509.CertificateBuilder()
         .subject_name(subject).issuer_name(issuer).public_key(public_key)
         .serial_number(int.from_bytes(serial, "big"))
         .not_valid_before(NOT_BEFORE).not_valid_after(NOT_AFTER))
    for ext, critical in extensions:
        b = b.add_extension(ext, critical=critical)
    # sha256WithRSAEncryption: `cryptography` refuses SHA-1 certificate signatures. The
    # replica's structure does not depend on it (tag 8 is key-size bytes either way).
    return b.sign(signing_key, hashes.SHA256())


TEST_NOTE = "itltool TEST certificate, test-only key, not issued by Cisco"


def leaf_usage():
    return [
        (x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=True,
                       data_encipherment=True, key_agreement=False, key_cert_sign=False,
                       crl_sign=False, encipher_only=False, decipher_only=False), True),
        (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH,
                                ExtendedKeyUsageOID.CLIENT_AUTH]), False),
    ]


def self_signed(key, cn, serial):
    name = cucm_name(cn)
    exts = [(x509.BasicConstraints(ca=False, path_length=None), False)] + leaf_usage() + [
        (x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False),
        (comment_ext(TEST_NOTE), False),
    ]
    return make_cert(name, name, key.public_key(), key, serial, exts)


def make_ca(ca_key):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "JASBURNS-AD")])
    exts = [
        (x509.BasicConstraints(ca=True, path_length=None), True),
        (x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                       data_encipherment=False, key_agreement=False, key_cert_sign=True,
                       crl_sign=True, encipher_only=False, decipher_only=False), True),
        (x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False),
        (comment_ext(TEST_NOTE), False),
    ]
    return make_cert(name, name, ca_key.public_key(), ca_key, CA_SERIAL, exts)


def make_publisher(pub_key, ca_key, ca_cert):
    """Publisher certificate issued by JASBURNS-AD, padded to exactly 1442 DER bytes."""
    base = [
        *leaf_usage(),
        (x509.SubjectKeyIdentifier.from_public_key(pub_key.public_key()), False),
        (x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False),
        (x509.SubjectAlternativeName([x509.DNSName("CUCM8-Publisher.bbbburns.lab"),
                                      x509.DNSName("CUCM8-Publisher")]), False),
        (x509.CRLDistributionPoints([x509.DistributionPoint(
            full_name=[
                x509.UniformResourceIdentifier(
                    "ldap:///CN=JASBURNS-AD,CN=jasburns-ad,CN=CDP,CN=Public%20Key%20Services,"
                    "CN=Services,CN=Configuration,DC=bbbburns,DC=lab?certificateRevocationList"
                    "?base?objectClass=cRLDistributionPoint"),
                x509.UniformResourceIdentifier(
                    "http://jasburns-ad.bbbburns.lab/CertEnroll/JASBURNS-AD.crl"),
            ], relative_name=None, reasons=None, crl_issuer=None)]), False),
        (ms_template_ext("WebServer"), False),
        (x509.AuthorityInformationAccess([x509.AccessDescription(
            x509.oid.AuthorityInformationAccessOID.CA_ISSUERS,
            x509.UniformResourceIdentifier(
                "ldap:///CN=JASBURNS-AD,CN=AIA,CN=Public%20Key%20Services,CN=Services,"
                "CN=Configuration,DC=bbbburns,DC=lab?cACertificate?base"
                "?objectClass=certificationAuthority"))]), False),
    ]
    # The only knob is the length of a non-critical Netscape comment extension.
    for pad in range(0, 2000):
        text = TEST_NOTE + "; padded to 1442 bytes" + "." * pad
        cert = make_cert(cucm_name("CUCM8-Publisher.bbbburns.lab"), ca_cert.subject,
                         pub_key.public_key(), ca_key, PUB_SERIAL,
                         base + [(comment_ext(text), False)])
        n = len(cert.public_bytes(serialization.Encoding.DER))
        if n == PUB_CERT_DER_LEN:
            return cert
        if n > PUB_CERT_DER_LEN:
            raise SystemExit(f"publisher certificate: cannot pad to {PUB_CERT_DER_LEN} (got {n})")
    raise SystemExit("publisher certificate: padding loop exhausted")


def der(cert):
    return cert.public_bytes(serialization.Encoding.DER)


def pkcs1(key):
    return key.public_key().public_bytes(serialization.Encoding.DER,
                                         serialization.PublicFormat.PKCS1)


def record(elements):
    body = b"".join(el(t, v) for t, v in elements)
    return el(1, be16(5 + len(body))) + body


def openssl_verify(pub_key, signature, signed, digest="-sha1"):
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        (t / "pub.pem").write_bytes(pub_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
        (t / "sig.bin").write_bytes(signature)
        (t / "signed.bin").write_bytes(signed)
        p = subprocess.run(["openssl", "dgst", digest, "-verify", str(t / "pub.pem"),
                            "-signature", str(t / "sig.bin"), str(t / "signed.bin")],
                           capture_output=True, text=True)
        if p.returncode != 0 or "Verified OK" not in p.stdout:
            raise SystemExit(f"openssl could not verify the replica signature: "
                             f"{p.stdout}{p.stderr}")


def build_replica(out):
    ca_key = load_or_create_key(out, "jasburns-ad-ca", 2048)
    pub_key = load_or_create_key(out, "publisher", 1024)
    tvs_key = load_or_create_key(out, "tvs", 2048)
    capf_key = load_or_create_key(out, "capf", 1024)

    ca_cert = make_ca(ca_key)
    pub_cert = make_publisher(pub_key, ca_key, ca_cert)
    tvs_cert = self_signed(tvs_key, "CUCM8-Publisher.bbbburns.lab", TVS_SERIAL)
    capf_cert = self_signed(capf_key, "CAPF-9c4cba7d", CAPF_SERIAL)
    for name, cert in [("jasburns-ad-ca", ca_cert), ("publisher", pub_cert),
                       ("tvs", tvs_cert), ("capf", capf_cert)]:
        out.put(KEYS / f"{name}.crt", cert.public_bytes(serialization.Encoding.PEM))

    # ---- sizes the note pins down
    assert len(nul(PUB_DN)) == 76 and len(nul(CA_DN)) == 15 and len(nul(CAPF_DN)) == 61
    assert len(pkcs1(pub_key)) == 140 and len(pkcs1(capf_key)) == 140
    assert len(pkcs1(tvs_key)) == 270
    assert len(pub_cert.signature) == 256          # issued by the RSA-2048 CA
    assert len(tvs_cert.signature) == 256 and len(capf_cert.signature) == 128
    assert len(der(pub_cert)) == PUB_CERT_DER_LEN

    # ---- records
    pub_record = lambda role: record([
        (2, b"\0\0"), (3, nul(PUB_DN)), (4, be16(role)), (5, nul(CA_DN)), (6, PUB_SERIAL),
        (7, pkcs1(pub_key)), (8, pub_cert.signature), (9, der(pub_cert))])
    r1, r2 = pub_record(ROLE_SAST), pub_record(ROLE_CCM_TFTP)
    tvs_hash = hashlib.sha1(der(tvs_cert)).digest()
    r3 = record([(2, b"\0\0"), (3, nul(PUB_DN)), (4, be16(ROLE_TVS)), (5, nul(PUB_DN)),
                 (6, TVS_SERIAL), (7, pkcs1(tvs_key)), (8, tvs_cert.signature),
                 (11, tvs_hash), (12, b"\x01")])
    capf_hash = hashlib.sha1(der(capf_cert)).digest()
    r4 = record([(2, b"\0\0"), (3, nul(CAPF_DN)), (4, be16(ROLE_CAPF)), (5, nul(CAPF_DN)),
                 (6, CAPF_SERIAL), (7, pkcs1(capf_key)), (8, capf_cert.signature),
                 (11, capf_hash), (12, b"\x01")])
    assert [len(r) for r in (r1, r2, r3, r4)] == [1972, 1972, 743, 455], \
        [len(r) for r in (r1, r2, r3, r4)]

    # ---- header: 1, 2, 3{4,5,6}, 7{8, 9{10,11}}, 12, 14, 15, 13 13
    signerinfo = el(4, nul(PUB_DN)) + el(5, PUB_SERIAL) + el(6, nul(CA_DN))
    assert len(signerinfo) == 110
    siginfo = el(8, b"\x01") + el(9, el(10, b"\x00") + el(11, b"\x01"))  # SHA-1, RSA, 1024
    assert len(siginfo) == 15
    tail = el(14, nul("ITLFile.tlv")) + el(15, struct.pack(">I", TIMESTAMP)) + b"\x0d\x0d"
    sig_len = pub_key.key_size // 8
    header_len = 5 + 5 + 3 + len(signerinfo) + 3 + len(siginfo) + 3 + sig_len + len(tail)
    assert header_len == 296, header_len
    assert header_len % 4 == 0
    lead = el(1, b"\x01\x02") + el(2, be16(header_len)) + el(3, signerinfo) + el(7, siginfo)
    assert len(lead) == 141
    records = r1 + r2 + r3 + r4

    signed = lead + tail + records      # the file without the tag-12 element
    signature = pub_key.sign(signed, padding.PKCS1v15(), hashes.SHA1())
    assert len(signature) == 128
    data = lead + el(12, signature) + tail + records
    assert len(data) == 5438, len(data)
    assert len(lead) + 3 + sig_len + len(tail) == 296

    # ---- independent verification
    pub_cert.public_key().verify(signature, signed, padding.PKCS1v15(), hashes.SHA1())
    ca_cert.public_key().verify(pub_cert.signature, pub_cert.tbs_certificate_bytes,
                                padding.PKCS1v15(), pub_cert.signature_hash_algorithm)
    openssl_verify(pub_cert.public_key(), signature, signed)

    # ---- facts from what we built ...
    offsets, pos = [], header_len
    for r in (r1, r2, r3, r4):
        offsets.append(pos)
        pos += len(r)
    pub_sha1 = hashlib.sha1(der(pub_cert)).hexdigest()
    built = {
        "header_length": header_len, "version": "1.2", "digest": "SHA-1",
        "signer_serial": PUB_SERIAL.hex(), "signer_name": PUB_DN, "filename": "ITLFile.tlv",
        "timestamp": TIMESTAMP, "signature_valid": True, "signer_record": 1,
        "records": [
            {"offset": offsets[0], "length": 1972, "subject": PUB_DN,
             "function_code": ROLE_SAST, "serial": PUB_SERIAL.hex(), "cert_sha1": pub_sha1,
             "cert_hash": None},
            {"offset": offsets[1], "length": 1972, "subject": PUB_DN,
             "function_code": ROLE_CCM_TFTP, "serial": PUB_SERIAL.hex(), "cert_sha1": pub_sha1,
             "cert_hash": None},
            {"offset": offsets[2], "length": 743, "subject": PUB_DN,
             "function_code": ROLE_TVS, "serial": TVS_SERIAL.hex(), "cert_sha1": None,
             "cert_hash": tvs_hash.hex()},
            {"offset": offsets[3], "length": 455, "subject": CAPF_DN,
             "function_code": ROLE_CAPF, "serial": CAPF_SERIAL.hex(), "cert_sha1": None,
             "cert_hash": capf_hash.hex()},
        ],
    }
    # ... must equal the facts read back by the strict reader
    derived = derive_facts(data)
    if derived != built:
        raise SystemExit(f"replica read-back mismatch:\n{derived}\n!=\n{built}")

    out.put(OWN / REPLICA, data)
    out.put_json(OWN / (REPLICA + ".json"), valid_sidecar(
        "built by testvectors/make_vectors.py: structural replica of the ITL shown by `show itl` "
        "in Cisco's CUCM 'Security By Default' troubleshooting note (ITLSEP0011215A1AE3.tlv, "
        "5438 bytes); every element length matches the note, but keys, certificates, "
        "signatures and timestamp are our test-only ones, so the hashes differ from Cisco's "
        "file (note's MD5: b61910bb01d8d3a1c1b36526cc9f2ddc)", data, built))
    return data


# --------------------------------------------------------------------------------------------
# 3. Malformed vectors
# --------------------------------------------------------------------------------------------


def patch(data, offset, new):
    return data[:offset] + new + data[offset + len(new):]


def build_malformed(out, replica):
    # landmarks of the replica (asserted, not assumed)
    assert replica[123] == 7 and u16(replica, 124) == 15 and replica[130] == 9
    r2, r3 = 296 + 1972, 296 + 1972 + 1972
    assert u16(replica, r2 + 3) == 1972 and u16(replica, r3 + 3) == 743
    cut = r3 + 743 // 2   # 4611, inside record 3's PUBLICKEY value

    cases = [
        ("empty.tlv", b"", 0, ["header"],
         "0-byte file: the VERSION element that must start the header at byte 0 is missing "
         "(3 bytes needed, 0 available)."),
        ("three-bytes.tlv", replica[:3], 0, ["header"],
         "only the first 3 bytes of the replica (01 00 02): the VERSION element at byte 0 "
         "declares a 2-byte value but the file ends right after its tag and length."),
        ("header-length-past-eof.tlv", patch(replica[:296], 8, be16(300)), 5,
         ["header", "300"],
         "the replica's 296-byte header alone, with HEADERLENGTH (element at byte 5) set to "
         "300 > file size 296; detected when HEADERLENGTH is read, before the header is walked."),
        ("truncated-in-record3.tlv", replica[:cut], r3, ["record 3", str(r3)],
         f"the replica cut to {cut} bytes, inside record 3's PUBLICKEY value; records 1 and 2 "
         f"frame correctly, record 3 starts at {r3} and declares length 743 but only "
         f"{cut - r3} bytes remain, so the error is at the record's first byte."),
        ("record2-length-4.tlv", patch(replica, r2 + 3, be16(4)), r2, ["record 2", str(r2)],
         f"the replica with record 2's RECORDLENGTH value (bytes {r2 + 3}-{r2 + 4}) set to 4: a "
         f"record cannot be shorter than its own 5-byte RECORDLENGTH element; reported at the "
         f"record's first byte {r2}."),
        ("signatureinfo-length-14.tlv", patch(replica, 124, be16(14)), 123, ["header", "SIGNATUREINFO", "123"],
         "the replica with the SIGNATUREINFO container (tag 7 at byte 123) declaring length 14 "
         "instead of 15, so it spans bytes 126-139. Stepping into it: DIGESTALGORTITHM (tag 8) at "
         "126-129 fits; SIGNATUREALGOINFO (tag 9) at 130 declares 8 bytes, 130+3+8 = 141 > 140, "
         "so the container's length disagrees with its contents. itltool reports a container "
         "mismatch at the container's tag byte 123 (the length that is wrong) and names the child "
         "at 130 in the message."),
    ]
    for name, data, offset, contains, why in cases:
        try:
            derive_facts(data)
            raise SystemExit(f"malformed/{name}: the strict reader accepted it")
        except ParseError as e:
            if e.offset != offset:
                raise SystemExit(f"malformed/{name}: strict reader stops at {e.offset} "
                                 f"({e.message}), sidecar says {offset}")
        path = OWN / "malformed" / name
        out.put(path, data)
        s = {"source": "hand-made by testvectors/make_vectors.py"
                       + ("" if not data else " from own/" + REPLICA)}
        s.update(file_facts(data))
        s.update({"error_offset": offset, "error_contains": contains, "why": why})
        out.put_json(path.with_name(name + ".json"), s)
    return len(cases)


# --------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="write nothing; fail if any generated file differs from disk")
    args = ap.parse_args()
    out = Output(args.check)

    expected = json.loads((HERE / "EXPECTED.json").read_text())
    n_shared = do_shared(out, expected)
    replica = build_replica(out)
    n_bad = build_malformed(out, replica)

    print(f"shared vectors checked: {n_shared}; own: 1 replica ({len(replica)} bytes, "
          f"md5 {hashlib.md5(replica).hexdigest()}); malformed: {n_bad}")
    if args.check:
        for p in out.differs:
            print(f"differs: {p.relative_to(HERE)}")
        sys.exit(1 if out.differs else 0)
    for p in out.written:
        print(f"wrote {p.relative_to(HERE)}")


if __name__ == "__main__":
    main()
