#include "core/chat/chat_template.h"

#include <gtest/gtest.h>

#include "core/chat/json.h"
#include "core/util/error.h"

namespace hearth::chat {
namespace {

std::string render(const std::string& src, const std::string& ctx_json = "{}") {
  RenderOptions o;
  o.strftime_now = [](const std::string& fmt) { return "fmt:" + fmt; };
  return render_chat_template(src, parse_json(ctx_json), o);
}

std::string error_of(const std::string& src, const std::string& ctx_json = "{}") {
  try {
    render(src, ctx_json);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ChatTemplate, TextAndExpressions) {
  EXPECT_EQ(render("a{{ 1 + 2 }}b"), "a3b");
  EXPECT_EQ(render("{{ 'x' ~ 1 ~ none }}"), "x1None");
  EXPECT_EQ(render("{{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 7 / 2 }} {{ 2 ** 10 }}"), "3 -4 1 2 3.5 1024");
  EXPECT_EQ(render("{{ 1.0 }} {{ 0.1 + 0.2 }} {{ 1e20 }} {{ 1e-5 }}"), "1.0 0.30000000000000004 1e+20 1e-05");
  EXPECT_EQ(render("{{ [1, 'a', none, true] }} {{ {'k': 'v'} }}"), "[1, 'a', None, True] {'k': 'v'}");
  EXPECT_EQ(render("{{ 'yes' if x else 'no' }}", R"({"x": 0})"), "no");
  EXPECT_EQ(render("{{ x or 'd' }}|{{ x and 'd' }}", R"({"x": ""})"), "d|");
  EXPECT_EQ(render("{{ 'b' in 'abc' }} {{ 2 not in [1, 2] }} {{ 'k' in {'k': 1} }}"), "True False True");
  EXPECT_EQ(render("{{ 'hello'[1:3] }} {{ [1,2,3][::-1] }} {{ 'abc'[-1] }}"), "el [3, 2, 1] c");
  EXPECT_EQ(render("{{ not x is defined }}"), "True");
}

TEST(ChatTemplate, Whitespace) {
  EXPECT_EQ(render("{% if true %}\nyes\n{% endif %}\n"), "yes\n");
  EXPECT_EQ(render("  {% if true %}x{% endif %}  \nz"), "x  \nz");
  EXPECT_EQ(render("a  {%- if true -%}  b  {%- endif -%}  c"), "abc");
  EXPECT_EQ(render("a {{- ' b ' -}} c"), "a b c");
  EXPECT_EQ(render("{# c #}\nx{#- c -#} y"), "xy");
  EXPECT_EQ(render("{% raw %}{{ x }}{% endraw %}"), "{{ x }}");
  EXPECT_EQ(render("  {%+ if true %}x{% endif +%}\ny"), "  x\ny");
}

TEST(ChatTemplate, LoopsAndScopes) {
  EXPECT_EQ(render("{% for x in [1,2,3] %}{{ loop.index }}{{ x }}{% if not loop.last %},{% endif %}{% endfor %}"),
            "11,22,33");
  EXPECT_EQ(render("{% for x in [] %}a{% else %}empty{% endfor %}"), "empty");
  EXPECT_EQ(render("{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }};{% endfor %}"), "a=1;b=2;");
  EXPECT_EQ(render("{% for x in range(10) if x is odd %}{{ loop.length }}{% endfor %}"), "55555");
  EXPECT_EQ(render("{% for x in range(5) %}{% if x == 3 %}{% break %}{% endif %}{{ x }}{% endfor %}"), "012");
  EXPECT_EQ(render("{% set y = 1 %}{% for x in [1] %}{% set y = 2 %}{% endfor %}{{ y }}"), "1");
  EXPECT_EQ(render("{% set ns = namespace(y=1) %}{% for x in [1] %}{% set ns.y = 2 %}{% endfor %}{{ ns.y }}"), "2");
  EXPECT_EQ(render("{% set t %}a{{ 1 }}{% endset %}{{ t }}"), "a1");
  EXPECT_EQ(render("{% filter upper %}abc{% endfilter %}"), "ABC");
}

TEST(ChatTemplate, Macros) {
  EXPECT_EQ(render("{% macro f(a, b='x') %}[{{ a }}{{ b }}]{% endmacro %}{{ f(1) }}{{ f(2, b='y') }}"), "[1x][2y]");
  EXPECT_EQ(render("{% macro w() %}<{{ caller() }}>{% endmacro %}{% call w() %}in{% endcall %}"), "<in>");
}

TEST(ChatTemplate, FiltersAndMethods) {
  EXPECT_EQ(render("{{ x | tojson }}", R"({"x": {"a": [1, 2.5, "é\n"], "b": null}})"),
            R"({"a": [1, 2.5, "é\n"], "b": null})");
  EXPECT_EQ(render("{{ x | tojson(indent=2) }}", R"({"x": {"a": [1]}})"), "{\n  \"a\": [\n    1\n  ]\n}");
  EXPECT_EQ(render("{{ '  a b  ' | trim }}|{{ 'ab' | upper }}|{{ [3,1,2] | sort | join(',') }}|{{ x | length }}",
                   R"({"x": [1,2]})"),
            "a b|AB|1,2,3|2");
  EXPECT_EQ(render("{{ xs | selectattr('t', 'equalto', 'f') | map(attribute='n') | list }}",
                   R"({"xs": [{"t": "f", "n": 1}, {"t": "g", "n": 2}]})"),
            "[1]");
  EXPECT_EQ(render("{{ y | default('d') }} {{ 'a,b'.split(',') }} {{ ' x '.strip() }} {{ 'ab'.startswith('a') }}"),
            "d ['a', 'b'] x True");
  EXPECT_EQ(render("{{ {'a': 1}.get('b', 3) }} {{ 'hello world' | title }} {{ 'ab\ncd' | indent(2) }}"),
            "3 Hello World ab\n  cd");
  EXPECT_EQ(render("{{ strftime_now('%d') }}"), "fmt:%d");
}

TEST(ChatTemplate, UndefinedSemantics) {
  EXPECT_EQ(render("[{{ missing }}]"), "[]");
  EXPECT_EQ(render("[{{ x.nope }}]", R"({"x": {}})"), "[]");
  EXPECT_EQ(render("{{ x.nope is defined }}{% for a in missing %}a{% endfor %}", R"({"x": {}})"), "False");
  EXPECT_NE(error_of("{{ missing.attr }}").find("'missing' is undefined"), std::string::npos);
}

TEST(ChatTemplate, RenderBudget) {
  auto has = [](const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; };
  // loops over loops: each range is allowed, the product is not
  EXPECT_TRUE(has(error_of("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"), "render budget exceeded"));
  EXPECT_TRUE(has(error_of("{{ range(100001) | length }}"), "Range too big"));
  EXPECT_EQ(render("{{ range(100000) | length }}"), "100000");
  EXPECT_TRUE(has(error_of("{{ 'x' * 10 ** 12 }}"), "repetition too large"));
  EXPECT_EQ(render("[{{ '' * 10 ** 18 }}]{{ [1] * 0 }}"), "[][]");
  EXPECT_TRUE(has(error_of("{{ 2 ** 10 ** 18 }}"), "integer overflow"));
  EXPECT_EQ(render("{{ 1 ** 10 ** 18 }} {{ (-1) ** 10 ** 18 }} {{ 0 ** 0 }} {{ 2 ** 62 }}"), "1 1 1 4611686018427387904");
  EXPECT_TRUE(has(error_of("{{ 9223372036854775807 + 1 }}"), "integer overflow"));
  EXPECT_TRUE(has(error_of("{{ 3037000500 * 3037000500 }}"), "integer overflow"));
  // doubling a string: 2^40 bytes are refused long before
  EXPECT_TRUE(has(error_of("{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}"), "string too large"));
  EXPECT_TRUE(has(error_of("{% for i in range(70) %}{{ 'y' * 1000000 }}{% endfor %}"), "MiB of output"));
  EXPECT_TRUE(has(error_of("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"), "recursion too deep"));
  // jinja2's filters iterate only a truthy input: none gives an empty sequence
  EXPECT_EQ(render("{{ none | select | list }}{{ none | reject | list }}{{ none | selectattr('x') | list }}"
                   "{{ none | rejectattr('x') | list }}{{ none | map(attribute='x') | list }}{{ x | map('upper') | list }}"),
            "[][][][][][]");
}

TEST(ChatTemplate, Errors) {
  EXPECT_EQ(error_of("{{ raise_exception('Only user and assistant roles!') }}"), "Only user and assistant roles!");
  EXPECT_EQ(error_of("line one\n  {% if %}"), "template syntax error at line 2, column 9: unexpected end of tag, expected an expression");
  EXPECT_EQ(error_of("{% for x in y %}"), "template syntax error at line 1, column 1: unexpected end of template, expected 'endfor'");
  EXPECT_EQ(error_of("{{ 'abc }}"), "template syntax error at line 1, column 4: unterminated string");
  EXPECT_NE(error_of("\n{{ 1 + 'a' }}").find("line 2"), std::string::npos);
}

}  // namespace
}  // namespace hearth::chat
