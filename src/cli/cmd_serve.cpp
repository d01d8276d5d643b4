// hitscope serve: the HTTP prediction API and web page (include/hitscope/serve.hpp) over a folder
// of model files or a registry, until SIGINT or SIGTERM.
//
// Signals are blocked in every thread before the server starts its workers, and one thread waits
// for them with sigwait: Stop() is then called from an ordinary thread (it takes locks, which a
// signal handler must not), and the requests in flight are answered before Run() returns.
#include <atomic>
#include <csignal>
#include <cstring>
#include <thread>

#include <fmt/format.h>
#include <pthread.h>

#include <hitscope/error.hpp>
#include <hitscope/file.hpp>
#include <hitscope/serve.hpp>

#include "cli/registry.hpp"

namespace hitscope::cli {

namespace {

// The token is the file's first line, without surrounding spaces.
std::string ReadToken(const std::string& path) {
  std::string text = ReadFileToString(path);
  text = text.substr(0, text.find_first_of("\r\n"));
  const size_t first = text.find_first_not_of(" \t");
  if (first == std::string::npos) {
    throw InvalidInput(fmt::format(
        "--token-file '{}' is empty; write the token (e.g. from 'openssl rand -hex 32') on its "
        "first line",
        path));
  }
  text = text.substr(first, text.find_last_not_of(" \t") - first + 1);
  if (text.find_first_of(" \t") != std::string::npos) {
    throw InvalidInput(
        fmt::format("the token in --token-file '{}' holds spaces; use one word", path));
  }
  return text;
}

void AddServeCommand(CLI::App& app, const GlobalFlags& flags) {
  auto* command = app.add_subcommand(
      "serve", "Serve models over HTTP: a JSON prediction API, /metrics and a web page");
  struct Args {
    ServeOptions options;
    std::string token_file;
    bool no_access_log = false;
  };
  auto args = std::make_shared<Args>();
  ServeOptions& options = args->options;
  auto* models =
      command->add_option("--models", options.models_dir,
                          "Folder of model files: every NAME.hsm in it is served as NAME");
  auto* registry =
      command->add_option("--registry", options.registry_path,
                          "Model registry (SQLite): the promoted version of each name");
  models->excludes(registry);
  command->add_option("--host", options.host, "Address to listen on (loopback by default)")
      ->capture_default_str();
  command->add_option("--port", options.port, "TCP port (0: a free one, printed at start)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  command
      ->add_option("--threads", options.threads,
                   "HTTP worker threads, one connection each (0: max(8, cores))")
      ->check(CLI::NonNegativeNumber);
  command
      ->add_option("--token-file", args->token_file,
                   "File whose first line is the bearer token required by /models* and "
                   "/metrics")
      ->check(CLI::ExistingFile);
  command
      ->add_option("--max-body-bytes", options.max_body_bytes, "Largest request body (413 beyond)")
      ->capture_default_str();
  command->add_option("--max-batch", options.max_batch, "Most tracks per request (413 beyond)")
      ->capture_default_str();
  command
      ->add_option("--max-explained", options.max_explained,
                   "Most tracks per request that may ask for contributions")
      ->capture_default_str();
  command
      ->add_option("--reload-interval-ms", options.reload_interval_ms,
                   "How often the models' source is checked for a new version")
      ->capture_default_str();
  command->add_flag("--no-access-log", args->no_access_log,
                    "Do not log one line per request on stderr");
  command->footer(
      "Endpoints: GET / (web page), /health, /models, /models/NAME, /openapi.json, /metrics;\n"
      "POST /models/NAME/predict (JSON) and /models/NAME/predict.csv (CSV). A model promoted in\n"
      "the registry (or a changed file) is served without a restart; SIGTERM or Ctrl-C stops\n"
      "accepting connections and exits once the requests in flight are answered.\n"
      "See docs/serving.md.\n"
      "Examples:\n"
      "  hitscope train data/spotify_songs.csv --model forest --out models/popularity.hsm\n"
      "  hitscope serve --models models --port 8080\n"
      "  hitscope registry add models/popularity.hsm --name popularity --promote\n"
      "  hitscope serve --registry models.db --token-file token.txt\n"
      "  curl -s localhost:8080/models/popularity/predict -H 'Content-Type: application/json' \\\n"
      "      -d '{\"track\": {\"danceability\": 0.7, ...}}'");
  command->callback([args, &flags] {
    if (args->options.models_dir.empty() && args->options.registry_path.empty()) {
      throw InvalidArgument(
          "serve: give the models with --models DIR (a folder of NAME.hsm files) or --registry "
          "FILE (see 'hitscope registry --help')");
    }
    ServeOptions serve = args->options;
    if (!args->token_file.empty()) serve.token = ReadToken(args->token_file);
    if (flags.quiet || args->no_access_log) serve.access_log = false;

    // Blocked before any thread starts, so every thread inherits the mask and only sigwait
    // below receives these signals.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    PredictionServer server(serve);
    const int port = server.Bind();
    for (const std::string& line : server.Describe()) fmt::print(stderr, "serving {}\n", line);
    // Scripts read the port from this line (with --port 0).
    fmt::print("http://{}:{}/\n", serve.host, port);
    std::fflush(stdout);

    std::atomic<bool> finished{false};
    std::thread waiter([&server, &finished, signals] {
      int signal_number = 0;
      while (sigwait(&signals, &signal_number) == 0) {
        if (signal_number != SIGINT && signal_number != SIGTERM) continue;  // SIGHUP: ignored
        if (finished.load()) return;  // woken by this thread after Run() returned
        fmt::print(stderr, "{}: finishing the requests in flight, then stopping\n",
                   signal_number == SIGINT ? "SIGINT" : "SIGTERM");
        server.Stop();
        return;
      }
    });
    // Ends the waiter whether it already stopped the server or is still waiting.
    auto end_waiter = [&] {
      finished = true;
      pthread_kill(waiter.native_handle(), SIGTERM);
      waiter.join();
    };
    try {
      server.Run();
    } catch (...) {
      end_waiter();
      throw;
    }
    end_waiter();
  });
}

const CommandRegistration kRegistration(70, "serve", &AddServeCommand);

}  // namespace
}  // namespace hitscope::cli
