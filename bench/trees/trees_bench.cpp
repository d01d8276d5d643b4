// bench/trees/trees_bench.cpp: hitscope's side of the trees benchmark (bench/trees/run.py runs
// scikit-learn's side on the same split). Reads the track table, makes 12 audio features and 3
// popularity classes (low <= 33 < medium <= 66 < high), drops rows with a missing feature,
// splits 80/20 with numpy's
// RandomState(0).permutation (the same rows as the Python side), then times one workload and
// prints one JSON line: seconds, test accuracy, peak resident memory, and for tree and forest a
// digest of the trees (equal digests: node-for-node equal trees).
//
//   trees_bench FILE tree|tree_hist|forest|forest_hist|permutation|xgboost_hist [--threads N]
//               [--trees N] [--depth N]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <sys/resource.h>

#include <hitscope/boosting.hpp>
#include <hitscope/csv.hpp>
#include <hitscope/error.hpp>
#include <hitscope/importance.hpp>
#include <hitscope/runtime.hpp>
#include <hitscope/trees.hpp>

#include "learn/cluster/numpy_compat.hpp"

namespace {

using Clock = std::chrono::steady_clock;

const std::vector<std::string> kFeatures = {
    "acousticness", "danceability", "energy", "instrumentalness", "key",    "liveness", "loudness",
    "mode",         "speechiness",  "tempo",  "time_signature",   "valence"};

double PeakMemoryMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// User + system CPU seconds of the process so far (every thread).
double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// FNV-1a over the bytes of every node array of the trees: equal digests mean node-for-node equal
// trees (features, thresholds, impurities, counts, values), to compare builds of the trees code.
uint64_t TreesDigest(const std::vector<hitscope::TreeNodes>& trees) {
  uint64_t hash = 1469598103934665603ULL;
  auto add = [&](const auto& values) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(values.data());
    for (size_t i = 0; i < values.size() * sizeof(values[0]); ++i) {
      hash = (hash ^ bytes[i]) * 1099511628211ULL;
    }
  };
  for (const hitscope::TreeNodes& tree : trees) {
    add(tree.left);
    add(tree.right);
    add(tree.feature);
    add(tree.threshold);
    add(tree.impurity);
    add(tree.n_node_samples);
    add(tree.weighted_n_node_samples);
    add(tree.value);
  }
  return hash;
}

double Accuracy(const hitscope::Labels& predicted, const hitscope::Labels& truth) {
  int64_t correct = 0;
  for (size_t i = 0; i < truth.size(); ++i) correct += predicted[i] == truth[i];
  return static_cast<double>(correct) / static_cast<double>(truth.size());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(
        stderr,
        "usage: trees_bench FILE tree|tree_hist|forest|forest_hist|permutation|xgboost_hist "
        "[--threads N] [--trees N] [--depth N]\n");
    return 2;
  }
  std::string file = argv[1], workload = argv[2];
  int trees = 100, depth = 50;
  for (int i = 3; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--threads") == 0) hitscope::SetThreadCount(std::stoi(argv[i + 1]));
    if (std::strcmp(argv[i], "--trees") == 0) trees = std::stoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--depth") == 0) depth = std::stoi(argv[i + 1]);
  }
  hitscope::SetProgressEnabled(false);
  try {
    auto t0 = Clock::now();
    hitscope::CsvReadOptions read;
    read.columns = kFeatures;
    read.columns.push_back("popularity");
    hitscope::Table table = hitscope::ReadCsv(file, read);
    // Rows with a missing feature are dropped, as pandas' dropna() on the Python side.
    std::vector<uint8_t> keep(static_cast<size_t>(table.num_rows()), 1);
    for (const std::string& name : kFeatures) {
      const hitscope::Column& column = table.column(name);
      for (int64_t row = 0; row < table.num_rows(); ++row) {
        if (column.IsNull(row) || std::isnan(column.NumericAt(row))) keep[row] = 0;
      }
    }
    table = table.Filter(keep);
    hitscope::Matrix x = hitscope::TableToMatrix(table, kFeatures);
    const hitscope::Column& popularity = table.column("popularity");
    hitscope::Labels y(static_cast<size_t>(x.rows()));
    for (int64_t row = 0; row < x.rows(); ++row) {
      double p = popularity.NumericAt(row);
      y[row] = p <= 33 ? 0 : (p <= 66 ? 1 : 2);
    }
    hitscope::cluster::NumpyRandomState random_state(0);
    std::vector<int64_t> order = random_state.Permutation(x.rows());
    int64_t n_test = x.rows() / 5;
    std::vector<int64_t> test_rows(order.begin(), order.begin() + n_test);
    std::vector<int64_t> train_rows(order.begin() + n_test, order.end());
    hitscope::Matrix x_train = x.TakeRows(train_rows), x_test = x.TakeRows(test_rows);
    hitscope::Labels y_train, y_test;
    for (int64_t row : train_rows) y_train.push_back(y[row]);
    for (int64_t row : test_rows) y_test.push_back(y[row]);
    double load_seconds = std::chrono::duration<double>(Clock::now() - t0).count();

    auto start = Clock::now();
    double cpu_start = CpuSeconds();
    double accuracy = 0;
    int64_t nodes = 0;
    std::string extra;
    if (workload == "tree" || workload == "tree_hist") {
      hitscope::DecisionTreeOptions options;
      options.max_depth = depth;
      if (workload == "tree_hist") options.splitter = hitscope::TreeSplitter::kHistogram;
      hitscope::DecisionTreeClassifier tree(options);
      tree.Fit(x_train, y_train);
      accuracy = Accuracy(tree.Predict(x_test), y_test);
      nodes = tree.tree().node_count();
      extra = fmt::format(", \"digest\": \"{:016x}\"", TreesDigest({tree.tree()}));
    } else if (workload == "forest" || workload == "forest_hist") {
      hitscope::RandomForestOptions options;
      options.n_estimators = trees;
      if (workload == "forest_hist") options.tree.splitter = hitscope::TreeSplitter::kHistogram;
      hitscope::RandomForestClassifier forest(options);
      forest.Fit(x_train, y_train);
      accuracy = Accuracy(forest.Predict(x_test), y_test);
      for (const auto& tree : forest.trees()) nodes += tree.node_count();
      extra = fmt::format(", \"digest\": \"{:016x}\"", TreesDigest(forest.trees()));
    } else if (workload == "xgboost_hist") {
      // XGBoost 1.7 through hitscope's wrapper, as the Python side's XGBClassifier.
      hitscope::XGBoostOptions options;
      options.n_estimators = trees;
      options.max_depth = 6;
      options.tree_method = "hist";
      hitscope::XGBoostClassifier model(options);
      model.Fit(x_train, y_train);
      accuracy = Accuracy(model.Predict(x_test), y_test);
    } else if (workload == "permutation") {
      // The depth-`depth` tree, then permutation importance on the test rows (5 repeats).
      hitscope::DecisionTreeOptions options;
      options.max_depth = depth;
      hitscope::DecisionTreeClassifier tree(options);
      tree.Fit(x_train, y_train);
      start = Clock::now();
      cpu_start = CpuSeconds();
      hitscope::PermutationImportanceOptions permutation;
      permutation.n_repeats = 5;
      permutation.seed = 0;
      hitscope::ImportanceResult result =
          hitscope::PermutationImportance(tree, x_test, y_test, permutation);
      accuracy = result.baseline;
      extra = fmt::format(", \"top_feature\": \"{}\"",
                          kFeatures[std::max_element(result.mean.begin(), result.mean.end()) -
                                    result.mean.begin()]);
    } else {
      std::fprintf(stderr, "unknown workload %s\n", workload.c_str());
      return 2;
    }
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    double cpu_seconds = CpuSeconds() - cpu_start;
    fmt::print(
        "{{\"workload\": \"{}\", \"seconds\": {:.3f}, \"cpu_seconds\": {:.3f}, "
        "\"load_seconds\": {:.3f}, \"accuracy\": {:.6f}, \"nodes\": {}, \"peak_mb\": {:.1f}, "
        "\"train_rows\": {}, \"test_rows\": {}{}}}\n",
        workload, seconds, cpu_seconds, load_seconds, accuracy, nodes, PeakMemoryMb(),
        x_train.rows(), x_test.rows(), extra);
  } catch (const hitscope::Error& error) {
    std::fprintf(stderr, "trees_bench: %s\n", error.what());
    return 1;
  }
  return 0;
}
