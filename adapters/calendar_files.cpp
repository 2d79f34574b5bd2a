#include "adapters/calendar_files.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <vector>

namespace permitflow {

namespace {

Status LineError(const std::string& name, int line, const std::string& what,
                 const std::string& what_zh) {
  const std::string where = name + ":" + std::to_string(line);
  return Status::Error(Code::kInvalidArgument, where + ": " + what, where + "：" + what_zh,
                       {{"file", {name}}, {"line", {std::to_string(line)}}});
}

}  // namespace

Result<CalendarYear> ParseCalendarFile(const std::string& text, int year, const std::string& name) {
  CalendarYear out;
  out.year = year;
  std::vector<std::pair<long, long>> ranges;  // to find overlaps
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto hash = line.find('#');
    if (hash != std::string::npos) line.erase(hash);
    std::istringstream words(line);
    std::string verb, first, last, extra;
    if (!(words >> verb)) continue;
    words >> first >> last >> extra;
    if (verb != "off" && verb != "work") {
      return LineError(name, number,
                       "expected 'off FIRST [LAST]' or 'work DAY', not '" + verb + "'",
                       "应为 off（放假）或 work（调休上班）");
    }
    if (first.empty() || !extra.empty() || (verb == "work" && !last.empty())) {
      return LineError(name, number, "wrong number of dates", "日期个数不正确");
    }
    auto d1 = ParseDate(first);
    auto d2 = last.empty() ? d1 : ParseDate(last);
    if (!d1 || !d2) {
      return LineError(name, number, "not a date (YYYY-MM-DD)", "日期无法识别（应为 YYYY-MM-DD）");
    }
    const long a = DaysFromCivil(*d1), b = DaysFromCivil(*d2);
    if (b < a)
      return LineError(name, number, "the range ends before it starts", "日期范围首尾颠倒");
    if (d2->year != year || d1->year < year - 1) {
      return LineError(name, number, "the dates are not in " + std::to_string(year),
                       "日期不属于 " + std::to_string(year) + " 年");
    }
    for (const auto& [ra, rb] : ranges) {
      if (a <= rb && ra <= b) {
        return LineError(name, number, "overlaps an earlier line", "与前面的日期重叠");
      }
    }
    ranges.emplace_back(a, b);
    if (verb == "work") {
      const int wd = Weekday(*d1);
      if (wd != 0 && wd != 6) {
        return LineError(name, number, first + " is not a weekend day", first + " 不是周末");
      }
      out.extra_workdays.insert(a);
    } else {
      for (long d = a; d <= b; ++d) out.days_off.insert(d);
    }
  }
  return out;
}

Result<WorkingCalendar> LoadCalendarFolder(const std::string& folder) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) {
    return Status::Error(Code::kNotFound, "calendar folder " + folder + " not found",
                         "未找到工作日历目录 " + folder);
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder)) {
    static const std::regex kName("^[0-9]{4}\\.txt$");
    if (entry.is_regular_file() && std::regex_match(entry.path().filename().string(), kName))
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  WorkingCalendar calendar;
  for (const auto& path : files) {
    std::ifstream f(path);
    std::stringstream text;
    text << f.rdbuf();
    const int year = std::stoi(path.stem().string());
    auto parsed = ParseCalendarFile(text.str(), year, path.filename().string());
    if (!parsed.ok()) return parsed.status();
    calendar.AddYear(std::move(parsed.value()));
  }
  return calendar;
}

}  // namespace permitflow
