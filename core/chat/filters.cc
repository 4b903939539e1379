// The table of Jinja filters (`x | tojson`, `x | trim`, ...) with jinja2's behaviour; `tojson` is
// transformers' override: json.dumps(x, ensure_ascii=False, indent, separators, sort_keys).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include "core/chat/json.h"
#include "core/chat/renderer.h"
#include "core/chat/runtime.h"

namespace hearth::chat {

std::string to_upper(std::string s);
std::string to_lower(std::string s);
std::string to_title(const std::string& s);

namespace {

// Attribute path "a.b" or index lookup as jinja2's make_attrgetter.
Value attr_path(const Value& v, const Value& attribute) {
  if (attribute.is_int()) return get_item(v, attribute);
  Value cur = v;
  std::string path = attribute.str();
  size_t i = 0;
  while (true) {
    size_t dot = path.find('.', i);
    std::string part = path.substr(i, dot == std::string::npos ? std::string::npos : dot - i);
    bool digits = !part.empty() && std::all_of(part.begin(), part.end(), ::isdigit);
    cur = get_item(cur, digits ? Value(int64_t(std::stoll(part))) : Value(part));
    if (dot == std::string::npos) return cur;
    if (cur.is_undefined()) return cur;
    i = dot + 1;
  }
}

CallArgs rest(const CallArgs& a, size_t from) {
  CallArgs r;
  for (size_t i = from; i < a.positional.size(); ++i) r.positional.push_back(a.positional[i]);
  return r;
}

Value sort_key(const Value& v, bool case_sensitive) {
  return !case_sensitive && v.is_string() ? Value(to_lower(v.as_string())) : v;
}

// jinja2's select/reject/selectattr/rejectattr/map iterate only a truthy input (`if value:`):
// none, undefined or empty give an empty sequence, not an error.
Value select(const Value& input, const CallArgs& a, bool by_attr, bool keep) {
  Array out;
  if (!input.truthy()) return Value(std::move(out));
  for (const Value& item : iterate(input)) {
    Value subject = by_attr ? attr_path(item, arg(a, 0, nullptr)) : item;
    size_t test_pos = by_attr ? 1 : 0;
    bool pass;
    if (a.positional.size() <= test_pos) {
      pass = subject.truthy();
    } else {
      pass = apply_test(a.positional[test_pos].str(), subject, rest(a, test_pos + 1));
    }
    if (pass == keep) out.push_back(item);
  }
  return Value(std::move(out));
}

std::string indent(const std::string& s_in, const Value& width, bool first, bool blank) {
  std::string ind = width.is_string() ? width.as_string() : std::string(size_t(width.is_int() ? width.as_int() : 4), ' ');
  std::string s = s_in + "\n";
  std::vector<std::string> lines;
  for (size_t i = 0; i < s.size();) {
    size_t j = s.find('\n', i);
    lines.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  std::string rv;
  if (blank) {
    for (size_t i = 0; i < lines.size(); ++i) rv += (i ? "\n" + ind : "") + lines[i];
  } else {
    rv = lines[0];
    for (size_t i = 1; i < lines.size(); ++i) rv += "\n" + (lines[i].empty() ? "" : ind + lines[i]);
  }
  return first ? ind + rv : rv;
}

const std::map<std::string, FilterFn>& filters() {
  static const std::map<std::string, FilterFn> table = [] {
    std::map<std::string, FilterFn> f;
    f["tojson"] = [](const Value& v, const CallArgs& a) {
      JsonStyle st;
      Value ind = arg(a, 0, "indent", Value(nullptr)), seps = arg(a, 1, "separators", Value(nullptr));
      if (ind.is_int()) st.indent = int(ind.as_int());
      if (seps.is_array() && seps.as_array().size() == 2) {
        st.has_item_separator = true;
        st.item_separator = seps.as_array()[0].str();
        st.key_separator = seps.as_array()[1].str();
      }
      st.sort_keys = arg(a, 2, "sort_keys", Value(false)).truthy();
      st.ensure_ascii = arg(a, 3, "ensure_ascii", Value(false)).truthy();
      return Value(to_json(v, st));
    };
    f["trim"] = [](const Value& v, const CallArgs& a) {
      return call_value(string_method(v.str(), "strip"), rest(a, 0));
    };
    f["upper"] = [](const Value& v, const CallArgs&) { return Value(to_upper(v.str())); };
    f["lower"] = [](const Value& v, const CallArgs&) { return Value(to_lower(v.str())); };
    f["title"] = [](const Value& v, const CallArgs&) { return Value(to_title(v.str())); };
    f["capitalize"] = [](const Value& v, const CallArgs& a) { return call_value(string_method(v.str(), "capitalize"), a); };
    f["length"] = f["count"] = [](const Value& v, const CallArgs&) { return Value(int64_t(v.length())); };
    f["first"] = [](const Value& v, const CallArgs&) {
      auto items = iterate(v);
      return items.empty() ? Value::undefined("No first item, sequence was empty.") : items.front();
    };
    f["last"] = [](const Value& v, const CallArgs&) {
      auto items = iterate(v);
      return items.empty() ? Value::undefined("No last item, sequence was empty.") : items.back();
    };
    f["join"] = [](const Value& v, const CallArgs& a) {
      std::string sep = arg(a, 0, "d", Value("")).str(), out;
      Value attribute = arg(a, 1, "attribute", Value(nullptr));
      bool first = true;
      for (const Value& item : iterate(v)) {
        if (!first) out += sep;
        first = false;
        out += (attribute.is_null() ? item : attr_path(item, attribute)).str();
      }
      return Value(out);
    };
    f["default"] = f["d"] = [](const Value& v, const CallArgs& a) {
      bool boolean = arg(a, 1, "boolean", Value(false)).truthy();
      if (v.is_undefined() || (boolean && !v.truthy())) return arg(a, 0, "default_value", Value(""));
      return v;
    };
    f["replace"] = [](const Value& v, const CallArgs& a) { return call_value(string_method(v.str(), "replace"), a); };
    f["list"] = [](const Value& v, const CallArgs&) { return Value(iterate(v)); };
    f["items"] = [](const Value& v, const CallArgs&) {
      if (v.is_undefined()) return Value::array();
      if (!v.is_object()) runtime_error("items filter: expected a mapping, got '" + v.type_name() + "'");
      return call_value(get_attr(v, "items"), {});
    };
    f["dictsort"] = [](const Value& v, const CallArgs& a) {
      if (!v.is_object()) runtime_error("dictsort: expected a mapping");
      bool cs = arg(a, 0, "case_sensitive", Value(false)).truthy();
      bool by_value = arg(a, 1, "by", Value("key")).str() == "value";
      bool rev = arg(a, 2, "reverse", Value(false)).truthy();
      Array items = call_value(get_attr(v, "items"), {}).as_array();
      std::stable_sort(items.begin(), items.end(), [&](const Value& x, const Value& y) {
        size_t k = by_value ? 1 : 0;
        Value kx = sort_key(x.as_array()[k], cs), ky = sort_key(y.as_array()[k], cs);
        return rev ? less_than(ky, kx) : less_than(kx, ky);
      });
      return Value(std::move(items));
    };
    f["map"] = [](const Value& v, const CallArgs& a) {
      Array out;
      if (!v.truthy()) return Value(std::move(out));  // as select()
      const Value* attribute = a.kwarg("attribute");
      for (const Value& item : iterate(v)) {
        if (attribute) {
          Value r = attr_path(item, *attribute);
          if (r.is_undefined())
            if (const Value* d = a.kwarg("default")) r = *d;
          out.push_back(r);
        } else {
          if (a.positional.empty()) runtime_error("map: needs a filter name or attribute=");
          out.push_back(apply_filter(a.positional[0].str(), item, rest(a, 1)));
        }
      }
      return Value(std::move(out));
    };
    f["select"] = [](const Value& v, const CallArgs& a) { return select(v, a, false, true); };
    f["reject"] = [](const Value& v, const CallArgs& a) { return select(v, a, false, false); };
    f["selectattr"] = [](const Value& v, const CallArgs& a) { return select(v, a, true, true); };
    f["rejectattr"] = [](const Value& v, const CallArgs& a) { return select(v, a, true, false); };
    f["unique"] = [](const Value& v, const CallArgs& a) {
      bool cs = arg(a, 0, "case_sensitive", Value(false)).truthy();
      Value attribute = arg(a, 1, "attribute", Value(nullptr));
      Array out, seen;
      for (const Value& item : iterate(v)) {
        Value key = sort_key(attribute.is_null() ? item : attr_path(item, attribute), cs);
        if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
        seen.push_back(key);
        out.push_back(item);
      }
      return Value(std::move(out));
    };
    f["sort"] = [](const Value& v, const CallArgs& a) {
      bool rev = arg(a, 0, "reverse", Value(false)).truthy();
      bool cs = arg(a, 1, "case_sensitive", Value(false)).truthy();
      Value attribute = arg(a, 2, "attribute", Value(nullptr));
      Array items = iterate(v);
      std::stable_sort(items.begin(), items.end(), [&](const Value& x, const Value& y) {
        Value kx = sort_key(attribute.is_null() ? x : attr_path(x, attribute), cs);
        Value ky = sort_key(attribute.is_null() ? y : attr_path(y, attribute), cs);
        return rev ? less_than(ky, kx) : less_than(kx, ky);
      });
      return Value(std::move(items));
    };
    f["reverse"] = [](const Value& v, const CallArgs&) {
      Array items = iterate(v);
      std::reverse(items.begin(), items.end());
      if (v.is_string()) {
        std::string s;
        for (const Value& c : items) s += c.as_string();
        return Value(s);
      }
      return Value(std::move(items));
    };
    f["string"] = [](const Value& v, const CallArgs&) { return Value(v.str()); };
    f["safe"] = [](const Value& v, const CallArgs&) { return Value::markup(v.str()); };
    f["int"] = [](const Value& v, const CallArgs& a) {
      if (v.is_int()) return v;
      if (v.is_bool()) return Value(int64_t(v.as_bool()));
      if (v.is_float()) return Value(int64_t(v.as_double()));
      if (v.is_string()) {
        char* end = nullptr;
        std::string s = v.as_string();
        long long i = std::strtoll(s.c_str(), &end, 10);
        if (end != s.c_str() && *end == 0) return Value(int64_t(i));
        double d = std::strtod(s.c_str(), &end);
        if (end != s.c_str() && *end == 0) return Value(int64_t(d));
      }
      return arg(a, 0, "default", Value(int64_t(0)));
    };
    f["float"] = [](const Value& v, const CallArgs& a) {
      if (v.is_number() || v.is_bool()) return Value(v.as_double());
      if (v.is_string()) {
        char* end = nullptr;
        double d = std::strtod(v.as_string().c_str(), &end);
        if (end != v.as_string().c_str() && *end == 0) return Value(d);
      }
      return arg(a, 0, "default", Value(0.0));
    };
    f["abs"] = [](const Value& v, const CallArgs&) {
      if (v.is_int()) return Value(v.as_int() < 0 ? -v.as_int() : v.as_int());
      if (v.is_float()) return Value(std::fabs(v.as_double()));
      runtime_error("bad operand type for abs(): '" + v.type_name() + "'");
    };
    f["round"] = [](const Value& v, const CallArgs& a) {
      const Value p = arg(a, 0, "precision", Value(int64_t(0)));
      if (!p.is_int() && !p.is_bool()) runtime_error("'" + p.type_name() + "' object cannot be interpreted as an integer");
      if (!v.is_number() && !v.is_bool()) runtime_error("type " + v.type_name() + " doesn't define __round__ method");
      const int64_t prec = p.as_double() > 308 ? 308 : p.as_double() < -308 ? -308 : int64_t(p.as_double());
      std::string method = arg(a, 1, "method", Value("common")).str();
      double scale = std::pow(10.0, double(prec)), x = v.as_double() * scale;
      double r = method == "ceil" ? std::ceil(x) : method == "floor" ? std::floor(x) : std::nearbyint(x);  // half to even, as Python
      return Value(r / scale);
    };
    f["indent"] = [](const Value& v, const CallArgs& a) {
      return Value(indent(v.str(), arg(a, 0, "width", Value(int64_t(4))), arg(a, 1, "first", Value(false)).truthy(),
                          arg(a, 2, "blank", Value(false)).truthy()));
    };
    f["wordcount"] = [](const Value& v, const CallArgs&) {
      int64_t n = 0;
      bool in_word = false;
      for (unsigned char c : v.str()) {
        bool w = std::isalnum(c) || c == '_' || c >= 0x80;
        if (w && !in_word) ++n;
        in_word = w;
      }
      return Value(n);
    };
    f["sum"] = [](const Value& v, const CallArgs& a) {
      Value attribute = arg(a, 0, "attribute", Value(nullptr));
      Value total = arg(a, 1, "start", Value(int64_t(0)));
      for (const Value& item : iterate(v)) {
        Value x = attribute.is_null() ? item : attr_path(item, attribute);
        // Python's sum(): numbers only (a string start or item is its TypeError, not a concatenation)
        if (total.is_string()) runtime_error("sum() can't sum strings [use ''.join(seq) instead]");
        if (!(x.is_number() || x.is_bool()) || !(total.is_number() || total.is_bool()))
          runtime_error("unsupported operand type(s) for +: '" + total.type_name() + "' and '" + x.type_name() + "'");
        total = binary_op("+", total, x);
      }
      return total;
    };
    auto extreme = [](bool want_max) {
      return [want_max](const Value& v, const CallArgs& a) {
        bool cs = arg(a, 0, "case_sensitive", Value(false)).truthy();
        Value attribute = arg(a, 1, "attribute", Value(nullptr));
        Value best;
        for (const Value& item : iterate(v)) {
          if (best.is_undefined()) {
            best = item;
            continue;
          }
          Value ki = sort_key(attribute.is_null() ? item : attr_path(item, attribute), cs);
          Value kb = sort_key(attribute.is_null() ? best : attr_path(best, attribute), cs);
          if (want_max ? less_than(kb, ki) : less_than(ki, kb)) best = item;
        }
        return best;
      };
    };
    f["max"] = extreme(true);
    f["min"] = extreme(false);
    f["attr"] = [](const Value& v, const CallArgs& a) { return get_attr(v, arg(a, 0, nullptr).str()); };
    // a Markup string is not escaped again; the result is Markup
    f["escape"] = f["e"] = [](const Value& v, const CallArgs&) { return v.is_markup() ? v : Value::markup(html_escape(v.str())); };
    f["forceescape"] = [](const Value& v, const CallArgs&) { return Value::markup(html_escape(v.str())); };
    return f;
  }();
  return table;
}

}  // namespace

const FilterFn* find_filter(const std::string& name) {
  auto it = filters().find(name);
  return it == filters().end() ? nullptr : &it->second;
}

Value apply_filter(const std::string& name, const Value& input, const CallArgs& args) {
  const FilterFn* f = find_filter(name);
  if (!f) runtime_error("no filter named '" + name + "'");
  return (*f)(input, args);
}

}  // namespace hearth::chat
