// Names and one-line descriptions of the clusterers, for reports.
#include <fmt/format.h>

#include <hitscope/cluster.hpp>

namespace hitscope {

namespace {

const char* InitName(KMeansInit init) {
  switch (init) {
    case KMeansInit::kKMeansPlusPlus:
      return "k-means++";
    case KMeansInit::kRandom:
      return "random";
    case KMeansInit::kGiven:
      return "given";
  }
  return "?";
}

const char* StepperName(KMeansStepper stepper) {
  return stepper == KMeansStepper::kElkan ? "elkan" : "lloyd";
}

}  // namespace

std::vector<std::string> ClusterAlgorithmNames() {
  return {"kmeans", "bisecting_kmeans", "birch", "dbscan"};
}

std::string DescribeClusterer(const Clusterer& clusterer) {
  if (const auto* kmeans = dynamic_cast<const KMeans*>(&clusterer)) {
    const KMeansOptions& o = kmeans->options();
    return fmt::format("k={}, init={}, n_init={}, max_iter={}, tol={}, algorithm={}, seed={}",
                       o.n_clusters, InitName(o.init), o.init == KMeansInit::kGiven ? 1 : o.n_init,
                       o.max_iter, o.tol, StepperName(o.stepper), o.seed);
  }
  if (const auto* bisecting = dynamic_cast<const BisectingKMeans*>(&clusterer)) {
    const BisectingKMeansOptions& o = bisecting->options();
    return fmt::format(
        "k={}, strategy={}, init={}, n_init={}, max_iter={}, tol={}, algorithm={}, seed={}",
        o.n_clusters,
        o.strategy == BisectingStrategy::kBiggestInertia ? "biggest_inertia" : "largest_cluster",
        InitName(o.init), o.n_init, o.max_iter, o.tol, StepperName(o.stepper), o.seed);
  }
  if (const auto* birch = dynamic_cast<const Birch*>(&clusterer)) {
    const BirchOptions& o = birch->options();
    return fmt::format("threshold={}, branching_factor={}, n_clusters={}", o.threshold,
                       o.branching_factor,
                       o.n_clusters == 0 ? std::string("none") : std::to_string(o.n_clusters));
  }
  if (const auto* dbscan = dynamic_cast<const Dbscan*>(&clusterer)) {
    const DbscanOptions& o = dbscan->options();
    return fmt::format("eps={}, min_samples={}", o.eps, o.min_samples);
  }
  return clusterer.Name();
}

}  // namespace hitscope
