// Turns a prepared TorchScript graph into an ONNX graph: binds the inputs with the user's names,
// dtypes, shapes and dynamic axes, reports every unsupported op at once, dispatches the nodes and
// marks the outputs.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "convert/input_specs.h"
#include "loader/torchscript_loader.h"
#include "onnx/graph_builder.h"
#include "pt2onnx/error.h"
#include "pt2onnx/options.h"

namespace pt2onnx::convert {

struct ConvertedGraph {
  std::unique_ptr<onnx_ir::GraphBuilder> builder;
  std::vector<std::string> input_names;
  std::vector<std::string> output_names;
  std::vector<Diagnostic> warnings;
};

ConvertedGraph convert_graph(const loader::LoadedGraph& loaded, const IoSpecs& specs,
                             const ExportOptions& options);

}  // namespace pt2onnx::convert
