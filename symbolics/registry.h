// Which symbolic lowers which TorchScript op at which opset.
//
// tables/opsetN.cpp registers what is new or changed at opset N: `t.add(key, fn)` means "fn is
// the lowering from opset N until a later table overrides it"; `t.unsupported(key, reason)`
// masks an inherited entry from N on. resolve(target) overlays tables 9..target into one flat
// table, so dispatch is a single hash lookup per node.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "symbolics/symbolic.h"

namespace pt2onnx::sym {

struct TableEntry {
  SymbolicFn fn = nullptr;  // null for an `unsupported` mask
  std::string reason;       // why, for a mask
};

class SymbolicTable {
 public:
  explicit SymbolicTable(int opset) : opset_(opset) {}
  // Keys are TorchScript kinds ("aten::softmax") or kind.overload ("aten::div.Tensor_mode").
  void add(const std::string& key, SymbolicFn fn);
  void unsupported(const std::string& key, const std::string& reason);
  int opset() const { return opset_; }
  const std::map<std::string, TableEntry>& entries() const { return entries_; }

 private:
  void insert(const std::string& key, TableEntry entry);
  int opset_;
  std::map<std::string, TableEntry> entries_;
};

// The effective lowering table for one target opset.
class EffectiveTable {
 public:
  // Tries "kind.overload" and then "kind".
  SymbolicFn find(const std::string& kind, const std::string& overload) const;
  const std::string* mask_reason(const std::string& kind) const;
  const std::unordered_map<std::string, TableEntry>& entries() const { return entries_; }

 private:
  friend class OpsetRegistry;
  std::unordered_map<std::string, TableEntry> entries_;
};

class OpsetRegistry {
 public:
  OpsetRegistry(int min_opset, int max_opset);
  SymbolicTable& table(int opset);
  EffectiveTable resolve(int target_opset) const;
  // The lowest opset at which `key` has a lowering, if any.
  std::optional<int> first_opset_supporting(const std::string& key) const;
  // Every key ever registered, with the opsets it is supported at.
  std::map<std::string, std::vector<int>> coverage() const;
  int min_opset() const { return min_opset_; }
  int max_opset() const { return max_opset_; }

 private:
  int min_opset_;
  int max_opset_;
  std::vector<SymbolicTable> tables_;
};

}  // namespace pt2onnx::sym
