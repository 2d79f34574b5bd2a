// Versioned items in the store: drafts, publishing, retiring, importing.
#include "adapters/stored_catalogue.hpp"

#include <gtest/gtest.h>

#include "tests/support/harness.hpp"

namespace permitflow {
namespace {

std::string Definition(const std::string& code, const std::string& name, int window = 5) {
  return R"({"code":")" + code + R"(","name":")" + name +
         R"(","level":"local","legal_basis":["某条例"],"approving_department":"samr",)"
         R"("reform_method":"commitment","effective_from":"2026-01-01",)"
         R"("commitment_window":{"value":)" +
         std::to_string(window) + R"(,"unit":"working_days"}})";
}

TEST(StoredCatalogue, TheBundledSampleCoversAllFourMethods) {
  Harness h;
  std::set<std::string> methods;
  for (const auto& item : h.catalogue().All()) methods.insert(item->reform_method);
  EXPECT_EQ(methods, (std::set<std::string>{"cancel", "commitment", "filing", "optimize"}));
  EXPECT_GE(h.catalogue().All().size(), 12u);
  EXPECT_EQ(h.catalogue().Departments().size(), 9u);
}

TEST(StoredCatalogue, ADraftIsInvisibleUntilPublishedAndVersionsStack) {
  Harness h;
  auto& c = h.catalogue();
  auto v1 = c.SaveDraft(Definition("new_item", "新事项"), "", 1);
  ASSERT_TRUE(v1.ok()) << v1.status().message();
  EXPECT_EQ(v1->version, 1);
  EXPECT_EQ(c.Find("new_item", 0), nullptr);
  ASSERT_TRUE(c.Publish("new_item", 2).ok());
  ASSERT_NE(c.Find("new_item", 0), nullptr);
  EXPECT_EQ(c.Find("new_item", 0)->commitment_window.value, 5);
  // A second draft replaces itself, then publishing makes it version 2.
  ASSERT_TRUE(c.SaveDraft(Definition("new_item", "新事项", 7), "new_item", 3).ok());
  auto draft = c.SaveDraft(Definition("new_item", "新事项", 8), "new_item", 4);
  EXPECT_EQ(draft->version, 2);
  EXPECT_EQ(c.Find("new_item", 0)->version, 1);
  ASSERT_TRUE(c.Publish("new_item", 5).ok());
  EXPECT_EQ(c.Find("new_item", 0)->version, 2);
  EXPECT_EQ(c.Find("new_item", 0)->commitment_window.value, 8);
  EXPECT_EQ(c.Find("new_item", 1)->commitment_window.value, 5);  // what old applications use
  auto versions = c.Versions("new_item");
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ(versions->at(0).status, "superseded");
  EXPECT_EQ(versions->at(1).status, "published");
  // Survives a restart.
  h.Reopen();
  EXPECT_EQ(h.catalogue().Find("new_item", 0)->version, 2);
  EXPECT_EQ(h.catalogue().Find("new_item", 1)->commitment_window.value, 5);
}

TEST(StoredCatalogue, RefusalsStoreNothing) {
  Harness h;
  auto& c = h.catalogue();
  EXPECT_EQ(c.SaveDraft(R"({"code":"bad"})", "", 1).status().code(), Code::kInvalidItem);
  EXPECT_EQ(c.Versions("bad").status().code(), Code::kUnknownItem);
  EXPECT_EQ(c.SaveDraft(Definition("public_place_hygiene", "重复"), "", 1).status().code(),
            Code::kConflict);
  EXPECT_EQ(c.SaveDraft(Definition("other", "改名"), "public_place_hygiene", 1).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(c.Publish("public_place_hygiene", 1).status().code(), Code::kNotFound);  // no draft
  EXPECT_EQ(c.Versions("public_place_hygiene")->size(), 1u);
}

TEST(StoredCatalogue, ARetiredItemTakesNoNewApplicationsButFinishesOld) {
  Harness h;
  auto app = h.Ok(h.Create("public_place_hygiene"), "issue_notice");
  ASSERT_TRUE(h.catalogue().Retire("public_place_hygiene", 1).ok());
  NewApplication input{"public_place_hygiene", {"enterprise", kUscc, "x"}, "{}", {}};
  EXPECT_EQ(h.engine().Create(input, h.handler, nullptr).status().code(), Code::kItemRetired);
  EventData commit;
  commit.signer = "张三";
  commit.materials = {"application_form", "floor_plan"};
  EXPECT_EQ(h.Ok(app, "commit", commit).state, "materials_due");
  EXPECT_EQ(h.catalogue().Retire("public_place_hygiene", 2).status().code(), Code::kItemRetired);
}

TEST(StoredCatalogue, ImportIsAllOrNothingWhenAsked) {
  Harness h;
  auto& c = h.catalogue();
  const std::string file = "[" + Definition("imp_a", "甲") + "," + R"({"code":"imp_b"})" + "," +
                           Definition("imp_c", "丙") + "]";
  auto strict = c.Import(file, true, 1);
  ASSERT_TRUE(strict.ok());
  EXPECT_FALSE(strict->applied);
  ASSERT_EQ(strict->rejected.size(), 1u);
  EXPECT_EQ(strict->rejected[0].row, 2);
  EXPECT_EQ(c.Find("imp_a", 0), nullptr);
  auto lenient = c.Import(file, false, 1);
  ASSERT_TRUE(lenient.ok());
  EXPECT_TRUE(lenient->applied);
  EXPECT_EQ(lenient->imported, (std::vector<std::string>{"imp_a", "imp_c"}));
  EXPECT_NE(c.Find("imp_a", 0), nullptr);
  EXPECT_NE(c.Find("imp_c", 0), nullptr);
  // Importing again publishes new versions.
  ASSERT_TRUE(c.Import("[" + Definition("imp_a", "甲", 9) + "]", true, 2).ok());
  EXPECT_EQ(c.Find("imp_a", 0)->version, 2);
  EXPECT_EQ(c.Find("imp_a", 0)->commitment_window.value, 9);
}

}  // namespace
}  // namespace permitflow
