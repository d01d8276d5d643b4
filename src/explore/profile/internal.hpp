// explore/profile/internal.hpp: the phases of Profile(), one file each, shared here.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include <hitscope/profile.hpp>

namespace hitscope::profile_internal {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
// Rows per block of the row passes: fixed, so block boundaries (and merged results) never
// depend on the thread count.
constexpr int64_t kBlockRows = 1 << 18;

inline size_t BlockCount(int64_t rows) {
  return static_cast<size_t>((rows + kBlockRows - 1) / kBlockRows);
}

// A numeric column as doubles, NaN for missing (borrowed when the column is float64).
struct Values {
  std::vector<double> owned;
  std::span<const double> values;
};
Values NumericValues(const Column& column);

// keys.cpp: duplicates of a key column, and optionally each row's multiplicity (rows sharing
// its key; 0 for a null key).
DuplicateSummary SummariseDuplicates(const Table& table, const std::string& column,
                                     const std::string& role, std::vector<uint32_t>* multiplicity);

// distributions.cpp: histogram, density, box plot and summary of one numeric column.
FeatureDistribution Distribute(const std::string& name, const Column& column,
                               const ProfileOptions& options, double* clip_low, double* clip_high,
                               bool* integral);

// rows.cpp: the one pass over row blocks for time, classes and feature-vs-popularity bins.
struct RowInputs {
  std::span<const double> popularity;
  const Column* date = nullptr;      // date or string column, or null
  std::span<const double> duration;  // empty when there is none
  std::span<const double> weights;   // empty: all weights 1
  std::vector<std::span<const double>> features;
  std::vector<std::vector<double>> x_edges;  // per feature
  std::vector<double> y_edges;
};
void ProfileRows(const RowInputs& inputs, const ProfileOptions& options, ProfileResult* result);

// Bins for a column: one per value for integral columns with a small range, else `bins` equal
// bins over [lo, hi].
std::vector<double> BinEdges(double lo, double hi, int bins, bool integral);

}  // namespace hitscope::profile_internal
