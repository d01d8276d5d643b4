// The cluster analysis: features -> scaling -> clustering -> indices -> profile (-> k sweep).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include <hitscope/cluster_profile.hpp>
#include <hitscope/error.hpp>
#include <hitscope/preprocess.hpp>

#include "core/text.hpp"
#include "core/trace.hpp"

namespace hitscope {

namespace {

class Stopwatch {
 public:
  explicit Stopwatch(std::vector<std::pair<std::string, double>>* timings) : timings_(timings) {}
  void Lap(const std::string& what) {
    auto now = std::chrono::steady_clock::now();
    timings_->emplace_back(what, std::chrono::duration<double>(now - start_).count());
    start_ = now;
  }

 private:
  std::vector<std::pair<std::string, double>>* timings_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

std::unique_ptr<Clusterer> MakeClusterer(const ClusterAnalysisOptions& o) {
  if (o.algorithm == "kmeans") return std::make_unique<KMeans>(o.kmeans);
  if (o.algorithm == "bisecting_kmeans") return std::make_unique<BisectingKMeans>(o.bisecting);
  if (o.algorithm == "birch") return std::make_unique<Birch>(o.birch);
  if (o.algorithm == "dbscan") return std::make_unique<Dbscan>(o.dbscan);
  throw InvalidArgument(fmt::format("unknown clustering algorithm '{}'{}; choose one of {}",
                                    o.algorithm, DidYouMean(o.algorithm, ClusterAlgorithmNames()),
                                    QuoteList(ClusterAlgorithmNames())));
}

// Rows whose features are all present and finite.
std::vector<uint8_t> UsableRows(const Table& table, const std::vector<std::string>& features) {
  std::vector<uint8_t> keep(static_cast<size_t>(table.num_rows()), 1);
  for (const auto& name : features) {
    const Column& column = table.column(name);
    for (int64_t row = 0; row < table.num_rows(); ++row) {
      if (keep[row] && !std::isfinite(column.NumericAt(row))) keep[row] = 0;
    }
  }
  return keep;
}

ScalingRecord Scale(const Matrix& x, ClusterScaling method, Matrix* out) {
  ScalingRecord record;
  record.method = method;
  const auto d = static_cast<size_t>(x.cols());
  switch (method) {
    case ClusterScaling::kNone:
      *out = x;
      record.center.assign(d, 0.0);
      record.scale.assign(d, 1.0);
      break;
    case ClusterScaling::kStandard: {
      StandardScaler scaler;
      scaler.Fit(x);
      *out = scaler.Transform(x);
      record.center = scaler.mean();
      record.scale = scaler.scale();
      break;
    }
    case ClusterScaling::kMinMax: {
      MinMaxScaler scaler;
      scaler.Fit(x);
      *out = scaler.Transform(x);
      record.center = scaler.data_min();
      for (size_t f = 0; f < d; ++f) record.scale.push_back(1.0 / scaler.scale()[f]);
      break;
    }
    case ClusterScaling::kRobust: {
      RobustScaler scaler;
      scaler.Fit(x);
      *out = scaler.Transform(x);
      record.center = scaler.center();
      record.scale = scaler.scale();
      break;
    }
  }
  return record;
}

ClusterIndexValues Indices(const Matrix& x, const Labels& labels, bool noise_possible,
                           const ClusterAnalysisOptions& o) {
  ClusterIndexValues v;
  Matrix scored = x;
  std::vector<int32_t> scored_labels(labels.begin(), labels.end());
  if (noise_possible && std::count(labels.begin(), labels.end(), -1) > 0) {
    WithoutNoise(x, labels, &scored, &scored_labels);
    v.note = "noise rows left out";
  }
  v.rows = scored.rows();
  const auto distinct =
      static_cast<int64_t>(std::set<int32_t>(scored_labels.begin(), scored_labels.end()).size());
  if (distinct < 2 || distinct > v.rows - 1) {
    v.note = fmt::format(
        "not computed: the indices need between 2 and rows - 1 clusters, found {} cluster{} in "
        "{} rows",
        distinct, distinct == 1 ? "" : "s", v.rows);
    return v;
  }
  v.computed = true;
  const bool exact = o.silhouette == SilhouetteMode::kExact ||
                     (o.silhouette == SilhouetteMode::kAuto && v.rows <= o.exact_silhouette_rows);
  if (o.silhouette != SilhouetteMode::kNone) {
    if (exact) {
      v.silhouette = SilhouetteScore(scored, scored_labels);
      v.silhouette_sample_size = v.rows;
    } else {
      SampledSilhouette s = SilhouetteSampled(scored, scored_labels, o.silhouette_sample_size,
                                              o.silhouette_repeats, o.kmeans.seed);
      v.silhouette = s.value;
      v.silhouette_exact = false;
      v.silhouette_standard_error = s.standard_error;
      v.silhouette_sample_size = s.sample_size;
      v.silhouette_draws = static_cast<int>(s.draws.size());
    }
  }
  v.calinski_harabasz = CalinskiHarabaszScore(scored, scored_labels);
  v.davies_bouldin = DaviesBouldinScore(scored, scored_labels);
  return v;
}

}  // namespace

std::string_view ClusterScalingName(ClusterScaling scaling) {
  switch (scaling) {
    case ClusterScaling::kNone:
      return "none";
    case ClusterScaling::kStandard:
      return "standard";
    case ClusterScaling::kMinMax:
      return "minmax";
    case ClusterScaling::kRobust:
      return "robust";
  }
  return "?";
}

ClusterScaling ParseClusterScaling(std::string_view name) {
  if (name == "none") return ClusterScaling::kNone;
  if (name == "standard") return ClusterScaling::kStandard;
  if (name == "minmax" || name == "min-max") return ClusterScaling::kMinMax;
  if (name == "robust") return ClusterScaling::kRobust;
  throw InvalidArgument(fmt::format(
      "unknown scaling '{}'; choose one of 'standard', 'minmax', 'robust', 'none'", name));
}

ClusterAnalysis AnalyseClusters(const Table& table, const ClusterAnalysisOptions& o) {
  TraceScope trace("cluster analysis");
  ClusterAnalysis a;
  Stopwatch watch(&a.timings);
  a.rows_in = table.num_rows();
  a.features = o.features;
  a.algorithm = o.algorithm;
  if (o.features.empty()) throw InvalidArgument("choose at least one feature column to cluster on");
  std::set<std::string> seen;
  for (const auto& f : o.features) {
    if (!seen.insert(f).second) {
      throw InvalidArgument(fmt::format("feature '{}' is listed twice; list each once", f));
    }
    const Column& column = table.column(f);  // throws naming the columns that exist
    if (table.num_rows() == 0) throw InvalidInput("the table has no rows to cluster");
    if (!IsNumeric(column.type())) {
      throw InvalidInput(fmt::format("feature '{}' is {}, not numeric; choose numeric features", f,
                                     DataTypeName(column.type())));
    }
  }
  std::unique_ptr<Clusterer> clusterer = MakeClusterer(o);

  // Rows: all, or those with every feature present (drop_missing).
  std::vector<int64_t> used;
  Table rows = table;
  if (o.drop_missing) {
    std::vector<uint8_t> keep = UsableRows(table, o.features);
    for (int64_t row = 0; row < table.num_rows(); ++row) {
      if (keep[row]) used.push_back(row);
    }
    if (static_cast<int64_t>(used.size()) != table.num_rows()) rows = table.Filter(keep);
  } else {
    used.resize(static_cast<size_t>(table.num_rows()));
    for (int64_t row = 0; row < table.num_rows(); ++row) used[row] = row;
  }
  a.rows_used = static_cast<int64_t>(used.size());
  a.rows_dropped = a.rows_in - a.rows_used;
  if (a.rows_used == 0) {
    throw InvalidInput(a.rows_in == 0
                           ? "the table has no rows to cluster"
                           : "every row has a missing feature value; nothing is left to cluster");
  }
  Matrix original;
  try {
    original = TableToMatrix(rows, o.features);
  } catch (const Error& e) {
    throw InvalidInput(fmt::format("{} (or pass --drop-missing to leave such rows out)", e.what()));
  }
  for (int64_t f = 0; f < original.cols(); ++f) {
    double lo = original(0, f), hi = lo;
    for (int64_t row = 1; row < original.rows(); ++row) {
      lo = std::min(lo, original(row, f));
      hi = std::max(hi, original(row, f));
    }
    if (lo == hi) {
      throw InvalidInput(fmt::format(
          "feature '{}' is constant (every value is {}): it cannot separate or describe "
          "clusters; leave it out of the features",
          o.features[f], lo));
    }
  }

  Matrix x;
  a.scaling = Scale(original, o.scaling, &x);
  watch.Lap("scale");

  clusterer->Fit(x);
  watch.Lap("fit");
  a.description = DescribeClusterer(*clusterer);
  const Labels& labels = clusterer->labels();
  if (const auto* kmeans = dynamic_cast<const KMeans*>(clusterer.get())) {
    a.inertia = kmeans->inertia();
    a.run_inertias = kmeans->run_inertias();
  } else if (const auto* bisecting = dynamic_cast<const BisectingKMeans*>(clusterer.get())) {
    a.inertia = bisecting->inertia();
  } else if (const auto* birch = dynamic_cast<const Birch*>(clusterer.get())) {
    a.birch_subclusters = birch->subcluster_centers().rows();
  }
  std::set<int32_t> distinct(labels.begin(), labels.end());
  a.n_noise = std::count(labels.begin(), labels.end(), -1);
  a.n_clusters = static_cast<int>(distinct.size()) - (a.n_noise > 0 ? 1 : 0);
  a.labels.assign(static_cast<size_t>(a.rows_in), -2);
  for (size_t i = 0; i < used.size(); ++i) a.labels[used[i]] = labels[i];

  if (o.indices) {
    a.indices = Indices(x, labels, o.algorithm == "dbscan", o);
    watch.Lap("indices");
  } else {
    a.indices.note = "not computed (turned off)";
  }

  // Popularity for the profile.
  std::string popularity_column = o.popularity_column;
  if (popularity_column.empty()) {
    for (const char* name : {"track_popularity", "popularity"}) {
      if (table.HasColumn(name)) {
        popularity_column = name;
        break;
      }
    }
  } else if (popularity_column == "none") {
    popularity_column.clear();
  }
  std::vector<double> popularity;
  if (!popularity_column.empty()) {
    const Column& column = rows.column(popularity_column);
    if (!IsNumeric(column.type())) {
      throw InvalidInput(fmt::format("popularity column '{}' is {}, not numeric", popularity_column,
                                     DataTypeName(column.type())));
    }
    popularity.resize(static_cast<size_t>(rows.num_rows()));
    for (int64_t row = 0; row < rows.num_rows(); ++row) popularity[row] = column.NumericAt(row);
  }
  a.profile =
      ProfileClusters(original, labels, o.features, popularity, popularity_column, o.profile);
  watch.Lap("profile");

  if (o.sweep_k_max > 0) {
    KSweepOptions sweep;
    sweep.k_min = 2;
    sweep.k_max = o.sweep_k_max;
    sweep.kmeans = o.kmeans;
    // The sweep computes a silhouette per k: exact only up to 20,000 rows unless asked.
    sweep.silhouette = o.silhouette != SilhouetteMode::kNone;
    sweep.exact_silhouette_rows = o.silhouette == SilhouetteMode::kExact ? x.rows()
                                  : o.silhouette == SilhouetteMode::kAuto
                                      ? std::min<int64_t>(o.exact_silhouette_rows, 20000)
                                      : 0;
    sweep.silhouette_sample_size = o.silhouette_sample_size;
    sweep.silhouette_repeats = o.silhouette_repeats;
    a.sweep = KSweep(x, sweep);
    watch.Lap("sweep");
  }
  return a;
}

Table ClusterLabelsTable(const Table& table, const ClusterAnalysis& analysis,
                         const std::vector<std::string>& id_columns) {
  std::vector<std::string> names;
  std::vector<std::shared_ptr<const Column>> columns;
  for (const auto& id : id_columns) {
    if (auto index = table.FindColumn(id)) {
      names.push_back(id);
      columns.push_back(table.column_ptr(*index));
    }
  }
  ColumnBuilder cluster(DataType::kInt64), name(DataType::kString);
  std::map<int32_t, std::string> names_by_label;
  for (const auto& c : analysis.profile.clusters) names_by_label[c.label] = c.name;
  for (int32_t label : analysis.labels) {
    if (label == -2) {
      cluster.AppendNull();
      name.AppendNull();
    } else {
      cluster.AppendInt(label);
      name.AppendString(names_by_label[label]);
    }
  }
  names.push_back("cluster");
  columns.push_back(std::make_shared<Column>(cluster.Finish()));
  names.push_back("cluster_name");
  columns.push_back(std::make_shared<Column>(name.Finish()));
  return Table(std::move(names), std::move(columns));
}

}  // namespace hitscope
