// The one grammar form every front end compiles to, and the builder that makes it.
//
// A grammar is a set of rules; a rule is a list of alternatives; an alternative is a sequence of
// elements, each a byte set (one byte from it) or a reference to a rule. The sequences live in one flat
// array, each ended by an End element, so a parser position is one uint32 (an index into the array):
// the stack automaton (stack_automaton.h) keeps stacks of positions. Byte-level terminals keep the
// matcher simple and exact for tokens that split UTF-8 characters; the price is more positions for
// long literals, paid once at build time.
//
// build() checks what the matcher relies on: every rule defined, no rule that can match nothing
// (unproductive alternatives are dropped, so a dead end is never offered as a valid token), and no
// left recursion (a rule reaching itself without consuming a byte would never stop expanding).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/grammar/byte_set.h"
#include "core/grammar/expr.h"

namespace hearth::grammar {

struct Element {
  enum class Kind : uint8_t { kBytes, kRule, kEnd };
  Kind kind = Kind::kEnd;
  uint32_t value = 0;  // kBytes: byte set id; kRule: rule id; kEnd: the rule it ends
};

struct Rule {
  std::string name;
  std::vector<uint32_t> alternatives;  // start positions in Grammar::elements()
  bool nullable = false;               // can match the empty string
};

class Grammar {
 public:
  const Element& at(uint32_t pos) const { return elements_[pos]; }
  const ByteSet& byte_set(uint32_t id) const { return byte_sets_[id]; }
  const Rule& rule(uint32_t id) const { return rules_[id]; }
  size_t rule_count() const { return rules_.size(); }
  size_t element_count() const { return elements_.size(); }
  uint32_t root() const { return root_; }
  // The rules in a GBNF-like text, for tests and debugging.
  std::string to_text() const;

 private:
  friend class GrammarBuilder;
  std::vector<Element> elements_;
  std::vector<ByteSet> byte_sets_;
  std::vector<Rule> rules_;
  uint32_t root_ = 0;
};

class GrammarBuilder {
 public:
  // A new rule, defined later (rules may refer to each other in any order). Names are for messages
  // and to_text(); a repeated name gets a numbered suffix.
  uint32_t declare(const std::string& name);
  // Sets a declared rule's body; each rule is defined once.
  void define(uint32_t rule, const Expr& body);
  bool defined(uint32_t rule) const { return rules_[rule].defined; }
  const std::string& name(uint32_t rule) const { return rules_[rule].name; }
  // Checks and flattens. Throws Error(kInvalidArgument) for an undefined rule, a grammar that matches
  // nothing, or left recursion (naming the rules); Error(kOutOfMemory) past kMaxElements.
  Grammar build(uint32_t root);

  static constexpr size_t kMaxElements = 4'000'000;

 private:
  struct Pending {
    std::string name;
    std::vector<std::vector<Element>> alts;
    bool defined = false;
  };
  std::vector<std::vector<Element>> lower_alternatives(const Expr& e);
  void lower_sequence(const Expr& e, std::vector<Element>& out);
  Element lower_one(const Expr& e);  // e as a single element (a helper rule where needed)
  uint32_t helper(const std::string& kind, std::vector<std::vector<Element>> alts);
  uint32_t intern(const ByteSet& s);
  void check_size();

  std::vector<Pending> rules_;
  std::vector<ByteSet> byte_sets_;
  std::unordered_map<ByteSet, uint32_t, ByteSetHash> byte_set_ids_;
  std::unordered_map<std::string, uint32_t> name_count_;
  std::unordered_map<std::string, uint32_t> class_rules_;  // code point class key → helper rule
  size_t element_total_ = 0;
};

}  // namespace hearth::grammar
