"""Next-token prediction: a tiny GPT on the toy language (notebook 09).

The same trick as masked prediction, with a causal mask: the model reads a sentence left to
right and, at every position, predicts the next word from the words before it only. The
network is ``sc.nn_torch.TransformerEncoder`` with ``EncoderConfig(causal=True)``.

Sentence markers: ``<pad>`` (id 0) plays the part of GPT-2's ``<|endoftext|>``. Every input
starts with it (so the first word has something to be predicted from), and it is the target
after the last word (so the model learns where sentences stop). Positions after that are
not scored. The encoder never attends to ``<pad>`` keys, so the start marker is seen only by
position 0 itself; it carries no information anyway. Shape letters: N sentences, L positions,
V vocabulary.
"""
from __future__ import annotations

import math
import numbers

import numpy as np
import torch

from ._validation import check_array, check_int, check_language, check_number, check_ratio, check_sentences
from .data.exact import check_prefix, next_word_limit, next_word_posterior, next_word_posteriors
from .data.vocabulary import Vocabulary
from .nn_torch.checks import check_generator
from .nn_torch.inference import evaluating, predict
from .nn_torch.transformer import EncoderConfig, TransformerEncoder
from .train import resolve_device
from .train.loop import fit

__all__ = ["causal_mask", "gpt_config", "next_token_batch", "next_token_proba", "next_word_limit",
           "next_word_posterior", "next_word_posteriors", "sample", "softmax_with_temperature",
           "train_gpt", "training_flops", "valid_share"]


def causal_mask(L):
    """Bool (L, L): True where query i may NOT look at key j, i.e. j > i (True = hidden)."""
    L = check_int(L, "L", minimum=1)
    return np.triu(np.ones((L, L), dtype=bool), k=1)


def gpt_config(language, *, width=64, depth=2, heads=4):
    """An ``EncoderConfig`` with ``causal=True`` sized for ``language`` (one extra position for the start marker)."""
    check_language(language)
    return EncoderConfig(vocab_size=len(language.vocab), max_length=language.max_length + 1,
                         width=width, depth=depth, heads=heads, causal=True,
                         pad_id=Vocabulary.pad_id, mask_id=Vocabulary.mask_id)


def next_token_batch(ids, *, pad_id=0):
    """Inputs, targets and scored positions of next-token prediction.

    Parameters
    ----------
    ids : int ndarray (N, L), sentences padded with ``pad_id`` after their last word

    Returns
    -------
    inputs : int ndarray (N, L + 1), ``[pad_id, w1, ..., wn, pad, ...]`` (the start marker first)
    targets : int ndarray (N, L + 1), ``[w1, ..., wn, pad_id, pad, ...]`` (inputs shifted left by one)
    mask : bool ndarray (N, L + 1), True at the n + 1 scored positions of each sentence (its words and its end)
    """
    ids = check_array(ids, "ids", ndim=2, dtype_kind="iu")
    pad_id = check_int(pad_id, "pad_id", minimum=0)
    N, L = ids.shape
    marker = np.full((N, 1), pad_id, dtype=ids.dtype)
    inputs = np.concatenate([marker, ids], axis=1)  # (N, L + 1)
    targets = np.concatenate([ids, marker], axis=1)  # (N, L + 1): targets[:, t] = inputs[:, t + 1]
    lengths = (ids != pad_id).sum(axis=1)  # (N,) words per sentence
    mask = np.arange(L + 1)[None, :] <= lengths[:, None]  # (N, L + 1): words, then the end
    return inputs, targets, mask


def train_gpt(model, ids, *, steps, generator, batch_size=128, lr=3e-3, device="cpu"):
    """Train a causal ``TransformerEncoder`` on next-token prediction, in place.

    Parameters
    ----------
    model : TransformerEncoder whose config has ``causal=True``
    ids : int ndarray (N, L), training sentences padded with the model's ``pad_id``
    steps, batch_size : int
    generator : torch.Generator (CPU), draws the batches
    lr : float, AdamW's peak learning rate (5% warm-up, then cosine decay to 0)
    device : str or None

    Returns
    -------
    sc.train.History, the loss (nats per predicted word) of every step
    """
    _check_causal(model)
    steps, batch_size = check_int(steps, "steps", minimum=1), check_int(batch_size, "batch_size", minimum=1)
    lr, device = check_ratio(lr, "lr", high=math.inf), resolve_device(device)
    check_generator(generator)
    data = [torch.from_numpy(a) for a in next_token_batch(ids, pad_id=model.pad_id)]  # inputs, targets, mask
    if data[0].shape[1] > model.length:
        raise ValueError(f"ids must have at most {model.length - 1} positions (the model's max_length minus the "
                         f"start marker), got {ids.shape[1]}. Build the model with sc.gpt.gpt_config(language).")
    model.to(device)

    def batches():
        while True:
            rows = torch.randint(len(data[0]), (batch_size,), generator=generator)  # (B,)
            yield tuple(t[rows].to(device) for t in data)  # inputs, targets, mask: each (B, L + 1)

    # AdamW's default weight decay (0.01) and full precision, one CPU thread: as it was measured
    history = fit(model, batches(), steps=steps, lr=lr, weight_decay=0.01, device=device, threads=1)
    model.eval()
    return history


def next_token_proba(model, inputs, *, batch_size=1024):
    """The model's next-word probabilities at every position: int (N, L) -> float64 ndarray (N, L, V)."""
    _check_causal(model)
    inputs = torch.as_tensor(check_array(inputs, "inputs", ndim=2, dtype_kind="iu"), dtype=torch.long)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    device = model.tok.weight.device
    return predict(model, len(inputs), batch_size,
                   lambda rows: model(inputs[rows].to(device)).double().softmax(dim=-1)).numpy()


def _check_causal(model):
    if not isinstance(model, TransformerEncoder) or not model.config.causal:
        raise TypeError(f"model must be a TransformerEncoder built with causal=True (sc.gpt.gpt_config), "
                        f"got {type(model).__name__}{'' if not hasattr(model, 'config') else ' with causal=False'}. "
                        f"Build it with TransformerEncoder(sc.gpt.gpt_config(language), generator=...).")
    return model


def softmax_with_temperature(logits, temperature):
    """``softmax(logits / temperature)`` over the last axis: (..., V) -> (..., V).

    Low temperatures sharpen the distribution toward the most probable word, high ones flatten it.
    """
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real):
        raise TypeError(f"temperature must be a number > 0, got {type(temperature).__name__} {temperature!r}. "
                        f"Pass a float such as temperature=1.0.")
    if not temperature > 0 or temperature == math.inf:
        raise ValueError(f"temperature must be > 0{' and finite' if temperature == math.inf else ''}, got "
                         f"{temperature!r}. Dividing by it must make sense: use 1.0 for the model's own "
                         f"probabilities, a small value like 0.1 for near-greedy.")
    logits = check_array(logits, "logits", min_ndim=1, dtype_kind="fiu", finite=True)
    z = logits.astype(np.float64) / temperature
    z = z - z.max(axis=-1, keepdims=True)  # the largest is 0: exp never overflows
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def sample(model, language, n, *, generator, temperature=1.0, prompt=()):
    """Draw ``n`` sentences from a causal model, one word at a time, until it says ``<pad>`` (the end).

    Parameters
    ----------
    model : TransformerEncoder with ``causal=True``, trained by ``train_gpt``
    language : ToyLanguage, for its vocabulary
    n : int, number of sentences
    generator : torch.Generator (CPU)
    temperature : float > 0, divides the logits before the softmax
    prompt : list of str, the words every sentence starts with

    Returns
    -------
    list of list of str, the sentences (prompt included, end marker dropped)
    """
    _check_causal(model)
    n = check_int(n, "n", minimum=1)
    check_generator(generator)
    softmax_with_temperature(np.zeros(1), temperature)  # checks temperature
    vocab = check_language(language).vocabulary
    prompt = check_prefix(prompt, vocab, "prompt")
    if len(prompt) >= model.length:
        raise ValueError(f"prompt must be shorter than {model.length} words (the model's max_length), "
                         f"got {len(prompt)}. Shorten it.")
    ids = torch.tensor([[vocab.pad_id] + [vocab.index[w] for w in prompt]] * n)  # (n, 1 + len(prompt))
    done = torch.zeros(n, dtype=torch.bool)
    never = torch.tensor([vocab.mask_id, vocab.unk_id])  # tokens that are never written
    device = model.tok.weight.device
    with evaluating(model):
        while ids.shape[1] < model.length and not done.all():
            ids, done = _next_words(model, ids, done, never, temperature, generator, device, vocab.pad_id)
    return vocab.decode(ids[:, 1:].numpy())


def _next_words(model, ids, done, never, temperature, generator, device, pad_id):
    """One more word for every sentence not yet ended (``pad_id`` after the end)."""
    logits = model(ids.to(device))[:, -1]  # (n, L) -> (n, V): the next word after the last position
    logits = logits.double().cpu() / temperature  # (n, V)
    logits[:, never] = -math.inf
    nxt = torch.multinomial(logits.softmax(dim=-1), 1, generator=generator)[:, 0]  # (n,)
    nxt = torch.where(done, pad_id, nxt)
    done = done | (nxt == pad_id)
    return torch.cat([ids, nxt[:, None]], dim=1), done


def valid_share(language, sentences):
    """The share of ``sentences`` that the language can make (``language.probability(s) > 0``).

    A sentence of a length the language never makes (an empty one too) counts as invalid.
    """
    check_language(language)
    sentences = check_sentences(sentences)
    ok = [language.makes(s) for s in sentences]
    return float(np.mean(ok))


def training_flops(n_params, n_tokens):
    """The usual estimate of training compute, ``6 N D`` FLOPs (Kaplan et al., 2020).

    2 N per token for the forward pass and 4 N for the backward pass, for N parameters and D tokens.
    """
    n_params = check_number(n_params, "n_params", positive=True, fix="Count them with model.n_params().")
    n_tokens = check_number(n_tokens, "n_tokens", positive=True, fix="Count them as steps * batch_size * L.")
    return 6.0 * n_params * n_tokens
