#include "onnx/subgraph_constants.h"

#include <string>
#include <unordered_map>

#include "onnx/tensor_proto.h"

namespace pt2onnx::onnx_ir {
namespace {

// Shape-like constants: what shape inference reads the data of. Larger tensors are weights.
constexpr int64_t kMaxLocalizedElements = 64;

class Localizer {
 public:
  explicit Localizer(const std::vector<Initializer>& weights) {
    for (const auto& w : weights) {
      if (w.value.numel() <= kMaxLocalizedElements) small_.emplace(w.name, &w);
    }
  }

  void subgraphs_of(onnx::GraphProto& graph) {
    for (auto& node : *graph.mutable_node()) {
      for (auto& attr : *node.mutable_attribute()) {
        if (attr.has_g()) body(*attr.mutable_g());
        for (auto& g : *attr.mutable_graphs()) body(g);
      }
    }
  }

 private:
  void body(onnx::GraphProto& graph) {
    std::unordered_map<std::string, std::string> local;  // initializer -> its copy's name
    google::protobuf::RepeatedPtrField<onnx::NodeProto> copies;
    for (auto& node : *graph.mutable_node()) {
      for (auto& in : *node.mutable_input()) {
        auto it = small_.find(in);
        if (it == small_.end()) continue;
        auto [pos, added] = local.emplace(in, in + "_local" + std::to_string(next_++));
        if (added) {
          onnx::NodeProto* c = copies.Add();
          c->set_op_type("Constant");
          c->add_output(pos->second);
          c->set_name(pos->second);
          onnx::AttributeProto* value = c->add_attribute();
          value->set_name("value");
          value->set_type(onnx::AttributeProto::TENSOR);
          *value->mutable_t() = to_tensor_proto(it->second->value, "");
        }
        in = pos->second;
      }
    }
    if (!copies.empty()) {
      for (auto& node : *graph.mutable_node()) copies.Add()->Swap(&node);
      graph.mutable_node()->Swap(&copies);
    }
    subgraphs_of(graph);
  }

  std::unordered_map<std::string, const Initializer*> small_;
  int64_t next_ = 0;
};

}  // namespace

void localize_subgraph_constants(onnx::GraphProto& main, const std::vector<Initializer>& weights) {
  Localizer(weights).subgraphs_of(main);
}

}  // namespace pt2onnx::onnx_ir
