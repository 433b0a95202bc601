// The library's entry point: TorchScript file in, ONNX file out.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "pt2onnx/error.h"
#include "pt2onnx/options.h"

namespace pt2onnx {

enum class LogLevel { kDebug, kInfo, kWarn };
using LogSink = std::function<void(LogLevel, const std::string&)>;

struct ExportSummary {
  std::string output_path;
  std::vector<std::string> extra_files;  // external data files written beside the model
  std::vector<std::string> input_names;
  std::vector<std::string> output_names;
  int64_t node_count = 0;
  int64_t initializer_count = 0;
  int64_t initializer_bytes = 0;
  int64_t file_bytes = 0;
  std::vector<Diagnostic> warnings;  // what was changed to make the model expressible
  // The size --shape gave each dim_param of the inputs (what --verify runs the file at).
  std::map<std::string, int64_t> symbol_sizes;
};

// Told as each stage of a conversion begins: "load", "prepare", "convert", "write" (the
// report's stage timings, and the stage a failed conversion was in).
using StageSink = std::function<void(const char* stage)>;

// Converts options.model_path to options.output_path. Throws pt2onnx::Error; on any failure no
// output file is left behind. `dump_graphs` logs the prepared TorchScript graph and the ONNX
// graph at debug level.
ExportSummary export_model(const ExportOptions& options, const LogSink& log = nullptr,
                           bool dump_graphs = false, const StageSink& stage = nullptr);

// One line per (op, opsets) for --list-ops; `opset` 0 lists every opset's coverage.
std::string list_supported_ops(int opset);

}  // namespace pt2onnx
