#!/usr/bin/env python3
"""Make the TEST-ONLY keys and certificates used by the `itltool compare` tests.

Run from anywhere:  python3 testvectors/own/compare/make_compare_keys.py [--force]

The compare tests build phone-side and server-side ITLs with itl-core's Builder from the
replica's keys (own/keys/) and these extra ones, which stand for what a CUCM cluster
regenerates:

  ccm-regen.key / .crt     the CallManager certificate regenerated: same subject as
                           own/keys/publisher.crt (CN=CUCM8-Publisher.bbbburns.lab), new
                           RSA-2048 key, new serial, self-signed (as CUCM regenerates it)
  tvs-regen.key / .crt     the TVS certificate regenerated: same subject as own/keys/tvs.crt,
                           new RSA-2048 key, new serial, self-signed
  itlrecovery.key / .crt   an ITLRecovery certificate (CUCM 10+): SAST entry
                           CN=ITLRECOVERY_CUCM8-Publisher.bbbburns.lab, RSA-2048, self-signed

The output does not need to be deterministic: the generated files are committed and the
Rust tests only read them, so running the tests needs no Python. Existing files are kept
unless --force is given. These private keys are public test material: never use them for
anything else.
"""

import argparse
import datetime
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

HERE = Path(__file__).resolve().parent
UTC = datetime.timezone.utc
NOT_BEFORE = datetime.datetime(2012, 1, 1, tzinfo=UTC)
NOT_AFTER = datetime.datetime(2032, 1, 1, tzinfo=UTC)
NOTE = "itltool TEST certificate, test-only key, not issued by Cisco"
NETSCAPE_COMMENT = x509.ObjectIdentifier("2.16.840.1.113730.1.13")


def cucm_name(cn):
    # Same attribute set and DER order as testvectors/make_vectors.py (C, ST, L, O, OU, CN).
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
        x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "North Carolina"),
        x509.NameAttribute(NameOID.LOCALITY_NAME, "RTP"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Cisco"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "TAC"),
        x509.NameAttribute(NameOID.COMMON_NAME, cn),
    ])


def comment_ext(text):
    raw = text.encode("ascii")
    assert len(raw) < 0x80
    return x509.UnrecognizedExtension(NETSCAPE_COMMENT, b"\x16" + bytes([len(raw)]) + raw)


def self_signed(key, cn, serial):
    name = cucm_name(cn)
    usage = x509.KeyUsage(digital_signature=True, content_commitment=False,
                          key_encipherment=True, data_encipherment=True, key_agreement=False,
                          key_cert_sign=False, crl_sign=False, encipher_only=False,
                          decipher_only=False)
    b = (x509.CertificateBuilder()
         .subject_name(name).issuer_name(name).public_key(key.public_key())
         .serial_number(serial)
         .not_valid_before(NOT_BEFORE).not_valid_after(NOT_AFTER)
         .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=False)
         .add_extension(usage, critical=True)
         .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH,
                                               ExtendedKeyUsageOID.CLIENT_AUTH]),
                        critical=False)
         .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                        critical=False)
         .add_extension(comment_ext(NOTE), critical=False))
    return b.sign(key, hashes.SHA256())


CERTS = [
    # file stem, CN
    ("ccm-regen", "CUCM8-Publisher.bbbburns.lab"),
    ("tvs-regen", "CUCM8-Publisher.bbbburns.lab"),
    ("itlrecovery", "ITLRECOVERY_CUCM8-Publisher.bbbburns.lab"),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--force", action="store_true", help="replace existing files")
    args = ap.parse_args()
    for stem, cn in CERTS:
        key_path, crt_path = HERE / f"{stem}.key", HERE / f"{stem}.crt"
        if key_path.exists() and crt_path.exists() and not args.force:
            print(f"kept {crt_path.name}")
            continue
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        # 8-byte positive serial with the top bit clear, as CUCM's self-signed certificates.
        serial = int.from_bytes(os.urandom(8), "big") & 0x7FFF_FFFF_FFFF_FFFF | (1 << 56)
        cert = self_signed(key, cn, serial)
        key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                               serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
        crt_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        print(f"wrote {crt_path.name} (serial {serial:016x})")


if __name__ == "__main__":
    main()
