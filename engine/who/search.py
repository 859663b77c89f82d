"""Matching a complaint against the catalogue: Chinese words by jieba, ranking by BM25.

Each catalogue item is one document: its name (twice: the name says most), its field of work,
its department, the duties as the catalogue words them, its legal basis, and the phrases the
county's vocabulary file gives for it (how citizens name it). A complaint is cut into words the
same way; the words of a synonym group stand for the whole group. BM25 (Okapi) scores every
item of the catalogue at once; a street's answer keeps the items on its lists.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

import jieba
from rank_bm25 import BM25Okapi

from engine.errors import DataError, DataErrors, did_you_mean
from engine.loading.yamlio import read_yaml, validate
from engine.models.county import County, DutyItem
from engine.who.models import Vocabulary

jieba.setLogLevel(logging.WARNING)  # its dictionary loads quietly

VOCABULARY_FILE = "synonyms.yaml"
NAME_WEIGHT = 2  # an item's name counts twice among its words
_WORD = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")  # a token with none of these is punctuation


def load_vocabulary(directory: Path, county: County) -> Vocabulary:
    """The county's vocabulary file, or an empty one when the county has none; an item it
    names must be in the catalogue."""
    path = Path(directory) / VOCABULARY_FILE
    if not path.exists():
        return Vocabulary(schema_version=1)
    doc = read_yaml(path)
    vocabulary = validate(Vocabulary, doc)
    errors = [DataError(f"目录中没有事项 “{iid}”", code="E-REF",
                        location=doc.location(("items", iid)),
                        hint=did_you_mean(iid, county.items))
              for iid in vocabulary.items if iid not in county.items]
    if errors:
        raise DataErrors(errors)
    return vocabulary


@dataclass(frozen=True)
class Scored:
    item: DutyItem
    score: float
    terms: list[str]


class CatalogueIndex:
    """Every catalogue item of a county as a BM25 document (built once, queried often)."""

    def __init__(self, county: County, department_names: dict[str, str],
                 vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self.tokenizer = jieba.Tokenizer()
        for word in {w for group in vocabulary.synonyms for w in group} | {
                p for phrases in vocabulary.items.values() for p in phrases}:
            self.tokenizer.add_word(word)
        self.stopwords = frozenset(vocabulary.stopwords)
        # a single character is a word only when the county's vocabulary says so (狗, 吵)
        self.singles = frozenset(w for group in vocabulary.synonyms for w in group
                                 if len(w) == 1) | {p for phrases in vocabulary.items.values()
                                                    for p in phrases if len(p) == 1}
        self.groups = [sorted(set(group)) for group in vocabulary.synonyms]
        self.items = list(county.items.values())
        self.words = [set(self.tokens(self.text(item, department_names)))
                      for item in self.items]
        self.bm25 = BM25Okapi([self.tokens(self.text(item, department_names))
                               for item in self.items]) if self.items else None

    def text(self, item: DutyItem, department_names: dict[str, str]) -> str:
        parts = [item.name] * NAME_WEIGHT + [
            item.domain or "", department_names.get(item.department, ""),
            item.department_duty or "", item.street_duty or "", item.method or "",
            item.legal_basis, *self.vocabulary.items.get(item.id, ())]
        return "\n".join(parts)

    def tokens(self, text: str) -> list[str]:
        return [t for t in self.tokenizer.cut_for_search(text)
                if (len(t) > 1 or t in self.singles) and _WORD.search(t)
                and t not in self.stopwords]

    def query_tokens(self, text: str) -> list[str]:
        """The complaint's words, each synonym group it touches standing in whole."""
        words = self.tokens(text)
        seen = set(words)
        for group in self.groups:
            if any(w in seen or w in text for w in group):
                words += [t for w in group for t in self.tokens(w)]
        return words

    def score(self, text: str) -> list[Scored]:
        """The catalogue items the complaint's words score, with the words found in each,
        best first (ties in catalogue order)."""
        if self.bm25 is None:
            return []
        words = self.query_tokens(text)
        scores = self.bm25.get_scores(words)
        wanted = list(dict.fromkeys(words))
        order = sorted((i for i, s in enumerate(scores) if s > 0), key=lambda i: (-scores[i], i))
        return [Scored(self.items[i], float(scores[i]), [w for w in wanted if w in self.words[i]])
                for i in order]

