// Jinja expressions from one tag's tokens, with jinja2's precedence (lowest first):
// conditional, or, and, not, comparison/in, + -, ~, * / // %, **, unary - +, filters and tests,
// postfix (attribute, subscript, slice, call), primary.
#pragma once

#include <string>
#include <vector>

#include "core/chat/ast.h"
#include "core/chat/lexer.h"

namespace hearth::chat {

class TokenCursor {
 public:
  explicit TokenCursor(const std::vector<Token>& tokens) : t_(tokens) {}
  const Token& peek(size_t ahead = 0) const { return t_[std::min(i_ + ahead, t_.size() - 1)]; }
  const Token& next() { return t_[i_ < t_.size() - 1 ? i_++ : i_]; }
  bool at_end() const { return peek().type == Token::Type::kEnd; }
  bool is_op(const char* op, size_t ahead = 0) const { return peek(ahead).type == Token::Type::kOp && peek(ahead).text == op; }
  bool is_name(const char* name, size_t ahead = 0) const {
    return peek(ahead).type == Token::Type::kName && peek(ahead).text == name;
  }
  bool eat_op(const char* op);
  bool eat_name(const char* name);
  void expect_op(const char* op);
  std::string expect_name();
  void expect_end();
  [[noreturn]] void error(const std::string& msg) const;

 private:
  const std::vector<Token>& t_;
  size_t i_ = 0;
};

class ExpressionParser {
 public:
  explicit ExpressionParser(TokenCursor& cur) : c_(cur) {}
  ExprPtr expression();         // conditional expression
  ExprPtr tuple_or_expression();  // a, b, c (bare tuple) or one expression
  ExprPtr or_expr();
  ExprPtr primary();
  ExprPtr postfix(ExprPtr e);
  ExprPtr filter_chain(ExprPtr e);  // | f(...) | g, applied to e (e may be null for filter blocks)
  void call_args(Expr& call);      // after '(' up to and including ')'

 private:
  ExprPtr and_expr();
  ExprPtr not_expr();
  ExprPtr compare();
  ExprPtr math1();
  ExprPtr concat();
  ExprPtr math2();
  ExprPtr power();
  ExprPtr unary(bool with_filter);
  ExprPtr filters_and_tests(ExprPtr e);
  ExprPtr test(ExprPtr e);
  std::shared_ptr<Expr> make(Expr::Kind kind, const Token& at);

  TokenCursor& c_;
};

}  // namespace hearth::chat
