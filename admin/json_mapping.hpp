// JSON in and out of the API: request fields checked with the field named, engine values rendered.
// Stateless functions; safe from any thread.
#pragma once

#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

#include "engine/engine.hpp"

namespace permitflow {

using JsonObject = Poco::JSON::Object::Ptr;

// Parses a request body that must be a JSON object.
Result<JsonObject> ParseObject(const std::string& body);
std::string ToJson(const Poco::Dynamic::Var& value);

// Field readers: absent optional fields leave *out alone; a wrong type is 400 with the path.
Status ReadString(const JsonObject& o, const std::string& key, const std::string& path,
                  bool required, std::string* out);
Status ReadStringList(const JsonObject& o, const std::string& key, const std::string& path,
                      bool required, std::vector<std::string>* out);
Status ReadInt(const JsonObject& o, const std::string& key, const std::string& path, bool required,
               long long* out);

Result<NewApplication> ParseNewApplication(const JsonObject& body);
Result<Event> ParseEvent(const JsonObject& body, long long* expected_version);
Result<std::vector<ListFlag>> ParseFlags(const JsonObject& body);

JsonObject RenderStatusBody(const Status& status);
// mask: personal ID numbers show as 140829********1234 (roles that do not need them).
JsonObject RenderApplicationSummary(const Application& app, const ItemDefinition* item,
                                    bool mask = false);
JsonObject RenderApplication(const ApplicationDetail& detail, const ItemDefinition* item,
                             bool mask = false);
JsonObject RenderItem(const ItemDefinition& item);
JsonObject RenderSubject(const SubjectView& subject, const std::string& closed_reason);
JsonObject RenderDuration(const Duration& d);
JsonObject RenderTimer(const TimerRow& t);
JsonObject RenderItemVersion(const ItemVersionInfo& v);
JsonObject RenderEscalation(const Escalation& e);
JsonObject RenderNotice(const Notice& n);
JsonObject RenderMessage(const OutboxMessage& m);
JsonObject RenderPublicity(const PublicityRecord& p, Instant now);
JsonObject RenderSupervisionDecision(const SupervisionDecision& d);

}  // namespace permitflow
