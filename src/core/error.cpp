#include <fmt/format.h>

#include <hitscope/error.hpp>

namespace hitscope {

std::string DataIssue::ToString() const {
  std::string out = file;
  if (line > 0) {
    out += fmt::format(":{}", line);
    if (column > 0) out += fmt::format(":{}", column);
  }
  out += ": ";
  if (field_index > 0) {
    out += field.empty() ? fmt::format("field {}: ", field_index)
                         : fmt::format("field {} '{}': ", field_index, field);
  } else if (!field.empty()) {
    out += fmt::format("field '{}': ", field);
  }
  out += message;
  return out;
}

}  // namespace hitscope
