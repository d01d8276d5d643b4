// hitscope/resample.hpp: imbalance handling: random oversampling, SMOTE, Tomek links,
// SMOTE + Tomek, and "balanced" class weights.
//
// A Resampler changes the training rows and acts only while fitting: a Pipeline applies it to the
// training part of each split, never to rows it scores (include/hitscope/pipeline.hpp). Resampling
// a whole table before splitting puts copies (or near copies) of test rows into the training
// part; hitscope offers that only as the explicitly named leaky protocol of the leakage
// demonstration (include/hitscope/evaluation.hpp).
//
// Shapes: x is rows x features, y one class 0..k-1 per row. Outputs keep the input rows first,
// in order, then the new rows class by class (ascending), as imbalanced-learn 0.10 does; the
// cleaning samplers keep the surviving rows in order. Randomness is counter-based: the output is
// a pure function of (seed, input), whatever the thread count.
//
// Errors (Error(kInvalidInput), naming the class): a single class; NaN or infinite features;
// SMOTE on a class with fewer than k_neighbors + 1 rows. Error(kInvalidArgument): k_neighbors < 1.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <hitscope/estimator.hpp>

namespace hitscope {

// Which classes an over-sampler grows (imbalanced-learn's sampling_strategy, string forms).
enum class OverSampling {
  kNotMajority,  // every class but the majority, up to the majority's count ("auto")
  kMinority,     // only the smallest class, up to the majority's count ("minority")
  kAll,          // every class up to the majority's count ("all"; the majority gains 0)
};

// How many rows each class gains: a row per class 0..k-1 (0 for classes left alone or absent).
// The majority (minority) is the first class with the largest (smallest) count, as
// imbalanced-learn picks it. Throws Error(kInvalidInput) when y holds fewer than two classes.
std::vector<int64_t> OverSamplingTargets(std::span<const int32_t> y, OverSampling strategy);

// scikit-learn's class_weight="balanced": rows / (classes present * rows of the class), per class
// 0..k-1 (0 for an absent class). Multiply into sample weights with BalancedSampleWeights.
std::vector<double> BalancedClassWeights(std::span<const int32_t> y);
std::vector<double> BalancedSampleWeights(std::span<const int32_t> y);

struct RandomOverSamplerOptions {
  OverSampling strategy = OverSampling::kNotMajority;  // imblearn: sampling_strategy="auto"
  uint64_t seed = 0;                                   // imblearn: random_state
};

// Duplicates random rows of the classes it grows (drawn with replacement, uniformly within the
// class). imbalanced-learn: over_sampling.RandomOverSampler (shrinkage=None). Counts equal
// imbalanced-learn's; which rows are drawn follows hitscope's generator, not numpy's.
class RandomOverSampler final : public Resampler {
 public:
  explicit RandomOverSampler(RandomOverSamplerOptions options = {}) : options_(options) {}
  std::string Name() const override { return "random_over_sampler"; }
  bool fitted() const override { return fitted_; }
  void FitResample(const Matrix& x, std::span<const int32_t> y, Matrix* x_out,
                   Labels* y_out) override;
  std::unique_ptr<Resampler> CloneUnfitted() const override;
  EstimatorState SaveState() const override;
  void LoadState(const EstimatorState& state) override;
  // The input row of each output row (imblearn's sample_indices_).
  const std::vector<int64_t>& sample_indices() const { return sample_indices_; }

 private:
  RandomOverSamplerOptions options_;
  bool fitted_ = false;
  std::vector<int64_t> sample_indices_;
};

struct SmoteOptions {
  int k_neighbors = 5;  // same-class neighbours to interpolate towards; imblearn: k_neighbors
  OverSampling strategy = OverSampling::kNotMajority;  // imblearn: sampling_strategy="auto"
  uint64_t seed = 0;                                   // imblearn: random_state
  // Class names for messages ("class 'high' has 4 rows"); empty: "class 2".
  std::vector<std::string> class_names;
};

// SMOTE (Chawla et al. 2002) as imbalanced-learn 0.10's over_sampling.SMOTE: for each class it
// grows, the k nearest same-class neighbours of every row (the same search as scikit-learn's
// NearestNeighbors(k + 1) on that class, first column dropped); each new row is a random row of
// the class plus u in [0, 1) times the way to one of its k neighbours, chosen at random. Counts
// equal imbalanced-learn's and every new row lies on a segment from a row to one of its k
// neighbours; the random draws are hitscope's (numpy's RandomState is not reproduced).
class Smote final : public Resampler {
 public:
  explicit Smote(SmoteOptions options = {});
  std::string Name() const override { return "smote"; }
  bool fitted() const override { return fitted_; }
  void FitResample(const Matrix& x, std::span<const int32_t> y, Matrix* x_out,
                   Labels* y_out) override;
  std::unique_ptr<Resampler> CloneUnfitted() const override;
  EstimatorState SaveState() const override;
  void LoadState(const EstimatorState& state) override;

 private:
  SmoteOptions options_;
  bool fitted_ = false;
};

// Which classes lose the members of Tomek links.
enum class TomekCleaning {
  kNotMinority,  // every class but the minority (imblearn TomekLinks' default, "auto")
  kAll,          // every class: both members of each link go (what SMOTETomek uses)
};

struct TomekLinksOptions {
  TomekCleaning cleaning = TomekCleaning::kNotMinority;  // imblearn: sampling_strategy
};

// Removes Tomek links: two rows of different classes that are each other's nearest neighbour
// (the second column of scikit-learn's NearestNeighbors(2).kneighbors(X), so equidistant points
// resolve exactly as in imbalanced-learn). imbalanced-learn: under_sampling.TomekLinks. Memory:
// one 2-nearest search, linear in rows.
class TomekLinks final : public Resampler {
 public:
  explicit TomekLinks(TomekLinksOptions options = {}) : options_(options) {}
  std::string Name() const override { return "tomek_links"; }
  bool fitted() const override { return fitted_; }
  void FitResample(const Matrix& x, std::span<const int32_t> y, Matrix* x_out,
                   Labels* y_out) override;
  std::unique_ptr<Resampler> CloneUnfitted() const override;
  EstimatorState SaveState() const override;
  void LoadState(const EstimatorState& state) override;
  // The input rows kept, ascending (imblearn's sample_indices_).
  const std::vector<int64_t>& sample_indices() const { return sample_indices_; }

 private:
  TomekLinksOptions options_;
  bool fitted_ = false;
  std::vector<int64_t> sample_indices_;
};

// SMOTE, then Tomek links removed from every class (both members of each link), as
// imbalanced-learn 0.10's combine.SMOTETomek with its defaults.
class SmoteTomek final : public Resampler {
 public:
  explicit SmoteTomek(SmoteOptions options = {}) : smote_(options), options_(options) {}
  std::string Name() const override { return "smote_tomek"; }
  bool fitted() const override { return fitted_; }
  void FitResample(const Matrix& x, std::span<const int32_t> y, Matrix* x_out,
                   Labels* y_out) override;
  std::unique_ptr<Resampler> CloneUnfitted() const override;
  EstimatorState SaveState() const override;
  void LoadState(const EstimatorState& state) override;
  // Rows SMOTE added and rows the Tomek step removed in the last FitResample.
  int64_t added() const { return added_; }
  int64_t removed() const { return removed_; }

 private:
  Smote smote_;
  SmoteOptions options_;
  bool fitted_ = false;
  int64_t added_ = 0, removed_ = 0;
};

}  // namespace hitscope
