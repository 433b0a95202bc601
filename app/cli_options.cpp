#include "cli_options.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <sstream>

#include "pt2onnx/error.h"
#include "pt2onnx/opsets.h"

namespace pt2onnx::cli {
namespace {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, sep)) parts.push_back(part);
  if (!text.empty() && text.back() == sep) parts.emplace_back();
  return parts;
}

std::pair<std::string, std::string> split_name(const std::string& text, const char* flag,
                                               const char* example) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    throw Error(DiagCode::kBadOption,
                std::string(flag) + " '" + text + "' should look like " + example);
  }
  return {text.substr(0, colon), text.substr(colon + 1)};
}

int64_t parse_int(const std::string& text, const std::string& context) {
  size_t used = 0;
  int64_t value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (text.empty() || used != text.size()) {
    throw Error(DiagCode::kBadOption, context + ": '" + text + "' is not a whole number");
  }
  return value;
}

// A name given twice in one list would make two graph values with one name.
void check_distinct(const std::vector<std::string>& names, const char* flag) {
  for (size_t i = 0; i < names.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (names[i] == names[j]) {
        throw Error(DiagCode::kOptionConflict, std::string(flag) + " gives '" + names[i] +
                                                   "' twice (names " + std::to_string(j + 1) +
                                                   " and " + std::to_string(i + 1) +
                                                   "): each input or output needs its own name");
      }
    }
  }
}

const char* kExamples = R"(
Examples:
  pt2onnx model.pt -o model.onnx
  pt2onnx a.pt b.pt c.pt -o onnx_dir/ -j 2      # batch: one summary line per model
  pt2onnx --manifest models.jsonl -o onnx_dir/ -j 2 --report report.json
  pt2onnx model.pt -o model.onnx --opset 11 --shape in:1x3x224x224 --dynamic in:0
  pt2onnx model.pt -o model.onnx --input-names in --output-names out \
      --shape in:1x3x224x224 --dynamic in:0=batch --dynamic out:0=batch

Exit codes: 0 success, 2 bad command line, 3 model file missing/unreadable/not TorchScript,
4 unsupported op or construct, 5 ONNX checker or shape inference rejected the result,
6 output could not be written, 7 --verify found a difference, 70 internal error.)";

double parse_tolerance(const std::string& text, const char* flag) {
  size_t used = 0;
  double value = -1;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (text.empty() || used != text.size() || !(value >= 0)) {
    throw Error(DiagCode::kBadOption,
                std::string(flag) + " '" + text + "' should be a number, 0 or more");
  }
  return value;
}

}  // namespace

std::vector<std::string> split_names(const std::string& text) {
  std::vector<std::string> names;
  for (auto& n : split(text, ',')) {
    if (n.empty()) throw Error(DiagCode::kBadOption, "empty name in '" + text + "'");
    names.push_back(n);
  }
  return names;
}

std::pair<std::string, std::vector<int64_t>> parse_shape(const std::string& text) {
  auto [name, dims_text] = split_name(text, "--shape", "NAME:D0xD1x... (e.g. in:1x3x224x224)");
  std::vector<int64_t> dims;
  if (dims_text.empty() || dims_text == "scalar") return {name, dims};
  for (const auto& d : split(dims_text, 'x')) {
    const int64_t v = parse_int(d, "--shape " + text);
    // An empty axis is legal in both torch and ONNX (an empty tensor stands for "no state yet"
    // in recurrent and detection models), so 0 is taken; a negative size never is.
    if (v < 0) {
      throw Error(DiagCode::kBadOption, "--shape " + text + ": axis " +
                                            std::to_string(dims.size()) + " is " +
                                            std::to_string(v) + "; sizes must be 0 or more");
    }
    dims.push_back(v);
  }
  return {name, dims};
}

std::pair<std::string, DType> parse_dtype_option(const std::string& text) {
  auto [name, type] = split_name(text, "--dtype", "NAME:TYPE (e.g. ids:int64)");
  const auto dtype = dtype_from_name(type);
  if (!dtype) {
    throw Error(DiagCode::kBadOption,
                "--dtype " + text + ": unknown dtype '" + type + "' (use " + dtype_names() + ")");
  }
  return {name, *dtype};
}

std::pair<std::string, std::vector<DynamicAxis>> parse_dynamic(const std::string& text) {
  auto [name, axes_text] = split_name(text, "--dynamic", "NAME:AXES (e.g. in:0 or in:0=batch,2)");
  std::vector<DynamicAxis> axes;
  for (const auto& item : split(axes_text, ',')) {
    DynamicAxis axis;
    const auto eq = item.find('=');
    axis.axis = parse_int(item.substr(0, eq), "--dynamic " + text);
    if (axis.axis < 0) {
      throw Error(DiagCode::kBadOption, "--dynamic " + text + ": axis " +
                                            std::to_string(axis.axis) +
                                            " is negative; axes count from 0");
    }
    if (eq != std::string::npos) {
      axis.symbol = item.substr(eq + 1);
      if (axis.symbol.empty())
        throw Error(DiagCode::kBadOption, "--dynamic " + text + ": empty axis name");
    }
    bool repeat = false;
    for (const DynamicAxis& seen : axes) {
      if (seen.axis != axis.axis) continue;
      if (seen.symbol != axis.symbol) {
        throw Error(DiagCode::kOptionConflict, "--dynamic " + text + " names axis " +
                                                   std::to_string(axis.axis) + " twice, as '" +
                                                   seen.symbol + "' and as '" + axis.symbol +
                                                   "': one axis has one symbol");
      }
      repeat = true;
    }
    if (!repeat) axes.push_back(axis);
  }
  if (axes.empty()) throw Error(DiagCode::kBadOption, "--dynamic " + text + ": no axes given");
  return {name, axes};
}

ParseOutcome parse_command_line(int argc, const char* const* argv) {
  ParseOutcome outcome;
  CommandLine& cl = outcome.command_line;
  ExportOptions& o = cl.options;
  CLI::App app{"pt2onnx: convert a TorchScript model (.pt) to ONNX", "pt2onnx"};
  app.footer(kExamples);
  app.set_version_flag("--version", std::string("pt2onnx ") + PT2ONNX_VERSION);

  std::string input_names, output_names;
  std::vector<std::string> shapes, dtypes, dynamics;
  bool no_params = false, no_fold = false, verbose = false, quiet = false;
  app.add_option("model", cl.models,
                 "TorchScript file(s) (torch.jit.script/trace + save); with several, -o is a "
                 "directory");
  app.add_option("-o,--output", o.output_path,
                 "ONNX file to write (a directory for several models)");
  // Numbers are read as text and checked here: CLI11's messages print its limits as doubles.
  std::string jobs_text;
  app.add_option("-j,--jobs", jobs_text, "convert this many models at once (batch mode)");
  std::string opset_text;
  app.add_option("--opset", opset_text, "target ONNX opset, 9 to 17")
      ->default_str(std::to_string(kDefaultOpset));
  app.add_option("--input-names", input_names, "comma-separated graph input names, in order");
  app.add_option("--output-names", output_names, "comma-separated graph output names, in order");
  app.add_option("--shape", shapes, "static shape of an input: NAME:D0xD1x... (repeatable)");
  app.add_option("--dtype", dtypes,
                 "element type of an input: NAME:TYPE with TYPE one of " + dtype_names() +
                     " (float32 by default; repeatable)");
  app.add_option("--dynamic", dynamics,
                 "dynamic axes of an input or output: NAME:0,2 or NAME:0=batch (repeatable)");
  app.add_flag("--no-params", no_params, "leave the weights out (they become graph inputs)");
  app.add_flag("--keep-initializers-as-inputs", o.keep_initializers_as_inputs,
               "also list initializers as graph inputs");
  app.add_flag("--no-fold", no_fold, "do not fold constant subgraphs");
  app.add_flag("--fail-on-runtime-checks", o.fail_on_runtime_checks,
               "refuse a model that raises on a path that depends on run-time values (by "
               "default such a check is removed, with a warning)");
  bool external_data = false, external_per_tensor = false;
  app.add_flag("--external-data", external_data,
               "write the weights to OUT.onnx.data beside the model (automatic above 2 GB)");
  app.add_flag("--external-data-per-tensor", external_per_tensor,
               "write each weight to its own file beside the model (torch.onnx's layout)");
  app.add_option("--load-library", o.op_libraries,
                 "shared library registering ops the model calls (torchvision's, if not found "
                 "by itself); loaded only when the model needs it (repeatable; also "
                 "PT2ONNX_LOAD_LIBRARY=PATH[:PATH...])");
  app.add_option("--method", o.method, "method to export instead of forward")
      ->capture_default_str();
  app.add_option(
      "--manifest", cl.manifest,
      "convert every entry of this JSON Lines file (one object per line, docs/manifests.md)");
  app.add_option("--report", cl.report_path,
                 "write what happened, per model, to this JSON file (docs/report.md)");
  std::string rtol_text, atol_text;
  app.add_flag("--verify", cl.verify.enabled,
               "run the module in LibTorch and the written file in ONNX Runtime, and compare");
  app.add_option("--verify-rtol", rtol_text, "relative tolerance of --verify (default 1e-3)");
  app.add_option("--verify-atol", atol_text, "absolute tolerance of --verify (default 1e-4)");
  app.add_flag("--list-ops", cl.list_ops, "list the supported ops (at --opset if given) and exit");
  app.add_flag("-v,--verbose", verbose, "log each stage and print the TorchScript and ONNX graphs");
  app.add_flag("-q,--quiet", quiet, "print errors only");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    outcome.exit_now = true;
    outcome.exit_code = app.exit(e);
    return outcome;
  } catch (const CLI::CallForVersion& e) {
    outcome.exit_now = true;
    outcome.exit_code = app.exit(e);
    return outcome;
  } catch (const CLI::ParseError& e) {
    throw Error(ErrorKind::kUsage, e.what());
  }
  if (!opset_text.empty()) {
    const int64_t opset = parse_int(opset_text, "--opset");
    if (opset < kMinOpset || opset > 1000) {
      throw Error(DiagCode::kOpsetOutOfRange, "--opset " + opset_text + " is out of range (" +
                                                  std::to_string(kMinOpset) + " to " +
                                                  std::to_string(max_opset()) + ")");
    }
    // The same rule the library applies: it names the limit (the tables, or the linked ONNX).
    if (auto why = opset_refusal(static_cast<int>(opset))) {
      throw Error(DiagCode::kOpsetOutOfRange, *why);
    }
    o.opset = static_cast<int>(opset);
  }
  if (!jobs_text.empty()) {
    const int64_t jobs = parse_int(jobs_text, "-j");
    if (jobs < 1) throw Error(DiagCode::kBadOption, "-j must be at least 1");
    cl.jobs = static_cast<int>(std::min<int64_t>(jobs, 1024));  // more is never useful
  }
  if (!rtol_text.empty()) cl.verify.rtol = parse_tolerance(rtol_text, "--verify-rtol");
  if (!atol_text.empty()) cl.verify.atol = parse_tolerance(atol_text, "--verify-atol");
  if (cl.verify.enabled && !verify_available()) {
    throw Error(DiagCode::kVerifyUnavailable,
                "--verify needs ONNX Runtime, and this build of pt2onnx has no ONNX Runtime (it "
                "is built with it where CMake finds ONNX Runtime's C++ library, e.g. Debian 13's "
                "libonnxruntime-dev; docs/building.md)");
  }
  if (verbose && quiet) throw Error(ErrorKind::kUsage, "--verbose and --quiet exclude each other");
  cl.verbosity = verbose ? Verbosity::kVerbose : quiet ? Verbosity::kQuiet : Verbosity::kNormal;
  o.export_params = !no_params;
  if (external_data && external_per_tensor) {
    throw Error(ErrorKind::kUsage,
                "--external-data and --external-data-per-tensor exclude each other");
  }
  if (external_data) o.external_data = ExternalDataMode::kAlways;
  if (external_per_tensor) o.external_data = ExternalDataMode::kPerTensor;
  o.constant_folding = !no_fold;
  if (cl.list_ops) {
    if (app.count("--opset") == 0) o.opset = 0;
    return outcome;
  }
  if (!cl.manifest.empty()) {
    if (!cl.models.empty()) {
      throw Error(DiagCode::kOptionConflict,
                  "--manifest and models on the command line exclude each other: list every "
                  "model in the manifest");
    }
    // Per-model options live in the entries: one place says what each model gets.
    for (const char* option :
         {"--opset", "--input-names", "--output-names", "--shape", "--dtype", "--dynamic",
          "--no-params", "--keep-initializers-as-inputs", "--no-fold", "--fail-on-runtime-checks",
          "--external-data", "--external-data-per-tensor", "--method", "--verify", "--verify-rtol",
          "--verify-atol"}) {
      if (app.count(option) > 0) {
        throw Error(DiagCode::kOptionConflict,
                    std::string(option) +
                        " is a per-model option: with --manifest, give it in the entries (\"" +
                        (option + 2) + "\": ...)");
      }
    }
    return outcome;
  }
  if (cl.models.empty()) {
    throw Error(ErrorKind::kUsage, "no model given (pt2onnx MODEL.pt -o OUT.onnx)");
  }
  o.model_path = cl.models.front();
  if (o.output_path.empty()) throw Error(ErrorKind::kUsage, "no output given: add -o OUT.onnx");
  if (auto refusal = opset_refusal(o.opset)) throw Error(DiagCode::kOpsetOutOfRange, *refusal);
  if (!input_names.empty()) o.input_names = split_names(input_names);
  if (!output_names.empty()) o.output_names = split_names(output_names);
  check_distinct(o.input_names, "--input-names");
  check_distinct(o.output_names, "--output-names");
  for (const auto& name : o.output_names) {
    if (std::find(o.input_names.begin(), o.input_names.end(), name) != o.input_names.end()) {
      throw Error(DiagCode::kOptionConflict, "'" + name +
                                                 "' is in both --input-names and --output-names: "
                                                 "one graph value per name");
    }
  }
  // Repeats and contradictions across occurrences are the option resolver's to find: only it
  // knows which keys name the same input.
  for (const auto& s : shapes) {
    auto [name, dims] = parse_shape(s);
    o.shapes.push_back({name, dims});
  }
  for (const auto& d : dtypes) {
    auto [name, type] = parse_dtype_option(d);
    o.dtypes.push_back({name, type});
  }
  for (const auto& d : dynamics) {
    auto [name, axes] = parse_dynamic(d);
    o.dynamic_axes.push_back({name, axes});
  }
  return outcome;
}

}  // namespace pt2onnx::cli
