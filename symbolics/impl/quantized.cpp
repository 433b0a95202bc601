// Quantization: quantize/dequantize, fake quantization and the quantized:: ops of eager-mode
// static quantization, lowered in the QDQ form (QuantizeLinear/DequantizeLinear around float
// ops, as torch.onnx emits and ONNX Runtime's QDQ fusions read; docs/quantization.md says why).
//
// Note [Quantized values]: a quantized TorchScript tensor is lowered to the float tensor
// DequantizeLinear(QuantizeLinear(x)), on the grid of its scale and zero point. Ops that keep a
// quantized tensor's parameters (flatten, max pooling, relu...) therefore run on it unchanged as
// float ops; the parameters themselves are read from the TorchScript graph at conversion time
// (quantization_of), so a quantized op can put a value that left the grid (average pooling,
// bilinear upsampling) back on it, as LibTorch's integer kernels do.
#include <ATen/ATen.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/csrc/jit/ir/ir.h>

#include "symbolics/helpers.h"
#include "symbolics/impl/quantized.h"
#include "symbolics/impl/quantized_outputs.h"
#include "symbolics/impl/quantized_values.h"

namespace pt2onnx::sym {
namespace {

using torch::jit::Value;

// The ONNX integer type for a torch quantized dtype (qint8 -> int8, quint8 -> uint8).
c10::ScalarType storage_type(SymbolicContext& ctx, c10::ScalarType qtype) {
  if (qtype == c10::kQInt8 || qtype == c10::kChar) return c10::kChar;
  if (qtype == c10::kQUInt8 || qtype == c10::kByte) return c10::kByte;
  ctx.fail_unsupported(std::string("quantization to ") + c10::toString(qtype) +
                       " (QuantizeLinear takes int8 and uint8)");
}

// The storage type that holds [quant_min, quant_max]. A narrower range than the type's (7-bit
// reduce_range, 4-bit QAT) is the type's with a Clip after QuantizeLinear's saturation.
c10::ScalarType range_type(SymbolicContext& ctx, int64_t quant_min, int64_t quant_max) {
  if (quant_min >= 0 && quant_max <= 255 && quant_min <= quant_max) return c10::kByte;
  if (quant_min >= -128 && quant_max <= 127 && quant_min <= quant_max) return c10::kChar;
  ctx.fail_unsupported("fake quantization to [" + std::to_string(quant_min) + ", " +
                       std::to_string(quant_max) + "], which no 8-bit type holds");
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

// QuantizeLinear's output restricted to [quant_min, quant_max] where that is narrower than the
// storage type (QuantizeLinear saturates to the type's range only).
ValueName clamp_to_range(SymbolicContext& ctx, const ValueName& q, c10::ScalarType storage,
                         int64_t quant_min, int64_t quant_max) {
  const int64_t lo = storage == c10::kByte ? 0 : -128;
  const int64_t hi = storage == c10::kByte ? 255 : 127;
  if (quant_min == lo && quant_max == hi) return q;
  // Max/Min take no 8-bit integers before opset 12: clamp the integers in int32.
  ValueName wide = ctx.cast(q, c10::kInt);
  wide = ctx.emit("Max", {wide, ctx.scalar_constant(static_cast<double>(quant_min), c10::kInt)});
  wide = ctx.emit("Min", {wide, ctx.scalar_constant(static_cast<double>(quant_max), c10::kInt)});
  return ctx.cast(wide, storage);
}

// ---------------------------------------------------------------- quantization parameters

// What LibTorch knows of a quantized tensor at conversion time: per-tensor scale and zero
// point, or per-channel ones along `axis`.
struct QParams {
  c10::ScalarType storage = c10::kByte;
  double scale = 1.0;
  int64_t zero_point = 0;
  std::optional<at::Tensor> scales;  // per-channel (float), with zero_points (storage type)
  std::optional<at::Tensor> zero_points;
  int64_t axis = 0;
};

double known_double(SymbolicContext& ctx, const Value* v) {
  auto iv = ctx.known_value(v);
  if (iv && iv->isDouble()) return iv->toDouble();
  if (iv && iv->isInt()) return static_cast<double>(iv->toInt());
  if (iv && iv->isTensor() && iv->toTensor().numel() == 1) return iv->toTensor().item<double>();
  ctx.fail(DiagCode::kRunTimeValue,
           "quantization scale %" + v->debugName() + " is not known at conversion time");
}

int64_t known_int(SymbolicContext& ctx, const Value* v) {
  auto iv = ctx.known_value(v);
  if (iv && iv->isInt()) return iv->toInt();
  if (iv && iv->isTensor() && iv->toTensor().numel() == 1) return iv->toTensor().item<int64_t>();
  ctx.fail(DiagCode::kRunTimeValue,
           "quantization zero point %" + v->debugName() + " is not known at conversion time");
}

QParams of_tensor(SymbolicContext& ctx, const at::Tensor& t) {
  QParams q;
  // int32 holds quantized biases, which only DequantizeLinear reads.
  q.storage = t.scalar_type() == c10::kQInt32 ? c10::kInt : storage_type(ctx, t.scalar_type());
  if (t.qscheme() == at::kPerTensorAffine) {
    q.scale = t.q_scale();
    q.zero_point = t.q_zero_point();
  } else if (t.qscheme() == at::kPerChannelAffine) {
    q.scales = t.q_per_channel_scales().to(at::kFloat);
    q.zero_points = t.q_per_channel_zero_points().to(q.storage);
    q.axis = t.q_per_channel_axis();
  } else {
    ctx.fail_unsupported(std::string("quantization scheme ") + c10::toString(t.qscheme()));
  }
  return q;
}

bool is_kind(const Node* n, const char* kind) {
  return n->kind() == c10::Symbol::fromQualString(kind);
}

// Ops whose quantized result has the quantization parameters of their first input.
bool keeps_qparams(const Node* n) {
  static const char* const kinds[] = {"aten::relu",
                                      "aten::relu_",
                                      "aten::hardtanh",
                                      "aten::hardtanh_",
                                      "aten::flatten",
                                      "aten::view",
                                      "aten::reshape",
                                      "aten::max_pool1d",
                                      "aten::max_pool2d",
                                      "aten::max_pool3d",
                                      "aten::adaptive_avg_pool1d",
                                      "aten::adaptive_avg_pool2d",
                                      "aten::adaptive_avg_pool3d",
                                      "aten::avg_pool1d",
                                      "aten::avg_pool2d",
                                      "aten::avg_pool3d",
                                      "aten::upsample_nearest1d",
                                      "aten::upsample_nearest2d",
                                      "aten::upsample_nearest3d",
                                      "aten::upsample_bilinear2d",
                                      "aten::contiguous",
                                      "aten::permute",
                                      "aten::transpose",
                                      "aten::squeeze",
                                      "aten::unsqueeze",
                                      "aten::clone",
                                      "aten::dropout",
                                      "aten::mean",
                                      "aten::slice",
                                      "aten::select",
                                      "aten::chunk",
                                      "aten::split",
                                      "aten::narrow",
                                      "aten::expand",
                                      "aten::repeat",
                                      "aten::pixel_shuffle",
                                      "aten::channel_shuffle",
                                      "prim::ListUnpack",
                                      "aten::__getitem__",
                                      "quantized::relu6",
                                      "aten::detach",
                                      "aten::t"};
  for (const char* k : kinds) {
    if (is_kind(n, k)) return true;
  }
  return false;
}

// Quantized ops whose result takes the scale and zero point of their last two arguments.
bool sets_qparams(const Node* n) {
  const std::string kind = n->kind().toQualString();
  if (kind.rfind("quantized::", 0) != 0) return false;
  if (n->inputs().size() < 3) return false;
  const Value* zp = n->inputs().back();
  return zp->type()->kind() == c10::TypeKind::IntType ||
         zp->type()->kind() == c10::TypeKind::OptionalType;
}

// The number b of quantized::{add,mul}_scalar[_relu](qa, b): a Scalar, or a one-element tensor
// in the .Tensor overloads.
double scalar_operand(SymbolicContext& ctx, const Node* n) {
  auto iv = ctx.known_value(n->input(1));
  if (iv && iv->isDouble()) return iv->toDouble();
  if (iv && iv->isInt()) return static_cast<double>(iv->toInt());
  if (iv && iv->isTensor() && iv->toTensor().numel() == 1) return iv->toTensor().item<double>();
  ctx.fail(DiagCode::kRunTimeValue,
           std::string(n->kind().toQualString()) + ": the scalar is not known at conversion time");
}

bool is_scalar_op(const Node* n) {
  return is_kind(n, "quantized::add_scalar") || is_kind(n, "quantized::add_scalar_relu") ||
         is_kind(n, "quantized::mul_scalar") || is_kind(n, "quantized::mul_scalar_relu");
}

// Runs a LibTorch operator on known values (the packed-parameter accessors, the
// scalar ops' result parameters).
std::vector<c10::IValue> run_op(SymbolicContext& ctx, const char* name,
                                std::vector<c10::IValue> args) {
  auto op = c10::Dispatcher::singleton().findSchema({name, ""});
  if (!op) ctx.fail_unsupported(std::string("this LibTorch has no ") + name);
  torch::jit::Stack stack(std::move(args));
  try {
    op->callBoxed(&stack);
  } catch (const c10::Error& e) {
    ctx.fail_unsupported(std::string(name) + " failed: " + e.what_without_backtrace());
  }
  return stack;
}

// The result parameters of a scalar op: LibTorch derives them from the input's and the scalar
// (a shifted zero point, a scaled scale, a new range where the shift leaves the integer range),
// so its own op, run on a one-element tensor with the input's parameters, gives them exactly.
QParams scalar_op_result(SymbolicContext& ctx, const Node* n, const QParams& in) {
  if (in.scales)
    ctx.fail_unsupported(std::string(n->kind().toQualString()) + " of a per-channel tensor");
  const at::Tensor probe = at::_empty_affine_quantized(
      {1}, at::TensorOptions().dtype(in.storage == c10::kChar ? at::kQInt8 : at::kQUInt8), in.scale,
      in.zero_point);
  const std::string name = n->kind().toQualString();
  const auto out = run_op(ctx, name.c_str(), {probe, c10::Scalar(scalar_operand(ctx, n))});
  QParams q = in;
  q.scale = out.at(0).toTensor().q_scale();
  q.zero_point = out.at(0).toTensor().q_zero_point();
  return q;
}

// The quantization parameters of a quantized TorchScript value, read from the node that made it
// (Note [Quantized values]); nullopt where it is not a quantized tensor made in this graph.
std::optional<QParams> quantization_of(SymbolicContext& ctx, const Value* v, int depth = 0) {
  if (depth > 64) return std::nullopt;
  const Node* n = v->node();
  if (n->kind() == c10::prim::Constant) {
    auto iv = torch::jit::toIValue(v);
    if (iv && iv->isTensor() && iv->toTensor().is_quantized())
      return of_tensor(ctx, iv->toTensor());
    return std::nullopt;
  }
  if (n->kind() == c10::prim::ListConstruct && !n->inputs().empty()) {
    return quantization_of(ctx, n->input(0), depth + 1);
  }
  if (is_kind(n, "aten::quantize_per_tensor")) {
    QParams q;
    q.storage = storage_type(ctx, ctx.optional_const_dtype(*n, "dtype").value_or(c10::kQUInt8));
    q.scale = known_double(ctx, ctx.arg(*n, "scale"));
    q.zero_point = known_int(ctx, ctx.arg(*n, "zero_point"));
    return q;
  }
  if (is_kind(n, "aten::quantize_per_channel")) {
    QParams q;
    q.storage = storage_type(ctx, ctx.optional_const_dtype(*n, "dtype").value_or(c10::kQUInt8));
    auto scales = ctx.known_value(ctx.arg(*n, "scales"));
    auto zps = ctx.known_value(ctx.arg(*n, "zero_points"));
    if (!scales || !scales->isTensor() || !zps || !zps->isTensor()) return std::nullopt;
    q.scales = scales->toTensor().to(at::kFloat);
    q.zero_points = zps->toTensor().to(q.storage);
    q.axis = ctx.const_int(*n, "axis");
    return q;
  }
  // sigmoid, hardsigmoid and tanh of a quantized tensor have fixed output parameters.
  if (is_kind(n, "aten::sigmoid") || is_kind(n, "aten::hardsigmoid")) {
    auto in = quantization_of(ctx, n->input(0), depth + 1);
    if (!in) return std::nullopt;
    QParams q;
    q.storage = in->storage;
    q.scale = 1.0 / 256.0;
    q.zero_point = in->storage == c10::kByte ? 0 : -128;
    return q;
  }
  if (is_kind(n, "aten::tanh")) {
    auto in = quantization_of(ctx, n->input(0), depth + 1);
    if (!in) return std::nullopt;
    QParams q;
    q.storage = in->storage;
    q.scale = 2.0 / 256.0;
    q.zero_point = in->storage == c10::kByte ? 128 : 0;
    return q;
  }
  if (keeps_qparams(n) && !n->inputs().empty()) return quantization_of(ctx, n->input(0), depth + 1);
  if (is_scalar_op(n)) {
    auto in = quantization_of(ctx, n->input(0), depth + 1);
    if (!in) return std::nullopt;
    return scalar_op_result(ctx, n, *in);
  }
  if (sets_qparams(n)) {
    auto in = quantization_of(ctx, n->input(0), depth + 1);
    if (!in) return std::nullopt;
    const size_t k = n->inputs().size();
    auto scale_iv = ctx.known_value(n->input(k - 2));
    if (scale_iv && scale_iv->isNone()) return in;  // quantized::cat without parameters
    QParams q;
    q.storage = in->storage;
    q.scale = known_double(ctx, n->input(k - 2));
    q.zero_point = known_int(ctx, n->input(k - 1));
    return q;
  }
  return std::nullopt;
}

QParams require_quantization(SymbolicContext& ctx, const Value* v) {
  auto q = quantization_of(ctx, v);
  if (!q) {
    ctx.fail_unsupported("the quantization parameters of %" + v->debugName() +
                         " are not known at conversion time (a quantized tensor must be made by "
                         "quantize_per_tensor, quantize_per_channel or a quantized op of this "
                         "graph)");
  }
  return *q;
}

// The scale/zero point operands and attributes of QuantizeLinear/DequantizeLinear.
struct QOperands {
  ValueName scale, zero_point;
  Attrs attrs;
};

QOperands operands(SymbolicContext& ctx, const QParams& q) {
  if (q.scales) {
    return {ctx.constant(*q.scales), ctx.constant(*q.zero_points), {{"axis", q.axis}}};
  }
  return {ctx.scalar_constant(q.scale, c10::kFloat),
          ctx.scalar_constant(static_cast<double>(q.zero_point), q.storage),
          {}};
}

// x put on the grid of q: DequantizeLinear(QuantizeLinear(x)).
ValueName on_grid(SymbolicContext& ctx, const ValueName& x, const QParams& q) {
  const QOperands o = operands(ctx, q);
  ValueName qx =
      ctx.emit("QuantizeLinear", {ctx.cast(x, c10::kFloat), o.scale, o.zero_point}, o.attrs);
  return ctx.emit("DequantizeLinear", {qx, o.scale, o.zero_point}, o.attrs);
}

// Note [Quantizing as LibTorch does]: LibTorch quantizes a float tensor (quantize_per_tensor,
// and quantized::cat, which concatenates the dequantized inputs and quantizes the result) as
// zero_point + nearbyint(x * (1.0f / scale)) in float32 (quantize_val); QuantizeLinear computes
// round(x / scale) + zero_point. Both round half to even, but x * (1/scale) and x / scale are
// not the same float: near a tie (x a multiple of another grid's step, 0.05 / 0.06 = 2.5 / 3)
// they round to neighbouring integers, one step apart. So these quantize x * Reciprocal(scale)
// with QuantizeLinear at scale 1, which is LibTorch's arithmetic exactly. (torch.onnx emits the
// plain QuantizeLinear and has the one-step difference.) Ops LibTorch computes in integer
// kernels (conv, linear, add, mul) keep the plain form, which ONNX Runtime fuses into its own
// integer kernels.
ValueName quantize_as_libtorch(SymbolicContext& ctx, const ValueName& x, const ValueName& scale,
                               const ValueName& zero_point) {
  const ValueName scaled =
      ctx.emit("Mul", {ctx.cast(x, c10::kFloat), ctx.emit("Reciprocal", {scale})});
  return ctx.emit("QuantizeLinear", {scaled, ctx.scalar_constant(1.0, c10::kFloat), zero_point});
}

// x put on the per-tensor grid of q the way LibTorch quantizes (Note [Quantizing as LibTorch
// does]).
ValueName on_grid_as_libtorch(SymbolicContext& ctx, const ValueName& x, const QParams& q) {
  if (q.scales) return on_grid(ctx, x, q);
  const QOperands o = operands(ctx, q);
  const ValueName qx = quantize_as_libtorch(ctx, x, o.scale, o.zero_point);
  return ctx.emit("DequantizeLinear", {qx, o.scale, o.zero_point});
}

// A quantized constant as an integer initializer and its DequantizeLinear. Per-channel needs
// the axis of opset 13.
//
// int8 constants are stored as uint8 shifted by 128 (same dequantized values): ONNX Runtime's
// fused x86 kernels for uint8 activations and int8 weights multiply pairs in saturating 16-bit
// arithmetic (AVX2 without VNNI), which gives wrong results for full-range int8 weights; uint8
// weights take its exact path.
ValueName dequantized_constant(SymbolicContext& ctx, const at::Tensor& t, bool per_channel_ok) {
  QParams q = of_tensor(ctx, t);
  if (q.scales && !per_channel_ok) {
    ctx.needs_opset(13, "per-channel quantized weights (DequantizeLinear with an axis)");
  }
  at::Tensor ints = t.int_repr();
  if (q.storage == c10::kChar) {
    ints = (ints.to(at::kInt) + 128).to(at::kByte);
    q.storage = c10::kByte;
    q.zero_point += 128;
    if (q.zero_points) q.zero_points = (q.zero_points->to(at::kInt) + 128).to(at::kByte);
  }
  const QOperands o = operands(ctx, q);
  return ctx.emit("DequantizeLinear", {ctx.constant(ints), o.scale, o.zero_point}, o.attrs);
}

// Average pooling of a per-tensor quantized input is put back on the grid by its symbolic
// (requantized_like_input).
bool requantizes_after(const std::string& kind) {
  return kind == "aten::avg_pool1d" || kind == "aten::avg_pool2d" || kind == "aten::avg_pool3d" ||
         kind == "aten::adaptive_avg_pool1d" || kind == "aten::adaptive_avg_pool2d" ||
         kind == "aten::adaptive_avg_pool3d";
}

bool made_on_grid(const Node* n) {
  const std::string kind = n->kind().toQualString();
  return kind.rfind("quantized::", 0) == 0 || kind == "aten::quantize_per_tensor" ||
         kind == "aten::quantize_per_channel" || requantizes_after(kind);
}

// A quantized operand as the float tensor it stands for, on its grid: a value that another op
// moved off it (average pooling) is quantized again as LibTorch's integer kernels would.
ValueName quantized_operand(SymbolicContext& ctx, const Value* v) {
  if (v->node()->kind() == c10::prim::Constant) {
    auto iv = torch::jit::toIValue(v);
    if (iv && iv->isTensor() && iv->toTensor().is_quantized()) {
      return dequantized_constant(ctx, iv->toTensor(), true);
    }
  }
  const QParams q = require_quantization(ctx, v);
  const ValueName x = ctx.tensor(v);
  if (made_on_grid(v->node())) return x;
  return on_grid(ctx, x, q);
}

// The result of a quantized op: the float result put on the grid of (scale, zero point) in the
// storage type of its first operand.
Outputs quantized_result(SymbolicContext& ctx, const Node& node, const ValueName& y) {
  return {on_grid(ctx, y, require_quantization(ctx, node.output(0)))};
}

// The same, quantized as LibTorch quantizes a float result (Note [Quantizing as LibTorch does]).
Outputs quantized_result_as_libtorch(SymbolicContext& ctx, const Node& node, const ValueName& y) {
  return {on_grid_as_libtorch(ctx, y, require_quantization(ctx, node.output(0)))};
}

// ---------------------------------------------------------------- packed parameters

c10::IValue packed_params(SymbolicContext& ctx, const Value* v) {
  auto iv = ctx.known_value(v);
  if (!iv || (!iv->isObject() && !iv->isCapsule() && !iv->isCustomClass())) {
    ctx.fail(DiagCode::kRunTimeValue,
             "packed quantized parameters %" + v->debugName() + " are not a frozen constant");
  }
  return *iv;
}

// A float bias quantized to int32 with scale input_scale * weight_scale and zero point 0, as
// LibTorch's integer kernels add it to the accumulator (and as ONNX Runtime's QDQ fusions read
// it: a float bias would be quantized again by its optimizer, with Round, which opset 10 lacks).
// Per-channel weights give a per-channel bias scale along the output channels.
ValueName quantized_bias(SymbolicContext& ctx, const at::Tensor& bias, const at::Tensor& weight,
                         double input_scale, bool per_channel_ok) {
  const at::Tensor b = bias.to(at::kFloat).contiguous();
  if (weight.qscheme() == at::kPerTensorAffine) {
    return dequantized_constant(
        ctx, at::quantize_per_tensor(b, input_scale * weight.q_scale(), 0, at::kQInt32),
        per_channel_ok);
  }
  const at::Tensor scales = weight.q_per_channel_scales().to(at::kDouble) * input_scale;
  return dequantized_constant(
      ctx, at::quantize_per_channel(b, scales, at::zeros_like(scales, at::kLong), 0, at::kQInt32),
      per_channel_ok);
}

struct ConvParams {
  at::Tensor weight;
  std::optional<at::Tensor> bias;
  std::vector<int64_t> stride, padding, dilation, output_padding;
  int64_t groups = 1;
  bool transposed = false;
};

// The weight, bias and geometry of quantized::conv{1,2,3}d packed parameters. Conv1d packs a
// 2-d convolution of height 1: its geometry lists carry that axis first.
ConvParams unpack_conv(SymbolicContext& ctx, const Value* packed, int spatial) {
  const c10::IValue p = packed_params(ctx, packed);
  const std::string family = spatial == 3 ? "quantized::conv3d" : "quantized::conv2d";
  ConvParams c;
  auto wb =
      run_op(ctx, spatial == 1 ? "quantized::conv1d_unpack" : (family + "_unpack").c_str(), {p});
  c.weight = wb.at(0).toTensor();
  if (!wb.at(1).isNone()) c.bias = wb.at(1).toTensor().to(at::kFloat);
  auto ints = [&](const char* what) {
    auto v = run_op(ctx, (family + what).c_str(), {p}).at(0).toIntVector();
    if (spatial == 1 && v.size() == 2) v.erase(v.begin());
    return v;
  };
  c.stride = ints("_stride");
  c.padding = ints("_padding");
  c.dilation = ints("_dilation");
  c.groups = run_op(ctx, (family + "_groups").c_str(), {p}).at(0).toInt();
  c.transposed = run_op(ctx, (family + "_transpose").c_str(), {p}).at(0).toInt() != 0;
  if (c.transposed) c.output_padding = ints("_output_padding");
  return c;
}

Outputs quantized_conv(SymbolicContext& ctx, const Node& node, int spatial, bool relu,
                       bool per_channel_ok) {
  const ValueName x = quantized_operand(ctx, node.input(0));
  const ConvParams c = unpack_conv(ctx, node.input(1), spatial);
  const ValueName w = dequantized_constant(ctx, c.weight, per_channel_ok);
  std::vector<int64_t> pads = c.padding;
  pads.insert(pads.end(), c.padding.begin(), c.padding.end());
  Attrs attrs = {
      {"strides", c.stride},
      {"pads", pads},
      {"dilations", c.dilation},
      {"group", c.groups},
      {"kernel_shape", std::vector<int64_t>(c.weight.sizes().begin() + 2, c.weight.sizes().end())}};
  if (c.transposed && !c.output_padding.empty())
    attrs.push_back({"output_padding", c.output_padding});
  std::vector<ValueName> inputs = {x, w};
  const bool bias_by_out_channel =
      c.weight.qscheme() == at::kPerTensorAffine || c.weight.q_per_channel_axis() == 0;
  if (c.bias && bias_by_out_channel) {
    const double input_scale = require_quantization(ctx, node.input(0)).scale;
    inputs.push_back(quantized_bias(ctx, *c.bias, c.weight, input_scale, per_channel_ok));
  } else if (c.bias) {
    inputs.push_back(ctx.constant(*c.bias));
  }
  ValueName y = ctx.emit(c.transposed ? "ConvTranspose" : "Conv", inputs, attrs);
  if (relu) y = ctx.emit("Relu", {y});
  return quantized_result(ctx, node, y);
}

// x @ W^T + b for quantized::linear packed parameters; the integer weight is stored transposed
// so that DequantizeLinear feeds MatMul directly (the pattern ONNX Runtime fuses). With the
// input's scale (static quantization) the bias is quantized as LibTorch's kernel adds it.
ValueName linear_float(SymbolicContext& ctx, const ValueName& x, const Value* packed,
                       std::optional<double> input_scale, bool per_channel_ok) {
  auto wb = run_op(ctx, "quantized::linear_unpack", {packed_params(ctx, packed)});
  const at::Tensor w = wb.at(0).toTensor();
  at::Tensor wt;
  if (w.qscheme() == at::kPerChannelAffine) {
    wt = at::_make_per_channel_quantized_tensor(
        w.int_repr().t().contiguous(), w.q_per_channel_scales(), w.q_per_channel_zero_points(), 1);
  } else {
    wt = at::_make_per_tensor_quantized_tensor(w.int_repr().t().contiguous(), w.q_scale(),
                                               w.q_zero_point());
  }
  ValueName y = ctx.emit("MatMul", {x, dequantized_constant(ctx, wt, per_channel_ok)});
  if (wb.at(1).isNone()) return y;
  const at::Tensor bias = wb.at(1).toTensor();
  return ctx.emit("Add",
                  {y, input_scale ? quantized_bias(ctx, bias, w, *input_scale, per_channel_ok)
                                  : ctx.constant(bias.to(at::kFloat))});
}

Outputs quantized_linear(SymbolicContext& ctx, const Node& node, bool relu, bool per_channel_ok) {
  const double input_scale = require_quantization(ctx, node.input(0)).scale;
  ValueName y = linear_float(ctx, quantized_operand(ctx, node.input(0)), node.input(1), input_scale,
                             per_channel_ok);
  if (relu) y = ctx.emit("Relu", {y});
  return quantized_result(ctx, node, y);
}

Outputs quantized_binary(SymbolicContext& ctx, const Node& node, const char* op, bool relu) {
  ValueName y =
      ctx.emit(op, {quantized_operand(ctx, node.input(0)), quantized_operand(ctx, node.input(1))});
  if (relu) y = ctx.emit("Relu", {y});
  return quantized_result(ctx, node, y);
}

}  // namespace

ValueName requantized_like_input(SymbolicContext& ctx, const Node& node, const ValueName& y) {
  if (!requantizes_after(node.kind().toQualString())) return y;
  const auto q = quantization_of(ctx, node.input(0));
  if (!q || q->scales) return y;
  return on_grid(ctx, y, *q);
}

std::vector<at::Tensor> dequantized_cell_params(SymbolicContext& ctx, const c10::IValue& cell) {
  if (!cell.isObject()) ctx.fail_unsupported("recurrent cell parameters that are not a constant");
  const auto obj = cell.toObject();
  auto* getstate = obj->type()->findMethod("__getstate__");
  if (getstate == nullptr) ctx.fail_unsupported("recurrent cell parameters without a state");
  torch::jit::Stack stack{cell};
  getstate->run(stack);
  auto state = stack.at(0).toTuple()->elements();
  // (kind, tensors, doubles, longs, packed linear parameters)
  if (state.size() != 5 || !state[0].isString())
    ctx.fail_unsupported("recurrent cell parameters of an unknown layout");
  const std::string kind = state[0].toStringRef();
  const char* unpack = kind == "quantized_dynamic"        ? "quantized::linear_unpack"
                       : kind == "quantized_dynamic_fp16" ? "quantized::linear_unpack_fp16"
                                                          : nullptr;
  if (unpack == nullptr) {
    ctx.fail_unsupported("recurrent cell parameters of kind '" + kind +
                         "' (dynamic int8 and float16 quantization are supported)");
  }
  const auto tensors = state[1].toTensorVector();
  const auto packed = state[4].toList();
  if (tensors.size() != 2 || packed.size() != 2)
    ctx.fail_unsupported("recurrent cell parameters of an unknown layout");
  std::vector<at::Tensor> params;
  for (size_t i = 0; i < 2; ++i) {
    const at::Tensor w = run_op(ctx, unpack, {packed.get(i)}).at(0).toTensor();
    params.push_back(w.is_quantized() ? w.dequantize() : w.to(at::kFloat));
  }
  for (const at::Tensor& b : tensors) params.push_back(b.to(at::kFloat).contiguous());
  return params;
}

at::Tensor dequantized_embedding_table(SymbolicContext& ctx, const Node& node) {
  const c10::IValue packed = packed_params(ctx, node.input(0));
  const bool four_bit = std::string(node.kind().toQualString()).find("4bit") != std::string::npos;
  const int64_t rows =
      run_op(ctx, "quantized::embedding_bag_unpack", {packed}).at(0).toTensor().size(0);
  const at::Tensor each = at::arange(rows, at::kLong);
  auto out =
      run_op(ctx, four_bit ? "quantized::embedding_bag_4bit" : "quantized::embedding_bag_byte",
             {packed, each, each, false, int64_t{0}, false, c10::IValue(), c10::IValue(), false});
  return out.at(0).toTensor().to(at::kFloat).contiguous();
}

// ---------------------------------------------------------------- aten quantization

// aten::quantize_per_tensor(self, scale, zero_point, dtype): QuantizeLinear then
// DequantizeLinear (Note [Quantized values]).
Outputs quantize_per_tensor_v10(SymbolicContext& ctx, const Node& node) {
  const auto qtype = ctx.optional_const_dtype(node, "dtype");
  const c10::ScalarType storage = storage_type(ctx, qtype.value_or(c10::kQUInt8));
  auto [scale, zero_point] = qparams(ctx, node, storage);
  // Note [Quantizing as LibTorch does]
  ValueName q = quantize_as_libtorch(ctx, ctx.input(node, "self"), scale, zero_point);
  return {ctx.emit("DequantizeLinear", {q, scale, zero_point})};
}

// aten::quantize_per_channel(self, scales, zero_points, axis, dtype): per-axis
// QuantizeLinear/DequantizeLinear, from opset 13.
Outputs quantize_per_channel_v13(SymbolicContext& ctx, const Node& node) {
  const auto qtype = ctx.optional_const_dtype(node, "dtype");
  const c10::ScalarType storage = storage_type(ctx, qtype.value_or(c10::kQUInt8));
  const ValueName x = ctx.cast(ctx.input(node, "self"), c10::kFloat);
  const ValueName scale = ctx.cast(ctx.input(node, "scales"), c10::kFloat);
  const ValueName zero_point = ctx.cast(ctx.input(node, "zero_points"), storage);
  const Attrs axis = {{"axis", wrap_dim(ctx, ctx.const_int(node, "axis"), x)}};
  ValueName q = ctx.emit("QuantizeLinear", {x, scale, zero_point}, axis);
  return {ctx.emit("DequantizeLinear", {q, scale, zero_point}, axis)};
}

// aten::dequantize(self): the quantized value is already its float form; one that an op moved
// off its grid is put back on it (Note [Quantized values]).
Outputs dequantize_v10(SymbolicContext& ctx, const Node& node) {
  return {quantized_operand(ctx, node.input(0))};
}

namespace {

// The integers of the per-tensor quantized `v`, floor(x / scale + zero_point + 0.5) of its
// on-grid float form x (exact: x sits on the grid). Not a second QuantizeLinear of a
// DequantizeLinear: ONNX Runtime's optimizer drops such a pair's first node while a graph output
// still reads it.
ValueName integers_of(SymbolicContext& ctx, const ValueName& x, const QParams& q) {
  ValueName y = ctx.emit("Div", {x, ctx.scalar_constant(q.scale, c10::kFloat)});
  y = ctx.emit("Add",
               {y, ctx.scalar_constant(static_cast<double>(q.zero_point) + 0.5, c10::kFloat)});
  return ctx.cast(ctx.cast(ctx.emit("Floor", {y}), c10::kInt), q.storage);
}

}  // namespace

// A graph output that is a quantized tensor becomes three outputs, as torch.onnx writes it (and
// as its test suite compares it): the integers (uint8 for quint8, int8 for qint8), the scale
// (float32, 0-d) and the zero point (0-d, the integers' type). Its float form would be another
// value than the one LibTorch returns. Per-channel outputs are refused, as torch.onnx cannot
// write them either.
std::optional<std::vector<ValueName>> quantized_output_parts(SymbolicContext& ctx, const Value* v,
                                                             const ValueName& lowered) {
  const auto type = v->type()->cast<c10::TensorType>();
  const bool typed_quantized = type && type->scalarType() && c10::isQIntType(*type->scalarType());
  if (v->node()->kind() == c10::prim::ListConstruct) {
    if (quantization_of(ctx, v)) {
      ctx.fail(DiagCode::kUnsupportedOutput, "the model returns a list of quantized tensors");
    }
    return std::nullopt;
  }
  const auto q = quantization_of(ctx, v);
  if (!q) {
    if (typed_quantized) {
      ctx.fail(DiagCode::kUnsupportedOutput,
               "the model returns a quantized tensor whose scale and zero point are not known "
               "at conversion time");
    }
    return std::nullopt;
  }
  if (q->scales) {
    ctx.fail(DiagCode::kUnsupportedOutput,
             "the model returns a per-channel quantized tensor; return its dequantize() or "
             "int_repr() instead");
  }
  if (q->storage != c10::kByte && q->storage != c10::kChar) {
    ctx.fail(DiagCode::kUnsupportedOutput, "the model returns a quantized int32 tensor");
  }
  // An op that moved the value off its grid (average pooling) is followed by a requantization
  // in LibTorch (Note [Quantized values]).
  const ValueName x = made_on_grid(v->node()) ? lowered : on_grid(ctx, lowered, *q);
  return std::vector<ValueName>{
      integers_of(ctx, x, *q), ctx.scalar_constant(q->scale, c10::kFloat),
      ctx.scalar_constant(static_cast<double>(q->zero_point), q->storage)};
}

// aten::int_repr(self): the integers of a quantized tensor (integers_of).
Outputs int_repr_v10(SymbolicContext& ctx, const Node& node) {
  const QParams q = require_quantization(ctx, node.input(0));
  if (q.scales) ctx.fail_unsupported("int_repr of a per-channel quantized tensor");
  return {integers_of(ctx, quantized_operand(ctx, node.input(0)), q)};
}

// aten::fake_quantize_per_tensor_affine(self, scale, zero_point, quant_min, quant_max):
// QuantizeLinear then DequantizeLinear, the storage type chosen by the range and narrower
// ranges clamped between the two.
Outputs fake_quantize_per_tensor_affine_v10(SymbolicContext& ctx, const Node& node) {
  const int64_t quant_min = ctx.const_int(node, "quant_min");
  const int64_t quant_max = ctx.const_int(node, "quant_max");
  const c10::ScalarType storage = range_type(ctx, quant_min, quant_max);
  auto [scale, zero_point] = qparams(ctx, node, storage);
  const ValueName x = ctx.input(node, "self");
  const auto type = ctx.dtype(x).value_or(c10::kFloat);
  ValueName q = ctx.emit("QuantizeLinear", {ctx.cast(x, c10::kFloat), scale, zero_point});
  q = clamp_to_range(ctx, q, storage, quant_min, quant_max);
  return {ctx.cast(ctx.emit("DequantizeLinear", {q, scale, zero_point}), type)};
}

// aten::fake_quantize_per_channel_affine(self, scale, zero_point, axis, quant_min, quant_max):
// per-axis QuantizeLinear/DequantizeLinear need opset 13.
Outputs fake_quantize_per_channel_affine_v13(SymbolicContext& ctx, const Node& node) {
  const int64_t quant_min = ctx.const_int(node, "quant_min");
  const int64_t quant_max = ctx.const_int(node, "quant_max");
  const c10::ScalarType storage = range_type(ctx, quant_min, quant_max);
  const ValueName scale = ctx.cast(ctx.input(node, "scale"), c10::kFloat);
  const ValueName zero_point = ctx.cast(ctx.input(node, "zero_point"), storage);
  const ValueName x = ctx.input(node, "self");
  const auto type = ctx.dtype(x).value_or(c10::kFloat);
  const int64_t axis = wrap_dim(ctx, ctx.const_int(node, "axis"), x);
  ValueName q =
      ctx.emit("QuantizeLinear", {ctx.cast(x, c10::kFloat), scale, zero_point}, {{"axis", axis}});
  q = clamp_to_range(ctx, q, storage, quant_min, quant_max);
  return {ctx.cast(ctx.emit("DequantizeLinear", {q, scale, zero_point}, {{"axis", axis}}), type)};
}

// ---------------------------------------------------------------- quantized:: ops
// Each: DequantizeLinear'd operands, the float op, QuantizeLinear/DequantizeLinear to the
// result's scale and zero point. The _v10 forms take per-tensor weights only; per-channel
// weights need the axis of opset 13 (the _v13 forms).

// quantized::conv2d(qx, packed_weight, output_scale, output_zero_point) [+ _relu]
Outputs quantized_conv2d_v10(SymbolicContext& ctx, const Node& node) {
  return quantized_conv(ctx, node, 2, false, false);
}
Outputs quantized_conv2d_v13(SymbolicContext& ctx, const Node& node) {
  return quantized_conv(ctx, node, 2, false, true);
}
Outputs quantized_conv2d_relu_v10(SymbolicContext& ctx, const Node& node) {
  return quantized_conv(ctx, node, 2, true, false);
}
Outputs quantized_conv2d_relu_v13(SymbolicContext& ctx, const Node& node) {
  return quantized_conv(ctx, node, 2, true, true);
}
Outputs quantized_conv1d_v10(SymbolicContext& ctx, const Node& node) {
  return quantized_conv(ctx, node, 1, false, false);
}
Outputs quantized_conv1d_v13(SymbolicContext& ctx, const Node& node) {
  return quantized_conv(ctx, node, 1, false, true);
}
Outputs quantized_conv1d_relu_v10(SymbolicContext& ctx, const Node& node) {
  return quantized_conv(ctx, node, 1, true, false);
}
Outputs quantized_conv1d_relu_v13(SymbolicContext& ctx, const Node& node) {
  return quantized_conv(ctx, node, 1, true, true);
}
Outputs quantized_conv3d_v10(SymbolicContext& ctx, const Node& node) {
  return quantized_conv(ctx, node, 3, false, false);
}
Outputs quantized_conv3d_v13(SymbolicContext& ctx, const Node& node) {
  return quantized_conv(ctx, node, 3, false, true);
}
Outputs quantized_conv3d_relu_v10(SymbolicContext& ctx, const Node& node) {
  return quantized_conv(ctx, node, 3, true, false);
}
Outputs quantized_conv3d_relu_v13(SymbolicContext& ctx, const Node& node) {
  return quantized_conv(ctx, node, 3, true, true);
}
Outputs quantized_conv_transpose2d_v10(SymbolicContext& ctx, const Node& node) {
  return quantized_conv(ctx, node, 2, false, false);
}
Outputs quantized_conv_transpose2d_v13(SymbolicContext& ctx, const Node& node) {
  return quantized_conv(ctx, node, 2, false, true);
}

// quantized::linear(X, W_prepack, Y_scale_i, Y_zero_point_i) [+ _relu]: MatMul + Add.
Outputs quantized_linear_v10(SymbolicContext& ctx, const Node& node) {
  return quantized_linear(ctx, node, false, false);
}
Outputs quantized_linear_v13(SymbolicContext& ctx, const Node& node) {
  return quantized_linear(ctx, node, false, true);
}
Outputs quantized_linear_relu_v10(SymbolicContext& ctx, const Node& node) {
  return quantized_linear(ctx, node, true, false);
}
Outputs quantized_linear_relu_v13(SymbolicContext& ctx, const Node& node) {
  return quantized_linear(ctx, node, true, true);
}

// quantized::linear_dynamic(X, W_prepack, reduce_range): float MatMul with the dequantized
// weight. LibTorch quantizes X at run time with parameters it picks per call; this computes
// the product unquantized, so it differs from LibTorch by X's rounding (docs/quantization.md).
Outputs quantized_linear_dynamic_v10(SymbolicContext& ctx, const Node& node) {
  return {linear_float(ctx, ctx.cast(ctx.tensor(node.input(0)), c10::kFloat), node.input(1),
                       std::nullopt, false)};
}
Outputs quantized_linear_dynamic_v13(SymbolicContext& ctx, const Node& node) {
  return {linear_float(ctx, ctx.cast(ctx.tensor(node.input(0)), c10::kFloat), node.input(1),
                       std::nullopt, true)};
}

// quantized::add / add_relu / mul(qa, qb, scale, zero_point)
Outputs quantized_add_v10(SymbolicContext& ctx, const Node& node) {
  return quantized_binary(ctx, node, "Add", false);
}
Outputs quantized_add_relu_v10(SymbolicContext& ctx, const Node& node) {
  return quantized_binary(ctx, node, "Add", true);
}
Outputs quantized_mul_v10(SymbolicContext& ctx, const Node& node) {
  return quantized_binary(ctx, node, "Mul", false);
}

namespace {

// Where the shifted zero point stays in range LibTorch keeps the integers and moves the zero point
// by round(b / scale): the result is x + scale * round(b / scale), on x's grid, not x + b. Where it
// leaves the range, LibTorch requantizes x + b to a new scale, as it quantizes floats.
Outputs quantized_add_scalar(SymbolicContext& ctx, const Node& node, bool relu) {
  const QParams in = require_quantization(ctx, node.input(0));
  const QParams out = require_quantization(ctx, node.output(0));
  const bool same_grid = out.scale == in.scale;
  const double added = same_grid ? in.scale * static_cast<double>(in.zero_point - out.zero_point)
                                 : scalar_operand(ctx, &node);
  ValueName y = ctx.emit(
      "Add", {quantized_operand(ctx, node.input(0)), ctx.scalar_constant(added, c10::kFloat)});
  if (relu) y = ctx.emit("Relu", {y});
  return {same_grid ? on_grid(ctx, y, out) : on_grid_as_libtorch(ctx, y, out)};
}

// LibTorch scales the scale by |b| (and mirrors the zero point for b < 0): x * b lands on the new
// grid.
Outputs quantized_mul_scalar(SymbolicContext& ctx, const Node& node, bool relu) {
  ValueName y = ctx.emit("Mul", {quantized_operand(ctx, node.input(0)),
                                 ctx.scalar_constant(scalar_operand(ctx, &node), c10::kFloat)});
  if (relu) y = ctx.emit("Relu", {y});
  return quantized_result_as_libtorch(ctx, node, y);
}

}  // namespace

// quantized::add_scalar / add_scalar_relu / mul_scalar / mul_scalar_relu(qa, b)
Outputs quantized_add_scalar_v10(SymbolicContext& ctx, const Node& node) {
  return quantized_add_scalar(ctx, node, false);
}
Outputs quantized_add_scalar_relu_v10(SymbolicContext& ctx, const Node& node) {
  return quantized_add_scalar(ctx, node, true);
}
Outputs quantized_mul_scalar_v10(SymbolicContext& ctx, const Node& node) {
  return quantized_mul_scalar(ctx, node, false);
}
Outputs quantized_mul_scalar_relu_v10(SymbolicContext& ctx, const Node& node) {
  return quantized_mul_scalar(ctx, node, true);
}

// quantized::cat(qx[], dim, scale?, zero_point?): Concat of the dequantized tensors,
// quantized again.
Outputs quantized_cat_v10(SymbolicContext& ctx, const Node& node) {
  const Node* list = node.input(0)->node();
  if (list->kind() != c10::prim::ListConstruct) {
    ctx.fail_unsupported("quantized::cat of a list not built in this graph");
  }
  std::vector<ValueName> xs;
  for (const Value* v : list->inputs()) xs.push_back(quantized_operand(ctx, v));
  const int64_t dim = wrap_dim(ctx, ctx.const_int(node, "dim"), xs.at(0));
  // LibTorch quantizes the concatenated floats (Note [Quantizing as LibTorch does]).
  return {on_grid_as_libtorch(ctx, ctx.emit("Concat", xs, {{"axis", dim}}),
                              require_quantization(ctx, node.output(0)))};
}

// quantized::hardswish(input, output_scale, output_zero_point): x * HardSigmoid(x) (the
// HardSwish op is opset 14).
Outputs quantized_hardswish_v10(SymbolicContext& ctx, const Node& node) {
  const ValueName x = quantized_operand(ctx, node.input(0));
  const ValueName h = ctx.emit("HardSigmoid", {x}, {{"alpha", 1.0f / 6.0f}, {"beta", 0.5f}});
  return quantized_result(ctx, node, ctx.emit("Mul", {x, h}));
}

// quantized::sigmoid(qx, output_scale, output_zero_point)
Outputs quantized_sigmoid_v10(SymbolicContext& ctx, const Node& node) {
  return quantized_result(ctx, node, ctx.emit("Sigmoid", {quantized_operand(ctx, node.input(0))}));
}

// quantized::relu6(qx, inplace): min(max(x, 0), 6) on the input's grid.
Outputs quantized_relu6_v10(SymbolicContext& ctx, const Node& node) {
  const ValueName r = ctx.emit("Relu", {quantized_operand(ctx, node.input(0))});
  return quantized_result(ctx, node, ctx.emit("Min", {r, ctx.scalar_constant(6.0, c10::kFloat)}));
}

namespace {

// Note [Dequantizing as LibTorch's vectorized kernels do]: LibTorch's elementwise quantized kernels
// (leaky_relu among them) dequantize 8 or 16 values at a time as fma(scale, q, -zero_point *
// scale), one rounding, where DequantizeLinear computes (q - zero_point) * scale, two. The two
// differ in the last bit, which matters where the result lands on a tie of the output grid (3.3 /
// 0.04 = 82.5): in 1408 of 25000 elements of test_leaky_relu. The product of a float and an 8-bit
// integer is exact in double, so computing the fma in double and casting to float is LibTorch's
// value. (The last elements of a tensor that do not fill a vector take the two-rounding path.)
ValueName dequantized_as_vectorized_kernels(SymbolicContext& ctx, const Value* v) {
  const QParams q = require_quantization(ctx, v);
  if (q.scales) return quantized_operand(ctx, v);
  const QOperands o = operands(ctx, q);
  const ValueName ints = ctx.emit(
      "QuantizeLinear", {ctx.cast(quantized_operand(ctx, v), c10::kFloat), o.scale, o.zero_point});
  const auto scale = static_cast<float>(q.scale);
  const float zero_times_scale = static_cast<float>(q.zero_point) * scale;
  const ValueName product =
      ctx.emit("Mul", {ctx.cast(ints, c10::kDouble), ctx.scalar_constant(scale, c10::kDouble)});
  return ctx.cast(ctx.emit("Sub", {product, ctx.scalar_constant(zero_times_scale, c10::kDouble)}),
                  c10::kFloat);
}

}  // namespace

// quantized::leaky_relu(qx, negative_slope, inplace, output_scale, output_zero_point): LeakyRelu
// of the input dequantized as LibTorch's kernel does (Note [Dequantizing as LibTorch's vectorized
// kernels do]), quantized as it quantizes (Note [Quantizing as LibTorch does]). That form also
// keeps ONNX Runtime from fusing the three into its QLinearLeakyRelu, whose rounding is its own.
Outputs quantized_leaky_relu_v10(SymbolicContext& ctx, const Node& node) {
  const double slope = ctx.const_float(node, "negative_slope");
  const ValueName y = ctx.emit("LeakyRelu", {dequantized_as_vectorized_kernels(ctx, node.input(0))},
                               {{"alpha", static_cast<float>(slope)}});
  return quantized_result_as_libtorch(ctx, node, y);
}

// quantized::batch_norm{,1d,2d,3d}(qx, weight, bias, mean, var, eps, output_scale,
// output_zero_point): inference BatchNormalization of the dequantized input.
Outputs quantized_batch_norm_v10(SymbolicContext& ctx, const Node& node) {
  const ValueName x = quantized_operand(ctx, node.input(0));
  const ValueName mean = ctx.cast(ctx.input(node, "mean"), c10::kFloat);
  const ValueName var = ctx.cast(ctx.input(node, "var"), c10::kFloat);
  const auto channels = ctx.static_shape(mean);
  if (!channels) ctx.fail_invalid("batch norm statistics of unknown size");
  auto weight = ctx.optional_input(node, "weight");
  auto bias = ctx.optional_input(node, "bias");
  const ValueName w =
      weight ? ctx.cast(*weight, c10::kFloat) : ctx.constant(at::ones(*channels, at::kFloat));
  const ValueName b =
      bias ? ctx.cast(*bias, c10::kFloat) : ctx.constant(at::zeros(*channels, at::kFloat));
  const float eps = static_cast<float>(ctx.const_float(node, "eps"));
  return quantized_result(ctx, node,
                          ctx.emit("BatchNormalization", {x, w, b, mean, var}, {{"epsilon", eps}}));
}

// quantized::layer_norm / group_norm / instance_norm(input, ..., weight?, bias?, eps,
// output_scale, output_zero_point): the float normalization of the dequantized input, quantized
// as LibTorch's normalization kernel quantizes its float result (Note [Quantizing as LibTorch
// does]).
namespace {

std::optional<ValueName> float_affine(SymbolicContext& ctx, const Node& node, const char* name) {
  auto v = ctx.optional_input(node, name);
  if (v) v = ctx.cast(*v, c10::kFloat);
  return v;
}

}  // namespace

Outputs quantized_layer_norm_v10(SymbolicContext& ctx, const Node& node) {
  const ValueName x = quantized_operand(ctx, node.input(0));
  const auto axes = static_cast<int64_t>(ctx.const_ints(node, "normalized_shape").size());
  return quantized_result_as_libtorch(
      ctx, node,
      layer_norm_decomposed(ctx, x, axes, float_affine(ctx, node, "weight"),
                            float_affine(ctx, node, "bias"), ctx.const_float(node, "eps")));
}

Outputs quantized_group_norm_v10(SymbolicContext& ctx, const Node& node) {
  const ValueName x = quantized_operand(ctx, node.input(0));
  return quantized_result_as_libtorch(
      ctx, node,
      group_norm_decomposed(ctx, x, ctx.const_int(node, "num_groups"),
                            float_affine(ctx, node, "weight"), float_affine(ctx, node, "bias"),
                            ctx.const_float(node, "eps")));
}

// Instance normalization is group normalization with a group per channel; the channel count
// comes from the input's static shape.
Outputs quantized_instance_norm_v10(SymbolicContext& ctx, const Node& node) {
  const ValueName x = quantized_operand(ctx, node.input(0));
  const auto dims = ctx.dims(x);
  if (!dims || dims->size() < 2 || !(*dims)[1]) {
    ctx.fail_invalid("quantized instance_norm needs a static channel count (give --shape)");
  }
  return quantized_result_as_libtorch(
      ctx, node,
      group_norm_decomposed(ctx, x, *(*dims)[1], float_affine(ctx, node, "weight"),
                            float_affine(ctx, node, "bias"), ctx.const_float(node, "eps")));
}

}  // namespace pt2onnx::sym
