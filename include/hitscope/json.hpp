// hitscope/json.hpp: tables as JSON.
#pragma once

#include <string>
#include <string_view>

#include <hitscope/table.hpp>

namespace hitscope {

// Writes `table` to `path` (atomically) as an array of records, one object per row:
// [{"track": "a", "popularity": 12}, ...]. Nulls, NaN and infinities become null (JSON has no
// NaN); dates are ISO strings in their own precision ("2012", "2012-11", "2012-11-05").
void WriteJsonRecords(const Table& table, const std::string& path);
std::string FormatJsonRecords(const Table& table);

// `text` as a JSON string literal, quotes included.
std::string JsonQuote(std::string_view text);

}  // namespace hitscope
