#include "engine/item.hpp"

#include <algorithm>
#include <iterator>

namespace permitflow {

const char* WhenName(MaterialSpec::When when) {
  switch (when) {
    case MaterialSpec::When::kUpfront:
      return "upfront";
    case MaterialSpec::When::kDeferred:
      return "deferred";
    case MaterialSpec::When::kOnInspection:
      return "on_inspection";
  }
  return "upfront";
}

const MaterialSpec* ItemDefinition::FindMaterial(const std::string& id) const {
  for (const auto& m : materials)
    if (m.id == id) return &m;
  return nullptr;
}

std::vector<ItemProblem> CheckItemRules(const ItemDefinition& item,
                                        const std::vector<std::string>& known_departments) {
  std::vector<ItemProblem> out;
  auto known = [&](const std::string& d) {
    return std::find(known_departments.begin(), known_departments.end(), d) !=
           known_departments.end();
  };
  auto duration = [&](const std::string& path, const Duration& d) {
    if (d.value < 0) out.push_back({path + ".value", "must not be negative"});
  };
  static const char* kMethods[] = {"cancel", "filing", "commitment", "optimize"};
  if (std::find(std::begin(kMethods), std::end(kMethods), item.reform_method) == std::end(kMethods))
    out.push_back({"$.reform_method", "must be cancel, filing, commitment or optimize"});
  if (item.level != "central" && item.level != "provincial" && item.level != "local")
    out.push_back({"$.level", "must be central, provincial or local"});
  if (item.code.empty() ||
      item.code.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos)
    out.push_back({"$.code", "must be lower-case letters, digits and _"});
  if (!known(item.approving_department))
    out.push_back(
        {"$.approving_department", "is not a known department: " + item.approving_department});
  for (size_t i = 0; i < item.supervising_departments.size(); ++i)
    if (!known(item.supervising_departments[i]))
      out.push_back({"$.supervising_departments[" + std::to_string(i) + "]",
                     "is not a known department: " + item.supervising_departments[i]});
  for (size_t i = 0; i < item.materials.size(); ++i) {
    const MaterialSpec& m = item.materials[i];
    const std::string path = "$.materials[" + std::to_string(i) + "]";
    for (size_t j = 0; j < i; ++j)
      if (item.materials[j].id == m.id) out.push_back({path + ".id", "repeats " + m.id});
    if (m.when == MaterialSpec::When::kDeferred) {
      if (!m.due_date && m.due_within.value == 0)
        out.push_back({path + ".due", "a deferred material needs a due rule (due or due_date)"});
      duration(path + ".due", m.due_within);
    }
  }
  duration("$.commitment_window", item.commitment_window);
  duration("$.correction_window", item.correction_window);
  duration("$.rectification_window", item.rectification_window);
  duration("$.statutory_time_limit", item.statutory_time_limit);
  duration("$.verification.within", item.verification.within);
  if (item.verification.mode == VerificationSpec::Mode::kSample &&
      !(item.verification.ratio > 0 && item.verification.ratio <= 1))
    out.push_back({"$.verification.ratio", "must be above 0 and at most 1"});
  for (size_t i = 0; i < item.review_stages.size(); ++i) {
    const std::string path = "$.review_stages[" + std::to_string(i) + "]";
    if (item.review_stages[i].name.empty()) out.push_back({path + ".name", "is required"});
    if (!known(item.review_stages[i].department))
      out.push_back({path + ".department", "is not a known department"});
    duration(path + ".time_limit", item.review_stages[i].time_limit);
  }
  if (item.reform_method == "filing" && !item.review_stages.empty())
    out.push_back(
        {"$.review_stages", "a filing has no review: 备案 must not become disguised approval"});
  if (item.reform_method == "cancel" && !item.materials.empty())
    out.push_back({"$.materials", "a cancelled approval takes no materials"});
  if (item.reform_method == "filing") {
    for (size_t i = 0; i < item.materials.size(); ++i)
      if (item.materials[i].when != MaterialSpec::When::kUpfront)
        out.push_back({"$.materials[" + std::to_string(i) + "].when",
                       "a filing is complete at once: every material is upfront"});
  }
  return out;
}

}  // namespace permitflow
