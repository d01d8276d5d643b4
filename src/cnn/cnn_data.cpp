// Loading spectrograms for the CNN: from a `hitscope spectrogram` folder or index, or straight
// from an audio manifest; averaging them to the network's input size; popularity classes.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <hitscope/cnn.hpp>
#include <hitscope/csv.hpp>
#include <hitscope/error.hpp>
#include <hitscope/file.hpp>

#include "core/parallel.hpp"
#include "core/progress.hpp"

namespace hitscope {
namespace {

namespace fs = std::filesystem;

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

// One row being loaded: its spectrogram at input size, or why it was skipped.
struct Loaded {
  std::vector<float> values;
  std::string skipped;
};

// The column names of a CSV (its header only).
std::vector<std::string> CsvColumns(const std::string& csv) {
  CsvReadOptions header;
  header.max_rows = 0;
  header.allow_empty = true;
  return ReadCsv(csv, header).names();
}

bool IsIndex(const std::string& csv) {
  const std::vector<std::string> names = CsvColumns(csv);
  auto has = [&](const char* name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  return has("npy") && has("track_id");
}

std::string Text(const Table& table, const char* column, int64_t row) {
  if (!table.HasColumn(column)) return "";
  const Column& values = table.column(column);
  return values.IsNull(row) ? "" : std::string(values.StringAt(row));
}

void Finish(CnnDataset& data, std::vector<Loaded>& loaded, std::vector<std::string>& ids,
            std::vector<std::string>& artists, std::vector<double>& popularity,
            const std::string& path) {
  for (size_t i = 0; i < loaded.size(); ++i) {
    if (!loaded[i].skipped.empty()) {
      data.skipped.push_back(ids[i] + ": " + loaded[i].skipped);
      continue;
    }
    data.track_ids.push_back(ids[i]);
    data.artists.push_back(artists[i]);
    data.popularity.push_back(popularity[i]);
    data.values.insert(data.values.end(), loaded[i].values.begin(), loaded[i].values.end());
    loaded[i].values = {};
  }
  if (data.track_ids.empty()) {
    std::string reasons;
    for (size_t i = 0; i < std::min<size_t>(data.skipped.size(), 5); ++i) {
      reasons += "\n  " + data.skipped[i];
    }
    throw InvalidInput(fmt::format("'{}' has no usable spectrogram ({} rows skipped):{}", path,
                                   data.skipped.size(), reasons));
  }
}

CnnDataset LoadIndex(const std::string& index_path, int bands, int frames,
                     bool require_popularity) {
  CnnDataset data;
  data.bands = bands;
  data.frames = frames;
  const fs::path folder = fs::path(index_path).parent_path();
  const fs::path spec_path = folder / "spectrogram.json";
  if (!fs::exists(spec_path)) {
    throw InvalidInput(fmt::format(
        "'{}' has no spectrogram.json beside it: the CNN needs to know how the spectrograms "
        "were made; write them with hitscope spectrogram",
        index_path));
  }
  data.spectrogram =
      ParseSpectrogramSpecJson(ReadFileToString(spec_path.string()), spec_path.string());
  CsvReadOptions options;
  for (const std::string& column : CsvColumns(index_path)) {
    options.types[column] = column == "popularity" ? DataType::kFloat64 : DataType::kString;
  }
  const Table index = ReadCsv(index_path, options);
  const int64_t rows = index.num_rows();
  std::vector<std::string> ids(rows), artists(rows), npy(rows);
  std::vector<double> popularity(rows, kNan);
  std::vector<Loaded> loaded(rows);
  const bool has_popularity = index.HasColumn("popularity");
  for (int64_t row = 0; row < rows; ++row) {
    ids[row] = Text(index, "track_id", row);
    artists[row] = Text(index, "artist", row);
    npy[row] = Text(index, "npy", row);
    if (has_popularity && !index.column("popularity").IsNull(row)) {
      popularity[row] = index.column("popularity").NumericAt(row);
    }
    const std::string status = Text(index, "status", row);
    if (!status.empty() && status != "ok") {
      loaded[row].skipped = "failed in the spectrogram step: " + Text(index, "error", row);
    } else if (npy[row].empty()) {
      loaded[row].skipped = "no .npy tensor (run hitscope spectrogram with --format npy)";
    } else if (require_popularity && std::isnan(popularity[row])) {
      loaded[row].skipped = "no popularity";
    }
  }
  ParallelTasks(static_cast<size_t>(rows), [&](size_t row) {
    if (!loaded[row].skipped.empty()) return;
    try {
      const Spectrogram s = ReadNpySpectrogram((folder / npy[row]).string());
      loaded[row].values = ResizeSpectrogram(s, bands, frames).values;
    } catch (const Error& e) {
      loaded[row].skipped = e.what();
    }
  });
  Finish(data, loaded, ids, artists, popularity, index_path);
  return data;
}

CnnDataset LoadSources(const std::vector<AudioSource>& sources, int bands, int frames,
                       bool require_popularity, const SpectrogramJobOptions& spectrogram,
                       const std::string& name) {
  CnnDataset data;
  data.bands = bands;
  data.frames = frames;
  data.spectrogram = spectrogram;
  const size_t rows = sources.size();
  std::vector<std::string> ids(rows), artists(rows);
  std::vector<double> popularity(rows, kNan);
  std::vector<Loaded> loaded(rows);
  for (size_t row = 0; row < rows; ++row) {
    ids[row] = sources[row].track_id;
    artists[row] = sources[row].artist;
    popularity[row] = sources[row].popularity.value_or(kNan);
    if (require_popularity && !sources[row].popularity) loaded[row].skipped = "no popularity";
  }
  std::optional<Progress> progress;
  if (!spectrogram.progress_label.empty()) {
    progress.emplace(spectrogram.progress_label, rows, "files");
  }
  ParallelTasks(rows, [&](size_t row) {
    if (loaded[row].skipped.empty()) {
      try {
        const Spectrogram s = ComputeDbSpectrogram(sources[row].path, spectrogram);
        loaded[row].values = ResizeSpectrogram(s, bands, frames).values;
      } catch (const Error& e) {
        loaded[row].skipped = e.what();
      }
    }
    if (progress) progress->Add(1);
  });
  progress.reset();
  Finish(data, loaded, ids, artists, popularity, name);
  return data;
}

}  // namespace

CnnDataset LoadCnnDataset(const std::string& path, int bands, int frames, bool require_popularity,
                          const SpectrogramJobOptions& spectrogram) {
  if (bands < 1 || frames < 1) {
    throw InvalidArgument(
        fmt::format("CNN input size must be at least 1 x 1, got {} x {}", bands, frames));
  }
  std::error_code error;
  if (fs::is_directory(path, error)) {
    const fs::path index = fs::path(path) / "index.csv";
    if (!fs::exists(index)) {
      throw InvalidInput(fmt::format(
          "the folder '{}' has no index.csv: give the output folder of hitscope spectrogram, "
          "its index.csv, or an audio manifest CSV",
          path));
    }
    return LoadIndex(index.string(), bands, frames, require_popularity);
  }
  if (!fs::exists(path, error)) {
    throw IoError(
        fmt::format("'{}' does not exist: give a spectrogram folder, an index.csv or an "
                    "audio manifest",
                    path));
  }
  if (IsIndex(path)) return LoadIndex(path, bands, frames, require_popularity);
  return LoadSources(ReadAudioManifest(path), bands, frames, require_popularity, spectrogram, path);
}

CnnDataset LoadCnnAudio(const std::vector<AudioSource>& sources, int bands, int frames,
                        bool require_popularity, const SpectrogramJobOptions& spectrogram) {
  if (bands < 1 || frames < 1) {
    throw InvalidArgument(
        fmt::format("CNN input size must be at least 1 x 1, got {} x {}", bands, frames));
  }
  if (sources.empty()) throw InvalidInput("no audio files to score");
  return LoadSources(sources, bands, frames, require_popularity, spectrogram, "the audio files");
}

Spectrogram ResizeSpectrogram(const Spectrogram& input, int64_t bands, int64_t frames) {
  if (bands < 1 || frames < 1 || input.bands < 1 || input.frames < 1) {
    throw InvalidArgument(fmt::format("cannot resize a {} x {} spectrogram to {} x {}", input.bands,
                                      input.frames, bands, frames));
  }
  if (input.bands == bands && input.frames == frames) return input;
  auto start = [](int64_t i, int64_t in, int64_t out) { return (i * in) / out; };
  auto end = [](int64_t i, int64_t in, int64_t out) { return ((i + 1) * in + out - 1) / out; };
  // Columns first (every input band), then bands.
  std::vector<double> by_column(static_cast<size_t>(input.bands * frames));
  for (int64_t b = 0; b < input.bands; ++b) {
    const float* row = input.values.data() + b * input.frames;
    for (int64_t j = 0; j < frames; ++j) {
      const int64_t c0 = start(j, input.frames, frames), c1 = end(j, input.frames, frames);
      double sum = 0;
      for (int64_t c = c0; c < c1; ++c) sum += row[c];
      by_column[b * frames + j] = sum / static_cast<double>(c1 - c0);
    }
  }
  Spectrogram out{bands, frames, std::vector<float>(static_cast<size_t>(bands * frames))};
  for (int64_t i = 0; i < bands; ++i) {
    const int64_t r0 = start(i, input.bands, bands), r1 = end(i, input.bands, bands);
    for (int64_t j = 0; j < frames; ++j) {
      double sum = 0;
      for (int64_t r = r0; r < r1; ++r) sum += by_column[r * frames + j];
      out.values[i * frames + j] = static_cast<float>(sum / static_cast<double>(r1 - r0));
    }
  }
  return out;
}

std::vector<int32_t> PopularityClasses(const std::vector<double>& popularity,
                                       const std::vector<double>& edges) {
  for (size_t i = 0; i < edges.size(); ++i) {
    if (!std::isfinite(edges[i]) || (i > 0 && !(edges[i] > edges[i - 1]))) {
      throw InvalidArgument(
          fmt::format("class edges must be finite and increase, got {}", fmt::join(edges, ", ")));
    }
  }
  std::vector<int32_t> classes(popularity.size());
  for (size_t row = 0; row < popularity.size(); ++row) {
    if (std::isnan(popularity[row])) {
      throw InvalidInput(fmt::format("row {} has no popularity, so it has no class", row + 1));
    }
    classes[row] = static_cast<int32_t>(
        std::upper_bound(edges.begin(), edges.end(), popularity[row]) - edges.begin());
  }
  return classes;
}

}  // namespace hitscope
