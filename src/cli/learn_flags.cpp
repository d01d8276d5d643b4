#include "cli/learn_flags.hpp"

#include <charconv>

#include <fmt/format.h>

#include <hitscope/csv.hpp>
#include <hitscope/error.hpp>
#include <hitscope/models.hpp>

namespace hitscope::cli {

namespace {

std::vector<std::string> SplitComma(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) parts.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return parts;
}

std::pair<std::string, std::string> NameValue(const std::string& entry, const char* flag) {
  auto equals = entry.find('=');
  if (equals == std::string::npos || equals == 0) {
    throw InvalidArgument(fmt::format("{} expects NAME=VALUE, got '{}'", flag, entry));
  }
  return {entry.substr(0, equals), entry.substr(equals + 1)};
}

}  // namespace

void LearnFlags::Register(CLI::App& command) {
  command.add_option("FILE", file, "Track table (CSV): the bundled data or an integrated table")
      ->required();
  csv.Register(command);
  command.add_option("--target", target, "class (popularity classes) or popularity (the score)")
      ->capture_default_str()
      ->check(CLI::IsMember({"class", "popularity"}));
  command
      .add_option("--classes", classes,
                  "Popularity classes: quantile:K (K classes of about equal size) or "
                  "edges:E1,E2 (class i holds values <= Ei)")
      ->capture_default_str();
  command.add_option("--class-names", class_names,
                     "Class names, comma-separated (low,medium,high)");
  command.add_option("--features", features,
                     "Feature columns, comma-separated (default: the twelve audio features)");
  command.add_option("--target-column", target_column,
                     "Popularity column (default: popularity or track_popularity)");
  command.add_option("--artist-column", artist_column, "Artist column for group:artist");
  command.add_option("--isrc-column", isrc_column, "ISRC column for group:isrc");
  command.add_option("--date-column", date_column, "Release date or year column for time splits");
  command.add_option("--id-column", id_column, "Track id column (predictions)");
  command.add_option("--missing", missing, "Rows with a missing feature or target: drop|error")
      ->capture_default_str()
      ->check(CLI::IsMember({"drop", "error"}));
  command.add_option("--model", model, "Model: knn, logreg (classes) or ridge (score)")
      ->capture_default_str();
  command.add_option("--param", params,
                     "Model parameter NAME=VALUE (repeatable): k=7, weights=distance, C=0.1, ...");
  command.add_option("--scaler", scaler, "none|standard|minmax|robust")->capture_default_str();
  command.add_option("--one-hot", one_hot, "Features to one-hot encode, e.g. key,mode");
  command.add_option("--select-k", select_k, "Keep the k best features by ANOVA F (0: all)")
      ->capture_default_str();
  command
      .add_option("--resample", resample,
                  "none|ros|smote|smote_tomek|tomek, applied to training parts only")
      ->capture_default_str();
  command.add_option("--smote-k", smote_k, "SMOTE's neighbours")->capture_default_str();
  command.add_option("--class-weight", class_weight, "none|balanced (logreg, ridge)")
      ->capture_default_str();
  command.add_option("--seed", seed, "Seed of every random step")->capture_default_str();
  command.add_option("--cv", cv,
                     "Protocol: holdout[:0.2], stratified[:5], repeated[:5x3], "
                     "group:artist[:5], group:isrc[:5], time[:K]");
  command.add_option("--search", search, "Hyper-parameter search: grid or random:N");
  command.add_option("--grid", grid,
                     "Search values NAME=v1,v2,... (repeatable), e.g. model.k=3,5,7 "
                     "scaler=standard,robust (default: a space for the model)");
  command.add_option("--scoring", scoring,
                     "Search metric: macro_f1 (default), balanced_accuracy, accuracy, "
                     "roc_auc_ovr, weighted_f1, neg_log_loss; r2, neg_rmse, neg_mae");
}

TargetKind LearnFlags::Target() const {
  return target == "popularity" ? TargetKind::kPopularity : TargetKind::kClass;
}

PipelineSpec LearnFlags::Spec() const {
  PipelineSpec spec;
  spec.Set("model", model);
  spec.Set("scaler", scaler);
  if (!one_hot.empty()) spec.Set("one_hot", one_hot);
  spec.Set("select_k", std::to_string(select_k));
  spec.Set("resample", resample);
  spec.Set("smote_k", std::to_string(smote_k));
  spec.Set("class_weight", class_weight);
  spec.Set("seed", std::to_string(seed));
  for (const auto& entry : params) {
    auto [name, value] = NameValue(entry, "--param");
    spec.Set("model." + name, value);
  }
  // Check the model parameters now, not after reading the data.
  CompleteModelParams(FindModel(spec.model), spec.model_params);
  return spec;
}

Dataset LearnFlags::LoadDataset(const GlobalFlags& flags, bool need_years, Table* table) const {
  CsvReadOptions read = csv.ToOptions();
  read.progress_label = "reading";
  CsvReadReport report;
  *table = ReadCsv(file, read, &report);
  if (!flags.quiet && (report.bad_rows > 0 || !report.widened_columns.empty())) {
    fmt::print(stderr, "{}\n", report.Summary());
  }
  DatasetOptions options;
  options.roles.target = target_column;
  options.roles.features = SplitComma(features);
  options.roles.artist = artist_column;
  options.roles.isrc = isrc_column;
  options.roles.date = date_column;
  options.roles.id = id_column;
  options.target = Target();
  options.classes = classes;
  options.class_names = SplitComma(class_names);
  options.drop_missing = missing == "drop";
  options.need_years = need_years;
  Dataset data = BuildDataset(*table, options);
  if (!flags.quiet) fmt::print(stderr, "data: {}\n", data.Summary());
  return data;
}

Protocol LearnFlags::ParseCv(const std::string& fallback) const {
  return Protocol::Parse(cv.empty() ? fallback : cv, seed);
}

SearchSpace LearnFlags::Space() const {
  if (grid.empty()) return DefaultSearchSpace(model);
  SearchSpace space;
  for (const auto& entry : grid) {
    auto [name, values] = NameValue(entry, "--grid");
    space[name] = SplitComma(values);
  }
  return space;
}

SearchOptions LearnFlags::SearchSettings() const {
  SearchOptions options;
  options.scoring = scoring;
  options.seed = seed;
  if (search == "grid") return options;
  if (search.rfind("random:", 0) == 0) {
    std::string count = search.substr(7);
    int value = 0;
    auto [end, error] = std::from_chars(count.data(), count.data() + count.size(), value);
    if (error == std::errc() && end == count.data() + count.size() && value >= 1) {
      options.random = true;
      options.candidates = value;
      return options;
    }
  }
  throw InvalidArgument(
      fmt::format("--search must be grid or random:N (N >= 1 candidates), got '{}'", search));
}

}  // namespace hitscope::cli
