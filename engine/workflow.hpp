// A workflow: the state machine of one reform method. Implemented in workflows/ with Boost.MSM.
// A workflow is stateless between calls: each Handle() rebuilds the machine in the application's
// stored state, processes one event and returns the new row, its history rows and its effects.
// It does no I/O. Safe for concurrent calls.
#pragma once

#include <string>
#include <vector>

#include "engine/application.hpp"
#include "engine/calendar.hpp"
#include "engine/item.hpp"
#include "engine/status.hpp"

namespace permitflow {

// The data an event may carry; which fields an event needs is the workflow's to check.
struct EventData {
  std::string signer;
  std::string stage;  // complete_stage: the stage's name
  std::string notes;
  std::vector<std::string> materials;
  std::vector<std::string> defects;
  std::string result;
  std::string findings;
  std::string decision;
  std::string reason;
};

struct Event {
  std::string name;
  EventData data;
  std::string payload_json = "{}";  // the data as received, kept in the history row
};

struct StepContext {
  const ItemDefinition& item;
  const WorkingCalendar& calendar;
  Instant now = 0;
  Actor actor;
  std::string ineligible_reason;  // empty: the commitment method is open to the applicant
};

struct StepResult {
  Application app;
  std::vector<HistoryEntry> history;
  std::vector<Effect> effects;
};

class Workflow {
 public:
  virtual ~Workflow() = default;
  virtual std::string Method() const = 0;  // the reform method it runs
  virtual std::string InitialState() const = 0;
  virtual std::vector<std::string> StateNames() const = 0;
  // Events that only the engine's timers may send.
  virtual bool IsTimerEvent(const std::string& name) const = 0;
  virtual Result<StepResult> Handle(const Application& app, const Event& event,
                                    const StepContext& ctx) const = 0;
  // What happens as an application is created, after its `create` row: nothing for most methods;
  // a complete filing is filed at once, an incomplete one refused (kIncomplete, every missing id).
  virtual Result<StepResult> Start(const Application& app, const StepContext&) const {
    StepResult r;
    r.app = app;
    return r;
  }
};

}  // namespace permitflow
