// LibTorch's explanation of a failure, whole but without its C++ stack trace and surrounding
// blank lines; never empty (a header with nothing after its colon tells the user nothing).
#pragma once

#include <exception>
#include <string>

namespace pt2onnx::loader {

std::string libtorch_message(const std::exception& e);

}  // namespace pt2onnx::loader
