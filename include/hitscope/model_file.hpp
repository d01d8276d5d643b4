// hitscope/model_file.hpp: versioned model files that carry a whole fitted pipeline, its
// feature schema and its classes, and predictions for a new table.
//
// Format (version 1, little-endian): the 8 bytes "HITSCOPE", the format version (u32), the
// payload length (u64), the payload, and a CRC-32 of the payload (u32). The payload holds the
// hitscope version, the target kind, the column roles, the feature schema (names in order and
// their types), the popularity classes (names, edges, how they were made), the pipeline's
// parameters (PipelineSpec::ToParams) and every fitted step's state, and a training summary.
//
// LoadModel / DecodeModel refuse, with Error(kInvalidInput) naming the file and what to do: a
// file that is not a hitscope model (magic), another format version ("written by format version
// 2; this hitscope reads version 1: retrain the model or use a matching hitscope"), a truncated
// file (fewer bytes than the header promises), a corrupt file (CRC mismatch), or a payload that
// does not decode into the pipeline it names. SaveModel writes atomically (AtomicOutput).
//
// PredictTable checks the table against the schema: every feature column must exist (a missing
// or renamed column is an Error(kInvalidInput) naming it, with the closest existing name) and be
// numeric (a column now holding text is an error). Columns beyond the schema are ignored (a
// track table has many); the model always receives exactly its features, in its order. Rows
// with a missing feature value get no prediction and are counted.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <hitscope/dataset.hpp>
#include <hitscope/file.hpp>
#include <hitscope/pipeline.hpp>
#include <hitscope/table.hpp>

namespace hitscope {

inline constexpr uint32_t kModelFormatVersion = 1;

struct TrainedModel {
  Pipeline pipeline;
  ColumnRoles roles;                    // target, features (the schema's names), id, ...
  std::vector<DataType> feature_types;  // the type of each feature column at training
  PopularityClasses classes;            // class target only
  std::string summary;                  // the training data and, if run, its evaluation
  std::string hitscope_version;
};

// A fitted pipeline with the schema of the table it was trained on.
TrainedModel MakeTrainedModel(Pipeline pipeline, const Dataset& data, const Table& table,
                              std::string summary);

std::string EncodeModel(const TrainedModel& model);
// `name` is used in messages (the path).
TrainedModel DecodeModel(std::string_view bytes, const std::string& name);
void SaveModel(const TrainedModel& model, const std::string& path,
               FileSystem& fs = FileSystem::Default());
TrainedModel LoadModel(const std::string& path, FileSystem& fs = FileSystem::Default());

struct TablePredictions {
  std::vector<int64_t> rows;       // the table rows predicted (those with every feature)
  Labels classes;                  // class target: one per predicted row
  Matrix proba;                    // class target: rows x classes
  std::vector<double> popularity;  // score target: one per predicted row
  int64_t skipped_missing = 0;     // rows left out for a missing feature value
};

TablePredictions PredictTable(const TrainedModel& model, const Table& table);

// The predictions as a table, one row per table row: the id column (or "row", 1-based), then
// "predicted_class" and "p_<class>" per class, or "predicted_popularity"; empty (null) for rows
// that had a missing feature.
Table PredictionsTable(const TrainedModel& model, const Table& table,
                       const TablePredictions& predictions);

}  // namespace hitscope
