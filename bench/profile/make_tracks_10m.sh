#!/usr/bin/env bash
# The 10 M-row track table for bench/profile/run.sh: a dense 10 M-track catalogue (every track has
# a popularity and features) integrated into bench/data/tracks_10m.csv (~2.6 GB). The default
# `bench/make_data.sh 10m` catalogue integrates only ~5 % of its tracks (as the study: 490k of
# 10 M), which would profile 500k rows, not 10 M.
set -euo pipefail
cd "$(dirname "$0")/../.."
hitscope=build/release/src/cli/hitscope
[ -x "$hitscope" ] || ./scripts/build release
mkdir -p bench/data
if [ ! -f bench/data/tracks_10m.csv ]; then
  [ -f bench/data/gen_dense_10m/sp_track.csv ] ||
    "$hitscope" generate --tracks 10000000 --seed 1 --feature-coverage 1 --popularity-coverage 1 \
      --out bench/data/gen_dense_10m
  "$hitscope" integrate bench/data/gen_dense_10m --out bench/data/tracks_10m.csv
fi
