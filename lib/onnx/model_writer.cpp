#include "onnx/model_writer.h"

#include <onnx/checker.h>
#include <onnx/defs/schema.h>
#include <onnx/shape_inference/implementation.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unordered_set>

#include "onnx/tensor_proto.h"
#include "pt2onnx/error.h"

namespace pt2onnx::onnx_ir {
namespace {

namespace fs = std::filesystem;

// Removes the temporary file unless the write completed.
class TempFile {
 public:
  explicit TempFile(fs::path path) : path_(std::move(path)) {}
  ~TempFile() {
    if (!committed_) {
      std::error_code ec;
      fs::remove(path_, ec);
    }
  }
  const fs::path& path() const { return path_; }
  void commit_to(const fs::path& target) {
    std::error_code ec;
    fs::rename(path_, target, ec);
    if (ec) {
      throw Error(ErrorKind::kWriteFailed,
                  "cannot move the result to '" + target.string() + "': " + ec.message());
    }
    committed_ = true;
  }

 private:
  fs::path path_;
  bool committed_ = false;
};

// ONNX's checker requires a shape on every main-graph input and output; say which one lacks it
// rather than the checker's "Field 'shape' of 'type' is required".
void require_io_shapes(const onnx::GraphProto& graph) {
  for (const auto& in : graph.input()) {
    if (in.type().has_tensor_type() && !in.type().tensor_type().has_shape()) {
      throw Error(ErrorKind::kBadInput, "the rank of input '" + in.name() +
                                            "' cannot be inferred from the model; give "
                                            "its shape with --shape " +
                                            in.name() + ":D0xD1x... (add --dynamic " + in.name() +
                                            ":AXES for axes that vary)");
    }
  }
  for (const auto& out : graph.output()) {
    if (out.type().has_tensor_type() && !out.type().tensor_type().has_shape()) {
      throw Error(ErrorKind::kBadInput, "the rank of output '" + out.name() +
                                            "' is unknown; give the inputs' shapes "
                                            "with --shape NAME:D0xD1x...");
    }
  }
}

void validate(onnx::ModelProto& model) {
  require_io_shapes(model.graph());
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception& e) {
    throw Error(ErrorKind::kInvalidOutput,
                std::string("ONNX's checker rejects the exported model: ") + e.what());
  }
  try {
    onnx::ShapeInferenceOptions strict(/*check_type=*/true, /*strict_mode=*/1);
    onnx::ModelProto copy_for_inference;
    // Inference annotates value_info; run it on a weight-free copy to keep memory flat.
    copy_for_inference.CopyFrom(model);
    copy_for_inference.mutable_graph()->clear_initializer();
    for (const auto& init : model.graph().initializer()) {
      if (init.raw_data().size() <= 1024) {
        *copy_for_inference.mutable_graph()->add_initializer() = init;
        continue;
      }
      // Large weights matter to inference only by their type: declare them as inputs.
      auto* input = copy_for_inference.mutable_graph()->add_input();
      input->set_name(init.name());
      auto* tensor_type = input->mutable_type()->mutable_tensor_type();
      tensor_type->set_elem_type(init.data_type());
      for (int64_t d : init.dims()) tensor_type->mutable_shape()->add_dim()->set_dim_value(d);
    }
    onnx::shape_inference::InferShapes(copy_for_inference, onnx::OpSchemaRegistry::Instance(),
                                       strict);
  } catch (const std::exception& e) {
    throw Error(ErrorKind::kInvalidOutput,
                std::string("ONNX shape inference rejects the exported model: ") + e.what());
  }
}

// Every name a graph reads, its subgraphs' outer-scope reads included.
void collect_reads(const onnx::GraphProto& graph, std::unordered_set<std::string>& reads) {
  for (const auto& node : graph.node()) {
    for (const auto& in : node.input()) reads.insert(in);
    for (const auto& attr : node.attribute()) {
      if (attr.has_g()) collect_reads(attr.g(), reads);
    }
  }
  for (const auto& out : graph.output()) reads.insert(out.name());
}

// Dead code elimination on the main graph: nodes none of whose outputs is read (a symbolic may
// compute something a later one did not need), then the names still read.
std::unordered_set<std::string> prune_dead_nodes(onnx::GraphProto& graph) {
  std::unordered_set<std::string> live;
  for (const auto& out : graph.output()) live.insert(out.name());
  std::vector<bool> keep(static_cast<size_t>(graph.node_size()), false);
  for (int i = graph.node_size() - 1; i >= 0; --i) {
    const auto& node = graph.node(i);
    bool used = false;
    for (const auto& out : node.output()) used |= live.count(out) != 0;
    if (!used) continue;
    keep[static_cast<size_t>(i)] = true;
    onnx::GraphProto one;
    *one.add_node() = node;
    collect_reads(one, live);
  }
  google::protobuf::RepeatedPtrField<onnx::NodeProto> kept;
  for (int i = 0; i < graph.node_size(); ++i) {
    if (keep[static_cast<size_t>(i)]) kept.Add()->Swap(graph.mutable_node(i));
  }
  graph.mutable_node()->Swap(&kept);
  return live;
}

}  // namespace

int64_t ir_version_for_opset(int opset) {
  if (opset <= 9) return 4;
  if (opset == 10) return 5;
  if (opset == 11) return 6;
  if (opset <= 14) return 7;
  return 8;
}

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

WriteResult write_model(GraphBuilder& builder, const ExportOptions& options) {
  onnx::ModelProto model;
  model.set_ir_version(ir_version_for_opset(builder.opset()));
  model.set_producer_name("pt2onnx");
  model.set_producer_version(PT2ONNX_VERSION);
  auto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(builder.opset());
  onnx::GraphProto* graph = model.mutable_graph();
  graph->Swap(&builder.main_graph());
  if (graph->name().empty()) graph->set_name("main_graph");
  const std::unordered_set<std::string> live = prune_dead_nodes(*graph);
  // Parameter inputs (--no-params) nobody reads go too.
  google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> inputs;
  for (auto& in : *graph->mutable_input()) {
    if (live.count(in.name()) != 0 || !builder.is_parameter(in.name())) {
      inputs.Add()->Swap(&in);
    }
  }
  graph->mutable_input()->Swap(&inputs);
  for (const auto& init : builder.initializers()) {
    if (live.count(init.name) == 0) continue;
    *graph->add_initializer() = to_tensor_proto(init.value, init.name);
    if (options.keep_initializers_as_inputs) {
      auto* input = graph->add_input();
      input->set_name(init.name);
      if (const auto* type = builder.type_of(init.name)) *input->mutable_type() = *type;
    }
  }
  validate(model);

  const fs::path target(options.output_path);
  check_output_location(options.output_path);
  fs::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  std::error_code ec;
  TempFile temp(dir / ("." + target.filename().string() + ".pt2onnx-tmp"));
  {
    std::ofstream out(temp.path(), std::ios::binary | std::ios::trunc);
    if (!out) {
      throw Error(ErrorKind::kWriteFailed, "cannot create '" + temp.path().string() + "'");
    }
    if (!model.SerializeToOstream(&out)) {
      throw Error(ErrorKind::kWriteFailed,
                  "cannot serialize the model (over 2 GB? use --external-data)");
    }
    out.flush();
    if (!out) throw Error(ErrorKind::kWriteFailed, "writing '" + target.string() + "' failed");
  }
  WriteResult result;
  result.node_count = graph->node_size();
  result.initializer_count = graph->initializer_size();
  for (const auto& init : graph->initializer())
    result.initializer_bytes += static_cast<int64_t>(init.raw_data().size());
  result.file_bytes = static_cast<int64_t>(fs::file_size(temp.path(), ec));
  temp.commit_to(target);
  // The builder's graph was moved into the model; hand it back for callers that print it.
  builder.main_graph().Swap(graph);
  return result;
}

}  // namespace pt2onnx::onnx_ir
