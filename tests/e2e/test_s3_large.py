"""A 5 GiB object through the AWS CLI (multipart upload with aws-chunked
bodies and CRC32 trailers, parallel ranged download), byte-identical on the
way back, while the server's peak memory stays under 300 MiB: object bytes
stream between the socket and disk and never sit in memory whole."""

import filecmp
import os
import shutil
import time
from pathlib import Path

import pytest

from conftest import Server, aws_cli, unique

SIZE = 5 << 30
PEAK_RSS_LIMIT_MIB = 300


def write_pattern(path, size):
    """`size` bytes in which every MiB differs (a counter in each), so a
    misplaced or repeated part cannot pass the comparison."""
    block = bytearray(os.urandom(1 << 20))
    with open(path, "wb") as f:
        for i in range(size >> 20):
            block[:8] = i.to_bytes(8, "big")
            f.write(block)


def peak_rss_mib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM in /proc status")


@pytest.mark.skipif(shutil.disk_usage("/tmp").free < 3 * SIZE + (2 << 30), reason="needs ~16 GiB free disk for a 5 GiB round trip")
def test_five_gib_round_trip_is_byte_identical_in_little_memory(tmp_path):
    server = Server({"SIMFRA_DATA_DIR": str(tmp_path / "data")})
    try:
        bucket = unique("big")
        src, back = tmp_path / "src.bin", tmp_path / "back.bin"
        write_pattern(src, SIZE)
        aws_cli(server.endpoint, "s3", "mb", f"s3://{bucket}", json_output=False)
        started = time.monotonic()
        aws_cli(server.endpoint, "s3", "cp", str(src), f"s3://{bucket}/big.bin", json_output=False, timeout=1800)
        up = time.monotonic() - started
        head = aws_cli(server.endpoint, "s3api", "head-object", "--bucket", bucket, "--key", "big.bin")
        assert head["ContentLength"] == SIZE
        # A multipart object's ETag is the MD5 of its parts' MD5s and their count.
        assert head["ETag"].endswith('-640"'), head["ETag"]
        started = time.monotonic()
        aws_cli(server.endpoint, "s3", "cp", f"s3://{bucket}/big.bin", str(back), json_output=False, timeout=1800)
        down = time.monotonic() - started
        assert back.stat().st_size == SIZE
        assert filecmp.cmp(src, back, shallow=False), "the object came back different"
        peak = peak_rss_mib(server.proc.pid)
        print(f"5 GiB up {up:.0f} s, down {down:.0f} s, server peak RSS {peak:.0f} MiB")
        assert peak < PEAK_RSS_LIMIT_MIB, f"server peak RSS {peak:.0f} MiB during the 5 GiB round trip"
    finally:
        server.stop()
