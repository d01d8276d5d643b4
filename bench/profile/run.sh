#!/usr/bin/env bash
# Benchmark: `hitscope profile` against the equivalent pandas computation (pandas_profile.py:
# describe + corr + groupby year / month / season + Kruskal-Wallis) on the same file, with wall
# time, CPU time (user + sys: less sensitive to other load on the machine) and peak memory (max
# RSS) from /usr/bin/time. Prints one Markdown row per tool and size.
#   bench/profile/run.sh [490k] [10m]      (default: 490k)
# Data: bench/make_data.sh 490k; bench/profile/make_tracks_10m.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
hitscope=${HITSCOPE:-build/release/src/cli/hitscope}
[ -x "$hitscope" ] || ./scripts/build release
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(490k)
# Writes "wall user sys maxrss_kb" of a command to $out/time (GNU time; Python's getrusage
# where /usr/bin/time is missing).
timed() {
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%e %U %S %M" -o "$out/time" "$@"
  else
    "${PYTHON:-/usr/bin/python3}" - "$out/time" "$@" <<'PY'
import resource, subprocess, sys, time
start = time.time()
code = subprocess.call(sys.argv[2:])
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as f:
    f.write(f"{time.time() - start:.2f} {usage.ru_utime:.2f} {usage.ru_stime:.2f} {usage.ru_maxrss}\n")
sys.exit(code)
PY
  fi
}
measure() {  # label file command...
  local label=$1 file=$2
  shift 2
  timed "$@" >/dev/null 2>"$out/err" || { cat "$out/err" >&2; return 1; }
  read -r wall user sys rss <"$out/time"
  local mb=$(( $(stat -c %s "$file") / 1000000 ))
  printf '| %s | %s (%s MB) | %.2f | %.2f | %d |\n' "$label" "$(basename "$file")" "$mb" \
    "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" $(( rss / 1024 ))
  echo "$wall" >"$out/wall.$label"
}
echo "| tool | file | wall s | CPU s | peak MiB |"
echo "|---|---|---|---|---|"
for size in "${sizes[@]}"; do
  case "$size" in
    490k) file=bench/data/tracks_490k.csv; [ -f "$file" ] || bench/make_data.sh 490k >&2 ;;
    10m) file=bench/data/tracks_10m.csv; [ -f "$file" ] || bench/profile/make_tracks_10m.sh >&2 ;;
    *) echo "unknown size $size (490k, 10m)" >&2; exit 2 ;;
  esac
  measure "hitscope-$size" "$file" "$hitscope" -q profile "$file" --out "$out/report.html"
  measure "pandas-$size" "$file" "${PYTHON:-/usr/bin/python3}" bench/profile/pandas_profile.py "$file"
  awk -v p="$(cat "$out/wall.pandas-$size")" -v h="$(cat "$out/wall.hitscope-$size")" -v s="$size" \
    'BEGIN { printf "speed-up %s: %.1fx (wall)\n", s, p / h }' >&2
done
