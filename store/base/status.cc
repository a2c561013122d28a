#include "store/base/status.h"

namespace sov {

std::string Status::ToString() const {
  const char* name = "OK";
  switch (code_) {
    case Code::kOk: return "OK";
    case Code::kNotFound: name = "not found"; break;
    case Code::kCorruption: name = "corruption"; break;
    case Code::kInvalidArgument: name = "invalid argument"; break;
    case Code::kIOError: name = "I/O error"; break;
    case Code::kBusy: name = "busy"; break;
    case Code::kNotSupported: name = "not supported"; break;
    case Code::kAborted: name = "aborted"; break;
  }
  return std::string(name) + ": " + message_;
}

}  // namespace sov
