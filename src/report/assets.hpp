// report/assets.hpp: the bytes of the page's inlined assets (see assets.cpp).
#pragma once

#include <string>
#include <string_view>

namespace hitscope::report {

std::string_view EchartsScript();  // third_party/echarts/echarts.min.js
std::string_view RuntimeScript();  // report/assets/report.js
std::string_view StyleSheet();     // report/assets/report.css

}  // namespace hitscope::report
