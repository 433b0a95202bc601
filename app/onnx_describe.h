// What a written ONNX file holds, for the report: IR version and opsets, inputs and outputs with
// dtypes and shapes (dim symbols as strings), node counts and an op histogram. Read back from the
// file itself (not from the converter's memory) so that the report describes what a consumer
// of the file will see; the same single read computes the file's SHA-256.
#pragma once

#include <string>

#include "json.h"

namespace pt2onnx::cli {

struct OnnxFileFacts {
  Json description;
  std::string sha256;
};

// Throws std::runtime_error when the file cannot be read or parsed.
OnnxFileFacts describe_onnx_file(const std::string& path);

}  // namespace pt2onnx::cli
