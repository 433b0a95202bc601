#include "onnx/constant_folder.h"

#include <ATen/ATen.h>

#include <functional>
#include <string>
#include <unordered_map>

#include "onnx/tensor_proto.h"

namespace pt2onnx::onnx_ir {
namespace {

// Folding a huge weight-only subgraph would hold a second copy of the weights; beyond this many
// elements a node is kept for ONNX Runtime to do at load time.
constexpr int64_t kMaxFoldElements = 1 << 22;

const onnx::AttributeProto* find_attr(const onnx::NodeProto& node, const char* name) {
  for (const auto& a : node.attribute()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}

int64_t attr_int(const onnx::NodeProto& node, const char* name, int64_t fallback) {
  const auto* a = find_attr(node, name);
  return a == nullptr ? fallback : a->i();
}

std::optional<std::vector<int64_t>> attr_ints(const onnx::NodeProto& node, const char* name) {
  const auto* a = find_attr(node, name);
  if (a == nullptr) return std::nullopt;
  return std::vector<int64_t>(a->ints().begin(), a->ints().end());
}

std::vector<int64_t> to_ints(const at::Tensor& t) {
  const at::Tensor l = t.to(at::kLong).contiguous().reshape({-1});
  return std::vector<int64_t>(l.data_ptr<int64_t>(), l.data_ptr<int64_t>() + l.numel());
}

int64_t norm_axis(int64_t axis, int64_t rank) { return axis < 0 ? axis + rank : axis; }

// ONNX's numpy-style type rules differ from torch's promotion: the output keeps the input type.
at::Tensor same_type(const at::Tensor& result, const at::Tensor& like) {
  return result.scalar_type() == like.scalar_type() ? result : result.to(like.scalar_type());
}

using Inputs = std::vector<const at::Tensor*>;
using Folder = std::function<std::optional<std::vector<at::Tensor>>(const onnx::NodeProto&,
                                                                    const Inputs&, int)>;
using Single = std::optional<std::vector<at::Tensor>>;

Single one(at::Tensor t) { return std::vector<at::Tensor>{std::move(t)}; }

const std::unordered_map<std::string, Folder>& folders() {
  static const std::unordered_map<std::string, Folder> table = {
      {"Identity", [](auto&, const Inputs& in, int) { return one(*in[0]); }},
      {"Cast",
       [](const onnx::NodeProto& n, const Inputs& in, int) -> Single {
         auto type = torch_dtype(static_cast<int32_t>(attr_int(n, "to", 0)));
         if (!type) return std::nullopt;
         return one(in[0]->to(*type));
       }},
      {"Add", [](auto&, const Inputs& in, int) { return one(same_type(*in[0] + *in[1], *in[0])); }},
      {"Sub", [](auto&, const Inputs& in, int) { return one(same_type(*in[0] - *in[1], *in[0])); }},
      {"Mul", [](auto&, const Inputs& in, int) { return one(same_type(*in[0] * *in[1], *in[0])); }},
      {"Div",
       [](auto&, const Inputs& in, int) {
         if (at::isIntegralType(in[0]->scalar_type(), true)) {
           return one(same_type(at::div(*in[0], *in[1], "trunc"), *in[0]));
         }
         return one(same_type(*in[0] / *in[1], *in[0]));
       }},
      {"Neg", [](auto&, const Inputs& in, int) { return one(-*in[0]); }},
      {"Sqrt", [](auto&, const Inputs& in, int) { return one(in[0]->sqrt()); }},
      {"Reciprocal", [](auto&, const Inputs& in, int) { return one(in[0]->reciprocal()); }},
      {"Floor", [](auto&, const Inputs& in, int) { return one(in[0]->floor()); }},
      {"Ceil", [](auto&, const Inputs& in, int) { return one(in[0]->ceil()); }},
      {"Equal", [](auto&, const Inputs& in, int) { return one(at::eq(*in[0], *in[1])); }},
      {"Less", [](auto&, const Inputs& in, int) { return one(at::lt(*in[0], *in[1])); }},
      {"Greater", [](auto&, const Inputs& in, int) { return one(at::gt(*in[0], *in[1])); }},
      {"Not", [](auto&, const Inputs& in, int) { return one(at::logical_not(*in[0])); }},
      {"And", [](auto&, const Inputs& in, int) { return one(at::logical_and(*in[0], *in[1])); }},
      {"Or", [](auto&, const Inputs& in, int) { return one(at::logical_or(*in[0], *in[1])); }},
      {"Min",
       [](auto&, const Inputs& in, int) {
         at::Tensor r = *in[0];
         for (size_t i = 1; i < in.size(); ++i) r = at::minimum(r, *in[i]);
         return one(r);
       }},
      {"Max",
       [](auto&, const Inputs& in, int) {
         at::Tensor r = *in[0];
         for (size_t i = 1; i < in.size(); ++i) r = at::maximum(r, *in[i]);
         return one(r);
       }},
      {"Shape",
       [](const onnx::NodeProto& n, const Inputs& in, int) {
         std::vector<int64_t> dims(in[0]->sizes().begin(), in[0]->sizes().end());
         const int64_t rank = static_cast<int64_t>(dims.size());
         int64_t start = std::clamp(norm_axis(attr_int(n, "start", 0), rank), int64_t{0}, rank);
         int64_t end = std::clamp(norm_axis(attr_int(n, "end", rank), rank), int64_t{0}, rank);
         std::vector<int64_t> part(dims.begin() + start, dims.begin() + std::max(start, end));
         return one(at::tensor(part, at::kLong));
       }},
      {"Size", [](auto&, const Inputs& in,
                  int) { return one(at::scalar_tensor(in[0]->numel(), at::kLong)); }},
      {"Gather",
       [](const onnx::NodeProto& n, const Inputs& in, int) {
         const int64_t axis = norm_axis(attr_int(n, "axis", 0), in[0]->dim());
         at::Tensor idx = in[1]->to(at::kLong);
         idx = at::where(idx < 0, idx + in[0]->size(axis), idx);
         at::Tensor flat = in[0]->index_select(axis, idx.reshape({-1}));
         std::vector<int64_t> shape(in[0]->sizes().begin(), in[0]->sizes().begin() + axis);
         for (int64_t d : idx.sizes()) shape.push_back(d);
         for (int64_t i = axis + 1; i < in[0]->dim(); ++i) shape.push_back(in[0]->size(i));
         return one(flat.reshape(shape));
       }},
      {"Concat",
       [](const onnx::NodeProto& n, const Inputs& in, int) {
         std::vector<at::Tensor> parts;
         for (const auto* t : in) parts.push_back(*t);
         return one(at::cat(parts, attr_int(n, "axis", 0)));
       }},
      {"Unsqueeze",
       [](const onnx::NodeProto& n, const Inputs& in, int opset) -> Single {
         std::vector<int64_t> axes =
             opset >= 13 ? to_ints(*in[1]) : attr_ints(n, "axes").value_or(std::vector<int64_t>{});
         const int64_t out_rank = in[0]->dim() + static_cast<int64_t>(axes.size());
         for (auto& a : axes) a = norm_axis(a, out_rank);
         std::sort(axes.begin(), axes.end());
         at::Tensor r = *in[0];
         for (int64_t a : axes) r = r.unsqueeze(a);
         return one(r);
       }},
      {"Squeeze",
       [](const onnx::NodeProto& n, const Inputs& in, int opset) -> Single {
         std::optional<std::vector<int64_t>> axes;
         if (opset >= 13) {
           if (in.size() > 1 && in[1] != nullptr) axes = to_ints(*in[1]);
         } else {
           axes = attr_ints(n, "axes");
         }
         if (!axes) return one(in[0]->squeeze());
         for (auto& a : *axes) a = norm_axis(a, in[0]->dim());
         std::sort(axes->rbegin(), axes->rend());
         at::Tensor r = *in[0];
         for (int64_t a : *axes) r = r.squeeze(a);
         return one(r);
       }},
      {"Reshape",
       [](const onnx::NodeProto& n, const Inputs& in, int) {
         std::vector<int64_t> shape = to_ints(*in[1]);
         const bool allow_zero = attr_int(n, "allowzero", 0) != 0;
         for (size_t i = 0; i < shape.size(); ++i) {
           if (shape[i] == 0 && !allow_zero) shape[i] = in[0]->size(static_cast<int64_t>(i));
         }
         return one(in[0]->reshape(shape));
       }},
      {"Transpose",
       [](const onnx::NodeProto& n, const Inputs& in, int) {
         std::vector<int64_t> perm;
         if (auto p = attr_ints(n, "perm")) {
           perm = *p;
         } else {
           for (int64_t i = in[0]->dim() - 1; i >= 0; --i) perm.push_back(i);
         }
         return one(in[0]->permute(perm).contiguous());
       }},
      {"Slice",
       [](const onnx::NodeProto& n, const Inputs& in, int opset) -> Single {
         std::vector<int64_t> starts, ends, axes, steps;
         if (opset >= 10) {
           starts = to_ints(*in[1]);
           ends = to_ints(*in[2]);
           if (in.size() > 3 && in[3] != nullptr) axes = to_ints(*in[3]);
           if (in.size() > 4 && in[4] != nullptr) steps = to_ints(*in[4]);
         } else {
           starts = attr_ints(n, "starts").value_or(std::vector<int64_t>{});
           ends = attr_ints(n, "ends").value_or(std::vector<int64_t>{});
           axes = attr_ints(n, "axes").value_or(std::vector<int64_t>{});
         }
         if (axes.empty()) {
           for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
         }
         if (steps.empty()) steps.assign(starts.size(), 1);
         at::Tensor r = *in[0];
         for (size_t i = 0; i < starts.size(); ++i) {
           if (steps[i] <= 0) return std::nullopt;  // negative steps: leave to the runtime
           const int64_t axis = norm_axis(axes[i], r.dim());
           const int64_t size = r.size(axis);
           auto clampi = [size](int64_t v) {
             if (v < 0) v += size;
             return std::clamp(v, int64_t{0}, size);
           };
           const int64_t s = clampi(starts[i]);
           const int64_t e = std::max(s, clampi(ends[i]));
           r = r.slice(axis, s, e, steps[i]);
         }
         return one(r.contiguous());
       }},
      {"Range",
       [](auto&, const Inputs& in, int) {
         return one(at::arange(in[0]->item(), in[1]->item(), in[2]->item(),
                               at::TensorOptions().dtype(in[0]->scalar_type())));
       }},
      {"ConstantOfShape",
       [](const onnx::NodeProto& n, const Inputs& in, int) -> Single {
         std::vector<int64_t> shape = to_ints(*in[0]);
         const auto* value = find_attr(n, "value");
         at::Tensor fill =
             value != nullptr ? from_tensor_proto(value->t()) : at::zeros({1}, at::kFloat);
         return one(at::full(shape, fill.reshape({}).item(),
                             at::TensorOptions().dtype(fill.scalar_type())));
       }},
      {"Expand",
       [](auto&, const Inputs& in, int) {
         std::vector<int64_t> shape = to_ints(*in[1]);
         // ONNX Expand broadcasts both ways (a 1 in `shape` keeps the input's size).
         const int64_t rank = std::max<int64_t>(static_cast<int64_t>(shape.size()), in[0]->dim());
         std::vector<int64_t> target(static_cast<size_t>(rank), 1);
         for (int64_t i = 0; i < rank; ++i) {
           const int64_t si = i - (rank - static_cast<int64_t>(shape.size()));
           const int64_t ti = i - (rank - in[0]->dim());
           const int64_t a = si >= 0 ? shape[static_cast<size_t>(si)] : 1;
           const int64_t b = ti >= 0 ? in[0]->size(ti) : 1;
           target[static_cast<size_t>(i)] = a == 1 ? b : a;
         }
         return one(in[0]->expand(target).contiguous());
       }},
      {"Where",
       [](auto&, const Inputs& in, int) { return one(at::where(*in[0], *in[1], *in[2])); }},
      {"Abs", [](auto&, const Inputs& in, int) { return one(in[0]->abs()); }},
  };
  return table;
}

}  // namespace

std::optional<std::vector<at::Tensor>> evaluate_constant_node(
    const onnx::NodeProto& node, const std::vector<const at::Tensor*>& inputs, int opset) {
  const auto& table = folders();
  auto it = table.find(node.op_type());
  if (it == table.end()) return std::nullopt;
  for (const auto* in : inputs) {
    if (in != nullptr && in->numel() > kMaxFoldElements) return std::nullopt;
  }
  try {
    return it->second(node, inputs, opset);
  } catch (const std::exception&) {
    return std::nullopt;  // let the runtime report whatever LibTorch disliked
  }
}

}  // namespace pt2onnx::onnx_ir
