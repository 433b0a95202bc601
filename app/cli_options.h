// The command line: CLI11 definitions and the parsers for --shape/--dtype/--dynamic values.
#pragma once

#include <string>
#include <vector>

#include "pt2onnx/options.h"
#include "verify_glue.h"

namespace pt2onnx::cli {

enum class Verbosity { kQuiet, kNormal, kVerbose };

struct CommandLine {
  ExportOptions options;            // model_path is the first model
  std::vector<std::string> models;  // all models given (batch mode when more than one)
  int jobs = 1;                     // parallel conversions in batch mode
  Verbosity verbosity = Verbosity::kNormal;
  bool list_ops = false;
  std::string manifest;     // --manifest: one conversion per line (batch mode)
  std::string report_path;  // --report FILE.json
  VerifySettings verify;    // --verify, --verify-rtol, --verify-atol
};

// Throws pt2onnx::Error(kUsage) for bad values; returns nullopt-like `exit_now` for --help and
// --version (after printing them).
struct ParseOutcome {
  CommandLine command_line;
  bool exit_now = false;
  int exit_code = 0;
};
ParseOutcome parse_command_line(int argc, const char* const* argv);

std::pair<std::string, std::vector<int64_t>> parse_shape(const std::string& text);
// "in:1x3x224x224" -> {"in", {1, 3, 224, 224}}; "in:scalar" -> {"in", {}}; sizes below 1 throw.
// "in:float16" -> {"in", DType::kFloat16}
std::pair<std::string, DType> parse_dtype_option(const std::string& text);
// "in:0", "in:2,3", "in:0=batch,2=height"; one axis with two symbols throws.
std::pair<std::string, std::vector<DynamicAxis>> parse_dynamic(const std::string& text);
std::vector<std::string> split_names(const std::string& text);

}  // namespace pt2onnx::cli
