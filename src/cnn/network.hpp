// cnn/network.hpp: the seam between the CNN's logic and LibTorch. Only torch_network.cpp
// includes torch headers (they take most of a minute to compile). It is built as a plugin,
// libhitscope_torch.so, that backend_loader.cpp opens (dlopen) the first time a network is
// made: linking LibTorch into the hitscope executable would cost every command, `describe`
// included, over half a second of start-up and 150 MB of memory for loading LibTorch's 290
// libraries. The plugin and the executable come from the same build (same compiler and
// standard library), so C++ objects and hitscope::Error exceptions cross between them.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <hitscope/cnn.hpp>

namespace hitscope::cnn {

struct NetworkShape {
  int bands = 0, frames = 0;  // input size (one channel)
  int classes = 0;
  CnnArchitecture architecture;
};

struct EpochResult {
  double loss = 0;      // mean (weighted) cross-entropy over the epoch's rows, dropout on
  double accuracy = 0;  // share of rows whose arg-max (dropout on) was right
};

class Network {
 public:
  virtual ~Network() = default;
  // One epoch: the rows of x (rows x bands x frames, standardised) in `order`, batch by batch,
  // one Adam step per batch. `class_weights` is empty or one weight per class.
  virtual EpochResult TrainEpoch(const float* x, const int32_t* y, std::span<const int64_t> order,
                                 int batch_size, std::span<const double> class_weights) = 0;
  // Softmax probabilities (rows x classes, row-major), dropout off.
  virtual std::vector<float> Predict(const float* x, int64_t rows) const = 0;
  // The weights as bytes, and back. LoadWeights throws Error(kInvalidInput) when the bytes do
  // not hold this architecture's weights.
  virtual std::string SaveWeights() const = 0;
  virtual void LoadWeights(const std::string& bytes) = 0;
  virtual std::string device() const = 0;
  virtual int threads() const = 0;
  virtual int64_t parameter_count() const = 0;
};

// The study's network for `shape` with Glorot-uniform weights and zero biases drawn from
// `seed`, an Adam optimiser (learning_rate, epsilon; betas 0.9, 0.999), on `device` ("auto",
// "cpu", "cuda") using `threads` threads. Throws Error(kInvalidArgument) for an unknown or
// unavailable device, and when the plugin was not built (no LibTorch) or cannot be loaded.
std::unique_ptr<Network> MakeNetwork(const NetworkShape& shape, double learning_rate,
                                     double epsilon, uint64_t seed, const std::string& device,
                                     int threads);

// "LibTorch 1.13.0", or "" when the plugin is missing.
std::string BackendName();

// What the plugin exports, under the C name "hitscope_torch_backend_v1".
struct TorchBackend {
  int version = 1;
  std::unique_ptr<Network> (*make)(const NetworkShape& shape, double learning_rate, double epsilon,
                                   uint64_t seed, const std::string& device, int threads) = nullptr;
  std::string (*name)() = nullptr;
};

}  // namespace hitscope::cnn
