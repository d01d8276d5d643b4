// The study report: the findings, the exploration (the profile report's sections), then the
// study's own sections; and the three output files.
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include <hitscope/error.hpp>
#include <hitscope/file.hpp>
#include <hitscope/profile_report.hpp>

#include "study/internal.hpp"
#include "study/report_internal.hpp"

namespace hitscope {
namespace study {

report::Cell Num(double value) {
  return value;
}

report::Cell Text(std::string text) {
  return text;
}

void AddInterval(std::vector<report::Cell>* row, const ScoreSummary& score) {
  row->push_back(Num(score.mean));
  row->push_back(Num(score.ci_low));
  row->push_back(Num(score.ci_high));
}

std::string ScoreText(const ScoreSummary& score) {
  if (!std::isfinite(score.ci_low)) return FormatScore(score.mean);
  return fmt::format("{} [{}, {}]", FormatScore(score.mean), FormatScore(score.ci_low),
                     FormatScore(score.ci_high));
}

std::string Id(const std::string& prefix, const std::string& name) {
  std::string id = "study-" + prefix;
  if (!name.empty()) id += "-";
  for (char c : name) id += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return id;
}

namespace {

report::Section FindingsSection(const StudyResult& r) {
  report::Section section{"findings", "Findings", "", {}};
  std::vector<std::string> findings = r.Findings();
  section.summary = findings.empty() ? "No section ran that gives findings." : findings.front();
  for (size_t k = 1; k < findings.size(); ++k) {
    section.blocks.push_back(report::Block::Paragraph(findings[k]));
  }
  std::vector<std::pair<std::string, std::string>> facts = {
      {"data", fmt::format("{} ({}, {} rows)", r.source, r.source_kind, r.rows)},
      {"sections", JoinWords(r.config.sections)},
      {"seed", std::to_string(r.config.seed)},
      {"time", fmt::format("{:.1f} s", r.seconds)}};
  if (!r.best_name.empty()) {
    facts.push_back({"best model", r.best_spec.Describe() + " (saved as best_model.hsm)"});
  }
  section.blocks.push_back(report::Block::KeyValues(std::move(facts)));
  if (!r.budget_notes.empty()) {
    section.blocks.push_back(report::Block::Note(
        "Budget: " + std::to_string(r.budget_notes.size()) +
        " step(s) worked on a sample of the rows; see 'Method, budget and timings'."));
  }
  return section;
}

}  // namespace
}  // namespace study

report::Report MakeStudyReport(const StudyResult& r) {
  report::Report page;
  page.title = r.config.title.empty()
                   ? "Popularity study of " + std::filesystem::path(r.source).filename().string()
                   : r.config.title;
  page.subtitle = fmt::format("{}: {} rows ({})", r.source, r.rows, r.source_kind);
  page.generator = "hitscope " + r.hitscope_version + " study";
  page.sections.push_back(study::FindingsSection(r));
  if (r.profile) {
    for (auto& section : MakeProfileReport(*r.profile).sections) {
      page.sections.push_back(std::move(section));
    }
  }
  if (r.config.Runs("clustering")) page.sections.push_back(study::ClusteringSection(r));
  if (r.config.Runs("models")) page.sections.push_back(study::ModelsSection(r));
  if (r.config.Runs("leakage")) page.sections.push_back(study::LeakageSection(r));
  if (r.config.Runs("importance")) page.sections.push_back(study::ImportanceSection(r));
  if (r.config.Runs("regression")) page.sections.push_back(study::RegressionSection(r));
  page.sections.push_back(study::MethodSection(r));
  page.result_json = StudyToJson(r);
  page.result_name = "results.json";
  return page;
}

std::vector<std::string> StudySectionIds() {
  std::vector<std::string> ids = {"findings"};
  for (const auto& id : ProfileSectionIds()) ids.push_back(id);
  for (const char* id : {"clustering", "models", "leakage", "importance", "regression", "method"}) {
    ids.push_back(id);
  }
  return ids;
}

StudyOutputs WriteStudyOutputs(const StudyResult& result, const std::string& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    throw IoError(fmt::format("cannot create the output folder '{}': {}", dir, error.message()));
  }
  StudyOutputs out;
  const std::filesystem::path base(dir);
  out.results = (base / "results.json").string();
  report::Report page = MakeStudyReport(result);
  WriteFileAtomically(out.results, page.result_json);
  if (result.best_model) {
    out.model = (base / "best_model.hsm").string();
    SaveModel(*result.best_model, out.model);
  }
  out.report = (base / "report.html").string();
  report::WriteHtml(page, out.report);
  return out;
}

}  // namespace hitscope
