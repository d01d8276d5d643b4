// The study report's prediction sections: the classifiers under each protocol, the sweeps, the
// search, the imbalance strategies and scalers, and the leakage demonstration.
#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "study/internal.hpp"
#include "study/report_internal.hpp"

namespace hitscope::study {

using report::Block;
using report::Chart;
using report::ChartKind;
using report::DataTable;
using report::Section;

namespace {

// One table row per run: name, protocol, the class scores with intervals, seconds.
DataTable ScoreTable(const std::vector<StudyEvaluation>& runs) {
  DataTable table;
  table.columns = {"pipeline",
                   "protocol",
                   "macro-F1",
                   "balanced accuracy",
                   "accuracy",
                   "ROC-AUC",
                   "log loss",
                   "rows fitted per split",
                   "seconds (all splits)"};
  for (const auto& run : runs) {
    const Evaluation& e = run.evaluation;
    table.AddRow({Text(run.name), Text(e.protocol.Describe()), Text(ScoreText(e.Score("macro_f1"))),
                  Text(ScoreText(e.Score("balanced_accuracy"))),
                  Text(ScoreText(e.Score("accuracy"))), Num(e.Score("roc_auc_ovr").mean),
                  Num(e.Score("log_loss").mean),
                  Num(e.folds.empty() ? NAN : static_cast<double>(e.folds.front().fitted_rows)),
                  Num(run.seconds)});
  }
  return table;
}

Chart SweepChart(const SweepResult& sweep, const std::string& id, const std::string& title,
                 const std::string& x_title) {
  Chart chart;
  chart.id = id;
  chart.title = title;
  chart.kind = ChartKind::kLine;
  chart.x_title = x_title;
  chart.y_title = sweep.metric;
  chart.data.columns = {x_title, "training " + sweep.metric, "test " + sweep.metric};
  for (const auto& p : sweep.points) {
    chart.data.AddRow({Num(std::stod(p.value)), Num(p.train_score), Num(p.test_score)});
  }
  const SweepPoint& best = sweep.Best();
  chart.caption = fmt::format(
      "{}. Training {} keeps rising while the test {} levels off or falls: the gap is "
      "overfitting. Best test {}: {} at {} = {}.",
      sweep.protocol, sweep.metric, sweep.metric, sweep.metric, FormatScore(best.test_score),
      x_title, best.value);
  return chart;
}

Chart ConfusionChart(const Evaluation& e, const std::string& id, const std::string& name) {
  Chart chart;
  chart.id = id;
  chart.title = "Confusion matrix: " + name;
  chart.kind = ChartKind::kHeatmap;
  chart.x_title = "predicted";
  chart.y_title = "true class";
  chart.data.columns = {"true", "predicted", "share of the true class"};
  for (int t = 0; t < e.confusion.classes; ++t) {
    int64_t total = 0;
    for (int p = 0; p < e.confusion.classes; ++p) total += e.confusion.at(t, p);
    for (int p = 0; p < e.confusion.classes; ++p) {
      chart.data.AddRow({Text(e.class_names[t]), Text(e.class_names[p]),
                         Num(total > 0 ? static_cast<double>(e.confusion.at(t, p)) / total : 0)});
    }
  }
  chart.value_min = 0;
  chart.value_max = 1;
  chart.caption = fmt::format(
      "Each row: where the tracks of one true class went, pooled over the test parts of {} "
      "(share of the row).",
      e.protocol.Describe());
  return chart;
}

}  // namespace

Section ModelsSection(const StudyResult& r) {
  Section section{"models", "Predicting the popularity class", "", {}};
  if (r.classifiers.empty()) {
    section.summary = "Not run (the models section is off, or no protocol could run).";
    return section;
  }
  section.summary = fmt::format(
      "{} classifiers under {} protocol(s), every step fitted on training rows only. Classes: {}. "
      "The best by honest macro-F1 under {} is {}; it is saved as the study's model file.",
      r.config.classifiers.size(),
      std::max<size_t>(1, r.classifiers.size() / std::max<size_t>(1, r.config.classifiers.size())),
      r.data.classes.Describe(), r.classifiers.front().evaluation.protocol.Describe(), r.best_name);
  section.blocks.push_back(Block::Paragraph(r.data.Summary()));
  section.blocks.push_back(
      Block::Table("Scores of every classifier under every protocol", ScoreTable(r.classifiers)));

  // macro-F1 per classifier and protocol: one bar each (grouped by protocol), with its interval.
  Chart chart;
  chart.id = Id("classifiers");
  chart.title = "Honest macro-F1 by classifier and protocol";
  chart.kind = ChartKind::kIntervals;
  chart.bars = true;
  chart.x_title = "classifier (protocol)";
  chart.y_title = "macro-F1";
  chart.data.columns = {"classifier", "macro-F1", "lower", "upper"};
  chart.series = {"macro-F1 (whiskers: 95 % interval)"};
  for (const auto& run : r.classifiers) {
    std::vector<report::Cell> row = {
        Text(run.name + " (" + run.evaluation.protocol.ToString() + ")")};
    AddInterval(&row, run.evaluation.Score("macro_f1"));
    chart.data.AddRow(std::move(row));
  }
  chart.caption =
      "Bars: mean macro-F1 over the splits; whiskers: 95 % intervals (Nadeau-Bengio corrected). "
      "A protocol whose scores fall below the stratified ones exposes what the stratified "
      "split lets a model memorise.";
  chart.height = 380;
  section.blocks.push_back(Block::Figure(std::move(chart)));

  for (const auto& run : r.classifiers) {
    if (run.name == r.best_name) {
      std::vector<Chart> row = {
          ConfusionChart(run.evaluation, Id("confusion", r.best_name), r.best_name)};
      section.blocks.push_back(Block::FigureRow(std::move(row)));
      section.blocks.push_back(Block::Table("Classification report of " + r.best_name + " (" +
                                                run.evaluation.protocol.Describe() +
                                                ", pooled test predictions)",
                                            [&] {
                                              DataTable t;
                                              t.columns = {"report"};
                                              size_t start = 0;
                                              const std::string& text = run.evaluation.report;
                                              while (start < text.size()) {
                                                size_t end = text.find('\n', start);
                                                if (end == std::string::npos) end = text.size();
                                                if (end > start)
                                                  t.AddRow({Text(text.substr(start, end - start))});
                                                start = end + 1;
                                              }
                                              return t;
                                            }()));
      break;
    }
  }

  std::vector<Chart> sweeps;
  if (r.knn_sweep) {
    sweeps.push_back(SweepChart(*r.knn_sweep, Id("knn-sweep"), "KNN: k sweep", "k"));
  }
  if (r.depth_sweep) {
    sweeps.push_back(
        SweepChart(*r.depth_sweep, Id("depth-sweep"), "Decision tree: depth sweep", "max_depth"));
  }
  if (!sweeps.empty()) section.blocks.push_back(Block::FigureRow(std::move(sweeps)));
  if (r.knn_search) {
    DataTable t;
    t.columns = {"candidate", "parameters", r.knn_search->scoring + " (mean)", "std", "best"};
    for (size_t k = 0; k < r.knn_search->candidates.size(); ++k) {
      const Candidate& c = r.knn_search->candidates[k];
      std::string params;
      for (const auto& [name, value] : c.varied) {
        params += (params.empty() ? "" : ", ") + name + "=" + value;
      }
      t.AddRow({Num(static_cast<double>(k + 1)), Text(params), Num(c.score.mean), Num(c.score.std),
                Text(k == r.knn_search->best ? "yes" : "")});
    }
    section.blocks.push_back(
        Block::Table(fmt::format("KNN random search ({} candidates, {}, on {} rows)",
                                 r.knn_search->candidates.size(), r.knn_search->protocol.Describe(),
                                 std::min<int64_t>(r.data.rows(), r.config.search_rows)),
                     std::move(t)));
  }
  if (!r.imbalance.empty()) {
    section.blocks.push_back(Block::Paragraph(fmt::format(
        "Imbalance strategies and scalers, compared on {} under {}: resampling and class "
        "weights are fitted inside each training part only.",
        r.config.imbalance_model, r.imbalance.front().evaluation.protocol.Describe())));
    section.blocks.push_back(
        Block::Table("Imbalance strategies and scalers", ScoreTable(r.imbalance)));
    Chart c;
    c.id = Id("imbalance");
    c.title = "Imbalance strategies and scalers: honest macro-F1";
    c.kind = ChartKind::kIntervals;
    c.x_title = "pipeline";
    c.y_title = "score";
    c.bars = true;
    c.data.columns = {"pipeline", "macro-F1", "lower", "upper"};
    c.series = {"macro-F1 (whiskers: 95 % interval)"};
    for (const auto& run : r.imbalance) {
      std::vector<report::Cell> row = {Text(run.name)};
      AddInterval(&row, run.evaluation.Score("macro_f1"));
      c.data.AddRow(std::move(row));
    }
    c.caption =
        "Means with 95 % intervals; balanced accuracy is in the table. Overlapping "
        "intervals: the choice hardly matters here.";
    c.height = 360;
    section.blocks.push_back(Block::Figure(std::move(c)));
  }
  return section;
}

Section LeakageSection(const StudyResult& r) {
  Section section{"leakage", "Leakage demonstration: resampling before the split", "", {}};
  if (r.leakage.empty()) {
    section.summary = "Not run (the leakage section is off).";
    return section;
  }
  const LeakagePair* worst = &r.leakage.front();
  for (const auto& pair : r.leakage) {
    if (pair.Gap("accuracy") > worst->Gap("accuracy")) worst = &pair;
  }
  section.summary = fmt::format(
      "Resampled before the split (the original study's protocol), the same {} scores accuracy "
      "{} instead of {} ({}) with {}. The honest figure is the one to believe.",
      worst->honest.pipeline.Describe(), FormatScore(worst->leaky.Score("accuracy").mean),
      FormatScore(worst->honest.Score("accuracy").mean), FormatPoints(worst->Gap("accuracy")),
      worst->resampler);
  section.blocks.push_back(Block::Paragraph(fmt::format(
      "Why: random oversampling copies rows of the smaller classes; SMOTE draws new rows on "
      "segments between a row and its neighbours; Tomek links remove pairs at the class border. "
      "Done on all rows before splitting, copies of a test row (or points a hair away from it) "
      "sit in the training part, and the model is scored on rows it has in effect already seen. "
      "Inside the folds (hitscope's pipeline), the resampler only ever sees training rows. Both "
      "protocols use the same pipeline, the same classes ({}) and the same splits ({}). Fixed "
      "bins make the classes unequal in size, which is why the original study resampled.",
      r.leakage_classes, worst->honest.protocol.Describe())));
  DataTable t;
  t.columns = {"resampler",
               "honest accuracy",
               "leaky accuracy",
               "accuracy gap",
               "honest macro-F1",
               "leaky macro-F1",
               "macro-F1 gap",
               "rows fitted per split (honest)",
               "rows fitted per split (leaky)"};
  for (const auto& pair : r.leakage) {
    auto fitted = [](const Evaluation& e) {
      return Num(e.folds.empty() ? NAN : static_cast<double>(e.folds.front().fitted_rows));
    };
    t.AddRow({Text(pair.resampler), Text(ScoreText(pair.honest.Score("accuracy"))),
              Text(ScoreText(pair.leaky.Score("accuracy"))),
              Text(FormatPoints(pair.Gap("accuracy"))),
              Text(ScoreText(pair.honest.Score("macro_f1"))),
              Text(ScoreText(pair.leaky.Score("macro_f1"))),
              Text(FormatPoints(pair.Gap("macro_f1"))), fitted(pair.honest), fitted(pair.leaky)});
  }
  section.blocks.push_back(Block::Table("Honest and leaky scores side by side", std::move(t)));
  Chart c;
  c.id = Id("leakage");
  c.title = "Accuracy: resampled inside the training parts (honest) vs before the split (leaky)";
  c.kind = ChartKind::kIntervals;
  c.x_title = "resampler";
  c.y_title = "accuracy";
  c.data.columns = {"resampler", "honest", "lo", "hi", "leaky", "lo2", "hi2"};
  c.series = {"honest (inside the folds)", "leaky (before the split)"};
  for (const auto& pair : r.leakage) {
    std::vector<report::Cell> row = {Text(pair.resampler)};
    AddInterval(&row, pair.honest.Score("accuracy"));
    AddInterval(&row, pair.leaky.Score("accuracy"));
    c.data.AddRow(std::move(row));
  }
  c.caption =
      "Means over the splits with 95 % intervals. The distance between the two series is "
      "the leak.";
  section.blocks.push_back(Block::Figure(std::move(c)));
  section.blocks.push_back(Block::Note(
      "The original study's 90-96 % accuracies came from this protocol. Scored honestly, the "
      "same techniques reach the accuracies in the first column."));
  return section;
}

}  // namespace hitscope::study
