// Instants (UTC, milliseconds since the Unix epoch) and civil dates in China Standard Time (UTC+8,
// no DST). Pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace permitflow {

using Instant = std::int64_t;  // ms since 1970-01-01T00:00:00Z

struct Date {
  int year = 1970;
  int month = 1;
  int day = 1;
  bool operator==(const Date& o) const {
    return year == o.year && month == o.month && day == o.day;
  }
  bool operator<(const Date& o) const { return DaysKey() < o.DaysKey(); }
  long DaysKey() const { return year * 10000L + month * 100 + day; }
};

constexpr Instant kMsPerDay = 86400000;
constexpr Instant kCstOffsetMs = 8 * 3600000;

long DaysFromCivil(const Date& d);  // days since 1970-01-01
Date CivilFromDays(long days);
int Weekday(const Date& d);  // 0 = Sunday .. 6 = Saturday
Date AddDays(const Date& d, long n);

Date LocalDate(Instant t);             // the CST date of an instant
Instant EndOfLocalDay(const Date& d);  // the last millisecond of that CST day (23:59:59.999)

std::string FormatDate(const Date& d);                // 2026-09-28
std::optional<Date> ParseDate(const std::string& s);  // strict YYYY-MM-DD, a real date
std::string FormatInstant(Instant t);                 // 2026-09-28T15:59:59Z (ms dropped when zero)
std::optional<Instant> ParseInstant(const std::string& s);  // ...Z or with +hh:mm

}  // namespace permitflow
