"""The checker machinery: one message per run, hints for known mistakes, no tracebacks."""
import numpy as np

from sslcourse.checks import Case, Mistake, check_function


def reference(x):
    return x * 2.0, x.sum()


def transposed(x):
    return (x * 2.0).T, x.sum()


CASES = [Case("a 2x3 array", (np.arange(6.0).reshape(2, 3),)), Case("a 1x1 array", (np.ones((1, 1)),))]
MISTAKES = [Mistake(transposed, "you transposed the result.")]


def run(fn, capsys):
    used = check_function("double", fn, reference, CASES, mistakes=MISTAKES, hint="double every entry.",
                          outputs=("doubled", "total"))
    return used, capsys.readouterr().out


def test_a_correct_function_passes_with_one_fixed_line(capsys):
    def mine(x):
        return 2 * x, np.sum(x)

    used, out = run(mine, capsys)
    assert used is mine
    assert out == "[OK] double: all 2 checks pass.\n"


def test_an_untouched_stub_is_reported_as_not_done(capsys):
    def stub(x):
        raise NotImplementedError

    used, out = run(stub, capsys)
    assert used is reference
    assert out.startswith("[TODO] double is not written yet")
    assert "use the reference double so you can go on" in out


def test_a_known_mistake_gets_its_hint(capsys):
    used, out = run(transposed, capsys)
    assert used is reference
    assert out.startswith("[NOT YET] double on a 2x3 array: doubled: expected shape (2, 3), got shape (3, 2).")
    assert "Hint: you transposed the result." in out


def test_an_unknown_mistake_gets_the_general_hint_with_expected_and_got(capsys):
    def off_by_one(x):
        return 2 * x + 1, x.sum()

    _, out = run(off_by_one, capsys)
    assert "doubled: 6 of 6 entries differ; at index (0, 0) expected 0, got 1" in out
    assert "Hint: double every entry." in out


def test_a_function_that_raises_gives_a_hint_not_a_traceback(capsys):
    def broken(x):
        return x @ np.ones((5, 5)), 0

    _, out = run(broken, capsys)
    assert out.startswith("[NOT YET] double raised ValueError (")
    assert "Traceback" not in out


def test_wrong_number_of_outputs(capsys):
    _, out = run(lambda x: 2 * x, capsys)
    assert "expected a tuple of 2 values (doubled, total), got a float64 array of shape (2, 3)" in out


def test_not_a_function(capsys):
    _, out = run(None, capsys)
    assert out.startswith("[NOT YET] double: expected a function, got NoneType.")


def test_inputs_are_copied_so_in_place_edits_do_not_leak(capsys):
    def sneaky(x):
        x *= 2.0
        return x, x.sum() / 2

    data = np.ones((1, 1))
    check_function("double", sneaky, reference, [Case("ones", (data,))], hint="")
    assert data[0, 0] == 1.0
