#include "symbolics/registry.h"

#include "pt2onnx/error.h"

namespace pt2onnx::sym {

void SymbolicTable::insert(const std::string& key, TableEntry entry) {
  if (key.find("::") == std::string::npos) {
    throw Error(ErrorKind::kInternal, "symbolic key '" + key + "' has no namespace");
  }
  if (!entries_.emplace(key, std::move(entry)).second) {
    throw Error(ErrorKind::kInternal,
                "opset " + std::to_string(opset_) + " table registers '" + key + "' twice");
  }
}

void SymbolicTable::add(const std::string& key, SymbolicFn fn) { insert(key, {fn, ""}); }

void SymbolicTable::unsupported(const std::string& key, const std::string& reason) {
  insert(key, {nullptr, reason});
}

SymbolicFn EffectiveTable::find(const std::string& kind, const std::string& overload) const {
  if (!overload.empty()) {
    auto it = entries_.find(kind + "." + overload);
    if (it != entries_.end()) return it->second.fn;
  }
  auto it = entries_.find(kind);
  return it == entries_.end() ? nullptr : it->second.fn;
}

const std::string* EffectiveTable::mask_reason(const std::string& kind) const {
  auto it = entries_.find(kind);
  if (it == entries_.end() || it->second.fn != nullptr) return nullptr;
  return &it->second.reason;
}

OpsetRegistry::OpsetRegistry(int min_opset, int max_opset)
    : min_opset_(min_opset), max_opset_(max_opset) {
  for (int v = min_opset; v <= max_opset; ++v) tables_.emplace_back(v);
}

SymbolicTable& OpsetRegistry::table(int opset) {
  return tables_.at(static_cast<size_t>(opset - min_opset_));
}

EffectiveTable OpsetRegistry::resolve(int target_opset) const {
  EffectiveTable out;
  for (const auto& t : tables_) {
    if (t.opset() > target_opset) break;
    for (const auto& [key, entry] : t.entries()) out.entries_[key] = entry;
  }
  return out;
}

std::optional<int> OpsetRegistry::first_opset_supporting(const std::string& key) const {
  for (const auto& t : tables_) {
    auto it = t.entries().find(key);
    if (it != t.entries().end() && it->second.fn != nullptr) return t.opset();
  }
  return std::nullopt;
}

std::map<std::string, std::vector<int>> OpsetRegistry::coverage() const {
  std::map<std::string, std::vector<int>> out;
  std::map<std::string, bool> live;
  for (const auto& t : tables_) {
    for (const auto& [key, entry] : t.entries()) live[key] = entry.fn != nullptr;
    for (const auto& [key, supported] : live) {
      if (supported) out[key].push_back(t.opset());
    }
  }
  return out;
}

}  // namespace pt2onnx::sym
