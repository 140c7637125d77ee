#!/usr/bin/env python3
"""Prints synthetic, checksum-valid tokens for rule examples (issue 15): GitHub/npm CRC32 tokens,
PyPI macaroons, JWTs and base64 GCP service-account JSON. Values are random and valid nowhere.
Usage: scripts/synth-token.py crc PREFIX | pypi [test] | jwt | gcp-sa"""
import base64, json, os, random, sys, uuid, zlib

B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
rng = random.SystemRandom()


def b62_6(n):
    out = ""
    for _ in range(6):
        out = B62[n % 62] + out
        n //= 62
    return out


def crc(prefix):
    body = "".join(rng.choice(B62) for _ in range(30))
    return prefix + body + b62_6(zlib.crc32(body.encode()))


def field(kind, data):
    n, out = len(data), bytes([kind])
    while n >= 0x80:
        out += bytes([(n & 0x7F) | 0x80])
        n >>= 7
    return out + bytes([n]) + data


def pypi(location):
    caveat = json.dumps({"version": 1, "permissions": "user"}).encode()
    raw = bytes([2]) + field(1, location) + field(2, str(uuid.uuid4()).encode()) + b"\0"
    raw += field(2, caveat) + b"\0\0" + field(6, os.urandom(32))
    return "pypi-" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def b64url(obj):
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")


def jwt():
    sig = base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")
    claims = {"sub": str(rng.randint(1000, 9999)), "iss": "auth.acme.test", "exp": 1900000000}
    return b64url({"alg": "HS256", "typ": "JWT"}) + "." + b64url(claims) + "." + sig


def gcp_sa():
    key = base64.b64encode(os.urandom(48)).decode()
    sa = {"type": "service_account", "project_id": "acme-data-7731",
          "private_key_id": os.urandom(20).hex(),
          "private_key": f"-----BEGIN PRIVATE KEY-----\n{key}\n-----END PRIVATE KEY-----\n",
          "client_email": "ci@acme-data-7731.iam.gserviceaccount.com"}
    return base64.b64encode(json.dumps(sa).encode()).decode()


if __name__ == "__main__":
    kind = sys.argv[1] if len(sys.argv) > 1 else "crc"
    if kind == "crc":
        print(crc(sys.argv[2]))
    elif kind == "pypi":
        print(pypi(b"test.pypi.org" if sys.argv[2:] == ["test"] else b"pypi.org"))
    elif kind == "jwt":
        print(jwt())
    elif kind == "gcp-sa":
        print(gcp_sa())
    else:
        sys.exit(f"unknown kind {kind}")
