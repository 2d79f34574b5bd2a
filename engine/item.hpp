// An item of the catalogue (事项) and the workflow settings its applications run under.
// Plain values; a published definition is never changed, so share it freely between threads.
#pragma once

#include <string>
#include <vector>

#include "engine/calendar.hpp"

namespace permitflow {

struct MaterialSpec {
  enum class When { kUpfront, kDeferred, kOnInspection };
  std::string id;
  std::string name;
  When when = When::kUpfront;
  Duration due_within;  // for deferred materials: counted from the approval
};

const char* WhenName(MaterialSpec::When when);

struct VerificationSpec {
  enum class Mode { kAll, kSample, kNone };
  Mode mode = Mode::kNone;
  double ratio = 1.0;  // for kSample
  Duration within{30, Duration::Unit::kWorkingDays};
};

struct ItemDefinition {
  std::string code;
  int version = 1;
  std::string name;
  std::string reform_method;  // cancel | filing | commitment | optimize
  std::string approving_department;
  std::vector<std::string> supervising_departments;
  std::vector<std::string> legal_basis;
  std::vector<std::string> conditions;
  std::vector<MaterialSpec> materials;
  Duration commitment_window{5, Duration::Unit::kWorkingDays};
  Duration correction_window{5, Duration::Unit::kWorkingDays};
  Duration rectification_window{20, Duration::Unit::kWorkingDays};
  Duration statutory_time_limit{20, Duration::Unit::kWorkingDays};
  VerificationSpec verification;
  bool decide_on_commit = true;

  const MaterialSpec* FindMaterial(const std::string& id) const;
  bool HasDeferredMaterials() const;
};

}  // namespace permitflow
