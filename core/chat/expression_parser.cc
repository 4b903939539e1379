#include "core/chat/expression_parser.h"

#include <cstdlib>

namespace hearth::chat {

bool TokenCursor::eat_op(const char* op) {
  if (!is_op(op)) return false;
  next();
  return true;
}

bool TokenCursor::eat_name(const char* name) {
  if (!is_name(name)) return false;
  next();
  return true;
}

void TokenCursor::error(const std::string& msg) const { syntax_error(peek().line, peek().column, msg); }

static std::string describe(const Token& t) {
  switch (t.type) {
    case Token::Type::kEnd: return "end of tag";
    case Token::Type::kString: return "string";
    default: return "'" + t.text + "'";
  }
}

void TokenCursor::expect_op(const char* op) {
  if (!eat_op(op)) error(std::string("expected '") + op + "', got " + describe(peek()));
}

std::string TokenCursor::expect_name() {
  if (peek().type != Token::Type::kName) error("expected a name, got " + describe(peek()));
  return next().text;
}

void TokenCursor::expect_end() {
  if (!at_end()) error("expected end of tag, got " + describe(peek()));
}

std::shared_ptr<Expr> ExpressionParser::make(Expr::Kind kind, const Token& at) {
  auto e = std::make_shared<Expr>();
  e->kind = kind;
  e->line = at.line;
  e->column = at.column;
  return e;
}

ExprPtr ExpressionParser::tuple_or_expression() {
  const Token& at = c_.peek();
  ExprPtr first = expression();
  if (!c_.is_op(",")) return first;
  auto t = make(Expr::Kind::kTuple, at);
  t->args.push_back(first);
  while (c_.eat_op(",")) {
    if (c_.at_end() || c_.is_op(")")) break;
    t->args.push_back(expression());
  }
  return t;
}

ExprPtr ExpressionParser::expression() {
  const Token& at = c_.peek();
  ExprPtr e = or_expr();
  while (c_.is_name("if")) {
    c_.next();
    auto cond = make(Expr::Kind::kCond, at);
    cond->a = e;
    cond->b = or_expr();
    if (c_.eat_name("else")) cond->c = expression();
    e = cond;
  }
  return e;
}

ExprPtr ExpressionParser::or_expr() {
  ExprPtr e = and_expr();
  while (c_.is_name("or")) {
    auto b = make(Expr::Kind::kBinary, c_.next());
    b->name = "or";
    b->a = e;
    b->b = and_expr();
    e = b;
  }
  return e;
}

ExprPtr ExpressionParser::and_expr() {
  ExprPtr e = not_expr();
  while (c_.is_name("and")) {
    auto b = make(Expr::Kind::kBinary, c_.next());
    b->name = "and";
    b->a = e;
    b->b = not_expr();
    e = b;
  }
  return e;
}

ExprPtr ExpressionParser::not_expr() {
  if (c_.is_name("not")) {
    auto u = make(Expr::Kind::kUnary, c_.next());
    u->name = "not";
    u->a = not_expr();
    return u;
  }
  return compare();
}

ExprPtr ExpressionParser::compare() {
  ExprPtr e = math1();
  while (true) {
    const Token& t = c_.peek();
    std::string op;
    if (t.type == Token::Type::kOp && (t.text == "==" || t.text == "!=" || t.text == "<" || t.text == ">" ||
                                       t.text == "<=" || t.text == ">=")) {
      op = t.text;
      c_.next();
    } else if (c_.is_name("in")) {
      op = "in";
      c_.next();
    } else if (c_.is_name("not") && c_.is_name("in", 1)) {
      op = "notin";
      c_.next();
      c_.next();
    } else {
      return e;
    }
    auto b = make(Expr::Kind::kBinary, t);
    b->name = op;
    b->a = e;
    b->b = math1();
    e = b;
  }
}

ExprPtr ExpressionParser::math1() {
  ExprPtr e = concat();
  while (c_.is_op("+") || c_.is_op("-")) {
    auto b = make(Expr::Kind::kBinary, c_.peek());
    b->name = c_.next().text;
    b->a = e;
    b->b = concat();
    e = b;
  }
  return e;
}

ExprPtr ExpressionParser::concat() {
  ExprPtr e = math2();
  while (c_.is_op("~")) {
    auto b = make(Expr::Kind::kBinary, c_.next());
    b->name = "~";
    b->a = e;
    b->b = math2();
    e = b;
  }
  return e;
}

ExprPtr ExpressionParser::math2() {
  ExprPtr e = power();
  while (c_.is_op("*") || c_.is_op("/") || c_.is_op("//") || c_.is_op("%")) {
    auto b = make(Expr::Kind::kBinary, c_.peek());
    b->name = c_.next().text;
    b->a = e;
    b->b = power();
    e = b;
  }
  return e;
}

ExprPtr ExpressionParser::power() {
  ExprPtr e = unary(true);
  while (c_.is_op("**")) {
    auto b = make(Expr::Kind::kBinary, c_.next());
    b->name = "**";
    b->a = e;
    b->b = unary(true);
    e = b;
  }
  return e;
}

ExprPtr ExpressionParser::unary(bool with_filter) {
  ExprPtr e;
  if (c_.is_op("-") || c_.is_op("+")) {
    auto u = make(Expr::Kind::kUnary, c_.peek());
    u->name = c_.next().text;
    u->a = unary(false);
    e = u;
  } else {
    e = postfix(primary());
  }
  return with_filter ? filters_and_tests(e) : e;
}

ExprPtr ExpressionParser::primary() {
  const Token& t = c_.peek();
  switch (t.type) {
    case Token::Type::kName: {
      c_.next();
      auto e = make(Expr::Kind::kLiteral, t);
      if (t.text == "true" || t.text == "True") e->value = Value(true);
      else if (t.text == "false" || t.text == "False") e->value = Value(false);
      else if (t.text == "none" || t.text == "None") e->value = Value(nullptr);
      else {
        e->kind = Expr::Kind::kName;
        e->name = t.text;
      }
      return e;
    }
    case Token::Type::kString: {
      auto e = make(Expr::Kind::kLiteral, t);
      std::string s = c_.next().text;
      while (c_.peek().type == Token::Type::kString) s += c_.next().text;  // adjacent literals join
      e->value = Value(s);
      return e;
    }
    case Token::Type::kInt: {
      auto e = make(Expr::Kind::kLiteral, t);
      e->value = Value(int64_t(std::strtoll(c_.next().text.c_str(), nullptr, 10)));
      return e;
    }
    case Token::Type::kFloat: {
      auto e = make(Expr::Kind::kLiteral, t);
      e->value = Value(std::strtod(c_.next().text.c_str(), nullptr));
      return e;
    }
    case Token::Type::kOp:
      if (t.text == "(") {
        c_.next();
        if (c_.eat_op(")")) return make(Expr::Kind::kTuple, t);
        ExprPtr e = tuple_or_expression();
        c_.expect_op(")");
        return e;
      }
      if (t.text == "[") {
        c_.next();
        auto e = make(Expr::Kind::kList, t);
        while (!c_.is_op("]")) {
          e->args.push_back(expression());
          if (!c_.eat_op(",")) break;
        }
        c_.expect_op("]");
        return e;
      }
      if (t.text == "{") {
        c_.next();
        auto e = make(Expr::Kind::kDict, t);
        while (!c_.is_op("}")) {
          e->args.push_back(expression());
          c_.expect_op(":");
          e->args.push_back(expression());
          if (!c_.eat_op(",")) break;
        }
        c_.expect_op("}");
        return e;
      }
      break;
    case Token::Type::kEnd: c_.error("unexpected end of tag, expected an expression");
  }
  c_.error("unexpected '" + t.text + "'");
}

void ExpressionParser::call_args(Expr& call) {
  while (!c_.is_op(")")) {
    if (c_.peek().type == Token::Type::kName && c_.is_op("=", 1)) {
      std::string key = c_.next().text;
      c_.next();
      call.kwargs.emplace_back(key, expression());
    } else {
      if (!call.kwargs.empty()) c_.error("positional argument after keyword argument");
      call.args.push_back(expression());
    }
    if (!c_.eat_op(",")) break;
  }
  c_.expect_op(")");
}

ExprPtr ExpressionParser::postfix(ExprPtr e) {
  while (true) {
    const Token& t = c_.peek();
    if (c_.is_op(".")) {
      c_.next();
      auto a = make(Expr::Kind::kAttr, t);
      a->a = e;
      if (c_.peek().type == Token::Type::kInt) {
        a->kind = Expr::Kind::kItem;
        auto idx = make(Expr::Kind::kLiteral, c_.peek());
        idx->value = Value(int64_t(std::strtoll(c_.next().text.c_str(), nullptr, 10)));
        a->b = idx;
      } else {
        a->name = c_.expect_name();
      }
      e = a;
    } else if (c_.is_op("[")) {
      c_.next();
      ExprPtr parts[3];
      int n = 0;
      bool slice = false;
      while (true) {
        if (!c_.is_op(":") && !c_.is_op("]")) parts[n] = expression();
        if (c_.eat_op(":")) {
          slice = true;
          if (++n > 2) c_.error("too many ':' in slice");
          continue;
        }
        break;
      }
      c_.expect_op("]");
      auto s = make(slice ? Expr::Kind::kSlice : Expr::Kind::kItem, t);
      s->a = e;
      if (slice) s->args = {parts[0], parts[1], parts[2]};
      else s->b = parts[0];
      if (!slice && !parts[0]) syntax_error(t.line, t.column, "empty subscript");
      e = s;
    } else if (c_.is_op("(")) {
      c_.next();
      auto call = make(Expr::Kind::kCall, t);
      call->a = e;
      call_args(*call);
      e = call;
    } else {
      return e;
    }
  }
}

ExprPtr ExpressionParser::filter_chain(ExprPtr e) {
  while (c_.is_op("|")) {
    c_.next();
    const Token& t = c_.peek();
    auto f = make(Expr::Kind::kFilter, t);
    f->a = e;
    f->name = c_.expect_name();
    while (c_.is_op(".")) {  // dotted filter names
      c_.next();
      f->name += "." + c_.expect_name();
    }
    if (c_.eat_op("(")) call_args(*f);
    e = f;
  }
  return e;
}

ExprPtr ExpressionParser::test(ExprPtr e) {
  const Token& at = c_.next();  // 'is'
  auto t = make(Expr::Kind::kTest, at);
  t->a = e;
  t->negated = c_.eat_name("not");
  t->name = c_.expect_name();
  if (c_.eat_op("(")) {
    call_args(*t);
  } else {
    const Token& n = c_.peek();
    bool arg_start = n.type == Token::Type::kString || n.type == Token::Type::kInt || n.type == Token::Type::kFloat ||
                     (n.type == Token::Type::kOp && (n.text == "(" || n.text == "[" || n.text == "{")) ||
                     (n.type == Token::Type::kName && n.text != "else" && n.text != "or" && n.text != "and" &&
                      n.text != "if" && n.text != "is" && n.text != "in" && n.text != "not");
    if (arg_start) t->args.push_back(postfix(primary()));
  }
  return t;
}

ExprPtr ExpressionParser::filters_and_tests(ExprPtr e) {
  while (true) {
    if (c_.is_op("|")) {
      e = filter_chain(e);
    } else if (c_.is_name("is")) {
      e = test(e);
    } else {
      return e;
    }
  }
}

}  // namespace hearth::chat
