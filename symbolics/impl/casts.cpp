// Dtype conversions and what is known from a dtype: aten::to, type_as, the _cast_* family,
// is_floating_point.
#include <torch/csrc/jit/ir/ir.h>

#include "symbolics/helpers.h"
#include "symbolics/impl/casts.h"

namespace pt2onnx::sym {

// aten::to(self, dtype, ...) in its several overloads; only the dtype matters on CPU.
Outputs to_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.tensor(node.input(0));
  const auto* schema = node.maybeSchema();
  if (schema && schema->argumentIndexWithName("dtype") && !ctx.is_none(node, "dtype")) {
    auto iv = ctx.known_value(ctx.arg(node, "dtype"));
    if (iv && iv->isInt()) return {ctx.cast(x, static_cast<c10::ScalarType>(iv->toInt()))};
  }
  if (schema && schema->argumentIndexWithName("other")) {
    return {ctx.cast(x, ctx.require_dtype(ctx.input(node, "other")))};
  }
  return {x};
}

// aten::type_as(self, other)
Outputs type_as_v9(SymbolicContext& ctx, const Node& node) {
  return {ctx.cast(ctx.input(node, "self"), ctx.require_dtype(ctx.input(node, "other")))};
}

// aten::_cast_Byte / Char / Double / Float / Half / Int / Long / Short (self, bool non_blocking):
// Cast.
Outputs _cast_Byte_v9(SymbolicContext& ctx, const Node& node) {
  return {ctx.cast(ctx.input(node, "self"), c10::kByte)};
}

Outputs _cast_Char_v9(SymbolicContext& ctx, const Node& node) {
  return {ctx.cast(ctx.input(node, "self"), c10::kChar)};
}

Outputs _cast_Double_v9(SymbolicContext& ctx, const Node& node) {
  return {ctx.cast(ctx.input(node, "self"), c10::kDouble)};
}

Outputs _cast_Float_v9(SymbolicContext& ctx, const Node& node) {
  return {ctx.cast(ctx.input(node, "self"), c10::kFloat)};
}

Outputs _cast_Half_v9(SymbolicContext& ctx, const Node& node) {
  return {ctx.cast(ctx.input(node, "self"), c10::kHalf)};
}

Outputs _cast_Int_v9(SymbolicContext& ctx, const Node& node) {
  return {ctx.cast(ctx.input(node, "self"), c10::kInt)};
}

Outputs _cast_Long_v9(SymbolicContext& ctx, const Node& node) {
  return {ctx.cast(ctx.input(node, "self"), c10::kLong)};
}

Outputs _cast_Short_v9(SymbolicContext& ctx, const Node& node) {
  return {ctx.cast(ctx.input(node, "self"), c10::kShort)};
}

// aten::is_floating_point(self) -> bool: known from the dtype.
Outputs is_floating_point_v9(SymbolicContext& ctx, const Node& node) {
  const bool fp = c10::isFloatingType(ctx.require_dtype(ctx.input(node, "self")));
  return {ctx.scalar_constant(fp ? 1 : 0, c10::kBool)};
}

// aten::is_pinned(self, Device? device) -> bool: never, on CPU.
Outputs is_pinned_v9(SymbolicContext& ctx, const Node& /*node*/) {
  return {ctx.scalar_constant(0, c10::kBool)};
}

}  // namespace pt2onnx::sym
