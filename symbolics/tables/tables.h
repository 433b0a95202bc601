// One registration function per opset; each lives in tables/opsetN.cpp.
#pragma once

#include "symbolics/registry.h"

namespace pt2onnx::sym {

void register_opset9(SymbolicTable& t);
void register_opset10(SymbolicTable& t);
void register_opset11(SymbolicTable& t);
void register_opset12(SymbolicTable& t);
void register_opset13(SymbolicTable& t);
void register_opset14(SymbolicTable& t);
void register_opset15(SymbolicTable& t);
void register_opset16(SymbolicTable& t);
void register_opset17(SymbolicTable& t);

}  // namespace pt2onnx::sym
