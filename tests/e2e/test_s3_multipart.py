"""S3 multipart uploads as boto3 and the AWS CLI see them: parts streamed
and listed, completion rules (InvalidPart, InvalidPartOrder, EntityTooSmall),
the multipart ETag and COMPOSITE/FULL_OBJECT checksums computed as AWS does,
UploadPartCopy with ranges and conditions, part reads of completed objects,
upload listings with markers, and `aws s3 cp`/`aws s3 sync` round trips."""

import base64
import filecmp
import hashlib
import os
import zlib

import pytest
from botocore.exceptions import ClientError

from conftest import aws_cli, code, status, unique

MIB = 1 << 20


def b64(data):
    return base64.b64encode(data).decode()


def crc32(data):
    return zlib.crc32(data).to_bytes(4, "big")


def multipart_etag(parts):
    return '"' + hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest() + f'-{len(parts)}"'


@pytest.fixture
def bucket(s3):
    name = unique("mpu")
    s3.create_bucket(Bucket=name)
    return name


def upload(s3, bucket, key, parts, **create):
    """Creates an upload and sends `parts`; answers (upload id, [{PartNumber, ETag, …}])."""
    uid = s3.create_multipart_upload(Bucket=bucket, Key=key, **create)["UploadId"]
    done = []
    for n, data in enumerate(parts, 1):
        extra = {"ChecksumAlgorithm": create["ChecksumAlgorithm"]} if create.get("ChecksumAlgorithm") in ("CRC32", "SHA1", "SHA256") else {}
        out = s3.upload_part(Bucket=bucket, Key=key, UploadId=uid, PartNumber=n, Body=data, **extra)
        part = {"PartNumber": n, "ETag": out["ETag"]}
        part.update({k: v for k, v in out.items() if k.startswith("Checksum") and k != "ChecksumType"})
        done.append(part)
    return uid, done


def test_upload_list_complete_and_read_back(s3, bucket):
    parts = [os.urandom(5 * MIB), os.urandom(5 * MIB), b"the last part may be small"]
    uid, done = upload(s3, bucket, "big.bin", parts, ContentType="application/x-test", Metadata={"m": "1"})
    assert [p["ETag"] for p in done] == [f'"{hashlib.md5(p).hexdigest()}"' for p in parts]
    listed = s3.list_parts(Bucket=bucket, Key="big.bin", UploadId=uid)
    assert [(p["PartNumber"], p["Size"]) for p in listed["Parts"]] == [(1, 5 * MIB), (2, 5 * MIB), (3, len(parts[2]))]
    assert listed["IsTruncated"] is False and listed["StorageClass"] == "STANDARD"
    assert [u["UploadId"] for u in s3.list_multipart_uploads(Bucket=bucket)["Uploads"]] == [uid]
    out = s3.complete_multipart_upload(Bucket=bucket, Key="big.bin", UploadId=uid, MultipartUpload={"Parts": done})
    assert out["ETag"] == multipart_etag(parts)
    assert out["Key"] == "big.bin" and out["Bucket"] == bucket and out["Location"].endswith(f"/{bucket}/big.bin")
    got = s3.get_object(Bucket=bucket, Key="big.bin")
    assert got["Body"].read() == b"".join(parts)
    assert (got["ETag"], got["ContentType"], got["Metadata"]) == (out["ETag"], "application/x-test", {"m": "1"})
    assert "Uploads" not in s3.list_multipart_uploads(Bucket=bucket)
    with pytest.raises(ClientError) as e:
        s3.list_parts(Bucket=bucket, Key="big.bin", UploadId=uid)
    assert (code(e), status(e)) == ("NoSuchUpload", 404)
    # A retried completion answers as the first did; an abort after it is 204.
    again = s3.complete_multipart_upload(Bucket=bucket, Key="big.bin", UploadId=uid, MultipartUpload={"Parts": done})
    assert again["ETag"] == out["ETag"]
    assert s3.abort_multipart_upload(Bucket=bucket, Key="big.bin", UploadId=uid)["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket=bucket, Key="other-key", UploadId=uid, MultipartUpload={"Parts": done})
    assert (code(e), status(e)) == ("NoSuchUpload", 404)


def test_part_reads_of_a_completed_object(s3, bucket):
    parts = [os.urandom(5 * MIB), b"second part"]
    uid, done = upload(s3, bucket, "parts", parts)
    s3.complete_multipart_upload(Bucket=bucket, Key="parts", UploadId=uid, MultipartUpload={"Parts": done})
    second = s3.get_object(Bucket=bucket, Key="parts", PartNumber=2)
    assert second["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert second["PartsCount"] == 2 and second["Body"].read() == parts[1]
    assert second["ContentRange"] == f"bytes {5 * MIB}-{5 * MIB + len(parts[1]) - 1}/{5 * MIB + len(parts[1])}"
    head = s3.head_object(Bucket=bucket, Key="parts", PartNumber=1)
    assert (head["ContentLength"], head["PartsCount"]) == (5 * MIB, 2)
    # The count answers part reads only.
    assert "PartsCount" not in s3.head_object(Bucket=bucket, Key="parts")
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="parts", PartNumber=3)
    assert (code(e), status(e)) == ("InvalidPartNumber", 416)
    attrs = s3.get_object_attributes(Bucket=bucket, Key="parts", ObjectAttributes=["ObjectParts", "ETag"], MaxParts=1)
    assert attrs["ETag"] == multipart_etag(parts).strip('"')
    assert attrs["ObjectParts"]["TotalPartsCount"] == 2 and attrs["ObjectParts"]["IsTruncated"] is True
    assert [p["PartNumber"] for p in attrs["ObjectParts"]["Parts"]] == [1]
    rest = s3.get_object_attributes(Bucket=bucket, Key="parts", ObjectAttributes=["ObjectParts"], PartNumberMarker=1)
    assert [p["PartNumber"] for p in rest["ObjectParts"]["Parts"]] == [2]


def test_a_copy_of_a_multipart_object_is_a_single_part_object(s3, bucket):
    parts = [os.urandom(5 * MIB), b"end"]
    uid, done = upload(s3, bucket, "mp", parts, ChecksumAlgorithm="CRC32")
    s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=uid, MultipartUpload={"Parts": done})
    out = s3.copy_object(Bucket=bucket, Key="copied", CopySource=f"{bucket}/mp")
    whole = b"".join(parts)
    assert out["CopyObjectResult"]["ETag"] == f'"{hashlib.md5(whole).hexdigest()}"'
    # Its checksum describes the whole object now, not the parts.
    assert out["CopyObjectResult"]["ChecksumCRC32"] == b64(crc32(whole))
    head = s3.head_object(Bucket=bucket, Key="copied", PartNumber=1, ChecksumMode="ENABLED")
    assert "PartsCount" not in head and head["ContentLength"] == len(whole)
    assert (head["ChecksumCRC32"], head["ChecksumType"]) == (b64(crc32(whole)), "FULL_OBJECT")
    assert s3.get_object(Bucket=bucket, Key="copied")["Body"].read() == whole


def test_parts_smaller_than_5_mib_are_refused_but_the_last(s3, bucket):
    uid, done = upload(s3, bucket, "small", [b"a" * 1024, b"b" * 1024])
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket=bucket, Key="small", UploadId=uid, MultipartUpload={"Parts": done})
    assert (code(e), status(e)) == ("EntityTooSmall", 400)
    assert e.value.response["Error"]["MinSizeAllowed"] == str(5 * MIB)
    # One small part alone is fine.
    out = s3.complete_multipart_upload(Bucket=bucket, Key="small", UploadId=uid, MultipartUpload={"Parts": done[1:]})
    assert out["ETag"] == multipart_etag([b"b" * 1024])
    assert s3.get_object(Bucket=bucket, Key="small")["Body"].read() == b"b" * 1024


def test_completion_checks_parts_and_order(s3, bucket):
    uid, done = upload(s3, bucket, "k", [os.urandom(5 * MIB), b"tail"])
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=uid, MultipartUpload={"Parts": [done[1], done[0]]})
    assert (code(e), status(e)) == ("InvalidPartOrder", 400)
    wrong = [done[0], {"PartNumber": 2, "ETag": '"0123456789abcdef0123456789abcdef"'}]
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=uid, MultipartUpload={"Parts": wrong})
    assert (code(e), status(e)) == ("InvalidPart", 400)
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=uid, MultipartUpload={"Parts": done + [{"PartNumber": 3, "ETag": done[1]["ETag"]}]})
    assert (code(e), status(e)) == ("InvalidPart", 400)
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=uid, MultipartUpload={"Parts": []})
    assert (code(e), status(e)) == ("MalformedXML", 400)
    # The upload survived the refusals.
    s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=uid, MultipartUpload={"Parts": done})


def test_no_such_upload_and_abort(s3, bucket):
    bogus = "x" * 64
    with pytest.raises(ClientError) as e:
        s3.upload_part(Bucket=bucket, Key="k", UploadId=bogus, PartNumber=1, Body=b"x")
    assert (code(e), status(e)) == ("NoSuchUpload", 404)
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=bogus, MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": '"x"'}]})
    assert (code(e), status(e)) == ("NoSuchUpload", 404)
    uid, _ = upload(s3, bucket, "k", [b"x"])
    # The upload belongs to its key.
    with pytest.raises(ClientError) as e:
        s3.upload_part(Bucket=bucket, Key="other", UploadId=uid, PartNumber=1, Body=b"x")
    assert (code(e), status(e)) == ("NoSuchUpload", 404)
    assert s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=uid)["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as e:
        s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=uid)
    assert (code(e), status(e)) == ("NoSuchUpload", 404)
    with pytest.raises(ClientError) as e:
        s3.create_multipart_upload(Bucket=unique("nobucket"), Key="k")
    assert (code(e), status(e)) == ("NoSuchBucket", 404)


@pytest.mark.parametrize("number", [0, 10001])
def test_part_numbers_are_1_to_10000(s3, bucket, number):
    uid = s3.create_multipart_upload(Bucket=bucket, Key="n")["UploadId"]
    with pytest.raises(ClientError) as e:
        s3.upload_part(Bucket=bucket, Key="n", UploadId=uid, PartNumber=number, Body=b"x")
    assert (code(e), status(e)) == ("InvalidArgument", 400)


def test_composite_checksums(s3, bucket):
    parts = [os.urandom(5 * MIB), b"tail"]
    uid, done = upload(s3, bucket, "comp", parts, ChecksumAlgorithm="CRC32")
    assert [p["ChecksumCRC32"] for p in done] == [b64(crc32(p)) for p in parts]
    out = s3.complete_multipart_upload(Bucket=bucket, Key="comp", UploadId=uid, MultipartUpload={"Parts": done})
    expected = b64(crc32(b"".join(crc32(p) for p in parts))) + "-2"
    assert (out["ChecksumCRC32"], out["ChecksumType"]) == (expected, "COMPOSITE")
    head = s3.head_object(Bucket=bucket, Key="comp", ChecksumMode="ENABLED")
    assert head["ChecksumCRC32"] == expected
    # A part read answers the part's own checksum.
    assert s3.head_object(Bucket=bucket, Key="comp", PartNumber=2, ChecksumMode="ENABLED")["ChecksumCRC32"] == b64(crc32(parts[1]))
    # SHA256 composite too.
    uid, done = upload(s3, bucket, "sha", parts, ChecksumAlgorithm="SHA256")
    out = s3.complete_multipart_upload(Bucket=bucket, Key="sha", UploadId=uid, MultipartUpload={"Parts": done})
    assert out["ChecksumSHA256"] == b64(hashlib.sha256(b"".join(hashlib.sha256(p).digest() for p in parts)).digest()) + "-2"


def test_full_object_checksums(s3, bucket):
    parts = [os.urandom(5 * MIB), os.urandom(1000)]
    uid, done = upload(s3, bucket, "full", parts, ChecksumAlgorithm="CRC32", ChecksumType="FULL_OBJECT")
    whole = b64(crc32(b"".join(parts)))
    out = s3.complete_multipart_upload(Bucket=bucket, Key="full", UploadId=uid, MultipartUpload={"Parts": done}, ChecksumCRC32=whole)
    assert (out["ChecksumCRC32"], out["ChecksumType"]) == (whole, "FULL_OBJECT")
    uid, done = upload(s3, bucket, "full2", parts, ChecksumAlgorithm="CRC32", ChecksumType="FULL_OBJECT")
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket=bucket, Key="full2", UploadId=uid, MultipartUpload={"Parts": done}, ChecksumCRC32=b64(crc32(b"no")))
    assert (code(e), status(e)) == ("BadDigest", 400)
    # Without each part's checksum the completion is refused.
    bare = [{"PartNumber": p["PartNumber"], "ETag": p["ETag"]} for p in done]
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket=bucket, Key="full2", UploadId=uid, MultipartUpload={"Parts": bare})
    assert (code(e), status(e)) == ("InvalidRequest", 400)
    with pytest.raises(ClientError) as e:
        s3.create_multipart_upload(Bucket=bucket, Key="x", ChecksumAlgorithm="SHA1", ChecksumType="FULL_OBJECT")
    assert (code(e), status(e)) == ("InvalidRequest", 400)
    with pytest.raises(ClientError) as e:
        s3.create_multipart_upload(Bucket=bucket, Key="x", ChecksumAlgorithm="CRC64NVME", ChecksumType="COMPOSITE")
    assert (code(e), status(e)) == ("InvalidRequest", 400)
    created = s3.create_multipart_upload(Bucket=bucket, Key="x", ChecksumAlgorithm="CRC64NVME")
    assert created["ChecksumType"] == "FULL_OBJECT"


def test_uploads_without_an_algorithm_get_a_full_object_crc64nvme(s3, make_client, bucket):
    parts = [os.urandom(5 * MIB), os.urandom(777)]
    uid = s3.create_multipart_upload(Bucket=bucket, Key="default")["UploadId"]
    done = []
    for n, data in enumerate(parts, 1):
        out = s3.upload_part(Bucket=bucket, Key="default", UploadId=uid, PartNumber=n, Body=data)
        done.append({"PartNumber": n, "ETag": out["ETag"]})
    listed = s3.list_parts(Bucket=bucket, Key="default", UploadId=uid)["Parts"]
    assert all("ChecksumCRC64NVME" in p for p in listed)
    out = s3.complete_multipart_upload(Bucket=bucket, Key="default", UploadId=uid, MultipartUpload={"Parts": done})
    assert out["ChecksumType"] == "FULL_OBJECT"
    # The combined CRC64NVME is the one a single PUT of the same bytes gets.
    bare = make_client("s3", request_checksum_calculation="when_required")
    single = bare.put_object(Bucket=bucket, Key="single", Body=b"".join(parts))
    assert out["ChecksumCRC64NVME"] == single["ChecksumCRC64NVME"]
    head = s3.head_object(Bucket=bucket, Key="default", ChecksumMode="ENABLED")
    assert head["ChecksumCRC64NVME"] == single["ChecksumCRC64NVME"]


def test_part_checksum_must_match_the_uploads_algorithm(s3, bucket):
    uid = s3.create_multipart_upload(Bucket=bucket, Key="alg", ChecksumAlgorithm="SHA256")["UploadId"]
    with pytest.raises(ClientError) as e:
        s3.upload_part(Bucket=bucket, Key="alg", UploadId=uid, PartNumber=1, Body=b"x", ChecksumAlgorithm="CRC32")
    assert (code(e), status(e)) == ("InvalidRequest", 400)
    with pytest.raises(ClientError) as e:
        s3.upload_part(Bucket=bucket, Key="alg", UploadId=uid, PartNumber=1, Body=b"x", ChecksumSHA256=b64(hashlib.sha256(b"y").digest()))
    assert (code(e), status(e)) == ("BadDigest", 400)


def test_upload_part_copy(s3, bucket):
    source = os.urandom(6 * MIB)
    src_etag = s3.put_object(Bucket=bucket, Key="source", Body=source)["ETag"]
    uid = s3.create_multipart_upload(Bucket=bucket, Key="assembled")["UploadId"]
    first = s3.upload_part_copy(Bucket=bucket, Key="assembled", UploadId=uid, PartNumber=1, CopySource=f"{bucket}/source", CopySourceRange=f"bytes=0-{5 * MIB - 1}")
    assert first["CopyPartResult"]["ETag"] == f'"{hashlib.md5(source[: 5 * MIB]).hexdigest()}"'
    second = s3.upload_part_copy(Bucket=bucket, Key="assembled", UploadId=uid, PartNumber=2, CopySource={"Bucket": bucket, "Key": "source"}, CopySourceIfMatch=src_etag)
    with pytest.raises(ClientError) as e:
        s3.upload_part_copy(Bucket=bucket, Key="assembled", UploadId=uid, PartNumber=3, CopySource=f"{bucket}/source", CopySourceIfNoneMatch=src_etag)
    assert (code(e), status(e)) == ("PreconditionFailed", 412)
    with pytest.raises(ClientError) as e:
        s3.upload_part_copy(Bucket=bucket, Key="assembled", UploadId=uid, PartNumber=3, CopySource=f"{bucket}/source", CopySourceRange=f"bytes=0-{6 * MIB}")
    assert (code(e), status(e)) == ("InvalidArgument", 400)
    with pytest.raises(ClientError) as e:
        s3.upload_part_copy(Bucket=bucket, Key="assembled", UploadId=uid, PartNumber=3, CopySource=f"{bucket}/source", CopySourceRange="0-10")
    assert (code(e), status(e)) == ("InvalidArgument", 400)
    with pytest.raises(ClientError) as e:
        s3.upload_part_copy(Bucket=bucket, Key="assembled", UploadId=uid, PartNumber=3, CopySource=f"{bucket}/missing")
    assert (code(e), status(e)) == ("NoSuchKey", 404)
    parts = [{"PartNumber": 1, "ETag": first["CopyPartResult"]["ETag"]}, {"PartNumber": 2, "ETag": second["CopyPartResult"]["ETag"]}]
    s3.complete_multipart_upload(Bucket=bucket, Key="assembled", UploadId=uid, MultipartUpload={"Parts": parts})
    assert s3.get_object(Bucket=bucket, Key="assembled")["Body"].read() == source[: 5 * MIB] + source


def test_conditional_completion(s3, bucket):
    s3.put_object(Bucket=bucket, Key="taken", Body=b"already here")
    uid, done = upload(s3, bucket, "taken", [b"new"])
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket=bucket, Key="taken", UploadId=uid, MultipartUpload={"Parts": done}, IfNoneMatch="*")
    assert (code(e), status(e)) == ("PreconditionFailed", 412)
    assert s3.get_object(Bucket=bucket, Key="taken")["Body"].read() == b"already here"
    uid2, done2 = upload(s3, bucket, "free", [b"new"])
    s3.complete_multipart_upload(Bucket=bucket, Key="free", UploadId=uid2, MultipartUpload={"Parts": done2}, IfNoneMatch="*")


def test_versioned_completion(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    uid, done = upload(s3, bucket, "v", [b"one"])
    out = s3.complete_multipart_upload(Bucket=bucket, Key="v", UploadId=uid, MultipartUpload={"Parts": done})
    assert out["VersionId"] and s3.head_object(Bucket=bucket, Key="v")["VersionId"] == out["VersionId"]


def test_list_multipart_uploads_with_markers_and_prefixes(s3, bucket):
    ids = {}
    for key in ["a/1", "a/2", "b", "c", "c"]:
        ids.setdefault(key, []).append(s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"])
    every = s3.list_multipart_uploads(Bucket=bucket)
    assert [u["Key"] for u in every["Uploads"]] == ["a/1", "a/2", "b", "c", "c"]
    assert [u["UploadId"] for u in every["Uploads"] if u["Key"] == "c"] == ids["c"]
    first = s3.list_multipart_uploads(Bucket=bucket, MaxUploads=2)
    assert [u["Key"] for u in first["Uploads"]] == ["a/1", "a/2"] and first["IsTruncated"] is True
    rest = s3.list_multipart_uploads(Bucket=bucket, KeyMarker=first["NextKeyMarker"], UploadIdMarker=first["NextUploadIdMarker"])
    assert [u["Key"] for u in rest["Uploads"]] == ["b", "c", "c"] and rest["IsTruncated"] is False
    mid = s3.list_multipart_uploads(Bucket=bucket, KeyMarker="c", UploadIdMarker=ids["c"][0])
    assert [u["UploadId"] for u in mid["Uploads"]] == [ids["c"][1]]
    grouped = s3.list_multipart_uploads(Bucket=bucket, Delimiter="/")
    assert [p["Prefix"] for p in grouped["CommonPrefixes"]] == ["a/"]
    assert [u["Key"] for u in grouped["Uploads"]] == ["b", "c", "c"]
    assert [u["Key"] for u in s3.list_multipart_uploads(Bucket=bucket, Prefix="a/")["Uploads"]] == ["a/1", "a/2"]


def test_sse_c_uploads_need_the_key_on_every_part(s3, bucket):
    key = os.urandom(32)
    sse = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": key}
    uid = s3.create_multipart_upload(Bucket=bucket, Key="secret", **sse)["UploadId"]
    with pytest.raises(ClientError) as e:
        s3.upload_part(Bucket=bucket, Key="secret", UploadId=uid, PartNumber=1, Body=b"x")
    assert (code(e), status(e)) == ("InvalidRequest", 400)
    with pytest.raises(ClientError) as e:
        s3.upload_part(Bucket=bucket, Key="secret", UploadId=uid, PartNumber=1, Body=b"x", SSECustomerAlgorithm="AES256", SSECustomerKey=os.urandom(32))
    assert (code(e), status(e)) == ("InvalidRequest", 400)
    part = s3.upload_part(Bucket=bucket, Key="secret", UploadId=uid, PartNumber=1, Body=b"classified", **sse)
    assert part["SSECustomerKeyMD5"] == b64(hashlib.md5(key).digest())
    s3.complete_multipart_upload(Bucket=bucket, Key="secret", UploadId=uid, MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]}, **sse)
    assert s3.get_object(Bucket=bucket, Key="secret", **sse)["Body"].read() == b"classified"
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="secret")
    assert (code(e), status(e)) == ("InvalidRequest", 400)


def test_upload_listing_url_encodes_keys_when_asked(s3, bucket):
    name = "dir/with space+plus/ü"
    s3.create_multipart_upload(Bucket=bucket, Key=name)
    # botocore leaves this listing's keys encoded (it decodes ListObjects' only).
    out = s3.list_multipart_uploads(Bucket=bucket, EncodingType="url")
    assert [u["Key"] for u in out["Uploads"]] == ["dir/with+space%2Bplus/%C3%BC"]
    assert out["EncodingType"] == "url"
    raw = s3.list_multipart_uploads(Bucket=bucket)
    assert [u["Key"] for u in raw["Uploads"]] == [name]


def test_list_parts_pages(s3, bucket):
    uid, _ = upload(s3, bucket, "pages", [b"1", b"2", b"3"])
    page = s3.list_parts(Bucket=bucket, Key="pages", UploadId=uid, MaxParts=2)
    assert [p["PartNumber"] for p in page["Parts"]] == [1, 2]
    assert page["IsTruncated"] is True and page["NextPartNumberMarker"] == 2
    rest = s3.list_parts(Bucket=bucket, Key="pages", UploadId=uid, PartNumberMarker=page["NextPartNumberMarker"])
    assert [p["PartNumber"] for p in rest["Parts"]] == [3] and rest["IsTruncated"] is False
    # Sending a part again replaces it.
    again = s3.upload_part(Bucket=bucket, Key="pages", UploadId=uid, PartNumber=2, Body=b"two")
    assert s3.list_parts(Bucket=bucket, Key="pages", UploadId=uid)["Parts"][1]["ETag"] == again["ETag"]


# ---------------------------------------------------------------- the AWS CLI


def test_cli_cp_of_a_multipart_sized_file(simfra_endpoint, s3, bucket, tmp_path):
    src, back = tmp_path / "20mib.bin", tmp_path / "back.bin"
    src.write_bytes(os.urandom(20 * MIB))
    aws_cli(simfra_endpoint, "s3", "cp", str(src), f"s3://{bucket}/20mib.bin", json_output=False)
    head = s3.head_object(Bucket=bucket, Key="20mib.bin")
    assert head["ContentLength"] == 20 * MIB
    assert head["ETag"].endswith('-3"'), head["ETag"]  # the CLI's 8 MiB parts
    aws_cli(simfra_endpoint, "s3", "cp", f"s3://{bucket}/20mib.bin", str(back), json_output=False)
    assert filecmp.cmp(src, back, shallow=False)


def test_cli_sync_of_a_tree(simfra_endpoint, s3, bucket, tmp_path):
    tree, back = tmp_path / "tree", tmp_path / "back"
    files = {"a.txt": b"alpha", "dir/b.bin": os.urandom(70000), "dir/sub/c d.txt": b"with a space", "empty": b""}
    for name, data in files.items():
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_bytes(data)
    aws_cli(simfra_endpoint, "s3", "sync", str(tree), f"s3://{bucket}/tree", json_output=False)
    assert sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="tree/")["Contents"]) == sorted(f"tree/{n}" for n in files)
    # A second sync has nothing to do.
    assert aws_cli(simfra_endpoint, "s3", "sync", str(tree), f"s3://{bucket}/tree", json_output=False).strip() == ""
    aws_cli(simfra_endpoint, "s3", "sync", f"s3://{bucket}/tree", str(back), json_output=False)
    for name, data in files.items():
        assert (back / name).read_bytes() == data, name
