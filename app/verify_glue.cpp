#include "verify_glue.h"

#if PT2ONNX_HAVE_ORT
#include <onnx/onnx_pb.h>

#include <cstdlib>
#include <cstring>
#include <fstream>

#include "verify/verify.h"
#endif

namespace pt2onnx::cli {

#if PT2ONNX_HAVE_ORT

bool verify_available() { return true; }

namespace {

Json shape_json(const std::vector<int64_t>& dims) {
  Json out = Json::array();
  for (const int64_t d : dims) out.push(Json(d));
  return out;
}

// Lets the tests hand --verify a wrong file (PT2ONNX_TEST_TAMPER_WEIGHT=1): the first float
// element of the first float weight stored in the model file gets 1 added, as a converter bug
// in a weight would. A real wrong file is a bug that gets fixed once found.
void tamper_first_weight(const std::string& path) {
  onnx::ModelProto model;
  {
    std::ifstream in(path, std::ios::binary);
    if (!model.ParseFromIstream(&in)) return;
  }
  for (auto& init : *model.mutable_graph()->mutable_initializer()) {
    if (init.data_type() != onnx::TensorProto::FLOAT) continue;
    if (init.raw_data().size() >= sizeof(float)) {
      std::string raw = init.raw_data();
      float v = 0;
      std::memcpy(&v, raw.data(), sizeof v);
      v += 1.0f;
      std::memcpy(raw.data(), &v, sizeof v);
      init.set_raw_data(raw);
    } else if (init.float_data_size() > 0) {
      init.set_float_data(0, init.float_data(0) + 1.0f);
    } else {
      continue;
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    model.SerializeToOstream(&out);
    return;
  }
}

}  // namespace

Json verify_written_file(const ExportOptions& options, const ExportSummary& summary,
                         const VerifySettings& settings, std::optional<Error>& failure) {
  Json out = Json::object();
  out.set("rtol", Json(settings.rtol));
  out.set("atol", Json(settings.atol));
  if (const char* tamper = std::getenv("PT2ONNX_TEST_TAMPER_WEIGHT"); tamper && *tamper == '1') {
    tamper_first_weight(options.output_path);
  }
  verify::Report report;
  try {
    report = verify::verify_export(options, summary.symbol_sizes, {settings.rtol, settings.atol});
  } catch (const Error& e) {
    failure.emplace(e);
  } catch (const std::exception& e) {
    failure.emplace(DiagCode::kVerifyNotRun, std::string("--verify: ") + e.what());
  }
  if (failure) {
    out.set("passed", false);
    out.set("runs", Json::array());
    out.set("worst", Json());
    return out;
  }
  Json runs = Json::array();
  const verify::OutputComparison* worst = nullptr;
  for (const auto& run : report.runs) {
    Json r = Json::object();
    r.set("sizes", run.sizes);
    Json inputs = Json::object();
    for (const auto& [name, dims] : run.input_shapes) inputs.set(name, shape_json(dims));
    r.set("inputs", inputs);
    Json outputs = Json::array();
    for (const auto& o : run.outputs) {
      Json c = Json::object();
      c.set("name", o.output);
      c.set("dtype", o.dtype);
      c.set("shape", shape_json(o.onnx_shape));
      c.set("passed", o.passed);
      c.set("max_abs_diff", Json(o.max_abs_diff));
      c.set("worst", o.worst.empty() ? Json() : Json(o.worst));
      outputs.push(c);
      if (!worst || (!o.passed && worst->passed) ||
          (o.passed == worst->passed && o.max_abs_diff > worst->max_abs_diff)) {
        worst = &o;
      }
    }
    r.set("outputs", outputs);
    r.set("passed", run.passed);
    runs.push(r);
  }
  out.set("passed", report.passed);
  out.set("runs", runs);
  out.set("worst", worst && !worst->worst.empty() ? Json(worst->worst) : Json());
  if (!report.passed) failure.emplace(DiagCode::kVerifyMismatch, report.first_failure);
  return out;
}

#else

bool verify_available() { return false; }

Json verify_written_file(const ExportOptions&, const ExportSummary&, const VerifySettings&,
                         std::optional<Error>& failure) {
  failure.emplace(DiagCode::kVerifyUnavailable, "this build of pt2onnx has no ONNX Runtime");
  return Json();
}

#endif

}  // namespace pt2onnx::cli
