// Operations on values that the renderer, filters and tests share: jinja2's attribute and item
// lookup (dict/str methods included), iteration, and the filter, test and global tables.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/chat/value.h"

namespace hearth::chat {

// Raises jinja2's UndefinedError/TypeError-style failures as Error(kInvalidArgument).
[[noreturn]] void runtime_error(const std::string& message);

// obj.name: for dicts a method (items, keys, values, get) first, then the key; for strings the str
// methods; missing → undefined (printing it prints nothing). Reading an attribute of undefined fails.
Value get_attr(const Value& obj, const std::string& name);
// obj[key]: key first, then attribute, as jinja2's getitem.
Value get_item(const Value& obj, const Value& key);
// obj[start:stop:step] for lists and strings.
Value slice(const Value& obj, const Value& start, const Value& stop, const Value& step);
// The items a for loop visits: list elements, dict keys, string characters; undefined: none.
std::vector<Value> iterate(const Value& v);
// Calls a function value; calling undefined fails naming it.
Value call_value(const Value& callee, const CallArgs& args);

// Argument access for builtins: positional index `i` or keyword `name`, else `dflt`.
Value arg(const CallArgs& a, size_t i, const char* name, Value dflt = Value());

using FilterFn = std::function<Value(const Value& input, const CallArgs& args)>;
using TestFn = std::function<bool(const Value& input, const CallArgs& args)>;
const FilterFn* find_filter(const std::string& name);
const TestFn* find_test(const std::string& name);
Value apply_filter(const std::string& name, const Value& input, const CallArgs& args);
bool apply_test(const std::string& name, const Value& input, const CallArgs& args);

// Python str methods (s.strip(), ...): undefined when `name` is not one.
Value string_method(const std::string& s, const std::string& name);
// jinja2's escape(): & < > " ' as HTML entities.
std::string html_escape(const std::string& s);

}  // namespace hearth::chat
