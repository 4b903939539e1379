// Expression evaluation: names, literals, operators with Python semantics, attribute and item
// access, calls, filters and tests.
#include <cmath>
#include <cstdint>

#include "core/chat/renderer.h"
#include "core/chat/runtime.h"

namespace hearth::chat {

const Value* Scope::lookup(const std::string& name) const {
  for (const Scope* s = this; s; s = s->parent.get())
    if (const Value* v = s->vars.find(name)) return v;
  return nullptr;
}

static std::string operand_types(const std::string& op, const Value& a, const Value& b) {
  return "unsupported operand type(s) for " + op + ": '" + a.type_name() + "' and '" + b.type_name() + "'";
}

static void check_defined(const Value& v) {
  if (v.is_undefined()) runtime_error(v.undefined_hint().empty() ? "undefined value used" : v.undefined_hint());
}

static bool numeric(const Value& v) { return v.is_number() || v.is_bool(); }
static int64_t as_i(const Value& v) { return v.is_bool() ? int64_t(v.as_bool()) : v.as_int(); }

// The largest string or list one operation may build: a template's output is a prompt, and a
// repetition past this is a runaway (or hostile) template, refused before it allocates.
constexpr size_t kMaxBuiltBytes = size_t(64) << 20;

static Value repeat(const Value& seq, int64_t n) {
  const size_t len = seq.is_string() ? seq.as_string().size() : seq.as_array().size();
  if (n <= 0 || len == 0) return seq.is_string() ? Value(std::string()) : Value(Array{});
  const size_t unit = seq.is_string() ? 1 : sizeof(Value);
  if (uint64_t(n) > kMaxBuiltBytes / (len * unit)) runtime_error("repetition too large (the render budget is 64 MiB a value)");
  if (seq.is_string()) {
    std::string out;
    out.reserve(len * size_t(n));
    for (int64_t i = 0; i < n; ++i) out += seq.as_string();
    return Value(out);
  }
  Array out;
  for (int64_t i = 0; i < n; ++i) out.insert(out.end(), seq.as_array().begin(), seq.as_array().end());
  return Value(std::move(out));
}

static std::string joined(const std::string& a, const std::string& b) {
  if (a.size() + b.size() > kMaxBuiltBytes) runtime_error("string too large (the render budget is 64 MiB a value)");
  return a + b;
}

// Python integers do not overflow; hearth's are 64-bit, so a result past them is an error, not UB.
[[noreturn]] static void overflow() { runtime_error("integer overflow (template integers are 64-bit)"); }

static int64_t int_pow(int64_t base, int64_t exp) {
  if (base == 0 || base == 1) return exp == 0 ? 1 : base;
  if (base == -1) return exp % 2 == 0 ? 1 : -1;
  int64_t r = 1;
  for (int64_t i = 0; i < exp; ++i)  // |base| >= 2: at most 63 rounds before overflow
    if (__builtin_mul_overflow(r, base, &r)) overflow();
  return r;
}

Value binary_op(const std::string& op, const Value& a, const Value& b) {
  if (op == "~") return Value(joined(a.str(), b.str()));
  if (op == "==") return Value(a == b);
  if (op == "!=") return Value(a != b);
  if (op == "<") return Value(less_than(a, b));
  if (op == ">") return Value(less_than(b, a));
  if (op == "<=") return Value(!less_than(b, a));
  if (op == ">=") return Value(!less_than(a, b));
  if (op == "in" || op == "notin") {
    bool found = false;
    if (b.is_string()) {
      if (!a.is_string()) runtime_error("'in <string>' requires string as left operand, not " + a.type_name());
      found = b.as_string().find(a.as_string()) != std::string::npos;
    } else if (b.is_object()) {
      found = b.as_object().find_key(a) != nullptr;  // a dict's keys by hash: 1 in {True: x}; a list raises
    } else {
      if (!b.is_array() && !b.is_undefined()) runtime_error("argument of type '" + b.type_name() + "' is not iterable");
      for (const Value& x : iterate(b))
        if (x == a) {
          found = true;
          break;
        }
    }
    return Value(op == "in" ? found : !found);
  }
  check_defined(a);
  check_defined(b);
  bool both_num = numeric(a) && numeric(b);
  bool any_float = a.is_float() || b.is_float();
  if (op == "+") {
    if (both_num) {
      if (any_float) return Value(a.as_double() + b.as_double());
      int64_t r;
      if (__builtin_add_overflow(as_i(a), as_i(b), &r)) overflow();
      return Value(r);
    }
    if (a.is_string() && b.is_string()) {
      if (!a.is_markup() && !b.is_markup()) return Value(joined(a.as_string(), b.as_string()));
      // Markup + str (either side): the plain operand is escaped, the result is Markup
      auto safe = [](const Value& v) { return v.is_markup() ? v.as_string() : html_escape(v.as_string()); };
      return Value::markup(joined(safe(a), safe(b)));
    }
    if (a.is_array() && b.is_array()) {
      Array out = a.as_array();
      out.insert(out.end(), b.as_array().begin(), b.as_array().end());
      return Value(std::move(out));
    }
    if (a.is_string() || a.is_array())
      runtime_error("can only concatenate " + a.type_name() + " (not \"" + b.type_name() + "\") to " + a.type_name());
  } else if (op == "-") {
    if (both_num) {
      if (any_float) return Value(a.as_double() - b.as_double());
      int64_t r;
      if (__builtin_sub_overflow(as_i(a), as_i(b), &r)) overflow();
      return Value(r);
    }
  } else if (op == "*") {
    if (both_num) {
      if (any_float) return Value(a.as_double() * b.as_double());
      int64_t r;
      if (__builtin_mul_overflow(as_i(a), as_i(b), &r)) overflow();
      return Value(r);
    }
    if ((a.is_string() || a.is_array()) && (b.is_int() || b.is_bool())) return repeat(a, as_i(b));
    if ((b.is_string() || b.is_array()) && (a.is_int() || a.is_bool())) return repeat(b, as_i(a));
  } else if (op == "/") {
    if (both_num) {
      if (b.as_double() == 0) runtime_error("division by zero");
      return Value(a.as_double() / b.as_double());
    }
  } else if (op == "//" || op == "%") {
    if (both_num) {
      if (b.as_double() == 0) runtime_error(op == "%" ? "integer modulo by zero" : "integer division or modulo by zero");
      if (any_float) {
        double x = a.as_double(), y = b.as_double();
        double q = std::floor(x / y);
        return op == "//" ? Value(q) : Value(x - q * y);
      }
      int64_t x = as_i(a), y = as_i(b);
      if (x == INT64_MIN && y == -1) overflow();
      int64_t q = x / y;
      if ((x % y != 0) && ((x < 0) != (y < 0))) --q;
      return op == "//" ? Value(q) : Value(x - q * y);
    }
  } else if (op == "**") {
    if (both_num) {
      if (!any_float && as_i(b) >= 0) return Value(int_pow(as_i(a), as_i(b)));
      return Value(std::pow(a.as_double(), b.as_double()));
    }
  }
  runtime_error(operand_types(op, a, b));
}

CallArgs Renderer::eval_args(const Expr& e, const ScopePtr& scope) {
  CallArgs args;
  for (const ExprPtr& a : e.args) args.positional.push_back(eval(*a, scope));
  for (const auto& [k, v] : e.kwargs) args.keyword.emplace_back(k, eval(*v, scope));
  return args;
}

Value Renderer::apply_filter_expr(const Expr& f, const Value& input, const ScopePtr& scope) {
  Value operand = f.a ? (f.a->kind == Expr::Kind::kFilter ? apply_filter_expr(*f.a, input, scope) : eval(*f.a, scope)) : input;
  return apply_filter(f.name, operand, eval_args(f, scope));
}

Value Renderer::eval(const Expr& e, const ScopePtr& scope) {
  switch (e.kind) {
    case Expr::Kind::kLiteral: return e.value;
    case Expr::Kind::kName: {
      const Value* v = scope->lookup(e.name);
      return v ? *v : Value::undefined("'" + e.name + "' is undefined");
    }
    case Expr::Kind::kList:
    case Expr::Kind::kTuple: {
      Array items;
      for (const ExprPtr& a : e.args) items.push_back(eval(*a, scope));
      return e.kind == Expr::Kind::kTuple ? Value::make_tuple(std::move(items)) : Value(std::move(items));
    }
    case Expr::Kind::kDict: {
      Object o;
      for (size_t i = 0; i + 1 < e.args.size(); i += 2) {
        Value k = eval(*e.args[i], scope);
        o.set_key(k, eval(*e.args[i + 1], scope));
      }
      return Value(std::move(o));
    }
    case Expr::Kind::kAttr: return get_attr(eval(*e.a, scope), e.name);
    case Expr::Kind::kItem: return get_item(eval(*e.a, scope), eval(*e.b, scope));
    case Expr::Kind::kSlice: {
      Value parts[3];
      for (int i = 0; i < 3; ++i)
        if (e.args[size_t(i)]) parts[i] = eval(*e.args[size_t(i)], scope);
      return slice(eval(*e.a, scope), parts[0], parts[1], parts[2]);
    }
    case Expr::Kind::kCall: {
      Value callee = eval(*e.a, scope);
      return call_value(callee, eval_args(e, scope));
    }
    case Expr::Kind::kFilter: return apply_filter_expr(e, Value(), scope);
    case Expr::Kind::kTest: {
      Value subject = eval(*e.a, scope);
      bool r = apply_test(e.name, subject, eval_args(e, scope));
      return Value(e.negated ? !r : r);
    }
    case Expr::Kind::kUnary: {
      Value v = eval(*e.a, scope);
      if (e.name == "not") return Value(!v.truthy());
      check_defined(v);
      if (!numeric(v)) runtime_error("bad operand type for unary " + e.name + ": '" + v.type_name() + "'");
      if (e.name == "+") return v.is_bool() ? Value(as_i(v)) : v;
      return v.is_float() ? Value(-v.as_double()) : Value(-as_i(v));
    }
    case Expr::Kind::kBinary: return binary(e, scope);
    case Expr::Kind::kCond: {
      if (eval(*e.b, scope).truthy()) return eval(*e.a, scope);
      return e.c ? eval(*e.c, scope) : Value::undefined("the inline if-expression evaluated to false and no else section was defined");
    }
  }
  return Value();
}

Value Renderer::binary(const Expr& e, const ScopePtr& scope) {
  Value a = eval(*e.a, scope);
  if (e.name == "and") return a.truthy() ? eval(*e.b, scope) : a;
  if (e.name == "or") return a.truthy() ? a : eval(*e.b, scope);
  return binary_op(e.name, a, eval(*e.b, scope));
}

}  // namespace hearth::chat
