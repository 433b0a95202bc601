// Element types an ONNX op does not take. torch runs most ops on every numeric type; ONNX ops
// have type constraints that widen from opset to opset (Relu takes integers from 14, Add takes
// uint8 from 14, IsInf never takes float16). The graph builder asks for a plan before it adds a
// node: each input whose type the schema does not allow is cast to the nearest type it allows
// that holds every value of the original, and the outputs of that type parameter are cast back,
// so relu(int32) stays int32. Where no such type exists the node is refused: a lossy cast would
// be a wrong model for the values it cannot hold.
#pragma once

#include <onnx/defs/schema.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace pt2onnx::onnx_ir {

struct TypePlan {
  // Per input: the element type to cast it to, or 0 to keep it.
  std::vector<int32_t> input_casts;
  // Per output: the element type to cast it back to, or 0 to keep it.
  std::vector<int32_t> output_casts;
};

// The casts a node of `schema` needs, given its inputs' element types (nullopt: omitted or
// unknown); nullopt when every input is legal. An input of unknown type bound to a type parameter
// whose typed inputs are cast is cast with them (the caller skips omitted inputs). Throws
// pt2onnx::Error when no lossless type exists (needs-opset when a later opset takes the type, else
// unsupported-dtype), or when inputs bound to one type parameter have different types (a symbolic
// that did not promote: internal).
std::optional<TypePlan> plan_types(const onnx::OpSchema& schema, int opset,
                                   const std::vector<std::optional<int32_t>>& input_types,
                                   size_t num_outputs);

}  // namespace pt2onnx::onnx_ir
