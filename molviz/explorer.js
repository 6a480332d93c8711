/*
 * molviz explorer.js: in-browser explorers for mixtures of logistics (no kernel, no network).
 *
 * One plain-JavaScript file, no framework and no build step. It defines `window.molviz` (in a
 * browser) or `module.exports` (under Node, where the maths is tested without a DOM):
 *
 *   maths    logistic and mixture log-pdf / pdf / cdf / sf / quantile, softmax, discretized bin
 *            masses; float64 and the same stable formulas as molviz/logistic.py and
 *            molviz/mixture.py (standardize once, z = (x - μ) / s; log-pdf -|z| - 2 log1p(e^-|z|) - log s;
 *            cdf = expit(z); sf = expit(-z); quantile = μ + s logit(q); mixture log-density by
 *            logsumexp over components).
 *   random   xoshiro128** (Blackman and Vigna, 2018) seeded by splitmix64, giving 53-bit doubles
 *            in [0, 1) from two 32-bit outputs: ((a >>> 5) * 2^26 + (b >>> 6)) / 2^53.
 *   sampler  the two-stage sampler of molviz and of r9y9/wavenet_vocoder: component k =
 *            argmax_k(α_k - log(-log u_k)) (Gumbel-max), then x = μ_k + s_k (log u - log(1 - u))
 *            (inversion), every u ~ U(ε, 1 - ε) with ε = 1e-5 by default.
 *   explorers `molviz.mount(root, config)` draws one explorer ("logistic", "mixture", "gumbel",
 *            "inversion", "discretized") in inline SVG inside `root`.
 *
 * API (all float64; x, q numbers; pi, mu, s, logits arrays of length K):
 *   molviz.logistic.{logpdf, pdf, cdf, sf, logcdf, logsf}(x, mu = 0, s = 1), .quantile(q, mu, s), .std(s)
 *   molviz.mixture.{logpdf, pdf, cdf, sf, logcdf, logsf}(x, pi, mu, s), .quantile(q, pi, mu, s),
 *     .intervalMass(lo, hi, pi, mu, s)
 *   molviz.softmax(logits), molviz.logSoftmax(logits), molviz.expit(t), molviz.logit(q)
 *   molviz.binCenter(k, C), molviz.discretizedProbs(pi, mu, s, C, kLo = 0, kHi = C - 1)
 *   molviz.makeRng(seed) -> {nextUint32(), nextDouble()}; molviz.Xoshiro128ss.fromState([4 words])
 *   molviz.sampleMixture(rng, logits, mu, s, n, eps = 1e-5) -> {x: Float64Array, k: Int32Array}
 *   molviz.sampleComponents(rng, logits, n, eps) -> Int32Array; molviz.sampleLogistic(rng, mu, s, n,
 *     eps) -> {x, u}; molviz.gumbelFromUniform(u); molviz.logisticFromUniform(u, mu, s)
 *   molviz.truncationBound(eps) = log((1 - ε)/ε); molviz.gumbelBounds(eps)
 *   molviz.mount(root, {kind, params, title}); molviz.kinds; molviz.specs (slider ranges);
 *   molviz.version; molviz.TAB10
 * Bad arguments throw TypeError / RangeError naming the argument and the value.
 *
 * DOM contract (tests rely on it): the root gets class "molviz-explorer", data-kind, and data-ready="1"
 * once drawn; controls are labelled input[type=range] with an <output> read-out (plus select/button);
 * the drawing is one <svg class="molviz-plot">; after each redraw data-last-redraw-ms (the time
 * measured with performance.now()) is set and then data-redraws is incremented.
 *
 * Safe to include several times on one page: a second copy of the same version does nothing.
 * See the book chapters book/logistic.md, book/mixtures.md, book/gumbel_max.md,
 * book/inversion.md and book/training.md.
 */
(function () {
  "use strict";

  var VERSION = "0.1.0";
  var hasWindow = typeof window !== "undefined";
  var hasModule = typeof module === "object" && module !== null && !!module.exports;
  if (hasWindow && window.molviz && window.molviz.version === VERSION) {
    if (hasModule) module.exports = window.molviz;
    return; // already defined by an earlier copy of this script
  }

  var EPS = 1e-5; // u ~ U(EPS, 1 - EPS), as in the vocoder's sampler
  // Colours agreed with molviz/_style.py (the matplotlib figures): tab10 per component k,
  // DENSITY for a whole density or CDF, GAUSSIAN for the comparison normal, CLIP for what the
  // 1e-5 clip never reaches, SAMPLE for histograms not split by component.
  var DENSITY = "#222222";
  var GAUSSIAN = "#7f7f7f";
  var CLIP = "#d62728";
  var SAMPLE = "#9ecae1";
  var TAB10 = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
  ];

  // ---------------------------------------------------------------------------------------------
  // Argument checks (public functions only; the explorers call the unchecked inner loops).
  // ---------------------------------------------------------------------------------------------

  function checkNumber(name, x) {
    if (typeof x !== "number" || Number.isNaN(x)) {
      throw new TypeError(name + " must be a number, got " + String(x));
    }
  }

  function checkFinite(name, x) {
    checkNumber(name, x);
    if (!Number.isFinite(x)) throw new RangeError(name + " must be finite, got " + x);
  }

  function checkScale(name, s) {
    checkNumber(name, s);
    if (!(s > 0) || !Number.isFinite(s)) {
      throw new RangeError(name + " must be > 0 and finite (scale of the logistic), got " + s);
    }
  }

  function checkProb(name, q) {
    checkNumber(name, q);
    if (q < 0 || q > 1) throw new RangeError(name + " must be in [0, 1], got " + q);
  }

  function checkEps(eps) {
    checkNumber("eps", eps);
    if (!(eps >= 0 && eps < 0.5)) throw new RangeError("eps must be in [0, 0.5), got " + eps);
  }

  function toArray(name, a) {
    if (a === null || typeof a !== "object" || typeof a.length !== "number") {
      throw new TypeError(name + " must be an array of numbers, got " + String(a));
    }
    var out = new Float64Array(a.length);
    for (var i = 0; i < a.length; i++) {
      checkNumber(name + "[" + i + "]", a[i]);
      out[i] = a[i];
    }
    return out;
  }

  function checkMixture(pi, mu, s) {
    var p = toArray("pi", pi);
    var m = toArray("mu", mu);
    var sc = toArray("s", s);
    if (p.length === 0) throw new RangeError("pi must have at least one component (K >= 1), got K = 0");
    if (m.length !== p.length || sc.length !== p.length) {
      throw new RangeError(
        "pi, mu and s must have the same length K, got " + p.length + ", " + m.length + ", " + sc.length
      );
    }
    var total = 0;
    for (var k = 0; k < p.length; k++) {
      if (!(p[k] >= 0) || !Number.isFinite(p[k])) {
        throw new RangeError("pi must be >= 0 (mixture weights), got pi[" + k + "] = " + p[k]);
      }
      checkFinite("mu[" + k + "]", m[k]);
      checkScale("s[" + k + "]", sc[k]);
      total += p[k];
    }
    if (Math.abs(total - 1) > 1e-8) {
      throw new RangeError("pi must sum to 1 (mixture weights), got sum(pi) = " + total);
    }
    return { pi: p, mu: m, s: sc, logpi: logOf(p) };
  }

  function logOf(a) {
    var out = new Float64Array(a.length);
    for (var i = 0; i < a.length; i++) out[i] = Math.log(a[i]);
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Logistic distribution (float64, stable forms).
  // ---------------------------------------------------------------------------------------------

  /** log(1 + exp(t)) without overflow. */
  function log1pexp(t) {
    return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
  }

  /** expit(t) = 1 / (1 + exp(-t)), the logistic sigmoid (as scipy.special.expit). */
  function expit(t) {
    return 1 / (1 + Math.exp(-t));
  }

  /** logit(q) = log(q / (1 - q)); near q = 1/2 as log1p(2d) - log1p(-2d), d = q - 1/2. */
  function logit(q) {
    if (q < 0.3 || q > 0.65) return Math.log(q / (1 - q));
    var d = 2 * (q - 0.5);
    return Math.log1p(d) - Math.log1p(-d);
  }

  // Unchecked kernels. Naive pdf for the reader: exp(-z) / (s (1 + exp(-z))^2), z = (x - μ)/s.
  function lgLogpdf(x, mu, s) {
    var a = Math.abs((x - mu) / s);
    return -a - 2 * Math.log1p(Math.exp(-a)) - Math.log(s);
  }
  function lgCdf(x, mu, s) {
    return expit((x - mu) / s);
  }
  function lgSf(x, mu, s) {
    return expit(-(x - mu) / s);
  }
  function lgLogcdf(x, mu, s) {
    return -log1pexp(-(x - mu) / s);
  }
  function lgLogsf(x, mu, s) {
    return -log1pexp((x - mu) / s);
  }
  function lgQuantile(q, mu, s) {
    return mu + s * logit(q);
  }

  function checkedLogistic(fn) {
    return function (x, mu, s) {
      if (mu === undefined) mu = 0;
      if (s === undefined) s = 1;
      checkNumber("x", x);
      checkFinite("mu", mu);
      checkScale("s", s);
      return fn(x, mu, s);
    };
  }

  var logistic = {
    logpdf: checkedLogistic(lgLogpdf),
    pdf: checkedLogistic(function (x, mu, s) {
      return Math.exp(lgLogpdf(x, mu, s));
    }),
    cdf: checkedLogistic(lgCdf),
    sf: checkedLogistic(lgSf),
    logcdf: checkedLogistic(lgLogcdf),
    logsf: checkedLogistic(lgLogsf),
    quantile: function (q, mu, s) {
      if (mu === undefined) mu = 0;
      if (s === undefined) s = 1;
      checkProb("q", q);
      checkFinite("mu", mu);
      checkScale("s", s);
      return lgQuantile(q, mu, s);
    },
    /** Standard deviation σ = s π / √3. */
    std: function (s) {
      checkScale("s", s);
      return (s * Math.PI) / Math.sqrt(3);
    },
  };

  // ---------------------------------------------------------------------------------------------
  // Mixture of logistics: p(x) = Σ_k π_k logistic(x; μ_k, s_k).
  // ---------------------------------------------------------------------------------------------

  /** log Σ_k exp(logpi_k + term(k)) with the maximum taken out. */
  function mixLogsumexp(terms, K) {
    var m = -Infinity;
    for (var k = 0; k < K; k++) if (terms[k] > m) m = terms[k];
    if (m === -Infinity || m === Infinity) return m;
    var acc = 0;
    for (var j = 0; j < K; j++) acc += Math.exp(terms[j] - m);
    return m + Math.log(acc);
  }

  function mxLogpdf(x, M, buf) {
    var K = M.pi.length;
    for (var k = 0; k < K; k++) buf[k] = M.logpi[k] + lgLogpdf(x, M.mu[k], M.s[k]);
    return mixLogsumexp(buf, K);
  }
  function mxCdf(x, M) {
    var acc = 0;
    for (var k = 0; k < M.pi.length; k++) acc += M.pi[k] * lgCdf(x, M.mu[k], M.s[k]);
    return acc;
  }
  function mxSf(x, M) {
    var acc = 0;
    for (var k = 0; k < M.pi.length; k++) acc += M.pi[k] * lgSf(x, M.mu[k], M.s[k]);
    return acc;
  }
  function mxLogcdf(x, M, buf) {
    var K = M.pi.length;
    for (var k = 0; k < K; k++) buf[k] = M.logpi[k] + lgLogcdf(x, M.mu[k], M.s[k]);
    return mixLogsumexp(buf, K);
  }
  function mxLogsf(x, M, buf) {
    var K = M.pi.length;
    for (var k = 0; k < K; k++) buf[k] = M.logpi[k] + lgLogsf(x, M.mu[k], M.s[k]);
    return mixLogsumexp(buf, K);
  }

  /**
   * Mixture quantile F^{-1}(q): safeguarded Newton on log F(x) = log q (q <= 1/2) or on
   * log(1 - F(x)) = log(1 - q) (q > 1/2), inside the bracket [min_k x_k, max_k x_k] of the
   * component quantiles x_k = μ_k + s_k logit(q) (F(min) <= q <= F(max) because F is a
   * π-weighted average of the component CDFs). Runs to full float64 precision.
   */
  function mxQuantile(q, M, buf) {
    if (q === 0) return -Infinity;
    if (q === 1) return Infinity;
    var K = M.pi.length;
    var lo = Infinity;
    var hi = -Infinity;
    var lq = logit(q);
    for (var k = 0; k < K; k++) {
      if (M.pi[k] === 0) continue;
      var xk = M.mu[k] + M.s[k] * lq;
      if (xk < lo) lo = xk;
      if (xk > hi) hi = xk;
    }
    if (lo === hi) return lo;
    var upper = q > 0.5;
    var target = upper ? Math.log1p(-q) : Math.log(q);
    // g(x) is increasing in x, g(root) = 0.
    var g = function (x) {
      return upper ? target - mxLogsf(x, M, buf) : mxLogcdf(x, M, buf) - target;
    };
    var x = 0.5 * (lo + hi);
    for (var it = 0; it < 200; it++) {
      var gx = g(x);
      if (gx === 0) return x;
      if (gx < 0) lo = x;
      else hi = x;
      // g'(x) = p(x) / F(x) (lower branch) or p(x) / (1 - F(x)) (upper branch).
      var lp = mxLogpdf(x, M, buf);
      var lden = upper ? mxLogsf(x, M, buf) : mxLogcdf(x, M, buf);
      var xn = x - gx / Math.exp(lp - lden);
      if (!(xn > lo && xn < hi)) xn = 0.5 * (lo + hi);
      var tol = 2 * Number.EPSILON * Math.max(1, Math.abs(xn));
      if (Math.abs(xn - x) <= tol || hi - lo <= tol) return xn;
      x = xn;
    }
    return x;
  }

  function checkedMixture(fn) {
    return function (x, pi, mu, s) {
      checkNumber("x", x);
      var M = checkMixture(pi, mu, s);
      return fn(x, M, new Float64Array(M.pi.length));
    };
  }

  var mixture = {
    logpdf: checkedMixture(mxLogpdf),
    pdf: checkedMixture(function (x, M, buf) {
      return Math.exp(mxLogpdf(x, M, buf));
    }),
    cdf: checkedMixture(mxCdf),
    sf: checkedMixture(mxSf),
    logcdf: checkedMixture(mxLogcdf),
    logsf: checkedMixture(mxLogsf),
    quantile: function (q, pi, mu, s) {
      checkProb("q", q);
      var M = checkMixture(pi, mu, s);
      return mxQuantile(q, M, new Float64Array(M.pi.length));
    },
    /** P(lo < x < hi) without cancellation (the discretized explorer's column masses). */
    intervalMass: function (lo, hi, pi, mu, s) {
      checkNumber("lo", lo);
      checkNumber("hi", hi);
      if (!(lo < hi)) throw new RangeError("need lo < hi, got lo = " + lo + ", hi = " + hi);
      return mxSpanMass(checkMixture(pi, mu, s), lo, hi);
    },
  };

  /** softmax(α)_k = exp(α_k - max α) / Σ_j exp(α_j - max α). */
  function softmax(logits) {
    var a = toArray("logits", logits);
    if (a.length === 0) throw new RangeError("logits must have at least one entry, got 0");
    var ls = logSoftmaxArr(a);
    var out = new Array(a.length);
    for (var k = 0; k < a.length; k++) out[k] = Math.exp(ls[k]);
    return out;
  }

  function logSoftmaxArr(a) {
    var m = -Infinity;
    for (var k = 0; k < a.length; k++) if (a[k] > m) m = a[k];
    if (!Number.isFinite(m)) throw new RangeError("logits must be finite, got max = " + m);
    var acc = 0;
    for (var j = 0; j < a.length; j++) acc += Math.exp(a[j] - m);
    var lse = m + Math.log(acc);
    var out = new Float64Array(a.length);
    for (var i = 0; i < a.length; i++) out[i] = a[i] - lse;
    return out;
  }

  function logSoftmax(logits) {
    var a = toArray("logits", logits);
    if (a.length === 0) throw new RangeError("logits must have at least one entry, got 0");
    return Array.prototype.slice.call(logSoftmaxArr(a));
  }

  /** Bin centres of the training grid: c_k = -1 + 2k / (C - 1), k = 0 .. C-1. */
  function binCenter(k, C) {
    return -1 + (2 * k) / (C - 1);
  }

  /**
   * Mass of bin k of the discretized logistic: P(c_k - h < x < c_k + h) with h = 1/(C-1); the
   * first bin takes (-∞, c_0 + h), the last takes (c_{C-1} - h, ∞). With standardized edges
   * a < b the difference σ(b) - σ(a) is computed as the product σ(b) σ(-a) (1 - e^{-(b-a)}),
   * with b - a = 2h/s formed directly, so no digits cancel (at 65536 classes the naive
   * difference of two nearly equal CDFs keeps only a few).
   */
  function lgBinMass(k, C, mu, s) {
    var h = 1 / (C - 1);
    var c = binCenter(k, C);
    if (k === 0) return expit((c + h - mu) / s);
    if (k === C - 1) return expit(-(c - h - mu) / s);
    var a = (c - h - mu) / s;
    var b = (c + h - mu) / s;
    return expit(b) * expit(-a) * -Math.expm1(-(2 * h) / s);
  }

  /** P(lo < x < hi) under the mixture, as Σ_k π_k σ(b_k) σ(-a_k) (1 - e^{-(hi - lo)/s_k}). */
  function mxSpanMass(M, lo, hi) {
    var acc = 0;
    for (var j = 0; j < M.pi.length; j++) {
      if (M.pi[j] === 0) continue;
      var sj = M.s[j];
      acc += M.pi[j] * expit((hi - M.mu[j]) / sj) * expit(-(lo - M.mu[j]) / sj) * -Math.expm1(-(hi - lo) / sj);
    }
    return acc;
  }

  function mxBinMasses(M, C, kLo, kHi, out) {
    var K = M.pi.length;
    for (var k = kLo; k <= kHi; k++) {
      var acc = 0;
      for (var j = 0; j < K; j++) if (M.pi[j] > 0) acc += M.pi[j] * lgBinMass(k, C, M.mu[j], M.s[j]);
      out[k - kLo] = acc;
    }
    return out;
  }

  function checkNumClasses(C) {
    if (typeof C !== "number" || !Number.isInteger(C) || C < 2) {
      throw new RangeError("numClasses must be an integer >= 2, got " + String(C));
    }
  }

  /** Bin masses of the discretized mixture for bins kLo..kHi (default: all C bins). */
  function discretizedProbs(pi, mu, s, numClasses, kLo, kHi) {
    var M = checkMixture(pi, mu, s);
    checkNumClasses(numClasses);
    if (kLo === undefined) kLo = 0;
    if (kHi === undefined) kHi = numClasses - 1;
    if (!Number.isInteger(kLo) || !Number.isInteger(kHi) || kLo < 0 || kHi >= numClasses || kLo > kHi) {
      throw new RangeError(
        "bin range must satisfy 0 <= kLo <= kHi < numClasses = " + numClasses + ", got " + kLo + ", " + kHi
      );
    }
    return Array.prototype.slice.call(mxBinMasses(M, numClasses, kLo, kHi, new Float64Array(kHi - kLo + 1)));
  }

  // ---------------------------------------------------------------------------------------------
  // Seeded PRNG: xoshiro128** seeded with splitmix64.
  // ---------------------------------------------------------------------------------------------

  var MASK64 = typeof BigInt === "function" ? BigInt("0xffffffffffffffff") : null;

  /** splitmix64 (Steele, Lea and Flood, 2014), on BigInt; used only to seed. */
  function splitmix64Outputs(seed, count) {
    var z = BigInt(seed) & MASK64;
    var out = [];
    for (var i = 0; i < count; i++) {
      z = (z + BigInt("0x9e3779b97f4a7c15")) & MASK64;
      var r = z;
      r = ((r ^ (r >> BigInt(30))) * BigInt("0xbf58476d1ce4e5b9")) & MASK64;
      r = ((r ^ (r >> BigInt(27))) * BigInt("0x94d049bb133111eb")) & MASK64;
      out.push(r ^ (r >> BigInt(31)));
    }
    return out;
  }

  /**
   * Xoshiro128ss(seed): a 32-bit xoshiro128** generator. State (s0, s1, s2, s3) = (low, high)
   * 32-bit halves of the first two splitmix64 outputs from `seed` (a safe integer >= 0).
   * nextUint32() -> integer in [0, 2^32); nextDouble() -> ((a >>> 5) 2^26 + (b >>> 6)) / 2^53.
   */
  function Xoshiro128ss(seed) {
    if (typeof seed !== "number" || !Number.isSafeInteger(seed) || seed < 0) {
      throw new RangeError("seed must be an integer in [0, 2^53), got " + String(seed));
    }
    var o = splitmix64Outputs(seed, 2);
    var m32 = BigInt(0xffffffff);
    this.s0 = Number(o[0] & m32) | 0;
    this.s1 = Number(o[0] >> BigInt(32)) | 0;
    this.s2 = Number(o[1] & m32) | 0;
    this.s3 = Number(o[1] >> BigInt(32)) | 0;
  }

  /** A generator started from an explicit state of four 32-bit words (not all zero). */
  Xoshiro128ss.fromState = function (words) {
    if (!words || words.length !== 4) throw new RangeError("state must be 4 words, got " + String(words));
    var allZero = true;
    for (var i = 0; i < 4; i++) {
      if (!Number.isInteger(words[i]) || words[i] < 0 || words[i] > 0xffffffff) {
        throw new RangeError("state words must be integers in [0, 2^32), got " + String(words[i]));
      }
      if (words[i] !== 0) allZero = false;
    }
    if (allZero) throw new RangeError("state must not be all zero");
    var r = Object.create(Xoshiro128ss.prototype);
    r.s0 = words[0] | 0;
    r.s1 = words[1] | 0;
    r.s2 = words[2] | 0;
    r.s3 = words[3] | 0;
    return r;
  };

  Xoshiro128ss.prototype.nextUint32 = function () {
    var s0 = this.s0;
    var s1 = this.s1;
    var s2 = this.s2;
    var s3 = this.s3;
    var t = Math.imul(s1, 5);
    var result = Math.imul((t << 7) | (t >>> 25), 9);
    var sh = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= sh;
    s3 = (s3 << 11) | (s3 >>> 21);
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
    return result >>> 0;
  };

  Xoshiro128ss.prototype.nextDouble = function () {
    var a = this.nextUint32() >>> 5;
    var b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  };

  function makeRng(seed) {
    return new Xoshiro128ss(seed);
  }

  // ---------------------------------------------------------------------------------------------
  // Two-stage sampler. Each sample uses K + 1 uniforms in this order: u_1..u_K for the Gumbel
  // noise of the component choice, then u for the inversion. So the first n samples of a seed do
  // not change when more are drawn (the histogram grows as n grows).
  // ---------------------------------------------------------------------------------------------

  function checkCount(n) {
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
      throw new RangeError("n must be an integer >= 0 (number of samples), got " + String(n));
    }
  }

  function checkRng(rng) {
    if (!rng || typeof rng.nextDouble !== "function") {
      throw new TypeError("rng must be a generator from molviz.makeRng(seed), got " + String(rng));
    }
  }

  /** Gumbel noise g = -log(-log u), u ~ U(ε, 1 - ε); bounded to [-log(-log ε), -log(-log(1 - ε))]. */
  function gumbelFromUniform(u) {
    return -Math.log(-Math.log(u));
  }

  /** Inversion: x = μ + s (log u - log(1 - u)); |x - μ| <= s log((1 - ε)/ε) under the clip. */
  function logisticFromUniform(u, mu, s) {
    return mu + s * (Math.log(u) - Math.log1p(-u));
  }

  function sampleMixtureInto(rng, logits, mu, s, n, eps, xs, ks) {
    var K = logits.length;
    var width = 1 - 2 * eps;
    for (var i = 0; i < n; i++) {
      var best = -Infinity;
      var kb = 0;
      for (var k = 0; k < K; k++) {
        var v = logits[k] - Math.log(-Math.log(eps + width * rng.nextDouble()));
        if (v > best) {
          best = v;
          kb = k;
        }
      }
      var u = eps + width * rng.nextDouble();
      xs[i] = mu[kb] + s[kb] * (Math.log(u) - Math.log1p(-u));
      ks[i] = kb;
    }
  }

  function checkSamplerArgs(rng, logits, mu, s, n, eps) {
    checkRng(rng);
    var a = toArray("logits", logits);
    var m = toArray("mu", mu);
    var sc = toArray("s", s);
    if (a.length === 0 || m.length !== a.length || sc.length !== a.length) {
      throw new RangeError(
        "logits, mu and s must have the same length K >= 1, got " + a.length + ", " + m.length + ", " + sc.length
      );
    }
    for (var k = 0; k < a.length; k++) {
      checkFinite("logits[" + k + "]", a[k]);
      checkFinite("mu[" + k + "]", m[k]);
      checkScale("s[" + k + "]", sc[k]);
    }
    checkCount(n);
    checkEps(eps);
    return { logits: a, mu: m, s: sc };
  }

  /**
   * sampleMixture(rng, logits, mu, s, n, eps=1e-5) -> {x: Float64Array(n), k: Int32Array(n)}:
   * k = argmax_j(α_j - log(-log u_j)), x = μ_k + s_k (log u - log(1 - u)), u's ~ U(ε, 1 - ε).
   */
  function sampleMixture(rng, logits, mu, s, n, eps) {
    if (eps === undefined) eps = EPS;
    var P = checkSamplerArgs(rng, logits, mu, s, n, eps);
    var xs = new Float64Array(n);
    var ks = new Int32Array(n);
    sampleMixtureInto(rng, P.logits, P.mu, P.s, n, eps, xs, ks);
    return { x: xs, k: ks };
  }

  /** sampleComponents(rng, logits, n, eps=1e-5) -> Int32Array(n) by Gumbel-max (K uniforms each). */
  function sampleComponents(rng, logits, n, eps) {
    if (eps === undefined) eps = EPS;
    checkRng(rng);
    var a = toArray("logits", logits);
    if (a.length === 0) throw new RangeError("logits must have at least one entry, got 0");
    for (var j = 0; j < a.length; j++) checkFinite("logits[" + j + "]", a[j]);
    checkCount(n);
    checkEps(eps);
    var out = new Int32Array(n);
    var width = 1 - 2 * eps;
    for (var i = 0; i < n; i++) {
      var best = -Infinity;
      var kb = 0;
      for (var k = 0; k < a.length; k++) {
        var v = a[k] - Math.log(-Math.log(eps + width * rng.nextDouble()));
        if (v > best) {
          best = v;
          kb = k;
        }
      }
      out[i] = kb;
    }
    return out;
  }

  /** sampleLogistic(rng, mu, s, n, eps=1e-5) -> {x, u}: inversion of one uniform per sample. */
  function sampleLogistic(rng, mu, s, n, eps) {
    if (eps === undefined) eps = EPS;
    checkRng(rng);
    checkFinite("mu", mu);
    checkScale("s", s);
    checkCount(n);
    checkEps(eps);
    var xs = new Float64Array(n);
    var us = new Float64Array(n);
    var width = 1 - 2 * eps;
    for (var i = 0; i < n; i++) {
      var u = eps + width * rng.nextDouble();
      us[i] = u;
      xs[i] = mu + s * (Math.log(u) - Math.log1p(-u));
    }
    return { x: xs, u: us };
  }

  /** log((1 - ε)/ε): the largest |x - μ| / s the clipped inversion can produce (≈ 11.5129 at 1e-5). */
  function truncationBound(eps) {
    if (eps === undefined) eps = EPS;
    checkNumber("eps", eps);
    if (!(eps > 0 && eps < 0.5)) throw new RangeError("eps must be in (0, 0.5), got " + eps);
    return Math.log1p(-eps) - Math.log(eps);
  }

  /** Range of the clipped Gumbel noise: [-log(-log ε), -log(-log(1 - ε))] ≈ [-2.4433, 11.5129]. */
  function gumbelBounds(eps) {
    if (eps === undefined) eps = EPS;
    checkNumber("eps", eps);
    if (!(eps > 0 && eps < 0.5)) throw new RangeError("eps must be in (0, 0.5), got " + eps);
    return [-Math.log(-Math.log(eps)), -Math.log(-Math.log1p(-eps))];
  }

  // ---------------------------------------------------------------------------------------------
  // Explorer parameter specifications (slider ranges). molviz/explorer.py validates against the
  // same numbers; a test compares the two tables.
  // ---------------------------------------------------------------------------------------------

  var SPECS = {
    common: {
      n: { min: 100, max: 50000, step: 100, value: 10000 },
      seed: { min: 0, max: 999, step: 1, value: 0 },
      maxK: 5,
    },
    logistic: {
      mu: { min: -4, max: 4, step: 0.05, value: 0 },
      s: { min: 0.2, max: 3, step: 0.05, value: 1 },
    },
    mixture: {
      logit: { min: -4, max: 4, step: 0.05 },
      mu: { min: -5, max: 5, step: 0.05 },
      s: { min: 0.1, max: 2, step: 0.05 },
      defaults: {
        logits: [0, 0.5, -0.3, -1, -0.5],
        mu: [-2, 0.5, 2.5, -4, 4],
        s: [0.5, 0.3, 0.8, 0.4, 0.6],
        K: 3,
      },
    },
    gumbel: {
      logit: { min: -6, max: 6, step: 0.1 },
      n: { min: 1, max: 50000, step: 1, value: 1000 },
      defaults: { logits: [1.5, 0.5, 0, -1, -0.5], K: 4 },
    },
    inversion: {
      mu: { min: -3, max: 3, step: 0.05, value: 0 },
      s: { min: 0.2, max: 2, step: 0.05, value: 1 },
      u: { min: 0.001, max: 0.999, step: 0.001, value: 0.8 },
      log10_eps: { min: -6, max: -1, step: 0.1, value: -5 },
    },
    discretized: {
      num_classes: [256, 65536],
      logit: { min: -4, max: 4, step: 0.05 },
      mu: { min: -1.2, max: 1.2, step: 0.005 },
      log_s: { min: -9, max: 0, step: 0.05 },
      zoom: { min: 0, max: 13, step: 0.5, value: 0 },
      center: { min: -1, max: 1, value: 0 },
      defaults: { logits: [0, 0, -0.5, -1, -1.5], mu: [-0.9, 0.3, 0.7, -0.4, 0.95], log_s: [-3.5, -2.5, -4, -3, -5], K: 2 },
      num_classes_value: 256,
    },
  };

  // ---------------------------------------------------------------------------------------------
  // DOM helpers.
  // ---------------------------------------------------------------------------------------------

  var SVGNS = "http://www.w3.org/2000/svg";

  function svgEl(tag, attrs, parent) {
    var e = document.createElementNS(SVGNS, tag);
    if (attrs) for (var a in attrs) if (Object.prototype.hasOwnProperty.call(attrs, a)) e.setAttribute(a, attrs[a]);
    if (parent) parent.appendChild(e);
    return e;
  }

  function htmlEl(tag, attrs, parent, text) {
    var e = document.createElement(tag);
    if (attrs) for (var a in attrs) if (Object.prototype.hasOwnProperty.call(attrs, a)) e.setAttribute(a, attrs[a]);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }

  function minus(str) {
    return str.replace(/^-/, "\u2212").replace(/e-/, "e\u2212");
  }

  function fmt(v, digits) {
    if (!Number.isFinite(v)) return String(v);
    return minus(v.toFixed(digits));
  }

  function fmtSig(v, sig) {
    if (v === 0) return "0";
    if (!Number.isFinite(v)) return String(v);
    var a = Math.abs(v);
    if (a >= 1e-3 && a < 1e5) {
      var d = Math.max(0, sig - 1 - Math.floor(Math.log10(a)));
      return minus(v.toFixed(Math.min(d, 10)));
    }
    return minus(v.toExponential(sig - 1));
  }

  function fmtInt(n) {
    return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  function decimalsOf(step) {
    var s = String(step);
    var i = s.indexOf(".");
    return i < 0 ? 0 : s.length - i - 1;
  }

  var SUB = ["\u2080", "\u2081", "\u2082", "\u2083", "\u2084", "\u2085", "\u2086", "\u2087", "\u2088", "\u2089"];
  function sub(k) {
    return String(k)
      .split("")
      .map(function (c) {
        return SUB[+c];
      })
      .join("");
  }

  var CSS = [
    ".molviz-explorer{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;",
    "font-size:14px;line-height:1.35;color:#1f2328;background:#fff;border:1px solid #d0d7de;border-radius:6px;",
    "padding:10px 12px 8px;margin:1em 0;max-width:720px;box-sizing:border-box}",
    ".molviz-explorer *{box-sizing:border-box}",
    ".molviz-explorer .molviz-title{font-weight:600;margin:0 0 6px}",
    ".molviz-explorer .molviz-controls{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));",
    "gap:2px 18px;margin-bottom:4px}",
    ".molviz-explorer .molviz-controls.molviz-components{grid-template-columns:repeat(auto-fill,minmax(200px,1fr));",
    "gap:2px 14px}",
    ".molviz-explorer .molviz-components .molviz-control{grid-template-columns:3.3em minmax(50px,1fr) 3.9em;gap:5px}",
    ".molviz-explorer fieldset{border:0;border-top:3px solid var(--molviz-c,#999);margin:4px 0 0;padding:2px 0 0;",
    "min-width:0}",
    ".molviz-explorer legend{font-size:12px;font-weight:600;padding:0 4px 0 0;color:#1f2328}",
    ".molviz-explorer .molviz-control{display:grid;grid-template-columns:4.6em minmax(60px,1fr) 5.6em;",
    "align-items:center;gap:6px;min-height:26px}",
    ".molviz-explorer .molviz-control label{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}",
    ".molviz-explorer input[type=range]{width:100%;margin:0;accent-color:#1f77b4;cursor:pointer}",
    ".molviz-explorer input[type=range]:focus-visible,.molviz-explorer button:focus-visible,",
    ".molviz-explorer select:focus-visible{outline:2px solid #0969da;outline-offset:2px}",
    ".molviz-explorer output{font-variant-numeric:tabular-nums;text-align:right;font-size:13px}",
    ".molviz-explorer .molviz-buttons{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin:4px 0}",
    ".molviz-explorer button,.molviz-explorer select{font:inherit;font-size:13px;color:#1f2328;background:#f6f8fa;",
    "border:1px solid #d0d7de;border-radius:5px;padding:2px 9px;cursor:pointer}",
    ".molviz-explorer button[aria-pressed=true]{background:#ddf4ff;border-color:#54aeff}",
    ".molviz-explorer button:hover,.molviz-explorer select:hover{background:#eaeef2}",
    ".molviz-explorer svg.molviz-plot{display:block;width:100%;height:auto;margin-top:4px;background:#fff}",
    ".molviz-explorer svg text{font-family:inherit}",
    ".molviz-explorer svg .molviz-halo{paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}",
    ".molviz-explorer .molviz-status{font-size:12.5px;color:#57606a;min-height:1.3em;",
    "font-variant-numeric:tabular-nums}",
  ].join("");

  function ensureStyle(doc) {
    if (doc.getElementById("molviz-explorer-style")) return;
    var st = doc.createElement("style");
    st.id = "molviz-explorer-style";
    st.textContent = CSS;
    (doc.head || doc.documentElement).appendChild(st);
  }

  // Scales and axes -------------------------------------------------------------------------------

  function Linear(d0, d1, r0, r1) {
    var k = (r1 - r0) / (d1 - d0);
    var f = function (v) {
      return r0 + (v - d0) * k;
    };
    f.d0 = d0;
    f.d1 = d1;
    f.r0 = r0;
    f.r1 = r1;
    return f;
  }

  function niceStep(span, count) {
    var raw = span / Math.max(1, count);
    var p = Math.pow(10, Math.floor(Math.log10(raw)));
    var m = raw / p;
    return (m < 1.5 ? 1 : m < 3 ? 2 : m < 7 ? 5 : 10) * p;
  }

  function ticks(lo, hi, count) {
    var step = niceStep(hi - lo, count);
    var first = Math.ceil(lo / step - 1e-9);
    var out = [];
    for (var i = first; i * step <= hi + step * 1e-9; i++) out.push(i * step);
    return { values: out, step: step };
  }

  function tickLabel(v, step) {
    if (Math.abs(v) < step * 1e-6) v = 0;
    if (step < 1e-3 && Math.abs(v) < 1e-2) {
      // small values (bin masses at 16 bit): 1.5e−4 rather than 0.00015
      if (v === 0) return "0";
      var ev = Math.floor(Math.log10(Math.abs(v)) + 1e-9);
      var es = Math.floor(Math.log10(step) + 1e-9);
      return minus(v.toExponential(Math.max(0, ev - es)));
    }
    var d = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
    return fmt(v, d);
  }

  /**
   * Axes(svg, box, opts): a plot panel with a frame, ticks, tick labels, axis labels, a clip path
   * and a `plot` group for the data (clipped to the box). set(xlim, ylim) updates the scales.
   */
  function Axes(ctx, box, opts) {
    opts = opts || {};
    this.box = box;
    this.opts = opts;
    var g = svgEl("g", { class: "molviz-axes" }, ctx.svg);
    var clipId = ctx.uid("clip");
    var cp = svgEl("clipPath", { id: clipId }, svgEl("defs", null, g));
    svgEl("rect", { x: box.x, y: box.y, width: box.w, height: box.h }, cp);
    this.grid = svgEl("g", { stroke: "#eaeef2", "stroke-width": 1 }, g);
    this.plot = svgEl("g", { "clip-path": "url(#" + clipId + ")" }, g);
    this.overlay = svgEl("g", null, g);
    svgEl(
      "rect",
      { x: box.x, y: box.y, width: box.w, height: box.h, fill: "none", stroke: "#57606a", "stroke-width": 1 },
      g
    );
    this.tickG = svgEl("g", { "font-size": 12, fill: "#1f2328" }, g);
    if (opts.xlabel) {
      this.xlab = svgEl(
        "text",
        { x: box.x + box.w / 2, y: box.y + box.h + 34, "text-anchor": "middle", "font-size": 13 },
        g
      );
      this.xlab.textContent = opts.xlabel;
    }
    if (opts.ylabel) {
      var yx = box.x - (opts.ylabelOffset || 44);
      var yy = box.y + box.h / 2;
      this.ylab = svgEl(
        "text",
        { x: yx, y: yy, "text-anchor": "middle", "font-size": 13, transform: "rotate(-90 " + yx + " " + yy + ")" },
        g
      );
      this.ylab.textContent = opts.ylabel;
    }
    if (opts.title) {
      this.titleEl = svgEl("text", { x: box.x, y: box.y - 7, "font-size": 13, "font-weight": 600 }, g);
      this.titleEl.textContent = opts.title;
    }
    this.key = "";
  }

  Axes.prototype.setTitle = function (t) {
    if (this.titleEl && this.titleEl.textContent !== t) this.titleEl.textContent = t;
  };

  Axes.prototype.set = function (xlim, ylim, yscale) {
    var b = this.box;
    var ylogit = yscale === "logit";
    this.sx = this.opts.xlog
      ? logScale(xlim[0], xlim[1], b.x, b.x + b.w)
      : Linear(xlim[0], xlim[1], b.x, b.x + b.w);
    this.sy = ylogit ? logitScale(ylim[0], ylim[1], b.y + b.h, b.y) : Linear(ylim[0], ylim[1], b.y + b.h, b.y);
    var key = xlim.join(",") + "|" + ylim.join(",") + "|" + (ylogit ? "logit" : "");
    if (key === this.key) return;
    this.key = key;
    var parts = [];
    var gparts = [];
    var xt = this.opts.xcat
      ? { values: [], step: 1 }
      : this.opts.xlog
        ? logTicks(xlim[0], xlim[1])
        : ticks(xlim[0], xlim[1], this.opts.xticks || 7);
    var yt = ylogit ? logitTicks(ylim[0], ylim[1]) : ticks(ylim[0], ylim[1], this.opts.yticks || 5);
    var i;
    var v;
    var p;
    for (i = 0; i < xt.values.length; i++) {
      v = xt.values[i];
      p = this.sx(v).toFixed(1);
      gparts.push('<line x1="' + p + '" x2="' + p + '" y1="' + b.y + '" y2="' + (b.y + b.h) + '"/>');
      parts.push(
        '<line x1="' + p + '" x2="' + p + '" y1="' + (b.y + b.h) + '" y2="' + (b.y + b.h + 5) +
          '" stroke="#57606a"/>' +
          '<text x="' + p + '" y="' + (b.y + b.h + 18) + '" text-anchor="middle">' +
          (this.opts.xlog ? xt.labels[i] : tickLabel(v, xt.step)) + "</text>"
      );
    }
    for (i = 0; i < yt.values.length; i++) {
      v = yt.values[i];
      p = this.sy(v).toFixed(1);
      gparts.push('<line y1="' + p + '" y2="' + p + '" x1="' + b.x + '" x2="' + (b.x + b.w) + '"/>');
      parts.push(
        '<line y1="' + p + '" y2="' + p + '" x1="' + (b.x - 5) + '" x2="' + b.x + '" stroke="#57606a"/>' +
          '<text x="' + (b.x - 8) + '" y="' + (+p + 4) + '" text-anchor="end">' +
          (ylogit ? yt.labels[i] : tickLabel(v, yt.step)) + "</text>"
      );
    }
    this.tickG.innerHTML = parts.join("");
    this.grid.innerHTML = gparts.join("");
  };

  function logScale(d0, d1, r0, r1) {
    var l0 = Math.log(d0);
    var k = (r1 - r0) / (Math.log(d1) - l0);
    var f = function (v) {
      return r0 + (Math.log(v) - l0) * k;
    };
    f.d0 = d0;
    f.d1 = d1;
    return f;
  }

  /** Logit scale: position linear in logit(v); values outside [d0, d1] are clamped. */
  function logitScale(d0, d1, r0, r1) {
    var l0 = logit(d0);
    var k = (r1 - r0) / (logit(d1) - l0);
    var f = function (v) {
      var c = v < d0 ? d0 : v > d1 ? d1 : v;
      return r0 + (logit(c) - l0) * k;
    };
    f.d0 = d0;
    f.d1 = d1;
    return f;
  }

  var SUPER = { "-": "\u207b", 0: "\u2070", 1: "\u00b9", 2: "\u00b2", 3: "\u00b3", 4: "\u2074", 5: "\u2075", 6: "\u2076", 7: "\u2077", 8: "\u2078", 9: "\u2079" };
  function pow10Label(e) {
    return "10" + String(e).split("").map(function (c) { return SUPER[c]; }).join("");
  }

  function logitTicks(lo, hi) {
    var values = [];
    var labels = [];
    var cand = [[1e-8, pow10Label(-8)], [1e-6, pow10Label(-6)], [1e-4, pow10Label(-4)], [0.01, "0.01"], [0.5, "0.5"],
      [0.99, "0.99"], [1 - 1e-4, "1\u2212" + pow10Label(-4)], [1 - 1e-6, "1\u2212" + pow10Label(-6)], [1 - 1e-8, "1\u2212" + pow10Label(-8)]];
    for (var i = 0; i < cand.length; i++) {
      if (cand[i][0] >= lo && cand[i][0] <= hi) {
        values.push(cand[i][0]);
        labels.push(cand[i][1]);
      }
    }
    return { values: values, labels: labels, step: 1 };
  }

  function logTicks(lo, hi) {
    var values = [];
    var labels = [];
    for (var e = Math.ceil(Math.log10(lo) - 1e-9); Math.pow(10, e) <= hi * (1 + 1e-9); e++) {
      values.push(Math.pow(10, e));
      labels.push(e <= 4 ? fmtInt(Math.pow(10, e)) : "10^" + e);
    }
    return { values: values, labels: labels, step: 1 };
  }

  /** Legend(parent, x, y): rows of [swatch, text]; `anchor` "end" right-aligns at x. */
  function drawLegend(group, x, y, rows, anchor) {
    if (anchor === "row") return drawLegendRow(group, x, y, rows);
    var w = 0;
    for (var i = 0; i < rows.length; i++) w = Math.max(w, rows[i].text.length * 6.6 + 34);
    var x0 = anchor === "end" ? x - w : x;
    var h = rows.length * 17 + 8;
    var out = ['<rect x="' + x0 + '" y="' + y + '" width="' + w.toFixed(0) + '" height="' + h +
      '" fill="#fff" fill-opacity="0.88" stroke="#d0d7de" rx="3"/>'];
    for (var j = 0; j < rows.length; j++) {
      var r = rows[j];
      var cy = y + 12 + j * 17;
      if (r.type === "line") {
        out.push('<line x1="' + (x0 + 6) + '" x2="' + (x0 + 26) + '" y1="' + cy + '" y2="' + cy + '" stroke="' +
          r.color + '" stroke-width="' + (r.width || 2) + '"' + (r.dash ? ' stroke-dasharray="' + r.dash + '"' : "") + "/>");
      } else if (r.type === "dot") {
        out.push('<circle cx="' + (x0 + 16) + '" cy="' + cy + '" r="3.2" fill="' + r.color + '"/>');
      } else {
        out.push('<rect x="' + (x0 + 8) + '" y="' + (cy - 6) + '" width="16" height="11" fill="' + r.color +
          '" fill-opacity="' + (r.opacity || 0.45) + '" stroke="' + r.color + '"/>');
      }
      out.push('<text x="' + (x0 + 31) + '" y="' + (cy + 4) + '" font-size="12">' + escapeXml(r.text) + "</text>");
    }
    group.innerHTML = out.join("");
  }

  /** A one-line legend (no frame) starting at (x, y). */
  function drawLegendRow(group, x, y, rows) {
    var out = [];
    var cx = x;
    for (var j = 0; j < rows.length; j++) {
      var r = rows[j];
      var cy = y + 10;
      if (r.type === "line") {
        out.push('<line x1="' + (cx + 2) + '" x2="' + (cx + 22) + '" y1="' + cy + '" y2="' + cy + '" stroke="' + r.color +
          '" stroke-width="' + (r.width || 2) + '"' + (r.dash ? ' stroke-dasharray="' + r.dash + '"' : "") + "/>");
      } else {
        out.push('<rect x="' + (cx + 4) + '" y="' + (cy - 6) + '" width="16" height="11" fill="' + r.color +
          '" fill-opacity="' + (r.opacity || 0.45) + '" stroke="' + r.color + '"/>');
      }
      out.push('<text x="' + (cx + 27) + '" y="' + (cy + 4) + '" font-size="12">' + escapeXml(r.text) + "</text>");
      cx += 27 + r.text.length * 6.5 + 16;
    }
    group.innerHTML = out.join("");
  }

  /**
   * legendAt(ax, xs, ys): the x position and anchor of a legend in the upper corner (left or right)
   * where the plotted values are lower, so the legend hides less of the data.
   */
  function legendAt(ax, xs, ys) {
    var lo = ax.sx.d0;
    var hi = ax.sx.d1;
    var cut = 0.45 * (hi - lo);
    var left = 0;
    var right = 0;
    for (var i = 0; i < xs.length; i++) {
      var y = ys[i];
      if (!(y > 0)) continue;
      if (xs[i] < lo + cut && y > left) left = y;
      if (xs[i] > hi - cut && y > right) right = y;
    }
    return left < right
      ? { x: ax.box.x + 8, anchor: "start" }
      : { x: ax.box.x + ax.box.w - 8, anchor: "end" };
  }

  function escapeXml(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  /** SVG path "M...L..." of a polyline through (sx(xs[i]), sy(ys[i])), breaking at non-finite y. */
  function linePath(xs, ys, sx, sy, ymaxClip) {
    var parts = [];
    var pen = false;
    for (var i = 0; i < xs.length; i++) {
      var y = ys[i];
      if (!Number.isFinite(y)) {
        pen = false;
        continue;
      }
      if (ymaxClip !== undefined && y > ymaxClip) y = ymaxClip;
      parts.push((pen ? "L" : "M") + sx(xs[i]).toFixed(1) + " " + sy(y).toFixed(1));
      pen = true;
    }
    return parts.join("");
  }

  /** Bars [x0_i, x1_i] × [base_i, top_i] as one path (skips empty bars). */
  function barsPath(x0s, x1s, bases, tops, sx, sy) {
    var parts = [];
    for (var i = 0; i < tops.length; i++) {
      if (!(tops[i] > bases[i])) continue;
      var xa = sx(x0s[i]).toFixed(1);
      var xb = sx(x1s[i]).toFixed(1);
      var yb = sy(bases[i]).toFixed(1);
      parts.push("M" + xa + " " + yb + "V" + sy(tops[i]).toFixed(1) + "H" + xb + "V" + yb + "Z");
    }
    return parts.join("");
  }

  // Explorer context ------------------------------------------------------------------------------

  function Context(root, config, kind) {
    this.root = root;
    this.kind = kind;
    this.config = config;
    this.baseId = root.id || "molviz-" + Math.random().toString(36).slice(2, 10);
    if (!root.id) root.id = this.baseId;
    this.counter = 0;
    this.redraws = 0;
    this.redrawFn = null;
    root.textContent = "";
    if (config.title !== false) {
      this.title = htmlEl("div", { class: "molviz-title" }, root, config.title || TITLES[kind]);
    }
    this.buttons = htmlEl("div", { class: "molviz-buttons" }, root);
    this.controls = htmlEl("div", { class: "molviz-controls" }, root);
    this.components = htmlEl("div", { class: "molviz-controls molviz-components" }, root);
    this.svgWrap = htmlEl("div", { class: "molviz-figure" }, root);
    this.status = htmlEl("div", { class: "molviz-status", "aria-live": "polite" }, root);
  }

  Context.prototype.uid = function (name) {
    this.counter += 1;
    return this.baseId + "-" + name + "-" + this.counter;
  };

  Context.prototype.makeSvg = function (width, height, label) {
    this.svg = svgEl(
      "svg",
      {
        class: "molviz-plot",
        viewBox: "0 0 " + width + " " + height,
        width: width,
        height: height,
        role: "img",
        "aria-label": label,
        preserveAspectRatio: "xMidYMid meet",
      },
      this.svgWrap
    );
    this.svg.style.maxWidth = width + "px";
    return this.svg;
  };

  /** A labelled range slider with an <output> read-out. spec: {label, title, min, max, step, value, digits, format}. */
  Context.prototype.slider = function (parent, spec) {
    var self = this;
    var id = this.uid(spec.name || "slider");
    var row = htmlEl("div", { class: "molviz-control" }, parent);
    var label = htmlEl("label", { for: id, title: spec.title || spec.label }, row, spec.label);
    var input = htmlEl(
      "input",
      {
        type: "range",
        id: id,
        min: spec.min,
        max: spec.max,
        step: spec.step,
        "aria-label": spec.title || spec.label,
        "data-param": spec.name || "",
      },
      row
    );
    input.value = String(spec.value);
    var out = htmlEl("output", { for: id, id: id + "-value", "aria-hidden": "true" }, row);
    var digits = spec.digits !== undefined ? spec.digits : decimalsOf(spec.step);
    var format = spec.format || function (v) {
      return fmt(v, digits);
    };
    var obj = {
      input: input,
      label: label,
      get: function () {
        return parseFloat(input.value);
      },
      set: function (v) {
        input.value = String(v);
        obj.refresh();
      },
      refresh: function () {
        var text = format(obj.get());
        out.textContent = text;
        input.setAttribute("aria-valuetext", (spec.title || spec.label) + " = " + text);
      },
    };
    obj.refresh();
    input.addEventListener("input", function () {
      obj.refresh();
      if (spec.onInput) spec.onInput(obj.get());
      self.redraw();
    });
    return obj;
  };

  Context.prototype.button = function (label, title, onClick, pressed) {
    var self = this;
    var b = htmlEl("button", { type: "button", title: title, id: this.uid("button") }, this.buttons, label);
    if (pressed !== undefined) b.setAttribute("aria-pressed", pressed ? "true" : "false");
    b.addEventListener("click", function () {
      if (pressed !== undefined) {
        b.setAttribute("aria-pressed", b.getAttribute("aria-pressed") === "true" ? "false" : "true");
      }
      onClick(b);
      self.redraw();
    });
    return b;
  };

  Context.prototype.select = function (labelText, title, options, value, onChange) {
    var self = this;
    var id = this.uid("select");
    var wrap = htmlEl("span", { class: "molviz-select" }, this.buttons);
    htmlEl("label", { for: id, title: title }, wrap, labelText + " ");
    var sel = htmlEl("select", { id: id, "aria-label": title }, wrap);
    for (var i = 0; i < options.length; i++) {
      var o = htmlEl("option", { value: String(options[i].value) }, sel, options[i].text);
      if (String(options[i].value) === String(value)) o.selected = true;
    }
    sel.addEventListener("change", function () {
      onChange(sel.value);
      self.redraw();
    });
    return sel;
  };

  /** Run the explorer's draw function, time it with performance.now() and publish the time. */
  Context.prototype.redraw = function () {
    var t0 = performance.now();
    var note = this.redrawFn();
    var dt = performance.now() - t0;
    this.redraws += 1;
    this.root.setAttribute("data-last-redraw-ms", dt.toFixed(3));
    this.root.setAttribute("data-redraws", String(this.redraws));
    var text = (note ? note + " \u00b7 " : "") + "redraw " + dt.toFixed(1) + " ms";
    if (this.status.textContent !== text) this.status.textContent = text;
  };

  function commonSliders(ctx, parent, p, opts) {
    opts = opts || {};
    var C = SPECS.common;
    var nSpec = opts.n || C.n;
    var n = ctx.slider(parent, {
      name: "n",
      label: opts.nLabel || "samples",
      title: opts.nTitle || "number of samples n",
      min: nSpec.min,
      max: Math.max(nSpec.max, p.n),
      step: nSpec.step,
      value: p.n,
      format: fmtInt,
    });
    var seed = ctx.slider(parent, {
      name: "seed",
      label: "seed",
      title: "seed of the xoshiro128** generator",
      min: C.seed.min,
      max: Math.max(C.seed.max, p.seed),
      step: 1,
      value: p.seed,
      format: function (v) {
        return String(v);
      },
    });
    return { n: n, seed: seed };
  }

  function pick(p, key, fallback) {
    return p[key] !== undefined && p[key] !== null ? p[key] : fallback;
  }

  function densityHistogram(xs, n, lo, hi, nb, kArr, K) {
    // counts[k * nb + b] for component k (K = 1 when kArr is null); returns counts and outside.
    var w = (hi - lo) / nb;
    var counts = new Float64Array(nb * K);
    var outside = 0;
    for (var i = 0; i < n; i++) {
      var b = Math.floor((xs[i] - lo) / w);
      if (b >= 0 && b < nb) counts[(kArr ? kArr[i] : 0) * nb + b] += 1;
      else outside += 1;
    }
    return { counts: counts, outside: outside, w: w };
  }

  var TITLES = {
    logistic: "Logistic distribution: density and a histogram of samples",
    mixture: "Mixture of logistics: density and samples coloured by component",
    gumbel: "Gumbel-max: choosing a component with argmax(α + Gumbel noise)",
    inversion: "Inversion sampling: u \u2192 x = F\u207b\u00b9(u) = \u03bc + s\u00b7logit(u)",
    discretized: "Discretized mixture: bin masses on the training grid",
  };

  // ---------------------------------------------------------------------------------------------
  // Explorer: logistic (μ, s).
  // ---------------------------------------------------------------------------------------------

  function logisticExplorer(ctx, p) {
    var S = SPECS.logistic;
    var XLO = -10;
    var XHI = 10;
    var NB = 100;
    var mu = ctx.slider(ctx.controls, {
      name: "mu", label: "\u03bc", title: "location \u03bc", min: S.mu.min, max: S.mu.max, step: S.mu.step,
      value: pick(p, "mu", S.mu.value),
    });
    var s = ctx.slider(ctx.controls, {
      name: "s", label: "s", title: "scale s", min: S.s.min, max: S.s.max, step: S.s.step,
      value: pick(p, "s", S.s.value),
    });
    var common = commonSliders(ctx, ctx.controls, p);
    var gauss = !!pick(p, "gaussian", false);
    ctx.button("Gaussian of equal variance", "overlay a normal density with \u03c3 = s\u03c0/\u221a3", function (b) {
      gauss = b.getAttribute("aria-pressed") === "true";
    }, gauss);

    ctx.makeSvg(720, 360, "Logistic density with a histogram of samples");
    var ax = new Axes(ctx, { x: 62, y: 18, w: 640, h: 290 }, { xlabel: "x", ylabel: "density" });
    var hist = svgEl("path", { fill: SAMPLE, "fill-opacity": 0.8, stroke: "#6baed6", "stroke-width": 0.5 }, ax.plot);
    var gline = svgEl("path", { fill: "none", stroke: GAUSSIAN, "stroke-width": 1.8, "stroke-dasharray": "6 4" }, ax.plot);
    var pdfLine = svgEl("path", { fill: "none", stroke: TAB10[0], "stroke-width": 2.2 }, ax.plot);
    var bounds = svgEl("path", { stroke: CLIP, "stroke-width": 1.2, "stroke-dasharray": "5 3" }, ax.plot);
    var legend = svgEl("g", null, ax.overlay);
    var NP = 501;
    var gx = new Float64Array(NP);
    for (var i = 0; i < NP; i++) gx[i] = XLO + ((XHI - XLO) * i) / (NP - 1);
    var gy = new Float64Array(NP);
    var gy2 = new Float64Array(NP);
    var x0s = new Float64Array(NB);
    var x1s = new Float64Array(NB);
    var bases = new Float64Array(NB);
    var tops = new Float64Array(NB);

    ctx.redrawFn = function () {
      var m = mu.get();
      var sc = s.get();
      var n = common.n.get();
      var res = sampleLogistic(makeRng(common.seed.get()), m, sc, n, EPS);
      var H = densityHistogram(res.x, n, XLO, XHI, NB, null, 1);
      var ymax = 0;
      for (var b = 0; b < NB; b++) {
        x0s[b] = XLO + b * H.w;
        x1s[b] = x0s[b] + H.w;
        tops[b] = H.counts[b] / (n * H.w);
        if (tops[b] > ymax) ymax = tops[b];
      }
      var sigma = (sc * Math.PI) / Math.sqrt(3);
      for (var j = 0; j < NP; j++) {
        gy[j] = Math.exp(lgLogpdf(gx[j], m, sc));
        gy2[j] = Math.exp(-0.5 * Math.pow((gx[j] - m) / sigma, 2)) / (sigma * Math.sqrt(2 * Math.PI));
      }
      var peak = 1 / (4 * sc);
      ymax = Math.max(ymax, peak, gauss ? 1 / (sigma * Math.sqrt(2 * Math.PI)) : 0) * 1.1;
      ax.set([XLO, XHI], [0, ymax]);
      hist.setAttribute("d", barsPath(x0s, x1s, bases, tops, ax.sx, ax.sy));
      pdfLine.setAttribute("d", linePath(gx, gy, ax.sx, ax.sy));
      gline.setAttribute("d", gauss ? linePath(gx, gy2, ax.sx, ax.sy) : "");
      var tb = sc * truncationBound(EPS);
      var bd = [];
      [m - tb, m + tb].forEach(function (xb) {
        if (xb > XLO && xb < XHI) bd.push("M" + ax.sx(xb).toFixed(1) + " " + ax.box.y + "V" + (ax.box.y + ax.box.h));
      });
      bounds.setAttribute("d", bd.join(""));
      var rows = [
        { type: "line", color: TAB10[0], text: "pdf p(x; \u03bc = " + fmt(m, 2) + ", s = " + fmt(sc, 2) + ")" },
        { type: "box", color: SAMPLE, opacity: 0.8, text: "histogram of " + fmtInt(n) + " samples" },
      ];
      if (gauss) rows.push({ type: "line", color: GAUSSIAN, dash: "6 4", text: "Gaussian, \u03c3 = s\u03c0/\u221a3 = " + fmt(sigma, 3) });
      if (bd.length) rows.push({ type: "line", color: CLIP, width: 1.2, dash: "5 3", text: "clip bound \u03bc \u00b1 11.51 s" });
      var at = legendAt(ax, gx, gy);
      drawLegend(legend, at.x, ax.box.y + 8, rows, at.anchor);
      return (
        "\u03c3 = s\u03c0/\u221a3 = " + fmt(sigma, 3) + " \u00b7 samples lie within \u03bc \u00b1 " + fmt(tb, 2) +
        " (clip at u \u2208 [1e\u22125, 1\u22121e\u22125]) \u00b7 " + fmtInt(H.outside) + " outside the plotted range"
      );
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Components: rows of sliders per component (mixture, gumbel, discretized).
  // ---------------------------------------------------------------------------------------------

  /**
   * ComponentRows(ctx, fields, values, K): rebuildable fieldsets, one per component, each with the
   * sliders named in `fields` ({key, label, title, spec, digits}); values[key][k] keeps the state
   * of every component (also of hidden ones, so K down then up restores them).
   */
  function ComponentRows(ctx, fields, values, K) {
    this.ctx = ctx;
    this.fields = fields;
    this.values = values;
    this.box = ctx.components;
    this.sliders = [];
    this.build(K);
  }

  ComponentRows.prototype.build = function (K) {
    var self = this;
    this.K = K;
    this.box.textContent = "";
    this.sliders = [];
    for (var k = 0; k < K; k++) {
      var fs = htmlEl("fieldset", { style: "--molviz-c:" + TAB10[k] }, this.box);
      htmlEl("legend", null, fs, "component " + (k + 1));
      var row = {};
      for (var f = 0; f < this.fields.length; f++) {
        (function (field, kk) {
          row[field.key] = self.ctx.slider(fs, {
            name: field.key + (kk + 1),
            label: field.label + sub(kk + 1),
            title: field.title + " of component " + (kk + 1),
            min: field.spec.min,
            max: field.spec.max,
            step: field.spec.step,
            value: self.values[field.key][kk],
            digits: field.digits,
            onInput: function (v) {
              self.values[field.key][kk] = v;
            },
          });
        })(this.fields[f], k);
      }
      this.sliders.push(row);
    }
  };

  ComponentRows.prototype.array = function (key) {
    var a = new Float64Array(this.K);
    for (var k = 0; k < this.K; k++) a[k] = this.sliders[k][key].get();
    return a;
  };

  function initialComponents(p, defaults, K, keys) {
    var vals = {};
    keys.forEach(function (key) {
      var given = p[key];
      var d = defaults[key];
      vals[key] = [];
      for (var k = 0; k < SPECS.common.maxK; k++) vals[key].push(given && k < given.length ? given[k] : d[k]);
    });
    return vals;
  }

  function kOptions(lo, hi) {
    var o = [];
    for (var k = lo; k <= hi; k++) o.push({ value: k, text: String(k) });
    return o;
  }

  // ---------------------------------------------------------------------------------------------
  // Explorer: mixture (K, α/μ/s per component, n, seed).
  // ---------------------------------------------------------------------------------------------

  function mixtureExplorer(ctx, p) {
    var S = SPECS.mixture;
    var XLO = -6;
    var XHI = 6;
    var NB = 120;
    var K = pick(p, "K", p.logits ? p.logits.length : S.defaults.K);
    var vals = initialComponents(p, S.defaults, K, ["logits", "mu", "s"]);
    var stacked = !!pick(p, "stacked", true);
    var showComponents = !!pick(p, "components", true);
    ctx.select("K", "number of components K", kOptions(1, SPECS.common.maxK), K, function (v) {
      rows.build(parseInt(v, 10));
    });
    ctx.button("stack histogram by component", "colour the histogram by the chosen component", function (b) {
      stacked = b.getAttribute("aria-pressed") === "true";
    }, stacked);
    ctx.button("show \u03c0\u2096 p\u2096(x)", "draw each weighted component density", function (b) {
      showComponents = b.getAttribute("aria-pressed") === "true";
    }, showComponents);
    var common = commonSliders(ctx, ctx.controls, p);
    var rows = new ComponentRows(
      ctx,
      [
        { key: "logits", label: "\u03b1", title: "logit \u03b1 (weight \u03c0 = softmax(\u03b1))", spec: S.logit },
        { key: "mu", label: "\u03bc", title: "mean \u03bc", spec: S.mu },
        { key: "s", label: "s", title: "scale s", spec: S.s },
      ],
      vals,
      K
    );

    ctx.makeSvg(720, 380, "Mixture density with a histogram of samples coloured by component");
    var ax = new Axes(ctx, { x: 62, y: 18, w: 640, h: 310 }, { xlabel: "x", ylabel: "density" });
    var histPaths = [];
    for (var k = 0; k < SPECS.common.maxK; k++) {
      histPaths.push(svgEl("path", { fill: TAB10[k], "fill-opacity": 0.42, stroke: TAB10[k], "stroke-opacity": 0.6, "stroke-width": 0.6 }, ax.plot));
    }
    var histAll = svgEl("path", { fill: SAMPLE, "fill-opacity": 0.8, stroke: "#6baed6", "stroke-width": 0.5 }, ax.plot);
    var compLines = [];
    for (var c = 0; c < SPECS.common.maxK; c++) {
      compLines.push(svgEl("path", { fill: "none", stroke: TAB10[c], "stroke-width": 1.6, "stroke-dasharray": "5 3" }, ax.plot));
    }
    var mixLine = svgEl("path", { fill: "none", stroke: DENSITY, "stroke-width": 2.2 }, ax.plot);
    var legend = svgEl("g", null, ax.overlay);
    var NP = 601;
    var gx = new Float64Array(NP);
    for (var i = 0; i < NP; i++) gx[i] = XLO + ((XHI - XLO) * i) / (NP - 1);
    var gy = new Float64Array(NP);
    var gyk = [];
    for (var q = 0; q < SPECS.common.maxK; q++) gyk.push(new Float64Array(NP));
    var x0s = new Float64Array(NB);
    var x1s = new Float64Array(NB);
    var base = new Float64Array(NB);
    var top = new Float64Array(NB);
    var xs = new Float64Array(0);
    var ks = new Int32Array(0);

    ctx.redrawFn = function () {
      var KK = rows.K;
      var logits = rows.array("logits");
      var mu = rows.array("mu");
      var s = rows.array("s");
      var pi = new Float64Array(softmax(logits));
      var M = { pi: pi, mu: mu, s: s, logpi: logOf(pi) };
      var n = common.n.get();
      if (xs.length < n) {
        xs = new Float64Array(n);
        ks = new Int32Array(n);
      }
      sampleMixtureInto(makeRng(common.seed.get()), logits, mu, s, n, EPS, xs, ks);
      var H = densityHistogram(xs, n, XLO, XHI, NB, ks, KK);
      var buf = new Float64Array(KK);
      var ymax = 0;
      for (var j = 0; j < NP; j++) {
        gy[j] = Math.exp(mxLogpdf(gx[j], M, buf));
        if (gy[j] > ymax) ymax = gy[j];
        for (var kk = 0; kk < KK; kk++) gyk[kk][j] = pi[kk] * Math.exp(lgLogpdf(gx[j], mu[kk], s[kk]));
      }
      var norm = 1 / (n * H.w);
      for (var b = 0; b < NB; b++) {
        x0s[b] = XLO + b * H.w;
        x1s[b] = x0s[b] + H.w;
        var tot = 0;
        for (var k2 = 0; k2 < KK; k2++) tot += H.counts[k2 * NB + b];
        if (tot * norm > ymax) ymax = tot * norm;
      }
      ymax *= 1.1;
      ax.set([XLO, XHI], [0, ymax]);
      base.fill(0);
      for (var k3 = 0; k3 < SPECS.common.maxK; k3++) {
        if (k3 >= KK || !stacked) {
          histPaths[k3].setAttribute("d", "");
          continue;
        }
        for (var b2 = 0; b2 < NB; b2++) top[b2] = base[b2] + H.counts[k3 * NB + b2] * norm;
        histPaths[k3].setAttribute("d", barsPath(x0s, x1s, base, top, ax.sx, ax.sy));
        base.set(top);
      }
      if (!stacked) {
        for (var b3 = 0; b3 < NB; b3++) {
          var t = 0;
          for (var k4 = 0; k4 < KK; k4++) t += H.counts[k4 * NB + b3];
          top[b3] = t * norm;
        }
        histAll.setAttribute("d", barsPath(x0s, x1s, base, top, ax.sx, ax.sy));
      } else {
        histAll.setAttribute("d", "");
      }
      for (var k5 = 0; k5 < SPECS.common.maxK; k5++) {
        compLines[k5].setAttribute("d", showComponents && k5 < KK ? linePath(gx, gyk[k5], ax.sx, ax.sy) : "");
      }
      mixLine.setAttribute("d", linePath(gx, gy, ax.sx, ax.sy));
      var legendRows = [{ type: "line", color: DENSITY, text: "mixture density p(x)" }];
      for (var k6 = 0; k6 < KK; k6++) {
        legendRows.push({
          type: stacked ? "box" : "line",
          color: TAB10[k6],
          dash: stacked ? null : "5 3",
          text: "k=" + (k6 + 1) + ": \u03c0=" + fmt(pi[k6], 3) + ", \u03bc=" + fmt(mu[k6], 2) + ", s=" + fmt(s[k6], 2),
        });
      }
      if (!stacked) legendRows.push({ type: "box", color: SAMPLE, opacity: 0.8, text: "histogram of " + fmtInt(n) + " samples" });
      var at = legendAt(ax, gx, gy);
      drawLegend(legend, at.x, ax.box.y + 8, legendRows, at.anchor);
      var counts = new Array(KK).fill(0);
      for (var i2 = 0; i2 < n; i2++) counts[ks[i2]] += 1;
      return (
        fmtInt(n) + " samples; chosen per component: " +
        counts.map(function (cnt, kk) { return "k=" + (kk + 1) + " " + fmt(cnt / n, 3); }).join(", ") +
        " \u00b7 " + fmtInt(H.outside) + " outside the plot"
      );
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Explorer: gumbel (logits, number of draws, seed; step / play / reset).
  // ---------------------------------------------------------------------------------------------

  function gumbelExplorer(ctx, p) {
    var S = SPECS.gumbel;
    var K = pick(p, "K", p.logits ? p.logits.length : S.defaults.K);
    var vals = initialComponents(p, S.defaults, K, ["logits"]);
    ctx.select("K", "number of components K", kOptions(2, SPECS.common.maxK), K, function (v) {
      rows.build(parseInt(v, 10));
    });
    var timer = null;
    ctx.button("+1 draw", "draw one more sample", function () {
      common.n.set(Math.min(common.n.get() + 1, +common.n.input.max));
    });
    var playBtn = ctx.button("\u25b6 play", "accumulate draws over time", function (b) {
      if (timer !== null) {
        stop();
        return;
      }
      if (common.n.get() >= +common.n.input.max) common.n.set(1);
      b.textContent = "\u275a\u275a pause";
      timer = setInterval(function () {
        if (!ctx.root.isConnected) return stop();
        var cur = common.n.get();
        var next = Math.min(+common.n.input.max, cur + Math.max(1, Math.round(cur * 0.06)));
        common.n.set(next);
        ctx.redraw();
        if (next >= +common.n.input.max) stop();
      }, 40);
    });
    function stop() {
      if (timer !== null) clearInterval(timer);
      timer = null;
      playBtn.textContent = "\u25b6 play";
    }
    ctx.button("reset", "back to one draw", function () {
      stop();
      common.n.set(1);
    });
    var common = commonSliders(ctx, ctx.controls, p, {
      n: S.n,
      nLabel: "draws N",
      nTitle: "number of draws N",
    });
    var rows = new ComponentRows(
      ctx,
      [{ key: "logits", label: "\u03b1", title: "logit \u03b1", spec: S.logit }],
      vals,
      K
    );

    ctx.makeSvg(720, 500, "Gumbel-max: one draw, component frequencies against softmax, and their convergence");
    var axA = new Axes(ctx, { x: 58, y: 26, w: 270, h: 200 }, { xcat: true, ylabel: "\u03b1\u2096 + g\u2096", ylabelOffset: 38, title: "draw" });
    var axB = new Axes(ctx, { x: 420, y: 26, w: 282, h: 200 }, { xcat: true, ylabel: "probability", ylabelOffset: 42, title: "frequencies" });
    var axC = new Axes(ctx, { x: 58, y: 282, w: 628, h: 170 }, {
      xlog: true, xlabel: "number of draws (log scale)", ylabel: "running frequency", ylabelOffset: 42,
      title: "running frequency of each component (solid) against softmax \u03c0\u2096 (dashed)",
    });
    var gA = svgEl("g", null, axA.plot);
    var oA = svgEl("g", null, axA.overlay);
    var gB = svgEl("g", null, axB.plot);
    var oB = svgEl("g", null, axB.overlay);
    var gC = svgEl("g", null, axC.plot);
    var legendB = svgEl("g", null, axB.overlay);
    var eps = EPS;
    var gb = gumbelBounds(eps);

    ctx.redrawFn = function () {
      var KK = rows.K;
      var logits = rows.array("logits");
      var N = Math.max(1, Math.round(common.n.get()));
      var pi = softmax(logits);
      var rng = makeRng(common.seed.get());
      var counts = new Float64Array(KK);
      var width = 1 - 2 * eps;
      // Log-spaced checkpoints for the running frequencies.
      var NCP = 240;
      var cps = [];
      for (var c = 0; c < NCP; c++) {
        var t = Math.round(Math.exp((Math.log(N) * c) / (NCP - 1)));
        if (!cps.length || t > cps[cps.length - 1]) cps.push(t);
      }
      var traces = [];
      for (var k = 0; k < KK; k++) traces.push(new Float64Array(cps.length));
      var lastG = new Float64Array(KK);
      var lastK = 0;
      var ci = 0;
      var noise = new Float64Array(KK);
      for (var i = 0; i < N; i++) {
        var best = -Infinity;
        var kb = 0;
        for (var j = 0; j < KK; j++) {
          var g = -Math.log(-Math.log(eps + width * rng.nextDouble()));
          noise[j] = g;
          if (logits[j] + g > best) {
            best = logits[j] + g;
            kb = j;
          }
        }
        counts[kb] += 1;
        if (i === N - 1) {
          lastG.set(noise);
          lastK = kb;
        }
        while (ci < cps.length && cps[ci] === i + 1) {
          for (var k2 = 0; k2 < KK; k2++) traces[k2][ci] = counts[k2] / (i + 1);
          ci += 1;
        }
      }
      // Panel A: the last draw, α_k (solid) + g_k (light), argmax marked.
      axA.set([0.4, KK + 0.6], [-8, 14]);
      axA.setTitle("draw #" + fmtInt(N) + ": \u03b1\u2096 (solid) + noise g\u2096 (light)");
      var sx = axA.sx;
      var sy = axA.sy;
      var a = [];
      var bw = Math.min(0.6, 2.4 / KK);
      for (var k3 = 0; k3 < KK; k3++) {
        var xa = sx(k3 + 1 - bw / 2).toFixed(1);
        var wpx = (sx(k3 + 1 + bw / 2) - sx(k3 + 1 - bw / 2)).toFixed(1);
        var y0 = sy(0);
        var y1 = sy(logits[k3]);
        var y2 = sy(logits[k3] + lastG[k3]);
        a.push('<rect x="' + xa + '" y="' + Math.min(y0, y1).toFixed(1) + '" width="' + wpx + '" height="' +
          Math.abs(y1 - y0).toFixed(1) + '" fill="' + TAB10[k3] + '" fill-opacity="0.85"/>');
        a.push('<rect x="' + xa + '" y="' + Math.min(y1, y2).toFixed(1) + '" width="' + wpx + '" height="' +
          Math.abs(y2 - y1).toFixed(1) + '" fill="' + TAB10[k3] + '" fill-opacity="0.25" stroke="' + TAB10[k3] +
          '" stroke-dasharray="3 2"/>');
        a.push('<line x1="' + xa + '" x2="' + (+xa + +wpx).toFixed(1) + '" y1="' + y2.toFixed(1) + '" y2="' + y2.toFixed(1) +
          '" stroke="' + DENSITY + '" stroke-width="' + (k3 === lastK ? 3 : 1.2) + '"/>');
      }
      a.push('<line x1="' + axA.box.x + '" x2="' + (axA.box.x + axA.box.w) + '" y1="' + sy(0).toFixed(1) + '" y2="' +
        sy(0).toFixed(1) + '" stroke="#57606a"/>');
      gA.innerHTML = a.join("");
      var o = [];
      for (var k4 = 0; k4 < KK; k4++) {
        var cx = sx(k4 + 1).toFixed(1);
        o.push('<text x="' + cx + '" y="' + (axA.box.y + axA.box.h + 16) + '" text-anchor="middle" font-size="12">k=' + (k4 + 1) + "</text>");
      }
      var yTop = sy(logits[lastK] + lastG[lastK]);
      o.push('<text x="' + sx(lastK + 1).toFixed(1) + '" y="' + Math.max(axA.box.y + 12, yTop - 6).toFixed(1) +
        '" text-anchor="middle" font-size="12" font-weight="600" class="molviz-halo">argmax</text>');
      o.push('<text x="' + (axA.box.x + 4) + '" y="' + (axA.box.y + axA.box.h - 6) + '" font-size="11" fill="#57606a">g \u2208 [' +
        fmt(gb[0], 2) + ", " + fmt(gb[1], 2) + "] under the clip</text>");
      oA.innerHTML = o.join("");
      // Panel B: empirical frequency (bars) vs softmax (black ticks).
      var ymax = 0;
      for (var k5 = 0; k5 < KK; k5++) ymax = Math.max(ymax, pi[k5], counts[k5] / N);
      ymax = Math.min(1, ymax * 1.25 + 0.02);
      axB.set([0.4, KK + 0.6], [0, ymax]);
      axB.setTitle("frequencies after " + fmtInt(N) + " draws");
      var b = [];
      var ob = [];
      for (var k6 = 0; k6 < KK; k6++) {
        var xb0 = axB.sx(k6 + 1 - bw / 2);
        var xb1 = axB.sx(k6 + 1 + bw / 2);
        var f = counts[k6] / N;
        b.push('<rect x="' + xb0.toFixed(1) + '" y="' + axB.sy(f).toFixed(1) + '" width="' + (xb1 - xb0).toFixed(1) +
          '" height="' + (axB.sy(0) - axB.sy(f)).toFixed(1) + '" fill="' + TAB10[k6] + '" fill-opacity="0.75"/>');
        b.push('<line x1="' + (xb0 - 4).toFixed(1) + '" x2="' + (xb1 + 4).toFixed(1) + '" y1="' + axB.sy(pi[k6]).toFixed(1) +
          '" y2="' + axB.sy(pi[k6]).toFixed(1) + '" stroke="' + DENSITY + '" stroke-width="2.5"/>');
        ob.push('<text x="' + axB.sx(k6 + 1).toFixed(1) + '" y="' + (axB.box.y + axB.box.h + 16) +
          '" text-anchor="middle" font-size="12">k=' + (k6 + 1) + "</text>");
      }
      gB.innerHTML = b.join("");
      oB.innerHTML = ob.join("");
      drawLegend(legendB, axB.box.x + axB.box.w - 6, axB.box.y + 6, [
        { type: "box", color: "#57606a", opacity: 0.6, text: "empirical frequency" },
        { type: "line", color: DENSITY, width: 2.5, text: "softmax \u03c0\u2096" },
      ], "end");
      // Panel C: running frequencies.
      var cmax = 0;
      for (var k7 = 0; k7 < KK; k7++) cmax = Math.max(cmax, pi[k7]);
      axC.set([1, Math.max(10, N)], [0, 1]);
      var cpx = new Float64Array(cps);
      var c1 = [];
      for (var k8 = 0; k8 < KK; k8++) {
        var py = axC.sy(pi[k8]).toFixed(1);
        c1.push('<line x1="' + axC.box.x + '" x2="' + (axC.box.x + axC.box.w) + '" y1="' + py + '" y2="' + py +
          '" stroke="' + TAB10[k8] + '" stroke-width="1.3" stroke-dasharray="6 4"/>');
        c1.push('<path fill="none" stroke="' + TAB10[k8] + '" stroke-width="1.8" d="' +
          linePath(cpx, traces[k8], axC.sx, axC.sy) + '"/>');
      }
      gC.innerHTML = c1.join("");
      var maxDev = 0;
      var se = 0;
      for (var k9 = 0; k9 < KK; k9++) {
        var dev = Math.abs(counts[k9] / N - pi[k9]);
        if (dev > maxDev) {
          maxDev = dev;
          se = Math.sqrt((pi[k9] * (1 - pi[k9])) / N);
        }
      }
      return (
        "softmax \u03c0 = (" + pi.map(function (v) { return fmt(v, 3); }).join(", ") + ") \u00b7 max |frequency \u2212 \u03c0| = " +
        fmt(maxDev, 4) + (se > 0 ? " (" + fmt(maxDev / se, 1) + " standard errors)" : "")
      );
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Explorer: inversion (μ, s, highlighted u, ε, n, seed).
  // ---------------------------------------------------------------------------------------------

  function inversionExplorer(ctx, p) {
    var S = SPECS.inversion;
    var ULO = 1e-7; // u range of the logit axis
    var logitMode = !!pick(p, "logit_scale", false);
    var mu = ctx.slider(ctx.controls, {
      name: "mu", label: "\u03bc", title: "location \u03bc", min: S.mu.min, max: S.mu.max, step: S.mu.step,
      value: pick(p, "mu", S.mu.value),
    });
    var s = ctx.slider(ctx.controls, {
      name: "s", label: "s", title: "scale s", min: S.s.min, max: S.s.max, step: S.s.step, value: pick(p, "s", S.s.value),
    });
    var u = ctx.slider(ctx.controls, {
      name: "u", label: "u", title: "highlighted uniform value u", min: S.u.min, max: S.u.max, step: S.u.step,
      value: pick(p, "u", S.u.value),
    });
    var leps = ctx.slider(ctx.controls, {
      name: "log10_eps", label: "log\u2081\u2080 \u03b5", title: "log10 of the clip \u03b5 (u ~ U(\u03b5, 1 \u2212 \u03b5))",
      min: S.log10_eps.min, max: S.log10_eps.max, step: S.log10_eps.step,
      value: p.eps !== undefined && p.eps !== null ? Math.log10(p.eps) : S.log10_eps.value,
      format: function (v) {
        return fmt(v, 1);
      },
    });
    var common = commonSliders(ctx, ctx.controls, p);
    ctx.button("logit scale for u", "show u on a logit axis, where the clip bands u < \u03b5 and u > 1 \u2212 \u03b5 are visible", function (b) {
      logitMode = b.getAttribute("aria-pressed") === "true";
    }, logitMode);

    ctx.makeSvg(720, 560, "Inversion sampling: uniform u mapped through the logistic CDF to x");
    var axU = new Axes(ctx, { x: 56, y: 24, w: 90, h: 290 }, { xlabel: "density of u", ylabel: "u", ylabelOffset: 44, xticks: 2 });
    var axF = new Axes(ctx, { x: 196, y: 24, w: 506, h: 290 }, { title: "CDF u = F(x) = expit((x \u2212 \u03bc)/s)" });
    var axX = new Axes(ctx, { x: 196, y: 370, w: 506, h: 138 }, { xlabel: "x", ylabel: "density", ylabelOffset: 44 });
    var bandsU = svgEl("path", { fill: CLIP, "fill-opacity": 0.15 }, axU.plot);
    var uHist = svgEl("path", { fill: SAMPLE, "fill-opacity": 0.8, stroke: "#6baed6", "stroke-width": 0.5 }, axU.plot);
    var uTheory = svgEl("path", { fill: "none", stroke: DENSITY, "stroke-width": 1.4 }, axU.plot);
    var bandsF = svgEl("path", { fill: CLIP, "fill-opacity": 0.12 }, axF.plot);
    var faint = svgEl("path", { fill: "none", stroke: "#8c959f", "stroke-width": 0.8, "stroke-opacity": 0.5 }, axF.plot);
    var cdfLine = svgEl("path", { fill: "none", stroke: DENSITY, "stroke-width": 2.2 }, axF.plot);
    var mapLine = svgEl("path", { fill: "none", stroke: TAB10[1], "stroke-width": 2 }, axF.plot);
    var mapDot = svgEl("circle", { r: 4, fill: TAB10[1] }, axF.plot);
    var mapLabel = svgEl("text", { "font-size": 12, fill: "#a04c00", "font-weight": 600, class: "molviz-halo" }, axF.overlay);
    var bandsX = svgEl("path", { fill: CLIP, "fill-opacity": 0.12 }, axX.plot);
    var xHist = svgEl("path", { fill: SAMPLE, "fill-opacity": 0.8, stroke: "#6baed6", "stroke-width": 0.5 }, axX.plot);
    var pdfFull = svgEl("path", { fill: "none", stroke: GAUSSIAN, "stroke-width": 1.2, "stroke-dasharray": "4 3" }, axX.plot);
    var pdfTrunc = svgEl("path", { fill: "none", stroke: TAB10[0], "stroke-width": 2 }, axX.plot);
    var mapX = svgEl("path", { fill: "none", stroke: TAB10[1], "stroke-width": 2 }, axX.plot);
    var connector = svgEl("path", { fill: "none", stroke: TAB10[1], "stroke-width": 1.2, "stroke-dasharray": "3 3" }, ctx.svg);
    var mapU = svgEl("path", { fill: "none", stroke: TAB10[1], "stroke-width": 2 }, axU.plot);
    var legendX = svgEl("g", null, axX.overlay);
    var clipText = svgEl("g", null, axF.overlay);
    var NBU = 50;
    var NBX = 100;
    var NP = 401;

    ctx.redrawFn = function () {
      var m = mu.get();
      var sc = s.get();
      var eps = Math.pow(10, leps.get());
      var n = common.n.get();
      var XL = logitMode ? 16 : 8;
      var ylim = logitMode ? [ULO, 1 - ULO] : [0, 1];
      var res = sampleLogistic(makeRng(common.seed.get()), m, sc, n, eps);
      var tb = sc * truncationBound(eps);
      var lo = m - tb;
      var hi = m + tb;
      // u panel: histogram of the u's as a density (drawn sideways), bins equal in u (linear
      // axis) or in logit(u) (logit axis; bins expecting fewer than 5 samples are left out).
      var edges = new Float64Array(NBU + 1);
      for (var e = 0; e <= NBU; e++) {
        edges[e] = logitMode ? expit(logit(ULO) + ((logit(1 - ULO) - logit(ULO)) * e) / NBU) : e / NBU;
      }
      var uc = new Float64Array(NBU);
      var l0 = logit(ULO);
      var lw = (logit(1 - ULO) - l0) / NBU;
      for (var j = 0; j < n; j++) {
        var ub = logitMode ? Math.floor((logit(res.u[j]) - l0) / lw) : Math.floor(res.u[j] * NBU);
        if (ub >= 0 && ub < NBU) uc[ub] += 1;
      }
      var udMax = 0;
      var dens = [];
      for (var b = 0; b < NBU; b++) {
        var du = edges[b + 1] - edges[b];
        var ok = n * du >= 5;
        dens.push(ok ? uc[b] / (n * du) : NaN);
        if (ok && dens[b] > udMax) udMax = dens[b];
      }
      axU.set([0, Math.max(1.5, Math.min(3, udMax * 1.1))], ylim, logitMode ? "logit" : "linear");
      var up = [];
      for (var b2 = 0; b2 < NBU; b2++) {
        if (!(dens[b2] > 0)) continue;
        var ya = axU.sy(edges[b2]).toFixed(1);
        var yb = axU.sy(edges[b2 + 1]).toFixed(1);
        up.push("M" + axU.sx(0).toFixed(1) + " " + ya + "H" + axU.sx(dens[b2]).toFixed(1) + "V" + yb + "H" + axU.sx(0).toFixed(1) + "Z");
      }
      uHist.setAttribute("d", up.join(""));
      var h1 = axU.sx(1 / (1 - 2 * eps)).toFixed(1);
      var x0u = axU.sx(0).toFixed(1);
      uTheory.setAttribute("d", "M" + x0u + " " + axU.sy(ylim[0]).toFixed(1) + "V" + axU.sy(eps).toFixed(1) + "H" + h1 +
        "V" + axU.sy(1 - eps).toFixed(1) + "H" + x0u + "V" + axU.sy(ylim[1]).toFixed(1));
      var bU = axU.box;
      bandsU.setAttribute("d", "M" + bU.x + " " + axU.sy(eps).toFixed(2) + "H" + (bU.x + bU.w) + "V" + (bU.y + bU.h) + "H" + bU.x + "Z" +
        "M" + bU.x + " " + bU.y + "H" + (bU.x + bU.w) + "V" + axU.sy(1 - eps).toFixed(2) + "H" + bU.x + "Z");
      // CDF panel.
      axF.set([-XL, XL], ylim, logitMode ? "logit" : "linear");
      var gx = new Float64Array(NP);
      var gc = new Float64Array(NP);
      var gy = new Float64Array(NP);
      var gyT = new Float64Array(NP);
      for (var k = 0; k < NP; k++) {
        gx[k] = -XL + (2 * XL * k) / (NP - 1);
        gc[k] = lgCdf(gx[k], m, sc);
        gy[k] = Math.exp(lgLogpdf(gx[k], m, sc));
        gyT[k] = gx[k] >= lo && gx[k] <= hi ? gy[k] / (1 - 2 * eps) : NaN;
      }
      cdfLine.setAttribute("d", linePath(gx, gc, axF.sx, axF.sy));
      // x histogram.
      var H = densityHistogram(res.x, n, -XL, XL, NBX, null, 1);
      var x0s = new Float64Array(NBX);
      var x1s = new Float64Array(NBX);
      var tops = new Float64Array(NBX);
      var ymax = 0;
      for (var b3 = 0; b3 < NBX; b3++) {
        x0s[b3] = -XL + b3 * H.w;
        x1s[b3] = x0s[b3] + H.w;
        tops[b3] = H.counts[b3] / (n * H.w);
        ymax = Math.max(ymax, tops[b3]);
      }
      ymax = Math.max(ymax, 1 / (4 * sc * (1 - 2 * eps))) * 1.12;
      axX.set([-XL, XL], [0, ymax]);
      var bF = [];
      var bX = [];
      var bx = axF.box;
      // Rows u < ε and u > 1 - ε, and columns x outside [μ - bound, μ + bound]: never produced.
      bF.push("M" + bx.x + " " + axF.sy(eps).toFixed(2) + "H" + (bx.x + bx.w) + "V" + (bx.y + bx.h) + "H" + bx.x + "Z");
      bF.push("M" + bx.x + " " + bx.y + "H" + (bx.x + bx.w) + "V" + axF.sy(1 - eps).toFixed(2) + "H" + bx.x + "Z");
      [[-XL - 1, lo], [hi, XL + 1]].forEach(function (r) {
        var a0 = Math.max(-XL - 1, r[0]);
        var a1 = Math.min(XL + 1, r[1]);
        if (a1 <= a0) return;
        bF.push("M" + axF.sx(a0).toFixed(1) + " " + bx.y + "H" + axF.sx(a1).toFixed(1) + "V" + (bx.y + bx.h) + "H" + axF.sx(a0).toFixed(1) + "Z");
        bX.push("M" + axX.sx(a0).toFixed(1) + " " + axX.box.y + "H" + axX.sx(a1).toFixed(1) + "V" + (axX.box.y + axX.box.h) + "H" + axX.sx(a0).toFixed(1) + "Z");
      });
      bandsF.setAttribute("d", bF.join(""));
      bandsX.setAttribute("d", bX.join(""));
      // The first 12 samples as faint mappings u -> x.
      var fp = [];
      for (var q = 0; q < Math.min(12, n); q++) {
        var xq = Math.max(-XL - 1, Math.min(XL + 1, res.x[q]));
        fp.push("M" + bx.x + " " + axF.sy(res.u[q]).toFixed(1) + "H" + axF.sx(xq).toFixed(1) + "V" + (bx.y + bx.h));
      }
      faint.setAttribute("d", fp.join(""));
      // Highlighted u.
      var uu = u.get();
      var clipped = uu < eps || uu > 1 - eps;
      var uEff = Math.min(Math.max(uu, eps), 1 - eps);
      var xu = logisticFromUniform(uu, m, sc);
      var xp = Math.max(-XL - 0.5, Math.min(XL + 0.5, xu));
      var yu = axF.sy(uu).toFixed(1);
      mapLine.setAttribute("d", "M" + bx.x + " " + yu + "H" + axF.sx(xp).toFixed(1) + "V" + (bx.y + bx.h));
      mapDot.setAttribute("cx", axF.sx(xp).toFixed(1));
      mapDot.setAttribute("cy", yu);
      mapU.setAttribute("d", "M" + axU.box.x + " " + axU.sy(uu).toFixed(1) + "H" + (axU.box.x + axU.box.w));
      connector.setAttribute("d", "M" + axF.sx(xp).toFixed(1) + " " + (bx.y + bx.h) + "V" + axX.box.y);
      mapX.setAttribute("d", "M" + axX.sx(xp).toFixed(1) + " " + axX.box.y + "V" + (axX.box.y + axX.box.h));
      var lx = axF.sx(xp) + 8;
      var anchor = "start";
      if (lx > bx.x + bx.w - 190) {
        lx = axF.sx(xp) - 8;
        anchor = "end";
      }
      mapLabel.setAttribute("x", lx.toFixed(1));
      mapLabel.setAttribute("y", Math.min(Math.max(+yu + (uu > 0.5 ? 16 : -8), bx.y + 30), bx.y + bx.h - 6).toFixed(1));
      mapLabel.setAttribute("text-anchor", anchor);
      mapLabel.textContent = "u = " + fmt(uu, 3) + " \u2192 x = " + fmt(xu, 3) +
        (clipped ? " (u < \u03b5 or u > 1\u2212\u03b5 is never drawn; the clip gives " + fmt(logisticFromUniform(uEff, m, sc), 3) + ")" : "");
      var inView = lo > -XL || hi < XL;
      clipText.innerHTML = '<text x="' + (bx.x + 6) + '" y="' + (bx.y + 16) + '" font-size="11.5" fill="#57606a" class="molviz-halo">clip \u03b5 = ' +
        fmtSig(eps, 2) + ": |x \u2212 \u03bc| \u2264 s\u00b7ln((1\u2212\u03b5)/\u03b5) = " + fmt(tb, 2) +
        (inView ? " (shaded: never sampled)" : " (beyond the plot; try the logit scale)") + "</text>";
      xHist.setAttribute("d", barsPath(x0s, x1s, new Float64Array(NBX), tops, axX.sx, axX.sy));
      pdfFull.setAttribute("d", linePath(gx, gy, axX.sx, axX.sy));
      pdfTrunc.setAttribute("d", linePath(gx, gyT, axX.sx, axX.sy));
      drawLegend(legendX, axX.box.x - 4, axX.box.y - 24, [
        { type: "box", color: SAMPLE, opacity: 0.8, text: fmtInt(n) + " samples x" },
        { type: "line", color: TAB10[0], text: "density under the clip p(x)/(1\u22122\u03b5)" },
        { type: "line", color: GAUSSIAN, width: 1.2, dash: "4 3", text: "pdf p(x)" },
      ], "row");
      return (
        "x = \u03bc + s\u00b7(log u \u2212 log(1\u2212u)) \u00b7 clipped mass 2\u03b5 = " + fmtSig(2 * eps, 2) +
        " \u00b7 " + fmtInt(H.outside) + " samples outside the plot"
      );
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Explorer: discretized (num_classes 2^8 / 2^16, α/μ/log s per component, zoom, centre).
  // ---------------------------------------------------------------------------------------------

  function discretizedExplorer(ctx, p) {
    var S = SPECS.discretized;
    var C = pick(p, "num_classes", S.num_classes_value);
    var K = pick(p, "K", p.logits ? p.logits.length : S.defaults.K);
    var vals = initialComponents(p, S.defaults, K, ["logits", "mu", "log_s"]);
    ctx.select("classes", "number of classes (bins) of the training grid", [
      { value: 256, text: "2^8 = 256" },
      { value: 65536, text: "2^16 = 65,536" },
    ], C, function (v) {
      C = parseInt(v, 10);
    });
    ctx.select("K", "number of components K", kOptions(1, SPECS.common.maxK), K, function (v) {
      rows.build(parseInt(v, 10));
    });
    var zoom = ctx.slider(ctx.controls, {
      name: "zoom", label: "zoom", title: "zoom factor (log2)", min: S.zoom.min, max: S.zoom.max, step: S.zoom.step,
      value: pick(p, "zoom", S.zoom.value),
      format: function (v) {
        return "\u00d7" + fmtSig(Math.pow(2, v), 3);
      },
      onInput: function () {
        adaptCenterStep();
      },
    });
    var center = ctx.slider(ctx.controls, {
      name: "center", label: "centre", title: "centre of the view", min: S.center.min, max: S.center.max,
      step: centerStep(pick(p, "zoom", S.zoom.value)),
      value: pick(p, "center", S.center.value),
      format: function (v) {
        return fmt(v, Math.min(7, Math.max(3, Math.ceil(zoom.get() * 0.30103) + 2)));
      },
    });
    function halfWidth() {
      return 1.1 * Math.pow(2, -zoom.get());
    }
    // Arrow keys pan by about 1/16 of the view; the step is a power of two so values stay exact.
    function centerStep(z) {
      return Math.pow(2, Math.floor(Math.log2((1.1 * Math.pow(2, -z)) / 8)));
    }
    function adaptCenterStep() {
      var st = centerStep(zoom.get());
      var v = center.get();
      center.input.step = String(st);
      center.set(Math.round((v + 1) / st) * st - 1);
    }
    ctx.button("\u2190 left edge", "centre the view on x = \u22121 (first bin)", function () {
      center.set(-1);
    });
    ctx.button("centre on \u03bc\u2081", "centre the view on the mean of component 1", function () {
      var st = parseFloat(center.input.step);
      center.set(Math.round((Math.max(-1, Math.min(1, rows.array("mu")[0])) + 1) / st) * st - 1);
    });
    ctx.button("right edge \u2192", "centre the view on x = +1 (last bin)", function () {
      center.set(1);
    });
    var common = commonSliders(ctx, ctx.controls, p);
    var rows = new ComponentRows(
      ctx,
      [
        { key: "logits", label: "\u03b1", title: "logit \u03b1 (weight \u03c0 = softmax(\u03b1))", spec: S.logit },
        { key: "mu", label: "\u03bc", title: "mean \u03bc", spec: S.mu, digits: 3 },
        { key: "log_s", label: "log s", title: "log scale", spec: S.log_s, digits: 2 },
      ],
      vals,
      K
    );
    adaptCenterStep();

    ctx.makeSvg(720, 400, "Bin masses of the discretized mixture of logistics with sample frequencies");
    var ax = new Axes(ctx, { x: 76, y: 22, w: 626, h: 310 }, { xlabel: "x (bin centres c\u2096 = \u22121 + 2k/(C\u22121))", ylabel: "probability of the bin", ylabelOffset: 58 });
    var barsInterior = svgEl("path", { fill: TAB10[0], "fill-opacity": 0.55, stroke: TAB10[0], "stroke-width": 0.5 }, ax.plot);
    var barsEdge = svgEl("path", { fill: CLIP, "fill-opacity": 0.65, stroke: CLIP, "stroke-width": 0.8 }, ax.plot);
    var approx = svgEl("path", { fill: "none", stroke: DENSITY, "stroke-width": 1.6 }, ax.plot);
    var emp = svgEl("path", { fill: "none", stroke: TAB10[1], "stroke-width": 1.4 }, ax.plot);
    var empDots = svgEl("path", { fill: TAB10[1], stroke: "none" }, ax.plot);
    var marks = svgEl("g", null, ax.plot);
    var notes = svgEl("g", null, ax.overlay);
    var legend = svgEl("g", null, ax.overlay);
    var counts = new Int32Array(65536);
    var xs = new Float64Array(0);
    var ks = new Int32Array(0);

    ctx.redrawFn = function () {
      var KK = rows.K;
      var logits = rows.array("logits");
      var mu = rows.array("mu");
      var ls = rows.array("log_s");
      var s = new Float64Array(KK);
      for (var k = 0; k < KK; k++) s[k] = Math.exp(ls[k]);
      var pi = new Float64Array(softmax(logits));
      var M = { pi: pi, mu: mu, s: s, logpi: logOf(pi) };
      var hw = halfWidth();
      var c0 = center.get();
      var vlo = c0 - hw;
      var vhi = c0 + hw;
      var delta = 2 / (C - 1);
      var kLo = Math.max(0, Math.ceil((vlo + 1) / delta - 0.5));
      var kHi = Math.min(C - 1, Math.floor((vhi + 1) / delta + 0.5));
      // Samples: the sampler's x, clamped to [-1, 1] as the vocoder does, put in the nearest bin.
      var n = common.n.get();
      if (xs.length < n) {
        xs = new Float64Array(n);
        ks = new Int32Array(n);
      }
      sampleMixtureInto(makeRng(common.seed.get()), logits, mu, s, n, EPS, xs, ks);
      counts.fill(0, 0, C);
      for (var i = 0; i < n; i++) {
        var xc = xs[i] < -1 ? -1 : xs[i] > 1 ? 1 : xs[i];
        counts[Math.round((xc + 1) / delta)] += 1;
      }
      var nVis = kHi >= kLo ? kHi - kLo + 1 : 0;
      var MAXBARS = 313;
      var aggregated = nVis > MAXBARS;
      var masses = nVis && !aggregated ? mxBinMasses(M, C, kLo, kHi, new Float64Array(nVis)) : null;
      var edge0 = mxBinMasses(M, C, 0, 0, new Float64Array(1))[0];
      var edge1 = mxBinMasses(M, C, C - 1, C - 1, new Float64Array(1))[0];
      // Interior bars (or per-column means when bins are narrower than two pixels).
      var xa = [];
      var xb = [];
      var mv = [];
      var ev = [];
      var isEdge = [];
      if (!aggregated) {
        for (var j = 0; j < nVis; j++) {
          var kk = kLo + j;
          var c = binCenter(kk, C);
          xa.push(c - 0.4 * delta);
          xb.push(c + 0.4 * delta);
          mv.push(masses[j]);
          ev.push(counts[kk] / n);
          isEdge.push(kk === 0 || kk === C - 1);
        }
      } else {
        var cols = MAXBARS;
        var per = nVis / cols;
        for (var q = 0; q < cols; q++) {
          var a0 = kLo + Math.floor(q * per);
          var a1 = kLo + Math.floor((q + 1) * per) - 1;
          if (a0 === 0) a0 = 1; // the edge bins are drawn on their own
          if (a1 === C - 1) a1 = C - 2;
          if (a1 < a0) continue;
          var se = 0;
          for (var r = a0; r <= a1; r++) se += counts[r];
          var cnt = a1 - a0 + 1;
          xa.push(binCenter(a0, C) - 0.5 * delta);
          xb.push(binCenter(a1, C) + 0.5 * delta);
          // interior bins a0..a1 together cover (c_a0 - h, c_a1 + h): one product-form mass
          mv.push(mxSpanMass(M, binCenter(a0, C) - 0.5 * delta, binCenter(a1, C) + 0.5 * delta) / cnt);
          ev.push(se / (n * cnt));
          isEdge.push(false);
        }
        if (kLo === 0) {
          xa.push(-1 - 0.5 * delta); xb.push(-1 + 0.5 * delta); mv.push(edge0); ev.push(counts[0] / n); isEdge.push(true);
        }
        if (kHi === C - 1) {
          xa.push(1 - 0.5 * delta); xb.push(1 + 0.5 * delta); mv.push(edge1); ev.push(counts[C - 1] / n); isEdge.push(true);
        }
      }
      var ymax = 0;
      for (var t = 0; t < mv.length; t++) if (!isEdge[t]) ymax = Math.max(ymax, mv[t], ev[t]);
      var edgeMax = 0;
      for (var t2 = 0; t2 < mv.length; t2++) if (isEdge[t2]) edgeMax = Math.max(edgeMax, mv[t2], ev[t2]);
      if (ymax === 0) ymax = edgeMax;
      if (ymax === 0) ymax = 1 / C;
      ymax *= 1.15;
      ax.set([vlo, vhi], [0, ymax]);
      var ix0 = [], ix1 = [], ib = [], it = [], ex0 = [], ex1 = [], eb = [], et = [];
      for (var u = 0; u < mv.length; u++) {
        var top = Math.min(mv[u], ymax * 1.05);
        if (isEdge[u]) {
          ex0.push(xa[u]); ex1.push(xb[u]); eb.push(0); et.push(top);
        } else {
          ix0.push(xa[u]); ix1.push(xb[u]); ib.push(0); it.push(top);
        }
      }
      var pxMin = 2.2 / ax.box.w * (vhi - vlo); // edge bars at least ~2 px wide
      for (var e = 0; e < ex0.length; e++) {
        var mid = 0.5 * (ex0[e] + ex1[e]);
        if (ex1[e] - ex0[e] < pxMin) {
          ex0[e] = mid - pxMin / 2;
          ex1[e] = mid + pxMin / 2;
        }
      }
      barsInterior.setAttribute("d", barsPath(ix0, ix1, ib, it, ax.sx, ax.sy));
      barsEdge.setAttribute("d", barsPath(ex0, ex1, eb, et, ax.sx, ax.sy));
      // Density times bin width over the view (the continuous approximation of an interior bin).
      var NP = 400;
      var gxx = new Float64Array(NP);
      var gyy = new Float64Array(NP);
      var buf = new Float64Array(KK);
      for (var g = 0; g < NP; g++) {
        gxx[g] = vlo + ((vhi - vlo) * g) / (NP - 1);
        gyy[g] = gxx[g] < -1 || gxx[g] > 1 ? NaN : Math.exp(mxLogpdf(gxx[g], M, buf)) * delta;
      }
      approx.setAttribute("d", linePath(gxx, gyy, ax.sx, ax.sy, ymax * 1.05));
      // Empirical bin frequencies: a step line when bins are wide, dots otherwise.
      var ep = [];
      var dp = [];
      for (var w = 0; w < ev.length; w++) {
        var yv = Math.min(ev[w], ymax * 1.05);
        if (aggregated || (ax.sx(xb[w]) - ax.sx(xa[w])) < 5) {
          dp.push("M" + ax.sx(0.5 * (xa[w] + xb[w])).toFixed(1) + " " + ax.sy(yv).toFixed(1) + "m-1.6 0a1.6 1.6 0 1 0 3.2 0a1.6 1.6 0 1 0 -3.2 0");
        } else {
          ep.push("M" + ax.sx(xa[w]).toFixed(1) + " " + ax.sy(yv).toFixed(1) + "H" + ax.sx(xb[w]).toFixed(1));
        }
      }
      emp.setAttribute("d", ep.join(""));
      empDots.setAttribute("d", dp.join(""));
      // Marks at x = ±1 (grid ends) and ±0.999 (the vocoder loss's edge test).
      var mk = [];
      // Drawn only when the view separates 0.999 from 1 by a few pixels.
      var sep = Math.abs(ax.sx(1) - ax.sx(0.999)) >= 8;
      [[-0.999, "\u22120.999"], [0.999, "0.999"]].forEach(function (pair) {
        if (sep && pair[0] > vlo && pair[0] < vhi) {
          var X = ax.sx(pair[0]).toFixed(1);
          mk.push('<line x1="' + X + '" x2="' + X + '" y1="' + ax.box.y + '" y2="' + (ax.box.y + ax.box.h) +
            '" stroke="' + TAB10[4] + '" stroke-dasharray="5 3" stroke-width="1.2"/>');
          mk.push('<text x="' + (+X + (pair[0] < 0 ? 4 : -4)) + '" y="' + (ax.box.y + ax.box.h / 2) + '" font-size="11" class="molviz-halo" fill="' + TAB10[4] +
            '" text-anchor="' + (pair[0] < 0 ? "start" : "end") + '">x = ' + pair[1] + ": vocoder loss edge test</text>");
        }
      });
      marks.innerHTML = mk.join("");
      var nt = [];
      [[0, edge0, -1], [C - 1, edge1, 1]].forEach(function (ed) {
        var xe = ed[2];
        if (xe < vlo || xe > vhi) return;
        var X = ax.sx(xe);
        var off = ed[1] > ymax * 1.05;
        var Y = ax.sy(Math.min(ed[1], ymax * 1.05));
        var label = "edge bin k=" + ed[0] + ": " + fmtSig(ed[1], 3) + (off ? " (off scale \u2191)" : "");
        var tx = xe < 0 ? Math.max(X + 6, ax.box.x + 4) : Math.min(X - 6, ax.box.x + ax.box.w - 4);
        nt.push('<text x="' + tx.toFixed(1) + '" y="' + Math.max(ax.box.y + 14, Y - 6).toFixed(1) + '" font-size="12" class="molviz-halo" fill="' +
          CLIP + '" font-weight="600" text-anchor="' + (xe < 0 ? "start" : "end") + '">' + escapeXml(label) + "</text>");
      });
      notes.innerHTML = nt.join("");
      var rowsL = [
        { type: "box", color: TAB10[0], opacity: 0.55, text: aggregated ? "bin mass (mean per pixel column)" : "bin mass P(k)" },
        { type: "box", color: CLIP, opacity: 0.65, text: "edge bins (absorb the tails)" },
        { type: "line", color: DENSITY, width: 1.6, text: "density \u00d7 bin width p(c)\u00b7\u0394" },
        { type: "line", color: TAB10[1], width: 1.4, text: "sample frequency (" + fmtInt(n) + " samples)" },
      ];
      var at = legendAt(ax, xa.concat(xb), mv.concat(mv));
      drawLegend(legend, at.x, ax.box.y + 8, rowsL, at.anchor);
      var sMin = Infinity;
      for (var k2 = 0; k2 < KK; k2++) sMin = Math.min(sMin, s[k2]);
      return (
        "C = " + fmtInt(C) + " bins of width \u0394 = 2/(C\u22121) = " + fmtSig(delta, 3) + " \u00b7 showing k = " +
        fmtInt(kLo) + "\u2026" + fmtInt(kHi) + " (" + fmtInt(nVis) + " bins) \u00b7 smallest s/\u0394 = " + fmtSig(sMin / delta, 3) +
        " \u00b7 P(k=0) = " + fmtSig(edge0, 3) + ", P(k=C\u22121) = " + fmtSig(edge1, 3)
      );
    };
  }

  var EXPLORERS = {
    logistic: logisticExplorer,
    mixture: mixtureExplorer,
    gumbel: gumbelExplorer,
    inversion: inversionExplorer,
    discretized: discretizedExplorer,
  };

  /**
   * mount(root, config): draw the explorer config.kind (or root's data-kind) into the element `root`.
   * config: {kind, params: {...}, title}; parameters are those of molviz.explorer_html (Python).
   * A root that is already mounted is left alone. Returns the root.
   */
  function mount(root, config) {
    if (!root || root.nodeType !== 1) throw new TypeError("molviz.mount: root must be a DOM element, got " + String(root));
    config = config || {};
    var kind = config.kind || root.getAttribute("data-kind");
    if (!Object.prototype.hasOwnProperty.call(EXPLORERS, kind)) {
      throw new RangeError(
        "molviz.mount: kind must be one of " + Object.keys(EXPLORERS).join(", ") + ", got " + String(kind)
      );
    }
    if (root.getAttribute("data-ready") === "1") return root;
    ensureStyle(root.ownerDocument);
    root.classList.add("molviz-explorer");
    root.setAttribute("data-kind", kind);
    root.setAttribute("role", "group");
    root.setAttribute("aria-label", TITLES[kind]);
    var params = config.params || {};
    if (params.n === undefined) params.n = kind === "gumbel" ? SPECS.gumbel.n.value : SPECS.common.n.value;
    if (params.seed === undefined) params.seed = SPECS.common.seed.value;
    var ctx = new Context(root, config, kind);
    EXPLORERS[kind](ctx, params);
    ctx.redraw();
    root.setAttribute("data-ready", "1");
    return root;
  }

  var api = {
    version: VERSION,
    EPS: EPS,
    TAB10: TAB10.slice(),
    specs: SPECS,
    kinds: Object.keys(EXPLORERS),
    expit: expit,
    logit: logit,
    logistic: logistic,
    mixture: mixture,
    softmax: softmax,
    logSoftmax: logSoftmax,
    binCenter: binCenter,
    discretizedProbs: discretizedProbs,
    makeRng: makeRng,
    Xoshiro128ss: Xoshiro128ss,
    gumbelFromUniform: gumbelFromUniform,
    logisticFromUniform: logisticFromUniform,
    sampleMixture: sampleMixture,
    sampleComponents: sampleComponents,
    sampleLogistic: sampleLogistic,
    truncationBound: truncationBound,
    gumbelBounds: gumbelBounds,
    mount: mount,
  };

  if (hasModule) module.exports = api;
  if (hasWindow) window.molviz = api;
})();
