#include "convert/option_resolver.h"

#include <torch/csrc/jit/ir/ir.h>

#include <algorithm>
#include <cctype>

#include "loader/torchscript_loader.h"
#include "pt2onnx/error.h"

namespace pt2onnx::convert {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string dims_text(const std::vector<int64_t>& dims) {
  if (dims.empty()) return "scalar";
  std::string out;
  for (const int64_t d : dims) out += (out.empty() ? "" : "x") + std::to_string(d);
  return out;
}

bool is_index(const std::string& key) {
  return !key.empty() && key.size() < 10 &&
         std::all_of(key.begin(), key.end(), [](unsigned char c) { return std::isdigit(c); });
}

c10::TypePtr unwrap_optional(const c10::TypePtr& type) {
  if (type->kind() == c10::TypeKind::OptionalType)
    return type->expectRef<c10::OptionalType>().getElementType();
  return type;
}

std::string generated_symbol(const std::string& tensor, size_t position) {
  // torch.onnx's name for an unnamed dynamic axis (dynamic_axes given as a list).
  return tensor + "_dynamic_axes_" + std::to_string(position + 1);
}

// One graph input-to-be: a non-tuple argument, or one element of a tuple argument ("pair.0",
// nested "pair.1.0"), in the depth-first order LowerAllTuples flattens them.
struct Leaf {
  size_t argument = 0;
  std::string original;
  c10::TypePtr type;
};

void flatten(const c10::TypePtr& type, const std::string& name, size_t argument,
             std::vector<Leaf>& out) {
  if (type->kind() != c10::TypeKind::TupleType) {
    out.push_back({argument, name, type});
    return;
  }
  const auto elements = type->containedTypes();
  for (size_t i = 0; i < elements.size(); ++i)
    flatten(elements[i], name + "." + std::to_string(i), argument, out);
}

// The per-input state while occurrences are merged.
struct DynamicEntry {
  int64_t axis = 0;
  std::string symbol;  // empty: generated
  std::string option;  // the occurrence that named the symbol (or first gave the axis)
};

class Resolver {
 public:
  Resolver(const std::vector<SignatureArgument>& signature, const ExportOptions& options)
      : signature_(signature), options_(options) {
    for (size_t i = 0; i < signature.size(); ++i) {
      const size_t before = leaves_.size();
      flatten(signature[i].type, signature[i].name, i, leaves_);
      leaves_of_argument_.emplace_back(before, leaves_.size());
    }
  }

  ResolvedOptions run() {
    // Keys that name an argument (name, element or index) decide which defaults stay inputs;
    // only then do --input-names names have inputs to attach to.
    std::vector<std::string> keys;
    for (const auto& o : options_.shapes) keys.push_back(o.key);
    for (const auto& o : options_.dtypes) keys.push_back(o.key);
    for (const auto& o : options_.dynamic_axes) keys.push_back(o.key);
    std::vector<bool> described(signature_.size(), false);
    for (const auto& key : keys) {
      if (auto leaf = by_signature(key)) described[leaves_[*leaf].argument] = true;
    }
    ResolvedOptions out;
    for (size_t i = 0; i < signature_.size(); ++i)
      out.keep_argument.push_back(!signature_[i].has_default || described[i]);
    name_inputs(out);

    for (const auto& o : options_.shapes) merge_shape(o, out);
    for (const auto& o : options_.dtypes) merge_dtype(o, out);
    for (const auto& o : options_.dynamic_axes) merge_dynamic(o, out);
    finish(out);
    return out;
  }

 private:
  // The leaf a key names through the signature alone: an index, an argument or an element.
  std::optional<size_t> by_signature(const std::string& key) const {
    std::optional<size_t> argument;
    if (is_index(key)) {
      const size_t index = std::stoul(key);
      if (index >= signature_.size()) return std::nullopt;
      argument = index;
    } else {
      for (size_t i = 0; i < signature_.size(); ++i) {
        if (signature_[i].name == key) argument = i;
      }
    }
    if (argument) {
      const auto [first, last] = leaves_of_argument_[*argument];
      if (last - first != 1 || leaves_[first].original != signature_[*argument].name) {
        std::vector<std::string> elements;
        for (size_t k = first; k < last; ++k) elements.push_back(leaves_[k].original);
        throw Error(DiagCode::kBadInputSpec,
                    "'" + key + "' names the tuple argument '" + signature_[*argument].name +
                        "', which becomes one input per element: name those instead (" +
                        join(elements) + ")");
      }
      return first;
    }
    for (size_t k = 0; k < leaves_.size(); ++k) {
      if (leaves_[k].original == key) return k;
    }
    return std::nullopt;
  }

  // --input-names renames the inputs that remain once defaults are bound, in order.
  void name_inputs(ResolvedOptions& out) {
    for (size_t k = 0; k < leaves_.size(); ++k) {
      if (!out.keep_argument[leaves_[k].argument]) continue;
      ResolvedInput input;
      input.original = leaves_[k].original;
      input.name = input.original;
      input.argument = leaves_[k].argument;
      input.type = leaves_[k].type;
      input_of_leaf_[k] = out.inputs.size();
      out.inputs.push_back(input);
    }
    const auto& names = options_.input_names;
    if (names.size() > out.inputs.size()) {
      std::vector<std::string> originals;
      for (const auto& input : out.inputs) originals.push_back(input.original);
      throw Error(DiagCode::kUnknownOptionKey,
                  "--input-names gives " + std::to_string(names.size()) +
                      " names, but the model has " + std::to_string(out.inputs.size()) +
                      " inputs (" + join(originals) +
                      "); an argument with a default is an input only when --shape, --dtype or "
                      "--dynamic names it by its argument name or index");
    }
    for (size_t i = 0; i < names.size(); ++i) out.inputs[i].name = names[i];
    for (size_t i = 0; i < out.inputs.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (out.inputs[i].name != out.inputs[j].name) continue;
        throw Error(DiagCode::kOptionConflict, "--input-names makes '" + out.inputs[j].original +
                                                   "' and '" + out.inputs[i].original + "' both '" +
                                                   out.inputs[i].name +
                                                   "': give every input its own name");
      }
    }
  }

  // The input a key names; `occurrence` spells the option for messages. A --dynamic key that names
  // no input is an output's (nullopt).
  std::optional<size_t> input_for(const std::string& key, const std::string& occurrence,
                                  const ResolvedOptions& out, bool may_be_output) const {
    std::optional<size_t> via_signature;
    if (auto leaf = by_signature(key)) via_signature = input_of_leaf_.at(*leaf);
    std::optional<size_t> via_rename;
    for (size_t i = 0; i < out.inputs.size(); ++i) {
      if (out.inputs[i].name == key && out.inputs[i].name != out.inputs[i].original) via_rename = i;
    }
    if (via_signature && via_rename && *via_signature != *via_rename) {
      throw Error(DiagCode::kOptionConflict,
                  occurrence + ": '" + key + "' is the argument '" +
                      out.inputs[*via_signature].original + "' and, by --input-names, input '" +
                      out.inputs[*via_rename].original +
                      "': use the other name or the index of the one meant");
    }
    if (via_signature || via_rename) {
      const size_t input = via_signature ? *via_signature : *via_rename;
      if (may_be_output && std::find(options_.output_names.begin(), options_.output_names.end(),
                                     key) != options_.output_names.end()) {
        throw Error(DiagCode::kOptionConflict, occurrence + ": '" + key + "' names input '" +
                                                   out.inputs[input].original +
                                                   "' and, by --output-names, an output");
      }
      return input;
    }
    if (may_be_output) return std::nullopt;
    throw Error(
        DiagCode::kUnknownOptionKey,
        occurrence + ": '" + key + "' is not an input of the model (" + valid_names(out) + ")");
  }

  std::string valid_names(const ResolvedOptions& out) const {
    std::vector<std::string> names;
    for (const auto& input : out.inputs) {
      names.push_back(input.name == input.original ? input.name
                                                   : input.name + " (" + input.original + ")");
    }
    std::vector<std::string> bound;
    for (size_t i = 0; i < signature_.size(); ++i) {
      if (!out.keep_argument[i]) bound.push_back(signature_[i].name);
    }
    std::string text = "inputs: " + (names.empty() ? std::string("none") : join(names));
    if (!bound.empty()) text += "; arguments bound to their default: " + join(bound);
    if (!signature_.empty())
      text += "; or an argument's index, 0 to " + std::to_string(signature_.size() - 1);
    return text;
  }

  void merge_shape(const ShapeOption& o, ResolvedOptions& out) {
    const std::string occurrence = spell(o);
    for (size_t axis = 0; axis < o.dims.size(); ++axis) {
      if (o.dims[axis] < 0) {
        throw Error(DiagCode::kBadOption, occurrence + ": axis " + std::to_string(axis) + " is " +
                                              std::to_string(o.dims[axis]) +
                                              "; sizes must be 0 or more");
      }
    }
    ResolvedInput& input = out.inputs[*input_for(o.key, occurrence, out, false)];
    if (input.shape && *input.shape != o.dims) {
      throw Error(DiagCode::kOptionConflict, input.shape_option + " and " + occurrence +
                                                 " give input '" + input.name +
                                                 "' two different shapes");
    }
    if (!input.shape) input.shape_option = occurrence;
    input.shape = o.dims;
  }

  void merge_dtype(const DTypeOption& o, ResolvedOptions& out) {
    const std::string occurrence = spell(o);
    ResolvedInput& input = out.inputs[*input_for(o.key, occurrence, out, false)];
    if (input.dtype && *input.dtype != o.dtype) {
      throw Error(DiagCode::kOptionConflict, input.dtype_option + " and " + occurrence +
                                                 " give input '" + input.name +
                                                 "' two different dtypes");
    }
    if (!input.dtype) input.dtype_option = occurrence;
    input.dtype = o.dtype;
  }

  void merge_dynamic(const DynamicOption& o, ResolvedOptions& out) {
    const std::string occurrence = spell(o);
    const auto index = input_for(o.key, occurrence, out, true);
    if (!index) {
      out.output_dynamic.push_back(o);
      return;
    }
    auto& entries = dynamic_[*index];
    if (entries.empty()) out.inputs[*index].dynamic_option = occurrence;
    for (const DynamicAxis& axis : o.axes) {
      if (axis.axis < 0) {
        throw Error(DiagCode::kBadOption, occurrence + ": axis " + std::to_string(axis.axis) +
                                              " is negative; axes count from 0");
      }
      auto it = std::find_if(entries.begin(), entries.end(),
                             [&](const DynamicEntry& e) { return e.axis == axis.axis; });
      if (it == entries.end()) {
        entries.push_back({axis.axis, axis.symbol, occurrence});
      } else if (!axis.symbol.empty() && !it->symbol.empty() && axis.symbol != it->symbol) {
        throw Error(DiagCode::kOptionConflict, it->option + " and " + occurrence + " give axis " +
                                                   std::to_string(axis.axis) + " of input '" +
                                                   out.inputs[*index].name + "' two symbols, '" +
                                                   it->symbol + "' and '" + axis.symbol + "'");
      } else if (it->symbol.empty()) {
        it->symbol = axis.symbol;
        it->option = occurrence;
      }
    }
  }

  // What an option says about an input must fit the argument's type and the other options.
  void finish(ResolvedOptions& out) {
    for (size_t i = 0; i < out.inputs.size(); ++i) {
      ResolvedInput& input = out.inputs[i];
      check_against_type(input);
      auto entries = dynamic_.find(i);
      if (entries == dynamic_.end()) continue;
      for (size_t k = 0; k < entries->second.size(); ++k) {
        const DynamicEntry& e = entries->second[k];
        const std::string symbol = e.symbol.empty() ? generated_symbol(input.name, k) : e.symbol;
        if (input.shape) {
          const int64_t rank = static_cast<int64_t>(input.shape->size());
          if (e.axis >= rank) {
            throw Error(DiagCode::kOptionConflict,
                        e.option + " names axis " + std::to_string(e.axis) + ", but " +
                            input.shape_option + " gives input '" + input.name + "' rank " +
                            std::to_string(rank));
          }
          out.symbol_sizes[symbol] = (*input.shape)[static_cast<size_t>(e.axis)];
        }
        input.dynamic[e.axis] = symbol;
      }
    }
  }

  // int/float/bool arguments are 0-d int64/float32/bool inputs; other non-tensor types are left
  // for the converter to judge.
  void check_against_type(const ResolvedInput& input) const {
    const c10::TypePtr type = unwrap_optional(input.type);
    std::optional<DType> scalar;
    const char* what = "";
    switch (type->kind()) {
      case c10::TypeKind::IntType:
        scalar = DType::kInt64, what = "an int";
        break;
      case c10::TypeKind::FloatType:
        scalar = DType::kFloat32, what = "a float";
        break;
      case c10::TypeKind::BoolType:
        scalar = DType::kBool, what = "a bool";
        break;
      default:
        return;
    }
    const std::string as = std::string("'") + input.original + "' is " + what +
                           " argument, which is a 0-d " + dtype_name(*scalar) + " input";
    if (input.shape && !input.shape->empty())
      throw Error(DiagCode::kBadInputSpec, input.shape_option + ": " + as);
    if (input.dtype && *input.dtype != *scalar)
      throw Error(DiagCode::kBadInputSpec, input.dtype_option + ": " + as);
    if (!input.dynamic_option.empty())
      throw Error(DiagCode::kBadInputSpec, input.dynamic_option + ": " + as + " (no axes)");
  }

  const std::vector<SignatureArgument>& signature_;
  const ExportOptions& options_;
  std::vector<Leaf> leaves_;
  std::vector<std::pair<size_t, size_t>> leaves_of_argument_;  // [first, last) in leaves_
  std::map<size_t, size_t> input_of_leaf_;                     // kept leaves only
  std::map<size_t, std::vector<DynamicEntry>> dynamic_;        // input -> axes, in given order
};

}  // namespace

ResolvedOptions resolve_options(const std::vector<SignatureArgument>& signature,
                                const ExportOptions& options) {
  return Resolver(signature, options).run();
}

std::vector<SignatureArgument> signature_of(const loader::LoadedGraph& loaded) {
  std::vector<SignatureArgument> signature;
  const auto inputs = loaded.graph->inputs();
  for (size_t i = 0; i < inputs.size(); ++i) {
    SignatureArgument argument;
    argument.name = i < loaded.input_names.size() && !loaded.input_names[i].empty()
                        ? loaded.input_names[i]
                        : "input_" + std::to_string(i);
    argument.type = inputs[i]->type();
    argument.has_default = i < loaded.input_defaults.size() && loaded.input_defaults[i] != nullptr;
    signature.push_back(argument);
  }
  return signature;
}

std::string spell(const ShapeOption& option) {
  return "--shape " + option.key + ":" + dims_text(option.dims);
}

std::string spell(const DTypeOption& option) {
  return "--dtype " + option.key + ":" + dtype_name(option.dtype);
}

std::string spell(const DynamicOption& option) {
  std::string axes;
  for (const DynamicAxis& axis : option.axes) {
    axes += (axes.empty() ? "" : ",") + std::to_string(axis.axis);
    if (!axis.symbol.empty()) axes += "=" + axis.symbol;
  }
  return "--dynamic " + option.key + ":" + axes;
}

}  // namespace pt2onnx::convert
