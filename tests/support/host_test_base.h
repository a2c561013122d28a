// Shared by the host tests of tests/node/p2p: a fixture holding one HostHarness, and two small
// helpers for assertion messages.
#pragma once

#include <string>
#include <string_view>

#include "support/host_fixture.h"

namespace sov::testing {

inline bool Contains(const std::string& s, std::string_view needle) { return s.find(needle) != std::string::npos; }

// Both hosts' observer records, for failure messages.
inline std::string Dumps(const TestHost& a, const TestHost& b) {
  return "A:\n" + a.observer.Dump() + "B:\n" + b.observer.Dump();
}

class HostTestBase : public ::testing::Test {
 protected:
  HostHarness h;
};

}  // namespace sov::testing
