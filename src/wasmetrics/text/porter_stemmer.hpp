#pragma once
// The Porter stemmer as nltk's PorterStemmer() (mode NLTK_EXTENSIONS) stems a lowercase word,
// which ROUGEScore(use_stemmer=True) applies to tokens longer than 3 characters. Written from the
// algorithm's description and nltk's rule list; tests compare it with nltk's outputs.
#include <string>

namespace wasmetrics::text {

std::string porter_stem(std::string word);

}  // namespace wasmetrics::text
