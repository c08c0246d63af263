"""SNS delivery to `https` endpoints: TLS with the certificate checked as SNS
checks it. A local endpoint's certificate is trusted when its CA is named by
`SIMFRA_EXTRA_CA_FILE`; an endpoint whose certificate nothing vouches for
gets nothing (its deliveries fail and follow the retry policy)."""

import datetime
import json
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from conftest import Server, unique


def certificate(subject, issuer_name, issuer_key, key, ca):
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_name)]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM)


def key_pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


class HttpsEndpoint:
    """A local HTTPS endpoint recording what SNS POSTs."""

    def __init__(self, cert_pem, key_pem_bytes, workdir):
        self.requests = []
        self.arrived = threading.Condition()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                with outer.arrived:
                    outer.requests.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
                    outer.arrived.notify_all()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        cert_file, key_file = workdir / f"{id(self)}.crt", workdir / f"{id(self)}.key"
        cert_file.write_bytes(cert_pem)
        key_file.write_bytes(key_pem_bytes)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.url = f"https://localhost:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, n, timeout=10):
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.requests) >= n, timeout)
        return self.requests[:n]


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    """A test CA Simfra trusts, an endpoint it signed, and one signed by a stranger."""
    work = tmp_path_factory.mktemp("tls")
    ca_key, stranger_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = certificate("Simfra test CA", "Simfra test CA", ca_key, ca_key, True)
    (work / "ca.pem").write_bytes(pem(ca))
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    trusted = HttpsEndpoint(pem(certificate("localhost", "Simfra test CA", ca_key, leaf_key, False)), key_pem(leaf_key), work)
    other_key = ec.generate_private_key(ec.SECP256R1())
    untrusted = HttpsEndpoint(pem(certificate("localhost", "Stranger CA", stranger_key, other_key, False)), key_pem(other_key), work)
    yield work / "ca.pem", trusted, untrusted
    trusted.server.shutdown()
    untrusted.server.shutdown()


@pytest.fixture(scope="module")
def sns(tls):
    """Simfra started with the test CA as an extra trusted root."""
    ca_file = tls[0]
    server = Server({"SIMFRA_EXTRA_CA_FILE": str(ca_file)})
    yield server.client("sns")
    server.stop()
    assert not server.hung, f"simfra did not stop on SIGTERM; stderr in {server.err.name}"


def test_https_endpoint_with_a_trusted_certificate_gets_confirmation_and_notifications(sns, tls):
    _, trusted, _ = tls
    topic = sns.create_topic(Name=unique("https"))["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="https", Endpoint=trusted.url)
    [req] = trusted.wait_for(1)
    confirmation = json.loads(req["body"])
    assert confirmation["Type"] == "SubscriptionConfirmation"
    sns.confirm_subscription(TopicArn=topic, Token=confirmation["Token"])
    sns.publish(TopicArn=topic, Message="over TLS")
    note = json.loads(trusted.wait_for(2)[1]["body"])
    assert (note["Type"], note["Message"]) == ("Notification", "over TLS")


def test_https_endpoint_nobody_vouches_for_gets_nothing(sns, tls):
    _, _, untrusted = tls
    topic = sns.create_topic(Name=unique("https-bad"))["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="https", Endpoint=untrusted.url)
    time.sleep(1.5)
    assert untrusted.requests == []
    [sub] = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert sub["SubscriptionArn"] == "PendingConfirmation"
