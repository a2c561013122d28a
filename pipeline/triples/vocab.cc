#include "pipeline/triples/vocab.h"

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "pipeline/triples/triples_store.h"
#include "store/base/crypto.h"

namespace sov::pipeline {

Vocabulary::Vocabulary() {
  (void)crypto::Init();
  const std::pair<std::string_view, std::string_view> entries[] = {
#define SOV_VOC_ENTRY(name, ns, local) {ns, local},
      SOV_TRIPLES_VOCAB(SOV_VOC_ENTRY)
#undef SOV_VOC_ENTRY
  };
  for (size_t i = 0; i < kVocabSize; ++i) {
    terms_[i] = RdfTerm::Iri(std::string(entries[i].first) + std::string(entries[i].second));
    ids_[i] = TermId(terms_[i]);
    if (!by_id_.emplace(ids_[i], i).second) {
      std::fprintf(stderr, "sov: triples vocabulary id collision at %s\n", terms_[i].value.c_str());
      std::abort();  // a property of the compiled-in constants, found by every test run
    }
  }
}

}  // namespace sov::pipeline
