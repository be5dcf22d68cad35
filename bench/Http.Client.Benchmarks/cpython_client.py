"""CPython http.client loop for the benchmark harness.

One-shot (in-process harness):  cpython_client.py PORT SECONDS MAX_REQUESTS BODY_LENGTH
  runs one timed segment and prints {"requests", "seconds", "cpu", "user"} as JSON (cpu: user + system).
Serve (out-of-process harness): cpython_client.py --serve PORT BODY_LENGTH CPU
  pins itself to CPU (-1: not pinned), then answers commands on stdin, one per line, until "quit" or end of input:
  "open" (a fresh connection and 3 untimed requests; prints "ok"), "warmup MAX_SECONDS" (0.5 s at most, untimed),
  "run SECONDS MAX_REQUESTS" (prints the JSON above).
Each request: one HTTPConnection (one keep-alive connection), GET, status, two getheader calls, read() the body.
"""
import http.client
import json
import os
import sys
import time

MAX_COMMANDS = 100_000


def request(conn, body_length):
    conn.request("GET", "/")
    r = conn.getresponse()
    if r.status != 200 or r.getheader("Content-Type") is None or r.getheader("Server") is None:
        sys.exit("bad response")
    if len(r.read()) != body_length:
        sys.exit("short body")


def segment(conn, body_length, seconds, max_requests):
    requests = 0
    cpu0 = time.process_time()
    user0 = os.times().user
    t0 = time.perf_counter()
    deadline = t0 + seconds
    while requests < max_requests and time.perf_counter() < deadline:
        request(conn, body_length)
        requests += 1
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    user = os.times().user - user0
    return json.dumps({"requests": requests, "seconds": elapsed, "cpu": cpu, "user": user})


def serve(port, body_length, cpu):
    if cpu >= 0:
        os.sched_setaffinity(0, {cpu})
    conn = None
    for _ in range(MAX_COMMANDS):
        line = sys.stdin.readline()
        words = line.split()
        if not words or words[0] == "quit":
            break
        if words[0] == "open":
            if conn is not None:
                conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            for _ in range(3):
                request(conn, body_length)
            print("ok", flush=True)
        elif words[0] == "warmup":
            # No JIT to settle: a short untimed round (the harness's .NET clients warm up until theirs has).
            seconds = min(float(words[1]), 0.5)
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            segment(conn, body_length, seconds, 1_000_000_000)
            print(json.dumps({"seconds": seconds, "methods": 0, "settled": True}), flush=True)
        elif words[0] == "run":
            print(segment(conn, body_length, float(words[1]), int(words[2])), flush=True)
        else:
            sys.exit("unknown command " + line)
    if conn is not None:
        conn.close()


if sys.argv[1] == "--serve":
    serve(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
else:
    port, seconds, max_requests, body_length = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    result = segment(conn, body_length, seconds, max_requests)
    conn.close()
    print(result)
