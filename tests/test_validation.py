"""Bad input must raise ValueError/TypeError naming the argument, what was expected and what
was received — never return a silent NaN.  Deterministic tests only."""

import math

import numpy as np
import pytest
import torch

from molviz import _validate as v
from molviz.logistic import (
    logistic_cdf,
    logistic_logcdf,
    logistic_logpdf,
    logistic_logsf,
    logistic_pdf,
    logistic_ppf,
    logistic_sf,
    logistic_std,
)
from molviz.mixture import (
    bin_centers,
    discretized_mixture_log_probs,
    discretized_mixture_probs,
    log_softmax,
    mixture_cdf,
    mixture_logcdf,
    mixture_logpdf,
    mixture_logsf,
    mixture_pdf,
    mixture_ppf,
    mixture_sf,
    softmax,
)
from molviz.sampling import (
    gumbel_bounds,
    gumbel_max,
    gumbel_noise,
    inverse_cdf_choice,
    sample_logistic,
    sample_mol,
    truncation_bound,
)

X_FUNCS = [
    logistic_logpdf,
    logistic_pdf,
    logistic_cdf,
    logistic_logcdf,
    logistic_sf,
    logistic_logsf,
]
MIX_X_FUNCS = [mixture_logpdf, mixture_pdf, mixture_cdf, mixture_sf, mixture_logcdf, mixture_logsf]
PI, MU, S = np.array([0.25, 0.75]), np.array([0.0, 1.0]), np.array([0.5, 2.0])


# ----------------------------------------------------------------- logistic


@pytest.mark.parametrize("f", X_FUNCS)
def test_logistic_rejects_non_positive_scale(f):
    with pytest.raises(
        ValueError, match=r"s must be > 0 \(scale of the logistic\), got min\(s\) = -1.0"
    ):
        f(0.0, 0.0, [1.0, -1.0])
    with pytest.raises(ValueError, match=r"min\(s\) = 0.0"):
        f(0.0, 0.0, 0.0)
    with pytest.raises(ValueError, match="s must be"):
        f(0.0, 0.0, math.nan)
    with pytest.raises(ValueError, match="s must be finite"):
        f(0.0, 0.0, math.inf)


@pytest.mark.parametrize("f", X_FUNCS)
def test_logistic_rejects_bad_types_and_nan(f):
    with pytest.raises(TypeError, match=r"x must be a real number.*str 'a'"):
        f("a")
    with pytest.raises(TypeError, match=r"mu must be a real.*complex"):
        f(0.0, 1j)
    with pytest.raises(TypeError, match=r"s must be a real.*bool"):
        f(0.0, 0.0, np.array([True]))
    with pytest.raises(TypeError, match="x"):
        f([[1.0, 2.0], [3.0]])  # ragged
    with pytest.raises(ValueError, match="x must not contain NaN"):
        f([0.0, math.nan])
    with pytest.raises(ValueError, match="mu"):
        f(0.0, math.inf)


def test_logistic_ppf_rejects_q_outside_open_unit_interval():
    for bad in (0.0, 1.0, -0.1, 1.5, math.nan):
        with pytest.raises(ValueError, match=r"q must lie in the open interval \(0, 1\)"):
            logistic_ppf([0.5, bad])
    with pytest.raises(ValueError, match=r"max\(q\) = 1.0"):
        logistic_ppf(1.0)
    with pytest.raises(TypeError, match="q"):
        logistic_ppf("0.5")
    with pytest.raises(ValueError, match="s must be > 0"):
        logistic_ppf(0.5, 0.0, -2.0)
    with pytest.raises(ValueError, match="s must be > 0"):
        logistic_std(-1.0)


@pytest.mark.parametrize("f", X_FUNCS)
def test_logistic_shape_mismatch_names_the_arguments(f):
    # numpy alone says "operands could not be broadcast together with shapes (3,) (2,)"
    with pytest.raises(
        ValueError,
        match=r"x, mu and s must broadcast against each other, "
        r"got shapes x: \(3,\), mu: \(2,\), s: \(\)",
    ):
        f(np.zeros(3), np.zeros(2), 1)
    with pytest.raises(ValueError, match=r"s: \(4, 3\)"):
        f(0.0, np.zeros((4, 2)), np.ones((4, 3)))
    assert f(np.zeros((2, 1)), np.zeros(3), np.ones(1)).shape == (2, 3)  # broadcasting works


def test_logistic_ppf_shape_mismatch_names_the_arguments():
    with pytest.raises(
        ValueError,
        match=r"q, mu and s must broadcast against each other, "
        r"got shapes q: \(3,\), mu: \(\), s: \(2,\)",
    ):
        logistic_ppf(np.full(3, 0.5), 0.0, np.ones(2))


def test_tensors_are_accepted_by_numpy_functions():
    # widgets may pass CPU tensors; they are converted (with autograd detached)
    x = torch.linspace(-1, 1, 5, requires_grad=True)
    out = logistic_cdf(x, torch.tensor(0.0), torch.tensor(1.0))
    assert isinstance(out, np.ndarray) and out.dtype == np.float64


# ----------------------------------------------------------------- mixture


@pytest.mark.parametrize("f", MIX_X_FUNCS)
def test_mixture_rejects_bad_weights(f):
    with pytest.raises(
        ValueError, match=r"pi \(mixture weights π\) must be >= 0, got min\(pi\) = -0.25"
    ):
        f(0.0, [-0.25, 1.25], MU, S)
    with pytest.raises(
        ValueError, match=r"must sum to 1 along the last axis \(tolerance 1e-08\), got max"
    ):
        f(0.0, [0.3, 0.6], MU, S)
    with pytest.raises(ValueError, match="pi"):
        f(0.0, [math.nan, 1.0], MU, S)
    # within tolerance is fine
    f(0.0, [0.25 + 1e-9, 0.75], MU, S)


@pytest.mark.parametrize("f", MIX_X_FUNCS)
def test_mixture_weights_tolerance_follows_the_dtype(f):
    # K = 3 weights of a float32 softmax are off by a few float32 ulp; a sum of 0.99 (or
    # 1 + 1e-5) is a wrong weight vector in any dtype and must still be refused.
    mu, s = np.zeros(3), np.ones(3)
    for bad_sum in (0.99, 1.0 + 1e-5):
        bad = np.array([0.25, 0.25, bad_sum - 0.5], dtype=np.float32)
        with pytest.raises(ValueError, match=r"tolerance .* for float32 weights with K = 3"):
            f(0.0, bad, mu, s)
        with pytest.raises(ValueError, match=r"for torch.float32 weights with K = 3"):
            f(0.0, torch.from_numpy(bad), mu, s)
    # the same float32 numbers as a Python list are float64 input: 1e-8 applies
    pi32 = torch.softmax(torch.tensor([0.3, -1.2, 2.0]), 0)
    err = abs(float(pi32.double().sum()) - 1.0)
    assert 1e-8 < err < 1e-6  # this vector really is off by more than the float64 tolerance
    f(0.0, pi32, mu, s)
    f(0.0, pi32.numpy(), mu, s)
    with pytest.raises(ValueError, match=r"\(tolerance 1e-08\)"):
        f(0.0, pi32.tolist(), mu, s)


@pytest.mark.parametrize("f", MIX_X_FUNCS)
def test_mixture_rejects_bad_scales_and_shapes(f):
    with pytest.raises(ValueError, match=r"s must be > 0 \(component scales of the mixture\)"):
        f(0.0, PI, MU, [0.5, -2.0])
    with pytest.raises(
        ValueError, match=r"mu must have the same number of components K.*\(\.\.\., 2\).*\(3,\)"
    ):
        f(0.0, PI, [0.0, 1.0, 2.0], S)
    with pytest.raises(ValueError, match=r"s must have the same number of components K"):
        f(0.0, PI, MU, np.ones((4, 3)))
    with pytest.raises(ValueError, match="must broadcast"):
        f(0.0, np.tile(PI, (3, 1)), np.tile(MU, (4, 1)), S)
    with pytest.raises(ValueError, match=r"x of shape \(5,\) must broadcast"):
        f(np.zeros(5), np.tile(PI, (3, 1)), MU, S)
    with pytest.raises(ValueError, match="scalar"):
        f(0.0, 1.0, 0.0, 1.0)
    with pytest.raises(ValueError, match="K >= 1"):
        f(0.0, np.zeros(0), np.zeros(0), np.zeros(0))
    with pytest.raises(TypeError, match="mu"):
        f(0.0, PI, ["a", "b"], S)
    with pytest.raises(ValueError, match="x must not contain NaN"):
        f(math.nan, PI, MU, S)
    with pytest.raises(ValueError, match="mu"):
        f(0.0, PI, [0.0, math.inf], S)


def test_mixture_ppf_rejects_bad_q_and_tol():
    with pytest.raises(ValueError, match=r"q must lie in the open interval \(0, 1\)"):
        mixture_ppf([0.2, 1.0], PI, MU, S)
    with pytest.raises(ValueError, match=r"min\(q\) = -0.5"):
        mixture_ppf(-0.5, PI, MU, S)
    with pytest.raises(ValueError, match="tol must be > 0"):
        mixture_ppf(0.5, PI, MU, S, tol=0.0)
    with pytest.raises(TypeError, match="tol"):
        mixture_ppf(0.5, PI, MU, S, tol="small")
    with pytest.raises(ValueError, match="must sum to 1"):
        mixture_ppf(0.5, [0.5, 0.4], MU, S)
    with pytest.raises(ValueError, match=r"q of shape \(2,\) must broadcast"):
        mixture_ppf([0.1, 0.2], np.tile(PI, (3, 1)), MU, S)


@pytest.mark.parametrize("f", [discretized_mixture_probs, discretized_mixture_log_probs])
def test_discretized_rejects_bad_num_classes(f):
    for bad in (1, 0, -256):
        with pytest.raises(ValueError, match=f"num_classes must be >= 2, got num_classes = {bad}"):
            f(PI, MU, S, bad)
    for bad in (256.0, "256", True, None):
        with pytest.raises(TypeError, match="num_classes must be an int"):
            f(PI, MU, S, bad)
    with pytest.raises(ValueError, match="s must be > 0"):
        f(PI, MU, [1.0, 0.0], 256)
    assert f(PI, MU, S, np.int64(16)).shape == (16,)


def test_bin_centers_rejects_bad_num_classes():
    with pytest.raises(ValueError, match="num_classes must be >= 2"):
        bin_centers(1)
    with pytest.raises(TypeError, match="num_classes must be an int"):
        bin_centers(2.5)


def test_softmax_rejects_nan_and_inf():
    for f in (softmax, log_softmax):
        with pytest.raises(ValueError, match="logits must not contain NaN"):
            f([0.0, math.nan])
        with pytest.raises(ValueError, match=r"logits must be < \+inf"):
            f([0.0, math.inf])
        with pytest.raises(ValueError, match="at least one finite entry"):
            f([[0.0, 1.0], [-math.inf, -math.inf]])
        with pytest.raises(TypeError, match="logits"):
            f("abc")
        # the message points at the first offending entry and shows its row
        with pytest.raises(
            ValueError, match=r"got \+inf: logits\[1, 2\] = inf \(row logits\[1, :\]"
        ):
            f([[0.0, 1.0, 2.0], [0.0, 1.0, math.inf]])
        with pytest.raises(ValueError, match=r"max is -inf: logits\[1, :\] = \[-inf, -inf\]"):
            f([[0.0, 1.0], [-math.inf, -math.inf]])


# ----------------------------------------------------------------- torch samplers

LP = torch.zeros(4, 3)
M = torch.zeros(4, 3)
LS = torch.zeros(4, 3)


@pytest.mark.parametrize("bad", [0.0, 0.5, -1e-5, 0.7, math.nan, math.inf])
def test_eps_outside_open_interval(bad):
    msg = r"eps must be in the open interval \(0, 0.5\)"
    with pytest.raises(ValueError, match=msg):
        gumbel_noise((3,), eps=bad)
    with pytest.raises(ValueError, match=msg):
        gumbel_max(LP, eps=bad)
    with pytest.raises(ValueError, match=msg):
        sample_logistic(M, LS, eps=bad)
    with pytest.raises(ValueError, match=msg):
        sample_mol(LP, M, LS, eps=bad)
    with pytest.raises(ValueError, match=msg):
        truncation_bound(bad)
    with pytest.raises(ValueError, match=msg):
        gumbel_bounds(bad)


def test_eps_type_and_dtype_resolution():
    for bad in ("1e-5", True, [1e-5], torch.tensor([1e-5, 1e-5])):
        with pytest.raises(TypeError, match="eps"):
            sample_mol(LP, M, LS, eps=bad)
    # 1e-10 is fine in float64 but 1 - 1e-10 rounds to 1 in float32
    with pytest.raises(ValueError, match=r"below the resolution of torch.float32"):
        sample_mol(LP, M, LS, eps=1e-10)
    assert torch.isfinite(sample_mol(LP.double(), M.double(), LS.double(), eps=1e-10)).all()
    # a 0-dim tensor is an acceptable eps
    assert sample_logistic(M, LS, eps=torch.tensor(1e-3)).shape == (4, 3)


@pytest.mark.parametrize("bad", [0.0, -1.0, math.inf, math.nan])
def test_temperature_must_be_positive(bad):
    with pytest.raises(ValueError, match="temperature must be a finite number > 0"):
        sample_mol(LP, M, LS, temperature=bad)
    with pytest.raises(ValueError, match="temperature must be a finite number > 0"):
        gumbel_max(LP, temperature=bad)


def test_sampler_types():
    with pytest.raises(TypeError, match=r"logit_probs must be a torch\.Tensor, got ndarray"):
        sample_mol(np.zeros((4, 3)), M, LS)
    with pytest.raises(TypeError, match="means must have a floating dtype"):
        sample_mol(LP, torch.zeros(4, 3, dtype=torch.long), LS)
    with pytest.raises(TypeError, match=r"logits must be a torch\.Tensor"):
        gumbel_max([0.0, 1.0])
    with pytest.raises(TypeError, match=r"mu must be a torch\.Tensor"):
        sample_logistic(0.0, LS)
    with pytest.raises(TypeError, match="log_s must have a floating dtype"):
        sample_logistic(M, torch.zeros(4, 3, dtype=torch.int32))
    with pytest.raises(TypeError, match="dtype must be a floating dtype"):
        gumbel_noise((3,), dtype=torch.int64)
    with pytest.raises(TypeError, match="temperature"):
        sample_mol(LP, M, LS, temperature="hot")


def test_sampler_shapes_and_values():
    with pytest.raises(
        ValueError, match=r"means must have the same number of components K.*\(4, 2\)"
    ):
        sample_mol(LP, torch.zeros(4, 2), LS)
    with pytest.raises(ValueError, match="must broadcast"):
        sample_mol(torch.zeros(4, 3), torch.zeros(5, 3), torch.zeros(4, 3))
    with pytest.raises(ValueError, match="scalar"):
        sample_mol(torch.tensor(0.0), torch.tensor(0.0), torch.tensor(0.0))
    with pytest.raises(ValueError, match=r"K >= 1"):
        gumbel_max(torch.zeros(4, 0))
    with pytest.raises(ValueError, match="logit_probs must not contain NaN"):
        sample_mol(torch.tensor([0.0, math.nan]), M[0, :2], LS[0, :2])
    with pytest.raises(ValueError, match="at least one finite entry"):
        sample_mol(torch.full((2,), -math.inf), M[0, :2], LS[0, :2])
    with pytest.raises(ValueError, match=r"means \(locations μ\) must be finite"):
        sample_mol(LP, torch.full((4, 3), math.inf), LS)
    with pytest.raises(
        ValueError, match=r"log_scales \(log-scales log s\) must be finite, got a value nan"
    ):
        sample_mol(LP, M, torch.full((4, 3), math.nan))
    with pytest.raises(ValueError, match=r"log_s .* must be finite"):
        sample_logistic(M, torch.full((1,), math.inf))
    with pytest.raises(ValueError, match="mu and log_s must broadcast"):
        sample_logistic(torch.zeros(3), torch.zeros(4))


def test_inverse_cdf_choice_bad_input():
    with pytest.raises(TypeError, match=r"logits must be a torch\.Tensor"):
        inverse_cdf_choice(np.zeros((4, 3)))
    with pytest.raises(TypeError, match="logits must have a floating dtype"):
        inverse_cdf_choice(torch.zeros(4, 3, dtype=torch.long))
    with pytest.raises(ValueError, match=r"K >= 1 components, got shape \(4, 0\)"):
        inverse_cdf_choice(torch.zeros(4, 0))
    with pytest.raises(ValueError, match=r"K >= 1 components, got shape \(\)"):
        inverse_cdf_choice(torch.tensor(0.0))
    with pytest.raises(ValueError, match="logits must not contain NaN"):
        inverse_cdf_choice(torch.tensor([0.0, math.nan]))
    with pytest.raises(ValueError, match=r"logits must be < \+inf"):
        inverse_cdf_choice(torch.tensor([0.0, math.inf]))
    with pytest.raises(ValueError, match="at least one finite entry"):
        inverse_cdf_choice(torch.full((2, 3), -math.inf))


# ----------------------------------------------------------------- the helpers themselves


def test_helpers_directly():
    assert v.check_weights("pi", np.array([0.5, 0.5])).sum() == 1.0
    assert v.check_num_classes(np.int32(3)) == 3
    assert v.check_eps(0.25) == 0.25
    assert v.check_temperature(np.float32(2.0)) == 2.0
    assert v.check_mixture_shapes(a=np.zeros((2, 3)), b=np.zeros(3)) == 3
    with pytest.raises(ValueError, match="w must be > 0 \\(width\\), got min\\(w\\) = -3"):
        v.check_positive("w", np.array([1.0, -3.0]), "width")
    with pytest.raises(ValueError, match="y must be finite"):
        v.check_finite("y", torch.tensor([0.0, math.inf]))
    with pytest.raises(TypeError, match="z must be a real scalar"):
        v.check_real_scalar("z", np.zeros(2))
    assert v.check_broadcast(a=np.zeros((2, 1)), b=torch.zeros(3)) == (2, 3)
    with pytest.raises(ValueError, match=r"a and b must broadcast.*a: \(2,\), b: \(3,\)"):
        v.check_broadcast(a=np.zeros(2), b=torch.zeros(3))
    v.check_finite_range("t", torch.tensor([1.0, 2.0]), hi=2.0)
    v.check_finite_range("t", np.zeros(0), hi=-1.0)  # empty: nothing to check
    with pytest.raises(ValueError, match=r"t \(a thing\) must be <= 1, got max\(t\) = 2.0"):
        v.check_finite_range("t", torch.tensor([1.0, 2.0]), "a thing", hi=1.0)
    with pytest.raises(ValueError, match=r"must satisfy \|t\| <= 1, got max \|t\| = 3.0"):
        v.check_finite_range("t", np.array([-3.0, 0.5]), lo=-1.0, hi=1.0)
    with pytest.raises(ValueError, match="t must be finite, got a value nan"):
        v.check_finite_range("t", torch.tensor([1.0, math.nan]), hi=5.0)
    # bfloat16 tensors (no numpy dtype) are converted through float32
    assert v.as_float_array("b", torch.tensor([0.5], dtype=torch.bfloat16)).tolist() == [0.5]
