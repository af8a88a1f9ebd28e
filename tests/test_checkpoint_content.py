"""Checkpoints: their content is checked when read, a missing device is named, no temporary file is left."""
import os

import pytest
import torch

import sslcourse as sc
from sslcourse.nn_torch import EncoderConfig, TransformerEncoder
from sslcourse.train import load_checkpoint, save_checkpoint
from sslcourse.train import checkpoint as ck_module


@pytest.fixture(scope="module")
def lang():
    return sc.data.ToyLanguage("small", seed=0)


def tiny(V):
    return TransformerEncoder(EncoderConfig(vocab_size=V, max_length=7, width=16, depth=1, heads=2),
                              generator=torch.Generator().manual_seed(0))


def _rewrite(path, **changes):
    payload = torch.load(path, weights_only=True)
    payload.update(changes)
    torch.save(payload, path)


def test_a_state_dict_of_the_wrong_type_is_a_value_error(tmp_path, lang):
    path = save_checkpoint(tmp_path / "m.pt", tiny(len(lang.vocab)))
    _rewrite(path, state_dict=[1, 2, 3])
    with pytest.raises(ValueError, match=r"m.pt holds no state_dict of weights \(got list\). Make it again"):
        load_checkpoint(path)


def test_nan_weights_are_refused_when_saved_and_when_loaded(tmp_path, lang):
    model = tiny(len(lang.vocab))
    path = save_checkpoint(tmp_path / "m.pt", model)
    with torch.no_grad():
        model.head.bias[0] = float("nan")
    with pytest.raises(ValueError, match=r"model: the weight 'head.bias' holds NaN or inf. Retrain it"):
        save_checkpoint(tmp_path / "bad.pt", model)
    assert not (tmp_path / "bad.pt").exists()
    state = torch.load(path, weights_only=True)["state_dict"]
    state["head.bias"][0] = float("inf")
    _rewrite(path, state_dict=state)
    with pytest.raises(ValueError, match=r"m.pt: the weight 'head.bias' holds NaN or inf. Make it again"):
        load_checkpoint(path)


def test_a_stored_vocabulary_of_the_wrong_size_is_refused(tmp_path, lang):
    path = save_checkpoint(tmp_path / "m.pt", tiny(len(lang.vocab)), vocab=lang.vocab)
    _rewrite(path, vocab=lang.vocab[:-1])
    with pytest.raises(ValueError, match=rf"m.pt holds a vocabulary that does not fit its model "
                                         rf"\(vocab_size = {len(lang.vocab)}, got {len(lang.vocab) - 1}\)"):
        load_checkpoint(path)


def test_bad_step_or_losses_are_refused_both_ways(tmp_path, lang):
    model = tiny(len(lang.vocab))
    with pytest.raises(ValueError, match="step must be at least 0, got -1"):
        save_checkpoint(tmp_path / "m.pt", model, step=-1)
    with pytest.raises(ValueError, match="losses must be finite numbers"):
        save_checkpoint(tmp_path / "m.pt", model, losses=[1.0, float("nan")])
    path = save_checkpoint(tmp_path / "m.pt", model)
    _rewrite(path, step="seven")
    with pytest.raises(ValueError, match=r"m.pt holds an invalid step \('seven'\) or losses"):
        load_checkpoint(path)


def test_a_device_that_is_not_there_is_named_with_the_ones_that_are(tmp_path, lang, monkeypatch):
    path = save_checkpoint(tmp_path / "m.pt", tiny(len(lang.vocab)))
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 0)
    with pytest.raises(ValueError, match=r"device 'cuda' is not available on this machine. Available here: "
                                         r"\['cpu'.*pass device=None to choose automatically"):
        load_checkpoint(path, device="cuda")
    with pytest.raises(ValueError, match=r"device must be one of .* got 'gpu'"):
        load_checkpoint(path, device="gpu")


def test_a_failed_save_leaves_no_temporary_file(tmp_path, lang, monkeypatch):
    model = tiny(len(lang.vocab))

    def broken_save(obj, f):
        f.write(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(ck_module.torch, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        save_checkpoint(tmp_path / "m.pt", model)
    assert os.listdir(tmp_path) == []


def test_a_save_cleans_up_what_a_killed_save_left(tmp_path, lang):
    """A save killed mid-write (SIGKILL: no handler runs) leaves its hidden temporary file; the next
    save of the same checkpoint removes it."""
    left = tmp_path / ".m.pt.abc123.tmp"
    left.write_bytes(b"half a file")
    save_checkpoint(tmp_path / "m.pt", tiny(len(lang.vocab)))
    assert sorted(os.listdir(tmp_path)) == ["m.pt"]
