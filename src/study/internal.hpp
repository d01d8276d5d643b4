// study/internal.hpp: what the study's files share: sampling, pipeline specs, step timing.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <hitscope/study.hpp>

namespace hitscope::study {

// `limit` of `rows` row indices, ascending, chosen by a seeded hash (all rows when rows <= limit
// or limit is 0). The same seed always picks the same rows.
std::vector<int64_t> SampleRows(int64_t rows, int64_t limit, uint64_t seed);

// The dataset restricted to a seeded sample of at most `limit` rows; records a budget note.
Dataset SampleDataset(const Dataset& data, int64_t limit, uint64_t seed, const std::string& what,
                      StudyResult* result);

// The pipeline of a classifier name of the config (knn, tree, tree_balanced, forest, logreg,
// xgboost), with the config's scaler and parameters.
PipelineSpec ClassifierSpec(const StudyConfig& config, const std::string& name);
// The pipeline of a regressor (ridge, knn, tree, forest, xgboost).
PipelineSpec RegressorSpec(const StudyConfig& config, const std::string& name);

// Runs the model sections (models, leakage, importance, regression) on the class dataset
// `data` built from `table`.
void RunModelSections(const Table& table, const Dataset& data, const StudyConfig& config,
                      StudyResult* result, const std::function<void(const std::string&)>& step);

std::string FormatScore(double value);                         // 0.4321
std::string FormatPoints(double share);                        // +12.3 points
std::string JoinWords(const std::vector<std::string>& words);  // a, b and c

}  // namespace hitscope::study
