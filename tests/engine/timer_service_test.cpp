// Deadlines firing through the real engine and SQLite store, driven by a fake clock.
#include "engine/timer_service.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "engine/identifiers.hpp"
#include "tests/support/harness.hpp"

namespace permitflow {
namespace {

constexpr Instant kHour = 3600 * 1000;

class Timers : public ::testing::Test {
 protected:
  Timers() : service(h.engine(), Options()) {}
  static TimerOptions Options() {
    TimerOptions o;
    o.batch = 7;  // small, so that rounds and ordering are exercised
    o.backoff_ms = 1000;
    o.max_attempts = 3;
    return o;
  }
  // Moves the fake clock just past the application's deadline of `kind` and fires what is due.
  FireReport PassDeadline(std::int64_t id, const std::string& kind) {
    for (const auto& t : h.Detail(id).deadlines) {
      if (t.kind == kind) {
        if (h.clock().Now() <= t.due_at) h.clock().Set(t.due_at + 1);
        return service.FireDue(h.clock().Now());
      }
    }
    ADD_FAILURE() << "no armed " << kind << " on application " << id;
    return {};
  }
  std::vector<std::string> Kinds(std::int64_t id) {
    std::vector<std::string> out;
    for (const auto& t : h.Detail(id).deadlines) out.push_back(t.kind);
    return out;
  }
  EventData Materials() {
    EventData d;
    d.materials = {"hygiene_report"};
    return d;
  }
  EventData Verify(const std::string& result) {
    EventData d;
    d.result = result;
    return d;
  }

  Harness h;
  TimerService service;
};

TEST_F(Timers, NothingFiresBeforeTheLastMillisecondHasPassed) {
  auto app = h.Ok(h.Create("public_place_hygiene"), "issue_notice");
  const Instant due = h.Detail(app.id).deadlines.at(0).due_at;
  h.clock().Set(due);
  EXPECT_EQ(service.FireDue(h.clock().Now()).handled(), 0);
  EXPECT_EQ(h.Detail(app.id).app.state, "awaiting_commitment");
  auto next = service.NextDue();
  ASSERT_TRUE(next.ok() && next.value());
  EXPECT_EQ(*next.value(), due + 1);
}

TEST_F(Timers, NoCommitmentInTimeMeansTheOrdinaryProcedure) {
  auto app = h.Ok(h.Create("public_place_hygiene"), "issue_notice");
  const FireReport r = PassDeadline(app.id, "commitment_deadline");
  EXPECT_EQ(r.fired, 1);
  const auto d = h.Detail(app.id);
  EXPECT_EQ(d.app.state, "ordinary_review");
  EXPECT_EQ(d.app.version, app.version + 1);
  EXPECT_EQ(d.history.back().event, "commitment_deadline");
  EXPECT_EQ(d.history.back().actor, "system");
  EXPECT_NE(d.history.back().note.find("fired 0 s late"), std::string::npos)
      << d.history.back().note;
  EXPECT_EQ(Kinds(app.id), std::vector<std::string>{"review_deadline"});
  EXPECT_EQ(service.FireDue(h.clock().Now()).handled(), 0);  // never twice
}

TEST_F(Timers, MissingMaterialsRevokeAndWriteCreditThatBarsTheItemUntilRepaired) {
  auto app = h.InMaterialsDue();
  EXPECT_EQ(PassDeadline(app.id, "materials_deadline").fired, 1);
  EXPECT_EQ(h.Detail(app.id).app.state, "revoked");
  EXPECT_TRUE(Kinds(app.id).empty());
  auto subject = h.store().Subject(kUscc);
  ASSERT_EQ(subject->credit_records.size(), 1u);
  const CreditRecord c = subject->credit_records[0];
  EXPECT_EQ(c.kind, "materials_overdue");
  EXPECT_EQ(c.item_code, "public_place_hygiene");
  EXPECT_EQ(c.application_id, app.id);
  EXPECT_EQ(c.legal_basis, "《公共场所卫生管理条例》第八条");
  EXPECT_EQ(c.at, h.clock().Now());

  auto barred = h.Ok(h.Create("public_place_hygiene"), "issue_notice");
  EXPECT_EQ(barred.state, "ordinary_review");
  EXPECT_EQ(barred.note, "broken_promise_for_item");

  auto repaired = h.store().RepairCredit(kUscc, {}, "补交材料并完成整改", "admin", h.clock().Now());
  ASSERT_TRUE(repaired.ok());
  ASSERT_EQ(repaired->size(), 1u);
  EXPECT_TRUE(repaired->at(0).repaired);
  EXPECT_EQ(h.Ok(h.Create("public_place_hygiene"), "issue_notice").state, "awaiting_commitment");
  // A second repair of the same record is refused and changes nothing.
  EXPECT_EQ(h.store().RepairCredit(kUscc, {c.id}, "again", "admin", 0).status().code(),
            Code::kNotFound);
}

TEST_F(Timers, AnUncorrectedDefectRevokes) {
  auto app = h.Ok(h.InMaterialsDue(), "submit_materials", Materials());
  EventData defects;
  defects.defects = {"缺少盖章"};
  app = h.Ok(app, "request_correction", defects);
  EXPECT_EQ(PassDeadline(app.id, "correction_deadline").fired, 1);
  EXPECT_EQ(h.Detail(app.id).app.state, "revoked");
  EXPECT_EQ(h.store().Subject(kUscc)->credit_records.at(0).kind, "materials_noncompliant");
}

TEST_F(Timers, ALateVerificationEscalatesAndKeepsTheState) {
  auto app = h.Ok(h.Ok(h.InMaterialsDue(), "submit_materials", Materials()), "accept_materials");
  EXPECT_EQ(PassDeadline(app.id, "verification_deadline").fired, 1);
  const auto d = h.Detail(app.id);
  EXPECT_EQ(d.app.state, "under_verification");
  EXPECT_TRUE(d.deadlines.empty());
  auto escalations = h.store().ListEscalations("health", 0, 10);
  ASSERT_EQ(escalations->size(), 1u);
  EXPECT_EQ(escalations->at(0).kind, "verification_deadline");
  EXPECT_EQ(escalations->at(0).application_id, app.id);
  EXPECT_EQ(h.store().ListEscalations("hrss", 0, 10)->size(), 0u);
  auto pushed = h.store().ListMessages("health", "", 0, 10).value();
  EXPECT_EQ(pushed.back().kind, "escalation");
  // The late authority can still verify.
  EXPECT_EQ(h.Ok(d.app, "verify", Verify("confirmed")).state, "verified");
}

TEST_F(Timers, AFailedRectificationRevokesAndBarsTheMethod) {
  h.handler.department = "hrss";
  EventData commit;
  commit.signer = "张三";
  commit.materials = {"application_form", "staff_qualifications"};
  auto app = h.Ok(h.Ok(h.Create("hr_service"), "issue_notice"), "commit", commit);
  app = h.Ok(app, "verify", Verify("rectify"));
  EXPECT_EQ(PassDeadline(app.id, "rectification_deadline").fired, 1);
  EXPECT_EQ(h.Detail(app.id).app.state, "revoked");
  auto c = h.store().Subject(kUscc)->credit_records.at(0);
  EXPECT_EQ(c.kind, "rectification_failed");
  EXPECT_EQ(c.scope, "method");
}

TEST_F(Timers, ALateOrdinaryReviewEscalates) {
  auto app = h.Ok(h.Create("public_place_hygiene"), "choose_ordinary_procedure");
  EXPECT_EQ(PassDeadline(app.id, "review_deadline").fired, 1);
  EXPECT_EQ(h.Detail(app.id).app.state, "ordinary_review");
  EXPECT_EQ(h.store().ListEscalations("", 0, 10)->at(0).kind, "review_deadline");
}

TEST_F(Timers, HandlersCannotFireDeadlines) {
  auto app = h.InMaterialsDue();
  auto r = h.Fire(app, "materials_deadline");
  EXPECT_EQ(r.status().code(), Code::kForbidden);
  EXPECT_EQ(h.Detail(app.id).app.state, "materials_due");
}

TEST_F(Timers, AfterDowntimeOverdueTimersFireOldestFirstAndSayHowLate) {
  std::vector<Application> apps;
  for (int i = 0; i < 10; ++i) {
    apps.push_back(h.InMaterialsDue());
    h.clock().Advance(30 * kHour);  // later approvals, later deadlines
  }
  h.clock().Advance(90 * 24 * kHour);  // the engine was down for three months
  const FireReport r = service.FireDue(h.clock().Now());
  EXPECT_EQ(r.fired, 10);
  auto credit = h.store().Subject(kUscc)->credit_records;
  ASSERT_EQ(credit.size(), 10u);
  for (size_t i = 0; i < apps.size(); ++i) EXPECT_EQ(credit[i].application_id, apps[i].id);
  const auto last = h.Detail(apps[0].id).history.back();
  EXPECT_NE(last.note.find(" s late"), std::string::npos);
  EXPECT_EQ(last.note.find("fired 0 s late"), std::string::npos);
}

TEST_F(Timers, ClockJumpsNeitherFireEarlyNorLoseTimers) {
  const Instant start = h.clock().Now();
  auto a = h.InMaterialsDue();
  const Instant due_a = h.Detail(a.id).deadlines.at(0).due_at;
  h.clock().Set(due_a - kHour);
  EXPECT_EQ(service.FireDue(h.clock().Now()).handled(), 0);
  h.clock().Set(start - 48 * kHour);  // backward, before a was even armed
  EXPECT_EQ(service.FireDue(h.clock().Now()).handled(), 0);
  auto b = h.InMaterialsDue();  // armed while the clock is behind: due before a
  const Instant due_b = h.Detail(b.id).deadlines.at(0).due_at;
  ASSERT_LT(due_b, due_a);
  h.clock().Set(due_b + 1);
  EXPECT_EQ(service.FireDue(h.clock().Now()).fired, 1);
  EXPECT_EQ(h.Detail(b.id).app.state, "revoked");
  EXPECT_EQ(h.Detail(a.id).app.state, "materials_due");
  h.clock().Set(start);  // backward again: nothing fires twice
  EXPECT_EQ(service.FireDue(h.clock().Now()).handled(), 0);
  h.clock().Set(due_a + 1);
  EXPECT_EQ(service.FireDue(h.clock().Now()).fired, 1);
  EXPECT_EQ(h.Detail(a.id).app.state, "revoked");
  EXPECT_EQ(h.store().Subject(kUscc)->credit_records.size(), 2u);
}

TEST_F(Timers, AHandlersEventAndTheTimerRaceAndOneWins) {
  for (int round = 0; round < 15; ++round) {
    // A new enterprise each round: a lost race writes a credit record that bars the applicant.
    char body[18];
    std::snprintf(body, sizeof body, "9114082900000%04d", round);
    auto app = h.InMaterialsDue(UsccWithCheck(body));
    const Instant due = h.Detail(app.id).deadlines.at(0).due_at;
    h.clock().Set(due + 1);
    Status handler;
    FireReport fired;
    std::thread t1([&] { fired = service.FireDue(h.clock().Now()); });
    std::thread t2([&] { handler = h.Fire(app, "submit_materials", Materials()).status(); });
    t1.join();
    t2.join();
    const auto d = h.Detail(app.id);
    if (handler.ok()) {
      EXPECT_EQ(d.app.state, "materials_review");
      EXPECT_EQ(fired.fired, 0);
    } else {
      EXPECT_EQ(handler.code(), Code::kConflict) << handler.message();
      EXPECT_EQ(d.app.state, "revoked");
      EXPECT_EQ(fired.fired, 1);
    }
    EXPECT_EQ(d.app.version, app.version + 1);  // exactly one of the two changed it
    EXPECT_TRUE(d.deadlines.empty());
    h.clock().Set(h.clock().Now() + kHour);
    service.FireDue(h.clock().Now());
  }
}

TEST_F(Timers, ATimerThatKeepsFailingBecomesAnIncidentAndNeverFires) {
  ChangeSet ghost;
  ghost.insert = true;
  ghost.app.item_code = "withdrawn_from_catalogue";
  ghost.app.reform_method = "commitment";
  ghost.app.department = "health";
  ghost.app.applicant = {"enterprise", kUscc, "x"};
  ghost.app.state = "materials_due";
  ghost.effects.push_back(ArmTimer{"materials_deadline", h.clock().Now() + kHour, false, 0, {}});
  auto app = h.store().Commit(ghost);
  ASSERT_TRUE(app.ok());
  h.clock().Advance(2 * kHour);
  EXPECT_EQ(service.FireDue(h.clock().Now()).retried, 1);
  EXPECT_EQ(service.FireDue(h.clock().Now()).handled(), 0);  // waiting 1 s (+ jitter)
  h.clock().Advance(1500);
  EXPECT_EQ(service.FireDue(h.clock().Now()).retried, 1);
  h.clock().Advance(1500);
  EXPECT_EQ(service.FireDue(h.clock().Now()).handled(), 0);  // the second wait is 2 s
  h.clock().Advance(1500);
  EXPECT_EQ(service.FireDue(h.clock().Now()).incidents, 1);
  h.clock().Advance(24 * kHour);
  EXPECT_EQ(service.FireDue(h.clock().Now()).handled(), 0);
  auto incidents = h.store().ListTimers("incident", 10);
  ASSERT_EQ(incidents->size(), 1u);
  EXPECT_EQ(incidents->at(0).attempts, 3);
  EXPECT_NE(incidents->at(0).last_error.find("withdrawn_from_catalogue"), std::string::npos);
  EXPECT_FALSE(service.NextDue().value());
  EXPECT_EQ(h.Detail(app->id).app.state, "materials_due");
}

TEST_F(Timers, ATimerTheStateNoLongerTakesIsARecordedNoop) {
  auto app = h.Create("public_place_hygiene");
  ChangeSet stray;
  stray.expected_version = app.version;
  stray.update_app = false;
  stray.app = app;
  stray.effects.push_back(ArmTimer{"commitment_deadline", h.clock().Now() + kHour, false, 0, {}});
  ASSERT_TRUE(h.store().Commit(stray).ok());
  h.clock().Advance(2 * kHour);
  EXPECT_EQ(service.FireDue(h.clock().Now()).noops, 1);
  const auto d = h.Detail(app.id);
  EXPECT_EQ(d.app.state, "received");
  EXPECT_EQ(d.app.version, app.version);
  EXPECT_NE(d.history.back().note.find("no-op"), std::string::npos);
  EXPECT_EQ(h.store().ListTimers("noop", 10)->size(), 1u);
  EXPECT_EQ(service.FireDue(h.clock().Now()).handled(), 0);
}

TEST_F(Timers, AProvisionalDeadlineIsRecomputedWhenItsYearIsLoaded) {
  h.clock().Set(At("2026-12-14T02:00:00Z"));
  auto app = h.InMaterialsDue();
  auto d = h.Detail(app.id);
  ASSERT_EQ(d.deadlines.size(), 1u);
  EXPECT_TRUE(d.deadlines[0].provisional);
  // 20 working days from Monday 2026-12-14, weekends only: Monday 2027-01-11.
  EXPECT_EQ(FormatInstant(d.deadlines[0].due_at), "2027-01-11T15:59:59.999Z");
  EXPECT_NE(d.history.back().note.find("provisional"), std::string::npos);

  const std::string dir = TempFolder("calendar");
  for (const auto& f : std::filesystem::directory_iterator(SourcePath("config/calendar")))
    if (f.path().extension() == ".txt") std::filesystem::copy(f.path(), dir);
  std::ofstream(dir + "/2027.txt") << "off 2027-01-01 2027-01-03\n";
  auto calendar = LoadCalendarFolder(dir);
  ASSERT_TRUE(calendar.ok()) << calendar.status().message();
  auto moved = h.engine().ReloadCalendar(std::make_shared<WorkingCalendar>(calendar.value()));
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(moved.value(), 1);
  d = h.Detail(app.id);
  EXPECT_FALSE(d.deadlines[0].provisional);
  EXPECT_EQ(FormatInstant(d.deadlines[0].due_at), "2027-01-12T15:59:59.999Z");
  EXPECT_EQ(d.history.back().event, "deadline_recomputed");
  EXPECT_EQ(d.app.version, app.version);
  EXPECT_EQ(h.engine().ReloadCalendar(h.engine().Calendar()).value(), 0);
}

}  // namespace
}  // namespace permitflow
