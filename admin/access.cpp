#include "admin/access.hpp"

#include <algorithm>

namespace permitflow {

namespace {

Status Forbidden(const Principal& p, const std::string& what) {
  return Status::Error(Code::kForbidden, "role " + p.role + " may not " + what,
                       "角色 " + p.role + " 无权执行此操作", {{"role", {p.role}}});
}

Status Hidden(const Application& app) {
  return NotFound("application", "办件", std::to_string(app.id));
}

}  // namespace

bool SeesEverything(const Principal& p) { return p.role == "admin" || p.role == "auditor"; }

Status MayRead(const Principal& p, const Application& app, const ItemDefinition* item) {
  if (SeesEverything(p)) return Status::Ok();
  if (p.department == app.department) return Status::Ok();
  if (p.role == "supervisor" && item &&
      std::find(item->supervising_departments.begin(), item->supervising_departments.end(),
                p.department) != item->supervising_departments.end())
    return Status::Ok();
  return Hidden(app);
}

Status MayCreate(const Principal& p, const Application& app) {
  if (p.role == "admin") return Status::Ok();
  if (p.role != "handler") return Forbidden(p, "register applications");
  if (p.department != app.department) {
    return Status::Error(
        Code::kForbidden, "item " + app.item_code + " belongs to department " + app.department,
        "事项 " + app.item_code + " 不属于本部门", {{"department", {app.department}}});
  }
  return Status::Ok();
}

Status MayAct(const Principal& p, const Application& app, const std::string& event) {
  if (p.role == "admin") return Status::Ok();
  if (!SeesEverything(p) && p.department != app.department) return Hidden(app);
  if (p.role == "handler" && event != "verify") return Status::Ok();
  if (p.role == "inspector" && event == "verify") return Status::Ok();
  return Forbidden(p, "perform " + event);
}

Status RequireRole(const Principal& p, const std::string& role) {
  if (p.role == role) return Status::Ok();
  return Forbidden(p, "use this route (it needs " + role + ")");
}

}  // namespace permitflow
