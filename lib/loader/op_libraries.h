// Custom operator libraries. A model that calls ops of a namespace LibTorch does not know
// (torchvision::nms, torchvision::roi_align) can be read only once the shared library that
// registers them is loaded into this process. The library is looked for and loaded only when the
// model's code calls such an op, so files that do not are converted exactly as without it.
// docs/custom_ops.md gives the search order.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace caffe2::serialize {
class ReadAdapterInterface;
}

namespace pt2onnx::loader {

// Reads the code of the archive for ops (`ops.NS.name`) and custom classes
// (`torch.classes.NS.Name`) LibTorch does not know and loads libraries until none is left:
// `libraries` (--load-library, in order) and PT2ONNX_LOAD_LIBRARY's entries first, then the
// known places of the namespace's library (torchvision's). Throws Error(kOpLibrary) naming the
// namespace, the first unknown op and what to pass.
void load_op_libraries_for(const std::shared_ptr<caffe2::serialize::ReadAdapterInterface>& archive,
                           const std::vector<std::string>& libraries, const std::string& path);

// Where a library defining ops of `ns` is looked for when none given loads them, in order
// (torchvision's: libtorchvision.so through the dynamic linker, then torchvision/_C*.so of the
// Python package directories). Empty for a namespace pt2onnx knows no library of.
std::vector<std::string> known_library_candidates(const std::string& ns);

}  // namespace pt2onnx::loader
