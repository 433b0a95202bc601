// Loads a TorchScript archive on CPU, in eval mode, and freezes it: parameters and buffers become
// constants (named after their module path), submodule calls are inlined and attributes such as
// `self.training` are folded.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace torch::jit {
struct Graph;
}

namespace pt2onnx::loader {

struct LoadedGraph {
  std::shared_ptr<torch::jit::Graph> graph;  // `self` already removed
  std::vector<std::string> input_names;      // the method's argument names, without self
};

// Throws pt2onnx::Error(kBadInput) with a message that says what the file is, when it is not
// a TorchScript archive.
LoadedGraph load_torchscript(const std::string& path, const std::string& method);

}  // namespace pt2onnx::loader
