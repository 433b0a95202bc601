// The refusal of a file saved by a newer PyTorch that the linked LibTorch still cannot load,
// even with the ops of newer_aten_ops.h declared: which op, that the file is a newer PyTorch's,
// and what to do (docs/building.md).
#pragma once

#include <optional>
#include <string>

namespace pt2onnx::loader {

// For LibTorch's reason `why` that `path` did not load: one paragraph saying which op of the
// file's code this LibTorch lacks or takes other arguments for, that the file was saved by a
// newer PyTorch, and what to do; nullopt when the failure is not about an aten::/prim:: op.
std::optional<std::string> newer_torch_message(const std::string& path, const std::string& why);

}  // namespace pt2onnx::loader
