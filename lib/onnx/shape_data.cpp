#include "onnx/shape_data.h"

#include <ATen/ATen.h>

namespace pt2onnx::onnx_ir {
namespace {

constexpr size_t kMaxElements = 16;

std::optional<int64_t> attr_int(const onnx::NodeProto& node, const char* name) {
  for (const auto& a : node.attribute()) {
    if (a.name() == name) return a.i();
  }
  return std::nullopt;
}

std::optional<std::vector<int64_t>> attr_ints(const onnx::NodeProto& node, const char* name) {
  for (const auto& a : node.attribute()) {
    if (a.name() == name) return std::vector<int64_t>(a.ints().begin(), a.ints().end());
  }
  return std::nullopt;
}

// The data of an input: propagated before, or read from a small int constant.
std::optional<ShapeData> data(const std::string& name, const ShapeDataSources& s) {
  if (const ShapeData* known = s.data_of(name)) return *known;
  const at::Tensor* t = s.constant_of(name);
  if (t == nullptr || t->dim() > 1 || t->numel() > static_cast<int64_t>(kMaxElements) ||
      !at::isIntegralType(t->scalar_type(), false)) {
    return std::nullopt;
  }
  const at::Tensor l = t->to(at::kLong).contiguous().reshape({-1});
  ShapeData out;
  for (int64_t i = 0; i < l.numel(); ++i) out.push_back({l.data_ptr<int64_t>()[i], ""});
  return out;
}

std::optional<std::vector<int64_t>> const_ints(const onnx::NodeProto& node, int index,
                                               const ShapeDataSources& s) {
  if (node.input_size() <= index || node.input(index).empty()) return std::nullopt;
  const at::Tensor* t = s.constant_of(node.input(index));
  if (t == nullptr) return std::nullopt;
  const at::Tensor l = t->to(at::kLong).contiguous().reshape({-1});
  return std::vector<int64_t>(l.data_ptr<int64_t>(), l.data_ptr<int64_t>() + l.numel());
}

ShapeData from_type(const onnx::TypeProto& type) {
  ShapeData out;
  for (const auto& d : type.tensor_type().shape().dim()) {
    ShapeElement e;
    if (d.has_dim_value()) e.value = d.dim_value();
    if (d.has_dim_param()) e.symbol = d.dim_param();
    out.push_back(e);
  }
  return out;
}

std::optional<ShapeData> elementwise(const ShapeData& a, const ShapeData& b,
                                     const std::string& op) {
  if (a.size() != b.size() && a.size() != 1 && b.size() != 1) return std::nullopt;
  const size_t n = std::max(a.size(), b.size());
  ShapeData out;
  for (size_t i = 0; i < n; ++i) {
    const ShapeElement& x = a[a.size() == 1 ? 0 : i];
    const ShapeElement& y = b[b.size() == 1 ? 0 : i];
    ShapeElement r;
    if (x.value && y.value) {
      if (op == "Add") r.value = *x.value + *y.value;
      if (op == "Sub") r.value = *x.value - *y.value;
      if (op == "Mul") r.value = *x.value * *y.value;
      if (op == "Div" && *y.value != 0) r.value = *x.value / *y.value;
    } else if (y.value && ((op == "Mul" || op == "Div") && *y.value == 1)) {
      r = x;
    } else if (y.value && (op == "Add" || op == "Sub") && *y.value == 0) {
      r = x;
    }
    out.push_back(r);
  }
  return out;
}

}  // namespace

std::optional<ShapeData> propagate_shape_data(const onnx::NodeProto& node, int opset,
                                              const ShapeDataSources& s) {
  const std::string& op = node.op_type();
  if (node.input_size() == 0) return std::nullopt;
  if (op == "Shape") {
    const onnx::TypeProto* type = s.type_of(node.input(0));
    if (type == nullptr || !type->has_tensor_type() || !type->tensor_type().has_shape()) {
      return std::nullopt;
    }
    ShapeData all = from_type(*type);
    const int64_t rank = static_cast<int64_t>(all.size());
    int64_t start = attr_int(node, "start").value_or(0);
    int64_t end = attr_int(node, "end").value_or(rank);
    if (start < 0) start += rank;
    if (end < 0) end += rank;
    start = std::clamp<int64_t>(start, 0, rank);
    end = std::clamp<int64_t>(end, start, rank);
    return ShapeData(all.begin() + start, all.begin() + end);
  }
  auto in0 = data(node.input(0), s);
  if (!in0) return std::nullopt;
  if (op == "Cast" || op == "Identity") return in0;
  if (op == "Gather") {
    auto idx = const_ints(node, 1, s);
    if (!idx) return std::nullopt;
    ShapeData out;
    for (int64_t i : *idx) {
      if (i < 0) i += static_cast<int64_t>(in0->size());
      if (i < 0 || i >= static_cast<int64_t>(in0->size())) return std::nullopt;
      out.push_back((*in0)[static_cast<size_t>(i)]);
    }
    return out;
  }
  if (op == "Unsqueeze" || op == "Squeeze") return in0;  // 0-d <-> 1-element 1-d
  if (op == "Concat") {
    ShapeData out;
    for (const auto& in : node.input()) {
      auto d = data(in, s);
      if (!d) return std::nullopt;
      out.insert(out.end(), d->begin(), d->end());
    }
    return out;
  }
  if (op == "Slice") {
    std::vector<int64_t> starts, ends, steps;
    if (opset >= 10) {
      auto a = const_ints(node, 1, s), b = const_ints(node, 2, s);
      if (!a || !b || a->size() != 1) return std::nullopt;
      starts = *a;
      ends = *b;
      if (auto st = const_ints(node, 4, s)) steps = *st;
    } else {
      starts = attr_ints(node, "starts").value_or(std::vector<int64_t>{});
      ends = attr_ints(node, "ends").value_or(std::vector<int64_t>{});
      if (starts.size() != 1) return std::nullopt;
    }
    const int64_t step = steps.empty() ? 1 : steps[0];
    if (step != 1) return std::nullopt;
    const int64_t n = static_cast<int64_t>(in0->size());
    int64_t b = starts[0] < 0 ? starts[0] + n : starts[0];
    int64_t e = ends[0] < 0 ? ends[0] + n : ends[0];
    b = std::clamp<int64_t>(b, 0, n);
    e = std::clamp<int64_t>(e, b, n);
    return ShapeData(in0->begin() + b, in0->begin() + e);
  }
  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") {
    if (node.input_size() < 2) return std::nullopt;
    auto in1 = data(node.input(1), s);
    if (!in1) return std::nullopt;
    return elementwise(*in0, *in1, op);
  }
  return std::nullopt;
}

}  // namespace pt2onnx::onnx_ir
