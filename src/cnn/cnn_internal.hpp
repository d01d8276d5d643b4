// cnn/cnn_internal.hpp: what the CNN's torch-free files share: the model's insides, the split
// and the scores.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <hitscope/cnn.hpp>

#include "cnn/network.hpp"

namespace hitscope {

struct CnnModel::Impl {
  CnnOptions options;
  SpectrogramJobOptions spectrogram;
  double mean = 0, std = 1;
  CnnTrainReport report;
  // A loaded model's training report as the file had it (written back unchanged by Save).
  std::string loaded_report_json;
  std::unique_ptr<cnn::Network> network;

  cnn::NetworkShape Shape() const;
  // (x - mean) / std of rows x bands x frames values.
  std::vector<float> Standardise(const std::vector<float>& values) const;
};

namespace cnn {

// The rows on each side of a split, ascending.
struct Split {
  std::vector<int64_t> train, test;
};

// The groups of the rows: the artist where known, else the track itself.
std::vector<std::string> RowGroups(const CnnDataset& data, std::string* grouped_by);

// One shuffle split of groups (sklearn GroupShuffleSplit(n_splits=1, test_size=fraction)):
// ceil(fraction * groups) whole groups go to the test side, at random from `seed` (hitscope's
// own generator: the same seed does not pick the same groups as scikit-learn). Only the rows in
// `rows` take part. Throws Error(kInvalidInput) when there are fewer than two groups.
Split GroupShuffleSplit(const std::vector<std::string>& groups, std::span<const int64_t> rows,
                        double fraction, uint64_t seed);

// Scores of predicted probabilities (rows x classes, row-major) against the truth.
CnnEvaluation Score(std::span<const int32_t> truth, std::span<const float> proba,
                    const std::vector<std::string>& labels);

// Keras' categorical cross-entropy of probabilities: mean of -log(clip(p_true, 1e-7, 1)).
double CrossEntropy(std::span<const int32_t> truth, std::span<const float> proba, int classes);

// Throws Error(kInvalidInput) naming the first spectrogram option that differs.
void CheckSameSpectrograms(const SpectrogramJobOptions& model, const SpectrogramJobOptions& data);

// Throws Error(kInvalidArgument) naming the first option out of its domain.
void ValidateCnnOptions(const CnnOptions& options);

}  // namespace cnn
}  // namespace hitscope
