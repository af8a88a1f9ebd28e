"""Write the cells of notebooks/11_scaling_in_miniature.ipynb (then run `course.py execute` on it)."""
from pathlib import Path

import nbformat as nbf

ROOT = Path(__file__).resolve().parent.parent
cells = []


def md(text):
    cells.append(nbf.v4.new_markdown_cell(text.strip("\n")))


def code(text):
    cells.append(nbf.v4.new_code_cell(text.strip("\n")))


md(r"""
# 11 · Scaling in miniature

Scaling laws say how a language model's loss falls as it gets more data and more parameters. Real
studies must guess the lowest loss reachable; on the toy language it is known exactly, so here you
measure the law itself, on a laptop.

**You will**
- score a model on *every* sentence of the language, weighted by its probability, and read what is
  left above the Bayes limit: the excess loss, a KL divergence, in nats;
- watch a model overfit a few hundred sentences, and see early stopping keep its best state;
- fit a power law to the excess loss against the number of unlabelled sentences, on log-log axes,
  with the floor known, and see how poorly the exponent is pinned when the floor is fitted too;
- read the model-size axis honestly, as measured;
- see the encoder beat lesson 02's context model when sentences are few (why attention), and raw text
  stand in for labels in a few-label probe;
- compare the exponent with those of Kaplan et al. (2020) and Hoffmann et al. (2022).

**Prerequisites:** lessons 01 (the Bayes limit), 02 (the context model), 04 (the transformer encoder and its
training) and 09 (where scaling laws were met).

**Time:** about 30 minutes.
""")

code(r"""
import time

import matplotlib.pyplot as plt
import numpy as np

import sslcourse as sc
from sslcourse import scaling, scaling_runs

rng = sc.seed_everything(0)
language = sc.data.ToyLanguage()
start = time.perf_counter()
""")

md(r"""
## 1. The floor, known exactly

A model's loss here is the **cross-entropy** of lesson 01: the average of $-\log q(\text{true word})$ over
hidden words, where $q$ is the model's predicted distribution. With the natural logarithm its unit is the
**nat** (1 nat = $1/\ln 2 \approx 1.44$ bits). No model can go below the cross-entropy of the exact
posterior, the Bayes limit $E$. The language lists every sentence it makes with its probability, so $E$
is a sum, not an estimate:
""")

code(r"""
bayes = sc.data.bayes_limit(language)
n_all = sum(len(rows) for rows, _ in language.table.values())
V = len(language.vocab)
print(f"{n_all:,} sentences in the language, {V} words")
print(f"Bayes limit E = {bayes.cross_entropy:.4f} nats, accuracy {bayes.accuracy:.4f}")
print(f"a uniform guess over the {V} words: excess log V - E = {np.log(V) - bayes.cross_entropy:.3f} nats")
""")

md(r"""
What a model loses above $E$ is its **excess loss**. For a hidden word with visible context $c$, the
expected loss of predicting $q$ minus that of the exact posterior $p$ is the **Kullback-Leibler (KL)
divergence**

$$\mathrm{KL}(p \,\|\, q) = \sum_w p(w \mid c)\, \log \frac{p(w \mid c)}{q(w \mid c)} \;\ge\; 0,$$

zero only when $q = p$. `scaling.exact_score` averages it over **all** 99,144 sentences, each weighted
by its probability, hiding each position in turn (each context runs through the model once, about
190,000 of them). Scored on a sample of held-out sentences instead, the loss minus $E$ carries a
sampling error of a few hundredths of a nat, as large as the whole excess of a good model; the exact
sum has none.

## 2. Too few sentences: overfitting, and early stopping

Lesson 04's encoder (24,786 parameters), trained on only 300 sentences for 1,000 steps of 256
sentences each: every sentence is seen hundreds of times. The **training loss** is measured on the
training sentences, the **held-out loss** on 2,000 others, every 50 steps.
""")

code(r"""
# NBVAL_IGNORE_OUTPUT
small = scaling_runs.run_point(language, 300, seed=0)  # 1,000 steps
curve = small.curve
print(curve)
print(small)
""")

code(r"""
gap = curve.heldout_loss[-1] - curve.train_loss[-1]
sc.claim("D = 300 after 1,000 steps: held-out minus training loss (nats)", gap, at_least=2.0)
sc.claim("step of the best held-out loss", curve.steps[curve.best], at_most=300)
sc.claim("held-out loss after 1,000 steps minus the best (nats)", curve.heldout_loss[-1] - curve.heldout_loss[curve.best], at_least=1.0)
""")

code(r"""
# NBVAL_IGNORE_OUTPUT
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(curve.steps, curve.train_loss, label="training sentences (300)")
ax.plot(curve.steps, curve.heldout_loss, label="held-out sentences")
ax.axhline(bayes.cross_entropy, color="gray", ls="--", label="Bayes limit E")
ax.axvline(curve.steps[curve.best], color="gray", ls=":", label="early stopping keeps this step")
ax.set(xlabel="training step", ylabel="loss (nats)", title="300 sentences: the model memorises them")
ax.legend(fontsize=8)
plt.show()
""")

md(r"""
The training loss falls far below $E$: the model has learnt *these* 300 sentences, not the language.
The held-out loss is lowest early (around step 150) and then climbs: more training makes it worse.
**Early stopping** keeps the state with the lowest held-out loss; every point below is the kept
state of such a run, scored exactly. (The held-out set is not free: a real study would count it in
its data.)

## 3. Excess loss against data: a power law

Every run follows one recipe: $D$ sentences, `scaling_runs.steps_for(D)` steps (1,000, or $D/3$
up to 3,000, enough for every $D$ to overfit), the learning rate decaying along a cosine, and the state
with the best held-out loss kept. One more point live: 1,000 sentences. The whole sweep, $D$ = 100 to
30,000 sentences with two seeds each, was made by `tools/make_scaling_table.py` from fixed seeds
(about ten minutes of CPU time) and ships with the package; the live runs repeat two of its rows.
""")

code(r"""
# NBVAL_IGNORE_OUTPUT
live = {300: small, 1000: scaling_runs.run_point(language, 1000, seed=0)}
table = scaling.read_table()
data = [r for r in table if r["axis"] == "data"]
shipped = {r["n_sentences"]: r for r in data if r["seed"] == 0}
for D, point in live.items():
    print(f"D = {D:>5}: live excess {point.score.excess:.4f} nats, table {shipped[D]['excess']:.4f}")
""")

code(r"""
for D, point in live.items():
    sc.claim(f"D = {D}: live excess / the table's", point.score.excess / shipped[D]["excess"], at_least=0.7, at_most=1.3)
""")

md(r"""
A **power law** is $\text{excess} = A\,D^{-\alpha}$: each tenfold increase of the data divides the excess by
the same factor $10^{\alpha}$. Taking logarithms, $\log \text{excess} = \log A - \alpha \log D$, a straight
line on **log-log axes** (both axes logarithmic) whose slope is $-\alpha$. Because $E$ is known, the
excess is measured directly, and fitting the law is fitting a line: `scaling.fit_power_law`. Its $R^2$
says how straight the line is (1 is perfectly straight).
""")

code(r"""
# NBVAL_IGNORE_OUTPUT
D_all = np.array([r["n_sentences"] for r in data])
excess_all = np.array([r["excess"] for r in data])
law = scaling.fit_power_law(D_all, excess_all, E=bayes.cross_entropy)
per_seed = [scaling.fit_power_law(D_all[s], excess_all[s]).alpha
            for s in (np.array([r["seed"] for r in data]) == seed for seed in (0, 1))]
boot = scaling.bootstrap_alpha(D_all, excess_all, rng=np.random.default_rng(0))
low, high = np.percentile(boot, [5, 95])
print(law)
print("alpha per seed:", np.round(per_seed, 3), f"  bootstrap 5-95%: {low:.3f} to {high:.3f}")
for D in sorted(set(D_all)):
    print(f"D = {D:>6}: excess {excess_all[D_all == D].mean():.4f} nats (mean of 2 seeds)")
""")

code(r"""
sc.claim("fitted exponent alpha, E known", law.alpha, at_least=ALPHA_LOW, at_most=ALPHA_HIGH)
sc.claim("R^2 of the log-log line", law.r2, at_least=R2_MIN)
sc.claim("alpha of each seed alone: the largest minus the smallest", max(per_seed) - min(per_seed), at_most=SEED_SPREAD)
""")

code(r"""
# NBVAL_IGNORE_OUTPUT
fig, ax = plt.subplots(figsize=(6, 4))
for seed, marker in ((0, "o"), (1, "s")):
    s = np.array([r["seed"] for r in data]) == seed
    ax.loglog(D_all[s], excess_all[s], marker, label=f"table, seed {seed}")
ax.loglog(list(live), [p.score.excess for p in live.values()], "x", color="k", ms=10, label="live runs")
grid = np.geomspace(D_all.min(), D_all.max())
ax.loglog(grid, law(grid), "k-", lw=1, label=f"{law.A:.0f} D^-{law.alpha:.2f}, R^2 = {law.r2:.3f}")
ax.set(xlabel="unlabelled sentences D", ylabel="excess loss over E (nats)", title="Excess loss against data")
ax.legend(fontsize=8)
plt.show()
""")

md(r"""
The points lie close to a straight line over more than two decades of data: a power law with
$\alpha$ about 0.87 ($R^2$ about 0.99), and the two seeds agree within 0.01. The ends bend a little: at
100 sentences the model is far from any asymptote, and at 30,000 its 3,000 training steps start to
limit it (section 5 shows how much training time matters there). The live crosses sit on the
table's points.

### The floor fitted instead of known

A real scaling study does not know $E$; it fits $\text{loss} = E + A D^{-\alpha}$ with three unknowns.
Hand `scaling.fit_free_floor` the same losses ($E$ + excess) without telling it $E$:
""")

code(r"""
# NBVAL_IGNORE_OUTPUT
free = scaling.fit_free_floor(D_all, bayes.cross_entropy + excess_all)
print(free)
print(f"E fitted {free.E:.4f} against exact {bayes.cross_entropy:.4f}; alpha {free.alpha:.3f} against {law.alpha:.3f} with E known")
""")

code(r"""
sc.claim("alpha with E fitted minus alpha with E known", free.alpha - law.alpha, at_most=FREE_ALPHA_MAX)
sc.claim("fitted E below the exact one (nats)", bayes.cross_entropy - free.E, at_least=FREE_E_MIN)
""")

md(r"""
The fit puts the floor about 0.017 nats too low, and the exponent drops to about 0.73, with a fit that
looks nearly as good: a floor a little too low absorbs part of the curve, so $E$ and $\alpha$ trade
against each other. Knowing $E$ exactly is what pins the exponent.

## 4. What the exponent means

A model that can represent the language exactly, fitted to $D$ sentences by maximum likelihood, is off
by an excess of about $k / (2D)$ nats, with $k$ the number of numbers it must estimate (the classic
result behind Akaike's criterion): $\alpha = 1$. Each extra sentence pins the model's estimates a little
more, and the error shrinks like one over the data. The encoder, early-stopped, comes close, at
about 0.87.

Large language models measure far smaller exponents: Kaplan et al. (2020) found the loss falls as
$D^{-0.095}$ with the number of tokens, and Hoffmann et al. (2022, Chinchilla) fitted
$L = E + A/N^{0.34} + B/D^{0.28}$ with $E = 1.69$ nats per token. Real text is not a small known language:
there is always more of it to learn (rarer words, more facts, longer contexts), no model represents it
exactly, and its $E$ is unknown, so there it is *fitted* along with $\alpha$, the trade-off seen above. Here
the language has 99,144 sentences, the encoder can learn nearly all of it, and $E$ is a sum.

## 5. Against parameters: measured, not a law

The other axis: encoders of width 8 to 64 (depth, heads and the rest as before), on 100,000
sentences, trained for 1,000 steps, and the width-64 one three times as long, from the table.
""")

code(r"""
# NBVAL_IGNORE_OUTPUT
models = sorted((r for r in table if r["axis"] == "model"), key=lambda r: (r["max_steps"], r["n_params"]))
for r in models:
    print(f"width {r['width']:>4.0f}: {r['n_params']:>8,.0f} parameters, {r['max_steps']:>5.0f} steps: excess {r['excess']:.4f} nats")
short = [r for r in models if r["max_steps"] == 1000]
size_law = scaling.fit_power_law([r["n_params"] for r in short], [r["excess"] for r in short])
longer = {r["width"]: r["excess"] for r in models if r["max_steps"] == 3000}
cut = {w: next(r["excess"] for r in short if r["width"] == w) / e for w, e in longer.items()}
print(size_law, "\n3x the steps divide the excess by:", {int(w): round(c, 2) for w, c in cut.items()})
""")

code(r"""
sc.claim("R^2 of a power law in parameters", size_law.r2, at_most=SIZE_R2_MAX)
sc.claim("excess of the largest model / that of the smallest", short[-1]["excess"] / short[0]["excess"], at_most=0.2)
sc.claim("3x the steps, width 64: excess divided by", cut[64], at_least=CUT_MIN)
""")

code(r"""
# NBVAL_IGNORE_OUTPUT
fig, ax = plt.subplots(figsize=(6, 4))
for steps, marker in ((1000, "o-"), (3000, "s")):
    rows = [r for r in models if r["max_steps"] == steps]
    ax.loglog([r["n_params"] for r in rows], [r["excess"] for r in rows], marker, label=f"{steps:,} steps")
ax.set(xlabel="parameters", ylabel="excess loss over E (nats)", title="Excess loss against model size (D = 100,000)")
ax.legend(fontsize=8)
plt.show()
""")

md(r"""
Bigger helps a lot at first, then the curve flattens: no straight line fits it. But the flat part is
not what the models *can* represent: training the largest three times as long cuts its excess by
about as much. With plenty of data, what the flat part measures here is training time, not
capacity. Kaplan et al. trained each size to convergence (or accounted for steps), and Chinchilla
varied data and size together; separating the axes honestly takes that care.

## 6. Why attention, seen at small data

Lesson 02's context model reads the whole sentence through one hidden layer; lesson 03's encoder
compares words with attention. Both reach nearly the Bayes accuracy on plenty of data; with few
sentences they differ. Exact fraction of the Bayes accuracy, mean of two seeds, from the table:
""")

code(r"""
# NBVAL_IGNORE_OUTPUT
def mean_by_D(axis, column):
    rows = [r for r in table if r["axis"] == axis]
    sizes = sorted({r["n_sentences"] for r in rows})
    return np.array(sizes), np.array([np.mean([r[column] for r in rows if r["n_sentences"] == D]) for D in sizes])

D_enc, frac_enc = mean_by_D("data", "fraction_of_bayes")
D_ctx, frac_ctx = mean_by_D("context", "fraction_of_bayes")
enc_at = dict(zip(D_enc, frac_enc))
for D, f in zip(D_ctx, frac_ctx):
    print(f"D = {D:>6}: encoder {enc_at[D]:.3f}, context model {f:.3f} of the Bayes accuracy")
""")

code(r"""
ctx_at = dict(zip(D_ctx, frac_ctx))
for D in (1000, 3000):
    sc.claim(f"D = {D}: encoder minus context model, fraction of Bayes accuracy", enc_at[D] - ctx_at[D], at_least=ATTN_MIN)
""")

code(r"""
# NBVAL_IGNORE_OUTPUT
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.semilogx(D_enc, frac_enc, "o-", label="encoder (attention, 24,786 parameters)")
ax.semilogx(D_ctx, frac_ctx, "s-", label=f"context model ({int(next(r['n_params'] for r in table if r['axis'] == 'context')):,} parameters)")
ax.axhline(1.0, color="gray", ls="--", label="Bayes limit")
ax.set(xlabel="unlabelled sentences D", ylabel="fraction of the Bayes accuracy", title="Attention needs fewer sentences")
ax.legend(fontsize=8)
plt.show()
""")

md(r"""
The encoder is ahead at every size, with ten times fewer parameters. Attention builds in what the
language needs: the same rule (a subject agrees with its verb; who eats what) applies wherever the
words stand, and attention lets one set of weights compare any two positions, whereas the context
model must learn each position pair separately, which takes more sentences.

## 7. Labels expensive, raw text cheap: traded

Lesson 06 probed word categories (animal, food, tool, ...) from a pretrained model's output weights
with a handful of labelled words. Here the same probe (a logistic regression on each word's row of the
encoder's output layer) is run on the models of section 3, with 1, 2 or 4 labelled words per category,
scored on all the other words and averaged over 50 draws of the labelled words. The raw text is free;
the labels are what someone must write.
""")

code(r"""
# NBVAL_IGNORE_OUTPUT
probe = {k: mean_by_D("data", f"probe_k{k}")[1] for k in (1, 2, 4)}
print("D:".ljust(22), "  ".join(f"{D:>6}" for D in D_enc))
for k, acc in probe.items():
    print(f"{k} label(s) per category:", "  ".join(f"{a:>6.3f}" for a in acc))
""")

code(r"""
at = {k: dict(zip(D_enc, acc)) for k, acc in probe.items()}
sc.claim("1 label per category at D = 1,000 minus 4 per category at D = 100", at[1][1000] - at[4][100], at_least=0.03)
sc.claim("1 label per category: accuracy at D = 30,000 minus at D = 100", at[1][30000] - at[1][100], at_least=0.1)
sc.claim("1 label per category: accuracy at D = 30,000 minus at D = 1,000", abs(at[1][30000] - at[1][1000]), at_most=0.05)
""")

code(r"""
# NBVAL_IGNORE_OUTPUT
fig, ax = plt.subplots(figsize=(6, 3.5))
for k, acc in probe.items():
    ax.semilogx(D_enc, acc, "o-", label=f"{k} labelled word(s) per category")
ax.axhline(1 / 8, color="gray", ls=":", label="chance (8 categories)")
ax.set(xlabel="unlabelled sentences D", ylabel="probe accuracy on the other words",
       title="More raw text, fewer labels for the same accuracy")
ax.legend(fontsize=8)
plt.show()
""")

md(r"""
With 100 sentences of raw text, even 4 labelled words per category give a probe of only about 0.6;
with 1,000 sentences, 1 labelled word per category does better (about 0.68). Raw text, which costs
nothing here, has replaced three labels in four. The gain comes early: past 1,000 sentences the
1-label probe barely moves while the excess loss keeps falling tenfold. Word categories are among
the first things the model learns; the rest of the loss is finer facts (which food a given animal
favours) that a category probe does not ask about.

## Summary

- On the toy language the loss floor is known exactly ($E$ = 1.0293 nats), and a model's excess loss is
  its KL divergence to the exact posterior, summed over all 99,144 sentences.
- With few sentences the encoder overfits: training loss far below $E$, held-out loss climbing after
  about 150 steps; early stopping keeps the best state.
- Against unlabelled sentences the excess falls as a power law, $\alpha$ about 0.87 with $E$ known,
  on a straight log-log line; with $E$ fitted, the exponent drops to about 0.73.
- $\alpha \approx 1$ is what a model that can represent its data gets; LLMs see 0.1-0.3 because real text
  has no small, known floor.
- Against parameters, at fixed steps, the curve flattens because of training time, not capacity.
- Attention learns from fewer sentences than the context model; more raw text lets fewer labels do.

## Going further

- Kaplan et al. (2020), *Scaling Laws for Neural Language Models*.
- Hoffmann et al. (2022), *Training Compute-Optimal Large Language Models* (Chinchilla).
- Hestness et al. (2017), *Deep Learning Scaling is Predictable, Empirically*.
- Besiroglu et al. (2024), *Chinchilla Scaling: A replication attempt*: how much the fitted constants move.
- Akaike (1974), *A new look at the statistical model identification*: the $k/(2D)$ behind $\alpha = 1$.
- Prechelt (1998), *Early Stopping - But When?*
""")

code(r"""
# NBVAL_IGNORE_OUTPUT
print(f"lesson ran in {time.perf_counter() - start:.0f} s")
""")


def build(values):
    nb = nbf.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    for cell in cells:
        text = cell.source
        for key, value in values.items():
            text = text.replace(key, str(value))
        nb.cells.append(type(cell)(cell) if False else cell.__class__(cell))
        nb.cells[-1].source = text
    nbf.write(nb, ROOT / "notebooks" / "11_scaling_in_miniature.ipynb")


if __name__ == "__main__":
    import json
    import sys

    build(json.loads(Path(sys.argv[1]).read_text()))
