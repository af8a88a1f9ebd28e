"""The shared checks' messages: the argument, what was expected, what came, and the fix."""
import numpy as np
import pytest
import torch

import sslcourse as sc
from sslcourse import _validation as v
from sslcourse.nn_torch import checks as tc


@pytest.mark.parametrize("call, error, message", [
    (lambda: v.check_int(2.5, "steps", minimum=1), TypeError,
     "steps must be a whole number, got float 2.5. Pass an int, for example steps=1."),
    (lambda: v.check_int(3.0, "steps"), TypeError, "steps must be a whole number, got float 3.0. Pass an int, "
                                                   "for example steps=3."),
    (lambda: v.check_int(0, "steps", minimum=1), ValueError, "steps must be at least 1, got 0. Pass steps=1 or more."),
    (lambda: v.check_int(9, "k", maximum=4), ValueError, "k must be at most 4, got 9. Pass k=4 or less."),
    (lambda: v.check_ratio(1.5, "ratio"), ValueError,
     "ratio must lie in (0.0, 1.0), got 1.5. Pick a value inside that interval, for example ratio=0.5."),
    (lambda: v.check_ratio(float("nan"), "ratio"), ValueError, "ratio must lie in (0.0, 1.0), got nan."),
    (lambda: v.check_ratio("x", "lr", high=np.inf), TypeError,
     "lr must be a number, got str 'x'. Pass a float, for example lr=0.001."),
    (lambda: v.check_number(float("inf"), "lr"), ValueError, "lr must be a finite number, got inf."),
    (lambda: v.check_number(0, "C", positive=True, fix="Try C=1.0."), ValueError,
     "C must be a positive number, got 0. Try C=1.0."),
    (lambda: v.check_bool(1, "freeze"), TypeError, "freeze must be True or False, got int 1. Pass freeze=True "
                                                   "or freeze=False."),
    (lambda: v.check_array(None, "x"), TypeError, "x must be an array, got None. Pass the array itself."),
    (lambda: v.check_array(np.array(["a"]), "x"), TypeError, "x must be a numeric array, got dtype <U1"),
    (lambda: v.check_array(np.array([1.0, np.nan]), "x", finite=True), ValueError,
     "x holds NaN (at index (1,)), so every result computed from it would be meaningless. Find where"),
    (lambda: v.check_mask(np.zeros(3, bool), "mask", (2,)), ValueError,
     "mask must have shape (2,) to match the data, got (3,). Build it from the data"),
    (lambda: v.check_language(None), TypeError,
     "language must be a sc.data.ToyLanguage, got NoneType. Make one with language = sc.data.ToyLanguage("),
    (lambda: v.check_sentences([]), ValueError, "sentences must be a non-empty list of sentences, got an empty one."),
    (lambda: v.check_sentences("the dog"), TypeError, "sentences must be a non-empty list of sentences, each a "
                                                      "list of words (str), got 'the dog'. Make them with"),
    (lambda: v.check_words("the dog", "sentence"), TypeError,
     "sentence must be a list of words, got the string 'the dog'. Use sentence.split()."),
    (lambda: tc.check_generator(np.random.default_rng(0)), TypeError,
     "generator must be a torch.Generator, got Generator. Make one with generator = torch.Generator().manual_seed(0)."),
    (lambda: tc.check_masked_model(torch.nn.Linear(2, 2)), TypeError,
     "model must be a torch nn.Module with .vocab_size, .pad_id, .mask_id, got Linear without .vocab_size. Pass"),
    (lambda: tc.check_tensor(torch.tensor([float("nan")]), "x", finite=True), ValueError, "x holds NaN or inf"),
    (lambda: sc.tasks.score(np.full((1, 3), np.nan), np.array([0])), ValueError, "probs holds NaN"),
    (lambda: sc.tasks.bayes_score(None), TypeError,
     "task must be a task made by sc.tasks.make_fill_in_task, got NoneType. Make one with task ="),
])
def test_message(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert str(info.value).startswith(message), str(info.value)


def test_cpu_threads_names_the_argument_it_was_given():
    with pytest.raises(ValueError, match="threads must be at least 1, got 0"):
        sc.train.predict_proba(sc.nn_torch.ContextModel(5, 2, dim=2, hidden=2, generator=torch.Generator()),
                               np.zeros((1, 2), int), np.ones((1, 2), bool), threads=0)
    with pytest.raises(ValueError, match="n must be at least 1, got 0"):
        with sc.threads.cpu_threads(0):
            pass


def test_the_numpy_side_loads_no_torch():
    import subprocess
    import sys

    code = ("import sys, numpy as np, sslcourse as sc, sslcourse.threads, sslcourse.history, sslcourse.subsets, "
            "sslcourse.clustering, sslcourse.bias, sslcourse.data.exact; "
            "L = sc.data.ToyLanguage('small'); sc.data.table.sample_ids(L, 3, rng=np.random.default_rng(0)); "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
