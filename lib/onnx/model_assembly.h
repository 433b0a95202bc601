// Writer stage 1: the ModelProto around the builder's graph (IR version, opset, producer), pruned
// of dead nodes and unread parameter inputs, and validated by ONNX's checker and strict shape
// inference before a byte is written.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "onnx/graph_builder.h"
#include "pt2onnx/options.h"

namespace pt2onnx::onnx_ir {

struct AssembledModel {
  onnx::ModelProto model;                   // the graph without its initializers
  std::vector<const Initializer*> weights;  // the initializers still read, in builder order
  int64_t weight_bytes = 0;
};

// IR version to declare for an opset: the one ONNX released alongside it.
int64_t ir_version_for_opset(int opset);

// Takes the builder's main graph (give it back with return_graph). `step` is told as each
// part ends.
AssembledModel assemble_model(GraphBuilder& builder, const ExportOptions& options,
                              const std::function<void(const char*)>& step);

// Hands the graph back to the builder, for callers that print it after writing.
void return_graph(AssembledModel& assembled, GraphBuilder& builder);

}  // namespace pt2onnx::onnx_ir
