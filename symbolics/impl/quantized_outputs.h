// Graph outputs that are quantized tensors (defined in quantized.cpp, beside what it reads).
#pragma once

#include <optional>
#include <vector>

#include "symbolics/context.h"

namespace pt2onnx::sym {

// The ONNX outputs that stand for the graph output `v` when it is a quantized tensor, as
// torch.onnx writes them: its integers, its scale (float32) and its zero point (the integers'
// type), each a value of its own; `lowered` is what the dispatcher made of `v` (its float form,
// Note [Quantized values]). nullopt when `v` is not quantized. Fails with
// unsupported-output when it is but cannot be written so (per-channel, a list, parameters not
// known at conversion time).
std::optional<std::vector<ValueName>> quantized_output_parts(SymbolicContext& ctx,
                                                             const torch::jit::Value* v,
                                                             const ValueName& lowered);

}  // namespace pt2onnx::sym
