#include "admin/settings.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "admin/principals.hpp"
#include "tests/support/harness.hpp"

namespace permitflow {
namespace {

TEST(Settings, TheBundledFileGivesTheDocumentedDefaults) {
  auto s = LoadSettings(SourcePath("config/permitflow.properties"), {});
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->host, "127.0.0.1");
  EXPECT_EQ(s->port, 8080);
  EXPECT_EQ(s->database_url, "sqlite:data/permitflow.db");
  EXPECT_EQ(s->principals_file, "config/principals.json");
}

TEST(Settings, DashDOverridesTheFile) {
  auto s = LoadSettings(SourcePath("config/permitflow.properties"),
                        {{"server.port", "9090"}, {"database.url", "sqlite:/tmp/x.db"}});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->port, 9090);
  EXPECT_EQ(s->database_url, "sqlite:/tmp/x.db");
}

TEST(Settings, BadValuesAndMissingFilesAreErrors) {
  EXPECT_FALSE(LoadSettings("/no/such/file.properties", {}).ok());
  EXPECT_FALSE(LoadSettings("", {{"server.port", "eighty"}}).ok());
  EXPECT_FALSE(LoadSettings("", {{"server.port", "70000"}}).ok());
}

TEST(Settings, TheBundledPrincipalsFileLoads) {
  auto p = Principals::LoadFile(SourcePath("config/principals.json"));
  ASSERT_TRUE(p.ok()) << p.status().message();
  auto admin = p->ByToken("dev-admin-token");
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin->role, "admin");
  EXPECT_FALSE(p->ByToken("dev-admin-token-wrong"));
}

}  // namespace
}  // namespace permitflow
