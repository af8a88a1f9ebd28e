"""The checkers of lesson 04 against their references, stubs, and planted wrong answers.

Each planted mistake is an independent wrong implementation written here (not the checker's
own), so the test shows that a learner making that mistake gets that hint.
"""
import numpy as np
import torch
import torch.nn.functional as F

import sslcourse.checks as checks
from sslcourse.checks import lesson04 as l4


def stub(*args, **kwargs):
    raise NotImplementedError


def run(capsys, checker, fn):
    used = checker(fn)
    return used, capsys.readouterr().out


# ---- masked cross-entropy, as a learner might get it wrong
def ce_good(logits, targets, mask):
    hidden = logits[mask]  # (M, V)
    return -hidden.log_softmax(dim=-1).gather(1, targets[mask][:, None]).mean()


def ce_everywhere(logits, targets, mask):
    return F.cross_entropy(logits.flatten(0, 1), targets.flatten())


def ce_inverted(logits, targets, mask):
    keep = mask == False  # noqa: E712
    return F.cross_entropy(logits[keep], targets[keep])


def ce_summed(logits, targets, mask):
    return -(logits[mask].log_softmax(-1).gather(1, targets[mask][:, None])).sum()


def test_masked_cross_entropy(capsys):
    used, out = run(capsys, checks.check_masked_cross_entropy_torch, ce_good)
    assert used is ce_good and out == "[OK] masked_cross_entropy: all 3 checks pass.\n"
    used, out = run(capsys, checks.check_masked_cross_entropy_torch, stub)
    assert used is l4._masked_cross_entropy and out.startswith("[TODO] masked_cross_entropy is not written yet")
    for wrong, hint in [(ce_everywhere, "the loss counts the visible positions too"),
                        (ce_inverted, "the mask polarity is flipped"),
                        (ce_summed, "the loss is a sum over the hidden positions")]:
        used, out = run(capsys, checks.check_masked_cross_entropy_torch, wrong)
        assert used is l4._masked_cross_entropy
        assert out.startswith("[NOT YET] masked_cross_entropy on 2 sentences of 4 words, 3 hidden: loss: expected")
        assert f"Hint: {hint}" in out, out


# ---- moving a batch to the device
def to_device_good(batch, device):
    return tuple(torch.from_numpy(a).to(device=device, dtype=torch.bool if a.dtype == bool else torch.long)
                 for a in batch)


def to_device_forgets_to_keep(batch, device):
    tensors = [torch.from_numpy(a) for a in batch]
    for t in tensors:
        t.to(device)  # the moved copy is thrown away
    return tensors[0].long(), tensors[1].long(), tensors[2]


def to_device_float_mask(batch, device):
    return tuple(torch.tensor(a, dtype=torch.long, device=device) for a in batch)


def test_to_device(capsys):
    used, out = run(capsys, checks.check_to_device, to_device_good)
    assert used is to_device_good and out == "[OK] to_device: all 2 checks pass.\n"
    used, out = run(capsys, checks.check_to_device, stub)
    assert out.startswith("[TODO] to_device")
    used, out = run(capsys, checks.check_to_device, to_device_forgets_to_keep)
    assert used is l4._to_device
    assert "[NOT YET] to_device on the same batch to another device ('meta', a device with no data): inputs: " \
           "value 0: expected 'tensor on meta', got 'tensor on cpu'" in out
    assert "Hint: the tensors stay on the CPU" in out
    used, out = run(capsys, checks.check_to_device, to_device_float_mask)
    assert "mask: value 1: expected 'torch.bool', got 'torch.int64'" in out
    assert "Hint: the mask became a number tensor" in out
    used, out = run(capsys, checks.check_to_device, lambda batch, device: batch)
    assert "Hint: the arrays come back as numpy arrays" in out


# ---- the training step
def step_good(model, optimizer, inputs, targets, mask):
    logits = model(inputs)
    loss = F.cross_entropy(logits[mask], targets[mask])
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()


def step_accumulates(model, optimizer, inputs, targets, mask):
    loss = F.cross_entropy(model(inputs)[mask], targets[mask])
    loss.backward()
    optimizer.step()
    return loss.item()


def step_forgets_to_step(model, optimizer, inputs, targets, mask):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(inputs)[mask], targets[mask])
    loss.backward()
    return loss.item()


def step_sees_the_answers(model, optimizer, inputs, targets, mask):
    return step_good(model, optimizer, targets, targets, mask)


def test_training_step(capsys):
    used, out = run(capsys, checks.check_training_step, step_good)
    assert used is step_good and out == "[OK] training_step: all 2 checks pass.\n"
    used, out = run(capsys, checks.check_training_step, stub)
    assert used is l4._training_step and out.startswith("[TODO] training_step")
    for wrong, hint in [(step_accumulates, "the gradients pile up from step to step"),
                        (step_forgets_to_step, "the weights never change"),
                        (step_sees_the_answers, "the model reads the targets")]:
        used, out = run(capsys, checks.check_training_step, wrong)
        assert used is l4._training_step
        assert out.startswith("[NOT YET] training_step on two steps on one batch:")
        assert f"Hint: {hint}" in out, out


def test_not_a_function(capsys):
    used, out = run(capsys, checks.check_training_step, None)
    assert used is l4._training_step and out.startswith("[NOT YET] training_step: expected a function, got NoneType")


def test_the_checkers_leave_global_random_state_alone():
    state = torch.random.get_rng_state()
    np_state = np.random.get_state()[1].copy()
    checks.check_training_step(step_good)
    assert torch.equal(torch.random.get_rng_state(), state)
    assert np.array_equal(np.random.get_state()[1], np_state)
