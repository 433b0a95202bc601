// What the user asked for: everything the CLI (or another caller) can set for one export.
#pragma once

#include <cstdint>
#include <map>
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
  // Keys are an original argument name, a --input-names/--output-names name, or a 0-based index.
  std::map<std::string, std::vector<int64_t>> shapes;
  std::map<std::string, std::string> dtypes;
  std::map<std::string, std::vector<DynamicAxis>> dynamic_axes;

  bool export_params = true;
  bool keep_initializers_as_inputs = false;
  bool constant_folding = true;
  ExternalDataMode external_data = ExternalDataMode::kAuto;
  // A check that raises on a path that depends on run-time values is dropped with a warning, as
  // tracing and torch.onnx do; with this set it is refused instead.
  bool fail_on_runtime_checks = false;
};

}  // namespace pt2onnx
