// The page's files embedded byte for byte with the assembler's .incbin (paths from CMake), as
// report/assets.cpp embeds the report's.
#include "serve/web_assets.hpp"

#include "core/incbin.hpp"
#include "report/assets.hpp"

HITSCOPE_INCBIN(hitscope_serve_page_html, HITSCOPE_SERVE_PAGE_HTML)
HITSCOPE_INCBIN(hitscope_serve_page_js, HITSCOPE_SERVE_PAGE_JS)
HITSCOPE_INCBIN(hitscope_serve_page_css, HITSCOPE_SERVE_PAGE_CSS)

namespace hitscope::serve {

std::string_view PageHtml() {
  return HITSCOPE_INCBIN_VIEW(hitscope_serve_page_html);
}
std::string_view PageScript() {
  return HITSCOPE_INCBIN_VIEW(hitscope_serve_page_js);
}
std::string_view PageStyle() {
  return HITSCOPE_INCBIN_VIEW(hitscope_serve_page_css);
}
std::string_view ChartScript() {
  return report::EchartsScript();
}

}  // namespace hitscope::serve
