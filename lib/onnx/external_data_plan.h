// Writer stage 2: where each weight's bytes go (inline after its header in the model file, or at
// an offset of a side file) and what its TensorProto header says about it. Nothing is written.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "onnx/model_assembly.h"

namespace pt2onnx::onnx_ir {

// A protobuf message may not exceed 2 GiB; stay clear of it with the graph around the weights.
constexpr int64_t kInlineLimitBytes = (int64_t{2} << 30) - (int64_t{64} << 20);
// Tensors smaller than this stay inline even in external-data mode (as onnx's own converter).
constexpr int64_t kExternalThresholdBytes = 1024;
constexpr int64_t kExternalAlignment = 4096;

struct PlannedTensor {
  const Initializer* init = nullptr;
  onnx::TensorProto header;  // name, dtype, dims; the external location for external ones
  int side_file = -1;        // index into DataPlan::side_files; -1: inline in the model file
  int64_t offset = 0;        // where its bytes start in the side file
  int64_t padding = 0;       // zero bytes written before them (alignment)
};

struct DataPlan {
  bool external = false;
  std::vector<std::string> side_files;  // file names, in the model's directory
  std::vector<PlannedTensor> tensors;   // in initializer order
};

// `notice` is told when external data is switched on because the weights are too large.
DataPlan plan_external_data(const AssembledModel& assembled, const ExportOptions& options,
                            const std::function<void(const std::string&)>& notice);

}  // namespace pt2onnx::onnx_ir
