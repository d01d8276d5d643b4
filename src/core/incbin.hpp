// core/incbin.hpp: files embedded in the executable byte for byte with the assembler's .incbin,
// so pages and reports need no files at run time. HITSCOPE_INCBIN(symbol, "path") defines
// symbol_begin / symbol_end (followed by a NUL byte) at namespace scope;
// HITSCOPE_INCBIN_VIEW(symbol) is the embedded file as a std::string_view.
#pragma once

#include <cstddef>
#include <string_view>

#define HITSCOPE_INCBIN(symbol, path)     \
  __asm__(                                \
      ".section .rodata\n"                \
      ".global " #symbol                  \
      "_begin\n"                          \
      ".balign 16\n" #symbol              \
      "_begin:\n"                         \
      ".incbin \"" path                   \
      "\"\n"                              \
      ".global " #symbol "_end\n" #symbol \
      "_end:\n"                           \
      ".byte 0\n"                         \
      ".previous\n");                     \
  extern "C" const char symbol##_begin[]; \
  extern "C" const char symbol##_end[];

#define HITSCOPE_INCBIN_VIEW(symbol) \
  std::string_view(symbol##_begin, static_cast<size_t>(symbol##_end - symbol##_begin))
