// Emitters for ONNX ops whose *signature* changed between opsets (an attribute became an input).
// Symbolics call these instead of branching on the opset themselves; what an op means does not
// change here, only how the node is spelled.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "onnx/graph_builder.h"

namespace pt2onnx::onnx_ops {

using onnx_ir::GraphBuilder;
using onnx_ir::ValueName;

// Unsqueeze/Squeeze: `axes` attribute before 13, input from 13.
ValueName unsqueeze(GraphBuilder& g, const ValueName& x, const std::vector<int64_t>& axes);
ValueName squeeze(GraphBuilder& g, const ValueName& x, const std::vector<int64_t>& axes);
// ReduceX over `axes` (all axes where empty): ReduceSum takes axes as an input from 13, the
// others from 18.
ValueName reduce(GraphBuilder& g, const std::string& op, const ValueName& x,
                 const std::vector<int64_t>& axes, bool keepdims);
// Split into pieces of `sizes` along `axis`: `split` attribute before 13, input from 13.
std::vector<ValueName> split(GraphBuilder& g, const ValueName& x, int64_t axis,
                             const std::vector<int64_t>& sizes);
// Split into `n` equal pieces along `axis` (the size must divide): the count is implied by the
// outputs before 18 and is the `num_outputs` attribute from 18, which requires it.
std::vector<ValueName> split_equal(GraphBuilder& g, const ValueName& x, int64_t axis, size_t n);
// Slice: attributes in opset 9 (no steps), inputs from 10. Values are constants here.
ValueName slice(GraphBuilder& g, const ValueName& x, const std::vector<int64_t>& axes,
                const std::vector<int64_t>& starts, const std::vector<int64_t>& ends,
                const std::vector<int64_t>& steps = {});
// Slice with run-time starts/ends (1-d int64 tensors); needs opset 10.
ValueName slice_dynamic(GraphBuilder& g, const ValueName& x, const ValueName& starts,
                        const ValueName& ends, const ValueName& axes, const ValueName& steps);
// Clip: min/max attributes before 11, optional inputs from 11 (same dtype as x).
ValueName clip(GraphBuilder& g, const ValueName& x, std::optional<double> min,
               std::optional<double> max);
// Pad with ONNX-order pads ([x1_begin, x2_begin, ..., x1_end, x2_end, ...]): attribute before 11,
// input from 11.
ValueName pad(GraphBuilder& g, const ValueName& x, const std::vector<int64_t>& pads,
              const std::string& mode, double value);
// Pad with run-time ONNX-order pads (a 1-d int64 tensor); needs opset 11, where pads became an
// input.
ValueName pad_dynamic(GraphBuilder& g, const ValueName& x, const ValueName& pads,
                      const std::string& mode, double value);
// Resize to run-time `sizes` (roi given, scales absent): Resize-11 requires a scales input, an
// empty tensor there; from 13 it is optional and left out, since ONNX 1.17's inference counts an
// empty scales initializer read inside a Loop or If body as given, and refuses it with sizes.
ValueName resize_to_sizes(GraphBuilder& g, const ValueName& x, const ValueName& roi,
                          const ValueName& sizes, const onnx_ir::Attrs& attrs);
// Shape(x)[axis] as a 0-d int64; folds to a constant when that size is static.
ValueName dim_size(GraphBuilder& g, const ValueName& x, int64_t axis);

}  // namespace pt2onnx::onnx_ops
