// Item definitions as JSON documents, and the catalogue's CSV columns. Parsing checks types and the
// item's rules (engine/item.hpp) together and reports every offending JSON path in one answer.
// Stateless functions; safe from any thread.
#pragma once

#include <string>
#include <vector>

#include "engine/item.hpp"
#include "engine/ports.hpp"
#include "engine/status.hpp"

namespace permitflow {

// kInvalidItem with details {"paths": [...], "errors": ["$.path: message", ...]}, or the
// definition.
Result<ItemDefinition> ParseItemJson(const std::string& json,
                                     const std::vector<Department>& departments);
// Compact JSON of a definition document as saved (keys in their given order).
Result<std::string> NormalizeJson(const std::string& json);

// One definition document per data row of a catalogue CSV (UTF-8, with or without a BOM):
// 事项名称, 设定依据, 审批部门 (name or id), 改革方式 (its Chinese name or cancel/filing/...),
// optionally 事项编码, 设定层级, 监管部门, 具体改革举措, 加强事中事后监管措施, 生效日期.
// A row that cannot become a document is an ImportProblem.
struct CsvRows {
  std::vector<std::pair<int, std::string>> documents;  // (row, JSON)
  std::vector<ImportProblem> problems;
};
Result<CsvRows> CatalogueCsvToJson(const std::string& csv,
                                   const std::vector<Department>& departments);

}  // namespace permitflow
