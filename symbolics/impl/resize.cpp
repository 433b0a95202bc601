// Upsampling (F.interpolate): ONNX Upsample at opset 9, Resize-10 (nearest/linear with scales),
// Resize-11 (sizes, coordinate modes, cubic). Bicubic has no ONNX form before opset 11, so it is
// registered from opset 11 only and the dispatcher refuses it below with "supported from 11".
#include <ATen/ATen.h>
#include <torch/csrc/jit/ir/ir.h>

#include "onnx/ops.h"
#include "symbolics/helpers.h"
#include "symbolics/impl/resize.h"

namespace pt2onnx::sym {
namespace {

struct UpsampleArgs {
  ValueName x;
  std::optional<ValueName> sizes;          // 1-d int64, spatial sizes only
  std::optional<std::vector<double>> scales;
  bool align_corners = false;
};

// Reads both spellings: upsample_X.vec(input, int[]? output_size, [bool align_corners,]
// float[]? scale_factors) and upsample_X(self, int[] output_size, [bool align_corners,]
// float? scales_h, float? scales_w ...).
UpsampleArgs read_upsample(SymbolicContext& ctx, const Node& node, bool has_align_corners) {
  UpsampleArgs a;
  const auto* schema = node.maybeSchema();
  a.x = ctx.input(node, schema->argumentIndexWithName("input") ? "input" : "self");
  if (has_align_corners) a.align_corners = ctx.const_bool(node, "align_corners");
  if (schema->argumentIndexWithName("scale_factors")) {
    if (!ctx.is_none(node, "scale_factors")) {
      auto iv = ctx.known_value(ctx.arg(node, "scale_factors"));
      if (!iv) ctx.fail_unsupported("scale factors computed at run time");
      a.scales = iv->toDoubleVector();
    }
  }
  if (!a.scales && !ctx.is_none(node, "output_size")) {
    a.sizes = ctx.cast(ctx.input(node, "output_size"), c10::kLong);
  }
  if (!a.scales && !a.sizes) ctx.fail_invalid("upsampling needs output_size or scale_factors");
  return a;
}

// Full per-axis scales [1, 1, s...] where they are static.
std::optional<std::vector<float>> full_scales(SymbolicContext& ctx, const UpsampleArgs& a) {
  const int64_t rank = ctx.require_rank(a.x);
  std::vector<float> scales = {1.0f, 1.0f};
  if (a.scales) {
    for (double s : *a.scales) scales.push_back(static_cast<float>(s));
    if (scales.size() == 3 && rank > 3) scales.resize(static_cast<size_t>(rank), scales[2]);
    return scales;
  }
  auto in = ctx.static_shape(a.x);
  const at::Tensor* out = ctx.constant_of(*a.sizes);
  if (!in || out == nullptr) return std::nullopt;
  const at::Tensor sizes = out->to(at::kLong);
  for (int64_t i = 0; i < sizes.numel(); ++i) {
    scales.push_back(static_cast<float>(sizes[i].item<int64_t>()) /
                     static_cast<float>((*in)[static_cast<size_t>(i + 2)]));
  }
  return scales;
}

Outputs resize_v10(SymbolicContext& ctx, const Node& node, const char* mode, bool has_align) {
  UpsampleArgs a = read_upsample(ctx, node, has_align);
  if (a.align_corners) ctx.fail_unsupported("align_corners=True needs opset 11 (Resize-11)");
  auto scales = full_scales(ctx, a);
  if (!scales) ctx.fail_unsupported("upsampling to sizes computed at run time needs opset 11");
  return {ctx.emit("Resize", {a.x, ctx.constant(at::tensor(*scales))}, {{"mode", mode}})};
}

Outputs upsample_v9(SymbolicContext& ctx, const Node& node, const char* mode, bool has_align) {
  UpsampleArgs a = read_upsample(ctx, node, has_align);
  if (a.align_corners) ctx.fail_unsupported("align_corners=True needs opset 11 (Resize-11)");
  auto scales = full_scales(ctx, a);
  if (!scales) ctx.fail_unsupported("upsampling to sizes computed at run time needs opset 11");
  return {ctx.emit("Upsample", {a.x}, {{"mode", mode}, {"scales", *scales}})};
}

// Resize-11+: sizes when given (exact even for non-integer ratios), else scales.
Outputs resize_v11(SymbolicContext& ctx, const Node& node, const char* mode, bool has_align) {
  UpsampleArgs a = read_upsample(ctx, node, has_align);
  const std::string onnx_mode = mode;
  Attrs attrs = {{"mode", mode}};
  if (onnx_mode == "nearest") {
    attrs.push_back({"coordinate_transformation_mode", "asymmetric"});
    attrs.push_back({"nearest_mode", "floor"});
  } else {
    attrs.push_back({"coordinate_transformation_mode",
                     a.align_corners ? "align_corners" : "pytorch_half_pixel"});
    if (onnx_mode == "cubic") attrs.push_back({"cubic_coeff_a", -0.75f});
  }
  const ValueName roi = ctx.constant(at::zeros({0}, at::kFloat));
  if (a.scales) {
    auto scales = full_scales(ctx, a);
    return {ctx.emit("Resize", {a.x, roi, ctx.constant(at::tensor(*scales))}, attrs)};
  }
  // sizes = Shape(x)[0:2] ++ output_size
  ValueName leading = onnx_ops::slice(ctx.builder(), ctx.emit("Shape", {a.x}), {0}, {0}, {2});
  ValueName sizes = ctx.emit("Concat", {leading, *a.sizes}, {{"axis", 0}});
  const ValueName no_scales = ctx.constant(at::zeros({0}, at::kFloat));
  return {ctx.emit("Resize", {a.x, roi, no_scales, sizes}, attrs)};
}

}  // namespace

Outputs upsample_nearest_v9(SymbolicContext& ctx, const Node& node) { return upsample_v9(ctx, node, "nearest", false); }
Outputs upsample_nearest_v10(SymbolicContext& ctx, const Node& node) { return resize_v10(ctx, node, "nearest", false); }
Outputs upsample_nearest_v11(SymbolicContext& ctx, const Node& node) { return resize_v11(ctx, node, "nearest", false); }
Outputs upsample_linear_v9(SymbolicContext& ctx, const Node& node) { return upsample_v9(ctx, node, "linear", true); }
Outputs upsample_linear_v10(SymbolicContext& ctx, const Node& node) { return resize_v10(ctx, node, "linear", true); }
Outputs upsample_linear_v11(SymbolicContext& ctx, const Node& node) { return resize_v11(ctx, node, "linear", true); }
Outputs upsample_bicubic2d_v11(SymbolicContext& ctx, const Node& node) { return resize_v11(ctx, node, "cubic", true); }

}  // namespace pt2onnx::sym
