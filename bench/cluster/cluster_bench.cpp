// bench/cluster/cluster_bench.cpp: hitscope's side of the clustering benchmark
// (bench/cluster/run.py runs scikit-learn's side, bench/cluster/sklearn_peer.py, on the same
// rows). Reads the feature columns of the track table, standard-scales them (as sklearn's
// StandardScaler), then times one task and prints one JSON line: seconds and CPU seconds of the
// task (data loading and scaling excluded), its result, the resident memory before the task and
// the peak during it (the peak is reset before the task, Linux /proc/self/clear_refs), and the
// process's lifetime peak. With --labels FILE it writes the labels, one per line.
//
//   hitscope_cluster_bench FILE kmeans|bisecting|birch|dbscan|silhouette
//       [--features a,b,c] [--rows N] [--k K] [--seed S] [--n-init N] [--threshold T]
//       [--eps E] [--min-samples M] [--threads N] [--labels FILE]
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <sys/resource.h>

#include <hitscope/cluster.hpp>
#include <hitscope/cluster_indices.hpp>
#include <hitscope/csv.hpp>
#include <hitscope/error.hpp>
#include <hitscope/preprocess.hpp>
#include <hitscope/runtime.hpp>

namespace {

using Clock = std::chrono::steady_clock;

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

double LifetimePeakMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// VmRSS or VmHWM of this process in MB (-1 when /proc is not there).
double StatusMb(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) {
      std::istringstream fields(line.substr(std::strlen(key) + 1));
      double kb = 0;
      fields >> kb;
      return kb / 1024.0;
    }
  }
  return -1;
}

// Resets VmHWM to the current RSS (Linux >= 4.0); false where not allowed.
bool ResetPeak() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  return static_cast<bool>(out);
}

std::vector<std::string> Split(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) out.push_back(item);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: hitscope_cluster_bench FILE kmeans|bisecting|birch|dbscan|silhouette "
                 "[--features a,b] [--rows N] [--k K] [--seed S] [--n-init N] [--threshold T] "
                 "[--eps E] [--min-samples M] [--threads N] [--labels FILE]\n");
    return 2;
  }
  const std::string file = argv[1], task = argv[2];
  std::vector<std::string> features = {"acousticness", "instrumentalness", "energy",
                                       "danceability"};
  int64_t rows = -1;
  int k = 3, n_init = 10, min_samples = 100;
  uint32_t seed = 0;
  double threshold = 0.5, eps = 0.15;
  std::string labels_path;
  for (int i = 3; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--features") features = Split(value);
    if (flag == "--rows") rows = std::stoll(value);
    if (flag == "--k") k = std::stoi(value);
    if (flag == "--seed") seed = static_cast<uint32_t>(std::stoul(value));
    if (flag == "--n-init") n_init = std::stoi(value);
    if (flag == "--threshold") threshold = std::stod(value);
    if (flag == "--eps") eps = std::stod(value);
    if (flag == "--min-samples") min_samples = std::stoi(value);
    if (flag == "--threads") hitscope::SetThreadCount(std::stoi(value));
    if (flag == "--labels") labels_path = value;
  }
  hitscope::SetProgressEnabled(false);
  try {
    hitscope::CsvReadOptions read;
    read.columns = features;
    read.max_rows = rows;
    hitscope::Table table = hitscope::ReadCsv(file, read);
    hitscope::StandardScaler scaler;
    hitscope::Matrix raw = hitscope::TableToMatrix(table, features);
    table = hitscope::Table();
    scaler.Fit(raw);
    const hitscope::Matrix x = scaler.Transform(raw);
    raw = hitscope::Matrix();

    hitscope::Labels labels;
    if (task == "silhouette") {  // the labels to score: k-means, not timed
      hitscope::KMeansOptions o;
      o.n_clusters = k;
      o.n_init = n_init;
      o.seed = seed;
      hitscope::KMeans model(o);
      model.Fit(x);
      labels = model.labels();
    }
    const double rss_before = StatusMb("VmRSS:");
    const bool peak_reset = ResetPeak();
    const double cpu0 = CpuSeconds();
    const auto t0 = Clock::now();
    std::string result;
    if (task == "kmeans") {
      hitscope::KMeansOptions o;
      o.n_clusters = k;
      o.n_init = n_init;
      o.seed = seed;
      hitscope::KMeans model(o);
      model.Fit(x);
      labels = model.labels();
      result = fmt::format("\"inertia\": {:.17g}, \"n_iter\": {}", model.inertia(), model.n_iter());
    } else if (task == "bisecting") {
      hitscope::BisectingKMeansOptions o;
      o.n_clusters = k;
      o.seed = seed;
      hitscope::BisectingKMeans model(o);
      model.Fit(x);
      labels = model.labels();
      result = fmt::format("\"inertia\": {:.17g}", model.inertia());
    } else if (task == "birch") {
      hitscope::BirchOptions o;
      o.n_clusters = k;
      o.threshold = threshold;
      hitscope::Birch model(o);
      model.Fit(x);
      labels = model.labels();
      result = fmt::format("\"subclusters\": {}", model.subcluster_centers().rows());
    } else if (task == "dbscan") {
      hitscope::DbscanOptions o;
      o.eps = eps;
      o.min_samples = min_samples;
      hitscope::Dbscan model(o);
      model.Fit(x);
      labels = model.labels();
      result = fmt::format("\"clusters\": {}, \"noise\": {}, \"core\": {}", model.n_clusters(),
                           model.n_noise(), model.core_sample_indices().size());
    } else if (task == "silhouette") {
      result = fmt::format("\"silhouette\": {:.17g}", hitscope::SilhouetteScore(x, labels));
    } else {
      std::fprintf(stderr, "unknown task '%s'\n", task.c_str());
      return 2;
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    const double cpu = CpuSeconds() - cpu0;
    const double peak_during = peak_reset ? StatusMb("VmHWM:") : -1;
    if (!labels_path.empty()) {
      std::ofstream out(labels_path);
      for (int32_t label : labels) out << label << '\n';
    }
    std::printf(
        "{\"side\": \"hitscope\", \"task\": \"%s\", \"rows\": %lld, \"seconds\": %.4f, "
        "\"cpu_seconds\": %.4f, \"rss_before_mb\": %.1f, \"peak_during_mb\": %.1f, "
        "\"peak_mb\": %.1f, \"threads\": %d, %s}\n",
        task.c_str(), static_cast<long long>(x.rows()), seconds, cpu, rss_before, peak_during,
        LifetimePeakMb(), hitscope::ThreadCount(), result.c_str());
  } catch (const hitscope::Error& e) {
    std::fprintf(stderr, "hitscope_cluster_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
