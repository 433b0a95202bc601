#include "pt2onnx/export.h"

#include <torch/csrc/jit/ir/ir.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "convert/converter.h"
#include "convert/first_consumers.h"
#include "convert/input_specs.h"
#include "convert/option_resolver.h"
#include "loader/libtorch_warnings.h"
#include "loader/torchscript_loader.h"
#include "onnx/model_writer.h"
#include "passes/passes.h"
#include "passes/pipeline.h"
#include "pt2onnx/error.h"
#include "pt2onnx/opsets.h"
#include "symbolics/tables/tables.h"

namespace pt2onnx {
namespace {

void log_to(const LogSink& log, LogLevel level, const std::string& message) {
  if (log) log(level, message);
}

}  // namespace

ExportSummary export_model(const ExportOptions& options, const LogSink& log, bool dump_graphs,
                           const StageSink& stage) {
  const auto begin = [&stage](const char* name) {
    if (stage) stage(name);
  };
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&start] {
    char buf[32];
    std::snprintf(buf, sizeof buf, "[%.2f s] ",
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    return std::string(buf);
  };
  // The handler is per thread, as LibTorch's is: batch jobs on other threads keep their own.
  loader::LibTorchWarnings libtorch_warnings(
      [&log](const std::string& message) { log_to(log, LogLevel::kDebug, message); });
  loader::WarningHandlerGuard warnings_guard(&libtorch_warnings);
  if (auto refusal = opset_refusal(options.opset)) {
    throw Error(DiagCode::kOpsetOutOfRange, *refusal);
  }
  // Fail before the slow part.
  onnx_ir::check_output_location(options.output_path);
  onnx_ir::refuse_overwriting_input(
      options.model_path,
      {options.output_path, (std::filesystem::path(options.output_path).parent_path() /
                             onnx_ir::external_data_name(options.output_path))
                                .string()});
  begin("load");
  log_to(log, LogLevel::kDebug, elapsed() + "loading " + options.model_path);
  loader::LoadedGraph loaded = loader::load_torchscript(
      options.model_path, options.method, options.op_libraries,
      [&](const std::string& step) { log_to(log, LogLevel::kDebug, elapsed() + step); });
  begin("prepare");
  log_to(log, LogLevel::kDebug, elapsed() + "preparing the graph");
  // Option keys are matched to the signature once, before binding and flattening change it.
  const convert::ResolvedOptions resolved =
      convert::resolve_options(convert::signature_of(loaded), options);
  passes::bind_default_inputs(loaded, resolved.keep_argument);
  passes::flatten_tuple_inputs(loaded);
  convert::IoSpecs specs = convert::io_specs(loaded, resolved, options);
  std::vector<std::optional<int64_t>> ranks;
  for (const auto& input : specs.inputs) {
    ranks.push_back(input.shape ? std::optional<int64_t>(input.shape->size()) : std::nullopt);
  }
  passes::prepare_graph(loaded.graph, ranks, options.constant_folding && options.export_params);
  convert::check_inputs_against_consumers(*loaded.graph, specs);
  convert::infer_missing_input_ranks(*loaded.graph, specs);
  if (dump_graphs) {
    std::ostringstream text;
    text << *loaded.graph;
    log_to(log, LogLevel::kDebug, "prepared TorchScript graph:\n" + text.str());
  }
  begin("convert");
  log_to(log, LogLevel::kDebug, elapsed() + "converting at opset " + std::to_string(options.opset));
  convert::ConvertedGraph converted = convert::convert_graph(loaded, specs, options);
  if (dump_graphs) {
    log_to(log, LogLevel::kDebug, "ONNX graph:\n" + converted.builder->dump());
  }
  ExportSummary summary;
  summary.output_path = options.output_path;
  summary.input_names = converted.input_names;
  summary.output_names = converted.output_names;
  summary.warnings = loaded.warnings;
  summary.warnings.insert(summary.warnings.end(), converted.warnings.begin(),
                          converted.warnings.end());
  summary.symbol_sizes = specs.symbol_sizes;
  for (const auto& w : summary.warnings) {
    std::string text = std::string(code_name(w.code)) + ": " + w.message;
    if (!w.source.empty()) text += " (at " + w.source + ")";
    log_to(log, LogLevel::kWarn, text);
  }
  begin("write");
  log_to(log, LogLevel::kDebug, elapsed() + "writing " + options.output_path);
  onnx_ir::WriteResult written = onnx_ir::write_model(
      *converted.builder, options,
      [&log](const std::string& message) { log_to(log, LogLevel::kWarn, message); },
      [&](const std::string& step) { log_to(log, LogLevel::kDebug, elapsed() + step); });
  log_to(log, LogLevel::kDebug, elapsed() + "done");
  summary.file_bytes = written.file_bytes;
  summary.node_count = written.node_count;
  summary.initializer_count = written.initializer_count;
  summary.initializer_bytes = written.initializer_bytes;
  summary.extra_files = written.extra_files;
  return summary;
}

std::string list_supported_ops(int opset) {
  const auto& registry = sym::builtin_registry();
  std::ostringstream out;
  for (const auto& [key, opsets] : registry.coverage()) {
    if (opset != 0 && std::find(opsets.begin(), opsets.end(), opset) == opsets.end()) continue;
    out << key << "\t";
    // Opsets come as runs: "9-17", "11-17", or "9-10, 13-17" where masked in between.
    for (size_t i = 0; i < opsets.size();) {
      size_t j = i;
      while (j + 1 < opsets.size() && opsets[j + 1] == opsets[j] + 1) ++j;
      out << (i ? ", " : "") << opsets[i];
      if (j > i) out << "-" << opsets[j];
      i = j + 1;
    }
    out << "\n";
  }
  return out.str();
}

}  // namespace pt2onnx
