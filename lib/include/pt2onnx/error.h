// The one error type that leaves the library, with the failure class that picks the exit code.
#pragma once

#include <stdexcept>
#include <string>

namespace pt2onnx {

// Exit codes are part of the command-line contract (docs/cli.md); keep them stable.
enum class ErrorKind {
  kUsage = 2,          // bad command line or option values
  kBadInput = 3,       // the model file is missing, unreadable or not TorchScript
  kUnsupported = 4,    // an op or construct that has no ONNX form at the target opset
  kInvalidOutput = 5,  // ONNX's checker or shape inference rejected the result
  kWriteFailed = 6,    // the output could not be written
  kInternal = 70,      // a bug in pt2onnx
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }
  int exit_code() const { return static_cast<int>(kind_); }

 private:
  ErrorKind kind_;
};

const char* error_kind_name(ErrorKind kind);

}  // namespace pt2onnx
