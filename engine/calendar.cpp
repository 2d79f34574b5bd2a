#include "engine/calendar.hpp"

namespace permitflow {

const char* UnitName(Duration::Unit unit) {
  return unit == Duration::Unit::kDays ? "days" : "working_days";
}

void WorkingCalendar::AddYear(CalendarYear year) {
  const int y = year.year;
  years_[y] = std::move(year);
}

std::set<int> WorkingCalendar::Years() const {
  std::set<int> out;
  for (const auto& [y, _] : years_) out.insert(y);
  return out;
}

bool WorkingCalendar::IsWorkingDay(const Date& d) const {
  const long key = DaysFromCivil(d);
  auto it = years_.find(d.year);
  if (it != years_.end()) {
    if (it->second.days_off.count(key)) return false;
    if (it->second.extra_workdays.count(key)) return true;
  }
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
