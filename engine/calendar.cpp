#include "engine/calendar.hpp"

namespace permitflow {

const char* UnitName(Duration::Unit unit) {
  return unit == Duration::Unit::kDays ? "days" : "working_days";
}

void WorkingCalendar::AddYear(CalendarYear year) {
  years_.insert(year.year);
  days_off_.insert(year.days_off.begin(), year.days_off.end());
  extra_workdays_.insert(year.extra_workdays.begin(), year.extra_workdays.end());
}

std::set<int> WorkingCalendar::Years() const { return years_; }

bool WorkingCalendar::IsWorkingDay(const Date& d) const {
  const long key = DaysFromCivil(d);
  if (days_off_.count(key)) return false;
  if (extra_workdays_.count(key)) return true;
  const int wd = Weekday(d);
  return wd != 0 && wd != 6;
}

Date WorkingCalendar::AddWorkingDays(const Date& from, int n, bool* provisional) const {
  Date d = from;
  bool prov = false;
  while (n > 0) {
    d = AddDays(d, 1);
    if (!HasYear(d.year)) prov = true;
    if (IsWorkingDay(d)) --n;
  }
  if (provisional) *provisional = prov;
  return d;
}

int WorkingCalendar::WorkingDaysBetween(const Date& from, const Date& to) const {
  int n = 0;
  for (Date d = AddDays(from, 1); !(to < d); d = AddDays(d, 1))
    if (IsWorkingDay(d)) ++n;
  return n;
}

Deadline WorkingCalendar::DeadlineAfter(Instant from, const Duration& dur) const {
  const Date start = LocalDate(from);
  Deadline out;
  Date end;
  if (dur.unit == Duration::Unit::kDays) {
    end = AddDays(start, dur.value);
  } else {
    end = AddWorkingDays(start, dur.value, &out.provisional);
  }
  out.due_at = EndOfLocalDay(end);
  return out;
}

}  // namespace permitflow
