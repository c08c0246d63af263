"""SQS under concurrent load through boto3: 16 producers and 16 consumers
move 100,000 messages through one standard queue with none lost and none
delivered twice while invisible, and through one FIFO queue with every
group's order preserved.

The 32 clients run as threads spread over `PROCESSES` forked processes, so
that botocore's per-call cost is not serialised behind one interpreter lock.
Each run prints its throughput; timing is reported, not asserted
(benchmarks belong to `make bench`)."""

import multiprocessing
import os
import threading
import time

from conftest import SUMMARY_LINES
from conftest import unique

PRODUCERS = 16
CONSUMERS = 16
PROCESSES = 4
MESSAGES = int(os.environ.get("SIMFRA_SQS_LOAD_MESSAGES", "100000"))
# Longer than the run: a message received twice was delivered while invisible.
VISIBILITY = 900
DEADLINE_S = 300


def worker(make_client, url, fifo, producers, consumers, per_producer, total, counted, results):
    """One process: its share of producers and consumers, as threads. Sends
    back every received body with the instant its receive returned."""
    received = []  # (monotonic ns at receive return, position in batch, body)
    errors = []
    lock = threading.Lock()
    deadline = time.monotonic() + DEADLINE_S

    def produce(p):
        try:
            client = make_client("sqs")
            for start in range(0, per_producer, 10):
                entries = []
                for i in range(start, min(start + 10, per_producer)):
                    e = {"Id": str(i - start), "MessageBody": f"{p}:{i}"}
                    if fifo:
                        e.update(MessageGroupId=f"g{p}", MessageDeduplicationId=f"{p}-{i}")
                    entries.append(e)
                out = client.send_message_batch(QueueUrl=url, Entries=entries)
                if out.get("Failed"):
                    errors.append(repr(out["Failed"]))
                    return
        except Exception as e:  # noqa: BLE001 - reported to the test
            errors.append(repr(e))

    def consume():
        try:
            client = make_client("sqs")
            while counted.value < total and time.monotonic() < deadline:
                got = client.receive_message(
                    QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1, VisibilityTimeout=VISIBILITY
                ).get("Messages", [])
                if not got:
                    continue
                at = time.monotonic_ns()
                with lock:
                    received.extend((at, i, m["Body"]) for i, m in enumerate(got))
                with counted.get_lock():
                    counted.value += len(got)
                out = client.delete_message_batch(
                    QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)]
                )
                if out.get("Failed"):
                    errors.append(repr(out["Failed"]))
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))

    threads = [threading.Thread(target=produce, args=(p,)) for p in producers]
    threads += [threading.Thread(target=consume) for _ in range(consumers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    results.put((received, errors))


def run_load(make_client, url, fifo):
    per_producer = MESSAGES // PRODUCERS
    total = per_producer * PRODUCERS
    counted = multiprocessing.Value("q", 0)
    results = multiprocessing.Queue()
    ctx = multiprocessing.get_context("fork")
    started = time.monotonic()
    procs = []
    for n in range(PROCESSES):
        producers = list(range(n, PRODUCERS, PROCESSES))
        args = (make_client, url, fifo, producers, CONSUMERS // PROCESSES, per_producer, total, counted, results)
        procs.append(ctx.Process(target=worker, args=args))
    for p in procs:
        p.start()
    received, errors = [], []
    for _ in procs:
        r, e = results.get(timeout=DEADLINE_S + 60)
        received += r
        errors += e
    for p in procs:
        p.join(30)
    elapsed = time.monotonic() - started
    kind = "FIFO" if fifo else "standard"
    SUMMARY_LINES.append(
        f"SQS LOAD {kind}: {total} messages, {PRODUCERS} producers + {CONSUMERS} consumers "
        f"in {PROCESSES} processes, {elapsed:.1f} s ({total / elapsed:.0f} msg/s)"
    )
    assert not errors, errors[:3]
    received.sort()
    return total, [body for _, _, body in received]


def test_standard_queue_loses_nothing_and_never_delivers_an_invisible_message(make_client):
    sqs = make_client("sqs")
    url = sqs.create_queue(QueueName=unique("load"))["QueueUrl"]
    total, received = run_load(make_client, url, fifo=False)
    duplicates = len(received) - len(set(received))
    assert duplicates == 0, f"{duplicates} messages delivered again while invisible"
    expected = {f"{p}:{i}" for p in range(PRODUCERS) for i in range(total // PRODUCERS)}
    assert set(received) == expected, f"{len(expected - set(received))} messages lost"
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert (attrs["ApproximateNumberOfMessages"], attrs["ApproximateNumberOfMessagesNotVisible"]) == ("0", "0")


def test_fifo_queue_keeps_every_groups_order_under_load(make_client):
    sqs = make_client("sqs")
    url = sqs.create_queue(
        QueueName=unique("load") + ".fifo",
        Attributes={"FifoQueue": "true", "DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId"},
    )["QueueUrl"]
    total, received = run_load(make_client, url, fifo=True)
    assert len(received) == len(set(received)) == total
    # A group's next batch can only be received after its previous batch was
    # deleted, so ordering all receives by when they returned orders each group.
    per_group = {}
    for body in received:
        p, i = map(int, body.split(":"))
        per_group.setdefault(p, []).append(i)
    for p, seq in per_group.items():
        assert seq == list(range(total // PRODUCERS)), f"group {p} out of order"
