// hitscope/estimator.hpp: the one interface every learner of hitscope speaks.
//
// Verbs, as scikit-learn's: Fit, Predict, PredictProba, Transform, FitResample. Shapes: X is
// rows x features (Matrix, one sample per row); y holds one label per row. Class labels are
// dense indices 0..k-1 (the Pipeline maps the user's class names to them); cluster labels are
// 0..k-1 with -1 for noise (DBSCAN). sample_weight is empty (all ones) or one non-negative
// weight per row.
//
// Every estimator is configured by its own XxxOptions struct (with a `seed` where it draws
// random numbers), is fitted by Fit, and is then immutable: Predict / Transform are const and
// safe to call from several threads. CloneUnfitted gives a fresh copy with the same options, for
// cross-validation. Errors: Fit throws Error(kInvalidArgument) for bad options (k < 1) and
// Error(kInvalidInput) for unusable data (NaN, one class, k > rows), each naming the problem;
// Predict before Fit throws Error(kInvalidArgument).
//
// Saving: an estimator that model files can hold returns its options and learned values from
// SaveState() and takes them back with LoadState() (on a CloneUnfitted() copy). The defaults
// throw Error(kInvalidArgument) naming the estimator, so estimators that cannot be saved need
// not implement them.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <hitscope/matrix.hpp>

namespace hitscope {

using Labels = std::vector<int32_t>;

// An estimator's options and fitted values as named number arrays and texts (what a model file
// stores). The accessors throw Error(kInvalidInput) naming the missing or malformed entry.
struct EstimatorState {
  std::map<std::string, std::vector<double>> numbers;
  std::map<std::string, std::string> texts;

  const std::vector<double>& Numbers(const std::string& key) const;
  // A single number; throws unless numbers[key] holds exactly one value.
  double Number(const std::string& key) const;
  const std::string& Text(const std::string& key) const;
};

class Estimator {
 public:
  virtual ~Estimator() = default;
  // A short stable name ("standard_scaler", "knn", "kmeans"), used in model files and reports.
  virtual std::string Name() const = 0;
  virtual bool fitted() const = 0;
  // See "Saving" above. REQUIRES for SaveState: fitted().
  virtual EstimatorState SaveState() const;
  virtual void LoadState(const EstimatorState& state);
};

// Learns a mapping of X (scalers, encoders, selectors).
class Transformer : public Estimator {
 public:
  virtual void Fit(const Matrix& x, std::span<const int32_t> y = {},
                   std::span<const double> sample_weight = {}) = 0;
  virtual Matrix Transform(const Matrix& x) const = 0;
  Matrix FitTransform(const Matrix& x, std::span<const int32_t> y = {}) {
    Fit(x, y);
    return Transform(x);
  }
  // The names of the output columns given the input columns' names (scalers keep them; an
  // encoder or a selector changes them). REQUIRES: fitted().
  virtual std::vector<std::string> OutputNames(const std::vector<std::string>& input) const {
    return input;
  }
  virtual std::unique_ptr<Transformer> CloneUnfitted() const = 0;
};

// Predicts a class 0..num_classes()-1 per row.
class Classifier : public Estimator {
 public:
  virtual void Fit(const Matrix& x, std::span<const int32_t> y,
                   std::span<const double> sample_weight = {}) = 0;
  // rows x num_classes(), each row summing to 1.
  virtual Matrix PredictProba(const Matrix& x) const = 0;
  // The most probable class of each row (the lowest index on a tie), unless a model defines it
  // otherwise (KNN votes as scikit-learn).
  virtual Labels Predict(const Matrix& x) const;
  // Predict and PredictProba at once; models whose two answers share costly work (KNN's
  // neighbour search) override it. The default calls both.
  virtual void PredictBoth(const Matrix& x, Labels* labels, Matrix* proba) const {
    *labels = Predict(x);
    *proba = PredictProba(x);
  }
  virtual int num_classes() const = 0;
  virtual std::unique_ptr<Classifier> CloneUnfitted() const = 0;
};

// Predicts a number per row (raw popularity).
class Regressor : public Estimator {
 public:
  virtual void Fit(const Matrix& x, std::span<const double> y,
                   std::span<const double> sample_weight = {}) = 0;
  virtual std::vector<double> Predict(const Matrix& x) const = 0;
  virtual std::unique_ptr<Regressor> CloneUnfitted() const = 0;
};

// Changes the training rows (oversampling, SMOTE, Tomek links). Acts only while fitting: a
// Pipeline applies it to the training part of each split, never to rows it scores.
class Resampler : public Estimator {
 public:
  virtual void FitResample(const Matrix& x, std::span<const int32_t> y, Matrix* x_out,
                           Labels* y_out) = 0;
  virtual std::unique_ptr<Resampler> CloneUnfitted() const = 0;
};

// Groups rows; labels() are the training rows' clusters (-1: noise).
class Clusterer : public Estimator {
 public:
  virtual void Fit(const Matrix& x, std::span<const double> sample_weight = {}) = 0;
  virtual const Labels& labels() const = 0;
  // The cluster of new rows (nearest centre); throws Error(kInvalidArgument) for methods that
  // cannot assign new rows.
  virtual Labels Predict(const Matrix& x) const = 0;
  virtual std::unique_ptr<Clusterer> CloneUnfitted() const = 0;
};

}  // namespace hitscope
