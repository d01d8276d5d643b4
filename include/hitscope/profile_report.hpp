// hitscope/profile_report.hpp: the profile (profile.hpp) as a self-contained HTML report
// (report.hpp): sections overview, summary, distributions, correlation, feature vs popularity,
// time, classes and artists, each with its charts, tables and a sentence that answers it.
#pragma once

#include <string>

#include <hitscope/profile.hpp>
#include <hitscope/report.hpp>

namespace hitscope {

// The report of a profile; `result_json` carries ProfileToJson(result) for the page's download.
report::Report MakeProfileReport(const ProfileResult& result);

// MakeProfileReport, rendered and written to `path` atomically (Error(kIo) on failure).
void WriteProfileReport(const ProfileResult& result, const std::string& path);

// The section ids of a profile report, in order (for tests and links).
std::vector<std::string> ProfileSectionIds();

}  // namespace hitscope
