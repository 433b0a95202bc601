// The ONNX graph under construction. Symbolics emit nodes through it (via SymbolicContext);
// every node is checked against its ONNX schema and typed by ONNX's own per-node shape
// inference as it is added, so later symbolics can ask for dtypes, ranks and static sizes.
// Nodes whose inputs are all known constants are evaluated on the spot (constant folding).
#pragma once

#include <ATen/core/Tensor.h>
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "onnx/attr_value.h"
#include "onnx/shape_data.h"
#include "onnx/tensor_dedup.h"

namespace onnx {
class OpSchema;
}

namespace pt2onnx::onnx_ir {

using ValueName = std::string;

// A weight or a folded constant; bytes stay in the LibTorch tensor until the writer streams them.
struct Initializer {
  std::string name;
  at::Tensor value;
  bool is_parameter = false;  // a module parameter or buffer (named after its module path)
};

class GraphBuilder {
 public:
  GraphBuilder(int opset, bool fold_constants);

  int opset() const { return opset_; }

  // Adds a node to the innermost open graph and returns its outputs. An empty input name is an
  // omitted optional input.
  std::vector<ValueName> emit(const std::string& op_type, const std::vector<ValueName>& inputs,
                              const Attrs& attrs, size_t num_outputs);
  // As emit, but the caller gives the output types (If/Loop, whose bodies are typed already).
  std::vector<ValueName> emit_typed(const std::string& op_type,
                                    const std::vector<ValueName>& inputs, const Attrs& attrs,
                                    const std::vector<onnx::TypeProto>& output_types);

  // Constants become initializers of the main graph (visible inside every subgraph); equal
  // constants (dtype, shape and bytes) share one initializer, named after the first one.
  ValueName add_constant(const at::Tensor& value, const std::string& name_hint = "");
  // A module parameter: an initializer named `name` (or the name of an equal parameter added
  // earlier), or with export_params off a graph input whose value is not known (and so never
  // folded).
  ValueName add_parameter(const std::string& name, const at::Tensor& value, bool embed);

  ValueName add_input(const std::string& name, const onnx::TypeProto& type);
  // The options that gave a graph input its type ("--shape x:1x3x8x8"): when ONNX rejects a
  // node fed only by such inputs and constants, the user's description is what is wrong, and
  // the error says so (bad-input-spec) instead of blaming the converter.
  void describe_input(const ValueName& name, const std::string& options) {
    input_options_[name] = options;
  }
  // A --shape that declares a static empty axis: ONNX's shape inference rejecting a node that
  // follows from it (a view to -1 of no elements, a convolution of an empty image) is what the
  // model does with an empty tensor, which is rarely meant, so the error names that option.
  void note_empty_axis(const std::string& option) { empty_axis_options_.push_back(option); }
  // True for module parameters, embedded or turned into inputs.
  bool is_parameter(const ValueName& name) const { return parameters_.count(name) != 0; }
  // Marks `value` as an output of the innermost graph under `output_name` (renaming or adding
  // an Identity as needed) and returns the output's name.
  ValueName add_output(const ValueName& value, const std::string& output_name);

  void begin_subgraph(const std::string& name);
  std::shared_ptr<onnx::GraphProto> end_subgraph();
  bool in_subgraph() const { return open_graphs_.size() > 1; }

  // What is known about a value (nullptr / nullopt when nothing is).
  const onnx::TypeProto* type_of(const ValueName& name) const;
  void set_type(const ValueName& name, const onnx::TypeProto& type);
  const at::Tensor* constant_of(const ValueName& name) const;
  // What is known element by element of a small int64 shape tensor (numbers or dim_params).
  const ShapeData* shape_data_of(const ValueName& name) const;
  std::optional<int32_t> elem_type(const ValueName& name) const;
  std::optional<int64_t> rank(const ValueName& name) const;
  // One entry per axis: the size where it is a number, nullopt where symbolic or unknown.
  std::optional<std::vector<std::optional<int64_t>>> dims(const ValueName& name) const;

  ValueName fresh_name(const std::string& hint);
  // The graph as text, one node a line with the known output types (for --verbose).
  std::string dump() const;

  onnx::GraphProto& main_graph() { return *graphs_.front(); }
  const std::vector<Initializer>& initializers() const { return initializers_; }
  int64_t node_count() const { return node_count_; }

 private:
  onnx::NodeProto& append_node(const std::string& op_type, const std::vector<ValueName>& inputs,
                               const Attrs& attrs, size_t num_outputs);
  // Where the schema does not take an input's element type: the node emitted in the nearest
  // type that holds its values, between casts (type_legalizer.h); nullopt when none is needed.
  std::optional<std::vector<ValueName>> legalized(const onnx::OpSchema& schema,
                                                  const std::vector<ValueName>& inputs,
                                                  const Attrs& attrs, size_t num_outputs);
  bool all_constant(const std::vector<ValueName>& inputs) const;
  void infer_types(onnx::NodeProto& node);
  void refine_reshape_type(const onnx::NodeProto& node);
  bool try_fold(const onnx::NodeProto& node, std::vector<ValueName>& outputs);
  // Records what is known of the output's values; true when they are all numbers and the
  // output was replaced by a constant.
  bool propagate_data(const onnx::NodeProto& node, std::vector<ValueName>& outputs);
  const onnx::TensorProto* small_constant_proto(const ValueName& name);
  void rename_everywhere(const ValueName& from, const ValueName& to);

  int opset_;
  bool fold_constants_;
  std::vector<std::shared_ptr<onnx::GraphProto>> graphs_;  // [0] main graph; others subgraphs
  std::vector<onnx::GraphProto*> open_graphs_;
  std::unordered_set<std::string> used_names_;
  std::unordered_map<std::string, int64_t> name_counters_;
  std::unordered_map<std::string, onnx::TypeProto> types_;
  std::unordered_map<std::string, at::Tensor> constants_;
  std::unordered_map<std::string, onnx::TensorProto> small_constant_protos_;
  std::unordered_map<std::string, std::string> constant_dedup_;  // content key -> name
  // Equal initializers of any size; parameters and computed constants are pooled apart.
  TensorDeduper large_constants_;
  TensorDeduper embedded_parameters_;
  // Folded nodes by op, inputs and attributes -> their constant outputs (the same Transpose of
  // a shared weight in every layer is evaluated once).
  std::unordered_map<std::string, std::vector<ValueName>> folded_nodes_;
  std::unordered_set<std::string> produced_by_node_;
  // Values add_output renamed to an output's name -> that name: the converter still holds the
  // old name, and a value returned twice is asked for again by it.
  std::unordered_map<std::string, std::string> renamed_;
  // The known (possibly symbolic) element values of shape-like int64 tensors.
  std::unordered_map<std::string, ShapeData> shape_data_;
  std::vector<Initializer> initializers_;
  std::unordered_set<std::string> parameters_;
  std::unordered_map<std::string, std::string> input_options_;  // see describe_input
  std::vector<std::string> empty_axis_options_;                 // see note_empty_axis
  int64_t node_count_ = 0;
};

// Opens a subgraph for its lifetime: finish() closes it and returns it; left unfinished (an
// error on the way out), the subgraph is closed and dropped.
class SubgraphScope {
 public:
  SubgraphScope(GraphBuilder& builder, const std::string& name) : builder_(builder) {
    builder_.begin_subgraph(name);
  }
  ~SubgraphScope() {
    if (open_) builder_.end_subgraph();
  }
  SubgraphScope(const SubgraphScope&) = delete;
  SubgraphScope& operator=(const SubgraphScope&) = delete;
  std::shared_ptr<onnx::GraphProto> finish() {
    open_ = false;
    return builder_.end_subgraph();
  }

 private:
  GraphBuilder& builder_;
  bool open_ = true;
};

// TypeProto helpers.
onnx::TypeProto tensor_type(int32_t elem_type);
onnx::TypeProto tensor_type(int32_t elem_type, const std::vector<int64_t>& dims);
// Keeps the element type (and rank where `keep_rank`), forgets the sizes.
onnx::TypeProto relaxed_type(const onnx::TypeProto& type, bool keep_rank = true);

}  // namespace pt2onnx::onnx_ir
