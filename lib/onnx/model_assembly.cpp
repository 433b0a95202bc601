#include "onnx/model_assembly.h"

#include <onnx/checker.h>
#include <onnx/defs/schema.h>
#include <onnx/shape_inference/implementation.h>

#include <unordered_set>

#include "onnx/external_data_plan.h"
#include "onnx/subgraph_constants.h"
#include "onnx/tensor_proto.h"
#include "pt2onnx/error.h"

namespace pt2onnx::onnx_ir {
namespace {

void collect_reads(const onnx::GraphProto& graph, std::unordered_set<std::string>& reads);

// Every name a node reads, its subgraphs' outer-scope reads included.
void collect_node_reads(const onnx::NodeProto& node, std::unordered_set<std::string>& reads) {
  for (const auto& in : node.input()) reads.insert(in);
  for (const auto& attr : node.attribute()) {
    if (attr.has_g()) collect_reads(attr.g(), reads);
  }
}

void collect_reads(const onnx::GraphProto& graph, std::unordered_set<std::string>& reads) {
  for (const auto& node : graph.node()) collect_node_reads(node, reads);
  for (const auto& out : graph.output()) reads.insert(out.name());
}

// Dead code elimination on the main graph: nodes none of whose outputs is read (a symbolic may
// compute something a later one did not need); returns the names still read.
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
    collect_node_reads(node, live);
  }
  google::protobuf::RepeatedPtrField<onnx::NodeProto> kept;
  for (int i = 0; i < graph.node_size(); ++i) {
    if (keep[static_cast<size_t>(i)]) kept.Add()->Swap(graph.mutable_node(i));
  }
  graph.mutable_node()->Swap(&kept);
  return live;
}

// ONNX's checker requires a shape on every main-graph input and output; say which one lacks it
// rather than the checker's "Field 'shape' of 'type' is required".
void require_io_shapes(const onnx::GraphProto& graph) {
  for (const auto& in : graph.input()) {
    if (in.type().has_tensor_type() && !in.type().tensor_type().has_shape()) {
      throw Error(ErrorKind::kBadInput,
                  "the rank of input '" + in.name() +
                      "' cannot be inferred from the model; give its shape with --shape " +
                      in.name() + ":D0xD1x... (add --dynamic " + in.name() +
                      ":AXES for axes that vary)");
    }
  }
  // Every input has a rank here, so an output without one gets it from run-time sizes: in
  // practice squeeze of an axis whose size is known only at run time, which torch removes only
  // where it is 1 (the If of squeeze_if_one, or Squeeze without axes).
  for (const auto& out : graph.output()) {
    if (out.type().has_tensor_type() && !out.type().tensor_type().has_shape()) {
      throw Error(DiagCode::kRunTimeRank,
                  "the rank of output '" + out.name() +
                      "' depends on the input sizes at run time (torch's squeeze removes an axis "
                      "only where its size is 1, so squeezing an axis declared --dynamic, or "
                      "sized by run-time values, gives either rank; a shape sliced at run-time "
                      "bounds has a run-time length), and ONNX requires every "
                      "graph output to have one rank: keep that axis static (leave it out of "
                      "--dynamic), or make the model's result rank fixed (reshape, or index the "
                      "axis)");
    }
  }
}

// Checker and strict shape inference on the model's structure. Weights are represented by
// their headers (small ones with their data, which inference may read), so validating a
// multi-GB model costs no copy of it.
void validate(const onnx::ModelProto& skeleton, const std::vector<Initializer>& weights,
              const std::unordered_set<std::string>& live) {
  require_io_shapes(skeleton.graph());
  onnx::ModelProto model = skeleton;
  std::unordered_set<std::string> declared;  // --keep-initializers-as-inputs lists them already
  for (const auto& in : model.graph().input()) declared.insert(in.name());
  for (const auto& init : weights) {
    if (live.count(init.name) == 0) continue;
    if (declared.count(init.name) != 0 && init.value.nbytes() > kExternalThresholdBytes) continue;
    if (init.value.nbytes() <= kExternalThresholdBytes) {
      *model.mutable_graph()->add_initializer() = to_tensor_proto(init.value, init.name);
      continue;
    }
    // A large weight matters to validation only by its type: declare it as an input.
    auto* input = model.mutable_graph()->add_input();
    input->set_name(init.name);
    auto* type = input->mutable_type()->mutable_tensor_type();
    type->set_elem_type(onnx_dtype(init.value.scalar_type()));
    for (int64_t d : init.value.sizes()) type->mutable_shape()->add_dim()->set_dim_value(d);
  }
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception& e) {
    throw Error(ErrorKind::kInvalidOutput,
                std::string("ONNX's checker rejects the exported model: ") + e.what());
  }
  try {
    onnx::ShapeInferenceOptions strict(/*check_type=*/true, /*strict_mode=*/1);
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), strict);
  } catch (const std::exception& e) {
    throw Error(ErrorKind::kInvalidOutput,
                std::string("ONNX shape inference rejects the exported model: ") + e.what());
  }
}

}  // namespace

int64_t ir_version_for_opset(int opset) {
  if (opset <= 9) return 4;
  if (opset == 10) return 5;
  if (opset == 11) return 6;
  if (opset <= 14) return 7;
  return 8;
}

AssembledModel assemble_model(GraphBuilder& builder, const ExportOptions& options,
                              const std::function<void(const char*)>& step) {
  AssembledModel out;
  onnx::ModelProto& model = out.model;
  model.set_ir_version(ir_version_for_opset(builder.opset()));
  model.set_producer_name("pt2onnx");
  model.set_producer_version(PT2ONNX_VERSION);
  auto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(builder.opset());
  onnx::GraphProto* graph = model.mutable_graph();
  graph->Swap(&builder.main_graph());
  if (graph->name().empty()) graph->set_name("main_graph");

  localize_subgraph_constants(*graph, builder.initializers());
  const std::unordered_set<std::string> live = prune_dead_nodes(*graph);
  // Parameter inputs (--no-params) that nothing reads go too.
  google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> inputs;
  for (auto& in : *graph->mutable_input()) {
    if (live.count(in.name()) != 0 || !builder.is_parameter(in.name())) inputs.Add()->Swap(&in);
  }
  graph->mutable_input()->Swap(&inputs);
  for (const auto& init : builder.initializers()) {
    if (live.count(init.name) == 0) continue;
    out.weights.push_back(&init);
    out.weight_bytes += static_cast<int64_t>(init.value.nbytes());
    if (options.keep_initializers_as_inputs) {
      auto* input = graph->add_input();
      input->set_name(init.name);
      if (const auto* type = builder.type_of(init.name)) *input->mutable_type() = *type;
    }
  }
  step("pruned dead nodes");
  validate(model, builder.initializers(), live);
  step("checked (ONNX checker and shape inference)");
  return out;
}

void return_graph(AssembledModel& assembled, GraphBuilder& builder) {
  builder.main_graph().Swap(assembled.model.mutable_graph());
}

}  // namespace pt2onnx::onnx_ir
