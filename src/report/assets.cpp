// The page's assets compiled into the library: the vendored ECharts build, the report runtime
// script and the style sheet, each embedded byte for byte with the assembler's .incbin (paths
// from CMake), so the executable needs no files at run time and reports open offline.
#include "report/assets.hpp"

#include <string_view>

#include "core/incbin.hpp"

HITSCOPE_INCBIN(hitscope_echarts_js, HITSCOPE_ECHARTS_JS)
HITSCOPE_INCBIN(hitscope_report_js, HITSCOPE_REPORT_JS)
HITSCOPE_INCBIN(hitscope_report_css, HITSCOPE_REPORT_CSS)

namespace hitscope::report {

std::string_view EchartsScript() {
  return HITSCOPE_INCBIN_VIEW(hitscope_echarts_js);
}
std::string_view RuntimeScript() {
  return HITSCOPE_INCBIN_VIEW(hitscope_report_js);
}
std::string_view StyleSheet() {
  return HITSCOPE_INCBIN_VIEW(hitscope_report_css);
}
std::string ChartLibraryVersion() {
  return "Apache ECharts " HITSCOPE_ECHARTS_VERSION;
}

}  // namespace hitscope::report
