"""The transformer encoder, torch training, scoring against the Bayes limit, and checkpoints."""
from dataclasses import replace

import numpy as np
import pytest
import torch

import sslcourse as sc
from sslcourse.nn_torch import EncoderConfig, TransformerEncoder
from sslcourse.train import (evaluate, load_checkpoint, predict_proba, resolve_device, save_checkpoint,
                             train, training_step)
from sslcourse.train.timing import SCALE_UP, flops_per_token, mfu, peak_flops


@pytest.fixture(scope="module")
def lang():
    return sc.data.ToyLanguage("small", seed=0)


@pytest.fixture(scope="module")
def ids(lang):
    return lang.encode(lang.sample(300, rng=np.random.default_rng(0)), length=lang.max_length)


def tiny(vocab_size, length=7, **kwargs):
    cfg = EncoderConfig(vocab_size=vocab_size, max_length=length, width=16, depth=1, heads=2, **kwargs)
    return TransformerEncoder(cfg, generator=torch.Generator().manual_seed(0))


# ---- the config and the model
@pytest.mark.parametrize("kwargs, error, message", [
    (dict(width=30, heads=4), ValueError,
     r"EncoderConfig.width must be divisible by heads = 4, got 30. Pick heads from \[1, 2, 3, 5, 6, 10, 15\], "
     r"or width a multiple of 4."),
    (dict(depth=0), ValueError, r"EncoderConfig.depth must be a positive whole number, got 0. Pick depth >= 1."),
    (dict(dropout=1.0), ValueError, r"EncoderConfig.dropout must be a number in \[0, 1\), got 1.0. Use 0.0"),
    (dict(heads=2.0), TypeError, r"EncoderConfig.heads must be a whole number, got 2.0. Pass an int"),
    (dict(causal="yes"), TypeError, r"EncoderConfig.causal must be True or False, got 'yes'."),
    (dict(pad_id=50), ValueError, r"EncoderConfig.pad_id must be an id in \[0, vocab_size = 20\), got 50."),
])
def test_config_is_checked_on_creation(kwargs, error, message):
    with pytest.raises(error, match=message):
        EncoderConfig(vocab_size=20, max_length=7, **kwargs)


def test_config_is_frozen():
    cfg = EncoderConfig(vocab_size=20, max_length=7)
    with pytest.raises(AttributeError):
        cfg.width = 8


def test_model_init_uses_only_its_generator():
    state = torch.random.get_rng_state()
    a, b = tiny(20), tiny(20)
    assert torch.equal(torch.random.get_rng_state(), state)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert a(torch.full((3, 7), 5)).shape == (3, 7, 20)


def test_causal_model_never_looks_ahead():
    model = tiny(20, causal=True)
    x = torch.randint(2, 20, (2, 7), generator=torch.Generator().manual_seed(0))
    y = x.clone()
    y[:, 4:] = 3  # change the future of position 3
    assert torch.allclose(model(x)[:, :4], model(y)[:, :4], atol=1e-6)
    assert not torch.allclose(model(x)[:, 4:], model(y)[:, 4:])


def test_padding_is_never_attended_to():
    model = tiny(20)
    x = torch.randint(2, 20, (2, 7), generator=torch.Generator().manual_seed(0))
    key_mask = torch.zeros(2, 7, dtype=torch.bool)
    key_mask[:, 5:] = True
    y = x.clone()
    y[:, 5:] = 7
    assert torch.allclose(model(x, key_mask)[:, :5], model(y, key_mask)[:, :5], atol=1e-6)


# ---- devices
def test_resolve_device():
    assert resolve_device(None) == torch.device(sc.default_device())
    assert resolve_device("cpu") == torch.device("cpu")
    with pytest.raises(ValueError, match=r"device must be one of \('cpu', 'cuda', 'cuda:<index>', 'mps'\) or "
                                         r"None \(choose automatically\), got 'gpu'. Available here: \['cpu'"):
        resolve_device("gpu")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match=r"device 'cuda' is not available on this machine. Available here: "
                                             r"\['cpu'\]; pass device=None to choose automatically."):
            resolve_device("cuda")


def test_a_batch_on_the_wrong_device_says_what_to_move():
    model = tiny(20)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    batch = torch.full((2, 7), 3, device="meta")
    with pytest.raises(ValueError, match=r"ids is on meta but the model is on cpu: move the batch to the "
                                         r"model's device with ids.to\('cpu'\) \(or the model with model.to\('meta'\)\)."):
        training_step(model, opt, batch, batch, torch.ones(2, 7, dtype=torch.bool, device="meta"))


# ---- training
def test_training_is_deterministic_and_learns(lang, ids):
    runs = []
    for _ in range(2):
        model = tiny(len(lang.vocab))
        runs.append(train(model, ids, steps=40, batch_size=32, lr=1e-2, device="cpu",
                          generator=torch.Generator().manual_seed(1), progress=False))
    assert runs[0].losses == runs[1].losses
    assert repr(runs[0]) == "History(40 steps, 0 evaluations)"
    assert np.mean(runs[0].losses[-5:]) < np.mean(runs[0].losses[:5]) - 0.5
    assert runs[0].device == "cpu"


def test_train_and_evaluate_against_the_bayes_limit(lang, ids):
    task = sc.tasks.make_fill_in_task(lang, 40, rng=np.random.default_rng(2))
    model = tiny(len(lang.vocab))
    history = train(model, ids, steps=20, batch_size=16, generator=torch.Generator().manual_seed(0),
                    eval_task=task, eval_every=10, progress=False)
    assert history.eval_steps == (10, 20)
    probs = predict_proba(model, task.ids, task.mask)  # hidden words replaced inside
    assert probs.shape == (40, len(lang.vocab)) and np.allclose(probs.sum(1), 1)
    assert np.allclose(probs, predict_proba(model, task.inputs, task.mask))
    score = evaluate(model, task)
    assert score.accuracy == history.eval_accuracy[-1]
    assert sc.tasks.bayes_score(task).accuracy >= score.accuracy - 0.2


def test_train_errors_name_the_fix(lang, ids):
    model = tiny(10)
    with pytest.raises(ValueError, match=r"ids holds id \d+, outside the model's vocabulary of vocab_size = 10 "
                                         r"words: the data and the model use different vocabularies."):
        train(model, ids, steps=1, generator=torch.Generator(), progress=False)
    with pytest.raises(ValueError, match=r"amp must be one of \('auto', 'bf16', 'off'\), got 'fp16'."):
        train(tiny(len(lang.vocab)), ids, steps=1, generator=torch.Generator(), amp="fp16", progress=False)
    with pytest.raises(TypeError, match="generator must be a torch.Generator, got Generator"):
        train(model, ids, steps=1, generator=np.random.default_rng(0), progress=False)
    task = sc.tasks.make_fill_in_task(lang, 3, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=f"task is over a vocabulary of {len(lang.vocab)} words but the "
                                         r"model's has vocab_size = 10."):
        evaluate(model, task)


def test_bf16_autocast_runs_on_cpu(lang, ids):
    history = train(tiny(len(lang.vocab)), ids, steps=3, batch_size=8, amp="bf16",
                    generator=torch.Generator().manual_seed(0), progress=False)
    assert len(history.losses) == 3 and all(np.isfinite(history.losses))


# ---- checkpoints
def test_checkpoint_round_trip(tmp_path, lang):
    model = tiny(len(lang.vocab))
    path = save_checkpoint(tmp_path / "run" / "model.pt", model, vocab=lang.vocab, step=7, losses=[2.0, 1.5])
    assert sorted(p.name for p in path.parent.iterdir()) == ["model.pt"]  # no temporary file left
    ck = load_checkpoint(path, vocab=lang.vocab, config=model.config)
    assert ck.step == 7 and ck.losses == (2.0, 1.5) and ck.vocab == lang.vocab
    assert repr(ck).startswith("Checkpoint(step=7, EncoderConfig(vocab_size=88")
    for (name, p), q in zip(model.state_dict().items(), ck.model.state_dict().values()):
        assert torch.equal(p, q), name


def test_checkpoint_errors(tmp_path, lang):
    model = tiny(len(lang.vocab))
    path = save_checkpoint(tmp_path / "model.pt", model, vocab=lang.vocab)
    broken = tmp_path / "broken.pt"
    broken.write_bytes(path.read_bytes()[:200])
    with pytest.raises(ValueError, match=r"broken.pt is not a readable checkpoint: the file is corrupt, truncated "
                                         r"or of another kind \(\w+\). Make it again with sc.train.save_checkpoint."):
        load_checkpoint(broken)
    other = tmp_path / "other.pt"
    torch.save({"weights": torch.zeros(2)}, other)
    with pytest.raises(ValueError, match=r"other.pt is not an sslcourse checkpoint: expected format "
                                         r"'sslcourse-checkpoint-1', got None."):
        load_checkpoint(other)
    with pytest.raises(ValueError, match=r"model.pt was saved with another config \(width: file 16, expected 32\)"):
        load_checkpoint(path, config=replace(model.config, width=32))
    small = sc.data.ToyLanguage("default").vocab
    with pytest.raises(ValueError, match=rf"model.pt was trained on a vocabulary of {len(lang.vocab)} words, but "
                                         rf"vocab has {len(small)} and they differ first at id \d+."):
        load_checkpoint(path, vocab=small)
    with pytest.raises(TypeError, match="model must be a TransformerEncoder, got Linear"):
        save_checkpoint(tmp_path / "x.pt", torch.nn.Linear(2, 2))


def test_checkpoint_whose_weights_do_not_fit_its_config(tmp_path, lang):
    model = tiny(len(lang.vocab))
    payload = torch.load(save_checkpoint(tmp_path / "m.pt", model), weights_only=True)
    payload["config"]["width"] = 32
    torch.save(payload, tmp_path / "m.pt")
    with pytest.raises(ValueError, match=r"m.pt: the weights do not fit the config EncoderConfig\(.*width=32"):
        load_checkpoint(tmp_path / "m.pt")


# ---- throughput arithmetic
def test_flops_and_mfu():
    model = TransformerEncoder(SCALE_UP.config(100), generator=torch.Generator())
    n = model.n_params(embeddings=False)
    assert flops_per_token(model, 128) == 6 * n + 12 * 8 * 128 * 512
    assert peak_flops("NVIDIA H100 80GB HBM3") == 989e12 and peak_flops("cpu") is None
    assert mfu(1e5, 6e8, 1e15) == pytest.approx(0.06) and mfu(1e5, 6e8, None) is None


def test_throughput_and_step_times_run_on_the_cpu(lang, ids):
    from sslcourse.train.timing import compare_step_times, throughput

    cfg = EncoderConfig(vocab_size=20, max_length=8, width=16, depth=1, heads=2)
    result = throughput(cfg, batch_size=4, device="cpu", amp_dtype=None, steps=2, generator=torch.Generator())
    assert result.tokens_per_second > 0 and result.mfu is None
    assert repr(result).endswith("tokens/s on cpu, MFU unknown (no peak for this device))")
    np_model = sc.nn_numpy.models.Encoder(len(lang.vocab), 7, dim=8, mlp_dim=8, rng=np.random.default_rng(0),
                                          dtype=np.float32)
    before = {k: v.copy() for k, v in np_model.params.items()}
    mask = np.zeros(ids[:4].shape, bool)
    mask[:, 1] = True
    times = compare_step_times(np_model, np.where(mask, 1, ids[:4]), ids[:4], mask, repeats=2)
    assert sorted(times) == ["numpy (cpu)", "torch (cpu)"] and min(times.values()) > 0
    assert all(np.array_equal(before[k], v) for k, v in np_model.params.items())  # timing trains nothing
