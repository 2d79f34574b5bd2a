// What every reform method's Boost.MSM machine shares: the Step a command works on, states that
// arm a deadline on entry and cancel it on exit, the archive that restores a stored state through
// MSM's own serialize() without running entry actions, and the Runner that rebuilds a machine in
// a stored state (by name, whatever the table order), processes one event and collects the rows.
// Include this header first in a translation unit: it sets MPL limits before Boost is included.
// Runners are stateless after construction: every Run() builds its own machine (thread-safe).
#pragma once

#ifndef BOOST_MPL_CFG_NO_PREPROCESSED_HEADERS
#define BOOST_MPL_CFG_NO_PREPROCESSED_HEADERS
#endif
#ifndef BOOST_MPL_LIMIT_VECTOR_SIZE
#define BOOST_MPL_LIMIT_VECTOR_SIZE 40
#endif
#ifndef BOOST_MPL_LIMIT_MAP_SIZE
#define BOOST_MPL_LIMIT_MAP_SIZE 40
#endif

#include <algorithm>
#include <boost/mpl/for_each.hpp>
#include <boost/mpl/vector.hpp>
#include <boost/msm/back/state_machine.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/state_machine_def.hpp>
#include <map>
#include <string>
#include <vector>

#include "engine/workflow.hpp"

namespace permitflow {
namespace machine {

namespace msmf = boost::msm::front;
namespace mpl = boost::mpl;

// What one step works on: the context in, the working copy of the row and the effects out.
struct Step {
  const StepContext* ctx = nullptr;
  const EventData* data = nullptr;
  Application app;
  std::vector<Effect> effects;
  std::vector<std::string> follow_ups;  // events the system processes next, as its own rows
  std::string note;                     // for the history row of the event being processed
  Status error;                         // set by an action that refuses: the step is discarded
};

void Arm(Step& s, const char* kind, const Duration& d, Instant from);
void Cancel(Step& s, const char* kind);
// Adds the named materials to the row; refuses ids the item does not list.
bool AddMaterials(Step& s, const std::vector<std::string>& ids);
// The item's upfront materials the row does not have.
std::vector<std::string> MissingUpfront(const Step& s);

#define PF_EVENT(Type, name)                   \
  struct Type {                                \
    static constexpr const char* kName = name; \
  }
#define PF_STATE(Type, name)                   \
  struct Type : ::boost::msm::front::state<> { \
    static constexpr const char* kName = name; \
  }
#define PF_ACTION(Type)                                 \
  struct Type {                                         \
    template <class E, class Fsm, class S, class T>     \
    void operator()(const E&, Fsm& fsm, S&, T&) const { \
      Do(*fsm.step);                                    \
    }                                                   \
    static void Do(Step& s);                            \
  }
#define PF_GUARD(Type)                                  \
  struct Type {                                         \
    template <class E, class Fsm, class S, class T>     \
    bool operator()(const E&, Fsm& fsm, S&, T&) const { \
      return Test(*fsm.step);                           \
    }                                                   \
    static bool Test(const Step& s);                    \
  }

// A state that arms its deadline on entry and cancels it on exit. Derived supplies kName, kTimer
// and Enter(Step&), which arms the timer and does whatever else entering means.
template <class Derived>
struct TimedState : msmf::state<> {
  template <class E, class Fsm>
  void on_entry(const E&, Fsm& fsm) {
    Derived::Enter(*fsm.step);
  }
  template <class E, class Fsm>
  void on_exit(const E&, Fsm& fsm) {
    Cancel(*fsm.step, Derived::kTimer);
  }
};

// The front-end every machine derives from: an event a state does not accept is reported by
// Run() from MSM's HandledEnum, never asserted; an exception in an action becomes a Status.
template <class Derived>
struct FrontBase : msmf::state_machine_def<Derived> {
  Step* step = nullptr;
  template <class Fsm, class E>
  void no_transition(const E&, Fsm&, int) {}
  template <class Fsm, class E>
  void exception_caught(const E&, Fsm& fsm, std::exception& e) {
    fsm.step->error = Status::Error(
        Code::kInternal, std::string("workflow action failed: ") + e.what(), "流程处理出错");
  }
};

// MSM's own serialize() reads and writes the active state ids through an archive; this one moves
// only the state id in or out, so a restore runs no entry action.
class StateIdArchive {
 public:
  StateIdArchive(bool loading, int id) : loading_(loading), id_(id) {}
  template <class T>
  StateIdArchive& operator&(T&) {
    return *this;
  }
  StateIdArchive& operator&(int (&states)[1]) {
    if (loading_)
      states[0] = id_;
    else
      id_ = states[0];
    return *this;
  }
  int id() const { return id_; }

 private:
  bool loading_;
  int id_;
};

template <class FrontT, class Events>
class Runner {
 public:
  using Machine = boost::msm::back::state_machine<FrontT>;

  Runner() {
    using States = typename boost::msm::back::generate_state_set<typename Machine::stt>::type;
    mpl::for_each<States, boost::msm::wrap<mpl::placeholders::_1>>(Collect{this});
    mpl::for_each<Events, boost::msm::wrap<mpl::placeholders::_1>>(CollectEvent{this});
  }

  int IdOf(const std::string& name) const {
    auto it = ids_.find(name);
    return it == ids_.end() ? -1 : it->second;
  }
  std::string NameOf(int id) const {
    auto it = names_.find(id);
    return it == names_.end() ? "" : it->second;
  }
  std::vector<std::string> StateNames() const {
    std::vector<std::string> out;
    for (const auto& [name, id] : ids_) out.push_back(name);
    return out;
  }

  // Rebuilds the machine in the stored state (no entry action runs) and processes one event.
  Result<StepResult> Run(const Application& app, const Event& event, const StepContext& ctx) const {
    const int id = IdOf(app.state);
    if (id < 0) {
      return Status::Error(Code::kInternal, "stored state " + app.state + " is unknown",
                           "办件状态 " + app.state + " 无法识别");
    }
    Step step;
    step.ctx = &ctx;
    step.data = &event.data;
    step.app = app;
    Machine sm;
    sm.step = &step;
    StateIdArchive in(true, id);
    sm.serialize(in, 0);

    StepResult out;
    Status s = Dispatch(sm, step, event.name, ctx.actor.name, event.payload_json, &out);
    if (!s.ok()) return s;
    // System follow-ups (approve on the spot) are events of their own, with their own rows.
    while (!step.follow_ups.empty()) {
      const std::string next = step.follow_ups.front();
      step.follow_ups.erase(step.follow_ups.begin());
      s = Dispatch(sm, step, next, Actor::System().name, "{}", &out);
      if (!s.ok()) return s;
    }
    out.app = std::move(step.app);
    out.effects = std::move(step.effects);
    return out;
  }

 private:
  struct Collect {
    Runner* self;
    template <class S>
    void operator()(const boost::msm::wrap<S>&) const {
      const int id = boost::msm::back::get_state_id<typename Machine::stt, S>::value;
      self->ids_[S::kName] = id;
      self->names_[id] = S::kName;
    }
  };

  int CurrentId(Machine& sm) const {
    StateIdArchive outv(false, -1);
    sm.serialize(outv, 0);
    return outv.id();
  }

  template <class E>
  static boost::msm::back::HandledEnum Fire(Machine& sm) {
    return sm.process_event(E());
  }
  struct CollectEvent {
    Runner* self;
    template <class E>
    void operator()(const boost::msm::wrap<E>&) const {
      self->events_[E::kName] = &Fire<E>;
    }
  };

  Status Dispatch(Machine& sm, Step& step, const std::string& name, const std::string& actor,
                  const std::string& payload, StepResult* out) const {
    const std::string from = NameOf(CurrentId(sm));
    auto it = events_.find(name);
    const auto handled = it == events_.end() ? boost::msm::back::HANDLED_FALSE : it->second(sm);
    if (!step.error.ok()) return step.error;
    if (handled != boost::msm::back::HANDLED_TRUE) {
      return Status::Error(
          Code::kInvalidTransition, "state " + from + " does not accept event " + name,
          "当前状态 " + from + " 不能执行操作 " + name, {{"state", {from}}, {"event", {name}}});
    }
    HistoryEntry h;
    h.event = name;
    h.from_state = from;
    step.app.state = h.to_state = NameOf(CurrentId(sm));
    h.actor = actor;
    h.at = step.ctx->now;
    h.payload_json = payload;
    h.note = std::move(step.note);
    out->history.push_back(std::move(h));
    step.note.clear();
    return Status::Ok();
  }

  std::map<std::string, int> ids_;
  std::map<int, std::string> names_;
  std::map<std::string, boost::msm::back::HandledEnum (*)(Machine&)> events_;
};

}  // namespace machine
}  // namespace permitflow
