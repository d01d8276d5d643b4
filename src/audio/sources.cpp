// Where audio files come from: a folder listing or a manifest CSV.
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>

#include <hitscope/audio.hpp>
#include <hitscope/csv.hpp>
#include <hitscope/error.hpp>

#include "audio/mel_internal.hpp"
#include "core/text.hpp"

namespace hitscope {
namespace {

namespace fs = std::filesystem;

std::string LowerExtension(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return ext;
}

// The first of `names` that the table has, or "".
std::string FindColumn(const Table& table, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (table.HasColumn(name)) return name;
  }
  return "";
}

}  // namespace

const std::vector<std::string>& AudioExtensions() {
  static const std::vector<std::string> extensions = {
      ".mp3", ".wav", ".flac", ".ogg", ".oga", ".opus", ".aif", ".aiff", ".au", ".w64", ".caf"};
  return extensions;
}

std::vector<AudioSource> ListAudioFolder(const std::string& folder,
                                         std::vector<std::string>* skipped) {
  std::error_code error;
  if (!fs::is_directory(folder, error)) {
    throw IoError(
        fmt::format("'{}' is not a folder: give a folder of audio files or a "
                    "manifest CSV",
                    folder));
  }
  std::vector<fs::path> files;
  for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
    if (it->is_regular_file(error) || it->is_symlink(error)) files.push_back(it->path());
  }
  if (error) {
    throw IoError(fmt::format("cannot list the folder '{}': {}", folder, error.message()));
  }
  std::sort(files.begin(), files.end());
  const auto& known = AudioExtensions();
  std::vector<fs::path> audio;
  for (const auto& file : files) {
    if (std::find(known.begin(), known.end(), LowerExtension(file)) != known.end()) {
      audio.push_back(file);
    } else if (skipped != nullptr) {
      skipped->push_back(file.filename().string());
    }
  }
  std::map<std::string, int> stems;
  for (const auto& file : audio) ++stems[file.stem().string()];
  std::vector<AudioSource> sources;
  for (const auto& file : audio) {
    AudioSource source;
    source.path = file.string();
    const std::string stem = file.stem().string();
    source.track_id = stems[stem] > 1 ? file.filename().string() : stem;
    sources.push_back(std::move(source));
  }
  return sources;
}

std::vector<AudioSource> ReadAudioManifest(const std::string& path) {
  CsvReadOptions options;
  // Everything as text: ids like "007" must stay as written; popularity is parsed below so
  // that its message can name the row.
  CsvReadOptions header_only;
  header_only.max_rows = 0;
  header_only.allow_empty = true;
  const Table header = ReadCsv(path, header_only);
  for (const std::string& name : header.names()) options.types[name] = DataType::kString;
  const Table table = ReadCsv(path, options);
  const std::string file_column = FindColumn(table, {"file", "path", "audio", "filename"});
  if (file_column.empty()) {
    throw InvalidInput(fmt::format(
        "manifest '{}' has no 'file' column (it has {}); a manifest needs the audio file in "
        "'file' (or path, audio, filename), optionally track_id, popularity and artist",
        path, QuoteList(table.names())));
  }
  const std::string id_column = FindColumn(table, {"track_id", "id"});
  const std::string popularity_column = FindColumn(table, {"popularity", "track_popularity"});
  const std::string artist_column = FindColumn(table, {"artist", "track_artist", "artist_id"});
  const fs::path base = fs::path(path).parent_path();
  std::vector<AudioSource> sources;
  std::map<std::string, int64_t> seen;
  for (int64_t row = 0; row < table.num_rows(); ++row) {
    const int64_t line = row + 1;  // data rows, 1-based
    auto text = [&](const std::string& column) -> std::string {
      if (column.empty()) return "";
      const Column& values = table.column(column);
      return values.IsNull(row) ? "" : std::string(values.StringAt(row));
    };
    AudioSource source;
    source.manifest_row = line;
    const std::string file = text(file_column);
    if (file.empty()) {
      throw InvalidInput(
          fmt::format("manifest '{}' row {}: the '{}' field is empty; every row "
                      "needs an audio file",
                      path, line, file_column));
    }
    const fs::path file_path(file);
    source.path = file_path.is_absolute() || base.empty() ? file : (base / file_path).string();
    source.track_id = text(id_column);
    if (source.track_id.empty()) source.track_id = file_path.stem().string();
    source.artist = text(artist_column);
    const std::string popularity = text(popularity_column);
    if (!popularity.empty()) {
      double value = 0;
      size_t used = 0;
      try {
        value = std::stod(popularity, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != popularity.size() || !(value >= 0 && value <= 100)) {
        throw InvalidInput(
            fmt::format("manifest '{}' row {}: popularity '{}' is not a number from 0 to 100", path,
                        line, Printable(popularity)));
      }
      source.popularity = value;
    }
    auto [it, inserted] = seen.emplace(source.track_id, line);
    if (!inserted) {
      throw InvalidInput(fmt::format(
          "manifest '{}' row {}: track id '{}' already appears on row {}; track ids name the "
          "outputs and must be unique",
          path, line, Printable(source.track_id), it->second));
    }
    sources.push_back(std::move(source));
  }
  if (sources.empty()) {
    throw InvalidInput(fmt::format("manifest '{}' lists no audio files", path));
  }
  return sources;
}

std::vector<AudioSource> ResolveAudioInput(const std::string& input,
                                           std::vector<std::string>* skipped) {
  std::error_code error;
  if (fs::is_directory(input, error)) return ListAudioFolder(input, skipped);
  if (LowerExtension(input) == ".csv") return ReadAudioManifest(input);
  if (!fs::exists(input, error)) {
    throw IoError(fmt::format(
        "'{}' does not exist: give a folder of audio files, a manifest CSV or an audio file",
        input));
  }
  AudioSource one;
  one.path = input;
  one.track_id = fs::path(input).stem().string();
  return {one};
}

namespace audio {

std::string SafeFileStem(const std::string& track_id) {
  std::string stem;
  for (unsigned char c : track_id) {
    const bool safe = std::isalnum(c) || c == '.' || c == '_' || c == '-';
    stem.push_back(safe ? static_cast<char>(c) : '_');
  }
  if (stem.empty()) stem = "track";
  if (stem[0] == '.') stem[0] = '_';
  if (stem.size() > 150) stem.resize(150);
  return stem;
}

}  // namespace audio
}  // namespace hitscope
