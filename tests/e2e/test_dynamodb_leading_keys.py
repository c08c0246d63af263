"""dynamodb:LeadingKeys for Query, batches and transactions: a user allowed
only items whose partition key is their own name may query and batch-write
their partition, and is refused as soon as a request names another one."""

import json

import botocore.exceptions
import pytest

from conftest import unique


@pytest.fixture(scope="module")
def setup(make_client):
    root_ddb = make_client("dynamodb")
    iam = make_client("iam")
    table = unique("fgac")
    root_ddb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "owner", "KeyType": "HASH"}, {"AttributeName": "n", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "owner", "AttributeType": "S"}, {"AttributeName": "n", "AttributeType": "N"}],
        BillingMode="PAY_PER_REQUEST",
    )
    arn = root_ddb.describe_table(TableName=table)["Table"]["TableArn"]
    user = unique("u")
    iam.create_user(UserName=user)
    iam.put_user_policy(
        UserName=user,
        PolicyName="own-items",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": ["dynamodb:Query", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:UpdateItem"],
                        "Resource": arn,
                        "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${aws:username}"]}},
                    }
                ],
            }
        ),
    )
    key = iam.create_access_key(UserName=user)["AccessKey"]
    ddb = make_client("dynamodb", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
    return ddb, table, user


def denied(call):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        call()
    assert e.value.response["Error"]["Code"] == "AccessDeniedException"


def test_query_is_limited_to_the_callers_partition(setup):
    ddb, table, user = setup
    ddb.put_item(TableName=table, Item={"owner": {"S": user}, "n": {"N": "1"}})
    items = ddb.query(TableName=table, KeyConditionExpression="#o = :me", ExpressionAttributeNames={"#o": "owner"}, ExpressionAttributeValues={":me": {"S": user}})["Items"]
    assert len(items) == 1
    denied(lambda: ddb.query(TableName=table, KeyConditionExpression="#o = :x", ExpressionAttributeNames={"#o": "owner"}, ExpressionAttributeValues={":x": {"S": "someone-else"}}))


def test_batches_may_only_name_the_callers_partition(setup):
    ddb, table, user = setup
    mine = [{"PutRequest": {"Item": {"owner": {"S": user}, "n": {"N": str(i)}}}} for i in range(2, 4)]
    ddb.batch_write_item(RequestItems={table: mine})
    got = ddb.batch_get_item(RequestItems={table: {"Keys": [{"owner": {"S": user}, "n": {"N": "2"}}]}})["Responses"][table]
    assert len(got) == 1
    mixed = mine + [{"PutRequest": {"Item": {"owner": {"S": "someone-else"}, "n": {"N": "1"}}}}]
    denied(lambda: ddb.batch_write_item(RequestItems={table: mixed}))
    denied(lambda: ddb.batch_get_item(RequestItems={table: {"Keys": [{"owner": {"S": "someone-else"}, "n": {"N": "2"}}]}}))


def test_transactions_may_only_name_the_callers_partition(setup):
    ddb, table, user = setup
    ddb.transact_write_items(TransactItems=[{"Put": {"TableName": table, "Item": {"owner": {"S": user}, "n": {"N": "9"}}}}])
    denied(
        lambda: ddb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table, "Item": {"owner": {"S": user}, "n": {"N": "10"}}}},
                {"Delete": {"TableName": table, "Key": {"owner": {"S": "someone-else"}, "n": {"N": "1"}}}},
            ]
        )
    )


def test_resource_policy_grants_access_and_round_trips(make_client):
    root = make_client("dynamodb")
    iam = make_client("iam")
    table = unique("rp")
    root.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    arn = root.describe_table(TableName=table)["Table"]["TableArn"]
    user = unique("reader")
    user_arn = iam.create_user(UserName=user)["User"]["Arn"]
    key = iam.create_access_key(UserName=user)["AccessKey"]
    reader = make_client("dynamodb", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
    with pytest.raises(reader.exceptions.PolicyNotFoundException) as e:
        root.get_resource_policy(ResourceArn=arn)
    assert e.value.response["Error"]["Message"] == f"Resource-based policy not found for the provided ResourceArn: {arn}"
    denied(lambda: reader.get_item(TableName=table, Key={"pk": {"S": "x"}}))
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": user_arn}, "Action": "dynamodb:GetItem", "Resource": arn}],
        }
    )
    revision = root.put_resource_policy(ResourceArn=arn, Policy=policy)["RevisionId"]
    got = root.get_resource_policy(ResourceArn=arn)
    assert (json.loads(got["Policy"]), got["RevisionId"]) == (json.loads(policy), revision)
    assert "Item" not in reader.get_item(TableName=table, Key={"pk": {"S": "x"}})
    denied(lambda: reader.put_item(TableName=table, Item={"pk": {"S": "x"}}))
    root.delete_resource_policy(ResourceArn=arn)
    denied(lambda: reader.get_item(TableName=table, Key={"pk": {"S": "x"}}))


def test_select_and_return_values_condition_keys(make_client):
    root = make_client("dynamodb")
    iam = make_client("iam")
    table = unique("sel")
    root.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    arn = root.describe_table(TableName=table)["Table"]["TableArn"]
    user = unique("counter")
    iam.create_user(UserName=user)
    iam.put_user_policy(
        UserName=user,
        PolicyName="count-only",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "dynamodb:Scan", "Resource": arn, "Condition": {"StringEquals": {"dynamodb:Select": "COUNT"}}},
                    {"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": arn, "Condition": {"StringEqualsIfExists": {"dynamodb:ReturnValues": "NONE"}}},
                ],
            }
        ),
    )
    key = iam.create_access_key(UserName=user)["AccessKey"]
    ddb = make_client("dynamodb", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}})
    assert ddb.scan(TableName=table, Select="COUNT")["Count"] == 1
    denied(lambda: ddb.scan(TableName=table))
    denied(lambda: ddb.put_item(TableName=table, Item={"pk": {"S": "b"}}, ReturnValues="ALL_OLD"))


def test_attributes_condition_key_limits_what_is_read_and_written(make_client):
    root = make_client("dynamodb")
    iam = make_client("iam")
    table = unique("attrs")
    root.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    arn = root.describe_table(TableName=table)["Table"]["TableArn"]
    root.put_item(TableName=table, Item={"pk": {"S": "p"}, "shown": {"S": "yes"}, "secret": {"S": "no"}})
    user = unique("limited")
    iam.create_user(UserName=user)
    iam.put_user_policy(
        UserName=user,
        PolicyName="shown-only",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"],
                        "Resource": arn,
                        "Condition": {
                            "ForAllValues:StringEquals": {"dynamodb:Attributes": ["pk", "shown"]},
                            "StringEqualsIfExists": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"},
                        },
                    }
                ],
            }
        ),
    )
    key = iam.create_access_key(UserName=user)["AccessKey"]
    ddb = make_client("dynamodb", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
    q = dict(TableName=table, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p"}})
    assert ddb.query(**q, ProjectionExpression="shown", Select="SPECIFIC_ATTRIBUTES")["Items"] == [{"shown": {"S": "yes"}}]
    denied(lambda: ddb.query(**q, ProjectionExpression="secret", Select="SPECIFIC_ATTRIBUTES"))
    denied(lambda: ddb.query(**q, Select="ALL_ATTRIBUTES"))
    ddb.put_item(TableName=table, Item={"pk": {"S": "q"}, "shown": {"S": "new"}})
    denied(lambda: ddb.put_item(TableName=table, Item={"pk": {"S": "q"}, "secret": {"S": "sneaky"}}))
    ddb.update_item(TableName=table, Key={"pk": {"S": "q"}}, UpdateExpression="SET shown = :v", ExpressionAttributeValues={":v": {"S": "x"}})
    denied(lambda: ddb.update_item(TableName=table, Key={"pk": {"S": "q"}}, UpdateExpression="SET #s = :v", ExpressionAttributeNames={"#s": "secret"}, ExpressionAttributeValues={":v": {"S": "x"}}))
