#include "onnx_skim.h"

#include <fcntl.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/wire_format_lite.h>
#include <unistd.h>

#include <climits>
#include <stdexcept>

#include "sha256.h"

namespace pt2onnx::cli {
namespace {

namespace pbio = google::protobuf::io;
using google::protobuf::internal::WireFormatLite;

// Field numbers of onnx.proto on the wire.
constexpr uint32_t kModelGraph = 7;
constexpr uint32_t kGraphInitializer = 5;
constexpr uint32_t kTensorName = 8;
constexpr uint32_t kWireLengthDelimited = 2;

struct Malformed : std::runtime_error {
  Malformed() : std::runtime_error("malformed") {}
};

// Hashes the bytes the reader consumes, each once: a reader may back up and be handed the same
// bytes again.
class HashingInputStream : public pbio::ZeroCopyInputStream {
 public:
  HashingInputStream(pbio::ZeroCopyInputStream& inner, Sha256& digest)
      : inner_(inner), digest_(digest) {}

  bool Next(const void** data, int* size) override {
    if (!inner_.Next(data, size)) return false;
    const int64_t end = inner_.ByteCount();
    if (end > hashed_) {
      const int64_t already = hashed_ - (end - *size);  // bytes of this chunk hashed before
      digest_.update(static_cast<const char*>(*data) + already, static_cast<size_t>(end - hashed_));
      hashed_ = end;
    }
    return true;
  }
  void BackUp(int count) override { inner_.BackUp(count); }
  bool Skip(int count) override {
    const void* data = nullptr;
    int size = 0;
    while (count > 0) {
      if (!Next(&data, &size)) return false;
      if (size > count) {
        BackUp(size - count);
        return true;
      }
      count -= size;
    }
    return true;
  }
  int64_t ByteCount() const override { return inner_.ByteCount(); }

  void drain() {
    const void* data = nullptr;
    int size = 0;
    while (Next(&data, &size)) {
    }
  }

 private:
  pbio::ZeroCopyInputStream& inner_;
  Sha256& digest_;
  int64_t hashed_ = 0;
};

class FileDescriptor {
 public:
  explicit FileDescriptor(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY)) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

uint32_t read_length(pbio::CodedInputStream& in) {
  uint32_t n = 0;
  if (!in.ReadVarint32(&n) || n > static_cast<uint32_t>(INT_MAX)) throw Malformed();
  return n;
}

// One field whose tag is read: copied to `out` as it was encoded, or skipped. Protobuf's own
// wire-format reader does both (every wire type, groups included).
void copy_field(pbio::CodedInputStream& in, uint32_t tag, pbio::CodedOutputStream& out) {
  if (!WireFormatLite::SkipField(&in, tag, &out)) throw Malformed();
}

void skip_field(pbio::CodedInputStream& in, uint32_t tag) {
  if (!WireFormatLite::SkipField(&in, tag)) throw Malformed();
}

// A TensorProto: only its name is kept.
std::string read_initializer_name(pbio::CodedInputStream& in) {
  std::string name;
  while (const uint32_t tag = in.ReadTag()) {
    if (tag == ((kTensorName << 3) | kWireLengthDelimited)) {
      if (!in.ReadString(&name, static_cast<int>(read_length(in)))) throw Malformed();
    } else {
      skip_field(in, tag);
    }
  }
  if (!in.ConsumedEntireMessage()) throw Malformed();
  return name;
}

// A GraphProto: every field but the initializers goes to `rest`.
void walk_graph(pbio::CodedInputStream& in, std::string& rest, std::vector<std::string>& names) {
  pbio::StringOutputStream sink(&rest);
  pbio::CodedOutputStream out(&sink);
  while (const uint32_t tag = in.ReadTag()) {
    if (tag == ((kGraphInitializer << 3) | kWireLengthDelimited)) {
      const auto limit = in.PushLimit(static_cast<int>(read_length(in)));
      names.push_back(read_initializer_name(in));
      in.PopLimit(limit);
    } else {
      copy_field(in, tag, out);
    }
  }
  if (!in.ConsumedEntireMessage()) throw Malformed();
}

}  // namespace

SkimmedModel skim_onnx_file(const std::string& path) {
  const FileDescriptor fd(path);
  if (fd.get() < 0) throw std::runtime_error("cannot read back '" + path + "'");
  pbio::FileInputStream file(fd.get(), 4 << 20);
  Sha256 digest;
  HashingInputStream hashing(file, digest);
  SkimmedModel skimmed;
  std::string model_rest;
  std::string graph_rest;
  try {
    {
      pbio::CodedInputStream in(&hashing);
      in.SetTotalBytesLimit(INT_MAX);
      pbio::StringOutputStream sink(&model_rest);
      pbio::CodedOutputStream out(&sink);
      while (const uint32_t tag = in.ReadTag()) {
        if (tag == ((kModelGraph << 3) | kWireLengthDelimited)) {
          // A repeated graph field merges into one, as a parser would merge it.
          const auto limit = in.PushLimit(static_cast<int>(read_length(in)));
          walk_graph(in, graph_rest, skimmed.initializer_names);
          in.PopLimit(limit);
        } else {
          copy_field(in, tag, out);
        }
      }
      // ReadTag gives 0 at the end of the file and on a bad tag alike.
      if (!in.ConsumedEntireMessage()) throw Malformed();
    }
    hashing.drain();
    if (file.GetErrno() != 0) throw Malformed();
    if (!skimmed.model.ParseFromString(model_rest) ||
        !skimmed.model.mutable_graph()->ParseFromString(graph_rest)) {
      throw Malformed();
    }
  } catch (const Malformed&) {
    throw std::runtime_error("cannot read back '" + path + "' as an ONNX model");
  }
  skimmed.sha256 = digest.hex();
  return skimmed;
}

}  // namespace pt2onnx::cli
