#include "convert/input_specs.h"

#include <torch/csrc/jit/ir/ir.h>

#include <map>

#include <algorithm>

#include "pt2onnx/error.h"

namespace pt2onnx::convert {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Which input an option key names: its original argument name, its --input-names name or its
// 0-based index.
std::optional<size_t> input_index(const std::string& key, const std::vector<std::string>& original,
                                  const std::vector<std::string>& renamed) {
  for (size_t i = 0; i < original.size(); ++i) {
    if (key == original[i] || key == renamed[i]) return i;
  }
  if (!key.empty() && std::all_of(key.begin(), key.end(), ::isdigit)) {
    const size_t index = std::stoul(key);
    if (index < renamed.size()) return index;
  }
  return std::nullopt;
}

std::string generated_symbol(const std::string& tensor, size_t position) {
  // torch.onnx's name for an unnamed dynamic axis (dynamic_axes given as a list).
  return tensor + "_dynamic_axes_" + std::to_string(position + 1);
}

}  // namespace

c10::ScalarType parse_dtype(const std::string& text) {
  static const std::map<std::string, c10::ScalarType> kTypes = {
      {"float32", c10::kFloat}, {"float", c10::kFloat},    {"float16", c10::kHalf},
      {"half", c10::kHalf},     {"float64", c10::kDouble}, {"double", c10::kDouble},
      {"int64", c10::kLong},    {"long", c10::kLong},      {"int32", c10::kInt},
      {"int", c10::kInt},       {"int8", c10::kChar},      {"uint8", c10::kByte},
      {"bool", c10::kBool}};
  auto it = kTypes.find(text);
  if (it == kTypes.end()) {
    throw Error(ErrorKind::kUsage, "unknown dtype '" + text +
                                       "' (use float32, float16, float64, int64, int32, int8, "
                                       "uint8 or bool)");
  }
  return it->second;
}

IoSpecs resolve_io_specs(const loader::LoadedGraph& loaded, const ExportOptions& options) {
  const size_t count = loaded.graph->inputs().size();
  std::vector<std::string> original = loaded.input_names;
  original.resize(count);
  for (size_t i = 0; i < count; ++i) {
    if (original[i].empty()) original[i] = "input_" + std::to_string(i);
  }
  if (options.input_names.size() > count) {
    throw Error(ErrorKind::kUsage, "--input-names gives " +
                                       std::to_string(options.input_names.size()) +
                                       " names, but the model has " + std::to_string(count) +
                                       " inputs (" + join(original) + ")");
  }
  IoSpecs specs;
  specs.input_names = original;
  for (size_t i = 0; i < options.input_names.size(); ++i)
    specs.input_names[i] = options.input_names[i];
  specs.inputs.resize(count);
  specs.output_names = options.output_names;

  auto index_or_fail = [&](const std::string& key, const char* flag) {
    auto index = input_index(key, original, specs.input_names);
    if (!index) {
      throw Error(ErrorKind::kUsage, std::string(flag) + " names '" + key +
                                         "', which is not an input of the model (inputs: " +
                                         join(specs.input_names) + ")");
    }
    return *index;
  };
  for (const auto& [key, dims] : options.shapes)
    specs.inputs[index_or_fail(key, "--shape")].shape = dims;
  for (const auto& [key, dtype] : options.dtypes) {
    specs.inputs[index_or_fail(key, "--dtype")].dtype = parse_dtype(dtype);
  }
  for (const auto& [key, axes] : options.dynamic_axes) {
    auto index = input_index(key, original, specs.input_names);
    if (!index) continue;  // an output: applied after conversion
    specs.option_keys_used.insert(key);
    InputSpec& spec = specs.inputs[*index];
    for (size_t k = 0; k < axes.size(); ++k) {
      const DynamicAxis& axis = axes[k];
      const std::string symbol =
          axis.symbol.empty() ? generated_symbol(specs.input_names[*index], k) : axis.symbol;
      if (spec.shape) {
        const int64_t rank = static_cast<int64_t>(spec.shape->size());
        if (axis.axis < 0 || axis.axis >= rank) {
          throw Error(ErrorKind::kUsage,
                      "--dynamic " + key + ": axis " + std::to_string(axis.axis) +
                          " is out of range for its --shape of rank " + std::to_string(rank));
        }
        specs.symbol_sizes[symbol] = (*spec.shape)[static_cast<size_t>(axis.axis)];
      }
      spec.dynamic[axis.axis] = symbol;
    }
  }
  return specs;
}

std::vector<std::string> output_names_for(const IoSpecs& specs, size_t count,
                                          const std::vector<std::string>& defaults) {
  if (specs.output_names.size() > count) {
    throw Error(ErrorKind::kUsage,
                "--output-names gives " + std::to_string(specs.output_names.size()) +
                    " names, but the model has " + std::to_string(count) + " outputs");
  }
  const bool use_defaults =
      specs.output_names.empty() && defaults.size() == count &&
      std::none_of(defaults.begin(), defaults.end(), [&](const std::string& name) {
        return std::find(specs.input_names.begin(), specs.input_names.end(), name) !=
               specs.input_names.end();
      });
  std::vector<std::string> names;
  for (size_t i = 0; i < count; ++i) {
    if (i < specs.output_names.size()) {
      names.push_back(specs.output_names[i]);
    } else if (use_defaults) {
      names.push_back(defaults[i]);
    } else {
      names.push_back(count == 1 ? "output" : "output_" + std::to_string(i));
    }
  }
  for (const auto& name : names) {
    if (std::find(specs.input_names.begin(), specs.input_names.end(), name) !=
        specs.input_names.end()) {
      throw Error(ErrorKind::kUsage, "output name '" + name + "' is also an input name");
    }
  }
  return names;
}

void apply_output_dynamic_axes(onnx_ir::GraphBuilder& builder,
                               const std::vector<std::string>& output_names, const IoSpecs& specs,
                               const ExportOptions& options) {
  for (const auto& [key, axes] : options.dynamic_axes) {
    if (specs.option_keys_used.count(key) != 0) continue;
    auto it = std::find(output_names.begin(), output_names.end(), key);
    if (it == output_names.end()) {
      throw Error(ErrorKind::kUsage, "--dynamic names '" + key +
                                         "', which is neither an input nor an output (inputs: " +
                                         join(specs.input_names) +
                                         "; outputs: " + join(output_names) + ")");
    }
    onnx::ValueInfoProto* info = nullptr;
    for (auto& out : *builder.main_graph().mutable_output()) {
      if (out.name() == key) info = &out;
    }
    if (info == nullptr || !info->type().tensor_type().has_shape()) continue;
    auto* shape = info->mutable_type()->mutable_tensor_type()->mutable_shape();
    for (size_t k = 0; k < axes.size(); ++k) {
      const DynamicAxis& axis = axes[k];
      if (axis.axis < 0 || axis.axis >= shape->dim_size()) {
        throw Error(ErrorKind::kUsage, "--dynamic " + key + ": axis " + std::to_string(axis.axis) +
                                           " is out of range for an output of rank " +
                                           std::to_string(shape->dim_size()));
      }
      auto* dim = shape->mutable_dim(static_cast<int>(axis.axis));
      if (dim->has_dim_value()) {
        throw Error(ErrorKind::kUnsupported,
                    "output '" + key + "' axis " + std::to_string(axis.axis) +
                        " is declared dynamic, but the exported graph fixes its size at " +
                        std::to_string(dim->dim_value()) +
                        ": the model computes it from a constant (a literal in view()/reshape(), "
                        "or a size turned into a Python int while tracing), so the ONNX file "
                        "would only work at that size; make the axis dynamic in the model, or "
                        "drop --dynamic for it");
      }
      std::string symbol = axis.symbol;
      if (symbol.empty()) symbol = generated_symbol(key, k);
      dim->set_dim_param(symbol);
    }
  }
}

void check_no_baked_dynamic_sizes(onnx_ir::GraphBuilder& builder, const IoSpecs& specs) {
  if (specs.symbol_sizes.empty()) return;
  for (const auto& node : builder.main_graph().node()) {
    if (node.op_type() != "Reshape" || node.input_size() < 2) continue;
    const onnx::TypeProto* type = builder.type_of(node.input(0));
    const at::Tensor* target = builder.constant_of(node.input(1));
    if (type == nullptr || target == nullptr || !type->tensor_type().has_shape()) continue;
    const auto& dims = type->tensor_type().shape().dim();
    const at::Tensor t = target->to(at::kLong).contiguous();
    for (int axis = 0; axis < dims.size() && axis < t.numel(); ++axis) {
      if (!dims[axis].has_dim_param()) continue;
      auto size = specs.symbol_sizes.find(dims[axis].dim_param());
      if (size == specs.symbol_sizes.end()) continue;
      const int64_t fixed = t.data_ptr<int64_t>()[axis];
      if (fixed == size->second && fixed != 0 && fixed != -1) {
        throw Error(ErrorKind::kUnsupported,
                    "a Reshape fixes axis " + std::to_string(axis) + " at " +
                        std::to_string(fixed) + ", the export-time size of dynamic axis '" +
                        dims[axis].dim_param() +
                        "': the model computes that size as a constant (a literal in view() or "
                        "reshape(), or a size turned into a Python int while tracing), so the "
                        "ONNX file would give wrong results at other sizes; compute it with "
                        "x.size(d) / x.flatten(), or drop --dynamic for that axis");
      }
    }
  }
}

void infer_missing_input_ranks(const torch::jit::Graph& graph, IoSpecs& specs) {
  static const std::map<std::string, int64_t> kPoolRanks = {
      {"aten::max_pool1d", 3},          {"aten::max_pool2d", 4},
      {"aten::max_pool3d", 5},          {"aten::avg_pool1d", 3},
      {"aten::avg_pool2d", 4},          {"aten::avg_pool3d", 5},
      {"aten::adaptive_avg_pool1d", 3}, {"aten::adaptive_avg_pool2d", 4},
      {"aten::adaptive_avg_pool3d", 5}, {"aten::upsample_nearest2d", 4},
      {"aten::upsample_bilinear2d", 4}, {"aten::upsample_bicubic2d", 4}};
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
