#include "learn/trees/feature_sampler.hpp"

#include <algorithm>
#include <numeric>
#include <utility>

#include "learn/cluster/numpy_compat.hpp"

namespace hitscope::trees {

namespace {

constexpr uint32_t kRandRMax = 0x7FFFFFFF;
constexpr uint32_t kDefaultSeed = 1;

// scikit-learn's rand_int(low, high): low + our_rand_r() % (high - low).
int RandInt(int low, int high, uint32_t* state) {
  return low + static_cast<int>(SklearnRandR(state) % static_cast<uint32_t>(high - low));
}

}  // namespace

uint32_t SklearnRandR(uint32_t* state) {
  if (*state == 0) *state = kDefaultSeed;
  *state ^= *state << 13;
  *state ^= *state >> 17;
  *state ^= *state << 5;
  return *state % (kRandRMax + 1U);
}

uint32_t SklearnSplitterSeed(uint32_t seed) {
  cluster::NumpyRandomState random_state(seed);
  return static_cast<uint32_t>(random_state.RandInt(kRandRMax));
}

FeatureSampler::FeatureSampler(int n_features, int max_features, uint32_t rand_r_state)
    : n_features_(n_features),
      max_features_(max_features),
      state_(rand_r_state),
      features_(static_cast<size_t>(n_features)),
      constant_features_(static_cast<size_t>(n_features)) {
  std::iota(features_.begin(), features_.end(), 0);
}

const std::vector<int>& FeatureSampler::Draw(int n_known_constants,
                                             const std::function<bool(int)>& is_constant,
                                             int* n_total_constants_out) {
  // Invariant of scikit-learn's loop: features[0, n_drawn_constants) are drawn known constants,
  // [n_drawn_constants, n_known_constants) known constants not drawn yet, [n_known_constants,
  // n_total_constants) newly found constants, [n_total_constants, f_i) not drawn yet, [f_i, n)
  // drawn and not constant.
  std::vector<int>& features = features_;
  int f_i = n_features_;
  int n_visited = 0, n_found_constants = 0, n_drawn_constants = 0;
  int n_total_constants = n_known_constants;
  visited_.clear();
  while (f_i > n_total_constants &&
         (n_visited < max_features_ || n_visited <= n_found_constants + n_drawn_constants)) {
    ++n_visited;
    int f_j = RandInt(n_drawn_constants, f_i - n_found_constants, &state_);
    if (f_j < n_known_constants) {
      std::swap(features[n_drawn_constants], features[f_j]);
      ++n_drawn_constants;
      continue;
    }
    f_j += n_found_constants;
    int feature = features[f_j];
    if (is_constant(feature)) {
      std::swap(features[f_j], features[n_total_constants]);
      ++n_found_constants;
      ++n_total_constants;
      continue;
    }
    --f_i;
    std::swap(features[f_i], features[f_j]);
    visited_.push_back(feature);
  }
  // Keep the known constants in their original order for the siblings and children, and record
  // the new ones after them.
  std::copy_n(constant_features_.begin(), n_known_constants, features.begin());
  std::copy_n(features.begin() + n_known_constants, n_found_constants,
              constant_features_.begin() + n_known_constants);
  *n_total_constants_out = n_total_constants;
  return visited_;
}

std::vector<int> FeatureSampler::Peek(int n_known_constants) const {
  FeatureSampler copy = *this;
  std::vector<int> out = copy.Draw(
      n_known_constants, [](int) { return false; }, &n_known_constants);
  return out;
}

}  // namespace hitscope::trees
