"""AWS's exact ValidationException messages for malformed DynamoDB requests:
expression syntax, placeholders, operand types, key schemas, item limits,
table definitions. Each case is a request a client could really send; the
answer must be a 400 ValidationException with AWS's text."""


import botocore.exceptions
import pytest

from conftest import unique


TABLE = unique("val")


@pytest.fixture(scope="module")
def ddb(make_client):
    client = make_client("dynamodb")
    client.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
            {"AttributeName": "g", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {"IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}], "Projection": {"ProjectionType": "KEYS_ONLY"}}
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    client.put_item(TableName=TABLE, Item={"pk": {"S": "a"}, "sk": {"N": "1"}, "s": {"S": "text"}})
    return client


K = {"pk": {"S": "a"}, "sk": {"N": "1"}}
NESTED = {"S": "bottom"}
for _ in range(33):
    NESTED = {"L": [NESTED]}
V1 = {":v": {"N": "1"}}


def upd(expr, values=None, names=None, **extra):
    kwargs = {"TableName": TABLE, "Key": K, "UpdateExpression": expr, **extra}
    if values is not None:
        kwargs["ExpressionAttributeValues"] = values
    if names is not None:
        kwargs["ExpressionAttributeNames"] = names
    return ("update_item", kwargs)


def cond(expr, values=None, names=None):
    kwargs = {"TableName": TABLE, "Key": K, "ConditionExpression": expr}
    if values is not None:
        kwargs["ExpressionAttributeValues"] = values
    if names is not None:
        kwargs["ExpressionAttributeNames"] = names
    return ("delete_item", kwargs)


def query(expr, values, **extra):
    return ("query", {"TableName": TABLE, "KeyConditionExpression": expr, "ExpressionAttributeValues": values, **extra})


def put(item, **extra):
    return ("put_item", {"TableName": TABLE, "Item": item, **extra})


CASES = [
    # --- expression syntax
    ("empty update", upd(""), "Invalid UpdateExpression: The expression can not be empty;"),
    ("empty condition", cond(" "), "Invalid ConditionExpression: The expression can not be empty;"),
    ("update missing value", upd("SET a ="), 'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "="'),
    ("update bad clause", upd("PUT a = :v", V1), 'Invalid UpdateExpression: Syntax error; token: "PUT", near: "PUT a"'),
    ("hyphen in name", cond("user-id = :v", V1), 'Invalid ConditionExpression: Syntax error; token: "-", near: "user-id"'),
    ("dangling AND", cond("a = :v AND", V1), 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "AND"'),
    ("two pluses", upd("SET a = :v + :v + :v", V1), 'Invalid UpdateExpression: Syntax error; token: "+", near: ":v + :v"'),
    ("redundant parentheses", cond("((a = :v))", V1), "Invalid ConditionExpression: The expression has redundant parentheses;"),
    # --- placeholders
    ("undefined value", cond("a = :nope", V1), "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :nope"),
    ("undefined name", cond("#n = :v", V1), "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #n"),
    ("unused value", upd("SET a = :v", {":v": {"N": "1"}, ":extra": {"S": "x"}}), "Value provided in ExpressionAttributeValues unused in expressions: keys: {:extra}"),
    ("unused name", upd("SET a = :v", V1, {"#unused": "b"}), "Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}"),
    ("empty values map", upd("SET a = :v", {}), "ExpressionAttributeValues must not be empty"),
    ("empty names map", upd("SET a = :v", V1, {}), "ExpressionAttributeNames must not be empty"),
    ("values without expression", ("get_item", {"TableName": TABLE, "Key": K, "ExpressionAttributeNames": {"#a": "a"}}), "ExpressionAttributeNames can only be specified when using expressions"),
    ("bad value key", upd("SET a = :v", {":v": {"N": "1"}, "v2": {"N": "2"}}), 'ExpressionAttributeValues contains invalid key: Syntax error; key: "v2"'),
    ("bad name key", upd("SET a = :v", V1, {"n": "a"}), 'ExpressionAttributeNames contains invalid key: Syntax error; key: "n"'),
    ("reserved word", upd("SET status = :v", V1), "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status"),
    ("reserved word in projection", ("get_item", {"TableName": TABLE, "Key": K, "ProjectionExpression": "name"}), "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: name"),
    # --- functions and operand types
    ("unknown function", cond("foo(a)"), "Invalid ConditionExpression: Invalid function name; function: foo"),
    ("wrong arity", cond("attribute_exists(a, b)"), "Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 2"),
    ("exists needs a path", cond("attribute_exists(:v)", V1), "Invalid ConditionExpression: Operator or function requires a document path; operator or function: attribute_exists"),
    ("begins_with number", cond("begins_with(a, :v)", V1), "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"),
    ("bad attribute type", cond("attribute_type(a, :t)", {":t": {"S": "STRING"}}), "Invalid ConditionExpression: Invalid attribute type name found; type: STRING, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"),
    ("update function in condition", cond("if_not_exists(a, :v)", V1), "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: if_not_exists"),
    ("condition function in update", upd("SET a = attribute_exists(b)"), "Invalid UpdateExpression: The function is not allowed to be used this way in an expression; function: attribute_exists"),
    ("between bounds reversed", cond("a BETWEEN :hi AND :lo", {":hi": {"N": "10"}, ":lo": {"N": "1"}}), "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:10}, upper bound operand: AttributeValue: {N:1}"),
    ("ADD a string", upd("ADD a :s", {":s": {"S": "x"}}), "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING"),
    ("DELETE a number", upd("DELETE a :v", V1), "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER"),
    ("list_append of a map", upd("SET a = list_append(a, :m)", {":m": {"M": {}}}), "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: M"),
    # --- update structure
    ("SET twice", upd("SET a = :v SET b = :v", V1), 'Invalid UpdateExpression: The "SET" section can only be used once in an update expression;'),
    ("overlapping paths", upd("SET a = :v, a.b = :v", V1), "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"),
    ("conflicting paths", upd("SET a.b = :v REMOVE a[0]", V1), "Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [0]]"),
    ("update key attribute", upd("SET pk = :s", {":s": {"S": "b"}}), "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key"),
    ("missing operand attribute", upd("SET a = nothere + :v", V1), "The provided expression refers to an attribute that does not exist in the item"),
    ("arithmetic on a string", upd("SET a = s + :v", V1), "An operand in the update expression has an incorrect data type"),
    ("projection overlap", ("get_item", {"TableName": TABLE, "Key": K, "ProjectionExpression": "a.b, a"}), "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a]"),
    ("mixed styles", ("get_item", {"TableName": TABLE, "Key": K, "AttributesToGet": ["a"], "ProjectionExpression": "a"}), "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}"),
    # --- keys and items
    ("key missing range", ("get_item", {"TableName": TABLE, "Key": {"pk": {"S": "a"}}}), "The provided key element does not match the schema"),
    ("key wrong type", ("get_item", {"TableName": TABLE, "Key": {"pk": {"S": "a"}, "sk": {"S": "1"}}}), "The provided key element does not match the schema"),
    ("item missing key", put({"pk": {"S": "a"}}), "One or more parameter values were invalid: Missing the key sk in the item"),
    ("item key type", put({"pk": {"N": "1"}, "sk": {"N": "1"}}), "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N"),
    ("empty string key", put({"pk": {"S": ""}, "sk": {"N": "1"}}), "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk"),
    ("hash key too large", put({"pk": {"S": "x" * 2049}, "sk": {"N": "1"}}), "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes"),
    ("not a number", put({**K, "n": {"N": "12abc"}}), "The parameter cannot be converted to a numeric value: 12abc"),
    ("39 digits", put({**K, "n": {"N": "1" * 39}}), "Attempting to store more than 38 significant digits in a Number"),
    ("number overflow", put({**K, "n": {"N": "1E126"}}), "Number overflow. Attempting to store a number with magnitude larger than supported range"),
    ("number underflow", put({**K, "n": {"N": "1E-131"}}), "Number underflow. Attempting to store a number with magnitude smaller than supported range"),
    ("empty string set", put({**K, "ss": {"SS": []}}), "One or more parameter values were invalid: An string set  may not be empty"),
    ("duplicate set members", put({**K, "ss": {"SS": ["a", "a"]}}), "One or more parameter values were invalid: Input collection [a, a] contains duplicates."),
    ("NULL false", put({**K, "n": {"NULL": False}}), "One or more parameter values were invalid: Null attribute value types must have the value of true"),
    ("GSI key type", put({**K, "g": {"N": "1"}}), "One or more parameter values were invalid: Type mismatch for Index Key g Expected: S Actual: N IndexName: by-g"),
    ("put return values", put(K, ReturnValues="UPDATED_NEW"), "Return values set to invalid value"),
    ("bad value in values map", upd("SET a = :v", {":v": {"SS": []}}), "ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string set  may not be empty for key :v"),
    ("number set duplicates", put({**K, "ns": {"NS": ["1", "1.0"]}}), "Input collection contains duplicates"),
    ("binary set duplicates", put({**K, "bs": {"BS": [b"b", b"b"]}}), "One or more parameter values were invalid: Input collection [Yg==, Yg==]of type BS contains duplicates."),
    ("empty string in set", put({**K, "ss": {"SS": ["a", ""]}}), "One or more parameter values were invalid: An string set may not have a empty string as a member"),
    ("empty number", put({**K, "n": {"N": ""}}), "The parameter cannot be converted to a numeric value"),
    ("overlap before conflict", upd("SET d[1] = :v, d.b = :v, c[1].a = :v, c = :v", V1), "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [c, [1], a], path two: [c]"),
    ("paths in written order", upd("REMOVE a.c SET a[1] = :v", V1), "Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, c], path two: [a, [1]]"),
    ("legacy exists without value", ("put_item", {"TableName": TABLE, "Item": K, "Expected": {"a": {"Exists": True}}}), "One or more parameter values were invalid: Value must be provided when Exists is true for Attribute: a"),
    ("legacy exists false with value", ("put_item", {"TableName": TABLE, "Item": K, "Expected": {"a": {"Exists": False, "Value": {"S": "x"}}}}), "One or more parameter values were invalid: Value cannot be used when Exists is false for Attribute: a"),
    ("legacy operator without values", ("put_item", {"TableName": TABLE, "Item": K, "Expected": {"a": {"ComparisonOperator": "LT"}}}), "One or more parameter values were invalid: Value or AttributeValueList must be used with ComparisonOperator: LT for Attribute: a"),
    ("legacy argument count", ("put_item", {"TableName": TABLE, "Item": K, "Expected": {"a": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "1"}]}}}), "One or more parameter values were invalid: Invalid number of argument(s) for the BETWEEN ComparisonOperator"),
    ("remove below missing map", upd("REMOVE nothing.here"), "The document path provided in the update expression is invalid for update"),
    ("expression too long", cond("a = :v OR " * 410 + "a = :v", V1), "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: 4106"),
    ("nesting too deep", put({**K, "deep": NESTED}), "Nesting Levels have exceeded supported limits"),
    # --- query and scan
    ("query no hash", query("sk = :v", V1), "Query condition missed key schema element: pk"),
    ("query OR", query("pk = :s OR sk = :v", {":s": {"S": "a"}, **V1}), "Invalid operator used in KeyConditionExpression: OR"),
    ("query hash range op", query("pk > :s", {":s": {"S": "a"}}), "Query key condition not supported"),
    ("query type mismatch", query("pk = :v", V1), "One or more parameter values were invalid: Condition parameter type does not match schema type"),
    ("query two sk conditions", query("pk = :s AND sk > :v AND sk < :v", {":s": {"S": "a"}, **V1}), "KeyConditionExpressions must only contain one condition per key"),
    ("query nested key", query("pk.x = :s", {":s": {"S": "a"}}), "KeyConditionExpressions cannot have conditions on nested attributes"),
    ("query two names", ("query", {"TableName": TABLE, "KeyConditionExpression": "pk = sk"}), "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"),
    ("query no key attribute", query(":s = :s AND pk = :s", {":s": {"S": "a"}}), "Invalid condition in KeyConditionExpression: No key attribute specified"),
    ("query attribute_exists", ("query", {"TableName": TABLE, "KeyConditionExpression": "attribute_exists(pk)"}), "Invalid operator used in KeyConditionExpression: attribute_exists"),
    ("query filter on key", query("pk = :s", {":s": {"S": "a"}, **V1}, FilterExpression="sk = :v"), "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk"),
    ("query unknown index", query("pk = :s", {":s": {"S": "a"}}, IndexName="nope"), "The table does not have the specified index: nope"),
    ("consistent GSI", query("g = :s", {":s": {"S": "a"}}, IndexName="by-g", ConsistentRead=True), "Consistent reads are not supported on global secondary indexes"),
    ("ALL_ATTRIBUTES on keys-only GSI", query("g = :s", {":s": {"S": "a"}}, IndexName="by-g", Select="ALL_ATTRIBUTES"), "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index by-g because its projection type is not ALL"),
    ("projected on table", query("pk = :s", {":s": {"S": "a"}}, Select="ALL_PROJECTED_ATTRIBUTES"), "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName"),
    ("no key condition", ("query", {"TableName": TABLE}), "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request."),
    ("segment without total", ("scan", {"TableName": TABLE, "Segment": 1}), "The TotalSegments parameter is required but was not present in the request when Segment parameter is present"),
    ("segment too big", ("scan", {"TableName": TABLE, "Segment": 2, "TotalSegments": 2}), "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 2 is not less than TotalSegments: 2"),
    ("start key names", ("scan", {"TableName": TABLE, "ExclusiveStartKey": {"pk": {"S": "a"}}}), "The provided starting key is invalid"),
    ("start key types", ("scan", {"TableName": TABLE, "ExclusiveStartKey": {"pk": {"S": "a"}, "sk": {"S": "1"}}}), "The provided key element does not match the schema"),
    ("index start key types", ("scan", {"TableName": TABLE, "IndexName": "by-g", "ExclusiveStartKey": {"pk": {"S": "a"}, "sk": {"N": "1"}, "g": {"N": "1"}}}), "The provided starting key is invalid: The provided key element does not match the schema"),
    ("start key outside query", query("pk = :s", {":s": {"S": "a"}}, ExclusiveStartKey={"pk": {"S": "b"}, "sk": {"N": "1"}}), "The provided starting key is outside query boundaries based on provided conditions"),
    ("three key conditions", query("pk = :s AND sk > :v AND extra = :v", {":s": {"S": "a"}, **V1}), "Conditions can be of length 1 or 2 only"),
    ("start key null false", query("pk = :s", {":s": {"S": "a"}}, ExclusiveStartKey={"pk": {"S": "a"}, "sk": {"NULL": False}}), "The provided starting key is invalid: One or more parameter values were invalid: Null attribute value types must have the value of true"),
    ("legacy LT on a set", ("scan", {"TableName": TABLE, "ScanFilter": {"a": {"ComparisonOperator": "LT", "AttributeValueList": [{"SS": ["x"]}]}}}), "One or more parameter values were invalid: ComparisonOperator LT is not valid for SS AttributeValue type"),
    ("duplicate AttributesToGet", ("get_item", {"TableName": TABLE, "Key": K, "AttributesToGet": ["a", "a"]}), "One or more parameter values were invalid: Duplicate value in attribute name: a"),
    # --- batches and transactions
    ("batch get duplicates", ("batch_get_item", {"RequestItems": {TABLE: {"Keys": [K, K]}}}), "Provided list of item keys contains duplicates"),
    ("batch write duplicates", ("batch_write_item", {"RequestItems": {TABLE: [{"PutRequest": {"Item": K}}, {"DeleteRequest": {"Key": K}}]}}), "Provided list of item keys contains duplicates"),
    ("update table with nothing", ("update_table", {"TableName": TABLE}), "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is required"),
    ("transaction without action", ("transact_write_items", {"TransactItems": [{}]}), "The action or operation requested is invalid. Verify that the action is typed correctly."),
    ("transaction same item twice", ("transact_write_items", {"TransactItems": [{"Put": {"TableName": TABLE, "Item": K}}, {"Delete": {"TableName": TABLE, "Key": K}}]}), "Transaction request cannot include multiple operations on one item"),
]


@pytest.mark.parametrize("operation,kwargs,message", [c[1] + (c[2],) for c in CASES], ids=[c[0] for c in CASES])
def test_validation_message(ddb, operation, kwargs, message):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        getattr(ddb, operation)(**kwargs)
    err = e.value.response["Error"]
    assert (err["Code"], err["Message"]) == ("ValidationException", message)
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_there_are_at_least_forty_distinct_messages():
    assert len({c[2] for c in CASES}) >= 40


TABLE_CASES = [
    (
        "undefined key attribute",
        dict(KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}], AttributeDefinitions=[{"AttributeName": "other", "AttributeType": "S"}]),
        "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [pk], AttributeDefinitions: [other]",
    ),
    (
        "unused definition",
        dict(
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "x", "AttributeType": "S"}],
        ),
        "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions",
    ),
    (
        "range first",
        dict(KeySchema=[{"AttributeName": "pk", "KeyType": "RANGE"}], AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}]),
        "Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
    ),
    (
        "throughput with on-demand",
        dict(
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
        ),
        "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST",
    ),
    (
        "LSI without table range key",
        dict(
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "x", "AttributeType": "S"}],
            LocalSecondaryIndexes=[
                {
                    "IndexName": "lsi",
                    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "x", "KeyType": "RANGE"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
        ),
        "One or more parameter values were invalid: Table KeySchema does not have a range key",
    ),
    (
        "same hash and range name",
        dict(
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "pk", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        ),
        "Both the Hash Key and the Range Key element in the KeySchema have the same name",
    ),
    (
        "second key not RANGE",
        dict(
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
        ),
        "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type",
    ),
    (
        "LSI with another hash key",
        dict(
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
            LocalSecondaryIndexes=[
                {
                    "IndexName": "lsi",
                    "KeySchema": [{"AttributeName": "sk", "KeyType": "HASH"}, {"AttributeName": "pk", "KeyType": "RANGE"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
        ),
        "One or more parameter values were invalid: Index KeySchema does not have the same leading hash key as table KeySchema for index: lsi. index hash key: sk, table hash key: pk",
    ),
    (
        "KEYS_ONLY with attributes",
        dict(
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "x", "AttributeType": "S"}],
            GlobalSecondaryIndexes=[
                {"IndexName": "gsi", "KeySchema": [{"AttributeName": "x", "KeyType": "HASH"}], "Projection": {"ProjectionType": "KEYS_ONLY", "NonKeyAttributes": ["y"]}}
            ],
        ),
        "One or more parameter values were invalid: ProjectionType is KEYS_ONLY, but NonKeyAttributes is specified",
    ),
    (
        "duplicate index names",
        dict(
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "x", "AttributeType": "S"}],
            GlobalSecondaryIndexes=[
                {"IndexName": "gsi", "KeySchema": [{"AttributeName": "x", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}},
                {"IndexName": "gsi", "KeySchema": [{"AttributeName": "x", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}},
            ],
        ),
        "One or more parameter values were invalid: Duplicate index name: gsi",
    ),
    (
        "six local indexes",
        dict(
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}, {"AttributeName": "x", "AttributeType": "S"}],
            LocalSecondaryIndexes=[
                {"IndexName": f"lsi{i}", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "x", "KeyType": "RANGE"}], "Projection": {"ProjectionType": "KEYS_ONLY"}}
                for i in range(6)
            ],
        ),
        "One or more parameter values were invalid: Number of indexes exceeds per-table limit of 5",
    ),
    (
        "provisioned index without throughput",
        dict(
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "x", "AttributeType": "S"}],
            BillingMode="PROVISIONED",
            ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
            GlobalSecondaryIndexes=[{"IndexName": "gsi", "KeySchema": [{"AttributeName": "x", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}],
        ),
        "One or more parameter values were invalid: ProvisionedThroughput is not specified for index: gsi",
    ),
    (
        "provisioned without throughput",
        dict(KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}], AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PROVISIONED"),
        "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED",
    ),
    (
        "duplicate definitions",
        dict(
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "pk", "AttributeType": "N"}],
        ),
        "One or more parameter values were invalid: Attribute Name is duplicated: pk",
    ),
    (
        "empty GSI list",
        dict(KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}], AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], GlobalSecondaryIndexes=[]),
        "One or more parameter values were invalid: List of GlobalSecondaryIndexes is empty",
    ),
    (
        "unused definition with an index",
        dict(
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "x", "AttributeType": "S"}, {"AttributeName": "y", "AttributeType": "S"}],
            GlobalSecondaryIndexes=[{"IndexName": "gsi", "KeySchema": [{"AttributeName": "x", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}],
        ),
        "One or more parameter values were invalid: Some AttributeDefinitions are not used. AttributeDefinitions: [pk, x, y], keys used: [pk, x]",
    ),
    (
        "duplicate non-key attribute",
        dict(
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "x", "AttributeType": "S"}],
            GlobalSecondaryIndexes=[{"IndexName": "gsi", "KeySchema": [{"AttributeName": "x", "KeyType": "HASH"}], "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["a", "a"]}}],
        ),
        "One or more parameter values were invalid: Duplicate element in NonKeyAttributes: a",
    ),
    (
        "INCLUDE without attributes",
        dict(
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "x", "AttributeType": "S"}],
            GlobalSecondaryIndexes=[
                {"IndexName": "gsi", "KeySchema": [{"AttributeName": "x", "KeyType": "HASH"}], "Projection": {"ProjectionType": "INCLUDE"}}
            ],
        ),
        "One or more parameter values were invalid: ProjectionType is INCLUDE, but NonKeyAttributes is not specified",
    ),
]


@pytest.mark.parametrize("kwargs,message", [c[1:] for c in TABLE_CASES], ids=[c[0] for c in TABLE_CASES])
def test_create_table_validation(ddb, kwargs, message):
    kwargs = dict(kwargs)
    kwargs.setdefault("BillingMode", "PAY_PER_REQUEST")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.create_table(TableName=unique("bad"), **kwargs)
    assert (e.value.response["Error"]["Code"], e.value.response["Error"]["Message"]) == ("ValidationException", message)


def test_missing_table_is_resource_not_found(ddb):
    with pytest.raises(ddb.exceptions.ResourceNotFoundException) as e:
        ddb.get_item(TableName=unique("none"), Key=K)
    assert e.value.response["Error"]["Message"] == "Requested resource not found"
    name = unique("none")
    with pytest.raises(ddb.exceptions.ResourceNotFoundException) as e:
        ddb.describe_table(TableName=name)
    assert e.value.response["Error"]["Message"] == f"Requested resource not found: Table: {name} not found"


def test_values_are_judged_before_the_table_is_looked_up(ddb):
    missing = unique("none")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.put_item(TableName=missing, Item={"pk": {"S": "a"}, "n": {"N": "1E126"}})
    assert e.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.batch_write_item(RequestItems={missing: [{"PutRequest": {"Item": {"pk": {"S": "a"}, "big": {"S": "x" * 409_600}}}}]})
    assert e.value.response["Error"]["Message"] == "Item size has exceeded the maximum allowed size"
    # A well-formed item for a missing table is the table's problem.
    with pytest.raises(ddb.exceptions.ResourceNotFoundException):
        ddb.put_item(TableName=missing, Item={"pk": {"S": "a"}})
