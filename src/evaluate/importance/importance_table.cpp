// ImportanceTable (include/hitscope/importance.hpp): the importance measures side by side.
#include <algorithm>
#include <numeric>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <hitscope/importance.hpp>

namespace hitscope {

std::vector<int64_t> ImportanceTable::Order() const {
  const std::vector<double>* key = !permutation_mean.empty() ? &permutation_mean
                                   : !mean_abs_shap.empty()  ? &mean_abs_shap
                                                             : &impurity;
  std::vector<int64_t> order(features.size());
  std::iota(order.begin(), order.end(), int64_t{0});
  if (key->size() == features.size()) {
    std::stable_sort(order.begin(), order.end(),
                     [&](int64_t a, int64_t b) { return (*key)[a] > (*key)[b]; });
  }
  return order;
}

std::string FormatImportanceTable(const ImportanceTable& table) {
  size_t width = 7;
  for (const std::string& name : table.features) width = std::max(width, name.size());
  std::string out = fmt::format("{:<{}}  {:>4}", "feature", width, "rank");
  if (!table.impurity.empty()) out += fmt::format("  {:>9}", "impurity");
  if (!table.permutation_mean.empty()) out += fmt::format("  {:>19}", "permutation (± std)");
  if (!table.mean_abs_shap.empty()) out += fmt::format("  {:>11}", "mean |SHAP|");
  out += "\n";
  int64_t rank = 0;
  for (int64_t f : table.Order()) {
    out += fmt::format("{:<{}}  {:>4}", table.features[f], width, ++rank);
    if (!table.impurity.empty()) out += fmt::format("  {:>9.4f}", table.impurity[f]);
    if (!table.permutation_mean.empty()) {
      out += fmt::format("  {:>10.4f} ± {:<6.4f}", table.permutation_mean[f],
                         table.permutation_std.empty() ? 0.0 : table.permutation_std[f]);
    }
    if (!table.mean_abs_shap.empty()) out += fmt::format("  {:>11.4f}", table.mean_abs_shap[f]);
    out += "\n";
  }
  if (!table.note.empty()) out += table.note + "\n";
  return out;
}

std::string ImportanceTableToJson(const ImportanceTable& table) {
  nlohmann::json out;
  out["features"] = nlohmann::json::array();
  int64_t rank = 0;
  for (int64_t f : table.Order()) {
    nlohmann::json row;
    row["name"] = table.features[f];
    row["rank"] = ++rank;
    if (!table.impurity.empty()) row["impurity"] = table.impurity[f];
    if (!table.permutation_mean.empty()) {
      row["permutation_mean"] = table.permutation_mean[f];
      if (!table.permutation_std.empty()) row["permutation_std"] = table.permutation_std[f];
    }
    if (!table.mean_abs_shap.empty()) row["mean_abs_shap"] = table.mean_abs_shap[f];
    out["features"].push_back(row);
  }
  out["note"] = table.note;
  return out.dump(1) + "\n";
}

}  // namespace hitscope
