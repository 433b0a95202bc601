// Queries about where and how the model runs (device, autocast, autograd, tensor layout): the
// exported graph runs as CPU inference, so each takes that value at conversion time and the
// branches that depend on it fold away (library code checks them to pick a fast path).
#include <ATen/core/ivalue.h>
#include <torch/csrc/jit/ir/ir.h>

#include <memory>

#include "symbolics/context.h"
#include "symbolics/symbolic.h"

namespace pt2onnx::sym {

// prim::device(Tensor a) -> Device: the CPU (device arguments of factories are ignored).
Outputs device_v9(SymbolicContext& ctx, const Node& /*node*/) {
  return {ctx.known(c10::IValue(c10::Device(c10::kCPU)))};
}

// prim::is_cuda, is_mkldnn, is_quantized, is_sparse, is_meta, is_nested, requires_grad (Tensor)
// -> bool; aten::is_autocast_enabled(), is_autocast_cpu_enabled(), is_grad_enabled(),
// has_torch_function(...) -> bool: false for a CPU inference graph of plain tensors.
Outputs false_query_v9(SymbolicContext& ctx, const Node& /*node*/) {
  return {ctx.known(c10::IValue(false))};
}

// prim::layout(Tensor a) -> Layout: strided (ONNX tensors are dense).
Outputs layout_v9(SymbolicContext& ctx, const Node& /*node*/) {
  return {ctx.known(c10::IValue(static_cast<int64_t>(c10::kStrided)))};
}

}  // namespace pt2onnx::sym

namespace pt2onnx::sym {

// aten::cpu(Tensor self) -> Tensor: the exported graph already runs on the CPU.
Outputs cpu_v9(SymbolicContext& ctx, const Node& node) { return {ctx.lowered(node.input(0))}; }

// prim::type(Device self) -> str: "cpu", the device of every value (see device_v9).
Outputs type_v9(SymbolicContext& ctx, const Node& /*node*/) {
  return {ctx.known(c10::IValue(std::string("cpu")))};
}

}  // namespace pt2onnx::sym
