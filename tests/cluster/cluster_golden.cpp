#include "cluster/cluster_golden.hpp"

#include <cmath>
#include <fstream>
#include <map>

#include <fmt/format.h>

#include "testing/fixtures.hpp"

namespace hitscope::testing {

nlohmann::json LoadGolden(const std::string& relative_path) {
  std::ifstream in(SourcePath(relative_path));
  return nlohmann::json::parse(in);
}

Matrix MatrixFromJson(const nlohmann::json& m) {
  return Matrix(m["rows"].get<int64_t>(), m["cols"].get<int64_t>(),
                m["values"].get<std::vector<double>>());
}

std::vector<int32_t> Canonical(const std::vector<int32_t>& labels) {
  std::map<int32_t, int32_t> mapping;
  std::vector<int32_t> out;
  for (int32_t label : labels) {
    if (label == -1) {
      out.push_back(-1);
      continue;
    }
    auto it = mapping.try_emplace(label, static_cast<int32_t>(mapping.size())).first;
    out.push_back(it->second);
  }
  return out;
}

std::string LabelsChecksum(const std::vector<int32_t>& labels) {
  uint64_t h = 14695981039346656037ULL;
  for (int32_t label : Canonical(labels)) {
    h ^= static_cast<uint64_t>(label + 1);
    h *= 1099511628211ULL;
  }
  return fmt::format("{:016x}", h);
}

bool Close(double a, double b, double tolerance) {
  return std::fabs(a - b) <= tolerance * std::max(1.0, std::fabs(b));
}

}  // namespace hitscope::testing
