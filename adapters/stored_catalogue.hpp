// The item catalogue kept in the store: versioned JSON definitions, published or retired by admins,
// read by the engine from an in-memory copy (Find is on every command's path). A publish applies to
// new applications at once; applications in flight keep the version they started with.
// Thread-safe. One process owns the catalogue: another process's edits are seen after a restart.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "adapters/sql_store.hpp"
#include "engine/ports.hpp"

namespace permitflow {

class StoredCatalogue : public ItemRegistry {
 public:
  static Result<std::unique_ptr<StoredCatalogue>> Open(SqlStore& store);
  // On first start (no departments and no items) loads the bundled files: departments.json
  // ([{"id", "name"}]) and items.json (an array of definitions), all or nothing.
  Status SeedIfEmpty(const std::string& folder, Instant at);

  std::shared_ptr<const ItemDefinition> Find(const std::string& code, int version) const override;
  std::vector<std::shared_ptr<const ItemDefinition>> All() const override;
  Result<ItemVersionInfo> SaveDraft(const std::string& json, const std::string& code,
                                    Instant at) override;
  Result<ItemVersionInfo> Publish(const std::string& code, Instant at) override;
  Result<ItemVersionInfo> Retire(const std::string& code, Instant at) override;
  Result<std::vector<ItemVersionInfo>> Versions(const std::string& code) const override;
  Result<ImportReport> Import(const std::string& text, bool all_or_nothing, Instant at) override;
  std::vector<Department> Departments() const override;
  Status SaveDepartment(const Department& department) override;

 private:
  struct Entry {
    ItemVersionInfo info;
    std::shared_ptr<const ItemDefinition> definition;
  };
  explicit StoredCatalogue(SqlStore& store) : store_(store) {}
  Result<std::shared_ptr<const ItemDefinition>> Parse(const ItemVersionInfo& info) const;
  Status Write(const std::vector<Entry>& changed);      // store first, then memory
  const Entry* Current(const std::string& code) const;  // the published or retired one

  SqlStore& store_;
  mutable std::mutex mu_;
  std::map<std::string, std::vector<Entry>> items_;  // by code, versions ascending
  std::vector<Department> departments_;
};

}  // namespace permitflow
