// Batch mode: several models in one call (from the command line or a manifest), each converted
// in a child process forked from this one, at most `jobs` at once; one report entry per model.
#pragma once

#include <vector>

#include "cli_options.h"
#include "json.h"
#include "model_run.h"
#include "pt2onnx/export.h"

namespace pt2onnx::cli {

// True when the command line asks for batch mode (several models, a manifest, or -o naming a
// directory).
bool is_batch(const CommandLine& command_line);

// The jobs of a command-line batch: every model into the output directory (created if missing).
// Outputs that would collide (`a/m.pt` and `b/m.pt`) are refused before anything runs.
std::vector<ModelJob> command_line_jobs(const CommandLine& command_line);

struct BatchSettings {
  int jobs = 1;
  bool progress = false;  // a status line on stderr (a terminal, without -q)
  bool describe = false;  // entries with the file's contents and digests (--report)
  bool dump_graphs = false;
};

// Runs every job, each in a child process, so that a crash of one is one failed entry and the
// others complete. Entries come back in job order whatever the timing, so the batch's output is
// the same for any `jobs`.
std::vector<Json> run_jobs(const std::vector<ModelJob>& jobs, const BatchSettings& settings,
                           const LogSink& log);

// The summary table (one line per entry, then "N converted, M failed") and the exit code: 0
// when all succeeded, else that of the first failed entry in job order.
int print_summary(const std::vector<Json>& entries, std::ostream& out);

}  // namespace pt2onnx::cli
