// hitscope_fixed_rate: an open-loop HTTP load generator, the part of wrk2 that Debian lacks.
// Sends POST requests at a fixed total rate over keep-alive connections, request i of connection
// c due at start + (i * connections + c) / rate, and measures each latency from the time it was
// due, so a slow answer that delays the next request is charged to that request too (wrk's
// closed loop would hide it: coordinated omission). Prints one JSON line.
//
//   hitscope_fixed_rate --port P --path /models/popularity/predict --body FILE --rate 1000
//                       --seconds 20 [--connections 4] [--warmup 2]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <httplib.h>

namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  int port = 8080;
  std::string path = "/";
  std::string body;
  double rate = 1000;
  double seconds = 10;
  double warmup = 2;
  int connections = 4;
};

struct Result {
  std::vector<double> latency_us;  // from the due time
  std::vector<double> service_us;  // from the actual send
  long errors = 0;
  long sent = 0;
};

double Percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  const size_t rank = std::min(values.size() - 1, static_cast<size_t>(p / 100.0 * values.size()));
  std::nth_element(values.begin(), values.begin() + static_cast<long>(rank), values.end());
  return values[rank];
}

Args Parse(int argc, char** argv) {
  Args args;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--port") {
      args.port = std::stoi(value);
    } else if (flag == "--path") {
      args.path = value;
    } else if (flag == "--body") {
      std::ifstream in(value, std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      args.body = text.str();
    } else if (flag == "--rate") {
      args.rate = std::stod(value);
    } else if (flag == "--seconds") {
      args.seconds = std::stod(value);
    } else if (flag == "--warmup") {
      args.warmup = std::stod(value);
    } else if (flag == "--connections") {
      args.connections = std::stoi(value);
    } else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      std::exit(2);
    }
  }
  return args;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = Parse(argc, argv);
  const auto total = static_cast<long>(args.rate * (args.warmup + args.seconds));
  const auto warmup = static_cast<long>(args.rate * args.warmup);
  std::vector<Result> results(static_cast<size_t>(args.connections));
  const Clock::time_point start = Clock::now() + std::chrono::milliseconds(100);
  std::vector<std::thread> threads;
  for (int c = 0; c < args.connections; ++c) {
    threads.emplace_back([&, c] {
      Result& result = results[static_cast<size_t>(c)];
      httplib::Client client("127.0.0.1", args.port);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);  // else Nagle + delayed ACK stall each request 40 ms
      client.set_read_timeout(10, 0);
      for (long i = c; i < total; i += args.connections) {
        const Clock::time_point due =
            start +
            std::chrono::nanoseconds(static_cast<long>(1e9 * static_cast<double>(i) / args.rate));
        std::this_thread::sleep_until(due);
        const Clock::time_point sent = Clock::now();
        httplib::Result answer = client.Post(args.path, args.body, "application/json");
        const Clock::time_point done = Clock::now();
        if (i < warmup) continue;
        ++result.sent;
        if (!answer || answer->status != 200) {
          ++result.errors;
          continue;
        }
        result.latency_us.push_back(std::chrono::duration<double, std::micro>(done - due).count());
        result.service_us.push_back(std::chrono::duration<double, std::micro>(done - sent).count());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count() - args.warmup;
  Result all;
  for (Result& r : results) {
    all.latency_us.insert(all.latency_us.end(), r.latency_us.begin(), r.latency_us.end());
    all.service_us.insert(all.service_us.end(), r.service_us.begin(), r.service_us.end());
    all.errors += r.errors;
    all.sent += r.sent;
  }
  const double ok = static_cast<double>(all.latency_us.size());
  fmt::print(
      "{{\"rate\": {}, \"sent\": {}, \"errors\": {}, \"achieved_rate\": {:.1f}, "
      "\"p50_us\": {:.1f}, \"p90_us\": {:.1f}, \"p99_us\": {:.1f}, \"p999_us\": {:.1f}, "
      "\"max_us\": {:.1f}, \"service_p50_us\": {:.1f}, \"service_p99_us\": {:.1f}}}\n",
      args.rate, all.sent, all.errors, ok / elapsed, Percentile(all.latency_us, 50),
      Percentile(all.latency_us, 90), Percentile(all.latency_us, 99),
      Percentile(all.latency_us, 99.9), Percentile(all.latency_us, 100),
      Percentile(all.service_us, 50), Percentile(all.service_us, 99));
  return all.errors == 0 ? 0 : 1;
}
