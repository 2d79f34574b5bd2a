#include "adapters/item_json.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace permitflow {
namespace {

const std::vector<Department> kDepartments = {{"samr", "平陆县市场监督管理局"},
                                              {"health", "平陆县卫生健康局"}};

std::vector<std::string> Paths(const Status& s) {
  return s.details().count("paths") ? s.details().at("paths") : std::vector<std::string>{};
}

bool Has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

TEST(ItemJson, AValidDefinitionParsesWithDefaults) {
  auto item = ParseItemJson(R"({"code":"x_1","name":"示例","level":"local","legal_basis":["某条例"],
    "approving_department":"samr","reform_method":"optimize","effective_from":"2021-03-01",
    "review_stages":[{"name":"现场核查","department":"samr","time_limit":{"value":5,"unit":"working_days"}}],
    "materials":[{"id":"a","name":"申请书","when":"upfront"}]})",
                            kDepartments);
  ASSERT_TRUE(item.ok()) << item.status().message();
  EXPECT_EQ(item->review_stages.size(), 1u);
  EXPECT_EQ(item->review_stages[0].time_limit.value, 5);
  EXPECT_EQ(item->commitment_window.value, 5);  // the default
  EXPECT_EQ(FormatDate(item->effective_from), "2021-03-01");
}

TEST(ItemJson, EveryOffendingPathIsNamedAtOnce) {
  auto item = ParseItemJson(R"({"name":3,"level":"county","legal_basis":[],
    "approving_department":"nowhere","reform_method":"filing","effective_from":"2021-02-30",
    "commitment_window":{"value":-1,"unit":"working_days"},
    "materials":[{"id":"a","name":"甲","when":"deferred"},{"id":"a","name":"乙","when":"sometimes"}],
    "review_stages":[{"name":"审查","department":"samr","time_limit":{"value":3}}]})",
                            kDepartments);
  ASSERT_FALSE(item.ok());
  EXPECT_EQ(item.status().code(), Code::kInvalidItem);
  const auto paths = Paths(item.status());
  for (const char* p : {"$.code", "$.name", "$.level", "$.legal_basis", "$.approving_department",
                        "$.effective_from", "$.commitment_window.value", "$.materials[0].due",
                        "$.materials[1].id", "$.materials[1].when", "$.review_stages"})
    EXPECT_TRUE(Has(paths, p)) << p;
  EXPECT_EQ(item.status().details().at("errors").size(), paths.size());
}

TEST(ItemJson, ACancelledApprovalTakesNoMaterials) {
  auto item = ParseItemJson(R"({"code":"c","name":"取消","level":"central","legal_basis":["x"],
    "approving_department":"samr","reform_method":"cancel","effective_from":"2021-07-01",
    "materials":[{"id":"a","name":"甲","when":"upfront"}]})",
                            kDepartments);
  ASSERT_FALSE(item.ok());
  EXPECT_TRUE(Has(Paths(item.status()), "$.materials"));
}

TEST(ItemJson, MalformedJsonIsItsOwnError) {
  EXPECT_EQ(ParseItemJson("{\"code\":", kDepartments).status().code(), Code::kMalformedJson);
  EXPECT_EQ(ParseItemJson("[1,2]", kDepartments).status().code(), Code::kMalformedJson);
}

TEST(CatalogueCsv, ReadsTheCataloguesColumnsWithABomAndQuotes) {
  const std::string csv =
      "\xEF\xBB\xBF事项名称,设定依据,审批部门,改革方式,具体改革举措,加强事中事后监管措施\r\n"
      "食品经营许可,\"《食品安全法》第三十五条；《食品经营许可管理办法》\",平陆县市场监督管理局,"
      "优化审批服务,\"压减时限, 一次告知\",双随机抽查\r\n"
      "某事项,某依据,不存在的局,实行告知承诺,,\r\n"
      "另一事项,某依据,samr,随便改改,,\r\n";
  auto rows = CatalogueCsvToJson(csv, kDepartments);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ASSERT_EQ(rows->documents.size(), 1u);
  EXPECT_EQ(rows->documents[0].first, 1);
  auto item = ParseItemJson(rows->documents[0].second, kDepartments);
  ASSERT_TRUE(item.ok()) << item.status().message();
  EXPECT_EQ(item->reform_method, "optimize");
  EXPECT_EQ(item->approving_department, "samr");
  EXPECT_EQ(item->legal_basis.size(), 2u);
  EXPECT_EQ(item->reform_measures, "压减时限, 一次告知");
  ASSERT_EQ(rows->problems.size(), 2u);
  EXPECT_EQ(rows->problems[0].row, 2);
  EXPECT_NE(rows->problems[0].reason.find("审批部门"), std::string::npos);
  EXPECT_EQ(rows->problems[1].row, 3);
  EXPECT_NE(rows->problems[1].reason.find("改革方式"), std::string::npos);
}

TEST(CatalogueCsv, AHeaderWithoutTheRequiredColumnsIsRefused) {
  EXPECT_FALSE(CatalogueCsvToJson("名称,部门\nx,y\n", kDepartments).ok());
}

}  // namespace
}  // namespace permitflow
