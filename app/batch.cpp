#include "batch.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "pt2onnx/error.h"

namespace pt2onnx::cli {
namespace {

namespace fs = std::filesystem;

struct Outcome {
  bool ok = false;
  int exit_code = 0;
  std::string message;
  ExportSummary summary;
  double seconds = 0;
};

std::string first_line(const std::string& text) {
  const auto end = text.find('\n');
  return end == std::string::npos ? text : text.substr(0, end) + " ...";
}

}  // namespace

bool is_batch(const CommandLine& cl) {
  if (cl.models.size() > 1) return true;
  const std::string& out = cl.options.output_path;
  std::error_code ec;
  return !out.empty() && (out.back() == '/' || fs::is_directory(out, ec));
}

int run_batch(const CommandLine& cl, std::ostream& report, const LogSink& log) {
  const fs::path dir(cl.options.output_path);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!fs::is_directory(dir, ec)) {
    throw Error(ErrorKind::kWriteFailed,
                "cannot create the output directory '" + dir.string() + "'");
  }
  std::vector<Outcome> outcomes(cl.models.size());
  std::atomic<size_t> next{0};
  std::mutex log_mutex;
  auto worker = [&] {
    for (size_t i = next++; i < cl.models.size(); i = next++) {
      ExportOptions options = cl.options;
      options.model_path = cl.models[i];
      options.output_path = (dir / (fs::path(cl.models[i]).stem().string() + ".onnx")).string();
      const auto start = std::chrono::steady_clock::now();
      Outcome& o = outcomes[i];
      LogSink prefixed = [&](LogLevel level, const std::string& message) {
        if (!log) return;
        std::lock_guard<std::mutex> lock(log_mutex);
        log(level, cl.models[i] + ": " + message);
      };
      try {
        o.summary = export_model(options, prefixed);
        o.ok = true;
      } catch (const Error& e) {
        o.exit_code = e.exit_code();
        o.message = std::string(error_kind_name(e.kind())) + ": " + e.what();
      } catch (const std::exception& e) {
        o.exit_code = static_cast<int>(ErrorKind::kInternal);
        o.message = std::string("internal error: ") + e.what();
      }
      o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
  };
  std::vector<std::thread> threads;
  const size_t n = std::min<size_t>(static_cast<size_t>(std::max(cl.jobs, 1)), cl.models.size());
  for (size_t t = 0; t < n; ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();

  int exit_code = 0;
  size_t failed = 0;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    const Outcome& o = outcomes[i];
    char timing[32];
    std::snprintf(timing, sizeof timing, "%.2f s", o.seconds);
    if (o.ok) {
      report << "ok    " << cl.models[i] << " -> " << o.summary.output_path << " ("
             << o.summary.node_count << " nodes, " << o.summary.file_bytes << " bytes, " << timing
             << ")\n";
    } else {
      ++failed;
      if (exit_code == 0) exit_code = o.exit_code;
      report << "FAIL  " << cl.models[i] << ": " << first_line(o.message) << "\n";
    }
  }
  report << outcomes.size() - failed << " converted, " << failed << " failed\n";
  return exit_code;
}

}  // namespace pt2onnx::cli
