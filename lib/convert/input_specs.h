// Resolves the user's --input-names/--output-names/--shape/--dtype/--dynamic against the model's
// inputs and outputs, and applies what concerns outputs once they exist.
#pragma once

#include <c10/core/ScalarType.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "loader/torchscript_loader.h"
#include "onnx/graph_builder.h"
#include "pt2onnx/options.h"

namespace torch::jit {
struct Graph;
}

namespace pt2onnx::convert {

struct InputSpec {
  c10::ScalarType dtype = c10::kFloat;
  std::optional<std::vector<int64_t>> shape;  // -1: size unknown (rank inferred)
  std::map<int64_t, std::string> dynamic;     // axis -> dim_param
};

struct IoSpecs {
  std::vector<std::string> input_names;  // final names
  std::vector<InputSpec> inputs;
  std::vector<std::string> output_names;        // as given by --output-names (may be empty)
  std::map<std::string, int64_t> symbol_sizes;  // dim_param -> size given by --shape
  std::set<std::string> option_keys_used;       // --dynamic keys that named an input
};

IoSpecs resolve_io_specs(const loader::LoadedGraph& loaded, const ExportOptions& options);
// The user's names, else `defaults` when there is one per output (a returned dict's keys) and
// the user gave none, else "output" for a single output and "output_0", "output_1", ... otherwise.
std::vector<std::string> output_names_for(const IoSpecs& specs, size_t count,
                                          const std::vector<std::string>& defaults = {});
void apply_output_dynamic_axes(onnx_ir::GraphBuilder& builder,
                               const std::vector<std::string>& output_names, const IoSpecs& specs,
                               const ExportOptions& options);
// A Reshape to a constant shape that repeats the export-time size of a dynamic axis would give
// wrong results at any other size (pytorch#99701): refuse to write such a model.
void check_no_baked_dynamic_sizes(onnx_ir::GraphBuilder& builder, const IoSpecs& specs);

// For tensor inputs without --shape, the rank implied by their first consumer (a convolution's or
// pooling's spatial rank); the sizes stay unknown (-1). Inputs no consumer tells about stay as
// they are.
void infer_missing_input_ranks(const torch::jit::Graph& graph, IoSpecs& specs);

c10::ScalarType parse_dtype(const std::string& text);

}  // namespace pt2onnx::convert
