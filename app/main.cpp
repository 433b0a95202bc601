// pt2onnx: TorchScript in, ONNX out. Errors are one paragraph on stderr and a distinct exit code
// per failure class (docs/cli.md).
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "batch.h"
#include "cli_options.h"
#include "pt2onnx/error.h"
#include "pt2onnx/export.h"

namespace {

std::string human_bytes(int64_t bytes) {
  char buf[32];
  if (bytes >= (int64_t{1} << 30)) {
    std::snprintf(buf, sizeof buf, "%.2f GB", static_cast<double>(bytes) / (1 << 30));
  } else if (bytes >= (1 << 20)) {
    std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / (1 << 20));
  } else if (bytes >= (1 << 10)) {
    std::snprintf(buf, sizeof buf, "%.1f KB", static_cast<double>(bytes) / (1 << 10));
  } else {
    std::snprintf(buf, sizeof buf, "%lld B", static_cast<long long>(bytes));
  }
  return buf;
}

// "pt2onnx: error (unsupported) [no-lowering, needs-opset]: ...": the exit class, then the
// distinct diagnostic codes, which scripts and tests match on.
int report(const pt2onnx::Error& e) {
  std::vector<std::string> codes;
  for (const auto& d : e.diagnostics()) {
    const std::string code = pt2onnx::code_name(d.code);
    if (std::find(codes.begin(), codes.end(), code) == codes.end()) codes.push_back(code);
  }
  std::string shown;
  for (const auto& code : codes) shown += (shown.empty() ? "" : ", ") + code;
  std::cerr << "pt2onnx: error (" << pt2onnx::error_kind_name(e.kind()) << ") [" << shown
            << "]: " << e.what() << "\n";
  return e.exit_code();
}

}  // namespace

namespace {

int run(int argc, char** argv) {
  auto logger = spdlog::stderr_color_mt("pt2onnx");
  logger->set_pattern("pt2onnx: %v");
  pt2onnx::cli::ParseOutcome parsed;
  try {
    parsed = pt2onnx::cli::parse_command_line(argc, argv);
  } catch (const pt2onnx::Error& e) {
    report(e);
    std::cerr << "Run 'pt2onnx --help' for the options.\n";
    return e.exit_code();
  }
  if (parsed.exit_now) return parsed.exit_code;
  const auto& cl = parsed.command_line;
  if (cl.list_ops) {
    std::cout << pt2onnx::list_supported_ops(cl.options.opset);
    return 0;
  }
  logger->set_level(cl.verbosity == pt2onnx::cli::Verbosity::kVerbose ? spdlog::level::debug
                    : cl.verbosity == pt2onnx::cli::Verbosity::kQuiet ? spdlog::level::err
                                                                      : spdlog::level::info);
  auto sink = [&logger](pt2onnx::LogLevel level, const std::string& message) {
    switch (level) {
      case pt2onnx::LogLevel::kDebug:
        logger->debug(message);
        break;
      case pt2onnx::LogLevel::kInfo:
        logger->info(message);
        break;
      case pt2onnx::LogLevel::kWarn:
        logger->warn(message);
        break;
    }
  };
  if (pt2onnx::cli::is_batch(cl)) {
    try {
      return pt2onnx::cli::run_batch(cl, std::cout, sink);
    } catch (const pt2onnx::Error& e) {
      return report(e);
    }
  }
  try {
    const auto summary =
        pt2onnx::export_model(cl.options, sink, cl.verbosity == pt2onnx::cli::Verbosity::kVerbose);
    logger->info("wrote {} (opset {}, {} nodes, {} initializers, {})", summary.output_path,
                 cl.options.opset, summary.node_count, summary.initializer_count,
                 human_bytes(summary.file_bytes));
    return 0;
  } catch (const pt2onnx::Error& e) {
    return report(e);
  } catch (const std::exception& e) {
    std::cerr << "pt2onnx: internal error: " << e.what() << "\n";
    return static_cast<int>(pt2onnx::ErrorKind::kInternal);
  }
}

}  // namespace

// LibTorch's static destructors (unregistering thousands of operators) take about a tenth of a
// second at exit, a sizeable part of converting a small model; everything pt2onnx writes is
// closed and renamed by the time run() returns, so the process ends without them.
int main(int argc, char** argv) {
  const int code = run(argc, argv);
  spdlog::shutdown();
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  std::_Exit(code);
}
