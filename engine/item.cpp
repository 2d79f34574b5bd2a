#include "engine/item.hpp"

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

bool ItemDefinition::HasDeferredMaterials() const {
  for (const auto& m : materials)
    if (m.when == MaterialSpec::When::kDeferred) return true;
  return false;
}

}  // namespace permitflow
