#include "symbolics/helpers.h"

#include <torch/csrc/jit/ir/ir.h>

namespace pt2onnx::sym {
namespace {

int category(c10::ScalarType t) {
  if (t == c10::kBool) return 0;
  if (c10::isIntegralType(t, /*includeBool=*/false)) return 1;
  return 2;
}

c10::ScalarType default_for_category(int cat) {
  return cat == 2 ? c10::kFloat : cat == 1 ? c10::kLong : c10::kBool;
}

}  // namespace

c10::ScalarType promoted_type(SymbolicContext& ctx,
                              const std::vector<const torch::jit::Value*>& operands) {
  // One promoted type per priority level: 2 dimensioned tensor, 1 zero-dim tensor, 0 number.
  std::optional<c10::ScalarType> level[3];
  for (const auto* v : operands) {
    const auto kind = v->type()->kind();
    int priority = 2;
    c10::ScalarType type;
    if (kind == c10::TypeKind::IntType) {
      priority = 0;
      type = c10::kLong;
    } else if (kind == c10::TypeKind::FloatType) {
      priority = 0;
      type = c10::kDouble;
    } else if (kind == c10::TypeKind::BoolType) {
      priority = 0;
      type = c10::kBool;
    } else {
      const ValueName name = ctx.tensor(v);
      type = ctx.dtype(name).value_or(c10::kFloat);
      if (kind == c10::TypeKind::NumberType) {
        priority = 0;
        if (c10::isFloatingType(type)) type = c10::kDouble;
      } else if (ctx.rank(name) == 0) {
        priority = 1;
      }
    }
    level[priority] = level[priority] ? c10::promoteTypes(*level[priority], type) : type;
  }
  std::optional<c10::ScalarType> result;
  for (int p = 2; p >= 0; --p) {
    if (!level[p]) continue;
    // Numbers only set the category; their width is the default one (float32, int64).
    const c10::ScalarType here = p == 0 ? default_for_category(category(*level[p])) : *level[p];
    if (!result || category(*level[p]) > category(*result)) result = here;
  }
  return result.value_or(c10::kFloat);
}

std::vector<ValueName> inputs_as(SymbolicContext& ctx,
                                 const std::vector<const torch::jit::Value*>& operands,
                                 c10::ScalarType type) {
  std::vector<ValueName> out;
  for (const auto* v : operands) out.push_back(ctx.cast(ctx.tensor(v), type));
  return out;
}

std::pair<const torch::jit::Value*, const torch::jit::Value*> binary_operands(SymbolicContext& ctx,
                                                                            const Node& node) {
  const auto* schema = node.maybeSchema();
  if (schema != nullptr && schema->argumentIndexWithName("self")) {
    return {ctx.arg(node, "self"), ctx.arg(node, "other")};
  }
  if (schema != nullptr && schema->argumentIndexWithName("a")) {
    return {ctx.arg(node, "a"), ctx.arg(node, "b")};
  }
  return {node.input(0), node.input(1)};
}

int64_t wrap_dim(SymbolicContext& ctx, int64_t dim, const ValueName& x) {
  if (dim >= 0) return dim;
  return dim + ctx.require_rank(x);
}

std::optional<int64_t> static_dim(SymbolicContext& ctx, const ValueName& x, int64_t axis) {
  auto d = ctx.dims(x);
  if (!d) return std::nullopt;
  const int64_t rank = static_cast<int64_t>(d->size());
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) return std::nullopt;
  return (*d)[static_cast<size_t>(axis)];
}

}  // namespace pt2onnx::sym
