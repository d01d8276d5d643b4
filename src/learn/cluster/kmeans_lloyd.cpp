// How k-means steps, Lloyd's way (sklearn _kmeans_single_lloyd and lloyd_iter_chunked_dense).
#include <algorithm>
#include <cmath>

#include "core/parallel.hpp"
#include "learn/cluster/blas_order.hpp"
#include "learn/cluster/kernels.hpp"
#include "learn/cluster/kmeans_step.hpp"

namespace hitscope::cluster {

namespace {

// Rows per parallel task: 16 blocks. Tasks are fixed by the row count alone, and their partial
// sums are added in task order, so the sums do not depend on the thread count.
constexpr int64_t kTaskRows = 16 * kBlockRows;

std::vector<double> CenterNorms(std::span<const double> centers, int k, int d) {
  std::vector<double> norms(static_cast<size_t>(k));
  for (int j = 0; j < k; ++j) norms[j] = EinsumDot(&centers[j * d], &centers[j * d], d);
  return norms;
}

// One E-step over all rows; with `sums`, also the M-step's weighted sums (LloydBlock), and the
// number of labels that changed is returned.
int64_t LloydPass(const KMeansData& data, std::span<const double> centers, int k,
                  std::span<int32_t> labels, std::span<double> sums, std::span<double> weights) {
  const int d = data.d;
  const std::vector<double> norms = CenterNorms(centers, k, d);
  const int64_t tasks = (data.n + kTaskRows - 1) / kTaskRows;
  const bool update = !sums.empty();
  const size_t sums_size = static_cast<size_t>(k) * d;
  std::vector<double> task_sums(update ? static_cast<size_t>(tasks) * sums_size : 0, 0.0);
  std::vector<double> task_weights(update ? static_cast<size_t>(tasks * k) : 0, 0.0);
  std::vector<int64_t> task_changed(static_cast<size_t>(tasks), 0);
  ParallelFor(static_cast<size_t>(tasks), 1, [&](size_t begin, size_t end) {
    std::vector<const double*> cols(static_cast<size_t>(d));
    for (size_t task = begin; task < end; ++task) {
      const int64_t task_first = static_cast<int64_t>(task) * kTaskRows;
      const int64_t task_last = std::min(data.n, task_first + kTaskRows);
      for (int64_t first = task_first; first < task_last; first += kBlockRows) {
        const int64_t count = std::min(kBlockRows, task_last - first);
        for (int f = 0; f < d; ++f) cols[f] = data.cols[f] + first;
        int32_t* block_labels = labels.data() + first;
        if (!update) {
          AssignNearest(count, d, cols.data(), k, centers.data(), norms.data(), block_labels,
                        nullptr);
          continue;
        }
        task_changed[task] +=
            LloydBlock(count, d, cols.data(), k, centers.data(), norms.data(),
                       data.unit_weights ? nullptr : data.weights.data() + first, block_labels,
                       task_sums.data() + task * sums_size, task_weights.data() + task * k);
      }
    }
  });
  if (!update) return 0;
  std::fill(sums.begin(), sums.end(), 0.0);
  std::fill(weights.begin(), weights.end(), 0.0);
  int64_t changed = 0;
  for (int64_t task = 0; task < tasks; ++task) {
    for (size_t i = 0; i < sums_size; ++i) sums[i] += task_sums[task * sums_size + i];
    for (int j = 0; j < k; ++j) weights[j] += task_weights[task * k + j];
    changed += task_changed[task];
  }
  return changed;
}

}  // namespace

std::vector<int32_t> AssignLabels(const KMeansData& data, std::span<const double> centers, int k) {
  std::vector<int32_t> labels(static_cast<size_t>(data.n));
  LloydPass(data, centers, k, labels, {}, {});
  return labels;
}

void FinishMStep(const KMeansData& data, std::span<const double> centers_old,
                 std::span<const int32_t> labels, std::span<double> centers_new,
                 std::span<double> weights, std::span<double> shift) {
  const int d = data.d;
  const int k = static_cast<int>(weights.size());
  RelocateEmptyClusters(data, centers_old, labels, centers_new, weights);
  // sklearn _average_centers: multiply by the reciprocal of the weight.
  for (int j = 0; j < k; ++j) {
    if (weights[j] > 0) {
      double alpha = 1.0 / weights[j];
      for (int f = 0; f < d; ++f) centers_new[j * d + f] *= alpha;
    }
  }
  for (int j = 0; j < k; ++j) {
    shift[j] = std::sqrt(SklearnSquaredDistance(&centers_new[j * d], &centers_old[j * d], d));
  }
}

bool ShiftWithin(std::span<const double> shift, double tol) {
  std::vector<double> squared(shift.size());
  for (size_t j = 0; j < shift.size(); ++j) squared[j] = shift[j] * shift[j];
  return NumpySum(squared) <= tol;
}

bool Converged(std::span<const int32_t> labels, std::span<const int32_t> labels_old,
               std::span<const double> shift, double tol, bool* strict) {
  if (std::equal(labels.begin(), labels.end(), labels_old.begin())) {
    *strict = true;
    return true;
  }
  return ShiftWithin(shift, tol);
}

KMeansRun RunLloyd(const KMeansData& data, std::vector<double> centers, int max_iter, double tol) {
  const int d = data.d;
  const int k = static_cast<int>(centers.size()) / d;
  KMeansRun run;
  run.labels.assign(static_cast<size_t>(data.n), -1);
  std::vector<double> centers_new(centers.size()), weights(static_cast<size_t>(k)),
      shift(static_cast<size_t>(k));
  bool strict = false;
  int iteration = 0;
  for (; iteration < max_iter; ++iteration) {
    // The labels are updated in place; the pass counts those that changed (sklearn compares
    // them with labels_old).
    const int64_t changed = LloydPass(data, centers, k, run.labels, centers_new, weights);
    FinishMStep(data, centers, run.labels, centers_new, weights, shift);
    centers.swap(centers_new);
    if (changed == 0) {
      strict = true;
      break;
    }
    if (ShiftWithin(shift, tol)) break;
  }
  run.n_iter = std::min(iteration + 1, max_iter);
  // Unless the labels stopped changing, they belong to the centres before the last move:
  // assign once more so that labels and centres agree.
  if (!strict) LloydPass(data, centers, k, run.labels, {}, {});
  run.inertia = Inertia(data, centers, run.labels);
  run.centers = std::move(centers);
  return run;
}

}  // namespace hitscope::cluster
