#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/neighbors.hpp>

#include "core/parallel.hpp"
#include "core/progress.hpp"
#include "learn/neighbors/brute_force.hpp"
#include "learn/neighbors/kd_tree.hpp"

namespace hitscope {

namespace {

// Queries per parallel task: enough to amortise the task, few enough to balance two cores.
constexpr size_t kQueryGrain = 256;

// Searches with at least this many queries draw a progress bar (when progress is on).
constexpr int64_t kProgressQueries = 50000;

// Throws Error(kInvalidInput) naming the first non-finite value of `x` (`what`: "points").
void CheckFinite(const Matrix& x, const char* what) {
  const double* data = x.data().data();
  const size_t size = x.data().size();
  std::vector<int64_t> first_bad((size + 65535) / 65536, -1);
  ParallelFor(first_bad.size(), 1, [&](size_t begin, size_t end) {
    for (size_t chunk = begin; chunk < end; ++chunk) {
      size_t from = chunk * 65536, to = std::min(size, from + 65536);
      for (size_t i = from; i < to; ++i) {
        if (!std::isfinite(data[i])) {
          first_bad[chunk] = static_cast<int64_t>(i);
          break;
        }
      }
    }
  });
  for (int64_t bad : first_bad) {
    if (bad < 0) continue;
    throw InvalidInput(fmt::format(
        "neighbour search: the {} hold {} at row {}, column {}; drop or fill missing values "
        "before searching",
        what, data[bad], bad / x.cols() + 1, bad % x.cols() + 1));
  }
}

void SortNeighbourhood(RadiusOrder order, std::vector<int64_t>* indices,
                       std::vector<double>* squared) {
  if (order == RadiusOrder::kTree) return;
  if (squared == nullptr) {
    std::sort(indices->begin(), indices->end());
    return;
  }
  std::vector<size_t> perm(indices->size());
  std::iota(perm.begin(), perm.end(), size_t{0});
  if (order == RadiusOrder::kIndex) {
    std::sort(perm.begin(), perm.end(),
              [&](size_t a, size_t b) { return (*indices)[a] < (*indices)[b]; });
  } else {
    std::sort(perm.begin(), perm.end(), [&](size_t a, size_t b) {
      double da = (*squared)[a], db = (*squared)[b];
      return da < db || (da == db && (*indices)[a] < (*indices)[b]);
    });
  }
  std::vector<int64_t> sorted_indices(indices->size());
  std::vector<double> sorted_squared(indices->size());
  for (size_t i = 0; i < perm.size(); ++i) {
    sorted_indices[i] = (*indices)[perm[i]];
    sorted_squared[i] = (*squared)[perm[i]];
  }
  *indices = std::move(sorted_indices);
  *squared = std::move(sorted_squared);
}

double CheckRadius(double radius) {
  if (!(radius >= 0) || !std::isfinite(radius)) {
    throw InvalidArgument(
        fmt::format("neighbour search: the radius must be a finite number >= 0, got {}", radius));
  }
  return radius * radius;  // scikit-learn's _dist_to_rdist for the Euclidean distance
}

}  // namespace

NeighborAlgorithm ChooseNeighborAlgorithm(int64_t rows, int64_t features, int k) {
  if (features > 15 || k >= rows / 2) return NeighborAlgorithm::kBrute;
  return NeighborAlgorithm::kKdTree;
}

struct NeighborIndex::Impl {
  int64_t rows = 0;
  int64_t features = 0;
  NeighborAlgorithm algorithm = NeighborAlgorithm::kKdTree;
  std::unique_ptr<neighbors::SearchStructure> search;

  // The order to answer queries in: by locality key (stable), so that consecutive queries share
  // their leaves in cache. Answers do not depend on it.
  std::vector<int64_t> QueryOrder(const Matrix& queries) const {
    std::vector<int64_t> order(static_cast<size_t>(queries.rows()));
    std::iota(order.begin(), order.end(), int64_t{0});
    if (queries.rows() < 2048 || algorithm != NeighborAlgorithm::kKdTree) return order;
    std::vector<int64_t> keys(order.size());
    ParallelFor(keys.size(), 4096, [&](size_t begin, size_t end) {
      for (size_t q = begin; q < end; ++q) {
        keys[q] = search->LocalityKey(queries.Row(static_cast<int64_t>(q)));
      }
    });
    ParallelStableSort(order.begin(), order.end(),
                       [&](int64_t a, int64_t b) { return keys[a] < keys[b]; });
    return order;
  }

  void CheckQueries(const Matrix& queries) const {
    if (queries.cols() != features) {
      throw InvalidInput(fmt::format(
          "neighbour search: the queries have {} features but the index was built on {}; use "
          "the same columns in the same order",
          queries.cols(), features));
    }
    CheckFinite(queries, "queries");
  }
};

NeighborIndex::NeighborIndex(const Matrix& points, NeighborIndexOptions options)
    : impl_(std::make_unique<Impl>()) {
  if (options.leaf_size < 1) {
    throw InvalidArgument(
        fmt::format("neighbour search: leaf_size must be >= 1, got {}", options.leaf_size));
  }
  if (points.rows() == 0 || points.cols() == 0) {
    throw InvalidInput(fmt::format(
        "neighbour search: cannot index a {} x {} matrix; it needs at least one row and one "
        "feature",
        points.rows(), points.cols()));
  }
  CheckFinite(points, "points");
  impl_->rows = points.rows();
  impl_->features = points.cols();
  impl_->algorithm = options.algorithm;
  if (impl_->algorithm == NeighborAlgorithm::kAuto) {
    impl_->algorithm = points.cols() > 15 ? NeighborAlgorithm::kBrute : NeighborAlgorithm::kKdTree;
  }
  if (impl_->algorithm == NeighborAlgorithm::kKdTree) {
    impl_->search = std::make_unique<neighbors::KdTree>(points, options.leaf_size);
  } else {
    impl_->search = std::make_unique<neighbors::BruteForce>(points);
  }
}

NeighborIndex::~NeighborIndex() = default;
NeighborIndex::NeighborIndex(NeighborIndex&&) noexcept = default;
NeighborIndex& NeighborIndex::operator=(NeighborIndex&&) noexcept = default;

int64_t NeighborIndex::rows() const {
  return impl_->rows;
}
int64_t NeighborIndex::features() const {
  return impl_->features;
}
NeighborAlgorithm NeighborIndex::algorithm() const {
  return impl_->algorithm;
}

KNearestResult NeighborIndex::KNearest(const Matrix& queries, int k, bool with_distances) const {
  if (k < 1) {
    throw InvalidArgument(fmt::format("neighbour search: k must be >= 1, got {}", k));
  }
  if (k > impl_->rows) {
    throw InvalidArgument(fmt::format(
        "neighbour search: k = {} neighbours asked for, but the index holds only {} rows; lower "
        "k or give more rows",
        k, impl_->rows));
  }
  impl_->CheckQueries(queries);
  KNearestResult result;
  result.queries = queries.rows();
  result.k = k;
  const size_t cells = static_cast<size_t>(queries.rows()) * static_cast<size_t>(k);
  result.indices.resize(cells);
  std::vector<double> squared(cells);
  const std::vector<int64_t> order = impl_->QueryOrder(queries);
  std::optional<Progress> progress;
  if (queries.rows() >= kProgressQueries) {
    progress.emplace("neighbour search", static_cast<uint64_t>(queries.rows()), "queries");
  }
  ParallelFor(static_cast<size_t>(queries.rows()), kQueryGrain, [&](size_t begin, size_t end) {
    neighbors::KnnScratch scratch;
    for (size_t q = begin; q < end; ++q) {
      const int64_t query = order[q];
      impl_->search->KNearest(queries.Row(query), k, &scratch, result.indices.data() + query * k,
                              squared.data() + query * k);
    }
    if (progress) progress->Add(end - begin);
  });
  if (with_distances) {
    for (double& value : squared) value = std::sqrt(value);
    result.distances = std::move(squared);
  }
  return result;
}

void NeighborIndex::RadiusNeighbors(const Matrix& queries, double radius,
                                    const RadiusCallback& callback,
                                    const RadiusQueryOptions& options) const {
  const double radius2 = CheckRadius(radius);
  impl_->CheckQueries(queries);
  const std::vector<int64_t> order = impl_->QueryOrder(queries);
  ParallelFor(static_cast<size_t>(queries.rows()), kQueryGrain, [&](size_t begin, size_t end) {
    neighbors::KnnScratch scratch;
    std::vector<int64_t> indices;
    std::vector<double> squared;
    std::vector<double>* squared_out = options.with_distances ? &squared : nullptr;
    for (size_t q = begin; q < end; ++q) {
      indices.clear();
      squared.clear();
      const int64_t query = order[q];
      impl_->search->Radius(queries.Row(query), radius2, &indices, squared_out, &scratch);
      SortNeighbourhood(options.order, &indices, squared_out);
      for (double& value : squared) value = std::sqrt(value);
      callback(query, indices, squared);
    }
  });
}

void NeighborIndex::RadiusNeighborsBatched(const Matrix& queries, double radius,
                                           const RadiusBatchCallback& callback,
                                           const RadiusQueryOptions& options) const {
  const double radius2 = CheckRadius(radius);
  if (options.batch_queries < 1) {
    throw InvalidArgument(
        fmt::format("neighbour search: batch_queries must be >= 1, got {}", options.batch_queries));
  }
  impl_->CheckQueries(queries);
  const int64_t total = queries.rows();
  for (int64_t first = 0; first < total; first += options.batch_queries) {
    const int64_t count = std::min(options.batch_queries, total - first);
    // Each parallel piece fills its own part; the parts are joined in query order.
    const size_t pieces = static_cast<size_t>((count + kQueryGrain - 1) / kQueryGrain);
    std::vector<RadiusBatch> parts(pieces);
    ParallelFor(pieces, 1, [&](size_t begin, size_t end) {
      neighbors::KnnScratch scratch;
      std::vector<int64_t> indices;
      std::vector<double> squared;
      std::vector<double>* squared_out = options.with_distances ? &squared : nullptr;
      for (size_t piece = begin; piece < end; ++piece) {
        RadiusBatch& part = parts[piece];
        int64_t from = first + static_cast<int64_t>(piece * kQueryGrain);
        int64_t to = std::min(first + count, from + static_cast<int64_t>(kQueryGrain));
        part.offsets.push_back(0);
        for (int64_t query = from; query < to; ++query) {
          indices.clear();
          squared.clear();
          impl_->search->Radius(queries.Row(query), radius2, &indices, squared_out, &scratch);
          SortNeighbourhood(options.order, &indices, squared_out);
          part.indices.insert(part.indices.end(), indices.begin(), indices.end());
          for (double value : squared) part.distances.push_back(std::sqrt(value));
          part.offsets.push_back(static_cast<int64_t>(part.indices.size()));
        }
      }
    });
    RadiusBatch batch;
    batch.first_query = first;
    batch.offsets.push_back(0);
    for (RadiusBatch& part : parts) {
      int64_t base = static_cast<int64_t>(batch.indices.size());
      for (size_t i = 1; i < part.offsets.size(); ++i) {
        batch.offsets.push_back(base + part.offsets[i]);
      }
      batch.indices.insert(batch.indices.end(), part.indices.begin(), part.indices.end());
      batch.distances.insert(batch.distances.end(), part.distances.begin(), part.distances.end());
      part = RadiusBatch();
    }
    callback(batch);
  }
}

std::vector<int64_t> NeighborIndex::RadiusCounts(const Matrix& queries, double radius) const {
  const double radius2 = CheckRadius(radius);
  impl_->CheckQueries(queries);
  std::vector<int64_t> counts(static_cast<size_t>(queries.rows()));
  const std::vector<int64_t> order = impl_->QueryOrder(queries);
  ParallelFor(counts.size(), kQueryGrain, [&](size_t begin, size_t end) {
    neighbors::KnnScratch scratch;
    for (size_t q = begin; q < end; ++q) {
      counts[order[q]] = impl_->search->RadiusCount(queries.Row(order[q]), radius2, &scratch);
    }
  });
  return counts;
}

}  // namespace hitscope
