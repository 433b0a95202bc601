#include "onnx/graph_builder.h"

#include <ATen/ATen.h>
#include <onnx/defs/schema.h>
#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <exception>
#include <functional>
#include <map>
#include <sstream>
#include <utility>

#include "compat/onnx_compat.h"
#include "onnx/constant_folder.h"
#include "onnx/shape_data.h"
#include "onnx/tensor_proto.h"
#include "onnx/type_legalizer.h"
#include "pt2onnx/error.h"

namespace pt2onnx::onnx_ir {
namespace {

// Constants up to this many elements are offered to ONNX shape inference as known data (so
// Reshape/Slice/Unsqueeze shapes come out exact) and are de-duplicated by content.
constexpr int64_t kSmallConstantElements = 4096;

void set_attribute(onnx::AttributeProto& proto, const std::string& name, const AttrValue& value) {
  proto.set_name(name);
  std::visit(
      [&proto](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, int64_t>) {
          proto.set_type(onnx::AttributeProto::INT);
          proto.set_i(v);
        } else if constexpr (std::is_same_v<T, float>) {
          proto.set_type(onnx::AttributeProto::FLOAT);
          proto.set_f(v);
        } else if constexpr (std::is_same_v<T, std::string>) {
          proto.set_type(onnx::AttributeProto::STRING);
          proto.set_s(v);
        } else if constexpr (std::is_same_v<T, std::vector<int64_t>>) {
          proto.set_type(onnx::AttributeProto::INTS);
          for (int64_t x : v) proto.add_ints(x);
        } else if constexpr (std::is_same_v<T, std::vector<float>>) {
          proto.set_type(onnx::AttributeProto::FLOATS);
          for (float x : v) proto.add_floats(x);
        } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
          proto.set_type(onnx::AttributeProto::STRINGS);
          for (const auto& x : v) proto.add_strings(x);
        } else if constexpr (std::is_same_v<T, at::Tensor>) {
          proto.set_type(onnx::AttributeProto::TENSOR);
          *proto.mutable_t() = to_tensor_proto(v, "");
        } else if constexpr (std::is_same_v<T, onnx::TypeProto>) {
          proto.set_type(onnx::AttributeProto::TYPE_PROTO);
          *proto.mutable_tp() = v;
        } else {
          proto.set_type(onnx::AttributeProto::GRAPH);
          proto.mutable_g()->Swap(v.get());
        }
      },
      value.storage());
}

std::string content_key(const at::Tensor& t) {
  std::string key = std::to_string(static_cast<int>(t.scalar_type())) + "|";
  for (int64_t d : t.sizes()) key += std::to_string(d) + ",";
  key += "|";
  const at::Tensor dense = t.contiguous();
  key.append(static_cast<const char*>(dense.data_ptr()), dense.nbytes());
  return key;
}

void rename_in_graph(onnx::GraphProto& graph, const std::string& from, const std::string& to) {
  for (auto& node : *graph.mutable_node()) {
    for (auto& in : *node.mutable_input()) {
      if (in == from) in = to;
    }
    for (auto& out : *node.mutable_output()) {
      if (out == from) out = to;
    }
    for (auto& attr : *node.mutable_attribute()) {
      if (attr.has_g()) rename_in_graph(*attr.mutable_g(), from, to);
    }
  }
  for (auto& out : *graph.mutable_output()) {
    if (out.name() == from) out.set_name(to);
  }
}

}  // namespace

onnx::TypeProto tensor_type(int32_t elem_type) {
  onnx::TypeProto type;
  type.mutable_tensor_type()->set_elem_type(elem_type);
  return type;
}

onnx::TypeProto tensor_type(int32_t elem_type, const std::vector<int64_t>& dims) {
  onnx::TypeProto type = tensor_type(elem_type);
  auto* shape = type.mutable_tensor_type()->mutable_shape();
  for (int64_t d : dims) shape->add_dim()->set_dim_value(d);
  return type;
}

onnx::TypeProto relaxed_type(const onnx::TypeProto& type, bool keep_rank) {
  onnx::TypeProto out;
  if (type.has_tensor_type()) {
    out.mutable_tensor_type()->set_elem_type(type.tensor_type().elem_type());
    if (keep_rank && type.tensor_type().has_shape()) {
      auto* shape = out.mutable_tensor_type()->mutable_shape();
      for (int i = 0; i < type.tensor_type().shape().dim_size(); ++i) shape->add_dim();
    }
    return out;
  }
  if (type.has_sequence_type()) {
    *out.mutable_sequence_type()->mutable_elem_type() =
        relaxed_type(type.sequence_type().elem_type(), keep_rank);
    return out;
  }
  if (type.has_optional_type()) {
    *out.mutable_optional_type()->mutable_elem_type() =
        relaxed_type(type.optional_type().elem_type(), keep_rank);
    return out;
  }
  return type;
}

GraphBuilder::GraphBuilder(int opset, bool fold_constants)
    : opset_(opset), fold_constants_(fold_constants) {
  graphs_.push_back(std::make_shared<onnx::GraphProto>());
  open_graphs_.push_back(graphs_.front().get());
}

ValueName GraphBuilder::fresh_name(const std::string& hint) {
  const std::string base = hint.empty() ? "v" : hint;
  if (used_names_.insert(base).second) return base;
  int64_t& counter = name_counters_[base];
  while (true) {
    std::string candidate = base + "_" + std::to_string(++counter);
    if (used_names_.insert(candidate).second) return candidate;
  }
}

onnx::NodeProto& GraphBuilder::append_node(const std::string& op_type,
                                           const std::vector<ValueName>& inputs, const Attrs& attrs,
                                           size_t num_outputs) {
  onnx::GraphProto& graph = *open_graphs_.back();
  onnx::NodeProto& node = *graph.add_node();
  node.set_op_type(op_type);
  node.set_name(fresh_name(op_type));
  for (const auto& in : inputs) node.add_input(in);
  for (size_t i = 0; i < num_outputs; ++i) {
    const std::string out = fresh_name(op_type + "_out");
    node.add_output(out);
    produced_by_node_.insert(out);
  }
  for (const auto& attr : attrs) set_attribute(*node.add_attribute(), attr.name, attr.value);
  ++node_count_;
  return node;
}

std::vector<ValueName> GraphBuilder::emit(const std::string& op_type,
                                          const std::vector<ValueName>& inputs, const Attrs& attrs,
                                          size_t num_outputs) {
  const onnx::OpSchema* schema = onnx::OpSchemaRegistry::Schema(op_type, opset_, "");
  if (schema == nullptr) {
    throw Error(ErrorKind::kInternal,
                "ONNX opset " + std::to_string(opset_) + " has no operator " + op_type);
  }
  // A node of constants is evaluated by LibTorch, which takes every type: when it folds it
  // never reaches the file, so ONNX's type constraints apply only when it does not.
  std::exception_ptr ill_typed;
  try {
    if (auto legal = legalized(*schema, inputs, attrs, num_outputs)) return *legal;
  } catch (const Error&) {
    if (!(fold_constants_ && all_constant(inputs))) throw;
    ill_typed = std::current_exception();
  }
  onnx::NodeProto& node = append_node(op_type, inputs, attrs, num_outputs);
  try {
    schema->Verify(node);
  } catch (const std::exception& e) {
    throw Error(ErrorKind::kInternal, "emitted an invalid " + op_type + " node: " + e.what());
  }
  std::vector<ValueName> outputs(node.output().begin(), node.output().end());
  const bool folded = fold_constants_ && try_fold(node, outputs);
  if (folded || ill_typed) {
    // Evaluated (its outputs are now constants), or ill-typed and not foldable: drop it.
    open_graphs_.back()->mutable_node()->RemoveLast();
    --node_count_;
    if (!folded) std::rethrow_exception(ill_typed);
    return outputs;
  }
  infer_types(node);
  if (propagate_data(node, outputs)) {
    // Every element is a known number: the node is a constant.
    open_graphs_.back()->mutable_node()->RemoveLast();
    --node_count_;
  }
  return outputs;
}

std::optional<std::vector<ValueName>> GraphBuilder::legalized(const onnx::OpSchema& schema,
                                                              const std::vector<ValueName>& inputs,
                                                              const Attrs& attrs,
                                                              size_t num_outputs) {
  // Cast is how types are changed, so it is taken as it is.
  if (schema.Name() == "Cast") return std::nullopt;
  std::vector<std::optional<int32_t>> types;
  for (const auto& in : inputs) types.push_back(in.empty() ? std::nullopt : elem_type(in));
  const std::optional<TypePlan> plan = plan_types(schema, opset_, types, num_outputs);
  if (!plan) return std::nullopt;
  auto cast = [this](const ValueName& v, int32_t to) {
    return emit("Cast", {v}, {{"to", static_cast<int64_t>(to)}}, 1)[0];
  };
  std::vector<ValueName> legal_inputs = inputs;
  // A value given twice (Add(a, a)) is cast once.
  std::map<std::pair<ValueName, int32_t>, ValueName> cast_once;
  for (size_t i = 0; i < inputs.size(); ++i) {
    // An omitted optional input stays omitted.
    if (plan->input_casts[i] == 0 || inputs[i].empty()) continue;
    const auto key = std::make_pair(inputs[i], plan->input_casts[i]);
    auto it = cast_once.find(key);
    if (it == cast_once.end()) it = cast_once.emplace(key, cast(inputs[i], key.second)).first;
    legal_inputs[i] = it->second;
  }
  std::vector<ValueName> outputs = emit(schema.Name(), legal_inputs, attrs, num_outputs);
  for (size_t j = 0; j < outputs.size(); ++j) {
    if (plan->output_casts[j] != 0) outputs[j] = cast(outputs[j], plan->output_casts[j]);
  }
  return outputs;
}

bool GraphBuilder::all_constant(const std::vector<ValueName>& inputs) const {
  return std::all_of(inputs.begin(), inputs.end(),
                     [this](const ValueName& in) { return in.empty() || constant_of(in); });
}

std::vector<ValueName> GraphBuilder::emit_typed(const std::string& op_type,
                                                const std::vector<ValueName>& inputs,
                                                const Attrs& attrs,
                                                const std::vector<onnx::TypeProto>& output_types) {
  onnx::NodeProto& node = append_node(op_type, inputs, attrs, output_types.size());
  std::vector<ValueName> outputs(node.output().begin(), node.output().end());
  for (size_t i = 0; i < outputs.size(); ++i) types_[outputs[i]] = output_types[i];
  return outputs;
}

bool GraphBuilder::try_fold(const onnx::NodeProto& node, std::vector<ValueName>& outputs) {
  std::vector<const at::Tensor*> values;
  for (const auto& in : node.input()) {
    if (in.empty()) {
      values.push_back(nullptr);
      continue;
    }
    const at::Tensor* known = constant_of(in);
    if (known == nullptr) return false;
    values.push_back(known);
  }
  // Constant names stand for their contents (equal constants share a name), so a node with the
  // same op, inputs and attributes folds to the same outputs.
  std::string key = node.op_type();
  for (const auto& in : node.input()) key += "|" + in;
  for (const auto& attr : node.attribute()) key += "|" + attr.SerializeAsString();
  auto seen = folded_nodes_.find(key);
  if (seen != folded_nodes_.end() && seen->second.size() == outputs.size()) {
    for (const auto& out : outputs) produced_by_node_.erase(out);
    outputs = seen->second;
    return true;
  }
  auto folded = evaluate_constant_node(node, values, opset_);
  if (!folded || folded->size() != outputs.size()) return false;
  for (size_t i = 0; i < outputs.size(); ++i) {
    produced_by_node_.erase(outputs[i]);
    outputs[i] = add_constant((*folded)[i], node.op_type() + "_folded");
  }
  folded_nodes_.emplace(std::move(key), outputs);
  return true;
}

void GraphBuilder::infer_types(onnx::NodeProto& node) {
  const onnx::OpSchema* schema = onnx::OpSchemaRegistry::Schema(node.op_type(), opset_, "");
  if (schema == nullptr || !schema->has_type_and_shape_inference_function()) return;
  std::unordered_map<std::string, onnx::TypeProto*> input_types;
  std::unordered_map<std::string, const onnx::TensorProto*> input_data;
  for (const auto& in : node.input()) {
    if (in.empty()) continue;
    auto it = types_.find(in);
    if (it != types_.end()) input_types[in] = &it->second;
    if (const onnx::TensorProto* data = small_constant_proto(in)) input_data[in] = data;
  }
  const std::unordered_map<std::string, const onnx::SparseTensorProto*> no_sparse;
  // Symbolic values of shape tensors, in ONNX's own form, so Reshape/Expand/... inference
  // sees a computed target shape.
  std::unordered_map<std::string, onnx::TensorShapeProto> symbolic_inputs;
  for (const auto& in : node.input()) {
    auto it = shape_data_.find(in);
    if (in.empty() || it == shape_data_.end() || input_data.count(in) != 0) continue;
    onnx::TensorShapeProto& proto = symbolic_inputs[in];
    for (const auto& e : it->second) {
      auto* dim = proto.add_dim();
      if (e.value)
        dim->set_dim_value(*e.value);
      else if (!e.symbol.empty())
        dim->set_dim_param(e.symbol);
    }
  }
  auto ctx =
      compat::node_inference_context(node, input_types, input_data, no_sparse, &symbolic_inputs);
  try {
    schema->GetTypeAndShapeInferenceFunction()(ctx);
  } catch (const std::exception& e) {
    std::string described;
    bool only_inputs_and_constants = true;
    for (const auto& in : node.input()) {
      if (in.empty()) continue;
      auto option = input_options_.find(in);
      if (option != input_options_.end()) {
        if (described.find(option->second) == std::string::npos)
          described += (described.empty() ? "" : ", ") + option->second;
      } else if (constant_of(in) == nullptr) {
        only_inputs_and_constants = false;
      }
    }
    if (only_inputs_and_constants && !described.empty()) {
      throw Error(DiagCode::kBadInputSpec, described +
                                               " does not fit the model: ONNX rejects the " +
                                               node.op_type() + " it feeds: " + e.what());
    }
    if (!empty_axis_options_.empty()) {
      std::string options;
      for (const auto& o : empty_axis_options_) options += (options.empty() ? "" : ", ") + o;
      throw Error(DiagCode::kBadInputSpec,
                  options + " declares an empty axis, and ONNX rejects the " + node.op_type() +
                      " that the model computes from it: " + e.what() +
                      " (a size of 0 is taken as meant; give 1 or more where it is not)");
    }
    throw Error(ErrorKind::kInvalidOutput,
                "ONNX shape inference rejects the " + node.op_type() + " node: " + e.what());
  }
  for (int i = 0; i < node.output_size(); ++i) {
    const onnx::TypeProto* type = ctx.getOutputType(static_cast<size_t>(i));
    if (type != nullptr && type->value_case() != onnx::TypeProto::VALUE_NOT_SET) {
      types_[node.output(i)] = *type;
    }
  }
  if (node.op_type() == "Reshape") refine_reshape_type(node);
}

// ONNX 1.12 infers no rank for a Reshape to a shape it cannot see, and no size for a -1 when the
// input has symbolic dims. Here both come from the target's known elements, with symbols that
// appear on both sides cancelling out (x.view(batch, -1, h, w) keeps its channel count).
void GraphBuilder::refine_reshape_type(const onnx::NodeProto& node) {
  auto target = shape_data_.find(node.input(1));
  std::optional<ShapeData> target_data;
  if (target != shape_data_.end()) {
    target_data = target->second;
  } else if (const at::Tensor* t = constant_of(node.input(1))) {
    target_data = ShapeData();
    const at::Tensor l = t->to(at::kLong).contiguous().reshape({-1});
    for (int64_t i = 0; i < l.numel(); ++i) target_data->push_back({l.data_ptr<int64_t>()[i], ""});
  }
  const auto elem = elem_type(node.input(0));
  if (!elem) return;
  onnx::TypeProto refined = tensor_type(*elem);
  auto* shape = refined.mutable_tensor_type()->mutable_shape();
  if (!target_data) {
    auto length = dims(node.input(1));
    if (!length || length->size() != 1 || !(*length)[0]) return;
    for (int64_t i = 0; i < *(*length)[0]; ++i) shape->add_dim();
  } else {
    const onnx::TypeProto* in_type = type_of(node.input(0));
    const bool in_known = in_type != nullptr && in_type->tensor_type().has_shape();
    // Input size as (static product, multiset of symbols); unknown dims make it unusable.
    int64_t in_product = 1;
    std::vector<std::string> in_symbols;
    bool in_usable = in_known;
    if (in_known) {
      for (const auto& d : in_type->tensor_type().shape().dim()) {
        if (d.has_dim_value())
          in_product *= d.dim_value();
        else if (d.has_dim_param())
          in_symbols.push_back(d.dim_param());
        else
          in_usable = false;
      }
    }
    int64_t known_product = 1;
    std::vector<std::string> symbols = in_symbols;
    bool others_known = true;
    int infer_at = -1;
    for (size_t i = 0; i < target_data->size(); ++i) {
      const ShapeElement& e = (*target_data)[i];
      auto* dim = shape->add_dim();
      if (e.value && *e.value == -1) {
        infer_at = static_cast<int>(i);
      } else if (e.value && *e.value == 0 && in_known &&
                 static_cast<int>(i) < in_type->tensor_type().shape().dim_size()) {
        *dim = in_type->tensor_type().shape().dim(static_cast<int>(i));  // 0 copies the input dim
        if (dim->has_dim_value())
          known_product *= dim->dim_value();
        else if (dim->has_dim_param()) {
          auto s = std::find(symbols.begin(), symbols.end(), dim->dim_param());
          if (s != symbols.end())
            symbols.erase(s);
          else
            others_known = false;
        } else
          others_known = false;
      } else if (e.value) {
        dim->set_dim_value(*e.value);
        known_product *= *e.value;
      } else if (!e.symbol.empty()) {
        dim->set_dim_param(e.symbol);
        auto s = std::find(symbols.begin(), symbols.end(), e.symbol);
        if (s != symbols.end())
          symbols.erase(s);
        else
          others_known = false;
      } else {
        others_known = false;
      }
    }
    if (infer_at >= 0 && in_usable && others_known && symbols.empty() && known_product != 0 &&
        in_product % known_product == 0) {
      shape->mutable_dim(infer_at)->set_dim_value(in_product / known_product);
    }
  }
  // Keep whatever ONNX's own inference knew better.
  const onnx::TypeProto* inferred = type_of(node.output(0));
  if (inferred != nullptr && inferred->tensor_type().has_shape() &&
      inferred->tensor_type().shape().dim_size() == shape->dim_size()) {
    for (int i = 0; i < shape->dim_size(); ++i) {
      const auto& d = inferred->tensor_type().shape().dim(i);
      if (d.has_dim_value() || (d.has_dim_param() && !shape->dim(i).has_dim_value())) {
        *shape->mutable_dim(i) = d;
      }
    }
  }
  types_[node.output(0)] = refined;
}

bool GraphBuilder::propagate_data(const onnx::NodeProto& node, std::vector<ValueName>& outputs) {
  ShapeDataSources sources{[this](const std::string& n) { return type_of(n); },
                           [this](const std::string& n) { return constant_of(n); },
                           [this](const std::string& n) -> const ShapeData* {
                             auto it = shape_data_.find(n);
                             return it == shape_data_.end() ? nullptr : &it->second;
                           }};
  auto result = propagate_shape_data(node, opset_, sources);
  if (!result || node.output_size() != 1) return false;
  const bool all_static = std::all_of(result->begin(), result->end(),
                                      [](const ShapeElement& e) { return e.value.has_value(); });
  const auto r = rank(outputs[0]);
  if (all_static && fold_constants_ && r && *r <= 1) {
    std::vector<int64_t> values;
    for (const auto& e : *result) values.push_back(*e.value);
    at::Tensor t = at::tensor(values, at::kLong);
    if (*r == 0) t = t.reshape({});
    const auto elem = elem_type(outputs[0]);
    if (elem && torch_dtype(*elem)) t = t.to(*torch_dtype(*elem));
    produced_by_node_.erase(outputs[0]);
    outputs[0] = add_constant(t, node.op_type() + "_folded");
    return true;
  }
  shape_data_[outputs[0]] = std::move(*result);
  return false;
}

const onnx::TensorProto* GraphBuilder::small_constant_proto(const ValueName& name) {
  auto cached = small_constant_protos_.find(name);
  if (cached != small_constant_protos_.end()) return &cached->second;
  const at::Tensor* value = constant_of(name);
  if (value == nullptr || value->numel() > 64) return nullptr;
  return &small_constant_protos_.emplace(name, to_tensor_proto(*value, name)).first->second;
}

ValueName GraphBuilder::add_constant(const at::Tensor& value, const std::string& name_hint) {
  std::string key;
  if (value.numel() <= kSmallConstantElements) {
    key = content_key(value);
    auto it = constant_dedup_.find(key);
    if (it != constant_dedup_.end()) return it->second;
  }
  const at::Tensor dense = value.contiguous();
  auto new_name = [&] { return fresh_name(name_hint.empty() ? "const" : name_hint); };
  ValueName name;
  if (key.empty()) {
    auto interned = large_constants_.intern(dense, new_name);
    if (interned.existing) return interned.name;
    name = std::move(interned.name);
  } else {
    name = new_name();
  }
  initializers_.push_back({name, dense, false});
  constants_[name] = dense;
  std::vector<int64_t> dims(dense.sizes().begin(), dense.sizes().end());
  types_[name] = tensor_type(onnx_dtype(dense.scalar_type()), dims);
  if (!key.empty()) constant_dedup_.emplace(std::move(key), name);
  return name;
}

ValueName GraphBuilder::add_parameter(const std::string& name, const at::Tensor& value,
                                      bool embed) {
  std::vector<int64_t> dims(value.sizes().begin(), value.sizes().end());
  onnx::TypeProto type = tensor_type(onnx_dtype(value.scalar_type()), dims);
  if (embed) {
    auto interned = embedded_parameters_.intern(value, [&] { return fresh_name(name); });
    if (interned.existing) return interned.name;
    const ValueName& unique = interned.name;
    parameters_.insert(unique);
    initializers_.push_back({unique, value, true});
    constants_[unique] = value;
    types_[unique] = type;
    return unique;
  }
  const ValueName unique = fresh_name(name);
  parameters_.insert(unique);
  auto* input = main_graph().add_input();
  input->set_name(unique);
  *input->mutable_type() = type;
  types_[unique] = type;
  return unique;
}

ValueName GraphBuilder::add_input(const std::string& name, const onnx::TypeProto& type) {
  used_names_.insert(name);
  auto* input = open_graphs_.back()->add_input();
  input->set_name(name);
  *input->mutable_type() = type;
  types_[name] = type;
  return name;
}

ValueName GraphBuilder::add_output(const ValueName& asked, const std::string& output_name) {
  const auto renamed = renamed_.find(asked);
  const ValueName value = renamed == renamed_.end() ? asked : renamed->second;
  onnx::GraphProto& graph = *open_graphs_.back();
  bool already_output = false;
  for (const auto& out : graph.output()) already_output |= out.name() == value;
  bool produced_here = false;
  if (produced_by_node_.count(value) != 0) {
    for (const auto& node : graph.node()) {
      for (const auto& out : node.output()) produced_here |= out == value;
    }
  }
  ValueName result = value;
  if (output_name != value) {
    if (produced_here && !already_output && !in_subgraph()) {
      rename_everywhere(value, output_name);
      result = output_name;
    } else {
      onnx::NodeProto& node = append_node("Identity", {value}, {}, 1);
      result = node.output(0);
      if (const auto* type = type_of(value)) types_[result] = *type;
      if (!in_subgraph()) {
        rename_everywhere(result, output_name);
        result = output_name;
      }
    }
  } else if (!produced_here || already_output) {
    onnx::NodeProto& node = append_node("Identity", {value}, {}, 1);
    result = node.output(0);
    if (const auto* type = type_of(value)) types_[result] = *type;
  }
  const onnx::TypeProto* type = type_of(result);
  const bool typed = type != nullptr && type->value_case() != onnx::TypeProto::VALUE_NOT_SET;
  // ONNX requires a type on every output of the main graph (a subgraph's may go without). One
  // that nothing typed (an op ONNX gives no inference, e.g. GroupNormalization) is refused
  // here, naming the op, rather than written for the checker to reject.
  if (!typed && !in_subgraph()) {
    std::string made_by;
    for (const auto& node : graph.node()) {
      for (const auto& out : node.output()) {
        if (out == result) made_by = " (the output of a " + node.op_type() + " node)";
      }
    }
    throw Error(ErrorKind::kInvalidOutput, "graph output '" + output_name + "'" + made_by +
                                               " has no known type, which ONNX requires");
  }
  auto* out = graph.add_output();
  out->set_name(result);
  if (typed) *out->mutable_type() = *type;
  return result;
}

void GraphBuilder::rename_everywhere(const ValueName& from, const ValueName& to) {
  rename_in_graph(main_graph(), from, to);
  for (size_t i = 1; i < open_graphs_.size(); ++i) rename_in_graph(*open_graphs_[i], from, to);
  auto type = types_.find(from);
  if (type != types_.end()) {
    types_[to] = type->second;
  }
  produced_by_node_.insert(to);
  used_names_.insert(to);
  for (auto& [old_name, current] : renamed_) {
    if (current == from) current = to;
  }
  renamed_[from] = to;
}

void GraphBuilder::begin_subgraph(const std::string& name) {
  graphs_.push_back(std::make_shared<onnx::GraphProto>());
  graphs_.back()->set_name(fresh_name(name));
  open_graphs_.push_back(graphs_.back().get());
}

std::shared_ptr<onnx::GraphProto> GraphBuilder::end_subgraph() {
  if (open_graphs_.size() <= 1) throw Error(ErrorKind::kInternal, "no subgraph is open");
  onnx::GraphProto* graph = open_graphs_.back();
  open_graphs_.pop_back();
  for (auto& owned : graphs_) {
    if (owned.get() == graph) {
      auto result = owned;
      owned.reset();
      return result;
    }
  }
  throw Error(ErrorKind::kInternal, "subgraph bookkeeping is broken");
}

const onnx::TypeProto* GraphBuilder::type_of(const ValueName& name) const {
  auto it = types_.find(name);
  return it == types_.end() ? nullptr : &it->second;
}

void GraphBuilder::set_type(const ValueName& name, const onnx::TypeProto& type) {
  types_[name] = type;
}

const ShapeData* GraphBuilder::shape_data_of(const ValueName& name) const {
  auto it = shape_data_.find(name);
  return it == shape_data_.end() ? nullptr : &it->second;
}

const at::Tensor* GraphBuilder::constant_of(const ValueName& name) const {
  auto it = constants_.find(name);
  return it == constants_.end() ? nullptr : &it->second;
}

std::optional<int32_t> GraphBuilder::elem_type(const ValueName& name) const {
  const auto* type = type_of(name);
  if (type == nullptr || !type->has_tensor_type()) return std::nullopt;
  const int32_t elem = type->tensor_type().elem_type();
  if (elem == 0) return std::nullopt;
  return elem;
}

std::optional<int64_t> GraphBuilder::rank(const ValueName& name) const {
  const auto* type = type_of(name);
  if (type == nullptr || !type->has_tensor_type() || !type->tensor_type().has_shape()) {
    return std::nullopt;
  }
  return type->tensor_type().shape().dim_size();
}

std::optional<std::vector<std::optional<int64_t>>> GraphBuilder::dims(const ValueName& name) const {
  const auto* type = type_of(name);
  if (type == nullptr || !type->has_tensor_type() || !type->tensor_type().has_shape()) {
    return std::nullopt;
  }
  std::vector<std::optional<int64_t>> out;
  for (const auto& dim : type->tensor_type().shape().dim()) {
    if (dim.has_dim_value()) {
      out.emplace_back(dim.dim_value());
    } else {
      out.emplace_back(std::nullopt);
    }
  }
  return out;
}

namespace {

std::string type_text(const onnx::TypeProto* type) {
  if (type == nullptr || !type->has_tensor_type()) return "?";
  std::string out = onnx_dtype_name(type->tensor_type().elem_type());
  if (!type->tensor_type().has_shape()) return out + "[*]";
  out += "[";
  for (int i = 0; i < type->tensor_type().shape().dim_size(); ++i) {
    const auto& d = type->tensor_type().shape().dim(i);
    out += (i ? "," : "") + (d.has_dim_value()   ? std::to_string(d.dim_value())
                             : d.has_dim_param() ? d.dim_param()
                                                 : std::string("?"));
  }
  return out + "]";
}

}  // namespace

std::string GraphBuilder::dump() const {
  std::ostringstream out;
  std::function<void(const onnx::GraphProto&, int)> visit = [&](const onnx::GraphProto& graph,
                                                                int depth) {
    const std::string indent(static_cast<size_t>(depth) * 2, ' ');
    for (const auto& node : graph.node()) {
      out << indent;
      for (int i = 0; i < node.output_size(); ++i) {
        out << (i ? ", " : "") << node.output(i) << ": " << type_text(type_of(node.output(i)));
      }
      out << " = " << node.op_type() << "(";
      for (int i = 0; i < node.input_size(); ++i) out << (i ? ", " : "") << node.input(i);
      out << ")\n";
      for (const auto& attr : node.attribute()) {
        if (attr.has_g()) {
          out << indent << "  " << attr.name() << ":\n";
          visit(attr.g(), depth + 2);
        }
      }
    }
  };
  visit(*graphs_.front(), 0);
  return out.str();
}

}  // namespace pt2onnx::onnx_ir
