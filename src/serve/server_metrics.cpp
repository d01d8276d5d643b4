// Prometheus metrics of the server.
#include "serve/server_metrics.hpp"

#include <cstdio>

#include <fmt/format.h>
#include <unistd.h>

namespace hitscope::serve {

namespace {

// Label values escaped as the exposition format requires (\, ", newline).
std::string Escape(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

const char* RouteLabel(Route route) {
  switch (route) {
    case Route::kPage:
      return "/";
    case Route::kAsset:
      return "/assets/*";
    case Route::kHealth:
      return "/health";
    case Route::kModels:
      return "/models";
    case Route::kModel:
      return "/models/{name}";
    case Route::kPredict:
      return "/models/{name}/predict";
    case Route::kPredictCsv:
      return "/models/{name}/predict.csv";
    case Route::kOpenApi:
      return "/openapi.json";
    case Route::kMetrics:
      return "/metrics";
    case Route::kOther:
      return "other";
  }
  return "other";
}

Route RouteOf(const std::string& path) {
  if (path == "/" || path == "/index.html") return Route::kPage;
  if (path.rfind("/assets/", 0) == 0) return Route::kAsset;
  if (path == "/health") return Route::kHealth;
  if (path == "/models") return Route::kModels;
  if (path == "/openapi.json") return Route::kOpenApi;
  if (path == "/metrics") return Route::kMetrics;
  if (path.rfind("/models/", 0) == 0) {
    std::string rest = path.substr(8);
    size_t slash = rest.find('/');
    if (slash == std::string::npos) return Route::kModel;
    std::string tail = rest.substr(slash);
    if (tail == "/predict") return Route::kPredict;
    if (tail == "/predict.csv") return Route::kPredictCsv;
  }
  return Route::kOther;
}

void ServerMetrics::Record(Route route, const std::string& method, int status, double seconds) {
  if (seconds >= 0) {
    Histogram& histogram = latency_[static_cast<size_t>(route)];
    size_t bucket = 0;
    while (bucket < kLatencyBuckets.size() && seconds > kLatencyBuckets[bucket]) ++bucket;
    histogram.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
    histogram.count.fetch_add(1, std::memory_order_relaxed);
    histogram.sum_ns.fetch_add(static_cast<uint64_t>(seconds * 1e9), std::memory_order_relaxed);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_[{static_cast<int>(route), method, status}];
}

void ServerMetrics::CountPredictions(const std::string& model, const std::string& version,
                                     int64_t tracks) {
  std::lock_guard<std::mutex> lock(mutex_);
  predictions_[{model, version}] += static_cast<uint64_t>(tracks);
}

std::string ServerMetrics::Prometheus(
    const std::map<std::string, std::pair<std::string, double>>& gauges) const {
  std::string out;
  std::map<std::tuple<int, std::string, int>, uint64_t> requests;
  std::map<std::pair<std::string, std::string>, uint64_t> predictions;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    requests = requests_;
    predictions = predictions_;
  }
  out +=
      "# HELP hitscope_http_requests_total HTTP requests answered, by route, method and "
      "status.\n# TYPE hitscope_http_requests_total counter\n";
  for (const auto& [key, count] : requests) {
    const auto& [route, method, status] = key;
    out +=
        fmt::format("hitscope_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                    RouteLabel(static_cast<Route>(route)), Escape(method), status, count);
  }
  out +=
      "# HELP hitscope_http_errors_total HTTP requests answered with a 4xx or 5xx status.\n"
      "# TYPE hitscope_http_errors_total counter\n";
  std::map<std::pair<int, int>, uint64_t> errors;
  for (const auto& [key, count] : requests) {
    const auto& [route, method, status] = key;
    if (status >= 400) errors[{route, status}] += count;
  }
  for (const auto& [key, count] : errors) {
    out += fmt::format("hitscope_http_errors_total{{route=\"{}\",status=\"{}\"}} {}\n",
                       RouteLabel(static_cast<Route>(key.first)), key.second, count);
  }
  out +=
      "# HELP hitscope_http_request_duration_seconds Time from reading a request's headers to "
      "writing its answer.\n# TYPE hitscope_http_request_duration_seconds histogram\n";
  for (int r = 0; r < kRouteCount; ++r) {
    const Histogram& histogram = latency_[static_cast<size_t>(r)];
    const uint64_t count = histogram.count.load(std::memory_order_relaxed);
    if (count == 0) continue;
    const char* route = RouteLabel(static_cast<Route>(r));
    uint64_t cumulative = 0;
    for (size_t b = 0; b < kLatencyBuckets.size(); ++b) {
      cumulative += histogram.buckets[b].load(std::memory_order_relaxed);
      out += fmt::format(
          "hitscope_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", route,
          kLatencyBuckets[b], cumulative);
    }
    cumulative += histogram.buckets[kLatencyBuckets.size()].load(std::memory_order_relaxed);
    out += fmt::format(
        "hitscope_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", route,
        cumulative);
    out += fmt::format("hitscope_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", route,
                       static_cast<double>(histogram.sum_ns.load(std::memory_order_relaxed)) / 1e9);
    out += fmt::format("hitscope_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", route,
                       cumulative);
  }
  out +=
      "# HELP hitscope_predictions_total Tracks predicted, by model and version.\n"
      "# TYPE hitscope_predictions_total counter\n";
  for (const auto& [key, count] : predictions) {
    out += fmt::format("hitscope_predictions_total{{model=\"{}\",version=\"{}\"}} {}\n",
                       Escape(key.first), Escape(key.second), count);
  }
  for (const auto& [name, help_value] : gauges) {
    const std::string type = EndsWith(name, "_total") ? "counter" : "gauge";
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help_value.first, name, type,
                       name, help_value.second);
  }
  return out;
}

int64_t ResidentMemoryBytes() {
  FILE* statm = std::fopen("/proc/self/statm", "r");
  if (statm == nullptr) return 0;
  long long size = 0, resident = 0;
  int read = std::fscanf(statm, "%lld %lld", &size, &resident);
  std::fclose(statm);
  if (read != 2) return 0;
  return resident * static_cast<int64_t>(sysconf(_SC_PAGESIZE));
}

}  // namespace hitscope::serve
