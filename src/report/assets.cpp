// The page's assets compiled into the library: the vendored ECharts build, the report runtime
// script and the style sheet, each embedded byte for byte with the assembler's .incbin (paths
// from CMake), so the executable needs no files at run time and reports open offline.
#include "report/assets.hpp"

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

HITSCOPE_INCBIN(hitscope_echarts_js, HITSCOPE_ECHARTS_JS)
HITSCOPE_INCBIN(hitscope_report_js, HITSCOPE_REPORT_JS)
HITSCOPE_INCBIN(hitscope_report_css, HITSCOPE_REPORT_CSS)

namespace hitscope::report {

std::string_view EchartsScript() {
  return {hitscope_echarts_js_begin,
          static_cast<size_t>(hitscope_echarts_js_end - hitscope_echarts_js_begin)};
}
std::string_view RuntimeScript() {
  return {hitscope_report_js_begin,
          static_cast<size_t>(hitscope_report_js_end - hitscope_report_js_begin)};
}
std::string_view StyleSheet() {
  return {hitscope_report_css_begin,
          static_cast<size_t>(hitscope_report_css_end - hitscope_report_css_begin)};
}
std::string ChartLibraryVersion() {
  return "Apache ECharts " HITSCOPE_ECHARTS_VERSION;
}

}  // namespace hitscope::report
