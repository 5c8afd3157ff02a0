"""Raw text as bytes: the input encoding shared by the byte-level models.

No tokenizer, vocabulary or pretrained embedding: a text becomes its UTF-8 bytes,
truncated or zero-padded to a fixed length, and the model learns everything
from there (the "end-to-end owns its input" choice; see ``encode_inputs``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from e2e_models.supervised import ClassificationModule

#: Byte 0 pads; it never occurs inside UTF-8 text, so it is free to mean "no byte".
PAD = 0
#: Distinct input values: the 256 byte values (0 doubling as padding).
N_SYMBOLS = 256


def encode_bytes(texts: Sequence[str], max_len: int) -> np.ndarray:
    """UTF-8 bytes of each text, truncated or zero-padded to ``max_len``.

    Args:
        texts: ``n`` strings (a list or an ``(n,)`` object array).
        max_len: bytes kept per text (> 0); longer texts lose their tail, which
            may split a multi-byte character (the model sees raw bytes anyway).

    Returns:
        ``(n, max_len)`` uint8 array; uint8 keeps 66k glosses × 160 bytes at 10 MB.

    Raises:
        ValueError: ``max_len`` < 1, or an item is not a ``str`` (already-encoded
            arrays should not reach this function twice).
    """
    if max_len < 1:
        raise ValueError(f"max_len={max_len} must be >= 1")
    out = np.zeros((len(texts), max_len), dtype=np.uint8)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise ValueError(f"encode_bytes expects strings; item {i} is {type(text).__name__}")
        raw = text.encode("utf-8")[:max_len]
        out[i, :len(raw)] = np.frombuffer(raw, dtype=np.uint8)
    return out


class ByteClassifier(ClassificationModule):
    """Base of the byte-level text classifiers: a ``ClassificationModule`` that encodes its own input.

    Subclasses call ``super().__init__()``, ``self.save_hyperparameters()`` (with
    at least ``max_len``, ``lr`` and ``weight_decay``) and implement ``forward``:
    ``(B, max_len)`` uint8/int64 bytes -> ``(B, n_classes)`` float32 logits.
    """

    def encode_inputs(self, X: Sequence[str] | np.ndarray) -> np.ndarray:
        """Turn the task's raw inputs into what ``forward`` takes.

        ``LightningEstimator`` calls this once on the training, validation and
        prediction inputs (any model may define it). Strings become
        ``(n, max_len)`` uint8 bytes via :func:`encode_bytes`; a 2-d integer
        array is taken as already encoded and returned as is.
        """
        if isinstance(X, np.ndarray) and X.ndim == 2 and X.dtype.kind in "iu":
            return X
        return encode_bytes(X, self.hparams.max_len)
