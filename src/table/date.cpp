// Calendar arithmetic after Howard Hinnant's public-domain "chrono-compatible low-level date
// algorithms" (days_from_civil / civil_from_days).
#include <charconv>

#include <fmt/format.h>

#include <hitscope/table.hpp>

namespace hitscope {
namespace {

struct Ymd {
  int year, month, day;
};

int32_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

Ymd CivilFromDays(int32_t z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), static_cast<int>(m), static_cast<int>(d)};
}

bool IsLeap(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

// Parses exactly `width` ASCII digits.
bool ParseDigits(std::string_view text, size_t pos, size_t width, int* out) {
  if (pos + width > text.size()) return false;
  int value = 0;
  for (size_t i = pos; i < pos + width; ++i) {
    char c = text[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *out = value;
  return true;
}

}  // namespace

Date Date::FromYmd(int year, int month, int day, DatePrecision precision) {
  return Date{DaysFromCivil(year, month, day), precision};
}

std::optional<Date> Date::Parse(std::string_view text) {
  int year = 0, month = 1, day = 1;
  if (!ParseDigits(text, 0, 4, &year) || year < 1000) return std::nullopt;
  if (text.size() == 4) return FromYmd(year, 1, 1, DatePrecision::kYear);
  if (text[4] != '-' || !ParseDigits(text, 5, 2, &month) || month < 1 || month > 12) {
    return std::nullopt;
  }
  if (text.size() == 7) return FromYmd(year, month, 1, DatePrecision::kMonth);
  if (text.size() != 10 || text[7] != '-' || !ParseDigits(text, 8, 2, &day) || day < 1 ||
      day > DaysInMonth(year, month)) {
    return std::nullopt;
  }
  return FromYmd(year, month, day, DatePrecision::kDay);
}

int Date::year() const {
  return CivilFromDays(days).year;
}

int Date::month() const {
  return precision == DatePrecision::kYear ? 0 : CivilFromDays(days).month;
}

int Date::day() const {
  return precision == DatePrecision::kDay ? CivilFromDays(days).day : 0;
}

std::string Date::ToString() const {
  Ymd ymd = CivilFromDays(days);
  switch (precision) {
    case DatePrecision::kYear:
      return fmt::format("{:04d}", ymd.year);
    case DatePrecision::kMonth:
      return fmt::format("{:04d}-{:02d}", ymd.year, ymd.month);
    case DatePrecision::kDay:
      break;
  }
  return fmt::format("{:04d}-{:02d}-{:02d}", ymd.year, ymd.month, ymd.day);
}

}  // namespace hitscope
