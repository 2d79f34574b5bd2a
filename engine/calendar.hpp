// The working-day calendar (行政许可法 §82): Monday to Friday, minus the State Council's days off,
// plus the weekend days it declares working days. A year with no loaded data counts weekends only,
// and any result that relied on such a year is marked provisional. Immutable once built: share it
// freely between threads; replace the whole object to reload.
#pragma once

#include <set>
#include <string>

#include "engine/time.hpp"

namespace permitflow {

struct Duration {
  enum class Unit { kWorkingDays, kDays };
  int value = 0;
  Unit unit = Unit::kWorkingDays;
};

const char* UnitName(Duration::Unit unit);

struct Deadline {
  Instant due_at = 0;
  bool provisional = false;
};

// One year of the State Council's arrangement. A range may start in the year before (2023's New
// Year holiday began on 2022-12-31).
struct CalendarYear {
  int year = 0;
  std::set<long> days_off;        // DaysFromCivil of each day off
  std::set<long> extra_workdays;  // weekend days worked (调休上班)
};

class WorkingCalendar {
 public:
  void AddYear(CalendarYear year);
  bool HasYear(int year) const { return years_.count(year) > 0; }
  bool empty() const { return years_.empty(); }
  std::set<int> Years() const;

  bool IsWorkingDay(const Date& d) const;
  // The date n working days after `from` (from itself not counted); n = 0 gives `from`.
  Date AddWorkingDays(const Date& from, int n, bool* provisional) const;
  // How many working days lie after `from` up to and including `to` (0 when to <= from).
  int WorkingDaysBetween(const Date& from, const Date& to) const;
  // When a duration that starts at `from` ends: the end of its last day, China Standard Time.
  Deadline DeadlineAfter(Instant from, const Duration& d) const;

 private:
  std::set<int> years_;
  std::set<long> days_off_;
  std::set<long> extra_workdays_;
};

}  // namespace permitflow
