"""BatchGetItem/BatchWriteItem and TransactGetItems/TransactWriteItems
through boto3: multi-table batches with their response shapes, all-or-nothing
transactions with CancellationReasons (and the item when asked), idempotency
tokens, and a single-table design through the boto3 Table resource."""

import uuid

import boto3
import botocore.exceptions
import pytest
from boto3.dynamodb.conditions import Attr, Key

from conftest import unique


@pytest.fixture(scope="module")
def ddb(make_client):
    return make_client("dynamodb")


def make_table(ddb, hash_type="S"):
    name = unique("bt")
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": hash_type}],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


def test_batch_write_and_get_across_tables(ddb):
    a, b = make_table(ddb), make_table(ddb, "N")
    out = ddb.batch_write_item(
        RequestItems={
            a: [{"PutRequest": {"Item": {"id": {"S": f"k{i}"}, "v": {"N": str(i)}}}} for i in range(20)],
            b: [{"PutRequest": {"Item": {"id": {"N": "1"}}}}, {"PutRequest": {"Item": {"id": {"N": "2"}}}}],
        },
        ReturnConsumedCapacity="TOTAL",
    )
    assert out["UnprocessedItems"] == {}
    assert {c["TableName"] for c in out["ConsumedCapacity"]} == {a, b}
    ddb.batch_write_item(RequestItems={b: [{"DeleteRequest": {"Key": {"id": {"N": "2"}}}}]})
    got = ddb.batch_get_item(
        RequestItems={
            a: {"Keys": [{"id": {"S": "k3"}}, {"id": {"S": "k19"}}, {"id": {"S": "missing"}}], "ProjectionExpression": "#v", "ExpressionAttributeNames": {"#v": "v"}},
            b: {"Keys": [{"id": {"N": "1"}}, {"id": {"N": "2"}}], "ConsistentRead": True},
        }
    )
    assert sorted(i["v"]["N"] for i in got["Responses"][a]) == ["19", "3"]
    assert got["Responses"][b] == [{"id": {"N": "1"}}]
    assert got["UnprocessedKeys"] == {}


def test_batch_write_validates_everything_before_writing(ddb):
    a = make_table(ddb)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.batch_write_item(
            RequestItems={a: [{"PutRequest": {"Item": {"id": {"S": "ok"}}}}, {"PutRequest": {"Item": {"id": {"N": "1"}}}}]}
        )
    assert e.value.response["Error"]["Code"] == "ValidationException"
    assert "Item" not in ddb.get_item(TableName=a, Key={"id": {"S": "ok"}})
    with pytest.raises(ddb.exceptions.ResourceNotFoundException):
        ddb.batch_write_item(RequestItems={unique("none"): [{"PutRequest": {"Item": {"id": {"S": "x"}}}}]})


def test_transaction_is_all_or_nothing_with_cancellation_reasons(ddb):
    a = make_table(ddb)
    ddb.put_item(TableName=a, Item={"id": {"S": "acct1"}, "balance": {"N": "100"}})
    ddb.put_item(TableName=a, Item={"id": {"S": "acct2"}, "balance": {"N": "5"}})
    ddb.put_item(TableName=a, Item={"id": {"S": "bank"}})

    def transfer(amount, **extra):
        return ddb.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": a,
                        "Key": {"id": {"S": "acct1"}},
                        "UpdateExpression": "SET balance = balance - :a",
                        "ConditionExpression": "balance >= :a",
                        "ExpressionAttributeValues": {":a": {"N": str(amount)}},
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    }
                },
                {
                    "Update": {
                        "TableName": a,
                        "Key": {"id": {"S": "acct2"}},
                        "UpdateExpression": "SET balance = balance + :a",
                        "ExpressionAttributeValues": {":a": {"N": str(amount)}},
                    }
                },
                {"ConditionCheck": {"TableName": a, "Key": {"id": {"S": "bank"}}, "ConditionExpression": "attribute_exists(id)"}},
            ],
            **extra,
        )

    transfer(30)
    with pytest.raises(ddb.exceptions.TransactionCanceledException) as e:
        transfer(500)
    resp = e.value.response
    assert resp["Error"]["Message"] == (
        "Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None, None]"
    )
    reasons = resp["CancellationReasons"]
    assert reasons[0] == {
        "Code": "ConditionalCheckFailed",
        "Message": "The conditional request failed",
        "Item": {"id": {"S": "acct1"}, "balance": {"N": "70"}},
    }
    assert reasons[1] == {"Code": "None"} and reasons[2] == {"Code": "None"}
    got = ddb.transact_get_items(
        TransactItems=[
            {"Get": {"TableName": a, "Key": {"id": {"S": "acct1"}}}},
            {"Get": {"TableName": a, "Key": {"id": {"S": "acct2"}}, "ProjectionExpression": "balance"}},
            {"Get": {"TableName": a, "Key": {"id": {"S": "nobody"}}}},
        ]
    )["Responses"]
    assert got == [{"Item": {"id": {"S": "acct1"}, "balance": {"N": "70"}}}, {"Item": {"balance": {"N": "35"}}}, {}]


def test_client_request_token_makes_a_transaction_idempotent(ddb):
    a = make_table(ddb)
    ddb.put_item(TableName=a, Item={"id": {"S": "c"}, "n": {"N": "0"}})
    items = [{"Update": {"TableName": a, "Key": {"id": {"S": "c"}}, "UpdateExpression": "ADD n :one", "ExpressionAttributeValues": {":one": {"N": "1"}}}}]
    token = uuid.uuid4().hex
    ddb.transact_write_items(TransactItems=items, ClientRequestToken=token)
    ddb.transact_write_items(TransactItems=items, ClientRequestToken=token)
    assert ddb.get_item(TableName=a, Key={"id": {"S": "c"}})["Item"]["n"] == {"N": "1"}
    other = [{"Put": {"TableName": a, "Item": {"id": {"S": "d"}}}}]
    with pytest.raises(ddb.exceptions.IdempotentParameterMismatchException):
        ddb.transact_write_items(TransactItems=other, ClientRequestToken=token)


def test_single_table_design_through_the_table_resource(make_client):
    """Customers and orders in one table, a GSI overloaded for two access
    patterns, conditional writes and a transaction, all through boto3's
    high-level Table API."""
    client = make_client("dynamodb")
    resource = boto3.resource(
        "dynamodb",
        endpoint_url=client.meta.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    )
    name = unique("app")
    table = resource.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "PK", "AttributeType": "S"},
            {"AttributeName": "SK", "AttributeType": "S"},
            {"AttributeName": "GSI1PK", "AttributeType": "S"},
            {"AttributeName": "GSI1SK", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "GSI1",
                "KeySchema": [{"AttributeName": "GSI1PK", "KeyType": "HASH"}, {"AttributeName": "GSI1SK", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    assert table.table_status == "CREATING"
    table.wait_until_exists()
    table.reload()
    assert table.table_status == "ACTIVE"
    table.put_item(
        Item={"PK": "CUST#1", "SK": "PROFILE", "GSI1PK": "EMAIL#ann@example.com", "GSI1SK": "CUST#1", "name": "Ann"},
        ConditionExpression=Attr("PK").not_exists(),
    )
    with pytest.raises(table.meta.client.exceptions.ConditionalCheckFailedException):
        table.put_item(Item={"PK": "CUST#1", "SK": "PROFILE"}, ConditionExpression=Attr("PK").not_exists())
    with table.batch_writer() as batch:
        for i, status in enumerate(["SHIPPED", "PENDING", "SHIPPED"]):
            batch.put_item(
                Item={"PK": "CUST#1", "SK": f"ORDER#{i}", "GSI1PK": f"STATUS#{status}", "GSI1SK": f"2026-12-0{i + 1}", "total": i * 10}
            )
    orders = table.query(KeyConditionExpression=Key("PK").eq("CUST#1") & Key("SK").begins_with("ORDER#"))["Items"]
    assert [o["SK"] for o in orders] == ["ORDER#0", "ORDER#1", "ORDER#2"]
    shipped = table.query(IndexName="GSI1", KeyConditionExpression=Key("GSI1PK").eq("STATUS#SHIPPED"), ScanIndexForward=False)["Items"]
    assert [o["SK"] for o in shipped] == ["ORDER#2", "ORDER#0"]
    by_email = table.query(IndexName="GSI1", KeyConditionExpression=Key("GSI1PK").eq("EMAIL#ann@example.com"))["Items"]
    assert by_email[0]["name"] == "Ann"
    big = table.query(KeyConditionExpression=Key("PK").eq("CUST#1"), FilterExpression=Attr("total").gte(10))["Items"]
    assert [o["SK"] for o in big] == ["ORDER#1", "ORDER#2"]
    client.transact_write_items(
        TransactItems=[
            {
                "Update": {
                    "TableName": name,
                    "Key": {"PK": {"S": "CUST#1"}, "SK": {"S": "ORDER#1"}},
                    "UpdateExpression": "SET GSI1PK = :s",
                    "ConditionExpression": "GSI1PK = :p",
                    "ExpressionAttributeValues": {":s": {"S": "STATUS#SHIPPED"}, ":p": {"S": "STATUS#PENDING"}},
                }
            },
            {
                "Update": {
                    "TableName": name,
                    "Key": {"PK": {"S": "CUST#1"}, "SK": {"S": "PROFILE"}},
                    "UpdateExpression": "ADD shipped :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}},
                }
            },
        ]
    )
    shipped = table.query(IndexName="GSI1", KeyConditionExpression=Key("GSI1PK").eq("STATUS#SHIPPED"))["Items"]
    assert [o["SK"] for o in shipped] == ["ORDER#0", "ORDER#1", "ORDER#2"]
    assert table.get_item(Key={"PK": "CUST#1", "SK": "PROFILE"})["Item"]["shipped"] == 1
    assert table.scan(Select="COUNT")["Count"] == 4
