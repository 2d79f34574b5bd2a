// Registration and supervision linkage (准入即营, 双告知, 审管联动): a registration is matched
// against the items' business-scope terms and told to the departments concerned, who claim it; a
// supervising department's decision about a permit is pushed back to the approving department.
// Every push is an outbox row written in the same transaction. Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/engine.hpp"

namespace permitflow {

struct RegistrationInput {
  std::string uscc, name, region_code;
  std::vector<std::string> scope;  // business scope, in standard terms
};

struct RegistrationResult {
  std::int64_t id = 0;
  bool operate_now = false;  // 准入即营: no permit item applies and no term is unknown
  std::vector<std::shared_ptr<const ItemDefinition>> required;  // permits to apply for
  std::vector<std::shared_ptr<const ItemDefinition>>
      cancelled;  // approvals cancelled: informed only
  std::vector<std::string> unknown_terms;
  std::vector<Notice> notices;
};

struct ClaimScore {
  long long notices = 0, claimed = 0;
  double rate = 1.0;
  int points = 5;  // the scorecard: >= 99% 5, 98-99% 3, 97-98% 2, below 1
};
ClaimScore ScoreClaims(long long notices, long long claimed);

class Linkage {
 public:
  Linkage(Engine& engine, LinkageStore& store, std::vector<std::string> general_terms,
          Duration claim_within);
  Result<RegistrationResult> Register(const RegistrationInput& input);
  Result<Notice> Claim(std::int64_t notice_id, const Actor& actor);
  // decided_on: when the supervising department decided; more than 3 working days before the
  // record is made, the decision is accepted but flagged late.
  Result<SupervisionDecision> RecordSupervisionDecision(std::int64_t application_id,
                                                        SupervisionDecision decision,
                                                        const Actor& actor);

 private:
  Engine& engine_;
  LinkageStore& store_;
  std::vector<std::string> general_terms_;
  Duration claim_within_;
};

}  // namespace permitflow
