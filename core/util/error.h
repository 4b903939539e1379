// hearth's one error type. Every failure the core reports is an Error with a code a caller can
// branch on and a message a person can act on (it names the file part, field or value at fault).
#pragma once

#include <stdexcept>
#include <string>

namespace hearth {

enum class ErrorCode {
  kInvalidArgument,  // a caller-supplied value or flag is wrong
  kMalformedFile,    // a file is truncated, corrupted or inconsistent
  kUnsupported,      // a valid input that hearth does not implement (architecture, tensor type, ...)
  kOutOfMemory,      // an allocation the input asked for is too large
  kIo,               // reading or writing a file failed (tools only; core does no I/O)
  kInternal,         // a broken invariant inside hearth
};

const char* error_code_name(ErrorCode code);

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

[[noreturn]] inline void fail(ErrorCode code, const std::string& message) { throw Error(code, message); }

}  // namespace hearth
