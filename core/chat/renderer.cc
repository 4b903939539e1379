// Statement execution: output, if, for (with loop.*), set, macros and call blocks, filter blocks,
// and the globals transformers provides (raise_exception, strftime_now) plus jinja2's own.
#include "core/chat/renderer.h"

#include "core/chat/runtime.h"

namespace hearth::chat {
namespace {

class LocatedError : public Error {
 public:
  using Error::Error;
};

Value range_fn(const CallArgs& a) {
  int64_t start = 0, stop, step = 1;
  auto num = [](const Value& v) {
    if (!v.is_int()) runtime_error("range() expects integers");
    return v.as_int();
  };
  if (a.positional.size() == 1) {
    stop = num(a.positional[0]);
  } else if (a.positional.size() >= 2) {
    start = num(a.positional[0]);
    stop = num(a.positional[1]);
    if (a.positional.size() > 2) step = num(a.positional[2]);
  } else {
    runtime_error("range expected at least 1 argument, got 0");
  }
  if (step == 0) runtime_error("range() arg 3 must not be zero");
  Array out;
  for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
    out.push_back(Value(i));
    // jinja2's sandbox (transformers renders in one) refuses ranges past MAX_RANGE
    if (out.size() > 100000) runtime_error("Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).");
  }
  return Value(std::move(out));
}

Object kwargs_object(const CallArgs& a) {
  Object o;
  for (const Value& p : a.positional)
    if (p.is_object())
      for (size_t i = 0; i < p.as_object().size(); ++i) o.set_key(p.as_object().key_at(i), p.as_object().items()[i].second);
  for (const auto& [k, v] : a.keyword) o.set(k, v);
  return o;
}

}  // namespace

ScopePtr Renderer::globals() {
  auto g = std::make_shared<Scope>();
  g->vars.set("range", Value::function(range_fn));
  g->vars.set("namespace", Value::function([](const CallArgs& a) { return Value::make_namespace(kwargs_object(a)); }));
  g->vars.set("dict", Value::function([](const CallArgs& a) { return Value(kwargs_object(a)); }));
  g->vars.set("raise_exception", Value::function([](const CallArgs& a) -> Value {
                throw TemplateException(arg(a, 0, nullptr).str());
              }));
  auto hook = hooks_.strftime_now;
  g->vars.set("strftime_now", Value::function([hook](const CallArgs& a) {
                if (!hook) runtime_error("strftime_now: no clock");
                return Value(hook(arg(a, 0, nullptr).str()));
              }));
  return g;
}

std::string Renderer::render(const Body& body, const Object& context) {
  auto ctx = std::make_shared<Scope>();
  ctx->vars = context;
  ctx->parent = globals();
  std::string out;
  struct Cleanup {
    std::vector<ScopePtr>& scopes;
    ~Cleanup() {
      for (const ScopePtr& s : scopes) s->vars = Object();
      scopes.clear();
    }
  } cleanup{macro_scopes_};
  exec(body, ctx, out);
  return out;
}

void Renderer::spend_step() {
  if (++steps_ > kMaxRenderSteps)
    runtime_error("render budget exceeded: more than " + std::to_string(kMaxRenderSteps) + " steps (a loop that does not end?)");
}

Renderer::Flow Renderer::exec(const Body& body, const ScopePtr& scope, std::string& out) {
  for (const NodePtr& n : body) {
    Flow f;
    try {
      spend_step();
      f = exec_node(*n, scope, out);
      if (out.size() > kMaxRenderOutput)
        runtime_error("render budget exceeded: more than " + std::to_string(kMaxRenderOutput >> 20) + " MiB of output");
    } catch (const TemplateException&) {
      throw;
    } catch (const LocatedError&) {
      throw;
    } catch (const Error& e) {
      throw LocatedError(e.code(), "template error at line " + std::to_string(n->line) + ", column " +
                                       std::to_string(n->column) + ": " + e.what());
    }
    if (f != Flow::kNormal) return f;
  }
  return Flow::kNormal;
}

void Renderer::assign(const std::vector<std::string>& targets, const Value& v, Scope& scope, const Node& at) {
  if (targets.size() == 1) {
    scope.vars.set(targets[0], v);
    return;
  }
  std::vector<Value> items = iterate(v);
  if (items.size() != targets.size())
    runtime_error("cannot unpack " + std::to_string(items.size()) + " values into " + std::to_string(targets.size()));
  for (size_t i = 0; i < targets.size(); ++i) scope.vars.set(targets[i], items[i]);
}

Renderer::Flow Renderer::exec_node(const Node& n, const ScopePtr& scope, std::string& out) {
  switch (n.kind) {
    case Node::Kind::kText: out += n.text; return Flow::kNormal;
    case Node::Kind::kOutput: out += eval(*n.expr, scope).str(); return Flow::kNormal;
    case Node::Kind::kIf:
      for (const auto& [cond, body] : n.branches)
        if (!cond || eval(*cond, scope).truthy()) return exec(body, scope, out);
      return Flow::kNormal;
    case Node::Kind::kFor: return exec_for(n, scope, out);
    case Node::Kind::kSet: {
      Value v = eval(*n.expr, scope);
      if (n.attr.empty()) {
        assign(n.targets, v, *scope, n);
        return Flow::kNormal;
      }
      const Value* ns = scope->lookup(n.targets[0]);
      if (!ns || !ns->is_namespace()) runtime_error("cannot assign attribute on non-namespace object");
      Value target = *ns;  // shares the object
      target.as_object().set(n.attr, v);
      return Flow::kNormal;
    }
    case Node::Kind::kSetBlock: {
      std::string text;
      exec(n.body, scope, text);
      Value v(text);
      if (n.filter) v = apply_filter_expr(*n.filter, v, scope);
      assign(n.targets, v, *scope, n);
      return Flow::kNormal;
    }
    case Node::Kind::kMacro:
      scope->vars.set(n.name, make_macro(n, scope, std::shared_ptr<const Body>(std::shared_ptr<const Body>(), &n.body)));
      return Flow::kNormal;
    case Node::Kind::kCallBlock: {
      Value caller = make_macro(n, scope, std::shared_ptr<const Body>(std::shared_ptr<const Body>(), &n.body));
      const Expr& call = *n.expr;
      if (call.kind != Expr::Kind::kCall) runtime_error("{% call %} needs a macro call");
      CallArgs args = eval_args(call, scope);
      args.keyword.emplace_back("caller", caller);
      out += call_value(eval(*call.a, scope), args).str();
      return Flow::kNormal;
    }
    case Node::Kind::kFilterBlock: {
      std::string text;
      exec(n.body, scope, text);
      out += apply_filter_expr(*n.filter, Value(text), scope).str();
      return Flow::kNormal;
    }
    case Node::Kind::kBreak: return Flow::kBreak;
    case Node::Kind::kContinue: return Flow::kContinue;
    case Node::Kind::kDo: eval(*n.expr, scope); return Flow::kNormal;
    case Node::Kind::kScope: return exec(n.body, scope, out);
  }
  return Flow::kNormal;
}

Renderer::Flow Renderer::exec_for(const Node& n, const ScopePtr& scope, std::string& out) {
  Value seq = eval(*n.expr, scope);
  std::vector<Value> items = iterate(seq);
  auto loop_scope = std::make_shared<Scope>();
  loop_scope->parent = scope;
  if (n.cond) {  // {% for x in xs if cond %}: loop.* counts the items that pass
    std::vector<Value> kept;
    for (const Value& item : items) {
      assign(n.targets, item, *loop_scope, n);
      if (eval(*n.cond, loop_scope).truthy()) kept.push_back(item);
    }
    items = std::move(kept);
  }
  const int64_t len = int64_t(items.size());
  for (int64_t i = 0; i < len; ++i) {
    spend_step();
    Object loop;
    loop.set("index", Value(i + 1));
    loop.set("index0", Value(i));
    loop.set("revindex", Value(len - i));
    loop.set("revindex0", Value(len - i - 1));
    loop.set("first", Value(i == 0));
    loop.set("last", Value(i == len - 1));
    loop.set("length", Value(len));
    loop.set("depth", Value(1));
    loop.set("depth0", Value(0));
    loop.set("previtem", i > 0 ? items[size_t(i - 1)] : Value::undefined("there is no previous item"));
    loop.set("nextitem", i + 1 < len ? items[size_t(i + 1)] : Value::undefined("there is no next item"));
    loop.set("cycle", Value::function([i](const CallArgs& a) {
               if (a.positional.empty()) runtime_error("no items for cycling given");
               return a.positional[size_t(i) % a.positional.size()];
             }));
    loop_scope->vars.set("loop", Value(std::move(loop)));
    assign(n.targets, items[size_t(i)], *loop_scope, n);
    if (exec(n.body, loop_scope, out) == Flow::kBreak) break;
  }
  if (len == 0) exec(n.else_body, scope, out);
  return Flow::kNormal;
}

Value Renderer::make_macro(const Node& n, const ScopePtr& scope, std::shared_ptr<const Body> body) {
  const Node* node = &n;
  macro_scopes_.push_back(scope);
  return Value::function([this, node, scope](const CallArgs& a) {
    if (++depth_ > 200) {
      --depth_;
      runtime_error("macro recursion too deep");
    }
    auto s = std::make_shared<Scope>();
    s->parent = scope;
    Array varargs;
    for (size_t i = 0; i < a.positional.size(); ++i) {
      if (i < node->params.size()) s->vars.set(node->params[i].first, a.positional[i]);
      else varargs.push_back(a.positional[i]);
    }
    Object kwargs;
    for (const auto& [k, v] : a.keyword) {
      bool known = k == "caller";
      for (const auto& p : node->params) known |= p.first == k;
      if (known) s->vars.set(k, v);
      else kwargs.set(k, v);
    }
    for (const auto& [p, dflt] : node->params)
      if (!s->vars.find(p)) s->vars.set(p, dflt ? eval(*dflt, s) : Value::undefined("'" + p + "' is undefined"));
    s->vars.set("varargs", Value(std::move(varargs)));
    s->vars.set("kwargs", Value(std::move(kwargs)));
    std::string text;
    try {
      exec(node->body, s, text);
    } catch (...) {
      --depth_;
      throw;
    }
    --depth_;
    return Value(text);
  });
}

}  // namespace hearth::chat
