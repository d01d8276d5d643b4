// TomekLinks and SmoteTomek.
#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/neighbors.hpp>
#include <hitscope/resample.hpp>

#include "learn/resample/sampling.hpp"

namespace hitscope {

void TomekLinks::FitResample(const Matrix& x, std::span<const int32_t> y, Matrix* x_out,
                             Labels* y_out) {
  learn::CheckResampleInput(x, y, Name());
  std::vector<int64_t> counts = learn::ClassCounts(y);
  int present = 0;
  int32_t minority = -1;
  for (int32_t label = 0; label < static_cast<int32_t>(counts.size()); ++label) {
    if (counts[label] == 0) continue;
    ++present;
    if (minority < 0 || counts[label] < counts[minority]) minority = label;
  }
  if (present < 2) {
    throw InvalidInput(
        "tomek_links: the rows hold a single class; Tomek links join rows of two classes");
  }
  // imbalanced-learn: NearestNeighbors(n_neighbors=2).fit(X).kneighbors(X)[:, 1].
  NeighborIndex index(
      x, NeighborIndexOptions{.algorithm = ChooseNeighborAlgorithm(x.rows(), x.cols(), 2)});
  KNearestResult nearest = index.KNearest(x, 2, false);
  auto nn = [&](int64_t row) { return nearest.indices[row * 2 + 1]; };
  sample_indices_.clear();
  for (int64_t row = 0; row < x.rows(); ++row) {
    bool cleaned = options_.cleaning == TomekCleaning::kAll || y[row] != minority;
    int64_t other = nn(row);
    bool link = cleaned && y[other] != y[row] && nn(other) == row;
    if (!link) sample_indices_.push_back(row);
  }
  *x_out = x.TakeRows(sample_indices_);
  y_out->resize(sample_indices_.size());
  for (size_t i = 0; i < sample_indices_.size(); ++i) (*y_out)[i] = y[sample_indices_[i]];
  fitted_ = true;
}

std::unique_ptr<Resampler> TomekLinks::CloneUnfitted() const {
  return std::make_unique<TomekLinks>(options_);
}

EstimatorState TomekLinks::SaveState() const {
  EstimatorState state;
  state.numbers["clean_all"] = {options_.cleaning == TomekCleaning::kAll ? 1.0 : 0.0};
  return state;
}

void TomekLinks::LoadState(const EstimatorState& state) {
  options_.cleaning =
      state.Number("clean_all") != 0 ? TomekCleaning::kAll : TomekCleaning::kNotMinority;
  fitted_ = true;
}

void SmoteTomek::FitResample(const Matrix& x, std::span<const int32_t> y, Matrix* x_out,
                             Labels* y_out) {
  Matrix smoted;
  Labels smoted_y;
  smote_.FitResample(x, y, &smoted, &smoted_y);
  TomekLinks tomek(TomekLinksOptions{TomekCleaning::kAll});
  tomek.FitResample(smoted, smoted_y, x_out, y_out);
  added_ = smoted.rows() - x.rows();
  removed_ = smoted.rows() - x_out->rows();
  fitted_ = true;
}

std::unique_ptr<Resampler> SmoteTomek::CloneUnfitted() const {
  return std::make_unique<SmoteTomek>(options_);
}

EstimatorState SmoteTomek::SaveState() const {
  return smote_.SaveState();
}

void SmoteTomek::LoadState(const EstimatorState& state) {
  smote_.LoadState(state);
  options_.k_neighbors = static_cast<int>(state.Number("k_neighbors"));
  options_.strategy = learn::DecodeStrategy(state.Number("strategy"));
  options_.seed = static_cast<uint64_t>(state.Number("seed"));
  fitted_ = true;
}

}  // namespace hitscope
