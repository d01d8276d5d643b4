// What the registry records about a model: its configuration and metrics as JSON, and hashes.
#include <algorithm>
#include <cmath>
#include <ctime>
#include <memory>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include <hitscope/error.hpp>
#include <hitscope/registry.hpp>

namespace hitscope {

namespace {

using nlohmann::json;

json NumberOrNull(double value) {
  return std::isfinite(value) ? json(value) : json(nullptr);
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

std::string Trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return "";
  size_t end = text.find_last_not_of(" \t\r");
  return std::string(text.substr(begin, end - begin + 1));
}

// Parses "0.4213" strictly; nullopt for anything else.
std::optional<double> ParseNumber(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return value;
}

// One evaluation block of Evaluation::ToText(): its protocol and its score table.
struct ScoreBlock {
  std::string protocol;
  bool leaky = false;
  json scores = json::object();
};

struct EvpContextDeleter {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

class Sha256 {
 public:
  Sha256() : context_(EVP_MD_CTX_new()) {
    if (!context_ || EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr) != 1) {
      throw InternalError("SHA-256: OpenSSL could not start a digest");
    }
  }
  void Update(std::string_view bytes) {
    if (EVP_DigestUpdate(context_.get(), bytes.data(), bytes.size()) != 1) {
      throw InternalError("SHA-256: OpenSSL failed to update a digest");
    }
  }
  std::string HexDigest() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(context_.get(), digest, &length) != 1) {
      throw InternalError("SHA-256: OpenSSL failed to finish a digest");
    }
    std::string hex;
    hex.reserve(length * 2);
    for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
    return hex;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, EvpContextDeleter> context_;
};

}  // namespace

std::string MetricsFromSummary(const std::string& summary) {
  std::vector<ScoreBlock> blocks;
  std::istringstream lines(summary);
  std::string line, previous;
  bool in_scores = false;
  while (std::getline(lines, line)) {
    if (StartsWith(line, "protocol:")) {
      ScoreBlock block;
      block.protocol = Trim(std::string_view(line).substr(9));
      block.leaky = StartsWith(previous, "*** LEAKY");
      blocks.push_back(std::move(block));
      in_scores = false;
    } else if (!blocks.empty() && StartsWith(line, "score ") &&
               line.find(" mean ") != std::string::npos) {
      in_scores = true;
    } else if (in_scores) {
      std::istringstream fields(line);
      std::string metric, mean, std, low, high;
      fields >> metric >> mean >> std >> low >> high;
      std::optional<double> mean_value = ParseNumber(mean), std_value = ParseNumber(std);
      if (metric.empty() || !mean_value || !std_value) {
        in_scores = false;
      } else {
        json entry = {{"mean", *mean_value}, {"std", *std_value}};
        if (StartsWith(low, "[") && !high.empty() && high.back() == ']') {
          std::string low_text = low.substr(1);
          if (!low_text.empty() && low_text.back() == ',') low_text.pop_back();
          std::optional<double> lo = ParseNumber(low_text),
                                hi = ParseNumber(high.substr(0, high.size() - 1));
          if (lo && hi) entry["ci95"] = {*lo, *hi};
        }
        blocks.back().scores[metric] = entry;
      }
    }
    previous = line;
  }
  for (auto it = blocks.rbegin(); it != blocks.rend(); ++it) {
    if (!it->leaky && !it->scores.empty()) {
      json metrics = {{"source", "model summary (hitscope train --cv)"},
                      {"protocol", it->protocol},
                      {"scores", it->scores}};
      return metrics.dump();
    }
  }
  return json({{"source", "none"}, {"scores", json::object()}}).dump();
}

std::string MetricsFromEvaluationJson(const std::string& text, const std::string& name) {
  json document;
  try {
    document = json::parse(text);
  } catch (const json::exception& e) {
    throw InvalidInput(fmt::format(
        "metrics file '{}' is not JSON ({}); give the file written by 'hitscope evaluate "
        "--json'",
        name, e.what()));
  }
  if (document.is_object() && document.contains("honest")) document = document["honest"];
  if (!document.is_object() || !document.contains("scores") || !document["scores"].is_object()) {
    throw InvalidInput(fmt::format(
        "metrics file '{}' has no \"scores\" object; give the file written by 'hitscope "
        "evaluate --json'",
        name));
  }
  if (document.value("leaky", false)) {
    throw InvalidInput(fmt::format(
        "metrics file '{}' holds scores of the leaky protocol (resampled before the split), "
        "which are inflated; register the honest evaluation instead",
        name));
  }
  json scores = json::object();
  for (const auto& [metric, value] : document["scores"].items()) {
    if (!value.is_object() || !value.contains("mean")) continue;
    json entry = {{"mean", value["mean"]}};
    if (value.contains("std")) entry["std"] = value["std"];
    if (value.contains("ci95")) entry["ci95"] = value["ci95"];
    scores[metric] = entry;
  }
  std::string protocol;
  if (document.contains("protocol") && document["protocol"].is_object()) {
    protocol = document["protocol"].value("description", "");
  }
  return json({{"source", "evaluation file " + name}, {"protocol", protocol}, {"scores", scores}})
      .dump();
}

std::string ModelConfigJson(const TrainedModel& model) {
  const Pipeline& pipeline = model.pipeline;
  json config;
  config["pipeline"] = pipeline.spec().ToParams();
  config["description"] = pipeline.spec().Describe();
  config["target"] = pipeline.target() == TargetKind::kClass ? "class" : "popularity";
  config["features"] = model.roles.features;
  json types = json::array();
  for (DataType type : model.feature_types) types.push_back(DataTypeName(type));
  config["feature_types"] = types;
  if (pipeline.target() == TargetKind::kClass) {
    json edges = json::array();
    for (double edge : model.classes.upper_edges) edges.push_back(NumberOrNull(edge));
    config["classes"] = {{"names", model.classes.names},
                         {"upper_edges", edges},
                         {"spec", model.classes.spec},
                         {"description", model.classes.Describe()}};
  }
  config["roles"] = {{"target", model.roles.target},
                     {"id", model.roles.id},
                     {"artist", model.roles.artist},
                     {"isrc", model.roles.isrc},
                     {"date", model.roles.date}};
  config["hitscope_version"] = model.hitscope_version;
  return config.dump();
}

std::string Sha256Hex(std::string_view bytes) {
  Sha256 digest;
  digest.Update(bytes);
  return digest.HexDigest();
}

std::string Sha256OfFile(const std::string& path, FileSystem& fs) {
  std::unique_ptr<ReadableFile> file = fs.OpenForRead(path);
  Sha256 digest;
  std::string buffer(1 << 20, '\0');
  while (size_t read = file->Read(buffer.data(), buffer.size())) {
    digest.Update(std::string_view(buffer.data(), read));
  }
  return digest.HexDigest();
}

std::string UtcNowIso8601() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", utc.tm_year + 1900, utc.tm_mon + 1,
                     utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
}

bool IsValidModelName(std::string_view name) {
  if (name.empty() || name.size() > 128) return false;
  auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  };
  if (!std::all_of(name.begin(), name.end(), allowed)) return false;
  char first = name.front();
  return first != '.' && first != '_' && first != '-';
}

void CheckModelName(std::string_view name, std::string_view what) {
  if (!IsValidModelName(name)) {
    throw InvalidArgument(fmt::format(
        "{} '{}' is not allowed: use 1-128 letters, digits, '.', '_' or '-', starting with a "
        "letter or digit (e.g. 'popularity')",
        what, name));
  }
}

}  // namespace hitscope
