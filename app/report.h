// --report FILE.json: the whole run as one JSON document (schema in docs/report.md), written
// atomically: a temporary file beside it, renamed over FILE.json once complete, so a reader
// (another shard's merge, a CI step) never sees half a report.
#pragma once

#include <string>
#include <vector>

#include "json.h"

namespace pt2onnx::cli {

inline constexpr int kReportVersion = 1;

struct RunInfo {
  std::string mode;      // "single", "batch" or "manifest"
  std::string manifest;  // the manifest's path, empty otherwise
  int jobs = 1;
  double seconds = 0;
};

// The document: version, tool versions, the run's totals and one entry per model, in order.
Json report_document(const RunInfo& run, const std::vector<Json>& entries, int exit_code);

// Throws pt2onnx::Error(kWriteFailed) when the file cannot be written; no temporary is left.
void write_report(const std::string& path, const Json& document);

}  // namespace pt2onnx::cli
