// hitscope/serve.hpp: the HTTP prediction server behind `hitscope serve`: a JSON API that scores
// tracks with saved models (class, probabilities and each track's top feature contributions),
// a small web page to try it, Prometheus metrics, and hot reloading of promoted models.
//
// Models come from a folder of model files (ServeOptions::models_dir: every NAME.hsm directly in
// it is served as NAME) or from a model registry (registry_path: the promoted version of every
// name, include/hitscope/registry.hpp). The source is checked for changes at most every
// reload_interval_ms, by the first request that arrives after the interval: a newly promoted
// version (or a changed file) is loaded and replaces the old one for later requests, while
// requests already running finish on the model they started with. A model that fails to load is
// logged and reported by /health; the previous version keeps serving.
//
// Endpoints (docs/serving.md has examples; GET /openapi.json describes them all):
//   GET  /health                      liveness, models served, reload errors (never needs a token)
//   GET  /models, /models/{name}      name, version, target, features with their valid ranges,
//                                     classes, metrics, created, how contributions are computed
//   POST /models/{name}/predict       JSON {"track": {...}} or {"tracks": [...]}, features by name
//   POST /models/{name}/predict.csv   a CSV body (text/csv); CSV back, or JSON with
//                                     Accept: application/json
//   GET  /openapi.json, /metrics (Prometheus text), / (the web page) and /assets/*
//
// Validation: every request problem is a 4xx with a JSON body
//   {"error": {"status", "code", "message", "field"}, "errors": [...]} naming the field, e.g.
//   "tracks[2].danceability": unknown model (404), malformed JSON or CSV (400), missing token
//   (401), wrong method (405), body or batch too large (413), wrong content type (415), missing /
//   extra / non-numeric / out-of-range features (422). hitscope::Error kinds map to statuses in
//   one place (kInvalidInput 422, kInvalidArgument 400, kIo 503, kInternal 500).
//
// Feature ranges (Spotify's definitions, /work/shared/data/beatport_schema.md): see
// AudioFeatureRanges(). Features a model has outside that list accept any finite number.
//
// Contributions: for tree models (tree, forest) exact TreeSHAP of the predicted class's
// probability (of the score for regression), for XGBoost its own SHAP values (log-odds), and for
// every other model an occlusion estimate: the change in the predicted class's probability when
// the feature is set to its training reference (the scaler's mean, median or mid-range), which
// is not SHAP and ignores interactions. Each prediction says which method it used.
//
// Threads: requests run on the HTTP library's worker pool (ServeOptions::threads); models are
// immutable and shared. Run() blocks; Stop() may be called from any thread (not from a signal
// handler: block the signals and wait for them, as `hitscope serve` does).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace hitscope {

// The valid range of one audio feature, as Spotify defines it.
struct FeatureRange {
  std::string name;
  double min = 0, max = 0;  // inclusive
  bool integer = false;     // whole numbers only (key, mode, time_signature)
  std::string meaning;      // one line, for the page and the API description
};

// danceability, energy, speechiness, acousticness, instrumentalness, liveness, valence: 0..1;
// key: -1..11 (whole; -1 = no key detected); mode: 0..1 (whole; 0 minor, 1 major); loudness:
// -60..5 dB (Spotify: "typically -60..0"; mastered tracks reach a little above 0, the bundled
// data +1.3); tempo: 0..300 BPM (0: no beat detected); duration_ms: 1..21,600,000 (6 hours);
// time_signature: 3..7 (whole).
const std::vector<FeatureRange>& AudioFeatureRanges();
// nullptr for a feature without a documented range.
const FeatureRange* FindFeatureRange(std::string_view name);

struct ServeOptions {
  // Exactly one source of models: a folder of NAME.hsm files, or a registry file.
  std::string models_dir;
  std::string registry_path;
  // Address to bind. Loopback by default; another address exposes the API to the network (use a
  // token then).
  std::string host = "127.0.0.1";
  // TCP port; 0 binds a free one (Bind() returns it).
  int port = 8080;
  // HTTP worker threads, each serving one connection at a time (keep-alive connections hold
  // theirs). 0: max(8, cores).
  int threads = 0;
  // Required bearer token for /models*, /metrics (empty: no authentication).
  std::string token;
  // Largest request body accepted (413 beyond).
  size_t max_body_bytes = 8 << 20;
  // Most tracks in one request, JSON or CSV (413 beyond).
  int max_batch = 10000;
  // Most tracks whose contributions one request may ask for (SHAP is costly); 422 beyond.
  int max_explained = 100;
  // Contributions returned per track when a single-track request does not say (batches: 0).
  int default_contributions = 5;
  // How often the model source is checked for changes, in milliseconds (0: on every request).
  int reload_interval_ms = 1000;
  // One line per request (time, client, method, path, status, bytes, latency, model@version)
  // and server events. Default: stderr. Called from worker threads, one call per line.
  std::function<void(std::string_view line)> log;
  bool access_log = true;
};

class PredictionServer {
 public:
  // Loads the models. Throws Error(kInvalidArgument) for bad options (no source or both, bad
  // limits) and Error(kInvalidInput) / Error(kIo) when the source cannot be read or holds no
  // model (naming it and how to add one).
  explicit PredictionServer(ServeOptions options);
  ~PredictionServer();
  PredictionServer(const PredictionServer&) = delete;
  PredictionServer& operator=(const PredictionServer&) = delete;

  // Binds host:port and returns the port. Throws Error(kIo) when the address cannot be bound
  // (in use, not local, no permission).
  int Bind();
  // REQUIRES: Bind(). Serves until Stop(), then waits for the requests in flight to finish and
  // returns.
  void Run();
  // Stops accepting connections; Run() returns once in-flight requests are answered.
  // Thread-safe, idempotent.
  void Stop();
  // Requests being answered now.
  int64_t InFlight() const;
  // "popularity@3 (forest, 12 features)" per model served now.
  std::vector<std::string> Describe() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hitscope
