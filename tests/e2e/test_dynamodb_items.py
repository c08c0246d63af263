"""DynamoDB items through boto3: conditional writes, update expressions
(SET arithmetic, if_not_exists, list_append, REMOVE with list indexes, ADD,
DELETE on sets), projections, ReturnValues, and the number, set and size rules
items obey."""

from decimal import Decimal

import botocore.exceptions
import pytest

from conftest import unique


@pytest.fixture(scope="module")
def ddb(make_client):
    return make_client("dynamodb")


@pytest.fixture(scope="module")
def table(ddb):
    """A table keyed by pk (S) and sk (N)."""
    name = unique("items")
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


def key(pk, sk=1):
    return {"pk": {"S": pk}, "sk": {"N": str(sk)}}


def error(excinfo):
    err = excinfo.value.response["Error"]
    return err["Code"], err["Message"]


def test_conditional_put_refuses_existing_item_and_returns_it_on_request(ddb, table):
    k = key(unique("p"))
    ddb.put_item(TableName=table, Item={**k, "v": {"S": "first"}}, ConditionExpression="attribute_not_exists(pk)")
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException) as e:
        ddb.put_item(
            TableName=table,
            Item={**k, "v": {"S": "second"}},
            ConditionExpression="attribute_not_exists(pk)",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    assert e.value.response["Error"]["Message"] == "The conditional request failed"
    assert e.value.response["Item"] == {**k, "v": {"S": "first"}}
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    # Without the request, the item is not in the error.
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException) as e:
        ddb.put_item(TableName=table, Item=k, ConditionExpression="attribute_not_exists(pk)")
    assert "Item" not in e.value.response
    assert ddb.get_item(TableName=table, Key=k)["Item"]["v"] == {"S": "first"}


def test_put_returns_old_item_and_numbers_come_back_canonical(ddb, table):
    k = key(unique("p"))
    assert "Attributes" not in ddb.put_item(TableName=table, Item={**k, "n": {"N": "1.50"}}, ReturnValues="ALL_OLD")
    old = ddb.put_item(TableName=table, Item={**k, "n": {"N": "007"}}, ReturnValues="ALL_OLD")["Attributes"]
    assert old["n"] == {"N": "1.5"}
    assert ddb.get_item(TableName=table, Key=k)["Item"]["n"] == {"N": "7"}
    ddb.put_item(TableName=table, Item={**k, "big": {"N": "1E+2"}, "neg": {"N": "-0.000"}})
    item = ddb.get_item(TableName=table, Key=k)["Item"]
    assert item["big"] == {"N": "100"} and item["neg"] == {"N": "0"}


def test_update_set_arithmetic_if_not_exists_and_list_append(ddb, table):
    k = key(unique("u"))
    out = ddb.update_item(
        TableName=table,
        Key=k,
        UpdateExpression="SET #c = if_not_exists(#c, :zero) + :one, tags = list_append(if_not_exists(tags, :empty), :t)",
        ExpressionAttributeNames={"#c": "count"},
        ExpressionAttributeValues={":zero": {"N": "0"}, ":one": {"N": "1"}, ":empty": {"L": []}, ":t": {"L": [{"S": "a"}]}},
        ReturnValues="ALL_NEW",
    )["Attributes"]
    assert out == {**k, "count": {"N": "1"}, "tags": {"L": [{"S": "a"}]}}
    out = ddb.update_item(
        TableName=table,
        Key=k,
        UpdateExpression="SET #c = #c + :inc, tags = list_append(:front, tags)",
        ExpressionAttributeNames={"#c": "count"},
        ExpressionAttributeValues={":inc": {"N": "0.25"}, ":front": {"L": [{"S": "z"}]}},
        ReturnValues="UPDATED_NEW",
    )["Attributes"]
    assert out == {"count": {"N": "1.25"}, "tags": {"L": [{"S": "z"}, {"S": "a"}]}}
    out = ddb.update_item(
        TableName=table,
        Key=k,
        UpdateExpression="SET #c = #c - :d",
        ExpressionAttributeNames={"#c": "count"},
        ExpressionAttributeValues={":d": {"N": "2"}},
        ReturnValues="UPDATED_OLD",
    )["Attributes"]
    assert out == {"count": {"N": "1.25"}}
    assert ddb.get_item(TableName=table, Key=k)["Item"]["count"] == {"N": "-0.75"}


def test_update_creates_item_from_key_and_nested_paths(ddb, table):
    k = key(unique("n"))
    ddb.update_item(
        TableName=table,
        Key=k,
        UpdateExpression="SET m = :m",
        ExpressionAttributeValues={":m": {"M": {"a": {"M": {"b": {"N": "1"}}}, "l": {"L": [{"N": "1"}, {"N": "2"}, {"N": "3"}]}}}},
    )
    ddb.update_item(
        TableName=table,
        Key=k,
        UpdateExpression="SET m.a.c = :c, m.l[1] = :x, m.l[9] = :end REMOVE m.a.b",
        ExpressionAttributeValues={":c": {"S": "new"}, ":x": {"N": "20"}, ":end": {"N": "99"}},
    )
    m = ddb.get_item(TableName=table, Key=k)["Item"]["m"]["M"]
    assert m["a"] == {"M": {"c": {"S": "new"}}}
    # An index past the end appends.
    assert m["l"] == {"L": [{"N": "1"}, {"N": "20"}, {"N": "3"}, {"N": "99"}]}
    # Setting below a missing map is refused.
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.update_item(TableName=table, Key=k, UpdateExpression="SET nope.x = :v", ExpressionAttributeValues={":v": {"N": "1"}})
    assert error(e) == ("ValidationException", "The document path provided in the update expression is invalid for update")


def test_remove_list_indexes_refer_to_the_list_before_the_update(ddb, table):
    k = key(unique("r"))
    ddb.put_item(TableName=table, Item={**k, "l": {"L": [{"S": s} for s in "abcde"]}, "gone": {"S": "x"}})
    out = ddb.update_item(TableName=table, Key=k, UpdateExpression="REMOVE l[1], l[3], gone", ReturnValues="ALL_NEW")
    assert out["Attributes"]["l"] == {"L": [{"S": "a"}, {"S": "c"}, {"S": "e"}]}
    assert "gone" not in out["Attributes"]


def test_add_and_delete_on_numbers_and_sets(ddb, table):
    k = key(unique("s"))
    ddb.update_item(
        TableName=table,
        Key=k,
        UpdateExpression="ADD hits :n, colours :c",
        ExpressionAttributeValues={":n": {"N": "5"}, ":c": {"SS": ["red", "green"]}},
    )
    ddb.update_item(
        TableName=table,
        Key=k,
        UpdateExpression="ADD hits :n, colours :c",
        ExpressionAttributeValues={":n": {"N": "-2"}, ":c": {"SS": ["blue", "red"]}},
    )
    item = ddb.get_item(TableName=table, Key=k)["Item"]
    assert item["hits"] == {"N": "3"}
    assert sorted(item["colours"]["SS"]) == ["blue", "green", "red"]
    ddb.update_item(TableName=table, Key=k, UpdateExpression="DELETE colours :c", ExpressionAttributeValues={":c": {"SS": ["red", "blue"]}})
    assert ddb.get_item(TableName=table, Key=k)["Item"]["colours"] == {"SS": ["green"]}
    # Deleting the last element removes the attribute.
    ddb.update_item(TableName=table, Key=k, UpdateExpression="DELETE colours :c", ExpressionAttributeValues={":c": {"SS": ["green"]}})
    assert "colours" not in ddb.get_item(TableName=table, Key=k)["Item"]
    # ADD to a string attribute is a type error at run time.
    ddb.update_item(TableName=table, Key=k, UpdateExpression="SET s = :s", ExpressionAttributeValues={":s": {"S": "x"}})
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.update_item(TableName=table, Key=k, UpdateExpression="ADD s :n", ExpressionAttributeValues={":n": {"N": "1"}})
    assert error(e) == ("ValidationException", "An operand in the update expression has an incorrect data type")


def test_condition_functions_and_operators(ddb, table):
    k = key(unique("c"))
    ddb.put_item(
        TableName=table,
        Item={
            **k,
            "name": {"S": "widget-blue"},
            "price": {"N": "25"},
            "tags": {"SS": ["x", "y"]},
            "list": {"L": [{"S": "a"}, {"N": "1"}]},
            "m": {"M": {"deep": {"BOOL": True}}},
            "nothing": {"NULL": True},
        },
    )

    def holds(expression, values=None, names=None):
        kwargs = {"ConditionExpression": expression}
        if values:
            kwargs["ExpressionAttributeValues"] = values
        if names:
            kwargs["ExpressionAttributeNames"] = names
        try:
            ddb.delete_item(TableName=table, Key=k, ReturnValues="ALL_OLD", **kwargs)
        except ddb.exceptions.ConditionalCheckFailedException:
            return False
        # Put it back for the next check.
        ddb.put_item(TableName=table, Item=ddb_item)
        return True

    ddb_item = ddb.get_item(TableName=table, Key=k)["Item"]
    n = {"#n": "name"}
    assert holds("begins_with(#n, :p)", {":p": {"S": "widget"}}, n)
    assert not holds("begins_with(#n, :p)", {":p": {"S": "blue"}}, n)
    assert holds("contains(#n, :s)", {":s": {"S": "get-b"}}, n)
    assert holds("contains(tags, :s)", {":s": {"S": "y"}})
    assert holds("contains(#l, :v)", {":v": {"N": "1"}}, {"#l": "list"})
    assert holds("size(#n) = :len", {":len": {"N": "11"}}, n)
    assert holds("size(tags) < :three", {":three": {"N": "3"}})
    assert holds("attribute_type(m.deep, :t)", {":t": {"S": "BOOL"}})
    assert not holds("attribute_type(price, :t)", {":t": {"S": "S"}})
    assert holds("attribute_exists(m.deep) AND attribute_not_exists(m.shallow)")
    assert holds("price BETWEEN :lo AND :hi", {":lo": {"N": "10"}, ":hi": {"N": "25"}})
    assert holds("price IN (:a, :b)", {":a": {"N": "1"}, ":b": {"N": "25.0"}})
    assert holds("NOT price > :p OR price = :p", {":p": {"N": "25"}})
    assert holds("(price >= :p AND price <= :p) AND price <> :q", {":p": {"N": "25"}, ":q": {"N": "26"}})
    assert not holds("price < :s", {":s": {"S": "30"}})  # a string never orders against a number
    assert holds("absent <> :s", {":s": {"S": "x"}})
    assert holds("#l[0] = :a", {":a": {"S": "a"}}, {"#l": "list"})
    assert holds("attribute_type(nothing, :t)", {":t": {"S": "NULL"}})


def test_update_with_failed_condition_changes_nothing(ddb, table):
    k = key(unique("f"))
    ddb.put_item(TableName=table, Item={**k, "version": {"N": "3"}})
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
        ddb.update_item(
            TableName=table,
            Key=k,
            UpdateExpression="SET version = version + :one",
            ConditionExpression="version = :expected",
            ExpressionAttributeValues={":one": {"N": "1"}, ":expected": {"N": "2"}},
        )
    ddb.update_item(
        TableName=table,
        Key=k,
        UpdateExpression="SET version = version + :one",
        ConditionExpression="version = :expected",
        ExpressionAttributeValues={":one": {"N": "1"}, ":expected": {"N": "3"}},
    )
    assert ddb.get_item(TableName=table, Key=k)["Item"]["version"] == {"N": "4"}


def test_projection_expression_selects_nested_paths(ddb, table):
    k = key(unique("pr"))
    ddb.put_item(
        TableName=table,
        Item={
            **k,
            "a": {"M": {"b": {"S": "keep"}, "c": {"S": "drop"}}},
            "l": {"L": [{"S": "0"}, {"S": "1"}, {"S": "2"}]},
            "other": {"S": "x"},
        },
    )
    got = ddb.get_item(TableName=table, Key=k, ProjectionExpression="a.b, #l[2], #l[0], pk", ExpressionAttributeNames={"#l": "l"})["Item"]
    assert got == {"a": {"M": {"b": {"S": "keep"}}}, "l": {"L": [{"S": "0"}, {"S": "2"}]}, "pk": k["pk"]}
    got = ddb.get_item(TableName=table, Key=k, AttributesToGet=["other"])["Item"]
    assert got == {"other": {"S": "x"}}


def test_delete_returns_old_item_and_consumed_capacity(ddb, table):
    k = key(unique("d"))
    ddb.put_item(TableName=table, Item={**k, "v": {"S": "x"}})
    out = ddb.delete_item(TableName=table, Key=k, ReturnValues="ALL_OLD", ReturnConsumedCapacity="TOTAL")
    assert out["Attributes"] == {**k, "v": {"S": "x"}}
    assert out["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 1.0, "WriteCapacityUnits": 1.0}
    assert "Item" not in ddb.get_item(TableName=table, Key=k)
    got = ddb.get_item(TableName=table, Key=k, ReturnConsumedCapacity="TOTAL", ConsistentRead=True)
    assert got["ConsumedCapacity"]["CapacityUnits"] == 1.0


def test_item_size_limit_is_400_kb(ddb, table):
    k = key(unique("big"))
    # Name lengths count too: pk, sk and "blob" plus their values.
    ddb.put_item(TableName=table, Item={**k, "blob": {"S": "x" * (400 * 1024 - 100)}})
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.put_item(TableName=table, Item={**k, "blob": {"S": "x" * (400 * 1024)}})
    assert error(e) == ("ValidationException", "Item size has exceeded the maximum allowed size")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.update_item(TableName=table, Key=k, UpdateExpression="SET more = :m", ExpressionAttributeValues={":m": {"S": "y" * 200}})
    assert error(e) == ("ValidationException", "Item size to update has exceeded the maximum allowed size")


def test_number_precision_is_38_digits(ddb, table):
    k = key(unique("num"))
    ddb.put_item(TableName=table, Item={**k, "n": {"N": "1" * 38}, "tiny": {"N": "1E-130"}, "huge": {"N": "9.9E125"}})
    item = ddb.get_item(TableName=table, Key=k)["Item"]
    assert item["n"] == {"N": "1" * 38}
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.update_item(
            TableName=table,
            Key=k,
            UpdateExpression="SET n = n + :x",
            ExpressionAttributeValues={":x": {"N": "0.1"}},
        )
    assert error(e) == ("ValidationException", "Attempting to store more than 38 significant digits in a Number")


def test_table_resource_api_round_trips_python_values(make_client, table):
    import boto3

    ddb = make_client("dynamodb")
    resource = boto3.resource(
        "dynamodb",
        endpoint_url=ddb.meta.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    )
    t = resource.Table(table)
    pk = unique("res")
    t.put_item(Item={"pk": pk, "sk": 1, "price": Decimal("9.99"), "tags": {"a", "b"}, "nested": {"x": [1, "two", None, True]}})
    item = t.get_item(Key={"pk": pk, "sk": 1})["Item"]
    assert item == {"pk": pk, "sk": 1, "price": Decimal("9.99"), "tags": {"a", "b"}, "nested": {"x": [1, "two", None, True]}}
    t.update_item(Key={"pk": pk, "sk": 1}, UpdateExpression="SET price = price + :x", ExpressionAttributeValues={":x": Decimal("0.01")})
    assert t.get_item(Key={"pk": pk, "sk": 1})["Item"]["price"] == Decimal("10")


def test_empty_strings_are_values_except_in_keys(ddb, table):
    k = key(unique("e"))
    ddb.put_item(TableName=table, Item={**k, "empty": {"S": ""}, "blank": {"B": b""}, "m": {"M": {"inner": {"S": ""}}}})
    item = ddb.get_item(TableName=table, Key=k)["Item"]
    assert item["empty"] == {"S": ""} and item["blank"] == {"B": b""} and item["m"] == {"M": {"inner": {"S": ""}}}
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.get_item(TableName=table, Key={"pk": {"S": ""}, "sk": {"N": "1"}})
    assert error(e) == (
        "ValidationException",
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk",
    )


def test_range_key_size_limit_is_1024_bytes(ddb):
    name = unique("rk")
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "sk": {"S": "x" * 1024}})
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "sk": {"S": "x" * 1025}})
    assert error(e) == (
        "ValidationException",
        "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes",
    )
