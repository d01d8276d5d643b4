// cli/learn_flags.hpp: the flags `train` and `evaluate` share: the data (file, column roles,
// target, classes), the pipeline (scaler, encoder, selector, resampler, class weights, model and
// its parameters), the protocol and the search.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <hitscope/dataset.hpp>
#include <hitscope/evaluation.hpp>
#include <hitscope/pipeline.hpp>

#include "cli/commands.hpp"
#include "cli/csv_flags.hpp"

namespace hitscope::cli {

struct LearnFlags {
  std::string file;
  CsvFlags csv;
  // Data.
  std::string target = "class";
  std::string classes = "quantile:3";
  std::string class_names;
  std::string features;
  std::string target_column, artist_column, isrc_column, date_column, id_column;
  std::string missing = "drop";
  // Pipeline.
  std::string model = "knn";
  std::vector<std::string> params;  // NAME=VALUE model parameters
  std::string scaler = "standard";
  std::string one_hot;
  int select_k = 0;
  std::string resample = "none";
  int smote_k = 5;
  std::string class_weight = "none";
  uint64_t seed = 0;
  // Protocol and search.
  std::string cv;                 // empty: the command's default
  std::string search;             // grid | random:N
  std::vector<std::string> grid;  // NAME=v1,v2,...
  std::string scoring;

  void Register(CLI::App& command);
  // The pipeline the flags describe. Throws Error(kInvalidArgument) naming the flag.
  PipelineSpec Spec() const;
  TargetKind Target() const;
  // Reads FILE and builds the dataset (a summary on stderr unless quiet).
  Dataset LoadDataset(const GlobalFlags& flags, bool need_years, Table* table) const;
  // --cv, or `fallback` when not given.
  Protocol ParseCv(const std::string& fallback) const;
  bool searching() const { return !search.empty(); }
  SearchSpace Space() const;
  SearchOptions SearchSettings() const;
};

}  // namespace hitscope::cli
