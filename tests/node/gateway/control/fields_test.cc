// The checked accessors and CheckFields of node/gateway/control/fields.h: a missing or mistyped field
// is an error Status naming the field, never an exception.
#include "node/gateway/control/fields.h"

#include <gtest/gtest.h>

#include "node/gateway/control/commands.h"

namespace sov::node::control {
namespace {

using nlohmann::json;

const json kSample = {{"name", "a"}, {"count", 3}, {"neg", -2}, {"flag", true}, {"list", {"x", "y"}},
                      {"mixed", {"x", 1}},   {"obj", {{"k", 1}}}};

TEST(ControlFields, ReadsPresentFields) {
  EXPECT_EQ(*GetString(kSample, "name"), "a");
  EXPECT_EQ(*GetInt(kSample, "count"), 3);
  EXPECT_EQ(*GetInt(kSample, "neg"), -2);
  EXPECT_EQ(*GetUint(kSample, "count"), 3u);
  EXPECT_TRUE(*GetBool(kSample, "flag"));
  EXPECT_EQ(GetArray(kSample, "list")->size(), 2u);
  EXPECT_EQ((*GetObject(kSample, "obj"))["k"], 1);
  EXPECT_EQ(*GetStrings(kSample, "list"), (std::vector<std::string>{"x", "y"}));
}

TEST(ControlFields, MissingFieldIsAnErrorNamingIt) {
  EXPECT_NO_THROW((void)GetString(kSample, "peerId"));
  Result<std::string> r = GetString(kSample, "peerId");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "missing field \"peerId\"");
  EXPECT_FALSE(GetInt(kSample, "nope").ok());
  EXPECT_FALSE(GetBool(kSample, "nope").ok());
  EXPECT_FALSE(GetArray(kSample, "nope").ok());
  EXPECT_FALSE(GetObject(kSample, "nope").ok());
  EXPECT_FALSE(GetStrings(kSample, "nope").ok());
}

TEST(ControlFields, WrongTypeIsAnErrorNamingIt) {
  EXPECT_EQ(GetString(kSample, "count").status().message(), "field \"count\" must be a string");
  EXPECT_EQ(GetInt(kSample, "name").status().message(), "field \"name\" must be an integer");
  EXPECT_EQ(GetBool(kSample, "count").status().message(), "field \"count\" must be a boolean");
  EXPECT_EQ(GetArray(kSample, "obj").status().message(), "field \"obj\" must be an array");
  EXPECT_EQ(GetObject(kSample, "list").status().message(), "field \"list\" must be an object");
  EXPECT_EQ(GetUint(kSample, "neg").status().message(), "field \"neg\" must not be negative");
  EXPECT_EQ(GetStrings(kSample, "mixed").status().message(), "field \"mixed\" must hold only strings");
  EXPECT_FALSE(GetInt(json{{"f", 1.5}}, "f").ok());  // a float is not an integer
}

TEST(ControlFields, NonObjectIsAnError) {
  EXPECT_FALSE(GetString(json::array({1}), "name").ok());
  EXPECT_FALSE(GetString(json("text"), "name").ok());
  EXPECT_FALSE(GetString(json(), "name").ok());
}

TEST(ControlFields, CheckFieldsNamesTheFirstBadField) {
  static constexpr Field kFields[] = {{"name", FieldType::kString}, {"count", FieldType::kInt},
                                      {"extra", FieldType::kBool, /*required=*/false}};
  EXPECT_TRUE(CheckFields(kSample, kFields, "sample").ok());
  EXPECT_EQ(CheckFields(json{{"name", "a"}}, kFields, "sample").message(), "sample: missing field \"count\"");
  EXPECT_EQ(CheckFields(json{{"name", "a"}, {"count", "3"}}, kFields, "sample").message(),
            "sample: field \"count\" must be an integer");
  EXPECT_EQ(CheckFields(json{{"name", "a"}, {"count", 3}, {"extra", 1}}, kFields, "sample").message(),
            "sample: field \"extra\" must be a boolean");
}

// The CLI checks a node's answer against the shared spec before reading it.
TEST(ControlFields, ResponsesCheckAgainstTheSharedSpecs) {
  json ping = {{"ok", true}, {"peerId", "12D3KooW"}, {"rttNs", 1500}};
  EXPECT_TRUE(CheckFields(ping, kPing.response, "ping").ok());
  ping.erase("rttNs");
  EXPECT_EQ(CheckFields(ping, kPing.response, "ping").message(), "ping: missing field \"rttNs\"");
  json peers = {{"ok", true}, {"peers", "none"}};
  EXPECT_EQ(CheckFields(peers, kPeers.response, "peers").message(), "peers: field \"peers\" must be an array");
  EXPECT_EQ(kAllCommands.size(), 7u);
  for (const CommandSpec* spec : kAllCommands) EXPECT_FALSE(spec->name.empty());
}

}  // namespace
}  // namespace sov::node::control
