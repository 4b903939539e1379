#include "tools/cli_args.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "core/util/error.h"

namespace hearth::cli {

Args::Args(const std::vector<std::string>& argv, std::set<std::string> valued, std::set<std::string> switches,
           std::map<std::string, std::string> aliases) {
  for (size_t k = 0; k < argv.size(); ++k) {
    std::string a = argv[k];
    if (a.size() < 2 || a[0] != '-') fail(ErrorCode::kInvalidArgument, "unexpected argument '" + a + "'");
    std::string name = a.substr(a[1] == '-' ? 2 : 1);
    std::string value;
    bool inline_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      inline_value = true;
    }
    if (auto it = aliases.find(name); it != aliases.end()) name = it->second;
    if (switches.count(name)) {
      if (inline_value) fail(ErrorCode::kInvalidArgument, "flag --" + name + " takes no value");
      values_[name] = "1";
    } else if (valued.count(name)) {
      if (!inline_value) {
        if (k + 1 >= argv.size()) fail(ErrorCode::kInvalidArgument, "flag --" + name + " needs a value");
        value = argv[++k];
      }
      values_[name] = value;
    } else {
      fail(ErrorCode::kInvalidArgument, "unknown flag '" + a + "'");
    }
  }
}

std::string Args::str(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) fail(ErrorCode::kInvalidArgument, "missing required flag --" + name);
  return it->second;
}

std::string Args::str_or(const std::string& name, const std::string& dflt) const {
  auto it = values_.find(name);
  return it == values_.end() ? dflt : it->second;
}

long long Args::integer_or(const std::string& name, long long dflt, long long min, long long max) const {
  auto it = values_.find(name);
  if (it == values_.end()) return dflt;
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(it->second.c_str(), &end, 10);
  if (it->second.empty() || *end != '\0' || errno != 0 || v < min || v > max)
    fail(ErrorCode::kInvalidArgument, "--" + name + " must be an integer from " + std::to_string(min) + " to " +
                                          std::to_string(max) + " (got '" + it->second + "')");
  return v;
}

double Args::number_or(const std::string& name, double dflt, double min, double max) const {
  auto it = values_.find(name);
  if (it == values_.end()) return dflt;
  char* end = nullptr;
  double v = std::strtod(it->second.c_str(), &end);
  if (it->second.empty() || *end != '\0' || !std::isfinite(v) || v < min || v > max)
    fail(ErrorCode::kInvalidArgument, "--" + name + " must be a number from " + std::to_string(min) + " to " +
                                          std::to_string(max) + " (got '" + it->second + "')");
  return v;
}

}  // namespace hearth::cli
