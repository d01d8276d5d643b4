// The serving benchmark's micro-benchmark of one prediction request without HTTP: a model file
// and a JSON body in, the time per request of each step out (parsing and validation, the
// prediction, the answer's JSON), so that a change to one of them can be measured on its own.
//
//   hitscope_serve_predict_path MODEL.hsm BODY.json [--seconds 3]
//
// Prints one line per step: CPU microseconds per request (this thread's CPU time, so that other
// processes on a loaded machine count less; the median of rounds of about 0.1 s), and the
// answer's size and a checksum of it so that two builds can be compared for equal answers. A
// batch of more than 256 tracks is predicted on several threads, whose time is not counted.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <time.h>

#include <hitscope/model_file.hpp>

#include "serve/predict_request.hpp"
#include "serve/responses.hpp"
#include "serve/served_model.hpp"

namespace {

// This thread's CPU time in microseconds.
double CpuMicroseconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e6 + static_cast<double>(now.tv_nsec) / 1e3;
}

// Median CPU microseconds per call of fn over rounds of about 0.1 s filling about `seconds`.
double Time(const std::function<void()>& fn, double seconds) {
  std::vector<double> rounds;
  const double stop = CpuMicroseconds() + seconds * 1e6;
  while (CpuMicroseconds() < stop || rounds.size() < 3) {
    int calls = 0;
    const double start = CpuMicroseconds();
    do {
      fn();
      ++calls;
    } while (CpuMicroseconds() - start < 1e5);
    rounds.push_back((CpuMicroseconds() - start) / calls);
  }
  std::sort(rounds.begin(), rounds.end());
  return rounds[rounds.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  using namespace hitscope;
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s MODEL.hsm BODY.json [--seconds S]\n", argv[0]);
    return 2;
  }
  double seconds = 3;
  if (argc >= 5 && std::string(argv[3]) == "--seconds") seconds = std::atof(argv[4]);
  std::ifstream file(argv[2], std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  const std::string body = text.str();

  serve::ModelInfo info;
  info.name = "popularity";
  info.version = "bench";
  const serve::ServedModel model(std::move(info), LoadModel(argv[1]));
  const serve::RequestLimits limits;

  serve::PredictRequest request = serve::ParseJsonRequest(body, model, limits);
  std::vector<serve::TrackPrediction> predictions = model.Predict(request.x, request.contributions);
  const std::string answer = serve::PredictionsJson(model, request, predictions);
  uint64_t checksum = 1469598103934665603ULL;
  for (unsigned char c : answer) checksum = (checksum ^ c) * 1099511628211ULL;

  const double parse = Time([&] { serve::ParseJsonRequest(body, model, limits); }, seconds);
  const double predict = Time([&] { model.Predict(request.x, request.contributions); }, seconds);
  const double respond =
      Time([&] { serve::PredictionsJson(model, request, predictions); }, seconds);
  const double all = Time(
      [&] {
        serve::PredictRequest r = serve::ParseJsonRequest(body, model, limits);
        serve::PredictionsJson(model, r, model.Predict(r.x, r.contributions));
      },
      seconds);
  fmt::print(
      "tracks {}\nparse_us {:.1f}\npredict_us {:.1f}\nrespond_us {:.1f}\nall_us {:.1f}\n"
      "answer_bytes {}\nanswer_fnv1a {:016x}\n",
      request.x.rows(), parse, predict, respond, all, answer.size(), checksum);
  return 0;
}
