// The shape of a symbolic: one free function per (TorchScript op, first opset where the lowering
// is valid), named after the aten op plus that opset (`softmax_v13`). It reads its arguments by
// schema name through the context and returns the ONNX form of each TorchScript output.
#pragma once

#include <string>
#include <vector>

#include "onnx/graph_builder.h"

namespace torch::jit {
struct Node;
}

namespace pt2onnx::sym {

using onnx_ir::Attrs;
using onnx_ir::ValueName;

// The ONNX form of one TorchScript value: a tensor, a list of tensors known element by element
// (an int[] of sizes, the result of split), an ONNX sequence, or None.
struct Lowered {
  enum class Kind { kTensor, kList, kSequence, kNone };
  Kind kind = Kind::kNone;
  ValueName name;                // kTensor, kSequence
  std::vector<ValueName> items;  // kList

  Lowered() = default;
  Lowered(ValueName tensor) : kind(Kind::kTensor), name(std::move(tensor)) {}  // NOLINT
  Lowered(const char* tensor) : kind(Kind::kTensor), name(tensor) {}           // NOLINT
  static Lowered list(std::vector<ValueName> items) {
    Lowered l;
    l.kind = Kind::kList;
    l.items = std::move(items);
    return l;
  }
  static Lowered sequence(ValueName name) {
    Lowered l;
    l.kind = Kind::kSequence;
    l.name = std::move(name);
    return l;
  }
  static Lowered none() { return Lowered(); }
};

using Outputs = std::vector<Lowered>;
class SymbolicContext;
using SymbolicFn = Outputs (*)(SymbolicContext& ctx, const torch::jit::Node& node);

}  // namespace pt2onnx::sym
