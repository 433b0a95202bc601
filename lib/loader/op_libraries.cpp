#include "loader/op_libraries.h"

#include <caffe2/serialize/inline_container.h>
#include <dlfcn.h>
#include <glob.h>
#include <torch/csrc/jit/runtime/operator.h>
#include <torch/custom_class_detail.h>

#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include "pt2onnx/error.h"

namespace pt2onnx::loader {
namespace {

// A qualified name the code refers to, "torchvision::nms", and whether it is an op or a class.
struct Reference {
  std::string ns;
  std::string name;
  bool is_class = false;
  std::string qualified() const { return ns + "::" + name; }
};

bool is_ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Reads an identifier at `at`; empty when there is none.
std::string ident_at(const std::string& text, size_t at) {
  size_t end = at;
  while (end < text.size() && is_ident_char(text[end])) ++end;
  return text.substr(at, end - at);
}

// Every `PREFIXns.name` of the text where PREFIX starts a name ("ops." and "torch.classes.").
void find_references(const std::string& text, const std::string& prefix, bool is_class,
                     std::vector<Reference>& out) {
  for (size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at + 1)) {
    if (at > 0 && is_ident_char(text[at - 1])) continue;
    // `torchvision.ops.boxes.nms` is a Python path; `torch.ops.ns.op` an op, as `ops.ns.op` is.
    const bool after_torch = at >= 6 && text.compare(at - 6, 6, "torch.") == 0 &&
                             (at == 6 || !is_ident_char(text[at - 7]));
    if (!is_class && at > 0 && text[at - 1] == '.' && !after_torch) continue;
    const std::string ns = ident_at(text, at + prefix.size());
    if (ns.empty() || text.size() <= at + prefix.size() + ns.size() ||
        text[at + prefix.size() + ns.size()] != '.') {
      continue;
    }
    const std::string name = ident_at(text, at + prefix.size() + ns.size() + 1);
    if (!name.empty()) out.push_back({ns, name, is_class});
  }
}

// The ops and classes of the archive's code, in the order of its records.
std::vector<Reference> code_references(
    const std::shared_ptr<caffe2::serialize::ReadAdapterInterface>& archive) {
  caffe2::serialize::PyTorchStreamReader reader(archive);
  std::vector<Reference> out;
  for (const std::string& record : reader.getAllRecords()) {
    const bool is_code = record.rfind("code/", 0) == 0 && record.size() > 3 &&
                         record.compare(record.size() - 3, 3, ".py") == 0;
    if (!is_code) continue;
    auto [data, size] = reader.getRecord(record);
    const std::string text(static_cast<const char*>(data.get()), size);
    find_references(text, "ops.", false, out);
    find_references(text, "torch.classes.", true, out);
  }
  return out;
}

bool is_known(const Reference& ref) {
  if (ref.is_class) {
    return torch::getCustomClass("__torch__.torch.classes." + ref.ns + "." + ref.name) != nullptr;
  }
  return !torch::jit::getAllOperatorsFor(c10::Symbol::fromQualString(ref.qualified())).empty();
}

std::vector<Reference> unknown(const std::vector<Reference>& refs) {
  std::vector<Reference> out;
  std::set<std::string> seen;
  for (const Reference& ref : refs) {
    // aten and prim ops are LibTorch's own: one it lacks is a newer release's (the loader's
    // message says so), not a library's.
    if (ref.ns == "aten" || ref.ns == "prim") continue;
    if (!seen.insert(ref.qualified()).second || is_known(ref)) continue;
    out.push_back(ref);
  }
  return out;
}

// Libraries stay loaded for the life of the process (their registrations point into them), and
// each is loaded once, from whichever model first needs it.
std::mutex& load_mutex() {
  static std::mutex m;
  return m;
}

// dlopen, remembering why it failed. Never closed: the dispatcher holds its functions.
bool open_library(const std::string& path, std::string& why) {
  static std::map<std::string, std::string> tried;  // path -> failure ("" when loaded)
  auto it = tried.find(path);
  if (it == tried.end()) {
    dlerror();
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    const char* err = handle ? nullptr : dlerror();
    it = tried.emplace(path, handle ? "" : (err ? err : "dlopen failed")).first;
  }
  why = it->second;
  return why.empty();
}

std::vector<std::string> split_path_list(const char* text) {
  std::vector<std::string> out;
  if (text == nullptr) return out;
  std::string item;
  std::istringstream in(text);
  while (std::getline(in, item, ':')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::vector<std::string> glob_paths(const std::string& pattern) {
  std::vector<std::string> out;
  glob_t g{};
  if (glob(pattern.c_str(), 0, nullptr, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  }
  globfree(&g);
  return out;  // glob sorts
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

std::vector<std::string> known_library_candidates(const std::string& ns) {
  std::vector<std::string> out;
  if (ns != "torchvision") return out;
  // A C++ install (CMake's default prefix is /usr/local, which ld.so.cache may not list yet).
  out.emplace_back("libtorchvision.so");
  out.emplace_back("/usr/local/lib/libtorchvision.so");
  // The Python package's extension, for whichever Python 3 it was built: PYTHONPATH first, then
  // the system's package directories, local before Debian's.
  std::vector<std::string> dirs = split_path_list(std::getenv("PYTHONPATH"));
  for (const char* pattern :
       {"/usr/local/lib/python3*/dist-packages", "/usr/local/lib/python3*/site-packages",
        "/usr/lib/python3/dist-packages", "/usr/lib/python3*/site-packages"}) {
    for (const auto& dir : glob_paths(pattern)) dirs.push_back(dir);
  }
  for (const auto& dir : dirs) {
    for (const auto& lib : glob_paths(dir + "/torchvision/_C*.so")) out.push_back(lib);
  }
  return out;
}

void load_op_libraries_for(const std::shared_ptr<caffe2::serialize::ReadAdapterInterface>& archive,
                           const std::vector<std::string>& libraries, const std::string& path) {
  std::vector<Reference> missing = unknown(code_references(archive));
  if (missing.empty()) return;
  std::lock_guard<std::mutex> lock(load_mutex());
  std::vector<std::string> given = libraries;
  for (const auto& lib : split_path_list(std::getenv("PT2ONNX_LOAD_LIBRARY"))) given.push_back(lib);
  for (const auto& lib : given) {
    std::string why;
    if (!open_library(lib, why)) {
      throw Error(DiagCode::kOpLibrary, "cannot load the op library '" + lib + "': " + why);
    }
  }
  const auto refs = missing;
  missing = unknown(refs);
  // Per namespace still missing, the first of its known places that loads.
  std::map<std::string, std::vector<std::string>> failures;  // ns -> "candidate: why"
  std::set<std::string> searched;
  for (const Reference& ref : refs) {
    if (!searched.insert(ref.ns).second || unknown({ref}).empty()) continue;
    for (const auto& candidate : known_library_candidates(ref.ns)) {
      std::string why;
      if (open_library(candidate, why)) break;
      // A bare name the dynamic linker does not find is not worth reporting.
      if (candidate.find('/') != std::string::npos)
        failures[ref.ns].push_back(candidate + ": " + why);
    }
  }
  missing = unknown(refs);
  if (missing.empty()) return;
  const Reference& first = missing.front();
  std::string message = "'" + path + "' calls " + std::string(first.is_class ? "class " : "") +
                        first.qualified() +
                        ", which LibTorch does not know: it is defined by the " +
                        "operator library of namespace '" + first.ns + "', ";
  const auto candidates = known_library_candidates(first.ns);
  if (candidates.empty()) {
    message += "which pt2onnx does not know where to find";
  } else if (failures[first.ns].empty()) {
    message += "and none was found (searched: " + join(candidates) + ")";
  } else {
    message += "and none could be loaded (" + join(failures[first.ns]) + ")";
  }
  if (!given.empty()) message += "; the libraries given (" + join(given) + ") do not define it";
  message +=
      "; pass the library that defines it with --load-library PATH (or "
      "PT2ONNX_LOAD_LIBRARY=PATH[:PATH...])";
  if (first.ns == "torchvision") {
    message += ": torchvision's is libtorchvision.so or, in its Python package, torchvision/_C*.so";
  }
  throw Error(DiagCode::kOpLibrary, message);
}

}  // namespace pt2onnx::loader
