// evaluate/cluster_indices/label_codes.hpp: what every index does first: check the input and
// encode the labels 0..L-1 in ascending order (sklearn's LabelEncoder). Internal.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include <hitscope/matrix.hpp>

namespace hitscope::cluster {

struct LabelCodes {
  std::vector<int32_t> codes;   // one per row, 0..count-1
  std::vector<int32_t> values;  // the original label of each code, ascending
  std::vector<int64_t> sizes;   // rows per code
  int count() const { return static_cast<int>(values.size()); }
};

// Checks X (rows, finite values) and the labels (one per row, 2 to rows - 1 distinct values:
// sklearn's check_number_of_labels) and encodes them. `what` names the index in messages.
LabelCodes CheckAndEncode(const Matrix& x, std::span<const int32_t> labels, const char* what);

// Feature-major copy of the rows at `rows` (in that order): d x rows.size().
std::vector<double> GatherColumns(const Matrix& x, std::span<const int64_t> rows);

}  // namespace hitscope::cluster
