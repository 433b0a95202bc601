// Batch mode: several models in one call, converted in parallel, one summary line per model.
#pragma once

#include <ostream>

#include "cli_options.h"
#include "pt2onnx/export.h"

namespace pt2onnx::cli {

// True when the command line asks for batch mode (several models, or -o naming a directory).
bool is_batch(const CommandLine& command_line);

// Converts every model into the output directory (created if missing), each in a child process
// (at most `jobs` at once), so that a crash of one is one failed line and the others complete.
// Outputs that would collide (`a/m.pt` and `b/m.pt`) are refused before anything runs. Returns 0
// when all succeeded, else the exit code of the first model (in command-line order) that failed
// (70 for a crash).
int run_batch(const CommandLine& command_line, std::ostream& report, const LogSink& log);

}  // namespace pt2onnx::cli
