#include "admin/settings.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/Exception.h>
#include <Poco/Util/LayeredConfiguration.h>
#include <Poco/Util/MapConfiguration.h>
#include <Poco/Util/PropertyFileConfiguration.h>

#include "engine/time.hpp"

namespace permitflow {

Result<Settings> LoadSettings(const std::string& file,
                              const std::map<std::string, std::string>& overrides) {
  Poco::AutoPtr<Poco::Util::LayeredConfiguration> config(new Poco::Util::LayeredConfiguration());
  try {
    if (!file.empty()) {
      config->add(Poco::AutoPtr<Poco::Util::AbstractConfiguration>(
                      new Poco::Util::PropertyFileConfiguration(file)),
                  0);
    }
    Poco::AutoPtr<Poco::Util::MapConfiguration> cli(new Poco::Util::MapConfiguration());
    for (const auto& [k, v] : overrides) cli->setString(k, v);
    config->add(Poco::AutoPtr<Poco::Util::AbstractConfiguration>(cli), -1);

    Settings s;
    s.host = config->getString("server.host", s.host);
    s.port = config->getInt("server.port", s.port);
    s.threads = config->getInt("server.threads", s.threads);
    s.database_url = config->getString("database.url", s.database_url);
    s.principals_file = config->getString("auth.principals_file", s.principals_file);
    s.calendar_dir = config->getString("calendar.dir", s.calendar_dir);
    s.catalogue_dir = config->getString("catalogue.dir", s.catalogue_dir);
    s.queue = config->getInt("server.queue", s.queue);
    s.jwt_secret = config->getString("auth.jwt_hs256_secret", s.jwt_secret);
    s.tls_certificate = config->getString("server.tls_certificate", s.tls_certificate);
    s.tls_private_key = config->getString("server.tls_private_key", s.tls_private_key);
    Poco::Util::AbstractConfiguration::Keys endpoints;
    config->keys("outbox.endpoints", endpoints);
    for (const auto& id : endpoints)
      s.outbox_endpoints[id] = config->getString("outbox.endpoints." + id);
    s.outbox_max_attempts = config->getInt("outbox.max_attempts", s.outbox_max_attempts);
    s.registration_department =
        config->getString("registration.department", s.registration_department);
    s.claim_within_working_days =
        config->getInt("registration.claim_within_working_days", s.claim_within_working_days);
    s.general_terms_file =
        config->getString("registration.general_terms_file", s.general_terms_file);
    s.clock = config->getString("engine.clock", s.clock);
    s.clock_start = config->getString("engine.clock_start", s.clock_start);
    s.timer_batch = config->getInt("timers.batch", s.timer_batch);
    s.timer_max_attempts = config->getInt("timers.max_attempts", s.timer_max_attempts);
    s.timer_backoff_ms = config->getInt("timers.backoff_ms", s.timer_backoff_ms);
    if (s.clock != "system" && s.clock != "controlled") {
      return InvalidArgument("engine.clock", "must be system or controlled",
                             "应为 system 或 controlled");
    }
    if (!s.clock_start.empty() && !ParseInstant(s.clock_start)) {
      return InvalidArgument("engine.clock_start", "must be an ISO 8601 instant",
                             "应为 ISO 8601 时间");
    }
    if (s.timer_batch < 1 || s.timer_max_attempts < 1 || s.timer_backoff_ms < 0) {
      return InvalidArgument("timers", "batch and max_attempts must be at least 1",
                             "batch 与 max_attempts 至少为1");
    }
    if (s.port < 0 || s.port > 65535) {
      return InvalidArgument("server.port", "must be from 0 to 65535", "应为0至65535");
    }
    if (s.threads < 1) return InvalidArgument("server.threads", "must be at least 1", "至少为1");
    return s;
  } catch (const Poco::FileException& e) {
    return Status::Error(Code::kNotFound, "config file " + file + ": " + e.displayText(),
                         "无法读取配置文件 " + file);
  } catch (const Poco::SyntaxException& e) {
    return InvalidArgument("config", e.displayText(), "配置值格式错误");
  } catch (const Poco::Exception& e) {
    return InvalidArgument("config", e.displayText(), "配置错误");
  }
}

}  // namespace permitflow
