"""Rendering and signing a choice form against a bare pyHanko signature of the same bytes.

In the same run, with the same RSA 3072 key and certificate chain:
  - bare sign: pyHanko's own ``signers.sign_pdf`` with a plain ``SimpleSigner`` on the
    already rendered form: an invisible PAdES signature, nothing else (the target's baseline);
  - bare sign, our signer: the same, with the signer ``sign_pdf`` builds (it keeps the parsed
    key; SimpleSigner parses and re-validates it for every signature, most of the cost with
    RSA 3072), so what our appearance, attachment and info cost is visible on its own;
  - sign only: ``sign_pdf`` on the already rendered form: visible appearance in the bundled
    font, record.json embedded, a document information entry;
  - render + sign: ``render_choice_form`` then ``sign_pdf``, as the station does when an
    interview is finalised.
Target: render + sign at most 1.3x the bare sign (medians). Also printed: sign only against
bare sign, both against the bare sign with our signer, and verification time. Asserts nothing.
Run: python benches/bench_signing.py
"""

import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from io import BytesIO

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from common import sample_record
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from screening_app.domain.canonical import canonical_json
from screening_app.protocol import default_protocol
from screening_app.records.choice_form import FormContext, render_choice_form, signature_box
from screening_app.records.signing import SigningIdentity, pyhanko_signer, sign_pdf
from screening_app.records.verifying import verify_pdf

RUNS = 30
TARGET = 1.3
RSA_BITS = 3072  # what a station key would be; the tests use 2048 for speed


def certificate(subject: str, key, issuer_name: x509.Name, issuer_key, *, ca: bool):
    now = datetime.now(UTC)
    usage = dict(digital_signature=not ca, content_commitment=not ca, key_encipherment=False,
                 data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                 encipher_only=False, decipher_only=False)
    return (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(issuer_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(**usage), critical=True)
            .sign(issuer_key, hashes.SHA256()))


def bench_identity() -> SigningIdentity:
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Bench Root CA")])
    root = certificate("Bench Root CA", root_key, root_name, root_key, ca=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    station = certificate("Station BENCH-01", key, root_name, root_key, ca=False)
    return SigningIdentity(key=key, certificate=station, chain=(root,))


def bare_signer(identity: SigningIdentity) -> signers.SimpleSigner:
    der = serialization.Encoding.DER
    return signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(identity.certificate.public_bytes(der)),
        signing_key=asn1_keys.PrivateKeyInfo.load(identity.key.private_bytes(
            der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(cert.public_bytes(der)) for cert in identity.chain]),
    )


def timings(action: Callable[[], object], runs: int = RUNS) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return times


def main() -> int:
    identity = bench_identity()
    protocol = default_protocol()
    record = sample_record()
    context = FormContext("BENCH-01", "Koje-do", demo=False)
    record_json = canonical_json(record.sealed_content()).encode()
    pdf = render_choice_form(record, protocol, [], context)  # registers the font once
    signer = bare_signer(identity)

    def bare_sign(with_signer: signers.Signer = signer) -> bytes:
        output = BytesIO()
        metadata = signers.PdfSignatureMetadata(
            field_name="Signature", subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256")
        signers.sign_pdf(IncrementalPdfFileWriter(BytesIO(pdf)), metadata, signer=with_signer,
                         output=output)
        return output.getvalue()

    def our_sign(form: bytes) -> bytes:
        return sign_pdf(form, identity, field_name="StationSignature",
                        box=signature_box("A4"),
                        visible_lines=["Digitally signed by station BENCH-01",
                                       "Interviewer: Lt. J. Smith · 김민준",
                                       "1952-04-10 09:52 UTC"],
                        reason="Choice form sealed", location="Koje-do",
                        attachments={"record.json": record_json},
                        info={"/ScreeningChainHead": "ab" * 32})

    def render_and_sign() -> bytes:
        return our_sign(render_choice_form(record, protocol, [], context))

    signed = our_sign(pdf)
    bare_sign()  # warm both paths the same way
    bare = timings(bare_sign)
    ours = pyhanko_signer(identity)
    bare_ours = timings(lambda: bare_sign(ours))
    sign_only = timings(lambda: our_sign(pdf))
    both = timings(render_and_sign)
    render = timings(lambda: render_choice_form(record, protocol, [], context))
    verify = timings(lambda: verify_pdf(signed, [identity.chain[-1]]), runs=10)

    ms = 1000
    print(f"choice form signing, {RUNS} runs each, RSA {RSA_BITS}"
          f" (form {len(pdf) // 1024} KiB, signed {len(signed) // 1024} KiB)")
    for name, values in (("bare pyHanko sign", bare), ("bare, our signer", bare_ours),
                         ("sign only", sign_only),
                         ("render + sign", both), ("render alone", render),
                         ("verify (10 runs)", verify)):
        print(f"  {name:18} best {min(values) * ms:7.2f} ms,"
              f" median {statistics.median(values) * ms:7.2f} ms")
    ratio = statistics.median(both) / statistics.median(bare)
    verdict = "ok" if ratio <= TARGET else "OVER TARGET"
    print(f"  median ratio render + sign / bare sign: {ratio:.2f} (target <= {TARGET}) {verdict}")
    sign_ratio = statistics.median(sign_only) / statistics.median(bare)
    sign_verdict = "ok" if sign_ratio <= TARGET else "OVER TARGET"
    print(f"  median ratio sign only / bare sign: {sign_ratio:.2f} (target <= {TARGET})"
          f" {sign_verdict}")
    for name, values in (("render + sign", both), ("sign only", sign_only)):
        print(f"  median ratio {name} / bare sign with our signer:"
              f" {statistics.median(values) / statistics.median(bare_ours):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
