// What the user asked for: everything the CLI (or another caller) can set for one export.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pt2onnx {

inline constexpr int kMinOpset = 9;
inline constexpr int kMaxOpset = 17;
inline constexpr int kDefaultOpset = 17;

// One dynamic axis of an input or output; an empty symbol means "generate one".
struct DynamicAxis {
  int64_t axis = 0;
  std::string symbol;
};

// The element types an input can have: those ONNX and LibTorch share.
enum class DType {
  kFloat32,
  kFloat16,
  kBFloat16,
  kFloat64,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUInt8,
  kBool
};

// "float32", "float16", ...: the spelling --dtype takes and messages show.
const char* dtype_name(DType dtype);
// The canonical names and torch's aliases ("float", "half", "long", ...); nullopt when unknown.
std::optional<DType> dtype_from_name(const std::string& name);
// "float32, float16, bfloat16, ..." for messages and --help.
std::string dtype_names();

// One --shape/--dtype/--dynamic occurrence, in command-line order. `key` names an input (its
// argument name, its --input-names name, a tuple element "pair.0" or the 0-based index of the
// argument in the method's signature) or, for --dynamic only, an output. Several occurrences
// may describe one input; they must agree (the option resolver checks).
struct ShapeOption {
  std::string key;
  std::vector<int64_t> dims;  // all >= 1; empty for a 0-d input
};
struct DTypeOption {
  std::string key;
  DType dtype = DType::kFloat32;
};
struct DynamicOption {
  std::string key;
  std::vector<DynamicAxis> axes;
};

enum class ExternalDataMode {
  kAuto,      // inline below 2 GB, one side file above (with a notice)
  kAlways,    // all weights in one side file
  kPerTensor  // one file per tensor, as torch.onnx does
};

struct ExportOptions {
  std::string model_path;
  std::string output_path;
  int opset = kDefaultOpset;
  std::string method = "forward";

  std::vector<std::string> input_names;   // renames, in order
  std::vector<std::string> output_names;  // renames, in order
  std::vector<ShapeOption> shapes;
  std::vector<DTypeOption> dtypes;
  std::vector<DynamicOption> dynamic_axes;

  bool export_params = true;
  bool keep_initializers_as_inputs = false;
  bool constant_folding = true;
  ExternalDataMode external_data = ExternalDataMode::kAuto;
  // A check that raises on a path that depends on run-time values is dropped with a warning, as
  // tracing and torch.onnx do; with this set it is refused instead.
  bool fail_on_runtime_checks = false;
  // Operator libraries (shared objects registering ops such as torchvision::nms) to load when
  // the model calls ops LibTorch does not know; PT2ONNX_LOAD_LIBRARY's entries follow these.
  std::vector<std::string> op_libraries;
};

}  // namespace pt2onnx
