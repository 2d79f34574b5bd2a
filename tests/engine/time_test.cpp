#include "engine/time.hpp"

#include <gtest/gtest.h>

namespace permitflow {
namespace {

TEST(Time, FormatsAndParsesInstantsRoundTrip) {
  for (const char* s :
       {"2026-09-28T15:59:59.999Z", "1999-12-31T23:00:00.250Z", "2024-02-29T00:00:00Z"}) {
    auto t = ParseInstant(s);
    ASSERT_TRUE(t) << s;
    EXPECT_EQ(FormatInstant(*t), s);
  }
}

TEST(Time, ParsesOffsets) {
  EXPECT_EQ(*ParseInstant("2026-03-02T10:00:00+08:00"), *ParseInstant("2026-03-02T02:00:00Z"));
}

TEST(Time, RejectsImpossibleDates) {
  EXPECT_FALSE(ParseDate("2026-02-29"));
  EXPECT_FALSE(ParseDate("2026-13-01"));
  EXPECT_FALSE(ParseDate("2026-1-01"));
  EXPECT_TRUE(ParseDate("2024-02-29"));
  EXPECT_FALSE(ParseInstant("2026-03-02 10:00:00Z"));
}

TEST(Time, WeekdaysAreRight) {
  EXPECT_EQ(Weekday(*ParseDate("1970-01-01")), 4);
  EXPECT_EQ(Weekday(*ParseDate("2026-12-04")), 5);
  EXPECT_EQ(Weekday(*ParseDate("1969-12-28")), 0);
}

TEST(Time, LocalDateIsChinaStandardTime) {
  EXPECT_EQ(FormatDate(LocalDate(*ParseInstant("2026-03-01T15:59:59.999Z"))), "2026-03-01");
  EXPECT_EQ(FormatDate(LocalDate(*ParseInstant("2026-03-01T16:00:00Z"))), "2026-03-02");
}

}  // namespace
}  // namespace permitflow
