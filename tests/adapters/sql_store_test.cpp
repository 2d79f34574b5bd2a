#include "adapters/sql_store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "adapters/migrations.hpp"
#include "tests/support/harness.hpp"

namespace permitflow {
namespace {

std::string Pragma(const std::string& path, const std::string& pragma) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, ("PRAGMA " + pragma).c_str(), -1, &st, nullptr);
  std::string out;
  if (sqlite3_step(st) == SQLITE_ROW)
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

int Count(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
  int n = -1;
  if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

ChangeSet NewApp() {
  ChangeSet c;
  c.insert = true;
  c.app.item_code = "public_place_hygiene";
  c.app.reform_method = "commitment";
  c.app.department = "health";
  c.app.applicant = {"enterprise", kUscc, "示例"};
  c.app.state = "received";
  c.app.created_at = c.app.updated_at = 1000;
  c.history.push_back(HistoryEntry{0, "create", "", "received", "t", 1000, "{}", ""});
  return c;
}

TEST(SqlStore, OpensAFileInWalModeAndRecordsTheSchemaVersion) {
  const std::string dir = TempFolder("store");
  const std::string path = dir + "/sub/folder/p.db";
  auto store = SqlStore::Open("sqlite:" + path);
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_EQ(store.value()->schema_version(), Migrations().back().version);
  EXPECT_EQ(Pragma(path, "journal_mode"), "wal");
  EXPECT_EQ(Count(path, "SELECT COUNT(*) FROM schema_version"),
            static_cast<int>(Migrations().size()));
  ASSERT_TRUE(store.value()->Commit(NewApp()).ok());
  store.value().reset();
  // Reopening applies nothing twice and keeps the data.
  auto again = SqlStore::Open("sqlite:" + path);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(Count(path, "SELECT COUNT(*) FROM schema_version"),
            static_cast<int>(Migrations().size()));
  EXPECT_TRUE(again.value()->Load(1).ok());
}

TEST(SqlStore, RefusesAnUnknownUrlScheme) {
  EXPECT_EQ(SqlStore::Open("mysql:x").status().code(), Code::kInvalidArgument);
}

TEST(SqlStore, AStaleVersionWritesNothing) {
  const std::string path = TempFolder("store") + "/p.db";
  auto store = std::move(SqlStore::Open("sqlite:" + path).value());
  auto app = store->Commit(NewApp());
  ASSERT_TRUE(app.ok());
  ChangeSet update;
  update.expected_version = app->version + 3;
  update.app = app.value();
  update.app.state = "withdrawn";
  update.history.push_back(
      HistoryEntry{0, "withdraw", "received", "withdrawn", "t", 2000, "{}", ""});
  update.effects.push_back(ArmTimer{"x", 5000, false, 0, {}});
  update.effects.push_back(IssueNumber{IssueNumber::Kind::kNotice, 2026});
  auto r = store->Commit(update);
  EXPECT_EQ(r.status().code(), Code::kConflict);
  EXPECT_EQ(Count(path, "SELECT COUNT(*) FROM history"), 1);
  EXPECT_EQ(Count(path, "SELECT COUNT(*) FROM timers"), 0);
  EXPECT_EQ(Count(path, "SELECT COUNT(*) FROM document_counters"), 0);
  EXPECT_EQ(store->Load(app->id)->state, "received");

  update.expected_version = app->version;
  auto ok = store->Commit(update);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->version, app->version + 1);
  EXPECT_EQ(ok->notice_number, "〔2026〕第 1 号");
  EXPECT_EQ(Count(path, "SELECT COUNT(*) FROM history"), 2);
  EXPECT_EQ(Count(path, "SELECT COUNT(*) FROM timers WHERE state = 'armed'"), 1);
}

TEST(SqlStore, CancelRemovesOnlyThatKindOfTimer) {
  const std::string path = TempFolder("store") + "/p.db";
  auto store = std::move(SqlStore::Open("sqlite:" + path).value());
  ChangeSet c = NewApp();
  c.effects = {ArmTimer{"a", 10, false, 0, {}}, ArmTimer{"b", 20, true, 0, {}}};
  auto app = store->Commit(c);
  ASSERT_TRUE(app.ok());
  ChangeSet u;
  u.expected_version = 1;
  u.app = app.value();
  u.effects = {CancelTimer{"a"}};
  ASSERT_TRUE(store->Commit(u).ok());
  auto d = store->Detail(app->id);
  ASSERT_EQ(d->deadlines.size(), 1u);
  EXPECT_EQ(d->deadlines[0].kind, "b");
  EXPECT_TRUE(d->deadlines[0].provisional);
}

TEST(SqlStore, ListsWithKeysetPaginationAndFilters) {
  const std::string path = TempFolder("store") + "/p.db";
  auto store = std::move(SqlStore::Open("sqlite:" + path).value());
  for (int i = 0; i < 5; ++i) {
    ChangeSet c = NewApp();
    if (i % 2) c.app.state = "withdrawn";
    ASSERT_TRUE(store->Commit(c).ok());
  }
  ApplicationQuery q;
  q.limit = 2;
  auto page1 = store->List(q);
  ASSERT_EQ(page1->size(), 2u);
  q.after = page1->back().id;
  auto page2 = store->List(q);
  ASSERT_EQ(page2->size(), 2u);
  EXPECT_GT(page2->front().id, page1->back().id);
  q = ApplicationQuery{};
  q.state = "withdrawn";
  EXPECT_EQ(store->List(q)->size(), 2u);
  q.state.clear();
  q.department = "hrss";
  EXPECT_EQ(store->List(q)->size(), 0u);
}

TEST(SqlStore, FlagsForAnEnterpriseNeverSeenBefore) {
  const std::string path = TempFolder("store") + "/p.db";
  auto store = std::move(SqlStore::Open("sqlite:" + path).value());
  EXPECT_EQ(store->Subject(kUscc).status().code(), Code::kNotFound);
  ASSERT_TRUE(store->PutFlags(kUscc, {{"serious_dishonesty", "2026-01-01", "信用中国"}}).ok());
  auto s = store->Subject(kUscc);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->flags.size(), 1u);
  EXPECT_EQ(s->flags[0].source, "信用中国");
  EXPECT_EQ(store->LoadStanding(kUscc)->flags.size(), 1u);
}

}  // namespace
}  // namespace permitflow
