// The LibTorch differences between the releases pt2onnx builds against (1.13 on Debian 12, 2.6 on
// Debian 13), in one place so that call sites stay free of version checks.
#pragma once

#include <torch/version.h>

namespace pt2onnx::compat {

// The LibTorch pt2onnx is compiled against, as its headers spell it ("1.13.0").
inline constexpr const char* kLibTorchVersion = TORCH_VERSION;

// LibTorch 1.x lacks the aten:: ops torch 2.x added, which files saved by torch 2.x call; the
// loader declares them to its operator registry before loading (loader/newer_aten_ops.h).
inline constexpr bool kDeclaresNewerAtenOps = TORCH_VERSION_MAJOR < 2;

}  // namespace pt2onnx::compat
