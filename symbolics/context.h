// The API every symbolic uses: it reads the TorchScript node's arguments by schema name, binds
// and looks up lowered values, emits ONNX nodes through the graph builder, answers what is known
// about values (dtype, rank, static sizes, constant values), converts nested blocks through the
// dispatcher's BlockConverter, and reports failures with a diagnostic code.
//
// It has no accessor for the target opset or the user's options: a symbolic is registered for
// the opsets where its lowering is valid (symbolics/tables/), and says which opset a case needs
// with needs_opset(). What it legitimately needs to know is passed in as a specific value.
#pragma once

#include <ATen/core/Tensor.h>
#include <ATen/core/ivalue.h>
#include <c10/core/ScalarType.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "onnx/graph_builder.h"
#include "pt2onnx/error.h"
#include "symbolics/bindings.h"
#include "symbolics/block_converter.h"
#include "symbolics/symbolic.h"

namespace torch::jit {
struct Block;
struct Value;
}  // namespace torch::jit

namespace pt2onnx::sym {

using torch::jit::Node;

// What the context needs to know of the export beyond the graph under construction.
struct ContextSettings {
  bool export_params = true;  // weights become initializers (else graph inputs)
  // A branch that raises on a run-time condition is removed (with a warning) rather than refused.
  bool drop_run_time_checks = true;
};

class SymbolicContext {
 public:
  SymbolicContext(onnx_ir::GraphBuilder& builder, ValueBindings& bindings, BlockConverter& blocks,
                  ContextSettings settings);

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
  void bind(const torch::jit::Value* value, Lowered lowered) {
    bindings_.bind(value, std::move(lowered));
  }

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
  // The element type of `value` where it is already converted to a tensor; nothing is lowered.
  std::optional<c10::ScalarType> converted_dtype(const torch::jit::Value* value) const;
  c10::ScalarType require_dtype(const ValueName& value) const;
  std::optional<int64_t> rank(const ValueName& value) const;
  int64_t require_rank(const ValueName& value) const;
  std::optional<std::vector<std::optional<int64_t>>> dims(const ValueName& value) const;
  std::optional<std::vector<int64_t>> static_shape(const ValueName& value) const;
  const at::Tensor* constant_of(const ValueName& value) const;

  // ---- nested blocks (If branches, Loop bodies, view chains re-applied after a write)
  std::vector<Lowered> convert_block(const torch::jit::Block& block,
                                     const std::vector<Lowered>& params) {
    return blocks_.convert_block(block, params);
  }
  void convert_again(const Node& node) { blocks_.convert_again(node); }
  bool drop_run_time_checks() const { return settings_.drop_run_time_checks; }
  void warn(const Node& where, DiagCode code, const std::string& message) {
    blocks_.warn(where, code, message);
  }

  // ---- failures (the dispatcher adds the op, its source line, its scope and the opset)
  [[noreturn]] void fail(DiagCode code, const std::string& message) const;
  // A construct that has no ONNX form here (unsupported-construct).
  [[noreturn]] void fail_unsupported(const std::string& message) const;
  // An argument of a type or value the op cannot take (bad-argument).
  [[noreturn]] void fail_invalid(const std::string& message) const;
  // `what` ("gather on dynamic shapes") has an ONNX form from `first_opset` on (needs-opset);
  // the message says so, with the opset asked for.
  [[noreturn]] void needs_opset(int first_opset, const std::string& what) const;

 private:
  Lowered materialize(const torch::jit::Value* value);
  Lowered lower_constant(const torch::jit::Value* value, const c10::IValue& iv);
  c10::IValue require_known(const Node& node, const char* name);

  onnx_ir::GraphBuilder& builder_;
  ValueBindings& bindings_;
  BlockConverter& blocks_;
  ContextSettings settings_;
};

}  // namespace pt2onnx::sym
