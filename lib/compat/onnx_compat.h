// The ONNX C++ API differences between the releases pt2onnx builds against (1.12 on Debian 12,
// 1.17 on Debian 13), in one place so that call sites stay free of version checks.
#pragma once

#include <onnx/shape_inference/implementation.h>

#include <string>
#include <type_traits>
#include <unordered_map>

namespace pt2onnx::compat {

using OnnxTypes = std::unordered_map<std::string, onnx::TypeProto*>;
using OnnxData = std::unordered_map<std::string, const onnx::TensorProto*>;
using OnnxSparseData = std::unordered_map<std::string, const onnx::SparseTensorProto*>;
using OnnxShapeData = std::unordered_map<std::string, onnx::TensorShapeProto>;

// ONNX's per-node inference context. Since ONNX 1.16 the constructor takes ShapeInferenceOptions
// before the shape data (they only reach subgraph inference; ONNX's defaults are what 1.12 used).
// The older five-argument call still compiles there, the shape-data pointer silently becoming
// `check_type`, so the newer form is chosen whenever it exists.
template <typename Context = onnx::shape_inference::InferenceContextImpl>
Context node_inference_context(onnx::NodeProto& node, const OnnxTypes& types, const OnnxData& data,
                               const OnnxSparseData& sparse, OnnxShapeData* shape_data) {
  if constexpr (std::is_constructible_v<Context, onnx::NodeProto&, const OnnxTypes&,
                                        const OnnxData&, const OnnxSparseData&,
                                        const onnx::ShapeInferenceOptions&, OnnxShapeData*>) {
    return Context(node, types, data, sparse, onnx::ShapeInferenceOptions(), shape_data);
  } else {
    return Context(node, types, data, sparse, shape_data);
  }
}

}  // namespace pt2onnx::compat
