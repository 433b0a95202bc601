// Loads a TorchScript archive on CPU, in eval mode, and freezes it: parameters and buffers become
// constants (named after their module path), submodule calls are inlined and attributes such as
// `self.training` are folded.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "pt2onnx/error.h"

namespace c10 {
struct IValue;
}
namespace torch::jit {
struct Graph;
}

namespace pt2onnx::loader {

struct LoadedGraph {
  std::shared_ptr<torch::jit::Graph> graph;  // `self` already removed
  std::vector<std::string> input_names;      // the method's argument names, without self
  // Each argument's default value (`mask: Optional[Tensor] = None`), null where it has none.
  std::vector<std::shared_ptr<const c10::IValue>> input_defaults;
  // What loading changed that the user should know (attributes written in forward).
  std::vector<Diagnostic> warnings;
};

// Throws pt2onnx::Error(kBadInput) with a message that says what the file is, when it is not
// a TorchScript archive. Ops of namespaces LibTorch does not know are looked for in
// `op_libraries` and the known places first (op_libraries.h). `progress`, when given, is told as
// each step ends (for -v timings).
LoadedGraph load_torchscript(const std::string& path, const std::string& method,
                             const std::vector<std::string>& op_libraries,
                             const std::function<void(const std::string&)>& progress = nullptr);

}  // namespace pt2onnx::loader
