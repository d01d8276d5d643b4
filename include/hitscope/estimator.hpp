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
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <hitscope/matrix.hpp>

namespace hitscope {

using Labels = std::vector<int32_t>;

class Estimator {
 public:
  virtual ~Estimator() = default;
  // A short stable name ("standard_scaler", "knn", "kmeans"), used in model files and reports.
  virtual std::string Name() const = 0;
  virtual bool fitted() const = 0;
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
