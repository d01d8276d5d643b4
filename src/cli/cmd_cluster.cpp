// hitscope cluster: k-means, bisecting k-means, BIRCH or DBSCAN on chosen features of a CSV,
// with quality indices, an optional k sweep and a profile of each cluster.
#include <chrono>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include <hitscope/cluster_profile.hpp>
#include <hitscope/csv.hpp>
#include <hitscope/error.hpp>
#include <hitscope/file.hpp>

#include "cli/csv_flags.hpp"
#include "cli/registry.hpp"
#include "core/text.hpp"

namespace hitscope::cli {

namespace {

struct ClusterArgs {
  std::string file, out, labels_out;
  bool json = false;
  std::string algorithm = "kmeans";
  std::vector<std::string> features = ClusterAnalysisOptions().features;
  int k = 4;
  uint32_t seed = 0;
  std::string scale = "standard";
  // k-means family
  int n_init = -1;  // -1: the algorithm's default (10 for k-means, 1 for bisecting)
  int max_iter = 300;
  double tol = 1e-4;
  std::string stepper = "lloyd";
  std::string init;  // empty: the algorithm's default
  std::string strategy = "biggest_inertia";
  // BIRCH
  double threshold = 0.5;
  int branching_factor = 50;
  // DBSCAN
  double eps = 0.5;
  int min_samples = 5;
  // Indices, profile, sweep
  std::string silhouette = "auto";
  int64_t exact_rows = 50000;
  int64_t sample_size = 10000;
  int repeats = 5;
  int sweep = 0;
  std::string popularity;
  bool drop_missing = false;
  double name_threshold = 0.5;
  std::vector<std::string> ids = {"track_id"};
  int64_t rows = -1;
  CsvFlags csv;
};

std::string NormaliseAlgorithm(const std::string& name) {
  if (name == "kmeans" || name == "k-means") return "kmeans";
  if (name == "bisecting" || name == "bisecting_kmeans" || name == "bisecting-kmeans") {
    return "bisecting_kmeans";
  }
  if (name == "birch" || name == "dbscan") return name;
  throw InvalidArgument(
      fmt::format("--algo '{}' is not known; choose kmeans, bisecting, birch or dbscan", name));
}

KMeansInit ParseInit(const std::string& name) {
  if (name == "k-means++" || name == "kmeans++") return KMeansInit::kKMeansPlusPlus;
  if (name == "random") return KMeansInit::kRandom;
  throw InvalidArgument(fmt::format("--init '{}' is not known; choose k-means++ or random", name));
}

KMeansStepper ParseStepper(const std::string& name) {
  if (name == "lloyd") return KMeansStepper::kLloyd;
  if (name == "elkan") return KMeansStepper::kElkan;
  throw InvalidArgument(fmt::format("--stepper '{}' is not known; choose lloyd or elkan", name));
}

SilhouetteMode ParseSilhouette(const std::string& name) {
  if (name == "auto") return SilhouetteMode::kAuto;
  if (name == "exact") return SilhouetteMode::kExact;
  if (name == "sample" || name == "sampled") return SilhouetteMode::kSampled;
  if (name == "none") return SilhouetteMode::kNone;
  throw InvalidArgument(
      fmt::format("--silhouette '{}' is not known; choose auto, exact, sample or none", name));
}

ClusterAnalysisOptions ToOptions(const ClusterArgs& args) {
  ClusterAnalysisOptions o;
  o.features = args.features;
  o.algorithm = NormaliseAlgorithm(args.algorithm);
  o.scaling = ParseClusterScaling(args.scale);
  o.kmeans.n_clusters = args.k;
  o.kmeans.seed = args.seed;
  o.kmeans.max_iter = args.max_iter;
  o.kmeans.tol = args.tol;
  o.kmeans.stepper = ParseStepper(args.stepper);
  if (args.n_init >= 0) o.kmeans.n_init = args.n_init;
  if (!args.init.empty()) o.kmeans.init = ParseInit(args.init);
  o.bisecting.n_clusters = args.k;
  o.bisecting.seed = args.seed;
  o.bisecting.max_iter = args.max_iter;
  o.bisecting.tol = args.tol;
  o.bisecting.stepper = o.kmeans.stepper;
  if (args.n_init >= 0) o.bisecting.n_init = args.n_init;
  if (!args.init.empty()) o.bisecting.init = ParseInit(args.init);
  if (args.strategy == "biggest_inertia") {
    o.bisecting.strategy = BisectingStrategy::kBiggestInertia;
  } else if (args.strategy == "largest_cluster") {
    o.bisecting.strategy = BisectingStrategy::kLargestCluster;
  } else {
    throw InvalidArgument(fmt::format(
        "--strategy '{}' is not known; choose biggest_inertia or largest_cluster", args.strategy));
  }
  o.birch.n_clusters = args.k;
  o.birch.threshold = args.threshold;
  o.birch.branching_factor = args.branching_factor;
  o.dbscan.eps = args.eps;
  o.dbscan.min_samples = args.min_samples;
  o.silhouette = ParseSilhouette(args.silhouette);
  o.exact_silhouette_rows = args.exact_rows;
  o.silhouette_sample_size = args.sample_size;
  o.silhouette_repeats = args.repeats;
  o.sweep_k_max = args.sweep;
  o.popularity_column = args.popularity;
  o.drop_missing = args.drop_missing;
  o.profile.name_threshold = args.name_threshold;
  return o;
}

// The columns to read: the features, the popularity column (named or detected) and the id
// columns that exist. Unknown features fail here, with the columns that exist.
std::vector<std::string> ColumnsToRead(const std::string& file, const CsvReadOptions& csv,
                                       const ClusterArgs& args, std::string* popularity) {
  CsvReader header(file, csv);
  const std::vector<std::string>& names = header.column_names();
  const std::set<std::string> present(names.begin(), names.end());
  std::vector<std::string> columns;
  for (const auto& f : args.features) {
    if (present.count(f) == 0) {
      throw InvalidInput(fmt::format("{}: no feature column '{}'{}; the columns are {}", file, f,
                                     DidYouMean(f, names), QuoteList(names)));
    }
    columns.push_back(f);
  }
  *popularity = args.popularity;
  if (popularity->empty()) {
    for (const char* name : {"track_popularity", "popularity"}) {
      if (present.count(name) != 0) {
        *popularity = name;
        break;
      }
    }
    if (popularity->empty()) *popularity = "none";
  } else if (*popularity != "none" && present.count(*popularity) == 0) {
    throw InvalidInput(
        fmt::format("{}: no popularity column '{}'{}; pass --popularity none to "
                    "profile without it",
                    file, *popularity, DidYouMean(*popularity, names)));
  }
  auto add = [&](const std::string& name) {
    if (present.count(name) != 0 &&
        std::find(columns.begin(), columns.end(), name) == columns.end()) {
      columns.push_back(name);
    }
  };
  if (*popularity != "none") add(*popularity);
  for (const auto& id : args.ids) add(id);
  return columns;
}

void AddClusterCommand(CLI::App& app, const GlobalFlags& flags) {
  auto* command = app.add_subcommand(
      "cluster",
      "Cluster tracks by audio features (k-means, bisecting k-means, BIRCH, DBSCAN), score the "
      "clusters and profile them");
  auto args = std::make_shared<ClusterArgs>();
  command->add_option("FILE", args->file, "CSV file (e.g. data/spotify_songs.csv)")->required();
  command->add_option("--algo", args->algorithm, "kmeans | bisecting | birch | dbscan")
      ->capture_default_str();
  command->add_option("--features", args->features, "Feature columns (comma-separated)")
      ->delimiter(',')
      ->capture_default_str();
  command
      ->add_option("--k", args->k,
                   "Clusters for kmeans, bisecting and birch (birch: 0 = no global step)")
      ->capture_default_str();
  command->add_option("--seed", args->seed, "Random seed (scikit-learn's random_state)")
      ->capture_default_str();
  command
      ->add_option("--scale", args->scale,
                   "Scaling before clustering: standard | minmax | robust | none")
      ->capture_default_str();
  command->add_option(
      "--n-init", args->n_init,
      "k-means runs from different starts (default 10; bisecting: tries per split, 1)");
  command->add_option("--max-iter", args->max_iter, "k-means iterations at most")
      ->capture_default_str();
  command->add_option("--tol", args->tol, "k-means tolerance (relative to the mean variance)")
      ->capture_default_str();
  command->add_option("--stepper", args->stepper, "k-means steps: lloyd | elkan")
      ->capture_default_str();
  command->add_option("--init", args->init,
                      "k-means start: k-means++ | random (default k-means++; bisecting random)");
  command
      ->add_option("--strategy", args->strategy,
                   "bisecting: which cluster to split: biggest_inertia | largest_cluster")
      ->capture_default_str();
  command->add_option("--threshold", args->threshold, "birch: subcluster radius threshold")
      ->capture_default_str();
  command->add_option("--branching-factor", args->branching_factor, "birch: subclusters per node")
      ->capture_default_str();
  command->add_option("--eps", args->eps, "dbscan: neighbourhood radius (on the scaled features)")
      ->capture_default_str();
  command
      ->add_option("--min-samples", args->min_samples,
                   "dbscan: neighbours (the row included) that make a core row")
      ->capture_default_str();
  command
      ->add_option("--silhouette", args->silhouette,
                   "auto (exact up to --exact-rows, else sampled) | exact | sample | none")
      ->capture_default_str();
  command
      ->add_option("--exact-rows", args->exact_rows,
                   "With --silhouette auto: rows up to which the silhouette is exact")
      ->capture_default_str();
  command->add_option("--sample-size", args->sample_size, "Rows per sampled silhouette")
      ->capture_default_str();
  command->add_option("--repeats", args->repeats, "Samples for the sampled silhouette")
      ->capture_default_str();
  command
      ->add_option("--sweep", args->sweep,
                   "Also run k-means for k = 2..K with inertia and the three indices")
      ->capture_default_str();
  command->add_option("--popularity", args->popularity,
                      "Popularity column for the profile (default: track_popularity or "
                      "popularity if present; 'none' for none)");
  command->add_flag("--drop-missing", args->drop_missing,
                    "Leave out rows with a missing feature (default: stop with an error)");
  command
      ->add_option("--name-threshold", args->name_threshold,
                   "Standard deviations from the mean for a feature to name a cluster")
      ->capture_default_str();
  command->add_flag("--json", args->json, "Print JSON instead of the summary");
  command->add_option("--out", args->out, "Write the summary or JSON to this file (atomically)");
  command->add_option("--labels", args->labels_out,
                      "Write each row's cluster to this CSV (id columns, cluster, cluster_name)");
  command->add_option("--id", args->ids, "Id columns copied into --labels (default track_id)");
  command->add_option("--rows", args->rows, "Read only the first N data rows");
  args->csv.Register(*command);
  command->footer(
      "Features are scaled (--scale), clustered, scored (silhouette, Calinski-Harabasz,\n"
      "Davies-Bouldin; DBSCAN noise left out) and profiled: each cluster's size, mean features\n"
      "on the original scale, a name from the features far from the mean, and popularity\n"
      "(mean, median, IQR) with a Kruskal-Wallis test across clusters. Results equal\n"
      "scikit-learn 1.2.1's for the same seed (docs/clustering.md).\n"
      "Examples:\n"
      "  hitscope cluster data/spotify_songs.csv --k 4\n"
      "  hitscope cluster data/spotify_songs.csv --algo bisecting --k 5 --strategy "
      "largest_cluster\n"
      "  hitscope cluster data/spotify_songs.csv --algo birch --k 3 --threshold 0.5\n"
      "  hitscope cluster data/spotify_songs.csv --algo dbscan --eps 0.3 --min-samples 10\n"
      "  hitscope cluster data/spotify_songs.csv --features energy,valence,tempo --sweep 8\n"
      "  hitscope cluster tracks.csv --k 3 --json --out clusters.json --labels labels.csv");
  command->callback([args, &flags] {
    ClusterAnalysisOptions options = ToOptions(*args);
    CsvReadOptions csv = args->csv.ToOptions();
    if (args->rows >= 0) csv.max_rows = args->rows;
    options.popularity_column.clear();
    csv.columns = ColumnsToRead(args->file, csv, *args, &options.popularity_column);
    csv.progress_label = "reading";
    const auto start = std::chrono::steady_clock::now();
    CsvReadReport report;
    Table table = ReadCsv(args->file, csv, &report);
    const double read_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!flags.quiet && (report.bad_rows > 0 || !report.widened_columns.empty())) {
      fmt::print(stderr, "{}\n", report.Summary());
    }
    ClusterAnalysis analysis = AnalyseClusters(table, options);
    analysis.source = std::filesystem::path(args->file).filename().string();
    analysis.timings.insert(analysis.timings.begin(), {"read", read_seconds});
    std::string text =
        args->json ? ClusterAnalysisToJson(analysis) : FormatClusterAnalysis(analysis);
    if (!args->labels_out.empty()) {
      WriteCsv(ClusterLabelsTable(table, analysis, args->ids), args->labels_out);
    }
    if (args->out.empty()) {
      fmt::print("{}", text);
    } else {
      WriteFileAtomically(args->out, text);
    }
  });
}

const CommandRegistration kRegistration(40, "cluster", &AddClusterCommand);

}  // namespace
}  // namespace hitscope::cli
