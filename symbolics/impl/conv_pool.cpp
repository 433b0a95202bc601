// Convolutions and pooling.
#include <torch/csrc/jit/ir/ir.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <string>

#include "onnx/ops.h"
#include "symbolics/helpers.h"
#include "symbolics/impl/conv_pool.h"
#include "symbolics/impl/quantized_values.h"

namespace pt2onnx::sym {
namespace {

// torch gives one value per spatial dim, or one value for all of them.
std::vector<int64_t> per_dim(std::vector<int64_t> v, size_t spatial) {
  if (v.size() == 1 && spatial > 1) v.assign(spatial, v[0]);
  return v;
}

std::vector<int64_t> symmetric_pads(const std::vector<int64_t>& padding) {
  std::vector<int64_t> pads = padding;
  pads.insert(pads.end(), padding.begin(), padding.end());
  return pads;
}

size_t spatial_rank(SymbolicContext& ctx, const ValueName& weight) {
  return static_cast<size_t>(ctx.require_rank(weight) - 2);
}

// The Conv/ConvTranspose node shared by aten::_convolution and aten::convN(d).
ValueName convolution(SymbolicContext& ctx, const ValueName& x, const ValueName& w,
                      std::optional<ValueName> bias, std::vector<int64_t> stride,
                      std::vector<int64_t> padding, std::vector<int64_t> dilation, bool transposed,
                      std::vector<int64_t> output_padding, int64_t groups) {
  const size_t n = spatial_rank(ctx, w);
  auto wshape = ctx.static_shape(w);
  Attrs attrs = {{"strides", per_dim(stride, n)},
                 {"pads", symmetric_pads(per_dim(padding, n))},
                 {"dilations", per_dim(dilation, n)},
                 {"group", groups}};
  if (wshape)
    attrs.push_back({"kernel_shape", std::vector<int64_t>(wshape->begin() + 2, wshape->end())});
  if (transposed &&
      std::any_of(output_padding.begin(), output_padding.end(), [](int64_t p) { return p != 0; })) {
    attrs.push_back({"output_padding", per_dim(output_padding, n)});
  }
  std::vector<ValueName> inputs = {x, w};
  if (bias) inputs.push_back(*bias);
  return ctx.emit(transposed ? "ConvTranspose" : "Conv", inputs, attrs);
}

// ONNX MaxPool's indices count over the whole tensor (N, C and the spatial dims); torch's count
// within each (n, c) plane. Subtract the index of each plane's first element, found with a 1x1
// MaxPool of the input (what torch.onnx does).
ValueName torch_pool_indices(SymbolicContext& ctx, const ValueName& x, const ValueName& indices,
                             size_t spatial) {
  const std::vector<int64_t> ones(spatial, 1);
  auto flat = ctx.emit_n("MaxPool", {x}, {{"kernel_shape", ones}, {"strides", ones}}, 2);
  std::vector<int64_t> axes, starts(spatial, 0), ends(spatial, 1);
  for (size_t i = 0; i < spatial; ++i) axes.push_back(static_cast<int64_t>(i + 2));
  const ValueName offsets = onnx_ops::slice(ctx.builder(), flat[1], axes, starts, ends);
  return ctx.emit("Sub", {indices, offsets});
}

// MaxPool-8 and AveragePool-7 have no ceil_mode: the same output comes from extra padding at the
// end of each spatial axis (padded cells never win a max; averages leave them out). Needs static
// spatial sizes.
std::vector<int64_t> ceil_mode_pads(SymbolicContext& ctx, const ValueName& x,
                                    const std::vector<int64_t>& kernel,
                                    const std::vector<int64_t>& stride,
                                    const std::vector<int64_t>& padding) {
  const size_t n = kernel.size();
  const int64_t rank = ctx.require_rank(x);
  std::vector<int64_t> begin = padding, end = padding;
  for (size_t i = 0; i < n; ++i) {
    const auto size = static_dim(ctx, x, rank - static_cast<int64_t>(n - i));
    if (!size) {
      ctx.fail_unsupported(
          "pooling with ceil_mode=True at opset 9 needs static spatial sizes (give --shape, and "
          "leave the spatial axes out of --dynamic)");
    }
    const int64_t in = *size;
    const int64_t span = in + 2 * padding[i] - kernel[i];
    int64_t out = (span + stride[i] - 1) / stride[i] + 1;
    if ((out - 1) * stride[i] >= in + padding[i]) --out;  // the last window starts inside
    end[i] += std::max<int64_t>(0, (out - 1) * stride[i] + kernel[i] - in - 2 * padding[i]);
  }
  begin.insert(begin.end(), end.begin(), end.end());
  return begin;
}

// The arguments every aten pooling op spells the same way; stride defaults to the kernel and
// one value stands for every spatial axis.
struct PoolArgs {
  std::vector<int64_t> kernel, stride, padding;
};

PoolArgs read_pool_args(SymbolicContext& ctx, const Node& node) {
  PoolArgs a;
  a.kernel = ctx.const_ints(node, "kernel_size");
  const size_t n = a.kernel.size();
  a.stride = ctx.const_ints(node, "stride");
  if (a.stride.empty()) a.stride = a.kernel;
  a.stride = per_dim(a.stride, n);
  a.padding = per_dim(ctx.const_ints(node, "padding"), n);
  return a;
}

// Dilated max pooling where MaxPool has no dilations (opset 9), for static sizes: pad with -inf
// (and, for ceil_mode, at the end as far as the last window reaches), take the strided view
// under each kernel position (Gather of constant positions) and Max them.
ValueName dilated_max_pool(SymbolicContext& ctx, const ValueName& x, const PoolArgs& a,
                           const std::vector<int64_t>& dilation, bool ceil_mode) {
  const auto shape = ctx.static_shape(x);
  if (!shape) {
    ctx.fail_unsupported(
        "max pooling with dilation at opset 9 needs static sizes (give --shape), or opset 10");
  }
  const size_t n = a.kernel.size();
  const size_t first = shape->size() - n;
  std::vector<int64_t> extent(n);
  for (size_t i = 0; i < n; ++i) extent[i] = dilation[i] * (a.kernel[i] - 1) + 1;
  const auto spatial_pads =
      ceil_mode ? ceil_mode_pads(ctx, x, extent, a.stride, a.padding) : symmetric_pads(a.padding);
  std::vector<int64_t> pads(2 * shape->size(), 0);
  std::vector<int64_t> out(n);
  for (size_t i = 0; i < n; ++i) {
    pads[first + i] = spatial_pads[i];
    pads[shape->size() + first + i] = spatial_pads[n + i];
    const int64_t padded = (*shape)[first + i] + spatial_pads[i] + spatial_pads[n + i];
    out[i] = (padded - extent[i]) / a.stride[i] + 1;
  }
  auto& g = ctx.builder();
  const ValueName padded =
      onnx_ops::pad(g, x, pads, "constant", -std::numeric_limits<double>::infinity());
  std::vector<ValueName> views;
  std::vector<int64_t> position(n, 0);
  while (true) {
    ValueName view = padded;
    for (size_t i = 0; i < n; ++i) {
      const int64_t start = position[i] * dilation[i];
      view = onnx_ops::slice(g, view, {static_cast<int64_t>(first + i)}, {start},
                             {start + (out[i] - 1) * a.stride[i] + 1}, {a.stride[i]});
    }
    views.push_back(view);
    size_t i = n;
    while (i > 0 && ++position[i - 1] == a.kernel[i - 1]) position[--i] = 0;
    if (i == 0) break;
  }
  return views.size() == 1 ? views[0] : ctx.emit("Max", views);
}

// avg_poolNd's count_include_pad (absent from avg_pool1d's older schema: counted); a
// divisor_override has no ONNX form.
bool avg_pool_counts_padding(SymbolicContext& ctx, const Node& node) {
  const auto* schema = node.maybeSchema();
  if (schema && schema->argumentIndexWithName("divisor_override") &&
      !ctx.is_none(node, "divisor_override")) {
    ctx.fail_unsupported("average pooling with divisor_override");
  }
  return !schema || !schema->argumentIndexWithName("count_include_pad") ||
         ctx.const_bool(node, "count_include_pad");
}

// The static spatial sizes (the last `n` dims) of x; the batch and channel dims may be dynamic.
std::vector<int64_t> static_spatial_sizes(SymbolicContext& ctx, const ValueName& x, size_t n) {
  const auto dims = ctx.dims(x);
  if (!dims || dims->size() < n) {
    ctx.fail_unsupported("adaptive pooling to a size other than 1 needs the input's rank");
  }
  std::vector<int64_t> sizes;
  for (size_t i = dims->size() - n; i < dims->size(); ++i) {
    if (!(*dims)[i]) {
      ctx.fail_unsupported(
          "adaptive pooling to a size other than 1 over a dynamic spatial axis (give --shape, or "
          "leave the spatial axes out of --dynamic)");
    }
    sizes.push_back(*(*dims)[i]);
  }
  return sizes;
}

// Kernel (= stride) of the plain pool that an adaptive pool from `in` to `out` is, when every
// size divides evenly; nullopt otherwise.
std::optional<std::vector<int64_t>> even_adaptive_kernel(const std::vector<int64_t>& in,
                                                         const std::vector<int64_t>& out) {
  std::vector<int64_t> kernel;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] <= 0 || in[i] % out[i] != 0) return std::nullopt;
    kernel.push_back(in[i] / out[i]);
  }
  return kernel;
}

// ATen's adaptive average over one axis as an [in, out] matrix: output i averages the inputs
// [floor(i*in/out), ceil((i+1)*in/out)). The windows overlap or repeat where the sizes do not
// divide (AlexNet's 6x6 average from a 2x2 map), which no ONNX pool expresses; a MatMul does.
at::Tensor adaptive_average_matrix(int64_t in, int64_t out, c10::ScalarType type) {
  at::Tensor w = at::zeros({in, out}, at::kDouble);
  auto a = w.accessor<double, 2>();
  for (int64_t i = 0; i < out; ++i) {
    const int64_t start = (i * in) / out;
    const int64_t end = ((i + 1) * in + out - 1) / out;
    for (int64_t j = start; j < end; ++j) a[j][i] = 1.0 / static_cast<double>(end - start);
  }
  return w.to(type);
}

// Adaptive average over the last one or two axes by constant matrices: x @ Mw, then Mh^T @ that.
ValueName adaptive_average_by_matmul(SymbolicContext& ctx, const ValueName& x,
                                     const std::vector<int64_t>& in,
                                     const std::vector<int64_t>& out) {
  if (out.size() > 2) {
    ctx.fail_unsupported(
        "adaptive 3-d average pooling where the input size is not a multiple of the output size");
  }
  const c10::ScalarType type = ctx.require_dtype(x);
  if (!c10::isFloatingType(type))
    ctx.fail_invalid("adaptive average pooling of a non-float tensor");
  const size_t last = out.size() - 1;
  ValueName y =
      ctx.emit("MatMul", {x, ctx.constant(adaptive_average_matrix(in[last], out[last], type))});
  if (out.size() == 2) {
    const at::Tensor mh = adaptive_average_matrix(in[0], out[0], type).t().contiguous();
    y = ctx.emit("MatMul", {ctx.constant(mh), y});
  }
  return y;
}

}  // namespace

// aten::_convolution(input, weight, bias?, stride, padding, dilation, transposed,
//                    output_padding, groups, benchmark, deterministic, cudnn_enabled, allow_tf32)
// (what tracing records for every nn.ConvNd)
Outputs _convolution_v9(SymbolicContext& ctx, const Node& node) {
  return {convolution(ctx, ctx.input(node, "input"), ctx.input(node, "weight"),
                      ctx.optional_input(node, "bias"), ctx.const_ints(node, "stride"),
                      ctx.const_ints(node, "padding"), ctx.const_ints(node, "dilation"),
                      ctx.const_bool(node, "transposed"), ctx.const_ints(node, "output_padding"),
                      ctx.const_int(node, "groups"))};
}

// aten::conv1d/conv2d/conv3d(input, weight, bias?, stride, padding, dilation, groups)
// The .padding overload takes padding='valid'|'same'.
Outputs conv_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "input");
  const ValueName w = ctx.input(node, "weight");
  const size_t n = spatial_rank(ctx, w);
  std::vector<int64_t> dilation = per_dim(ctx.const_ints(node, "dilation"), n);
  std::vector<int64_t> padding;
  auto pad_iv = ctx.known_value(ctx.arg(node, "padding"));
  if (pad_iv && pad_iv->isString()) {
    const std::string mode = pad_iv->toStringRef();
    if (mode == "valid") {
      padding.assign(n, 0);
    } else {
      // 'same' (stride 1): total padding dilation*(k-1), the odd one on the end as torch does.
      auto wshape = ctx.static_shape(w);
      if (!wshape) ctx.fail_invalid("padding='same' needs the weight's shape");
      std::vector<int64_t> begin, end;
      for (size_t i = 0; i < n; ++i) {
        const int64_t total = dilation[i] * ((*wshape)[i + 2] - 1);
        begin.push_back(total / 2);
        end.push_back(total - total / 2);
      }
      std::vector<int64_t> pads = begin;
      pads.insert(pads.end(), end.begin(), end.end());
      auto wshape_attr = std::vector<int64_t>(wshape->begin() + 2, wshape->end());
      std::vector<ValueName> inputs = {x, w};
      if (auto b = ctx.optional_input(node, "bias")) inputs.push_back(*b);
      return {ctx.emit("Conv", inputs,
                       {{"strides", per_dim(ctx.const_ints(node, "stride"), n)},
                        {"pads", pads},
                        {"dilations", dilation},
                        {"group", ctx.const_int(node, "groups")},
                        {"kernel_shape", wshape_attr}})};
    }
  } else {
    padding = ctx.const_ints(node, "padding");
  }
  return {convolution(ctx, x, w, ctx.optional_input(node, "bias"), ctx.const_ints(node, "stride"),
                      padding, dilation, false, {}, ctx.const_int(node, "groups"))};
}

// aten::conv_transposeNd(input, weight, bias?, stride, padding, output_padding, groups, dilation)
Outputs conv_transpose_v9(SymbolicContext& ctx, const Node& node) {
  return {convolution(ctx, ctx.input(node, "input"), ctx.input(node, "weight"),
                      ctx.optional_input(node, "bias"), ctx.const_ints(node, "stride"),
                      ctx.const_ints(node, "padding"), ctx.const_ints(node, "dilation"), true,
                      ctx.const_ints(node, "output_padding"), ctx.const_int(node, "groups"))};
}

// aten::conv_tbc(self, weight, bias, pad): a 1-d convolution on (time, batch, channel) input
// with a (kernel, in, out) weight. Transpose to Conv's layouts and back.
Outputs conv_tbc_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x =
      ctx.emit("Transpose", {ctx.input(node, "self")}, {{"perm", std::vector<int64_t>{1, 2, 0}}});
  const ValueName w =
      ctx.emit("Transpose", {ctx.input(node, "weight")}, {{"perm", std::vector<int64_t>{2, 1, 0}}});
  const int64_t pad = ctx.const_int(node, "pad");
  const ValueName y = ctx.emit("Conv", {x, w, ctx.input(node, "bias")},
                               {{"pads", std::vector<int64_t>{pad, pad}},
                                {"strides", std::vector<int64_t>{1}},
                                {"dilations", std::vector<int64_t>{1}}});
  return {ctx.emit("Transpose", {y}, {{"perm", std::vector<int64_t>{2, 0, 1}}})};
}

// aten::max_poolNd(self, kernel_size, stride, padding, dilation, ceil_mode)
// MaxPool-8 has neither dilations nor ceil_mode: max_pool_v9 decomposes dilated windows and pads
// the end for ceil_mode.
Outputs max_pool_v9(SymbolicContext& ctx, const Node& node) {
  const PoolArgs a = read_pool_args(ctx, node);
  const auto dilation = per_dim(ctx.const_ints(node, "dilation"), a.kernel.size());
  const ValueName x = ctx.input(node, "self");
  if (std::any_of(dilation.begin(), dilation.end(), [](int64_t d) { return d != 1; })) {
    return {dilated_max_pool(ctx, x, a, dilation, ctx.const_bool(node, "ceil_mode"))};
  }
  const auto pads = ctx.const_bool(node, "ceil_mode")
                        ? ceil_mode_pads(ctx, x, a.kernel, a.stride, a.padding)
                        : symmetric_pads(a.padding);
  return {ctx.emit("MaxPool", {x},
                   {{"kernel_shape", a.kernel}, {"strides", a.stride}, {"pads", pads}})};
}
Outputs max_pool_v10(SymbolicContext& ctx, const Node& node) {
  const PoolArgs a = read_pool_args(ctx, node);
  return {ctx.emit("MaxPool", {ctx.input(node, "self")},
                   {{"kernel_shape", a.kernel},
                    {"strides", a.stride},
                    {"pads", symmetric_pads(a.padding)},
                    {"dilations", per_dim(ctx.const_ints(node, "dilation"), a.kernel.size())},
                    {"ceil_mode", ctx.const_int(node, "ceil_mode")}})};
}

// aten::max_poolNd_with_indices(self, kernel_size, stride, padding, dilation, ceil_mode)
// -> (values, indices): MaxPool's second output, made relative to each (n, c) plane.
// MaxPool-8 has no dilations or ceil_mode: opset 9 refuses dilation and pads for ceil_mode.
Outputs max_pool_with_indices_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const auto kernel = ctx.const_ints(node, "kernel_size");
  const size_t n = kernel.size();
  auto stride = ctx.const_ints(node, "stride");
  if (stride.empty()) stride = kernel;
  const auto dilation = per_dim(ctx.const_ints(node, "dilation"), n);
  if (std::any_of(dilation.begin(), dilation.end(), [](int64_t d) { return d != 1; })) {
    ctx.needs_opset(10, "max pooling with dilation");
  }
  const auto padding = per_dim(ctx.const_ints(node, "padding"), n);
  const auto pads = ctx.const_bool(node, "ceil_mode")
                        ? ceil_mode_pads(ctx, x, kernel, per_dim(stride, n), padding)
                        : symmetric_pads(padding);
  auto yi =
      ctx.emit_n("MaxPool", {x},
                 {{"kernel_shape", kernel}, {"strides", per_dim(stride, n)}, {"pads", pads}}, 2);
  return {yi[0], torch_pool_indices(ctx, x, yi[1], n)};
}
Outputs max_pool_with_indices_v10(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const auto kernel = ctx.const_ints(node, "kernel_size");
  const size_t n = kernel.size();
  auto stride = ctx.const_ints(node, "stride");
  if (stride.empty()) stride = kernel;
  auto yi = ctx.emit_n("MaxPool", {x},
                       {{"kernel_shape", kernel},
                        {"strides", per_dim(stride, n)},
                        {"pads", symmetric_pads(per_dim(ctx.const_ints(node, "padding"), n))},
                        {"dilations", per_dim(ctx.const_ints(node, "dilation"), n)},
                        {"ceil_mode", ctx.const_int(node, "ceil_mode")}},
                       2);
  return {yi[0], torch_pool_indices(ctx, x, yi[1], n)};
}

// aten::avg_poolNd(self, kernel_size, stride, padding, ceil_mode, count_include_pad,
//                  divisor_override?)
// AveragePool-7 has no ceil_mode: avg_pool_v9 pads the end for it (static sizes). Padding torch
// counts in the divisor (count_include_pad) is made explicit with Pad first, so that the extra
// end padding, which torch leaves out of the divisor, can be excluded (count_include_pad=0).
Outputs avg_pool_v9(SymbolicContext& ctx, const Node& node) {
  const PoolArgs a = read_pool_args(ctx, node);
  const bool include_pad = avg_pool_counts_padding(ctx, node);
  ValueName x = ctx.input(node, "self");
  if (!ctx.const_bool(node, "ceil_mode")) {
    return {requantized_like_input(ctx, node,
                                   ctx.emit("AveragePool", {x},
                                            {{"kernel_shape", a.kernel},
                                             {"strides", a.stride},
                                             {"pads", symmetric_pads(a.padding)},
                                             {"count_include_pad", include_pad ? 1 : 0}}))};
  }
  const size_t n = a.kernel.size();
  std::vector<int64_t> pads = ceil_mode_pads(ctx, x, a.kernel, a.stride, a.padding);
  const bool padded =
      std::any_of(a.padding.begin(), a.padding.end(), [](int64_t p) { return p != 0; });
  if (include_pad && padded) {
    std::vector<int64_t> explicit_pads(2, 0);
    explicit_pads.insert(explicit_pads.end(), a.padding.begin(), a.padding.end());
    explicit_pads.insert(explicit_pads.end(), 2, 0);
    explicit_pads.insert(explicit_pads.end(), a.padding.begin(), a.padding.end());
    x = onnx_ops::pad(ctx.builder(), x, explicit_pads, "constant", 0.0);
    for (size_t i = 0; i < n; ++i) {
      pads[i] -= a.padding[i];
      pads[n + i] -= a.padding[i];
    }
  }
  return {requantized_like_input(ctx, node,
                                 ctx.emit("AveragePool", {x},
                                          {{"kernel_shape", a.kernel},
                                           {"strides", a.stride},
                                           {"pads", pads},
                                           {"count_include_pad", 0}}))};
}
Outputs avg_pool_v10(SymbolicContext& ctx, const Node& node) {
  const PoolArgs a = read_pool_args(ctx, node);
  const bool include_pad = avg_pool_counts_padding(ctx, node);
  return {requantized_like_input(ctx, node,
                                 ctx.emit("AveragePool", {ctx.input(node, "self")},
                                          {{"kernel_shape", a.kernel},
                                           {"strides", a.stride},
                                           {"pads", symmetric_pads(a.padding)},
                                           {"count_include_pad", include_pad ? 1 : 0},
                                           {"ceil_mode", ctx.const_int(node, "ceil_mode")}}))};
}

// aten::adaptive_avg_poolNd(self, output_size) / adaptive_max_poolNd (first output):
// output 1 everywhere is GlobalXPool; otherwise a plain pool when the static spatial sizes divide
// evenly (what torch.onnx does too), and an average by constant matrices when they do not.
namespace {
Outputs adaptive_pool(SymbolicContext& ctx, const Node& node, const char* global_op,
                      const char* op) {
  const ValueName x = ctx.input(node, "self");
  const auto out = ctx.const_ints(node, "output_size");
  ValueName y;
  if (std::all_of(out.begin(), out.end(), [](int64_t s) { return s == 1; })) {
    y = ctx.emit(global_op, {x});
  } else {
    const auto in = static_spatial_sizes(ctx, x, out.size());
    const auto kernel = even_adaptive_kernel(in, out);
    if (kernel) {
      y = ctx.emit(op, {x}, {{"kernel_shape", *kernel}, {"strides", *kernel}});
    } else if (std::string(op) == "AveragePool") {
      y = adaptive_average_by_matmul(ctx, x, in, out);
    } else {
      ctx.fail_unsupported(
          "adaptive max pooling where the input size is not a multiple of the output size");
    }
  }
  if (node.outputs().size() == 2) {
    if (node.output(1)->uses().empty()) return {y, Lowered::none()};
    // The indices: a MaxPool with kernel = input size / output size (static sizes needed).
    const auto kernel = even_adaptive_kernel(static_spatial_sizes(ctx, x, out.size()), out);
    if (!kernel) {
      ctx.fail_unsupported(
          "adaptive max pooling indices where the input size is not a multiple of the output size");
    }
    auto yi = ctx.emit_n("MaxPool", {x}, {{"kernel_shape", *kernel}, {"strides", *kernel}}, 2);
    return {yi[0], torch_pool_indices(ctx, x, yi[1], out.size())};
  }
  return {y};
}
}  // namespace

Outputs adaptive_avg_pool_v9(SymbolicContext& ctx, const Node& node) {
  Outputs out = adaptive_pool(ctx, node, "GlobalAveragePool", "AveragePool");
  out[0] = requantized_like_input(ctx, node, out[0].name);
  return out;
}
Outputs adaptive_max_pool_v9(SymbolicContext& ctx, const Node& node) {
  return adaptive_pool(ctx, node, "GlobalMaxPool", "MaxPool");
}

}  // namespace pt2onnx::sym
