#!/usr/bin/env python3
"""Generate and check itltool's signed-file test vectors (testvectors/signed/).

Run from anywhere:  python3 testvectors/signed/make_signed_vectors.py [--check]

Independent of the Rust code (it never imports or calls it): the files are laid out
from FORMAT-NOTES ("Signed files", "Encrypted configs") with the small TLV writer
below, signed and encrypted with the Python `cryptography` package, and each one is
read back with the small reader below and checked (signature verified with
`cryptography`, the .enc.sgn decrypted again) before its sidecar is written.

What it makes
  keys/        TEST-ONLY RSA-2048 keys and self-signed certificates, generated once
               (if missing) and then reused: ccmtftp (a TFTP node's CallManager
               certificate), tftp (a TFTP-only node), itlrecovery (SAST only),
               tvs, stranger (in no trust list), device (a phone's LSC).
  ITLFile.tlv  the phone's ITL: 1 SAST itlrecovery (the ITL signer), 2 CCM+TFTP
               ccmtftp, 3 TFTP tftp, 4 TVS tvs (CERTHASH only).
  payloads/    the payloads signed (XML config, binary, empty).
  *.sgn        signed files (see the table in README.md), each with a .sgn.json
               sidecar of expected facts.
  SEP001122334455.cnf.xml.enc.sgn  encrypted for keys/device.crt.

Reruns are byte-identical: keys are reused, timestamps fixed, RSA PKCS#1 v1.5
signatures are deterministic, and the .enc.sgn uses a fixed AES key and IV and
fixed non-zero padding bytes for its PKCS#1 v1.5 key encryption (built here with
the raw RSA operation so that it is reproducible; `cryptography` decrypts it back
as a check).

--check writes nothing; it exits 1 if any file on disk differs.
"""

import argparse
import datetime
import hashlib
import json
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.x509.oid import NameOID

HERE = Path(__file__).resolve().parent
TIMESTAMP = 1767225600  # 2026-01-01 00:00:00 UTC
DIGESTS = {1: ("SHA-1", hashes.SHA1, hashlib.sha1), 2: ("SHA-256", hashes.SHA256, hashlib.sha256),
           3: ("SHA-512", hashes.SHA512, hashlib.sha512)}
ROLE = {"SAST": 0, "CCM+TFTP": 2, "TFTP": 3, "TVS": 21}


class Output:
    def __init__(self, check):
        self.check = check
        self.differs = []

    def put(self, path, data):
        old = path.read_bytes() if path.exists() else None
        if old == data:
            return
        if self.check:
            self.differs.append(path)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def put_json(self, path, obj):
        self.put(path, (json.dumps(obj, indent=2) + "\n").encode())


def facts(data):
    return {"size": len(data), "md5": hashlib.md5(data).hexdigest(),
            "sha1": hashlib.sha1(data).hexdigest(), "sha256": hashlib.sha256(data).hexdigest()}


# ---------------------------------------------------------------------------------------------
# Keys and certificates (TEST-ONLY), made once
# ---------------------------------------------------------------------------------------------

def cucm_name(cn):
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
        x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "North Carolina"),
        x509.NameAttribute(NameOID.LOCALITY_NAME, "RTP"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Cisco"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "TAC"),
        x509.NameAttribute(NameOID.COMMON_NAME, cn),
    ])


KEYS = {  # name: (CN, serial)
    "ccmtftp": ("cucm-pub.signed.lab", 0x5A11C0FFEE01),
    "tftp": ("cucm-tftp2.signed.lab", 0x5A11C0FFEE02),
    "itlrecovery": ("ITLRECOVERY_cucm-pub.signed.lab", 0x5A11C0FFEE03),
    "tvs": ("cucm-pub.signed.lab", 0x5A11C0FFEE04),
    "stranger": ("cucm-other.signed.lab", 0x5A11C0FFEE05),
    "device": ("SEP001122334455", 0x5A11C0FFEE06),
}


def load_or_make_key(name, out):
    key_path, crt_path = HERE / "keys" / f"{name}.key", HERE / "keys" / f"{name}.crt"
    if key_path.exists() and crt_path.exists():
        key = serialization.load_pem_private_key(key_path.read_bytes(), None)
        cert = x509.load_pem_x509_certificate(crt_path.read_bytes())
        return key, cert
    if out.check:
        sys.exit(f"{key_path} missing: run without --check first")
    cn, serial = KEYS[name]
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = cucm_name(cn)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(serial)
            .not_valid_before(datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc))
            .not_valid_after(datetime.datetime(2045, 1, 1, tzinfo=datetime.timezone.utc))
            .sign(key, hashes.SHA256()))
    out.put(key_path, key.private_bytes(serialization.Encoding.PEM,
                                        serialization.PrivateFormat.TraditionalOpenSSL,
                                        serialization.NoEncryption()))
    out.put(crt_path, cert.public_bytes(serialization.Encoding.PEM))
    return key, cert


def name_text(name):
    """CUCM style: CN;OU;O;L;ST;C, as CUCM writes names."""
    order = [NameOID.COMMON_NAME, NameOID.ORGANIZATIONAL_UNIT_NAME, NameOID.ORGANIZATION_NAME,
             NameOID.LOCALITY_NAME, NameOID.STATE_OR_PROVINCE_NAME, NameOID.COUNTRY_NAME]
    short = {NameOID.COMMON_NAME: "CN", NameOID.ORGANIZATIONAL_UNIT_NAME: "OU",
             NameOID.ORGANIZATION_NAME: "O", NameOID.LOCALITY_NAME: "L",
             NameOID.STATE_OR_PROVINCE_NAME: "ST", NameOID.COUNTRY_NAME: "C"}
    return ";".join(f"{short[o]}={a.value}" for o in order for a in name.get_attributes_for_oid(o))


def serial_bytes(cert):
    n = cert.serial_number
    return n.to_bytes(max(1, (n.bit_length() + 7) // 8), "big")


# ---------------------------------------------------------------------------------------------
# TLV writer
# ---------------------------------------------------------------------------------------------

def tlv(tag, value):
    assert len(value) < 65536
    return bytes([tag]) + len(value).to_bytes(2, "big") + value


def cstr(s):
    return s.encode() + b"\0"


def signed_layout(cert, key, filename, digest, payload, version=(1, 0), extra=b""):
    """Header 1,2,3{4,5,6},7{8,9{10,11}},12,14,15,[extra],13... then the payload; signed."""
    sig_len = key.key_size // 8
    modulus = {512: 0, 1024: 1, 2048: 2, 4096: 3}[key.key_size]
    signer = tlv(3, tlv(4, cstr(name_text(cert.subject))) + tlv(5, serial_bytes(cert))
                 + tlv(6, cstr(name_text(cert.issuer))))
    siginfo = tlv(7, tlv(8, bytes([digest])) + tlv(9, tlv(10, b"\0") + tlv(11, bytes([modulus]))))
    tail = tlv(14, cstr(filename)) + tlv(15, TIMESTAMP.to_bytes(4, "big")) + extra
    body = signer + siginfo + (3 + sig_len) * b"?" + tail
    unpadded = 5 + 5 + len(body)
    pad = (4 - unpadded % 4) % 4
    hl = unpadded + pad
    head = tlv(1, bytes(version)) + tlv(2, hl.to_bytes(2, "big")) + signer + siginfo
    rest = tail + b"\x0d" * pad
    signed = head + rest + payload
    sig = key.sign(signed, padding.PKCS1v15(), DIGESTS[digest][1]())
    assert len(sig) == sig_len
    return head + tlv(12, sig) + rest + payload


# ---------------------------------------------------------------------------------------------
# Reader (cross-check only)
# ---------------------------------------------------------------------------------------------

def u16(b, o):
    return (b[o] << 8) | b[o + 1]


def read_header(d):
    """Return (header_length, {tag: (offset, value)}), stepping into 3, 7, 9, 16, 17, 21."""
    found = {}

    def walk(pos, end, top):
        while pos < end:
            if top and d[pos] == 13:
                pos += 1
                continue
            if pos + 3 > end:
                raise ValueError(pos)
            tag, ln = d[pos], u16(d, pos + 1)
            if pos + 3 + ln > end:
                raise ValueError(pos)
            found[tag] = (pos, d[pos + 3:pos + 3 + ln])
            if tag in (3, 7, 9, 16, 17, 21):
                walk(pos + 3, pos + 3 + ln, False)
            pos += 3 + ln

    if len(d) < 10 or d[0] != 1 or d[5] != 2:
        raise ValueError(0)
    hl = u16(d, 8)
    if hl > len(d):
        raise ValueError(5)
    walk(0, hl, True)
    return hl, found


def check_signature(d, cert):
    hl, f = read_header(d)
    off, sig = f[12]
    signed = d[:off] + d[off + 3 + len(sig):]
    try:
        cert.public_key().verify(sig, signed, padding.PKCS1v15(), DIGESTS[f[8][1][0]][1]())
        return True
    except Exception:
        return False


# ---------------------------------------------------------------------------------------------
# Encryption (.enc.sgn)
# ---------------------------------------------------------------------------------------------

def pkcs1v15_encrypt_fixed(pub, message, seed):
    """EME-PKCS1-v1_5 with padding bytes derived from `seed` (reproducible), raw RSA."""
    k = pub.key_size // 8
    ps = b""
    counter = 0
    while len(ps) < k - 3 - len(message):
        block = hashlib.sha256(seed + counter.to_bytes(4, "big")).digest()
        ps += bytes(b for b in block if b != 0)
        counter += 1
    em = b"\x00\x02" + ps[:k - 3 - len(message)] + b"\x00" + message
    n, e = pub.public_numbers().n, pub.public_numbers().e
    return pow(int.from_bytes(em, "big"), e, n).to_bytes(k, "big")


def encrypt_block(plain, device_cert, device_key, digest, aes_key, iv):
    pad = 16 - len(plain) % 16
    enc = Cipher(algorithms.AES(aes_key), modes.CBC(iv)).encryptor()
    ciphertext = enc.update(plain + b"\r" * pad) + enc.finalize()
    wrapped = pkcs1v15_encrypt_fixed(device_cert.public_key(), aes_key, b"itltool-test" + iv)
    assert device_key.decrypt(wrapped, padding.PKCS1v15()) == aes_key
    block = tlv(16, tlv(17, tlv(18, b"\0") + tlv(19, iv) + tlv(20, pad.to_bytes(2, "big")))
                + tlv(21, tlv(22, b"\0") + tlv(23, (128).to_bytes(2, "big")) + tlv(24, b"\x01")
                      + tlv(25, wrapped)))
    block += tlv(26, bytes([digest])) + tlv(27, DIGESTS[digest][2](plain).digest())
    return block, ciphertext, pad, wrapped


def decrypt(d, device_key):
    hl, f = read_header(d)
    aes_key = device_key.decrypt(f[25][1], padding.PKCS1v15())
    dec = Cipher(algorithms.AES(aes_key), modes.CBC(f[19][1])).decryptor()
    plain = dec.update(d[hl:]) + dec.finalize()
    plain = plain[:len(plain) - u16(f[20][1], 0)]
    assert DIGESTS[f[26][1][0]][2](plain).digest() == f[27][1]
    return plain


# ---------------------------------------------------------------------------------------------
# The ITL the signed files are checked against
# ---------------------------------------------------------------------------------------------

def record(role, cert, hash_only=False):
    der = cert.public_bytes(serialization.Encoding.DER)
    pub_der = cert.public_key().public_bytes(serialization.Encoding.DER,
                                             serialization.PublicFormat.PKCS1)
    body = (tlv(2, b"\0\0") + tlv(3, cstr(name_text(cert.subject)))
            + tlv(4, ROLE[role].to_bytes(2, "big")) + tlv(5, cstr(name_text(cert.issuer)))
            + tlv(6, serial_bytes(cert)) + tlv(7, pub_der) + tlv(8, cert.signature))
    if hash_only:
        body += tlv(11, hashlib.sha1(der).digest()) + tlv(12, b"\x01")
    else:
        body += tlv(9, der)
    return tlv(1, (len(body) + 5).to_bytes(2, "big")) + body


def make_itl(keys):
    recs = [("SAST", "itlrecovery", False), ("CCM+TFTP", "ccmtftp", False),
            ("TFTP", "tftp", False), ("TVS", "tvs", True)]
    payload = b"".join(record(role, keys[k][1], h) for role, k, h in recs)
    key, cert = keys["itlrecovery"]
    data = signed_layout(cert, key, "ITLFile.tlv", 1, payload, version=(1, 2))
    hl, f = read_header(data)
    assert check_signature(data, cert)
    rec_facts = []
    pos = hl
    for role, k, h in recs:
        c = keys[k][1]
        rl = u16(data, pos + 3)
        der = c.public_bytes(serialization.Encoding.DER)
        rec_facts.append({
            "offset": pos, "length": rl, "subject": name_text(c.subject),
            "function_code": ROLE[role], "serial": serial_bytes(c).hex(),
            "cert_sha1": None if h else hashlib.sha1(der).hexdigest(),
            "cert_hash": hashlib.sha1(der).hexdigest() if h else None,
        })
        pos += rl
    assert pos == len(data)
    side = {"source": "testvectors/signed/make_signed_vectors.py: the ITL the .sgn vectors are "
                      "checked against (SAST itlrecovery signs it)",
            **facts(data), "header_length": hl, "version": "1.2", "digest": "SHA-1",
            "signer_serial": serial_bytes(cert).hex(), "signer_name": name_text(cert.subject),
            "filename": "ITLFile.tlv", "timestamp": TIMESTAMP, "signature_valid": True,
            "signer_record": 1, "records": rec_facts}
    return data, side


# ---------------------------------------------------------------------------------------------
# The vectors
# ---------------------------------------------------------------------------------------------

XML = (b'<?xml version="1.0" encoding="UTF-8"?>\n<device xsi:type="axl:XIPPhone" ctiid="42">\n'
       b'  <fullConfig>true</fullConfig>\n  <deviceProtocol>SIP</deviceProtocol>\n'
       b'  <loadInformation>sip88xx.14-2-1-0001-14</loadInformation>\n'
       b'  <devicePool><name>Default</name></devicePool>\n</device>\n')
# Starts like a trust-list record (01 00 02): only FILENAME tells it is a signed file.
BINARY = bytes([1, 0, 2, 0, 0x40]) + bytes((i * 37 + 11) % 256 for i in range(1019))
PAYLOADS = {"xml": ("SEP001122334455.cnf.xml", XML, "payloads/SEP001122334455.cnf.xml"),
            "bin": ("Desktops/320x196x4/List.bin", BINARY, "payloads/List.bin"),
            "empty": ("empty.txt", b"", "payloads/empty.txt")}
SHORT = {1: "sha1", 2: "sha256", 3: "sha512"}


def sgn_side(data, source, payload_file, cert_file, trusted, failure, signer_record=None,
             signer_role=None, signature_valid=True):
    hl, f = read_header(data)
    return {
        "source": source, "kind": "encrypted-signed" if 16 in f else "signed", **facts(data),
        "header_length": hl, "version": f"{f[1][1][0]}.{f[1][1][1]}",
        "digest": DIGESTS[f[8][1][0]][0], "signer_serial": f[5][1].hex(),
        "signer_name": f[4][1].split(b"\0")[0].decode(),
        "signer_issuer": f[6][1].split(b"\0")[0].decode(),
        "filename": f[14][1].split(b"\0")[0].decode(),
        "timestamp": int.from_bytes(f[15][1], "big"),
        "payload_offset": hl, "payload_length": len(data) - hl,
        "payload_sha1": hashlib.sha1(data[hl:]).hexdigest(), "payload_file": payload_file,
        "certificate": cert_file, "signature_valid": signature_valid,
        "trust_lists": ["ITLFile.tlv"], "trusted": trusted, "failure": failure,
        "signer_record": signer_record, "signer_role": signer_role,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    out = Output(ap.parse_args().check)
    keys = {n: load_or_make_key(n, out) for n in KEYS}
    itl, itl_side = make_itl(keys)
    out.put(HERE / "ITLFile.tlv", itl)
    out.put_json(HERE / "ITLFile.tlv.json", itl_side)
    for _, payload, path in PAYLOADS.values():
        out.put(HERE / path, payload)

    def emit(name, data, side):
        out.put(HERE / name, data)
        out.put_json(HERE / (name + ".json"), side)

    src = "testvectors/signed/make_signed_vectors.py: "
    # Every payload x every digest, signed by the CCM+TFTP certificate: trusted.
    for pk, (fname, payload, pfile) in PAYLOADS.items():
        for digest in (1, 2, 3):
            key, cert = keys["ccmtftp"]
            data = signed_layout(cert, key, fname + ".sgn", digest, payload)
            assert check_signature(data, cert)
            name = f"{fname.split('/')[-1]}-{SHORT[digest]}-ccmtftp.sgn"
            emit(name, data, sgn_side(data, src + f"{pk} payload, {DIGESTS[digest][0]}, "
                                      "signed by the CCM+TFTP certificate", pfile,
                                      "keys/ccmtftp.crt", True, None, 2, 2))
    fname, payload, pfile = PAYLOADS["xml"]
    # Other signers.
    for who, trusted, failure, rec, role in [("tftp", True, None, 3, 3),
                                             ("itlrecovery", False, "signer-not-tftp", 1, 0),
                                             ("stranger", False, "signer-not-found", None, None)]:
        key, cert = keys[who]
        data = signed_layout(cert, key, fname + ".sgn", 1, payload)
        assert check_signature(data, cert)
        emit(f"{fname}-sha1-{who}.sgn", data,
             sgn_side(data, src + f"XML payload, SHA-1, signed by {who}", pfile,
                      f"keys/{who}.crt", trusted, failure, rec, role))
    # Damaged copies of the SHA-256 CCM+TFTP file.
    key, cert = keys["ccmtftp"]
    good = signed_layout(cert, key, fname + ".sgn", 2, payload)
    hl, f = read_header(good)
    bad = bytearray(good)
    bad[hl + 40] ^= 0x01  # a bit of the payload
    bad = bytes(bad)
    assert not check_signature(bad, cert)
    emit(f"{fname}-tampered-payload.sgn", bad,
         sgn_side(bad, src + "the SHA-256 CCM+TFTP file with bit 0 of payload byte 40 flipped",
                  None, "keys/ccmtftp.crt", False, "mismatch", None, None, False))
    bad = bytearray(good)
    ts = f[15][0] + 3
    bad[ts + 3] ^= 0x01  # TIMESTAMP one second off
    bad = bytes(bad)
    assert not check_signature(bad, cert)
    emit(f"{fname}-tampered-header.sgn", bad,
         sgn_side(bad, src + "the SHA-256 CCM+TFTP file with its TIMESTAMP changed by one second",
                  pfile, "keys/ccmtftp.crt", False, "mismatch", None, None, False))
    cut = good[:-7]
    assert not check_signature(cut, cert)
    emit(f"{fname}-truncated.sgn", cut,
         sgn_side(cut, src + "the SHA-256 CCM+TFTP file without its last 7 bytes", None,
                  "keys/ccmtftp.crt", False, "mismatch", None, None, False))
    sig_off = f[12][0]
    cut = good[:sig_off + 100]
    emit(f"{fname}-truncated-header.sgn", cut, {
        "source": src + "the SHA-256 CCM+TFTP file cut inside its SIGNATURE element", **facts(cut),
        "error_offset": 5, "error_contains": ["header", "HEADERLENGTH"],
        "why": f"HEADERLENGTH ({hl}) is past the end of the {len(cut)}-byte file"})
    # Encrypted for the device.
    dkey, dcert = keys["device"]
    aes_key = bytes.fromhex("000102030405060708090a0b0c0d0e0f")
    iv = bytes.fromhex("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf")
    block, ciphertext, pad, wrapped = encrypt_block(XML, dcert, dkey, 1, aes_key, iv)
    data = signed_layout(cert, key, fname + ".enc.sgn", 1, ciphertext, version=(2, 0),
                         extra=block)
    assert check_signature(data, cert)
    assert decrypt(data, dkey) == XML
    side = sgn_side(data, src + "the XML config encrypted for keys/device.crt (AES-128-CBC, fixed "
                    "key and IV), SHA-1, signed by the CCM+TFTP certificate", None,
                    "keys/ccmtftp.crt", True, None, 2, 2)
    side["encryption"] = {
        "iv": iv.hex(), "pad_count": pad, "key_bits": 128, "algorithm": 1,
        "encrypted_key_sha1": hashlib.sha1(wrapped).hexdigest(), "hash_algorithm": "SHA-1",
        "plaintext_hash": hashlib.sha1(XML).hexdigest(), "aes_key": aes_key.hex(),
        "device_key": "keys/device.key", "device_certificate": "keys/device.crt",
        "plaintext_file": pfile,
    }
    emit(fname + ".enc.sgn", data, side)

    if out.differs:
        print("differs:", *[str(p.relative_to(HERE)) for p in out.differs], sep="\n  ")
        sys.exit(1)
    print("signed vectors ok")


if __name__ == "__main__":
    main()
