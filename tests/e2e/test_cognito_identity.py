"""Amazon Cognito Identity's data plane through boto3: identities of identity
pools, their logins, OpenID tokens and the AWS credentials they lead to.

The public operations (GetId, GetCredentialsForIdentity, GetOpenIdToken,
UnlinkIdentity) are called unsigned, as apps call them; the credentials they
hand out must then sign requests (STS GetCallerIdentity)."""

import base64
import json
import re
import time
import uuid

import pytest
from botocore import UNSIGNED
from botocore.exceptions import ClientError

from conftest import ACCOUNT, REGION, temporary_client
from conftest import unique

COGNITO = "cognito-identity.amazonaws.com"
IDENTITY_ID = re.compile(r"^us-east-1:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


@pytest.fixture
def admin(make_client):
    return make_client("cognito-identity")


@pytest.fixture
def public(make_client):
    """The client an app uses: no AWS credentials at all."""
    return make_client("cognito-identity", signature_version=UNSIGNED)


@pytest.fixture
def iam(make_client):
    return make_client("iam")


def trust_policy(pool_id, amr):
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": COGNITO},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {f"{COGNITO}:aud": pool_id},
                "ForAnyValue:StringLike": {f"{COGNITO}:amr": amr},
            },
        }],
    })


def make_role(iam, pool_id, amr):
    name = unique(f"cognito-{amr}")
    return iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust_policy(pool_id, amr))["Role"]


def make_pool(admin, iam, allow_unauthenticated=True, roles=True, **settings):
    """A pool, and (with `roles`) authenticated and unauthenticated roles that trust it."""
    pool = admin.create_identity_pool(
        IdentityPoolName=unique("pool"), AllowUnauthenticatedIdentities=allow_unauthenticated, **settings
    )
    pool_id = pool["IdentityPoolId"]
    out = {"id": pool_id}
    if roles:
        out["auth_role"] = make_role(iam, pool_id, "authenticated")
        out["unauth_role"] = make_role(iam, pool_id, "unauthenticated")
        admin.set_identity_pool_roles(
            IdentityPoolId=pool_id,
            Roles={"authenticated": out["auth_role"]["Arn"], "unauthenticated": out["unauth_role"]["Arn"]},
        )
    return out


def caller_identity(endpoint, creds):
    return temporary_client(endpoint, "sts", creds).get_caller_identity()


def jwt_claims(token):
    parts = token.split(".")
    assert len(parts) == 3, token
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    return json.loads(base64.urlsafe_b64decode(payload))


def fake_jwt(claims):
    enc = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()
    return f"{enc({'alg': 'RS256', 'kid': 'k'})}.{enc(claims)}.c2ln"


def error_of(excinfo):
    e = excinfo.value.response
    return e["Error"]["Code"], e["Error"]["Message"], e["ResponseMetadata"]["HTTPStatusCode"]


def test_unauthenticated_identity_gets_working_credentials(admin, public, iam, simfra_endpoint):
    pool = make_pool(admin, iam)
    identity_id = public.get_id(IdentityPoolId=pool["id"])["IdentityId"]
    assert IDENTITY_ID.match(identity_id), identity_id

    before = time.time()
    got = public.get_credentials_for_identity(IdentityId=identity_id)
    assert got["IdentityId"] == identity_id
    creds = got["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA")
    assert 3000 < creds["Expiration"].timestamp() - before <= 3700

    me = caller_identity(simfra_endpoint, creds)
    assert me["Account"] == ACCOUNT
    assert me["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/{pool['unauth_role']['RoleName']}/CognitoIdentityCredentials"
    assert me["UserId"] == f"{pool['unauth_role']['RoleId']}:CognitoIdentityCredentials"

    # Each GetId without logins is a new unauthenticated identity.
    assert public.get_id(IdentityPoolId=pool["id"])["IdentityId"] != identity_id


def test_pool_without_unauthenticated_access_refuses(admin, public, iam):
    pool = make_pool(admin, iam, allow_unauthenticated=False)
    with pytest.raises(ClientError) as e:
        public.get_id(IdentityPoolId=pool["id"])
    assert error_of(e) == ("NotAuthorizedException", "Unauthenticated access is not supported for this identity pool.", 400)

    # Turning it off later strands the pool's unauthenticated identities.
    open_pool = make_pool(admin, iam)
    identity_id = public.get_id(IdentityPoolId=open_pool["id"])["IdentityId"]
    described = admin.describe_identity_pool(IdentityPoolId=open_pool["id"])
    admin.update_identity_pool(
        IdentityPoolId=open_pool["id"], IdentityPoolName=described["IdentityPoolName"], AllowUnauthenticatedIdentities=False
    )
    with pytest.raises(ClientError) as e:
        public.get_credentials_for_identity(IdentityId=identity_id)
    assert error_of(e)[0] == "NotAuthorizedException"


def test_unknown_pool_and_identity(admin, public):
    missing_pool = f"{REGION}:{uuid.uuid4()}"
    with pytest.raises(ClientError) as e:
        public.get_id(IdentityPoolId=missing_pool)
    assert error_of(e) == ("ResourceNotFoundException", f"IdentityPool '{missing_pool}' not found.", 400)

    missing_identity = f"{REGION}:{uuid.uuid4()}"
    for call in (
        lambda: public.get_credentials_for_identity(IdentityId=missing_identity),
        lambda: public.get_open_id_token(IdentityId=missing_identity),
        lambda: admin.describe_identity(IdentityId=missing_identity),
    ):
        with pytest.raises(ClientError) as e:
            call()
        assert error_of(e) == ("ResourceNotFoundException", f"Identity '{missing_identity}' not found.", 400)

    with pytest.raises(ClientError) as e:
        admin.list_identities(IdentityPoolId=missing_pool, MaxResults=10)
    assert error_of(e)[0] == "ResourceNotFoundException"


def test_roles_must_exist_and_trust_the_pool(admin, public, iam):
    invalid = (
        "InvalidIdentityPoolConfigurationException",
        "Invalid identity pool configuration. Check assigned IAM roles for this pool.",
        400,
    )
    # No roles set.
    bare = make_pool(admin, iam, roles=False)
    identity_id = public.get_id(IdentityPoolId=bare["id"])["IdentityId"]
    with pytest.raises(ClientError) as e:
        public.get_credentials_for_identity(IdentityId=identity_id)
    assert error_of(e) == invalid

    # A role trusting another pool.
    pool = make_pool(admin, iam, roles=False)
    other = make_role(iam, f"{REGION}:{uuid.uuid4()}", "unauthenticated")
    admin.set_identity_pool_roles(IdentityPoolId=pool["id"], Roles={"unauthenticated": other["Arn"]})
    identity_id = public.get_id(IdentityPoolId=pool["id"])["IdentityId"]
    with pytest.raises(ClientError) as e:
        public.get_credentials_for_identity(IdentityId=identity_id)
    assert error_of(e) == invalid

    # A role trusting only authenticated identities, given to unauthenticated ones.
    auth_only = make_role(iam, pool["id"], "authenticated")
    admin.set_identity_pool_roles(IdentityPoolId=pool["id"], Roles={"unauthenticated": auth_only["Arn"]})
    with pytest.raises(ClientError) as e:
        public.get_credentials_for_identity(IdentityId=identity_id)
    assert error_of(e) == invalid

    # A role that does not exist.
    admin.set_identity_pool_roles(
        IdentityPoolId=pool["id"], Roles={"unauthenticated": f"arn:aws:iam::{ACCOUNT}:role/{unique('missing')}"}
    )
    with pytest.raises(ClientError) as e:
        public.get_credentials_for_identity(IdentityId=identity_id)
    assert error_of(e) == invalid


def test_public_provider_logins_are_linked_to_one_identity(admin, public, iam, simfra_endpoint):
    pool = make_pool(admin, iam, SupportedLoginProviders={"graph.facebook.com": "1234567890"})
    logins = {"graph.facebook.com": "EAAB-facebook-access-token-of-alice"}
    identity_id = public.get_id(IdentityPoolId=pool["id"], Logins=logins)["IdentityId"]
    assert public.get_id(IdentityPoolId=pool["id"], Logins=logins)["IdentityId"] == identity_id
    assert admin.describe_identity(IdentityId=identity_id)["Logins"] == ["graph.facebook.com"]

    # An authenticated identity answers only to its logins.
    with pytest.raises(ClientError) as e:
        public.get_credentials_for_identity(IdentityId=identity_id)
    assert error_of(e) == ("NotAuthorizedException", f"Access to Identity '{identity_id}' is forbidden.", 400)
    bob = public.get_id(IdentityPoolId=pool["id"], Logins={"graph.facebook.com": "token-of-bob"})["IdentityId"]
    with pytest.raises(ClientError) as e:
        public.get_credentials_for_identity(IdentityId=bob, Logins=logins)
    assert error_of(e) == (
        "NotAuthorizedException",
        "Logins don't match. Please include at least one valid login for this identity or identity pool.",
        400,
    )

    creds = public.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)["Credentials"]
    me = caller_identity(simfra_endpoint, creds)
    assert me["Arn"].endswith(f":assumed-role/{pool['auth_role']['RoleName']}/CognitoIdentityCredentials")

    # Providers the pool does not support are refused.
    with pytest.raises(ClientError) as e:
        public.get_id(IdentityPoolId=pool["id"], Logins={"accounts.google.com": "x.y.z"})
    assert error_of(e) == ("NotAuthorizedException", "Token is not from a supported provider of this identity pool.", 400)

    # Unlinking the last login makes the identity inaccessible.
    public.unlink_identity(IdentityId=identity_id, Logins=logins, LoginsToRemove=["graph.facebook.com"])
    assert admin.describe_identity(IdentityId=identity_id)["Logins"] == []
    with pytest.raises(ClientError) as e:
        public.get_credentials_for_identity(IdentityId=identity_id)
    assert error_of(e)[0] == "NotAuthorizedException"
    assert identity_id not in [
        i["IdentityId"] for i in admin.list_identities(IdentityPoolId=pool["id"], MaxResults=60, HideDisabled=True)["Identities"]
    ]


def test_unauthenticated_identity_is_upgraded_by_a_login(admin, public, iam, simfra_endpoint):
    pool = make_pool(admin, iam, SupportedLoginProviders={"www.amazon.com": "amzn1.application.x"})
    identity_id = public.get_id(IdentityPoolId=pool["id"])["IdentityId"]
    logins = {"www.amazon.com": "Atza|login-with-amazon-token"}
    creds = public.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)["Credentials"]
    assert caller_identity(simfra_endpoint, creds)["Arn"].split("/")[1] == pool["auth_role"]["RoleName"]
    assert admin.describe_identity(IdentityId=identity_id)["Logins"] == ["www.amazon.com"]
    assert public.get_id(IdentityPoolId=pool["id"], Logins=logins)["IdentityId"] == identity_id


def test_user_pool_tokens_and_rule_based_roles(admin, public, iam, simfra_endpoint):
    provider = f"cognito-idp.{REGION}.amazonaws.com/{REGION}_AbCdEf123"
    pool = make_pool(
        admin, iam, allow_unauthenticated=False,
        CognitoIdentityProviders=[{"ProviderName": provider, "ClientId": "app_client_1"}],
    )
    admins_role = make_role(iam, pool["id"], "authenticated")
    admin.set_identity_pool_roles(
        IdentityPoolId=pool["id"],
        Roles={"authenticated": pool["auth_role"]["Arn"]},
        RoleMappings={
            f"{provider}:app_client_1": {
                "Type": "Rules",
                "AmbiguousRoleResolution": "AuthenticatedRole",
                "RulesConfiguration": {"Rules": [
                    {"Claim": "custom:team", "MatchType": "Equals", "Value": "admins", "RoleARN": admins_role["Arn"]},
                ]},
            }
        },
    )
    exp = int(time.time()) + 3600

    def token(sub, **claims):
        return fake_jwt({"iss": f"https://{provider}", "aud": "app_client_1", "sub": sub, "exp": exp, **claims})

    carol = {provider: token("carol", **{"custom:team": "admins"})}
    carol_id = public.get_id(IdentityPoolId=pool["id"], Logins=carol)["IdentityId"]
    creds = public.get_credentials_for_identity(IdentityId=carol_id, Logins=carol)["Credentials"]
    assert caller_identity(simfra_endpoint, creds)["Arn"].split("/")[1] == admins_role["RoleName"]

    dave = {provider: token("dave")}
    dave_id = public.get_id(IdentityPoolId=pool["id"], Logins=dave)["IdentityId"]
    creds = public.get_credentials_for_identity(IdentityId=dave_id, Logins=dave)["Credentials"]
    assert caller_identity(simfra_endpoint, creds)["Arn"].split("/")[1] == pool["auth_role"]["RoleName"]

    wrong_client = {provider: fake_jwt({"iss": f"https://{provider}", "aud": "other_client", "sub": "eve", "exp": exp})}
    with pytest.raises(ClientError) as e:
        public.get_id(IdentityPoolId=pool["id"], Logins=wrong_client)
    assert error_of(e) == ("NotAuthorizedException", "Token is not from a supported provider of this identity pool.", 400)

    wrong_issuer = {provider: fake_jwt({"iss": "https://example.com", "aud": "app_client_1", "sub": "eve", "exp": exp})}
    with pytest.raises(ClientError) as e:
        public.get_id(IdentityPoolId=pool["id"], Logins=wrong_issuer)
    assert error_of(e) == ("NotAuthorizedException", "Invalid login token. Issuer doesn't match providerName", 400)

    expired = {provider: fake_jwt({"iss": f"https://{provider}", "aud": "app_client_1", "sub": "eve", "exp": 1000})}
    with pytest.raises(ClientError) as e:
        public.get_id(IdentityPoolId=pool["id"], Logins=expired)
    code, message, _ = error_of(e)
    assert code == "NotAuthorizedException" and message.startswith("Invalid login token. Token expired")


def test_developer_authenticated_identities(admin, public, iam, simfra_endpoint):
    dev = "login.example.myapp"
    pool = make_pool(admin, iam, allow_unauthenticated=False, DeveloperProviderName=dev)

    alice = admin.get_open_id_token_for_developer_identity(IdentityPoolId=pool["id"], Logins={dev: "alice"})
    alice_id = alice["IdentityId"]
    assert IDENTITY_ID.match(alice_id)
    claims = jwt_claims(alice["Token"])
    assert claims["iss"] == "https://cognito-identity.amazonaws.com"
    assert claims["aud"] == pool["id"] and claims["sub"] == alice_id
    assert claims["amr"] == ["authenticated", dev, f"{dev}:{pool['id']}:alice"]
    assert 800 < claims["exp"] - time.time() <= 900

    again = admin.get_open_id_token_for_developer_identity(
        IdentityPoolId=pool["id"], Logins={dev: "alice"}, TokenDuration=3600, PrincipalTags={"team": "red"}
    )
    assert again["IdentityId"] == alice_id
    again_claims = jwt_claims(again["Token"])
    assert 3500 < again_claims["exp"] - time.time() <= 3600
    assert again_claims["https://aws.amazon.com/tags"]["principal_tags"] == {"team": ["red"]}

    looked = admin.lookup_developer_identity(IdentityPoolId=pool["id"], DeveloperUserIdentifier="alice")
    assert looked["IdentityId"] == alice_id and looked["DeveloperUserIdentifierList"] == ["alice"]
    assert admin.lookup_developer_identity(IdentityPoolId=pool["id"], IdentityId=alice_id)["DeveloperUserIdentifierList"] == ["alice"]
    assert admin.describe_identity(IdentityId=alice_id)["Logins"] == [dev]

    # The OpenID token is the login that unlocks the identity's credentials.
    creds = public.get_credentials_for_identity(IdentityId=alice_id, Logins={COGNITO: alice["Token"]})["Credentials"]
    assert caller_identity(simfra_endpoint, creds)["Arn"].split("/")[1] == pool["auth_role"]["RoleName"]
    with pytest.raises(ClientError) as e:
        public.get_credentials_for_identity(IdentityId=alice_id)
    assert error_of(e)[0] == "NotAuthorizedException"

    bob_id = admin.get_open_id_token_for_developer_identity(IdentityPoolId=pool["id"], Logins={dev: "bob"})["IdentityId"]
    assert bob_id != alice_id
    with pytest.raises(ClientError) as e:
        public.get_credentials_for_identity(IdentityId=bob_id, Logins={COGNITO: alice["Token"]})
    assert error_of(e)[0] == "NotAuthorizedException"

    # bob belongs to another identity: he cannot be linked to alice's.
    with pytest.raises(ClientError) as e:
        admin.get_open_id_token_for_developer_identity(IdentityPoolId=pool["id"], IdentityId=alice_id, Logins={dev: "bob"})
    assert error_of(e) == (
        "DeveloperUserAlreadyRegisteredException",
        "The provided developer user identifier is already registered with Cognito under a different identity ID.",
        400,
    )
    # A new developer user can be.
    linked = admin.get_open_id_token_for_developer_identity(IdentityPoolId=pool["id"], IdentityId=alice_id, Logins={dev: "alice-2"})
    assert linked["IdentityId"] == alice_id

    merged = admin.merge_developer_identities(
        SourceUserIdentifier="bob", DestinationUserIdentifier="alice", DeveloperProviderName=dev, IdentityPoolId=pool["id"]
    )
    assert merged["IdentityId"] == alice_id
    assert sorted(admin.lookup_developer_identity(IdentityPoolId=pool["id"], IdentityId=alice_id)["DeveloperUserIdentifierList"]) == [
        "alice", "alice-2", "bob"
    ]
    assert admin.lookup_developer_identity(IdentityPoolId=pool["id"], DeveloperUserIdentifier="bob")["IdentityId"] == alice_id
    with pytest.raises(ClientError) as e:
        admin.describe_identity(IdentityId=bob_id)
    assert error_of(e)[0] == "ResourceNotFoundException"

    page = admin.lookup_developer_identity(IdentityPoolId=pool["id"], IdentityId=alice_id, MaxResults=2)
    assert len(page["DeveloperUserIdentifierList"]) == 2 and page["NextToken"]
    rest = admin.lookup_developer_identity(IdentityPoolId=pool["id"], IdentityId=alice_id, MaxResults=2, NextToken=page["NextToken"])
    assert len(rest["DeveloperUserIdentifierList"]) == 1 and "NextToken" not in rest

    admin.unlink_developer_identity(IdentityId=alice_id, IdentityPoolId=pool["id"], DeveloperProviderName=dev, DeveloperUserIdentifier="bob")
    with pytest.raises(ClientError) as e:
        admin.lookup_developer_identity(IdentityPoolId=pool["id"], DeveloperUserIdentifier="bob")
    assert error_of(e)[0] == "ResourceNotFoundException"
    # Unlinked, bob is a new identity next time he is seen.
    assert admin.get_open_id_token_for_developer_identity(IdentityPoolId=pool["id"], Logins={dev: "bob"})["IdentityId"] not in (alice_id, bob_id)

    # Developer users can only be vouched for by the signed call.
    with pytest.raises(ClientError) as e:
        public.get_id(IdentityPoolId=pool["id"], Logins={dev: "alice"})
    assert error_of(e)[0] == "NotAuthorizedException"

    with pytest.raises(ClientError) as e:
        admin.lookup_developer_identity(IdentityPoolId=pool["id"], DeveloperUserIdentifier="nobody")
    assert error_of(e)[0] == "ResourceNotFoundException"


def test_developer_operations_require_a_signature(admin, public, iam):
    dev = "login.example.signed"
    pool = make_pool(admin, iam, DeveloperProviderName=dev)
    for call in (
        lambda: public.get_open_id_token_for_developer_identity(IdentityPoolId=pool["id"], Logins={dev: "mallory"}),
        lambda: public.list_identities(IdentityPoolId=pool["id"], MaxResults=10),
        lambda: public.lookup_developer_identity(IdentityPoolId=pool["id"], DeveloperUserIdentifier="mallory"),
    ):
        with pytest.raises(ClientError) as e:
            call()
        assert error_of(e)[0] == "MissingAuthenticationTokenException"
        assert error_of(e)[2] == 403


def test_open_id_token_works_with_assume_role_with_web_identity(admin, public, iam, make_client, simfra_endpoint):
    pool = make_pool(admin, iam)
    identity_id = public.get_id(IdentityPoolId=pool["id"])["IdentityId"]
    got = public.get_open_id_token(IdentityId=identity_id)
    assert got["IdentityId"] == identity_id
    claims = jwt_claims(got["Token"])
    assert claims["iss"] == "https://cognito-identity.amazonaws.com"
    assert claims["sub"] == identity_id and claims["aud"] == pool["id"]
    assert claims["amr"] == ["unauthenticated"]
    assert 500 < claims["exp"] - time.time() <= 600

    # The classic (basic) flow: the app assumes the role itself.
    sts = make_client("sts", signature_version=UNSIGNED)
    assumed = sts.assume_role_with_web_identity(
        RoleArn=pool["unauth_role"]["Arn"], RoleSessionName="app-session", WebIdentityToken=got["Token"]
    )
    assert assumed["SubjectFromWebIdentityToken"] == identity_id
    assert assumed["Provider"] == COGNITO
    me = caller_identity(simfra_endpoint, assumed["Credentials"])
    assert me["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/{pool['unauth_role']['RoleName']}/app-session"

    # The token is for unauthenticated identities: the authenticated role does not trust it.
    with pytest.raises(ClientError) as e:
        sts.assume_role_with_web_identity(
            RoleArn=pool["auth_role"]["Arn"], RoleSessionName="app-session", WebIdentityToken=got["Token"]
        )
    assert e.value.response["Error"]["Code"] == "AccessDenied"


def test_describe_list_and_delete_identities(admin, public, iam):
    pool = make_pool(admin, iam)
    ids = [public.get_id(IdentityPoolId=pool["id"])["IdentityId"] for _ in range(3)]

    described = admin.describe_identity(IdentityId=ids[0])
    assert described["IdentityId"] == ids[0]
    assert described["Logins"] == []
    assert described["CreationDate"] <= described["LastModifiedDate"]

    first = admin.list_identities(IdentityPoolId=pool["id"], MaxResults=2)
    assert first["IdentityPoolId"] == pool["id"]
    assert [i["IdentityId"] for i in first["Identities"]] == ids[:2]
    second = admin.list_identities(IdentityPoolId=pool["id"], MaxResults=2, NextToken=first["NextToken"])
    assert [i["IdentityId"] for i in second["Identities"]] == ids[2:]
    assert "NextToken" not in second

    with pytest.raises(ClientError) as e:
        admin.list_identities(IdentityPoolId=pool["id"], MaxResults=2, NextToken="not-a-token")
    assert error_of(e)[0] == "InvalidParameterException"

    deleted = admin.delete_identities(IdentityIdsToDelete=[ids[1]])
    assert deleted["UnprocessedIdentityIds"] == []
    assert [i["IdentityId"] for i in admin.list_identities(IdentityPoolId=pool["id"], MaxResults=60)["Identities"]] == [ids[0], ids[2]]
    with pytest.raises(ClientError) as e:
        public.get_credentials_for_identity(IdentityId=ids[1])
    assert error_of(e) == ("ResourceNotFoundException", f"Identity '{ids[1]}' not found.", 400)

    # Deleting the pool takes its identities with it.
    admin.delete_identity_pool(IdentityPoolId=pool["id"])
    with pytest.raises(ClientError) as e:
        public.get_credentials_for_identity(IdentityId=ids[0])
    assert error_of(e)[0] == "ResourceNotFoundException"


def test_identity_pool_roles_round_trip(admin, iam):
    provider = "accounts.google.com"
    pool = make_pool(admin, iam, roles=False, SupportedLoginProviders={provider: "client.apps.googleusercontent.com"})
    assert admin.get_identity_pool_roles(IdentityPoolId=pool["id"])["Roles"] == {}

    auth = make_role(iam, pool["id"], "authenticated")
    mapping = {
        "Type": "Rules",
        "AmbiguousRoleResolution": "Deny",
        "RulesConfiguration": {"Rules": [{"Claim": "hd", "MatchType": "Equals", "Value": "example.com", "RoleARN": auth["Arn"]}]},
    }
    admin.set_identity_pool_roles(IdentityPoolId=pool["id"], Roles={"authenticated": auth["Arn"]}, RoleMappings={provider: mapping})
    got = admin.get_identity_pool_roles(IdentityPoolId=pool["id"])
    assert got["IdentityPoolId"] == pool["id"]
    assert got["Roles"] == {"authenticated": auth["Arn"]}
    assert got["RoleMappings"] == {provider: mapping}

    with pytest.raises(ClientError) as e:
        admin.set_identity_pool_roles(
            IdentityPoolId=pool["id"], Roles={"authenticated": auth["Arn"]}, RoleMappings={"graph.facebook.com": mapping}
        )
    assert error_of(e) == (
        "InvalidParameterException",
        "graph.facebook.com is not a valid RoleMapping ProviderName or is not a configured provider.",
        400,
    )
    missing = f"{REGION}:{uuid.uuid4()}"
    with pytest.raises(ClientError) as e:
        admin.get_identity_pool_roles(IdentityPoolId=missing)
    assert error_of(e) == ("ResourceNotFoundException", f"IdentityPool '{missing}' not found.", 400)


def test_ambiguous_role_mapping_can_deny(admin, public, iam):
    provider = "accounts.google.com"
    pool = make_pool(admin, iam, SupportedLoginProviders={provider: "client-1"})
    admin.set_identity_pool_roles(
        IdentityPoolId=pool["id"],
        Roles={"authenticated": pool["auth_role"]["Arn"]},
        RoleMappings={provider: {
            "Type": "Rules",
            "AmbiguousRoleResolution": "Deny",
            "RulesConfiguration": {"Rules": [
                {"Claim": "hd", "MatchType": "Equals", "Value": "example.com", "RoleARN": pool["auth_role"]["Arn"]},
            ]},
        }},
    )
    token = fake_jwt({"iss": "https://accounts.google.com", "aud": "client-1", "sub": "g-1", "hd": "other.org",
                      "exp": int(time.time()) + 600})
    identity_id = public.get_id(IdentityPoolId=pool["id"], Logins={provider: token})["IdentityId"]
    with pytest.raises(ClientError) as e:
        public.get_credentials_for_identity(IdentityId=identity_id, Logins={provider: token})
    assert error_of(e) == (
        "InvalidIdentityPoolConfigurationException",
        f"The ambiguous role mapping rules for: {provider} denied this request.",
        400,
    )


def test_unauthenticated_sessions_are_scoped_down(admin, public, iam, simfra_endpoint):
    """AWS limits unauthenticated identities to the services of
    AmazonCognitoUnAuthedIdentitiesSessionPolicy, whatever their role allows."""
    pool = make_pool(admin, iam, SupportedLoginProviders={"graph.facebook.com": "1234567890"})
    permissions = json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["s3:ListAllMyBuckets", "firehose:ListDeliveryStreams"], "Resource": "*"}],
    })
    for role in (pool["auth_role"], pool["unauth_role"]):
        iam.put_role_policy(RoleName=role["RoleName"], PolicyName="app", PolicyDocument=permissions)

    guest = public.get_id(IdentityPoolId=pool["id"])["IdentityId"]
    guest_creds = public.get_credentials_for_identity(IdentityId=guest)["Credentials"]
    assert "DeliveryStreamNames" in temporary_client(simfra_endpoint, "firehose", guest_creds).list_delivery_streams()
    with pytest.raises(ClientError) as e:
        temporary_client(simfra_endpoint, "s3", guest_creds).list_buckets()
    assert e.value.response["Error"]["Code"] == "AccessDenied"

    logins = {"graph.facebook.com": "token-of-frank"}
    member = public.get_id(IdentityPoolId=pool["id"], Logins=logins)["IdentityId"]
    member_creds = public.get_credentials_for_identity(IdentityId=member, Logins=logins)["Credentials"]
    assert "Buckets" in temporary_client(simfra_endpoint, "s3", member_creds).list_buckets()
