// Template source -> syntax tree (statements and Jinja expressions, with jinja2's precedence).
#pragma once

#include <string>

#include "core/chat/ast.h"

namespace hearth::chat {

// Throws Error(kInvalidArgument) "template syntax error at line L, column C: ...".
Body parse_template(const std::string& source);

}  // namespace hearth::chat
