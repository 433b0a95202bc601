// Quantization: quantize/dequantize pairs and fake quantization, as QuantizeLinear and
// DequantizeLinear (opset 10; per-channel axes from opset 13).
#include <ATen/ATen.h>
#include <torch/csrc/jit/ir/ir.h>

#include "symbolics/helpers.h"
#include "symbolics/impl/quantized.h"

namespace pt2onnx::sym {
namespace {

// The ONNX integer type for a torch quantized dtype (qint8 -> int8, quint8 -> uint8).
c10::ScalarType storage_type(SymbolicContext& ctx, c10::ScalarType qtype) {
  if (qtype == c10::kQInt8 || qtype == c10::kChar) return c10::kChar;
  if (qtype == c10::kQUInt8 || qtype == c10::kByte) return c10::kByte;
  ctx.fail_unsupported(std::string("quantization to ") + c10::toString(qtype) +
                       " (QuantizeLinear takes int8 and uint8)");
}

// The storage type that holds [quant_min, quant_max] as torch's fake quantization uses it.
c10::ScalarType range_type(SymbolicContext& ctx, int64_t quant_min, int64_t quant_max) {
  if (quant_min == 0 && quant_max == 255) return c10::kByte;
  if (quant_min == -128 && quant_max == 127) return c10::kChar;
  ctx.fail_unsupported("fake quantization to a range other than [0, 255] or [-128, 127]");
}

// Scale (float) and zero point (storage type) operands of QuantizeLinear for one argument pair,
// numbers or tensors.
std::pair<ValueName, ValueName> qparams(SymbolicContext& ctx, const Node& node,
                                        c10::ScalarType storage) {
  ValueName scale = ctx.cast(ctx.input(node, "scale"), c10::kFloat);
  ValueName zero_point;
  if (auto zp = ctx.known_value(ctx.arg(node, "zero_point")); zp && zp->isInt()) {
    zero_point = ctx.scalar_constant(static_cast<double>(zp->toInt()), storage);
  } else {
    zero_point = ctx.cast(ctx.input(node, "zero_point"), storage);
  }
  return {scale, zero_point};
}

}  // namespace

// aten::quantize_per_tensor(self, scale, zero_point, dtype): QuantizeLinear to int8/uint8. The
// result's scale and zero point are read again by aten::dequantize from this node.
Outputs quantize_per_tensor_v10(SymbolicContext& ctx, const Node& node) {
  const auto qtype = ctx.optional_const_dtype(node, "dtype");
  const c10::ScalarType storage = storage_type(ctx, qtype.value_or(c10::kQUInt8));
  auto [scale, zero_point] = qparams(ctx, node, storage);
  return {ctx.emit("QuantizeLinear",
                   {ctx.cast(ctx.input(node, "self"), c10::kFloat), scale, zero_point})};
}

// aten::dequantize(self) of a tensor quantized in this graph: DequantizeLinear with the
// quantizing node's scale and zero point.
Outputs dequantize_v10(SymbolicContext& ctx, const Node& node) {
  const Node* producer = node.input(0)->node();
  if (producer->kind() != c10::Symbol::fromQualString("aten::quantize_per_tensor")) {
    ctx.fail_unsupported(
        "dequantize of a tensor that was not quantized by quantize_per_tensor in "
        "the same graph");
  }
  const auto qtype = ctx.optional_const_dtype(*producer, "dtype");
  const c10::ScalarType storage = storage_type(ctx, qtype.value_or(c10::kQUInt8));
  auto [scale, zero_point] = qparams(ctx, *producer, storage);
  return {ctx.emit("DequantizeLinear", {ctx.tensor(node.input(0)), scale, zero_point})};
}

// aten::fake_quantize_per_tensor_affine(self, scale, zero_point, quant_min, quant_max):
// QuantizeLinear then DequantizeLinear, the storage type chosen by the range.
Outputs fake_quantize_per_tensor_affine_v10(SymbolicContext& ctx, const Node& node) {
  const c10::ScalarType storage =
      range_type(ctx, ctx.const_int(node, "quant_min"), ctx.const_int(node, "quant_max"));
  auto [scale, zero_point] = qparams(ctx, node, storage);
  const ValueName x = ctx.input(node, "self");
  const auto type = ctx.dtype(x).value_or(c10::kFloat);
  ValueName q = ctx.emit("QuantizeLinear", {ctx.cast(x, c10::kFloat), scale, zero_point});
  return {ctx.cast(ctx.emit("DequantizeLinear", {q, scale, zero_point}), type)};
}

// aten::fake_quantize_per_channel_affine(self, scale, zero_point, axis, quant_min, quant_max):
// per-axis QuantizeLinear/DequantizeLinear need opset 13.
Outputs fake_quantize_per_channel_affine_v13(SymbolicContext& ctx, const Node& node) {
  const c10::ScalarType storage =
      range_type(ctx, ctx.const_int(node, "quant_min"), ctx.const_int(node, "quant_max"));
  const ValueName scale = ctx.cast(ctx.input(node, "scale"), c10::kFloat);
  const ValueName zero_point = ctx.cast(ctx.input(node, "zero_point"), storage);
  const ValueName x = ctx.input(node, "self");
  const auto type = ctx.dtype(x).value_or(c10::kFloat);
  const int64_t axis = wrap_dim(ctx, ctx.const_int(node, "axis"), x);
  ValueName q =
      ctx.emit("QuantizeLinear", {ctx.cast(x, c10::kFloat), scale, zero_point}, {{"axis", axis}});
  return {ctx.cast(ctx.emit("DequantizeLinear", {q, scale, zero_point}, {{"axis", axis}}), type)};
}

}  // namespace pt2onnx::sym
