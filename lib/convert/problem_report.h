// The one paragraph a person reads for the diagnostics of one conversion, and the exit class
// they add up to. The diagnostics themselves travel with the Error, for callers that want data.
#pragma once

#include <string>
#include <vector>

#include "pt2onnx/error.h"

namespace pt2onnx::convert {

// Ops without a lowering come first, grouped by op with up to three source lines each and the
// first opset that has one; then the other problems, each with its source line.
std::string format_problems(const std::vector<Diagnostic>& problems, int opset);

// An internal error outweighs an unsupported op, which outweighs the rest.
ErrorKind worst_kind(const std::vector<Diagnostic>& problems);

// Throws the Error that carries `problems` (none: returns).
void throw_if_problems(const std::vector<Diagnostic>& problems, int opset);

}  // namespace pt2onnx::convert
