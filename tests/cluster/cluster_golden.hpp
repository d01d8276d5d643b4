// tests/cluster/cluster_golden.hpp: reading the clustering goldens and comparing labels.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <hitscope/matrix.hpp>

namespace hitscope::testing {

nlohmann::json LoadGolden(const std::string& relative_path);
Matrix MatrixFromJson(const nlohmann::json& m);
// Clusters renumbered in order of first appearance; -1 (noise) kept.
std::vector<int32_t> Canonical(const std::vector<int32_t>& labels);
// The 64-bit FNV-1a checksum of the canonical labels, as 16 hex digits (as the golden script).
std::string LabelsChecksum(const std::vector<int32_t>& labels);
// |a - b| <= tolerance * max(1, |b|).
bool Close(double a, double b, double tolerance);

}  // namespace hitscope::testing
