// Runs a parsed template: evaluates expressions and executes statement nodes against a chain of
// scopes (globals → render context → loop and macro scopes), with jinja2's scoping: `set` inside a
// for loop or macro stays there, `if` opens no scope, namespace() objects carry state out.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/chat/ast.h"
#include "core/chat/value.h"
#include "core/util/error.h"

namespace hearth::chat {

// raise_exception(msg) from a template: the message as the template wrote it.
class TemplateException : public Error {
 public:
  explicit TemplateException(const std::string& msg) : Error(ErrorCode::kInvalidArgument, msg) {}
};

struct Scope {
  Object vars;
  std::shared_ptr<Scope> parent;
  const Value* lookup(const std::string& name) const;
};
using ScopePtr = std::shared_ptr<Scope>;

struct RenderHooks {
  std::function<std::string(const std::string& format)> strftime_now;
};

// The render budget: past these a template is refused with an error instead of running on (a loop
// over loops, a runaway macro): real chat templates take thousands of steps and render kilobytes.
constexpr int64_t kMaxRenderSteps = 1'000'000;   // statements run plus loop iterations
constexpr size_t kMaxRenderOutput = size_t(64) << 20;  // bytes of output (a {% set %} block's too)

class Renderer {
 public:
  explicit Renderer(RenderHooks hooks) : hooks_(std::move(hooks)) {}
  std::string render(const Body& body, const Object& context);

  Value eval(const Expr& e, const ScopePtr& scope);

 private:
  enum class Flow { kNormal, kBreak, kContinue };
  Flow exec(const Body& body, const ScopePtr& scope, std::string& out);
  Flow exec_node(const Node& n, const ScopePtr& scope, std::string& out);
  Flow exec_for(const Node& n, const ScopePtr& scope, std::string& out);
  void assign(const std::vector<std::string>& targets, const Value& v, Scope& scope, const Node& at);
  Value make_macro(const Node& n, const ScopePtr& scope, std::shared_ptr<const Body> body);
  Value apply_filter_expr(const Expr& f, const Value& input, const ScopePtr& scope);
  CallArgs eval_args(const Expr& e, const ScopePtr& scope);
  Value binary(const Expr& e, const ScopePtr& scope);
  ScopePtr globals();

  void spend_step();

  RenderHooks hooks_;
  int depth_ = 0;
  int64_t steps_ = 0;
  std::vector<ScopePtr> macro_scopes_;  // cleared after rendering: macros and their scopes refer to each other
};

// Python arithmetic and comparison on values (op: + - * / // % ** ~ == != < > <= >= in notin).
Value binary_op(const std::string& op, const Value& a, const Value& b);

}  // namespace hearth::chat
