#include "verify/verify.h"

#include <onnxruntime_cxx_api.h>
#include <torch/csrc/jit/serialization/import.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdio>
#include <optional>
#include <sstream>

#include "pt2onnx/error.h"

namespace pt2onnx::verify {
namespace {

struct InputInfo {
  std::string name;
  ONNXTensorElementDataType type;
  std::vector<int64_t> dims;         // -1 where symbolic
  std::vector<std::string> symbols;  // per axis, empty where static
};

[[noreturn]] void not_run(const std::string& what) {
  throw Error(DiagCode::kVerifyNotRun, "--verify: " + what);
}

std::optional<c10::ScalarType> torch_type(ONNXTensorElementDataType t) {
  switch (t) {
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT:
      return c10::kFloat;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE:
      return c10::kDouble;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16:
      return c10::kHalf;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16:
      return c10::kBFloat16;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8:
      return c10::kChar;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16:
      return c10::kShort;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32:
      return c10::kInt;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64:
      return c10::kLong;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8:
      return c10::kByte;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL:
      return c10::kBool;
    default:
      return std::nullopt;
  }
}

ONNXTensorElementDataType onnx_type(c10::ScalarType t) {
  switch (t) {
    case c10::kFloat:
      return ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT;
    case c10::kDouble:
      return ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE;
    case c10::kHalf:
      return ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16;
    case c10::kBFloat16:
      return ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16;
    case c10::kChar:
      return ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8;
    case c10::kShort:
      return ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16;
    case c10::kInt:
      return ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32;
    case c10::kLong:
      return ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64;
    case c10::kByte:
      return ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8;
    case c10::kBool:
      return ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL;
    default:
      return ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED;
  }
}

std::string shape_text(const std::vector<int64_t>& dims) {
  std::string out = "[";
  for (size_t i = 0; i < dims.size(); ++i) out += (i ? ", " : "") + std::to_string(dims[i]);
  return out + "]";
}

std::vector<InputInfo> onnx_inputs(Ort::Session& session) {
  Ort::AllocatorWithDefaultOptions allocator;
  std::vector<InputInfo> inputs;
  for (size_t i = 0; i < session.GetInputCount(); ++i) {
    InputInfo in;
    in.name = session.GetInputNameAllocated(i, allocator).get();
    const auto type_info = session.GetInputTypeInfo(i);
    if (type_info.GetONNXType() != ONNX_TYPE_TENSOR)
      not_run("input '" + in.name + "' is not a tensor");
    const auto tensor = type_info.GetTensorTypeAndShapeInfo();
    in.type = tensor.GetElementType();
    in.dims = tensor.GetShape();
    std::vector<const char*> symbols(in.dims.size(), nullptr);
    tensor.GetSymbolicDimensions(symbols.data(), symbols.size());
    for (size_t a = 0; a < in.dims.size(); ++a) {
      in.symbols.push_back(in.dims[a] < 0 && symbols[a] ? symbols[a] : "");
    }
    inputs.push_back(std::move(in));
  }
  return inputs;
}

// Generated values: floats uniform in [-1, 1), integers in [0, 4) (small enough to index any
// embedding or gather the model was exported for), bools half true. A fixed seed per run keeps
// --verify's verdict the same from one run to the next.
torch::Tensor generate(c10::ScalarType type, const std::vector<int64_t>& shape) {
  if (c10::isFloatingType(type)) return (torch::rand(shape, torch::kFloat64) * 2 - 1).to(type);
  if (type == c10::kBool) return torch::randint(0, 2, shape, torch::kLong).to(c10::kBool);
  return torch::randint(0, 4, shape, torch::kLong).to(type);
}

// The method's arguments for the ONNX inputs: by argument name (a tuple argument's elements are
// inputs "pair.0", "pair.1"), or in order when --input-names renamed them. Arguments not given
// keep their defaults, as the export bound them.
std::pair<std::vector<c10::IValue>, std::unordered_map<std::string, c10::IValue>> arguments_for(
    const c10::FunctionSchema& schema, const ExportOptions& options,
    const std::vector<InputInfo>& inputs, const std::vector<torch::Tensor>& values) {
  std::vector<c10::Argument> args(schema.arguments().begin() + 1, schema.arguments().end());
  const auto as_argument = [](const c10::Argument& arg, const torch::Tensor& t) -> c10::IValue {
    const auto kind = arg.type()->kind();
    if (kind == c10::TypeKind::IntType) return t.item<int64_t>();
    if (kind == c10::TypeKind::FloatType) return t.item<double>();
    if (kind == c10::TypeKind::BoolType) return t.item<bool>();
    return t;
  };
  std::vector<c10::IValue> positional;
  std::unordered_map<std::string, c10::IValue> named;
  if (!options.input_names.empty()) {
    if (inputs.size() > args.size()) not_run("more inputs than the method has arguments");
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (args[i].type()->kind() == c10::TypeKind::TupleType) {
        not_run("argument '" + args[i].name() +
                "' is a tuple and --input-names renamed the inputs: which element is which is "
                "not known");
      }
      positional.push_back(as_argument(args[i], values[i]));
    }
    return {positional, named};
  }
  std::map<std::string, std::map<size_t, torch::Tensor>> tuples;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::string& name = inputs[i].name;
    const c10::Argument* arg = nullptr;
    for (const auto& a : args) {
      if (a.name() == name) arg = &a;
    }
    if (arg) {
      named[name] = as_argument(*arg, values[i]);
      continue;
    }
    const auto dot = name.rfind('.');
    if (dot != std::string::npos && name.find('.') == dot) {
      tuples[name.substr(0, dot)][std::stoul(name.substr(dot + 1))] = values[i];
      continue;
    }
    not_run("input '" + name + "' is not an argument of " + options.method);
  }
  for (const auto& [name, elements] : tuples) {
    std::vector<c10::IValue> items;
    for (const auto& [index, t] : elements) items.emplace_back(t);
    named[name] = c10::ivalue::Tuple::create(std::move(items));
  }
  return {positional, named};
}

// The outputs in ONNX order: tuples and lists flattened, a dict's values in key order, scalars
// as 0-d tensors.
void flatten(const c10::IValue& v, std::vector<torch::Tensor>& out) {
  if (v.isTensor()) {
    out.push_back(v.toTensor());
  } else if (v.isTuple()) {
    for (const auto& e : v.toTupleRef().elements()) flatten(e, out);
  } else if (v.isList()) {
    for (const auto& e : v.toListRef()) flatten(e, out);
  } else if (v.isGenericDict()) {
    for (const auto& e : v.toGenericDict()) flatten(e.value(), out);
  } else if (v.isInt()) {
    out.push_back(torch::tensor(v.toInt()));
  } else if (v.isDouble()) {
    out.push_back(torch::tensor(static_cast<float>(v.toDouble())));
  } else if (v.isBool()) {
    out.push_back(torch::tensor(v.toBool()));
  } else {
    not_run("the module returns a " + v.tagKind() + ", which has no tensor to compare");
  }
}

std::string element_text(const torch::Tensor& t, int64_t flat) {
  const auto v = t.reshape({-1})[flat];
  char buf[64];
  if (t.scalar_type() == c10::kBool) return v.item<bool>() ? "true" : "false";
  if (c10::isFloatingType(t.scalar_type())) {
    std::snprintf(buf, sizeof buf, "%.9g", v.item<double>());
  } else {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v.item<int64_t>()));
  }
  return buf;
}

std::string index_text(const std::vector<int64_t>& shape, int64_t flat) {
  std::vector<int64_t> index(shape.size());
  for (size_t a = shape.size(); a-- > 0;) {
    index[a] = flat % std::max<int64_t>(shape[a], 1);
    flat /= std::max<int64_t>(shape[a], 1);
  }
  return shape_text(index);
}

OutputComparison compare(const std::string& name, const torch::Tensor& expected,
                         const torch::Tensor& actual, const Tolerance& tol) {
  OutputComparison c;
  c.output = name;
  c.dtype = c10::toString(actual.scalar_type());
  c.torch_shape = expected.sizes().vec();
  c.onnx_shape = actual.sizes().vec();
  if (expected.scalar_type() != actual.scalar_type()) {
    c.worst = name + ": dtype " + c10::toString(actual.scalar_type()) + ", LibTorch gives " +
              c10::toString(expected.scalar_type());
    return c;
  }
  if (c.torch_shape != c.onnx_shape) {
    c.worst = name + ": shape " + shape_text(c.onnx_shape) + ", LibTorch gives " +
              shape_text(c.torch_shape);
    return c;
  }
  if (expected.numel() == 0) {
    c.passed = true;
    return c;
  }
  const bool exact = !c10::isFloatingType(expected.scalar_type());
  const auto e = expected.to(torch::kFloat64).reshape({-1});
  const auto a = actual.to(torch::kFloat64).reshape({-1});
  auto diff = (a - e).abs();
  // NaN where both are NaN is agreement; elsewhere it is the worst possible difference.
  const auto both_nan = e.isnan().logical_and(a.isnan());
  diff = torch::where(both_nan, torch::zeros_like(diff), diff);
  diff = torch::where(diff.isnan(), torch::full_like(diff, INFINITY), diff);
  const auto allowed = exact ? torch::zeros_like(e) : tol.atol + tol.rtol * e.abs();
  const auto excess = diff - allowed;
  const int64_t worst = excess.argmax().item<int64_t>();
  c.max_abs_diff = diff.max().item<double>();
  c.passed = excess[worst].item<double>() <= 0;
  const int64_t shown = c.passed ? diff.argmax().item<int64_t>() : worst;
  c.worst = name + index_text(c.onnx_shape, shown) + ": LibTorch " + element_text(expected, shown) +
            ", ONNX Runtime " + element_text(actual, shown);
  return c;
}

class Runner {
 public:
  Runner(const ExportOptions& options, const Tolerance& tol)
      : options_(options),
        tol_(tol),
        env_(ORT_LOGGING_LEVEL_ERROR, "pt2onnx-verify"),
        session_(make_session()),
        module_(load_module()) {
    inputs_ = onnx_inputs(session_);
    Ort::AllocatorWithDefaultOptions allocator;
    for (size_t i = 0; i < session_.GetOutputCount(); ++i) {
      output_names_.push_back(session_.GetOutputNameAllocated(i, allocator).get());
    }
  }

  const std::vector<InputInfo>& inputs() const { return inputs_; }

  RunComparison run(const std::string& label, const std::map<std::string, int64_t>& sizes,
                    uint64_t seed) {
    RunComparison r;
    r.sizes = label;
    torch::manual_seed(seed);
    std::vector<torch::Tensor> values;
    for (const auto& in : inputs_) {
      std::vector<int64_t> shape;
      for (size_t a = 0; a < in.dims.size(); ++a) {
        shape.push_back(in.dims[a] >= 0 ? in.dims[a] : sizes.at(in.symbols[a]));
      }
      const auto type = torch_type(in.type);
      if (!type) not_run("input '" + in.name + "' has an element type LibTorch has no tensor of");
      values.push_back(generate(*type, shape).contiguous());
      r.input_shapes[in.name] = shape;
    }
    const auto expected = run_torch(values, label);
    std::vector<torch::Tensor> actual;
    std::string ort_error;
    try {
      actual = run_ort(values);
    } catch (const Ort::Exception& e) {
      ort_error = e.what();
    }
    if (!ort_error.empty()) {
      // LibTorch ran these inputs and the file does not: the file is wrong for them.
      OutputComparison c;
      c.output = "*";
      c.worst = "ONNX Runtime refused inputs LibTorch runs: " + ort_error;
      r.outputs.push_back(c);
      return r;
    }
    if (expected.size() != actual.size()) {
      OutputComparison c;
      c.output = "*";
      c.worst = std::to_string(actual.size()) + " outputs, LibTorch gives " +
                std::to_string(expected.size());
      r.outputs.push_back(c);
      return r;
    }
    r.passed = true;
    for (size_t i = 0; i < actual.size(); ++i) {
      r.outputs.push_back(compare(output_names_[i], expected[i], actual[i], tol_));
      r.passed = r.passed && r.outputs.back().passed;
    }
    return r;
  }

 private:
  Ort::Session make_session() {
    Ort::SessionOptions so;
    // The machine's cores belong to the batch's other conversions.
    so.SetIntraOpNumThreads(1);
    so.SetInterOpNumThreads(1);
    try {
      return Ort::Session(env_, options_.output_path.c_str(), so);
    } catch (const Ort::Exception& e) {
      throw Error(DiagCode::kVerifyMismatch,
                  "--verify: ONNX Runtime cannot load '" + options_.output_path + "': " + e.what());
    }
  }

  torch::jit::Module load_module() {
    try {
      auto m = torch::jit::load(options_.model_path);
      m.eval();
      return m;
    } catch (const std::exception&) {
      not_run("LibTorch cannot load '" + options_.model_path + "' again");
    }
  }

  std::vector<torch::Tensor> run_torch(const std::vector<torch::Tensor>& values,
                                       const std::string& label) {
    torch::NoGradGuard no_grad;
    auto method = module_.get_method(options_.method);
    auto [positional, named] =
        arguments_for(method.function().getSchema(), options_, inputs_, values);
    std::vector<torch::Tensor> out;
    try {
      flatten(method(std::move(positional), named), out);
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      std::string what = e.what();
      what = what.substr(0, what.find('\n'));
      not_run("LibTorch cannot run the module on generated inputs (" + label + "): " + what);
    }
    for (auto& t : out) t = t.contiguous();
    return out;
  }

  std::vector<torch::Tensor> run_ort(const std::vector<torch::Tensor>& values) {
    const auto memory = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
    std::vector<Ort::Value> feeds;
    std::vector<const char*> in_names, out_names;
    for (size_t i = 0; i < values.size(); ++i) {
      const auto& t = values[i];
      const auto shape = t.sizes().vec();
      feeds.push_back(Ort::Value::CreateTensor(memory, t.data_ptr(), t.nbytes(), shape.data(),
                                               shape.size(), onnx_type(t.scalar_type())));
      in_names.push_back(inputs_[i].name.c_str());
    }
    for (const auto& n : output_names_) out_names.push_back(n.c_str());
    auto results = session_.Run(Ort::RunOptions{nullptr}, in_names.data(), feeds.data(),
                                feeds.size(), out_names.data(), out_names.size());
    std::vector<torch::Tensor> out;
    for (auto& v : results) {
      const auto info = v.GetTensorTypeAndShapeInfo();
      const auto type = torch_type(info.GetElementType());
      if (!type) not_run("an output has an element type LibTorch has no tensor of");
      const auto shape = info.GetShape();
      out.push_back(torch::from_blob(const_cast<void*>(v.GetTensorRawData()), shape,
                                     torch::TensorOptions().dtype(*type))
                        .clone());
    }
    return out;
  }

  const ExportOptions& options_;
  Tolerance tol_;
  Ort::Env env_;
  Ort::Session session_;
  torch::jit::Module module_;
  std::vector<InputInfo> inputs_;
  std::vector<std::string> output_names_;
};

}  // namespace

Report verify_export(const ExportOptions& options,
                     const std::map<std::string, int64_t>& symbol_sizes,
                     const Tolerance& tolerance) {
  Runner runner(options, tolerance);
  std::map<std::string, int64_t> sizes;
  for (const auto& in : runner.inputs()) {
    for (size_t a = 0; a < in.dims.size(); ++a) {
      if (in.dims[a] >= 0) continue;
      const std::string& symbol = in.symbols[a];
      const auto it = symbol_sizes.find(symbol);
      if (symbol.empty() || it == symbol_sizes.end()) {
        not_run("axis " + std::to_string(a) + " of input '" + in.name +
                "' has no declared size; give it with --shape to verify");
      }
      sizes[symbol] = it->second;
    }
  }
  Report report;
  report.runs.push_back(runner.run("declared", sizes, 0));
  uint64_t seed = 1;
  for (const auto& [symbol, size] : sizes) {
    auto other = sizes;
    // A second size along the axis: twice the declared one (2 for a declared 1).
    other[symbol] = size * 2;
    report.runs.push_back(runner.run(symbol + "=" + std::to_string(other[symbol]), other, seed++));
  }
  report.passed = true;
  for (const auto& run : report.runs) {
    if (run.passed) continue;
    report.passed = false;
    for (const auto& o : run.outputs) {
      if (!o.passed) {
        report.first_failure = "--verify: the file differs from LibTorch (" + run.sizes +
                               ", rtol " + std::to_string(tolerance.rtol) + ", atol " +
                               std::to_string(tolerance.atol) + "): " + o.worst;
        break;
      }
    }
    break;
  }
  return report;
}

}  // namespace pt2onnx::verify
