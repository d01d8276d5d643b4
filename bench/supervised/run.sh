#!/usr/bin/env bash
# The supervised benchmark: hitscope against scikit-learn 1.2.1 / imbalanced-learn 0.10 on the
# 490k-row integrated table, the same workloads timed back to back in one run:
#   knn          KNN (k = 3, 12 standardised features) fit + predict, 80/20 stratified split
#   smote        SMOTE (k = 5) on the training part
#   smote_tomek  SMOTE + Tomek links on the training part
#   logreg_cv    5-fold stratified cross-validation of standard scaler + logistic regression
# Usage: bench/supervised/run.sh [workload ...]      (BUILD=build/release by default)
# Prints a Markdown table: seconds for each side and the ratio peer / hitscope.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${BUILD:-build/release}
table=bench/data/tracks_490k.csv
[ -f "$table" ] || bench/make_data.sh 490k
[ -f "$build/build.ninja" ] || ./scripts/build "$(basename "$build")"
cmake --build "$build" --target hitscope_supervised_bench >/dev/null
workloads=("$@")
[ ${#workloads[@]} -eq 0 ] && workloads=(knn smote smote_tomek logreg_cv)
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| workload | hitscope (s) | scikit-learn / imbalanced-learn (s) | ratio | hitscope result | peer result |"
echo "|---|---:|---:|---:|---|---|"
for workload in "${workloads[@]}"; do
  ours=$("$build/bench/supervised/hitscope_supervised_bench" "$table" "$workload" 2>/dev/null)
  peer=$(/usr/bin/python3 bench/supervised/peer.py "$table" "$workload" 2>/dev/null)
  ours_s=$(echo "$ours" | cut -d' ' -f2)
  peer_s=$(echo "$peer" | cut -d' ' -f2)
  ratio=$(awk -v a="$peer_s" -v b="$ours_s" 'BEGIN { printf "%.1fx", a / b }')
  echo "| $workload | $ours_s | $peer_s | $ratio | $(echo "$ours" | cut -d' ' -f3-) | $(echo "$peer" | cut -d' ' -f3-) |"
done
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
