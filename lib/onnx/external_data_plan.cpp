#include "onnx/external_data_plan.h"

#include <cctype>

#include "onnx/output_paths.h"
#include "onnx/tensor_proto.h"

namespace pt2onnx::onnx_ir {
namespace {

std::string safe_file_name(const std::string& tensor_name) {
  std::string out;
  for (char c : tensor_name)
    out.push_back(
        std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ? c : '_');
  return out;
}

void set_external(onnx::TensorProto& header, const std::string& location, int64_t offset,
                  int64_t length) {
  header.set_data_location(onnx::TensorProto::EXTERNAL);
  auto add = [&header](const char* key, const std::string& value) {
    auto* entry = header.add_external_data();
    entry->set_key(key);
    entry->set_value(value);
  };
  add("location", location);
  if (offset >= 0) add("offset", std::to_string(offset));
  add("length", std::to_string(length));
}

}  // namespace

DataPlan plan_external_data(const AssembledModel& assembled, const ExportOptions& options,
                            const std::function<void(const std::string&)>& notice) {
  DataPlan plan;
  ExternalDataMode mode = options.external_data;
  plan.external = mode != ExternalDataMode::kAuto;
  if (mode == ExternalDataMode::kAuto && assembled.weight_bytes > kInlineLimitBytes) {
    plan.external = true;
    mode = ExternalDataMode::kAlways;
    if (notice) {
      notice("the weights (" + std::to_string(assembled.weight_bytes >> 20) +
             " MiB) exceed what one ONNX protobuf file can hold (2 GiB): writing them to '" +
             external_data_name(options.output_path) + "' beside the model");
    }
  }
  const std::string data_name = external_data_name(options.output_path);
  int shared_file = -1;
  int64_t data_offset = 0;
  for (const Initializer* init : assembled.weights) {
    PlannedTensor t;
    t.init = init;
    t.header = tensor_proto_header(init->value, init->name);
    const int64_t n = static_cast<int64_t>(init->value.nbytes());
    if (plan.external && n >= kExternalThresholdBytes) {
      if (mode == ExternalDataMode::kPerTensor) {
        const std::string name = safe_file_name(init->name);
        t.side_file = static_cast<int>(plan.side_files.size());
        plan.side_files.push_back(name);
        set_external(t.header, name, -1, n);
      } else {
        if (shared_file < 0) {
          shared_file = static_cast<int>(plan.side_files.size());
          plan.side_files.push_back(data_name);
        }
        t.side_file = shared_file;
        t.padding = (kExternalAlignment - data_offset % kExternalAlignment) % kExternalAlignment;
        data_offset += t.padding;
        t.offset = data_offset;
        set_external(t.header, data_name, data_offset, n);
        data_offset += n;
      }
    }
    plan.tensors.push_back(std::move(t));
  }
  return plan;
}

}  // namespace pt2onnx::onnx_ir
