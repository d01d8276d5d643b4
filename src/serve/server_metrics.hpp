// serve/server_metrics.hpp: request counts, latency histograms, errors and predictions, in
// Prometheus' text exposition format (GET /metrics). Thread-safe: recording is a few atomic
// increments plus one short lock for the per-status count.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace hitscope::serve {

// The endpoints, as metric labels (model names are not part of the route: bounded labels).
enum class Route {
  kPage,
  kAsset,
  kHealth,
  kModels,
  kModel,
  kPredict,
  kPredictCsv,
  kOpenApi,
  kMetrics,
  kOther,
};
inline constexpr int kRouteCount = 10;
const char* RouteLabel(Route route);
// The route of a request path ("/models/x/predict" -> kPredict).
Route RouteOf(const std::string& path);

// Upper bounds of the latency buckets, in seconds (+Inf implied).
inline constexpr std::array<double, 15> kLatencyBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.002,
                                                           0.005,  0.01,    0.025,  0.05,  0.1,
                                                           0.25,   0.5,     1.0,    2.5,   10.0};

class ServerMetrics {
 public:
  // One answered request; seconds < 0 when its start was not seen (not in the histogram).
  void Record(Route route, const std::string& method, int status, double seconds);
  // Tracks predicted by a model version.
  void CountPredictions(const std::string& model, const std::string& version, int64_t tracks);

  // The exposition text; `gauges` are extra "name value" lines with their HELP/TYPE given as
  // (name, help, value).
  std::string Prometheus(const std::map<std::string, std::pair<std::string, double>>& gauges) const;

 private:
  struct Histogram {
    std::array<std::atomic<uint64_t>, kLatencyBuckets.size() + 1> buckets{};
    std::atomic<uint64_t> count{0};
    std::atomic<uint64_t> sum_ns{0};
  };
  std::array<Histogram, kRouteCount> latency_;
  mutable std::mutex mutex_;
  std::map<std::tuple<int, std::string, int>, uint64_t> requests_;       // (route, method, status)
  std::map<std::pair<std::string, std::string>, uint64_t> predictions_;  // (model, version)
};

// Resident memory of this process in bytes (0 if unknown).
int64_t ResidentMemoryBytes();

}  // namespace hitscope::serve
