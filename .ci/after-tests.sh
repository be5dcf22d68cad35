#!/usr/bin/env bash
# Runs after the tests in .ci/run (which has already built Gen.sln in Release): a BenchmarkDotNet smoke run of every
# in-memory benchmark (--job dry: one cold iteration each, in-process), a short loopback harness run and a short
# out-of-process run (server compiled with gcc, each client its own process), so the benchmarks keep compiling and
# running. Numbers from here are not measurements. Fails CI if either fails or hangs.
set -euo pipefail
cd "$(dirname "$0")/.."
project=bench/Http.Client.Benchmarks

# Bounds: each step normally takes well under a minute; a hang fails CI instead of eating its 90 minutes.
bdn_limit=300
loopback_limit=300
oop_limit=300

echo "== bench smoke: BenchmarkDotNet --job dry"
timeout --kill-after=10 "$bdn_limit" \
  dotnet run -c Release --no-build --project "$project" -- bdn --job dry --inProcess --filter '*' \
  --artifacts .ci/out/BenchmarkDotNet.Artifacts

echo "== bench smoke: loopback harness (0.2 s per client, 1 rep)"
timeout --kill-after=10 "$loopback_limit" \
  dotnet run -c Release --no-build --project "$project" -- loopback --workload all --seconds 0.2 --reps 1 --warmup 0.1

echo "== bench smoke: out-of-process harness (0.1 s per client, 1 rep; CPython skipped with a message if python3 is missing)"
timeout --kill-after=10 "$oop_limit" \
  dotnet run -c Release --no-build --project "$project" -- oop --workload all --seconds 0.1 --reps 1 --warmup 0.1

echo "bench smoke: ok"
