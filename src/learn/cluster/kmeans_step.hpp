// learn/cluster/kmeans_step.hpp: what the Lloyd and Elkan steppers share (internal).
#pragma once

#include <span>

#include "learn/cluster/kmeans_parts.hpp"

namespace hitscope::cluster {

// After the weighted sums of an iteration: relocate empty clusters, divide by the weights
// (sklearn _average_centers) and measure how far each centre moved (_center_shift).
void FinishMStep(const KMeansData& data, std::span<const double> centers_old,
                 std::span<const int32_t> labels, std::span<double> centers_new,
                 std::span<double> weights, std::span<double> shift);

// (center_shift**2).sum() <= tol.
bool ShiftWithin(std::span<const double> shift, double tol);

// sklearn's stopping rule: labels equal to the previous iteration's (strict), or the summed
// squared shift <= tol.
bool Converged(std::span<const int32_t> labels, std::span<const int32_t> labels_old,
               std::span<const double> shift, double tol, bool* strict);

}  // namespace hitscope::cluster
