// Opset 12: Einsum; NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss; Dropout's
// training_mode.
#include "symbolics/impl/all.h"
#include "symbolics/tables/tables.h"

namespace pt2onnx::sym {

void register_opset12(SymbolicTable& t) {
  // ---- linear.cpp
  t.add("aten::einsum", einsum_v12);

  // ---- loss.cpp
  t.add("aten::nll_loss", nll_loss_v12);
  t.add("aten::nll_loss2d", nll_loss_v12);
  t.add("aten::nll_loss_nd", nll_loss_v12);
  t.add("aten::cross_entropy_loss", cross_entropy_loss_v12);

  // ---- normalization.cpp
  t.add("aten::dropout", dropout_v12);
  t.add("aten::feature_dropout", feature_dropout_v12);
  t.add("aten::native_dropout", native_dropout_v12);
  t.add("aten::alpha_dropout", alpha_dropout_v12);
  t.add("aten::feature_alpha_dropout", alpha_dropout_v12);
}

}  // namespace pt2onnx::sym
