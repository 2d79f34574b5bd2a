// The driver thread with a fake clock: it fires when time passes and wakes early when armed.
#include "adapters/timer_driver.hpp"

#include <gtest/gtest.h>

#include <future>

#include "tests/support/harness.hpp"

namespace permitflow {
namespace {

TEST(TimerDriver, FiresWhenWokenAfterTheClockPassesTheDeadline) {
  Harness h;
  TimerService service(h.engine(), TimerOptions{});
  TimerDriver driver(service, h.clock(), 3600 * 1000);  // would sleep an hour unless woken
  std::promise<FireReport> fired;
  driver.SetObserver([&fired](const FireReport& r) { fired.set_value(r); });
  h.engine().SetTimerListener([&driver] { driver.Wake(); });
  driver.Start();
  auto app = h.InMaterialsDue();  // arming wakes the driver; nothing is due yet
  h.clock().Set(h.Detail(app.id).deadlines.at(0).due_at + 1);
  driver.Wake();
  auto future = fired.get_future();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  EXPECT_EQ(future.get().fired, 1);
  driver.Stop();
  EXPECT_EQ(h.Detail(app.id).app.state, "revoked");
}

TEST(TimerDriver, AnEarlierTimerArmedWhileAsleepWakesIt) {
  Harness h;
  TimerService service(h.engine(), TimerOptions{});
  TimerDriver driver(service, h.clock(), 3600 * 1000);
  std::promise<FireReport> fired;
  driver.SetObserver([&fired](const FireReport& r) { fired.set_value(r); });
  h.engine().SetTimerListener([&driver] { driver.Wake(); });
  // The clock already stands past any deadline the next command arms.
  auto app = h.Ok(h.Create("public_place_hygiene"), "choose_ordinary_procedure");
  driver.Start();
  h.clock().Advance(365LL * 24 * 3600 * 1000);
  auto waiting = h.Ok(h.Create("public_place_hygiene"), "issue_notice");  // arms: wakes the driver
  auto future = fired.get_future();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  EXPECT_GE(future.get().fired, 1);
  driver.Stop();
  (void)app;
  (void)waiting;
}

}  // namespace
}  // namespace permitflow
