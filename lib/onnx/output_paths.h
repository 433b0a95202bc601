// Where the result may go: checks made before the slow part of a conversion, and again for the
// side files whose names are only known when writing.
#pragma once

#include <string>
#include <vector>

namespace pt2onnx::onnx_ir {

// Throws kWriteFailed when the output's directory does not exist or the output is a directory.
void check_output_location(const std::string& output_path);

// Throws kOutputIsInput when one of `outputs` is the model file itself: the same device and
// inode, so a symlink or another spelling of the path is caught too. Paths that do not exist
// yet cannot be the input. An empty `model_path` checks nothing.
void refuse_overwriting_input(const std::string& model_path,
                              const std::vector<std::string>& outputs);

// The external-data side file of one output (`OUT.onnx.data`).
std::string external_data_name(const std::string& output_path);

}  // namespace pt2onnx::onnx_ir
