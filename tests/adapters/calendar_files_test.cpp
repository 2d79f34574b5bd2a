#include "adapters/calendar_files.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/harness.hpp"

namespace permitflow {
namespace {

TEST(CalendarFiles, TheBundledYearsLoad) {
  auto cal = LoadCalendarFolder(SourcePath("config/calendar"));
  ASSERT_TRUE(cal.ok()) << cal.status().message();
  EXPECT_EQ(cal->Years(), (std::set<int>{2021, 2022, 2023, 2024, 2025, 2026}));
}

void ExpectRefused(const std::string& text, int line) {
  auto r = ParseCalendarFile(text, 2026, "2026.txt");
  ASSERT_FALSE(r.ok()) << text;
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("2026.txt:" + std::to_string(line)), std::string::npos)
      << r.status().message();
}

TEST(CalendarFiles, AnUnparsableDateNamesFileAndLine) {
  ExpectRefused("# comment\noff 2026-01-01 2026-01-03\noff 2026-02-30\n", 3);
}

TEST(CalendarFiles, AnOverlappingRangeIsRefused) {
  ExpectRefused("off 2026-10-01 2026-10-07\noff 2026-10-07 2026-10-08\n", 2);
}

TEST(CalendarFiles, AWorkdayThatIsNoWeekendIsRefused) {
  ExpectRefused("work 2026-10-09\n", 1);  // a Friday
}

TEST(CalendarFiles, DatesOutsideTheYearAndUnknownWordsAreRefused) {
  ExpectRefused("off 2025-10-01\n", 1);
  ExpectRefused("holiday 2026-10-01\n", 1);
  ExpectRefused("off 2026-10-07 2026-10-01\n", 1);
}

TEST(CalendarFiles, ABadFileLeavesTheFolderUnloaded) {
  const std::string dir = TempFolder("calendar");
  std::ofstream(dir + "/2025.txt") << "off 2025-01-01\n";
  std::ofstream(dir + "/2026.txt") << "work 2026-01-05\n";  // Monday
  auto r = LoadCalendarFolder(dir);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("2026.txt:1"), std::string::npos);
}

}  // namespace
}  // namespace permitflow
