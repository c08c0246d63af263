"""STS AssumeRoleWithSAML and AssumeRoot end to end through boto3.

SAML: an identity provider made here (an RSA key and a self-signed certificate
from `cryptography`, its metadata uploaded as an IAM SAML provider) signs SAML
responses with signxml, an XML-DSig implementation independent of Simfra's.
The responses are presented unsigned, as AWS's federation call is, and the
credentials they buy sign later requests as the assumed role. Tampered,
foreign-signed, unsigned, wrapped, expired and untrusted responses are refused
with AWS's error codes.

AssumeRoot: an organization's management account (an IAM user of it: root
users may not call AssumeRoot) opens a root session in a member account,
scoped by an AWS root task policy; other accounts and other policies are
refused."""

import base64
import copy
import datetime
import hashlib
import json
import uuid

import pytest
from botocore import UNSIGNED
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml import XMLSigner

from conftest import ACCOUNT, temporary_client
from conftest import unique, code, message, admin_api

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
AWS_SIGNIN = "https://signin.aws.amazon.com/saml"
ATTR = "https://aws.amazon.com/SAML/Attributes/"
PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def now():
    return datetime.datetime.now(datetime.timezone.utc)


# ---------------------------------------------------------------- the identity provider


class Signer:
    """An RSA key with a self-signed certificate: what an IdP signs with."""

    def __init__(self, common_name):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now() - datetime.timedelta(days=1))
            .not_valid_after(now() + datetime.timedelta(days=365))
            .sign(self.key, hashes.SHA256())
        )
        self.key_pem = self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        self.cert_pem = self.cert.public_bytes(serialization.Encoding.PEM)

    def cert_base64(self):
        return base64.b64encode(self.cert.public_bytes(serialization.Encoding.DER)).decode()


class IdpSigner(XMLSigner):
    """signxml as an IdP would sign, with two adjustments: SHA-1 is allowed
    (signxml refuses it by default; IdPs still use it), and the
    InclusiveNamespaces PrefixList is written into the reference's
    canonicalization transform too. signxml 5 canonicalizes the signed element
    with the prefix list but, for enveloped signatures, leaves it out of the
    transform, so that no verifier following XML-DSig could check the digest."""

    def check_deprecated_methods(self):
        pass

    def _build_transforms_for_reference(self, *, transforms_node, reference, exclude_c14n_transform_element=True):
        etree.SubElement(transforms_node, f"{{{DS}}}Transform", Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature")
        c14n = etree.SubElement(transforms_node, f"{{{DS}}}Transform", Algorithm=reference.c14n_method.value)
        if reference.inclusive_ns_prefixes:
            etree.SubElement(c14n, f"{{{EXC_C14N}}}InclusiveNamespaces", PrefixList=" ".join(reference.inclusive_ns_prefixes))


def metadata(entity_id, signer):
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{entity_id}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo xmlns:ds="{DS}">
        <ds:X509Data>
          <ds:X509Certificate>{signer.cert_base64()}</ds:X509Certificate>
        </ds:X509Data>
      </ds:KeyInfo>
    </md:KeyDescriptor>
    <md:NameIDFormat>{PERSISTENT}</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"""


class Idp:
    """An identity provider registered as an IAM SAML provider of the default account."""

    def __init__(self, iam):
        self.entity_id = f"https://idp.example.com/{uuid.uuid4().hex[:8]}"
        self.signer = Signer("idp.example.com")
        self.name = unique("idp")
        self.arn = iam.create_saml_provider(SAMLMetadataDocument=metadata(self.entity_id, self.signer), Name=self.name)["SAMLProviderArn"]

    def assertion(self, role_arn, *, session_name="alice", subject="alice@example.com", lifetime=300, recipient=AWS_SIGNIN,
                  audience=AWS_SIGNIN, roles=None, attributes=()):
        """An unsigned saml:Assertion (an lxml element) granting `role_arn`."""
        t = now()
        expires = iso(t + datetime.timedelta(seconds=lifetime))
        roles = roles if roles is not None else [f"{role_arn},{self.arn}"]
        attrs = [(ATTR + "Role", roles)]
        if session_name is not None:
            attrs.append((ATTR + "RoleSessionName", [session_name]))
        attrs.extend(attributes)
        attribute_xml = "".join(
            f'<saml:Attribute Name="{name}">'
            + "".join(f'<saml:AttributeValue xsi:type="xs:string">{v}</saml:AttributeValue>' for v in values)
            + "</saml:Attribute>"
            for name, values in attrs
        )
        xml = f"""<saml:Assertion xmlns:saml="{SAML}" xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="_{uuid.uuid4().hex}" Version="2.0" IssueInstant="{iso(t)}">
  <saml:Issuer>{self.entity_id}</saml:Issuer>
  <ds:Signature xmlns:ds="{DS}" Id="placeholder"/>
  <saml:Subject>
    <saml:NameID Format="{PERSISTENT}">{subject}</saml:NameID>
    <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
      <saml:SubjectConfirmationData NotOnOrAfter="{expires}" Recipient="{recipient}"/>
    </saml:SubjectConfirmation>
  </saml:Subject>
  <saml:Conditions NotBefore="{iso(t - datetime.timedelta(seconds=60))}" NotOnOrAfter="{expires}">
    <saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction>
  </saml:Conditions>
  <saml:AuthnStatement AuthnInstant="{iso(t)}" SessionIndex="_{uuid.uuid4().hex}">
    <saml:AuthnContext>
      <saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef>
    </saml:AuthnContext>
  </saml:AuthnStatement>
  <saml:AttributeStatement>{attribute_xml}</saml:AttributeStatement>
</saml:Assertion>"""
        return etree.fromstring(xml.encode())

    def response(self, assertion, *, sign="assertion", signer=None, algorithm="sha256", c14n=EXC_C14N, inclusive_prefixes=("xs",)):
        """The base64 samlp:Response around `assertion`, signed where `sign` says
        ("assertion", "response", "both" or None) with `signer` (the IdP's own key by default)."""
        signer = signer or self.signer
        xml_signer = IdpSigner(signature_algorithm=f"rsa-{algorithm}", digest_algorithm=algorithm, c14n_algorithm=c14n)

        def signed(element):
            return xml_signer.sign(element, key=signer.key_pem, cert=signer.cert_pem, reference_uri=element.get("ID"),
                                   inclusive_ns_prefixes=list(inclusive_prefixes) or None)

        def without_placeholder(element):
            for p in element.findall(f"{{{DS}}}Signature"):
                element.remove(p)
            return element

        assertion = signed(assertion) if sign in ("assertion", "both") else without_placeholder(assertion)
        # The Response declares namespaces of its own, which exclusive
        # canonicalization keeps out of the assertion's digest.
        response = etree.fromstring(f"""<samlp:Response xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}"
    xmlns:xs="http://www.w3.org/2001/XMLSchema" ID="_{uuid.uuid4().hex}" Version="2.0"
    IssueInstant="{iso(now())}" Destination="{AWS_SIGNIN}">
  <saml:Issuer>{self.entity_id}</saml:Issuer>
  <ds:Signature xmlns:ds="{DS}" Id="placeholder"/>
  <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
</samlp:Response>""".encode())
        response.append(assertion)
        response = signed(response) if sign in ("response", "both") else without_placeholder(response)
        return encode(response)


def encode(element):
    return base64.b64encode(etree.tostring(element)).decode()


def decode(saml_response):
    return etree.fromstring(base64.b64decode(saml_response))


def saml_trust(provider_arn, condition=None, actions=("sts:AssumeRoleWithSAML",)):
    statement = {"Effect": "Allow", "Principal": {"Federated": provider_arn}, "Action": list(actions)}
    statement["Condition"] = condition if condition is not None else {"StringEquals": {"SAML:aud": AWS_SIGNIN}}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@pytest.fixture(scope="module")
def idp(make_client):
    return Idp(make_client("iam"))


@pytest.fixture(scope="module")
def unsigned_sts(make_client):
    """AssumeRoleWithSAML needs no credentials: an STS client that signs nothing."""
    return make_client("sts", signature_version=UNSIGNED)


def new_role(iam, trust, policy=None):
    name = unique("saml-role")
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    if policy:
        iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
    return name, arn


LIST_QUEUES = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:ListQueues", "Resource": "*"}]}


# ---------------------------------------------------------------- AssumeRoleWithSAML


@pytest.mark.parametrize("sign", ["assertion", "response", "both"])
def test_a_signed_response_buys_credentials_that_act_as_the_role(make_client, idp, unsigned_sts, sign):
    iam = make_client("iam")
    role, role_arn = new_role(iam, saml_trust(idp.arn), LIST_QUEUES)
    saml = idp.response(idp.assertion(role_arn), sign=sign)
    out = unsigned_sts.assume_role_with_saml(RoleArn=role_arn, PrincipalArn=idp.arn, SAMLAssertion=saml)
    assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/alice"
    assert out["Subject"] == "alice@example.com" and out["SubjectType"] == "persistent"
    assert out["Issuer"] == idp.entity_id and out["Audience"] == AWS_SIGNIN
    expected_qualifier = base64.b64encode(hashlib.sha1(f"{idp.entity_id}{ACCOUNT}/{idp.name}".encode()).digest()).decode()
    assert out["NameQualifier"] == expected_qualifier
    creds = out["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA")
    lifetime = (creds["Expiration"] - now()).total_seconds()
    assert 3500 < lifetime <= 3600, lifetime

    endpoint = unsigned_sts.meta.endpoint_url
    who = temporary_client(endpoint, "sts", creds).get_caller_identity()
    assert who["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/alice"
    assert who["UserId"].startswith("AROA") and who["UserId"].endswith(":alice")
    sqs = temporary_client(endpoint, "sqs", creds)
    sqs.list_queues()
    with pytest.raises(ClientError) as e:
        sqs.create_queue(QueueName=unique("denied"))
    assert code(e) == "AccessDenied"


@pytest.mark.parametrize("algorithm,c14n,prefixes", [
    ("sha1", EXC_C14N, ("xs",)),
    ("sha512", EXC_C14N, ()),
    ("sha256", EXC_C14N + "WithComments", ("xs",)),
])
def test_signature_algorithms_and_canonicalization_variants_verify(make_client, idp, unsigned_sts, algorithm, c14n, prefixes):
    _, role_arn = new_role(make_client("iam"), saml_trust(idp.arn))
    saml = idp.response(idp.assertion(role_arn, session_name="bob"), algorithm=algorithm, c14n=c14n, inclusive_prefixes=prefixes)
    out = unsigned_sts.assume_role_with_saml(RoleArn=role_arn, PrincipalArn=idp.arn, SAMLAssertion=saml)
    assert out["AssumedRoleUser"]["Arn"].endswith("/bob")


def test_session_attributes_tags_duration_and_source_identity(make_client, idp, unsigned_sts):
    iam = make_client("iam")
    tagged_list = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:ListQueues", "Resource": "*",
                                                           "Condition": {"StringEquals": {"aws:PrincipalTag/team": "blue"}}}]}
    trust = saml_trust(idp.arn, actions=("sts:AssumeRoleWithSAML", "sts:TagSession", "sts:SetSourceIdentity"))
    role, role_arn = new_role(iam, trust, tagged_list)
    attributes = [
        (ATTR + "SessionDuration", ["900"]),
        (ATTR + "PrincipalTag:team", ["blue"]),
        (ATTR + "TransitiveTagKeys", ["team"]),
        (ATTR + "SourceIdentity", ["alice-src"]),
    ]
    saml = idp.response(idp.assertion(role_arn, session_name="carol", attributes=attributes))
    out = unsigned_sts.assume_role_with_saml(RoleArn=role_arn, PrincipalArn=idp.arn, SAMLAssertion=saml)
    assert out["SourceIdentity"] == "alice-src"
    lifetime = (out["Credentials"]["Expiration"] - now()).total_seconds()
    assert 800 < lifetime <= 900, lifetime
    # The session tag satisfies the role policy's aws:PrincipalTag condition.
    temporary_client(unsigned_sts.meta.endpoint_url, "sqs", out["Credentials"]).list_queues()

    # Tags without sts:TagSession in the trust policy are refused.
    _, plain_arn = new_role(iam, saml_trust(idp.arn))
    tagged = idp.response(idp.assertion(plain_arn, attributes=[(ATTR + "PrincipalTag:team", ["blue"])]))
    with pytest.raises(ClientError) as e:
        unsigned_sts.assume_role_with_saml(RoleArn=plain_arn, PrincipalArn=idp.arn, SAMLAssertion=tagged)
    assert code(e) == "AccessDenied"


def test_the_gateway_serves_the_call_unsigned(idp, unsigned_sts, make_client):
    # An unsigned GetCallerIdentity is refused; AssumeRoleWithSAML is not.
    with pytest.raises(ClientError) as e:
        unsigned_sts.get_caller_identity()
    assert code(e) == "MissingAuthenticationToken"
    _, role_arn = new_role(make_client("iam"), saml_trust(idp.arn))
    unsigned_sts.assume_role_with_saml(RoleArn=role_arn, PrincipalArn=idp.arn, SAMLAssertion=idp.response(idp.assertion(role_arn)))


def test_a_value_changed_after_signing_is_refused(make_client, idp, unsigned_sts):
    _, role_arn = new_role(make_client("iam"), saml_trust(idp.arn))
    for sign in ("assertion", "response"):
        doc = decode(idp.response(idp.assertion(role_arn), sign=sign))
        name = doc.find(f".//{{{SAML}}}Attribute[@Name='{ATTR}RoleSessionName']/{{{SAML}}}AttributeValue")
        name.text = "mallory"
        with pytest.raises(ClientError) as e:
            unsigned_sts.assume_role_with_saml(RoleArn=role_arn, PrincipalArn=idp.arn, SAMLAssertion=encode(doc))
        assert code(e) == "InvalidIdentityToken", sign
        assert "signature" in message(e).lower()


def test_a_response_signed_by_another_key_or_not_at_all_is_refused(make_client, idp, unsigned_sts):
    _, role_arn = new_role(make_client("iam"), saml_trust(idp.arn))
    # Signed with a key of its own (its certificate travels in KeyInfo, and must not be trusted).
    forged = idp.response(idp.assertion(role_arn), signer=Signer("idp.example.com"))
    with pytest.raises(ClientError) as e:
        unsigned_sts.assume_role_with_saml(RoleArn=role_arn, PrincipalArn=idp.arn, SAMLAssertion=forged)
    assert code(e) == "InvalidIdentityToken"
    unsigned = idp.response(idp.assertion(role_arn), sign=None)
    with pytest.raises(ClientError) as e:
        unsigned_sts.assume_role_with_saml(RoleArn=role_arn, PrincipalArn=idp.arn, SAMLAssertion=unsigned)
    assert code(e) == "InvalidIdentityToken"


def test_signature_wrapping_is_refused(make_client, idp, unsigned_sts):
    """The signed assertion moved aside and an unsigned one granting something
    else put where the claims are read from."""
    iam = make_client("iam")
    _, role_arn = new_role(iam, saml_trust(idp.arn))
    doc = decode(idp.response(idp.assertion(role_arn), sign="assertion"))
    signed = doc.find(f"{{{SAML}}}Assertion")
    evil = copy.deepcopy(signed)
    evil.set("ID", "_evil")
    evil.remove(evil.find(f"{{{DS}}}Signature"))
    evil.find(f".//{{{SAML}}}Attribute[@Name='{ATTR}RoleSessionName']/{{{SAML}}}AttributeValue").text = "mallory"
    # The genuine assertion hidden in Extensions, the forged one in its place.
    doc.remove(signed)
    extensions = etree.SubElement(doc, f"{{{SAMLP}}}Extensions")
    extensions.append(signed)
    doc.append(evil)
    with pytest.raises(ClientError) as e:
        unsigned_sts.assume_role_with_saml(RoleArn=role_arn, PrincipalArn=idp.arn, SAMLAssertion=encode(doc))
    assert code(e) == "InvalidIdentityToken"
    # Two assertions side by side, only one signed.
    doc = decode(idp.response(idp.assertion(role_arn), sign="assertion"))
    evil = copy.deepcopy(doc.find(f"{{{SAML}}}Assertion"))
    evil.set("ID", "_evil2")
    evil.remove(evil.find(f"{{{DS}}}Signature"))
    doc.append(evil)
    with pytest.raises(ClientError) as e:
        unsigned_sts.assume_role_with_saml(RoleArn=role_arn, PrincipalArn=idp.arn, SAMLAssertion=encode(doc))
    assert code(e) == "InvalidIdentityToken"


def test_a_document_type_declaration_is_refused(make_client, idp, unsigned_sts):
    _, role_arn = new_role(make_client("iam"), saml_trust(idp.arn))
    xml = base64.b64decode(idp.response(idp.assertion(role_arn))).decode()
    xxe = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + xml
    with pytest.raises(ClientError) as e:
        unsigned_sts.assume_role_with_saml(RoleArn=role_arn, PrincipalArn=idp.arn, SAMLAssertion=base64.b64encode(xxe.encode()).decode())
    assert code(e) == "InvalidIdentityToken"


def test_an_expired_assertion_is_refused(make_client, idp, unsigned_sts):
    _, role_arn = new_role(make_client("iam"), saml_trust(idp.arn))
    saml = idp.response(idp.assertion(role_arn, lifetime=-60))
    with pytest.raises(ClientError) as e:
        unsigned_sts.assume_role_with_saml(RoleArn=role_arn, PrincipalArn=idp.arn, SAMLAssertion=saml)
    assert code(e) == "ExpiredTokenException"


def test_a_role_the_assertion_does_not_grant_is_refused(make_client, idp, unsigned_sts):
    iam = make_client("iam")
    _, granted = new_role(iam, saml_trust(idp.arn))
    _, other = new_role(iam, saml_trust(idp.arn))
    # Role attribute values may name the provider first.
    saml = idp.response(idp.assertion(granted, roles=[f"{idp.arn},{granted}"]))
    unsigned_sts.assume_role_with_saml(RoleArn=granted, PrincipalArn=idp.arn, SAMLAssertion=saml)
    with pytest.raises(ClientError) as e:
        unsigned_sts.assume_role_with_saml(RoleArn=other, PrincipalArn=idp.arn, SAMLAssertion=saml)
    assert code(e) == "AccessDenied"
    assert "sts:AssumeRoleWithSAML" in message(e)


def test_trust_policy_conditions_on_saml_keys(make_client, idp, unsigned_sts):
    iam = make_client("iam")
    # SAML:aud is the assertion's Recipient.
    _, elsewhere = new_role(iam, saml_trust(idp.arn, {"StringEquals": {"SAML:aud": "https://elsewhere.example.com/saml"}}))
    with pytest.raises(ClientError) as e:
        unsigned_sts.assume_role_with_saml(RoleArn=elsewhere, PrincipalArn=idp.arn, SAMLAssertion=idp.response(idp.assertion(elsewhere)))
    assert code(e) == "AccessDenied"
    # SAML:sub, SAML:iss, SAML:doc and SAML:sub_type as AWS sets them.
    conditions = {"StringEquals": {"SAML:sub": "dave@example.com", "SAML:iss": idp.entity_id,
                                   "SAML:doc": f"{ACCOUNT}/{idp.name}", "SAML:sub_type": "persistent"}}
    _, strict = new_role(iam, saml_trust(idp.arn, conditions))
    ok = idp.response(idp.assertion(strict, subject="dave@example.com"))
    unsigned_sts.assume_role_with_saml(RoleArn=strict, PrincipalArn=idp.arn, SAMLAssertion=ok)
    with pytest.raises(ClientError) as e:
        unsigned_sts.assume_role_with_saml(RoleArn=strict, PrincipalArn=idp.arn, SAMLAssertion=idp.response(idp.assertion(strict)))
    assert code(e) == "AccessDenied"
    # A trust policy naming another provider does not trust this one.
    _, foreign = new_role(iam, saml_trust(f"arn:aws:iam::{ACCOUNT}:saml-provider/someone-else"))
    with pytest.raises(ClientError) as e:
        unsigned_sts.assume_role_with_saml(RoleArn=foreign, PrincipalArn=idp.arn, SAMLAssertion=idp.response(idp.assertion(foreign)))
    assert code(e) == "AccessDenied"


def test_provider_issuer_audience_and_session_name_checks(make_client, idp, unsigned_sts):
    _, role_arn = new_role(make_client("iam"), saml_trust(idp.arn))
    missing = f"arn:aws:iam::{ACCOUNT}:saml-provider/{unique('nobody')}"
    with pytest.raises(ClientError) as e:
        unsigned_sts.assume_role_with_saml(RoleArn=role_arn, PrincipalArn=missing,
                                           SAMLAssertion=idp.response(idp.assertion(role_arn)))
    assert code(e) == "InvalidIdentityToken" and "does not exist" in message(e)

    assertion = idp.assertion(role_arn)
    assertion.find(f"{{{SAML}}}Issuer").text = "https://impostor.example.com"
    with pytest.raises(ClientError) as e:
        unsigned_sts.assume_role_with_saml(RoleArn=role_arn, PrincipalArn=idp.arn, SAMLAssertion=idp.response(assertion))
    assert code(e) == "InvalidIdentityToken" and "Issuer" in message(e)

    with pytest.raises(ClientError) as e:
        unsigned_sts.assume_role_with_saml(RoleArn=role_arn, PrincipalArn=idp.arn,
                                           SAMLAssertion=idp.response(idp.assertion(role_arn, audience="https://app.example.com")))
    assert code(e) == "InvalidIdentityToken"
    # The URN audience is AWS's too.
    unsigned_sts.assume_role_with_saml(RoleArn=role_arn, PrincipalArn=idp.arn,
                                       SAMLAssertion=idp.response(idp.assertion(role_arn, audience="urn:amazon:webservices")))

    with pytest.raises(ClientError) as e:
        unsigned_sts.assume_role_with_saml(RoleArn=role_arn, PrincipalArn=idp.arn,
                                           SAMLAssertion=idp.response(idp.assertion(role_arn, session_name=None)))
    assert code(e) == "InvalidIdentityToken" and "RoleSessionName" in message(e)
    with pytest.raises(ClientError) as e:
        unsigned_sts.assume_role_with_saml(RoleArn=role_arn, PrincipalArn=idp.arn,
                                           SAMLAssertion=idp.response(idp.assertion(role_arn, session_name="no spaces")))
    assert code(e) == "InvalidIdentityToken" and "RoleSessionName" in message(e)

    # DurationSeconds beyond the role's maximum session duration.
    with pytest.raises(ClientError) as e:
        unsigned_sts.assume_role_with_saml(RoleArn=role_arn, PrincipalArn=idp.arn, DurationSeconds=7200,
                                           SAMLAssertion=idp.response(idp.assertion(role_arn)))
    assert code(e) == "ValidationError"


# ---------------------------------------------------------------- AssumeRoot


class Accounts:
    """Accounts made through the admin API, deleted at the end."""

    def __init__(self, endpoint, make_client):
        self.endpoint = endpoint
        self.make_client = make_client
        self.made = []

    def new(self, name):
        status, body = admin_api(self.endpoint, "POST", "/_simfra/accounts", {"Name": name})
        assert status == 201, body
        self.made.append(body["AccountId"])
        return body

    def root(self, account, service):
        return self.make_client(service, access_key=account["RootAccessKeyId"], secret_key=account["RootSecretAccessKey"])

    def admin(self, account, service):
        """A client of an IAM user of the account with AdministratorAccess."""
        if "admin_keys" not in account:
            iam = self.root(account, "iam")
            name = unique("admin")
            iam.create_user(UserName=name)
            iam.attach_user_policy(UserName=name, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
            key = iam.create_access_key(UserName=name)["AccessKey"]
            account["admin_keys"] = (key["AccessKeyId"], key["SecretAccessKey"])
        return self.make_client(service, access_key=account["admin_keys"][0], secret_key=account["admin_keys"][1])

    def cleanup(self):
        for account_id in self.made:
            admin_api(self.endpoint, "DELETE", f"/_simfra/accounts/{account_id}")


@pytest.fixture
def org(simfra_endpoint, make_client):
    """An organization: (accounts, management account, member account)."""
    accounts = Accounts(simfra_endpoint, make_client)
    mgmt = accounts.new("root-mgmt")
    orgs = accounts.root(mgmt, "organizations")
    orgs.create_organization(FeatureSet="ALL")
    member = accounts.new("root-member")
    hs = orgs.invite_account_to_organization(Target={"Id": member["AccountId"], "Type": "ACCOUNT"})["Handshake"]
    accounts.root(member, "organizations").accept_handshake(HandshakeId=hs["Id"])
    yield accounts, mgmt, member
    for a in orgs.list_accounts()["Accounts"]:
        if a["Id"] != mgmt["AccountId"]:
            orgs.remove_account_from_organization(AccountId=a["Id"])
    orgs.delete_organization()
    accounts.cleanup()


def task(name):
    return {"arn": f"arn:aws:iam::aws:policy/root-task/{name}"}


def test_assume_root_opens_a_task_scoped_root_session_in_a_member(org, simfra_endpoint):
    accounts, mgmt, member = org
    member_id = member["AccountId"]
    bucket = unique("locked")
    member_s3 = accounts.root(member, "s3")
    member_s3.create_bucket(Bucket=bucket)
    member_s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}]}))

    sts = accounts.admin(mgmt, "sts")
    out = sts.assume_root(TargetPrincipal=member_id, TaskPolicyArn=task("S3UnlockBucketPolicy"))
    creds = out["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA")
    lifetime = (creds["Expiration"] - now()).total_seconds()
    assert 800 < lifetime <= 900, lifetime
    # The member's root ARN form of the target is accepted too.
    sts.assume_root(TargetPrincipal=f"arn:aws:iam::{member_id}:root", TaskPolicyArn=task("S3UnlockBucketPolicy"), DurationSeconds=300)

    who = temporary_client(simfra_endpoint, "sts", creds).get_caller_identity()
    assert who["Account"] == member_id and who["Arn"] == f"arn:aws:iam::{member_id}:root"
    s3 = temporary_client(simfra_endpoint, "s3", creds)
    assert bucket in s3.get_bucket_policy(Bucket=bucket)["Policy"]
    s3.delete_bucket_policy(Bucket=bucket)
    with pytest.raises(ClientError) as e:
        member_s3.get_bucket_policy(Bucket=bucket)
    assert code(e) == "NoSuchBucketPolicy"
    # Nothing the task policy does not name.
    with pytest.raises(ClientError) as e:
        s3.list_objects_v2(Bucket=bucket)
    assert code(e) == "AccessDenied"
    with pytest.raises(ClientError) as e:
        temporary_client(simfra_endpoint, "sqs", creds).list_queues()
    assert code(e) == "AccessDenied"


def test_assume_root_scoped_to_sqs_queue_policies(org, simfra_endpoint):
    accounts, mgmt, member = org
    url = accounts.root(member, "sqs").create_queue(QueueName=unique("q"), Attributes={"Policy": json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*"}]})})["QueueUrl"]
    creds = accounts.admin(mgmt, "sts").assume_root(TargetPrincipal=member["AccountId"], TaskPolicyArn=task("SQSUnlockQueuePolicy"))["Credentials"]
    sqs = temporary_client(simfra_endpoint, "sqs", creds)
    assert "Policy" in sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"]).get("Attributes", {})
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": ""})
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl=url, MessageBody="x")
    assert code(e) == "AccessDenied"


def test_assume_root_is_refused_outside_the_management_account(org, simfra_endpoint):
    accounts, mgmt, member = org
    # A member calling for another account of the organization (here the management account).
    with pytest.raises(ClientError) as e:
        accounts.admin(member, "sts").assume_root(TargetPrincipal=mgmt["AccountId"], TaskPolicyArn=task("S3UnlockBucketPolicy"))
    assert code(e) == "AccessDenied"
    # An account in no organization.
    loner = accounts.new("root-loner")
    with pytest.raises(ClientError) as e:
        accounts.admin(loner, "sts").assume_root(TargetPrincipal=member["AccountId"], TaskPolicyArn=task("S3UnlockBucketPolicy"))
    assert code(e) == "AccessDenied"
    # The management account for an account outside its organization.
    with pytest.raises(ClientError) as e:
        accounts.admin(mgmt, "sts").assume_root(TargetPrincipal=loner["AccountId"], TaskPolicyArn=task("S3UnlockBucketPolicy"))
    assert code(e) == "AccessDenied"
    # Root user credentials may not call it at all.
    with pytest.raises(ClientError) as e:
        accounts.root(mgmt, "sts").assume_root(TargetPrincipal=member["AccountId"], TaskPolicyArn=task("S3UnlockBucketPolicy"))
    assert code(e) == "AccessDenied"


def test_a_delegated_administrator_for_iam_may_assume_root(org):
    accounts, mgmt, member = org
    delegate = accounts.new("root-delegate")
    orgs = accounts.root(mgmt, "organizations")
    hs = orgs.invite_account_to_organization(Target={"Id": delegate["AccountId"], "Type": "ACCOUNT"})["Handshake"]
    accounts.root(delegate, "organizations").accept_handshake(HandshakeId=hs["Id"])
    sts = accounts.admin(delegate, "sts")
    with pytest.raises(ClientError) as e:
        sts.assume_root(TargetPrincipal=member["AccountId"], TaskPolicyArn=task("SQSUnlockQueuePolicy"))
    assert code(e) == "AccessDenied"
    orgs.register_delegated_administrator(AccountId=delegate["AccountId"], ServicePrincipal="iam.amazonaws.com")
    sts.assume_root(TargetPrincipal=member["AccountId"], TaskPolicyArn=task("SQSUnlockQueuePolicy"))


def test_assume_root_refuses_other_policies_and_long_sessions(org):
    accounts, mgmt, member = org
    sts = accounts.admin(mgmt, "sts")
    for arn in ("arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/root-task/EverythingPlease"):
        with pytest.raises(ClientError) as e:
            sts.assume_root(TargetPrincipal=member["AccountId"], TaskPolicyArn={"arn": arn})
        assert code(e) == "ValidationError", arn
    with pytest.raises(ClientError) as e:
        sts.assume_root(TargetPrincipal=member["AccountId"], TaskPolicyArn=task("S3UnlockBucketPolicy"), DurationSeconds=901)
    assert code(e) == "ValidationError"
    with pytest.raises(ClientError) as e:
        sts.assume_root(TargetPrincipal="not-an-account", TaskPolicyArn=task("S3UnlockBucketPolicy"))
    assert code(e) == "ValidationError"


def test_an_iam_root_task_session_reads_the_root_users_credentials(org, simfra_endpoint):
    accounts, mgmt, member = org
    creds = accounts.admin(mgmt, "sts").assume_root(TargetPrincipal=member["AccountId"],
                                                    TaskPolicyArn=task("IAMAuditRootUserCredentials"))["Credentials"]
    keys = temporary_client(simfra_endpoint, "iam", creds).list_access_keys()["AccessKeyMetadata"]
    assert member["RootAccessKeyId"] in [k["AccessKeyId"] for k in keys]
