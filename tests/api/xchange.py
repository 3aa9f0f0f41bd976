"""xchange.py -- the ministry's side of the exchange for tests (issue 13,
docs/xml/README.md): key pairs, detached signatures in the Xueji-Signature
header, messages in the envelope of urn:xueji:exchange:1, and reading a
Receipt. P-256 signs with python's `cryptography` when it is installed and
with openssl(1) otherwise; SM2/SM3 always with openssl(1) (distinguishing
id 1234567812345678, as src/crypto/xsign.c). A ministry simulator (the
next increment) builds on this."""
import base64
import os
import re
import subprocess
import tempfile
import uuid
import xml.etree.ElementTree as ET

NS = "urn:xueji:exchange:1"
SM2_ID = "1234567812345678"

try:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    HAVE_CRYPTOGRAPHY = True
except ImportError:             # openssl(1) does it all then
    HAVE_CRYPTOGRAPHY = False


def _openssl(*args, data=None):
    return subprocess.run(["openssl"] + list(args), input=data, check=True,
                          capture_output=True).stdout


class Key:
    """A key pair in dir: `<kid>.key` (private PEM, 0600), `<kid>.pem`
    (public PEM); alg "ecdsa-p256-sha256" or "sm2-sm3"."""

    def __init__(self, directory, kid, org, alg="ecdsa-p256-sha256"):
        self.kid, self.org, self.alg = kid, org, alg
        self.private = os.path.join(directory, kid + ".key")
        self.public = os.path.join(directory, kid + ".pem")
        if alg == "sm2-sm3":
            _openssl("genpkey", "-algorithm", "SM2", "-out", self.private)
        else:
            _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                     "-out", self.private)
        os.chmod(self.private, 0o600)
        _openssl("pkey", "-in", self.private, "-pubout", "-out", self.public)

    def sign(self, data):
        """The Xueji-Signature header value for data (bytes)."""
        return "keyid=%s; alg=%s; sig=%s" % (self.kid, self.alg,
                                             base64.b64encode(self.raw_sign(data)).decode())

    def raw_sign(self, data):
        if self.alg == "ecdsa-p256-sha256" and HAVE_CRYPTOGRAPHY:
            with open(self.private, "rb") as f:
                k = serialization.load_pem_private_key(f.read(), None)
            return k.sign(data, ec.ECDSA(hashes.SHA256()))
        with tempfile.NamedTemporaryFile() as f:
            f.write(data)
            f.flush()
            if self.alg == "sm2-sm3":
                return _openssl("dgst", "-sm3", "-sign", self.private, "-sigopt",
                                "distid:" + SM2_ID, f.name)
            return _openssl("dgst", "-sha256", "-sign", self.private, f.name)


def peers_file(path, keys):
    """A [exchange] peer_keys_file listing keys (absolute PEM paths)."""
    with open(path, "w") as f:
        f.write("# key id  org  public key\n")
        for k in keys:
            f.write("%s %s %s\n" % (k.kid, k.org, k.public))
    return path


def deployment_keys(builddir, directory, peers):
    """A test deployment's exchange keys in directory: its own pair by
    `xuejictl exchange-keygen` (own.key, own.pem, as an operator makes it)
    and the [exchange] peer_keys_file `peers` listing peers (Keys)."""
    subprocess.run([os.path.join(builddir, "xuejictl"), "exchange-keygen",
                    os.path.join(directory, "own.key"), os.path.join(directory, "own.pem")],
                   check=True, capture_output=True)
    return peers_file(os.path.join(directory, "peers"), peers)


def verify(public_pem, header, data):
    """True when header (a Xueji-Signature value) verifies data under the
    public key file public_pem (P-256 or SM2)."""
    m = re.fullmatch(r"keyid=(\S+); alg=(ecdsa-p256-sha256|sm2-sm3); sig=(\S+)", header or "")
    if m is None:
        return False
    sig = base64.b64decode(m.group(3))
    if m.group(2) == "ecdsa-p256-sha256" and HAVE_CRYPTOGRAPHY:
        from cryptography.exceptions import InvalidSignature
        with open(public_pem, "rb") as f:
            pub = serialization.load_pem_public_key(f.read())
        try:
            pub.verify(sig, data, ec.ECDSA(hashes.SHA256()))
            return True
        except InvalidSignature:
            return False
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "m"), "wb") as f:
            f.write(data)
        with open(os.path.join(d, "s"), "wb") as f:
            f.write(sig)
        args = ["dgst", "-sm3", "-sigopt", "distid:" + SM2_ID] if m.group(2) == "sm2-sm3" \
            else ["dgst", "-sha256"]
        r = subprocess.run(["openssl"] + args + ["-verify", public_pem, "-signature",
                                                 os.path.join(d, "s"), os.path.join(d, "m")],
                           capture_output=True)
        return r.returncode == 0


def message(mtype, payload, mid=None, sender="MOE", receiver="310000", corr=None, ns=NS,
            version="1.0"):
    """(bytes, message id) of one message in the envelope."""
    mid = mid or "%s-%s" % (sender, uuid.uuid4().hex)
    c = "<CorrelationId>%s</CorrelationId>" % corr if corr else ""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<Message xmlns="%s" schemaVersion="%s">'
            "<Header><MessageId>%s</MessageId><MessageType>%s</MessageType><Sender>%s</Sender>"
            "<Receiver>%s</Receiver><Created>2026-12-06T09:00:00+08:00</Created>%s</Header>"
            "<Body>%s</Body></Message>" % (ns, version, mid, mtype, sender, receiver, c,
                                           payload)).encode(), mid


def parse_receipt(raw):
    """A Receipt (our own answer, trusted XML) as a dict: status, code,
    category, corr, type, records {ref: (status, code)}."""
    root = ET.fromstring(raw)
    q = lambda p: p.replace("x:", "{%s}" % NS)
    r = root.find(q("x:Body/x:Receipt"))
    out = {"status": r.find(q("x:Status")).text, "code": None, "category": None,
           "corr": None, "records": {}, "type": root.find(q("x:Header/x:MessageType")).text}
    c = root.find(q("x:Header/x:CorrelationId"))
    out["corr"] = c.text if c is not None else None
    ref = r.find(q("x:Refusal/x:Code"))
    if ref is not None:
        out["code"] = ref.text
        out["category"] = r.find(q("x:Refusal/x:Category")).text
    for rec in r.findall(q("x:Record")):
        code = rec.find(q("x:Refusal/x:Code"))
        out["records"][rec.get("ref")] = (rec.get("status"),
                                          code.text if code is not None else None)
    return out
