#!/usr/bin/python3
"""redis-py (Debian's python3-redis) as an application configured for Redis Sentinel would use it,
pointed at Chorus's nodes as its sentinels. Driven by ClientFailoverTimingTests over stdin/stdout:

  python3 sentinel_writer.py PORT,PORT,... MASTER
  -> "ready"            after its first write through Sentinel succeeded
  <- "mark"             the test is about to kill the leader: the clock starts
  -> "first-write-ms N attempts A"   the first write after the mark succeeded N ms later

Writes are retried in a loop, 50 ms apart, each with a 1 s socket timeout, as an application's
retry loop would; a write refused or failed (connection refused, timeout, READONLY) is retried.
"""
import sys
import time

from redis.exceptions import ConnectionError, ReadOnlyError, ResponseError, TimeoutError
from redis.sentinel import MasterNotFoundError, Sentinel

RETRYABLE = (ConnectionError, TimeoutError, ReadOnlyError, ResponseError, MasterNotFoundError)


def write_until_success(master, key):
    attempts = 0
    while True:
        attempts += 1
        try:
            master.set(key, key)
            return attempts
        except RETRYABLE:
            time.sleep(0.05)  # the application's retry pace, not a wait for a condition


def main():
    ports = [int(p) for p in sys.argv[1].split(",")]
    name = sys.argv[2]
    sentinel = Sentinel([("127.0.0.1", p) for p in ports], socket_timeout=1.0, socket_connect_timeout=1.0)
    master = sentinel.master_for(name, socket_timeout=1.0, socket_connect_timeout=1.0)
    write_until_success(master, "before")
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "mark":
        sys.exit("expected 'mark' on stdin")
    start = time.monotonic()
    attempts = write_until_success(master, "after")
    print(f"first-write-ms {(time.monotonic() - start) * 1000:.0f} attempts {attempts}", flush=True)


if __name__ == "__main__":
    main()
