// report/profile_sections.hpp: the profile report's sections and shared formatting helpers.
#pragma once

#include <string>
#include <vector>

#include <hitscope/profile.hpp>
#include <hitscope/report.hpp>

namespace hitscope::profile_report {

std::string Number(double value);   // 4 significant digits, integers as is, "n/a" for NaN
std::string Count(int64_t value);   // 32,833
std::string Percent(double share);  // 12.3 %
std::string Bytes(int64_t bytes);
// A chart id from a prefix, an index and any column name.
std::string ChartId(const std::string& prefix, size_t index, const std::string& name);
report::Cell Num(double value);
report::Cell Text(std::string text);

// overview, summary, distributions, correlation (profile_report.cpp)
std::vector<report::Section> FirstSections(const ProfileResult& result);
// features, time, classes, artists, notes (profile_sections.cpp)
std::vector<report::Section> LaterSections(const ProfileResult& result);

}  // namespace hitscope::profile_report
