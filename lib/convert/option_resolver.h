// Matches the user's --shape/--dtype/--dynamic/--input-names against the method's signature,
// once, before anything changes the graph's inputs: binding defaults, flattening tuples and
// typing the ONNX inputs all read the result instead of the option keys.
#pragma once

#include <ATen/core/jit_type.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pt2onnx/options.h"

namespace pt2onnx::loader {
struct LoadedGraph;
}

namespace pt2onnx::convert {

// One argument of the exported method (`self` excluded), in signature order.
struct SignatureArgument {
  std::string name;
  c10::TypePtr type;
  bool has_default = false;
};

// One graph input as it will be once defaults are bound and tuples flattened. The *_option
// fields spell the occurrence that set the value ("--shape x:1x3x8x8") for later messages.
struct ResolvedInput {
  std::string name;      // the graph input's name (--input-names, else `original`)
  std::string original;  // "x", or "pair.0" for a tuple element
  size_t argument = 0;   // its argument's index in the signature
  c10::TypePtr type;     // the element's TorchScript type
  std::optional<std::vector<int64_t>> shape;
  std::string shape_option;
  std::optional<DType> dtype;
  std::string dtype_option;
  std::map<int64_t, std::string> dynamic;  // axis -> dim_param
  std::string dynamic_option;
};

struct ResolvedOptions {
  // Per signature argument: it stays an input (it has no default, or an option names it).
  std::vector<bool> keep_argument;
  std::vector<ResolvedInput> inputs;  // the graph inputs, in order
  // --dynamic occurrences whose key names no input: outputs, matched once they exist.
  std::vector<DynamicOption> output_dynamic;
  std::map<std::string, int64_t> symbol_sizes;  // dim_param -> the size --shape gives it
};

// Throws Error with kUnknownOptionKey, kOptionConflict, kBadOption or kBadInputSpec; a message
// about two occurrences names both.
ResolvedOptions resolve_options(const std::vector<SignatureArgument>& signature,
                                const ExportOptions& options);
// The signature of a freshly loaded graph (before bind_default_inputs).
std::vector<SignatureArgument> signature_of(const loader::LoadedGraph& loaded);

// "--shape x:1x3x8x8", "--dtype x:int64", "--dynamic x:0=batch,2": how messages quote them.
std::string spell(const ShapeOption& option);
std::string spell(const DTypeOption& option);
std::string spell(const DynamicOption& option);

}  // namespace pt2onnx::convert
