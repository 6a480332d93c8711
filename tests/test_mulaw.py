"""Tests of molviz.mulaw: μ-law companding and quantization, numpy and torch.

Deterministic tests only.  Known values are derived here from the formula
f(x) = sign(x) log(1 + μ|x|) / log(1 + μ) with hand-picked arguments where it simplifies
(e.g. μ|x| = 15 with μ = 255 gives log 16 / log 256 = 1/2), not copied from the code.
"""

import math

import numpy as np
import pytest
import torch

import molviz
from molviz.mulaw import mu_law_decode, mu_law_dequantize, mu_law_encode, mu_law_quantize


def test_known_values_from_the_formula():
    # μ = 255: log(1 + 255|x|)/log(256); 1 + 255|x| = 16 → 1/2, = 2 → 1/8, = 256 → 1
    x = np.array([0.0, 15 / 255, -15 / 255, 1 / 255, 1.0, -1.0])
    expected = np.array([0.0, 0.5, -0.5, 0.125, 1.0, -1.0])
    np.testing.assert_allclose(mu_law_encode(x), expected, rtol=1e-15, atol=0)
    np.testing.assert_allclose(mu_law_decode(expected), x, rtol=1e-15, atol=0)
    # μ = 3: log(1 + 3|x|)/log 4 is 1/2 at |x| = 1/3
    assert mu_law_encode(1 / 3, mu=3) == pytest.approx(0.5, rel=1e-15)
    assert mu_law_decode(0.5, mu=3) == pytest.approx(1 / 3, rel=1e-15)
    # non-integer μ, and the slope μ / log(1 + μ) at 0
    assert mu_law_encode(1e-12, mu=100.5) == pytest.approx(100.5e-12 / math.log(101.5), rel=1e-9)
    # classes: f(15/255) = 1/2 → (1/2 + 1)/2 · 255 = 191.25 → 191 nearest, 191 floor;
    # f(1/255) = 1/8 → 143.4375 → 143; f(-1) → 0; f(1) → 255; f(0) = 0 → 127.5 → 128 / 127
    x = np.array([15 / 255, 1 / 255, -1.0, 1.0, 0.0])
    np.testing.assert_array_equal(mu_law_quantize(x), [191, 143, 0, 255, 128])
    np.testing.assert_array_equal(mu_law_quantize(x, rounding="floor"), [191, 143, 0, 255, 127])


def test_round_trips():
    x = np.linspace(-1, 1, 20001)
    np.testing.assert_allclose(mu_law_decode(mu_law_encode(x)), x, rtol=0, atol=1e-15)
    np.testing.assert_allclose(mu_law_encode(mu_law_decode(x)), x, rtol=0, atol=1e-15)
    for n in (2, 3, 256, 65536):
        c = np.arange(n)
        np.testing.assert_array_equal(mu_law_quantize(mu_law_dequantize(c, n), n), c)
        ct = torch.arange(n)
        back = mu_law_quantize(mu_law_dequantize(ct, n), n)
        assert back.dtype == torch.int64 and torch.equal(back, ct)


def test_quantization_error_is_at_most_half_a_level():
    # nearest: |f(x) - level(c)| <= h = 1/(N - 1); floor: level(c) <= f(x) < level(c) + 2h
    n = 256
    x = np.concatenate([np.linspace(-1, 1, 100_001), [-1.0, 1.0, 0.0]])
    y = mu_law_encode(x, n - 1)
    levels = molviz.bin_centers(n)
    c = mu_law_quantize(x, n)
    assert np.max(np.abs(y - levels[c])) <= 1 / (n - 1) * (1 + 1e-12)
    cf = mu_law_quantize(x, n, rounding="floor")
    gap = y - levels[cf]
    assert gap.min() >= -1e-15 and gap.max() < 2 / (n - 1)
    assert cf.max() == n - 1 and (x[cf == n - 1] == 1.0).all()  # the top class only at x = 1


def test_floor_rounding_is_the_nnmnkwii_convention():
    # nnmnkwii.preprocessing.mulaw_quantize(x, mu) = int((f(x) + 1) / 2 * mu), with r9y9's
    # wavenet_vocoder calling it with mu = quantize_channels - 1; written out from that formula
    rng = np.random.default_rng(5)
    x = np.concatenate([rng.uniform(-1, 1, 100_000), mu_law_dequantize(np.arange(256)), [0.0]])
    for n in (256, 65536):
        mu = n - 1
        f = np.sign(x) * np.log1p(mu * np.abs(x)) / np.log1p(mu)
        expected = ((f + 1) / 2 * mu).astype(int)
        np.testing.assert_array_equal(mu_law_quantize(x, n, rounding="floor"), expected)
    assert mu_law_quantize(0.0, 256, rounding="floor") == 127  # r9y9's silence value


def test_monotone_and_odd():
    x = np.linspace(-1, 1, 10001)
    for mu in (1.0, 255.0, 65535.0):
        y = mu_law_encode(x, mu)
        assert np.all(np.diff(y) > 0)
        np.testing.assert_array_equal(y, -mu_law_encode(-x, mu))
        assert np.all(np.abs(y) <= 1.0)
    c = mu_law_quantize(x, 256)
    assert np.all(np.diff(c) >= 0) and c[0] == 0 and c[-1] == 255
    levels = mu_law_dequantize(np.arange(256))
    assert np.all(np.diff(levels) > 0) and levels[0] == -1.0
    np.testing.assert_array_equal(levels, -levels[::-1])


def test_dequantize_is_decode_of_the_grid_levels():
    # the level of class c is the vocoder grid point -1 + 2c/(N - 1)
    n = 256
    expected = mu_law_decode(molviz.bin_centers(n), n - 1)
    np.testing.assert_allclose(mu_law_dequantize(np.arange(n), n), expected, rtol=1e-14, atol=1e-17)


def test_torch_keeps_kind_and_dtype():
    x64 = torch.linspace(-1, 1, 1001, dtype=torch.float64)
    for dtype in (torch.float32, torch.float64):
        x = x64.to(dtype)
        y = mu_law_encode(x)
        assert isinstance(y, torch.Tensor) and y.dtype == dtype
        tol = 1e-6 if dtype == torch.float32 else 1e-15
        np.testing.assert_allclose(y.numpy(), mu_law_encode(x.numpy()), rtol=0, atol=tol)
        back = mu_law_decode(y)
        assert back.dtype == dtype
        np.testing.assert_allclose(back.numpy(), x.numpy(), rtol=0, atol=2 * tol)
        assert float(mu_law_encode(x)[-1]) == 1.0 and float(mu_law_encode(x)[0]) == -1.0
    c = mu_law_quantize(x64)
    assert c.dtype == torch.int64
    np.testing.assert_array_equal(c.numpy(), mu_law_quantize(x64.numpy()))
    assert mu_law_dequantize(torch.tensor([0, 255])).dtype == torch.get_default_dtype()
    # numpy in, numpy out (float64 even for float32 or integer input)
    out = mu_law_encode(np.array([0, 1], dtype=np.int8))
    assert isinstance(out, np.ndarray) and out.dtype == np.float64
    assert mu_law_quantize([0.25, -0.25]).dtype == np.int64


def test_gradient_flows_through_torch_companding():
    x = torch.tensor([-0.5, 0.1, 0.7], dtype=torch.float64, requires_grad=True)
    mu_law_encode(x).sum().backward()
    expected = 255 / ((1 + 255 * x.detach().abs()) * math.log(256))
    torch.testing.assert_close(x.grad, expected, rtol=1e-12, atol=0)


def test_bad_input():
    with pytest.raises(ValueError, match=r"x \(signal\) must lie in \[-1, 1\].*max\(x\) = 1.5"):
        mu_law_encode([0.0, 1.5])
    with pytest.raises(ValueError, match=r"y \(companded signal\) must lie in \[-1, 1\]"):
        mu_law_decode(torch.tensor([-1.01]))
    with pytest.raises(ValueError, match="must not contain NaN"):
        mu_law_encode([math.nan])
    with pytest.raises(ValueError, match="must not contain NaN"):
        mu_law_quantize(torch.tensor([0.0, math.nan]))
    with pytest.raises(TypeError, match="x must be a floating tensor"):
        mu_law_encode(torch.tensor([0, 1]))
    with pytest.raises(TypeError, match="x must be a real number"):
        mu_law_encode("0.5")
    for bad in (0.0, -255.0, math.inf, math.nan):
        with pytest.raises(ValueError, match="mu must be a finite number > 0"):
            mu_law_encode(0.5, mu=bad)
    with pytest.raises(TypeError, match="mu must be a real number"):
        mu_law_decode(0.5, mu="255")
    with pytest.raises(ValueError, match="num_classes must be >= 2"):
        mu_law_quantize(0.5, num_classes=1)
    with pytest.raises(TypeError, match="num_classes must be an int"):
        mu_law_quantize(0.5, num_classes=256.0)
    with pytest.raises(ValueError, match="rounding must be one of"):
        mu_law_quantize(0.5, rounding="round")
    with pytest.raises(ValueError, match=r"c must be classes in 0 \.\. 255.*max\(c\) = 256"):
        mu_law_dequantize([0, 256])
    with pytest.raises(ValueError, match=r"min\(c\) = -1"):
        mu_law_dequantize(torch.tensor([-1, 3]))
    with pytest.raises(TypeError, match="c must be integer classes"):
        mu_law_dequantize(np.array([1.0, 2.0]))
    with pytest.raises(TypeError, match="c must be an integer tensor"):
        mu_law_dequantize(torch.tensor([1.0]))
    with pytest.raises(TypeError, match="c must be integer classes, got bool"):
        mu_law_dequantize(True)
