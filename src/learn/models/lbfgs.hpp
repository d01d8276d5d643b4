// learn/models/lbfgs.hpp: a small unconstrained minimiser (limited-memory BFGS with a Wolfe
// line search) for smooth convex objectives such as the logistic loss. Stops as scipy's
// L-BFGS-B does for scikit-learn: largest gradient entry <= gtol, or a relative decrease of the
// objective <= ftol, or max_iter iterations.
#pragma once

#include <functional>
#include <vector>

namespace hitscope::learn {

struct LbfgsOptions {
  int max_iter = 100;
  double gtol = 1e-5;
  double ftol = 2.220446049250313e-09;  // scipy: factr 1e7 times machine epsilon
  int memory = 10;                      // scipy: maxcor
  int max_line_search = 50;             // scipy: maxls (scikit-learn passes 50)
};

struct LbfgsResult {
  double value = 0;
  int iterations = 0;
  bool converged = false;  // by gtol or ftol, not by max_iter
};

// Objective: returns f(x) and writes the gradient into `gradient` (same size as x).
using Objective =
    std::function<double(const std::vector<double>& x, std::vector<double>* gradient)>;

// Minimises from *x (updated in place).
LbfgsResult MinimizeLbfgs(const Objective& objective, std::vector<double>* x,
                          const LbfgsOptions& options);

}  // namespace hitscope::learn
