// torchvision's detection ops (torchvision::nms, roi_align, roi_pool, ...), which a model calls
// once torchvision's operator library is loaded (lib/loader/op_libraries.h). The facts are those
// of torchvision's own ONNX registrations (torchvision/ops/_register_onnx_ops.py) and kernels.
#include <ATen/ATen.h>
#include <torch/csrc/jit/ir/ir.h>

#include <algorithm>
#include <limits>

#include "onnx/ops.h"
#include "symbolics/helpers.h"
#include "symbolics/impl/detection.h"

namespace pt2onnx::sym {
namespace {

// The element types RoiAlign, MaxRoiPool and NonMaxSuppression take.
ValueName floating(SymbolicContext& ctx, const ValueName& x) {
  const auto type = ctx.require_dtype(x);
  return c10::isFloatingType(type) ? x : ctx.cast(x, c10::kFloat);
}

// rois [K, 5] (batch index, x1, y1, x2, y2) -> the [K] int64 batch indices and the [K, 4] boxes
// RoiAlign takes separately.
std::pair<ValueName, ValueName> split_rois(SymbolicContext& ctx, const ValueName& rois) {
  const ValueName batch =
      ctx.cast(ctx.emit("Gather", {rois, ctx.int_constant(0)}, {{"axis", 1}}), c10::kLong);
  const ValueName boxes =
      ctx.emit("Gather", {rois, ctx.ints_constant({1, 2, 3, 4})}, {{"axis", 1}});
  return {batch, boxes};
}

Outputs roi_align_form(SymbolicContext& ctx, const Node& node, bool has_coordinate_mode) {
  const ValueName x = floating(ctx, ctx.input(node, "input"));
  const ValueName rois = ctx.cast(ctx.input(node, "rois"), ctx.require_dtype(x));
  const bool aligned = ctx.const_bool(node, "aligned");
  // Before RoiAlign-16 the only mode is output_half_pixel (no -0.5 shift, and a box under one
  // cell is widened to one, as torchvision does for aligned=False only): aligned=True has no
  // exact equivalent there, since shifting the boxes would still widen the small ones.
  if (aligned && !has_coordinate_mode) {
    ctx.needs_opset(16, "roi_align with aligned=True (RoiAlign's half_pixel coordinate mode)");
  }
  // torchvision samples adaptively (ceil(roi size / output size)) for any ratio <= 0; ONNX
  // spells that 0.
  const int64_t sampling_ratio = std::max<int64_t>(ctx.const_int(node, "sampling_ratio"), 0);
  const auto [batch, boxes] = split_rois(ctx, rois);
  onnx_ir::Attrs attrs = {{"mode", "avg"},
                          {"output_height", ctx.const_int(node, "pooled_height")},
                          {"output_width", ctx.const_int(node, "pooled_width")},
                          {"sampling_ratio", sampling_ratio},
                          {"spatial_scale", ctx.const_float(node, "spatial_scale")}};
  if (has_coordinate_mode) {
    attrs.push_back(
        {"coordinate_transformation_mode", aligned ? "half_pixel" : "output_half_pixel"});
  }
  return {ctx.emit("RoiAlign", {x, boxes, batch}, attrs)};
}

[[noreturn]] void refuse_argmax(SymbolicContext& ctx, const char* op) {
  ctx.fail_unsupported(std::string("the second output of ") + op +
                       " (the argmax of each bin, for the backward pass) has no ONNX form");
}

}  // namespace

// torchvision::nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor
// ONNX: NonMaxSuppression-10 over one batch and one class, every box kept that survives
// (max_output_boxes_per_class INT64_MAX), then the box column of its [M, 3] result. Both keep
// boxes in decreasing score and suppress where IoU > threshold. torchvision's batched_nms (the
// per-class form the detection models use) offsets the boxes of each class apart first, in
// aten ops, so it needs nothing more here.
Outputs nms_v10(SymbolicContext& ctx, const Node& node) {
  auto& g = ctx.builder();
  // NonMaxSuppression takes float32 only.
  const ValueName boxes = ctx.cast(ctx.input(node, "dets"), c10::kFloat);
  const ValueName scores = ctx.cast(ctx.input(node, "scores"), c10::kFloat);
  const ValueName iou = ctx.constant(
      at::tensor({static_cast<float>(ctx.const_float(node, "iou_threshold"))}, at::kFloat));
  const ValueName max_boxes = ctx.ints_constant({std::numeric_limits<int64_t>::max()});
  const ValueName selected = ctx.emit(
      "NonMaxSuppression",
      {onnx_ops::unsqueeze(g, boxes, {0}), onnx_ops::unsqueeze(g, scores, {0, 1}), max_boxes, iou});
  // ONNX's inference gives NonMaxSuppression's result no shape: the Reshape says it is 1-d.
  const ValueName index = ctx.emit("Gather", {selected, ctx.int_constant(2)}, {{"axis", 1}});
  return {ctx.emit("Reshape", {index, ctx.ints_constant({-1})})};
}

// torchvision::roi_align(Tensor input, Tensor rois, float spatial_scale, int pooled_height,
//   int pooled_width, int sampling_ratio, bool aligned) -> Tensor
// ONNX: RoiAlign (avg) with rois split into batch indices and boxes. RoiAlign-10 samples as
// aligned=False does; aligned=True needs RoiAlign-16's coordinate_transformation_mode.
Outputs roi_align_v10(SymbolicContext& ctx, const Node& node) {
  return roi_align_form(ctx, node, false);
}
Outputs roi_align_v16(SymbolicContext& ctx, const Node& node) {
  return roi_align_form(ctx, node, true);
}

// torchvision::roi_pool(Tensor input, Tensor rois, float spatial_scale, int pooled_height,
//   int pooled_width) -> (Tensor, Tensor)
// ONNX: MaxRoiPool, which takes torchvision's [K, 5] rois as they are and rounds and bins them
// as torchvision's kernel does (both are Caffe2's). The argmax output has no ONNX form.
Outputs roi_pool_v9(SymbolicContext& ctx, const Node& node) {
  if (!node.output(1)->uses().empty()) refuse_argmax(ctx, "roi_pool");
  const ValueName x = floating(ctx, ctx.input(node, "input"));
  const ValueName rois = ctx.cast(ctx.input(node, "rois"), ctx.require_dtype(x));
  const ValueName y =
      ctx.emit("MaxRoiPool", {x, rois},
               {{"pooled_shape", std::vector<int64_t>{ctx.const_int(node, "pooled_height"),
                                                      ctx.const_int(node, "pooled_width")}},
                {"spatial_scale", ctx.const_float(node, "spatial_scale")}});
  return {y, Lowered::none()};
}

}  // namespace pt2onnx::sym
