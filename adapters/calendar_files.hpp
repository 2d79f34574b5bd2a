// Reads the working-day calendar from a folder of yearly files (config/calendar/YYYY.txt).
// The format is documented in config/calendar/README.md. A malformed file is refused whole, with
// the file and line named, so the calendar in force is never half replaced.
#pragma once

#include <string>

#include "engine/calendar.hpp"
#include "engine/status.hpp"

namespace permitflow {

Result<CalendarYear> ParseCalendarFile(const std::string& text, int year, const std::string& name);
Result<WorkingCalendar> LoadCalendarFolder(const std::string& folder);

}  // namespace permitflow
