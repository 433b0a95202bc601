// The shape of a symbolic: one free function per (TorchScript op, first opset where the lowering
// is valid), named after the aten op plus that opset (`softmax_v13`). It reads its arguments by
// schema name through the context and returns the ONNX form of each TorchScript output.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "onnx/graph_builder.h"

namespace c10 {
struct IValue;
}
namespace torch::jit {
struct Node;
}

namespace pt2onnx::sym {

using onnx_ir::Attrs;
using onnx_ir::ValueName;

// The ONNX form of one TorchScript value: a tensor, a list of tensors known element by element
// (an int[] of sizes, the result of split), an ONNX sequence, None, or an object known at
// conversion time that has no tensor form (a string, a device: what shape checks compute).
struct Lowered {
  enum class Kind { kTensor, kList, kSequence, kOptional, kNone, kObject };
  Kind kind = Kind::kNone;
  ValueName name;                             // kTensor, kSequence, kOptional
  std::vector<ValueName> items;               // kList
  std::shared_ptr<const c10::IValue> object;  // kObject

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
  // An ONNX optional(tensor) (opset 16 and later): a TorchScript Optional[Tensor] that an If or
  // Loop makes None or a tensor at run time.
  static Lowered optional(ValueName name) {
    Lowered l;
    l.kind = Kind::kOptional;
    l.name = std::move(name);
    return l;
  }
  static Lowered none() { return Lowered(); }
  static Lowered known_object(std::shared_ptr<const c10::IValue> value) {
    Lowered l;
    l.kind = Kind::kObject;
    l.object = std::move(value);
    return l;
  }
};

using Outputs = std::vector<Lowered>;
class SymbolicContext;
using SymbolicFn = Outputs (*)(SymbolicContext& ctx, const torch::jit::Node& node);

}  // namespace pt2onnx::sym
