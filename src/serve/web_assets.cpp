// The page's files embedded byte for byte with the assembler's .incbin (paths from CMake), as
// report/assets.cpp embeds the report's.
#include "serve/web_assets.hpp"

#include "report/assets.hpp"

#define HITSCOPE_SERVE_INCBIN(symbol, path) \
  __asm__(                                  \
      ".section .rodata\n"                  \
      ".global " #symbol                    \
      "_begin\n"                            \
      ".balign 16\n" #symbol                \
      "_begin:\n"                           \
      ".incbin \"" path                     \
      "\"\n"                                \
      ".global " #symbol "_end\n" #symbol   \
      "_end:\n"                             \
      ".byte 0\n"                           \
      ".previous\n");                       \
  extern "C" const char symbol##_begin[];   \
  extern "C" const char symbol##_end[];

HITSCOPE_SERVE_INCBIN(hitscope_serve_page_html, HITSCOPE_SERVE_PAGE_HTML)
HITSCOPE_SERVE_INCBIN(hitscope_serve_page_js, HITSCOPE_SERVE_PAGE_JS)
HITSCOPE_SERVE_INCBIN(hitscope_serve_page_css, HITSCOPE_SERVE_PAGE_CSS)

namespace hitscope::serve {

std::string_view PageHtml() {
  return {hitscope_serve_page_html_begin,
          static_cast<size_t>(hitscope_serve_page_html_end - hitscope_serve_page_html_begin)};
}
std::string_view PageScript() {
  return {hitscope_serve_page_js_begin,
          static_cast<size_t>(hitscope_serve_page_js_end - hitscope_serve_page_js_begin)};
}
std::string_view PageStyle() {
  return {hitscope_serve_page_css_begin,
          static_cast<size_t>(hitscope_serve_page_css_end - hitscope_serve_page_css_begin)};
}
std::string_view ChartScript() {
  return report::EchartsScript();
}

}  // namespace hitscope::serve
