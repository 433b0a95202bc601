#include "onnx/model_stream.h"

#include <fstream>

#include "pt2onnx/error.h"

namespace pt2onnx::onnx_ir {
namespace {

namespace fs = std::filesystem;

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

void write_bytes(std::ofstream& out, const at::Tensor& t) {
  out.write(static_cast<const char*>(t.data_ptr()), static_cast<std::streamsize>(t.nbytes()));
}

}  // namespace

int64_t stream_model(AssembledModel& assembled, const DataPlan& plan, OutputStaging& staging) {
  onnx::ModelProto& model = assembled.model;
  onnx::GraphProto* graph = model.mutable_graph();

  // Side files first, straight from the tensors' storage; their headers join the graph. A
  // side file's tensors are consecutive in the plan, so one file is open at a time.
  std::vector<fs::path> side_paths;
  for (const auto& name : plan.side_files) side_paths.push_back(staging.add_file(name));
  std::vector<InlineTensor> inline_tensors;
  std::ofstream side;
  int open_file = -1;
  auto close_side = [&] {
    if (open_file < 0) return;
    side.flush();
    check_stream(side, side_paths[static_cast<size_t>(open_file)]);
    side.close();
    open_file = -1;
  };
  for (const PlannedTensor& t : plan.tensors) {
    const at::Tensor dense = t.init->value.contiguous();
    if (t.side_file < 0) {
      inline_tensors.push_back({t.header.SerializeAsString(), dense});
      continue;
    }
    const fs::path& side_path = side_paths[static_cast<size_t>(t.side_file)];
    if (t.side_file != open_file) {
      close_side();
      side = open_for_writing(side_path);
      open_file = t.side_file;
    }
    if (t.padding > 0) {
      const std::string zeros(static_cast<size_t>(t.padding), '\0');
      side.write(zeros.data(), static_cast<std::streamsize>(t.padding));
    }
    write_bytes(side, dense);
    check_stream(side, side_path);
    *graph->add_initializer() = t.header;
  }
  close_side();

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
  model.mutable_graph()->Swap(&graph_holder);
  const uint64_t total = model_bytes.size() + 1 + varint_size(graph_size) + graph_size;
  if (!plan.external && total > static_cast<uint64_t>(INT32_MAX)) {
    throw Error(ErrorKind::kWriteFailed,
                "the model is larger than the 2 GiB a protobuf file can hold; use --external-data");
  }

  const fs::path& path = staging.staged_model();
  std::ofstream out = open_for_writing(path);
  out << model_bytes << length_delimited_tag(7, graph_size) << graph_bytes;
  for (const auto& t : inline_tensors) {
    out << length_delimited_tag(5, t.entry_size()) << t.header
        << length_delimited_tag(9, t.data.nbytes());
    write_bytes(out, t.data);
  }
  out.flush();
  check_stream(out, path);
  out.close();
  check_stream(out, path);
  return static_cast<int64_t>(total);
}

}  // namespace pt2onnx::onnx_ir
