// learn/cluster/blas_order.hpp: dot products summed in the order of the numpy / OpenBLAS code
// that scikit-learn's clustering runs on (x86-64, OpenBLAS's SkylakeX/Haswell kernels, as on
// Debian), found by comparing every bit with numpy 1.24 on random data. Where a clustering
// decision hangs on the last bit (which of two equidistant centroids a row joins, which pair of
// subclusters seeds a split), these give the decision scikit-learn takes.
//   GemvDot     np.dot(A, x) and (1 x d) @ X.T: OpenBLAS dgemv_t: blocks of four features
//               accumulated in four fused lanes, (l0 + l2) + (l1 + l3), then the d mod 4 tail.
//               Exact for every row when d <= 7; for d >= 8 OpenBLAS handles the last
//               rows % 4 rows of A another way, which this does not reproduce.
//   BlasDot     np.dot(x, y) of two vectors (ddot) and the inner part of dgemm / dsyrk: one
//               fused multiply-add chain from the first product.
//   EinsumDot   np.einsum('ij,ij->i') (sklearn's row_norms): two lanes (even and odd features),
//               blocks of eight added from the last pair back, lanes summed at the end.
// std::fma is correctly rounded everywhere, so these give the same bits with or without FMA
// hardware (only slower without). Pure inline functions.
#pragma once

#include <cmath>

namespace hitscope::cluster {

inline double GemvDot(const double* a, const double* x, int d) {
  const int m1 = d & ~3;
  double y = 0;
  if (m1 > 0) {
    double t[4] = {0, 0, 0, 0};
    for (int k = 0; k < m1; k += 4) {
      for (int l = 0; l < 4; ++l) t[l] = std::fma(a[k + l], x[k + l], t[l]);
    }
    y = (t[0] + t[2]) + (t[1] + t[3]);
  }
  const double* b = a + m1;
  const double* z = x + m1;
  switch (d - m1) {
    case 1:
      return std::fma(b[0], z[0], y);
    case 2:
      return y + std::fma(b[0], z[0], b[1] * z[1]);
    case 3:
      return y + std::fma(b[2], z[2], std::fma(b[0], z[0], b[1] * z[1]));
    default:
      return y;
  }
}

inline double BlasDot(const double* a, const double* b, int d) {
  double s = a[0] * b[0];
  for (int k = 1; k < d; ++k) s = std::fma(a[k], b[k], s);
  return s;
}

inline double EinsumDot(const double* a, const double* b, int d) {
  double l0 = 0, l1 = 0;
  int k = 0;
  for (; d - k >= 8; k += 8) {
    double t0 = a[k + 6] * b[k + 6] + l0, t1 = a[k + 7] * b[k + 7] + l1;
    t0 = a[k + 4] * b[k + 4] + t0;
    t1 = a[k + 5] * b[k + 5] + t1;
    t0 = a[k + 2] * b[k + 2] + t0;
    t1 = a[k + 3] * b[k + 3] + t1;
    l0 = a[k] * b[k] + t0;
    l1 = a[k + 1] * b[k + 1] + t1;
  }
  for (; k < d; k += 2) {
    l0 = a[k] * b[k] + l0;
    if (k + 1 < d) l1 = a[k + 1] * b[k + 1] + l1;
  }
  return l0 + l1;
}

}  // namespace hitscope::cluster
