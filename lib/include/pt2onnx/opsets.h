// Which opsets this build writes. Two limits apply: the symbolic tables stop at kMaxOpset
// (options.h), and the linked ONNX library, whose schemas, checker and shape inference every
// export goes through, knows no opset newer than its own release's.
#pragma once

#include <optional>
#include <string>

namespace pt2onnx {

// The linked ONNX library's release ("1.12.0") and the newest default-domain opset it defines.
std::string onnx_version();
int onnx_max_opset();

// The highest opset this build writes: the lower of the two limits.
int max_opset();

// Why `opset` cannot be written, naming the limit that refuses it; nullopt when it can be.
std::optional<std::string> opset_refusal(int opset);

}  // namespace pt2onnx
