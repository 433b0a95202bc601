#include "onnx/model_writer.h"

#include <onnx/checker.h>
#include <onnx/defs/schema.h>
#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unordered_set>

#include "onnx/tensor_proto.h"
#include "pt2onnx/error.h"

namespace pt2onnx::onnx_ir {
namespace {

namespace fs = std::filesystem;

// A protobuf message may not exceed 2 GiB; stay clear of it with the graph around the weights.
constexpr int64_t kInlineLimitBytes = (int64_t{2} << 30) - (int64_t{64} << 20);
// Tensors smaller than this stay inline even in external-data mode (as onnx's own converter).
constexpr int64_t kExternalThresholdBytes = 1024;
constexpr int64_t kExternalAlignment = 4096;

// Removes the file unless committed (renamed to its final name).
class TempFile {
 public:
  explicit TempFile(fs::path path) : path_(std::move(path)) {}
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (!committed_) {
      std::error_code ec;
      fs::remove(path_, ec);
    }
  }
  const fs::path& path() const { return path_; }
  void commit_to(const fs::path& target) {
    std::error_code ec;
    fs::rename(path_, target, ec);
    if (ec) {
      throw Error(ErrorKind::kWriteFailed,
                  "cannot move the result to '" + target.string() + "': " + ec.message());
    }
    committed_ = true;
  }

 private:
  fs::path path_;
  bool committed_ = false;
};

std::ofstream open_for_writing(const fs::path& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error(ErrorKind::kWriteFailed, "cannot create '" + path.string() + "'");
  return out;
}

void check_stream(const std::ofstream& out, const fs::path& path) {
  if (!out) {
    throw Error(ErrorKind::kWriteFailed, "writing '" + path.string() + "' failed (disk full?)");
  }
}

// ---- protobuf wire format, for streaming tensor bytes without building a message around them

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

size_t varint_size(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

std::string length_delimited_tag(int field, uint64_t length) {
  std::string out;
  put_varint(out, (static_cast<uint64_t>(field) << 3) | 2);
  put_varint(out, length);
  return out;
}

// One initializer whose bytes are written after its header (raw_data, field 9).
struct InlineTensor {
  std::string header;  // serialized TensorProto without raw_data
  at::Tensor data;     // contiguous
  uint64_t entry_size() const {
    const uint64_t n = data.nbytes();
    return header.size() + 1 + varint_size(n) + n;
  }
};

void collect_reads(const onnx::GraphProto& graph, std::unordered_set<std::string>& reads);

// Every name a node reads, its subgraphs' outer-scope reads included.
void collect_node_reads(const onnx::NodeProto& node, std::unordered_set<std::string>& reads) {
  for (const auto& in : node.input()) reads.insert(in);
  for (const auto& attr : node.attribute()) {
    if (attr.has_g()) collect_reads(attr.g(), reads);
  }
}

void collect_reads(const onnx::GraphProto& graph, std::unordered_set<std::string>& reads) {
  for (const auto& node : graph.node()) collect_node_reads(node, reads);
  for (const auto& out : graph.output()) reads.insert(out.name());
}

// Dead code elimination on the main graph: nodes none of whose outputs is read (a symbolic may
// compute something a later one did not need); returns the names still read.
std::unordered_set<std::string> prune_dead_nodes(onnx::GraphProto& graph) {
  std::unordered_set<std::string> live;
  for (const auto& out : graph.output()) live.insert(out.name());
  std::vector<bool> keep(static_cast<size_t>(graph.node_size()), false);
  for (int i = graph.node_size() - 1; i >= 0; --i) {
    const auto& node = graph.node(i);
    bool used = false;
    for (const auto& out : node.output()) used |= live.count(out) != 0;
    if (!used) continue;
    keep[static_cast<size_t>(i)] = true;
    collect_node_reads(node, live);
  }
  google::protobuf::RepeatedPtrField<onnx::NodeProto> kept;
  for (int i = 0; i < graph.node_size(); ++i) {
    if (keep[static_cast<size_t>(i)]) kept.Add()->Swap(graph.mutable_node(i));
  }
  graph.mutable_node()->Swap(&kept);
  return live;
}

// ONNX's checker requires a shape on every main-graph input and output; say which one lacks it
// rather than the checker's "Field 'shape' of 'type' is required".
void require_io_shapes(const onnx::GraphProto& graph) {
  for (const auto& in : graph.input()) {
    if (in.type().has_tensor_type() && !in.type().tensor_type().has_shape()) {
      throw Error(ErrorKind::kBadInput,
                  "the rank of input '" + in.name() +
                      "' cannot be inferred from the model; give its shape with --shape " +
                      in.name() + ":D0xD1x... (add --dynamic " + in.name() +
                      ":AXES for axes that vary)");
    }
  }
  for (const auto& out : graph.output()) {
    if (out.type().has_tensor_type() && !out.type().tensor_type().has_shape()) {
      throw Error(ErrorKind::kBadInput, "the rank of output '" + out.name() +
                                            "' is unknown; give the inputs' shapes with --shape "
                                            "NAME:D0xD1x...");
    }
  }
}

// Checker and strict shape inference on the model's structure. Weights are represented by
// their headers (small ones with their data, which inference may read), so validating a
// multi-GB model costs no copy of it.
void validate(const onnx::ModelProto& skeleton, const std::vector<Initializer>& weights,
              const std::unordered_set<std::string>& live) {
  require_io_shapes(skeleton.graph());
  onnx::ModelProto model = skeleton;
  std::unordered_set<std::string> declared;  // --keep-initializers-as-inputs lists them already
  for (const auto& in : model.graph().input()) declared.insert(in.name());
  for (const auto& init : weights) {
    if (live.count(init.name) == 0) continue;
    if (declared.count(init.name) != 0 && init.value.nbytes() > kExternalThresholdBytes) continue;
    if (init.value.nbytes() <= kExternalThresholdBytes) {
      *model.mutable_graph()->add_initializer() = to_tensor_proto(init.value, init.name);
      continue;
    }
    // A large weight matters to validation only by its type: declare it as an input.
    auto* input = model.mutable_graph()->add_input();
    input->set_name(init.name);
    auto* type = input->mutable_type()->mutable_tensor_type();
    type->set_elem_type(onnx_dtype(init.value.scalar_type()));
    for (int64_t d : init.value.sizes()) type->mutable_shape()->add_dim()->set_dim_value(d);
  }
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception& e) {
    throw Error(ErrorKind::kInvalidOutput,
                std::string("ONNX's checker rejects the exported model: ") + e.what());
  }
  try {
    onnx::ShapeInferenceOptions strict(/*check_type=*/true, /*strict_mode=*/1);
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), strict);
  } catch (const std::exception& e) {
    throw Error(ErrorKind::kInvalidOutput,
                std::string("ONNX shape inference rejects the exported model: ") + e.what());
  }
}

std::string safe_file_name(const std::string& tensor_name) {
  std::string out;
  for (char c : tensor_name)
    out.push_back(
        std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ? c : '_');
  return out;
}

void set_external(onnx::TensorProto& header, const std::string& location, int64_t offset,
                  int64_t length) {
  header.set_data_location(onnx::TensorProto::EXTERNAL);
  auto add = [&header](const char* key, const std::string& value) {
    auto* entry = header.add_external_data();
    entry->set_key(key);
    entry->set_value(value);
  };
  add("location", location);
  if (offset >= 0) add("offset", std::to_string(offset));
  add("length", std::to_string(length));
}

void write_bytes(std::ofstream& out, const at::Tensor& t) {
  out.write(static_cast<const char*>(t.data_ptr()), static_cast<std::streamsize>(t.nbytes()));
}

}  // namespace

int64_t ir_version_for_opset(int opset) {
  if (opset <= 9) return 4;
  if (opset == 10) return 5;
  if (opset == 11) return 6;
  if (opset <= 14) return 7;
  return 8;
}

void check_output_location(const std::string& output_path) {
  const fs::path target(output_path);
  fs::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw Error(ErrorKind::kWriteFailed, "cannot write '" + target.string() + "': directory '" +
                                             dir.string() + "' does not exist");
  }
  if (fs::is_directory(target, ec)) {
    throw Error(ErrorKind::kWriteFailed,
                "cannot write '" + target.string() + "': it is a directory");
  }
}

WriteResult write_model(GraphBuilder& builder, const ExportOptions& options,
                        const std::function<void(const std::string&)>& notice,
                        const std::function<void(const std::string&)>& progress) {
  auto step = [&progress](const char* what) {
    if (progress) progress(what);
  };
  onnx::ModelProto model;
  model.set_ir_version(ir_version_for_opset(builder.opset()));
  model.set_producer_name("pt2onnx");
  model.set_producer_version(PT2ONNX_VERSION);
  auto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(builder.opset());
  onnx::GraphProto* graph = model.mutable_graph();
  graph->Swap(&builder.main_graph());
  if (graph->name().empty()) graph->set_name("main_graph");

  const std::unordered_set<std::string> live = prune_dead_nodes(*graph);
  // Parameter inputs (--no-params) that nothing reads go too.
  google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> inputs;
  for (auto& in : *graph->mutable_input()) {
    if (live.count(in.name()) != 0 || !builder.is_parameter(in.name())) inputs.Add()->Swap(&in);
  }
  graph->mutable_input()->Swap(&inputs);
  std::vector<const Initializer*> weights;
  int64_t weight_bytes = 0;
  for (const auto& init : builder.initializers()) {
    if (live.count(init.name) == 0) continue;
    weights.push_back(&init);
    weight_bytes += static_cast<int64_t>(init.value.nbytes());
    if (options.keep_initializers_as_inputs) {
      auto* input = graph->add_input();
      input->set_name(init.name);
      if (const auto* type = builder.type_of(init.name)) *input->mutable_type() = *type;
    }
  }
  step("pruned dead nodes");
  validate(model, builder.initializers(), live);
  step("checked (ONNX checker and shape inference)");

  ExternalDataMode mode = options.external_data;
  bool external = mode != ExternalDataMode::kAuto;
  if (mode == ExternalDataMode::kAuto && weight_bytes > kInlineLimitBytes) {
    external = true;
    mode = ExternalDataMode::kAlways;
    if (notice) {
      notice("the weights (" + std::to_string(weight_bytes >> 20) +
             " MiB) exceed what one ONNX protobuf file can hold (2 GiB): writing them to '" +
             fs::path(options.output_path).filename().string() + ".data' beside the model");
    }
  }

  const fs::path target(options.output_path);
  check_output_location(options.output_path);
  fs::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  WriteResult result;
  std::vector<std::unique_ptr<TempFile>> side_files;
  std::vector<fs::path> side_targets;

  // Headers go into the graph; bytes either follow them in the model file (inline) or go to
  // side files now, straight from the tensors' storage.
  std::vector<InlineTensor> inline_tensors;
  std::ofstream data_out;
  int64_t data_offset = 0;
  const std::string data_name = target.filename().string() + ".data";
  for (const Initializer* init : weights) {
    const at::Tensor dense = init->value.contiguous();
    onnx::TensorProto header = tensor_proto_header(dense, init->name);
    const int64_t n = static_cast<int64_t>(dense.nbytes());
    if (!external || n < kExternalThresholdBytes) {
      inline_tensors.push_back({header.SerializeAsString(), dense});
      continue;
    }
    if (mode == ExternalDataMode::kPerTensor) {
      const std::string name = safe_file_name(init->name);
      side_files.push_back(std::make_unique<TempFile>(dir / ("." + name + ".pt2onnx-tmp")));
      side_targets.push_back(dir / name);
      std::ofstream out = open_for_writing(side_files.back()->path());
      write_bytes(out, dense);
      check_stream(out, side_files.back()->path());
      set_external(header, name, -1, n);
    } else {
      if (!data_out.is_open()) {
        side_files.push_back(std::make_unique<TempFile>(dir / ("." + data_name + ".pt2onnx-tmp")));
        side_targets.push_back(dir / data_name);
        data_out = open_for_writing(side_files.back()->path());
      }
      const int64_t padding =
          (kExternalAlignment - data_offset % kExternalAlignment) % kExternalAlignment;
      const std::string zeros(static_cast<size_t>(padding), '\0');
      data_out.write(zeros.data(), static_cast<std::streamsize>(padding));
      data_offset += padding;
      write_bytes(data_out, dense);
      set_external(header, data_name, data_offset, n);
      data_offset += n;
    }
    *graph->add_initializer() = header;
  }
  if (data_out.is_open()) {
    data_out.flush();
    check_stream(data_out, side_files.back()->path());
    data_out.close();
  }

  // Model = [model fields but the graph] + graph field (7) = [graph fields] + initializers (5).
  std::string graph_bytes = graph->SerializeAsString();
  uint64_t graph_size = graph_bytes.size();
  for (const auto& t : inline_tensors) {
    graph_size += 1 + varint_size(t.entry_size()) + t.entry_size();
  }
  onnx::GraphProto graph_holder;
  graph_holder.Swap(graph);
  model.clear_graph();
  const std::string model_bytes = model.SerializeAsString();
  const uint64_t total = model_bytes.size() + 1 + varint_size(graph_size) + graph_size;
  if (!external && total > static_cast<uint64_t>(INT32_MAX)) {
    throw Error(ErrorKind::kWriteFailed,
                "the model is larger than the 2 GiB a protobuf file can hold; use --external-data");
  }

  TempFile temp(dir / ("." + target.filename().string() + ".pt2onnx-tmp"));
  {
    std::ofstream out = open_for_writing(temp.path());
    out << model_bytes << length_delimited_tag(7, graph_size) << graph_bytes;
    for (const auto& t : inline_tensors) {
      out << length_delimited_tag(5, t.entry_size()) << t.header
          << length_delimited_tag(9, t.data.nbytes());
      write_bytes(out, t.data);
    }
    out.flush();
    check_stream(out, temp.path());
  }
  step("written");
  if (external) {
    // The path-based check reads the small model file and checks every external file is there.
    for (size_t i = 0; i < side_files.size(); ++i) side_files[i]->commit_to(side_targets[i]);
    try {
      onnx::checker::check_model(temp.path().string());
    } catch (const std::exception& e) {
      for (const auto& p : side_targets) fs::remove(p);
      throw Error(ErrorKind::kInvalidOutput,
                  std::string("ONNX's checker rejects the external-data model: ") + e.what());
    }
  }
  std::error_code ec;
  result.file_bytes = static_cast<int64_t>(fs::file_size(temp.path(), ec));
  temp.commit_to(target);
  for (const auto& p : side_targets) result.extra_files.push_back(p.string());
  result.node_count = graph_holder.node_size();
  result.initializer_count = static_cast<int64_t>(weights.size());
  result.initializer_bytes = weight_bytes;
  // Hand the graph back to the builder for callers that print it.
  builder.main_graph().Swap(&graph_holder);
  return result;
}

}  // namespace pt2onnx::onnx_ir
