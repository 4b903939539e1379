// Statement structure: nests the lexer's segments into if/for/set/macro/... nodes.
#include "core/chat/parser.h"

#include <set>

#include "core/chat/expression_parser.h"
#include "core/chat/lexer.h"

namespace hearth::chat {
namespace {

class StatementParser {
 public:
  explicit StatementParser(std::vector<Segment> segs) : segs_(std::move(segs)) {}

  Body document() {
    Body body = block({});
    if (i_ < segs_.size()) {
      const Segment& s = segs_[i_];
      syntax_error(s.line, s.column, "unexpected '" + s.tokens[0].text + "'");
    }
    return body;
  }

 private:
  // The first word of a statement segment, or "" when not a statement.
  std::string keyword(size_t i) const {
    if (i >= segs_.size() || segs_[i].kind != Segment::Kind::kStatement) return "";
    const Token& t = segs_[i].tokens[0];
    return t.type == Token::Type::kName ? t.text : "";
  }

  // Parses nodes until a statement whose keyword is in `stops` (left unconsumed) or the end.
  Body block(const std::set<std::string>& stops) {
    Body body;
    while (i_ < segs_.size()) {
      const Segment& s = segs_[i_];
      if (s.kind == Segment::Kind::kText) {
        auto n = node(Node::Kind::kText, s);
        n->text = s.text;
        body.push_back(n);
        ++i_;
        continue;
      }
      TokenCursor cur(s.tokens);
      ExpressionParser ep(cur);
      if (s.kind == Segment::Kind::kExpression) {
        auto n = node(Node::Kind::kOutput, s);
        n->expr = ep.tuple_or_expression();
        cur.expect_end();
        body.push_back(n);
        ++i_;
        continue;
      }
      std::string kw = keyword(i_);
      if (stops.count(kw)) return body;
      if (kw.empty()) syntax_error(s.line, s.column, "expected a statement name");
      ++i_;
      cur.next();
      body.push_back(statement(kw, s, cur, ep));
    }
    if (!stops.empty()) {
      const Segment& last = segs_.empty() ? Segment{} : segs_.back();
      syntax_error(last.line, last.column, "unexpected end of template, expected '" + *stops.rbegin() + "'");
    }
    return body;
  }

  std::shared_ptr<Node> node(Node::Kind kind, const Segment& s) {
    auto n = std::make_shared<Node>();
    n->kind = kind;
    n->line = s.line;
    n->column = s.column;
    return n;
  }

  // Consumes the closing statement (already known to be `word`), which must have no arguments.
  void close(const char* word) {
    const Segment& s = segs_[i_];
    TokenCursor cur(s.tokens);
    cur.next();
    if (word != std::string("endset") || !cur.at_end()) cur.expect_end();
    ++i_;
  }

  std::vector<std::string> targets(TokenCursor& cur) {
    std::vector<std::string> names;
    bool paren = cur.eat_op("(");
    do names.push_back(cur.expect_name());
    while (cur.eat_op(","));
    if (paren) cur.expect_op(")");
    return names;
  }

  NodePtr statement(const std::string& kw, const Segment& s, TokenCursor& cur, ExpressionParser& ep) {
    if (kw == "if") {
      auto n = node(Node::Kind::kIf, s);
      ExprPtr cond = ep.tuple_or_expression();
      cur.expect_end();
      while (true) {
        Body b = block({"elif", "else", "endif"});
        n->branches.emplace_back(cond, std::move(b));
        std::string k = keyword(i_);
        const Segment& cs = segs_[i_++];
        TokenCursor c2(cs.tokens);
        ExpressionParser e2(c2);
        c2.next();
        if (k == "endif") {
          c2.expect_end();
          return n;
        }
        if (k == "else") {
          c2.expect_end();
          n->branches.emplace_back(nullptr, block({"endif"}));
          close("endif");
          return n;
        }
        cond = e2.tuple_or_expression();
        c2.expect_end();
      }
    }
    if (kw == "for") {
      auto n = node(Node::Kind::kFor, s);
      n->targets = targets(cur);
      if (!cur.eat_name("in")) cur.error("expected 'in'");
      n->expr = ep.or_expr();
      if (cur.is_op(",")) {  // for x in a, b
        auto t = std::make_shared<Expr>();
        t->kind = Expr::Kind::kTuple;
        t->args.push_back(n->expr);
        while (cur.eat_op(",")) t->args.push_back(ep.or_expr());
        n->expr = t;
      }
      if (cur.eat_name("if")) n->cond = ep.expression();
      if (cur.is_name("recursive")) cur.error("recursive loops are not supported");
      cur.expect_end();
      n->body = block({"else", "endfor"});
      if (keyword(i_) == "else") {
        close("else");
        n->else_body = block({"endfor"});
      }
      close("endfor");
      return n;
    }
    if (kw == "set") {
      std::string first = cur.expect_name();
      if (cur.is_op(".")) {
        cur.next();
        auto n = node(Node::Kind::kSet, s);
        n->targets = {first};
        n->attr = cur.expect_name();
        cur.expect_op("=");
        n->expr = ep.tuple_or_expression();
        cur.expect_end();
        return n;
      }
      std::vector<std::string> names = {first};
      while (cur.eat_op(",")) names.push_back(cur.expect_name());
      if (cur.eat_op("=")) {
        auto n = node(Node::Kind::kSet, s);
        n->targets = names;
        n->expr = ep.tuple_or_expression();
        cur.expect_end();
        return n;
      }
      auto n = node(Node::Kind::kSetBlock, s);
      n->targets = names;
      if (cur.is_op("|")) n->filter = ep.filter_chain(nullptr);
      cur.expect_end();
      n->body = block({"endset"});
      close("endset");
      return n;
    }
    if (kw == "macro" || kw == "call") {
      auto n = node(kw == "macro" ? Node::Kind::kMacro : Node::Kind::kCallBlock, s);
      if (kw == "macro") n->name = cur.expect_name();
      if (kw == "macro" || cur.is_op("(")) {
        cur.expect_op("(");
        while (!cur.is_op(")")) {
          std::string p = cur.expect_name();
          ExprPtr dflt;
          if (cur.eat_op("=")) dflt = ep.expression();
          n->params.emplace_back(p, dflt);
          if (!cur.eat_op(",")) break;
        }
        cur.expect_op(")");
      }
      if (kw == "call") n->expr = ep.expression();
      cur.expect_end();
      std::string end = kw == "macro" ? "endmacro" : "endcall";
      n->body = block({end});
      close(end.c_str());
      return n;
    }
    if (kw == "filter") {
      auto n = node(Node::Kind::kFilterBlock, s);
      // the filter chain without a leading '|': parse "name(args) | more"
      auto f = std::make_shared<Expr>();
      f->kind = Expr::Kind::kFilter;
      f->line = cur.peek().line;
      f->column = cur.peek().column;
      f->name = cur.expect_name();
      if (cur.eat_op("(")) ep.call_args(*f);
      n->filter = ep.filter_chain(f);
      cur.expect_end();
      n->body = block({"endfilter"});
      close("endfilter");
      return n;
    }
    if (kw == "break" || kw == "continue") {
      cur.expect_end();
      return node(kw == "break" ? Node::Kind::kBreak : Node::Kind::kContinue, s);
    }
    if (kw == "do") {
      auto n = node(Node::Kind::kDo, s);
      n->expr = ep.tuple_or_expression();
      cur.expect_end();
      return n;
    }
    if (kw == "generation") {  // transformers' AssistantTracker extension: renders its body
      cur.expect_end();
      auto n = node(Node::Kind::kScope, s);
      n->body = block({"endgeneration"});
      close("endgeneration");
      return n;
    }
    syntax_error(s.line, s.column, "unknown or unexpected statement '" + kw + "'");
  }

  std::vector<Segment> segs_;
  size_t i_ = 0;
};

}  // namespace

Body parse_template(const std::string& source) { return StatementParser(lex_template(source)).document(); }

}  // namespace hearth::chat
