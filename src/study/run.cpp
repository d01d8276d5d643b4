// The study's driver: load (or integrate), build the dataset, explore, cluster, then the model
// sections (run_models.cpp). Each step is timed and announced to the progress callback.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <numeric>

#include <fmt/format.h>

#include <hitscope/csv.hpp>
#include <hitscope/error.hpp>
#include <hitscope/integrate.hpp>
#include <hitscope/study.hpp>

#include "core/trace.hpp"
#include "study/internal.hpp"

namespace hitscope {
namespace study {

namespace {

uint64_t Mix(uint64_t x) {  // SplitMix64's finaliser
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

std::vector<int64_t> SampleRows(int64_t rows, int64_t limit, uint64_t seed) {
  std::vector<int64_t> all(static_cast<size_t>(rows));
  std::iota(all.begin(), all.end(), 0);
  if (limit <= 0 || rows <= limit) return all;
  const uint64_t key = Mix(seed ^ 0x5eed5a3b1e5ULL);
  std::vector<std::pair<uint64_t, int64_t>> keyed(all.size());
  for (int64_t row = 0; row < rows; ++row) {
    keyed[static_cast<size_t>(row)] = {Mix(key ^ static_cast<uint64_t>(row)), row};
  }
  std::nth_element(keyed.begin(), keyed.begin() + limit, keyed.end());
  std::vector<int64_t> chosen(static_cast<size_t>(limit));
  for (int64_t k = 0; k < limit; ++k) chosen[static_cast<size_t>(k)] = keyed[k].second;
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

Dataset SampleDataset(const Dataset& data, int64_t limit, uint64_t seed, const std::string& what,
                      StudyResult* result) {
  if (limit <= 0 || data.rows() <= limit) return data;
  std::vector<int64_t> rows = SampleRows(data.rows(), limit, seed);
  result->budget_notes.push_back(
      fmt::format("{}: a seeded sample of {} of the {} rows (budget)", what, limit, data.rows()));
  return SubsetDataset(data, rows);
}

std::string FormatScore(double value) {
  return std::isfinite(value) ? fmt::format("{:.3f}", value) : "n/a";
}

std::string FormatPoints(double share) {
  return fmt::format("{:+.1f} points", 100 * share);
}

std::string JoinWords(const std::vector<std::string>& words) {
  std::string out;
  for (size_t k = 0; k < words.size(); ++k) {
    if (k > 0) out += k + 1 == words.size() ? " and " : ", ";
    out += words[k];
  }
  return out;
}

namespace {

class StepTimer {
 public:
  StepTimer(StudyResult* result, const StudyProgress& progress, int total)
      : result_(result), progress_(progress), total_(total) {}
  ~StepTimer() { Stop(); }

  void Start(const std::string& name) {
    Stop();
    name_ = name;
    ++index_;
    start_ = std::chrono::steady_clock::now();
    if (progress_) progress_(name, index_, std::max(total_, index_));
  }
  void Stop() {
    if (name_.empty()) return;
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    result_->steps.push_back({name_, seconds});
    if (TraceEnabled()) fmt::print(stderr, "[trace] study: {}: {:.3f} s\n", name_, seconds);
    name_.clear();
  }

 private:
  StudyResult* result_;
  const StudyProgress& progress_;
  int total_;
  int index_ = 0;
  std::string name_;
  std::chrono::steady_clock::time_point start_;
};

// Profile class edges (lower-inclusive) equal to the dataset's classes (upper-inclusive): for
// integer popularity, edge + 1.
std::vector<double> ProfileEdges(const Dataset& data) {
  bool integral = std::all_of(data.popularity.begin(), data.popularity.end(),
                              [](double p) { return p == std::floor(p); });
  std::vector<double> edges;
  for (double e : data.classes.upper_edges) {
    edges.push_back(integral ? std::floor(e) + 1
                             : std::nextafter(e, std::numeric_limits<double>::infinity()));
  }
  return edges;
}

void Explore(const Table& table, const Dataset& data, const StudyConfig& config,
             const std::string& source, StudyResult* result) {
  ProfileOptions options;
  options.roles.popularity = data.roles.target;
  options.roles.release_date = data.roles.date;
  options.roles.id = data.roles.id;
  options.roles.isrc = data.roles.isrc;
  options.roles.features = data.feature_names;
  if (!config.roles.artist.empty()) options.roles.artist = config.roles.artist;
  options.class_edges = ProfileEdges(data);
  options.class_labels = data.classes.names;
  options.title = "Exploration";
  std::vector<SourceFile> sources;
  std::error_code error;
  auto bytes = std::filesystem::is_regular_file(source, error)
                   ? static_cast<int64_t>(std::filesystem::file_size(source, error))
                   : 0;
  sources.push_back({source, bytes});
  result->profile = Profile(table, options, sources);
}

void Cluster(const Table& table, const Dataset& data, const StudyConfig& config,
             const std::function<void(const std::string&)>& step, StudyResult* result) {
  for (const auto& feature : config.cluster_features) {
    if (!table.HasColumn(feature)) {
      result->notes.push_back(fmt::format(
          "clustering skipped: the table has no column '{}' (set clustering.features)", feature));
      return;
    }
  }
  for (const auto& algorithm : config.cluster_algorithms) {
    step("clustering: " + algorithm);
    ClusterAnalysisOptions o;
    o.features = config.cluster_features;
    o.algorithm = algorithm;
    o.kmeans.n_clusters = config.cluster_k;
    o.kmeans.seed = static_cast<uint32_t>(config.seed);
    o.kmeans.n_init = config.kmeans_n_init;
    o.bisecting.n_clusters = config.cluster_k;
    o.bisecting.seed = static_cast<uint32_t>(config.seed);
    o.birch.n_clusters = config.cluster_k;
    o.dbscan.eps = config.dbscan_eps;
    o.dbscan.min_samples = config.dbscan_min_samples;
    o.drop_missing = true;
    o.popularity_column = data.roles.target;
    o.silhouette_sample_size = config.silhouette_rows;
    o.silhouette_repeats = config.silhouette_repeats;
    const int64_t limit = algorithm == "dbscan" ? config.dbscan_rows : config.cluster_rows;
    std::vector<int64_t> rows = SampleRows(table.num_rows(), limit, config.seed);
    o.silhouette = static_cast<int64_t>(rows.size()) <= config.silhouette_rows
                       ? SilhouetteMode::kExact
                       : SilhouetteMode::kSampled;
    if (algorithm == "kmeans") o.sweep_k_max = config.sweep_k_max;
    ClusterAnalysis analysis;
    if (static_cast<int64_t>(rows.size()) < table.num_rows()) {
      result->budget_notes.push_back(
          fmt::format("clustering with {}: a seeded sample of {} of the {} rows (budget)",
                      algorithm, rows.size(), table.num_rows()));
      analysis = AnalyseClusters(table.Take(rows), o);
    } else {
      analysis = AnalyseClusters(table, o);
    }
    analysis.source = std::filesystem::path(result->source).filename().string();
    result->cluster_rows.push_back(static_cast<int64_t>(rows.size()));
    result->clusters.push_back(std::move(analysis));
  }
  if (config.silhouette_rows < table.num_rows()) {
    result->budget_notes.push_back(fmt::format(
        "silhouettes: the mean of {} seeded samples of {} rows each (exact silhouettes need "
        "time quadratic in the rows)",
        config.silhouette_repeats, config.silhouette_rows));
  }
}

int CountSteps(const StudyConfig& c) {
  int steps = 1;
  if (c.Runs("exploration")) ++steps;
  if (c.Runs("clustering")) steps += static_cast<int>(c.cluster_algorithms.size());
  if (c.Runs("models")) steps += static_cast<int>(c.protocols.size()) + 4;
  if (c.Runs("leakage")) steps += static_cast<int>(c.leakage_resamplers.size());
  if (c.Runs("importance")) ++steps;
  if (c.Runs("regression")) ++steps;
  return steps;
}

}  // namespace
}  // namespace study

StudyResult RunStudyOnTable(const Table& table, const std::string& source,
                            const StudyConfig& config, const StudyProgress& progress) {
  ValidateStudyConfig(config);
  const auto start = std::chrono::steady_clock::now();
  StudyResult result;
  result.config = config;
  result.source = source;
  if (result.source_kind.empty()) result.source_kind = "csv";
  result.rows = table.num_rows();
  result.hitscope_version = "0.1.0";
  study::StepTimer timer(&result, progress, study::CountSteps(config));
  auto step = [&](const std::string& name) { timer.Start(name); };

  step("dataset");
  DatasetOptions options;
  options.roles = config.roles;
  options.classes = config.classes;
  options.class_names = config.class_names;
  options.drop_missing = true;
  Dataset data = BuildDataset(table, options);
  if (data.dropped_missing > 0) {
    result.notes.push_back(
        fmt::format("{} rows with a missing feature or popularity left out", data.dropped_missing));
  }
  if (config.Runs("exploration")) {
    step("exploration");
    study::Explore(table, data, config, source, &result);
  }
  if (config.Runs("clustering")) study::Cluster(table, data, config, step, &result);
  study::RunModelSections(table, data, config, &result, step);
  timer.Stop();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

StudyResult RunStudy(const std::string& source, const StudyConfig& config,
                     const StudyProgress& progress) {
  ValidateStudyConfig(config);
  Table table;
  std::string kind = "csv", note;
  if (std::filesystem::is_directory(source)) {
    if (progress) progress("integrating the five files", 0, 0);
    IntegrateReport report;
    table = Integrate(source, {}, &report);
    kind = "Beatport/Spotify folder (integrated)";
    note = report.Summary();
  } else {
    CsvReadOptions read;
    read.progress_label = "reading";
    table = ReadCsv(source, read);
  }
  StudyResult result = RunStudyOnTable(table, source, config, progress);
  result.source_kind = kind;
  result.integrate_note = note;
  return result;
}

}  // namespace hitscope
