#include "adapters/item_json.hpp"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <algorithm>
#include <map>
#include <sstream>

namespace permitflow {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

// Collects every problem while reading a definition.
class Reader {
 public:
  std::vector<ItemProblem> problems;

  void Problem(const std::string& path, const std::string& message) {
    problems.push_back({path, message});
  }

  bool String(const Object::Ptr& o, const std::string& key, const std::string& path, bool required,
              std::string* out) {
    if (!o->has(key) || o->isNull(key)) {
      if (required) Problem(path, "is required");
      return false;
    }
    auto v = o->get(key);
    if (!v.isString()) {
      Problem(path, "must be a string");
      return false;
    }
    *out = v.extract<std::string>();
    if (required && out->empty()) Problem(path, "must not be empty");
    return true;
  }

  void Strings(const Object::Ptr& o, const std::string& key, const std::string& path, bool required,
               std::vector<std::string>* out) {
    if (!o->has(key) || o->isNull(key)) {
      if (required) Problem(path, "is required");
      return;
    }
    auto a = o->getArray(key);
    if (!a) {
      Problem(path, "must be a list of strings");
      return;
    }
    for (unsigned i = 0; i < a->size(); ++i) {
      auto v = a->get(i);
      if (!v.isString())
        Problem(path + "[" + std::to_string(i) + "]", "must be a string");
      else
        out->push_back(v.extract<std::string>());
    }
    if (required && out->empty()) Problem(path, "must list at least one");
  }

  void Bool(const Object::Ptr& o, const std::string& key, const std::string& path, bool* out) {
    if (!o->has(key) || o->isNull(key)) return;
    auto v = o->get(key);
    if (!v.isBoolean())
      Problem(path, "must be true or false");
    else
      *out = v.extract<bool>();
  }

  bool Duration(const Object::Ptr& o, const std::string& key, const std::string& path,
                permitflow::Duration* out) {
    if (!o->has(key) || o->isNull(key)) return false;
    auto d = o->getObject(key);
    if (!d) {
      Problem(path, "must be {\"value\": N, \"unit\": \"working_days\" | \"days\"}");
      return false;
    }
    auto v = d->get("value");
    if (v.isEmpty() || !v.isInteger()) {
      Problem(path + ".value", "must be an integer");
    } else {
      out->value = v.convert<int>();
    }
    std::string unit = "working_days";
    if (d->has("unit")) String(d, "unit", path + ".unit", true, &unit);
    if (unit == "working_days")
      out->unit = Duration::Unit::kWorkingDays;
    else if (unit == "days")
      out->unit = Duration::Unit::kDays;
    else
      Problem(path + ".unit", "must be working_days or days");
    return true;
  }
};

std::string Stringify(const Poco::Dynamic::Var& v) {
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(v, out);
  return out.str();
}

Status Invalid(const std::vector<ItemProblem>& problems) {
  std::vector<std::string> paths, errors;
  for (const auto& p : problems) {
    paths.push_back(p.path);
    errors.push_back(p.path + ": " + p.message);
  }
  std::string first = errors.front();
  return Status::Error(
      Code::kInvalidItem,
      "the item definition has " + std::to_string(problems.size()) + " problem(s), first " + first,
      "事项定义有 " + std::to_string(problems.size()) + " 处错误：" + first,
      {{"paths", paths}, {"errors", errors}});
}

}  // namespace

Result<std::string> NormalizeJson(const std::string& json) {
  try {
    Poco::JSON::Parser parser;
    return Stringify(parser.parse(json));
  } catch (const Poco::Exception& e) {
    return Status::Error(Code::kMalformedJson,
                         "the definition is not valid JSON: " + e.displayText(),
                         "事项定义不是有效的 JSON");
  }
}

Result<ItemDefinition> ParseItemJson(const std::string& json,
                                     const std::vector<Department>& departments) {
  Object::Ptr o;
  try {
    Poco::JSON::Parser parser;
    auto v = parser.parse(json);
    if (v.type() != typeid(Object::Ptr)) {
      return Status::Error(Code::kMalformedJson, "an item definition is a JSON object",
                           "事项定义应为 JSON 对象");
    }
    o = v.extract<Object::Ptr>();
  } catch (const Poco::Exception& e) {
    return Status::Error(Code::kMalformedJson,
                         "the definition is not valid JSON: " + e.displayText(),
                         "事项定义不是有效的 JSON");
  }
  Reader r;
  ItemDefinition item;
  r.String(o, "code", "$.code", true, &item.code);
  r.String(o, "name", "$.name", true, &item.name);
  r.String(o, "level", "$.level", true, &item.level);
  r.Strings(o, "legal_basis", "$.legal_basis", true, &item.legal_basis);
  r.String(o, "approving_department", "$.approving_department", true, &item.approving_department);
  r.Strings(o, "supervising_departments", "$.supervising_departments", false,
            &item.supervising_departments);
  r.String(o, "reform_method", "$.reform_method", true, &item.reform_method);
  r.String(o, "reform_measures", "$.reform_measures", false, &item.reform_measures);
  r.String(o, "supervision_measures", "$.supervision_measures", false, &item.supervision_measures);
  r.Strings(o, "conditions", "$.conditions", false, &item.conditions);
  r.Strings(o, "scope_terms", "$.scope_terms", false, &item.scope_terms);
  std::string effective;
  if (r.String(o, "effective_from", "$.effective_from", true, &effective)) {
    auto d = ParseDate(effective);
    if (d)
      item.effective_from = *d;
    else
      r.Problem("$.effective_from", "must be a date YYYY-MM-DD");
  }
  if (o->has("materials") && !o->isNull("materials")) {
    auto a = o->getArray("materials");
    if (!a) r.Problem("$.materials", "must be a list");
    for (unsigned i = 0; a && i < a->size(); ++i) {
      const std::string path = "$.materials[" + std::to_string(i) + "]";
      auto m = a->getObject(i);
      if (!m) {
        r.Problem(path, "must be an object");
        continue;
      }
      MaterialSpec spec;
      r.String(m, "id", path + ".id", true, &spec.id);
      r.String(m, "name", path + ".name", true, &spec.name);
      std::string when;
      r.String(m, "when", path + ".when", true, &when);
      if (when == "upfront")
        spec.when = MaterialSpec::When::kUpfront;
      else if (when == "deferred")
        spec.when = MaterialSpec::When::kDeferred;
      else if (when == "on_inspection")
        spec.when = MaterialSpec::When::kOnInspection;
      else if (!when.empty())
        r.Problem(path + ".when", "must be upfront, deferred or on_inspection");
      r.Duration(m, "due", path + ".due", &spec.due_within);
      std::string due_date;
      if (r.String(m, "due_date", path + ".due_date", false, &due_date)) {
        spec.due_date = ParseDate(due_date);
        if (!spec.due_date) r.Problem(path + ".due_date", "must be a date YYYY-MM-DD");
      }
      item.materials.push_back(spec);
    }
  }
  r.Duration(o, "commitment_window", "$.commitment_window", &item.commitment_window);
  r.Duration(o, "correction_window", "$.correction_window", &item.correction_window);
  r.Duration(o, "rectification_window", "$.rectification_window", &item.rectification_window);
  r.Duration(o, "statutory_time_limit", "$.statutory_time_limit", &item.statutory_time_limit);
  r.Bool(o, "decide_on_commit", "$.decide_on_commit", &item.decide_on_commit);
  if (o->has("verification") && !o->isNull("verification")) {
    auto v = o->getObject("verification");
    if (!v) {
      r.Problem("$.verification", "must be an object");
    } else {
      std::string mode;
      r.String(v, "mode", "$.verification.mode", true, &mode);
      if (mode == "all")
        item.verification.mode = VerificationSpec::Mode::kAll;
      else if (mode == "sample")
        item.verification.mode = VerificationSpec::Mode::kSample;
      else if (mode == "none")
        item.verification.mode = VerificationSpec::Mode::kNone;
      else if (!mode.empty())
        r.Problem("$.verification.mode", "must be all, sample or none");
      if (v->has("ratio")) {
        auto ratio = v->get("ratio");
        if (!ratio.isNumeric())
          r.Problem("$.verification.ratio", "must be a number");
        else
          item.verification.ratio = ratio.convert<double>();
      }
      r.Duration(v, "within", "$.verification.within", &item.verification.within);
    }
  }
  if (o->has("review_stages") && !o->isNull("review_stages")) {
    auto a = o->getArray("review_stages");
    if (!a) r.Problem("$.review_stages", "must be a list");
    for (unsigned i = 0; a && i < a->size(); ++i) {
      const std::string path = "$.review_stages[" + std::to_string(i) + "]";
      auto st = a->getObject(i);
      if (!st) {
        r.Problem(path, "must be an object");
        continue;
      }
      ReviewStage stage;
      r.String(st, "name", path + ".name", true, &stage.name);
      r.String(st, "department", path + ".department", true, &stage.department);
      if (!r.Duration(st, "time_limit", path + ".time_limit", &stage.time_limit))
        r.Problem(path + ".time_limit", "is required");
      item.review_stages.push_back(stage);
    }
  }
  std::vector<std::string> ids;
  for (const auto& d : departments) ids.push_back(d.id);
  // Rule checks need the fields that parsed; the type problems above are reported with them.
  for (auto& p : CheckItemRules(item, ids)) {
    const bool repeated = std::any_of(r.problems.begin(), r.problems.end(),
                                      [&](const ItemProblem& q) { return q.path == p.path; });
    if (!repeated) r.problems.push_back(p);
  }
  if (!r.problems.empty()) return Invalid(r.problems);
  return item;
}

namespace {

// RFC 4180 fields: quotes, doubled quotes, commas and newlines inside quotes, CRLF.
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  size_t i = 0;
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;  // UTF-8 BOM
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      row.push_back(field);
      field.clear();
      rows.push_back(row);
      row.clear();
    } else {
      field += c;
    }
  }
  if (!field.empty() || !row.empty()) {
    row.push_back(field);
    rows.push_back(row);
  }
  return rows;
}

std::string Trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t");
  const auto b = s.find_last_not_of(" \t");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

// Several entries in one cell: separated by the Chinese or the Latin semicolon, or a newline.
std::vector<std::string> SplitCell(const std::string& cell) {
  std::vector<std::string> out;
  std::string current;
  for (size_t i = 0; i < cell.size(); ++i) {
    if (cell[i] == ';' || cell[i] == '\n') {
      if (!Trim(current).empty()) out.push_back(Trim(current));
      current.clear();
    } else if (cell.compare(i, 3, "；") == 0) {
      if (!Trim(current).empty()) out.push_back(Trim(current));
      current.clear();
      i += 2;
    } else {
      current += cell[i];
    }
  }
  if (!Trim(current).empty()) out.push_back(Trim(current));
  return out;
}

std::string CodeFor(const std::string& name) {
  unsigned long long h = 1469598103934665603ULL;  // FNV-1a: a stable code for an unnamed row
  for (unsigned char c : name) h = (h ^ c) * 1099511628211ULL;
  std::ostringstream out;
  out << "item_" << std::hex << (h & 0xffffffffffULL);
  return out.str();
}

}  // namespace

Result<CsvRows> CatalogueCsvToJson(const std::string& csv,
                                   const std::vector<Department>& departments) {
  const auto rows = ParseCsv(csv);
  if (rows.empty()) return InvalidArgument("csv", "is empty", "为空");
  std::map<std::string, size_t> column;
  for (size_t i = 0; i < rows[0].size(); ++i) column[Trim(rows[0][i])] = i;
  for (const char* required : {"事项名称", "设定依据", "审批部门", "改革方式"}) {
    if (!column.count(required)) {
      return InvalidArgument("csv", std::string("the header lacks the column ") + required,
                             std::string("表头缺少列 ") + required);
    }
  }
  static const std::map<std::string, std::string> kMethods = {
      {"直接取消审批", "cancel"},   {"审批改为备案", "filing"}, {"实行告知承诺", "commitment"},
      {"优化审批服务", "optimize"}, {"cancel", "cancel"},       {"filing", "filing"},
      {"commitment", "commitment"}, {"optimize", "optimize"}};
  static const std::map<std::string, std::string> kLevels = {
      {"中央层面", "central"}, {"省级层面", "provincial"},   {"地方", "local"},
      {"central", "central"},  {"provincial", "provincial"}, {"local", "local"}};
  auto department = [&](const std::string& cell) -> std::string {
    for (const auto& d : departments)
      if (d.id == cell || d.name == cell) return d.id;
    return "";
  };
  CsvRows out;
  for (size_t r = 1; r < rows.size(); ++r) {
    const int number = static_cast<int>(r);
    auto cell = [&](const char* name) -> std::string {
      auto it = column.find(name);
      return it == column.end() || it->second >= rows[r].size() ? "" : Trim(rows[r][it->second]);
    };
    if (std::all_of(rows[r].begin(), rows[r].end(),
                    [](const std::string& f) { return Trim(f).empty(); }))
      continue;  // a blank line
    std::vector<std::string> reasons;
    const std::string name = cell("事项名称");
    if (name.empty()) reasons.push_back("事项名称 is empty");
    const auto method = kMethods.find(cell("改革方式"));
    if (method == kMethods.end())
      reasons.push_back("改革方式 '" + cell("改革方式") + "' is not one of the four");
    const std::string approving = department(cell("审批部门"));
    if (approving.empty())
      reasons.push_back("审批部门 '" + cell("审批部门") + "' is not a known department");
    std::vector<std::string> supervising;
    for (const auto& s : SplitCell(cell("监管部门"))) {
      const std::string id = department(s);
      if (id.empty())
        reasons.push_back("监管部门 '" + s + "' is not a known department");
      else
        supervising.push_back(id);
    }
    if (supervising.empty() && !approving.empty()) supervising.push_back(approving);
    std::string level = "central";
    if (!cell("设定层级").empty()) {
      auto l = kLevels.find(cell("设定层级"));
      if (l == kLevels.end())
        reasons.push_back("设定层级 '" + cell("设定层级") + "' is not 中央层面, 省级层面 or 地方");
      else
        level = l->second;
    }
    if (!reasons.empty()) {
      std::string joined;
      for (const auto& x : reasons) joined += (joined.empty() ? "" : "; ") + x;
      out.problems.push_back({number, joined});
      continue;
    }
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("code", cell("事项编码").empty() ? CodeFor(name) : cell("事项编码"));
    o->set("name", name);
    o->set("level", level);
    Array::Ptr basis = new Array();
    for (const auto& b : SplitCell(cell("设定依据"))) basis->add(b);
    o->set("legal_basis", basis);
    o->set("approving_department", approving);
    Array::Ptr sup = new Array();
    for (const auto& s : supervising) sup->add(s);
    o->set("supervising_departments", sup);
    o->set("reform_method", method->second);
    o->set("reform_measures", cell("具体改革举措"));
    o->set("supervision_measures", cell("加强事中事后监管措施"));
    o->set("effective_from", cell("生效日期").empty() ? "2021-03-01" : cell("生效日期"));
    out.documents.emplace_back(number, Stringify(o));
  }
  return out;
}

}  // namespace permitflow
