// learn/neighbors/neighbor_heap.hpp: the bounded max-heap and the final sort of scikit-learn's
// k-nearest search (sklearn/utils/_heap.pxd heap_push, sklearn/utils/_sorting.pyx
// simultaneous_sort), step for step: which of several equidistant points a search keeps, and
// the order it reports them in, depend on these exact steps.
#pragma once

#include <cstdint>
#include <utility>

namespace hitscope::neighbors {

// Pushes (value, index) into the max-heap of `size` entries rooted at values[0] if value is
// smaller than the largest entry (values[0]), dropping that largest entry.
inline void HeapPush(double* values, int64_t* indices, int64_t size, double value, int64_t index) {
  if (value >= values[0]) return;
  int64_t current = 0;
  while (true) {
    int64_t left = 2 * current + 1;
    int64_t right = left + 1;
    int64_t swap;
    if (left >= size) {
      break;
    } else if (right >= size) {
      if (values[left] > value) {
        swap = left;
      } else {
        break;
      }
    } else if (values[left] >= values[right]) {
      if (value < values[left]) {
        swap = left;
      } else {
        break;
      }
    } else {
      if (value < values[right]) {
        swap = right;
      } else {
        break;
      }
    }
    values[current] = values[swap];
    indices[current] = indices[swap];
    current = swap;
  }
  values[current] = value;
  indices[current] = index;
}

inline void DualSwap(double* values, int64_t* indices, int64_t a, int64_t b) {
  std::swap(values[a], values[b]);
  std::swap(indices[a], indices[b]);
}

// Sorts values ascending, moving indices along (scikit-learn's simultaneous_sort: a quicksort
// with a median-of-three pivot; not stable, so equal values keep scikit-learn's order).
inline void SimultaneousSort(double* values, int64_t* indices, int64_t size) {
  if (size <= 1) {
    return;
  } else if (size == 2) {
    if (values[0] > values[1]) DualSwap(values, indices, 0, 1);
  } else if (size == 3) {
    if (values[0] > values[1]) DualSwap(values, indices, 0, 1);
    if (values[1] > values[2]) {
      DualSwap(values, indices, 1, 2);
      if (values[0] > values[1]) DualSwap(values, indices, 0, 1);
    }
  } else {
    int64_t pivot = size / 2;
    if (values[0] > values[size - 1]) DualSwap(values, indices, 0, size - 1);
    if (values[size - 1] > values[pivot]) {
      DualSwap(values, indices, size - 1, pivot);
      if (values[0] > values[size - 1]) DualSwap(values, indices, 0, size - 1);
    }
    double pivot_value = values[size - 1];
    int64_t store = 0;
    for (int64_t i = 0; i < size - 1; ++i) {
      if (values[i] < pivot_value) {
        DualSwap(values, indices, i, store);
        ++store;
      }
    }
    DualSwap(values, indices, store, size - 1);
    pivot = store;
    if (pivot > 1) SimultaneousSort(values, indices, pivot);
    if (pivot + 2 < size) {
      SimultaneousSort(values + pivot + 1, indices + pivot + 1, size - pivot - 1);
    }
  }
}

}  // namespace hitscope::neighbors
