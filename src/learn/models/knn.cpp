// KNeighborsClassifier and KNeighborsRegressor: scikit-learn 1.2.1's votes and means over the
// neighbours of neighbors.hpp.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/models.hpp>

#include "core/parallel.hpp"
#include "learn/preprocess/check_input.hpp"
#include "learn/preprocess/numpy_sum.hpp"

namespace hitscope {

namespace {

void CheckOptions(const KNeighborsOptions& options) {
  if (options.k < 1) {
    throw InvalidArgument(fmt::format("knn: k must be >= 1, got {}", options.k));
  }
  if (options.leaf_size < 1) {
    throw InvalidArgument(fmt::format("knn: leaf_size must be >= 1, got {}", options.leaf_size));
  }
}

// Builds the index as scikit-learn's estimator would (algorithm="auto" resolved with k).
std::unique_ptr<NeighborIndex> BuildIndex(const Matrix& x, const KNeighborsOptions& options) {
  if (options.k > x.rows()) {
    throw InvalidInput(fmt::format(
        "knn: k = {} neighbours, but there are only {} training rows; lower k (for example "
        "--param k={}) or train on more rows",
        options.k, x.rows(), std::max<int64_t>(1, x.rows())));
  }
  NeighborAlgorithm algorithm = options.algorithm;
  if (algorithm == NeighborAlgorithm::kAuto) {
    algorithm = ChooseNeighborAlgorithm(x.rows(), x.cols(), options.k);
  }
  return std::make_unique<NeighborIndex>(x, NeighborIndexOptions{algorithm, options.leaf_size});
}

// scikit-learn's _get_weights("distance"): 1 / d, except that a row with a zero distance gives
// weight 1 to its exact matches and 0 to the rest.
void DistanceWeights(const double* distances, int k, double* weights) {
  bool exact = false;
  for (int i = 0; i < k; ++i) exact = exact || distances[i] == 0.0;
  for (int i = 0; i < k; ++i) {
    weights[i] = exact ? (distances[i] == 0.0 ? 1.0 : 0.0) : 1.0 / distances[i];
  }
}

std::vector<double> Flag(bool value) {
  return {value ? 1.0 : 0.0};
}

void SaveOptions(const KNeighborsOptions& options, EstimatorState* state) {
  state->numbers["k"] = {static_cast<double>(options.k)};
  state->numbers["distance_weights"] = Flag(options.weights == KnnWeights::kDistance);
  state->numbers["algorithm"] = {static_cast<double>(static_cast<int>(options.algorithm))};
  state->numbers["leaf_size"] = {static_cast<double>(options.leaf_size)};
}

KNeighborsOptions LoadOptions(const EstimatorState& state) {
  KNeighborsOptions options;
  options.k = static_cast<int>(state.Number("k"));
  options.weights =
      state.Number("distance_weights") != 0 ? KnnWeights::kDistance : KnnWeights::kUniform;
  double algorithm = state.Number("algorithm");
  if (algorithm < 0 || algorithm > 2) {
    throw InvalidInput("the saved knn model has an unknown search algorithm; the file is damaged");
  }
  options.algorithm = static_cast<NeighborAlgorithm>(static_cast<int>(algorithm));
  options.leaf_size = static_cast<int>(state.Number("leaf_size"));
  CheckOptions(options);
  return options;
}

// The training rows as a state entry: cols, then the values row by row.
std::vector<double> SaveMatrix(const Matrix& x) {
  std::vector<double> out;
  out.reserve(x.data().size() + 1);
  out.push_back(static_cast<double>(x.cols()));
  out.insert(out.end(), x.data().begin(), x.data().end());
  return out;
}

Matrix LoadMatrix(const std::vector<double>& values) {
  if (values.empty() || values[0] < 1 ||
      (values.size() - 1) % static_cast<size_t>(values[0]) != 0) {
    throw InvalidInput("the saved knn model's training rows are malformed; the file is damaged");
  }
  int64_t cols = static_cast<int64_t>(values[0]);
  int64_t rows = static_cast<int64_t>(values.size() - 1) / cols;
  return Matrix(rows, cols, std::vector<double>(values.begin() + 1, values.end()));
}

}  // namespace

// ---------------------------------------------------------------- classifier

KNeighborsClassifier::KNeighborsClassifier(KNeighborsOptions options) : options_(options) {
  CheckOptions(options_);
}

KNeighborsClassifier::~KNeighborsClassifier() = default;

void KNeighborsClassifier::Fit(const Matrix& x, std::span<const int32_t> y,
                               std::span<const double> sample_weight) {
  learn::CheckNotEmpty(x, Name());
  learn::CheckLabels(x, y, Name());
  learn::CheckSampleWeight(x, sample_weight, Name());
  learn::CheckFinite(x, Name());
  // scikit-learn's KNeighborsClassifier ignores sample weights too (it has no such parameter).
  index_ = BuildIndex(x, options_);
  x_ = x;
  y_.assign(y.begin(), y.end());
  num_classes_ = *std::max_element(y_.begin(), y_.end()) + 1;
}

KNearestResult KNeighborsClassifier::Neighbours(const Matrix& x) const {
  learn::CheckFitted(fitted(), Name(), "Predict");
  learn::CheckColumns(x, x_.cols(), Name());
  learn::CheckFinite(x, Name());
  return index_->KNearest(x, options_.k, options_.weights == KnnWeights::kDistance);
}

Matrix KNeighborsClassifier::PredictProba(const Matrix& x) const {
  return ProbaFrom(Neighbours(x));
}

Labels KNeighborsClassifier::Predict(const Matrix& x) const {
  return LabelsFrom(Neighbours(x));
}

void KNeighborsClassifier::PredictBoth(const Matrix& x, Labels* labels, Matrix* proba) const {
  KNearestResult neighbours = Neighbours(x);
  *labels = LabelsFrom(neighbours);
  *proba = ProbaFrom(neighbours);
}

Matrix KNeighborsClassifier::ProbaFrom(const KNearestResult& neighbours) const {
  const int k = options_.k;
  const int64_t rows = neighbours.queries;
  Matrix proba(rows, num_classes_);
  ParallelFor(static_cast<size_t>(rows), 1024, [&](size_t begin, size_t end) {
    std::vector<double> weights(static_cast<size_t>(k), 1.0);
    for (size_t q = begin; q < end; ++q) {
      const int64_t query = static_cast<int64_t>(q);
      if (options_.weights == KnnWeights::kDistance) {
        DistanceWeights(neighbours.Distances(query).data(), k, weights.data());
      }
      double* row = proba.Row(query);
      auto indices = neighbours.Indices(query);
      for (int i = 0; i < k; ++i) row[y_[indices[i]]] += weights[i];
      // numpy: proba_k.sum(axis=1), a zero normaliser left at 1.
      double normaliser = learn::NumpyPairwiseSum(row, num_classes_);
      if (normaliser == 0.0) normaliser = 1.0;
      for (int c = 0; c < num_classes_; ++c) row[c] /= normaliser;
    }
  });
  return proba;
}

// scikit-learn's predict: scipy's mode (uniform) or weighted_mode (distance): per class the
// (pairwise) sum of its weights over the k neighbours, the first largest class wins.
Labels KNeighborsClassifier::LabelsFrom(const KNearestResult& neighbours) const {
  const int k = options_.k;
  Labels out(static_cast<size_t>(neighbours.queries));
  ParallelFor(out.size(), 1024, [&](size_t begin, size_t end) {
    std::vector<double> weights(static_cast<size_t>(k), 1.0), template_row(weights.size());
    std::vector<int64_t> votes(static_cast<size_t>(num_classes_));
    for (size_t q = begin; q < end; ++q) {
      const int64_t query = static_cast<int64_t>(q);
      auto indices = neighbours.Indices(query);
      if (options_.weights == KnnWeights::kUniform) {
        std::fill(votes.begin(), votes.end(), 0);
        for (int i = 0; i < k; ++i) ++votes[y_[indices[i]]];
        out[q] = static_cast<int32_t>(std::max_element(votes.begin(), votes.end()) - votes.begin());
        continue;
      }
      DistanceWeights(neighbours.Distances(query).data(), k, weights.data());
      int32_t best = 0;
      double best_count = 0;
      for (int32_t c = 0; c < num_classes_; ++c) {
        for (int i = 0; i < k; ++i) template_row[i] = y_[indices[i]] == c ? weights[i] : 0.0;
        double count = learn::NumpyPairwiseSum(template_row.data(), k);
        if (count > best_count) {
          best_count = count;
          best = c;
        }
      }
      out[q] = best;
    }
  });
  return out;
}

std::unique_ptr<Classifier> KNeighborsClassifier::CloneUnfitted() const {
  return std::make_unique<KNeighborsClassifier>(options_);
}

EstimatorState KNeighborsClassifier::SaveState() const {
  learn::CheckFitted(fitted(), Name(), "SaveState");
  EstimatorState state;
  SaveOptions(options_, &state);
  state.numbers["x"] = SaveMatrix(x_);
  state.numbers["y"] = std::vector<double>(y_.begin(), y_.end());
  return state;
}

void KNeighborsClassifier::LoadState(const EstimatorState& state) {
  options_ = LoadOptions(state);
  Matrix x = LoadMatrix(state.Numbers("x"));
  const std::vector<double>& y = state.Numbers("y");
  if (static_cast<int64_t>(y.size()) != x.rows()) {
    throw InvalidInput(
        "the saved knn model has labels for another number of rows; the file is "
        "damaged");
  }
  Labels labels;
  for (double label : y) labels.push_back(static_cast<int32_t>(label));
  Fit(x, labels);
}

// ---------------------------------------------------------------- regressor

KNeighborsRegressor::KNeighborsRegressor(KNeighborsOptions options) : options_(options) {
  CheckOptions(options_);
}

KNeighborsRegressor::~KNeighborsRegressor() = default;

void KNeighborsRegressor::Fit(const Matrix& x, std::span<const double> y,
                              std::span<const double> sample_weight) {
  learn::CheckNotEmpty(x, Name());
  learn::CheckSampleWeight(x, sample_weight, Name());
  if (static_cast<int64_t>(y.size()) != x.rows()) {
    throw InvalidInput(fmt::format("knn: {} targets for {} rows", y.size(), x.rows()));
  }
  learn::CheckFinite(x, Name());
  for (size_t i = 0; i < y.size(); ++i) {
    if (!std::isfinite(y[i])) {
      throw InvalidInput(
          fmt::format("knn: the target is {} at row {}; drop rows without a target", y[i], i + 1));
    }
  }
  index_ = BuildIndex(x, options_);
  x_ = x;
  y_.assign(y.begin(), y.end());
}

std::vector<double> KNeighborsRegressor::Predict(const Matrix& x) const {
  learn::CheckFitted(fitted(), Name(), "Predict");
  learn::CheckColumns(x, x_.cols(), Name());
  learn::CheckFinite(x, Name());
  const int k = options_.k;
  const bool distance = options_.weights == KnnWeights::kDistance;
  KNearestResult neighbours = index_->KNearest(x, k, distance);
  std::vector<double> out(static_cast<size_t>(x.rows()));
  ParallelFor(out.size(), 1024, [&](size_t begin, size_t end) {
    std::vector<double> weights(static_cast<size_t>(k)), values(weights.size());
    for (size_t q = begin; q < end; ++q) {
      auto indices = neighbours.Indices(static_cast<int64_t>(q));
      if (!distance) {
        for (int i = 0; i < k; ++i) values[i] = y_[indices[i]];
        out[q] = learn::NumpyPairwiseSum(values.data(), k) / static_cast<double>(k);
        continue;
      }
      DistanceWeights(neighbours.Distances(static_cast<int64_t>(q)).data(), k, weights.data());
      for (int i = 0; i < k; ++i) values[i] = y_[indices[i]] * weights[i];
      out[q] =
          learn::NumpyPairwiseSum(values.data(), k) / learn::NumpyPairwiseSum(weights.data(), k);
    }
  });
  return out;
}

std::unique_ptr<Regressor> KNeighborsRegressor::CloneUnfitted() const {
  return std::make_unique<KNeighborsRegressor>(options_);
}

EstimatorState KNeighborsRegressor::SaveState() const {
  learn::CheckFitted(fitted(), Name(), "SaveState");
  EstimatorState state;
  SaveOptions(options_, &state);
  state.numbers["x"] = SaveMatrix(x_);
  state.numbers["y"] = y_;
  return state;
}

void KNeighborsRegressor::LoadState(const EstimatorState& state) {
  options_ = LoadOptions(state);
  Matrix x = LoadMatrix(state.Numbers("x"));
  const std::vector<double>& y = state.Numbers("y");
  if (static_cast<int64_t>(y.size()) != x.rows()) {
    throw InvalidInput(
        "the saved knn model has targets for another number of rows; the file is "
        "damaged");
  }
  Fit(x, y);
}

}  // namespace hitscope
