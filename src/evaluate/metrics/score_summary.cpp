// Scores across folds: mean, spread and a corrected t interval.
#include <cmath>
#include <limits>

#include <hitscope/metrics.hpp>

namespace hitscope {

namespace {

// The continued fraction of the regularised incomplete beta function (Numerical Recipes 6.4).
double BetaContinuedFraction(double a, double b, double x) {
  const double tiny = 1e-300;
  double c = 1, d = 1 - (a + b) * x / (a + 1);
  if (std::fabs(d) < tiny) d = tiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 300; ++m) {
    double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1 / d;
    double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1) < 1e-15) break;
  }
  return h;
}

double RegularizedBeta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) +
                          b * std::log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return front * BetaContinuedFraction(a, b, x) / a;
  return 1 - front * BetaContinuedFraction(b, a, 1 - x) / b;
}

// P(T <= t) for t >= 0.
double StudentCdf(double t, double df) {
  return 1 - 0.5 * RegularizedBeta(df / 2, 0.5, df / (df + t * t));
}

}  // namespace

double StudentT975(double df) {
  double lo = 0, hi = 20;
  while (StudentCdf(hi, df) < 0.975) hi *= 2;
  for (int iter = 0; iter < 200; ++iter) {
    double mid = 0.5 * (lo + hi);
    (StudentCdf(mid, df) < 0.975 ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

ScoreSummary SummarizeScores(const std::string& metric, std::vector<double> per_fold,
                             double test_to_train_ratio) {
  ScoreSummary summary;
  summary.metric = metric;
  summary.per_fold = std::move(per_fold);
  const double n = static_cast<double>(summary.per_fold.size());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (summary.per_fold.empty()) {
    summary.mean = summary.std = summary.ci_low = summary.ci_high = nan;
    return summary;
  }
  double sum = 0;
  for (double value : summary.per_fold) sum += value;
  summary.mean = sum / n;
  if (summary.per_fold.size() < 2) {
    summary.std = summary.ci_low = summary.ci_high = nan;
    return summary;
  }
  double squares = 0;
  for (double value : summary.per_fold) squares += (value - summary.mean) * (value - summary.mean);
  const double variance = squares / (n - 1);
  summary.std = std::sqrt(variance);
  const double corrected = (1 / n + test_to_train_ratio) * variance;
  const double half = StudentT975(n - 1) * std::sqrt(corrected);
  summary.ci_low = summary.mean - half;
  summary.ci_high = summary.mean + half;
  return summary;
}

}  // namespace hitscope
