// One conversion as batch mode, manifests and --report see it: the export, optionally
// --verify, and the outcome as the report's JSON entry for the model (docs/report.md). The same
// code runs in a batch's child process and in a single-model run.
#pragma once

#include <optional>
#include <string>

#include "json.h"
#include "pt2onnx/error.h"
#include "pt2onnx/export.h"
#include "verify_glue.h"

namespace pt2onnx::cli {

struct ModelJob {
  std::string label;  // the model as the user wrote it (command line or manifest)
  size_t line = 0;    // the manifest line (1-based); 0 when not from a manifest
  ExportOptions options;
  VerifySettings verify;
  // A bad manifest entry or a colliding output: reported as this error, never run.
  std::optional<Error> refused;
};

// Converts (and verifies) one model; never throws. With `describe`, the entry also has what the
// written file holds (graph, files with SHA-256), which costs reading the file back.
Json run_model(const ModelJob& job, const LogSink& log, bool dump_graphs, bool describe);

// The entry of a job that was not run, or of a run that ended without a result (a crash).
Json refused_entry(const ModelJob& job, const Error& error);

// The entry's exit code (0 for success) and its one-line summary for the batch's table.
int entry_exit_code(const Json& entry);
std::string entry_summary_line(const Json& entry);

// "[code] message" lines of an Error, as the report stores them.
Json diagnostics_json(const std::vector<Diagnostic>& diagnostics);

}  // namespace pt2onnx::cli
