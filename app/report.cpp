#include "report.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

#include "model_run.h"
#include "onnx/temp_registry.h"
#include "pt2onnx/error.h"
#include "pt2onnx/opsets.h"

namespace pt2onnx::cli {
namespace {

namespace fs = std::filesystem;

int64_t max_rss(int who) {
  rusage usage{};
  ::getrusage(who, &usage);
  return static_cast<int64_t>(usage.ru_maxrss) * 1024;
}

std::string random_suffix() {
  std::mt19937_64 rng(std::random_device{}() ^ (static_cast<uint64_t>(::getpid()) << 32));
  static const char kLetters[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  for (int i = 0; i < 6; ++i) out.push_back(kLetters[rng() % (sizeof kLetters - 1)]);
  return out;
}

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw Error(ErrorKind::kWriteFailed, "cannot write the report '" + path + "': " + what + " (" +
                                           std::strerror(errno) + ")");
}

}  // namespace

Json report_document(const RunInfo& run, const std::vector<Json>& entries, int exit_code) {
  Json doc = Json::object();
  doc.set("schema", "pt2onnx-report");
  doc.set("version", Json(kReportVersion));
  Json tool = Json::object();
  tool.set("pt2onnx", PT2ONNX_VERSION);
  tool.set("onnx", onnx_version());
  doc.set("tool", tool);
  doc.set("mode", run.mode);
  doc.set("manifest", run.manifest.empty() ? Json() : Json(run.manifest));
  doc.set("jobs", Json(run.jobs));
  size_t failed = 0;
  int64_t largest_model = 0;
  for (const Json& e : entries) {
    if (entry_exit_code(e) != 0) ++failed;
    if (const Json* p = e.find("peak_rss_bytes"); p && p->is_number()) {
      largest_model = std::max(largest_model, p->as_int());
    }
  }
  Json totals = Json::object();
  totals.set("models", Json(entries.size()));
  totals.set("converted", Json(entries.size() - failed));
  totals.set("failed", Json(failed));
  totals.set("exit_code", Json(exit_code));
  totals.set("seconds", Json(run.seconds));
  // The parent's own peak (LibTorch loaded once) and the largest of the children's.
  totals.set("peak_rss_bytes", Json(std::max(max_rss(RUSAGE_SELF), max_rss(RUSAGE_CHILDREN))));
  totals.set("largest_model_peak_rss_bytes", Json(largest_model));
  doc.set("totals", totals);
  Json models = Json::array();
  for (const Json& e : entries) models.push(e);
  doc.set("models", models);
  return doc;
}

void write_report(const std::string& path, const Json& document) {
  const fs::path target(path);
  const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  const std::string temp =
      (dir / ("." + target.filename().string() + "." + random_suffix() + ".pt2onnx-tmp")).string();
  // Registered before it exists, so that a signal removes it (docs/cli.md, Signals).
  onnx_ir::RegisteredTemp registration(temp, onnx_ir::TempKind::kFile);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) fail(path, "cannot create a temporary file beside it");
  const std::string text = document.dump(true) + "\n";
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      ::unlink(temp.c_str());
      fail(path, "write failed");
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(temp.c_str());
    fail(path, "write failed");
  }
  onnx_ir::CommitGuard hold_signals;
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    ::unlink(temp.c_str());
    fail(path, "cannot rename the temporary file into place");
  }
}

}  // namespace pt2onnx::cli
