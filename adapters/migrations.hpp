// Numbered schema migrations, applied in order at start-up and recorded in schema_version.
#pragma once

#include <soci/soci.h>

#include <string>
#include <vector>

namespace permitflow {

struct Migration {
  int version;
  const char* description;
  std::vector<std::string> statements;
};

const std::vector<Migration>& Migrations();
// Applies every migration newer than the recorded version, each in its own transaction.
// Returns the schema version now in force. Throws soci::soci_error.
int ApplyMigrations(soci::session& sql);

}  // namespace permitflow
