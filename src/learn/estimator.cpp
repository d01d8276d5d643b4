#include <hitscope/error.hpp>
#include <hitscope/estimator.hpp>

namespace hitscope {

Labels Classifier::Predict(const Matrix& x) const {
  Matrix proba = PredictProba(x);
  Labels out(static_cast<size_t>(proba.rows()));
  for (int64_t row = 0; row < proba.rows(); ++row) {
    const double* p = proba.Row(row);
    int32_t best = 0;
    for (int32_t k = 1; k < proba.cols(); ++k) {
      if (p[k] > p[best]) best = k;
    }
    out[row] = best;
  }
  return out;
}

}  // namespace hitscope
