"""A Transformer encoder–decoder for translation, on a subword vocabulary learned from the training subset."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from e2e_models.supervised import SupervisedModule

__all__ = ["TransformerMT"]

PAD, UNK, BOS, EOS = 0, 1, 2, 3
#: the smallest vocabulary accepted: the four special pieces and a few of text
MIN_VOCAB = 16


class TransformerMT(SupervisedModule):
    """Source subwords -> target subwords: ``torch.nn.Transformer{Encoder,Decoder}Layer`` s, trained end to end.

    The architecture of Vaswani et al. 2017 ("Attention Is All You Need", NeurIPS),
    pre-LN (Xiong et al. 2020), sinusoidal positions, one joint SentencePiece
    unigram vocabulary (Kudo & Richardson 2018) trained in :meth:`prepare` on the
    training subset only, and embeddings tied across encoder, decoder and output
    layer (Press & Wolf 2017). Epochs and candidates are chosen by the validation
    sentences' negative log-likelihood (``val_sentence_nll``). The low-resource settings of Sennrich & Zhang 2019
    ("Revisiting Low-Resource Neural Machine Translation", ACL) are the defaults:
    a small vocabulary, few layers, strong dropout, label smoothing. Adam with the
    inverse-square-root warm-up schedule of Vaswani et al.; the estimator keeps the
    epoch of the best validation loss. Test-time decoding is beam search with
    length normalisation, incremental over a key–value cache (the encoder's
    cross-attention keys and values are projected once), so a step costs one
    position, not the whole prefix.

    Args:
        vocab_size: SentencePiece pieces (a smaller vocabulary if the text has too few).
        d_model, n_heads, n_layers (encoder and decoder each), ff_dim: sizes.
        dropout: in attention, feed-forward and embeddings; label_smoothing: of the loss.
        max_len: subwords kept per sentence (longer ones are cut).
        lr: the peak learning rate, reached after ``warmup`` steps; weight_decay: AdamW's.
        beam: beam width at test time; length_penalty: GNMT's alpha (Wu et al. 2016).

    Encoded inputs: ``(n, S)`` int64 source ids (``PAD`` 0 after the end); targets
    ``(n, T)`` int64 ``BOS ... EOS`` then ``PAD``. ``forward(x)``: the encoder's
    memory and padding mask; ``forward(x, y_in)``: ``(B, T, vocab)`` logits under
    teacher forcing. ``decode``: beam search -> list of detokenised strings.

    Raises:
        ValueError: ``n_heads`` does not divide ``d_model``.
    """

    #: per sentence, so that candidates with other vocabularies compare (see :meth:`metrics`)
    monitor = "val_sentence_nll"

    def __init__(self, vocab_size: int = 4000, d_model: int = 128, n_heads: int = 4, n_layers: int = 2,
                 ff_dim: int = 512, dropout: float = 0.3, label_smoothing: float = 0.1, max_len: int = 160,
                 lr: float = 1e-3, warmup: int = 400, weight_decay: float = 1e-4, beam: int = 4,
                 length_penalty: float = 0.6) -> None:
        super().__init__()
        if d_model % n_heads:
            raise ValueError(f"n_heads={n_heads} must divide d_model={d_model}")
        if vocab_size < MIN_VOCAB:
            raise ValueError(f"vocab_size={vocab_size} must be at least {MIN_VOCAB} (4 special pieces and some text)")
        self.save_hyperparameters()
        self.embed = nn.Embedding(vocab_size, d_model, padding_idx=PAD)
        nn.init.normal_(self.embed.weight, std=d_model ** -0.5)
        self.register_buffer("positions", _sinusoids(max_len + 2, d_model), persistent=False)
        self.drop = nn.Dropout(dropout)
        layer = dict(d_model=d_model, nhead=n_heads, dim_feedforward=ff_dim, dropout=dropout, batch_first=True,
                     norm_first=True)
        # nested tensors only speed up inference and make eval numerics differ from training
        self.encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(**layer), n_layers,
                                             norm=nn.LayerNorm(d_model), enable_nested_tensor=False)
        self.decoder = nn.TransformerDecoder(nn.TransformerDecoderLayer(**layer), n_layers, norm=nn.LayerNorm(d_model))
        self._sp = None  # the SentencePiece processor, also kept as extra state in checkpoints
        self._sp_proto: bytes | None = None

    # ------------------------------------------------------------------ vocabulary

    def prepare(self, X: Sequence[str], y: Sequence[str]) -> None:
        """Train the joint SentencePiece vocabulary on the training subset's two sides."""
        import sentencepiece as spm

        with tempfile.TemporaryDirectory(prefix="e2ebench-spm-") as tmp:
            text = Path(tmp) / "train.txt"
            text.write_text("".join(f"{' '.join(str(s).split())}\n" for s in list(X) + list(y)), encoding="utf-8")
            spm.SentencePieceTrainer.train(
                input=str(text), model_prefix=str(Path(tmp) / "sp"), vocab_size=self.hparams.vocab_size,
                model_type="unigram", character_coverage=1.0, pad_id=PAD, unk_id=UNK, bos_id=BOS, eos_id=EOS,
                hard_vocab_limit=False, num_threads=1, minloglevel=2)
            self._set_vocabulary((Path(tmp) / "sp.model").read_bytes())

    def _set_vocabulary(self, proto: bytes) -> None:
        import sentencepiece as spm

        self._sp_proto = proto
        self._sp = spm.SentencePieceProcessor(model_proto=proto)

    def get_extra_state(self) -> Any:
        return {"sentencepiece": self._sp_proto}

    def set_extra_state(self, state: Any) -> None:
        if state and state.get("sentencepiece"):
            self._set_vocabulary(state["sentencepiece"])

    def _vocabulary(self):
        if self._sp is None:
            raise RuntimeError("TransformerMT has no vocabulary yet: call prepare(X, y) on the training subset")
        return self._sp

    def _ids(self, texts: Sequence[str], with_bos: bool) -> np.ndarray:
        cap = self.hparams.max_len
        pieces = self._vocabulary().encode([str(t) for t in texts])
        rows = [([BOS] if with_bos else []) + p[:cap] + [EOS] for p in pieces]
        out = np.full((len(rows), max((len(r) for r in rows), default=1)), PAD, dtype=np.int64)
        for i, r in enumerate(rows):
            out[i, :len(r)] = r
        return out

    def encode_inputs(self, X: Sequence[str]) -> np.ndarray:
        if isinstance(X, np.ndarray) and X.dtype == np.int64 and X.ndim == 2:
            return X
        return self._ids(X, with_bos=False)

    def encode_targets(self, y: Sequence[str]) -> np.ndarray:
        return self._ids(y, with_bos=True)

    def input_lengths(self, X: np.ndarray) -> np.ndarray:
        return (X != PAD).sum(axis=1)

    # ------------------------------------------------------------------ training

    def _embed(self, ids: torch.Tensor, offset: int = 0) -> torch.Tensor:
        scale = math.sqrt(self.hparams.d_model)
        return self.drop(self.embed(ids) * scale + self.positions[offset:offset + ids.shape[1]])

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``(B, S)`` source ids -> ``(memory (B, S, d), padding mask (B, S) bool)``."""
        x = x.long()
        mask = x == PAD
        return self.encoder(self._embed(x), src_key_padding_mask=mask), mask

    def forward(self, x: torch.Tensor, y_in: torch.Tensor | None = None):
        memory, mask = self.encode(x)
        if y_in is None:
            return memory, mask
        causal = torch.ones(y_in.shape[1], y_in.shape[1], dtype=torch.bool, device=y_in.device).triu(1)
        h = self.decoder(self._embed(y_in), memory, tgt_mask=causal, tgt_is_causal=True,
                                     tgt_key_padding_mask=y_in == PAD, memory_key_padding_mask=mask)
        return h @ self.embed.weight.T

    def training_outputs(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return self(x, self._trim(y)[:, :-1])

    @staticmethod
    def _trim(y: torch.Tensor) -> torch.Tensor:
        # targets are padded to the longest of the whole split; a batch needs only its own longest
        return y[:, :max(2, int((y != PAD).sum(dim=1).max()))]

    def loss(self, outputs: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        gold = self._trim(y)[:, 1:]
        return F.cross_entropy(outputs.reshape(-1, outputs.shape[-1]), gold.reshape(-1), ignore_index=PAD,
                               label_smoothing=self.hparams.label_smoothing)

    def metrics(self, outputs: torch.Tensor, y: torch.Tensor) -> dict[str, torch.Tensor]:
        """``sentence_nll``: the negative log-likelihood of each reference sentence (nats, no smoothing).

        The checkpoint and the candidate are chosen by it (``monitor``), not by the per-token
        loss: candidates with other vocabularies cut the same sentence into other numbers of
        tokens, so only a per-sentence likelihood compares them.
        """
        gold = self._trim(y)[:, 1:]
        nll = F.cross_entropy(outputs.reshape(-1, outputs.shape[-1]), gold.reshape(-1), ignore_index=PAD,
                              reduction="sum")
        return {"sentence_nll": nll / gold.shape[0]}

    def configure_optimizers(self):
        optimiser = torch.optim.AdamW(self.parameters(), lr=self.hparams.lr, betas=(0.9, 0.98),
                                      weight_decay=self.hparams.weight_decay)
        warmup = max(1, self.hparams.warmup)
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimiser, lambda step: min((step + 1) / warmup, math.sqrt(warmup / (step + 1))))
        return {"optimizer": optimiser, "lr_scheduler": {"scheduler": schedule, "interval": "step"}}

    # ------------------------------------------------------------------ decoding

    def _memory_cache(self, memory: torch.Tensor, mask: torch.Tensor) -> tuple[list, torch.Tensor]:
        """Each decoder layer's cross-attention keys and values of the encoder's output, computed once."""
        heads = self.hparams.n_heads
        kv = [(_split_heads(_projection(layer.multihead_attn, memory, 1), heads),
               _split_heads(_projection(layer.multihead_attn, memory, 2), heads)) for layer in self.decoder.layers]
        return kv, (~mask)[:, None, None, :]

    def _step_logprobs(self, ids: torch.Tensor, t: int, cache: list, memory_kv: list,
                       memory_mask: torch.Tensor) -> tuple[torch.Tensor, list]:
        """Log-probabilities of the next token, given token ``ids`` ``(N,)`` at position ``t``.

        A key–value cache (as fairseq's incremental decoding): ``cache[l]`` holds layer ``l``'s
        self-attention keys and values of positions ``< t`` (``None`` at ``t = 0``), and
        ``memory_kv[l]`` its cross-attention keys and values (:meth:`_memory_cache`). Each
        pre-LN decoder layer is replayed for the one new position with its own weights and
        ``scaled_dot_product_attention``; ``tests/test_transformer_mt.py`` checks the result
        against the teacher-forced pass.
        """
        heads = self.hparams.n_heads
        h = self._embed(ids[:, None], offset=t)
        new_cache = []
        for layer, past, (mem_k, mem_v) in zip(self.decoder.layers, cache, memory_kv):
            attention = layer.self_attn
            x = layer.norm1(h)
            q, k, v = (_split_heads(_projection(attention, x, part), heads) for part in range(3))
            if past is not None:
                k, v = torch.cat([past[0], k], dim=2), torch.cat([past[1], v], dim=2)
            new_cache.append((k, v))
            h = h + attention.out_proj(_merge_heads(F.scaled_dot_product_attention(q, k, v)))
            cross = layer.multihead_attn
            q = _split_heads(_projection(cross, layer.norm2(h), 0), heads)
            h = h + cross.out_proj(_merge_heads(F.scaled_dot_product_attention(q, mem_k, mem_v,
                                                                                attn_mask=memory_mask)))
            h = h + layer._ff_block(layer.norm3(h))
        h = self.decoder.norm(h)
        return F.log_softmax((h @ self.embed.weight.T)[:, 0].float(), dim=-1), new_cache

    def decode(self, outputs: tuple[torch.Tensor, torch.Tensor]) -> list[str]:
        """Beam search over the encoder's outputs -> one detokenised string per source sentence."""
        memory, mask = outputs
        B, K = memory.shape[0], self.hparams.beam
        alpha = self.hparams.length_penalty
        max_steps = min(self.hparams.max_len + 1, int((~mask).sum(dim=1).max()) * 2 + 10)
        memory_kv, memory_mask = self._memory_cache(memory.repeat_interleave(K, dim=0),
                                                    mask.repeat_interleave(K, dim=0))
        scores = torch.full((B, K), -math.inf)
        scores[:, 0] = 0.0
        tokens = torch.full((B * K, 1), BOS, dtype=torch.long)
        finished: list[list[tuple[float, list[int]]]] = [[] for _ in range(B)]
        cache: list = [None] * len(self.decoder.layers)
        # never emit padding, a second start, or ids beyond the pieces SentencePiece made (a small
        # training subset can give fewer than vocab_size)
        banned = torch.zeros(self.hparams.vocab_size, dtype=torch.bool)
        banned[[PAD, BOS]] = True
        banned[self._vocabulary().get_piece_size():] = True
        for t in range(max_steps):
            logp, cache = self._step_logprobs(tokens[:, -1], t, cache, memory_kv, memory_mask)
            logp = logp.masked_fill(banned, -math.inf)
            V = logp.shape[-1]
            total = (scores.reshape(-1, 1) + logp).reshape(B, K * V)
            top, index = total.topk(2 * K, dim=1)
            beam_idx, token = index // V, index % V
            next_scores = torch.full((B, K), -math.inf)
            chosen = torch.zeros((B, K), dtype=torch.long)
            next_tokens = torch.full((B, K), PAD, dtype=torch.long)
            for b in range(B):
                kept = 0
                for score, k, w in zip(top[b].tolist(), beam_idx[b].tolist(), token[b].tolist()):
                    if score == -math.inf:
                        break
                    if w == EOS or t == max_steps - 1:
                        seq = tokens[b * K + k, 1:].tolist() + ([] if w == EOS else [w])
                        finished[b].append((score / ((5 + len(seq) + 1) / 6) ** alpha, seq))
                        continue
                    next_scores[b, kept], chosen[b, kept], next_tokens[b, kept] = score, k, w
                    kept += 1
                    if kept == K:
                        break
            # a sentence is done once its best finished hypothesis beats every live one
            done = all(len(finished[b]) >= K or finished[b] and max(f[0] for f in finished[b]) >=
                       next_scores[b].max().item() / ((5 + t + 2) / 6) ** alpha for b in range(B))
            if done:
                break
            rows = (torch.arange(B)[:, None] * K + chosen).reshape(-1)
            tokens = torch.cat([tokens[rows], next_tokens.reshape(-1, 1)], dim=1)
            cache = [(k[rows], v[rows]) for k, v in cache]
            scores = next_scores
        sp = self._vocabulary()
        return [sp.decode([i for i in max(f, key=lambda s: s[0])[1] if i > EOS]) if f else "" for f in finished]


def _projection(attention: nn.MultiheadAttention, x: torch.Tensor, part: int) -> torch.Tensor:
    """The query (0), key (1) or value (2) projection of ``x`` ``(N, T, d)`` with the module's own weights."""
    d = attention.embed_dim
    return F.linear(x, attention.in_proj_weight[part * d:(part + 1) * d], attention.in_proj_bias[part * d:(part + 1) * d])


def _split_heads(x: torch.Tensor, heads: int) -> torch.Tensor:
    return x.unflatten(-1, (heads, -1)).transpose(1, 2)  # (N, T, d) -> (N, heads, T, d / heads)


def _merge_heads(x: torch.Tensor) -> torch.Tensor:
    return x.transpose(1, 2).flatten(-2)  # (N, heads, T, d / heads) -> (N, T, d)


def _sinusoids(length: int, dim: int) -> torch.Tensor:
    """The sinusoidal position encodings of Vaswani et al. 2017, ``(length, dim)`` float32."""
    position = torch.arange(length, dtype=torch.float32)[:, None]
    rate = torch.exp(torch.arange(0, dim, 2, dtype=torch.float32) * (-math.log(10000.0) / dim))
    out = torch.zeros(length, dim)
    out[:, 0::2] = torch.sin(position * rate)
    out[:, 1::2] = torch.cos(position * rate[: dim // 2])
    return out
