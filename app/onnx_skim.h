// Reads an ONNX file in one pass without keeping its initializers' bytes: the report needs the
// graph's structure and the file's digest, and parsing the weights cost more than writing them.
// Protobuf parses everything but the graph's initializers; those are walked on the wire for
// their names and skipped.
#pragma once

#include <onnx/onnx_pb.h>

#include <string>
#include <vector>

namespace pt2onnx::cli {

struct SkimmedModel {
  onnx::ModelProto model;  // its graph without initializers
  std::vector<std::string> initializer_names;
  std::string sha256;  // of the whole file
};

// Throws std::runtime_error when the file cannot be read or is not an ONNX model.
SkimmedModel skim_onnx_file(const std::string& path);

}  // namespace pt2onnx::cli
