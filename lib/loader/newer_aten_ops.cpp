#include "loader/newer_aten_ops.h"

#include <torch/csrc/jit/frontend/function_schema_parser.h>
#include <torch/csrc/jit/runtime/operator.h>

#include <cstdlib>
#include <regex>

#include "compat/torch_compat.h"
#include "loader/newer_aten_schemas_data.h"

namespace pt2onnx::loader {
namespace {

NewerAtenSchemas parse_embedded() {
  NewerAtenSchemas out;
  const std::regex header(R"(^# aten:: operator schemas of torch (\S+) against torch (\S+?)\.?$)");
  std::vector<std::string>* section = nullptr;
  for (std::size_t i = 0; i < kNewerAtenSchemaLinesCount; ++i) {
    const std::string line = kNewerAtenSchemaLines[i];
    std::smatch m;
    if (std::regex_match(line, m, header)) {
      out.newer_torch = m[1];
      out.older_torch = m[2];
    } else if (line.rfind("[added]", 0) == 0) {
      section = &out.added;
    } else if (line.rfind("[changed]", 0) == 0) {
      section = &out.changed;
    } else if (line.rfind("[removed]", 0) == 0) {
      section = &out.removed;
    } else if (section != nullptr && line.rfind("aten::", 0) == 0) {
      section->push_back(line);
    }
  }
  return out;
}

std::string first_line(const std::string& text) {
  const auto start = text.find_first_not_of(" \t\r\n");
  if (start == std::string::npos) return "no reason given";
  return text.substr(start, text.find('\n', start) - start);
}

// The kernel of every declared op. It is never meant to run: a message beats a crash if anything
// ever does (a --verify run of the module, or a pass that evaluates nodes).
torch::jit::Operation refusing_kernel(const std::string& name) {
  return [name](torch::jit::Stack&) {
    TORCH_CHECK(false, name, " was declared by pt2onnx so that LibTorch ", compat::kLibTorchVersion,
                " can read files of torch ", newer_aten_schemas().newer_torch,
                "; it has no kernel here (pt2onnx converts this op, it cannot run it)");
  };
}

NewerOpDeclarations declare_all() {
  NewerOpDeclarations out;
  const char* env = std::getenv("PT2ONNX_DECLARE_NEWER_OPS");
  out.enabled = compat::kDeclaresNewerAtenOps && !(env != nullptr && std::string(env) == "0");
  if (!out.enabled) return out;
  for (const std::string& text : newer_aten_schemas().added) {
    c10::FunctionSchema schema("", "", {}, {});
    try {
      schema = torch::jit::parseSchema(text);
    } catch (const std::exception& e) {
      out.skipped.emplace_back(text,
                               "LibTorch's schema parser rejects it: " + first_line(e.what()));
      continue;
    }
    const c10::OperatorName& name = schema.operator_name();
    const std::string qualified =
        name.name + (name.overload_name.empty() ? "" : "." + name.overload_name);
    if (torch::jit::findOperatorFor(name) != nullptr) {
      out.skipped.emplace_back(text, "LibTorch already has " + qualified);
      continue;
    }
    try {
      torch::jit::registerOperator(torch::jit::Operator(text, refusing_kernel(name.name),
                                                        c10::AliasAnalysisKind::FROM_SCHEMA));
    } catch (const std::exception& e) {
      out.skipped.emplace_back(text, "LibTorch's registry refuses it: " + first_line(e.what()));
      continue;
    }
    out.declared.push_back(qualified);
  }
  return out;
}

}  // namespace

const NewerAtenSchemas& newer_aten_schemas() {
  static const NewerAtenSchemas schemas = parse_embedded();
  return schemas;
}

const NewerOpDeclarations& declare_newer_aten_ops() {
  static const NewerOpDeclarations declarations = declare_all();
  return declarations;
}

}  // namespace pt2onnx::loader
