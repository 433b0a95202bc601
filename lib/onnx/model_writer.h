// Writes a converted graph as an ONNX file, in four stages with a file each: assemble and validate
// (model_assembly), decide where the weights go (external_data_plan), stream the bytes
// (model_stream) into a private staging directory (output_staging), and commit them to their
// final names. A failed or interrupted write leaves the previous output untouched.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "onnx/graph_builder.h"
#include "onnx/model_assembly.h"
#include "onnx/output_paths.h"
#include "pt2onnx/options.h"

namespace pt2onnx::onnx_ir {

struct WriteResult {
  int64_t file_bytes = 0;
  int64_t node_count = 0;  // main graph, after dead code elimination
  int64_t initializer_count = 0;
  int64_t initializer_bytes = 0;
  std::vector<std::string> extra_files;
};

// `notice` is told when external data is switched on; `progress` as each step ends (for -v
// timings). Refuses (kOutputIsInput) to write over options.model_path, side files included.
WriteResult write_model(GraphBuilder& builder, const ExportOptions& options,
                        const std::function<void(const std::string&)>& notice = nullptr,
                        const std::function<void(const std::string&)>& progress = nullptr);

}  // namespace pt2onnx::onnx_ir
