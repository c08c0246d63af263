"""AWS Account Management: Regions and their opt-in status, account name,
and the primary email change whose one-time password arrives in the inbox."""

import json
import urllib.request

import botocore.exceptions
import pytest


def test_regions_and_opt_in(make_client):
    acct = make_client("account")
    regions = {r["RegionName"]: r["RegionOptStatus"] for r in acct.list_regions(MaxResults=50)["Regions"]}
    assert regions["us-east-1"] == "ENABLED_BY_DEFAULT" and regions["af-south-1"] == "DISABLED"
    acct.enable_region(RegionName="af-south-1")
    assert acct.get_region_opt_status(RegionName="af-south-1")["RegionOptStatus"] == "ENABLED"
    enabled = [r["RegionName"] for r in acct.list_regions(RegionOptStatusContains=["ENABLED"])["Regions"]]
    assert enabled == ["af-south-1"]
    acct.disable_region(RegionName="af-south-1")
    assert acct.get_region_opt_status(RegionName="af-south-1")["RegionOptStatus"] == "DISABLED"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        acct.disable_region(RegionName="us-east-1")
    assert e.value.response["Error"]["Code"] == "ValidationException"
    first = acct.list_regions(MaxResults=5)
    assert len(first["Regions"]) == 5 and first["NextToken"]
    rest = acct.list_regions(MaxResults=50, NextToken=first["NextToken"])["Regions"]
    assert {r["RegionName"] for r in first["Regions"]}.isdisjoint(r["RegionName"] for r in rest)


def test_account_name_and_information(make_client):
    acct = make_client("account")
    acct.put_account_name(AccountName="Simfra Dev")
    info = acct.get_account_information()
    assert (info["AccountId"], info["AccountName"]) == ("000000000000", "Simfra Dev")


def test_primary_email_change_needs_the_one_time_password(make_client, simfra_endpoint):
    acct = make_client("account")
    assert acct.start_primary_email_update(AccountId="000000000000", PrimaryEmail="ops@example.com")["Status"] == "PENDING"
    with urllib.request.urlopen(f"{simfra_endpoint}/_simfra/inbox?Destination=ops%40example.com", timeout=10) as r:
        otp = json.loads(r.read())["Messages"][-1]["Otp"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        acct.accept_primary_email_update(AccountId="000000000000", PrimaryEmail="ops@example.com", Otp="000000" if otp != "000000" else "111111")
    assert e.value.response["Error"]["Code"] == "ValidationException"
    assert acct.accept_primary_email_update(AccountId="000000000000", PrimaryEmail="ops@example.com", Otp=otp)["Status"] == "ACCEPTED"
    assert acct.get_primary_email(AccountId="000000000000")["PrimaryEmail"] == "ops@example.com"


def test_other_accounts_only_through_their_organization(make_client):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        make_client("account").get_region_opt_status(AccountId="123456789012", RegionName="us-east-1")
    assert e.value.response["Error"]["Code"] == "AccessDeniedException"
