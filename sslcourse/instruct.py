"""Instruction tuning in miniature: fine-tune a pretrained GPT on prompt -> continuation pairs.

A pretrained next-word model continues a prompt the way its corpus does. Supervised fine-tuning
(the first step of instruction tuning, Ouyang et al., 2022) trains it further on a few dozen
examples of the behaviour we want, scoring only the continuation, never the prompt. Here the
behaviour is "continue every prompt with a sentence about the farm", and the toy language's exact
topic posterior says whether a continuation does.
"""
from __future__ import annotations

import numpy as np
import torch

from sslcourse._validation import check_int, check_ratio
from sslcourse.gpt import next_token_batch
from sslcourse.nn_torch import TransformerEncoder
from sslcourse.threads import cpu_threads
from sslcourse.train.loop import training_step

__all__ = ["split_prompts", "continuation_batch", "tune", "topic_share"]


def _check_sentences(sentences, name):
    if isinstance(sentences, str) or not all(
            not isinstance(s, str) and all(isinstance(w, str) for w in s) for s in sentences):
        raise TypeError(f"{name} must be a list of sentences, each a list of words (str), got {sentences!r:.80}. "
                        f"Split strings first: [s.split() for s in texts].")
    return [list(s) for s in sentences]


def split_prompts(sentences, prompt_length=2):
    """Each sentence cut into (prompt, continuation): its first ``prompt_length`` words, and the rest."""
    sentences = _check_sentences(sentences, "sentences")
    prompt_length = check_int(prompt_length, "prompt_length", minimum=1)
    short = [s for s in sentences if len(s) <= prompt_length]
    if short:
        raise ValueError(f"every sentence needs more than prompt_length = {prompt_length} words, got {short[0]}. "
                         f"Use a shorter prompt_length.")
    return [s[:prompt_length] for s in sentences], [s[prompt_length:] for s in sentences]


def continuation_batch(language, prompts, continuations):
    """Next-token (inputs, targets, mask) of ``prompt + continuation``, with only the continuation
    (and the end of the sentence) scored: int (N, L + 1), int (N, L + 1), bool (N, L + 1)."""
    prompts, continuations = _check_sentences(prompts, "prompts"), _check_sentences(continuations, "continuations")
    if len(prompts) != len(continuations):
        raise ValueError(f"prompts and continuations must pair up, got {len(prompts)} and {len(continuations)}.")
    ids = language.encode([p + c for p, c in zip(prompts, continuations)], length=language.max_length)
    inputs, targets, mask = next_token_batch(ids, pad_id=language.vocabulary.pad_id)
    for n, prompt in enumerate(prompts):
        mask[n, :len(prompt)] = False  # inputs[n, t] predicts targets[n, t]: the prompt's words are given
    return inputs, targets, mask


def tune(model, batch, *, steps, generator, lr=1e-3, batch_size=32):
    """Fine-tune a causal ``TransformerEncoder`` on a ``continuation_batch``, in place; return the losses."""
    if not isinstance(model, TransformerEncoder) or not model.config.causal:
        raise TypeError(f"model must be a TransformerEncoder built with causal=True (pretrained by sc.gpt.train_gpt), "
                        f"got {type(model).__name__}.")
    if not isinstance(batch, tuple) or len(batch) != 3:
        raise TypeError(f"batch must be the (inputs, targets, mask) of sc.instruct.continuation_batch, got {type(batch).__name__}.")
    steps, batch_size = check_int(steps, "steps", minimum=1), check_int(batch_size, "batch_size", minimum=1)
    lr = check_ratio(lr, "lr", high=1.0)
    if not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator, got {type(generator).__name__}. "
                        f"Make one with torch.Generator().manual_seed(0).")
    data = [torch.from_numpy(np.asarray(a)) for a in batch]
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    losses = []
    model.train()
    with cpu_threads(1):
        for _ in range(steps):
            rows = torch.randint(len(data[0]), (batch_size,), generator=generator)
            losses.append(training_step(model, optimizer, *(t[rows] for t in data)).item())
    model.eval()
    return losses


def topic_share(language, sentences, topic):
    """(share of ``sentences`` the language makes whose most probable topic is ``topic``, share it makes)."""
    sentences = _check_sentences(sentences, "sentences")
    if topic not in language.topics:
        raise ValueError(f"topic must be one of {language.topics}, got {topic!r}.")
    hits = valid = 0
    for s in sentences:
        if language.probability(s) > 0:
            valid += 1
            hits += int(np.argmax(language.topic_posterior(s)) == language.topics.index(topic))
    return hits / len(sentences), valid / len(sentences)
