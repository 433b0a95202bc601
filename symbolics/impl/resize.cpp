// Upsampling (F.interpolate): ONNX Upsample at opset 9, Resize-10 (nearest/linear with scales),
// Resize-11 (sizes, coordinate modes, cubic). Bicubic has no ONNX form before opset 11, so it is
// registered from opset 11 only and the dispatcher refuses it below with "supported from 11".
#include <ATen/ATen.h>
#include <torch/csrc/jit/ir/ir.h>

#include <algorithm>
#include <cmath>

#include "onnx/ops.h"
#include "symbolics/helpers.h"
#include "symbolics/impl/resize.h"

namespace pt2onnx::sym {
namespace {

struct UpsampleArgs {
  ValueName x;
  std::optional<ValueName> sizes;  // 1-d int64, spatial sizes only
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

// torch's linear interpolation along one axis as an (in, out) matrix: row i of the input
// contributes weight M[i][j] to output j (aten/src/ATen/native/UpSample.h: source index
// (j + 0.5) * scale - 0.5 clamped at 0, or j * (in - 1) / (out - 1) with align_corners).
at::Tensor linear_weights(int64_t in, int64_t out, bool align_corners,
                          std::optional<double> scale) {
  at::Tensor m = at::zeros({in, out}, at::kDouble);
  auto acc = m.accessor<double, 2>();
  double ratio;
  if (align_corners) {
    ratio = out > 1 ? static_cast<double>(in - 1) / static_cast<double>(out - 1) : 0.0;
  } else {
    ratio = scale && *scale > 0 ? 1.0 / *scale : static_cast<double>(in) / static_cast<double>(out);
  }
  for (int64_t j = 0; j < out; ++j) {
    double src = align_corners ? ratio * static_cast<double>(j)
                               : ratio * (static_cast<double>(j) + 0.5) - 0.5;
    if (src < 0) src = 0;
    int64_t i0 = static_cast<int64_t>(std::floor(src));
    if (i0 > in - 1) i0 = in - 1;
    const int64_t i1 = std::min(i0 + 1, in - 1);
    const double lambda = src - static_cast<double>(i0);
    acc[i0][j] += 1.0 - lambda;
    acc[i1][j] += lambda;
  }
  return m;
}

// Linear, bilinear and trilinear resizing are separable: one MatMul per spatial axis with a
// constant weight matrix. Exact at any opset; needs static spatial sizes.
ValueName linear_by_matmul(SymbolicContext& ctx, const UpsampleArgs& a) {
  auto shape = ctx.static_shape(a.x);
  if (!shape)
    ctx.fail_unsupported(
        "linear interpolation before opset 11 needs static input sizes (give --shape)");
  const int64_t rank = static_cast<int64_t>(shape->size());
  const int64_t spatial = rank - 2;
  std::vector<int64_t> out_sizes;
  std::vector<std::optional<double>> scales;
  if (a.scales) {
    for (int64_t i = 0; i < spatial; ++i) {
      const double sc = (*a.scales)[a.scales->size() == 1 ? 0 : static_cast<size_t>(i)];
      out_sizes.push_back(static_cast<int64_t>(
          std::floor(static_cast<double>((*shape)[static_cast<size_t>(i + 2)]) * sc)));
      scales.push_back(sc);
    }
  } else {
    const at::Tensor* sizes = ctx.constant_of(*a.sizes);
    if (sizes == nullptr) ctx.needs_opset(11, "linear interpolation to sizes computed at run time");
    const at::Tensor s = sizes->to(at::kLong).reshape({-1});
    for (int64_t i = 0; i < spatial; ++i) {
      out_sizes.push_back(s[i].item<int64_t>());
      scales.push_back(std::nullopt);
    }
  }
  const auto type = ctx.dtype(a.x).value_or(c10::kFloat);
  ValueName y = a.x;
  for (int64_t axis = rank - 1; axis >= 2; --axis) {
    const size_t k = static_cast<size_t>(axis - 2);
    const int64_t in = (*shape)[static_cast<size_t>(axis)];
    if (in == out_sizes[k] && !a.align_corners && (!scales[k] || *scales[k] == 1.0)) continue;
    const ValueName m =
        ctx.constant(linear_weights(in, out_sizes[k], a.align_corners, scales[k]).to(type));
    if (axis == rank - 1) {
      y = ctx.emit("MatMul", {y, m});
    } else {
      std::vector<int64_t> perm(static_cast<size_t>(rank));
      for (int64_t i = 0; i < rank; ++i) perm[static_cast<size_t>(i)] = i;
      std::swap(perm[static_cast<size_t>(axis)], perm.back());
      y = ctx.emit("Transpose", {y}, {{"perm", perm}});
      y = ctx.emit("MatMul", {y, m});
      y = ctx.emit("Transpose", {y}, {{"perm", perm}});
    }
  }
  return y;
}

Outputs resize_v10(SymbolicContext& ctx, const UpsampleArgs& a, const char* mode) {
  // Upsample-9 and Resize-10 sample linearly at asymmetric coordinates, torch at half-pixel ones:
  // linear modes go through interpolation matrices instead.
  if (std::string(mode) == "linear") return {linear_by_matmul(ctx, a)};
  if (a.align_corners) ctx.needs_opset(11, "align_corners=True (Resize-11)");
  auto scales = full_scales(ctx, a);
  if (!scales) ctx.needs_opset(11, "upsampling to sizes computed at run time");
  return {ctx.emit("Resize", {a.x, ctx.constant(at::tensor(*scales))}, {{"mode", mode}})};
}

Outputs upsample_v9(SymbolicContext& ctx, const UpsampleArgs& a, const char* mode) {
  // Upsample-9 and Resize-10 sample linearly at asymmetric coordinates, torch at half-pixel ones:
  // linear modes go through interpolation matrices instead.
  if (std::string(mode) == "linear") return {linear_by_matmul(ctx, a)};
  if (a.align_corners) ctx.needs_opset(11, "align_corners=True (Resize-11)");
  auto scales = full_scales(ctx, a);
  if (!scales) ctx.needs_opset(11, "upsampling to sizes computed at run time");
  // Upsample-9 takes the scales as an input (an attribute before 9).
  return {ctx.emit("Upsample", {a.x, ctx.constant(at::tensor(*scales))}, {{"mode", mode}})};
}

// Resize-11+: sizes when given (exact even for non-integer ratios), else scales.
Outputs resize_v11(SymbolicContext& ctx, const UpsampleArgs& a, const char* mode) {
  const std::string onnx_mode = mode;
  Attrs attrs = {{"mode", mode}};
  if (onnx_mode == "nearest") {
    attrs.push_back({"coordinate_transformation_mode", "asymmetric"});
    attrs.push_back({"nearest_mode", "floor"});
  } else {
    // half_pixel, not pytorch_half_pixel: the two differ only for an output of size 1, where
    // pytorch_half_pixel samples element 0 and torch (and half_pixel) the centre of the input.
    attrs.push_back(
        {"coordinate_transformation_mode", a.align_corners ? "align_corners" : "half_pixel"});
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
  return {onnx_ops::resize_to_sizes(ctx.builder(), a.x, roi, sizes, attrs)};
}

// aten::__interpolate(input, size?, scale_factor?, mode, align_corners?, recompute_scale_factor?,
// antialias): F.interpolate as TorchScript keeps it. size/scale_factor are one value for every
// spatial axis or a list; the ONNX mode follows from `mode`.
UpsampleArgs read_interpolate(SymbolicContext& ctx, const Node& node, std::string& onnx_mode) {
  UpsampleArgs a;
  a.x = ctx.input(node, "input");
  const std::string mode = ctx.const_string(node, "mode");
  if (mode == "nearest") {
    onnx_mode = "nearest";
  } else if (mode == "linear" || mode == "bilinear" || mode == "trilinear") {
    onnx_mode = "linear";
  } else if (mode == "bicubic") {
    onnx_mode = "cubic";
  } else {
    ctx.fail_unsupported("interpolation mode '" + mode + "'");
  }
  if (ctx.const_bool(node, "antialias")) ctx.fail_unsupported("interpolation with antialias=True");
  if (!ctx.is_none(node, "align_corners")) a.align_corners = ctx.const_bool(node, "align_corners");
  const int64_t spatial = ctx.require_rank(a.x) - 2;
  if (!ctx.is_none(node, "scale_factor")) {
    auto iv = ctx.known_value(ctx.arg(node, "scale_factor"));
    if (!iv) ctx.fail_unsupported("scale factors computed at run time");
    if (iv->isDoubleList()) {
      a.scales = iv->toDoubleVector();
    } else {
      a.scales = std::vector<double>(static_cast<size_t>(spatial), iv->toDouble());
    }
    // recompute_scale_factor=True means: output size floor(in * scale), then scale = out / in.
    // Resize with the scales gives floor(in * scale) too, but the sampling positions differ.
    if (!ctx.is_none(node, "recompute_scale_factor") &&
        ctx.const_bool(node, "recompute_scale_factor")) {
      auto shape = ctx.static_shape(a.x);
      if (!shape) ctx.fail_unsupported("recompute_scale_factor=True needs static input sizes");
      std::vector<int64_t> sizes;
      for (int64_t i = 0; i < spatial; ++i) {
        const double in = static_cast<double>((*shape)[static_cast<size_t>(i + 2)]);
        sizes.push_back(static_cast<int64_t>(std::floor(in * (*a.scales)[static_cast<size_t>(i)])));
      }
      a.scales.reset();
      a.sizes = ctx.ints_constant(sizes);
    }
  } else if (!ctx.is_none(node, "size")) {
    auto iv = ctx.known_value(ctx.arg(node, "size"));
    if (iv && iv->isInt()) {
      a.sizes = ctx.ints_constant(std::vector<int64_t>(static_cast<size_t>(spatial), iv->toInt()));
    } else {
      a.sizes = ctx.cast(ctx.input(node, "size"), c10::kLong);
    }
  } else {
    ctx.fail_invalid("interpolate needs size or scale_factor");
  }
  return a;
}

}  // namespace

Outputs interpolate_v9(SymbolicContext& ctx, const Node& node) {
  std::string mode;
  UpsampleArgs a = read_interpolate(ctx, node, mode);
  if (mode == "cubic") ctx.needs_opset(11, "bicubic interpolation");
  return upsample_v9(ctx, a, mode.c_str());
}
Outputs interpolate_v10(SymbolicContext& ctx, const Node& node) {
  std::string mode;
  UpsampleArgs a = read_interpolate(ctx, node, mode);
  if (mode == "cubic") ctx.needs_opset(11, "bicubic interpolation");
  return resize_v10(ctx, a, mode.c_str());
}
Outputs interpolate_v11(SymbolicContext& ctx, const Node& node) {
  std::string mode;
  UpsampleArgs a = read_interpolate(ctx, node, mode);
  return resize_v11(ctx, a, mode.c_str());
}

namespace {

// aten::grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners) as GridSample,
// whose modes are spelled `modes` (torch's order: bilinear, nearest, bicubic).
Outputs grid_sample(SymbolicContext& ctx, const Node& node, const char* const (&modes)[3],
                    bool volumetric) {
  static const char* kPadding[] = {"zeros", "border", "reflection"};
  const int64_t mode = ctx.const_int(node, "interpolation_mode");
  const int64_t padding = ctx.const_int(node, "padding_mode");
  if (mode < 0 || mode > 2 || padding < 0 || padding > 2)
    ctx.fail_invalid("grid_sampler mode out of range");
  const ValueName x = ctx.input(node, "input");
  const int64_t rank = ctx.require_rank(x);
  if (rank == 5 && !volumetric) {
    ctx.needs_opset(20, "grid sampling of 5-d input (GridSample-16 is 2-d only)");
  }
  if (rank != 4 && rank != 5) ctx.fail_unsupported("grid sampling of other than 4-d or 5-d input");
  return {ctx.emit("GridSample", {x, ctx.input(node, "grid")},
                   {{"mode", modes[mode]},
                    {"padding_mode", kPadding[padding]},
                    {"align_corners", ctx.const_int(node, "align_corners")}})};
}

}  // namespace

// GridSample-16: 2-d only, modes named as torch names them.
Outputs grid_sampler_v16(SymbolicContext& ctx, const Node& node) {
  static const char* const kModes[] = {"bilinear", "nearest", "bicubic"};
  return grid_sample(ctx, node, kModes, false);
}

// GridSample-20: N-d (torch's 5-d trilinear and nearest sampling), and the modes are renamed
// linear and cubic (the 16 names are no longer valid).
Outputs grid_sampler_v20(SymbolicContext& ctx, const Node& node) {
  static const char* const kModes[] = {"linear", "nearest", "cubic"};
  return grid_sample(ctx, node, kModes, true);
}

// aten::affine_grid_generator(Tensor theta, SymInt[] size, bool align_corners): ONNX AffineGrid
// (opset 20), 2-d and 3-d as torch.
Outputs affine_grid_generator_v20(SymbolicContext& ctx, const Node& node) {
  const auto size = ctx.const_ints(node, "size");
  if (size.size() != 4 && size.size() != 5) ctx.fail_invalid("affine_grid needs a 4-d or 5-d size");
  return {ctx.emit("AffineGrid", {ctx.input(node, "theta"), ctx.ints_constant(size)},
                   {{"align_corners", ctx.const_bool(node, "align_corners") ? int64_t{1} : 0}})};
}

Outputs upsample_nearest_v9(SymbolicContext& ctx, const Node& node) {
  return upsample_v9(ctx, read_upsample(ctx, node, false), "nearest");
}
Outputs upsample_nearest_v10(SymbolicContext& ctx, const Node& node) {
  return resize_v10(ctx, read_upsample(ctx, node, false), "nearest");
}
Outputs upsample_nearest_v11(SymbolicContext& ctx, const Node& node) {
  return resize_v11(ctx, read_upsample(ctx, node, false), "nearest");
}
Outputs upsample_linear_v9(SymbolicContext& ctx, const Node& node) {
  return upsample_v9(ctx, read_upsample(ctx, node, true), "linear");
}
Outputs upsample_linear_v10(SymbolicContext& ctx, const Node& node) {
  return resize_v10(ctx, read_upsample(ctx, node, true), "linear");
}
Outputs upsample_linear_v11(SymbolicContext& ctx, const Node& node) {
  return resize_v11(ctx, read_upsample(ctx, node, true), "linear");
}
Outputs upsample_bicubic2d_v11(SymbolicContext& ctx, const Node& node) {
  return resize_v11(ctx, read_upsample(ctx, node, true), "cubic");
}

}  // namespace pt2onnx::sym
