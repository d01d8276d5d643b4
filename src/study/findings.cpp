// The plain-language findings at the top of the report. Every sentence is built from the
// results; nothing is written in advance, so a study on other data says what that data shows.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include <hitscope/study.hpp>

#include "study/internal.hpp"

namespace hitscope {
namespace {

using study::FormatPoints;
using study::FormatScore;

const char* EffectWord(double epsilon_squared) {
  if (!std::isfinite(epsilon_squared)) return "unknown";
  if (epsilon_squared < 0.01) return "negligible";
  if (epsilon_squared < 0.04) return "weak";
  if (epsilon_squared < 0.16) return "moderate";
  if (epsilon_squared < 0.36) return "relatively strong";
  return "strong";
}

const StudyEvaluation* Find(const std::vector<StudyEvaluation>& runs, const std::string& name,
                            const std::string& protocol) {
  for (const auto& run : runs) {
    if (run.name == name && run.evaluation.protocol.ToString() == protocol) return &run;
  }
  return nullptr;
}

std::string WithInterval(const ScoreSummary& s) {
  if (!std::isfinite(s.ci_low)) return FormatScore(s.mean);
  return fmt::format("{} (95 % interval {} to {})", FormatScore(s.mean), FormatScore(s.ci_low),
                     FormatScore(s.ci_high));
}

}  // namespace

double LeakagePair::Gap(const std::string& metric) const {
  return leaky.Score(metric).mean - honest.Score(metric).mean;
}

std::vector<std::string> StudyResult::Findings() const {
  std::vector<std::string> out;
  if (profile && !profile->ranking.empty()) {
    const CorrelationRank& top = profile->ranking.front();
    out.push_back(fmt::format(
        "Of the audio features, {} is the most related to popularity (Pearson r = {:.3f}, "
        "Spearman rho = {:.3f}); {} alone explains {:.1f} % of its variance, so no single "
        "feature makes a hit.",
        top.feature, top.pearson, top.spearman, top.feature, 100 * top.pearson * top.pearson));
  }
  if (profile && profile->time.seasons_tested) {
    const auto& t = profile->time.seasons_test;
    out.push_back(
        fmt::format("The season of release {} (Kruskal-Wallis p = {:.3g}, effect size {:.4f}: {}).",
                    t.p_value < 0.05 && t.epsilon_squared >= 0.01 ? "matters" : "hardly matters",
                    t.p_value, t.epsilon_squared, EffectWord(t.epsilon_squared)));
  }
  if (!clusters.empty()) {
    const ClusterAnalysis& a = clusters.front();
    std::string test;
    if (a.profile.popularity_test) {
      test = fmt::format(
          "; popularity differs between them with a {} effect (epsilon-squared "
          "{:.4f})",
          EffectWord(a.profile.popularity_test->epsilon_squared),
          a.profile.popularity_test->epsilon_squared);
    }
    out.push_back(fmt::format("{} finds {} clusters of audio character (silhouette {}){}.",
                              a.algorithm, a.n_clusters, FormatScore(a.indices.silhouette), test));
  }
  if (!best_name.empty() && !classifiers.empty()) {
    const std::string first = classifiers.front().evaluation.protocol.ToString();
    const StudyEvaluation* best = Find(classifiers, best_name, first);
    if (best != nullptr) {
      const Evaluation& e = best->evaluation;
      int64_t largest = 0, total = 0;
      for (int t = 0; t < e.confusion.classes; ++t) {
        int64_t row = 0;
        for (int p = 0; p < e.confusion.classes; ++p) row += e.confusion.at(t, p);
        largest = std::max(largest, row);
        total += row;
      }
      out.push_back(fmt::format(
          "The best honest classifier of the {} popularity classes is {}: macro-F1 {}, accuracy "
          "{}, against {} for always guessing the largest class ({}).",
          e.class_names.size(), best_name, WithInterval(e.Score("macro_f1")),
          FormatScore(e.Score("accuracy").mean),
          FormatScore(total > 0 ? static_cast<double>(largest) / total : NAN),
          e.protocol.Describe()));
      for (const auto& run : classifiers) {
        if (run.name != best_name || run.evaluation.protocol.ToString() == first) continue;
        double drop = run.evaluation.Score("macro_f1").mean - e.Score("macro_f1").mean;
        std::string why = run.evaluation.protocol.kind == ProtocolKind::kGroupKFold
                              ? "part of the apparent skill is recognising the " +
                                    run.evaluation.protocol.group + " of tracks seen in training"
                              : "the past predicts later releases less well";
        out.push_back(fmt::format("Under {}, {} scores macro-F1 {} ({}){}.",
                                  run.evaluation.protocol.Describe(), best_name,
                                  FormatScore(run.evaluation.Score("macro_f1").mean),
                                  FormatPoints(drop), drop < -0.01 ? ": " + why : ""));
      }
    }
  }
  if (!leakage.empty()) {
    const LeakagePair* worst = &leakage.front();
    for (const auto& pair : leakage) {
      if (pair.Gap("accuracy") > worst->Gap("accuracy")) worst = &pair;
    }
    std::vector<std::string> gaps;
    for (const auto& pair : leakage) {
      gaps.push_back(fmt::format("{} {}", pair.resampler, FormatPoints(pair.Gap("accuracy"))));
    }
    out.push_back(fmt::format(
        "Leakage: resampling before the split, as the original study did, lifts the {}'s "
        "accuracy from {} (honest) to {} with {} ({}). The gain is not real: copies and "
        "interpolations of the test rows were in the training data.",
        worst->honest.pipeline.model, FormatScore(worst->honest.Score("accuracy").mean),
        FormatScore(worst->leaky.Score("accuracy").mean), worst->resampler,
        study::JoinWords(gaps)));
  }
  if (importance && !importance->features.empty()) {
    std::vector<int64_t> order = importance->Order();
    std::vector<std::string> names;
    for (size_t k = 0; k < order.size() && k < 3; ++k)
      names.push_back(importance->features[order[k]]);
    out.push_back(fmt::format(
        "On held-out rows the model leans most on {} (permutation importance; SHAP agrees or "
        "differs as shown below).",
        study::JoinWords(names)));
  }
  if (!regression.empty()) {
    const StudyEvaluation* best = &regression.front();
    for (const auto& run : regression) {
      if (run.evaluation.Score("r2").mean > best->evaluation.Score("r2").mean) best = &run;
    }
    double r2 = best->evaluation.Score("r2").mean;
    out.push_back(fmt::format(
        "Predicting the raw popularity score, the best model ({}) reaches R2 = {} with a mean "
        "absolute error of {:.1f} points: audio features explain {} of popularity.",
        best->name, FormatScore(r2), best->evaluation.Score("mae").mean,
        r2 < 0.1   ? "very little"
        : r2 < 0.3 ? "a small part"
                   : "a fair part"));
  }
  return out;
}

}  // namespace hitscope
