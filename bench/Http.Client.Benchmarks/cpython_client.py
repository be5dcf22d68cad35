"""CPython http.client loop for the loopback harness: prints {"requests", "seconds", "cpu"} as JSON.

Usage: cpython_client.py PORT SECONDS MAX_REQUESTS BODY_LENGTH
One HTTPConnection (one keep-alive connection), sequential GETs, status, two getheader calls, read() the body.
"""
import http.client
import json
import sys
import time

port, seconds, max_requests, body_length = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
requests = 0
cpu0 = time.process_time()
t0 = time.perf_counter()
deadline = t0 + seconds
while requests < max_requests and time.perf_counter() < deadline:
    conn.request("GET", "/")
    r = conn.getresponse()
    if r.status != 200 or r.getheader("Content-Type") is None or r.getheader("Server") is None:
        sys.exit("bad response")
    if len(r.read()) != body_length:
        sys.exit("short body")
    requests += 1
elapsed = time.perf_counter() - t0
cpu = time.process_time() - cpu0
conn.close()
print(json.dumps({"requests": requests, "seconds": elapsed, "cpu": cpu}))
