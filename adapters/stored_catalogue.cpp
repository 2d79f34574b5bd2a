#include "adapters/stored_catalogue.hpp"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "adapters/item_json.hpp"

namespace permitflow {

namespace {

Status NoItem(const std::string& code) {
  return Status::Error(Code::kUnknownItem, "item " + code + " is not in the catalogue",
                       "事项清单中没有事项 " + code, {{"item_code", {code}}});
}

std::string ReadFile(const std::string& path, bool* ok) {
  std::ifstream in(path);
  *ok = static_cast<bool>(in);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

Result<std::unique_ptr<StoredCatalogue>> StoredCatalogue::Open(SqlStore& store) {
  std::unique_ptr<StoredCatalogue> c(new StoredCatalogue(store));
  auto departments = store.LoadDepartments();
  if (!departments.ok()) return departments.status();
  c->departments_ = departments.value();
  auto rows = store.LoadItems();
  if (!rows.ok()) return rows.status();
  for (const auto& info : rows.value()) {
    auto def = c->Parse(info);
    if (!def.ok()) {
      return Status::Error(Code::kInternal,
                           "stored item " + info.code + " v" + std::to_string(info.version) +
                               " no longer parses: " + def.status().message(),
                           "已存储的事项定义无法解析");
    }
    c->items_[info.code].push_back({info, def.value()});
  }
  return c;
}

Result<std::shared_ptr<const ItemDefinition>> StoredCatalogue::Parse(
    const ItemVersionInfo& info) const {
  auto parsed = ParseItemJson(info.json, departments_);
  if (!parsed.ok()) return parsed.status();
  ItemDefinition d = parsed.value();
  d.version = info.version;
  d.retired = info.status == "retired";
  return std::shared_ptr<const ItemDefinition>(std::make_shared<ItemDefinition>(std::move(d)));
}

const StoredCatalogue::Entry* StoredCatalogue::Current(const std::string& code) const {
  auto it = items_.find(code);
  if (it == items_.end()) return nullptr;
  for (auto e = it->second.rbegin(); e != it->second.rend(); ++e)
    if (e->info.status == "published" || e->info.status == "retired") return &*e;
  return nullptr;
}

std::shared_ptr<const ItemDefinition> StoredCatalogue::Find(const std::string& code,
                                                            int version) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (version == 0) {
    const Entry* e = Current(code);
    return e ? e->definition : nullptr;
  }
  auto it = items_.find(code);
  if (it == items_.end()) return nullptr;
  for (const auto& e : it->second)
    if (e.info.version == version && e.info.status != "draft") return e.definition;
  return nullptr;
}

std::vector<std::shared_ptr<const ItemDefinition>> StoredCatalogue::All() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::shared_ptr<const ItemDefinition>> out;
  for (const auto& [code, _] : items_) {
    const Entry* e = Current(code);
    if (e && e->info.status == "published") out.push_back(e->definition);
  }
  return out;
}

Status StoredCatalogue::Write(const std::vector<Entry>& changed) {
  std::vector<ItemVersionInfo> rows;
  for (const auto& e : changed) rows.push_back(e.info);
  Status s = store_.WriteItems(rows);
  if (!s.ok()) return s;
  for (const auto& e : changed) {
    auto& versions = items_[e.info.code];
    bool replaced = false;
    for (auto& existing : versions) {
      if (existing.info.version == e.info.version) {
        existing = e;
        replaced = true;
      }
    }
    if (!replaced) versions.push_back(e);
  }
  return Status::Ok();
}

Result<ItemVersionInfo> StoredCatalogue::SaveDraft(const std::string& json, const std::string& code,
                                                   Instant at) {
  std::lock_guard<std::mutex> lock(mu_);
  auto parsed = ParseItemJson(json, departments_);
  if (!parsed.ok()) return parsed.status();
  const std::string item_code = parsed->code;
  if (code.empty() && items_.count(item_code)) {
    return Status::Error(
        Code::kConflict,
        "item " + item_code + " exists; change it with PUT /api/v1/items/" + item_code + "/draft",
        "事项 " + item_code + " 已存在", {{"item_code", {item_code}}});
  }
  if (!code.empty() && code != item_code) {
    return InvalidArgument("$.code", "must be " + code + ", the item being edited",
                           "应与所编辑事项的编码 " + code + " 一致");
  }
  if (!code.empty() && !items_.count(code)) return NoItem(code);
  auto normalized = NormalizeJson(json);
  if (!normalized.ok()) return normalized.status();
  Entry e;
  e.info.code = item_code;
  e.info.status = "draft";
  e.info.json = normalized.value();
  e.info.saved_at = at;
  e.info.version = 1;
  for (const auto& existing : items_[item_code]) {
    if (existing.info.status == "draft") {
      e.info.version = existing.info.version;  // a draft is replaced, not stacked
      break;
    }
    e.info.version = existing.info.version + 1;
  }
  if (items_[item_code].empty()) items_.erase(item_code);
  ItemDefinition d = parsed.value();
  d.version = e.info.version;
  e.definition = std::make_shared<ItemDefinition>(std::move(d));
  Status s = Write({e});
  if (!s.ok()) return s;
  return e.info;
}

Result<ItemVersionInfo> StoredCatalogue::Publish(const std::string& code, Instant at) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = items_.find(code);
  if (it == items_.end()) return NoItem(code);
  std::vector<Entry> changed;
  Entry draft;
  bool found = false;
  for (const auto& e : it->second) {
    if (e.info.status == "draft") {
      draft = e;
      found = true;
    } else if (e.info.status == "published" || e.info.status == "retired") {
      Entry old = e;
      old.info.status = "superseded";
      changed.push_back(old);
    }
  }
  if (!found) {
    return Status::Error(Code::kNotFound, "item " + code + " has no draft to publish",
                         "事项 " + code + " 没有待发布的草稿", {{"item_code", {code}}});
  }
  draft.info.status = "published";
  draft.info.published_at = at;
  changed.push_back(draft);
  Status s = Write(changed);
  if (!s.ok()) return s;
  return draft.info;
}

Result<ItemVersionInfo> StoredCatalogue::Retire(const std::string& code, Instant at) {
  std::lock_guard<std::mutex> lock(mu_);
  const Entry* current = Current(code);
  if (!current || current->info.status != "published") {
    return current ? Status::Error(Code::kItemRetired, "item " + code + " is retired already",
                                   "事项 " + code + " 已停用")
                   : NoItem(code);
  }
  Entry e = *current;
  e.info.status = "retired";
  e.info.saved_at = at;
  auto def = std::make_shared<ItemDefinition>(*e.definition);
  def->retired = true;
  e.definition = def;
  Status s = Write({e});
  if (!s.ok()) return s;
  return e.info;
}

Result<std::vector<ItemVersionInfo>> StoredCatalogue::Versions(const std::string& code) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = items_.find(code);
  if (it == items_.end()) return NoItem(code);
  std::vector<ItemVersionInfo> out;
  for (const auto& e : it->second) out.push_back(e.info);
  return out;
}

Result<ImportReport> StoredCatalogue::Import(const std::string& text, bool all_or_nothing,
                                             Instant at) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::pair<int, std::string>> documents;
  ImportReport report;
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '[') {
    try {
      Poco::JSON::Parser parser;
      auto array = parser.parse(text).extract<Poco::JSON::Array::Ptr>();
      for (unsigned i = 0; i < array->size(); ++i) {
        std::ostringstream out;
        Poco::JSON::Stringifier::condense(array->get(i), out);
        documents.emplace_back(static_cast<int>(i) + 1, out.str());
      }
    } catch (const Poco::Exception& e) {
      return Status::Error(Code::kMalformedJson, "the file is not a JSON array: " + e.displayText(),
                           "文件不是有效的 JSON 数组");
    }
  } else {
    auto rows = CatalogueCsvToJson(text, departments_);
    if (!rows.ok()) return rows.status();
    documents = rows->documents;
    report.rejected = rows->problems;
  }
  std::vector<Entry> changed;
  std::map<std::string, int> seen;  // code -> row
  for (const auto& [row, json] : documents) {
    auto parsed = ParseItemJson(json, departments_);
    if (!parsed.ok()) {
      std::string reason = parsed.status().message();
      if (parsed.status().details().count("errors")) {
        reason.clear();
        for (const auto& e : parsed.status().details().at("errors"))
          reason += (reason.empty() ? "" : "; ") + e;
      }
      report.rejected.push_back({row, reason});
      continue;
    }
    const std::string code = parsed->code;
    if (seen.count(code)) {
      report.rejected.push_back(
          {row, "code " + code + " repeats row " + std::to_string(seen[code])});
      continue;
    }
    seen[code] = row;
    int version = 1;
    for (const auto& e : items_[code]) {
      version = std::max(version, e.info.version + 1);
      if (e.info.status == "published" || e.info.status == "retired") {
        Entry old = e;
        old.info.status = "superseded";
        changed.push_back(old);
      }
    }
    if (items_[code].empty()) items_.erase(code);
    Entry e;
    e.info = {code, version, "published", json, at, at};
    ItemDefinition d = parsed.value();
    d.version = version;
    e.definition = std::make_shared<ItemDefinition>(std::move(d));
    changed.push_back(e);
    report.imported.push_back(code);
  }
  std::sort(report.rejected.begin(), report.rejected.end(),
            [](const ImportProblem& a, const ImportProblem& b) { return a.row < b.row; });
  if (all_or_nothing && !report.rejected.empty()) {
    report.applied = false;
    report.imported.clear();
    return report;
  }
  Status s = Write(changed);
  if (!s.ok()) return s;
  return report;
}

std::vector<Department> StoredCatalogue::Departments() const {
  std::lock_guard<std::mutex> lock(mu_);
  return departments_;
}

Status StoredCatalogue::SaveDepartment(const Department& d) {
  if (d.id.empty() ||
      d.id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos)
    return InvalidArgument("id", "must be lower-case letters, digits and _",
                           "应为小写字母、数字和下划线");
  if (d.name.empty()) return InvalidArgument("name", "is required", "为必填项");
  std::lock_guard<std::mutex> lock(mu_);
  Status s = store_.SaveDepartment(d);
  if (!s.ok()) return s;
  for (auto& existing : departments_) {
    if (existing.id == d.id) {
      existing.name = d.name;
      return Status::Ok();
    }
  }
  departments_.push_back(d);
  return Status::Ok();
}

Status StoredCatalogue::SeedIfEmpty(const std::string& folder, Instant at) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!departments_.empty() || !items_.empty()) return Status::Ok();
  }
  bool ok = false;
  const std::string departments = ReadFile(folder + "/departments.json", &ok);
  if (!ok) return NotFound("file", "文件", folder + "/departments.json");
  try {
    Poco::JSON::Parser parser;
    auto array = parser.parse(departments).extract<Poco::JSON::Array::Ptr>();
    for (unsigned i = 0; i < array->size(); ++i) {
      auto o = array->getObject(i);
      if (!o) return InvalidArgument("departments.json", "must list objects", "应为对象列表");
      Status s = SaveDepartment(
          {o->optValue<std::string>("id", ""), o->optValue<std::string>("name", "")});
      if (!s.ok()) return s;
    }
  } catch (const Poco::Exception& e) {
    return Status::Error(Code::kMalformedJson, "departments.json: " + e.displayText(),
                         "departments.json 格式错误");
  }
  const std::string items = ReadFile(folder + "/items.json", &ok);
  if (!ok) return NotFound("file", "文件", folder + "/items.json");
  auto report = Import(items, true, at);
  if (!report.ok()) return report.status();
  if (!report->applied) {
    const auto& p = report->rejected.front();
    return InvalidArgument("items.json", "row " + std::to_string(p.row) + ": " + p.reason,
                           "第 " + std::to_string(p.row) + " 项有误");
  }
  return Status::Ok();
}

}  // namespace permitflow
