// What the library reports: diagnostics as data (a stable code, a severity, the node, its source
// line and module scope, the opset asked for and the first that supports it), and the one error
// type that leaves the library, carrying them. Callers (the CLI, batch mode, reports, tests) tell
// problems apart by code, never by parsing text.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace pt2onnx {

// Exit codes are part of the command-line contract (docs/cli.md); keep them stable.
enum class ErrorKind {
  kUsage = 2,          // bad command line or option values
  kBadInput = 3,       // the model file is missing, unreadable or not TorchScript
  kUnsupported = 4,    // an op or construct that has no ONNX form at the target opset
  kInvalidOutput = 5,  // ONNX's checker or shape inference rejected the result
  kWriteFailed = 6,    // the output could not be written
  kVerifyFailed = 7,   // --verify: the written file does not compute what the module computes
  kInternal = 70,      // a bug in pt2onnx
  kWarning = 0,        // only in the code table: a warning's code has no exit class
};

enum class DiagCode {
#define PT2ONNX_DIAG(name, text, kind, description) name,
#include "pt2onnx/diagnostic_codes.def"
#undef PT2ONNX_DIAG
};

enum class Severity { kError, kWarning };

struct Diagnostic {
  DiagCode code = DiagCode::kInternal;
  Severity severity = Severity::kError;
  std::string message;    // what is wrong, without the location
  std::string node_kind;  // "aten::squeeze"; empty when the problem is not about one node
  std::string source;     // "model.py:12:8: `y = x.squeeze(1)`"; empty when unknown
  std::string scope;      // the module path of the node ("encoder.layers.0"); empty when unknown
  int opset = 0;          // the opset asked for; 0 when the problem is not about an opset
  std::optional<int> first_opset;  // the first opset that supports what is asked, if any
};

// An error-severity diagnostic with only a code and a message (the rest filled in by whoever
// knows the node and the opset).
Diagnostic make_diagnostic(DiagCode code, const std::string& message);

// The code's stable spelling ("no-lowering"), its exit class and its one-line meaning.
const char* code_name(DiagCode code);
ErrorKind code_kind(DiagCode code);
const char* code_description(DiagCode code);
// Every code, in table order (for docs and tests).
std::vector<DiagCode> all_codes();

const char* error_kind_name(ErrorKind kind);

class Error : public std::runtime_error {
 public:
  // One problem with the given code; the exit class is the code's.
  Error(DiagCode code, const std::string& message);
  // One problem of an exit class, with that class's general code.
  Error(ErrorKind kind, const std::string& message);
  // Several problems found in one run; `formatted` is the one paragraph shown to a person.
  Error(ErrorKind kind, std::vector<Diagnostic> diagnostics, const std::string& formatted);

  ErrorKind kind() const { return kind_; }
  int exit_code() const { return static_cast<int>(kind_); }
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  // The code of the first diagnostic.
  DiagCode code() const { return diagnostics_.front().code; }

 private:
  ErrorKind kind_;
  std::vector<Diagnostic> diagnostics_;
};

// The error for `what` ("gather on dynamic shapes"), which has an ONNX form from `first_opset`
// on: code needs-opset, with the first opset as data.
Error needs_opset_error(int first_opset, const std::string& what);

}  // namespace pt2onnx
