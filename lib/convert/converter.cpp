#include "convert/converter.h"

#include <torch/csrc/jit/ir/ir.h>

#include <map>
#include <set>
#include <sstream>

#include "convert/dispatcher.h"
#include "convert/input_specs.h"
#include "convert/problem_report.h"
#include "onnx/tensor_proto.h"
#include "symbolics/impl/quantized_outputs.h"
#include "symbolics/tables/tables.h"

namespace pt2onnx::convert {
namespace {

using sym::Lowered;

onnx::TypeProto input_type(const torch::jit::Value* value, const InputSpec& spec) {
  const auto kind = value->type()->kind();
  if (kind == c10::TypeKind::IntType)
    return onnx_ir::tensor_type(onnx_ir::onnx_dtype(c10::kLong), {});
  if (kind == c10::TypeKind::FloatType)
    return onnx_ir::tensor_type(onnx_ir::onnx_dtype(c10::kFloat), {});
  if (kind == c10::TypeKind::BoolType)
    return onnx_ir::tensor_type(onnx_ir::onnx_dtype(c10::kBool), {});
  onnx::TypeProto type = onnx_ir::tensor_type(onnx_ir::onnx_dtype(spec.dtype));
  if (spec.shape) {
    auto* shape = type.mutable_tensor_type()->mutable_shape();
    for (size_t axis = 0; axis < spec.shape->size(); ++axis) {
      auto* dim = shape->add_dim();
      auto symbol = spec.dynamic.find(static_cast<int64_t>(axis));
      if (symbol != spec.dynamic.end()) {
        dim->set_dim_param(symbol->second);
      } else if ((*spec.shape)[axis] < 0) {
        // Rank known, size not (no --shape): leave the dim open.
      } else {
        dim->set_dim_value((*spec.shape)[axis]);
      }
    }
  }
  return type;
}

// A model that returns one dict (torchvision's segmentation models: {"out": ..., "aux": ...})
// has its values as outputs, in insertion order; the default names are its keys when they are
// strings that are free to use as graph names. A dict is lowered as a kList of its values with
// the tuple of its keys in `object` (symbolics/impl/dicts.cpp).
std::vector<std::string> dict_key_names(const std::vector<Lowered>& results,
                                        onnx_ir::GraphBuilder& builder) {
  if (results.size() != 1) return {};
  const Lowered& r = results.front();
  if (r.kind != Lowered::Kind::kList || r.object == nullptr || !r.object->isTuple()) return {};
  std::vector<std::string> names;
  for (const c10::IValue& key : r.object->toTupleRef().elements()) {
    if (!key.isString() || key.toStringRef().empty()) return {};
    names.push_back(key.toStringRef());
  }
  // A name an internal value already has would clash (fresh_name reserves the free ones).
  for (const auto& name : names) {
    if (builder.fresh_name(name) != name) return {};
  }
  return names;
}

}  // namespace

ConvertedGraph convert_graph(const loader::LoadedGraph& loaded, const IoSpecs& specs,
                             const ExportOptions& options) {
  const torch::jit::Graph& graph = *loaded.graph;
  const auto& registry = sym::builtin_registry();

  ConvertedGraph out;
  out.builder = std::make_unique<onnx_ir::GraphBuilder>(options.opset, options.constant_folding);
  onnx_ir::GraphBuilder& builder = *out.builder;

  for (const auto& name : specs.output_names) builder.fresh_name(name);  // reserve them
  out.input_names = specs.input_names;

  Dispatcher dispatcher(
      builder, registry,
      DispatchSettings{options.opset, options.export_params, !options.fail_on_runtime_checks});
  std::vector<Lowered> params;
  for (size_t i = 0; i < graph.inputs().size(); ++i) {
    const torch::jit::Value* value = graph.inputs()[i];
    params.emplace_back(
        builder.add_input(specs.input_names[i], input_type(value, specs.inputs[i])));
    const InputSpec& spec = specs.inputs[i];
    if (!spec.shape_option.empty() || !spec.dtype_option.empty()) {
      builder.describe_input(
          specs.input_names[i],
          spec.shape_option +
              (spec.shape_option.empty() || spec.dtype_option.empty() ? "" : " and ") +
              spec.dtype_option);
    }
    if (spec.shape) {
      for (size_t axis = 0; axis < spec.shape->size(); ++axis) {
        if ((*spec.shape)[axis] == 0 && spec.dynamic.count(static_cast<int64_t>(axis)) == 0) {
          builder.note_empty_axis(spec.shape_option);
          break;
        }
      }
    }
  }
  std::vector<Lowered> results = dispatcher.convert_block(*graph.block(), params);
  throw_if_problems(dispatcher.problems(), options.opset);
  out.warnings = dispatcher.warnings();

  std::vector<onnx_ir::ValueName> flat;
  for (size_t i = 0; i < results.size(); ++i) {
    const Lowered& r = results[i];
    std::optional<std::vector<onnx_ir::ValueName>> quantized;
    try {
      quantized = sym::quantized_output_parts(dispatcher.context(), graph.outputs()[i], r.name);
    } catch (const Error& e) {
      throw Error(DiagCode::kUnsupportedOutput, e.what());
    }
    if (quantized) {
      flat.insert(flat.end(), quantized->begin(), quantized->end());
    } else if (r.kind == Lowered::Kind::kTensor || r.kind == Lowered::Kind::kSequence ||
               r.kind == Lowered::Kind::kOptional) {
      flat.push_back(r.name);
    } else if (r.kind == Lowered::Kind::kList) {
      flat.insert(flat.end(), r.items.begin(), r.items.end());
    } else {
      throw Error(DiagCode::kUnsupportedOutput,
                  "the model returns None or a non-tensor value, which "
                  "ONNX graphs cannot output");
    }
  }
  if (flat.empty()) {
    // A list known at conversion time is flattened into one output per item, so lists that are
    // always empty leave the graph without outputs, which ONNX Runtime cannot load.
    throw Error(DiagCode::kUnsupportedOutput,
                "the model returns no tensor: its results are lists that are empty whatever the "
                "inputs, and an ONNX graph needs at least one output");
  }
  const std::vector<std::string> output_names =
      output_names_for(specs, flat.size(), dict_key_names(results, builder));
  for (size_t i = 0; i < flat.size(); ++i) {
    out.output_names.push_back(builder.add_output(flat[i], output_names[i]));
  }
  for (auto& w : apply_output_dynamic_axes(builder, out.output_names, specs)) {
    out.warnings.push_back(std::move(w));
  }
  check_no_baked_dynamic_sizes(builder, specs);
  return out;
}

}  // namespace pt2onnx::convert
