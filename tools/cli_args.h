// Command-line flags of one subcommand: `--name value`, `--name=value`, `-n value`, boolean switches.
// Every flag must be declared by the subcommand; anything else is an error naming the flag.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace hearth::cli {

class Args {
 public:
  // `valued`: flags that take a value; `switches`: flags that do not. Aliases map short names
  // (e.g. "n") to long ones ("n-predict"). Throws Error(kInvalidArgument) on unknown or malformed flags.
  Args(const std::vector<std::string>& argv, std::set<std::string> valued, std::set<std::string> switches,
       std::map<std::string, std::string> aliases = {});

  bool has(const std::string& name) const { return values_.count(name) > 0; }
  bool flag(const std::string& name) const { return has(name); }
  std::string str(const std::string& name) const;  // required
  std::string str_or(const std::string& name, const std::string& dflt) const;
  long long integer_or(const std::string& name, long long dflt, long long min, long long max) const;
  double number_or(const std::string& name, double dflt, double min, double max) const;

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace hearth::cli
