// The dispatcher: converts TorchScript blocks node by node. Each node is evaluated at conversion
// time where all it needs is known, or looked up in the effective table (resolved once, from the
// registry passed in, for the target opset) and handed to its symbolic. A node that fails is
// recorded as a diagnostic and taints its outputs, so nothing that depends on it is converted
// (across If and Loop boundaries too): one run reports every independent problem, and a refusal
// never turns into a follow-on error.
#pragma once

#include <functional>
#include <unordered_set>
#include <vector>

#include "onnx/graph_builder.h"
#include "pt2onnx/error.h"
#include "symbolics/bindings.h"
#include "symbolics/block_converter.h"
#include "symbolics/context.h"
#include "symbolics/registry.h"

namespace pt2onnx::convert {

struct DispatchSettings {
  int opset = 0;
  bool export_params = true;
  bool drop_run_time_checks = true;
};

class Dispatcher final : public sym::BlockConverter {
 public:
  Dispatcher(onnx_ir::GraphBuilder& builder, const sym::OpsetRegistry& registry,
             DispatchSettings settings);

  std::vector<sym::Lowered> convert_block(const torch::jit::Block& block,
                                          const std::vector<sym::Lowered>& params) override;
  void convert_again(const torch::jit::Node& node) override { convert_node(node); }
  void warn(const torch::jit::Node& where, DiagCode code, const std::string& message) override;

  // The context the symbolics get, for what is lowered after the graph's nodes (its outputs).
  sym::SymbolicContext& context() { return ctx_; }

  // Errors recorded while converting, in graph order.
  const std::vector<Diagnostic>& problems() const { return problems_; }
  // Warnings, in graph order.
  const std::vector<Diagnostic>& warnings() const { return warnings_; }

 private:
  void convert_node(const torch::jit::Node& node);
  bool try_evaluate(const torch::jit::Node& node);
  sym::SymbolicFn find_symbolic(const torch::jit::Node& node) const;
  bool is_tainted(const torch::jit::Value* value) const;
  void taint_outputs(const torch::jit::Node& node);
  // Records a problem of `node`, with its source line, module scope and the opsets concerned.
  void record(const torch::jit::Node& node, Diagnostic diagnostic);
  void record_missing(const torch::jit::Node& node);
  void for_each_missing(const torch::jit::Block& block,
                        const std::function<void(const torch::jit::Node&)>& report) const;

  // ---- no write is lost (Note [Writes] in dispatcher.cpp)
  struct WatchedWrite {
    const torch::jit::Value* written;  // what the node writes (a view, or the root itself)
    const torch::jit::Value* root;     // the tensor that owns the storage
    std::string before;                // the root's binding before the node ran
    // For a root written inside the node's blocks: the nodes that write it. None of them was
    // reached where a condition known at conversion time left their branch out.
    std::vector<const torch::jit::Node*> writers;
  };
  std::vector<WatchedWrite> watched_writes(const torch::jit::Node& node) const;
  std::string binding_key(const torch::jit::Value* value) const;
  void check_writes(const torch::jit::Node& node, const std::vector<WatchedWrite>& writes);
  bool refresh_views(const torch::jit::Value* root, const torch::jit::Node& write,
                     const torch::jit::Value* written);

  const sym::OpsetRegistry& registry_;
  DispatchSettings settings_;
  sym::EffectiveTable table_;
  sym::ValueBindings bindings_;
  sym::SymbolicContext ctx_;
  std::unordered_set<const torch::jit::Value*> tainted_;  // outputs of nodes that failed
  std::vector<Diagnostic> problems_;
  std::vector<Diagnostic> warnings_;
  std::unordered_set<const torch::jit::Node*> reached_;  // nodes convert_node was called on
};

}  // namespace pt2onnx::convert
