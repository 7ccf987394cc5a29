"""Similar ideas by text: TF-IDF over words and character n-grams, cosine similarity, pure Python.

Indonesian builds words with affixes (layanan, pelayanan, melayani), so whole-word matching misses
near-duplicates; character 4-grams inside words catch shared stems without a stemmer or a model
download. Common Indonesian function words are dropped first, so they do not make ideas look alike.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Hashable, Sequence

_STOPWORD_TEXT = """
    ada adalah agar akan aku anda antara apa apabila atas atau bagai bagaimana bagi bahkan bahwa banyak
    baru beberapa begitu belum benar berada berbagai berikut bila bisa boleh bukan cara cukup dalam dan
    dapat dari daripada demikian dengan di dia dilakukan dimana ini itu jadi jika juga kami kamu karena
    ke kebanyakan kemudian kepada ketika kita lagi lain lalu lebih maka masih masing melalui menjadi
    mereka merupakan misalnya mungkin namun oleh pada padahal para pun saat saja sama sampai sangat
    satu saya secara sedang sehingga sejak selain seluruh semua sendiri seperti serta sesuai setelah
    setiap sudah supaya tanpa telah tentang tersebut tetapi tidak untuk yaitu yakni yang
    the a an of and or to in for on with by is are be this that
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_WORD = re.compile(r"[a-z0-9]+")
NGRAM = 4
#: The cosine from which a participant is told that submitted ideas read like their draft. Higher than
#: `most_similar`'s floor, so the yes/no answer marks near duplicates and not a shared word or two.
NOTICE_SCORE = 0.25


def features(text: str) -> Counter[str]:
    """Word and character n-gram counts of a text."""
    counts: Counter[str] = Counter()
    for word in _WORD.findall(text.lower()):
        if word in STOPWORDS or len(word) < 2:
            continue
        counts[f"w:{word}"] += 1
        padded = f"_{word}_"
        for i in range(max(1, len(padded) - NGRAM + 1)):
            counts[f"c:{padded[i : i + NGRAM]}"] += 1
    return counts


def _weights(counts: Counter[str], idf: dict[str, float]) -> dict[str, float]:
    vector = {term: (1 + math.log(n)) * idf[term] for term, n in counts.items()}
    norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
    return {term: v / norm for term, v in vector.items()}


def most_similar(
    text: str, candidates: Sequence[tuple[Hashable, str]], *, limit: int = 5, min_score: float = 0.1
) -> list[tuple[Hashable, float]]:
    """The `limit` candidates most similar to `text`, best first, with cosine scores in [0, 1]."""
    if not candidates:
        return []
    docs = [features(text)] + [features(body) for _, body in candidates]
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(doc.keys())
    n = len(docs)
    idf = {term: math.log((1 + n) / (1 + d)) + 1 for term, d in df.items()}
    target = _weights(docs[0], idf)
    scored = []
    for (key, _), doc in zip(candidates, docs[1:], strict=True):
        vector = _weights(doc, idf)
        small, large = (vector, target) if len(vector) < len(target) else (target, vector)
        score = sum(v * large.get(term, 0.0) for term, v in small.items())
        if score >= min_score:
            scored.append((key, round(score, 4)))
    scored.sort(key=lambda pair: -pair[1])
    return scored[:limit]
