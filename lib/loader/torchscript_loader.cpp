#include "loader/torchscript_loader.h"

#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/passes/freeze_module.h>
#include <torch/csrc/jit/serialization/import.h>

#include <array>
#include <filesystem>
#include <fstream>

#include "passes/lower_module_attributes.h"
#include "pt2onnx/error.h"

namespace pt2onnx::loader {
namespace {

// The first line of a c10::Error, without LibTorch's C++ stack trace.
std::string first_line(const std::string& text) {
  const auto end = text.find('\n');
  return end == std::string::npos ? text : text.substr(0, end);
}

// Tells apart the files people pass by mistake, before LibTorch fails on them less helpfully.
void check_is_torchscript_archive(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) throw Error(ErrorKind::kBadInput, "'" + path + "' does not exist");
  if (fs::is_directory(path, ec)) {
    throw Error(ErrorKind::kBadInput, "'" + path + "' is a directory, not a TorchScript file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::kBadInput, "'" + path + "' cannot be opened for reading");
  std::array<unsigned char, 4> magic{};
  in.read(reinterpret_cast<char*>(magic.data()), magic.size());
  if (in.gcount() == 0) throw Error(ErrorKind::kBadInput, "'" + path + "' is empty");
  const bool is_zip = in.gcount() == 4 && magic[0] == 'P' && magic[1] == 'K';
  if (!is_zip) {
    if (magic[0] == 0x80) {
      throw Error(ErrorKind::kBadInput,
                  "'" + path +
                      "' is a legacy torch.save() pickle, not TorchScript; save the "
                      "model with torch.jit.save(torch.jit.script(model), path) or "
                      "torch.jit.trace(model, example).save(path)");
    }
    throw Error(ErrorKind::kBadInput,
                "'" + path +
                    "' is not a TorchScript file (not a zip archive); pt2onnx reads "
                    "files written by torch.jit.save");
  }
  std::vector<std::string> records;
  try {
    caffe2::serialize::PyTorchStreamReader reader(path);
    records = reader.getAllRecords();
  } catch (const std::exception& e) {
    const std::string why = first_line(e.what());
    if (why.find("hasRecord(\"version\")") != std::string::npos) {
      throw Error(ErrorKind::kBadInput,
                  "'" + path +
                      "' is a zip archive but not a TorchScript module written by "
                      "torch.jit.save (it has no version record)");
    }
    throw Error(ErrorKind::kBadInput,
                "'" + path + "' is a damaged or truncated archive (" + why + ")");
  }
  bool has_code = false;
  for (const auto& r : records) has_code |= r.rfind("code/", 0) == 0;
  if (!has_code) {
    throw Error(
        ErrorKind::kBadInput,
        "'" + path +
            "' holds a pickled object (e.g. a state_dict written by "
            "torch.save), not a TorchScript module: it has no code/ section; export the model "
            "with torch.jit.script(model) or torch.jit.trace(model, example) and save that");
  }
}

}  // namespace

LoadedGraph load_torchscript(const std::string& path, const std::string& method,
                             const std::function<void(const std::string&)>& progress) {
  auto step = [&progress](const char* what) {
    if (progress) progress(what);
  };
  check_is_torchscript_archive(path);
  torch::jit::Module module;
  try {
    module = torch::jit::load(path, c10::Device(c10::kCPU));
  } catch (const std::exception& e) {
    throw Error(ErrorKind::kBadInput,
                "LibTorch cannot load '" + path + "': " + first_line(e.what()));
  }
  step("loaded the module");
  module.eval();
  if (!module.find_method(method)) {
    std::string available;
    for (const auto& m : module.get_methods()) {
      available += (available.empty() ? "" : ", ") + m.name();
    }
    throw Error(ErrorKind::kUsage,
                "the model has no method '" + method + "' (its methods: " + available + ")");
  }
  torch::jit::Module& frozen = module;
  try {
    std::vector<std::string> preserved;
    if (method != "forward") preserved.push_back(method);
    // In place: a cloning freeze would hold a second copy of every weight.
    torch::jit::freeze_module_inplace(&module, preserved);
  } catch (const std::exception& e) {
    throw Error(ErrorKind::kUnsupported,
                "LibTorch cannot freeze the model (pt2onnx needs its attributes to be constant): " +
                    first_line(e.what()));
  }
  step("frozen");
  torch::jit::Method frozen_method = frozen.get_method(method);
  LoadedGraph out;
  out.graph = frozen_method.graph()->copy();
  // Attributes the method writes are still read from `self`: they become values.
  passes::lower_module_attributes(*out.graph, frozen);
  const auto& schema = frozen_method.function().getSchema();
  for (size_t i = 1; i < schema.arguments().size(); ++i) {
    out.input_names.push_back(schema.arguments()[i].name());
    const auto& default_value = schema.arguments()[i].default_value();
    out.input_defaults.push_back(default_value ? std::make_shared<const c10::IValue>(*default_value)
                                               : nullptr);
  }
  if (!out.graph->inputs().empty() && out.graph->inputs()[0]->uses().empty()) {
    out.graph->eraseInput(0);
  } else {
    throw Error(ErrorKind::kUnsupported,
                "the frozen model still reads attributes of `self` at run time (a mutable "
                "attribute or an object pt2onnx cannot turn into constants)");
  }
  return out;
}

}  // namespace pt2onnx::loader
