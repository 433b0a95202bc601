#include "loader/newer_torch_message.h"

#include <regex>
#include <vector>

#include "compat/torch_compat.h"
#include "loader/newer_aten_ops.h"

namespace pt2onnx::loader {
namespace {

// "aten::name" of a schema line ("aten::name.overload(...) -> ...").
std::string op_name_of(const std::string& schema) {
  return schema.substr(0, schema.find_first_of(".("));
}

std::string join_first(const std::vector<std::string>& items, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < n; ++i) out += (i ? "; " : "") + items[i];
  if (items.size() > n) out += "; and " + std::to_string(items.size() - n) + " more";
  return out;
}

}  // namespace

std::optional<std::string> newer_torch_message(const std::string& path, const std::string& why) {
  const NewerAtenSchemas& list = newer_aten_schemas();
  // LibTorch names an op it lacks ("Unknown builtin op: aten::x.") and, for a call its op does
  // not take, the schemas it has ("aten::x.overload(...) -> ..."): the first is the one at fault.
  static const std::regex unknown_re(R"(Unknown builtin op: ((?:aten|prim)::\w+))");
  static const std::regex named_re(R"(\b((?:aten|prim)::\w+)[.(])");
  static const std::regex where_re(R"re(File "([^"]+)", line (\d+))re");
  std::smatch m;
  std::string op;
  std::vector<std::string> newer_signatures;
  const bool unknown = std::regex_search(why, m, unknown_re);
  if (unknown) {
    op = m[1];
  } else if (std::regex_search(why, m, named_re)) {
    op = m[1];
    for (const auto& s : list.changed) {
      if (op_name_of(s) == op) newer_signatures.push_back(s);
    }
    // A call that does not match an op whose signature never changed is not a newer file's.
    if (newer_signatures.empty()) return std::nullopt;
  } else {
    return std::nullopt;
  }
  std::string where;
  if (std::regex_search(why, m, where_re)) {
    where = " (" + m[1].str() + ", line " + m[2].str() + ")";
  }
  const std::string libtorch = std::string("LibTorch ") + compat::kLibTorchVersion;
  std::string message = "'" + path + "' was saved by a newer PyTorch than the " + libtorch +
                        " pt2onnx was built with: its code calls " + op + where;
  if (unknown) {
    message += ", which " + libtorch + " does not know";
    const NewerOpDeclarations& declared = declare_newer_aten_ops();
    std::vector<std::string> skipped;
    for (const auto& [schema, reason] : declared.skipped) {
      if (op_name_of(schema) == op) skipped.push_back(reason);
    }
    if (!compat::kDeclaresNewerAtenOps) {
      // Nothing is declared on LibTorch 2.x: the file is newer than it.
    } else if (!declared.enabled) {
      message += ", and the declarations of torch " + list.newer_torch +
                 "'s ops are off (PT2ONNX_DECLARE_NEWER_OPS=0)";
    } else if (!skipped.empty()) {
      message += " and pt2onnx could not declare to it (" + join_first(skipped, 1) + ")";
    } else {
      message += " and is not among the " + std::to_string(declared.declared.size()) +
                 " aten:: ops of torch " + list.newer_torch + " that pt2onnx declares to it";
    }
  } else {
    message += " with arguments " + libtorch + "'s " + op + " does not take: torch " +
               list.newer_torch + " changed its signature (" + join_first(newer_signatures, 2) +
               ")";
  }
  message +=
      ". Convert it with a pt2onnx built against a newer LibTorch: on Debian 13, or on Debian 12 "
      "through scripts/debian13.sh, or against a LibTorch of your own with "
      "-DCMAKE_PREFIX_PATH=/path/to/libtorch (see docs/building.md); or save the model with the "
      "PyTorch release of this LibTorch";
  return message;
}

}  // namespace pt2onnx::loader
