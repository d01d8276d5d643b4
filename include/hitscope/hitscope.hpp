// hitscope/hitscope.hpp: the umbrella header, and a guide to the others.
//
//   error.hpp     hitscope::Error (what every function throws) and DataIssue (a located problem
//                 in an input file).
//   runtime.hpp   worker threads and progress bars.
//   file.hpp      the file-system interface; AtomicOutput, through which every file is written.
//   table.hpp     Column, ColumnBuilder, Table: typed columns with null masks; Date with its
//                 precision (day, month or year).
//   compute.hpp   Sort, HashJoin, SemiJoinMask, KeySet, DropDuplicates, GroupBy.
//   aggregate.hpp mergeable statistics states (moments, exact quantiles).
//   csv.hpp       CsvReader / ReadCsv (parallel RFC 4180 reader with type inference and bad-row
//                 policies), CsvWriter / WriteCsv.
//   json.hpp      tables as JSON records.
//   describe.hpp  pandas-style summary statistics.
//   stats.hpp     shared statistics: Kruskal-Wallis (+ epsilon-squared), t intervals (plain and
//                 weighted), Pearson / Spearman matrices, histograms, kernel densities, box plots.
//   profile.hpp   the exploration profile of a track table (roles, config, ProfileResult, JSON).
//   report.hpp    self-contained HTML reports: sections, tables, charts (ECharts inlined).
//   profile_report.hpp  the profile as such a report.
//   matrix.hpp    Matrix (rows x features, row-major float64) and TableToMatrix.
//   estimator.hpp the learner interface: Transformer, Classifier, Regressor, Resampler,
//                 Clusterer (Fit / Predict / PredictProba / Transform / FitResample).
//   neighbors.hpp exact nearest neighbours: scikit-learn's kd-tree (same answers, ties
//                 included) and blocked brute force; k-nearest and radius queries.
//   preprocess.hpp StandardScaler, MinMaxScaler, RobustScaler (bit-equal to scikit-learn's),
//                 OneHotEncoder, SelectKBest.
//   resample.hpp  RandomOverSampler, Smote, TomekLinks, SmoteTomek, balanced class weights.
//   models.hpp    KNN (classifier, regressor), logistic regression, ridge; the model registry.
//   dataset.hpp   a track table to X, target (popularity classes or score), groups, years.
//   split.hpp     stratified train/test, (repeated) stratified k-fold, group k-fold, time splits.
//   pipeline.hpp  scaler -> encoder -> selector -> resampler -> model, fitted on training rows.
//   metrics.hpp   accuracy, balanced accuracy, precision / recall / F1, the classification
//                 report, confusion matrix, ROC-AUC, log loss, MAE / RMSE / R2; intervals.
//   evaluation.hpp protocols, cross-validation, grid / random / nested search, and the leaky
//                 protocol of the leakage demonstration.
//   model_file.hpp versioned, checksummed model files and predictions for a table.
//   trees.hpp     CART decision trees and random forests (scikit-learn's, node for node),
//                 TreeNodes, and TreeEnsemble (any model's trees, for explanations).
//   boosting.hpp  gradient-boosted trees through XGBoost's C API, with its SHAP values.
//   importance.hpp impurity and permutation importance, RFE, a correlation filter, and a
//                 side-by-side table of the measures.
//   shap.hpp      exact TreeSHAP, mean |SHAP| summaries, per-track explanations.
//   explain.hpp   all of the above for a saved model (`hitscope explain`).
//   sweep.hpp     training and test scores over one parameter's values (depth, k sweeps).
//   cluster.hpp   k-means (Lloyd, Elkan), bisecting k-means, BIRCH, DBSCAN: scikit-learn's
//                 answers for the same seed.
//   cluster_indices.hpp silhouette (exact, sampled), Calinski-Harabasz, Davies-Bouldin, k sweep.
//   cluster_profile.hpp cluster profiles (names, radar values, popularity per cluster and a test)
//                 and the analysis behind `hitscope cluster`.
//   audio.hpp     audio files to librosa-compatible mel spectrograms (decode, resample, STFT,
//                 mel, dB), PNG / .npy outputs, and the batch job behind `hitscope spectrogram`.
//   cnn.hpp       the study's CNN on spectrograms (LibTorch behind a torch-free facade):
//                 honest training, scores, model files, prediction from audio.
//   registry.hpp  the model registry (SQLite): versions with data hash, config, metrics; promotion.
//   serve.hpp     the HTTP prediction server behind `hitscope serve` (API, web page, metrics).
//   generate.hpp  synthetic catalogues in the five-file Beatport/Spotify layout.
//   integrate.hpp joining the five files into one track table.
//   study.hpp     the whole study in one call (`hitscope study`): exploration, clusters, honest
//                 models, the leakage demonstration, importances, regression; report, JSON, model.
//
// A typical session:
//   hitscope::Table tracks = hitscope::ReadCsv("data/spotify_songs.csv");
//   hitscope::DescribeResult summary = hitscope::Describe(tracks);
//   std::cout << hitscope::FormatDescribe(summary);
//   hitscope::Dataset data = hitscope::BuildDataset(tracks, {});
//   hitscope::PipelineSpec spec;  // standard scaler -> knn (k 5)
//   spec.Set("resample", "smote");
//   hitscope::Evaluation honest =
//       hitscope::CrossValidate(data, spec, hitscope::Protocol::Parse("stratified:5"));
//   std::cout << honest.ToText();
#pragma once

#include <hitscope/aggregate.hpp>
#include <hitscope/audio.hpp>
#include <hitscope/boosting.hpp>
#include <hitscope/cluster.hpp>
#include <hitscope/cluster_indices.hpp>
#include <hitscope/cluster_profile.hpp>
#include <hitscope/cnn.hpp>
#include <hitscope/compute.hpp>
#include <hitscope/csv.hpp>
#include <hitscope/dataset.hpp>
#include <hitscope/describe.hpp>
#include <hitscope/error.hpp>
#include <hitscope/estimator.hpp>
#include <hitscope/evaluation.hpp>
#include <hitscope/explain.hpp>
#include <hitscope/file.hpp>
#include <hitscope/generate.hpp>
#include <hitscope/importance.hpp>
#include <hitscope/integrate.hpp>
#include <hitscope/json.hpp>
#include <hitscope/matrix.hpp>
#include <hitscope/metrics.hpp>
#include <hitscope/model_file.hpp>
#include <hitscope/models.hpp>
#include <hitscope/neighbors.hpp>
#include <hitscope/pipeline.hpp>
#include <hitscope/preprocess.hpp>
#include <hitscope/profile.hpp>
#include <hitscope/profile_report.hpp>
#include <hitscope/report.hpp>
#include <hitscope/resample.hpp>
#include <hitscope/runtime.hpp>
#include <hitscope/shap.hpp>
#include <hitscope/split.hpp>
#include <hitscope/stats.hpp>
#include <hitscope/study.hpp>
#include <hitscope/sweep.hpp>
#include <hitscope/table.hpp>
#include <hitscope/trees.hpp>
