"""The one shared Swedish spaCy pipeline: tokenizer + lookup lemmatizer, loaded once.

`spacy.blank("sv")` with the lookup lemmatizer from spacy-lookups-data. The lookup table is
case-sensitive and keyed by inflected forms, so words are looked up in lower case; a small
override table (`lang/swedish.toml`) fixes the forms the table gets wrong, and compounds the
table does not know are lemmatized by their longest known head ("laddstationer" ->
"ladd" + "station"). The stop list is spaCy's Swedish list minus the words that carry meaning
in political text (beslut, vänster, höger, ...) plus function words spaCy misses.

Public surface: `get_nlp()`, `lemma(word)`, `lemmas(text)`, `content_lemmas(text)`,
`content_lemmas_many(texts)`, `content_pairs_many(texts)` (lemmas with the forms as written,
so labels read as Swedish rather than as lemmas), `stop_words()`, `is_stop(word)`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from nlp_motioner._data import load_toml

__all__ = [
    "get_nlp",
    "lemma",
    "lemmas",
    "content_lemmas",
    "content_lemmas_many",
    "content_pairs_many",
    "stop_words",
    "is_stop",
]

# A content token: letters (Swedish included), optionally joined by inner hyphens.
_WORD = re.compile(r"^[a-zåäöéü]+(?:-[a-zåäöéü]+)*$")
_MIN_HEAD = 4  # shortest compound head used for the compound fallback
_MIN_MODIFIER = 3
_PARTICIPLE = ("ande", "ende")
_SENTENCE_END = frozenset({".", "!", "?", "\n", "\n\n", "•", "–", "-", ";"})


@lru_cache(maxsize=1)
def get_nlp() -> Any:
    """The shared `spacy.blank("sv")` pipeline with the lookup lemmatizer (built once)."""
    import spacy

    nlp = spacy.blank("sv")
    # The lemmatizer must be added before initialize(); adding it afterwards fails (E1004).
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


@lru_cache(maxsize=1)
def _tables() -> tuple[Any, frozenset[str], dict[str, str]]:
    # A spaCy lookups Table is keyed by string hashes; `in` and `[]` hash the string for us.
    lookup = get_nlp().get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    known_lemmas = frozenset(lookup.values())
    overrides = dict(load_toml("lang/swedish.toml")["lemma_overrides"])
    return lookup, known_lemmas, overrides


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """spaCy's Swedish stop words, adjusted for political text (see lang/swedish.toml)."""
    from spacy.lang.sv.stop_words import STOP_WORDS as SPACY_STOP

    cfg = load_toml("lang/swedish.toml")["stop_words"]
    return frozenset((set(SPACY_STOP) - set(cfg["keep"])) | set(cfg["add"]))


def is_known(word: str) -> bool:
    """True when the lemma table knows `word` (lower case) as a form or a lemma."""
    lookup, known, overrides = _tables()
    low = word.lower()
    return low in overrides or low in lookup or low in known


def is_stop(word: str) -> bool:
    return word.lower() in stop_words()


_lemma_cache: dict[str, str] = {}


def lemma(word: str) -> str:
    """The lemma of one word, looked up in lower case (compound heads as a fallback)."""
    low = word.lower()
    hit = _lemma_cache.get(low)
    if hit is not None:
        return hit
    lookup, known, overrides = _tables()
    if low in overrides:
        out = overrides[low]
    elif low in lookup:
        out = lookup[low]
        if out == low + "a" and low in known:
            # The table sends some bare nouns to a verb ("hot" -> "hota", "val" -> "vala",
            # "plan" -> "plana"); a bare stem that is itself a lemma is the noun.
            out = low
    elif low in known or len(low) < _MIN_HEAD + _MIN_MODIFIER or low.endswith(_PARTICIPLE):
        # Unknown present participles are kept whole: "brottsförebyggande" reads better than
        # the verb, and as a theme term it is the adjective that matters.
        out = low
    else:
        out = low
        # The longest head the table knows gives the most reliable inflection.
        for i in range(_MIN_MODIFIER, len(low) - _MIN_HEAD + 1):
            head = low[i:]
            if head in overrides:
                out = low[:i] + overrides[head]
                break
            if head in known:
                # A head in its base form: the compound already is a lemma ("detaljplan",
                # not "detaljplana" from the verb "plana").
                break
            if head in lookup:
                out = low[:i] + lookup[head]
                break
    if len(_lemma_cache) < 2_000_000:
        _lemma_cache[low] = out
    return out


def _clean(text: str) -> str:
    # pdfium's soft-hyphen marker should already be gone; be safe for text from other readers.
    return text.replace("\ufffe", "").replace("\u00ad", "")


def lemmas(text: str) -> list[str]:
    """Lemmas of every token in `text` (lower case, punctuation included)."""
    tok = get_nlp().tokenizer
    return [lemma(t.text) for t in tok(_clean(text)) if not t.is_space]


# Per surface form (spaCy orth hash): (kind, lemma). Kinds below; computed once per form.
_DROP, _LOWER, _CAPITAL, _BOUNDARY = 0, 1, 2, 3
_form_cache: dict[int, tuple[int, str]] = {}


def _form(orth: int, strings: Any, stops: frozenset[str]) -> tuple[int, str]:
    text = strings[orth]
    if text in _SENTENCE_END or text.endswith(":"):
        return _BOUNDARY, ""
    low = text.lower()
    if len(low) < 2 or low in stops or not _WORD.match(low):
        return _DROP, ""
    lem = lemma(low)
    if lem in stops or len(lem) < 2:
        return _DROP, ""
    if text[:1].isupper() and text[1:2].islower():
        # Capitalised: a name when next to another capitalised word, or inside a sentence
        # and unknown to the lexicon. The last character of the kind's lemma slot holds that.
        # A word the lexicon lemmatizes (directly or by a compound head: "Omsorgsnämnden")
        # is a word, not a name.
        return _CAPITAL, lem + ("\x00" if is_known(low) or lem != low else "")
    return _LOWER, lem


def _content(
    doc: Any, stops: frozenset[str], drop_names: bool = False, surfaces: list[str] | None = None
) -> list[str]:
    """Content lemmas of a tokenized doc, via per-form caching (no Token objects).

    With `surfaces` (a list), the form as written of each kept lemma is appended to it, in
    step with the lemmas returned (in lower case at the start of a sentence).
    """
    from spacy.attrs import ORTH

    strings = doc.vocab.strings
    forms = []
    orths = doc.to_array([ORTH]).ravel().tolist()
    for orth in orths:
        info = _form_cache.get(orth)
        if info is None:
            info = _form(orth, strings, stops)
            if len(_form_cache) < 2_000_000:
                _form_cache[orth] = info
        forms.append(info)
    out = []
    starts = True
    n = len(forms)
    for i, (kind, lem) in enumerate(forms):
        if kind == _LOWER:
            out.append(lem)
        elif kind == _CAPITAL:
            known = lem.endswith("\x00")
            if known:
                lem = lem[:-1]
            if drop_names:
                # Names say who or where, not what about.
                run = (not starts and i > 0 and forms[i - 1][0] == _CAPITAL) or (
                    i + 1 < n and forms[i + 1][0] == _CAPITAL
                )
                if run or (not starts and not known):
                    starts = False
                    continue
            out.append(lem)
        else:
            starts = kind == _BOUNDARY
            continue
        if surfaces is not None:
            # At a sentence start a capital says nothing, so the form is given in lower case.
            form = strings[orths[i]]
            surfaces.append(form.lower() if starts else form)
        starts = False
    return out


def content_lemmas(text: str, *, drop_names: bool = False) -> list[str]:
    """Lemmas of the content words in `text`: no stop words, numbers or punctuation.

    `drop_names` also drops capitalised words inside a sentence that the lexicon does not
    know (people's and places' names).
    """
    return _content(get_nlp().tokenizer(_clean(text)), stop_words(), drop_names)


def content_lemmas_many(
    texts: Iterable[str], batch_size: int = 256, *, drop_names: bool = False
) -> Iterator[list[str]]:
    """`content_lemmas` over many texts, streamed through the tokenizer in batches."""
    stops = stop_words()
    tok = get_nlp().tokenizer
    for doc in tok.pipe((_clean(t) for t in texts), batch_size=batch_size):
        yield _content(doc, stops, drop_names)


def content_pairs_many(
    texts: Iterable[str], batch_size: int = 256, *, drop_names: bool = False
) -> Iterator[tuple[list[str], list[str]]]:
    """Like `content_lemmas_many`, with the forms as written beside the lemmas."""
    stops = stop_words()
    tok = get_nlp().tokenizer
    for doc in tok.pipe((_clean(t) for t in texts), batch_size=batch_size):
        surfaces: list[str] = []
        lemmas_ = _content(doc, stops, drop_names, surfaces)
        yield lemmas_, surfaces
