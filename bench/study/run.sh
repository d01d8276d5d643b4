#!/usr/bin/env bash
# The study benchmark: `hitscope study` with its default config against the equivalent
# pandas / scikit-learn / imbalanced-learn / xgboost script (bench/peers/sklearn_study.py: the same
# steps and sample sizes) on the same table, end to end, with wall time, CPU time and peak memory.
# Usage: bench/study/run.sh [TABLE]    (default bench/data/tracks_490k.csv; BUILD=build/release;
#                                       PEER_TIMEOUT=seconds the peer may run, default 3600)
# Prints a Markdown table and the ratio peer / hitscope.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${BUILD:-build/release}
table=${1:-bench/data/tracks_490k.csv}
if [ ! -f "$table" ] && [ "$table" = bench/data/tracks_490k.csv ]; then bench/make_data.sh 490k; fi
[ -f "$build/build.ninja" ] || ./scripts/build "$(basename "$build")"
cmake --build "$build" --target hitscope >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Runs a command under /usr/bin/time; prints "wall cpu peak_mb exit_code".
measure() {
  local log=$out/time.txt code=0
  /usr/bin/time -f "%e %U %S %M" -o "$log" "$@" >/dev/null 2>"$out/stderr.txt" || code=$?
  read -r wall user sys rss <"$log" || true
  awk -v w="${wall:-0}" -v u="${user:-0}" -v s="${sys:-0}" -v m="${rss:-0}" -v c="$code" \
    'BEGIN { printf "%.1f %.1f %.0f %d", w, u + s, m / 1024, c }'
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "table: $table ($(($(wc -l <"$table") - 1)) rows)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
read -r h_wall h_cpu h_mb h_code <<<"$(measure "$build/src/cli/hitscope" -q study "$table" \
  --out "$out/hitscope")"
[ "$h_code" = 0 ] || { cat "$out/stderr.txt"; exit 1; }
read -r p_wall p_cpu p_mb p_code <<<"$(measure timeout "${PEER_TIMEOUT:-3600}" /usr/bin/python3 \
  -W ignore bench/peers/sklearn_study.py "$table" --out "$out/peer.json")"
peer_note=""
[ "$p_code" = 0 ] || peer_note=" (did not finish: exit $p_code)"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| study, default settings | wall (s) | CPU (s) | peak memory (MB) |"
echo "|---|---:|---:|---:|"
echo "| hitscope study | $h_wall | $h_cpu | $h_mb |"
echo "| pandas + scikit-learn + imbalanced-learn + xgboost$peer_note | $p_wall | $p_cpu | $p_mb |"
awk -v p="$p_wall" -v h="$h_wall" 'BEGIN { printf "| ratio (peer / hitscope) | %.1fx | | |\n", p / h }'
