// --manifest FILE: one conversion per line of a JSON Lines file, each with its own options
// (docs/manifests.md). A line is a JSON object: "model" (required), "output" (optional; by
// default OUTDIR/<model's stem>.onnx with -o OUTDIR) and any per-model command-line option by its
// long name ("opset": 11, "shape": ["x:1x3x8x8"], "no-fold": true). Relative paths are taken
// from the manifest's folder. Each entry is checked exactly as the command line would be, by
// the same parser.
#pragma once

#include <string>
#include <vector>

#include "cli_options.h"
#include "model_run.h"

namespace pt2onnx::cli {

// One job per non-blank line. A bad line (not JSON, an unknown key, a bad option value, an
// output another entry writes too) becomes a refused job that names its line, so that the
// others still run. Throws pt2onnx::Error(bad-manifest) only when the file cannot be read.
std::vector<ModelJob> manifest_jobs(const CommandLine& command_line);

// The argument list a manifest entry stands for ("pt2onnx MODEL -o OUT --opset 11 ..."), with
// paths already resolved; throws pt2onnx::Error(bad-manifest) for a value of the wrong type or
// an unknown key.
std::vector<std::string> entry_arguments(const std::string& line_text, const std::string& base_dir,
                                         const std::string& output_dir, std::string* model_label);

}  // namespace pt2onnx::cli
