// --verify as the command line sees it: whether this build has ONNX Runtime, and the check of
// one written file as the report's "verify" object. The comparison itself is lib/verify/, which
// is compiled only when CMake finds ONNX Runtime's C++ library (docs/building.md).
#pragma once

#include <optional>

#include "json.h"
#include "pt2onnx/error.h"
#include "pt2onnx/export.h"

namespace pt2onnx::cli {

struct VerifySettings {
  bool enabled = false;
  double rtol = 1e-3;
  double atol = 1e-4;
};

bool verify_available();

// Runs the module in LibTorch and the written file in ONNX Runtime and compares them; returns
// the report's "verify" object, and sets `failure` (verify-mismatch or verify-not-run) when the
// file did not pass.
Json verify_written_file(const ExportOptions& options, const ExportSummary& summary,
                         const VerifySettings& settings, std::optional<Error>& failure);

}  // namespace pt2onnx::cli
