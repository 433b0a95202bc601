// Writer stage 3: the bytes. Tensor data goes from LibTorch's storage to the files without a
// serialized copy of the model in memory: the protobuf wire format is written around it.
#pragma once

#include <cstdint>

#include "onnx/external_data_plan.h"
#include "onnx/model_assembly.h"
#include "onnx/output_staging.h"

namespace pt2onnx::onnx_ir {

// Writes the plan's side files and the model file into the staging directory; returns the model
// file's size. The external tensors' headers are added to the assembled graph.
int64_t stream_model(AssembledModel& assembled, const DataPlan& plan, OutputStaging& staging);

}  // namespace pt2onnx::onnx_ir
