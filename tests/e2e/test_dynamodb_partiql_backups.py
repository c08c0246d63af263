"""PartiQL (ExecuteStatement, BatchExecuteStatement, ExecuteTransaction) and
backups (on-demand backup and restore, point-in-time recovery) through
boto3."""

import time
from datetime import datetime, timezone

import pytest

from conftest import unique


@pytest.fixture(scope="module")
def ddb(make_client):
    return make_client("dynamodb")


def make_table(ddb):
    name = unique("pq")
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


def test_partiql_insert_select_update_delete(ddb):
    t = make_table(ddb)
    ddb.execute_statement(Statement=f"INSERT INTO \"{t}\" VALUE {{'pk': 'a', 'sk': 1, 'tags': <<'x', 'y'>>, 'm': {{'n': [1, 'two']}}}}")
    ddb.execute_statement(Statement=f'INSERT INTO "{t}" VALUE {{\'pk\': ?, \'sk\': ?, \'v\': ?}}', Parameters=[{"S": "a"}, {"N": "2"}, {"N": "10"}])
    with pytest.raises(ddb.exceptions.DuplicateItemException) as e:
        ddb.execute_statement(Statement=f"INSERT INTO \"{t}\" VALUE {{'pk': 'a', 'sk': 1}}")
    assert e.value.response["Error"]["Message"] == "Duplicate primary key exists in table"
    items = ddb.execute_statement(Statement=f'SELECT * FROM "{t}" WHERE pk = ?', Parameters=[{"S": "a"}])["Items"]
    assert [i["sk"]["N"] for i in items] == ["1", "2"]
    assert items[0]["tags"] == {"SS": ["x", "y"]} and items[0]["m"] == {"M": {"n": {"L": [{"N": "1"}, {"S": "two"}]}}}
    got = ddb.execute_statement(Statement=f'SELECT v FROM "{t}" WHERE pk = \'a\' AND v > 5')["Items"]
    assert got == [{"v": {"N": "10"}}]
    ddb.execute_statement(Statement=f'UPDATE "{t}" SET v = v + 5 SET note = \'hi\' WHERE pk = \'a\' AND sk = 2')
    item = ddb.get_item(TableName=t, Key={"pk": {"S": "a"}, "sk": {"N": "2"}})["Item"]
    assert item["v"] == {"N": "15"} and item["note"] == {"S": "hi"}
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
        ddb.execute_statement(Statement=f'UPDATE "{t}" SET v = 1 WHERE pk = \'a\' AND sk = 2 AND v = 99')
    with pytest.raises(ddb.exceptions.ClientError) as e:
        ddb.execute_statement(Statement=f'UPDATE "{t}" SET v = 1 WHERE pk = \'a\'')
    assert e.value.response["Error"]["Message"] == "Where clause does not contain a mandatory equality on all key attributes"
    ddb.execute_statement(Statement=f'DELETE FROM "{t}" WHERE pk = \'a\' AND sk = 1')
    assert ddb.execute_statement(Statement=f'SELECT * FROM "{t}"')["Items"] == [item | {"v": {"N": "15"}}]
    with pytest.raises(ddb.exceptions.ClientError) as e:
        ddb.execute_statement(Statement=f'SELEKT * FROM "{t}"')
    assert e.value.response["Error"]["Code"] == "ValidationException"
    assert e.value.response["Error"]["Message"].startswith("Statement wasn't well formed, can't be processed")


def test_partiql_pagination_and_batch(ddb):
    t = make_table(ddb)
    for i in range(5):
        ddb.execute_statement(Statement=f"INSERT INTO \"{t}\" VALUE {{'pk': 'p', 'sk': {i}}}")
    first = ddb.execute_statement(Statement=f'SELECT sk FROM "{t}" WHERE pk = \'p\'', Limit=3)
    assert [i["sk"]["N"] for i in first["Items"]] == ["0", "1", "2"]
    rest = ddb.execute_statement(Statement=f'SELECT sk FROM "{t}" WHERE pk = \'p\'', Limit=3, NextToken=first["NextToken"])
    assert [i["sk"]["N"] for i in rest["Items"]] == ["3", "4"] and "NextToken" not in rest
    out = ddb.batch_execute_statement(
        Statements=[
            {"Statement": f'SELECT * FROM "{t}" WHERE pk = ? AND sk = ?', "Parameters": [{"S": "p"}, {"N": "1"}]},
            {"Statement": f"INSERT INTO \"{t}\" VALUE {{'pk': 'p', 'sk': 1}}"},
            {"Statement": f'UPDATE "{t}" SET x = 1 WHERE pk = \'p\' AND sk = 4'},
        ]
    )["Responses"]
    assert out[0]["Item"] == {"pk": {"S": "p"}, "sk": {"N": "1"}} and out[0]["TableName"] == t
    assert out[1]["Error"]["Code"] == "DuplicateItem"
    assert "Error" not in out[2]
    assert ddb.get_item(TableName=t, Key={"pk": {"S": "p"}, "sk": {"N": "4"}})["Item"]["x"] == {"N": "1"}


def test_partiql_transaction_cancels_as_a_whole(ddb):
    t = make_table(ddb)
    ddb.execute_statement(Statement=f"INSERT INTO \"{t}\" VALUE {{'pk': 'k', 'sk': 1, 'n': 1}}")
    with pytest.raises(ddb.exceptions.TransactionCanceledException) as e:
        ddb.execute_transaction(
            TransactStatements=[
                {"Statement": f"INSERT INTO \"{t}\" VALUE {{'pk': 'k', 'sk': 2}}"},
                {"Statement": f'UPDATE "{t}" SET n = 2 WHERE pk = \'k\' AND sk = 1 AND n = 5'},
            ]
        )
    assert [r["Code"] for r in e.value.response["CancellationReasons"]] == ["None", "ConditionalCheckFailed"]
    assert "Item" not in ddb.get_item(TableName=t, Key={"pk": {"S": "k"}, "sk": {"N": "2"}})
    ddb.execute_transaction(
        TransactStatements=[
            {"Statement": f"INSERT INTO \"{t}\" VALUE {{'pk': 'k', 'sk': 2}}"},
            {"Statement": f'UPDATE "{t}" SET n = 2 WHERE pk = \'k\' AND sk = 1 AND n = 1'},
        ]
    )
    read = ddb.execute_transaction(
        TransactStatements=[
            {"Statement": f'SELECT n FROM "{t}" WHERE pk = \'k\' AND sk = 1'},
            {"Statement": f'SELECT * FROM "{t}" WHERE pk = \'k\' AND sk = 2'},
        ]
    )["Responses"]
    assert read == [{"Item": {"n": {"N": "2"}}}, {"Item": {"pk": {"S": "k"}, "sk": {"N": "2"}}}]


def test_backup_and_restore(ddb):
    t = make_table(ddb)
    ddb.put_item(TableName=t, Item={"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"S": "before"}})
    backup = ddb.create_backup(TableName=t, BackupName="nightly")["BackupDetails"]
    assert backup["BackupStatus"] == "AVAILABLE" and backup["BackupType"] == "USER" and backup["BackupArn"].startswith(
        ddb.describe_table(TableName=t)["Table"]["TableArn"] + "/backup/"
    )
    ddb.put_item(TableName=t, Item={"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"S": "after"}})
    desc = ddb.describe_backup(BackupArn=backup["BackupArn"])["BackupDescription"]
    assert desc["SourceTableDetails"]["TableName"] == t and desc["SourceTableDetails"]["ItemCount"] == 1
    assert [b["BackupArn"] for b in ddb.list_backups(TableName=t)["BackupSummaries"]] == [backup["BackupArn"]]
    target = unique("restored")
    restored = ddb.restore_table_from_backup(TargetTableName=target, BackupArn=backup["BackupArn"])["TableDescription"]
    assert restored["RestoreSummary"]["SourceBackupArn"] == backup["BackupArn"]
    assert ddb.get_item(TableName=target, Key={"pk": {"S": "a"}, "sk": {"N": "1"}})["Item"]["v"] == {"S": "before"}
    overridden = unique("restored")
    ddb.restore_table_from_backup(
        TargetTableName=overridden,
        BackupArn=backup["BackupArn"],
        BillingModeOverride="PROVISIONED",
        ProvisionedThroughputOverride={"ReadCapacityUnits": 7, "WriteCapacityUnits": 3},
    )
    desc = ddb.describe_table(TableName=overridden)["Table"]
    assert desc["BillingModeSummary"]["BillingMode"] == "PROVISIONED" and desc["ProvisionedThroughput"]["ReadCapacityUnits"] == 7
    assert ddb.list_backups(TableName=t, BackupType="SYSTEM")["BackupSummaries"] == []
    with pytest.raises(ddb.exceptions.TableAlreadyExistsException):
        ddb.restore_table_from_backup(TargetTableName=target, BackupArn=backup["BackupArn"])
    assert ddb.delete_backup(BackupArn=backup["BackupArn"])["BackupDescription"]["BackupDetails"]["BackupStatus"] == "DELETED"
    with pytest.raises(ddb.exceptions.BackupNotFoundException):
        ddb.describe_backup(BackupArn=backup["BackupArn"])


def test_point_in_time_recovery(ddb):
    t = make_table(ddb)
    key = {"pk": {"S": "a"}, "sk": {"N": "1"}}
    pitr = ddb.describe_continuous_backups(TableName=t)["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert pitr["PointInTimeRecoveryStatus"] == "DISABLED"
    with pytest.raises(ddb.exceptions.PointInTimeRecoveryUnavailableException):
        ddb.restore_table_to_point_in_time(SourceTableName=t, TargetTableName=unique("x"), UseLatestRestorableTime=True)
    ddb.put_item(TableName=t, Item={**key, "v": {"N": "1"}})
    ddb.update_continuous_backups(TableName=t, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    time.sleep(0.05)
    ddb.put_item(TableName=t, Item={**key, "v": {"N": "2"}})
    time.sleep(0.05)
    moment = datetime.now(timezone.utc)
    time.sleep(0.05)
    ddb.put_item(TableName=t, Item={**key, "v": {"N": "3"}})
    earlier = unique("pitr")
    ddb.restore_table_to_point_in_time(SourceTableName=t, TargetTableName=earlier, RestoreDateTime=moment)
    assert ddb.get_item(TableName=earlier, Key=key)["Item"]["v"] == {"N": "2"}
    latest = unique("pitr")
    ddb.restore_table_to_point_in_time(SourceTableName=t, TargetTableName=latest, UseLatestRestorableTime=True)
    assert ddb.get_item(TableName=latest, Key=key)["Item"]["v"] == {"N": "3"}


def test_export_to_s3_and_import_back(ddb, make_client):
    import gzip
    import json

    s3 = make_client("s3")
    bucket = unique("exports")
    s3.create_bucket(Bucket=bucket)
    t = make_table(ddb)
    arn = ddb.describe_table(TableName=t)["Table"]["TableArn"]
    with pytest.raises(ddb.exceptions.PointInTimeRecoveryUnavailableException):
        ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=bucket)
    ddb.update_continuous_backups(TableName=t, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    items = [{"pk": {"S": f"p{i}"}, "sk": {"N": str(i)}, "tags": {"SS": ["a", "b"]}, "m": {"M": {"x": {"L": [{"BOOL": True}]}}}} for i in range(3)]
    for item in items:
        ddb.put_item(TableName=t, Item=item)
    started = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=bucket, S3Prefix="backups")["ExportDescription"]
    assert started["ExportStatus"] == "IN_PROGRESS" and started["ExportArn"].startswith(arn + "/export/")
    done = ddb.describe_export(ExportArn=started["ExportArn"])["ExportDescription"]
    assert done["ExportStatus"] == "COMPLETED" and done["ItemCount"] == 3
    summary = json.loads(s3.get_object(Bucket=bucket, Key=done["ExportManifest"])["Body"].read())
    files_key = summary["manifestFilesS3Key"]
    assert files_key.startswith("backups/AWSDynamoDB/") and files_key.endswith("/manifest-files.json")
    entry = json.loads(s3.get_object(Bucket=bucket, Key=files_key)["Body"].read().decode().splitlines()[0])
    lines = gzip.decompress(s3.get_object(Bucket=bucket, Key=entry["dataFileS3Key"])["Body"].read()).decode().splitlines()
    exported = sorted((json.loads(line)["Item"] for line in lines), key=lambda i: i["sk"]["N"])
    for got, want in zip(exported, items):
        assert got["pk"] == want["pk"] and sorted(got["tags"]["SS"]) == ["a", "b"] and got["m"] == want["m"]
    assert [e["ExportArn"] for e in ddb.list_exports(TableArn=arn)["ExportSummaries"]] == [started["ExportArn"]]

    target = unique("imported")
    imp = ddb.import_table(
        S3BucketSource={"S3Bucket": bucket, "S3KeyPrefix": files_key.rsplit("/", 1)[0]},
        InputFormat="DYNAMODB_JSON",
        InputCompressionType="GZIP",
        TableCreationParameters={
            "TableName": target,
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
            "BillingMode": "PAY_PER_REQUEST",
        },
    )["ImportTableDescription"]
    finished = ddb.describe_import(ImportArn=imp["ImportArn"])["ImportTableDescription"]
    assert (finished["ImportStatus"], finished["ImportedItemCount"], finished["ErrorCount"]) == ("COMPLETED", 3, 0)
    got = ddb.get_item(TableName=target, Key={"pk": {"S": "p1"}, "sk": {"N": "1"}})["Item"]
    assert got["m"] == items[1]["m"]


def test_partiql_functions_missing_and_nested_updates(ddb):
    t = make_table(ddb)
    ddb.execute_statement(Statement=f"INSERT INTO \"{t}\" VALUE {{'pk': 'n', 'sk': 1, 'name': 'widget', 'm': {{'a': 1}}, 'l': [1, 2]}}")
    ddb.execute_statement(Statement=f"INSERT INTO \"{t}\" VALUE {{'pk': 'n', 'sk': 2, 'name': 'gadget'}}")
    q = lambda where: [i["sk"]["N"] for i in ddb.execute_statement(Statement=f'SELECT sk FROM "{t}" WHERE pk = \'n\' AND {where}')["Items"]]
    assert q("begins_with(name, 'wid')") == ["1"]
    assert q("m IS MISSING") == ["2"]
    assert q("m IS NOT MISSING") == ["1"]
    assert q("sk IN [1, 2]") == ["1", "2"]
    assert q("contains(name, 'adg')") == ["2"]
    ddb.execute_statement(Statement=f'UPDATE "{t}" SET m.b = 2 SET l[0] = 10 REMOVE m.a WHERE pk = \'n\' AND sk = 1')
    item = ddb.get_item(TableName=t, Key={"pk": {"S": "n"}, "sk": {"N": "1"}})["Item"]
    assert item["m"] == {"M": {"b": {"N": "2"}}} and item["l"] == {"L": [{"N": "10"}, {"N": "2"}]}
    ddb.execute_statement(Statement=f"UPDATE \"{t}\" SET tags = set_add(tags, <<'x'>>) WHERE pk = 'n' AND sk = 2")
    ddb.execute_statement(Statement=f"UPDATE \"{t}\" SET tags = set_add(tags, <<'y', 'x'>>) WHERE pk = 'n' AND sk = 2")
    assert sorted(ddb.get_item(TableName=t, Key={"pk": {"S": "n"}, "sk": {"N": "2"}})["Item"]["tags"]["SS"]) == ["x", "y"]
