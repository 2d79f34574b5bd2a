#include "workflows/builtin_catalogue.hpp"

namespace permitflow {

namespace {

using When = MaterialSpec::When;
constexpr Duration WorkingDays(int n) { return Duration{n, Duration::Unit::kWorkingDays}; }

MaterialSpec Upfront(const char* id, const char* name) { return {id, name, When::kUpfront, {}}; }

ItemDefinition PublicPlaceHygiene() {
  ItemDefinition d;
  d.code = "public_place_hygiene";
  d.name = "公共场所卫生许可";
  d.reform_method = "commitment";
  d.approving_department = "health";
  d.supervising_departments = {"health"};
  d.legal_basis = {"《公共场所卫生管理条例》第八条"};
  d.conditions = {"具有与经营规模相适应的场所和卫生设施", "从业人员取得健康合格证明",
                  "建立卫生管理制度"};
  d.materials = {Upfront("application_form", "公共场所卫生许可申请表"),
                 Upfront("floor_plan", "经营场所平面布局图"),
                 {"hygiene_report", "公共场所卫生检测报告", When::kDeferred, WorkingDays(20)}};
  d.verification = {VerificationSpec::Mode::kAll, 1.0, WorkingDays(30)};
  return d;
}

ItemDefinition HumanResourcesService() {
  ItemDefinition d;
  d.code = "hr_service";
  d.name = "人力资源服务许可";
  d.reform_method = "commitment";
  d.approving_department = "hrss";
  d.supervising_departments = {"hrss"};
  d.legal_basis = {"《人力资源市场暂行条例》第十八条"};
  d.conditions = {"有明确的章程和管理制度", "有开展业务必备的固定场所、办公设施",
                  "有3名以上具备相应职业资格的专职工作人员"};
  d.materials = {Upfront("application_form", "人力资源服务许可申请书"),
                 Upfront("staff_qualifications", "专职工作人员职业资格证明")};
  d.verification = {VerificationSpec::Mode::kAll, 1.0, WorkingDays(60)};
  return d;
}

ItemDefinition LabourDispatch() {
  ItemDefinition d;
  d.code = "labour_dispatch";
  d.name = "劳务派遣经营许可";
  d.reform_method = "commitment";
  d.approving_department = "hrss";
  d.supervising_departments = {"hrss"};
  d.legal_basis = {"《中华人民共和国劳动合同法》第五十七条", "《劳务派遣行政许可实施办法》"};
  d.conditions = {"注册资本不得少于人民币二百万元", "有与开展业务相适应的固定的经营场所和设施"};
  d.materials = {Upfront("application_form", "劳务派遣经营许可申请书"),
                 Upfront("capital_proof", "注册资本证明")};
  d.verification = {VerificationSpec::Mode::kNone, 0.0, WorkingDays(30)};
  d.decide_on_commit = false;  // a handler decides the same day
  return d;
}

}  // namespace

BuiltinCatalogue::BuiltinCatalogue() {
  items_.push_back(std::make_shared<const ItemDefinition>(PublicPlaceHygiene()));
  items_.push_back(std::make_shared<const ItemDefinition>(HumanResourcesService()));
  items_.push_back(std::make_shared<const ItemDefinition>(LabourDispatch()));
}

std::shared_ptr<const ItemDefinition> BuiltinCatalogue::Find(const std::string& code,
                                                             int version) const {
  for (const auto& item : items_)
    if (item->code == code && (version == 0 || item->version == version)) return item;
  return nullptr;
}

}  // namespace permitflow
