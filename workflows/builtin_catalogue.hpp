// The built-in item table the engine runs until admins define items (issue "Item catalogue").
// Immutable after construction; safe from any thread.
#pragma once

#include <memory>
#include <vector>

#include "engine/ports.hpp"

namespace permitflow {

class BuiltinCatalogue : public Catalogue {
 public:
  BuiltinCatalogue();
  std::shared_ptr<const ItemDefinition> Find(const std::string& code, int version) const override;
  std::vector<std::shared_ptr<const ItemDefinition>> All() const override { return items_; }

 private:
  std::vector<std::shared_ptr<const ItemDefinition>> items_;
};

}  // namespace permitflow
