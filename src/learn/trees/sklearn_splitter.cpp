#include "learn/trees/sklearn_splitter.hpp"

#include <cmath>
#include <utility>

#include "learn/trees/split_kernels.hpp"

namespace hitscope::trees {

namespace {

inline void Swap(float* xf, int64_t* samples, int64_t i, int64_t j) {
  std::swap(xf[i], xf[j]);
  std::swap(samples[i], samples[j]);
}

inline float Median3(const float* xf, int64_t n) {
  float a = xf[0], b = xf[n / 2], c = xf[n - 1];
  if (a < b) {
    if (b < c) return b;
    if (a < c) return c;
    return a;
  }
  if (b < c) {
    if (a < c) return a;
    return c;
  }
  return b;
}

void SiftDown(float* xf, int64_t* samples, int64_t start, int64_t end) {
  int64_t root = start;
  while (true) {
    int64_t child = root * 2 + 1;
    int64_t max_index = root;
    if (child < end && xf[max_index] < xf[child]) max_index = child;
    if (child + 1 < end && xf[max_index] < xf[child + 1]) max_index = child + 1;
    if (max_index == root) break;
    Swap(xf, samples, root, max_index);
    root = max_index;
  }
}

void HeapSort(float* xf, int64_t* samples, int64_t n) {
  int64_t start = (n - 2) / 2;
  while (true) {
    SiftDown(xf, samples, start, n);
    if (start == 0) break;
    --start;
  }
  for (int64_t end = n - 1; end > 0; --end) {
    Swap(xf, samples, 0, end);
    SiftDown(xf, samples, 0, end);
  }
}

void IntroSort(float* xf, int64_t* samples, int64_t n, int max_depth) {
  while (n > 1) {
    if (max_depth <= 0) {
      HeapSort(xf, samples, n);
      return;
    }
    --max_depth;
    float pivot = Median3(xf, n);
    int64_t i = 0, l = 0, r = n;
    while (i < r) {
      if (xf[i] < pivot) {
        Swap(xf, samples, i, l);
        ++i;
        ++l;
      } else if (xf[i] > pivot) {
        --r;
        Swap(xf, samples, i, r);
      } else {
        ++i;
      }
    }
    IntroSort(xf, samples, l, max_depth);
    xf += r;
    samples += r;
    n -= r;
  }
}

}  // namespace

void SklearnSort(float* xf, int64_t* samples, int64_t n) {
  if (n == 0) return;
  // scikit-learn's log is log2 (sklearn/tree/_utils.pxd).
  int max_depth = 2 * static_cast<int>(std::log(static_cast<double>(n)) / std::log(2.0));
  IntroSort(xf, samples, n, max_depth);
}

SklearnSplitter::SklearnSplitter(const TrainingSet& data, std::span<const double> weights,
                                 const SplitLimits& limits)
    : data_(data), weights_(weights), limits_(limits) {
  for (int64_t row = 0; row < data.rows; ++row) {
    if (weights[row] != 0.0) samples_.push_back(row);
    weighted_n_samples_ += weights[row];
  }
  xf_.resize(samples_.size());
  scanned_.resize(static_cast<size_t>(data.features));
  sum_left_.resize(static_cast<size_t>(limits.n_values));
}

void SklearnSplitter::AddSample(int64_t sample, double sign) {
  double w = weights_[sample];
  if (data_.classification()) {
    sum_left_[static_cast<size_t>(data_.labels[sample])] += sign * w;
  } else {
    sum_left_[0] += sign * (w * data_.targets[sample]);
  }
  weighted_n_left_ += sign * w;
}

void SklearnSplitter::Reset() {
  pos_ = start_;
  weighted_n_left_ = 0;
  std::fill(sum_left_.begin(), sum_left_.end(), 0.0);
}

void SklearnSplitter::ReverseReset() {
  pos_ = end_;
  weighted_n_left_ = total_.weight;
  sum_left_ = total_.sums;
}

void SklearnSplitter::Update(int64_t new_pos) {
  // scikit-learn moves the left side from whichever end is nearer (Criterion.update).
  if (new_pos - pos_ <= end_ - new_pos) {
    for (int64_t p = pos_; p < new_pos; ++p) AddSample(samples_[p], 1.0);
  } else {
    ReverseReset();
    for (int64_t p = end_ - 1; p >= new_pos; --p) AddSample(samples_[p], -1.0);
  }
  pos_ = new_pos;
}

void SklearnSplitter::NodeReset(int64_t start, int64_t end, int depth, const NodeStats* known,
                                NodeStats* stats) {
  // scikit-learn sums the node again in its own row order (Criterion.init).
  (void)known;
  (void)depth;
  start_ = start;
  end_ = end;
  total_.Reset(limits_.n_values);
  for (int64_t p = start; p < end; ++p) {
    int64_t sample = samples_[p];
    double w = weights_[sample];
    if (data_.classification()) {
      total_.sums[static_cast<size_t>(data_.labels[sample])] += w;
    } else {
      double w_y = w * data_.targets[sample];
      total_.sums[0] += w_y;
      total_.sq_sum += w_y * data_.targets[sample];
    }
    total_.weight += w;
  }
  Reset();
  *stats = total_;
}

bool SklearnSplitter::IsConstant(int feature) {
  const float* column = data_.Column(feature);
  for (int64_t p = start_; p < end_; ++p) xf_[p] = column[samples_[p]];
  SklearnSort(xf_.data() + start_, samples_.data() + start_, end_ - start_);
  if (xf_[end_ - 1] <= xf_[start_] + kFeatureThreshold) return true;

  SplitCandidate& best = scanned_[feature];
  best = SplitCandidate{};
  best.feature = feature;
  Reset();
  int64_t p = start_;
  while (p < end_) {
    while (p + 1 < end_ && xf_[p + 1] <= xf_[p] + kFeatureThreshold) ++p;
    ++p;
    if (p >= end_) continue;
    if (p - start_ < limits_.min_samples_leaf || end_ - p < limits_.min_samples_leaf) continue;
    Update(p);
    double weight_right = total_.weight - weighted_n_left_;
    if (weighted_n_left_ < limits_.min_weight_leaf || weight_right < limits_.min_weight_leaf) {
      continue;
    }
    double proxy = ProxyImprovement(limits_.criterion, sum_left_.data(), total_.sums.data(),
                                    limits_.n_values, weighted_n_left_, weight_right);
    if (proxy > best.proxy) {
      best.proxy = proxy;
      best.pos = p;
      best.threshold = SplitThreshold(xf_[p - 1], xf_[p]);
    }
  }
  return false;
}

void SklearnSplitter::Evaluate(std::span<const int> features, std::span<SplitCandidate> out) {
  for (size_t i = 0; i < features.size(); ++i) out[i] = scanned_[features[i]];
}

void SklearnSplitter::Partition(const SplitCandidate& best, std::span<const int> live,
                                NodeStats* left, NodeStats* right) {
  (void)live;
  const float* column = data_.Column(best.feature);
  int64_t partition_end = end_;
  int64_t p = start_;
  while (p < partition_end) {
    if (column[samples_[p]] <= best.threshold) {
      ++p;
    } else {
      --partition_end;
      std::swap(samples_[p], samples_[partition_end]);
    }
  }
  Reset();
  Update(best.pos);
  left->Reset(limits_.n_values);
  right->Reset(limits_.n_values);
  left->sums = sum_left_;
  left->weight = weighted_n_left_;
  for (int k = 0; k < limits_.n_values; ++k) right->sums[k] = total_.sums[k] - sum_left_[k];
  right->weight = total_.weight - weighted_n_left_;
  if (!data_.classification()) {
    // children_impurity sums w * y * y over the left rows in order; the right side is the rest.
    for (int64_t q = start_; q < best.pos; ++q) {
      int64_t sample = samples_[q];
      double y = data_.targets[sample];
      left->sq_sum += weights_[sample] * y * y;
    }
    right->sq_sum = total_.sq_sum - left->sq_sum;
  }
}

}  // namespace hitscope::trees
