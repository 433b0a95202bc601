#include "onnx/model_writer.h"

#include <onnx/checker.h>

#include <filesystem>

#include "onnx/external_data_plan.h"
#include "onnx/model_stream.h"
#include "onnx/output_staging.h"
#include "pt2onnx/error.h"

namespace pt2onnx::onnx_ir {

namespace fs = std::filesystem;

WriteResult write_model(GraphBuilder& builder, const ExportOptions& options,
                        const std::function<void(const std::string&)>& notice,
                        const std::function<void(const std::string&)>& progress) {
  auto step = [&progress](const char* what) {
    if (progress) progress(what);
  };
  AssembledModel assembled = assemble_model(builder, options, step);
  const DataPlan plan = plan_external_data(assembled, options, notice);

  const fs::path target(options.output_path);
  check_output_location(options.output_path);
  std::vector<std::string> targets{options.output_path};
  for (const auto& name : plan.side_files)
    targets.push_back((target.parent_path() / name).string());
  refuse_overwriting_input(options.model_path, targets);

  OutputStaging staging(target);
  WriteResult result;
  result.file_bytes = stream_model(assembled, plan, staging);
  step("written");
  if (plan.external) {
    // The path-based check reads the small model file and checks every external file is there;
    // in the staging directory they already have their final names.
    try {
      onnx::checker::check_model(staging.staged_model().string());
    } catch (const std::exception& e) {
      throw Error(ErrorKind::kInvalidOutput,
                  std::string("ONNX's checker rejects the external-data model: ") + e.what());
    }
  }
  result.extra_files = staging.commit();
  result.node_count = assembled.model.graph().node_size();
  result.initializer_count = static_cast<int64_t>(assembled.weights.size());
  result.initializer_bytes = assembled.weight_bytes;
  return_graph(assembled, builder);
  return result;
}

}  // namespace pt2onnx::onnx_ir
