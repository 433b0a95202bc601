#include "manifest.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "json.h"
#include "pt2onnx/error.h"

namespace pt2onnx::cli {
namespace {

namespace fs = std::filesystem;

// The command-line options an entry may carry: those that describe one conversion. Batch-wide
// ones (-j, -q, -v, --report, --manifest) belong to the command line.
const std::set<std::string> kValueOptions = {"opset",  "input-names", "output-names",
                                             "shape",  "dtype",       "dynamic",
                                             "method", "verify-rtol", "verify-atol"};
const std::set<std::string> kFlagOptions = {
    "no-params",     "keep-initializers-as-inputs", "no-fold", "fail-on-runtime-checks",
    "external-data", "external-data-per-tensor",    "verify"};
// Options whose value is a comma-separated list on the command line: an array joins.
const std::set<std::string> kListOptions = {"input-names", "output-names"};

[[noreturn]] void bad(const std::string& what) { throw Error(DiagCode::kBadManifest, what); }

std::string scalar_text(const std::string& key, const Json& v) {
  if (v.is_string()) return v.as_string();
  if (v.is_integer()) return std::to_string(v.as_int());
  if (v.is_number()) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v.as_number());
    return buf;
  }
  bad("\"" + key + "\" takes a string or a number");
}

std::string resolve(const std::string& base_dir, const std::string& path) {
  const fs::path p(path);
  return p.is_absolute() ? path : (fs::path(base_dir) / p).lexically_normal().string();
}

}  // namespace

std::vector<std::string> entry_arguments(const std::string& line_text, const std::string& base_dir,
                                         const std::string& output_dir, std::string* model_label) {
  Json entry;
  try {
    entry = parse_json(line_text);
  } catch (const std::exception& e) {
    bad(std::string("not JSON: ") + e.what());
  }
  if (!entry.is_object()) bad("not a JSON object");
  const Json* model = entry.find("model");
  if (!model || !model->is_string() || model->as_string().empty()) {
    bad("no \"model\" (the TorchScript file, a string)");
  }
  *model_label = model->as_string();
  std::string output;
  if (const Json* out = entry.find("output")) {
    if (!out->is_string() || out->as_string().empty()) bad("\"output\" must be a path string");
    output = resolve(base_dir, out->as_string());
  } else if (!output_dir.empty()) {
    output =
        (fs::path(output_dir) / (fs::path(model->as_string()).stem().string() + ".onnx")).string();
  } else {
    bad("no \"output\", and no -o DIR for entries without one");
  }
  std::vector<std::string> args = {"pt2onnx", resolve(base_dir, model->as_string()), "-o", output};
  for (const auto& [key, value] : entry.members()) {
    if (key == "model" || key == "output") continue;
    if (kFlagOptions.count(key)) {
      if (!value.is_bool()) bad("\"" + key + "\" is a flag: true or false");
      if (value.as_bool()) args.push_back("--" + key);
      continue;
    }
    if (!kValueOptions.count(key)) {
      bad("unknown key \"" + key +
          "\" (keys: model, output and the long names of the per-model options, e.g. "
          "\"opset\", \"shape\", \"dynamic\", \"no-fold\")");
    }
    if (value.is_array()) {
      if (kListOptions.count(key)) {
        std::string joined;
        for (const Json& item : value.items()) {
          joined += (joined.empty() ? "" : ",") + scalar_text(key, item);
        }
        args.push_back("--" + key);
        args.push_back(joined);
      } else {
        for (const Json& item : value.items()) {
          args.push_back("--" + key);
          args.push_back(scalar_text(key, item));
        }
      }
      continue;
    }
    args.push_back("--" + key);
    args.push_back(scalar_text(key, value));
  }
  return args;
}

std::vector<ModelJob> manifest_jobs(const CommandLine& cl) {
  std::ifstream in(cl.manifest);
  if (!in) {
    throw Error(DiagCode::kBadManifest, "cannot read the manifest '" + cl.manifest + "'");
  }
  const std::string base_dir = fs::path(cl.manifest).parent_path().string();
  const std::string output_dir = cl.options.output_path;
  if (!output_dir.empty()) {
    std::error_code ec;
    fs::create_directories(output_dir, ec);
  }
  std::vector<ModelJob> jobs;
  std::map<std::string, size_t> first_writer;  // output -> line
  std::string text;
  size_t line = 0;
  while (std::getline(in, text)) {
    ++line;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    ModelJob job;
    job.line = line;
    const std::string where = cl.manifest + ":" + std::to_string(line) + ": ";
    try {
      const auto args =
          entry_arguments(text, base_dir.empty() ? "." : base_dir, output_dir, &job.label);
      std::vector<const char*> argv;
      for (const auto& a : args) argv.push_back(a.c_str());
      ParseOutcome parsed = parse_command_line(static_cast<int>(argv.size()), argv.data());
      job.options = parsed.command_line.options;
      job.verify = parsed.command_line.verify;
      // An entry's own output folder is made, as -o DIR is: a manifest lays out a tree.
      const fs::path parent = fs::path(job.options.output_path).parent_path();
      std::error_code ec;
      if (!parent.empty()) fs::create_directories(parent, ec);
      const std::string key = fs::path(job.options.output_path).lexically_normal().string();
      const auto [it, fresh] = first_writer.emplace(key, line);
      if (!fresh) {
        throw Error(DiagCode::kOutputCollision,
                    "'" + job.options.output_path + "' is also the output of line " +
                        std::to_string(it->second) + "; give this entry its own \"output\"");
      }
    } catch (const Error& e) {
      // The line in the message and in the report entry, the code kept.
      std::vector<Diagnostic> diagnostics = e.diagnostics();
      for (auto& d : diagnostics) d.message = where + d.message;
      job.refused.emplace(e.kind(), diagnostics, where + e.what());
      if (job.label.empty()) job.label = cl.manifest + ":" + std::to_string(line);
    }
    jobs.push_back(std::move(job));
  }
  return jobs;
}

}  // namespace pt2onnx::cli
