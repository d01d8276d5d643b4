#include "learn/models/lbfgs.hpp"

#include <algorithm>
#include <cmath>
#include <deque>

namespace hitscope::learn {

namespace {

double Dot(const std::vector<double>& a, const std::vector<double>& b) {
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i) sum += a[i] * b[i];
  return sum;
}

double MaxAbs(const std::vector<double>& a) {
  double best = 0;
  for (double value : a) best = std::max(best, std::fabs(value));
  return best;
}

// The minimiser of the cubic through (a, fa, ga) and (b, fb, gb), kept inside the interval.
double CubicStep(double a, double fa, double ga, double b, double fb, double gb) {
  double d1 = ga + gb - 3 * (fa - fb) / (a - b);
  double radicand = d1 * d1 - ga * gb;
  double lo = std::min(a, b), hi = std::max(a, b);
  if (radicand >= 0) {
    double d2 = std::copysign(std::sqrt(radicand), b - a);
    double step = b - (b - a) * (gb + d2 - d1) / (gb - ga + 2 * d2);
    if (std::isfinite(step) && step > lo + 0.1 * (hi - lo) && step < hi - 0.1 * (hi - lo)) {
      return step;
    }
  }
  return 0.5 * (a + b);
}

struct Point {
  double step, value, slope;
};

}  // namespace

LbfgsResult MinimizeLbfgs(const Objective& objective, std::vector<double>* x,
                          const LbfgsOptions& options) {
  const size_t n = x->size();
  std::vector<double> gradient(n), direction(n), trial(n), trial_gradient(n);
  double value = objective(*x, &gradient);
  std::deque<std::vector<double>> s_history, y_history;
  std::deque<double> rho_history;
  LbfgsResult result;
  if (MaxAbs(gradient) <= options.gtol) {
    result.value = value;
    result.converged = true;
    return result;
  }
  for (int iter = 1; iter <= options.max_iter; ++iter) {
    // Two-loop recursion: direction = -H g.
    direction = gradient;
    std::vector<double> alpha(s_history.size());
    for (size_t i = s_history.size(); i-- > 0;) {
      alpha[i] = rho_history[i] * Dot(s_history[i], direction);
      for (size_t j = 0; j < n; ++j) direction[j] -= alpha[i] * y_history[i][j];
    }
    double gamma = 1.0;
    if (!y_history.empty()) {
      gamma = Dot(s_history.back(), y_history.back()) / Dot(y_history.back(), y_history.back());
    } else {
      gamma = 1.0 / std::max(1.0, std::sqrt(Dot(gradient, gradient)));
    }
    for (double& value_j : direction) value_j *= gamma;
    for (size_t i = 0; i < s_history.size(); ++i) {
      double beta = rho_history[i] * Dot(y_history[i], direction);
      for (size_t j = 0; j < n; ++j) direction[j] += s_history[i][j] * (alpha[i] - beta);
    }
    for (double& value_j : direction) value_j = -value_j;
    double slope0 = Dot(gradient, direction);
    if (!(slope0 < 0)) {  // not a descent direction: restart from the gradient
      s_history.clear();
      y_history.clear();
      rho_history.clear();
      for (size_t j = 0; j < n; ++j) direction[j] = -gradient[j];
      slope0 = Dot(gradient, direction);
    }
    // Strong Wolfe line search (Nocedal and Wright, algorithms 3.5 and 3.6).
    const double c1 = 1e-4, c2 = 0.9;
    auto evaluate = [&](double step) {
      for (size_t j = 0; j < n; ++j) trial[j] = (*x)[j] + step * direction[j];
      double f = objective(trial, &trial_gradient);
      return Point{step, f, Dot(trial_gradient, direction)};
    };
    Point previous{0, value, slope0};
    Point accepted{0, value, slope0};
    bool found = false;
    double step = 1.0;
    Point lo{}, hi{};
    bool zoom = false;
    for (int evals = 0; evals < options.max_line_search; ++evals) {
      if (!zoom) {
        Point current = evaluate(step);
        if (!std::isfinite(current.value) || current.value > value + c1 * step * slope0 ||
            (evals > 0 && current.value >= previous.value)) {
          lo = previous;
          hi = current;
          zoom = true;
          continue;
        }
        if (std::fabs(current.slope) <= -c2 * slope0) {
          accepted = current;
          found = true;
          break;
        }
        if (current.slope >= 0) {
          lo = current;
          hi = previous;
          zoom = true;
          continue;
        }
        previous = current;
        step *= 2;
      } else {
        double mid = std::isfinite(hi.value)
                         ? CubicStep(lo.step, lo.value, lo.slope, hi.step, hi.value, hi.slope)
                         : 0.5 * (lo.step + hi.step);
        Point current = evaluate(mid);
        if (!std::isfinite(current.value) || current.value > value + c1 * mid * slope0 ||
            current.value >= lo.value) {
          hi = current;
        } else {
          if (std::fabs(current.slope) <= -c2 * slope0) {
            accepted = current;
            found = true;
            break;
          }
          if (current.slope * (hi.step - lo.step) >= 0) hi = lo;
          lo = current;
        }
        if (std::fabs(hi.step - lo.step) < 1e-16 * std::max(1.0, lo.step)) break;
      }
    }
    if (!found) {
      // Accept the best sufficient decrease seen, if any; else stop (no progress possible).
      if (zoom && lo.step > 0 && lo.value < value) {
        accepted = evaluate(lo.step);
      } else {
        result.iterations = iter;
        break;
      }
    }
    std::vector<double> s(n), y(n);
    for (size_t j = 0; j < n; ++j) {
      s[j] = accepted.step * direction[j];
      (*x)[j] += s[j];
      y[j] = trial_gradient[j] - gradient[j];
    }
    const double old_value = value;
    value = accepted.value;
    gradient = trial_gradient;
    double sy = Dot(s, y);
    if (sy > 1e-10 * Dot(y, y)) {
      s_history.push_back(std::move(s));
      y_history.push_back(std::move(y));
      rho_history.push_back(1.0 / sy);
      if (static_cast<int>(s_history.size()) > options.memory) {
        s_history.pop_front();
        y_history.pop_front();
        rho_history.pop_front();
      }
    }
    result.iterations = iter;
    if (MaxAbs(gradient) <= options.gtol) {
      result.converged = true;
      break;
    }
    if ((old_value - value) / std::max({std::fabs(old_value), std::fabs(value), 1.0}) <=
        options.ftol) {
      result.converged = true;
      break;
    }
  }
  result.value = value;
  return result;
}

}  // namespace hitscope::learn
