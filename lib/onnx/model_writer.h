// Assembles the ModelProto, validates it with ONNX's checker and shape inference, and writes it
// atomically (a temporary file in the output's directory, renamed at the end).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "onnx/graph_builder.h"
#include "pt2onnx/options.h"

namespace pt2onnx::onnx_ir {

struct WriteResult {
  int64_t file_bytes = 0;
  int64_t node_count = 0;  // main graph, after dead code elimination
  int64_t initializer_count = 0;
  int64_t initializer_bytes = 0;
  std::vector<std::string> extra_files;
};

// IR version to declare for an opset: the one ONNX released alongside it.
int64_t ir_version_for_opset(int opset);

// Throws kWriteFailed when the output's directory does not exist or is not writable.
void check_output_location(const std::string& output_path);

// Streams the model: tensor bytes go from LibTorch's storage to the file (or to external data
// files) without a serialized copy in memory. `notice` is told when external data is switched on;
// `progress` as each step ends (for -v timings).
WriteResult write_model(GraphBuilder& builder, const ExportOptions& options,
                        const std::function<void(const std::string&)>& notice = nullptr,
                        const std::function<void(const std::string&)>& progress = nullptr);

}  // namespace pt2onnx::onnx_ir
