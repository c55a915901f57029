#!/usr/bin/env bash
# Bounded reads at an idle follower (issue 10; docs/consistency.md, "Asking for freshness").
#
# A leader + 2 followers (everysec, default 100 ms heartbeat), one key. One connection at a
# follower sends a read every 250 ms — long enough that the follower's last proof of freshness
# (a heartbeat's echo, 100-200 ms old) is over the bound — under eventual, bounded 50 and
# bounded 20, and times each. A bounded read there waits for one freshness round trip to the
# leader; "not served" counts replies other than the value (TRYAGAIN after the default 1 s wait).
#
#   bench/bounded-idle.sh [READS]   (default 40 per level; about 40 s; needs python3 for the timed client)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
READS=${1:-40}

ensure_redis   # redis-cli
build_chorus
P=(7651 7652 7653)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for i in 0 1 2; do start_chorus "n$((i + 1))" "${P[$i]}" everysec "n1=${P[0]},n2=${P[1]},n3=${P[2]}"; done
wait_ready "${P[0]}" 120
LEADER=$(wait_leader 120 "${P[@]}")
redis-cli -p "$LEADER" SET k v >/dev/null
for p in "${P[@]}"; do [ "$p" != "$LEADER" ] && FOLLOWER=$p && break; done
until_true 60 "follower has k" test "$(redis-cli -p "$FOLLOWER" GET k)" = v

python3 - "$FOLLOWER" "$READS" <<'EOF'
import socket, statistics, sys, time

def command(sock, *args):
    sock.sendall(b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in (x.encode() for x in args)))
    reply = b""
    while True:
        reply += sock.recv(65536)
        if reply[:1] in (b"+", b"-", b":") and reply.endswith(b"\r\n"):
            return reply
        if reply[:1] == b"$":
            head, _, rest = reply.partition(b"\r\n")
            if int(head[1:]) < 0 or len(rest) >= int(head[1:]) + 2:
                return reply

port, reads = int(sys.argv[1]), int(sys.argv[2])
sock = socket.create_connection(("127.0.0.1", port))
print("| read at an idle follower (one every 250 ms) | p50 ms | p90 ms | max ms | not served |")
print("|---|---|---|---|---|")
for label, args in [("eventual", ["GET", "k"]), ("bounded 50", ["CHORUS.READ", "bounded", "50", "GET", "k"]), ("bounded 20", ["CHORUS.READ", "bounded", "20", "GET", "k"])]:
    times, refused = [], 0
    for _ in range(reads):
        time.sleep(0.25)
        start = time.perf_counter()
        reply = command(sock, *args)
        times.append((time.perf_counter() - start) * 1000)
        refused += 0 if reply == b"$1\r\nv\r\n" else 1
    times.sort()
    print(f"| {label} | {statistics.median(times):.2f} | {times[max(0, int(len(times) * 0.9) - 1)]:.2f} | {times[-1]:.2f} | {refused} |")
EOF
finish_run
