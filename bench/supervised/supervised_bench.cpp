// The supervised workloads of bench/supervised/run.sh, timed in hitscope. The same workloads
// for scikit-learn / imbalanced-learn are in peer.py; run.sh runs both and prints the ratios.
//
//   supervised_bench TABLE.csv [workload ...]   workloads: knn smote smote_tomek logreg_cv
//
// Prints one line per workload: "name seconds detail".
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <hitscope/csv.hpp>
#include <hitscope/dataset.hpp>
#include <hitscope/evaluation.hpp>
#include <hitscope/metrics.hpp>
#include <hitscope/models.hpp>
#include <hitscope/preprocess.hpp>
#include <hitscope/resample.hpp>
#include <hitscope/runtime.hpp>
#include <hitscope/split.hpp>

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::vector<int64_t> Counts(const hitscope::Labels& y) {
  std::vector<int64_t> counts;
  for (int32_t label : y) {
    if (label >= static_cast<int32_t>(counts.size())) counts.resize(label + 1, 0);
    ++counts[label];
  }
  return counts;
}

std::string CountsText(const hitscope::Labels& y) {
  std::string out;
  for (int64_t count : Counts(y)) out += (out.empty() ? "" : "/") + std::to_string(count);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: supervised_bench TABLE.csv [knn smote smote_tomek logreg_cv]\n");
    return 2;
  }
  std::vector<std::string> workloads(argv + 2, argv + argc);
  if (workloads.empty()) workloads = {"knn", "smote", "smote_tomek", "logreg_cv"};
  hitscope::SetProgressEnabled(false);
  try {
    hitscope::Table table = hitscope::ReadCsv(argv[1]);
    hitscope::DatasetOptions options;
    options.drop_missing = true;
    hitscope::Dataset data = hitscope::BuildDataset(table, options);
    std::fprintf(stderr, "data: %s\n", data.Summary().c_str());
    // 80/20 stratified split; the scaler is fitted on the training part (not timed, as for the
    // peer).
    hitscope::Split split = hitscope::StratifiedTrainTestSplit(data.y, 0.2, 0);
    hitscope::Matrix train = data.x.TakeRows(split.train);
    hitscope::Matrix test = data.x.TakeRows(split.test);
    hitscope::Labels train_y, test_y;
    for (int64_t row : split.train) train_y.push_back(data.y[row]);
    for (int64_t row : split.test) test_y.push_back(data.y[row]);
    hitscope::StandardScaler scaler;
    scaler.Fit(train);
    train = scaler.Transform(train);
    test = scaler.Transform(test);
    for (const auto& workload : workloads) {
      auto start = Clock::now();
      std::string detail;
      if (workload == "knn") {
        hitscope::KNeighborsClassifier knn(hitscope::KNeighborsOptions{.k = 3});
        knn.Fit(train, train_y);
        hitscope::Labels predicted = knn.Predict(test);
        double seconds = Seconds(start);
        detail = "accuracy=" + std::to_string(hitscope::Accuracy(test_y, predicted)) +
                 " train=" + std::to_string(train.rows()) + " test=" + std::to_string(test.rows());
        std::printf("knn %.3f %s\n", seconds, detail.c_str());
      } else if (workload == "smote" || workload == "smote_tomek") {
        hitscope::SmoteOptions smote_options;
        smote_options.seed = 0;
        hitscope::Matrix out;
        hitscope::Labels out_y;
        if (workload == "smote") {
          hitscope::Smote smote(smote_options);
          smote.FitResample(train, train_y, &out, &out_y);
        } else {
          hitscope::SmoteTomek smote_tomek(smote_options);
          smote_tomek.FitResample(train, train_y, &out, &out_y);
        }
        double seconds = Seconds(start);
        std::printf("%s %.3f rows=%lld classes=%s\n", workload.c_str(), seconds,
                    static_cast<long long>(out.rows()), CountsText(out_y).c_str());
      } else if (workload == "logreg_cv") {
        hitscope::PipelineSpec spec;
        spec.Set("model", "logreg");
        hitscope::Evaluation evaluation =
            hitscope::CrossValidate(data, spec, hitscope::Protocol::Parse("stratified:5"));
        double seconds = Seconds(start);
        std::printf("logreg_cv %.3f accuracy=%.4f\n", seconds, evaluation.Score("accuracy").mean);
      } else {
        std::fprintf(stderr, "unknown workload '%s'\n", workload.c_str());
        return 2;
      }
      std::fflush(stdout);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "supervised_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
