#!/usr/bin/env bash
# Fuzz the response side with AFL++ and SharpFuzz for DURATION seconds (default 300): builds the harness,
# instruments only Http.Client.dll, seeds from the tests' canned replies plus fuzz/replies/, runs a main and
# a secondary afl-fuzz instance (two cores), then prints execs_done, execs/s, crashes and hangs, and replays
# every crash and hang through the harness without AFL so each finding prints its description.
#   fuzz/run.sh [DURATION]          environment: FUZZ_WORK (default fuzz/.work), FUZZ_TIMEOUT_MS (default 5000)
# The fuzzer is not part of CI; fuzz/regressions/ is (tests/Http.Client.Hostile.Tests replays it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
duration=${1:-300}
work=${FUZZ_WORK:-$here/.work}
timeout_ms=${FUZZ_TIMEOUT_MS:-5000}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found: apt-get install -y --no-install-recommends afl++" >&2; exit 2; }
sharpfuzz=$here/.tools/sharpfuzz
if [ ! -x "$sharpfuzz" ]; then
  dotnet tool install --tool-path "$here/.tools" SharpFuzz.CommandLine --version 2.3.0
fi

# A fresh publish each run: sharpfuzz refuses to instrument a DLL twice.
# An instrumented Http.Client.dll only runs under AFL, so seeds and replays use an uninstrumented copy (plain/).
rm -rf "$work/out" "$work/plain" "$work/seeds" "$work/replies"
mkdir -p "$work"
dotnet publish "$here/Http.Client.Fuzz/Http.Client.Fuzz.csproj" -c Release -o "$work/out" --nologo -v q
cp -r "$work/out" "$work/plain"
"$sharpfuzz" "$work/out/Http.Client.dll"
target=(dotnet "$work/out/Http.Client.Fuzz.dll")
harness=(dotnet "$work/plain/Http.Client.Fuzz.dll")

python3 "$here/extract-replies.py" "$work/replies"
cp "$here"/replies/* "$work/replies/"
"${harness[@]}" seeds "$work/seeds" "$work/replies"/*

findings=$work/findings
rm -rf "$findings"
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
common=(-i "$work/seeds" -o "$findings" -x "$here/http.dict" -t "$timeout_ms" -m none -V "$duration")
afl-fuzz -M main "${common[@]}" -- "${target[@]}" >"$work/main.log" 2>&1 &
main_pid=$!
afl-fuzz -S second "${common[@]}" -- "${target[@]}" >"$work/second.log" 2>&1 &
second_pid=$!
trap 'kill "$main_pid" "$second_pid" 2>/dev/null || true' EXIT INT TERM
main_status=0; second_status=0
wait "$main_pid" || main_status=$?
wait "$second_pid" || second_status=$?
trap - EXIT INT TERM
if [ "$main_status" -ne 0 ] || [ "$second_status" -ne 0 ]; then
  echo "afl-fuzz failed (main $main_status, second $second_status); see $work/main.log and $work/second.log" >&2
  tail -n 20 "$work/main.log" >&2
  exit 1
fi

stat() { awk -F: -v key="$1" '$1 ~ "^"key" *$" { gsub(/ /, "", $2); print $2 }' "$2"; }
total_execs=0; total_rate=0; total_crashes=0; total_hangs=0
for instance in main second; do
  stats=$findings/$instance/fuzzer_stats
  execs=$(stat execs_done "$stats"); rate=$(stat execs_per_sec "$stats")
  crashes=$(stat saved_crashes "$stats"); hangs=$(stat saved_hangs "$stats")
  corpus=$(stat corpus_count "$stats"); elapsed=$(( $(stat last_update "$stats") - $(stat start_time "$stats") ))
  echo "$instance: execs_done $execs, execs_per_sec $rate (over ${elapsed}s: $(( execs / (elapsed > 0 ? elapsed : 1) ))/s), corpus $corpus, crashes $crashes, hangs $hangs"
  total_execs=$(( total_execs + execs )); total_rate=$(awk -v a="$total_rate" -v b="$rate" 'BEGIN { print a + b }')
  total_crashes=$(( total_crashes + crashes )); total_hangs=$(( total_hangs + hangs ))
done
echo "total: execs_done $total_execs, execs_per_sec $total_rate, crashes $total_crashes, hangs $total_hangs"

found=()
for dir in "$findings"/*/crashes "$findings"/*/hangs; do
  for f in "$dir"/id:*; do [ -e "$f" ] && found+=("$f"); done
done
if [ "${#found[@]}" -gt 0 ]; then
  echo "replaying ${#found[@]} saved crash/hang inputs:"
  "${harness[@]}" replay "${found[@]}" || true
  exit 1
fi
