// --verify: the TorchScript module, run in LibTorch, against the written ONNX file, run in ONNX
// Runtime, on generated inputs: once at the declared shapes and once more for each dynamic-axis
// symbol at a second size. Built only where CMake finds ONNX Runtime's C++ library.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "pt2onnx/options.h"

namespace pt2onnx::verify {

struct Tolerance {
  double rtol = 1e-3;
  double atol = 1e-4;
};

struct OutputComparison {
  std::string output;  // the ONNX output's name
  std::string dtype;
  std::vector<int64_t> torch_shape;
  std::vector<int64_t> onnx_shape;
  bool passed = false;
  double max_abs_diff = 0;  // 0 for integers and bool that agree
  // "output[0, 3]: LibTorch 0.25, ONNX Runtime 0.5" (the element furthest out of tolerance, or
  // the largest difference when all are within it); a dtype or shape difference otherwise.
  std::string worst;
};

struct RunComparison {
  std::string sizes;  // "declared", or "batch=2" for the run with that symbol at a second size
  std::map<std::string, std::vector<int64_t>> input_shapes;
  std::vector<OutputComparison> outputs;
  bool passed = false;
};

struct Report {
  std::vector<RunComparison> runs;
  bool passed = false;
  std::string first_failure;  // one line: the run, the output, the worst element
};

// `symbol_sizes` gives each dim_param's declared size (ExportSummary::symbol_sizes). Throws
// pt2onnx::Error (verify-not-run) when the module or the file cannot be run on the generated
// inputs; a file that runs but computes something else is a Report that did not pass.
Report verify_export(const ExportOptions& options,
                     const std::map<std::string, int64_t>& symbol_sizes,
                     const Tolerance& tolerance);

}  // namespace pt2onnx::verify
