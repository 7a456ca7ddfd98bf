#!/usr/bin/env python3
"""Write N distinct RSA-2048 / SHA-1 signed ITL files for the bulk benchmark.

    python3 scripts/perf/make_bulk.py [--count 2000] [--distinct] OUTDIR

Each file is an ITLSEP<MAC>.tlv in the CUCM layout (header 1, 2, 3{4,5,6},
7{8, 9{10,11}}, 12, 14, 15, padding; records SAST, CCM+TFTP, TVS, CAPF) signed
with the TEST key testvectors/own/keys/tvs.key (RSA-2048, self-signed), so
`itltool verify` finds the signer by serial and issuer. Files differ in MAC
(file name) and time stamp, so every signature is different. About 5.9 KB each.
The first file is checked with the openssl command line.

With --distinct every file has its own keys and certificates instead: a new
RSA-2048 key signs the file and sits in its own self-signed certificate (SAST
and CCM+TFTP records), and the CAPF record's hash is that of a second new
certificate (own RSA-1024 key), so no two files share a key or a certificate
(a fleet of different clusters, or a worst case for any per-key caching).
Key generation takes a while (both cores are used).

Needs python3 with the `cryptography` package (pip install cryptography).
"""
import argparse
import datetime
import hashlib
import multiprocessing
import pathlib
import struct
import subprocess
import sys
import tempfile

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

ROOT = pathlib.Path(__file__).resolve().parents[2]
KEYS = ROOT / "testvectors" / "own" / "keys"


def el(tag, value):
    assert len(value) <= 0xFFFF
    return bytes([tag]) + struct.pack(">H", len(value)) + value


def nul(s):
    return s.encode() + b"\0"


def cucm_dn(name):
    """CUCM's form: most specific first, `;`-separated (CN=…;OU=…;…;C=US)."""
    return ";".join(rdn.rfc4514_string() for rdn in reversed(name.rdns))


def serial_bytes(cert):
    n = cert.serial_number
    return n.to_bytes((n.bit_length() + 7) // 8, "big")


def record(function, cert, with_cert):
    der = cert.public_bytes(serialization.Encoding.DER)
    pkcs1 = cert.public_key().public_bytes(serialization.Encoding.DER,
                                           serialization.PublicFormat.PKCS1)
    body = (el(2, b"\0\0") + el(3, nul(cucm_dn(cert.subject)))
            + el(4, struct.pack(">H", function))
            + el(5, nul(cucm_dn(cert.issuer))) + el(6, serial_bytes(cert))
            + el(7, pkcs1) + el(8, cert.signature))
    if with_cert:
        body += el(9, der)
    else:
        body += el(11, hashlib.sha1(der).digest()) + el(12, b"\x01")
    return el(1, struct.pack(">H", 5 + len(body))) + body


def build(key, signer, capf, mac, timestamp, records):
    def header(header_len, signature):
        h = (el(1, b"\x01\x02") + el(2, struct.pack(">H", header_len))
             + el(3, el(4, nul(cucm_dn(signer.subject))) + el(5, serial_bytes(signer))
                  + el(6, nul(cucm_dn(signer.issuer))))
             + el(7, el(8, b"\x01") + el(9, el(10, b"\x00") + el(11, b"\x02")))
             + el(12, signature)
             + el(14, nul(f"ITLSEP{mac:012X}.tlv")) + el(15, struct.pack(">I", timestamp)))
        return h + b"\x0d" * (-len(h) % 4)

    placeholder = bytes(256)
    header_len = len(header(0, placeholder))
    unsigned = header(header_len, placeholder)
    sig_at = unsigned.index(el(12, placeholder))
    signed = unsigned[:sig_at] + unsigned[sig_at + 3 + 256:] + records
    signature = key.sign(signed, padding.PKCS1v15(), hashes.SHA1())
    return header(header_len, signature) + records, signed, signature


def openssl_check(signer, signed, signature):
    with tempfile.TemporaryDirectory() as d:
        d = pathlib.Path(d)
        (d / "pub.pem").write_bytes(signer.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
        (d / "signed").write_bytes(signed)
        (d / "sig").write_bytes(signature)
        r = subprocess.run(["openssl", "dgst", "-sha1", "-verify", d / "pub.pem",
                            "-signature", d / "sig", d / "signed"],
                           capture_output=True, text=True)
        if r.returncode != 0 or "Verified OK" not in r.stdout:
            sys.exit(f"openssl does not verify the first file: {r.stdout}{r.stderr}")


def new_cert(key, cn, serial):
    """A self-signed certificate for `key` in the form of the CUCM test certificates."""
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
        x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "North Carolina"),
        x509.NameAttribute(NameOID.LOCALITY_NAME, "RTP"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Cisco"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "TAC"),
        x509.NameAttribute(NameOID.COMMON_NAME, cn),
    ])
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(serial)
            .not_valid_before(datetime.datetime(2012, 1, 1))
            .not_valid_after(datetime.datetime(2032, 1, 1))
            .sign(key, hashes.SHA256()))


def distinct_file(args):
    """File number i of --distinct: its own signer key and certificates."""
    outdir, i = args
    mac = 0x001122000000 + i
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    capf_key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    signer = new_cert(key, f"cucm-{i}.cluster{i}.lab", 0x2E3E1A7B00000000 + i)
    capf = new_cert(capf_key, f"CAPF-{i:08x}", 0x1000 + i)
    records = (record(0, signer, True) + record(2, signer, True)
               + record(21, signer, False) + record(4, capf, False))
    data, signed, signature = build(key, signer, capf, mac, 1_700_000_000 + i, records)
    if i == 0:
        openssl_check(signer, signed, signature)
    (outdir / f"ITLSEP{mac:012X}.tlv").write_bytes(data)
    return len(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--distinct", action="store_true",
                    help="a new key and certificates for every file")
    ap.add_argument("outdir", type=pathlib.Path)
    args = ap.parse_args()
    args.outdir.mkdir(parents=True, exist_ok=True)
    if args.distinct:
        with multiprocessing.Pool() as pool:
            sizes = pool.map(distinct_file, [(args.outdir, i) for i in range(args.count)],
                             chunksize=16)
        print(f"{args.count} files of {min(sizes)}-{max(sizes)} bytes, "
              f"each with its own keys and certificates, in {args.outdir}")
        return
    key = serialization.load_pem_private_key((KEYS / "tvs.key").read_bytes(), None)
    signer = x509.load_pem_x509_certificate((KEYS / "tvs.crt").read_bytes())
    capf = x509.load_pem_x509_certificate((KEYS / "capf.crt").read_bytes())
    assert key.key_size == 2048
    records = (record(0, signer, True) + record(2, signer, True)
               + record(21, signer, False) + record(4, capf, False))
    for i in range(args.count):
        mac = 0x001122000000 + i
        data, signed, signature = build(key, signer, capf, mac, 1_700_000_000 + i, records)
        if i == 0:
            openssl_check(signer, signed, signature)
        (args.outdir / f"ITLSEP{mac:012X}.tlv").write_bytes(data)
    print(f"{args.count} files of {len(data)} bytes in {args.outdir}")


if __name__ == "__main__":
    main()
