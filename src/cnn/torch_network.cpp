// The study's network in LibTorch: the only translation unit of hitscope that includes torch
// headers, built as the plugin libhitscope_torch.so (see network.hpp). It includes the few
// module headers it needs rather than <torch/torch.h>, which takes twice as long to compile.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string_view>

#include <ATen/Parallel.h>
#include <fmt/format.h>
#include <torch/cuda.h>
#include <torch/nn/functional/activation.h>
#include <torch/nn/init.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>
#include <torch/optim/adam.h>
#include <torch/serialize.h>
#include <torch/version.h>

#include <hitscope/error.hpp>

#include "cnn/network.hpp"

namespace hitscope::cnn {
namespace {

// Conv2D -> ReLU -> MaxPool -> Flatten -> Dense -> ReLU -> Dropout -> Dense (logits; the
// softmax is applied by the loss and by Predict). ReLU and max-pooling commute (ReLU is
// monotonic), so forward pools first and applies ReLU to a quarter of the values: the same
// outputs, and the same gradients (a window whose maximum is <= 0 passes no gradient either way;
// otherwise both route it to the window's first maximum).
class StudyNet : public torch::nn::Module {
 public:
  explicit StudyNet(const NetworkShape& shape) : pool_(shape.architecture.pool_size) {
    const CnnArchitecture& a = shape.architecture;
    conv_ = register_module(
        "conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(1, a.conv_filters, a.kernel_size)));
    const int64_t height = (shape.bands - a.kernel_size + 1) / a.pool_size;
    const int64_t width = (shape.frames - a.kernel_size + 1) / a.pool_size;
    hidden_ = register_module("hidden",
                              torch::nn::Linear(a.conv_filters * height * width, a.dense_units));
    dropout_ = register_module("dropout", torch::nn::Dropout(a.dropout));
    out_ = register_module("out", torch::nn::Linear(a.dense_units, shape.classes));
    // Keras' defaults: glorot_uniform kernels, zero biases.
    for (auto* weight : {&conv_->weight, &hidden_->weight, &out_->weight}) {
      torch::nn::init::xavier_uniform_(*weight);
    }
    for (auto* bias : {&conv_->bias, &hidden_->bias, &out_->bias}) torch::nn::init::zeros_(*bias);
  }

  torch::Tensor forward(torch::Tensor x) {
    x = torch::relu(torch::max_pool2d(conv_->forward(x), pool_));
    x = x.flatten(1);
    x = torch::relu(hidden_->forward(x));
    x = dropout_->forward(x);
    return out_->forward(x);
  }

 private:
  int64_t pool_;
  torch::nn::Conv2d conv_{nullptr};
  torch::nn::Linear hidden_{nullptr}, out_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
};

// Adam (Kingma and Ba; PyTorch's formulation: bias corrections applied to the step size and to
// sqrt(v)) for parameters on the CPU, in one pass over each parameter's values instead of the
// six whole-tensor operations torch::optim::Adam runs per parameter and step: the network's dense
// layer holds millions of weights, so the optimiser's memory traffic is a good part of an epoch.
// Gradients are released after each step (autograd then stores the next batch's gradient without
// first zeroing the old one).
class FusedAdam {
 public:
  FusedAdam(std::vector<torch::Tensor> params, double learning_rate, double epsilon)
      : params_(std::move(params)), learning_rate_(learning_rate), epsilon_(epsilon) {
    for (const auto& p : params_) {
      first_.push_back(torch::zeros_like(p).contiguous());
      second_.push_back(torch::zeros_like(p).contiguous());
    }
  }

  void ZeroGrad() {
    for (auto& p : params_) p.mutable_grad().reset();
  }

  void Step() {
    ++steps_;
    const double correction1 = 1 - std::pow(kBeta1, static_cast<double>(steps_));
    const double correction2 = 1 - std::pow(kBeta2, static_cast<double>(steps_));
    const auto step_size = static_cast<float>(learning_rate_ / correction1);
    const auto root_correction2 = static_cast<float>(std::sqrt(correction2));
    const auto eps = static_cast<float>(epsilon_);
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < params_.size(); ++i) {
      torch::Tensor& p = params_[i];
      if (!p.grad().defined()) continue;
      const torch::Tensor grad = p.grad().contiguous();
      float* value = p.data_ptr<float>();
      const float* g = grad.data_ptr<float>();
      float* m = first_[i].data_ptr<float>();
      float* v = second_[i].data_ptr<float>();
      at::parallel_for(0, p.numel(), 1 << 15, [&](int64_t begin, int64_t end) {
        for (int64_t j = begin; j < end; ++j) {
          m[j] = kBeta1f * m[j] + (1 - kBeta1f) * g[j];
          v[j] = kBeta2f * v[j] + (1 - kBeta2f) * g[j] * g[j];
          value[j] -= step_size * m[j] / (std::sqrt(v[j]) / root_correction2 + eps);
        }
      });
    }
  }

 private:
  static constexpr double kBeta1 = 0.9, kBeta2 = 0.999;
  static constexpr auto kBeta1f = static_cast<float>(kBeta1), kBeta2f = static_cast<float>(kBeta2);
  std::vector<torch::Tensor> params_, first_, second_;
  double learning_rate_, epsilon_;
  int64_t steps_ = 0;
};

class TorchNetwork final : public Network {
 public:
  TorchNetwork(const NetworkShape& shape, double learning_rate, double epsilon, uint64_t seed,
               torch::Device device, int threads)
      : shape_(shape), device_(device), threads_(threads) {
    torch::manual_seed(seed);
    net_ = std::make_shared<StudyNet>(shape);
    net_->to(device_);
    // HITSCOPE_CNN_ADAM=torch: LibTorch's own Adam on the CPU too (the test that the fused one
    // trains the same network uses it).
    const char* adam = std::getenv("HITSCOPE_CNN_ADAM");
    if (device_.is_cpu() && (adam == nullptr || std::string_view(adam) != "torch")) {
      fused_ = std::make_unique<FusedAdam>(net_->parameters(), learning_rate, epsilon);
    } else {
      optimizer_ = std::make_unique<torch::optim::Adam>(
          net_->parameters(), torch::optim::AdamOptions(learning_rate).eps(epsilon));
    }
  }

  EpochResult TrainEpoch(const float* x, const int32_t* y, std::span<const int64_t> order,
                         int batch_size, std::span<const double> class_weights) override {
    at::set_num_threads(threads_);
    net_->train();
    torch::Tensor weights;
    if (!class_weights.empty()) {
      std::vector<float> w(class_weights.begin(), class_weights.end());
      weights = torch::from_blob(w.data(), {static_cast<int64_t>(w.size())}, torch::kFloat32)
                    .clone()
                    .to(device_);
    }
    double loss_sum = 0;
    int64_t correct = 0;
    const auto rows = static_cast<int64_t>(order.size());
    for (int64_t start = 0; start < rows; start += batch_size) {
      const int64_t n = std::min<int64_t>(batch_size, rows - start);
      auto [inputs, targets] = Batch(x, y, order.subspan(start, n));
      const torch::Tensor logits = net_->forward(inputs);
      torch::Tensor per_row = -torch::log_softmax(logits, 1).gather(1, targets.unsqueeze(1));
      per_row = per_row.squeeze(1);
      // Keras: class weights multiply each row's loss, and the batch loss is the mean over
      // rows (not over the weights, as PyTorch's cross_entropy(weight=...) would).
      if (weights.defined()) per_row = per_row * weights.index_select(0, targets);
      const torch::Tensor loss = per_row.mean();
      if (fused_) {
        fused_->ZeroGrad();
        loss.backward();
        fused_->Step();
      } else {
        optimizer_->zero_grad();
        loss.backward();
        optimizer_->step();
      }
      loss_sum += loss.item<double>() * static_cast<double>(n);
      correct += logits.argmax(1).eq(targets).sum().item<int64_t>();
    }
    return {loss_sum / static_cast<double>(rows),
            static_cast<double>(correct) / static_cast<double>(rows)};
  }

  std::vector<float> Predict(const float* x, int64_t rows) const override {
    at::set_num_threads(threads_);
    torch::NoGradGuard no_grad;
    net_->eval();
    std::vector<float> out(static_cast<size_t>(rows) * shape_.classes);
    const int64_t row_size = static_cast<int64_t>(shape_.bands) * shape_.frames;
    constexpr int64_t kChunk = 256;
    for (int64_t start = 0; start < rows; start += kChunk) {
      const int64_t n = std::min(kChunk, rows - start);
      torch::Tensor inputs = torch::from_blob(const_cast<float*>(x + start * row_size),
                                              {n, 1, shape_.bands, shape_.frames}, torch::kFloat32)
                                 .to(device_);
      const torch::Tensor proba =
          torch::softmax(net_->forward(inputs), 1).to(torch::kCPU).contiguous();
      std::memcpy(out.data() + start * shape_.classes, proba.data_ptr<float>(),
                  sizeof(float) * static_cast<size_t>(n) * shape_.classes);
    }
    return out;
  }

  std::string SaveWeights() const override {
    torch::serialize::OutputArchive archive;
    net_->save(archive);
    std::ostringstream bytes;
    archive.save_to(bytes);
    return bytes.str();
  }

  void LoadWeights(const std::string& bytes) override {
    try {
      std::istringstream in(bytes);
      torch::serialize::InputArchive archive;
      archive.load_from(in, device_);
      net_->load(archive);
    } catch (const c10::Error& e) {
      throw InvalidInput(
          fmt::format("the weights do not fit the network ({})", e.what_without_backtrace()));
    }
  }

  std::string device() const override { return device_.is_cuda() ? "cuda" : "cpu"; }
  int threads() const override { return threads_; }
  int64_t parameter_count() const override {
    int64_t count = 0;
    for (const auto& p : net_->parameters()) count += p.numel();
    return count;
  }

 private:
  std::pair<torch::Tensor, torch::Tensor> Batch(const float* x, const int32_t* y,
                                                std::span<const int64_t> rows) const {
    const int64_t n = static_cast<int64_t>(rows.size());
    const int64_t row_size = static_cast<int64_t>(shape_.bands) * shape_.frames;
    torch::Tensor inputs = torch::empty({n, 1, shape_.bands, shape_.frames}, torch::kFloat32);
    torch::Tensor targets = torch::empty({n}, torch::kInt64);
    float* in = inputs.data_ptr<float>();
    int64_t* target = targets.data_ptr<int64_t>();
    for (int64_t i = 0; i < n; ++i) {
      std::memcpy(in + i * row_size, x + rows[i] * row_size, sizeof(float) * row_size);
      target[i] = y[rows[i]];
    }
    return {inputs.to(device_), targets.to(device_)};
  }

  NetworkShape shape_;
  torch::Device device_;
  int threads_;
  std::shared_ptr<StudyNet> net_;
  std::unique_ptr<FusedAdam> fused_;               // on the CPU
  std::unique_ptr<torch::optim::Adam> optimizer_;  // elsewhere
};

std::unique_ptr<Network> MakeTorchNetwork(const NetworkShape& shape, double learning_rate,
                                          double epsilon, uint64_t seed, const std::string& device,
                                          int threads) {
  torch::Device chosen(torch::kCPU);
  if (device == "cuda" || (device == "auto" && torch::cuda::is_available())) {
    if (!torch::cuda::is_available()) {
      throw InvalidArgument(
          "--device cuda: LibTorch sees no CUDA device (Debian's libtorch-dev is built for the "
          "CPU only); use --device cpu or auto");
    }
    chosen = torch::Device(torch::kCUDA);
  } else if (device != "cpu" && device != "auto") {
    throw InvalidArgument(fmt::format("unknown device '{}': use auto, cpu or cuda", device));
  }
  try {
    return std::make_unique<TorchNetwork>(shape, learning_rate, epsilon, seed, chosen,
                                          std::max(threads, 1));
  } catch (const c10::Error& e) {
    throw InternalError(
        fmt::format("LibTorch could not build the network: {}", e.what_without_backtrace()));
  }
}

std::string TorchName() {
  return std::string("LibTorch ") + TORCH_VERSION;
}

}  // namespace
}  // namespace hitscope::cnn

extern "C" __attribute__((visibility("default"))) const hitscope::cnn::TorchBackend*
hitscope_torch_backend_v1() {
  static const hitscope::cnn::TorchBackend backend{1, &hitscope::cnn::MakeTorchNetwork,
                                                   &hitscope::cnn::TorchName};
  return &backend;
}
