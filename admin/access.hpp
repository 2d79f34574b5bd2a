// Who may do what. Applications outside a principal's department are reported as not found, so no
// one learns that they exist. Pure functions; safe from any thread.
#pragma once

#include <string>

#include "admin/principals.hpp"
#include "engine/application.hpp"
#include "engine/item.hpp"
#include "engine/status.hpp"

namespace permitflow {

bool SeesEverything(const Principal& p);
Status MayRead(const Principal& p, const Application& app, const ItemDefinition* item);
Status MayCreate(const Principal& p, const Application& app);
Status MayAct(const Principal& p, const Application& app, const std::string& event);
Status RequireRole(const Principal& p, const std::string& role);

}  // namespace permitflow
