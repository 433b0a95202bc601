#include "onnx_describe.h"

#include <onnx/onnx_pb.h>

#include <map>
#include <set>

#include "onnx_skim.h"

namespace pt2onnx::cli {
namespace {

std::string elem_type_name(int32_t type) {
  switch (type) {
    case onnx::TensorProto::FLOAT:
      return "float32";
    case onnx::TensorProto::FLOAT16:
      return "float16";
    case onnx::TensorProto::BFLOAT16:
      return "bfloat16";
    case onnx::TensorProto::DOUBLE:
      return "float64";
    case onnx::TensorProto::INT8:
      return "int8";
    case onnx::TensorProto::INT16:
      return "int16";
    case onnx::TensorProto::INT32:
      return "int32";
    case onnx::TensorProto::INT64:
      return "int64";
    case onnx::TensorProto::UINT8:
      return "uint8";
    case onnx::TensorProto::BOOL:
      return "bool";
    default:
      return onnx::TensorProto::DataType_Name(static_cast<onnx::TensorProto::DataType>(type));
  }
}

Json value_info(const onnx::ValueInfoProto& v) {
  Json out = Json::object();
  out.set("name", v.name());
  if (!v.type().has_tensor_type()) {
    out.set("dtype", Json());
    out.set("shape", Json());
    return out;
  }
  const auto& t = v.type().tensor_type();
  out.set("dtype", elem_type_name(t.elem_type()));
  if (!t.has_shape()) {
    out.set("shape", Json());  // rank unknown
    return out;
  }
  Json shape = Json::array();
  for (const auto& d : t.shape().dim()) {
    if (d.has_dim_value()) {
      shape.push(Json(static_cast<int64_t>(d.dim_value())));
    } else if (d.has_dim_param()) {
      shape.push(Json(d.dim_param()));
    } else {
      shape.push(Json());
    }
  }
  out.set("shape", shape);
  return out;
}

void count_nodes(const onnx::GraphProto& g, std::map<std::string, int64_t>& histogram,
                 int64_t& nested, bool is_main) {
  for (const auto& node : g.node()) {
    const std::string key =
        node.domain().empty() ? node.op_type() : node.domain() + "::" + node.op_type();
    ++histogram[key];
    if (!is_main) ++nested;
    for (const auto& attr : node.attribute()) {
      if (attr.has_g()) count_nodes(attr.g(), histogram, nested, false);
      for (const auto& sub : attr.graphs()) count_nodes(sub, histogram, nested, false);
    }
  }
}

}  // namespace

OnnxFileFacts describe_onnx_file(const std::string& path) {
  SkimmedModel skimmed = skim_onnx_file(path);
  const onnx::ModelProto& model = skimmed.model;
  Json out = Json::object();
  out.set("ir_version", Json(static_cast<int64_t>(model.ir_version())));
  int64_t opset = 0;
  Json imports = Json::object();
  for (const auto& imp : model.opset_import()) {
    if (imp.domain().empty() || imp.domain() == "ai.onnx") opset = imp.version();
    imports.set(imp.domain().empty() ? "ai.onnx" : imp.domain(),
                Json(static_cast<int64_t>(imp.version())));
  }
  out.set("opset", Json(opset));
  out.set("opset_imports", imports);
  out.set("producer", model.producer_name() + " " + model.producer_version());
  const auto& g = model.graph();
  const std::set<std::string> initializers(skimmed.initializer_names.begin(),
                                           skimmed.initializer_names.end());
  Json inputs = Json::array();
  for (const auto& v : g.input()) {
    // --keep-initializers-as-inputs lists the weights as inputs too; they are not what a caller
    // feeds.
    if (!initializers.count(v.name())) inputs.push(value_info(v));
  }
  out.set("inputs", inputs);
  Json outputs = Json::array();
  for (const auto& v : g.output()) outputs.push(value_info(v));
  out.set("outputs", outputs);
  std::map<std::string, int64_t> histogram;
  int64_t nested = 0;
  count_nodes(g, histogram, nested, true);
  out.set("node_count", Json(static_cast<int64_t>(g.node_size())));
  out.set("nested_node_count", Json(nested));
  out.set("initializer_count", Json(static_cast<int64_t>(skimmed.initializer_names.size())));
  Json ops = Json::object();
  for (const auto& [op, n] : histogram) ops.set(op, Json(n));
  out.set("op_histogram", ops);
  return {out, skimmed.sha256};
}

}  // namespace pt2onnx::cli
