// The syntax tree of a parsed template: expressions and statement nodes.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/chat/value.h"

namespace hearth::chat {

struct Expr;
using ExprPtr = std::shared_ptr<const Expr>;

struct Expr {
  enum class Kind {
    kLiteral,  // value
    kName,     // name
    kList,     // args
    kTuple,    // args (evaluates to a list)
    kDict,     // args: key, value, key, value, ...
    kAttr,     // a.name
    kItem,     // a[b]
    kSlice,    // a[args[0]:args[1]:args[2]], null parts omitted
    kCall,     // a(args, kwargs)
    kFilter,   // a | name(args, kwargs); a is null in {% filter %} blocks
    kTest,     // a is [not] name(args)
    kUnary,    // name ("not", "-", "+") a
    kBinary,   // a name b: or and == != < > <= >= in notin + - * / // % ** ~
    kCond,     // a if b else c (c null: undefined)
  };
  Kind kind;
  int line = 0, column = 0;
  std::string name;
  Value value;
  ExprPtr a, b, c;
  std::vector<ExprPtr> args;
  std::vector<std::pair<std::string, ExprPtr>> kwargs;
  bool negated = false;
};

struct Node;
using NodePtr = std::shared_ptr<const Node>;
using Body = std::vector<NodePtr>;

struct Node {
  enum class Kind {
    kText,         // text
    kOutput,       // {{ expr }}
    kIf,           // branches (cond null: else)
    kFor,          // for targets in expr [if cond] body [else else_body]
    kSet,          // set targets = expr | set targets[0].attr = expr
    kSetBlock,     // set targets[0] [| filter] body endset
    kMacro,        // macro name(params) body
    kCallBlock,    // call[(params)] expr body endcall
    kFilterBlock,  // filter body
    kBreak,
    kContinue,
    kDo,           // do expr
    kScope,        // body rendered as is (generation blocks)
  };
  Kind kind;
  int line = 0, column = 0;
  std::string text;
  ExprPtr expr, cond, filter;
  std::vector<std::pair<ExprPtr, Body>> branches;
  std::vector<std::string> targets;
  std::string attr;
  std::string name;
  std::vector<std::pair<std::string, ExprPtr>> params;  // default null when absent
  Body body, else_body;
};

}  // namespace hearth::chat
