#include "loader/torchscript_loader.h"

#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/passes/freeze_module.h>
#include <torch/csrc/jit/serialization/import.h>

#include <array>
#include <filesystem>
#include <fstream>

#include "loader/checked_archive.h"
#include "loader/libtorch_message.h"
#include "loader/newer_aten_ops.h"
#include "loader/newer_torch_message.h"
#include "loader/op_libraries.h"
#include "loader/tensor_attributes.h"
#include "passes/lower_module_attributes.h"
#include "pt2onnx/error.h"

namespace pt2onnx::loader {
namespace {

// Tells apart the files people pass by mistake, before LibTorch fails on them less helpfully, and
// checks the archive's headers; returns the archive LibTorch is to read.
std::shared_ptr<CheckedArchive> open_torchscript_archive(const std::string& path) {
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
  in.close();
  std::shared_ptr<CheckedArchive> archive = CheckedArchive::open(path);
  try {
    caffe2::serialize::PyTorchStreamReader reader(archive);
  } catch (const std::exception& e) {
    if (!archive->failure().empty()) throw Error(DiagCode::kCorruptArchive, archive->failure());
    const std::string why = libtorch_message(e);
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
  // LibTorch's record names drop the archive's top-level folder ("model/code/...").
  for (const auto& r : archive->records()) {
    const auto slash = r.name.find('/');
    has_code |= slash != std::string::npos && r.name.compare(slash + 1, 5, "code/") == 0;
  }
  if (!has_code) {
    throw Error(
        ErrorKind::kBadInput,
        "'" + path +
            "' holds a pickled object (e.g. a state_dict written by "
            "torch.save), not a TorchScript module: it has no code/ section; export the model "
            "with torch.jit.script(model) or torch.jit.trace(model, example) and save that");
  }
  return archive;
}

}  // namespace

LoadedGraph load_torchscript(const std::string& path, const std::string& method,
                             const std::vector<std::string>& op_libraries,
                             const std::function<void(const std::string&)>& progress) {
  auto step = [&progress](const char* what) {
    if (progress) progress(what);
  };
  std::shared_ptr<CheckedArchive> archive = open_torchscript_archive(path);
  try {
    load_op_libraries_for(archive, op_libraries, path);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    if (!archive->failure().empty()) throw Error(DiagCode::kCorruptArchive, archive->failure());
    throw Error(ErrorKind::kBadInput,
                "'" + path + "' is a damaged or truncated archive (" + libtorch_message(e) + ")");
  }
  // Before LibTorch compiles the file's code: torch 2.x's calls ops LibTorch 1.x lacks.
  declare_newer_aten_ops();
  torch::jit::Module module;
  try {
    module = torch::jit::load(archive, c10::Device(c10::kCPU));
  } catch (const std::exception& e) {
    if (!archive->failure().empty()) throw Error(DiagCode::kCorruptArchive, archive->failure());
    const std::string why = libtorch_message(e);
    if (auto newer = newer_torch_message(path, why)) throw Error(DiagCode::kNewerTorch, *newer);
    throw Error(ErrorKind::kBadInput, "LibTorch cannot load '" + path + "': " + why);
  } catch (...) {
    if (!archive->failure().empty()) throw Error(DiagCode::kCorruptArchive, archive->failure());
    throw Error(ErrorKind::kBadInput, "LibTorch cannot load '" + path + "' (no reason given)");
  }
  archive.reset();  // the weights are in memory: close the file
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
                    libtorch_message(e));
  }
  step("frozen");
  torch::jit::Method frozen_method = frozen.get_method(method);
  LoadedGraph out;
  out.graph = frozen_method.graph()->copy();
  fold_tensor_attributes(*out.graph, frozen);
  // Attributes the method writes are still read from `self`: they become values.
  out.warnings = passes::lower_module_attributes(*out.graph, frozen);
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
