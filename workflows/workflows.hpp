// The workflows of the reform methods, one Boost.MSM machine each, behind the engine's Workflow
// port.
#pragma once

#include <memory>

#include "engine/workflow.hpp"

namespace permitflow {

std::unique_ptr<Workflow> MakeCommitmentWorkflow();

}  // namespace permitflow
