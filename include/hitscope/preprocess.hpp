// hitscope/preprocess.hpp: scalers, one-hot encoding and feature selection (Transformers).
//
// Each is fitted on the training rows only (the Pipeline sees to that) and then maps any matrix
// with the same number of columns. Shapes: Fit and Transform take rows x features; Transform
// keeps the row count. Values must be finite: Fit and Transform throw Error(kInvalidInput)
// naming the row and column of a NaN or infinite value (scikit-learn's scalers would skip NaN;
// hitscope asks for missing values to be handled before learning). Fit throws
// Error(kInvalidInput) for an empty matrix; Transform throws Error(kInvalidInput) when the column
// count differs from Fit's and Error(kInvalidArgument) before Fit. Fitted objects are immutable
// and safe to use from several threads. sample_weight is ignored by every transformer here, as
// scikit-learn's Pipeline does not pass it to them.
//
// Parity: the scalers compute in the same order as scikit-learn 1.2.1, so their statistics and
// outputs are equal to the last bit on the same row-major data (numpy sums a column-major
// array's columns pairwise instead, which may differ in the last bit; docs/supervised.md).
// Goldens: tests/parity/supervised_make_golden.py.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <hitscope/estimator.hpp>

namespace hitscope {

struct StandardScalerOptions {
  bool with_mean = true;  // subtract the column mean; scikit-learn: with_mean
  bool with_std = true;   // divide by the standard deviation (ddof 0); scikit-learn: with_std
};

// (x - mean) / std per column, std with ddof 0; a (nearly) constant column keeps std 1 (sklearn's
// _is_constant_feature test). scikit-learn: preprocessing.StandardScaler.
class StandardScaler final : public Transformer {
 public:
  explicit StandardScaler(StandardScalerOptions options = {}) : options_(options) {}
  std::string Name() const override { return "standard_scaler"; }
  bool fitted() const override { return fitted_; }
  void Fit(const Matrix& x, std::span<const int32_t> y = {},
           std::span<const double> sample_weight = {}) override;
  Matrix Transform(const Matrix& x) const override;
  std::unique_ptr<Transformer> CloneUnfitted() const override;
  EstimatorState SaveState() const override;
  void LoadState(const EstimatorState& state) override;

  const std::vector<double>& mean() const { return mean_; }
  const std::vector<double>& var() const { return var_; }
  const std::vector<double>& scale() const { return scale_; }

 private:
  StandardScalerOptions options_;
  bool fitted_ = false;
  std::vector<double> mean_, var_, scale_;
};

struct MinMaxScalerOptions {
  double min = 0.0;   // lower end of the output range; scikit-learn: feature_range[0]
  double max = 1.0;   // upper end; scikit-learn: feature_range[1]
  bool clip = false;  // clip transformed values of new rows to [min, max]; scikit-learn: clip
};

// x * scale + offset per column, mapping the training range onto [min, max]; a constant column
// gets scale 1. scikit-learn: preprocessing.MinMaxScaler. Throws Error(kInvalidArgument) when
// min >= max.
class MinMaxScaler final : public Transformer {
 public:
  explicit MinMaxScaler(MinMaxScalerOptions options = {});
  std::string Name() const override { return "minmax_scaler"; }
  bool fitted() const override { return fitted_; }
  void Fit(const Matrix& x, std::span<const int32_t> y = {},
           std::span<const double> sample_weight = {}) override;
  Matrix Transform(const Matrix& x) const override;
  std::unique_ptr<Transformer> CloneUnfitted() const override;
  EstimatorState SaveState() const override;
  void LoadState(const EstimatorState& state) override;

  const std::vector<double>& data_min() const { return data_min_; }
  const std::vector<double>& data_max() const { return data_max_; }
  const std::vector<double>& scale() const { return scale_; }
  const std::vector<double>& offset() const { return offset_; }  // sklearn's min_

 private:
  MinMaxScalerOptions options_;
  bool fitted_ = false;
  std::vector<double> data_min_, data_max_, scale_, offset_;
};

struct RobustScalerOptions {
  bool with_centering = true;  // subtract the median; scikit-learn: with_centering
  bool with_scaling = true;    // divide by the quantile range; scikit-learn: with_scaling
  double q_min = 25.0;         // lower percentile of the range; scikit-learn: quantile_range[0]
  double q_max = 75.0;         // upper percentile; scikit-learn: quantile_range[1]
};

// (x - median) / (q_max percentile - q_min percentile) per column, percentiles with numpy's
// linear interpolation; a zero range keeps scale 1. scikit-learn: preprocessing.RobustScaler
// (unit_variance=False). Throws Error(kInvalidArgument) unless 0 <= q_min <= q_max <= 100.
class RobustScaler final : public Transformer {
 public:
  explicit RobustScaler(RobustScalerOptions options = {});
  std::string Name() const override { return "robust_scaler"; }
  bool fitted() const override { return fitted_; }
  void Fit(const Matrix& x, std::span<const int32_t> y = {},
           std::span<const double> sample_weight = {}) override;
  Matrix Transform(const Matrix& x) const override;
  std::unique_ptr<Transformer> CloneUnfitted() const override;
  EstimatorState SaveState() const override;
  void LoadState(const EstimatorState& state) override;

  const std::vector<double>& center() const { return center_; }
  const std::vector<double>& scale() const { return scale_; }

 private:
  RobustScalerOptions options_;
  bool fitted_ = false;
  std::vector<double> center_, scale_;
};

enum class UnknownCategory {
  kIgnore,  // a value not seen in Fit encodes as all zeros (scikit-learn handle_unknown="ignore")
  kError,   // Transform throws Error(kInvalidInput) naming the column and value
};

struct OneHotEncoderOptions {
  // The input columns to encode (0-based). Every other column passes through unchanged.
  // scikit-learn: the columns given to a ColumnTransformer's OneHotEncoder.
  std::vector<int64_t> columns;
  // scikit-learn: handle_unknown. hitscope's default is kIgnore (scikit-learn's is "error")
  // because a rare key may be missing from a training fold.
  UnknownCategory unknown = UnknownCategory::kIgnore;
};

// Replaces each listed column by one 0/1 column per distinct training value (ascending). Output
// columns: the indicator blocks in the order of `columns`, then the other columns in their order,
// as scikit-learn's ColumnTransformer([("onehot", OneHotEncoder(), columns)],
// remainder="passthrough"). OutputNames gives "key_5" for value 5 of column "key".
// Fit throws Error(kInvalidArgument) for a column index out of range or listed twice.
class OneHotEncoder final : public Transformer {
 public:
  explicit OneHotEncoder(OneHotEncoderOptions options) : options_(std::move(options)) {}
  std::string Name() const override { return "one_hot"; }
  bool fitted() const override { return fitted_; }
  void Fit(const Matrix& x, std::span<const int32_t> y = {},
           std::span<const double> sample_weight = {}) override;
  Matrix Transform(const Matrix& x) const override;
  std::vector<std::string> OutputNames(const std::vector<std::string>& input) const override;
  std::unique_ptr<Transformer> CloneUnfitted() const override;
  EstimatorState SaveState() const override;
  void LoadState(const EstimatorState& state) override;

  // The categories of options.columns[i], ascending.
  const std::vector<std::vector<double>>& categories() const { return categories_; }

 private:
  OneHotEncoderOptions options_;
  bool fitted_ = false;
  int64_t input_cols_ = 0;
  std::vector<std::vector<double>> categories_;
};

struct SelectKBestOptions {
  int k = 10;  // columns to keep (all of them when k >= columns); scikit-learn: k
};

// Keeps the k columns with the highest ANOVA F statistic between column and class
// (scikit-learn: feature_selection.SelectKBest(f_classif, k)); kept columns stay in input order.
// Ties are resolved as scikit-learn does (a stable sort, the later column wins); a constant
// column scores lowest. Fit needs class labels: Error(kInvalidInput) without them, or with
// fewer than two classes; Error(kInvalidArgument) for k < 1.
class SelectKBest final : public Transformer {
 public:
  explicit SelectKBest(SelectKBestOptions options = {}) : options_(options) {}
  std::string Name() const override { return "select_k_best"; }
  bool fitted() const override { return fitted_; }
  void Fit(const Matrix& x, std::span<const int32_t> y = {},
           std::span<const double> sample_weight = {}) override;
  Matrix Transform(const Matrix& x) const override;
  std::vector<std::string> OutputNames(const std::vector<std::string>& input) const override;
  std::unique_ptr<Transformer> CloneUnfitted() const override;
  EstimatorState SaveState() const override;
  void LoadState(const EstimatorState& state) override;

  const std::vector<double>& scores() const { return scores_; }  // F per input column
  const std::vector<int64_t>& selected() const { return selected_; }

 private:
  SelectKBestOptions options_;
  bool fitted_ = false;
  int64_t input_cols_ = 0;
  std::vector<double> scores_;
  std::vector<int64_t> selected_;
};

}  // namespace hitscope
