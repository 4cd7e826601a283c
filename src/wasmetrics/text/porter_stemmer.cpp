#include "wasmetrics/text/porter_stemmer.hpp"

#include <functional>
#include <string_view>
#include <vector>

namespace wasmetrics::text {
namespace {

bool ends_with(std::string_view w, std::string_view s) {
  return w.size() >= s.size() && w.substr(w.size() - s.size()) == s;
}

bool is_consonant(std::string_view w, std::size_t i) {
  switch (w[i]) {
    case 'a':
    case 'e':
    case 'i':
    case 'o':
    case 'u':
      return false;
    case 'y':
      return i == 0 ? true : !is_consonant(w, i - 1);
    default:
      return true;
  }
}

// m in [C](VC)^m[V]: the number of vowel-consonant transitions.
int measure(std::string_view s) {
  int m = 0;
  for (std::size_t i = 1; i < s.size(); ++i)
    if (is_consonant(s, i) && !is_consonant(s, i - 1)) ++m;
  return m;
}

bool contains_vowel(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i)
    if (!is_consonant(s, i)) return true;
  return false;
}

bool ends_double_consonant(std::string_view w) {
  return w.size() >= 2 && w[w.size() - 1] == w[w.size() - 2] && is_consonant(w, w.size() - 1);
}

bool ends_cvc(std::string_view w) {
  const std::size_t n = w.size();
  if (n >= 3 && is_consonant(w, n - 3) && !is_consonant(w, n - 2) && is_consonant(w, n - 1) && w[n - 1] != 'w' &&
      w[n - 1] != 'x' && w[n - 1] != 'y')
    return true;
  return n == 2 && !is_consonant(w, 0) && is_consonant(w, 1);  // NLTK extension
}

struct Rule {
  std::string_view suffix;  // "*d": a double consonant ending
  std::string replacement;
  std::function<bool(std::string_view)> condition;  // on the stem; empty: always
};

// The first rule whose suffix matches decides: replaced when its condition holds, else unchanged.
std::string apply_rules(const std::string& word, const std::vector<Rule>& rules) {
  for (auto& r : rules) {
    if (r.suffix == "*d" && ends_double_consonant(word)) {
      std::string stem = word.substr(0, word.size() - 2);
      return !r.condition || r.condition(stem) ? stem + r.replacement : word;
    }
    if (ends_with(word, r.suffix)) {
      std::string stem = word.substr(0, word.size() - r.suffix.size());
      return !r.condition || r.condition(stem) ? stem + r.replacement : word;
    }
  }
  return word;
}

bool positive_measure(std::string_view s) { return measure(s) > 0; }

std::string step1a(const std::string& w) {
  if (ends_with(w, "ies") && w.size() == 4) return w.substr(0, 1) + "ie";
  return apply_rules(w, {{"sses", "ss", {}}, {"ies", "i", {}}, {"ss", "ss", {}}, {"s", "", {}}});
}

std::string step1b(const std::string& w) {
  if (ends_with(w, "ied")) return w.substr(0, w.size() - 3) + (w.size() == 4 ? "ie" : "i");
  if (ends_with(w, "eed")) {
    std::string stem = w.substr(0, w.size() - 3);
    return measure(stem) > 0 ? stem + "ee" : w;
  }
  std::string stem;
  bool found = false;
  for (std::string_view suffix : {std::string_view("ed"), std::string_view("ing")}) {
    if (ends_with(w, suffix)) {
      stem = w.substr(0, w.size() - suffix.size());
      if (contains_vowel(stem)) {
        found = true;
        break;
      }
    }
  }
  if (!found) return w;
  const char last = stem.empty() ? '\0' : stem.back();
  return apply_rules(stem, {{"at", "ate", {}},
                            {"bl", "ble", {}},
                            {"iz", "ize", {}},
                            {"*d", std::string(1, last),
                             [last](std::string_view) { return last != 'l' && last != 's' && last != 'z'; }},
                            {"", "e", [](std::string_view s) { return measure(s) == 1 && ends_cvc(s); }}});
}

std::string step1c(const std::string& w) {
  return apply_rules(w, {{"y", "i", [](std::string_view s) { return s.size() > 1 && is_consonant(s, s.size() - 1); }}});
}

std::string step2(const std::string& w) {
  if (ends_with(w, "alli") && positive_measure(std::string_view(w).substr(0, w.size() - 4)))
    return step2(w.substr(0, w.size() - 4) + "al");
  const std::string word = w;
  return apply_rules(w, {{"ational", "ate", positive_measure},
                         {"tional", "tion", positive_measure},
                         {"enci", "ence", positive_measure},
                         {"anci", "ance", positive_measure},
                         {"izer", "ize", positive_measure},
                         {"bli", "ble", positive_measure},
                         {"alli", "al", positive_measure},
                         {"entli", "ent", positive_measure},
                         {"eli", "e", positive_measure},
                         {"ousli", "ous", positive_measure},
                         {"ization", "ize", positive_measure},
                         {"ation", "ate", positive_measure},
                         {"ator", "ate", positive_measure},
                         {"alism", "al", positive_measure},
                         {"iveness", "ive", positive_measure},
                         {"fulness", "ful", positive_measure},
                         {"ousness", "ous", positive_measure},
                         {"aliti", "al", positive_measure},
                         {"iviti", "ive", positive_measure},
                         {"biliti", "ble", positive_measure},
                         {"fulli", "ful", positive_measure},
                         {"logi", "log", [word](std::string_view) {
                            return positive_measure(std::string_view(word).substr(0, word.size() - 3));
                          }}});
}

std::string step3(const std::string& w) {
  return apply_rules(w, {{"icate", "ic", positive_measure},
                         {"ative", "", positive_measure},
                         {"alize", "al", positive_measure},
                         {"iciti", "ic", positive_measure},
                         {"ical", "ic", positive_measure},
                         {"ful", "", positive_measure},
                         {"ness", "", positive_measure}});
}

std::string step4(const std::string& w) {
  auto gt1 = [](std::string_view s) { return measure(s) > 1; };
  return apply_rules(
      w, {{"al", "", gt1},
          {"ance", "", gt1},
          {"ence", "", gt1},
          {"er", "", gt1},
          {"ic", "", gt1},
          {"able", "", gt1},
          {"ible", "", gt1},
          {"ant", "", gt1},
          {"ement", "", gt1},
          {"ment", "", gt1},
          {"ent", "", gt1},
          {"ion", "",
           [](std::string_view s) { return measure(s) > 1 && !s.empty() && (s.back() == 's' || s.back() == 't'); }},
          {"ou", "", gt1},
          {"ism", "", gt1},
          {"ate", "", gt1},
          {"iti", "", gt1},
          {"ous", "", gt1},
          {"ive", "", gt1},
          {"ize", "", gt1}});
}

std::string step5a(const std::string& w) {
  if (ends_with(w, "e")) {
    std::string stem = w.substr(0, w.size() - 1);
    if (measure(stem) > 1) return stem;
    if (measure(stem) == 1 && !ends_cvc(stem)) return stem;
  }
  return w;
}

std::string step5b(const std::string& w) {
  const std::string word = w;
  return apply_rules(w, {{"ll", "l", [word](std::string_view) {
                            return measure(std::string_view(word).substr(0, word.size() - 1)) > 1;
                          }}});
}

}  // namespace

std::string porter_stem(std::string word) {
  // NLTK's irregular forms
  static const std::pair<std::string_view, std::string_view> pool[] = {
      {"sky", "sky"},        {"skies", "sky"},       {"dying", "die"},        {"lying", "lie"},
      {"tying", "tie"},      {"news", "news"},       {"innings", "inning"},   {"inning", "inning"},
      {"outings", "outing"}, {"outing", "outing"},   {"cannings", "canning"}, {"canning", "canning"},
      {"howe", "howe"},      {"proceed", "proceed"}, {"exceed", "exceed"},    {"succeed", "succeed"},
  };
  for (auto& [form, stem] : pool)
    if (word == form) return std::string(stem);
  if (word.size() <= 2) return word;
  word = step1a(word);
  word = step1b(word);
  word = step1c(word);
  word = step2(word);
  word = step3(word);
  word = step4(word);
  word = step5a(word);
  word = step5b(word);
  return word;
}

}  // namespace wasmetrics::text
