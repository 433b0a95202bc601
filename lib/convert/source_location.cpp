#include <torch/csrc/jit/frontend/source_range.h>
#include <torch/csrc/jit/ir/ir.h>

#include <array>
#include <fstream>
#include <optional>
#include <regex>
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

// One frame of the Python stack a trace records for each node, "path(line): function".
struct TracedFrame {
  std::string path;
  int line = 0;
  std::string function;
};

std::optional<TracedFrame> parse_frame(const std::string& text) {
  static const std::regex kFrame(R"(^(.*)\((\d+)\): (\S+)$)");
  std::smatch m;
  if (!std::regex_match(text, m, kFrame)) return std::nullopt;
  return TracedFrame{m[1], std::stoi(m[2]), m[3]};
}

// Frames of torch's own call machinery: the op dispatcher behind `torch.ops.x.y(...)` (every
// quantized and torchvision op), Module.__call__, the tracer and the Tensor operator wrappers.
bool is_call_machinery(const std::string& path) {
  static const std::array<const char*, 5> kFiles = {"torch/_ops.py", "torch/nn/modules/module.py",
                                                    "torch/jit/_trace.py", "torch/_tensor.py",
                                                    "torch/overrides.py"};
  for (const char* file : kFiles) {
    const std::string suffix = file;
    if (path.size() >= suffix.size() &&
        path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return true;
    }
  }
  return false;
}

std::string line_of_file(const std::string& path, int line) {
  std::ifstream in(path);
  std::string text;
  for (int i = 0; i < line && std::getline(in, text); ++i) {
  }
  return in ? trim(text) : "";
}

// A traced node's range is the recorded stack, innermost frame first; that frame is often
// torch's dispatcher (`torch/_ops.py:442`), which says nothing about the model. The first
// frame outside the call machinery is the line that called the op.
std::optional<std::string> describe_traced(const torch::jit::Source& source) {
  if (source.num_lines() == 0) return std::nullopt;
  std::optional<TracedFrame> first = parse_frame(trim(source.get_line(0).str()));
  if (!first) return std::nullopt;
  TracedFrame chosen = *first;
  for (size_t i = 0; i < source.num_lines(); ++i) {
    std::optional<TracedFrame> frame = parse_frame(trim(source.get_line(i).str()));
    if (!frame) break;
    if (!is_call_machinery(frame->path)) {
      chosen = *frame;
      break;
    }
  }
  std::string out = chosen.path + ":" + std::to_string(chosen.line);
  const std::string code = line_of_file(chosen.path, chosen.line);
  out += code.empty() ? " (in " + chosen.function + ")" : ": `" + code + "`";
  return out;
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
  if (auto traced = describe_traced(*source)) return *traced;
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
      // A method calling another of its own module (`self._forward_impl(x)`) is a frame
      // whose instance is named "SELF": no module of its own.
      if (!instance || instance->instance_name().empty() || instance->instance_name() == "SELF") {
        continue;
      }
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
