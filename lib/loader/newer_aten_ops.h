// Files saved by a newer PyTorch, read by an older LibTorch. torch 2.x's code calls aten:: ops
// LibTorch 1.13 does not know (scaled_dot_product_attention, which its attention modules call),
// and LibTorch compiles a file's code while loading it, so such a file fails to load before
// pt2onnx sees a graph. Built against LibTorch 1.x, pt2onnx therefore declares the schemas that
// torch 2.6 added (lib/loader/newer_aten_schemas.txt, compiled into the binary) to LibTorch's own
// JIT operator registry before loading: the code then compiles into nodes of those ops, which
// the symbolics lower like any other. LibTorch's registry and schema parser are used, not ours,
// so that overload resolution, default arguments and alias analysis are exactly LibTorch's.
// docs/building.md says which files load on which build.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pt2onnx::loader {

// The embedded list: the releases it compares and its sections, as whole schemas.
struct NewerAtenSchemas {
  std::string newer_torch;           // "2.6.0+debian"
  std::string older_torch;           // "1.13.0a0"
  std::vector<std::string> added;    // ops of the newer torch the older one lacks
  std::vector<std::string> changed;  // the newer signature of ops both have
  std::vector<std::string> removed;  // the older signature of ops the newer one dropped
};
const NewerAtenSchemas& newer_aten_schemas();

struct NewerOpDeclarations {
  // False when the linked LibTorch needs none (2.x) or PT2ONNX_DECLARE_NEWER_OPS=0 turned them off.
  bool enabled = false;
  std::vector<std::string> declared;                         // "aten::name.overload"
  std::vector<std::pair<std::string, std::string>> skipped;  // the schema, why
};

// Declares the [added] schemas, once per process (later calls return the first result): each
// with alias analysis from its schema and a kernel that only raises, since pt2onnx converts these
// ops and never runs them (constant propagation, which tries, keeps a node whose kernel raises).
// A schema LibTorch's parser rejects or whose name.overload it already has is skipped.
const NewerOpDeclarations& declare_newer_aten_ops();

}  // namespace pt2onnx::loader
