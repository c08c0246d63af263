"""DynamoDB table management and DynamoDB Streams through boto3 and the AWS
CLI: UpdateTable (online GSI create with backfill and delete, billing mode,
deletion protection, table class), tags, ListTables pagination, TTL with
its background deletion, and stream records for every kind of write."""

import functools
import json
import time

import pytest

from conftest import aws_cli, unique


@pytest.fixture(scope="module")
def ddb(make_client):
    return make_client("dynamodb")


@pytest.fixture(scope="module")
def streams(make_client):
    return make_client("dynamodbstreams")


def simple_table(ddb, **extra):
    name = unique("tbl")
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        **extra,
    )
    return name


def test_online_gsi_create_backfills_and_delete_removes(ddb):
    name = simple_table(ddb)
    for i in range(5):
        ddb.put_item(TableName=name, Item={"pk": {"S": f"p{i}"}, "colour": {"S": "red" if i % 2 else "blue"}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "odd-type"}, "colour": {"N": "1"}})
    out = ddb.update_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "colour", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[
            {"Create": {"IndexName": "by-colour", "KeySchema": [{"AttributeName": "colour", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}}
        ],
    )
    assert out["TableDescription"]["TableStatus"] == "UPDATING"
    creating = out["TableDescription"]["GlobalSecondaryIndexes"][0]
    assert (creating["IndexStatus"], creating["Backfilling"]) == ("CREATING", True)
    desc = ddb.describe_table(TableName=name)["Table"]
    assert desc["TableStatus"] == "ACTIVE"
    gsi = desc["GlobalSecondaryIndexes"][0]
    assert (gsi["IndexName"], gsi["IndexStatus"], gsi["ItemCount"]) == ("by-colour", "ACTIVE", 5)
    red = ddb.query(TableName=name, IndexName="by-colour", KeyConditionExpression="colour = :c", ExpressionAttributeValues={":c": {"S": "red"}})
    assert sorted(i["pk"]["S"] for i in red["Items"]) == ["p1", "p3"]
    out = ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-colour"}}])
    assert out["TableDescription"]["GlobalSecondaryIndexes"][0]["IndexStatus"] == "DELETING"
    desc = ddb.describe_table(TableName=name)["Table"]
    assert "GlobalSecondaryIndexes" not in desc
    assert desc["AttributeDefinitions"] == [{"AttributeName": "pk", "AttributeType": "S"}]


def test_attribute_definitions_come_back_sorted(ddb):
    name = unique("sorted")
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "zeta", "KeyType": "HASH"}, {"AttributeName": "alpha", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "zeta", "AttributeType": "S"}, {"AttributeName": "alpha", "AttributeType": "N"}],
        BillingMode="PAY_PER_REQUEST",
    )
    defs = ddb.describe_table(TableName=name)["Table"]["AttributeDefinitions"]
    assert [d["AttributeName"] for d in defs] == ["alpha", "zeta"]


def test_billing_mode_deletion_protection_and_table_class(ddb):
    name = simple_table(ddb, DeletionProtectionEnabled=True)
    ddb.update_table(TableName=name, BillingMode="PROVISIONED", ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 3})
    desc = ddb.describe_table(TableName=name)["Table"]
    assert desc["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    assert (desc["ProvisionedThroughput"]["ReadCapacityUnits"], desc["ProvisionedThroughput"]["WriteCapacityUnits"]) == (5, 3)
    ddb.update_table(TableName=name, TableClass="STANDARD_INFREQUENT_ACCESS")
    assert ddb.describe_table(TableName=name)["Table"]["TableClassSummary"]["TableClass"] == "STANDARD_INFREQUENT_ACCESS"
    with pytest.raises(ddb.exceptions.ClientError) as e:
        ddb.delete_table(TableName=name)
    assert e.value.response["Error"]["Message"] == (
        "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first."
    )
    ddb.update_table(TableName=name, DeletionProtectionEnabled=False)
    assert ddb.delete_table(TableName=name)["TableDescription"]["TableStatus"] == "DELETING"
    with pytest.raises(ddb.exceptions.ResourceNotFoundException):
        ddb.describe_table(TableName=name)


def test_tags_and_list_tables_pagination(ddb):
    names = sorted(simple_table(ddb, Tags=[{"Key": "team", "Value": "a"}]) for _ in range(3))
    arn = ddb.describe_table(TableName=names[0])["Table"]["TableArn"]
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "b"}])
    assert sorted((t["Key"], t["Value"]) for t in ddb.list_tags_of_resource(ResourceArn=arn)["Tags"]) == [("env", "dev"), ("team", "b")]
    ddb.untag_resource(ResourceArn=arn, TagKeys=["team"])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "env", "Value": "dev"}]
    seen, start = [], None
    while True:
        kwargs = {"Limit": 2}
        if start:
            kwargs["ExclusiveStartTableName"] = start
        page = ddb.list_tables(**kwargs)
        assert len(page["TableNames"]) <= 2
        seen += page["TableNames"]
        start = page.get("LastEvaluatedTableName")
        if not start:
            break
    assert seen == sorted(seen) and set(names) <= set(seen)


def records(streams, arn):
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    return streams.get_records(ShardIterator=it)["Records"]


def test_stream_records_every_write(ddb, streams):
    name = simple_table(ddb, StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    desc = ddb.describe_table(TableName=name)["Table"]
    arn = desc["LatestStreamArn"]
    assert arn.startswith(desc["TableArn"] + "/stream/") and desc["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"N": "1"}})
    ddb.update_item(TableName=name, Key={"pk": {"S": "a"}}, UpdateExpression="SET v = :v", ExpressionAttributeValues={":v": {"N": "2"}})
    ddb.batch_write_item(RequestItems={name: [{"PutRequest": {"Item": {"pk": {"S": "b"}}}}]})
    ddb.transact_write_items(TransactItems=[{"Delete": {"TableName": name, "Key": {"pk": {"S": "a"}}}}])
    # A failed condition writes nothing, so records nothing.
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
        ddb.delete_item(TableName=name, Key={"pk": {"S": "b"}}, ConditionExpression="attribute_exists(nope)")
    recs = records(streams, arn)
    assert [r["eventName"] for r in recs] == ["INSERT", "MODIFY", "INSERT", "REMOVE"]
    modify = recs[1]["dynamodb"]
    assert modify["Keys"] == {"pk": {"S": "a"}}
    assert modify["OldImage"]["v"] == {"N": "1"} and modify["NewImage"]["v"] == {"N": "2"}
    assert recs[3]["dynamodb"]["OldImage"] == {"pk": {"S": "a"}, "v": {"N": "2"}} and "NewImage" not in recs[3]["dynamodb"]
    seqs = [int(r["dynamodb"]["SequenceNumber"]) for r in recs]
    assert seqs == sorted(seqs) and len(set(seqs)) == 4
    assert all(r["eventSource"] == "aws:dynamodb" and r["awsRegion"] == "us-east-1" for r in recs)
    # LATEST starts after everything so far; AFTER_SEQUENCE_NUMBER after one record.
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    latest = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST")["ShardIterator"]
    assert streams.get_records(ShardIterator=latest)["Records"] == []
    after = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard, ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=recs[1]["dynamodb"]["SequenceNumber"]
    )["ShardIterator"]
    at = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard, ShardIteratorType="AT_SEQUENCE_NUMBER", SequenceNumber=recs[1]["dynamodb"]["SequenceNumber"]
    )["ShardIterator"]
    assert [r["eventName"] for r in streams.get_records(ShardIterator=at)["Records"]] == ["MODIFY", "INSERT", "REMOVE"]
    page = streams.get_records(ShardIterator=after, Limit=1)
    assert [r["eventName"] for r in page["Records"]] == ["INSERT"]
    ddb.put_item(TableName=name, Item={"pk": {"S": "c"}})
    more = streams.get_records(ShardIterator=page["NextShardIterator"])["Records"]
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in more] == ["a", "c"]
    listed = streams.list_streams(TableName=name)["Streams"]
    assert listed == [{"StreamArn": arn, "TableName": name, "StreamLabel": desc["LatestStreamLabel"]}]


def test_keys_only_stream_and_disabling(ddb, streams):
    name = simple_table(ddb)
    ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    ddb.put_item(TableName=name, Item={"pk": {"S": "k"}, "secret": {"S": "s"}})
    rec = records(streams, arn)[0]["dynamodb"]
    assert rec["Keys"] == {"pk": {"S": "k"}} and "NewImage" not in rec and rec["StreamViewType"] == "KEYS_ONLY"
    ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
    d = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert d["StreamStatus"] == "DISABLED" and "EndingSequenceNumber" in d["Shards"][0]["SequenceNumberRange"]
    ddb.put_item(TableName=name, Item={"pk": {"S": "later"}})
    assert len(records(streams, arn)) == 1


def test_ttl_deletes_expired_items_with_a_service_stream_record(ddb, streams):
    name = simple_table(ddb, StreamSpecification={"StreamEnabled": True, "StreamViewType": "OLD_IMAGE"})
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {"TimeToLiveStatus": "DISABLED"}
    ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}
    with pytest.raises(ddb.exceptions.ClientError) as e:
        ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
    assert e.value.response["Error"]["Message"] == "TimeToLive is already enabled"
    now = int(time.time())
    ddb.put_item(TableName=name, Item={"pk": {"S": "old"}, "expires": {"N": str(now - 10)}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "future"}, "expires": {"N": str(now + 3600)}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "text"}, "expires": {"S": "not a number"}})
    deadline = time.time() + 10
    while time.time() < deadline and "Item" in ddb.get_item(TableName=name, Key={"pk": {"S": "old"}}):
        time.sleep(0.2)
    assert "Item" not in ddb.get_item(TableName=name, Key={"pk": {"S": "old"}})
    assert "Item" in ddb.get_item(TableName=name, Key={"pk": {"S": "future"}})
    assert "Item" in ddb.get_item(TableName=name, Key={"pk": {"S": "text"}})
    arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    removal = [r for r in records(streams, arn) if r["eventName"] == "REMOVE"]
    assert len(removal) == 1
    assert removal[0]["userIdentity"] == {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"}
    assert removal[0]["dynamodb"]["OldImage"]["pk"] == {"S": "old"}


def test_aws_cli_conditional_write_and_query(simfra_endpoint, ddb):
    name = unique("cli")
    cli = functools.partial(aws_cli, simfra_endpoint, "dynamodb")

    cli(
        "create-table", "--table-name", name,
        "--key-schema", "AttributeName=pk,KeyType=HASH", "AttributeName=sk,KeyType=RANGE",
        "--attribute-definitions", "AttributeName=pk,AttributeType=S", "AttributeName=sk,AttributeType=S",
        "--billing-mode", "PAY_PER_REQUEST",
    )
    cli("wait", "table-exists", "--table-name", name)
    cli("put-item", "--table-name", name, "--item", json.dumps({"pk": {"S": "u#1"}, "sk": {"S": "profile"}, "n": {"N": "1"}}),
        "--condition-expression", "attribute_not_exists(pk)")
    failed = cli("put-item", "--table-name", name, "--item", json.dumps({"pk": {"S": "u#1"}, "sk": {"S": "profile"}}),
                 "--condition-expression", "attribute_not_exists(pk)", ok=False)
    assert "ConditionalCheckFailedException" in failed
    out = cli("update-item", "--table-name", name, "--key", json.dumps({"pk": {"S": "u#1"}, "sk": {"S": "profile"}}),
              "--update-expression", "ADD n :one", "--expression-attribute-values", json.dumps({":one": {"N": "4"}}),
              "--return-values", "UPDATED_NEW")
    assert out["Attributes"] == {"n": {"N": "5"}}
    q = cli("query", "--table-name", name, "--key-condition-expression", "pk = :p AND begins_with(sk, :s)",
            "--expression-attribute-values", json.dumps({":p": {"S": "u#1"}, ":s": {"S": "pro"}}))
    assert q["Count"] == 1 and q["Items"][0]["n"] == {"N": "5"}


def test_writes_that_change_nothing_leave_no_record(ddb, streams):
    name = simple_table(ddb, StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    item = {"pk": {"S": "same"}, "tags": {"SS": ["a", "b"]}}
    ddb.put_item(TableName=name, Item=item)
    ddb.put_item(TableName=name, Item={"pk": {"S": "same"}, "tags": {"SS": ["b", "a"]}})
    ddb.update_item(TableName=name, Key={"pk": {"S": "same"}}, UpdateExpression="SET tags = tags")
    ddb.delete_item(TableName=name, Key={"pk": {"S": "absent"}})
    assert [r["eventName"] for r in records(streams, arn)] == ["INSERT"]


def test_contributor_insights_per_table_and_index(ddb):
    name = unique("ci")
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"}],
        GlobalSecondaryIndexes=[{"IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}],
        BillingMode="PAY_PER_REQUEST",
    )
    assert ddb.describe_contributor_insights(TableName=name)["ContributorInsightsStatus"] == "DISABLED"
    out = ddb.update_contributor_insights(TableName=name, IndexName="by-g", ContributorInsightsAction="ENABLE")
    assert out["ContributorInsightsStatus"] == "ENABLING"
    d = ddb.describe_contributor_insights(TableName=name, IndexName="by-g")
    assert d["ContributorInsightsStatus"] == "ENABLED" and len(d["ContributorInsightsRuleList"]) == 4
    listed = ddb.list_contributor_insights(TableName=name)["ContributorInsightsSummaries"]
    assert listed == [{"TableName": name, "IndexName": "by-g", "ContributorInsightsStatus": "ENABLED"}]
    with pytest.raises(ddb.exceptions.ResourceNotFoundException):
        ddb.update_contributor_insights(TableName=name, IndexName="nope", ContributorInsightsAction="ENABLE")


def regional_client(simfra_endpoint, region):
    import boto3
    from botocore.config import Config

    return boto3.client(
        "dynamodb",
        endpoint_url=simfra_endpoint,
        region_name=region,
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        config=Config(retries={"max_attempts": 1}),
    )


def eventually(check, timeout=5.0):
    deadline = time.time() + timeout
    while True:
        if check():
            return True
        if time.time() > deadline:
            return False
        time.sleep(0.05)


def test_global_table_replicas_copy_writes_both_ways(ddb, simfra_endpoint):
    west = regional_client(simfra_endpoint, "eu-west-1")
    name = simple_table(ddb)
    ddb.put_item(TableName=name, Item={"pk": {"S": "before"}})
    out = ddb.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": "eu-west-1"}}])["TableDescription"]
    assert out["Replicas"] == [{"RegionName": "eu-west-1", "ReplicaStatus": "CREATING"}]
    east_desc = ddb.describe_table(TableName=name)["Table"]
    west_desc = west.describe_table(TableName=name)["Table"]
    assert east_desc["GlobalTableVersion"] == "2019.11.21"
    assert east_desc["Replicas"] == [{"RegionName": "eu-west-1", "ReplicaStatus": "ACTIVE"}]
    assert west_desc["Replicas"] == [{"RegionName": "us-east-1", "ReplicaStatus": "ACTIVE"}]
    assert west_desc["TableArn"].startswith("arn:aws:dynamodb:eu-west-1:")
    # The replica starts with the table's items, then follows its writes.
    assert "Item" in west.get_item(TableName=name, Key={"pk": {"S": "before"}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "east"}, "v": {"N": "1"}})
    assert eventually(lambda: "Item" in west.get_item(TableName=name, Key={"pk": {"S": "east"}}))
    west.update_item(TableName=name, Key={"pk": {"S": "east"}}, UpdateExpression="SET v = :v", ExpressionAttributeValues={":v": {"N": "2"}})
    assert eventually(lambda: ddb.get_item(TableName=name, Key={"pk": {"S": "east"}})["Item"]["v"] == {"N": "2"})
    west.delete_item(TableName=name, Key={"pk": {"S": "before"}})
    assert eventually(lambda: "Item" not in ddb.get_item(TableName=name, Key={"pk": {"S": "before"}}))
    # Removing the replica deletes it there and stops the copying.
    ddb.update_table(TableName=name, ReplicaUpdates=[{"Delete": {"RegionName": "eu-west-1"}}])
    with pytest.raises(west.exceptions.ResourceNotFoundException):
        west.describe_table(TableName=name)
    assert "Replicas" not in ddb.describe_table(TableName=name)["Table"]
    ddb.put_item(TableName=name, Item={"pk": {"S": "after"}})
    with pytest.raises(ddb.exceptions.ClientError) as e:
        ddb.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": "us-east-1"}}])
    assert e.value.response["Error"]["Code"] == "ValidationException"
