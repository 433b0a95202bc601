#include "pt2onnx/error.h"

namespace pt2onnx {
namespace {

struct CodeInfo {
  DiagCode code;
  const char* name;
  ErrorKind kind;
  const char* description;
};

constexpr CodeInfo kCodes[] = {
#define PT2ONNX_DIAG(name, text, kind, description) \
  {DiagCode::name, text, ErrorKind::kind, description},
#include "pt2onnx/diagnostic_codes.def"
#undef PT2ONNX_DIAG
};

const CodeInfo& info(DiagCode code) { return kCodes[static_cast<size_t>(code)]; }

// The general code of an exit class, for errors raised without a more specific one.
DiagCode general_code(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kUsage:
      return DiagCode::kBadOption;
    case ErrorKind::kBadInput:
      return DiagCode::kModelUnreadable;
    case ErrorKind::kUnsupported:
      return DiagCode::kUnsupportedConstruct;
    case ErrorKind::kInvalidOutput:
      return DiagCode::kInvalidModel;
    case ErrorKind::kWriteFailed:
      return DiagCode::kWriteFailed;
    case ErrorKind::kVerifyFailed:
      return DiagCode::kVerifyMismatch;
    case ErrorKind::kInternal:
    case ErrorKind::kWarning:
      break;
  }
  return DiagCode::kInternal;
}

}  // namespace

Diagnostic make_diagnostic(DiagCode code, const std::string& message) {
  Diagnostic d;
  d.code = code;
  d.message = message;
  return d;
}

const char* code_name(DiagCode code) { return info(code).name; }
ErrorKind code_kind(DiagCode code) { return info(code).kind; }
const char* code_description(DiagCode code) { return info(code).description; }

std::vector<DiagCode> all_codes() {
  std::vector<DiagCode> out;
  for (const auto& c : kCodes) out.push_back(c.code);
  return out;
}

const char* error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kUsage:
      return "usage";
    case ErrorKind::kBadInput:
      return "bad input";
    case ErrorKind::kUnsupported:
      return "unsupported";
    case ErrorKind::kInvalidOutput:
      return "invalid output";
    case ErrorKind::kWriteFailed:
      return "write failed";
    case ErrorKind::kVerifyFailed:
      return "verify failed";
    case ErrorKind::kInternal:
      return "internal error";
    case ErrorKind::kWarning:
      return "warning";
  }
  return "error";
}

Error::Error(DiagCode code, const std::string& message)
    : std::runtime_error(message),
      kind_(code_kind(code)),
      diagnostics_{make_diagnostic(code, message)} {}

Error::Error(ErrorKind kind, const std::string& message)
    : std::runtime_error(message),
      kind_(kind),
      diagnostics_{make_diagnostic(general_code(kind), message)} {}

Error::Error(ErrorKind kind, std::vector<Diagnostic> diagnostics, const std::string& formatted)
    : std::runtime_error(formatted), kind_(kind), diagnostics_(std::move(diagnostics)) {
  if (diagnostics_.empty()) diagnostics_.push_back(make_diagnostic(general_code(kind), formatted));
}

Error needs_opset_error(int first_opset, const std::string& what) {
  Diagnostic d;
  d.code = DiagCode::kNeedsOpset;
  d.message = what + " needs opset " + std::to_string(first_opset);
  d.first_opset = first_opset;
  return Error(ErrorKind::kUnsupported, {d}, d.message);
}

}  // namespace pt2onnx
