// The ONNX side of the resolved options: each graph input's dtype, shape and dynamic axes, the
// output names, and the --dynamic axes of outputs applied once the outputs exist.
#pragma once

#include <c10/core/ScalarType.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "convert/option_resolver.h"
#include "loader/torchscript_loader.h"
#include "onnx/graph_builder.h"
#include "pt2onnx/options.h"

namespace pt2onnx::convert {

struct InputSpec {
  c10::ScalarType dtype = c10::kFloat;
  std::optional<std::vector<int64_t>> shape;  // -1: size unknown (rank inferred)
  std::map<int64_t, std::string> dynamic;     // axis -> dim_param
  // The options that gave the shape and dtype ("--shape x:1x3x8x8"), empty when none did.
  std::string shape_option;
  std::string dtype_option;
};

struct IoSpecs {
  std::vector<std::string> input_names;  // final names
  std::vector<InputSpec> inputs;
  std::vector<std::string> output_names;        // as given by --output-names (may be empty)
  std::map<std::string, int64_t> symbol_sizes;  // dim_param -> size given by --shape
  std::vector<DynamicOption> output_dynamic;    // --dynamic occurrences that name no input
};

// `loaded` has had its defaults bound and its tuples flattened as `resolved` says.
IoSpecs io_specs(const loader::LoadedGraph& loaded, const ResolvedOptions& resolved,
                 const ExportOptions& options);
// The user's names, else `defaults` when there is one per output (a returned dict's keys) and
// the user gave none, else "output" for a single output and "output_0", "output_1", ... otherwise
// (with a suffix where the user gave that name to another input or output).
std::vector<std::string> output_names_for(const IoSpecs& specs, size_t count,
                                          const std::vector<std::string>& defaults = {});
// Returns a warning per output axis declared dynamic whose size the graph fixes (the model
// computes it from constants or static sizes): the file declares that size, since it is what
// the model gives at every size of the inputs.
std::vector<Diagnostic> apply_output_dynamic_axes(onnx_ir::GraphBuilder& builder,
                                                  const std::vector<std::string>& output_names,
                                                  const IoSpecs& specs);
// A Reshape to a constant shape that repeats the export-time size of a dynamic axis would give
// wrong results at any other size (pytorch#99701): refuse to write such a model.
void check_no_baked_dynamic_sizes(onnx_ir::GraphBuilder& builder, const IoSpecs& specs);

c10::ScalarType scalar_type(DType dtype);
// The inverse, for messages in --dtype's spelling; nullopt for types no --dtype gives.
std::optional<DType> dtype_of(c10::ScalarType type);
// "int64" where --dtype can say it, LibTorch's name otherwise.
std::string dtype_text(c10::ScalarType type);

}  // namespace pt2onnx::convert
