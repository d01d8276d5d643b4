// RandomOverSampler and SMOTE.
#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/neighbors.hpp>
#include <hitscope/resample.hpp>

#include "core/parallel.hpp"
#include "learn/preprocess/check_input.hpp"
#include "learn/resample/sampling.hpp"
#include "prepare/random.hpp"

namespace hitscope {

namespace {

// The rows of each class, in row order (numpy's flatnonzero(y == c)).
std::vector<std::vector<int64_t>> RowsByClass(std::span<const int32_t> y, size_t classes) {
  std::vector<std::vector<int64_t>> rows(classes);
  for (size_t row = 0; row < y.size(); ++row) {
    rows[y[row]].push_back(static_cast<int64_t>(row));
  }
  return rows;
}

}  // namespace

// ---------------------------------------------------------------- RandomOverSampler

void RandomOverSampler::FitResample(const Matrix& x, std::span<const int32_t> y, Matrix* x_out,
                                    Labels* y_out) {
  learn::CheckResampleInput(x, y, Name());
  std::vector<int64_t> targets = OverSamplingTargets(y, options_.strategy);
  std::vector<std::vector<int64_t>> members = RowsByClass(y, targets.size());
  sample_indices_.resize(static_cast<size_t>(x.rows()));
  for (int64_t row = 0; row < x.rows(); ++row) sample_indices_[row] = row;
  for (size_t label = 0; label < targets.size(); ++label) {
    const auto& rows = members[label];
    for (int64_t draw = 0; draw < targets[label]; ++draw) {
      CounterRng rng(options_.seed, label, static_cast<uint64_t>(draw));
      sample_indices_.push_back(rows[rng.Below(rows.size())]);
    }
  }
  *x_out = x.TakeRows(sample_indices_);
  y_out->resize(sample_indices_.size());
  for (size_t i = 0; i < sample_indices_.size(); ++i) (*y_out)[i] = y[sample_indices_[i]];
  fitted_ = true;
}

std::unique_ptr<Resampler> RandomOverSampler::CloneUnfitted() const {
  return std::make_unique<RandomOverSampler>(options_);
}

EstimatorState RandomOverSampler::SaveState() const {
  EstimatorState state;
  state.numbers["strategy"] = {learn::EncodeStrategy(options_.strategy)};
  state.numbers["seed"] = {static_cast<double>(options_.seed)};
  return state;
}

void RandomOverSampler::LoadState(const EstimatorState& state) {
  options_.strategy = learn::DecodeStrategy(state.Number("strategy"));
  options_.seed = static_cast<uint64_t>(state.Number("seed"));
  fitted_ = true;
}

// ---------------------------------------------------------------- SMOTE

Smote::Smote(SmoteOptions options) : options_(std::move(options)) {
  if (options_.k_neighbors < 1) {
    throw InvalidArgument(
        fmt::format("smote: k_neighbors must be >= 1, got {}", options_.k_neighbors));
  }
}

void Smote::FitResample(const Matrix& x, std::span<const int32_t> y, Matrix* x_out, Labels* y_out) {
  learn::CheckResampleInput(x, y, Name());
  std::vector<int64_t> targets = OverSamplingTargets(y, options_.strategy);
  std::vector<std::vector<int64_t>> members = RowsByClass(y, targets.size());
  const int k = options_.k_neighbors;
  for (size_t label = 0; label < targets.size(); ++label) {
    const int64_t size = static_cast<int64_t>(members[label].size());
    if (targets[label] > 0 && size < k + 1) {
      throw InvalidInput(fmt::format(
          "smote: class {} has {} training rows, but k_neighbors = {} needs at least {} (each row "
          "and its {} neighbours); lower k_neighbors, use random oversampling, or choose classes "
          "with more rows",
          learn::ClassName(options_.class_names, static_cast<int32_t>(label)), size, k, k + 1, k));
    }
  }
  int64_t added = 0;
  for (int64_t count : targets) added += count;
  const int64_t cols = x.cols();
  Matrix out(x.rows() + added, cols);
  std::copy(x.data().begin(), x.data().end(), out.mutable_data().begin());
  y_out->assign(y.begin(), y.end());
  y_out->resize(static_cast<size_t>(x.rows() + added));
  int64_t next = x.rows();
  for (size_t label = 0; label < targets.size(); ++label) {
    const int64_t count = targets[label];
    if (count == 0) continue;
    Matrix members_x = x.TakeRows(members[label]);
    const int64_t size = members_x.rows();
    // scikit-learn's NearestNeighbors(k + 1, algorithm="auto") on the class, queried with the
    // class itself; the first column (the row itself, or a duplicate of it) is dropped.
    NeighborIndex index(
        members_x, NeighborIndexOptions{.algorithm = ChooseNeighborAlgorithm(size, cols, k + 1)});
    KNearestResult neighbours = index.KNearest(members_x, k + 1, false);
    const int64_t first = next;
    ParallelFor(static_cast<size_t>(count), 4096, [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) {
        CounterRng rng(options_.seed, 1000 + label, i);
        const int64_t pick = static_cast<int64_t>(rng.Below(static_cast<uint64_t>(size * k)));
        const double step = rng.Uniform();
        const int64_t base = pick / k;
        const int64_t neighbour = neighbours.Indices(base)[pick % k + 1];
        const double* from = members_x.Row(base);
        const double* to = members_x.Row(neighbour);
        double* row = out.Row(first + static_cast<int64_t>(i));
        // imbalanced-learn: X_new = X[rows] + steps * (nn_data[nn_num[rows, cols]] - X[rows]).
        for (int64_t col = 0; col < cols; ++col)
          row[col] = from[col] + step * (to[col] - from[col]);
        (*y_out)[first + static_cast<int64_t>(i)] = static_cast<int32_t>(label);
      }
    });
    next += count;
  }
  *x_out = std::move(out);
  fitted_ = true;
}

std::unique_ptr<Resampler> Smote::CloneUnfitted() const {
  return std::make_unique<Smote>(options_);
}

EstimatorState Smote::SaveState() const {
  EstimatorState state;
  state.numbers["k_neighbors"] = {static_cast<double>(options_.k_neighbors)};
  state.numbers["strategy"] = {learn::EncodeStrategy(options_.strategy)};
  state.numbers["seed"] = {static_cast<double>(options_.seed)};
  return state;
}

void Smote::LoadState(const EstimatorState& state) {
  options_.k_neighbors = static_cast<int>(state.Number("k_neighbors"));
  options_.strategy = learn::DecodeStrategy(state.Number("strategy"));
  options_.seed = static_cast<uint64_t>(state.Number("seed"));
  fitted_ = true;
}

}  // namespace hitscope
