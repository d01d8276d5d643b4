#!/usr/bin/env bash
# Makes the benchmark datasets under bench/data/ (ignored by git), reusing them when present:
#   bench/data/gen_1m/, bench/data/gen_10m/   five-file catalogues of 1 M and 10 M tracks
#                                              (default coverage: ~5 % integrate, as the study)
#   bench/data/tracks_490k.csv                 the "seed-scale" integrated table, ~490k rows
#                                              (from a dense 492k-track catalogue)
# Usage: bench/make_data.sh [1m] [10m] [490k]   (default: all three)
set -euo pipefail
cd "$(dirname "$0")/.."
hitscope=build/release/src/cli/hitscope
[ -x "$hitscope" ] || ./scripts/build release
mkdir -p bench/data
want=("$@")
[ ${#want[@]} -eq 0 ] && want=(1m 10m 490k)
for item in "${want[@]}"; do
  case "$item" in
    1m) [ -f bench/data/gen_1m/sp_track.csv ] ||
          "$hitscope" generate --tracks 1000000 --seed 1 --out bench/data/gen_1m ;;
    10m) [ -f bench/data/gen_10m/sp_track.csv ] ||
          "$hitscope" generate --tracks 10000000 --seed 1 --out bench/data/gen_10m ;;
    490k)
      if [ ! -f bench/data/tracks_490k.csv ]; then
        "$hitscope" generate --tracks 492000 --seed 1 --feature-coverage 1 \
          --popularity-coverage 1 --out bench/data/gen_dense_490k
        "$hitscope" integrate bench/data/gen_dense_490k --out bench/data/tracks_490k.csv
      fi ;;
    *) echo "unknown dataset $item (1m, 10m, 490k)" >&2; exit 2 ;;
  esac
done
