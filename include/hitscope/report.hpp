// hitscope/report.hpp: self-contained HTML reports: sections of text, tables and charts in one
// file that opens offline (the chart library, Apache ECharts, is inlined; see docs/profile.md).
//
// A Report is plain data: build it, then RenderHtml / WriteHtml. Every text is HTML-escaped when
// rendered, and every embedded JSON is made safe inside <script> (no "</script>" can end it), so
// values from the data (artist names, titles) cannot inject markup. Each chart's data table is
// offered as a CSV download in the page, and the report's `result_json` (the whole result) as a
// JSON download. Pure functions; a Report may be rendered from several threads at once.
//
// Chart kinds and the columns of their data (a chart names the columns it uses by position):
//   kBar        columns: category, then one numeric column per series (bars side by side);
//               `horizontal` draws them across.
//   kLine       columns: x (number or text), then one numeric column per series.
//   kIntervals  columns: x, then for each series three columns: value, lower, upper (a
//               confidence interval); drawn as points/lines (or bars with `bars`) with error bars.
//   kHistogram  columns: bin_start, bin_end, count; `extra` (optional): x, density curve scaled to
//               counts, drawn as a line over the bars.
//   kBoxPlot    columns: name, lower_whisker, q1, median, q3, upper_whisker; `extra` (optional):
//               name, value of outliers drawn as points.
//   kHeatmap    columns: row label, column label, value; `value_min` / `value_max` fix the colour
//               scale (e.g. -1, 1 for correlations).
//   kBinned2d   columns: x_start, x_end, y_start, y_end, count (a 2-D histogram, colour on a log
//               scale); `extra` (optional): x, mean, lower, upper drawn as a line with a band.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace hitscope::report {

// A table cell: empty (null), a number or text. NaN and infinities render as empty.
using Cell = std::variant<std::monostate, double, std::string>;

struct DataTable {
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;  // each as long as `columns`

  // Appends a row; throws Error(kInternal) if its length differs from `columns`.
  void AddRow(std::vector<Cell> row);
  // RFC 4180 CSV with a header (numbers in shortest round-trip form, empty for null).
  std::string ToCsv() const;
};

enum class ChartKind { kBar, kLine, kIntervals, kHistogram, kBoxPlot, kHeatmap, kBinned2d };

struct Chart {
  std::string id;  // unique in the report: [A-Za-z0-9_-]+; names the CSV download
  std::string title;
  std::string caption;  // one or two sentences under the chart: how to read it
  ChartKind kind = ChartKind::kBar;
  DataTable data;
  DataTable extra;                      // second layer, see the kinds above
  std::string x_title, y_title;         // axis titles
  std::vector<std::string> series;      // legend names (default: the data's column names)
  bool horizontal = false;              // kBar
  bool bars = false;                    // kIntervals: bars instead of points and lines
  bool log_y = false;                   // kBar / kLine / kHistogram: logarithmic value axis
  double value_min = 0, value_max = 0;  // kHeatmap colour range (equal: from the data)
  int height = 320;                     // pixels
};

// One block of a section, rendered in order.
struct Block {
  enum class Kind { kParagraph, kNote, kKeyValues, kTable, kChart, kChartRow };
  Kind kind = Kind::kParagraph;
  std::string text;                                        // kParagraph, kNote
  std::vector<std::pair<std::string, std::string>> pairs;  // kKeyValues
  std::string title;                                       // kTable
  DataTable table;                                         // kTable
  std::vector<Chart> charts;  // kChart: one; kChartRow: several side by side

  static Block Paragraph(std::string text);
  static Block Note(std::string text);  // a highlighted caveat
  static Block KeyValues(std::vector<std::pair<std::string, std::string>> pairs);
  static Block Table(std::string title, DataTable table);
  static Block Figure(Chart chart);
  static Block FigureRow(std::vector<Chart> charts);
};

struct Section {
  std::string id;  // anchor: [A-Za-z0-9_-]+
  std::string title;
  std::string summary;  // the section's answer in a sentence or two, shown first
  std::vector<Block> blocks;
};

struct Report {
  std::string title;
  std::string subtitle;   // e.g. the source file and row count
  std::string generator;  // e.g. "hitscope 0.1.0 profile"
  std::vector<Section> sections;
  std::string result_json;  // the whole result, offered as a download (may be empty)
  std::string result_name = "result.json";
};

// The page: one HTML file with the CSS, the chart library, the data and the script inlined.
// Throws Error(kInternal) for a duplicate or malformed section or chart id.
std::string RenderHtml(const Report& report);
// Writes RenderHtml(report) to `path` atomically (Error(kIo) on failure).
void WriteHtml(const Report& report, const std::string& path);

// Text made safe inside HTML elements and attribute values (& < > " ').
std::string EscapeHtml(std::string_view text);
// JSON text made safe inside <script type="application/json">: "<" becomes \u003c, and U+2028 /
// U+2029 are escaped, so the data can never close the element. REQUIRES: valid JSON.
std::string EmbedJson(std::string_view json);

// The vendored chart library's name and version, e.g. "Apache ECharts 5.6.0".
std::string ChartLibraryVersion();

}  // namespace hitscope::report
