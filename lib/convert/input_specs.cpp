#include "convert/input_specs.h"

#include <torch/csrc/jit/ir/ir.h>

#include <algorithm>
#include <map>
#include <set>

#include "pt2onnx/error.h"

namespace pt2onnx::convert {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string generated_symbol(const std::string& tensor, size_t position) {
  // torch.onnx's name for an unnamed dynamic axis (dynamic_axes given as a list).
  return tensor + "_dynamic_axes_" + std::to_string(position + 1);
}

}  // namespace

c10::ScalarType scalar_type(DType dtype) {
  switch (dtype) {
    case DType::kFloat32:
      return c10::kFloat;
    case DType::kFloat16:
      return c10::kHalf;
    case DType::kBFloat16:
      return c10::kBFloat16;
    case DType::kFloat64:
      return c10::kDouble;
    case DType::kInt8:
      return c10::kChar;
    case DType::kInt16:
      return c10::kShort;
    case DType::kInt32:
      return c10::kInt;
    case DType::kInt64:
      return c10::kLong;
    case DType::kUInt8:
      return c10::kByte;
    case DType::kBool:
      return c10::kBool;
  }
  return c10::kFloat;
}

std::optional<DType> dtype_of(c10::ScalarType type) {
  for (DType d : {DType::kFloat32, DType::kFloat16, DType::kBFloat16, DType::kFloat64, DType::kInt8,
                  DType::kInt16, DType::kInt32, DType::kInt64, DType::kUInt8, DType::kBool}) {
    if (scalar_type(d) == type) return d;
  }
  return std::nullopt;
}

std::string dtype_text(c10::ScalarType type) {
  const auto dtype = dtype_of(type);
  return dtype ? dtype_name(*dtype) : c10::toString(type);
}

IoSpecs io_specs(const loader::LoadedGraph& loaded, const ResolvedOptions& resolved,
                 const ExportOptions& options) {
  if (loaded.graph->inputs().size() != resolved.inputs.size()) {
    throw Error(DiagCode::kInternal, "the graph has " +
                                         std::to_string(loaded.graph->inputs().size()) +
                                         " inputs after binding defaults, the options resolved " +
                                         std::to_string(resolved.inputs.size()));
  }
  // flatten_tuple_inputs names the elements as the resolver does; if they ever diverged, every
  // option would describe the wrong input.
  for (size_t i = 0; i < resolved.inputs.size(); ++i) {
    const std::string actual = i < loaded.input_names.size() ? loaded.input_names[i] : "";
    if (!actual.empty() && actual != resolved.inputs[i].original) {
      throw Error(DiagCode::kInternal, "graph input " + std::to_string(i) + " is '" + actual +
                                           "', the options resolved '" +
                                           resolved.inputs[i].original + "'");
    }
  }
  IoSpecs specs;
  for (const ResolvedInput& input : resolved.inputs) {
    specs.input_names.push_back(input.name);
    InputSpec spec;
    if (input.dtype) spec.dtype = scalar_type(*input.dtype);
    spec.shape = input.shape;
    spec.dynamic = input.dynamic;
    spec.shape_option = input.shape_option;
    spec.dtype_option = input.dtype_option;
    specs.inputs.push_back(spec);
  }
  specs.output_names = options.output_names;
  specs.symbol_sizes = resolved.symbol_sizes;
  specs.output_dynamic = resolved.output_dynamic;
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
  // A generated name never takes one the user gave (`--output-names output_1` names output 0;
  // output 1 must then be called something else).
  std::set<std::string> taken(specs.input_names.begin(), specs.input_names.end());
  taken.insert(specs.output_names.begin(), specs.output_names.end());
  auto generated = [&](size_t i) {
    const std::string base = count == 1 ? "output" : "output_" + std::to_string(i);
    std::string name = base;
    for (int n = 1; taken.count(name) != 0; ++n) name = base + "_" + std::to_string(n);
    taken.insert(name);
    return name;
  };
  std::vector<std::string> names;
  for (size_t i = 0; i < count; ++i) {
    if (i < specs.output_names.size()) {
      names.push_back(specs.output_names[i]);
    } else if (use_defaults) {
      names.push_back(defaults[i]);
    } else {
      names.push_back(generated(i));
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

std::vector<Diagnostic> apply_output_dynamic_axes(onnx_ir::GraphBuilder& builder,
                                                  const std::vector<std::string>& output_names,
                                                  const IoSpecs& specs) {
  std::vector<Diagnostic> warnings;
  // Occurrences for one output merge as the resolver merges them for inputs: axes in the order
  // first given (generated symbols count positions in it), a named symbol over a generated one.
  struct Entry {
    DynamicAxis axis;
    std::string option;
  };
  std::vector<std::pair<std::string, std::vector<Entry>>> named;
  for (const DynamicOption& option : specs.output_dynamic) {
    auto output = std::find_if(named.begin(), named.end(),
                               [&](const auto& n) { return n.first == option.key; });
    if (output == named.end()) output = named.insert(named.end(), {option.key, {}});
    for (const DynamicAxis& axis : option.axes) {
      auto it = std::find_if(output->second.begin(), output->second.end(),
                             [&](const Entry& e) { return e.axis.axis == axis.axis; });
      if (it == output->second.end()) {
        output->second.push_back({axis, spell(option)});
      } else if (it->axis.symbol.empty()) {
        it->axis.symbol = axis.symbol;
        it->option = spell(option);
      } else if (!axis.symbol.empty() && axis.symbol != it->axis.symbol) {
        throw Error(DiagCode::kOptionConflict,
                    it->option + " and " + spell(option) + " give axis " +
                        std::to_string(axis.axis) + " of output '" + option.key +
                        "' two symbols, '" + it->axis.symbol + "' and '" + axis.symbol + "'");
      }
    }
  }
  for (const auto& [key, entries] : named) {
    auto it = std::find(output_names.begin(), output_names.end(), key);
    if (it == output_names.end()) {
      throw Error(DiagCode::kUnknownOptionKey,
                  "--dynamic names '" + key +
                      "', which is neither an input nor an output (inputs: " +
                      join(specs.input_names) + "; outputs: " + join(output_names) + ")");
    }
    std::vector<DynamicAxis> axes;
    for (const Entry& e : entries) axes.push_back(e.axis);
    onnx::ValueInfoProto* info = nullptr;
    for (auto& out : *builder.main_graph().mutable_output()) {
      if (out.name() == key) info = &out;
    }
    if (info == nullptr || !info->type().tensor_type().has_shape()) continue;
    auto* shape = info->mutable_type()->mutable_tensor_type()->mutable_shape();
    for (size_t k = 0; k < axes.size(); ++k) {
      const DynamicAxis& axis = axes[k];
      if (axis.axis < 0 || axis.axis >= shape->dim_size()) {
        throw Error(DiagCode::kBadOption, "--dynamic " + key + ": axis " +
                                              std::to_string(axis.axis) +
                                              " is out of range for an output of rank " +
                                              std::to_string(shape->dim_size()));
      }
      auto* dim = shape->mutable_dim(static_cast<int>(axis.axis));
      if (dim->has_dim_value()) {
        std::string message = "output '" + key + "' axis " + std::to_string(axis.axis) +
                              " is declared dynamic (" + entries[k].option +
                              "), but the exported graph fixes its size at " +
                              std::to_string(dim->dim_value()) + ", which the file declares";
        auto size = specs.symbol_sizes.find(axis.symbol);
        if (size != specs.symbol_sizes.end() && size->second == dim->dim_value()) {
          message += "; it is the export-time size of input axis '" + axis.symbol +
                     "': if it should follow that axis, the model computes it from a constant "
                     "(a literal in view()/reshape(), or a size turned into a Python int while "
                     "tracing)";
        }
        Diagnostic d = make_diagnostic(DiagCode::kStaticOutputAxis, message);
        d.severity = Severity::kWarning;
        warnings.push_back(std::move(d));
        continue;
      }
      std::string symbol = axis.symbol;
      if (symbol.empty()) symbol = generated_symbol(key, k);
      dim->set_dim_param(symbol);
    }
  }
  return warnings;
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

}  // namespace pt2onnx::convert
