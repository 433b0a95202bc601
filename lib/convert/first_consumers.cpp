#include "convert/first_consumers.h"

#include <torch/csrc/jit/frontend/source_range.h>
#include <torch/csrc/jit/ir/ir.h>

#include <map>
#include <string>

#include "pt2onnx/error.h"

namespace pt2onnx::convert {
namespace {

using torch::jit::Node;

// Input rank each pooling/resampling op takes with a batch axis.
const std::map<std::string, int64_t>& pool_ranks() {
  static const std::map<std::string, int64_t> kRanks = {
      {"aten::max_pool1d", 3},          {"aten::max_pool2d", 4},
      {"aten::max_pool3d", 5},          {"aten::avg_pool1d", 3},
      {"aten::avg_pool2d", 4},          {"aten::avg_pool3d", 5},
      {"aten::adaptive_avg_pool1d", 3}, {"aten::adaptive_avg_pool2d", 4},
      {"aten::adaptive_avg_pool3d", 5}, {"aten::upsample_nearest2d", 4},
      {"aten::upsample_bilinear2d", 4}, {"aten::upsample_bicubic2d", 4}};
  return kRanks;
}

bool is_conv(const std::string& kind) {
  return kind == "aten::conv1d" || kind == "aten::conv2d" || kind == "aten::conv3d" ||
         kind == "aten::_convolution" || kind == "aten::convolution" ||
         kind == "aten::conv_transpose1d" || kind == "aten::conv_transpose2d" ||
         kind == "aten::conv_transpose3d";
}

std::optional<at::Tensor> constant_tensor(const torch::jit::Value* value) {
  auto iv = torch::jit::toIValue(value);
  if (iv && iv->isTensor()) return iv->toTensor();
  return std::nullopt;
}

std::optional<int64_t> constant_int(const Node& node, size_t index) {
  if (index >= node.inputs().size()) return std::nullopt;
  auto iv = torch::jit::toIValue(node.input(index));
  if (iv && iv->isInt()) return iv->toInt();
  return std::nullopt;
}

std::optional<bool> constant_bool(const Node& node, size_t index) {
  if (index >= node.inputs().size()) return std::nullopt;
  auto iv = torch::jit::toIValue(node.input(index));
  if (iv && iv->isBool()) return iv->toBool();
  return std::nullopt;
}

// "aten::conv2d (model.py:12)": the user's file and line where the model records them.
std::string op_at(const Node& node) {
  std::string out = node.kind().toQualString();
  torch::jit::SourceRange range = node.sourceRange();
  if (auto original = range.findSourceRangeThatGenerated()) range = *original;
  if (range.source()) {
    if (const auto location = range.file_line_col()) {
      const auto& [file, line, col] = *location;
      (void)col;
      out += " (" + file + ":" + std::to_string(line) + ")";
    }
  }
  return out;
}

std::string dims_text(const std::vector<int64_t>& dims) {
  std::string out;
  for (const int64_t d : dims) out += (out.empty() ? "" : "x") + std::to_string(d);
  return out.empty() ? "scalar" : out;
}

// Checks one input against its direct consumers; `name` is the graph input's name.
class ConsumerCheck {
 public:
  ConsumerCheck(const std::string& name, const InputSpec& spec) : name_(name), spec_(spec) {}

  void check(const torch::jit::Use& use) const {
    const Node& node = *use.user;
    const std::string kind = node.kind().toQualString();
    if (use.offset == 0 && is_conv(kind)) {
      check_conv(node, kind);
    } else if (use.offset == 0 && kind == "aten::linear") {
      check_linear(node);
    } else if (use.offset == 0 && pool_ranks().count(kind) != 0) {
      check_pool(node, kind);
    } else if (use.offset == 0 && kind == "aten::batch_norm") {
      check_batch_norm(node);
    } else if (use.offset == 0 && kind == "aten::layer_norm") {
      check_layer_norm(node);
    } else if (use.offset == 1 && kind == "aten::embedding") {
      check_indices(node);
    }
  }

 private:
  bool shape_given() const { return !spec_.shape_option.empty() && spec_.shape.has_value(); }
  int64_t rank() const { return static_cast<int64_t>(spec_.shape->size()); }

  [[noreturn]] void fail_shape(const Node& node, const std::string& takes) const {
    throw Error(DiagCode::kBadInputSpec, spec_.shape_option + " gives input '" + name_ +
                                             "' the shape " + dims_text(*spec_.shape) +
                                             ", but it feeds " + op_at(node) + ", which takes " +
                                             takes);
  }

  [[noreturn]] void fail_dtype(const Node& node, const std::string& takes,
                               c10::ScalarType suggested) const {
    const std::string is =
        spec_.dtype_option.empty()
            ? "input '" + name_ + "' is " + dtype_text(spec_.dtype) + " (no --dtype given)"
            : spec_.dtype_option + " makes input '" + name_ + "' " + dtype_text(spec_.dtype);
    throw Error(DiagCode::kBadInputSpec, is + ", but it feeds " + op_at(node) + ", which takes " +
                                             takes + ": give --dtype " + name_ + ":" +
                                             dtype_text(suggested));
  }

  // Weighted ops compute in their weights' dtype; torch refuses an input of any other.
  void check_weight_dtype(const Node& node, const at::Tensor& weight) const {
    if (spec_.dtype == weight.scalar_type()) return;
    throw_weight_dtype(node, weight.scalar_type());
  }
  [[noreturn]] void throw_weight_dtype(const Node& node, c10::ScalarType weight) const {
    fail_dtype(node, dtype_text(weight) + " tensors (the dtype of its weights)", weight);
  }

  void check_float(const Node& node) const {
    if (c10::isFloatingType(spec_.dtype)) return;
    fail_dtype(node, "floating-point tensors", c10::kFloat);
  }

  void check_conv(const Node& node, const std::string& kind) const {
    const auto weight = constant_tensor(node.input(1));
    if (!weight) return;
    const int64_t spatial = weight->dim() - 2;
    if (shape_given()) {
      if (rank() != weight->dim()) {
        fail_shape(node, "rank " + std::to_string(weight->dim()) + " (batch, channels and " +
                             std::to_string(spatial) + " spatial axes)" +
                             (rank() == weight->dim() - 1 ? "; add the batch axis" : ""));
      }
      bool transposed = kind.find("transpose") != std::string::npos;
      std::optional<int64_t> groups = constant_int(node, 6);
      if (kind == "aten::_convolution" || kind == "aten::convolution") {
        transposed = constant_bool(node, 6).value_or(false);
        groups = constant_int(node, 8);
      }
      const int64_t channels = transposed ? weight->size(0) : weight->size(1) * groups.value_or(1);
      if ((*spec_.shape)[1] != channels) {
        fail_shape(node, std::to_string(channels) + " channels on axis 1");
      }
    }
    check_weight_dtype(node, *weight);
  }

  void check_linear(const Node& node) const {
    const auto weight = constant_tensor(node.input(1));
    if (!weight || weight->dim() != 2) return;
    if (shape_given() && (rank() == 0 || spec_.shape->back() != weight->size(1))) {
      fail_shape(node, "a last axis of " + std::to_string(weight->size(1)) + " features");
    }
    check_weight_dtype(node, *weight);
  }

  void check_pool(const Node& node, const std::string& kind) const {
    const int64_t batched = pool_ranks().at(kind);
    const bool resample = kind.find("upsample") != std::string::npos;
    if (shape_given() && rank() != batched && (resample || rank() != batched - 1)) {
      fail_shape(node, "rank " + std::to_string(batched) + " (batch, channels and " +
                           std::to_string(batched - 2) + " spatial axes)");
    }
    if (kind.find("max_pool") == std::string::npos && kind != "aten::upsample_nearest2d")
      check_float(node);
  }

  void check_batch_norm(const Node& node) const {
    if (shape_given()) {
      if (rank() < 2) fail_shape(node, "rank 2 or more (batch, channels, ...)");
      const auto mean = constant_tensor(node.input(3));
      if (mean && mean->dim() == 1 && (*spec_.shape)[1] != mean->size(0))
        fail_shape(node, std::to_string(mean->size(0)) + " channels on axis 1");
    }
    check_float(node);
  }

  void check_layer_norm(const Node& node) const {
    auto iv = torch::jit::toIValue(node.input(1));
    if (shape_given() && iv && iv->isIntList()) {
      const std::vector<int64_t> normalized = iv->toIntVector();
      const size_t n = normalized.size();
      bool fits = spec_.shape->size() >= n;
      for (size_t k = 0; fits && k < n; ++k)
        fits = (*spec_.shape)[spec_.shape->size() - n + k] == normalized[k];
      if (!fits) fail_shape(node, "trailing axes " + dims_text(normalized));
    }
    check_float(node);
  }

  void check_indices(const Node& node) const {
    if (spec_.dtype == c10::kLong || spec_.dtype == c10::kInt) return;
    fail_dtype(node, "int64 or int32 indices", c10::kLong);
  }

  const std::string& name_;
  const InputSpec& spec_;
};

}  // namespace

void check_inputs_against_consumers(const torch::jit::Graph& graph, const IoSpecs& specs) {
  for (size_t i = 0; i < graph.inputs().size() && i < specs.inputs.size(); ++i) {
    const torch::jit::Value* input = graph.inputs()[i];
    if (input->type()->kind() != c10::TypeKind::TensorType) continue;
    const ConsumerCheck check(specs.input_names[i], specs.inputs[i]);
    for (const torch::jit::Use& use : input->uses()) check.check(use);
  }
}

void infer_missing_input_ranks(const torch::jit::Graph& graph, IoSpecs& specs) {
  const auto& kPoolRanks = pool_ranks();
  for (size_t i = 0; i < graph.inputs().size() && i < specs.inputs.size(); ++i) {
    InputSpec& spec = specs.inputs[i];
    const torch::jit::Value* input = graph.inputs()[i];
    if (spec.shape || input->type()->kind() != c10::TypeKind::TensorType) continue;
    std::optional<int64_t> rank;
    for (const torch::jit::Use& use : input->uses()) {
      const torch::jit::Node* user = use.user;
      const std::string kind = user->kind().toQualString();
      if (use.offset == 0 && kind.find("conv") != std::string::npos && user->inputs().size() > 1) {
        const auto weight = user->input(1)->type()->cast<c10::TensorType>();
        if (weight && weight->dim()) rank = static_cast<int64_t>(*weight->dim());
        auto iv = torch::jit::toIValue(user->input(1));
        if (iv && iv->isTensor()) rank = iv->toTensor().dim();
      } else if (use.offset == 0 && kPoolRanks.count(kind) != 0) {
        rank = kPoolRanks.at(kind);
      }
      if (rank) break;
    }
    if (!rank) continue;
    spec.shape = std::vector<int64_t>(static_cast<size_t>(*rank), -1);
  }
}

}  // namespace pt2onnx::convert
