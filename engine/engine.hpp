// The engine: every command takes one road. Load the application, rebuild its machine in its stored
// state, process one event, and hand the new row, history and effects to the store as one
// ChangeSet. Safe for concurrent calls; concurrent commands on one application resolve by the
// version check.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/ports.hpp"
#include "engine/workflow.hpp"

namespace permitflow {

struct NewApplication {
  std::string item_code;
  Applicant applicant;
  std::string form_json = "{}";
  std::vector<std::string> materials;  // ids of the materials that come with the application
};

// Records due for publication must be published within 20 working days of being produced.
inline constexpr Duration kPublicationWindow{20, Duration::Unit::kWorkingDays};

// Decides whether the actor may act on an application; called with the stored (or new) row.
using Authorize = std::function<Status(const Application&)>;

class Engine {
 public:
  Engine(Store& store, const Catalogue& catalogue, const Clock& clock,
         std::vector<const Workflow*> workflows);

  void SetCalendar(std::shared_ptr<const WorkingCalendar> calendar);
  // Puts a new calendar in force and recomputes every provisional deadline under it, each with a
  // history row that says so. Returns how many deadlines moved.
  Result<int> ReloadCalendar(std::shared_ptr<const WorkingCalendar> calendar);
  std::shared_ptr<const WorkingCalendar> Calendar() const;

  Result<Application> Create(const NewApplication& input, const Actor& actor,
                             const Authorize& authorize);
  Result<Application> Handle(std::int64_t id, const Event& event, std::int64_t expected_version,
                             const Actor& actor, const Authorize& authorize);

  enum class TimerOutcome { kFired, kNoop, kGone };
  // Fires one claimed timer at `now` through the same road: the transition and the timer's
  // completion commit together, so a timer fires at most once. A timer whose application no longer
  // takes its event is completed as a recorded no-op. kGone: it was cancelled meanwhile.
  Result<TimerOutcome> FireTimer(const TimerRow& timer, Instant claimed_at);

  // Called after a commit that armed a timer (the timer driver wakes up early).
  void SetTimerListener(std::function<void()> listener);
  // Called after every commit of a command (metrics, the outbox dispatcher). Returns a handle
  // for RemoveCommitObserver. Thread-safe.
  int AddCommitObserver(std::function<void(const ChangeSet&)> observer);
  void RemoveCommitObserver(int handle);

  // Why the commitment method is closed to an applicant for an item; empty when it is open.
  static std::string IneligibleReason(const Standing& standing, const std::string& item_code);

  Store& store() { return store_; }
  const Catalogue& catalogue() const { return catalogue_; }
  const Clock& clock() const { return clock_; }
  const Workflow* WorkflowFor(const std::string& method) const;

 private:
  Store& store_;
  const Catalogue& catalogue_;
  const Clock& clock_;
  struct Prepared;
  Result<Application> Run(const Application& app, const Event& event, const Actor& actor,
                          Instant now, const std::vector<Effect>& extra, const std::string& note);
  void NotifyCommitted(const ChangeSet& changes);
  void AddLinkage(const std::string& from_state, const ItemDefinition& item, Instant now,
                  ChangeSet& changes) const;

  std::map<std::string, const Workflow*> workflows_;
  std::function<void()> timer_listener_;
  mutable std::mutex observers_mu_;
  std::map<int, std::function<void(const ChangeSet&)>> commit_observers_;
  int next_observer_ = 0;
  mutable std::mutex calendar_mu_;
  std::shared_ptr<const WorkingCalendar> calendar_;
};

Status ValidateApplicant(const Applicant& applicant);

}  // namespace permitflow
