#include "engine/time.hpp"

#include <cstdio>

namespace permitflow {

// Howard Hinnant's days_from_civil / civil_from_days.
long DaysFromCivil(const Date& d) {
  int y = d.year - (d.month <= 2 ? 1 : 0);
  const long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned mp = static_cast<unsigned>(d.month + (d.month > 2 ? -3 : 9));
  const unsigned doy = (153 * mp + 2) / 5 + static_cast<unsigned>(d.day) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long>(doe) - 719468;
}

Date CivilFromDays(long z) {
  z += 719468;
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long y = static_cast<long>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return Date{static_cast<int>(y + (m <= 2 ? 1 : 0)), static_cast<int>(m), static_cast<int>(d)};
}

int Weekday(const Date& d) {
  long w = (DaysFromCivil(d) + 4) % 7;  // 1970-01-01 was a Thursday
  if (w < 0) w += 7;
  return static_cast<int>(w);
}

Date AddDays(const Date& d, long n) { return CivilFromDays(DaysFromCivil(d) + n); }

static long FloorDiv(Instant a, Instant b) {
  return static_cast<long>(a >= 0 ? a / b : -((-a + b - 1) / b));
}

Date LocalDate(Instant t) { return CivilFromDays(FloorDiv(t + kCstOffsetMs, kMsPerDay)); }

Instant EndOfLocalDay(const Date& d) {
  return (DaysFromCivil(d) + 1) * kMsPerDay - kCstOffsetMs - 1;
}

std::string FormatDate(const Date& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

static bool ReadDigits(const std::string& s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

std::optional<Date> ParseDate(const std::string& s) {
  Date d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (!ReadDigits(s, 0, 4, &d.year) || !ReadDigits(s, 5, 2, &d.month) ||
      !ReadDigits(s, 8, 2, &d.day))
    return std::nullopt;
  if (d.month < 1 || d.month > 12 || d.day < 1) return std::nullopt;
  if (!(CivilFromDays(DaysFromCivil(d)) == d)) return std::nullopt;
  return d;
}

std::string FormatInstant(Instant t) {
  const long days = FloorDiv(t, kMsPerDay);
  const Instant ms_of_day = t - days * kMsPerDay;
  const Date d = CivilFromDays(days);
  const int secs = static_cast<int>(ms_of_day / 1000);
  const int ms = static_cast<int>(ms_of_day % 1000);
  char buf[40];
  if (ms == 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", d.year, d.month, d.day,
                  secs / 3600, secs / 60 % 60, secs % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", d.year, d.month, d.day,
                  secs / 3600, secs / 60 % 60, secs % 60, ms);
  }
  return buf;
}

std::optional<Instant> ParseInstant(const std::string& s) {
  if (s.size() < 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':') return std::nullopt;
  auto date = ParseDate(s.substr(0, 10));
  int h, mi, se;
  if (!date || !ReadDigits(s, 11, 2, &h) || !ReadDigits(s, 14, 2, &mi) ||
      !ReadDigits(s, 17, 2, &se) || h > 23 || mi > 59 || se > 59)
    return std::nullopt;
  size_t pos = 19;
  int ms = 0;
  if (pos < s.size() && s[pos] == '.') {
    size_t start = ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == start) return std::nullopt;
    std::string frac = s.substr(start, pos - start);
    frac.resize(3, '0');
    ms = std::stoi(frac.substr(0, 3));
  }
  Instant offset = 0;
  if (pos < s.size() && s[pos] == 'Z' && pos + 1 == s.size()) {
    offset = 0;
  } else if (pos + 6 == s.size() && (s[pos] == '+' || s[pos] == '-') && s[pos + 3] == ':') {
    int oh, om;
    if (!ReadDigits(s, pos + 1, 2, &oh) || !ReadDigits(s, pos + 4, 2, &om)) return std::nullopt;
    offset = (oh * 3600000L + om * 60000L) * (s[pos] == '+' ? 1 : -1);
  } else {
    return std::nullopt;
  }
  return DaysFromCivil(*date) * kMsPerDay + h * 3600000L + mi * 60000L + se * 1000L + ms - offset;
}

}  // namespace permitflow
