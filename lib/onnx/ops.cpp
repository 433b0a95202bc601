#include "onnx/ops.h"

#include <ATen/ATen.h>

#include <algorithm>

#include "onnx/tensor_proto.h"
#include "pt2onnx/error.h"

namespace pt2onnx::onnx_ops {
namespace {

ValueName ints(GraphBuilder& g, const std::vector<int64_t>& values) {
  return g.add_constant(at::tensor(values, at::kLong));
}

ValueName one(GraphBuilder& g, const std::string& op, const std::vector<ValueName>& inputs,
              const onnx_ir::Attrs& attrs) {
  return g.emit(op, inputs, attrs, 1)[0];
}

}  // namespace

ValueName unsqueeze(GraphBuilder& g, const ValueName& x, const std::vector<int64_t>& axes) {
  if (g.opset() >= 13) return one(g, "Unsqueeze", {x, ints(g, axes)}, {});
  return one(g, "Unsqueeze", {x}, {{"axes", axes}});
}

ValueName squeeze(GraphBuilder& g, const ValueName& x, const std::vector<int64_t>& axes) {
  if (g.opset() >= 13) {
    if (axes.empty()) return one(g, "Squeeze", {x}, {});
    return one(g, "Squeeze", {x, ints(g, axes)}, {});
  }
  if (axes.empty()) return one(g, "Squeeze", {x}, {});
  return one(g, "Squeeze", {x}, {{"axes", axes}});
}

ValueName reduce(GraphBuilder& g, const std::string& op, const ValueName& x,
                 const std::vector<int64_t>& axes, bool keepdims) {
  const int64_t keep = keepdims ? 1 : 0;
  if ((op == "ReduceSum" && g.opset() >= 13) || g.opset() >= 18) {
    if (axes.empty()) return one(g, op, {x}, {{"keepdims", keep}});
    return one(g, op, {x, ints(g, axes)}, {{"keepdims", keep}});
  }
  if (axes.empty()) return one(g, op, {x}, {{"keepdims", keep}});
  return one(g, op, {x}, {{"axes", axes}, {"keepdims", keep}});
}

std::vector<ValueName> split(GraphBuilder& g, const ValueName& x, int64_t axis,
                             const std::vector<int64_t>& sizes) {
  if (g.opset() >= 13) return g.emit("Split", {x, ints(g, sizes)}, {{"axis", axis}}, sizes.size());
  return g.emit("Split", {x}, {{"axis", axis}, {"split", sizes}}, sizes.size());
}

std::vector<ValueName> split_equal(GraphBuilder& g, const ValueName& x, int64_t axis, size_t n) {
  if (g.opset() >= 18) {
    return g.emit("Split", {x}, {{"axis", axis}, {"num_outputs", static_cast<int64_t>(n)}}, n);
  }
  return g.emit("Split", {x}, {{"axis", axis}}, n);
}

namespace {

// Opset 9's Slice has no steps: along an axis of static size, the positions Python's slicing picks
// (start:end:step, negative bounds and steps included) are a constant, and Gather takes them.
ValueName strided_slice_by_gather(GraphBuilder& g, const ValueName& x,
                                  const std::vector<int64_t>& axes,
                                  const std::vector<int64_t>& starts,
                                  const std::vector<int64_t>& ends,
                                  const std::vector<int64_t>& steps) {
  const auto dims = g.dims(x);
  ValueName out = x;
  for (size_t i = 0; i < axes.size(); ++i) {
    const int64_t rank = dims ? static_cast<int64_t>(dims->size()) : 0;
    const int64_t axis = axes[i] < 0 ? axes[i] + rank : axes[i];
    if (!dims || axis < 0 || axis >= rank || !(*dims)[static_cast<size_t>(axis)]) {
      throw needs_opset_error(10,
                              "slicing with a step along an axis whose size is known only at "
                              "run time (ONNX Slice-1 has no steps)");
    }
    const int64_t n = *(*dims)[static_cast<size_t>(axis)];
    const int64_t step = steps[i];
    auto clamp = [&](int64_t v, int64_t lo, int64_t hi) { return std::max(lo, std::min(v, hi)); };
    auto bound = [&](int64_t v, int64_t lo, int64_t hi) {
      return clamp(v < 0 ? v + n : v, lo, hi);
    };
    const int64_t first = step > 0 ? bound(starts[i], 0, n) : bound(starts[i], -1, n - 1);
    const int64_t last = step > 0 ? bound(ends[i], 0, n) : bound(ends[i], -1, n - 1);
    std::vector<int64_t> positions;
    for (int64_t p = first; step > 0 ? p < last : p > last; p += step) positions.push_back(p);
    out = one(g, "Gather", {out, ints(g, positions)}, {{"axis", axis}});
  }
  return out;
}

}  // namespace

ValueName resize_to_sizes(GraphBuilder& g, const ValueName& x, const ValueName& roi,
                          const ValueName& sizes, const onnx_ir::Attrs& attrs) {
  const ValueName scales = g.opset() >= 13 ? "" : g.add_constant(at::zeros({0}, at::kFloat));
  return one(g, "Resize", {x, roi, scales, sizes}, attrs);
}

ValueName slice(GraphBuilder& g, const ValueName& x, const std::vector<int64_t>& axes,
                const std::vector<int64_t>& starts, const std::vector<int64_t>& ends,
                const std::vector<int64_t>& steps) {
  const bool unit_steps = std::all_of(steps.begin(), steps.end(), [](int64_t s) { return s == 1; });
  if (g.opset() < 10) {
    if (!unit_steps) return strided_slice_by_gather(g, x, axes, starts, ends, steps);
    return one(g, "Slice", {x}, {{"axes", axes}, {"starts", starts}, {"ends", ends}});
  }
  std::vector<ValueName> inputs = {x, ints(g, starts), ints(g, ends), ints(g, axes)};
  if (!unit_steps) inputs.push_back(ints(g, steps));
  return one(g, "Slice", inputs, {});
}

ValueName slice_dynamic(GraphBuilder& g, const ValueName& x, const ValueName& starts,
                        const ValueName& ends, const ValueName& axes, const ValueName& steps) {
  if (g.opset() < 10) {
    throw needs_opset_error(10, "slicing with bounds computed at run time");
  }
  std::vector<ValueName> inputs = {x, starts, ends, axes};
  if (!steps.empty()) inputs.push_back(steps);
  return one(g, "Slice", inputs, {});
}

ValueName clip(GraphBuilder& g, const ValueName& x, std::optional<double> min,
               std::optional<double> max) {
  if (g.opset() < 11) {
    onnx_ir::Attrs attrs;
    if (min) attrs.push_back({"min", static_cast<float>(*min)});
    if (max) attrs.push_back({"max", static_cast<float>(*max)});
    return one(g, "Clip", {x}, attrs);
  }
  const auto elem = g.elem_type(x);
  const auto type = elem ? onnx_ir::torch_dtype(*elem) : std::nullopt;
  const c10::ScalarType dtype = type.value_or(c10::kFloat);
  auto bound = [&](std::optional<double> v) -> ValueName {
    if (!v) return "";
    return g.add_constant(at::scalar_tensor(*v, at::kDouble).to(dtype));
  };
  std::vector<ValueName> inputs = {x, bound(min), bound(max)};
  while (inputs.back().empty()) inputs.pop_back();
  return one(g, "Clip", inputs, {});
}

ValueName pad(GraphBuilder& g, const ValueName& x, const std::vector<int64_t>& pads,
              const std::string& mode, double value) {
  if (g.opset() < 11) {
    return one(g, "Pad", {x},
               {{"pads", pads}, {"mode", mode}, {"value", static_cast<float>(value)}});
  }
  return pad_dynamic(g, x, ints(g, pads), mode, value);
}

ValueName pad_dynamic(GraphBuilder& g, const ValueName& x, const ValueName& pads,
                      const std::string& mode, double value) {
  if (g.opset() < 11) throw needs_opset_error(11, "padding by amounts computed at run time");
  std::vector<ValueName> inputs = {x, pads};
  if (mode == "constant") {
    const auto elem = g.elem_type(x);
    const auto type = elem ? onnx_ir::torch_dtype(*elem) : std::nullopt;
    inputs.push_back(
        g.add_constant(at::scalar_tensor(value, at::kDouble).to(type.value_or(c10::kFloat))));
  }
  return one(g, "Pad", inputs, {{"mode", mode}});
}

ValueName dim_size(GraphBuilder& g, const ValueName& x, int64_t axis) {
  auto dims = g.dims(x);
  if (dims) {
    const int64_t rank = static_cast<int64_t>(dims->size());
    const int64_t a = axis < 0 ? axis + rank : axis;
    if (a >= 0 && a < rank && (*dims)[static_cast<size_t>(a)]) {
      return g.add_constant(at::scalar_tensor(*(*dims)[static_cast<size_t>(a)], at::kLong));
    }
  }
  ValueName shape = one(g, "Shape", {x}, {});
  return one(g, "Gather", {shape, g.add_constant(at::scalar_tensor(axis, at::kLong))},
             {{"axis", 0}});
}

}  // namespace pt2onnx::onnx_ops
