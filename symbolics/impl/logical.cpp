// Logical and bitwise ops, shifts, and the NaN/inf predicates: all return bool (logical ops,
// predicates) or the operands' promoted type (bitwise ops, shifts), as torch does.
#include <ATen/ATen.h>
#include <torch/csrc/jit/ir/ir.h>

#include <limits>

#include "onnx/ops.h"
#include "symbolics/helpers.h"
#include "symbolics/impl/logical.h"

namespace pt2onnx::sym {
namespace {

enum class BitOp { kAnd, kOr, kXor };

// Bitwise and/or/xor of two integer tensors without ONNX's BitwiseAnd/Or/Xor (opset 18): in
// int64, each operand is split into its sign bit and its 63 low bits; the low bits are spread
// over a new last axis (digit k = (r / 2^k) mod 2), combined, and summed back. Only ops every
// opset and the constant folder know are used.
ValueName bitwise_emulated(SymbolicContext& ctx, const ValueName& a0, const ValueName& b0, BitOp op,
                           c10::ScalarType type) {
  auto& g = ctx.builder();
  const ValueName a = ctx.cast(a0, c10::kLong);
  const ValueName b = ctx.cast(b0, c10::kLong);
  const ValueName zero = ctx.scalar_constant(0, c10::kLong);
  const ValueName min =
      ctx.scalar_constant(static_cast<double>(std::numeric_limits<int64_t>::min()), c10::kLong);
  std::vector<int64_t> pow2;
  for (int k = 0; k < 63; ++k) pow2.push_back(int64_t{1} << k);
  const ValueName powers = ctx.constant(at::tensor(pow2, at::kLong));
  const ValueName two = ctx.scalar_constant(2, c10::kLong);
  auto split = [&](const ValueName& v, ValueName& sign, ValueName& bits) {
    sign = ctx.emit("Less", {v, zero});
    // a + 2^63 for negative a: the low 63 bits, as a non-negative number.
    const ValueName low = ctx.emit("Where", {sign, ctx.emit("Sub", {v, min}), v});
    // A positive axis: Unsqueeze takes negative axes only from opset 11.
    const ValueName q =
        ctx.emit("Div", {onnx_ops::unsqueeze(g, low, {ctx.require_rank(low)}), powers});
    bits = ctx.emit("Sub", {q, ctx.emit("Mul", {ctx.emit("Div", {q, two}), two})});
  };
  ValueName sa, sb, ba, bb;
  split(a, sa, ba);
  split(b, sb, bb);
  ValueName bits, sign;
  switch (op) {
    case BitOp::kAnd:
      bits = ctx.emit("Mul", {ba, bb});
      sign = ctx.emit("And", {sa, sb});
      break;
    case BitOp::kOr:
      bits = ctx.emit("Sub", {ctx.emit("Add", {ba, bb}), ctx.emit("Mul", {ba, bb})});
      sign = ctx.emit("Or", {sa, sb});
      break;
    case BitOp::kXor:
      bits = ctx.emit("Abs", {ctx.emit("Sub", {ba, bb})});
      sign = ctx.emit("Xor", {sa, sb});
      break;
  }
  // Summed in two halves of 32 and 31 bits, combined in int64: ONNX Runtime accumulates an int64
  // ReduceSum in double, which is exact only below 2^53.
  std::vector<int64_t> lo_weights(63, 0), hi_weights(63, 0);
  for (int k = 0; k < 63; ++k) (k < 32 ? lo_weights : hi_weights)[k] = int64_t{1} << (k % 32);
  const int64_t axis = ctx.require_rank(bits) - 1;
  auto weighted_sum = [&](const std::vector<int64_t>& weights) {
    const ValueName w = ctx.constant(at::tensor(weights, at::kLong));
    return onnx_ops::reduce(g, "ReduceSum", ctx.emit("Mul", {bits, w}), {axis}, false);
  };
  const ValueName low = ctx.emit(
      "Add",
      {ctx.emit("Mul", {weighted_sum(hi_weights),
                        ctx.scalar_constant(static_cast<double>(int64_t{1} << 32), c10::kLong)}),
       weighted_sum(lo_weights)});
  const ValueName r = ctx.emit("Where", {sign, ctx.emit("Add", {low, min}), low});
  return ctx.cast(r, type);
}

// `native`: ONNX BitwiseAnd/Or/Xor (opset 18) take the integers as they are.
Outputs bitwise(SymbolicContext& ctx, const Node& node, BitOp op, bool native) {
  auto [a, b] = binary_operands(ctx, node);
  const c10::ScalarType type = promoted_type(ctx, {a, b});
  auto in = inputs_as(ctx, {a, b}, type);
  if (type == c10::kBool) {
    return {ctx.emit(op == BitOp::kAnd ? "And" : op == BitOp::kOr ? "Or" : "Xor", in)};
  }
  if (!c10::isIntegralType(type, false))
    ctx.fail_invalid("bitwise ops need integer or bool operands");
  if (native) {
    return {ctx.emit(op == BitOp::kAnd  ? "BitwiseAnd"
                     : op == BitOp::kOr ? "BitwiseOr"
                                        : "BitwiseXor",
                     in)};
  }
  return {bitwise_emulated(ctx, in[0], in[1], op, type)};
}

Outputs logical(SymbolicContext& ctx, const Node& node, const char* op) {
  auto [a, b] = binary_operands(ctx, node);
  return {ctx.emit(op, {ctx.cast(ctx.tensor(a), c10::kBool), ctx.cast(ctx.tensor(b), c10::kBool)})};
}

// 2^other in `type`, computed in double (ONNX Pow before 12 is float-only).
ValueName power_of_two(SymbolicContext& ctx, const ValueName& other, c10::ScalarType type) {
  const ValueName p =
      ctx.emit("Pow", {ctx.scalar_constant(2.0, c10::kDouble), ctx.cast(other, c10::kDouble)});
  return ctx.cast(p, type);
}

}  // namespace

// aten::__and__ / bitwise_and (Tensor, Tensor | Scalar), and the bool/int number overloads.
// Bool: And. Integers: emulated in int64 (ONNX BitwiseAnd arrives at opset 18).
Outputs __and___v9(SymbolicContext& ctx, const Node& node) {
  return bitwise(ctx, node, BitOp::kAnd, false);
}
Outputs __or___v9(SymbolicContext& ctx, const Node& node) {
  return bitwise(ctx, node, BitOp::kOr, false);
}
Outputs __xor___v9(SymbolicContext& ctx, const Node& node) {
  return bitwise(ctx, node, BitOp::kXor, false);
}
// Opset 18: integers through BitwiseAnd/Or/Xor, in their own type.
Outputs __and___v18(SymbolicContext& ctx, const Node& node) {
  return bitwise(ctx, node, BitOp::kAnd, true);
}
Outputs __or___v18(SymbolicContext& ctx, const Node& node) {
  return bitwise(ctx, node, BitOp::kOr, true);
}
Outputs __xor___v18(SymbolicContext& ctx, const Node& node) {
  return bitwise(ctx, node, BitOp::kXor, true);
}

// aten::bitwise_not(Tensor self): Not for bool; ~x = -x - 1 for integers (in int64, then cast
// back, which wraps unsigned types correctly).
Outputs bitwise_not_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const auto type = ctx.dtype(x).value_or(c10::kLong);
  if (type == c10::kBool) return {ctx.emit("Not", {x})};
  if (!c10::isIntegralType(type, false))
    ctx.fail_invalid("bitwise_not needs an integer or bool tensor");
  const ValueName wide = ctx.cast(x, c10::kLong);
  const ValueName r =
      ctx.emit("Sub", {ctx.emit("Neg", {wide}), ctx.scalar_constant(1, c10::kLong)});
  return {ctx.cast(r, type)};
}

// Opset 18: BitwiseNot for integers (bool stays Not).
Outputs bitwise_not_v18(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const auto type = ctx.dtype(x).value_or(c10::kLong);
  if (type == c10::kBool) return {ctx.emit("Not", {x})};
  if (!c10::isIntegralType(type, false))
    ctx.fail_invalid("bitwise_not needs an integer or bool tensor");
  return {ctx.emit("BitwiseNot", {x})};
}

// aten::logical_and/or/xor(Tensor self, Tensor other) -> bool: operands are truth values.
Outputs logical_and_v9(SymbolicContext& ctx, const Node& node) { return logical(ctx, node, "And"); }
Outputs logical_or_v9(SymbolicContext& ctx, const Node& node) { return logical(ctx, node, "Or"); }
Outputs logical_xor_v9(SymbolicContext& ctx, const Node& node) { return logical(ctx, node, "Xor"); }
// aten::logical_not(Tensor self) -> bool
Outputs logical_not_v9(SymbolicContext& ctx, const Node& node) {
  return {ctx.emit("Not", {ctx.cast(ctx.input(node, "self"), c10::kBool)})};
}

// aten::__lshift__ / __rshift__ (Tensor self, Tensor | Scalar other): x * 2^y and floor(x / 2^y)
// (torch's >> is arithmetic, i.e. floors for negative x). Narrow integers are computed in int64
// and cast back, which wraps like torch.
Outputs __lshift___v9(SymbolicContext& ctx, const Node& node) {
  auto [a, b] = binary_operands(ctx, node);
  const c10::ScalarType type = ctx.dtype(ctx.tensor(a)).value_or(c10::kLong);
  if (c10::isFloatingType(type)) {
    return {ctx.emit("Mul", {ctx.tensor(a), power_of_two(ctx, ctx.tensor(b), type)})};
  }
  const ValueName x = ctx.cast(ctx.tensor(a), c10::kLong);
  return {ctx.cast(ctx.emit("Mul", {x, power_of_two(ctx, ctx.tensor(b), c10::kLong)}), type)};
}
Outputs __rshift___v9(SymbolicContext& ctx, const Node& node) {
  auto [a, b] = binary_operands(ctx, node);
  const c10::ScalarType type = ctx.dtype(ctx.tensor(a)).value_or(c10::kLong);
  if (c10::isFloatingType(type)) {
    return {ctx.emit("Div", {ctx.tensor(a), power_of_two(ctx, ctx.tensor(b), type)})};
  }
  const ValueName x = ctx.cast(ctx.tensor(a), c10::kLong);
  const ValueName p = power_of_two(ctx, ctx.tensor(b), c10::kLong);
  return {ctx.cast(int_floor_div(ctx, x, p, c10::kLong), type)};
}

// aten::isnan(Tensor self) -> bool: ONNX IsNaN (opset 9, floats); integers are never NaN.
Outputs isnan_v9(SymbolicContext& ctx, const Node& node) {
  return {ctx.emit("IsNaN", {as_floating(ctx, ctx.input(node, "self"))})};
}
// aten::isinf(Tensor self) -> bool: ONNX IsInf (opset 10).
Outputs isinf_v10(SymbolicContext& ctx, const Node& node) {
  return {ctx.emit("IsInf", {as_floating(ctx, ctx.input(node, "self"))})};
}
// aten::isfinite(Tensor self) -> bool: not (inf or NaN); IsInf needs opset 10.
Outputs isfinite_v10(SymbolicContext& ctx, const Node& node) {
  const ValueName x = as_floating(ctx, ctx.input(node, "self"));
  return {ctx.emit("Not", {ctx.emit("Or", {ctx.emit("IsInf", {x}), ctx.emit("IsNaN", {x})})})};
}

}  // namespace pt2onnx::sym
