#include "convert/problem_report.h"

#include <algorithm>
#include <map>
#include <sstream>

namespace pt2onnx::convert {
namespace {

struct MissingOp {
  std::string reason;  // why the op is masked at this opset, if it is
  std::optional<int> first_opset;
  std::vector<std::string> sources;
};

std::string rerun_hint(const std::optional<int>& first_opset, int opset) {
  if (!first_opset) return "";
  if (*first_opset <= opset) return "";
  return "; rerun with --opset " + std::to_string(*first_opset) + " or later";
}

std::string location(const Diagnostic& d) {
  std::string out;
  if (!d.source.empty()) out += "\n      at " + d.source;
  if (!d.scope.empty()) out += "\n      in module " + d.scope;
  return out;
}

}  // namespace

std::string format_problems(const std::vector<Diagnostic>& problems, int opset) {
  std::map<std::string, MissingOp> missing;
  for (const auto& p : problems) {
    if (p.code != DiagCode::kNoLowering) continue;
    auto& op = missing[p.node_kind];
    if (p.message != "no symbolic") op.reason = p.message;
    op.first_opset = p.first_opset;
    if (op.sources.size() < 3 && !p.source.empty() &&
        std::find(op.sources.begin(), op.sources.end(), p.source) == op.sources.end())
      op.sources.push_back(p.source);
  }
  std::ostringstream out;
  if (!missing.empty()) {
    out << missing.size() << (missing.size() == 1 ? " op has" : " ops have")
        << " no ONNX lowering at opset " << opset << ":";
    for (const auto& [kind, op] : missing) {
      out << "\n  " << kind;
      if (!op.reason.empty()) out << " (" << op.reason << ")";
      if (!op.first_opset) {
        out << ": not supported by pt2onnx at any opset";
      } else if (*op.first_opset > opset) {
        out << ": supported from opset " << *op.first_opset << rerun_hint(op.first_opset, opset);
      }
      for (const auto& s : op.sources) out << "\n      at " << s;
    }
  }
  const size_t others =
      static_cast<size_t>(std::count_if(problems.begin(), problems.end(), [](const Diagnostic& d) {
        return d.code != DiagCode::kNoLowering;
      }));
  if (others == 0) return out.str();
  out << (missing.empty() ? "" : "\n") << "conversion failed at opset " << opset << ":";
  for (const auto& p : problems) {
    if (p.code == DiagCode::kNoLowering) continue;
    out << "\n  " << (p.node_kind.empty() ? std::string("model") : p.node_kind) << ": "
        << (p.message.empty() ? std::string(code_description(p.code)) : p.message)
        << rerun_hint(p.first_opset, opset) << location(p);
  }
  return out.str();
}

ErrorKind worst_kind(const std::vector<Diagnostic>& problems) {
  auto has = [&](ErrorKind kind) {
    return std::any_of(problems.begin(), problems.end(),
                       [&](const Diagnostic& d) { return code_kind(d.code) == kind; });
  };
  if (has(ErrorKind::kInternal)) return ErrorKind::kInternal;
  if (has(ErrorKind::kUnsupported)) return ErrorKind::kUnsupported;
  return code_kind(problems.front().code);
}

void throw_if_problems(const std::vector<Diagnostic>& problems, int opset) {
  if (problems.empty()) return;
  throw Error(worst_kind(problems), problems, format_problems(problems, opset));
}

}  // namespace pt2onnx::convert
