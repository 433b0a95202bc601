// pt2onnx: TorchScript in, ONNX out. Errors are one paragraph on stderr and a distinct exit code
// per failure class (docs/cli.md).
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "batch.h"
#include "cli_options.h"
#include "interrupts.h"
#include "manifest.h"
#include "model_run.h"
#include "progress.h"
#include "pt2onnx/error.h"
#include "pt2onnx/export.h"
#include "report.h"

namespace {

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

// The same paragraph from a report entry (a single-model run goes through run_model too).
int report_entry(const pt2onnx::cli::Json& entry) {
  std::vector<std::string> codes;
  for (const auto& d : entry.find("diagnostics")->items()) {
    const std::string& code = d.find("code")->as_string();
    if (std::find(codes.begin(), codes.end(), code) == codes.end()) codes.push_back(code);
  }
  std::string shown;
  for (const auto& code : codes) shown += (shown.empty() ? "" : ", ") + code;
  std::cerr << "pt2onnx: error (" << entry.find("exit_class")->as_string() << ") [" << shown
            << "]: " << entry.find("message")->as_string() << "\n";
  return pt2onnx::cli::entry_exit_code(entry);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// On a terminal, a single conversion shows the bytes written while its weights are written
// (they can take seconds); the watcher reads the staging directory's size twice a second.
class WriteWatcher {
 public:
  WriteWatcher(const std::string& output, bool enabled) {
    if (!enabled) return;
    thread_ = std::thread([this, output] {
      std::unique_lock<std::mutex> lock(mutex_);
      while (!done_) {
        cv_.wait_for(lock, std::chrono::milliseconds(500));
        if (done_) break;
        const int64_t bytes = pt2onnx::cli::staged_bytes(output);
        if (bytes == 0) continue;
        std::fprintf(stderr, "\r\033[Kwriting %s: %s", output.c_str(),
                     pt2onnx::cli::human_bytes(bytes).c_str());
        std::fflush(stderr);
        drawn_ = true;
      }
      if (drawn_) std::fprintf(stderr, "\r\033[K");
    });
  }
  ~WriteWatcher() {
    if (!thread_.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool done_ = false;
  bool drawn_ = false;
};

int run(int argc, char** argv) {
  const auto start = std::chrono::steady_clock::now();
  pt2onnx::cli::install_interrupt_handlers();
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
  const bool quiet = cl.verbosity == pt2onnx::cli::Verbosity::kQuiet;
  const bool verbose = cl.verbosity == pt2onnx::cli::Verbosity::kVerbose;
  logger->set_level(verbose ? spdlog::level::debug
                    : quiet ? spdlog::level::err
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
  pt2onnx::cli::RunInfo run_info;
  run_info.manifest = cl.manifest;
  run_info.jobs = cl.jobs;
  const bool describe = !cl.report_path.empty();
  std::vector<pt2onnx::cli::Json> entries;
  int exit_code = 0;
  if (pt2onnx::cli::is_batch(cl)) {
    run_info.mode = cl.manifest.empty() ? "batch" : "manifest";
    try {
      const auto jobs = cl.manifest.empty() ? pt2onnx::cli::command_line_jobs(cl)
                                            : pt2onnx::cli::manifest_jobs(cl);
      pt2onnx::cli::BatchSettings settings;
      settings.jobs = cl.jobs;
      settings.progress = pt2onnx::cli::progress_wanted(quiet);
      settings.describe = describe;
      entries = pt2onnx::cli::run_jobs(jobs, settings, sink);
    } catch (const pt2onnx::Error& e) {
      return report(e);
    }
    exit_code = pt2onnx::cli::print_summary(entries, std::cout);
  } else {
    run_info.mode = "single";
    pt2onnx::cli::ModelJob job;
    job.label = cl.options.model_path;
    job.options = cl.options;
    job.verify = cl.verify;
    {
      WriteWatcher watcher(cl.options.output_path, pt2onnx::cli::progress_wanted(quiet));
      entries.push_back(pt2onnx::cli::run_model(job, sink, verbose, describe));
    }
    const auto& e = entries.back();
    exit_code = pt2onnx::cli::entry_exit_code(e);
    if (exit_code != 0) {
      report_entry(e);
    } else {
      const auto& s = *e.find("summary");
      logger->info("wrote {} (opset {}, {} nodes, {} initializers, {}{})", cl.options.output_path,
                   cl.options.opset, s.find("node_count")->as_int(),
                   s.find("initializer_count")->as_int(),
                   pt2onnx::cli::human_bytes(s.find("file_bytes")->as_int()),
                   e.find("verify")->is_object() ? "; verified in ONNX Runtime" : "");
    }
  }
  if (describe) {
    run_info.seconds = seconds_since(start);
    try {
      pt2onnx::cli::write_report(cl.report_path,
                                 pt2onnx::cli::report_document(run_info, entries, exit_code));
    } catch (const pt2onnx::Error& e) {
      report(e);
      if (exit_code == 0) exit_code = e.exit_code();
    }
  }
  return exit_code;
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
