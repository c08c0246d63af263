"""Query and Scan through boto3: key conditions on sort keys (comparisons,
BETWEEN, begins_with), direction, Limit and pagination with
ExclusiveStartKey, filters applied after the limit, Select/Count, global and
local secondary indexes kept current on every write, the 1 MB page, and
parallel scans."""


import pytest

from conftest import unique


@pytest.fixture(scope="module")
def ddb(make_client):
    return make_client("dynamodb")


@pytest.fixture(scope="module")
def table(ddb):
    name = unique("q")
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
            {"AttributeName": "n", "AttributeType": "N"},
            {"AttributeName": "gpk", "AttributeType": "S"},
            {"AttributeName": "gsk", "AttributeType": "N"},
        ],
        LocalSecondaryIndexes=[
            {
                "IndexName": "by-n",
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "n", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "gsi",
                "KeySchema": [{"AttributeName": "gpk", "KeyType": "HASH"}, {"AttributeName": "gsk", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["extra"]},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


def fill(ddb, table, pk, count):
    for i in range(count):
        ddb.put_item(
            TableName=table,
            Item={"pk": {"S": pk}, "sk": {"S": f"item#{i:03d}"}, "n": {"N": str(count - i)}, "odd": {"BOOL": i % 2 == 1}},
        )


def sks(resp):
    return [i["sk"]["S"] for i in resp["Items"]]


def test_sort_key_conditions_and_direction(ddb, table):
    pk = unique("p")
    fill(ddb, table, pk, 10)
    ddb.put_item(TableName=table, Item={"pk": {"S": pk}, "sk": {"S": "other"}})
    q = lambda expr, values, **kw: ddb.query(
        TableName=table, KeyConditionExpression=expr, ExpressionAttributeValues={":p": {"S": pk}, **values}, **kw
    )
    assert len(q("pk = :p", {})["Items"]) == 11
    assert sks(q("pk = :p AND begins_with(sk, :b)", {":b": {"S": "item#00"}})) == [f"item#00{i}" for i in range(10)]
    assert sks(q("pk = :p AND sk BETWEEN :a AND :b", {":a": {"S": "item#003"}, ":b": {"S": "item#005"}})) == ["item#003", "item#004", "item#005"]
    assert sks(q("pk = :p AND sk > :a", {":a": {"S": "item#008"}})) == ["item#009", "other"]
    assert sks(q("sk <= :a AND pk = :p", {":a": {"S": "item#001"}})) == ["item#000", "item#001"]
    desc = q("pk = :p AND begins_with(sk, :b)", {":b": {"S": "item"}}, ScanIndexForward=False, Limit=3)
    assert sks(desc) == ["item#009", "item#008", "item#007"]
    assert desc["LastEvaluatedKey"] == {"pk": {"S": pk}, "sk": {"S": "item#007"}}
    nxt = q("pk = :p AND begins_with(sk, :b)", {":b": {"S": "item"}}, ScanIndexForward=False, Limit=3, ExclusiveStartKey=desc["LastEvaluatedKey"])
    assert sks(nxt) == ["item#006", "item#005", "item#004"]
    assert q("pk = :p", {}, Select="COUNT")["Count"] == 11
    assert "Items" not in q("pk = :p", {}, Select="COUNT")


def test_limit_counts_items_evaluated_before_the_filter(ddb, table):
    pk = unique("f")
    fill(ddb, table, pk, 10)
    resp = ddb.query(
        TableName=table,
        KeyConditionExpression="pk = :p",
        FilterExpression="odd = :t",
        ExpressionAttributeValues={":p": {"S": pk}, ":t": {"BOOL": True}},
        Limit=4,
    )
    assert resp["ScannedCount"] == 4 and resp["Count"] == 2
    assert sks(resp) == ["item#001", "item#003"]
    assert resp["LastEvaluatedKey"]["sk"] == {"S": "item#003"}
    # The paginator walks every page and sees every odd item.
    pages = ddb.get_paginator("query").paginate(
        TableName=table,
        KeyConditionExpression="pk = :p",
        FilterExpression="odd = :t",
        ExpressionAttributeValues={":p": {"S": pk}, ":t": {"BOOL": True}},
        PaginationConfig={"PageSize": 3},
    )
    seen = [i["sk"]["S"] for page in pages for i in page["Items"]]
    assert seen == [f"item#{i:03d}" for i in range(1, 10, 2)]


def test_local_index_orders_by_its_sort_key(ddb, table):
    pk = unique("l")
    fill(ddb, table, pk, 5)
    resp = ddb.query(
        TableName=table,
        IndexName="by-n",
        KeyConditionExpression="pk = :p AND n >= :two",
        ExpressionAttributeValues={":p": {"S": pk}, ":two": {"N": "2"}},
    )
    # n counts down as sk counts up; KEYS_ONLY holds table and index keys.
    assert [i["n"]["N"] for i in resp["Items"]] == ["2", "3", "4", "5"]
    assert set(resp["Items"][0]) == {"pk", "sk", "n"}
    page = ddb.query(
        TableName=table,
        IndexName="by-n",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": pk}},
        Limit=2,
    )
    assert page["LastEvaluatedKey"] == {"pk": {"S": pk}, "sk": {"S": "item#003"}, "n": {"N": "2"}}
    # An LSI can return every attribute, fetched from the table.
    full = ddb.query(
        TableName=table,
        IndexName="by-n",
        KeyConditionExpression="pk = :p AND n = :one",
        ExpressionAttributeValues={":p": {"S": pk}, ":one": {"N": "1"}},
        Select="ALL_ATTRIBUTES",
    )
    assert full["Items"][0]["odd"] == {"BOOL": False}


def test_global_index_follows_every_write(ddb, table):
    g = unique("g")
    q = lambda: ddb.query(
        TableName=table, IndexName="gsi", KeyConditionExpression="gpk = :g", ExpressionAttributeValues={":g": {"S": g}}
    )["Items"]
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "sk": {"S": g}, "gpk": {"S": g}, "gsk": {"N": "2"}, "extra": {"S": "e"}, "hidden": {"S": "h"}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "b"}, "sk": {"S": g}, "gpk": {"S": g}, "gsk": {"N": "1"}})
    items = q()
    assert [i["pk"]["S"] for i in items] == ["b", "a"]
    # INCLUDE projects keys and the named attribute only.
    assert items[1] == {"pk": {"S": "a"}, "sk": {"S": g}, "gpk": {"S": g}, "gsk": {"N": "2"}, "extra": {"S": "e"}}
    ddb.update_item(
        TableName=table, Key={"pk": {"S": "b"}, "sk": {"S": g}}, UpdateExpression="SET gsk = :n", ExpressionAttributeValues={":n": {"N": "3"}}
    )
    assert [i["pk"]["S"] for i in q()] == ["a", "b"]
    ddb.update_item(TableName=table, Key={"pk": {"S": "a"}, "sk": {"S": g}}, UpdateExpression="REMOVE gpk")
    assert [i["pk"]["S"] for i in q()] == ["b"]
    ddb.delete_item(TableName=table, Key={"pk": {"S": "b"}, "sk": {"S": g}})
    assert q() == []
    desc = ddb.describe_table(TableName=table)["Table"]
    gsi = desc["GlobalSecondaryIndexes"][0]
    assert gsi["IndexStatus"] == "ACTIVE" and gsi["IndexArn"].endswith(f"table/{table}/index/gsi")
    assert desc["LocalSecondaryIndexes"][0]["IndexName"] == "by-n"


def test_scan_pages_filters_and_parallel_segments(ddb):
    name = unique("scan")
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "N"}],
        BillingMode="PAY_PER_REQUEST",
    )
    for i in range(30):
        ddb.put_item(TableName=name, Item={"id": {"N": str(i)}, "even": {"BOOL": i % 2 == 0}})
    pages = list(ddb.get_paginator("scan").paginate(TableName=name, PaginationConfig={"PageSize": 7}))
    ids = sorted(int(i["id"]["N"]) for p in pages for i in p["Items"])
    assert ids == list(range(30)) and len(pages) >= 5
    even = ddb.scan(TableName=name, FilterExpression="even = :t", ExpressionAttributeValues={":t": {"BOOL": True}})
    assert even["Count"] == 15 and even["ScannedCount"] == 30
    segments = [
        {int(i["id"]["N"]) for i in ddb.scan(TableName=name, Segment=s, TotalSegments=4, ConsistentRead=True)["Items"]} for s in range(4)
    ]
    assert set().union(*segments) == set(range(30))
    assert sum(len(s) for s in segments) == 30
    assert ddb.scan(TableName=name, Select="COUNT")["Count"] == 30


def test_one_megabyte_page_limit(ddb):
    name = unique("mb")
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
        BillingMode="PAY_PER_REQUEST",
    )
    blob = "x" * 300_000
    for i in range(5):
        ddb.put_item(TableName=name, Item={"pk": {"S": "p"}, "sk": {"N": str(i)}, "blob": {"S": blob}})
    first = ddb.query(TableName=name, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p"}})
    assert first["Count"] == 4 and "LastEvaluatedKey" in first
    rest = ddb.query(
        TableName=name,
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "p"}},
        ExclusiveStartKey=first["LastEvaluatedKey"],
    )
    assert rest["Count"] == 1 and "LastEvaluatedKey" not in rest


def test_legacy_key_conditions_and_query_filter(ddb, table):
    pk = unique("legacy")
    fill(ddb, table, pk, 6)
    resp = ddb.query(
        TableName=table,
        KeyConditions={
            "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": pk}]},
            "sk": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"S": "item#00"}]},
        },
        QueryFilter={"odd": {"ComparisonOperator": "EQ", "AttributeValueList": [{"BOOL": False}]}},
    )
    assert sks(resp) == ["item#000", "item#002", "item#004"]


def test_consumed_capacity_by_index_and_item_collection_metrics(ddb, table):
    pk = unique("cap")
    item = {"pk": {"S": pk}, "sk": {"S": "a"}, "n": {"N": "1"}, "gpk": {"S": "g"}, "gsk": {"N": "1"}}
    out = ddb.put_item(TableName=table, Item=item, ReturnConsumedCapacity="INDEXES", ReturnItemCollectionMetrics="SIZE")
    cap = out["ConsumedCapacity"]
    # One write for the table and one for the GSI the item lands in.
    assert cap["TableName"] == table and cap["CapacityUnits"] == 2.0
    assert cap["Table"]["CapacityUnits"] == 1.0 and cap["GlobalSecondaryIndexes"]["gsi"]["CapacityUnits"] == 1.0
    # The table has an LSI, so its item collections are measured.
    assert out["ItemCollectionMetrics"]["ItemCollectionKey"] == {"pk": {"S": pk}}
    assert len(out["ItemCollectionMetrics"]["SizeEstimateRangeGB"]) == 2
    read = ddb.query(
        TableName=table,
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": pk}},
        ReturnConsumedCapacity="TOTAL",
    )["ConsumedCapacity"]
    # An eventually consistent read of under 4 KB costs half a unit.
    assert read == {"TableName": table, "CapacityUnits": 0.5, "ReadCapacityUnits": 0.5}


def test_index_pages_walk_items_sharing_an_index_key_in_both_directions(ddb, table):
    g = unique("dup")
    # Six items, three of them with the same index sort key.
    for i, gsk in enumerate([1, 2, 2, 2, 3, 4]):
        ddb.put_item(TableName=table, Item={"pk": {"S": f"{g}-{i}"}, "sk": {"S": "x"}, "gpk": {"S": g}, "gsk": {"N": str(gsk)}})

    def walk(forward):
        seen, start = [], None
        while True:
            kwargs = dict(
                TableName=table,
                IndexName="gsi",
                KeyConditionExpression="gpk = :g",
                ExpressionAttributeValues={":g": {"S": g}},
                Limit=2,
                ScanIndexForward=forward,
            )
            if start:
                kwargs["ExclusiveStartKey"] = start
            page = ddb.query(**kwargs)
            seen += [(int(i["gsk"]["N"]), i["pk"]["S"]) for i in page["Items"]]
            start = page.get("LastEvaluatedKey")
            if not start:
                return seen

    forward = walk(True)
    assert [s for s, _ in forward] == [1, 2, 2, 2, 3, 4] and len(set(forward)) == 6
    assert walk(False) == list(reversed(forward))
    # A parallel scan of the index sees each entry once.
    seen = []
    for segment in range(3):
        page = ddb.scan(TableName=table, IndexName="gsi", Segment=segment, TotalSegments=3, FilterExpression="gpk = :g", ExpressionAttributeValues={":g": {"S": g}})
        seen += [i["pk"]["S"] for i in page["Items"]]
    assert sorted(seen) == sorted(p for _, p in forward)
