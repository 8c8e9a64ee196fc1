#!/usr/bin/env python3
"""Independent DCC verifier for Sentinel's tests: nothing here comes from the product.

Reads JSON lines on stdin: {"qr": "HC1:...", "certificate": "<base64 DER of the DSC>", "schema": "<path>"}
and prints one JSON line per input: {"ok": bool, "reason": str, "payload": {...}, "kid_ok": bool, ...}.
Chain: base45 (PyPI base45) -> zlib -> cbor2 -> Sig_structure built by hand -> cryptography ECDSA/RSA-PSS ->
CWT claims -> DCC JSON validated with jsonschema (draft 2020-12).
"""
import base64
import hashlib
import json
import sys
import zlib

import base45
import cbor2
import jsonschema
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils


def verify(line):
    request = json.loads(line)
    qr = request["qr"]
    if not qr.startswith("HC1:"):
        return {"ok": False, "reason": "prefix"}
    cose_bytes = zlib.decompress(base45.b45decode(qr[4:]))
    item = cbor2.loads(cose_bytes)
    if isinstance(item, cbor2.CBORTag) and item.tag == 61:
        item = item.value
    if isinstance(item, cbor2.CBORTag):
        if item.tag != 18:
            return {"ok": False, "reason": "tag %d" % item.tag}
        item = item.value
    protected, unprotected, payload, signature = list(item)
    header = cbor2.loads(protected) if protected else {}
    kid = header.get(4, unprotected.get(4))
    der = base64.b64decode(request["certificate"])
    certificate = x509.load_der_x509_certificate(der)
    kid_ok = kid == hashlib.sha256(der).digest()[:8]
    to_be_signed = cbor2.dumps(["Signature1", protected, b"", payload])
    key = certificate.public_key()
    try:
        if header.get(1) == -7 and isinstance(key, ec.EllipticCurvePublicKey):
            r = int.from_bytes(signature[:32], "big")
            s = int.from_bytes(signature[32:], "big")
            key.verify(utils.encode_dss_signature(r, s), to_be_signed, ec.ECDSA(hashes.SHA256()))
        elif header.get(1) == -37 and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, to_be_signed,
                       padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.AUTO), hashes.SHA256())
        else:
            return {"ok": False, "reason": "alg %r" % header.get(1)}
    except InvalidSignature:
        return {"ok": False, "reason": "signature", "kid_ok": kid_ok}
    claims = cbor2.loads(payload)
    dcc = claims[-260][1]
    with open(request["schema"], encoding="utf-8") as handle:
        schema = json.load(handle)
    errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(dcc)]
    eku = []
    try:
        eku = [u.dotted_string for u in certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value]
    except x509.ExtensionNotFound:
        pass
    return {"ok": kid_ok and not errors, "reason": "; ".join(errors) or ("" if kid_ok else "kid"), "kid_ok": kid_ok,
            "payload": dcc, "iss": claims.get(1), "iat": claims.get(6), "exp": claims.get(4), "eku": eku,
            "not_after": int(certificate.not_valid_after_utc.timestamp())}


for line in sys.stdin:
    if line.strip():
        try:
            print(json.dumps(verify(line), ensure_ascii=False))
        except Exception as error:  # a failure to decode is an answer, not a crash
            print(json.dumps({"ok": False, "reason": "%s: %s" % (type(error).__name__, error)}))
