// study/report_internal.hpp: the study report's sections and their shared helpers.
#pragma once

#include <string>
#include <vector>

#include <hitscope/report.hpp>
#include <hitscope/study.hpp>

namespace hitscope::study {

report::Cell Num(double value);  // NaN and infinities become empty cells
report::Cell Text(std::string text);
// Mean, lower and upper of a score, as three cells of a kIntervals row.
void AddInterval(std::vector<report::Cell>* row, const ScoreSummary& score);
// "0.432 [0.401, 0.463]"
std::string ScoreText(const ScoreSummary& score);
// A chart id from parts: study-<prefix>-<name with non-alphanumerics as _>.
std::string Id(const std::string& prefix, const std::string& name = "");

// report_models.cpp
report::Section ModelsSection(const StudyResult& result);
report::Section LeakageSection(const StudyResult& result);
// report_sections.cpp
report::Section ClusteringSection(const StudyResult& result);
report::Section ImportanceSection(const StudyResult& result);
report::Section RegressionSection(const StudyResult& result);
report::Section MethodSection(const StudyResult& result);

}  // namespace hitscope::study
