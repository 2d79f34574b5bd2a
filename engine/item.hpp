// An item of the catalogue (事项) and the workflow settings its applications run under.
// Plain values; a published definition is never changed, so share it freely between threads.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/calendar.hpp"
#include "engine/time.hpp"

namespace permitflow {

struct MaterialSpec {
  enum class When { kUpfront, kDeferred, kOnInspection };
  std::string id;
  std::string name;
  When when = When::kUpfront;
  Duration due_within;           // deferred: counted from the approval ...
  std::optional<Date> due_date;  // ... or a fixed date, whichever the item names
};

const char* WhenName(MaterialSpec::When when);

struct VerificationSpec {
  enum class Mode { kAll, kSample, kNone };
  Mode mode = Mode::kNone;
  double ratio = 1.0;  // for kSample
  Duration within{30, Duration::Unit::kWorkingDays};
};

// A step of the ordinary procedure that admins define per item (现场核查, 专家评审, 公示 ...).
struct ReviewStage {
  std::string name;
  std::string department;
  Duration time_limit{5, Duration::Unit::kWorkingDays};
};

struct ItemDefinition {
  std::string code;
  int version = 1;
  bool retired = false;  // no new applications; those in flight run on
  std::string name;
  std::string level;  // central | provincial | local
  std::string reform_measures;
  std::string supervision_measures;
  std::vector<ReviewStage> review_stages;
  std::vector<std::string> scope_terms;
  Date effective_from;
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
};

struct ItemProblem {
  std::string path;  // JSON path of the offending field: $.materials[2].due
  std::string message;
};

// The rules a definition obeys as a whole, beyond its field types: each reform method keeps the
// guarantee DOMAIN.md gives it. Every problem is reported, not only the first.
std::vector<ItemProblem> CheckItemRules(const ItemDefinition& item,
                                        const std::vector<std::string>& known_departments);

}  // namespace permitflow
