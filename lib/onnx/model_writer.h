// Assembles the ModelProto, validates it with ONNX's checker and shape inference, and writes it
// atomically (a temporary file in the output's directory, renamed at the end).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "onnx/graph_builder.h"
#include "pt2onnx/options.h"

namespace pt2onnx::onnx_ir {

struct WriteResult {
  int64_t file_bytes = 0;
  std::vector<std::string> extra_files;
};

// IR version to declare for an opset: the one ONNX released alongside it.
int64_t ir_version_for_opset(int opset);

WriteResult write_model(GraphBuilder& builder, const ExportOptions& options);

}  // namespace pt2onnx::onnx_ir
