// The one object a symbolic talks to: it reads the TorchScript node's arguments by schema name,
// emits ONNX nodes, answers what is known about values (dtype, rank, static sizes, constant
// values), and converts nested blocks for control flow. It also is the dispatcher: converting a
// block means looking each node up in the effective table and calling its symbolic.
#pragma once

#include <ATen/core/Tensor.h>
#include <ATen/core/ivalue.h>
#include <c10/core/ScalarType.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "onnx/graph_builder.h"
#include "pt2onnx/error.h"
#include "pt2onnx/options.h"
#include "symbolics/registry.h"
#include "symbolics/symbolic.h"

namespace torch::jit {
struct Block;
struct Value;
}  // namespace torch::jit

namespace pt2onnx::sym {

using torch::jit::Node;

// A problem found while converting one node; the dispatcher adds where it came from.
struct NodeProblem {
  ErrorKind kind;
  std::string node_kind;
  std::string message;
  std::string source;  // "file:line:col: `code`", empty when unknown
  bool missing_symbolic =
      false;  // no lowering at this opset (reported with the opsets that have one)
};

class SymbolicContext {
 public:
  SymbolicContext(onnx_ir::GraphBuilder& builder, const EffectiveTable& table,
                  const ExportOptions& options);

  int opset() const { return builder_.opset(); }
  const ExportOptions& options() const { return options_; }
  onnx_ir::GraphBuilder& builder() { return builder_; }

  // ---- arguments, by schema argument name ("self", "dim", ...); prim ops use "0", "1", ...
  const torch::jit::Value* arg(const Node& node, const char* name) const;
  bool is_none(const Node& node, const char* name);
  ValueName input(const Node& node, const char* name);  // a tensor; numbers become 0-d tensors
  std::optional<ValueName> optional_input(const Node& node, const char* name);
  std::vector<ValueName> input_list(const Node& node, const char* name);
  // True where the argument is a Python number (int/float/bool), not a tensor: it then takes
  // part in type promotion as a weak scalar.
  bool is_number(const Node& node, const char* name) const;

  int64_t const_int(const Node& node, const char* name);
  std::optional<int64_t> optional_const_int(const Node& node, const char* name);
  double const_float(const Node& node, const char* name);
  std::optional<double> optional_const_float(const Node& node, const char* name);
  bool const_bool(const Node& node, const char* name);
  std::vector<int64_t> const_ints(const Node& node, const char* name);
  std::optional<std::vector<int64_t>> optional_const_ints(const Node& node, const char* name);
  std::string const_string(const Node& node, const char* name);
  std::optional<c10::ScalarType> optional_const_dtype(const Node& node, const char* name);
  // The value of an argument where it is known at conversion time (a constant, or computed
  // from constants and static sizes), else nullopt.
  std::optional<c10::IValue> known_value(const torch::jit::Value* value);
  // The lowered form of a value known at conversion time: numbers and lists of numbers become
  // constants, None stays None, anything else (a string, a device) a known object.
  Lowered known(const c10::IValue& value);

  // ---- values
  Lowered lowered(const torch::jit::Value* value);
  ValueName tensor(const torch::jit::Value* value);
  std::vector<ValueName> tensor_list(const torch::jit::Value* value);
  void bind(const torch::jit::Value* value, Lowered lowered);

  // ---- emission
  ValueName emit(const std::string& op_type, const std::vector<ValueName>& inputs,
                 const Attrs& attrs = {});
  std::vector<ValueName> emit_n(const std::string& op_type, const std::vector<ValueName>& inputs,
                                const Attrs& attrs, size_t num_outputs);
  ValueName constant(const at::Tensor& value);
  ValueName int_constant(int64_t value);                          // 0-d int64
  ValueName ints_constant(const std::vector<int64_t>& values);    // 1-d int64
  ValueName scalar_constant(double value, c10::ScalarType type);  // 0-d
  ValueName cast(const ValueName& value, c10::ScalarType to);     // no-op when already `to`

  // ---- what is known about an ONNX value
  std::optional<c10::ScalarType> dtype(const ValueName& value) const;
  c10::ScalarType require_dtype(const ValueName& value) const;
  std::optional<int64_t> rank(const ValueName& value) const;
  int64_t require_rank(const ValueName& value) const;
  std::optional<std::vector<std::optional<int64_t>>> dims(const ValueName& value) const;
  std::optional<std::vector<int64_t>> static_shape(const ValueName& value) const;
  const at::Tensor* constant_of(const ValueName& value) const;

  // ---- failures (the dispatcher adds the op, its source line and the opset)
  [[noreturn]] void fail_unsupported(const std::string& message) const;
  [[noreturn]] void fail_invalid(const std::string& message) const;

  // ---- control flow and dispatch
  // Converts the nodes of `block` into the innermost open graph after binding its parameters;
  // returns the block's outputs.
  std::vector<Lowered> convert_block(const torch::jit::Block& block,
                                     const std::vector<Lowered>& params);
  // Converts `node` once more with the current bindings of its inputs (a view chain re-applied
  // after a write through it), rebinding its outputs.
  void convert_again(const Node& node) { convert_node(node); }
  // Problems recorded while converting (unsupported ops are reported all together).
  const std::vector<NodeProblem>& problems() const { return problems_; }

 private:
  void convert_node(const Node& node);
  bool try_evaluate(const Node& node);
  SymbolicFn find_symbolic(const Node& node) const;
  void for_each_missing(const torch::jit::Block& block,
                        const std::function<void(const Node&)>& report) const;
  Lowered materialize(const torch::jit::Value* value);
  Lowered lower_constant(const torch::jit::Value* value, const c10::IValue& iv);
  const Lowered* find_binding(const torch::jit::Value* value) const;
  c10::IValue require_known(const Node& node, const char* name);

  onnx_ir::GraphBuilder& builder_;
  const EffectiveTable& table_;
  const ExportOptions& options_;
  // One map per open graph: a value converted inside a subgraph is not visible outside it.
  std::vector<std::unordered_map<const torch::jit::Value*, Lowered>> scopes_;
  std::unordered_set<const torch::jit::Value*> tainted_;  // outputs of nodes that failed
  std::vector<NodeProblem> problems_;
};

// Shared by the error messages: "model.py:12:8: `y = F.grid_sample(x, grid)`".
std::string describe_source(const Node& node);

}  // namespace pt2onnx::sym
