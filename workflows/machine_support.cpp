#include "workflows/machine_support.hpp"

namespace permitflow {
namespace machine {

void Arm(Step& s, const char* kind, const Duration& d, Instant from) {
  const Deadline dl = s.ctx->calendar.DeadlineAfter(from, d);
  s.effects.push_back(ArmTimer{kind, dl.due_at, dl.provisional, from, d});
}

void Cancel(Step& s, const char* kind) { s.effects.push_back(CancelTimer{kind}); }

bool AddMaterials(Step& s, const std::vector<std::string>& ids) {
  std::vector<std::string> unknown;
  for (const auto& id : ids)
    if (!s.ctx->item.FindMaterial(id)) unknown.push_back(id);
  if (!unknown.empty()) {
    s.error = Status::Error(Code::kInvalidArgument,
                            "data.materials: item " + s.ctx->item.code + " has no such material",
                            "data.materials：事项 " + s.ctx->item.code + " 不包含所列材料",
                            {{"field", {"data.materials"}}, {"unknown", unknown}});
    return false;
  }
  for (const auto& id : ids)
    if (std::find(s.app.materials.begin(), s.app.materials.end(), id) == s.app.materials.end())
      s.app.materials.push_back(id);
  return true;
}

std::vector<std::string> MissingUpfront(const Step& s) {
  std::vector<std::string> missing;
  for (const auto& m : s.ctx->item.materials) {
    if (m.when == MaterialSpec::When::kUpfront &&
        std::find(s.app.materials.begin(), s.app.materials.end(), m.id) == s.app.materials.end())
      missing.push_back(m.id);
  }
  return missing;
}

}  // namespace machine
}  // namespace permitflow
