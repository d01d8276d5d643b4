// serve/web_assets.hpp: the web page's files, compiled into the binary (web_assets.cpp) so the
// page works offline with no files beside the executable. ECharts comes from the report stage
// (third_party/echarts, vendored with its licence).
#pragma once

#include <string_view>

namespace hitscope::serve {

std::string_view PageHtml();     // serve/web/index.html
std::string_view PageScript();   // serve/web/app.js
std::string_view PageStyle();    // serve/web/app.css
std::string_view ChartScript();  // echarts.min.js

}  // namespace hitscope::serve
