// Writer stage 4's ground: a private temporary directory beside the output, holding the model
// file and its side files under their final names until they are all complete. Its name is
// unique per run (two runs writing one output never share it), every path in it is registered
// for the signal handler (pt2onnx/interrupt.h), and whatever was not committed is removed when
// the staging ends, so a failed or interrupted run leaves the previous output as it was.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "onnx/temp_registry.h"

namespace pt2onnx::onnx_ir {

class OutputStaging {
 public:
  explicit OutputStaging(const std::filesystem::path& target);
  OutputStaging(const OutputStaging&) = delete;
  OutputStaging& operator=(const OutputStaging&) = delete;
  ~OutputStaging();

  // The staged path of a file that will be committed as `name` beside the target; registered
  // before the caller creates it.
  std::filesystem::path add_file(const std::string& name);
  const std::filesystem::path& staged_model() const { return model_; }
  const std::filesystem::path& directory() const { return dir_->path_; }

  // Moves the side files, then the model, to their final names, with interrupting signals held
  // back until all are moved. Returns the final paths of the side files.
  std::vector<std::string> commit();

 private:
  struct Dir {
    std::filesystem::path path_;
    std::unique_ptr<RegisteredTemp> registration;
  };
  std::filesystem::path final_dir_;
  std::string target_name_;
  std::unique_ptr<Dir> dir_;
  std::filesystem::path model_;
  std::vector<std::unique_ptr<RegisteredTemp>> files_;
};

}  // namespace pt2onnx::onnx_ir
