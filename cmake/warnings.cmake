# Warnings apply to pt2onnx's own targets only; dependencies come in as SYSTEM includes.
function(pt2onnx_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                                           -Wnon-virtual-dtor)
  if(PT2ONNX_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
