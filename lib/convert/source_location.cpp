#include <torch/csrc/jit/frontend/source_range.h>
#include <torch/csrc/jit/ir/ir.h>

#include <string>

#include "convert/source_location.h"

namespace pt2onnx::convert {
namespace {

std::string trim(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

}  // namespace

std::string describe_source(const torch::jit::Node& node) {
  torch::jit::SourceRange range = node.sourceRange();
  // Loaded models carry the serialized code's ranges; the user's own file and line are
  // recorded beside them.
  if (auto original = range.findSourceRangeThatGenerated()) range = *original;
  if (!range.source()) return "";
  const auto location = range.file_line_col();
  if (!location) return "";
  const auto& [file, line, col] = *location;
  const auto& source = range.source();
  const size_t line_index = source->lineno_for_offset(range.start());
  const std::string code = trim(source->get_line(line_index).str());
  std::string out = file + ":" + std::to_string(line) + ":" + std::to_string(col);
  if (!code.empty()) out += ": `" + code + "`";
  return out;
}

std::string module_scope(const torch::jit::Node& node) {
  std::string path;
  // Node's accessors for its call stack and scope are not const in every LibTorch.
  auto& n = const_cast<torch::jit::Node&>(node);
  if (auto stack = n.callstack()) {
    for (const auto& frame : (*stack)->vec()) {
      const auto& instance = std::get<2>(frame);
      if (!instance || instance->instance_name().empty()) continue;
      path += (path.empty() ? "" : ".") + instance->instance_name();
    }
    if (!path.empty()) return path;
  }
  // A trace names scopes "__module.layer1/__module.layer1.0": the innermost one is the path.
  if (n.scope() == nullptr || n.scope()->isBlank()) return "";
  std::string name = n.scope()->name().toUnqualString();
  static const std::string kPrefix = "__module.";
  if (name.rfind(kPrefix, 0) == 0) name = name.substr(kPrefix.size());
  return name;
}

}  // namespace pt2onnx::convert
