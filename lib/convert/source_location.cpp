#include <torch/csrc/jit/frontend/source_range.h>
#include <torch/csrc/jit/ir/ir.h>

#include <string>

#include "convert/symbolic_context.h"

namespace pt2onnx::sym {
namespace {

std::string trim(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

}  // namespace

std::string describe_source(const Node& node) {
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

}  // namespace pt2onnx::sym
