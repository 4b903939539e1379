// Strings: minLength/maxLength (decoded characters: an escape counts as one), pattern (a search,
// regex_parser.h) and the formats, each written as a regular expression for the whole string.
//
// Formats are strict subsets of their RFCs where the full grammar is large (so a string they accept
// is valid): date and date-time check the calendar (February 29 in leap years only); time needs an
// offset (RFC 3339 full-time) and uppercase T and Z; hostname labels up to 48 characters, 5 labels,
// the last beginning with a letter; email a dot-atom local part of up to 3 atoms of 20 characters at
// such a hostname of 2 labels or more; uri and uri-reference RFC 3986 without IP literals; ipv6
// the eight-group forms with :: and no embedded IPv4. Formats validators check but not compiled here
// (regex, iri, idn-*, uri-template, relative-json-pointer) are refused; others are annotations.
#include <cstring>

#include "core/grammar/json_schema_compiler.h"
#include "core/grammar/regex_parser.h"
#include "core/util/error.h"

namespace hearth::grammar::json_schema {
namespace {

#define YEAR "(?:000[1-9]|00[1-9][0-9]|0[1-9][0-9][0-9]|[1-9][0-9]{3})"
#define LEAP_YEAR "(?:[0-9][0-9](?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
#define MONTH_DAY "(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"
#define DATE "(?:" YEAR "-" MONTH_DAY "|" LEAP_YEAR "-02-29)"
#define TIME "(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]+)?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
#define DUR_TIME "T(?:[0-9]+H(?:[0-9]+M(?:[0-9]+S)?)?|[0-9]+M(?:[0-9]+S)?|[0-9]+S)"
#define HEX4 "[0-9a-fA-F]{1,4}"
#define OCTET "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
#define LABEL "[A-Za-z0-9](?:[A-Za-z0-9-]{0,46}[A-Za-z0-9])?"
#define LAST_LABEL "[A-Za-z](?:[A-Za-z0-9-]{0,46}[A-Za-z0-9])?"
#define ATOM "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,20}"
// RFC 3986 pieces: U is one unreserved, sub-delim or percent-encoded character; P a path character
#define U "(?:[A-Za-z0-9._~!$&'()*+,;=-]|%[0-9A-Fa-f]{2})"
#define P "(?:" U "|[:@])"
#define AUTHORITY_PATH "//(?:(?:" U "|:)*@)?" U "*(?::[0-9]*)?(?:/" P "*)*"
#define QUERY_FRAGMENT "(?:\\?(?:" P "|[/?])*)?(?:#(?:" P "|[/?])*)?"
#define NOSCHEME_SEGMENT "(?:" U "|@)+"

const struct {
  const char* name;
  const char* regex;  // null: validators check it, we refuse it
} kFormats[] = {
    {"date", DATE},
    {"time", TIME},
    {"date-time", DATE "T" TIME},
    {"duration", "P(?:[0-9]+W|(?:[0-9]+Y(?:[0-9]+M(?:[0-9]+D)?)?|[0-9]+M(?:[0-9]+D)?|[0-9]+D)(?:" DUR_TIME ")?|" DUR_TIME ")"},
    {"uuid", "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"},
    {"ipv4", "(?:" OCTET "\\.){3}" OCTET},
    {"ipv6", "(?:" HEX4 ":){7}" HEX4 "|(?:" HEX4 ":){1,7}:|(?:" HEX4 ":){1,6}:" HEX4 "|(?:" HEX4 ":){1,5}(?::" HEX4
             "){1,2}|(?:" HEX4 ":){1,4}(?::" HEX4 "){1,3}|(?:" HEX4 ":){1,3}(?::" HEX4 "){1,4}|(?:" HEX4 ":){1,2}(?::" HEX4
             "){1,5}|" HEX4 ":(?::" HEX4 "){1,6}|:(?:(?::" HEX4 "){1,7}|:)"},
    {"hostname", "(?:" LABEL "\\.){0,4}" LAST_LABEL},
    {"email", ATOM "(?:\\." ATOM "){0,2}@(?:" LABEL "\\.){1,4}" LAST_LABEL},
    {"uri", "[A-Za-z][A-Za-z0-9+.-]*:(?:" AUTHORITY_PATH "|/?(?:" P "+(?:/" P "*)*)?)" QUERY_FRAGMENT},
    {"uri-reference", "(?:[A-Za-z][A-Za-z0-9+.-]*:(?:" AUTHORITY_PATH "|/?(?:" P "+(?:/" P "*)*)?)|" AUTHORITY_PATH
                      "|/(?:" P "+(?:/" P "*)*)?|" NOSCHEME_SEGMENT "(?:/" P "*)*|)" QUERY_FRAGMENT},
    {"json-pointer", "(?:/(?:[^~/]|~[01])*)*"},
    {"regex", nullptr}, {"iri", nullptr}, {"iri-reference", nullptr}, {"idn-email", nullptr},
    {"idn-hostname", nullptr}, {"uri-template", nullptr}, {"relative-json-pointer", nullptr},
};

constexpr uint32_t kMaxLongLength = 1'000'000;  // maxLength alone: blocks keep it small

}  // namespace

Expr Compiler::compile_string(const Value& s, const std::string& ptr) {
  const chat::Object& o = s.as_object();
  const Value* pattern = o.find("pattern");
  if (pattern && !pattern->is_string()) invalid("'pattern' must be a string", ptr);
  const char* format_regex = nullptr;
  if (const Value* f = o.find("format"); f && f->is_string()) {
    for (auto& known : kFormats) {
      if (f->as_string() != known.name) continue;
      if (!known.regex) unsupported("format '" + f->as_string() + "'", ptr + "/format");
      format_regex = known.regex;
    }
  }
  const Value* min_v = o.find("minLength");
  const Value* max_v = o.find("maxLength");
  uint32_t lo = count_limit(min_v, "minLength", ptr);
  uint32_t hi = max_v ? count_limit(max_v, "maxLength", ptr, kMaxLongLength) : Expr::kUnbounded;
  bool counted = lo > 0 || hi != Expr::kUnbounded;
  Expr quote = Expr::literal("\"");
  if (pattern && format_regex) unsupported("'pattern' beside 'format'", ptr);
  if (pattern || format_regex) {
    std::string text = pattern ? pattern->as_string() : format_regex;
    RegexMode mode{pattern != nullptr, true};
    Expr body;
    if (counted) {
      auto bounded = parse_regex_counted(text, b_, mode, lo, hi);
      if (!bounded) unsupported(std::string("minLength/maxLength beside '") + (pattern ? "pattern" : "format") + "'", ptr);
      body = std::move(*bounded);
    } else {
      body = parse_regex(text, b_, mode);
    }
    return Expr::seq({quote, std::move(body), quote});
  }
  if (!counted) return json_.string();
  return Expr::seq({quote, long_repeat(b_, json_.json_char(), lo, hi), quote});
}

}  // namespace hearth::grammar::json_schema
