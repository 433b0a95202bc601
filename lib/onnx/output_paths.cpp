#include "onnx/output_paths.h"

#include <sys/stat.h>

#include <filesystem>

#include "pt2onnx/error.h"

namespace pt2onnx::onnx_ir {

namespace fs = std::filesystem;

void check_output_location(const std::string& output_path) {
  const fs::path target(output_path);
  fs::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw Error(ErrorKind::kWriteFailed, "cannot write '" + target.string() + "': directory '" +
                                             dir.string() + "' does not exist");
  }
  if (fs::is_directory(target, ec)) {
    throw Error(ErrorKind::kWriteFailed,
                "cannot write '" + target.string() + "': it is a directory");
  }
}

void refuse_overwriting_input(const std::string& model_path,
                              const std::vector<std::string>& outputs) {
  if (model_path.empty()) return;
  struct stat model = {};
  if (::stat(model_path.c_str(), &model) != 0) return;
  for (const auto& out : outputs) {
    struct stat st = {};
    if (::stat(out.c_str(), &st) != 0) continue;
    if (st.st_dev == model.st_dev && st.st_ino == model.st_ino) {
      throw Error(DiagCode::kOutputIsInput,
                  "the output '" + out + "' is the input model '" + model_path +
                      "' itself; writing it would destroy the model: choose another -o");
    }
  }
}

std::string external_data_name(const std::string& output_path) {
  return fs::path(output_path).filename().string() + ".data";
}

}  // namespace pt2onnx::onnx_ir
