#!/usr/bin/env python3
"""Write hostile ITL/CTL shapes of a given size (default: the 1 MiB input cap).

    python3 scripts/hostile/make_hostile.py [--size BYTES] OUTDIR

Every file has a well-formed header, so a parser has to read all of it; the
shapes are the ones issue 12 names:

  tiny-records.tlv      header + as many minimal 5-byte records (RECORDLENGTH only)
                        as fit: the most records per byte
  many-elements.tlv     records of 65,535 bytes, each full of empty 3-byte elements
                        of unknown tags: the most elements per byte
  max-elements.tlv      records of 65,535 bytes, each one CERTIFICATE of 65,527
                        bytes of garbage, after a header with a 65,000-byte unknown
                        element: the largest values
  unknown-header.tlv    a header of as many empty unknown elements as the element
                        limit leaves after 16 records of one large unknown
                        element filling the file: odd tags everywhere
  tiny-records-max.tlv  as tiny-records, but only as many records as the default
                        element limit (8,192) lets through: the most records a
                        file can have and still be read (about 40 KB)
  many-elements-max.tlv as many-elements, up to the element limit
  sast-keys.tlv         a signed header whose signer no record matches, then SAST
                        records each with a different 4096-bit PUBLICKEY: the most
                        RSA checks per byte for `verify`
  certs.tlv             records each holding a different well-formed (self-made,
                        unsigned) X.509 certificate: the most certificate parses

The script is independent of the Rust code. It writes nothing but OUTDIR.
"""

import argparse
import os
import random
import struct
import sys
from pathlib import Path

CAP = 1024 * 1024
MAX_ELEMENTS = 8192  # itl_core::MAX_ELEMENTS
HEADER_ELEMENTS = 4  # VERSION, HEADERLENGTH, FILENAME, TIMESTAMP (32 bytes, no padding)


def tlv(tag, value):
    assert len(value) <= 0xFFFF
    return bytes([tag]) + struct.pack(">H", len(value)) + value


def header(extra=b"", signed=False):
    """VERSION, HEADERLENGTH, [signer info, signature], FILENAME, TIMESTAMP,
    `extra` elements, padding to 4."""
    body = b""
    if signed:
        body += tlv(3, tlv(4, b"CN=nobody\0") + tlv(5, b"\x01\x02\x03") + tlv(6, b"CN=nobody\0"))
        body += tlv(7, tlv(8, b"\x01") + tlv(9, tlv(10, b"\x00") + tlv(11, b"\x02")))
        body += tlv(12, bytes(256))
    body += tlv(14, b"ITLFile.tlv\0") + tlv(15, struct.pack(">I", 1_700_000_000)) + extra
    unpadded = 5 + 5 + len(body)
    pad = (4 - unpadded % 4) % 4
    total = unpadded + pad
    assert total <= 0xFFFF, total
    return tlv(1, b"\x01\x02") + tlv(2, struct.pack(">H", total)) + body + b"\x0d" * pad


def record(body):
    n = 5 + len(body)
    assert n <= 0xFFFF
    return tlv(1, struct.pack(">H", n)) + body


def fill_tiny(out, size):
    """Pads `out` to exactly `size` with 5-byte records; the last record takes
    what is left (5 to 9 bytes) as one unknown element."""
    left = size - len(out)
    assert left >= 0
    if left == 0:
        return out
    assert left >= 5, left
    n, rest = divmod(left, 5)
    if rest:
        n -= 1
        last = record(tlv(200, bytes(rest + 5 - 8))) if rest + 5 >= 8 else None
        if last is None:  # 5 + rest < 8: split differently
            n -= 1
            last = record(tlv(200, bytes(rest + 10 - 8)))
        return out + record(b"") * n + last
    return out + record(b"") * n


def tiny_records(size):
    return fill_tiny(header(), size)


def many_elements(size):
    out = header()
    tags = [t for t in range(13, 256)]
    while size - len(out) >= 65535:
        body = b"".join(bytes([tags[i % len(tags)], 0, 0]) for i in range(65530 // 3))
        out += record(body)
    return fill_tiny(out, size)


def max_elements(size):
    out = header(extra=tlv(201, bytes([0x41]) * 65000))
    while size - len(out) >= 65535:
        out += record(tlv(9, os.urandom(65527)))
    return fill_tiny(out, size)


def unknown_header(size):
    records = 16
    n = MAX_ELEMENTS - HEADER_ELEMENTS - 2 * records
    out = header(extra=b"".join(bytes([29 + i % 200, 0, 0]) for i in range(n)))
    for _ in range(records - 1):
        out += record(tlv(201, bytes(65527)))
    last = size - len(out) - 8
    assert 0 <= last <= 65527, last
    return out + record(tlv(201, bytes(last)))




def tiny_records_max(size):
    out = header()
    assert len(out) == 32, len(out)
    return out + record(b"") * (MAX_ELEMENTS - HEADER_ELEMENTS)


def many_elements_max(size):
    out = header()
    left = MAX_ELEMENTS - HEADER_ELEMENTS
    tags = [t for t in range(13, 256)]
    while left > 1:
        n = min(left - 1, 65530 // 3)
        out += record(b"".join(bytes([tags[i % len(tags)], 0, 0]) for i in range(n)))
        left -= 1 + n
    return out


def der_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def der(tag, body):
    return bytes([tag]) + der_len(len(body)) + body


def der_int(n):
    b = n.to_bytes(n.bit_length() // 8 + 1, "big")
    return der(0x02, b)


def rsa_pub(rng, bits):
    n = rng.getrandbits(bits) | (1 << (bits - 1)) | 1
    return der(0x30, der_int(n) + der_int(65537))


def sast_keys(size):
    rng = random.Random(12)
    out = header(signed=True)
    role = tlv(4, b"\x00\x00")
    while True:
        rec = record(role + tlv(6, rng.getrandbits(64).to_bytes(8, "big")) + tlv(7, rsa_pub(rng, 4096)))
        if size - len(out) - len(rec) < 5:
            break
        out += rec
    return fill_tiny(out, size)


def certs(size):
    """Structurally valid X.509 v3 certificates (RSA key, sha256WithRSA, random
    signature bits): parse cleanly, verify nowhere."""
    rng = random.Random(13)
    oid_rsa = der(0x06, bytes.fromhex("2a864886f70d010101"))
    oid_sha256rsa = der(0x06, bytes.fromhex("2a864886f70d01010b"))
    algo = der(0x30, oid_sha256rsa + b"\x05\x00")
    out = header()
    i = 0
    while True:
        i += 1
        cn = f"host{i}.example".encode()
        name = der(0x30, der(0x31, der(0x30, der(0x06, bytes.fromhex("550403")) + der(0x0C, cn))))
        validity = der(0x30, der(0x17, b"240101000000Z") + der(0x17, b"340101000000Z"))
        spki = der(0x30, der(0x30, oid_rsa + b"\x05\x00") + der(0x03, b"\x00" + rsa_pub(rng, 2048)))
        tbs = der(0x30, der(0xA0, der_int(2)) + der_int(i) + algo + name + validity + name + spki)
        cert = der(0x30, tbs + algo + der(0x03, b"\x00" + rng.getrandbits(2048).to_bytes(256, "big")))
        rec = record(tlv(3, b"CN=" + cn + b"\0") + tlv(4, b"\x00\x02") + tlv(9, cert))
        if size - len(out) - len(rec) < 5:
            break
        out += rec
    return fill_tiny(out, size)


SHAPES = {
    "tiny-records": tiny_records,
    "many-elements": many_elements,
    "max-elements": max_elements,
    "unknown-header": unknown_header,
    "tiny-records-max": tiny_records_max,
    "many-elements-max": many_elements_max,
    "sast-keys": sast_keys,
    "certs": certs,
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=CAP)
    ap.add_argument("outdir", type=Path)
    args = ap.parse_args()
    if args.size < 70000:
        sys.exit("--size must be at least 70000 bytes (one header of 65,532 bytes fits)")
    args.outdir.mkdir(parents=True, exist_ok=True)
    for name, make in SHAPES.items():
        data = make(args.size)
        assert len(data) <= args.size, (name, len(data))
        assert name.endswith("-max") or len(data) == args.size, (name, len(data))
        (args.outdir / f"{name}.tlv").write_bytes(data)
        print(f"{name}.tlv {len(data)} bytes")


if __name__ == "__main__":
    main()
