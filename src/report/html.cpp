// Rendering a Report as one HTML page. Everything from the data goes through EscapeHtml (markup)
// or EmbedJson (script data); nothing else is concatenated into the page.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <hitscope/csv.hpp>
#include <hitscope/error.hpp>
#include <hitscope/file.hpp>
#include <hitscope/report.hpp>

#include "report/assets.hpp"

namespace hitscope::report {
namespace {

using Json = nlohmann::json;

const char* KindName(ChartKind kind) {
  switch (kind) {
    case ChartKind::kBar:
      return "bar";
    case ChartKind::kLine:
      return "line";
    case ChartKind::kIntervals:
      return "intervals";
    case ChartKind::kHistogram:
      return "histogram";
    case ChartKind::kBoxPlot:
      return "box";
    case ChartKind::kHeatmap:
      return "heatmap";
    case ChartKind::kBinned2d:
      return "binned2d";
  }
  return "bar";
}

Json CellJson(const Cell& cell) {
  if (const auto* number = std::get_if<double>(&cell)) {
    return std::isfinite(*number) ? Json(*number) : Json(nullptr);
  }
  if (const auto* text = std::get_if<std::string>(&cell)) return *text;
  return nullptr;
}

Json TableJson(const DataTable& table) {
  Json rows = Json::array();
  for (const auto& row : table.rows) {
    Json out = Json::array();
    for (const auto& cell : row) out.push_back(CellJson(cell));
    rows.push_back(std::move(out));
  }
  return {{"columns", table.columns}, {"rows", std::move(rows)}};
}

Json ChartJson(const Chart& chart) {
  Json out = {{"kind", KindName(chart.kind)},   {"title", chart.title},
              {"data", TableJson(chart.data)},  {"x_title", chart.x_title},
              {"y_title", chart.y_title},       {"series", chart.series},
              {"horizontal", chart.horizontal}, {"bars", chart.bars},
              {"log_y", chart.log_y},           {"value_min", chart.value_min},
              {"value_max", chart.value_max}};
  if (!chart.extra.columns.empty()) out["extra"] = TableJson(chart.extra);
  return out;
}

std::string CellText(const Cell& cell) {
  if (const auto* number = std::get_if<double>(&cell)) {
    if (!std::isfinite(*number)) return "";
    if (*number == std::floor(*number) && std::fabs(*number) < 1e15) {
      return fmt::format("{:.0f}", *number);
    }
    return fmt::format("{:.4g}", *number);
  }
  if (const auto* text = std::get_if<std::string>(&cell)) return *text;
  return "";
}

void CheckId(const std::string& id, std::set<std::string>* seen, const char* what) {
  bool valid = !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
  if (!valid) {
    throw InternalError(fmt::format("report: {} id '{}' must match [A-Za-z0-9_-]+", what, id));
  }
  if (!seen->insert(id).second) {
    throw InternalError(fmt::format("report: {} id '{}' is used twice", what, id));
  }
}

class Page {
 public:
  std::string html;
  Json charts = Json::object();
  std::set<std::string> ids;

  void Add(std::string_view text) { html += text; }
  void Text(std::string_view text) { html += EscapeHtml(text); }

  void Figure(const Chart& chart) {
    CheckId(chart.id, &ids, "chart");
    charts[chart.id] = ChartJson(chart);
    Add(fmt::format("<figure class=\"hs-chart\" id=\"chart-{0}\" data-chart=\"{0}\">", chart.id));
    Add("<div class=\"hs-head\"><h3>");
    Text(chart.title);
    Add("</h3><button class=\"hs-csv\" type=\"button\" title=\"Download this chart's data as "
        "CSV\">CSV</button></div>");
    Add(fmt::format("<div class=\"hs-canvas\" style=\"height:{}px\"></div>",
                    std::clamp(chart.height, 120, 2000)));
    if (!chart.caption.empty()) {
      Add("<figcaption>");
      Text(chart.caption);
      Add("</figcaption>");
    }
    Add("</figure>\n");
  }

  void TableBlock(const std::string& title, const DataTable& table) {
    Add("<div class=\"hs-table\">");
    if (!title.empty()) {
      Add("<h3>");
      Text(title);
      Add("</h3>");
    }
    Add("<table><thead><tr>");
    for (const auto& name : table.columns) {
      Add("<th>");
      Text(name);
      Add("</th>");
    }
    Add("</tr></thead><tbody>\n");
    for (const auto& row : table.rows) {
      Add("<tr>");
      for (const auto& cell : row) {
        Add("<td>");
        Text(CellText(cell));
        Add("</td>");
      }
      Add("</tr>\n");
    }
    Add("</tbody></table></div>\n");
  }

  void Render(const Block& block) {
    switch (block.kind) {
      case Block::Kind::kParagraph:
        Add("<p>");
        Text(block.text);
        Add("</p>\n");
        break;
      case Block::Kind::kNote:
        Add("<div class=\"hs-note\">");
        Text(block.text);
        Add("</div>\n");
        break;
      case Block::Kind::kKeyValues:
        Add("<dl class=\"hs-kv\">");
        for (const auto& [key, value] : block.pairs) {
          Add("<dt>");
          Text(key);
          Add("</dt><dd>");
          Text(value);
          Add("</dd>");
        }
        Add("</dl>\n");
        break;
      case Block::Kind::kTable:
        TableBlock(block.title, block.table);
        break;
      case Block::Kind::kChart:
        for (const auto& chart : block.charts) Figure(chart);
        break;
      case Block::Kind::kChartRow:
        Add("<div class=\"hs-row\">");
        for (const auto& chart : block.charts) Figure(chart);
        Add("</div>\n");
        break;
    }
  }
};

}  // namespace

void DataTable::AddRow(std::vector<Cell> row) {
  if (row.size() != columns.size()) {
    throw InternalError(fmt::format("report: a row of {} cells in a table of {} columns",
                                    row.size(), columns.size()));
  }
  rows.push_back(std::move(row));
}

std::string DataTable::ToCsv() const {
  std::string out;
  for (size_t c = 0; c < columns.size(); ++c) {
    if (c > 0) out += ',';
    out += QuoteCsvField(columns[c]);
  }
  out += '\n';
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      if (c > 0) out += ',';
      if (const auto* number = std::get_if<double>(&row[c])) {
        if (std::isfinite(*number)) out += fmt::format("{}", *number);
      } else if (const auto* text = std::get_if<std::string>(&row[c])) {
        out += QuoteCsvField(*text);
      }
    }
    out += '\n';
  }
  return out;
}

Block Block::Paragraph(std::string text) {
  Block block;
  block.kind = Kind::kParagraph;
  block.text = std::move(text);
  return block;
}
Block Block::Note(std::string text) {
  Block block;
  block.kind = Kind::kNote;
  block.text = std::move(text);
  return block;
}
Block Block::KeyValues(std::vector<std::pair<std::string, std::string>> pairs) {
  Block block;
  block.kind = Kind::kKeyValues;
  block.pairs = std::move(pairs);
  return block;
}
Block Block::Table(std::string title, DataTable table) {
  Block block;
  block.kind = Kind::kTable;
  block.title = std::move(title);
  block.table = std::move(table);
  return block;
}
Block Block::Figure(Chart chart) {
  Block block;
  block.kind = Kind::kChart;
  block.charts.push_back(std::move(chart));
  return block;
}
Block Block::FigureRow(std::vector<Chart> charts) {
  Block block;
  block.kind = Kind::kChartRow;
  block.charts = std::move(charts);
  return block;
}

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string EmbedJson(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  for (size_t k = 0; k < json.size(); ++k) {
    char c = json[k];
    // "<" only occurs inside JSON strings, where \u003c means the same character.
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '\xe2' && k + 2 < json.size() && json[k + 1] == '\x80' &&
               (json[k + 2] == '\xa8' || json[k + 2] == '\xa9')) {
      out += json[k + 2] == '\xa8' ? "\\u2028" : "\\u2029";
      k += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string RenderHtml(const Report& report) {
  Page page;
  std::set<std::string> section_ids;
  page.Add(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>");
  page.Text(report.title);
  page.Add("</title>\n<style>\n");
  page.Add(StyleSheet());
  page.Add("</style></head>\n<body>\n<header class=\"hs-top\"><h1>");
  page.Text(report.title);
  page.Add("</h1><p>");
  page.Text(report.subtitle);
  page.Add("</p>");
  if (!report.result_json.empty()) {
    page.Add("<button id=\"hs-json\" type=\"button\" data-name=\"");
    page.Text(report.result_name);
    page.Add("\">Download all results (JSON)</button>");
  }
  page.Add(
      "</header>\n<div id=\"hs-errors\" class=\"hs-errors\" hidden></div>\n"
      "<nav class=\"hs-nav\">");
  for (const auto& section : report.sections) {
    CheckId(section.id, &section_ids, "section");
    page.Add(fmt::format("<a href=\"#{}\">", section.id));
    page.Text(section.title);
    page.Add("</a>");
  }
  page.Add("</nav>\n<main>\n");
  for (const auto& section : report.sections) {
    page.Add(fmt::format("<section class=\"hs-section\" id=\"{0}\" data-section=\"{0}\"><h2>",
                         section.id));
    page.Text(section.title);
    page.Add("</h2>\n");
    if (!section.summary.empty()) {
      page.Add("<p class=\"hs-summary\">");
      page.Text(section.summary);
      page.Add("</p>\n");
    }
    for (const auto& block : section.blocks) page.Render(block);
    page.Add("</section>\n");
  }
  page.Add("</main>\n<footer>");
  page.Text(report.generator);
  page.Add(" · charts drawn with ");
  page.Text(ChartLibraryVersion());
  page.Add(" (Apache-2.0), inlined: this file works offline.</footer>\n");
  page.Add("<script type=\"application/json\" id=\"hs-charts\">");
  page.Add(EmbedJson(page.charts.dump()));
  page.Add("</script>\n");
  if (!report.result_json.empty()) {
    page.Add("<script type=\"application/json\" id=\"hs-result\">");
    page.Add(EmbedJson(report.result_json));
    page.Add("</script>\n");
  }
  page.Add("<script>");
  page.Add(EchartsScript());
  page.Add("</script>\n<script>");
  page.Add(RuntimeScript());
  page.Add("</script>\n</body></html>\n");
  return std::move(page.html);
}

void WriteHtml(const Report& report, const std::string& path) {
  WriteFileAtomically(path, RenderHtml(report));
}

}  // namespace hitscope::report
