// The workflows of the reform methods, one Boost.MSM machine each, behind the engine's Workflow
// port. 直接取消审批 (cancel) has no workflow: no application exists for it.
#pragma once

#include <memory>
#include <vector>

#include "engine/workflow.hpp"

namespace permitflow {

std::unique_ptr<Workflow> MakeCommitmentWorkflow();
std::unique_ptr<Workflow> MakeFilingWorkflow();
std::unique_ptr<Workflow> MakeOptimizeWorkflow();

// All of them, for main and the tests.
std::vector<std::unique_ptr<Workflow>> MakeAllWorkflows();

}  // namespace permitflow
