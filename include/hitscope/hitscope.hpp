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
//   matrix.hpp    Matrix (rows x features, row-major float64) and TableToMatrix.
//   estimator.hpp the learner interface: Transformer, Classifier, Regressor, Resampler,
//                 Clusterer (Fit / Predict / PredictProba / Transform / FitResample).
//   generate.hpp  synthetic catalogues in the five-file Beatport/Spotify layout.
//   integrate.hpp joining the five files into one track table.
//
// A typical session:
//   hitscope::Table tracks = hitscope::ReadCsv("data/spotify_songs.csv");
//   hitscope::DescribeResult summary = hitscope::Describe(tracks);
//   std::cout << hitscope::FormatDescribe(summary);
#pragma once

#include <hitscope/aggregate.hpp>
#include <hitscope/compute.hpp>
#include <hitscope/csv.hpp>
#include <hitscope/describe.hpp>
#include <hitscope/error.hpp>
#include <hitscope/estimator.hpp>
#include <hitscope/file.hpp>
#include <hitscope/generate.hpp>
#include <hitscope/integrate.hpp>
#include <hitscope/json.hpp>
#include <hitscope/matrix.hpp>
#include <hitscope/runtime.hpp>
#include <hitscope/table.hpp>
