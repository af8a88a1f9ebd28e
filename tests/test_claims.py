"""The claim lines that notebooks check: identical inside the band, explicit outside it."""
import math

import numpy as np
import pytest

import sslcourse as sc


@pytest.mark.parametrize("value", [0.97, 0.975, 0.99, 1.0, np.float32(0.98)])
def test_same_line_for_any_value_inside_the_band(capsys, value):
    assert sc.claim("transformer: fraction of the Bayes accuracy", value, at_least=0.97) is True
    assert capsys.readouterr().out == "transformer: fraction of the Bayes accuracy at least 0.97 [OK]\n"


def test_outside_the_band_says_fail_and_the_value(capsys):
    assert sc.claim("gain at 1 label", 0.123456, at_least=0.3, at_most=0.9) is False
    assert capsys.readouterr().out == "gain at 1 label between 0.3 and 0.9 [FAIL] got 0.123\n"


def test_at_most_and_nan(capsys):
    assert sc.claim("excess loss", 0.01, at_most=0.05)
    assert not sc.claim("excess loss", math.nan, at_most=0.05)
    out = capsys.readouterr().out.splitlines()
    assert out == ["excess loss at most 0.05 [OK]", "excess loss at most 0.05 [FAIL] got nan"]


def test_claim_true(capsys):
    assert sc.claim_true("pretrained ahead at every k", True)
    assert not sc.claim_true("pretrained ahead at every k", False, detail="behind at k=10")
    assert capsys.readouterr().out.splitlines() == ["pretrained ahead at every k [OK]",
                                                    "pretrained ahead at every k [FAIL] behind at k=10"]


@pytest.mark.parametrize("kwargs, error, text", [
    (dict(statement=None, value=1.0, at_least=0), TypeError, "statement must be a non-empty str"),
    (dict(statement="x", value="high", at_least=0), TypeError, "value must be a number, got str"),
    (dict(statement="x", value=None, at_least=0), TypeError, "value must be a number, got NoneType"),
    (dict(statement="x", value=1.0), ValueError, "claim needs a band"),
    (dict(statement="x", value=1.0, at_least=2, at_most=1), ValueError, "at_least must not exceed at_most"),
])
def test_bad_input(kwargs, error, text):
    with pytest.raises(error, match=text):
        sc.claim(kwargs.pop("statement"), kwargs.pop("value"), **kwargs)
