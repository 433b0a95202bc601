#include "model_run.h"

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "onnx_describe.h"
#include "sha256.h"

namespace pt2onnx::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const char* severity_name(Severity s) { return s == Severity::kError ? "error" : "warning"; }

Json diagnostic_json(const Diagnostic& d) {
  Json out = Json::object();
  out.set("code", code_name(d.code));
  out.set("severity", severity_name(d.severity));
  out.set("message", d.message);
  out.set("node_kind", d.node_kind.empty() ? Json() : Json(d.node_kind));
  out.set("source", d.source.empty() ? Json() : Json(d.source));
  out.set("scope", d.scope.empty() ? Json() : Json(d.scope));
  out.set("opset", d.opset ? Json(d.opset) : Json());
  out.set("first_opset", d.first_opset ? Json(*d.first_opset) : Json());
  return out;
}

// The largest resident set of this process so far: in a batch's child, the conversion of this
// model (with the LibTorch pages it shares with the parent).
int64_t peak_rss_bytes() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<int64_t>(usage.ru_maxrss) * 1024;
}

// The stage timings: each stage lasts until the next begins.
class StageClock {
 public:
  StageClock() : start_(Clock::now()), last_(start_) {}
  void begin(const std::string& stage) {
    close();
    current_ = stage;
  }
  const std::string& current() const { return current_; }
  Json json() {
    close();
    Json out = Json::object();
    for (const auto& [name, seconds] : done_) out.set(name, Json(seconds));
    out.set("total", Json(std::chrono::duration<double>(Clock::now() - start_).count()));
    return out;
  }

 private:
  void close() {
    const auto now = Clock::now();
    if (!current_.empty()) {
      done_.emplace_back(current_, std::chrono::duration<double>(now - last_).count());
    }
    current_.clear();
    last_ = now;
  }
  Clock::time_point start_, last_;
  std::string current_;
  std::vector<std::pair<std::string, double>> done_;
};

// Every key in its place from the start (Json::set keeps a key's position), so that every entry,
// whatever happened, lists the same keys in the same order (docs/report.md).
Json base_entry(const ModelJob& job) {
  Json e = Json::object();
  e.set("model", job.label);
  e.set("line", job.line ? Json(job.line) : Json());
  e.set("output", job.options.output_path.empty() ? Json() : Json(job.options.output_path));
  for (const char* key : {"status", "exit_code", "exit_class", "message"}) e.set(key, Json());
  e.set("diagnostics", Json::array());
  e.set("failed_stage", Json());
  e.set("warnings", Json::array());
  e.set("summary", Json());
  e.set("onnx", Json());
  e.set("files", Json::array());
  e.set("verify", Json());
  e.set("timings", Json::object());
  e.set("peak_rss_bytes", Json());
  return e;
}

void set_outcome(Json& e, int exit_code, const std::string& status) {
  e.set("status", status);
  e.set("exit_code", Json(exit_code));
  e.set("exit_class", exit_code == 0 ? "ok" : error_kind_name(static_cast<ErrorKind>(exit_code)));
}

void set_failure(Json& e, const Error& error) {
  set_outcome(e, error.exit_code(), "failed");
  e.set("message", error.what());
  e.set("diagnostics", diagnostics_json(error.diagnostics()));
}

// `model_sha256` is the model file's digest, computed as it was read back; the external-data
// files are hashed here.
Json files_json(const ExportSummary& s, const std::string* model_sha256) {
  Json files = Json::array();
  std::vector<std::string> paths = {s.output_path};
  paths.insert(paths.end(), s.extra_files.begin(), s.extra_files.end());
  for (const auto& p : paths) {
    Json f = Json::object();
    f.set("path", p);
    std::error_code ec;
    const auto size = fs::file_size(p, ec);
    f.set("bytes", ec ? Json() : Json(static_cast<int64_t>(size)));
    if (!model_sha256) {
      f.set("sha256", Json());
    } else {
      f.set("sha256", p == s.output_path ? *model_sha256 : sha256_file(p));
    }
    files.push(f);
  }
  return files;
}

}  // namespace

Json diagnostics_json(const std::vector<Diagnostic>& diagnostics) {
  Json out = Json::array();
  for (const auto& d : diagnostics) out.push(diagnostic_json(d));
  return out;
}

Json refused_entry(const ModelJob& job, const Error& error) {
  Json e = base_entry(job);
  set_failure(e, error);
  e.set("failed_stage", "start");
  return e;
}

Json run_model(const ModelJob& job, const LogSink& log, bool dump_graphs, bool describe) {
  if (job.refused) return refused_entry(job, *job.refused);
  Json e = base_entry(job);
  StageClock clock;
  std::optional<ExportSummary> summary;
  try {
    summary = export_model(job.options, log, dump_graphs,
                           [&clock](const char* stage) { clock.begin(stage); });
  } catch (const Error& error) {
    e.set("failed_stage", clock.current().empty() ? "start" : clock.current());
    set_failure(e, error);
  } catch (const std::exception& error) {
    e.set("failed_stage", clock.current().empty() ? "start" : clock.current());
    set_failure(e, Error(ErrorKind::kInternal, error.what()));
  }
  const int64_t peak = peak_rss_bytes();
  if (summary) {
    set_outcome(e, 0, "ok");
    e.set("message", Json());
    e.set("diagnostics", Json::array());
    e.set("failed_stage", Json());
  }
  e.set("warnings", diagnostics_json(summary ? summary->warnings : std::vector<Diagnostic>{}));
  if (summary) {
    Json counts = Json::object();
    counts.set("node_count", Json(summary->node_count));
    counts.set("initializer_count", Json(summary->initializer_count));
    counts.set("initializer_bytes", Json(summary->initializer_bytes));
    counts.set("file_bytes", Json(summary->file_bytes));
    e.set("summary", counts);
    try {
      if (describe) {
        clock.begin("describe");
        const OnnxFileFacts facts = describe_onnx_file(summary->output_path);
        e.set("onnx", facts.description);
        e.set("files", files_json(*summary, &facts.sha256));
      } else {
        e.set("onnx", Json());
        e.set("files", files_json(*summary, nullptr));
      }
    } catch (const std::exception& error) {
      e.set("failed_stage", "describe");
      set_failure(e, Error(ErrorKind::kWriteFailed, error.what()));
    }
  } else {
    e.set("summary", Json());
    e.set("onnx", Json());
    e.set("files", Json::array());
  }
  Json verify_result;
  if (summary && job.verify.enabled && entry_exit_code(e) == 0) {
    clock.begin("verify");
    std::optional<Error> failure;
    verify_result = verify_written_file(job.options, *summary, job.verify, failure);
    if (failure) {
      // The file stays: it is what was asked for, and the report says it failed.
      e.set("failed_stage", "verify");
      set_failure(e, *failure);
    }
  }
  e.set("verify", verify_result);
  e.set("timings", clock.json());
  e.set("peak_rss_bytes", Json(peak));
  return e;
}

int entry_exit_code(const Json& entry) {
  const Json* code = entry.find("exit_code");
  return code && code->is_number() ? static_cast<int>(code->as_int()) : 70;
}

std::string entry_summary_line(const Json& e) {
  const auto text = [&e](const char* key) {
    const Json* v = e.find(key);
    return v && v->is_string() ? v->as_string() : std::string();
  };
  std::string where = text("model");
  if (const Json* line = e.find("line"); line && line->is_number()) {
    where += " (line " + std::to_string(line->as_int()) + ")";
  }
  if (entry_exit_code(e) != 0) {
    std::string message = text("message");
    const auto nl = message.find('\n');
    if (nl != std::string::npos) message = message.substr(0, nl) + " ...";
    std::string codes;
    if (const Json* diags = e.find("diagnostics"); diags && !diags->items().empty()) {
      codes = diags->items().front().find("code")->as_string() + ": ";
    }
    return "FAIL  " + where + ": " + codes + message;
  }
  const Json& s = *e.find("summary");
  double seconds = 0;
  if (const Json* t = e.find("timings")) seconds = t->find("total")->as_number();
  char timing[32];
  std::snprintf(timing, sizeof timing, "%.2f s", seconds);
  std::string line = "ok    " + where + " -> " + text("output") + " (" +
                     std::to_string(s.find("node_count")->as_int()) + " nodes, " +
                     std::to_string(s.find("file_bytes")->as_int()) + " bytes, " + timing;
  if (const Json* v = e.find("verify"); v && v->is_object()) line += ", verified";
  return line + ")";
}

}  // namespace pt2onnx::cli
