// PredictionServer: the HTTP routes, authentication, validation answers, logging, metrics and
// graceful shutdown around cpp-httplib.
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <hitscope/error.hpp>
#include <hitscope/registry.hpp>
#include <hitscope/serve.hpp>

#include "core/text.hpp"
#include "serve/model_catalog.hpp"
#include "serve/predict_request.hpp"
#include "serve/request_error.hpp"
#include "serve/responses.hpp"
#include "serve/server_metrics.hpp"
#include "serve/web_assets.hpp"

namespace hitscope {

namespace {

using ojson = nlohmann::ordered_json;
using serve::RequestError;
using serve::Route;
using Clock = std::chrono::steady_clock;

// Everything about the request a worker thread is answering: a request is read, routed,
// answered and logged on one thread, so the logger finds here what the handlers noted.
struct RequestContext {
  Clock::time_point start;
  bool active = false;
  Route route = Route::kOther;
  std::string model;  // "popularity@3" once a model was chosen
};
thread_local RequestContext tls_request;

// How often the accept loop wakes when no connection comes, to notice Stop().
constexpr int kIdleWakeMicroseconds = 100000;
// Requests one keep-alive connection may send before the server closes it (others wait for a
// worker meanwhile).
constexpr size_t kKeepAliveMaxRequests = 1000;

std::string NowIsoMillis() {
  auto now = std::chrono::system_clock::now();
  auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                     millis % 1000);
}

// Compares without an early exit, so the time taken does not tell how much of a token matched.
bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  unsigned char difference = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size(); ++i) {
    difference |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  }
  return difference == 0;
}

// "Application/JSON; charset=utf-8" -> "application/json".
std::string MediaType(const std::string& content_type) {
  std::string type = content_type.substr(0, content_type.find(';'));
  type.erase(std::remove_if(type.begin(), type.end(), [](char c) { return c == ' ' || c == '\t'; }),
             type.end());
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return type;
}

// The worker pool of cpp-httplib, which also hears when the accept loop is idle.
class ServerQueue final : public httplib::ThreadPool {
 public:
  ServerQueue(size_t threads, std::function<void()> on_idle)
      : httplib::ThreadPool(threads), on_idle_(std::move(on_idle)) {}
  void on_idle() override { on_idle_(); }

 private:
  std::function<void()> on_idle_;
};

bool IsGetRoute(Route route) {
  return route == Route::kPage || route == Route::kAsset || route == Route::kHealth ||
         route == Route::kModels || route == Route::kModel || route == Route::kOpenApi ||
         route == Route::kMetrics;
}

bool IsPostRoute(Route route) {
  return route == Route::kPredict || route == Route::kPredictCsv;
}

}  // namespace

struct PredictionServer::Impl {
  explicit Impl(ServeOptions given);

  void Log(std::string_view line) const {
    if (options.log) {
      options.log(line);
    } else {
      fmt::print(stderr, "{}\n", line);
    }
  }
  void SetUpServer();
  // Closes the listening socket once (cpp-httplib's stop() must not run twice at once).
  void StopListening() {
    std::lock_guard<std::mutex> lock(stop_mutex);
    if (!listen_stopped && http.is_running()) {
      http.stop();
      listen_stopped = true;
    }
  }
  void SetUpRoutes();
  void CheckAuth(const httplib::Request& request) const;
  std::shared_ptr<const serve::ServedModel> FindModel(const std::string& name);
  void Predict(const httplib::Request& request, httplib::Response& response, bool csv);
  void WriteError(httplib::Response& response, const RequestError& error) const;
  void Health(httplib::Response& response);
  std::string MetricsText();
  // Wraps a handler: in-flight count, token check, and the one place where exceptions become
  // HTTP answers.
  httplib::Server::Handler Guard(
      std::function<void(const httplib::Request&, httplib::Response&)> body, bool needs_token);

  ServeOptions options;
  serve::RequestLimits limits;
  std::unique_ptr<serve::ModelCatalog> catalog;
  serve::ServerMetrics metrics;
  httplib::Server http;
  std::atomic<int64_t> in_flight{0};
  std::atomic<int64_t> internal_errors{0};
  std::atomic<bool> stopping{false};
  std::mutex stop_mutex;
  bool listen_stopped = false;
  bool bound = false;
  int port = 0;
  Clock::time_point started = Clock::now();
};

PredictionServer::Impl::Impl(ServeOptions given) : options(std::move(given)) {
  if (options.models_dir.empty() == options.registry_path.empty()) {
    throw InvalidArgument(
        "serve: give the models as a folder of model files (--models DIR) or as a registry "
        "(--registry FILE), exactly one");
  }
  if (options.port < 0 || options.port > 65535) {
    throw InvalidArgument(fmt::format("serve: --port must be 0..65535, got {}", options.port));
  }
  if (options.threads < 0 || options.max_batch < 1 || options.max_explained < 0 ||
      options.default_contributions < 0 || options.reload_interval_ms < 0 ||
      options.max_body_bytes < 1024) {
    throw InvalidArgument(
        "serve: --threads, --max-explained, --reload-interval-ms must be >= 0, --max-batch >= 1 "
        "and --max-body-bytes >= 1024");
  }
  if (options.token.find_first_of(" \t\r\n") != std::string::npos) {
    throw InvalidArgument("serve: the token must not hold spaces or line breaks");
  }
  limits.max_batch = options.max_batch;
  limits.max_explained = options.max_explained;
  limits.default_contributions = options.default_contributions;
  std::unique_ptr<serve::ModelSource> source =
      options.models_dir.empty() ? serve::MakeRegistrySource(options.registry_path)
                                 : serve::MakeFolderSource(options.models_dir);
  catalog = std::make_unique<serve::ModelCatalog>(
      std::move(source), std::chrono::milliseconds(options.reload_interval_ms),
      [this](std::string_view line) { Log(line); });
  SetUpServer();
  SetUpRoutes();
}

void PredictionServer::Impl::SetUpServer() {
  size_t threads = options.threads > 0 ? static_cast<size_t>(options.threads)
                                       : std::max<size_t>(8, std::thread::hardware_concurrency());
  http.new_task_queue = [this, threads] {
    return new ServerQueue(threads, [this] {
      if (stopping.load()) StopListening();
    });
  };
  http.set_idle_interval(0, kIdleWakeMicroseconds);
  http.set_tcp_nodelay(true);
  http.set_keep_alive_max_count(kKeepAliveMaxRequests);
  http.set_payload_max_length(options.max_body_bytes);
  http.set_pre_routing_handler([](const httplib::Request& request, httplib::Response&) {
    tls_request.start = Clock::now();
    tls_request.active = true;
    tls_request.route = serve::RouteOf(request.path);
    tls_request.model.clear();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Answers the library produced itself (no route, body too large, unreadable request) get the
  // same JSON error body as ours.
  http.set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& request, httplib::Response& response) {
        if (!response.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        RequestError error(response.status, "http_error", "",
                           fmt::format("HTTP {}", response.status));
        if (response.status == 404) {
          error = RequestError(404, "not_found", "path",
                               fmt::format("no endpoint {} {}; GET /openapi.json lists them",
                                           request.method, request.path));
        } else if (response.status == 413) {
          error = RequestError(413, "body_too_large", "body",
                               fmt::format("the body is larger than the server's limit of {} bytes "
                                           "(--max-body-bytes); send fewer tracks per request",
                                           options.max_body_bytes));
        } else if (response.status == 400) {
          error = RequestError(400, "bad_request", "",
                               "the request could not be read as HTTP/1.1 (malformed request line, "
                               "headers or chunked body)");
        }
        WriteError(response, error);
        return httplib::Server::HandlerResponse::Handled;
      }));
  http.set_exception_handler(
      [this](const httplib::Request&, httplib::Response& response, std::exception_ptr) {
        ++internal_errors;
        WriteError(response, RequestError(500, "internal", "",
                                          "internal error while answering; please report it"));
      });
  http.set_logger([this](const httplib::Request& request, const httplib::Response& response) {
    RequestContext& context = tls_request;
    double seconds = -1;
    if (context.active) {
      seconds = std::chrono::duration<double>(Clock::now() - context.start).count();
    }
    Route route = context.active ? context.route : Route::kOther;
    metrics.Record(route, request.method, response.status, seconds);
    if (options.access_log) {
      Log(fmt::format("{} {} {} {} {} {}B {} {}", NowIsoMillis(), request.remote_addr,
                      request.method, request.path, response.status, response.body.size(),
                      seconds >= 0 ? fmt::format("{:.3f}ms", seconds * 1e3) : std::string("-"),
                      context.model.empty() ? "-" : context.model));
    }
    context.active = false;
  });
}

void PredictionServer::Impl::WriteError(httplib::Response& response,
                                        const RequestError& error) const {
  response.status = error.status;
  if (error.status == 401) {
    response.set_header("WWW-Authenticate", "Bearer realm=\"hitscope\"");
  }
  response.set_header("Cache-Control", "no-store");
  response.set_content(serve::ErrorJson(error), "application/json");
}

httplib::Server::Handler PredictionServer::Impl::Guard(
    std::function<void(const httplib::Request&, httplib::Response&)> body, bool needs_token) {
  return [this, body = std::move(body), needs_token](const httplib::Request& request,
                                                     httplib::Response& response) {
    ++in_flight;
    struct Leave {
      std::atomic<int64_t>& count;
      ~Leave() { --count; }
    } leave{in_flight};
    try {
      if (needs_token) CheckAuth(request);
      body(request, response);
    } catch (const RequestError& error) {
      WriteError(response, error);
    } catch (const Error& error) {
      const int status = serve::HttpStatusFor(error.kind());
      if (status >= 500) {
        ++internal_errors;
        Log(fmt::format("error answering {} {}: {}", request.method, request.path, error.what()));
      }
      WriteError(response,
                 RequestError(status, serve::ErrorCodeFor(error.kind()), "", error.what()));
    } catch (const std::bad_alloc&) {
      Log(fmt::format("out of memory answering {} {}", request.method, request.path));
      WriteError(response, RequestError(503, "out_of_memory", "",
                                        "the server ran out of memory; send fewer tracks"));
    } catch (const std::exception& error) {
      ++internal_errors;
      Log(fmt::format("internal error answering {} {}: {}", request.method, request.path,
                      error.what()));
      WriteError(response,
                 RequestError(500, "internal", "",
                              fmt::format("internal error: {}; please report it", error.what())));
    }
  };
}

void PredictionServer::Impl::CheckAuth(const httplib::Request& request) const {
  if (options.token.empty()) return;
  const std::string header = request.get_header_value("Authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (header.empty()) {
    throw RequestError(401, "unauthorized", "Authorization",
                       "this server needs a token: send the header 'Authorization: Bearer "
                       "<token>' (the content of the server's --token-file)");
  }
  if (header.compare(0, kBearer.size(), kBearer) != 0 ||
      !ConstantTimeEquals(std::string_view(header).substr(kBearer.size()), options.token)) {
    throw RequestError(401, "unauthorized", "Authorization",
                       "the bearer token is wrong; send 'Authorization: Bearer <token>' with the "
                       "content of the server's --token-file");
  }
}

std::shared_ptr<const serve::ServedModel> PredictionServer::Impl::FindModel(
    const std::string& name) {
  if (!IsValidModelName(name)) {
    throw RequestError(400, "invalid_model_name", "name",
                       fmt::format("'{}' is not a model name: names are 1-128 letters, digits, "
                                   "'.', '_' or '-'; GET /models lists the models",
                                   name.substr(0, 200)));
  }
  std::shared_ptr<const serve::ServedModel> model = catalog->Find(name);
  if (model == nullptr) {
    std::vector<std::string> names;
    for (const auto& [known, unused] : *catalog->Models()) names.push_back(known);
    throw RequestError(404, "unknown_model", "name",
                       fmt::format("no model named '{}'{}; the server has {}", name,
                                   DidYouMean(name, names), QuoteList(names)));
  }
  tls_request.model = name + "@" + model->info().version;
  return model;
}

void PredictionServer::Impl::Predict(const httplib::Request& request, httplib::Response& response,
                                     bool csv) {
  // The model is taken once: a promotion during this request does not change it.
  std::shared_ptr<const serve::ServedModel> model = FindModel(request.matches[1]);
  const std::string type = MediaType(request.get_header_value("Content-Type"));
  const bool type_ok =
      csv ? (type == "text/csv" || type == "application/csv") : type == "application/json";
  if (!type_ok) {
    throw RequestError(
        415, "unsupported_media_type", "Content-Type",
        fmt::format("{} takes {}, not '{}'; send the header 'Content-Type: {}'", request.path,
                    csv ? "a CSV body (text/csv)" : "a JSON body (application/json)",
                    type.empty() ? "(none)" : type, csv ? "text/csv" : "application/json"));
  }
  const std::string accept = request.get_header_value("Accept");
  const bool json_answer = !csv || accept.find("application/json") != std::string::npos ||
                           request.get_param_value("format") == "json";
  serve::PredictRequest parsed =
      csv ? serve::ParseCsvRequest(request.body, *model, limits,
                                   request.get_param_value("contributions"))
          : serve::ParseJsonRequest(request.body, *model, limits);
  if (csv && !json_answer && parsed.contributions > 0) {
    throw RequestError(422, "invalid_contributions", "contributions",
                       "contributions come in JSON answers only; send 'Accept: application/json'");
  }
  std::vector<serve::TrackPrediction> predictions = model->Predict(parsed.x, parsed.contributions);
  metrics.CountPredictions(model->info().name, model->info().version, parsed.x.rows());
  response.set_header("Cache-Control", "no-store");
  if (json_answer) {
    response.set_content(serve::PredictionsJson(*model, parsed, predictions), "application/json");
  } else {
    response.set_content(serve::PredictionsCsv(*model, parsed, predictions),
                         "text/csv; charset=utf-8");
  }
}

void PredictionServer::Impl::Health(httplib::Response& response) {
  std::shared_ptr<const serve::Snapshot> models = catalog->Models();
  std::vector<std::string> errors = catalog->errors();
  ojson health = {{"status", errors.empty() ? "ok" : "degraded"},
                  {"models", models->size()},
                  {"source", catalog->Describe()},
                  {"auth", !options.token.empty()},
                  {"uptime_seconds", std::chrono::duration<double>(Clock::now() - started).count()},
                  {"in_flight", in_flight.load()},
                  {"reload_errors", errors},
                  {"limits",
                   {{"max_body_bytes", options.max_body_bytes},
                    {"max_batch", options.max_batch},
                    {"max_explained", options.max_explained}}}};
  if (options.token.empty()) {
    ojson names = ojson::array();
    for (const auto& [name, model] : *models) names.push_back(name + "@" + model->info().version);
    health["served"] = names;
  }
  response.set_header("Cache-Control", "no-store");
  response.set_content(health.dump(), "application/json");
}

std::string PredictionServer::Impl::MetricsText() {
  std::shared_ptr<const serve::Snapshot> models = catalog->Models();
  std::map<std::string, std::pair<std::string, double>> gauges = {
      {"hitscope_http_requests_in_flight",
       {"Requests being answered now.", static_cast<double>(in_flight.load())}},
      {"hitscope_models_served", {"Models served now.", static_cast<double>(models->size())}},
      {"hitscope_model_reloads_total",
       {"Times the model source changed and was reloaded.",
        static_cast<double>(catalog->reloads())}},
      {"hitscope_model_reload_errors",
       {"Models that failed to reload (see /health).",
        static_cast<double>(catalog->errors().size())}},
      {"hitscope_internal_errors_total",
       {"Requests that failed inside the server (5xx).",
        static_cast<double>(internal_errors.load())}},
      {"process_resident_memory_bytes",
       {"Resident memory of the server process.",
        static_cast<double>(serve::ResidentMemoryBytes())}},
      {"hitscope_uptime_seconds",
       {"Seconds since the server started.",
        std::chrono::duration<double>(Clock::now() - started).count()}},
  };
  return metrics.Prometheus(gauges);
}

void PredictionServer::Impl::SetUpRoutes() {
  auto page_headers = [](httplib::Response& response) {
    response.set_header("Cache-Control", "no-cache");
    response.set_header("X-Content-Type-Options", "nosniff");
  };
  http.Get("/|/index\\.html", Guard(
                                  [page_headers](const httplib::Request&, httplib::Response& r) {
                                    page_headers(r);
                                    r.set_header("Content-Security-Policy",
                                                 "default-src 'self'; style-src 'self' "
                                                 "'unsafe-inline'; img-src 'self' data:; "
                                                 "object-src 'none'; base-uri 'none'; "
                                                 "frame-ancestors 'none'");
                                    r.set_content(std::string(serve::PageHtml()),
                                                  "text/html; charset=utf-8");
                                  },
                                  false));
  struct Asset {
    const char* path;
    std::string_view (*bytes)();
    const char* type;
  };
  for (const Asset& asset :
       {Asset{"/assets/app\\.js", serve::PageScript, "text/javascript"},
        Asset{"/assets/app\\.css", serve::PageStyle, "text/css"},
        Asset{"/assets/echarts\\.min\\.js", serve::ChartScript, "text/javascript"}}) {
    http.Get(asset.path, Guard(
                             [asset, page_headers](const httplib::Request&, httplib::Response& r) {
                               page_headers(r);
                               r.set_content(std::string(asset.bytes()),
                                             std::string(asset.type) + "; charset=utf-8");
                             },
                             false));
  }
  http.Get("/health",
           Guard([this](const httplib::Request&, httplib::Response& r) { Health(r); }, false));
  http.Get("/openapi.json", Guard(
                                [this](const httplib::Request&, httplib::Response& r) {
                                  std::vector<std::string> names;
                                  for (const auto& [name, m] : *catalog->Models()) {
                                    names.push_back(name);
                                  }
                                  r.set_content(serve::OpenApiJson(!options.token.empty(), names),
                                                "application/json");
                                },
                                false));
  http.Get("/metrics", Guard(
                           [this](const httplib::Request&, httplib::Response& r) {
                             r.set_header("Cache-Control", "no-store");
                             r.set_content(MetricsText(), "text/plain; version=0.0.4");
                           },
                           true));
  http.Get("/models", Guard(
                          [this](const httplib::Request&, httplib::Response& r) {
                            ojson list = ojson::array();
                            for (const auto& [name, model] : *catalog->Models()) {
                              list.push_back(serve::ModelJson(*model));
                            }
                            r.set_header("Cache-Control", "no-store");
                            r.set_content(ojson({{"models", list}}).dump(), "application/json");
                          },
                          true));
  http.Get("/models/([^/]+)", Guard(
                                  [this](const httplib::Request& request, httplib::Response& r) {
                                    auto model = FindModel(request.matches[1]);
                                    r.set_header("Cache-Control", "no-store");
                                    r.set_content(serve::ModelJson(*model).dump(),
                                                  "application/json");
                                  },
                                  true));
  http.Post("/models/([^/]+)/predict",
            Guard([this](const httplib::Request& q, httplib::Response& r) { Predict(q, r, false); },
                  true));
  http.Post("/models/([^/]+)/predict\\.csv",
            Guard([this](const httplib::Request& q, httplib::Response& r) { Predict(q, r, true); },
                  true));
  // Every other method and path: 405 naming the allowed method for a known path, else 404.
  auto other = [this](const httplib::Request& request, httplib::Response&) {
    Route route = serve::RouteOf(request.path);
    const bool get = IsGetRoute(route), post = IsPostRoute(route);
    if (get || post) {
      throw RequestError(
          405, "method_not_allowed", "method",
          fmt::format("{} takes {}, not {}", request.path, get ? "GET" : "POST", request.method));
    }
    throw RequestError(404, "not_found", "path",
                       fmt::format("no endpoint {} {}; GET /openapi.json lists them",
                                   request.method, request.path));
  };
  auto allow = [](httplib::Response& response, const httplib::Request& request) {
    Route route = serve::RouteOf(request.path);
    if (IsGetRoute(route)) response.set_header("Allow", "GET, HEAD");
    if (IsPostRoute(route)) response.set_header("Allow", "POST");
  };
  auto fallback = [this, other, allow](const httplib::Request& q, httplib::Response& r) {
    Guard(other, false)(q, r);
    allow(r, q);
  };
  http.Get(".*", fallback);
  http.Post(".*", fallback);
  http.Put(".*", fallback);
  http.Patch(".*", fallback);
  http.Delete(".*", fallback);
}

PredictionServer::PredictionServer(ServeOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

PredictionServer::~PredictionServer() {
  Stop();
}

int PredictionServer::Bind() {
  Impl& impl = *impl_;
  errno = 0;
  int port = impl.options.port;
  bool ok = true;
  if (port == 0) {
    port = impl.http.bind_to_any_port(impl.options.host);
    ok = port > 0;
  } else {
    ok = impl.http.bind_to_port(impl.options.host, port);
  }
  if (!ok) {
    const int error = errno;
    throw IoError(fmt::format(
        "serve: cannot listen on {}:{}{}; choose another --port (0 picks a free one) or stop the "
        "program using it, and check that --host is an address of this machine",
        impl.options.host, impl.options.port,
        error != 0 ? fmt::format(" ({})", std::strerror(error)) : std::string()));
  }
  impl.bound = true;
  impl.port = port;
  return port;
}

void PredictionServer::Run() {
  Impl& impl = *impl_;
  if (!impl.bound) throw InternalError("PredictionServer::Run before Bind");
  if (impl.stopping.load()) return;
  const bool loopback = impl.options.host == "127.0.0.1" || impl.options.host == "localhost" ||
                        impl.options.host == "::1";
  if (!loopback && impl.options.token.empty()) {
    impl.Log(
        fmt::format("warning: serving on {} without --token-file: anyone who can reach this "
                    "port can use the API",
                    impl.options.host));
  }
  impl.Log(fmt::format("listening on http://{}:{}/ ({}; models from {})", impl.options.host,
                       impl.port, impl.options.token.empty() ? "no token" : "bearer token",
                       impl.catalog->Describe()));
  const bool ok = impl.http.listen_after_bind();
  impl.Log(fmt::format("stopped: every request in flight was answered ({} still counted)",
                       impl.in_flight.load()));
  if (!ok && !impl.stopping.load()) {
    throw IoError("serve: the server stopped accepting connections after a socket error");
  }
}

void PredictionServer::Stop() {
  Impl& impl = *impl_;
  impl.stopping = true;
  impl.StopListening();
}

int64_t PredictionServer::InFlight() const {
  return impl_->in_flight.load();
}

std::vector<std::string> PredictionServer::Describe() const {
  std::vector<std::string> out;
  for (const auto& [name, model] : *impl_->catalog->Models()) {
    out.push_back(fmt::format("{}@{} ({}, {} features, contributions: {})", name,
                              model->info().version, model->Describe(), model->features().size(),
                              serve::ContributionMethodName(model->method())));
  }
  return out;
}

}  // namespace hitscope
