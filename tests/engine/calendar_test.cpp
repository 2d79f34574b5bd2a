#include "engine/calendar.hpp"

#include <gtest/gtest.h>

#include "adapters/calendar_files.hpp"
#include "tests/support/harness.hpp"

namespace permitflow {
namespace {

class CalendarTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = LoadCalendarFolder(SourcePath("config/calendar"));
    ASSERT_TRUE(loaded.ok()) << loaded.status().message();
    cal = loaded.value();
  }
  Date D(const char* s) { return *ParseDate(s); }
  WorkingCalendar cal;
};

TEST_F(CalendarTest, NationalDayHolidayAndMakeUpSaturday) {
  // 2026-09-28 (Mon) + 5: 29, 30, then 10/1-7 off, 10/8, 10/9, and Saturday 10/10 is worked.
  bool provisional = true;
  EXPECT_EQ(cal.AddWorkingDays(D("2026-09-28"), 5, &provisional), D("2026-10-10"));
  EXPECT_FALSE(provisional);
}

TEST_F(CalendarTest, SpringFestival2026) {
  EXPECT_FALSE(cal.IsWorkingDay(D("2026-02-16")));  // Monday, off
  EXPECT_TRUE(cal.IsWorkingDay(D("2026-02-14")));   // Saturday, worked
  EXPECT_TRUE(cal.IsWorkingDay(D("2026-02-28")));   // Saturday, worked
  EXPECT_FALSE(cal.IsWorkingDay(D("2026-02-22")));  // Sunday inside the holiday
}

TEST_F(CalendarTest, NewYear2023StartedIn2022) {
  EXPECT_FALSE(cal.IsWorkingDay(D("2023-01-02")));  // Monday, off
  EXPECT_TRUE(cal.IsWorkingDay(D("2023-01-03")));
}

TEST_F(CalendarTest, UnloadedYearCountsWeekendsAndIsProvisional) {
  bool provisional = false;
  // 2026-12-31 (Thu) + 2: Fri 2027-01-01 would be a holiday, but 2027 is not loaded.
  EXPECT_EQ(cal.AddWorkingDays(D("2026-12-31"), 2, &provisional), D("2027-01-04"));
  EXPECT_TRUE(provisional);
}

TEST_F(CalendarTest, LoadingTheYearLaterChangesTheResult) {
  CalendarYear y2027;
  y2027.year = 2027;
  y2027.days_off.insert(DaysFromCivil(D("2027-01-01")));
  cal.AddYear(y2027);
  bool provisional = true;
  EXPECT_EQ(cal.AddWorkingDays(D("2026-12-31"), 2, &provisional), D("2027-01-05"));
  EXPECT_FALSE(provisional);
}

TEST_F(CalendarTest, DeadlineEndsAtTheEndOfTheLastDayInBeijing) {
  // Monday 2026-03-02 10:00 CST + 5 working days = Monday 03-09, ending 23:59:59 CST.
  const Deadline d =
      cal.DeadlineAfter(At("2026-03-02T02:00:00Z"), {5, Duration::Unit::kWorkingDays});
  EXPECT_EQ(FormatInstant(d.due_at), "2026-03-09T15:59:59.999Z");
  EXPECT_FALSE(d.provisional);
}

TEST_F(CalendarTest, LateEveningUtcIsTheNextDayInBeijing) {
  // 2026-03-01T17:00Z is Monday 01:00 CST: counting starts from Monday.
  const Deadline d =
      cal.DeadlineAfter(At("2026-03-01T17:00:00Z"), {1, Duration::Unit::kWorkingDays});
  EXPECT_EQ(FormatInstant(d.due_at), "2026-03-03T15:59:59.999Z");
}

TEST_F(CalendarTest, CalendarDaysIgnoreHolidays) {
  const Deadline d = cal.DeadlineAfter(At("2026-09-30T02:00:00Z"), {3, Duration::Unit::kDays});
  EXPECT_EQ(FormatInstant(d.due_at), "2026-10-03T15:59:59.999Z");
}

}  // namespace
}  // namespace permitflow
