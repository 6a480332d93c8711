"""Benchmarks of molviz.vocoder against the vocoder's algorithm (issue 5), in one process.

Run from the repository root::

    python -m benchmarks                # full run (more repeats): about 12 s
    python -m benchmarks --quick        # the book's build-time run: about 6 s
    python -m benchmarks --threads 1    # with torch.set_num_threads(1) for the run
    python benchmarks/run.py --out /tmp/bench

(Wall-clock times, imports included, measured on the 2-core build machine while it was idle.
While other jobs kept it busy, the same runs took 70-80 s and up to 30 s: a torch operation
split over both cores waits for the slower one.)

Every case times ``benchmarks/baseline.py`` (a faithful, unoptimised transcription of
r9y9/wavenet_vocoder's sampler and loss) and molviz side by side in one process: three untimed
warm-up calls each, then repeats interleaved call by call (the order alternates, ABBA...), so
slow drifts of a shared machine hit all of them alike; it reports the minimum (the least
disturbed call) and the median (the typical one).  Each target of issue 5 is checked with both,
and counts as met only if both meet it; the table shows the two verdicts and a summary line the
counts.  For the sampler the *RNG floor* is the time of the vocoder's two ``uniform_`` draws
alone (issue 5's yardstick); "floor fraction" = floor / molviz time.  molviz draws the same
float32 numbers faster (as 32-bit integers, scaled in parallel), so the run also times the
generator alone, the same number of words drawn as int32: the part no implementation with the
same random stream can avoid.  The baseline, molviz's default, the opt-in
``method="inverse_cdf"``, the floor and the words of one sampler case all run in the same
interleaved loop, so every ratio between them (including inverse_cdf against the default)
compares calls made under the same load.  Before timing, each case checks that molviz's result
equals the baseline's (the sampler bit for bit under the same seed, the loss and its gradient to
1e-6 relative), so a fast wrong answer cannot score.  The explorer case times the ipywidgets
mixture explorer's slider callback (figure update and PNG) alone, against its 50 ms target.
Timings are never asserted: this machine is shared and noisy.  The number of torch threads is
part of the machine description.  ``threads_case`` (not part of the command-line run) compares
one thread with torch's default for the Performance appendix's exercise.

The JSON also records the median number of minor page faults per call: memory freshly mapped
by the operating system for new tensors.  They cost time and depend on the allocator's state,
which the other cases of the same process influence, so a function can be faster or slower by
that amount depending on what ran before it.  Interleaving exposes all functions of a case to
the same process history, and the run settles glibc's allocator before the first case (see
``_settle_allocator``).

Outputs (``--out``, default ``benchmarks/results/``): ``benchmark.json`` (machine description,
raw times, summary, seconds per case), ``benchmark.png`` (speed-ups against the targets and
absolute times), and the table printed on stdout.

Inputs (fixed seeds): logits ~ N(0, 1), means ~ U(-1, 1), log-scales ~ U(-7, 0) (narrow to wide
components, as a network emits in training), K = 10, so y has 30 channels; loss targets on the
16-bit grid.  The loss's cost depends on the data (far-tail components make the CPU's slow
subnormal arithmetic appear), so the distribution is part of the result.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

try:
    import resource
except ImportError:  # pragma: no cover - not on Windows
    resource = None

if __package__ in (None, ""):  # run as a file: make ``benchmarks`` and ``molviz`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import torch

from benchmarks import baseline
from molviz import vocoder

RESULTS_DIR = Path(__file__).resolve().parent / "results"
K = 10
U_LO, U_HI = 1e-5, 1.0 - 1e-5


# ---------------------------------------------------------------------------------------------
# machine and inputs


def machine_info() -> dict:
    """CPU model, cores, threads, library versions and the load average at the time of the run."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    info = {
        "cpu": cpu,
        "logical_cores": os.cpu_count(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "numpy": np.__version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    if hasattr(os, "getloadavg"):
        info["load_average_1min"] = round(os.getloadavg()[0], 2)
    return info


def make_y(B: int, T: int, seed: int = 0) -> torch.Tensor:
    """(B, 3K, T) float32 network-like output (see the module docstring)."""
    g = torch.Generator().manual_seed(seed)
    logits = torch.randn(B, K, T, generator=g)
    means = torch.rand(B, K, T, generator=g) * 2.0 - 1.0
    log_s = torch.rand(B, K, T, generator=g) * 7.0 - 7.0
    return torch.cat([logits, means, log_s], dim=1)


def make_target(B: int, T: int, num_classes: int, seed: int = 1) -> torch.Tensor:
    """(B, T, 1) targets on the grid -1 + 2k/(num_classes - 1)."""
    g = torch.Generator().manual_seed(seed)
    k = torch.randint(0, num_classes, (B, T, 1), generator=g).double()
    return (-1.0 + 2.0 * k / (num_classes - 1)).float()


# ---------------------------------------------------------------------------------------------
# timing


def _settle_allocator() -> None:
    """Allocate and free one 30 MiB buffer, before any case is timed.

    glibc's malloc serves large blocks with fresh pages from the operating system until a freed
    block raises its threshold for doing so (up to 32 MiB); a long-running process soon gets
    there.  Without this, the first case with large tensors would run before that threshold
    moved, the later ones after, so the same function could pay page faults in one case and
    not in the next, depending only on the order of the cases.
    """
    buf = torch.empty(30 * 2**20, dtype=torch.uint8)
    del buf


def _minor_faults() -> int:
    """Minor page faults of this process so far (0 where ``resource`` is unavailable)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt if resource else 0


def _time(fn, number: int) -> tuple[float, float]:
    """Seconds and minor page faults per call of ``fn`` over ``number`` back-to-back calls."""
    f0 = _minor_faults()
    t0 = time.perf_counter()
    for _ in range(number):
        fn()
    seconds = (time.perf_counter() - t0) / number
    return seconds, (_minor_faults() - f0) / number


def interleaved(fns: dict, repeats: int, number: int = 1, warmup: int = 3) -> dict:
    """Time each function ``repeats`` times, alternating the order (ABBA...) after ``warmup``
    untimed calls each; returns per-call seconds and page faults, lists per function."""
    names = list(fns)
    for name in names:
        for _ in range(warmup):
            fns[name]()
    times = {name: [] for name in names}
    faults = {name: [] for name in names}
    enabled = gc.isenabled()
    gc.disable()
    try:
        for r in range(repeats):
            for name in names if r % 2 == 0 else reversed(names):
                seconds, f = _time(fns[name], number)
                times[name].append(seconds)
                faults[name].append(f)
    finally:
        if enabled:
            gc.enable()
    return {name: (times[name], faults[name]) for name in names}


def summary(measured: tuple) -> dict:
    """min and median seconds per call, all times, and the median page faults per call."""
    ts, faults = measured
    return {
        "min": min(ts),
        "median": statistics.median(ts),
        "all": ts,
        "page_faults_median": statistics.median(faults),
    }


# ---------------------------------------------------------------------------------------------
# cases


def _check_sampler(y: torch.Tensor) -> None:
    torch.manual_seed(0)
    a = baseline.sample(y)
    torch.manual_seed(0)
    b = vocoder.sample_from_discretized_mix_logistic(y)
    if not torch.equal(a.view(torch.int32), b.view(torch.int32)):
        raise AssertionError(f"sampler output differs from the baseline at {tuple(y.shape)}")


def sampler_case(B: int, T: int, repeats: int, number: int) -> dict:
    """Sampler at (B, 3K, T): baseline, molviz (default), molviz inverse_cdf, the RNG floor
    (the vocoder's two ``uniform_`` calls) and the raw random words (the same number of 32-bit
    draws as integers: the generator's own cost, which molviz's float32 draw cannot avoid), all
    five interleaved in one loop, so that every ratio between them compares calls made under the
    same load."""
    y = make_y(B, T)
    _check_sampler(y)
    times = interleaved(
        {
            "baseline": lambda: baseline.sample(y),
            "molviz": lambda: vocoder.sample_from_discretized_mix_logistic(y),
            "molviz_inverse_cdf": lambda: vocoder.sample_from_discretized_mix_logistic(
                y, method="inverse_cdf"
            ),
            "rng_floor": _floor(B, T),
            "rng_words": lambda: torch.empty(B * T * (K + 1), dtype=torch.int32).random_(),
        },
        repeats,
        number,
    )
    return {name: summary(ts) for name, ts in times.items()}


def _floor(B: int, T: int):
    """The vocoder's two draws alone: (B, T, K) Gumbel uniforms, then (B, T) logistic ones."""

    def floor():
        torch.empty(B, T, K).uniform_(U_LO, U_HI)
        torch.empty(B, T).uniform_(U_LO, U_HI)

    return floor


def loss_case(B: int, T: int, num_classes: int, repeats: int) -> dict:
    """Loss forward + backward at (B, 3K, T): baseline vs molviz, gradients compared first."""
    y_hat = make_y(B, T).requires_grad_()
    y = make_target(B, T, num_classes)

    def run(fn):
        def step():
            loss = fn(y_hat, y, num_classes)
            loss.backward()
            y_hat.grad = None
            return loss

        return step

    la = baseline.loss(y_hat, y, num_classes)
    (ga,) = torch.autograd.grad(la, y_hat)
    lb = vocoder.discretized_mix_logistic_loss(y_hat, y, num_classes)
    (gb,) = torch.autograd.grad(lb, y_hat)
    rel_loss = abs(float(la.detach()) - float(lb.detach())) / abs(float(la.detach()))
    rel_grad = float((ga - gb).abs().max() / ga.abs().max())
    if rel_loss > 1e-6 or rel_grad > 1e-6:
        raise AssertionError(f"loss differs from the baseline: {rel_loss=:.3g}, {rel_grad=:.3g}")
    del la, lb, ga, gb
    times = interleaved({"baseline": run(baseline.loss), "molviz": run(_molviz_loss)}, repeats)
    out = {name: summary(ts) for name, ts in times.items()}
    out["check"] = {"loss_rel_diff": rel_loss, "grad_rel_diff_maxnorm": rel_grad}
    return out


def _molviz_loss(y_hat, y, num_classes):
    return vocoder.discretized_mix_logistic_loss(y_hat, y, num_classes)


def explorer_case(repeats: int) -> dict | None:
    """The ipywidgets mixture explorer's update: 10^5 samples, K = 3, Agg, PNG for the widget.

    Calls the explorer's own ``callback`` (what a slider move runs: figure update + PNG), moving
    one mean slider between repeats.  Returns None if molviz.widgets is unavailable.
    """
    try:
        from molviz import widgets
    except ImportError:  # pragma: no cover - widgets are a core dependency
        return None
    # Outside a notebook, ipywidgets' first clear_output prints terminal escape codes to stdout.
    with contextlib.redirect_stdout(io.StringIO()):
        explorer = widgets.mixture_explorer(K=3, n=100_000)
    values = explorer.values()
    mu_key = next(k for k in values if k.startswith("mu"))
    state = {"i": 0}

    def move():
        state["i"] += 1
        v = dict(values)
        v[mu_key] = -2.0 + 0.25 * (state["i"] % 9)
        explorer.callback(**v)

    times = interleaved({"molviz": move}, repeats)
    if explorer.figure.params.get("n") != 100_000:
        raise AssertionError("the explorer did not draw 10^5 samples")
    explorer.close()
    return {name: summary(ts) for name, ts in times.items()}


def _with_threads(n: int, fn, inner: int):
    """``fn`` called ``inner`` times with ``torch.set_num_threads(n)`` set first."""

    def call():
        torch.set_num_threads(n)
        for _ in range(inner):
            fn()

    return call


def threads_case(repeats: int = 7) -> dict:
    """The sampler with one thread and with torch's current number, side by side.

    For the single step (1, 30, 1) and for (8, 30, 16000): baseline, molviz and the RNG floor,
    each with 1 thread and with ``torch.get_num_threads()`` threads, all in one interleaved loop
    per shape (the thread count is set before every timed call, and restored at the end).  A
    short run for the Performance appendix's exercise.  Returns ``{"thread_counts": [...],
    "cases": {name: {str(threads): {...}}}, "seconds": ...}`` with the same summaries, ratios
    and floor fractions as :func:`run`.
    """
    started = time.time()
    _settle_allocator()
    before = torch.get_num_threads()
    counts = sorted({1, before})
    out = {"thread_counts": counts, "cases": {}}
    try:
        for name, (B, T, inner) in {
            "sampler (1, 30, 1)": (1, 1, 200),
            "sampler (8, 30, 16000)": (8, 16000, 1),
        }.items():
            y = make_y(B, T)
            _check_sampler(y)
            fns = {}
            for n in counts:
                fns[f"baseline {n}"] = _with_threads(n, lambda y=y: baseline.sample(y), inner)
                fns[f"molviz {n}"] = _with_threads(
                    n, lambda y=y: vocoder.sample_from_discretized_mix_logistic(y), inner
                )
                fns[f"rng_floor {n}"] = _with_threads(n, _floor(B, T), inner)
            times = interleaved(fns, repeats)
            case = out["cases"][name] = {}
            for n in counts:
                c = case[str(n)] = {}
                for key in ("baseline", "molviz", "rng_floor"):
                    ts, faults = times[f"{key} {n}"]
                    c[key] = summary(([t / inner for t in ts], [f / inner for f in faults]))
                _derive(name + " (threads)", c)
    finally:
        torch.set_num_threads(before)
    out["seconds"] = round(time.time() - started, 1)
    return out


def threads_markdown(comparison: dict) -> str:
    """Markdown table of :func:`threads_case`: one row per shape and thread count."""
    header = [
        "case",
        "threads",
        "baseline min / median",
        "molviz min / median",
        "speed-up min / median",
        "RNG floor min / median",
        "floor / molviz (min)",
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name, per_threads in comparison["cases"].items():
        for n, c in per_threads.items():
            cells = [name, n]
            for key in ("baseline", "molviz"):
                cells.append(f"{_fmt_time(c[key]['min'])} / {_fmt_time(c[key]['median'])}")
            cells.append(f"{c['ratio_min']:.2f}× / {c['ratio_median']:.2f}×")
            floor = c["rng_floor"]
            cells.append(f"{_fmt_time(floor['min'])} / {_fmt_time(floor['median'])}")
            cells.append(f"{c['floor_fraction']:.2f}")
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# driver, table, plot

# Issue 5's targets: the least speed-up over the baseline, and the explorer's longest update.
TARGETS = {
    "sampler (1, 30, 1)": 3.0,
    "sampler (8, 30, 16000)": 1.5,
    "sampler (1, 30, 24000)": 1.5,
    "loss fwd+bwd (8, 30, 16000), 65536 classes": 1.3,
}
EXPLORER_TARGET_S = 0.050


def _derive(name: str, case: dict) -> None:
    """Add ratios, the floor fraction and the target verdicts to one case's results.

    A target is checked twice, with the minimum times and with the median times; ``met`` is
    true only if both meet it.  The minimum is the least disturbed call, the median the typical
    one: on a loaded machine they can disagree, and the table shows both verdicts.
    """
    mol = case["molviz"]
    if "baseline" in case:
        case["ratio_min"] = case["baseline"]["min"] / mol["min"]
        case["ratio_median"] = case["baseline"]["median"] / mol["median"]
    if "rng_floor" in case:
        case["floor_fraction"] = case["rng_floor"]["min"] / mol["min"]
        case["floor_fraction_median"] = case["rng_floor"]["median"] / mol["median"]
    if "molviz_inverse_cdf" in case:  # > 1: the opt-in method is faster than the default
        inv = case["molviz_inverse_cdf"]
        case["inverse_cdf_vs_default_min"] = mol["min"] / inv["min"]
        case["inverse_cdf_vs_default_median"] = mol["median"] / inv["median"]
    if name in TARGETS:
        case["target_ratio"] = TARGETS[name]
        case["met_min"] = case["ratio_min"] >= TARGETS[name]
        case["met_median"] = case["ratio_median"] >= TARGETS[name]
    elif name.startswith("explorer"):
        case["target_s"] = EXPLORER_TARGET_S
        case["met_min"] = mol["min"] <= EXPLORER_TARGET_S
        case["met_median"] = mol["median"] <= EXPLORER_TARGET_S
    if "met_min" in case:
        case["met"] = case["met_min"] and case["met_median"]


def targets_text(results: dict) -> str:
    """One line: how many targets this run met, by the minimum, by the median, and by both."""
    judged = [c for c in results["cases"].values() if "met" in c]
    n = len(judged)
    both = sum(c["met"] for c in judged)
    by_min = sum(c["met_min"] for c in judged)
    by_median = sum(c["met_median"] for c in judged)
    return (
        f"targets met: {both} of {n} by both the minimum and the median times "
        f"({by_min} of {n} by the minimum, {by_median} of {n} by the median); "
        f"a target counts as met only if both statistics meet it"
    )


def run(quick: bool = False, threads: int | None = None) -> dict:
    """Run every case; returns the JSON-able results dict.

    ``threads``: call ``torch.set_num_threads(threads)`` for the run (restored afterwards);
    by default torch's own choice.  The machine description records the number used.
    """
    before = torch.get_num_threads()
    if threads is not None:
        torch.set_num_threads(threads)
    try:
        return _run(quick)
    finally:
        torch.set_num_threads(before)


def _run(quick: bool) -> dict:
    q = quick
    started = time.time()
    results = {"machine": machine_info(), "quick": quick, "cases": {}, "case_seconds": {}}
    _settle_allocator()
    plan = {
        "sampler (1, 30, 1)": lambda: sampler_case(
            1, 1, repeats=11 if q else 21, number=300 if q else 1000
        ),
        "sampler (8, 30, 16000)": lambda: sampler_case(8, 16000, repeats=15 if q else 61, number=1),
        "sampler (1, 30, 24000)": lambda: sampler_case(
            1, 24000, repeats=31 if q else 151, number=1
        ),
        "loss fwd+bwd (8, 30, 16000), 65536 classes": lambda: loss_case(
            8, 16000, 65536, repeats=5 if q else 15
        ),
        "explorer update (10^5 samples, K = 3)": lambda: explorer_case(repeats=7 if q else 21),
    }
    for name, case_fn in plan.items():
        t0 = time.perf_counter()
        case = case_fn()
        if case is not None:  # None: the explorer's dependencies are missing
            _derive(name, case)
            results["cases"][name] = case
            results["case_seconds"][name] = round(time.perf_counter() - t0, 2)
    results["machine"]["load_average_1min_end"] = (
        round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None
    )
    results["seconds"] = round(time.time() - started, 1)
    return results


def _fmt_time(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1.0:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def _yes(flag: bool) -> str:
    return "yes" if flag else "NO"


def table_rows(results: dict) -> list[list[str]]:
    """Rows: case, baseline min/median, molviz min/median, speed-up min/median, target, met by
    min/median, RNG floor, fraction; below each sampler case a row for method="inverse_cdf"."""
    rows = []
    for name, c in results["cases"].items():
        base = c.get("baseline")
        mol = c["molviz"]
        if "target_ratio" in c:
            target_txt = f"≥ {c['target_ratio']:g}×"
        elif "target_s" in c:
            target_txt = f"≤ {c['target_s'] * 1e3:g} ms"
        else:
            target_txt = ""
        rows.append(
            [
                name,
                f"{_fmt_time(base['min'])} / {_fmt_time(base['median'])}" if base else "–",
                f"{_fmt_time(mol['min'])} / {_fmt_time(mol['median'])}",
                f"{c['ratio_min']:.2f}× / {c['ratio_median']:.2f}×" if base else "–",
                target_txt,
                f"{_yes(c['met_min'])} / {_yes(c['met_median'])}" if "met" in c else "",
                _fmt_time(c["rng_floor"]["min"]) if "rng_floor" in c else "–",
                f"{c['floor_fraction']:.2f}" if "floor_fraction" in c else "–",
            ]
        )
        if "molviz_inverse_cdf" in c:
            inv = c["molviz_inverse_cdf"]
            rows.append(
                [
                    "  same, method='inverse_cdf' (opt-in)",
                    "–",
                    f"{_fmt_time(inv['min'])} / {_fmt_time(inv['median'])}",
                    f"{base['min'] / inv['min']:.2f}× / {base['median'] / inv['median']:.2f}×",
                    "",
                    "",
                    "",
                    "",
                ]
            )
    return rows


HEADER = [
    "case",
    "baseline min / median",
    "molviz min / median",
    "speed-up min / median",
    "target",
    "met min / median",
    "RNG floor (min)",
    "floor / molviz",
]


def markdown_table(results: dict) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(r) + " |" for r in table_rows(results)]
    return "\n".join(lines)


def text_table(results: dict) -> str:
    rows = [HEADER, *table_rows(results)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    out = []
    for j, r in enumerate(rows):
        out.append("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)))
        if j == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def machine_text(results: dict) -> str:
    m = results["machine"]
    return (
        f"{m['cpu']}, {m['logical_cores']} logical cores, torch {m['torch']} "
        f"({m['torch_threads']} threads, {m['cpu_capability']}), numpy {m['numpy']}, "
        f"Python {m['python']}; load average {m.get('load_average_1min')} at start, "
        f"{m.get('load_average_1min_end')} at end"
    )


def words_text(results: dict) -> str:
    """One line per sampler case: the raw random words' time next to the RNG floor."""
    lines = ["the generator alone (B·T·(K+1) 32-bit words as int32, min) vs the RNG floor:"]
    for name, c in results["cases"].items():
        if "rng_words" in c:
            lines.append(
                f"  {name}: {_fmt_time(c['rng_words']['min'])} vs "
                f"{_fmt_time(c['rng_floor']['min'])}"
            )
    return "\n".join(lines)


def inverse_cdf_text(results: dict) -> str:
    """One line per sampler case: method="inverse_cdf" against the default, timed side by side."""
    lines = ["method='inverse_cdf' vs the default method, speed-up min / median (< 1: slower):"]
    for name, c in results["cases"].items():
        if "inverse_cdf_vs_default_min" in c:
            lines.append(
                f"  {name}: {c['inverse_cdf_vs_default_min']:.2f}× / "
                f"{c['inverse_cdf_vs_default_median']:.2f}×"
            )
    return "\n".join(lines)


def page_fault_text(results: dict) -> str:
    """One line per timed case: median minor page faults per call (fresh memory the OS maps)."""
    lines = ["minor page faults per call (median):"]
    for name, c in results["cases"].items():
        parts = [
            f"{key.replace('_', ' ')} {c[key]['page_faults_median']:.0f}"
            for key in ("baseline", "molviz")
            if key in c
        ]
        lines.append(f"  {name}: " + ", ".join(parts))
    return "\n".join(lines)


def plot(results: dict, path=None):
    """Figure: speed-ups (min, median) against the targets, and absolute times (min) of the
    baseline, molviz, molviz's inverse_cdf and the RNG floor on a log axis."""
    import matplotlib

    if path is not None:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cases = {n: c for n, c in results["cases"].items() if "baseline" in c}
    names = list(cases)
    short = [n.replace(", 65536 classes", "\n65536 cl.").replace(" (", "\n(") for n in names]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    x = np.arange(len(names))
    ax1.bar(x - 0.18, [cases[n]["ratio_min"] for n in names], 0.36, label="min", color="#1f77b4")
    ax1.bar(
        x + 0.18, [cases[n]["ratio_median"] for n in names], 0.36, label="median", color="#aec7e8"
    )
    for i, n in enumerate(names):
        t = cases[n].get("target_ratio")
        if t:
            ax1.plot([i - 0.4, i + 0.4], [t, t], color="#d62728", lw=2)
    ax1.axhline(1.0, color="gray", lw=0.8)
    ax1.set_xticks(x, short, fontsize=8)
    ax1.set_ylabel("speed-up over the baseline (×)")
    ax1.set_title("speed-up (red: target; met if min and median reach it)")
    ax1.legend(fontsize=8)
    series = [
        ("baseline", "baseline", "#7f7f7f"),
        ("molviz", "molviz", "#1f77b4"),
        ("molviz_inverse_cdf", "molviz, method='inverse_cdf'", "#ff7f0e"),
        ("rng_floor", "RNG floor", "#2ca02c"),
    ]
    width = 0.8 / len(series)
    for j, (key, label, color) in enumerate(series):
        vals = [cases[n][key]["min"] if key in cases[n] else np.nan for n in names]
        offset = (j - (len(series) - 1) / 2) * width
        ax2.bar(x + offset, vals, width, label=label, color=color)
    ax2.set_yscale("log")
    ax2.set_xticks(x, short, fontsize=8)
    ax2.set_ylabel("seconds per call (min)")
    ax2.set_title("time per call")
    ax2.set_ylim(top=ax2.get_ylim()[1] * 30)  # room for the legend above the bars
    ax2.legend(fontsize=8, ncol=2, loc="upper center")
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=110)
    return fig


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (the book's run)")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="folder for json and png")
    parser.add_argument(
        "--threads", type=int, default=None, help="torch.set_num_threads for the run"
    )
    args = parser.parse_args(argv)
    results = run(quick=args.quick, threads=args.threads)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "benchmark.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    fig = plot(results, args.out / "benchmark.png")
    import matplotlib.pyplot as plt

    plt.close(fig)
    print("machine:", machine_text(results))
    print(f"run: {'quick' if args.quick else 'full'}, {results['seconds']} s\n")
    print(text_table(results))
    print("\n" + targets_text(results))
    print("\n" + inverse_cdf_text(results))
    print("\n" + words_text(results))
    print("\n" + page_fault_text(results))
    print(f"\nwrote {args.out / 'benchmark.json'} and {args.out / 'benchmark.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
