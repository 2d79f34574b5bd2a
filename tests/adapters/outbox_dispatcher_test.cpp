// The outbox delivered to a real HTTP receiver on loopback that fails, is slow, goes down for an
// hour and comes back; the dispatcher is driven by the fake clock.
#include "adapters/outbox_dispatcher.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "engine/identifiers.hpp"
#include "tests/support/harness.hpp"
#include "tests/support/receiver.hpp"

namespace permitflow {
namespace {

constexpr Instant kMinute = 60 * 1000;

class Outbox : public ::testing::Test {
 protected:
  // Application A is approved then revoked (two decisions), B approved: three messages to health.
  void MakeDecisions() {
    a = h.InMaterialsDue();
    EventData materials;
    materials.materials = {"hygiene_report"};
    a = h.Ok(h.Ok(a, "submit_materials", materials), "accept_materials");
    EventData verify;
    verify.result = "false_commitment";
    a = h.Ok(a, "verify", verify);
    b = h.InMaterialsDue(UsccWithCheck("91140829MA0K12345"));  // A's credit record bars A's USCC
  }
  OutboxOptions Options(int max_attempts = 20) {
    OutboxOptions o;
    o.endpoints = {{"health", receiver.Url("/supervision")},
                   {"publicity", receiver.Url("/publicity")}};
    o.max_attempts = max_attempts;
    o.timeout_ms = 2000;
    return o;
  }
  Harness h;
  Receiver receiver;
  Application a, b;
};

TEST_F(Outbox, AReceiverDownForAnHourLosesNothingAndGetsEachApplicationInOrder) {
  receiver.Start();
  const int port = receiver.port();
  receiver.Stop();  // down before anything is sent
  MakeDecisions();
  OutboxDispatcher dispatcher(h.store(), h.clock(), Options());
  int failed = 0;
  for (Instant t = 0; t <= 60 * kMinute; t += kMinute) {
    failed += dispatcher.DeliverDue(h.clock().Now()).failed;
    h.clock().Advance(kMinute);
  }
  EXPECT_GT(failed, 10);
  EXPECT_TRUE(h.store().ListMessages("", "dead", 0, 100)->empty());
  receiver.Start(port);                   // back
  receiver.mode = Receiver::Mode::kFail;  // and failing at first
  h.clock().Advance(10 * kMinute);
  EXPECT_EQ(dispatcher.DeliverDue(h.clock().Now()).delivered, 0);
  receiver.mode = Receiver::Mode::kOk;
  for (int i = 0; i < 5; ++i) {
    h.clock().Advance(10 * kMinute);
    dispatcher.DeliverDue(h.clock().Now());
  }
  const auto got = receiver.Accepted();
  std::vector<std::string> a_decisions;
  int health = 0, publicity = 0;
  for (const auto& m : got) {
    EXPECT_EQ(m.idempotency_key, m.message_id);
    if (m.recipient == "health") ++health;
    if (m.recipient == "publicity") ++publicity;
    if (m.recipient == "health" && m.application_id == a.id) a_decisions.push_back(m.decision);
  }
  EXPECT_EQ(health, 3);
  EXPECT_EQ(publicity, 3 + 1);  // three decisions and A's credit record
  EXPECT_EQ(a_decisions, (std::vector<std::string>{"approved", "revoked"}));
  EXPECT_EQ(receiver.duplicates(), 0);
  const auto health_messages = h.store().ListMessages("health", "", 0, 100).value();
  for (const auto& m : health_messages) EXPECT_EQ(m.state, "delivered");
  // Delivered to the publicity system means published.
  EXPECT_TRUE(h.store().ListPublicity("", h.clock().Now() + 365LL * 24 * 60 * kMinute)->empty());
  // Departments without an endpoint keep theirs in the inbox.
  EXPECT_EQ(h.store().ListMessages("credit_platform", "pending", 0, 10)->size(), 1u);
}

TEST_F(Outbox, AfterTheLastAttemptAMessageIsDeadUntilReplayedAndLaterOnesWait) {
  receiver.Start();
  receiver.mode = Receiver::Mode::kFail;
  MakeDecisions();
  OutboxDispatcher dispatcher(h.store(), h.clock(), Options(2));
  for (int i = 0; i < 4; ++i) {
    dispatcher.DeliverDue(h.clock().Now());
    h.clock().Advance(10 * kMinute);
  }
  auto dead = h.store().ListMessages("health", "dead", 0, 100).value();
  ASSERT_EQ(dead.size(), 2u);  // the first message of A and of B; A's second waits behind
  auto pending = h.store().ListMessages("health", "pending", 0, 100).value();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].attempts, 0);
  receiver.mode = Receiver::Mode::kOk;
  EXPECT_EQ(dispatcher.DeliverDue(h.clock().Now()).delivered, 0);  // nothing passes the dead
  ASSERT_EQ(h.store().ReplayMessages({dead[0].id}).value(), 1);
  dispatcher.DeliverDue(h.clock().Now());
  EXPECT_EQ(h.store().ListMessages("health", "dead", 0, 100)->size(), 1u);
  EXPECT_EQ(h.store().ReplayMessages({}).value(), 1 + 2);  // every dead one, publicity's too
  dispatcher.DeliverDue(h.clock().Now());
  EXPECT_EQ(h.store().ListMessages("health", "delivered", 0, 100)->size(), 3u);
}

TEST_F(Outbox, ASlowReceiverStillGetsEverything) {
  receiver.Start();
  receiver.mode = Receiver::Mode::kSlow;
  b = h.InMaterialsDue();
  OutboxDispatcher dispatcher(h.store(), h.clock(), Options());
  EXPECT_EQ(dispatcher.DeliverDue(h.clock().Now()).delivered, 2);
  EXPECT_EQ(receiver.Accepted().size(), 2u);
}

}  // namespace
}  // namespace permitflow
