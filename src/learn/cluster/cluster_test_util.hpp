// learn/cluster/cluster_test_util.hpp: data for the clustering unit tests.
#pragma once

#include <random>
#include <vector>

#include <hitscope/matrix.hpp>

namespace hitscope::cluster {

// `per` rows around each centre (Gaussian, `spread`), centres' rows in order.
inline Matrix MakeBlobs(const std::vector<std::vector<double>>& centers, int per, double spread,
                        uint32_t seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> noise(0, spread);
  const int d = static_cast<int>(centers[0].size());
  Matrix x(static_cast<int64_t>(centers.size()) * per, d);
  for (size_t c = 0; c < centers.size(); ++c) {
    for (int i = 0; i < per; ++i) {
      for (int f = 0; f < d; ++f)
        x(static_cast<int64_t>(c) * per + i, f) = centers[c][f] + noise(gen);
    }
  }
  return x;
}

// n rows of d uniform values in [0, scale).
inline Matrix MakeUniform(int64_t n, int d, double scale, uint32_t seed) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> uniform(0, scale);
  Matrix x(n, d);
  for (double& v : x.mutable_data()) v = uniform(gen);
  return x;
}

}  // namespace hitscope::cluster
