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
 *            argmax_k(a_k - log(-log u_k)) (Gumbel-max), then x = μ_k + s_k (log u - log(1 - u))
 *            (inversion), every u ~ U(ε, 1 - ε) with ε = 1e-5 by default.
 *   explorers `molviz.mount(root, config)` draws one explorer ("logistic", "mixture", "gumbel",
 *            "inversion", "discretized") in inline SVG inside `root`. Components are numbered
 *            k = 0 … K-1, as in the Python code; scales are set by log s (the network's output).
 *
 * API (all float64; x, q numbers; pi, mu, s, logits arrays of length K):
 *   molviz.logistic.{logpdf, pdf, cdf, sf, logcdf, logsf}(x, mu = 0, s = 1), .quantile(q, mu, s), .std(s)
 *   molviz.mixture.{logpdf, pdf, cdf, sf, logcdf, logsf}(x, pi, mu, s), .quantile(q, pi, mu, s),
 *     .intervalMass(lo, hi, pi, mu, s)
 *   molviz.softmax(logits), molviz.logSoftmax(logits), molviz.expit(t), molviz.logit(q)
 *   molviz.binCenter(j, N), molviz.discretizedProbs(pi, mu, s, N, jLo = 0, jHi = N - 1) (bins j = 0 … N-1)
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
 * sliders start at the config values exactly (step="any"; the arrow keys and the mouse move them on
 * the grid of the step in data-step, which in the discretized explorer follows the zoom);
 * the drawing is one <svg class="molviz-plot">; after each redraw data-last-redraw-ms (the time
 * measured with performance.now()) is set and then data-redraws is incremented.
 *
 * Layout: the drawing comes first, then the controls, then a status line (a note on the samples
 * and the median redraw time). The drawing is laid out for the width of its box (one SVG unit per
 * CSS pixel, 320 to 720 units), again whenever that width changes, so its text keeps its size on a
 * phone; on a narrow screen it is also held at the top of the viewport while the controls scroll
 * under it (class Pin). Each logit's read-out shows its weight π_k; accessible names start with
 * the visible labels, and only the status note is announced (once the sliders rest).
 *
 * Redraws are cheap because nothing is redrawn from scratch: the random numbers of the current
 * seed are kept (the Gumbel noise and the standard-logistic draw log u - log(1 - u) of every sample),
 * so moving μ or s only rescales the draws, moving a logit only repeats the argmax, and more samples
 * only extend the stream; the SVG nodes are made once per layout width and then only their
 * attributes change.
 *
 * Safe to include several times on one page: a second copy of the same version does nothing.
 * See the book chapters book/logistic.md, book/mixtures.md, book/gumbel_max.md,
 * book/inversion.md and book/training.md.
 */
(function () {
  "use strict";

  const VERSION = "0.2.0";
  const hasWindow = typeof window !== "undefined";
  const hasModule = typeof module === "object" && module !== null && !!module.exports;
  if (hasWindow && window.molviz && window.molviz.version === VERSION) {
    if (hasModule) module.exports = window.molviz;
    return; // already defined by an earlier copy of this script
  }

  const EPS = 1e-5; // u ~ U(EPS, 1 - EPS), as in the vocoder's sampler
  const MAXK = 5;
  // Width W of a drawing in SVG user units: the width of its box in CSS px, kept in [MIN_W, MAX_W],
  // so that one unit is one CSS pixel and 12-unit text is 12 px text (below MIN_W the drawing is
  // scaled down). Below NARROW_W the drawings use short labels and put their legends under the
  // axes, and the controls stack in one column below the drawing.
  const MIN_W = 320;
  const MAX_W = 720;
  const NARROW_W = 600;
  // Colours agreed with molviz/_style.py (the matplotlib figures): tab10 per component k,
  // DENSITY for a whole density or CDF, GAUSSIAN for the comparison normal, CLIP for what the
  // 1e-5 clip never reaches, SAMPLE for histograms not split by component.
  const DENSITY = "#222222";
  const GAUSSIAN = "#7f7f7f";
  const CLIP = "#d62728";
  const SAMPLE = "#9ecae1";
  const MUTED = "#57606a";
  const TAB10 = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
  ];

  // ---------------------------------------------------------------------------------------------
  // Argument checks (public functions only; the explorers call the unchecked inner loops).
  // ---------------------------------------------------------------------------------------------

  function checkNumber(name, x) {
    if (typeof x !== "number" || Number.isNaN(x)) throw new TypeError(`${name} must be a number, got ${String(x)}`);
  }

  function checkFinite(name, x) {
    checkNumber(name, x);
    if (!Number.isFinite(x)) throw new RangeError(`${name} must be finite, got ${x}`);
  }

  function checkScale(name, s) {
    checkNumber(name, s);
    if (!(s > 0) || !Number.isFinite(s)) {
      throw new RangeError(`${name} must be > 0 and finite (scale of the logistic), got ${s}`);
    }
  }

  function checkProb(name, q) {
    checkNumber(name, q);
    if (q < 0 || q > 1) throw new RangeError(`${name} must be in [0, 1], got ${q}`);
  }

  function checkEps(eps, open) {
    checkNumber("eps", eps);
    if (open ? !(eps > 0 && eps < 0.5) : !(eps >= 0 && eps < 0.5)) {
      throw new RangeError(`eps must be in ${open ? "(0" : "[0"}, 0.5), got ${eps}`);
    }
  }

  function checkCount(n) {
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
      throw new RangeError(`n must be an integer >= 0 (number of samples), got ${String(n)}`);
    }
  }

  function checkRng(rng) {
    if (!rng || typeof rng.nextDouble !== "function") {
      throw new TypeError(`rng must be a generator from molviz.makeRng(seed), got ${String(rng)}`);
    }
  }

  function toArray(name, a) {
    if (a === null || typeof a !== "object" || typeof a.length !== "number") {
      throw new TypeError(`${name} must be an array of numbers, got ${String(a)}`);
    }
    const out = new Float64Array(a.length);
    for (let i = 0; i < a.length; i++) {
      checkNumber(`${name}[${i}]`, a[i]);
      out[i] = a[i];
    }
    return out;
  }

  function logOf(a) {
    return a.map(Math.log);
  }

  function checkMixture(pi, mu, s) {
    const p = toArray("pi", pi);
    const m = toArray("mu", mu);
    const sc = toArray("s", s);
    if (p.length === 0) throw new RangeError("pi must have at least one component (K >= 1), got K = 0");
    if (m.length !== p.length || sc.length !== p.length) {
      throw new RangeError(`pi, mu and s must have the same length K, got ${p.length}, ${m.length}, ${sc.length}`);
    }
    let total = 0;
    for (let k = 0; k < p.length; k++) {
      if (!(p[k] >= 0) || !Number.isFinite(p[k])) {
        throw new RangeError(`pi must be >= 0 (mixture weights), got pi[${k}] = ${p[k]}`);
      }
      checkFinite(`mu[${k}]`, m[k]);
      checkScale(`s[${k}]`, sc[k]);
      total += p[k];
    }
    if (Math.abs(total - 1) > 1e-8) throw new RangeError(`pi must sum to 1 (mixture weights), got sum(pi) = ${total}`);
    return { pi: p, mu: m, s: sc, logpi: logOf(p) };
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
    const d = 2 * (q - 0.5);
    return Math.log1p(d) - Math.log1p(-d);
  }

  // Unchecked kernels. Naive pdf for the reader: exp(-z) / (s (1 + exp(-z))^2), z = (x - μ)/s.
  function lgLogpdf(x, mu, s) {
    const a = Math.abs((x - mu) / s);
    return -a - 2 * Math.log1p(Math.exp(-a)) - Math.log(s);
  }
  const lgCdf = (x, mu, s) => expit((x - mu) / s);
  const lgSf = (x, mu, s) => expit(-(x - mu) / s);
  const lgLogcdf = (x, mu, s) => -log1pexp(-(x - mu) / s);
  const lgLogsf = (x, mu, s) => -log1pexp((x - mu) / s);

  function checkedLogistic(fn) {
    return function (x, mu = 0, s = 1) {
      checkNumber("x", x);
      checkFinite("mu", mu);
      checkScale("s", s);
      return fn(x, mu, s);
    };
  }

  const logistic = {
    logpdf: checkedLogistic(lgLogpdf),
    pdf: checkedLogistic((x, mu, s) => Math.exp(lgLogpdf(x, mu, s))),
    cdf: checkedLogistic(lgCdf),
    sf: checkedLogistic(lgSf),
    logcdf: checkedLogistic(lgLogcdf),
    logsf: checkedLogistic(lgLogsf),
    quantile(q, mu = 0, s = 1) {
      checkProb("q", q);
      checkFinite("mu", mu);
      checkScale("s", s);
      return mu + s * logit(q);
    },
    /** Standard deviation sd = s π / √3. */
    std(s) {
      checkScale("s", s);
      return (s * Math.PI) / Math.sqrt(3);
    },
  };

  // ---------------------------------------------------------------------------------------------
  // Mixture of logistics: p(x) = Σ_k π_k logistic(x; μ_k, s_k). M = {pi, mu, s, logpi}.
  // ---------------------------------------------------------------------------------------------

  /** log Σ_k exp(terms_k) with the maximum taken out. */
  function logsumexp(terms, K) {
    let m = -Infinity;
    for (let k = 0; k < K; k++) if (terms[k] > m) m = terms[k];
    if (m === -Infinity || m === Infinity) return m;
    let acc = 0;
    for (let k = 0; k < K; k++) acc += Math.exp(terms[k] - m);
    return m + Math.log(acc);
  }

  /** log Σ_k π_k exp(f(x; μ_k, s_k)) for a log-kernel f (logpdf, logcdf or logsf). */
  function mxLog(f, x, M, buf) {
    const K = M.pi.length;
    for (let k = 0; k < K; k++) buf[k] = M.logpi[k] + f(x, M.mu[k], M.s[k]);
    return logsumexp(buf, K);
  }
  const mxLogpdf = (x, M, buf) => mxLog(lgLogpdf, x, M, buf);
  const mxLogcdf = (x, M, buf) => mxLog(lgLogcdf, x, M, buf);
  const mxLogsf = (x, M, buf) => mxLog(lgLogsf, x, M, buf);

  /** Σ_k π_k f(x; μ_k, s_k) for f = cdf or sf. */
  function mxSum(f, x, M) {
    let acc = 0;
    for (let k = 0; k < M.pi.length; k++) acc += M.pi[k] * f(x, M.mu[k], M.s[k]);
    return acc;
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
    let lo = Infinity;
    let hi = -Infinity;
    const lq = logit(q);
    for (let k = 0; k < M.pi.length; k++) {
      if (M.pi[k] === 0) continue;
      const xk = M.mu[k] + M.s[k] * lq;
      if (xk < lo) lo = xk;
      if (xk > hi) hi = xk;
    }
    if (lo === hi) return lo;
    const upper = q > 0.5;
    const target = upper ? Math.log1p(-q) : Math.log(q);
    let x = 0.5 * (lo + hi);
    for (let it = 0; it < 200; it++) {
      // g(x) = log F(x) - log q (or log(1 - q) - log(1 - F(x))) is increasing, g(root) = 0, and
      // g'(x) = p(x) / F(x) (or p(x) / (1 - F(x))).
      const lden = upper ? mxLogsf(x, M, buf) : mxLogcdf(x, M, buf);
      const gx = upper ? target - lden : lden - target;
      if (gx === 0) return x;
      if (gx < 0) lo = x;
      else hi = x;
      let xn = x - gx / Math.exp(mxLogpdf(x, M, buf) - lden);
      if (!(xn > lo && xn < hi)) xn = 0.5 * (lo + hi);
      const tol = 2 * Number.EPSILON * Math.max(1, Math.abs(xn));
      if (Math.abs(xn - x) <= tol || hi - lo <= tol) return xn;
      x = xn;
    }
    return x;
  }

  function checkedMixture(fn) {
    return function (x, pi, mu, s) {
      checkNumber("x", x);
      const M = checkMixture(pi, mu, s);
      return fn(x, M, new Float64Array(M.pi.length));
    };
  }

  const mixture = {
    logpdf: checkedMixture(mxLogpdf),
    pdf: checkedMixture((x, M, buf) => Math.exp(mxLogpdf(x, M, buf))),
    cdf: checkedMixture((x, M) => mxSum(lgCdf, x, M)),
    sf: checkedMixture((x, M) => mxSum(lgSf, x, M)),
    logcdf: checkedMixture(mxLogcdf),
    logsf: checkedMixture(mxLogsf),
    quantile(q, pi, mu, s) {
      checkProb("q", q);
      const M = checkMixture(pi, mu, s);
      return mxQuantile(q, M, new Float64Array(M.pi.length));
    },
    /** P(lo < x < hi) without cancellation (the discretized explorer's column masses). */
    intervalMass(lo, hi, pi, mu, s) {
      checkNumber("lo", lo);
      checkNumber("hi", hi);
      if (!(lo < hi)) throw new RangeError(`need lo < hi, got lo = ${lo}, hi = ${hi}`);
      return mxSpanMass(checkMixture(pi, mu, s), lo, hi);
    },
  };

  /** log softmax(a)_k = a_k - max a - log Σ_j exp(a_j - max a), into a new Float64Array. */
  function logSoftmaxArr(a) {
    let m = -Infinity;
    for (let k = 0; k < a.length; k++) if (a[k] > m) m = a[k];
    if (!Number.isFinite(m)) throw new RangeError(`logits must be finite, got max = ${m}`);
    let acc = 0;
    for (let k = 0; k < a.length; k++) acc += Math.exp(a[k] - m);
    const lse = m + Math.log(acc);
    return a.map((v) => v - lse);
  }

  function checkedLogits(logits) {
    const a = toArray("logits", logits);
    if (a.length === 0) throw new RangeError("logits must have at least one entry, got 0");
    return a;
  }

  /** softmax(a)_k = exp(a_k - max a) / Σ_j exp(a_j - max a). */
  function softmax(logits) {
    return Array.from(logSoftmaxArr(checkedLogits(logits)), Math.exp);
  }

  function logSoftmax(logits) {
    return Array.from(logSoftmaxArr(checkedLogits(logits)));
  }

  /** The mixture M = {pi, mu, s, logpi} of logits a, means μ and log-scales (unchecked). */
  function mixtureOf(logits, mu, logS) {
    const logpi = logSoftmaxArr(logits);
    return { pi: logpi.map(Math.exp), mu: mu, s: logS.map(Math.exp), logpi: logpi };
  }

  /** Bin centres of the training grid: c_j = -1 + 2j / (N - 1), j = 0 .. N-1 (N = num_classes). */
  function binCenter(j, N) {
    return -1 + (2 * j) / (N - 1);
  }

  /**
   * Mass P_j of bin j of the discretized logistic: P(c_j - h < x < c_j + h) with h = 1/(N-1); the
   * first bin takes (-∞, c_0 + h), the last takes (c_{N-1} - h, ∞). With standardized edges
   * a < b the difference σ(b) - σ(a) is computed as the product σ(b) σ(-a) (1 - e^{-(b-a)}),
   * with b - a = 2h/s formed directly, so no digits cancel (at 65536 classes the naive
   * difference of two nearly equal CDFs keeps only a few).
   */
  function lgBinMass(j, N, mu, s) {
    const h = 1 / (N - 1);
    const c = binCenter(j, N);
    if (j === 0) return expit((c + h - mu) / s);
    if (j === N - 1) return expit(-(c - h - mu) / s);
    const a = (c - h - mu) / s;
    const b = (c + h - mu) / s;
    return expit(b) * expit(-a) * -Math.expm1(-(2 * h) / s);
  }

  /** P(lo < x < hi) under the mixture, as Σ_k π_k σ(b_k) σ(-a_k) (1 - e^{-(hi - lo)/s_k}). */
  function mxSpanMass(M, lo, hi) {
    let acc = 0;
    for (let k = 0; k < M.pi.length; k++) {
      if (M.pi[k] === 0) continue;
      const sk = M.s[k];
      acc += M.pi[k] * expit((hi - M.mu[k]) / sk) * expit(-(lo - M.mu[k]) / sk) * -Math.expm1(-(hi - lo) / sk);
    }
    return acc;
  }

  /** P_j = Σ_k π_k P_jk: the mixture's mass in bin j. */
  function mxBinMass(M, N, j) {
    let acc = 0;
    for (let k = 0; k < M.pi.length; k++) if (M.pi[k] > 0) acc += M.pi[k] * lgBinMass(j, N, M.mu[k], M.s[k]);
    return acc;
  }

  /** Bin masses P_j of the discretized mixture for bins j = jLo..jHi (default: all N bins). */
  function discretizedProbs(pi, mu, s, N, jLo = 0, jHi = N - 1) {
    const M = checkMixture(pi, mu, s);
    if (typeof N !== "number" || !Number.isInteger(N) || N < 2) {
      throw new RangeError(`numClasses must be an integer >= 2, got ${String(N)}`);
    }
    if (!Number.isInteger(jLo) || !Number.isInteger(jHi) || jLo < 0 || jHi >= N || jLo > jHi) {
      throw new RangeError(`bin range must satisfy 0 <= jLo <= jHi < numClasses = ${N}, got ${jLo}, ${jHi}`);
    }
    const out = [];
    for (let j = jLo; j <= jHi; j++) out.push(mxBinMass(M, N, j));
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Seeded PRNG: xoshiro128** seeded with splitmix64.
  // ---------------------------------------------------------------------------------------------

  const MASK64 = typeof BigInt === "function" ? BigInt("0xffffffffffffffff") : null;

  /** splitmix64 (Steele, Lea and Flood, 2014), on BigInt; used only to seed. */
  function splitmix64Outputs(seed, count) {
    let z = BigInt(seed) & MASK64;
    const out = [];
    for (let i = 0; i < count; i++) {
      z = (z + BigInt("0x9e3779b97f4a7c15")) & MASK64;
      let r = z;
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
      throw new RangeError(`seed must be an integer in [0, 2^53), got ${String(seed)}`);
    }
    const o = splitmix64Outputs(seed, 2);
    const m32 = BigInt(0xffffffff);
    this.s0 = Number(o[0] & m32) | 0;
    this.s1 = Number(o[0] >> BigInt(32)) | 0;
    this.s2 = Number(o[1] & m32) | 0;
    this.s3 = Number(o[1] >> BigInt(32)) | 0;
  }

  /** A generator started from an explicit state of four 32-bit words (not all zero). */
  Xoshiro128ss.fromState = function (words) {
    if (!words || words.length !== 4) throw new RangeError(`state must be 4 words, got ${String(words)}`);
    for (let i = 0; i < 4; i++) {
      if (!Number.isInteger(words[i]) || words[i] < 0 || words[i] > 0xffffffff) {
        throw new RangeError(`state words must be integers in [0, 2^32), got ${String(words[i])}`);
      }
    }
    if (words.every((w) => w === 0)) throw new RangeError("state must not be all zero");
    const r = Object.create(Xoshiro128ss.prototype);
    [r.s0, r.s1, r.s2, r.s3] = words.map((w) => w | 0);
    return r;
  };

  Xoshiro128ss.prototype.nextUint32 = function () {
    let s0 = this.s0;
    let s1 = this.s1;
    let s2 = this.s2;
    let s3 = this.s3;
    const t = Math.imul(s1, 5);
    const result = Math.imul((t << 7) | (t >>> 25), 9);
    const sh = s1 << 9;
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
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  };

  function makeRng(seed) {
    return new Xoshiro128ss(seed);
  }

  // ---------------------------------------------------------------------------------------------
  // Two-stage sampler, in three steps that the explorers also use one by one:
  //   fillNoise         draws i = from..to-1: K uniforms for the Gumbel noise g_ik = -log(-log u),
  //                     then (if z is given) one uniform u for the standard logistic draw
  //                     z_i = log u - log(1 - u); every u ~ U(ε, 1 - ε). Draw i's uniforms follow
  //                     draw i-1's, so the first n draws of a seed do not change when more are drawn.
  //   chooseComponents  k_i = argmax_k (a_k + g_ik)  (Gumbel-max)
  //   placeSamples      x_i = μ_k + s_k z_i  (inversion: scale and shift the standard draw)
  // ---------------------------------------------------------------------------------------------

  function fillNoise(rng, K, from, to, eps, g, z, us) {
    const width = 1 - 2 * eps;
    for (let i = from; i < to; i++) {
      for (let k = 0; k < K; k++) {
        g[i * K + k] = -Math.log(-Math.log(eps + width * rng.nextDouble()));
      }
      if (z) {
        const u = eps + width * rng.nextDouble();
        if (us) us[i] = u;
        z[i] = Math.log(u) - Math.log1p(-u);
      }
    }
  }

  function chooseComponents(logits, K, g, n, ks) {
    for (let i = 0; i < n; i++) {
      let best = -Infinity;
      let kb = 0;
      for (let k = 0; k < K; k++) {
        const v = logits[k] + g[i * K + k];
        if (v > best) {
          best = v;
          kb = k;
        }
      }
      ks[i] = kb;
    }
  }

  /** x_i = μ_k + s_k z_i for k = ks[i] (ks null: the single component 0). */
  function placeSamples(mu, s, ks, z, n, xs) {
    for (let i = 0; i < n; i++) {
      const k = ks ? ks[i] : 0;
      xs[i] = mu[k] + s[k] * z[i];
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

  /**
   * sampleMixture(rng, logits, mu, s, n, eps=1e-5) -> {x: Float64Array(n), k: Int32Array(n)}:
   * k = argmax_j(a_j - log(-log u_j)), x = μ_k + s_k (log u - log(1 - u)), u's ~ U(ε, 1 - ε).
   */
  function sampleMixture(rng, logits, mu, s, n, eps = EPS) {
    checkRng(rng);
    const a = toArray("logits", logits);
    const m = toArray("mu", mu);
    const sc = toArray("s", s);
    const K = a.length;
    if (K === 0 || m.length !== K || sc.length !== K) {
      throw new RangeError(`logits, mu and s must have the same length K >= 1, got ${K}, ${m.length}, ${sc.length}`);
    }
    for (let k = 0; k < K; k++) {
      checkFinite(`logits[${k}]`, a[k]);
      checkFinite(`mu[${k}]`, m[k]);
      checkScale(`s[${k}]`, sc[k]);
    }
    checkCount(n);
    checkEps(eps);
    const g = new Float64Array(n * K);
    const z = new Float64Array(n);
    const x = new Float64Array(n);
    const ks = new Int32Array(n);
    fillNoise(rng, K, 0, n, eps, g, z, null);
    chooseComponents(a, K, g, n, ks);
    placeSamples(m, sc, ks, z, n, x);
    return { x: x, k: ks };
  }

  /** sampleComponents(rng, logits, n, eps=1e-5) -> Int32Array(n) by Gumbel-max (K uniforms each). */
  function sampleComponents(rng, logits, n, eps = EPS) {
    checkRng(rng);
    const a = checkedLogits(logits);
    a.forEach((v, j) => checkFinite(`logits[${j}]`, v));
    checkCount(n);
    checkEps(eps);
    const g = new Float64Array(n * a.length);
    const ks = new Int32Array(n);
    fillNoise(rng, a.length, 0, n, eps, g, null, null);
    chooseComponents(a, a.length, g, n, ks);
    return ks;
  }

  /** sampleLogistic(rng, mu, s, n, eps=1e-5) -> {x, u}: inversion of one uniform per sample. */
  function sampleLogistic(rng, mu, s, n, eps = EPS) {
    checkRng(rng);
    checkFinite("mu", mu);
    checkScale("s", s);
    checkCount(n);
    checkEps(eps);
    const z = new Float64Array(n);
    const u = new Float64Array(n);
    const x = new Float64Array(n);
    fillNoise(rng, 0, 0, n, eps, null, z, u);
    placeSamples([mu], [s], null, z, n, x);
    return { x: x, u: u };
  }

  /** log((1 - ε)/ε): the largest |x - μ| / s the clipped inversion can produce (≈ 11.5129 at 1e-5). */
  function truncationBound(eps = EPS) {
    checkEps(eps, true);
    return Math.log1p(-eps) - Math.log(eps);
  }

  /** Range of the clipped Gumbel noise: [-log(-log ε), -log(-log(1 - ε))] ≈ [-2.4433, 11.5129]. */
  function gumbelBounds(eps = EPS) {
    checkEps(eps, true);
    return [-Math.log(-Math.log(eps)), -Math.log(-Math.log1p(-eps))];
  }

  /**
   * Bank(capacity): the random draws of one explorer, kept between redraws. ensure(seed, K, n, eps,
   * inv) makes g (n·K Gumbel noises) and, if inv, z (n standard-logistic draws) and u (their
   * uniforms) hold the first n draws of that stream; a new seed, K or ε starts the stream again, a
   * larger n continues it. The arrays are made once for `capacity` draws (the sample slider's
   * maximum), so moving a slider allocates nothing large.
   */
  class Bank {
    constructor(capacity) {
      this.key = "";
      this.n = 0;
      this.cap = 0;
      this.g = this.z = this.u = new Float64Array(0);
      this.capacity = capacity;
    }

    reset() {
      this.key = "";
    }

    ensure(seed, K, n, eps, inv) {
      const key = [seed, K, eps, inv].join();
      if (key !== this.key) {
        this.key = key;
        this.n = 0;
        this.rng = makeRng(seed);
      }
      if (n > this.cap) {
        // room for every K; beyond the capacity (only if asked for) grow geometrically
        const cap = Math.max(n, this.capacity, 2 * this.cap);
        const grow = (a, len) => {
          const b = new Float64Array(len);
          b.set(a.subarray(0, Math.min(a.length, len)));
          return b;
        };
        this.g = grow(this.g, MAXK * cap);
        this.z = grow(this.z, cap);
        this.u = grow(this.u, cap);
        this.xs = new Float64Array(cap);
        this.ks = new Int32Array(cap);
        this.cap = cap;
      }
      if (n > this.n) {
        fillNoise(this.rng, K, this.n, n, eps, this.g, inv ? this.z : null, inv ? this.u : null);
        this.n = n;
      }
    }

    /** The first n samples of the mixture (logits, mu, s): this.ks (if K > 0) and this.xs. */
    sample(logits, mu, s, n) {
      const K = logits ? logits.length : 0;
      if (K) chooseComponents(logits, K, this.g, n, this.ks);
      placeSamples(mu, s, K ? this.ks : null, this.z, n, this.xs);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Explorer parameter specifications (slider ranges). molviz/explorer.py validates against the
  // same numbers; a test compares the two tables.
  // ---------------------------------------------------------------------------------------------

  const SPECS = {
    common: {
      n: { min: 100, max: 50000, step: 100, value: 10000 },
      seed: { min: 0, max: 999, step: 1, value: 0 },
      maxK: MAXK,
      x_ranges: [0.01, 0.1, 1, 3, 10, 30],
    },
    logistic: {
      mu: { min: -4, max: 4, step: 0.01, value: 0 },
      log_s: { min: -7, max: 1, step: 0.01, value: 0 },
    },
    mixture: {
      logit: { min: -4, max: 4, step: 0.05 },
      mu: { min: -5, max: 5, step: 0.01 },
      log_s: { min: -7, max: 1, step: 0.01 },
      // the book's running example (book/mixtures.md): vocoder-like means and scales
      defaults: {
        logits: [1, 0.3, -0.4, -1, -0.5],
        mu: [-0.45, 0.05, 0.5, -0.8, 0.85],
        log_s: [-2.81, -1.9, -3.22, -2.5, -3.5],
        K: 3,
      },
    },
    gumbel: {
      logit: { min: -6, max: 6, step: 0.1 },
      n: { min: 1, max: 50000, step: 1, value: 1000 },
      defaults: { logits: [1.5, 0.5, 0, -1, -0.5], K: 4 },
    },
    inversion: {
      mu: { min: -3, max: 3, step: 0.01, value: 0 },
      log_s: { min: -7, max: 1, step: 0.01, value: 0 },
      u: { min: 0.001, max: 0.999, step: 0.001, value: 0.8 },
      log10_eps: { min: -6, max: -1, step: 0.1, value: -5 },
    },
    discretized: {
      num_classes: [256, 65536],
      logit: { min: -4, max: 4, step: 0.05 },
      // μ and the centre: their steps at zoom ×1; they shrink with the zoom (discretizedExplorer)
      mu: { min: -1.2, max: 1.2, step: 0.005 },
      log_s: { min: -9, max: 0, step: 0.05 },
      zoom: { min: 0, max: 13, step: 0.5, value: 0 },
      center: { min: -1, max: 1, step: 0.1, value: 0 },
      defaults: { logits: [0, 0, -0.5, -1, -1.5], mu: [-0.9, 0.3, 0.7, -0.4, 0.95], log_s: [-3.5, -2.5, -4, -3, -5], K: 2 },
      num_classes_value: 256,
    },
  };

  // ---------------------------------------------------------------------------------------------
  // Formatting.
  // ---------------------------------------------------------------------------------------------

  const minus = (str) => str.replace(/^-/, "\u2212").replace(/e-/, "e\u2212").replace(/e\+/, "e");
  const fmt = (v, digits) => (Number.isFinite(v) ? minus(v.toFixed(digits)) : String(v));
  const fmtInt = (n) => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

  /** v with `sig` significant digits: 0.0602, 1.81, 3.05e−5. */
  function fmtSig(v, sig) {
    if (v === 0 || !Number.isFinite(v)) return String(v);
    const a = Math.abs(v);
    if (a >= 1e-3 && a < 1e5) return minus(v.toFixed(Math.min(10, Math.max(0, sig - 1 - Math.floor(Math.log10(a))))));
    return minus(v.toExponential(sig - 1));
  }

  /** A positive count to 3 significant digits, with thousands separators: 0.0510, 13.1, 6,554. */
  const fmtCount = (v) => (v >= 100 ? fmtInt(v) : fmtSig(v, 3));

  const digitMap = (map) => (v) => String(v).split("").map((c) => map[c]).join("");
  const sub = digitMap("₀₁₂₃₄₅₆₇₈₉");
  const sup = digitMap({ "-": "\u207b", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" });
  const pow10Label = (e) => (e === 0 ? "1" : e === 1 ? "10" : "10" + sup(e));

  /** The number of decimals of a slider step: 2 for 0.05, 6 for 5e-6, 0 for 100. */
  function decimalsOf(step) {
    for (let d = 0; d < 15; d++) {
      const t = step * Math.pow(10, d);
      if (Math.abs(t - Math.round(t)) <= 1e-9 * Math.max(1, t)) return d;
    }
    return 15;
  }

  /** v with at most maxD decimals, trailing zeros dropped down to minD: −0.9995, 0.300, −7.824. */
  function fmtTrim(v, minD, maxD) {
    if (!Number.isFinite(v)) return String(v);
    let t = v.toFixed(Math.max(minD, maxD));
    if (maxD > minD) t = t.replace(new RegExp(`(\\.\\d{${minD}}\\d*?)0+$`), "$1").replace(/\.$/, "");
    return minus(t === "-0" || /^-0\.?0*$/.test(t) ? t.slice(1) : t);
  }

  /** The largest 1, 2 or 5 × 10^e not above x (> 0): slider steps that stay round decimals. */
  function floor125(x) {
    const e = Math.floor(Math.log10(x));
    const m = x / Math.pow(10, e);
    return Number(((m >= 5 ? 5 : m >= 2 ? 2 : 1) + "e" + e));
  }

  // ---------------------------------------------------------------------------------------------
  // DOM helpers and style.
  // ---------------------------------------------------------------------------------------------

  const SVGNS = "http://www.w3.org/2000/svg";

  function setAttrs(e, attrs) {
    for (const a in attrs) if (Object.prototype.hasOwnProperty.call(attrs, a)) e.setAttribute(a, attrs[a]);
    return e;
  }

  function svgEl(tag, attrs, parent, text) {
    const e = setAttrs(document.createElementNS(SVGNS, tag), attrs || {});
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }

  function htmlEl(tag, attrs, parent, text) {
    const e = setAttrs(document.createElement(tag), attrs || {});
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }

  /** Show or hide an SVG element. */
  function show(e, on) {
    if (on) e.removeAttribute("display");
    else e.setAttribute("display", "none");
  }

  function setText(e, text) {
    if (e.textContent !== text) e.textContent = text;
  }

  const FONT = "system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif";
  const charWidths = new Map();
  let measurer = null;

  /**
   * Width in px of `text` at 12px in the explorers' font: the sum of its characters' widths, each
   * measured once with a canvas (so a redraw never waits for font or style work).
   */
  function textWidth(text) {
    let w = 0;
    for (const ch of text) {
      let cw = charWidths.get(ch);
      if (cw === undefined) {
        if (measurer === null) {
          measurer = document.createElement("canvas").getContext("2d") || false;
          if (measurer) measurer.font = "12px " + FONT;
        }
        cw = measurer ? measurer.measureText(ch).width : 7;
        charWidths.set(ch, cw);
      }
      w += cw;
    }
    return w;
  }

  /** Set the text of the SVG text `e` at `size` units, or smaller (down to 10) if wider than maxWidth. */
  function fitText(e, text, maxWidth, size) {
    setText(e, text);
    const fit = Math.max(10, Math.min(size, (size * maxWidth) / Math.max(1, (textWidth(text) * size) / 12)));
    e.setAttribute("font-size", fit.toFixed(1));
  }


  const CSS = [
    ".molviz-explorer{font-family:" + FONT + ";",
    "font-size:14px;line-height:1.35;color:#1f2328;background:#fff;border:1px solid #d0d7de;border-radius:6px;",
    "padding:10px 12px 8px;margin:1em 0;max-width:720px;box-sizing:border-box}",
    ".molviz-explorer *{box-sizing:border-box}",
    ".molviz-explorer .molviz-title{font-weight:600;margin:0 0 6px}",
    ".molviz-explorer .molviz-controls{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));",
    "gap:2px 18px;margin-bottom:4px}",
    ".molviz-explorer .molviz-controls.molviz-components{grid-template-columns:repeat(auto-fill,minmax(200px,1fr));",
    "gap:2px 14px}",
    ".molviz-explorer .molviz-components .molviz-control{grid-template-columns:3.6em minmax(50px,1fr) 4.2em;gap:5px}",
    // the discretized explorer's μ read-outs have up to 7 decimals (−0.999515)
    ".molviz-explorer .molviz-components.molviz-wide .molviz-control{grid-template-columns:3.2em minmax(50px,1fr) 5.5em}",
    ".molviz-explorer fieldset{border:0;border-top:3px solid var(--molviz-c,#999);margin:4px 0 0;padding:2px 0 0;",
    "min-width:0}",
    ".molviz-explorer legend{font-size:12px;font-weight:600;padding:0 4px 0 0;color:#1f2328}",
    ".molviz-explorer .molviz-control{display:grid;grid-template-columns:4.6em minmax(60px,1fr) 5.6em;",
    "align-items:center;gap:6px;min-height:26px}",
    ".molviz-explorer .molviz-control label{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}",
    ".molviz-explorer input[type=range]{width:100%;margin:0;accent-color:#1f77b4;cursor:pointer}",
    ".molviz-explorer input[type=range]:focus-visible,.molviz-explorer button:focus-visible,",
    ".molviz-explorer select:focus-visible{outline:2px solid #0969da;outline-offset:2px}",
    ".molviz-explorer output{font-variant-numeric:tabular-nums;text-align:right;font-size:13px;white-space:nowrap}",
    ".molviz-explorer output small{display:block;font-size:11px;line-height:1.1;color:#57606a}",
    ".molviz-explorer .molviz-buttons{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin:4px 0}",
    ".molviz-explorer button,.molviz-explorer select{font:inherit;font-size:13px;color:#1f2328;background:#f6f8fa;",
    "border:1px solid #d0d7de;border-radius:5px;padding:2px 9px;cursor:pointer}",
    ".molviz-explorer button[aria-pressed=true]{background:#ddf4ff;border-color:#54aeff}",
    ".molviz-explorer .molviz-select label{margin-right:4px}",
    ".molviz-explorer button:hover,.molviz-explorer select:hover{background:#eaeef2}",
    ".molviz-explorer svg.molviz-plot{display:block;width:100%;height:auto;background:#fff}",
    ".molviz-explorer svg text{font-family:inherit}",
    ".molviz-explorer svg .molviz-halo{paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}",
    // the drawing while it is held at the top of the viewport (class Pin)
    ".molviz-explorer .molviz-figure-inner{background:#fff}",
    ".molviz-explorer .molviz-figure-inner.molviz-pinned{z-index:10;box-shadow:0 7px 6px -6px rgba(31,35,40,.4)}",
    // a control that gets the focus is scrolled to below the held drawing, not under it
    ".molviz-explorer input,.molviz-explorer select,.molviz-explorer button{scroll-margin-top:var(--molviz-cover,0px)}",
    ".molviz-explorer .molviz-status{font-size:12.5px;color:#57606a;min-height:1.3em;margin-top:4px;",
    "font-variant-numeric:tabular-nums}",
    ".molviz-explorer .molviz-timing{white-space:nowrap}",
    // read by screen readers only (the announcements of the live region)
    ".molviz-explorer .molviz-sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;border:0;",
    "overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
  ].join("");

  function ensureStyle(doc) {
    if (doc.getElementById("molviz-explorer-style")) return;
    htmlEl("style", { id: "molviz-explorer-style" }, doc.head || doc.documentElement, CSS);
  }

  // ---------------------------------------------------------------------------------------------
  // Scales, ticks and axes.
  // ---------------------------------------------------------------------------------------------

  /**
   * Scale(kind, d0, d1, r0, r1): the map d -> r of kind "linear", "log" or "logit" (the logit scale
   * clamps to [d0, d1]), applied by at(v). (One class, not a closure per redraw: the drawing
   * loops then stay optimized.)
   */
  class Scale {
    constructor(kind, d0, d1, r0, r1) {
      this.kind = kind === "log" ? 1 : kind === "logit" ? 2 : 0;
      this.d0 = d0;
      this.d1 = d1;
      this.r0 = r0;
      this.t0 = this.t(d0);
      this.k = (r1 - r0) / (this.t(d1) - this.t0);
    }

    t(v) {
      if (this.kind === 0) return v;
      return this.kind === 1 ? Math.log(v) : logit(v < this.d0 ? this.d0 : v > this.d1 ? this.d1 : v);
    }

    at(v) {
      return this.r0 + (this.t(v) - this.t0) * this.k;
    }
  }

  function niceStep(span, count) {
    const raw = span / Math.max(1, count);
    const p = Math.pow(10, Math.floor(Math.log10(raw)));
    const m = raw / p;
    return (m < 1.5 ? 1 : m < 3 ? 2 : m < 7 ? 5 : 10) * p;
  }

  function linearTickLabel(v, step) {
    if (Math.abs(v) < step * 1e-6) return "0";
    if (step < 1e-3 && Math.abs(v) < 1e-2) {
      // small values (bin masses at 16 bit): 1.5e−4 rather than 0.00015
      const ev = Math.floor(Math.log10(Math.abs(v)) + 1e-9);
      return minus(v.toExponential(Math.max(0, ev - Math.floor(Math.log10(step) + 1e-9))));
    }
    const d = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
    return d === 0 && Math.abs(v) >= 1e4 ? fmtInt(v) : fmt(v, d);
  }

  /** Ticks [{v, label}] of a scale kind over [lo, hi], about `count` of them when linear. */
  function ticksFor(kind, lo, hi, count) {
    const out = [];
    if (kind === "logit") {
      const cand = [-8, -6, -4, 0.01, 0.5, 0.99, 4, 6, 8];
      for (const c of cand) {
        const v = c < 0 ? Math.pow(10, c) : c > 1 ? 1 - Math.pow(10, -c) : c;
        const label = c < 0 ? pow10Label(c) : c > 1 ? "1\u2212" + pow10Label(-c) : String(c);
        if (v >= lo && v <= hi) out.push({ v: v, label: label });
      }
    } else if (kind === "log") {
      const e0 = Math.ceil(Math.log10(lo) - 1e-9);
      const e1 = Math.floor(Math.log10(hi) + 1e-9);
      const every = Math.max(1, Math.ceil((e1 - e0 + 1) / 8));
      for (let e = e0; e <= e1; e++) {
        if ((e - e0) % every) continue;
        out.push({ v: Math.pow(10, e), label: e >= 0 && e <= 4 ? fmtInt(Math.pow(10, e)) : pow10Label(e) });
      }
    } else {
      const step = niceStep(hi - lo, count);
      for (let i = Math.ceil(lo / step - 1e-9); i * step <= hi + step * 1e-9; i++) {
        out.push({ v: i * step, label: linearTickLabel(i * step, step) });
      }
    }
    return out;
  }

  /**
   * Axes(ctx, box, opts): a plot panel with a frame, grid, ticks, axis labels, a clipped `plot`
   * group for the data and an `overlay` group. set(xlim, ylim, ykind) updates the scales `sx`, `sy`;
   * tick nodes are reused. opts: {xlabel, ylabel, ylabelOffset, title, xkind, xticks, yticks
   * (the number of ticks to aim for; by default fewer on a short or narrow axis), noXTicks,
   * noYLabels (y ticks without their labels: an axis shared with the panel to the left)}.
   */
  class Axes {
    constructor(ctx, box, opts = {}) {
      this.box = box;
      this.opts = opts;
      const g = svgEl("g", { class: "molviz-axes" }, ctx.svg);
      const clipId = ctx.uid("clip");
      svgEl("rect", { x: box.x, y: box.y, width: box.w, height: box.h }, svgEl("clipPath", { id: clipId }, svgEl("defs", null, g)));
      this.grid = svgEl("g", { stroke: "#eaeef2", "stroke-width": 1 }, g);
      this.plot = svgEl("g", { "clip-path": `url(#${clipId})` }, g);
      this.overlay = svgEl("g", null, g);
      svgEl("rect", { x: box.x, y: box.y, width: box.w, height: box.h, fill: "none", stroke: MUTED }, g);
      this.tickG = svgEl("g", { "font-size": 12, fill: "#1f2328" }, g);
      this.pools = { x: [], y: [] };
      if (opts.xlabel) svgEl("text", { x: box.x + box.w / 2, y: box.y + box.h + 34, "text-anchor": "middle", "font-size": 13 }, g, opts.xlabel);
      if (opts.ylabel) {
        const yx = box.x - (opts.ylabelOffset || 44);
        const yy = box.y + box.h / 2;
        svgEl("text", { x: yx, y: yy, "text-anchor": "middle", "font-size": 13, transform: `rotate(-90 ${yx} ${yy})` }, g, opts.ylabel);
      }
      // the title may run on to the drawing's right edge; there, it is made smaller (down to 10)
      this.titleWidth = ctx.W - box.x - 4;
      if (opts.title !== undefined) {
        this.titleEl = svgEl("text", { x: box.x, y: box.y - 7, "font-weight": 600 }, g);
        this.setTitle(opts.title);
      }
      this.key = "";
    }

    setTitle(t) {
      fitText(this.titleEl, t, this.titleWidth / 1.15, 13); // bold: up to 15% wider
    }

    set(xlim, ylim, ykind = "linear") {
      const b = this.box;
      const xkind = this.opts.xkind || "linear";
      this.sx = new Scale(xkind, xlim[0], xlim[1], b.x, b.x + b.w);
      this.sy = new Scale(ykind, ylim[0], ylim[1], b.y + b.h, b.y);
      const key = [xlim, ylim, ykind].join("|");
      if (key === this.key) return;
      this.key = key;
      // about one x tick per 80 px on a narrow axis, 7 on a wide one; fewer where the labels would
      // come closer than half a label's width (the last one may be moved left to stay inside)
      let nx = this.opts.xticks || (b.w >= 480 ? 7 : Math.max(3, Math.round(b.w / 80)));
      let xt = this.opts.noXTicks ? [] : ticksFor(xkind, xlim[0], xlim[1], nx);
      const crowded = (ts) => {
        const gap = ts.length > 1 ? Math.abs(this.sx.at(ts[1].v) - this.sx.at(ts[0].v)) : Infinity;
        return gap < 1.5 * Math.max(...ts.map((t) => textWidth(t.label))) + 6;
      };
      while (!this.opts.xticks && xkind === "linear" && nx > 1 && xt.length > 2 && crowded(xt)) {
        nx -= 1;
        xt = ticksFor(xkind, xlim[0], xlim[1], nx);
      }
      const ny = this.opts.yticks || (b.h >= 130 ? 5 : 3);
      this.place(this.pools.x, xt, true);
      this.place(this.pools.y, ticksFor(ykind, ylim[0], ylim[1], ny), false);
    }

    /** Move the pooled tick marks, grid lines and labels of one axis to `ticks`. */
    place(pool, ticks, isX) {
      const b = this.box;
      while (pool.length < ticks.length) {
        pool.push({
          grid: svgEl("line", null, this.grid),
          tick: svgEl("line", { stroke: MUTED }, this.tickG),
          text: svgEl("text", { "text-anchor": isX ? "middle" : "end" }, this.tickG),
        });
      }
      pool.forEach((t, i) => {
        const on = i < ticks.length;
        show(t.grid, on);
        show(t.tick, on);
        show(t.text, on);
        if (!on) return;
        const p = +(isX ? this.sx : this.sy).at(ticks[i].v).toFixed(1);
        if (isX) {
          setAttrs(t.grid, { x1: p, x2: p, y1: b.y, y2: b.y + b.h });
          setAttrs(t.tick, { x1: p, x2: p, y1: b.y + b.h, y2: b.y + b.h + 5 });
          // a label at the right end would stick out of the drawing: end it at the tick
          setAttrs(t.text, { x: p, y: b.y + b.h + 18, "text-anchor": p > b.x + b.w - 12 ? "end" : "middle" });
        } else {
          setAttrs(t.grid, { y1: p, y2: p, x1: b.x, x2: b.x + b.w });
          setAttrs(t.tick, { y1: p, y2: p, x1: b.x - 5, x2: b.x });
          setAttrs(t.text, { x: b.x - 8, y: p + 4 });
        }
        setText(t.text, isX || !this.opts.noYLabels ? ticks[i].label : "");
      });
    }

    /**
     * legendSide(xs, ys, m): {x, anchor} of the upper corner (left or right) where the drawn
     * values xs[0..m), ys[0..m) reach less high, so a legend there hides less of the data.
     */
    legendSide(xs, ys, m) {
      const lo = this.sx.d0;
      const cut = 0.45 * (this.sx.d1 - lo);
      let left = Infinity;
      let right = Infinity;
      for (let i = 0; i < m; i++) {
        if (!(ys[i] > 0)) continue;
        const py = this.sy.at(ys[i]);
        if (xs[i] < lo + cut) left = Math.min(left, py);
        if (xs[i] > this.sx.d1 - cut) right = Math.min(right, py);
      }
      const b = this.box;
      return left > right ? { x: b.x + 8, anchor: "start" } : { x: b.x + b.w - 8, anchor: "end" };
    }
  }

  /**
   * Legend(parent): rows {type: "line" | "box", color, text, dash, width, opacity} drawn in a framed
   * box (anchor "start" or "end" at x), in one unframed line (anchor "row"), unframed from left to
   * right, wrapped onto a new line of 17 units where the next entry would pass x + maxWidth (anchor
   * "flow"), or in two columns of maxWidth / 2, the texts made smaller where needed (anchor "grid":
   * its number of lines depends only on the number of rows, so the drawing's height does not change
   * as a slider moves). Returns the number of lines. The nodes are rebuilt only when the kinds or
   * colours of the rows change; otherwise only texts and positions.
   */
  class Legend {
    constructor(parent) {
      this.g = svgEl("g", null, parent);
      this.sig = null;
    }

    set(rows, x, y, anchor, maxWidth) {
      const sig = rows.map((r) => [r.type, r.color, r.dash, r.width, r.opacity].join()).join("|");
      if (sig !== this.sig) {
        this.sig = sig;
        this.g.textContent = "";
        this.frame = svgEl("rect", { fill: "#fff", "fill-opacity": 0.88, stroke: "#d0d7de", rx: 3 }, this.g);
        this.items = rows.map((r) => ({
          mark:
            r.type === "line"
              ? svgEl("line", { stroke: r.color, "stroke-width": r.width || 2, "stroke-dasharray": r.dash || "none" }, this.g)
              : svgEl("rect", { width: 16, height: 11, fill: r.color, "fill-opacity": r.opacity || 0.45, stroke: r.color }, this.g),
          text: svgEl("text", { "font-size": 12 }, this.g),
        }));
      }
      const framed = anchor === "start" || anchor === "end";
      const grid = anchor === "grid";
      const widths = rows.map((r) => textWidth(r.text));
      const w = Math.max(...widths) + 38;
      const x0 = anchor === "end" ? x - w : x;
      show(this.frame, framed);
      setAttrs(this.frame, { x: x0, y: y, width: w.toFixed(0), height: rows.length * 17 + 8 });
      let cx = x0 + 6;
      let line = 0;
      this.items.forEach((it, j) => {
        if (grid) {
          cx = x0 + 6 + (j % 2) * (maxWidth / 2);
          line = Math.floor(j / 2);
        } else if (anchor === "flow" && cx > x0 + 6 && cx + 25 + widths[j] > x0 + maxWidth) {
          cx = x0 + 6;
          line += 1;
        }
        const cy = framed ? y + 12 + j * 17 : y + 10 + line * 17;
        if (rows[j].type === "line") setAttrs(it.mark, { x1: cx, x2: cx + 20, y1: cy, y2: cy });
        else setAttrs(it.mark, { x: cx + 2, y: cy - 6 });
        setAttrs(it.text, { x: cx + 25, y: cy + 4 });
        if (grid) fitText(it.text, rows[j].text, maxWidth / 2 - 37, 12);
        else setText(it.text, rows[j].text);
        if (!framed) cx += 41 + widths[j];
      });
      return framed ? rows.length : line + 1;
    }
  }

  /**
   * SVG path through (sx(xs[i]), sy(ys[i])), i < m, with y clamped to [lo, hi] and a break at
   * each NaN. Points on one pixel row (a tail at 0, say) are merged into one segment.
   */
  function linePath(xs, ys, m, sx, sy, lo, hi) {
    let d = "";
    let pen = false;
    let lastY = NaN;
    let runX = NaN;
    for (let i = 0; i < m; i++) {
      let y = ys[i];
      if (Number.isNaN(y)) {
        if (!Number.isNaN(runX)) d += "L" + runX + " " + lastY;
        pen = false;
        runX = NaN;
        continue;
      }
      y = y < lo ? lo : y > hi ? hi : y;
      const X = Math.round(sx.at(xs[i]) * 10) / 10;
      const Y = Math.round(sy.at(y) * 10) / 10;
      if (pen && Y === lastY) {
        runX = X;
        continue;
      }
      if (!Number.isNaN(runX)) d += "L" + runX + " " + lastY;
      runX = NaN;
      d += (pen ? "L" : "M") + X + " " + Y;
      lastY = Y;
      pen = true;
    }
    if (!Number.isNaN(runX)) d += "L" + runX + " " + lastY;
    return d;
  }

  /** Bars [x0_i, x1_i] × [base_i, top_i], i < m, as one path (skips empty bars). */
  function barsPath(x0s, x1s, bases, tops, m, sx, sy) {
    let d = "";
    for (let i = 0; i < m; i++) {
      if (!(tops[i] > bases[i])) continue;
      const xb = sx.at(x1s[i]).toFixed(1);
      const yb = sy.at(bases[i]).toFixed(1);
      d += "M" + sx.at(x0s[i]).toFixed(1) + " " + yb + "V" + sy.at(tops[i]).toFixed(1) + "H" + xb + "V" + yb + "Z";
    }
    return d;
  }

  /** Vertical lines at xs (those inside the axes' x range) as one path. */
  function vlinesPath(ax, xs) {
    const b = ax.box;
    let d = "";
    for (const x of xs) if (x > ax.sx.d0 && x < ax.sx.d1) d += "M" + ax.sx.at(x).toFixed(1) + " " + b.y + "V" + (b.y + b.h);
    return d;
  }

  /** A path drawn with the given style (a helper for the many one-path layers). */
  function pathEl(parent, style) {
    return svgEl("path", Object.assign({ fill: "none" }, style), parent);
  }

  const HIST_STYLE = { fill: SAMPLE, "fill-opacity": 0.8, stroke: "#6baed6", "stroke-width": 0.5 };

  // ---------------------------------------------------------------------------------------------
  // Explorer context: the root's layout, the controls and the timed redraw.
  // ---------------------------------------------------------------------------------------------

  const TITLES = {
    logistic: "Logistic distribution: density and a histogram of samples",
    mixture: "Mixture of logistics: density and samples coloured by component",
    gumbel: "Gumbel-max: choosing a component with argmax(a + Gumbel noise)",
    inversion: "Inversion sampling: u → x = F\u207b¹(u) = μ + s·logit(u)",
    discretized: "Discretized mixture: bin masses on the training grid",
  };

  /** Grid steps per key on a slider (the other keys, Home and End among them, work as usual). */
  const KEY_STEPS = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1, PageUp: 10, PageDown: -10 };

  /** The number of recent redraw times whose median the status line shows. */
  const TIMES_KEPT = 20;
  /** Milliseconds without a redraw after which the status note is announced to screen readers. */
  const ANNOUNCE_MS = 1000;
  /** The largest part of the viewport's height the held drawing may cover (class Pin). */
  const MAX_COVER = 0.62;

  /**
   * Context(root, config, kind, params): one explorer's layout, controls and timed redraw. The
   * root holds, in this order: the title, the drawing (div.molviz-figure > div.molviz-figure-inner
   * > svg), the buttons and selects, the sliders, one fieldset of sliders per component, and the
   * status line (the explorer's note and the redraw time). The drawing comes first so that it
   * stays near the sliders on a narrow screen (see also class Pin); the status line comes last,
   * so that when its text changes length no control moves.
   */
  class Context {
    constructor(root, config, kind, params) {
      this.root = root;
      this.params = params;
      this.banks = [];
      this.baseId = root.id || "molviz-" + Math.random().toString(36).slice(2, 10);
      root.id = this.baseId;
      this.counter = 0;
      this.redraws = 0;
      this.times = []; // the last TIMES_KEPT redraw times after the first draw, in ms
      this.firstDraw = null; // the first draw's time (before the engine has compiled the code)
      root.textContent = "";
      if (config.title !== false) {
        htmlEl("div", { class: "molviz-title", id: this.baseId + "-title" }, root, config.title || TITLES[kind]);
        root.setAttribute("aria-labelledby", this.baseId + "-title");
      }
      this.figBox = htmlEl("div", { class: "molviz-figure" }, root);
      this.figInner = htmlEl("div", { class: "molviz-figure-inner" }, this.figBox);
      this.buttons = htmlEl("div", { class: "molviz-buttons" }, root);
      this.controls = htmlEl("div", { class: "molviz-controls" }, root);
      this.components = htmlEl("div", { class: "molviz-controls molviz-components" }, root);
      // The status line shows the note and the time of every redraw. It is not a live region (a
      // screen reader would read it at every arrow key); the note alone is announced, through the
      // hidden live region, once the sliders have rested for ANNOUNCE_MS.
      this.status = htmlEl("div", { class: "molviz-status" }, root);
      this.noteEl = htmlEl("span", { class: "molviz-note" }, this.status);
      this.timingEl = htmlEl("span", { class: "molviz-timing" }, this.status);
      this.live = htmlEl("div", { class: "molviz-sr", "aria-live": "polite", "aria-atomic": "true" }, root);
      this.announced = null;
      this.announceTimer = null;
      this.W = 0;
      this.svg = null;
    }

    /** A Bank for this explorer's draws, sized for the sample slider's maximum. */
    bank() {
      const b = new Bank(Math.max(SPECS.common.n.max, this.params.n));
      this.banks.push(b);
      return b;
    }

    /**
     * Let the JavaScript engine compile the drawing code before the first slider move: when the
     * page is idle, draw twice more from fresh draws (the same picture; not counted in
     * data-redraws, but their times go to the status line, which then shows a warm redraw time).
     */
    warmUp() {
      const idle = typeof requestIdleCallback === "function" ? requestIdleCallback : (f) => setTimeout(f, 50);
      idle(() => {
        if (!this.root.isConnected) return;
        for (let i = 0; i < 2; i++) {
          for (const b of this.banks) b.reset();
          const t0 = performance.now();
          this.redrawFn();
          this.recordTime(performance.now() - t0);
        }
        setText(this.timingEl, this.timingText());
      });
    }

    uid(name) {
      this.counter += 1;
      return `${this.baseId}-${name}-${this.counter}`;
    }

    /**
     * figure(build): the drawing. build(W) makes the SVG for a drawing W units wide (makeSvg, then
     * the axes and marks) and returns the draw function, which returns the status note. W is the
     * width of the figure's box in CSS px, kept in [MIN_W, MAX_W] (see MIN_W). When the box
     * changes width (the window is resized, a sidebar opens, a hidden explorer is shown), the
     * drawing is built again for the new width and redrawn.
     */
    figure(build) {
      this.build = build;
      this.layout();
      this.pin = new Pin(this);
      if (typeof ResizeObserver !== "function") return;
      let queued = false;
      new ResizeObserver(() => {
        if (queued) return;
        queued = true;
        // after this frame's layout, not inside the observer's callback (a change of size there
        // would be reported as a "ResizeObserver loop" error)
        requestAnimationFrame(() => {
          queued = false;
          if (this.root.isConnected && this.layout()) this.redraw();
        });
      }).observe(this.figBox);
    }

    /** Build the drawing for the width of its box; returns false if that width is unchanged. */
    layout() {
      const box = this.figBox.clientWidth;
      const W = Math.round(Math.min(MAX_W, Math.max(MIN_W, box || MAX_W)));
      if (W === this.W) return false;
      this.W = W;
      if (this.svg) this.svg.remove();
      this.redrawFn = this.build(W);
      return true;
    }

    /** The drawing's <svg>, width x height units, shown at the width of its box. */
    makeSvg(width, height, label) {
      this.svg = svgEl(
        "svg",
        { class: "molviz-plot", viewBox: `0 0 ${width} ${height}`, width: width, height: height, role: "img", "aria-label": label },
        this.figInner
      );
      this.svg.style.maxWidth = width + "px";
    }

    /** Change the drawing's height (its width stays W). */
    setHeight(height) {
      if (this.svg.getAttribute("height") !== String(height)) {
        setAttrs(this.svg, { viewBox: `0 0 ${this.W} ${height}`, height: height });
      }
    }

    /**
     * A labelled range slider with an <output> read-out. spec: {name, label, title, min, max,
     * step (a number, or a function giving the current step), value, digits, maxDigits,
     * format(v), sub(v) (a second, smaller read-out line), onInput(v)}.
     *
     * The slider holds its value as a JavaScript number, so a value given in the config stands
     * exactly as given (the browser would round it to the step, and keeps only 15 digits): the
     * input itself has step="any" and only shows the thumb. The arrow keys move the value by one
     * step, onto the step grid min + i·step (PageUp / PageDown: ten steps), the mouse moves it to
     * the nearest grid point; the current step is in data-step. The read-out shows
     * `digits` decimals (default: those of the step), more (up to `maxDigits`, default digits + 2)
     * when the value has them.
     *
     * The accessible name starts with the visible label ("a₀: logit a of component 0 ..."; WCAG
     * 2.5.3, label in name), and aria-valuetext gives the read-out ("a₀ = 1.00 (π₀=0.574)").
     */
    slider(parent, spec) {
      const id = this.uid(spec.name);
      const row = htmlEl("div", { class: "molviz-control" }, parent);
      const title = spec.title || spec.label;
      const name = title === spec.label ? title : `${spec.label}: ${title}`;
      htmlEl("label", { for: id, title: title }, row, spec.label);
      const input = htmlEl("input", { type: "range", id: id, min: spec.min, max: spec.max, step: "any", "aria-label": name, "data-param": spec.name }, row);
      const out = htmlEl("output", { for: id, id: id + "-value", "aria-hidden": "true" }, row);
      const main = out.appendChild(document.createTextNode(""));
      const small = spec.sub ? htmlEl("small", null, out) : null;
      const stepOf = typeof spec.step === "function" ? spec.step : () => spec.step;
      const digits = spec.digits !== undefined ? spec.digits : decimalsOf(stepOf());
      const maxDigits = spec.maxDigits !== undefined ? spec.maxDigits : digits + 2;
      const format = spec.format || ((v) => fmtTrim(v, digits, maxDigits));
      const lo = +spec.min;
      const hi = +spec.max;
      let value = spec.value;
      /** min + i·step, written with the step's decimals (no 0.30000000000000004), kept in range. */
      const gridPoint = (i, st) => {
        const d = decimalsOf(st);
        const v = lo + i * st;
        return Math.min(hi, Math.max(lo, d < 15 ? Number(v.toFixed(d)) : v));
      };
      const obj = {
        input: input,
        get: () => value,
        set(v) {
          value = Math.min(hi, Math.max(lo, v));
          input.value = String(value);
          obj.refresh();
        },
        /** The grid point nearest to value + count·step (so at least half a step away). */
        stepped(count) {
          const st = stepOf();
          return gridPoint(Math.round((value - lo) / st + count), st);
        },
        refresh() {
          let text = format(value);
          main.data = text;
          if (small) {
            small.textContent = spec.sub(value);
            text += " (" + small.textContent + ")";
          }
          input.setAttribute("aria-valuetext", `${spec.label} = ${text}`);
          input.setAttribute("data-step", String(stepOf()));
        },
      };
      obj.set(value);
      const changed = () => {
        obj.refresh();
        if (spec.onInput) spec.onInput(value);
        this.redraw();
      };
      input.addEventListener("keydown", (e) => {
        const count = KEY_STEPS[e.key];
        if (count === undefined || e.altKey || e.ctrlKey || e.metaKey) return;
        e.preventDefault();
        const v = obj.stepped(count);
        if (v === value) return;
        obj.set(v);
        changed();
      });
      input.addEventListener("input", () => {
        // the mouse (or Home / End): to the nearest grid point, the ends of the range as they are
        const v = parseFloat(input.value);
        const st = stepOf();
        value = v <= lo || v >= hi ? Math.min(hi, Math.max(lo, v)) : gridPoint(Math.round((v - lo) / st), st);
        if (parseFloat(input.value) !== value) input.value = String(value);
        changed();
      });
      return obj;
    }

    /** A slider for log s, whose read-out also shows s = exp(log s). */
    logScaleSlider(parent, name, label, title, spec, value, onInput) {
      return this.slider(parent, { ...spec, name, label, title, value, onInput, digits: 2, sub: (v) => "s=" + fmtSig(Math.exp(v), 3) });
    }

    button(label, title, onClick) {
      const b = htmlEl("button", { type: "button", title: title, id: this.uid("button") }, this.buttons, label);
      b.addEventListener("click", () => {
        onClick(b);
        this.redraw();
      });
      return b;
    }

    /** A toggle button (aria-pressed) starting at `pressed`; returns {on}, kept up to date. */
    toggle(label, title, pressed) {
      const state = { on: !!pressed };
      const b = this.button(label, title, () => {
        state.on = !state.on;
        b.setAttribute("aria-pressed", String(state.on));
      });
      b.setAttribute("aria-pressed", String(state.on));
      return state;
    }

    select(labelText, title, options, value, onChange) {
      const id = this.uid("select");
      const wrap = htmlEl("span", { class: "molviz-select" }, this.buttons);
      htmlEl("label", { for: id, title: title }, wrap, labelText);
      const sel = htmlEl("select", { id: id, "aria-label": `${labelText}: ${title}` }, wrap);
      for (const o of options) {
        htmlEl("option", { value: String(o.value) }, sel, o.text).selected = String(o.value) === String(value);
      }
      sel.addEventListener("change", () => {
        onChange(sel.value);
        this.redraw();
      });
      return sel;
    }

    /**
     * Run the explorer's draw function, time it with performance.now() and publish the time
     * (data-last-redraw-ms, then data-redraws + 1). The status line shows the note and, once the
     * code is warm, the median of the last TIMES_KEPT redraw times (the first draw, which also
     * compiles the code, is labelled as such).
     */
    redraw() {
      const t0 = performance.now();
      const note = this.redrawFn();
      const dt = performance.now() - t0;
      this.redraws += 1;
      this.root.setAttribute("data-last-redraw-ms", dt.toFixed(3));
      this.root.setAttribute("data-redraws", String(this.redraws));
      this.recordTime(dt);
      setText(this.noteEl, note ? note + " · " : "");
      setText(this.timingEl, this.timingText());
      this.announce(note || "");
      // the drawing's height may have changed (the discretized explorer's grows with K)
      if (this.pin && this.W < NARROW_W) requestAnimationFrame(() => this.pin.update());
    }

    recordTime(dt) {
      if (this.firstDraw === null) {
        this.firstDraw = dt;
        return;
      }
      this.times.push(dt);
      if (this.times.length > TIMES_KEPT) this.times.shift();
    }

    timingText() {
      const m = this.times.length;
      if (m === 0) return `first draw ${fmt(this.firstDraw, 1)} ms (includes compiling the code)`;
      const sorted = this.times.slice().sort((a, b) => a - b);
      const median = m % 2 ? sorted[(m - 1) / 2] : 0.5 * (sorted[m / 2 - 1] + sorted[m / 2]);
      return `redraw ${fmt(median, 1)} ms (median of the last ${m})`;
    }

    /** Put `note` into the live region once no redraw has followed for ANNOUNCE_MS. */
    announce(note) {
      if (this.announced === null) {
        this.announced = note; // the first note is on the page already; nothing to announce
        return;
      }
      clearTimeout(this.announceTimer);
      this.announceTimer = setTimeout(() => {
        if (note === this.announced) return;
        this.announced = note;
        this.live.textContent = note;
      }, ANNOUNCE_MS);
    }
  }

  /**
   * Pin(ctx): on a narrow screen the controls stack in one column under the drawing, so a slider
   * can be a screen height away from it. While the explorer spans the top of the viewport, Pin
   * then holds the drawing there (below a fixed or sticky page header, if any) and the controls
   * scroll under it, as CSS `position: sticky` would. Sticky positioning cannot be used: it sticks
   * only within the nearest box with `overflow: auto`, and pages wrap outputs in such boxes
   * (Jupyter Book's cell outputs). So the drawing (div.molviz-figure-inner) is made
   * `position: fixed` while held, and `position: relative`, shifted down, when the end of the
   * explorer pushes it up again; its box (div.molviz-figure) keeps the height, so the page does not
   * move. Only when the drawing takes at most MAX_COVER of the viewport's height, and only when the
   * page itself scrolls.
   */
  class Pin {
    constructor(ctx) {
      this.ctx = ctx;
      this.mode = "flow";
      this.broken = false; // position: fixed is not relative to the viewport here (a transformed ancestor)
      this.onScroll = () => this.update();
      // capture: scroll events do not bubble, but the document sees them all on their way down
      document.addEventListener("scroll", this.onScroll, { capture: true, passive: true });
      window.addEventListener("resize", this.onScroll, { passive: true });
      ctx.root.addEventListener("focusin", (e) => {
        // After the browser has scrolled a control focused by the keyboard into view: if it is
        // under the held drawing, scroll the page until it is just below it. (A control clicked or
        // touched is in view already, and the page must not move under the pointer.)
        requestAnimationFrame(() => {
          this.update();
          if (this.mode !== "pinned" || !e.target.matches(":focus-visible")) return;
          const below = ctx.figInner.getBoundingClientRect().bottom + 8;
          const top = e.target.getBoundingClientRect().top;
          if (top < below) window.scrollBy(0, top - below);
        });
      });
    }

    /** The bottom of a fixed or sticky header at the top of the viewport (0 if there is none). */
    headerBottom(x) {
      let bottom = 0;
      for (const el of document.elementsFromPoint(x, 1)) {
        if (el.closest(".molviz-explorer")) continue;
        for (let e = el; e && e !== document.body && e !== document.documentElement; e = e.parentElement) {
          const pos = getComputedStyle(e).position;
          if (pos !== "fixed" && pos !== "sticky") continue;
          const r = e.getBoundingClientRect();
          if (r.top <= 1 && r.bottom < 0.3 * window.innerHeight) bottom = Math.max(bottom, r.bottom);
          break;
        }
      }
      return bottom;
    }

    /** Hold, shift or release the drawing for the current scroll position (on every scroll). */
    update() {
      const ctx = this.ctx;
      const root = ctx.root;
      if (!root.isConnected) {
        document.removeEventListener("scroll", this.onScroll, { capture: true });
        window.removeEventListener("resize", this.onScroll);
        return;
      }
      const narrow = ctx.W < NARROW_W && !this.broken;
      const rr = root.getBoundingClientRect();
      const viewH = window.innerHeight;
      if (this.mode === "flow" && (!narrow || rr.bottom < 0 || rr.top > viewH)) return;
      const box = ctx.figBox.getBoundingClientRect();
      const fig = ctx.figInner;
      const h = fig.offsetHeight;
      const scroller = document.scrollingElement || document.documentElement;
      const top = this.headerBottom(Math.min(window.innerWidth - 1, Math.max(0, rr.left + rr.width / 2)));
      const end = rr.bottom - 8; // the end of the explorer's content (above its bottom padding)
      let mode = "flow";
      let shift = 0;
      if (narrow && scroller.scrollHeight > viewH + 1 && h + top <= MAX_COVER * viewH && box.top < top) {
        if (end - h > top) mode = "pinned";
        else {
          mode = "shifted";
          shift = Math.max(0, end - h - box.top);
        }
      }
      // for scroll-margin-top: a control that gets the focus is scrolled to below the drawing
      const cover = narrow ? Math.ceil(top + h + 8) + "px" : "0px";
      if (cover !== this.cover) root.style.setProperty("--molviz-cover", (this.cover = cover));
      const place =
        mode === "pinned"
          ? { position: "fixed", top: top + "px", left: box.left + "px", width: box.width + "px" }
          : mode === "shifted"
            ? { position: "relative", top: shift.toFixed(1) + "px", left: "", width: "" }
            : { position: "", top: "", left: "", width: "" };
      const key = [mode, place.top, place.left, place.width, h].join();
      if (key === this.key) return;
      this.key = key;
      Object.assign(fig.style, place);
      ctx.figBox.style.height = mode === "flow" ? "" : h + "px";
      fig.classList.toggle("molviz-pinned", mode !== "flow");
      this.mode = mode;
      if (mode === "pinned" && Math.abs(fig.getBoundingClientRect().top - top) > 2) {
        this.broken = true; // fixed is relative to some ancestor here: leave the drawing in its place
        this.update();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Pieces shared by the explorers.
  // ---------------------------------------------------------------------------------------------

  const pick = (p, key, fallback) => (p[key] !== undefined && p[key] !== null ? p[key] : fallback);

  /** The sample-count and seed sliders. */
  function commonSliders(ctx, p, nSpec = SPECS.common.n, nLabel = "samples", nTitle = "number of samples n") {
    const C = SPECS.common;
    return {
      n: ctx.slider(ctx.controls, { name: "n", label: nLabel, title: nTitle, min: nSpec.min, max: Math.max(nSpec.max, p.n), step: nSpec.step, value: p.n, format: fmtInt }),
      seed: ctx.slider(ctx.controls, { name: "seed", label: "seed", title: "seed of the xoshiro128** generator", min: C.seed.min, max: Math.max(C.seed.max, p.seed), step: 1, value: p.seed, format: String }),
    };
  }

  /** The μ and log s sliders of one logistic (the log s read-out also shows s). */
  function locationScale(ctx, S, p) {
    return {
      mu: ctx.slider(ctx.controls, { ...S.mu, name: "mu", label: "μ", title: "location μ", value: pick(p, "mu", S.mu.value), digits: 2 }),
      logS: ctx.logScaleSlider(ctx.controls, "log_s", "log s", "log scale log s", S.log_s, pick(p, "log_s", S.log_s.value)),
    };
  }

  /** The logit a, μ and log s fields of a mixture's components (for ComponentRows). */
  function mixtureFields(S, muDigits) {
    return [
      { key: "logits", label: "a", title: "logit a (weight π = softmax(a))", spec: S.logit, weights: true },
      { key: "mu", label: "μ", title: "mean μ", spec: S.mu, digits: muDigits },
      { key: "log_s", label: "log s", title: "log scale log s", spec: S.log_s, logScale: true },
    ];
  }

  /**
   * ComponentRows(ctx, p, S, kMin, fields, onK): the "K" select (kMin … MAXK) and one fieldset per
   * component k = 0 … K-1 (rebuilt when K changes; then onK(K)), each with a slider per field
   * {key, label, title, spec, digits, maxDigits, logScale, weights}; the sliders' data-param is
   * key + k (logits0, mu0, log_s0, ...). The read-out of a `weights` field (the logits a) also shows
   * the weight π_k = softmax(a)_k, updated when any logit moves. A field's spec.step may be a
   * function step(k, values) of the component and the current values (values[key][k]); its
   * slider's step is then updated when the component changes.
   * Values start from p[key] or S.defaults[key]; all MAXK components keep their state,
   * so K down then up restores them. array(key) -> the K current values.
   */
  class ComponentRows {
    constructor(ctx, p, S, kMin, fields, onK) {
      this.ctx = ctx;
      this.fields = fields;
      this.values = {};
      for (const f of fields) this.values[f.key] = S.defaults[f.key].map((d, k) => (p[f.key] && k < p[f.key].length ? p[f.key][k] : d));
      const K = pick(p, "K", p.logits ? p.logits.length : S.defaults.K);
      const options = [];
      for (let k = kMin; k <= MAXK; k++) options.push({ value: k, text: String(k) });
      ctx.select("K", "number of components K", options, K, (v) => {
        this.build(parseInt(v, 10));
        if (onK) onK(this.K);
      });
      this.build(K);
    }

    build(K) {
      const ctx = this.ctx;
      this.K = K;
      ctx.components.textContent = "";
      this.sliders = [];
      for (let k = 0; k < K; k++) {
        const fs = htmlEl("fieldset", { style: "--molviz-c:" + TAB10[k] }, ctx.components);
        htmlEl("legend", null, fs, "component " + k);
        const row = {};
        const dynamic = this.fields.filter((f) => typeof f.spec.step === "function");
        for (const f of this.fields) {
          const name = f.key + k;
          const title = f.title + " of component " + k;
          const onInput = (v) => {
            this.values[f.key][k] = v;
            for (const g of dynamic) if (g !== f) row[g.key].refresh();
            // every weight π_j changes with any logit a_k
            if (f.weights) for (const other of this.sliders) other[f.key].refresh();
          };
          const value = this.values[f.key][k];
          let spec = typeof f.spec.step === "function" ? { ...f.spec, step: () => f.spec.step(k, this.values) } : f.spec;
          if (f.weights) spec = { ...spec, sub: () => "π" + sub(k) + "=" + fmt(this.weight(f.key, k), 3) };
          row[f.key] = f.logScale
            ? ctx.logScaleSlider(fs, name, f.label + sub(k), title, spec, value, onInput)
            : ctx.slider(fs, { ...spec, name, label: f.label + sub(k), title, value, digits: f.digits, maxDigits: f.maxDigits, onInput });
        }
        this.sliders.push(row);
      }
    }

    array(key) {
      return Float64Array.from(this.sliders, (row) => row[key].get());
    }

    /** π_k = softmax(a)_k of the logits a = values[key] of the K components. */
    weight(key, k) {
      return Math.exp(logSoftmaxArr(this.values[key].slice(0, this.K))[k]);
    }
  }

  const X_RANGES = SPECS.common.x_ranges;

  /**
   * The "x range" select: "auto" (fit the whole distribution), "k0", "k1", ... (fit component k:
   * setK(K) lists them) or ±w for w in X_RANGES. view(prev, lo, hi, mu, s) -> the x range, where
   * [lo, hi] is the part of the distribution that "auto" must show.
   */
  function xRangeSelect(ctx, value) {
    let current = value === undefined || value === null ? "auto" : String(value);
    let fresh = false;
    const sel = ctx.select("x range", "range of the x axis: fitted to the distribution or to one component, or fixed", [], current, (v) => {
      current = v;
      fresh = true;
    });
    const setK = (K) => {
      const options = [["auto", "auto (fit)"]];
      for (let k = 0; k < K && K > 1; k++) options.push(["k" + k, "component " + k]);
      for (const w of X_RANGES) options.push([String(w), "±" + w + (w === 1 ? " (audio)" : "")]);
      if (!options.some((o) => o[0] === current)) current = "auto";
      sel.textContent = "";
      for (const [v, text] of options) htmlEl("option", { value: v }, sel, text).selected = v === current;
    };
    setK(0);
    return {
      setK: setK,
      view(prev, lo, hi, mu, s) {
        if (fresh) prev = null;
        fresh = false;
        if (current === "auto") return fitView(prev, lo, hi);
        if (current[0] === "k") {
          const k = +current.slice(1);
          return fitView(prev, mu[k] - 6.9 * s[k], mu[k] + 6.9 * s[k]);
        }
        return [-current, +current];
      },
    };
  }

  /**
   * fitView(prev, lo, hi): an x range holding [lo, hi] (the central quantiles of the samples) with
   * a margin, on round numbers. The previous range is kept while it still holds [lo, hi] and is at
   * most twice as wide as needed, so the view does not jump at every slider step.
   */
  function fitView(prev, lo, hi) {
    const pad = 0.08 * (hi - lo) || 1e-3;
    const a = lo - pad;
    const b = hi + pad;
    if (prev && prev[0] <= a && prev[1] >= b && prev[1] - prev[0] <= 2 * (b - a)) return prev;
    const step = niceStep(b - a, 6);
    return [Math.floor(a / step) * step, Math.ceil(b / step) * step];
  }

  /** "12 samples outside the plot", and where peaks are cut off at the top, what shows them. */
  function outsideNote(H, remedy) {
    const note = `${fmtInt(H.outside)} sample${H.outside === 1 ? "" : "s"} outside the plot`;
    return H.cut ? `${note} · ↑ a peak narrower than a bar is cut off: see it with ${remedy}` : note;
  }

  const GRID_T = Float64Array.from({ length: 81 }, (_, i) => -10 + i / 4);

  /**
   * DensityPanel(ctx, box, opts): an axes with a histogram of samples (one layer, or stacked by
   * component) and density curves evaluated on an x grid. opts: {nb (bins), stacked layers
   * (number of component colours, 0 for none), curves [{style}], xlabel, ylabel, legendBelow}.
   *   setGrid(view, mu, s): the grid: np uniform points, plus points μ_k + s_k t around every
   *     component narrower than the grid spacing, so its peak is drawn; gx[0..m).
   *   draw(view, xs, ks, n, stacked, curves, logY, peaks): histogram (density estimate: count /
   *     (n w)) and curves (arrays over the grid, null hides one); returns {outside, cut}.
   * The y range covers the histogram and the curves, except that a curve peak far above the
   * histogram (a component narrower than a bin) is cut at 2.5 times the tallest bar; the heights
   * of the `peaks` [{x, y}] cut off are written at the top (`cut` counts them). On a log y axis
   * everything down to 10^-6 of the top is shown.
   */
  class DensityPanel {
    constructor(ctx, box, opts) {
      this.opts = opts;
      this.nb = opts.nb;
      this.ax = new Axes(ctx, box, { xlabel: opts.xlabel || "x", ylabel: opts.ylabel || "density", ylabelOffset: opts.ylabelOffset });
      this.under = svgEl("g", null, this.ax.plot); // for shading behind the histogram
      this.layers = [];
      for (let k = 0; k < (opts.layers || 0); k++) {
        this.layers.push(pathEl(this.ax.plot, { fill: TAB10[k], "fill-opacity": 0.42, stroke: TAB10[k], "stroke-opacity": 0.6, "stroke-width": 0.6 }));
      }
      this.all = pathEl(this.ax.plot, HIST_STYLE);
      this.curves = opts.curves.map((st) => pathEl(this.ax.plot, st));
      this.legend = new Legend(this.ax.overlay);
      this.peakTexts = TAB10.slice(0, MAXK).map(() => svgEl("text", { "font-size": 11, fill: DENSITY, class: "molviz-halo" }, this.ax.overlay));
      const K = Math.max(1, opts.layers || 0);
      this.counts = new Float64Array(this.nb * K);
      this.x0 = new Float64Array(this.nb);
      this.x1 = new Float64Array(this.nb);
      this.base = new Float64Array(this.nb);
      this.top = new Float64Array(this.nb);
      this.np = opts.np || 320;
      this.gx = new Float64Array(this.np + MAXK * GRID_T.length);
      this.m = 0;
    }

    setGrid(view, mu, s) {
      const [lo, hi] = view;
      const gx = this.gx;
      let m = 0;
      for (let i = 0; i < this.np; i++) gx[m++] = lo + ((hi - lo) * i) / (this.np - 1);
      const dx = (hi - lo) / (this.np - 1);
      for (let k = 0; k < mu.length; k++) {
        if (s[k] > 2 * dx) continue;
        for (const t of GRID_T) {
          const x = mu[k] + s[k] * t;
          if (x > lo && x < hi) gx[m++] = x;
        }
      }
      if (m > this.np) gx.subarray(0, m).sort();
      this.m = m;
      return m;
    }

    draw(view, xs, ks, n, stacked, curves, logY, peaks) {
      const [lo, hi] = view;
      const nb = this.nb;
      const w = (hi - lo) / nb;
      const K = stacked ? this.layers.length : 1;
      const counts = this.counts;
      counts.fill(0);
      let outside = 0;
      for (let i = 0; i < n; i++) {
        const b = Math.floor((xs[i] - lo) / w);
        if (b >= 0 && b < nb) counts[(stacked ? ks[i] : 0) * nb + b] += 1;
        else outside += 1;
      }
      const norm = 1 / (n * w);
      let histMax = 0;
      for (let b = 0; b < nb; b++) {
        this.x0[b] = lo + b * w;
        this.x1[b] = lo + (b + 1) * w;
        let t = 0;
        for (let k = 0; k < K; k++) t += counts[k * nb + b];
        histMax = Math.max(histMax, t * norm);
      }
      let curveMax = 0;
      for (const c of curves) if (c) for (let i = 0; i < this.m; i++) if (c[i] > curveMax) curveMax = c[i];
      let y0;
      let y1;
      if (logY) {
        // headroom above the data (for the legend): 1.6 decades
        const top = Math.max(histMax, curveMax, 1e-300);
        y1 = 40 * top;
        y0 = 1e-6 * top;
      } else {
        y0 = 0;
        y1 = 1.1 * Math.max(histMax, histMax > 0 ? Math.min(curveMax, 2.5 * histMax) : curveMax) || 1;
      }
      const ax = this.ax;
      ax.set(view, [y0, y1], logY ? "log" : "linear");
      this.base.fill(y0);
      // one path per layer: stacked, component k's bars sit on those of components < k
      this.layers.forEach((layer, k) => {
        if (!stacked) return layer.setAttribute("d", "");
        for (let b = 0; b < nb; b++) this.top[b] = this.base[b] + counts[k * nb + b] * norm;
        layer.setAttribute("d", barsPath(this.x0, this.x1, this.base, this.top, nb, ax.sx, ax.sy));
        this.base.set(this.top);
      });
      if (!stacked) for (let b = 0; b < nb; b++) this.top[b] = y0 + counts[b] * norm;
      this.all.setAttribute("d", stacked ? "" : barsPath(this.x0, this.x1, this.base, this.top, nb, ax.sx, ax.sy));
      const ylo = logY ? y0 / 4 : -0.05 * y1;
      this.curves.forEach((p, j) => p.setAttribute("d", curves[j] ? linePath(this.gx, curves[j], this.m, ax.sx, ax.sy, ylo, 1.5 * y1) : ""));
      // Peaks cut off at the top (components narrower than a bin) get their height written there.
      let cut = 0;
      this.peakTexts.forEach((t, j) => {
        const pk = peaks && peaks[j];
        const on = !!pk && pk.y > y1 && pk.x > lo && pk.x < hi;
        show(t, on);
        if (!on) return;
        cut += 1;
        setAttrs(t, { x: ax.sx.at(pk.x) + 4, y: ax.box.y + 12 });
        setText(t, "↑ " + fmtSig(pk.y, 3));
      });
      return { outside: outside, cut: cut };
    }

    /**
     * Place the legend: at opts.legendBelow = {x, y, width}, if given (a narrow drawing: under the
     * axes, in two columns; returns the number of lines), else in the upper corner away from the curve
     * `ys` (on the grid).
     */
    setLegend(rows, ys) {
      const below = this.opts.legendBelow;
      if (below) return this.legend.set(rows, below.x, below.y, "grid", below.width);
      const at = this.ax.legendSide(this.gx, ys, this.m);
      return this.legend.set(rows, at.x, this.ax.box.y + 8, at.anchor);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Explorer: logistic (μ, log s, n, seed; Gaussian of equal sd, log y axis, x range).
  // ---------------------------------------------------------------------------------------------

  function logisticExplorer(ctx, p) {
    const S = SPECS.logistic;
    const gauss = ctx.toggle("Gaussian of equal sd", "overlay a normal density with the same standard deviation sd = sπ/√3", p.gaussian);
    const logY = ctx.toggle("log y axis", "log-scale density axis, to compare the tails (straight lines for the logistic)", p.logy);
    const xr = xRangeSelect(ctx, p.x_range);
    const { mu, logS } = locationScale(ctx, S, p);
    const common = commonSliders(ctx, p);
    const bank = ctx.bank();
    let view = null;

    ctx.figure((W) => {
      // narrow: a shorter plot, the legend (short texts, two columns) under the axes
      const narrow = W < NARROW_W;
      const box = { x: 62, y: 18, w: W - 80, h: narrow ? 200 : 290 };
      const below = { x: 8, y: box.y + box.h + 44, width: W - 16 };
      // narrow: room for the legend's 4 rows in 2 lines, whichever rows are shown
      ctx.makeSvg(W, narrow ? below.y + 2 * 17 + 4 : box.y + box.h + 52, "Logistic density with a histogram of samples");
      const panel = new DensityPanel(ctx, box, {
        nb: narrow ? 70 : 100,
        curves: [
          { stroke: GAUSSIAN, "stroke-width": 1.8, "stroke-dasharray": "6 4" },
          { stroke: TAB10[0], "stroke-width": 2.2 },
        ],
        legendBelow: narrow ? below : null,
      });
      const bounds = pathEl(panel.ax.plot, { stroke: CLIP, "stroke-width": 1.2, "stroke-dasharray": "5 3" });
      const [gy, gy2] = [0, 1].map(() => new Float64Array(panel.gx.length));

      return () => {
        const m = mu.get();
        const sc = Math.exp(logS.get());
        const n = common.n.get();
        const sd = (sc * Math.PI) / Math.sqrt(3);
        bank.ensure(common.seed.get(), 0, n, EPS, true);
        bank.sample(null, [m], [sc], n);
        view = xr.view(view, m - 6.9 * sc, m + 6.9 * sc);
        const np = panel.setGrid(view, [m], [sc]);
        for (let j = 0; j < np; j++) {
          const x = panel.gx[j];
          gy[j] = Math.exp(lgLogpdf(x, m, sc));
          gy2[j] = Math.exp(-0.5 * ((x - m) / sd) ** 2) / (sd * Math.sqrt(2 * Math.PI));
        }
        const H = panel.draw(view, bank.xs, null, n, false, [gauss.on ? gy2 : null, gy], logY.on, [{ x: m, y: 1 / (4 * sc) }]);
        const tb = sc * truncationBound(EPS);
        const bd = vlinesPath(panel.ax, [m - tb, m + tb]);
        bounds.setAttribute("d", bd);
        const rows = [
          { type: "line", color: TAB10[0], text: narrow ? "pdf p(x)" : `pdf p(x; μ = ${fmt(m, 2)}, s = ${fmtSig(sc, 3)})` },
          { type: "box", color: SAMPLE, opacity: 0.8, text: narrow ? `${fmtInt(n)} samples` : `histogram of ${fmtInt(n)} samples` },
        ];
        if (gauss.on) rows.push({ type: "line", color: GAUSSIAN, dash: "6 4", text: narrow ? "Gaussian, same sd" : `Gaussian of equal sd = ${fmtSig(sd, 3)}` });
        if (bd) rows.push({ type: "line", color: CLIP, width: 1.2, dash: "5 3", text: narrow ? "clip μ ± 11.51 s" : "clip bound μ ± 11.51 s" });
        panel.setLegend(rows, gy);
        return (
          `sd = sπ/√3 = ${fmtSig(sd, 3)} · samples lie within μ ± 11.51 s = μ ± ${fmtSig(tb, 3)} ` +
          `(clip at u ∈ [1e\u22125, 1\u22121e\u22125]) · ${outsideNote(H, "the log y axis or x range auto")}`
        );
      };
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Explorer: mixture (K; a, μ, log s per component; n, seed; stacked, components, log y, x range).
  // ---------------------------------------------------------------------------------------------

  function mixtureExplorer(ctx, p) {
    const S = SPECS.mixture;
    const rows = new ComponentRows(ctx, p, S, 1, mixtureFields(S, 2), (K) => xr.setK(K));
    const stacked = ctx.toggle("stack histogram by component", "colour the histogram by the chosen component", pick(p, "stacked", true));
    const showComponents = ctx.toggle("show πₖ pₖ(x)", "draw each weighted component density", pick(p, "components", true));
    const logY = ctx.toggle("log y axis", "log-scale density axis: narrow and wide components, and the tails, at once", p.logy);
    const xr = xRangeSelect(ctx, p.x_range);
    xr.setK(rows.K);
    const common = commonSliders(ctx, p);
    const bank = ctx.bank();
    const buf = new Float64Array(MAXK);
    let view = null;

    ctx.figure((W) => {
      // narrow: a shorter plot, the legend (short entries, two columns) under the axes; its number
      // of lines follows K and the "stack" button only
      const narrow = W < NARROW_W;
      const box = { x: 62, y: 18, w: W - 80, h: narrow ? 210 : 310 };
      const below = { x: 8, y: box.y + box.h + 44, width: W - 16 };
      ctx.makeSvg(W, box.y + box.h + 52, "Mixture density with a histogram of samples coloured by component");
      const curveStyles = TAB10.slice(0, MAXK).map((c) => ({ stroke: c, "stroke-width": 1.6, "stroke-dasharray": "5 3" }));
      const panel = new DensityPanel(ctx, box, {
        nb: narrow ? 80 : 120,
        layers: MAXK,
        curves: curveStyles.concat([{ stroke: DENSITY, "stroke-width": 2.2 }]),
        legendBelow: narrow ? below : null,
      });
      const size = panel.gx.length;
      const gy = new Float64Array(size);
      const gyk = TAB10.slice(0, MAXK).map(() => new Float64Array(size));
      return () => {
        const K = rows.K;
        const logits = rows.array("logits");
        const M = mixtureOf(logits, rows.array("mu"), rows.array("log_s"));
        const n = common.n.get();
        bank.ensure(common.seed.get(), K, n, EPS, true);
        bank.sample(logits, M.mu, M.s, n);
        view = xr.view(view, mxQuantile(1e-3, M, buf), mxQuantile(1 - 1e-3, M, buf), M.mu, M.s);
        const np = panel.setGrid(view, M.mu, M.s);
        for (let j = 0; j < np; j++) {
          const x = panel.gx[j];
          gy[j] = Math.exp(mxLogpdf(x, M, buf));
          for (let k = 0; k < K; k++) gyk[k][j] = Math.exp(M.logpi[k] + lgLogpdf(x, M.mu[k], M.s[k]));
        }
        const curves = gyk.map((c, k) => (showComponents.on && k < K ? c : null)).concat([gy]);
        const peaks = Array.from(M.mu, (x) => ({ x: x, y: Math.exp(mxLogpdf(x, M, buf)) }));
        const H = panel.draw(view, bank.xs, bank.ks, n, stacked.on, curves, logY.on, peaks);
        const legendRows = [{ type: "line", color: DENSITY, text: narrow ? "mixture p(x)" : "mixture density p(x)" }];
        const chosen = new Float64Array(K);
        for (let i = 0; i < n; i++) chosen[bank.ks[i]] += 1;
        for (let k = 0; k < K; k++) {
          legendRows.push({
            type: stacked.on ? "box" : "line",
            color: TAB10[k],
            dash: stacked.on ? null : "5 3",
            text: `k=${k}: π=${fmt(M.pi[k], 3)}` + (narrow ? "" : `, μ=${fmt(M.mu[k], 2)}, s=${fmtSig(M.s[k], 3)}`),
          });
        }
        if (!stacked.on) legendRows.push({ type: "box", color: SAMPLE, opacity: 0.8, text: narrow ? `${fmtInt(n)} samples` : `histogram of ${fmtInt(n)} samples` });
        const lines = panel.setLegend(legendRows, gy);
        if (narrow) ctx.setHeight(below.y + 17 * lines + 4);
        return (
          `${fmtInt(n)} samples; chosen per component: ` +
          Array.from(chosen, (c, k) => `k=${k} ${fmt(c / n, 3)}`).join(", ") +
          ` · ${outsideNote(H, "the log y axis or x range “component k”")}`
        );
      };
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Explorer: gumbel (K, logits, number of draws N, seed; +1 draw / play / reset).
  // ---------------------------------------------------------------------------------------------

  function gumbelExplorer(ctx, p) {
    const S = SPECS.gumbel;
    const rows = new ComponentRows(ctx, p, S, 2, [{ key: "logits", label: "a", title: "logit a (weight π = softmax(a))", spec: S.logit, weights: true }]);
    let timer = null;
    const nMax = () => +common.n.input.max;
    ctx.button("+1 draw", "draw one more sample", () => common.n.set(Math.min(common.n.get() + 1, nMax())));
    const playBtn = ctx.button("▶ play", "accumulate draws over time", (b) => {
      if (timer !== null) return stop();
      if (common.n.get() >= nMax()) common.n.set(1);
      b.textContent = "❚❚ pause";
      timer = setInterval(() => {
        if (!ctx.root.isConnected) return stop();
        const cur = common.n.get();
        const next = Math.min(nMax(), cur + Math.max(1, Math.round(cur * 0.06)));
        common.n.set(next);
        ctx.redraw();
        if (next >= nMax()) stop();
      }, 40);
    });
    function stop() {
      if (timer !== null) clearInterval(timer);
      timer = null;
      playBtn.textContent = "▶ play";
    }
    ctx.button("reset", "back to one draw", () => {
      stop();
      common.n.set(1);
    });
    const common = commonSliders(ctx, p, S.n, "draws N", "number of draws N");

    const bank = ctx.bank();
    const NCP = 240;
    const cps = new Float64Array(NCP);
    const traces = TAB10.slice(0, MAXK).map(() => new Float64Array(NCP));
    const counts = new Float64Array(MAXK);

    ctx.figure((W) => {
      // Panels A (the last draw) and B (frequencies) side by side, C (running frequencies) below;
      // narrow: shorter panels, short titles, and B's legend in a line between B and C.
      const narrow = W < NARROW_W;
      const left = narrow ? 44 : 58;
      const gap = narrow ? 62 : 92; // between A and B: B's tick labels and y label
      const wA = Math.round(((W - left - 18 - gap) * 270) / 552);
      const hAB = narrow ? 120 : 200;
      const yC = narrow ? 26 + hAB + 80 : 282;
      const hC = narrow ? 110 : 170;
      ctx.makeSvg(W, yC + hC + 48, "Gumbel-max: one draw, component frequencies against softmax, and their convergence");
      const axA = new Axes(ctx, { x: left, y: 26, w: wA, h: hAB }, { noXTicks: true, ylabel: "aₖ + gₖ", ylabelOffset: narrow ? 30 : 38, title: "" });
      const xB = left + wA + gap;
      const axB = new Axes(ctx, { x: xB, y: 26, w: W - 18 - xB, h: hAB }, { noXTicks: true, ylabel: "probability", ylabelOffset: 42, title: "" });
      const axC = new Axes(ctx, { x: left, y: yC, w: W - left - (narrow ? 16 : 34), h: hC }, {
        xkind: "log", xlabel: "number of draws (log scale)", ylabel: narrow ? "frequency" : "running frequency", ylabelOffset: narrow ? 31 : 42,
        title: narrow ? "running frequency (solid), πₖ (dashed)" : "running frequency of each component (solid) against softmax πₖ (dashed)",
      });
      // One group of nodes per component, made once; redraws move them (and hide those k >= K).
      const comps = TAB10.slice(0, MAXK).map((c, k) => ({
        alpha: svgEl("rect", { fill: c, "fill-opacity": 0.85 }, axA.plot),
        noise: svgEl("rect", { fill: c, "fill-opacity": 0.25, stroke: c, "stroke-dasharray": "3 2" }, axA.plot),
        total: svgEl("line", { stroke: DENSITY }, axA.plot),
        labelA: svgEl("text", { "text-anchor": "middle", "font-size": 12, y: axA.box.y + axA.box.h + 16 }, axA.overlay),
        freq: svgEl("rect", { fill: c, "fill-opacity": 0.75 }, axB.plot),
        soft: svgEl("line", { stroke: DENSITY, "stroke-width": 2.5 }, axB.plot),
        labelB: svgEl("text", { "text-anchor": "middle", "font-size": 12, y: axB.box.y + axB.box.h + 16 }, axB.overlay),
        target: svgEl("line", { stroke: c, "stroke-width": 1.3, "stroke-dasharray": "6 4" }, axC.plot),
        trace: pathEl(axC.plot, { stroke: c, "stroke-width": 1.8 }),
      }));
      const zero = svgEl("line", { stroke: MUTED }, axA.plot);
      const argmaxText = svgEl("text", { "text-anchor": "middle", "font-size": 12, "font-weight": 600, class: "molviz-halo" }, axA.overlay, "argmax");
      const gb = gumbelBounds(EPS);
      const gText = svgEl("text", { x: axA.box.x + 4, y: axA.box.y + axA.box.h - 6, fill: MUTED }, axA.overlay);
      fitText(gText, `g ∈ [${fmt(gb[0], 2)}, ${fmt(gb[1], 2)}]` + (narrow ? "" : " under the clip"), axA.box.w - 8, 11);
      const legendRows = [
        { type: "box", color: MUTED, opacity: 0.6, text: "empirical frequency" },
        { type: "line", color: DENSITY, width: 2.5, text: "softmax πₖ" },
      ];
      if (narrow) new Legend(ctx.svg).set(legendRows, left - 6, axB.box.y + hAB + 28, "row");
      else new Legend(axB.overlay).set(legendRows, axB.box.x + axB.box.w - 6, axB.box.y + 6, "end");

      return () => {
        const K = rows.K;
        const logits = rows.array("logits");
        const N = Math.max(1, Math.round(common.n.get()));
        const pi = softmax(logits);
        bank.ensure(common.seed.get(), K, N, EPS, false);
        chooseComponents(logits, K, bank.g, N, bank.ks);
        // Running frequencies at log-spaced checkpoints t_c (distinct integers up to N).
        let m = 0;
        for (let c = 0; c < NCP; c++) {
          const t = Math.round(Math.exp((Math.log(N) * c) / (NCP - 1)));
          if (!m || t > cps[m - 1]) cps[m++] = t;
        }
        counts.fill(0);
        for (let i = 0, c = 0; i < N; i++) {
          counts[bank.ks[i]] += 1;
          if (i + 1 === cps[c]) {
            for (let k = 0; k < K; k++) traces[k][c] = counts[k] / (i + 1);
            c += 1;
          }
        }
        const last = bank.ks[N - 1];
        const g = (k) => bank.g[(N - 1) * K + k];
        // Panel A: the last draw, a_k (solid) and a_k + g_k (light), the argmax marked.
        axA.set([0.4, K + 0.6], [-8, 14]);
        axA.setTitle(narrow ? `draw #${fmtInt(N)}: aₖ + gₖ` : `draw #${fmtInt(N)}: aₖ (solid) + noise gₖ (light)`);
        let ymax = 0;
        for (let k = 0; k < K; k++) ymax = Math.max(ymax, pi[k], counts[k] / N);
        axB.set([0.4, K + 0.6], [0, Math.min(1, ymax * 1.25 + 0.02)]);
        axB.setTitle(narrow ? `after ${fmtInt(N)} draws` : `frequencies after ${fmtInt(N)} draws`);
        axC.set([1, Math.max(10, N)], [0, 1]);
        const bw = Math.min(0.6, 2.4 / K);
        const y0 = axA.sy.at(0);
        // the components' labels under panels A and B: "k=0", or just "0" where that does not fit
        const labelOf = Math.min(wA, axB.box.w) / K >= 30 ? (k) => "k=" + k : String;
        comps.forEach((e, k) => {
          const on = k < K;
          for (const key in e) show(e[key], on);
          if (!on) return;
          const xa = axA.sx.at(k + 1 - bw / 2);
          const wa = axA.sx.at(k + 1 + bw / 2) - xa;
          const y1 = axA.sy.at(logits[k]);
          const y2 = axA.sy.at(logits[k] + g(k));
          setAttrs(e.alpha, { x: xa, width: wa, y: Math.min(y0, y1), height: Math.abs(y1 - y0) });
          setAttrs(e.noise, { x: xa, width: wa, y: Math.min(y1, y2), height: Math.abs(y2 - y1) });
          setAttrs(e.total, { x1: xa, x2: xa + wa, y1: y2, y2: y2, "stroke-width": k === last ? 3 : 1.2 });
          e.labelA.setAttribute("x", axA.sx.at(k + 1));
          setText(e.labelA, labelOf(k));
          const xb = axB.sx.at(k + 1 - bw / 2);
          const wb = axB.sx.at(k + 1 + bw / 2) - xb;
          const f = counts[k] / N;
          setAttrs(e.freq, { x: xb, width: wb, y: axB.sy.at(f), height: axB.sy.at(0) - axB.sy.at(f) });
          setAttrs(e.soft, { x1: xb - 4, x2: xb + wb + 4, y1: axB.sy.at(pi[k]), y2: axB.sy.at(pi[k]) });
          e.labelB.setAttribute("x", axB.sx.at(k + 1));
          setText(e.labelB, labelOf(k));
          const py = axC.sy.at(pi[k]);
          setAttrs(e.target, { x1: axC.box.x, x2: axC.box.x + axC.box.w, y1: py, y2: py });
          e.trace.setAttribute("d", linePath(cps, traces[k], m, axC.sx, axC.sy, 0, 1));
        });
        setAttrs(zero, { x1: axA.box.x, x2: axA.box.x + axA.box.w, y1: y0, y2: y0 });
        setAttrs(argmaxText, { x: axA.sx.at(last + 1), y: Math.max(axA.box.y + 12, axA.sy.at(logits[last] + g(last)) - 6) });
        let maxDev = 0;
        let se = 0;
        for (let k = 0; k < K; k++) {
          const dev = Math.abs(counts[k] / N - pi[k]);
          if (dev > maxDev) {
            maxDev = dev;
            se = Math.sqrt((pi[k] * (1 - pi[k])) / N);
          }
        }
        return (
          `softmax π = (${pi.map((v) => fmt(v, 3)).join(", ")}) · max |frequency \u2212 π| = ${fmt(maxDev, 4)}` +
          (se > 0 ? ` (${fmt(maxDev / se, 1)} standard errors)` : "")
        );
      };
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Explorer: inversion (μ, log s, highlighted u, ε, n, seed; logit scale for u).
  // ---------------------------------------------------------------------------------------------

  function inversionExplorer(ctx, p) {
    const S = SPECS.inversion;
    const ULO = 1e-7; // u range of the logit axis
    const logitAxis = ctx.toggle("logit scale for u", "show u on a logit axis, where the clip bands u < ε and u > 1 \u2212 ε are visible", p.logit_scale);
    const { mu, logS } = locationScale(ctx, S, p);
    const u = ctx.slider(ctx.controls, { ...S.u, name: "u", label: "u", title: "highlighted uniform value u", value: pick(p, "u", S.u.value) });
    const leps = ctx.slider(ctx.controls, {
      ...S.log10_eps, name: "log10_eps", label: "log₁₀ ε", title: "log10 of the clip ε (u ~ U(ε, 1 \u2212 ε))",
      value: p.eps !== undefined && p.eps !== null ? Math.log10(p.eps) : S.log10_eps.value,
    });
    const common = commonSliders(ctx, p);

    const NBU = 50;
    const uc = new Float64Array(NBU);
    const edges = new Float64Array(NBU + 1);
    const bank = ctx.bank();
    let view = null;

    ctx.figure((W) => {
      // The u panel (left) and the CDF panel (right) on the same u axis, the x panel under the CDF
      // on the same x axis; narrow: shorter panels, short texts, the legend in two lines.
      const narrow = W < NARROW_W;
      const xF = narrow ? 120 : 196; // narrow: the CDF panel's u axis is labelled by the u panel only
      const hF = narrow ? 170 : 290;
      const yX = narrow ? 24 + hF + 86 : 370; // narrow: room for the u panel's x label and the legend
      ctx.makeSvg(W, yX + (narrow ? 144 : 190), "Inversion sampling: uniform u mapped through the logistic CDF to x");
      const axU = new Axes(ctx, { x: 56, y: 24, w: narrow ? 50 : 90, h: hF }, { xlabel: "density of u", ylabel: "u", ylabelOffset: 44, xticks: 2 });
      const axF = new Axes(ctx, { x: xF, y: 24, w: W - xF - (narrow ? 10 : 18), h: hF }, {
        title: narrow ? "CDF u = F(x)" : "CDF u = F(x) = expit((x \u2212 μ)/s)",
        noYLabels: narrow,
      });
      const bandsU = pathEl(axU.plot, { fill: CLIP, "fill-opacity": 0.15 });
      const uHist = pathEl(axU.plot, HIST_STYLE);
      const uTheory = pathEl(axU.plot, { stroke: DENSITY, "stroke-width": 1.4 });
      const mapU = pathEl(axU.plot, { stroke: TAB10[1], "stroke-width": 2 });
      const bandsF = pathEl(axF.plot, { fill: CLIP, "fill-opacity": 0.12 });
      const faint = pathEl(axF.plot, { stroke: "#8c959f", "stroke-width": 0.8, "stroke-opacity": 0.5 });
      const cdfLine = pathEl(axF.plot, { stroke: DENSITY, "stroke-width": 2.2 });
      const mapLine = pathEl(axF.plot, { stroke: TAB10[1], "stroke-width": 2 });
      const mapDot = svgEl("circle", { r: 4, fill: TAB10[1] }, axF.plot);
      // the highlighted u's label, and a second line when that u is never drawn
      const mapLabels = [0, 1].map(() => svgEl("text", { "font-size": 12, fill: "#a04c00", "font-weight": 600, class: "molviz-halo" }, axF.overlay));
      // the clip's bound; narrow: in two lines
      const clipTexts = [0, 1].map((j) =>
        svgEl("text", { x: axF.box.x + 6, y: axF.box.y + 16 + 14 * j, "font-size": narrow ? 11 : 11.5, fill: MUTED, class: "molviz-halo" }, axF.overlay)
      );
      const panel = new DensityPanel(ctx, { x: xF, y: yX, w: axF.box.w, h: narrow ? 96 : 138 }, {
        nb: narrow ? 70 : 100,
        curves: [
          { stroke: GAUSSIAN, "stroke-width": 1.2, "stroke-dasharray": "4 3" },
          { stroke: TAB10[0], "stroke-width": 2 },
        ],
      });
      const axX = panel.ax;
      const bandsX = pathEl(panel.under, { fill: CLIP, "fill-opacity": 0.12 });
      const mapX = pathEl(axX.plot, { stroke: TAB10[1], "stroke-width": 2 });
      const connector = pathEl(ctx.svg, { stroke: TAB10[1], "stroke-width": 1.2, "stroke-dasharray": "3 3" });
      const [gc, gy, gyT] = [0, 1, 2].map(() => new Float64Array(panel.gx.length));

      return () => {
        const m = mu.get();
        const sc = Math.exp(logS.get());
        const eps = Math.pow(10, leps.get());
        const n = common.n.get();
        const ykind = logitAxis.on ? "logit" : "linear";
        const ylim = logitAxis.on ? [ULO, 1 - ULO] : [0, 1];
        bank.ensure(common.seed.get(), 0, n, eps, true);
        bank.sample(null, [m], [sc], n);
        const xs = bank.xs;
        const us = bank.u;
        const tb = sc * truncationBound(eps);
        const lo = m - tb;
        const hi = m + tb;
        // The x range: the central 99.8% of the logistic, or (logit scale) beyond the clip bounds.
        const reach = logitAxis.on ? 14 : 7;
        view = fitView(view, m - reach * sc, m + reach * sc);
        // u panel: histogram of the u's as a density (drawn sideways), bins equal in u (linear
        // axis) or in logit(u) (logit axis; bins expecting fewer than 5 samples are left out).
        const l0 = logit(ULO);
        const lw = (logit(1 - ULO) - l0) / NBU;
        for (let e = 0; e <= NBU; e++) edges[e] = logitAxis.on ? expit(l0 + lw * e) : e / NBU;
        uc.fill(0);
        for (let j = 0; j < n; j++) {
          const ub = logitAxis.on ? Math.floor((logit(us[j]) - l0) / lw) : Math.floor(us[j] * NBU);
          if (ub >= 0 && ub < NBU) uc[ub] += 1;
        }
        let udMax = 0;
        for (let b = 0; b < NBU; b++) {
          const du = edges[b + 1] - edges[b];
          uc[b] = n * du >= 5 ? uc[b] / (n * du) : NaN;
          if (uc[b] > udMax) udMax = uc[b];
        }
        axU.set([0, Math.max(1.5, Math.min(3, udMax * 1.1))], ylim, ykind);
        const x0u = axU.sx.at(0).toFixed(1);
        let d = "";
        for (let b = 0; b < NBU; b++) {
          if (!(uc[b] > 0)) continue;
          const ya = axU.sy.at(edges[b]).toFixed(1);
          d += "M" + x0u + " " + ya + "H" + axU.sx.at(uc[b]).toFixed(1) + "V" + axU.sy.at(edges[b + 1]).toFixed(1) + "H" + x0u + "Z";
        }
        uHist.setAttribute("d", d);
        const h1 = axU.sx.at(1 / (1 - 2 * eps)).toFixed(1);
        uTheory.setAttribute("d", `M${x0u} ${axU.sy.at(ylim[0]).toFixed(1)}V${axU.sy.at(eps).toFixed(1)}H${h1}V${axU.sy.at(1 - eps).toFixed(1)}H${x0u}V${axU.sy.at(ylim[1]).toFixed(1)}`);
        // Rows u < ε and u > 1 - ε, and columns x outside [μ - bound, μ + bound]: never produced.
        const band = (x0, x1, y0, y1) => `M${x0} ${y0}H${x1}V${y1}H${x0}Z`;
        const rowsOf = (ax) => {
          const b = ax.box;
          return band(b.x, b.x + b.w, ax.sy.at(eps).toFixed(2), b.y + b.h) + band(b.x, b.x + b.w, b.y, ax.sy.at(1 - eps).toFixed(2));
        };
        bandsU.setAttribute("d", rowsOf(axU));
        // CDF panel and x panel, on the same x range.
        axF.set(view, ylim, ykind);
        const np = panel.setGrid(view, [m], [sc]);
        for (let k = 0; k < np; k++) {
          const x = panel.gx[k];
          gc[k] = lgCdf(x, m, sc);
          gy[k] = Math.exp(lgLogpdf(x, m, sc));
          gyT[k] = x >= lo && x <= hi ? gy[k] / (1 - 2 * eps) : NaN;
        }
        cdfLine.setAttribute("d", linePath(panel.gx, gc, np, axF.sx, axF.sy, 0, 1));
        const H = panel.draw(view, xs, null, n, false, [gy, gyT], false);
        const bF = axF.box;
        let bandsFd = rowsOf(axF);
        let bandsXd = "";
        const v0 = view[0];
        const v1 = view[1];
        for (const [a0, a1] of [[v0, Math.min(lo, v1)], [Math.max(hi, v0), v1]]) {
          if (a1 <= a0) continue;
          bandsFd += band(axF.sx.at(a0).toFixed(1), axF.sx.at(a1).toFixed(1), bF.y, bF.y + bF.h);
          bandsXd += band(axX.sx.at(a0).toFixed(1), axX.sx.at(a1).toFixed(1), axX.box.y, axX.box.y + axX.box.h);
        }
        bandsF.setAttribute("d", bandsFd);
        bandsX.setAttribute("d", bandsXd);
        // The first 12 samples as faint mappings u -> x.
        const clampX = (x) => Math.max(v0 - (v1 - v0), Math.min(v1 + (v1 - v0), x));
        let fp = "";
        for (let q = 0; q < Math.min(12, n); q++) {
          fp += `M${bF.x} ${axF.sy.at(us[q]).toFixed(1)}H${axF.sx.at(clampX(xs[q])).toFixed(1)}V${bF.y + bF.h}`;
        }
        faint.setAttribute("d", fp);
        // The highlighted u.
        const uu = u.get();
        const clipped = uu < eps || uu > 1 - eps;
        const xu = logisticFromUniform(uu, m, sc);
        const px = axF.sx.at(clampX(xu)).toFixed(1);
        const yu = axF.sy.at(uu).toFixed(1);
        mapLine.setAttribute("d", `M${bF.x} ${yu}H${px}V${bF.y + bF.h}`);
        setAttrs(mapDot, { cx: px, cy: yu });
        mapU.setAttribute("d", `M${axU.box.x} ${axU.sy.at(uu).toFixed(1)}H${axU.box.x + axU.box.w}`);
        connector.setAttribute("d", `M${px} ${bF.y + bF.h}V${axX.box.y}`);
        mapX.setAttribute("d", `M${px} ${axX.box.y}V${axX.box.y + axX.box.h}`);
        const uEff = Math.min(Math.max(uu, eps), 1 - eps);
        const labels = [
          `u = ${fmt(uu, 3)} → x = ${fmtSig(xu, 4)}`,
          !clipped ? "" : narrow ? `never drawn; the clip gives ${fmtSig(logisticFromUniform(uEff, m, sc), 4)}`
            : `(u < ε or u > 1\u2212ε is never drawn; the clip gives ${fmtSig(logisticFromUniform(uEff, m, sc), 4)})`,
        ];
        // right of the point if the label fits there, else left of it, else from the panel's left
        const labelW = 1.15 * Math.max(textWidth(labels[0]), textWidth(labels[1])); // bold: up to 15% wider
        const anchor = +px + 8 + labelW <= bF.x + bF.w - 4 ? "start" : +px - 8 - labelW >= bF.x + 4 ? "end" : "left";
        const lx = anchor === "start" ? +px + 8 : anchor === "end" ? +px - 8 : bF.x + 4;
        const ly = Math.min(Math.max(+yu + (uu > 0.5 ? 16 : -8), bF.y + (narrow ? 46 : 30)), bF.y + bF.h - (clipped ? 21 : 6));
        mapLabels.forEach((t, j) => {
          setAttrs(t, { x: lx, y: (ly + 15 * j).toFixed(1), "text-anchor": anchor === "end" ? "end" : "start" });
          setText(t, labels[j]);
        });
        const inView = lo > v0 || hi < v1;
        const bound = `|x \u2212 μ| ≤ s·ln((1\u2212ε)/ε) = ${fmtSig(tb, 3)}`;
        const where = inView ? "(shaded: never sampled)" : narrow ? "(beyond the plot: logit scale)" : "(beyond the plot; try the logit scale)";
        setText(clipTexts[0], narrow ? bound : `clip ε = ${fmtSig(eps, 2)}: ${bound} ${where}`);
        setText(clipTexts[1], narrow ? where : "");
        const legendRows = [
          { type: "box", color: SAMPLE, opacity: 0.8, text: `${fmtInt(n)} samples x` },
          { type: "line", color: TAB10[0], text: narrow ? "under the clip p(x)/(1\u22122ε)" : "density under the clip p(x)/(1\u22122ε)" },
          { type: "line", color: GAUSSIAN, width: 1.2, dash: "4 3", text: "pdf p(x)" },
        ];
        if (narrow) panel.legend.set([legendRows[0], legendRows[2], legendRows[1]], 8, yX - 44, "flow", W - 16);
        else panel.legend.set(legendRows, axX.box.x - 4, axX.box.y - 24, "row");
        return (
          `x = μ + s·(log u \u2212 log(1\u2212u)), s = ${fmtSig(sc, 3)} · clipped mass 2ε = ${fmtSig(2 * eps, 2)}` +
          ` · ${outsideNote(H, "")}`
        );
      };
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Explorer: discretized (num_classes N = 2^8 / 2^16, bins j; logit a, μ, log s per component k;
  // zoom, centre).
  // ---------------------------------------------------------------------------------------------

  function discretizedExplorer(ctx, p) {
    const S = SPECS.discretized;
    let N = pick(p, "num_classes", S.num_classes_value);
    ctx.select("classes", "number of classes N (bins j = 0 … N\u22121) of the training grid", [
      { value: 256, text: "2^8 = 256" },
      { value: 65536, text: "2^16 = 65,536" },
    ], N, (v) => {
      N = parseInt(v, 10);
    });
    // Steps that follow the zoom (the view is c ± 1.1·2^-zoom): an arrow key moves a mean μ_k by
    // about 1/300 of the view or 1/100 of s_k, whichever is larger (0.005 at ×1; 5e-6 at ×1024
    // for a narrow component, finer than the 16-bit grid's 2/65535 ≈ 3.05e-5, while a wide one
    // still moves visibly), and the centre by about 1/16 of the view; all round decimals.
    let z = pick(p, "zoom", S.zoom.value);
    const halfWidth = () => 1.1 * Math.pow(2, -z);
    const muStep = (k, values) => floor125(Math.max((2 * halfWidth()) / 300, Math.exp(values.log_s[k]) / 100));
    const centerStep = () => floor125((2 * halfWidth()) / 16);
    ctx.components.classList.add("molviz-wide");
    const rows = new ComponentRows(ctx, p, S, 1, [
      { key: "logits", label: "a", title: "logit a (weight π = softmax(a))", spec: S.logit, weights: true },
      { key: "mu", label: "μ", title: "mean μ", spec: { ...S.mu, step: muStep }, digits: 3, maxDigits: 7 },
      { key: "log_s", label: "log s", title: "log scale log s", spec: S.log_s, logScale: true },
    ]);
    const zoom = ctx.slider(ctx.controls, {
      ...S.zoom, name: "zoom", label: "zoom", title: "zoom factor (log2)", value: z, format: (v) => "×" + fmtSig(Math.pow(2, v), 3),
      onInput: (v) => {
        z = v;
        center.refresh();
        for (const row of rows.sliders) row.mu.refresh();
      },
    });
    const center = ctx.slider(ctx.controls, {
      ...S.center, name: "center", label: "centre", title: "centre of the view", step: centerStep, value: pick(p, "center", S.center.value),
      format: (v) => fmtTrim(v, 3, decimalsOf(centerStep()) + 2),
    });
    ctx.button("← left edge", "centre the view on x = \u22121 (bin j = 0)", () => center.set(-1));
    ctx.button("centre on μ₀", "centre the view on the mean of component 0", () => center.set(rows.array("mu")[0]));
    ctx.button("right edge →", "centre the view on x = +1 (bin j = N\u22121)", () => center.set(1));
    const common = commonSliders(ctx, p);

    const counts = new Int32Array(65536);
    const NP = 400;
    const gxx = new Float64Array(NP);
    const gyy = new Float64Array(NP);
    const buf = new Float64Array(MAXK);
    const bank = ctx.bank();

    ctx.figure((W) => {
      // narrow: a shorter plot, the legend (short texts, up to 3 lines) under the axes, and the
      // lines on the components in smaller type
      const narrow = W < NARROW_W;
      const box = narrow ? { x: 76, y: 22, w: W - 86, h: 200 } : { x: 76, y: 22, w: W - 94, h: 310 };
      // baseline of component 0's line: under the axes, or (narrow) under the legend's lines
      const lineY = (legendLines) => (narrow ? box.y + box.h + 44 + 17 * legendLines + 12 : 392);
      const heightFor = (K, legendLines) => lineY(legendLines) + 6 + 15 * K;
      ctx.makeSvg(W, heightFor(rows.K, 3), "Bin masses of the discretized mixture of logistics with sample frequencies");
      const xlabel = narrow ? "x (bin centres cⱼ = \u22121 + 2j/(N\u22121))" : "x (bin centres cⱼ = \u22121 + 2j/(N\u22121), j = 0 … N\u22121)";
      const ax = new Axes(ctx, box, { xlabel: xlabel, ylabel: "probability of the bin", ylabelOffset: 58 });
      const barsInterior = pathEl(ax.plot, { fill: TAB10[0], "fill-opacity": 0.55, stroke: TAB10[0], "stroke-width": 0.5 });
      const barsEdge = pathEl(ax.plot, { fill: CLIP, "fill-opacity": 0.65, stroke: CLIP, "stroke-width": 0.8 });
      const approx = pathEl(ax.plot, { stroke: DENSITY, "stroke-width": 1.6 });
      const emp = pathEl(ax.plot, { stroke: TAB10[1], "stroke-width": 1.4 });
      const empDots = pathEl(ax.plot, { fill: TAB10[1], stroke: "none" });
      const edgeTest = pathEl(ax.plot, { stroke: TAB10[4], "stroke-dasharray": "5 3", "stroke-width": 1.2 });
      const textStyle = (color) => ({ "font-size": 12, class: "molviz-halo", fill: color });
      const edgeTestText = [0, 1].map(() => svgEl("text", textStyle(TAB10[4]), ax.overlay));
      const edgeNotes = [0, 1].map(() => svgEl("text", Object.assign(textStyle(CLIP), { "font-weight": 600 }), ax.overlay));
      const legend = new Legend(narrow ? ctx.svg : ax.overlay);
      // Where the components are: a triangle at μ_k on the x axis over a bar for the central 50%
      // of the component, μ_k ± s_k ln 3 (its quartiles); and one line per component below the
      // axis with μ_k and s_k, in x units and in bins (or where μ_k lies, if outside the view).
      const markers = TAB10.slice(0, MAXK).map((c, k) => ({
        line: svgEl("text", { x: narrow ? 8 : 16, "font-size": 12, fill: c }, ctx.svg),
        iqr: pathEl(ax.plot, { stroke: c, "stroke-width": 2 }),
        tri: svgEl("path", { fill: c, stroke: "#fff", "stroke-width": 0.8 }, ax.overlay),
        label: svgEl("text", { "font-size": 11, "font-weight": 600, fill: c, "text-anchor": "middle", class: "molviz-halo" }, ax.overlay),
      }));
      // at most one bar per 2 px: beyond that, bars are per pixel column (mean mass of its bins)
      const MAXBARS = Math.floor(box.w / 2);
      const xa = new Float64Array(MAXBARS + 2);
      const xb = new Float64Array(MAXBARS + 2);
      const mv = new Float64Array(MAXBARS + 2);
      const ev = new Float64Array(MAXBARS + 2);
      const zeros = new Float64Array(MAXBARS + 2);

      return () => {
        const K = rows.K;
        const logits = rows.array("logits");
        const M = mixtureOf(logits, rows.array("mu"), rows.array("log_s"));
        const hw = halfWidth();
        const vlo = center.get() - hw;
        const vhi = center.get() + hw;
        const h = 1 / (N - 1); // half the bin width: bin j is (c_j - h, c_j + h)
        const jLo = Math.max(0, Math.ceil((vlo + 1) / (2 * h) - 0.5));
        const jHi = Math.min(N - 1, Math.floor((vhi + 1) / (2 * h) + 0.5));
        // Samples: the sampler's x, clamped to [-1, 1] as the vocoder does, put in the nearest bin.
        const n = common.n.get();
        bank.ensure(common.seed.get(), K, n, EPS, true);
        bank.sample(logits, M.mu, M.s, n);
        counts.fill(0, 0, N);
        for (let i = 0; i < n; i++) {
          const x = bank.xs[i];
          counts[Math.round(((x < -1 ? -1 : x > 1 ? 1 : x) + 1) / (2 * h))] += 1;
        }
        // Bars: one per bin, or per pixel column (mean mass of its bins) when bins are too narrow;
        // the edge bins (those in view) always on their own, after the interior ones.
        const nVis = jHi >= jLo ? jHi - jLo + 1 : 0;
        const aggregated = nVis > MAXBARS;
        const edge0 = mxBinMass(M, N, 0);
        const edge1 = mxBinMass(M, N, N - 1);
        let nb = 0;
        const bar = (x0, x1, mass, freq) => {
          xa[nb] = x0;
          xb[nb] = x1;
          mv[nb] = mass;
          ev[nb] = freq;
          nb += 1;
        };
        if (!aggregated) {
          for (let j = Math.max(jLo, 1); j <= Math.min(jHi, N - 2); j++) {
            const c = binCenter(j, N);
            bar(c - 0.8 * h, c + 0.8 * h, mxBinMass(M, N, j), counts[j] / n);
          }
        } else {
          const per = nVis / MAXBARS;
          for (let q = 0; q < MAXBARS; q++) {
            const j0 = Math.max(1, jLo + Math.floor(q * per));
            const j1 = Math.min(N - 2, jLo + Math.floor((q + 1) * per) - 1);
            if (j1 < j0) continue;
            let se = 0;
            for (let j = j0; j <= j1; j++) se += counts[j];
            const cnt = j1 - j0 + 1;
            // interior bins j0..j1 together cover (c_j0 - h, c_j1 + h): one product-form mass
            bar(binCenter(j0, N) - h, binCenter(j1, N) + h, mxSpanMass(M, binCenter(j0, N) - h, binCenter(j1, N) + h) / cnt, se / (n * cnt));
          }
        }
        const nInterior = nb;
        const pxMin = (2.2 / ax.box.w) * (vhi - vlo); // edge bars at least ~2 px wide
        const hE = Math.max(aggregated ? h : 0.8 * h, pxMin / 2);
        if (jLo === 0) bar(-1 - hE, -1 + hE, edge0, counts[0] / n);
        if (jHi === N - 1) bar(1 - hE, 1 + hE, edge1, counts[N - 1] / n);
        let ymax = 0;
        for (let t = 0; t < nInterior; t++) ymax = Math.max(ymax, mv[t], ev[t]);
        if (ymax === 0) for (let t = nInterior; t < nb; t++) ymax = Math.max(ymax, mv[t], ev[t]);
        ymax = 1.15 * (ymax || 1 / N);
        const cap = ymax * 1.05;
        for (let t = 0; t < nb; t++) mv[t] = Math.min(mv[t], cap);
        ax.set([vlo, vhi], [0, ymax]);
        barsInterior.setAttribute("d", barsPath(xa, xb, zeros, mv, nInterior, ax.sx, ax.sy));
        barsEdge.setAttribute("d", barsPath(xa.subarray(nInterior), xb.subarray(nInterior), zeros, mv.subarray(nInterior), nb - nInterior, ax.sx, ax.sy));
        // Density times bin width 2h over the view (the continuous approximation of an interior bin).
        for (let g = 0; g < NP; g++) {
          gxx[g] = vlo + ((vhi - vlo) * g) / (NP - 1);
          gyy[g] = gxx[g] < -1 || gxx[g] > 1 ? NaN : Math.exp(mxLogpdf(gxx[g], M, buf)) * 2 * h;
        }
        approx.setAttribute("d", linePath(gxx, gyy, NP, ax.sx, ax.sy, 0, cap));
        // Empirical bin frequencies: a step line when bins are wide, dots otherwise.
        let ep = "";
        let dp = "";
        for (let w = 0; w < nb; w++) {
          const yv = ax.sy.at(Math.min(ev[w], cap)).toFixed(1);
          if (aggregated || ax.sx.at(xb[w]) - ax.sx.at(xa[w]) < 5) {
            dp += `M${ax.sx.at(0.5 * (xa[w] + xb[w])).toFixed(1)} ${yv}m-1.6 0a1.6 1.6 0 1 0 3.2 0a1.6 1.6 0 1 0 -3.2 0`;
          } else {
            ep += `M${ax.sx.at(xa[w]).toFixed(1)} ${yv}H${ax.sx.at(xb[w]).toFixed(1)}`;
          }
        }
        emp.setAttribute("d", ep);
        empDots.setAttribute("d", dp);
        // Marks at x = ±0.999 (the vocoder loss's edge test), when the view separates 0.999 from 1.
        const sep = Math.abs(ax.sx.at(1) - ax.sx.at(0.999)) >= 8;
        edgeTest.setAttribute("d", sep ? vlinesPath(ax, [-0.999, 0.999]) : "");
        [-0.999, 0.999].forEach((xm, i) => {
          const on = sep && xm > vlo && xm < vhi;
          show(edgeTestText[i], on);
          if (!on) return;
          // on the inner side of the line if the text fits there, else on the side with more room
          // (made smaller if it does not fit there either)
          const text = `x = ${fmt(xm, 3)}: ` + (narrow ? "loss edge test" : "vocoder loss edge test");
          const X = ax.sx.at(xm);
          const room = { left: X - 4 - ax.box.x, right: ax.box.x + ax.box.w - X - 4 };
          const inner = xm < 0 ? "right" : "left";
          const side = textWidth(text) <= room[inner] ? inner : room.left > room.right ? "left" : "right";
          setAttrs(edgeTestText[i], { x: X + (side === "right" ? 4 : -4), y: ax.box.y + ax.box.h / 2, "text-anchor": side === "right" ? "start" : "end" });
          fitText(edgeTestText[i], text, room[side], 12);
        });
        // The edge bins' masses, written next to them (they are often far above the interior bins).
        const noteY = [Infinity, Infinity];
        [[0, edge0, -1], [N - 1, edge1, 1]].forEach(([j, mass, xe], i) => {
          const on = xe >= vlo && xe <= vhi;
          show(edgeNotes[i], on);
          if (!on) return;
          const X = ax.sx.at(xe);
          noteY[i] = Math.max(ax.box.y + 14, ax.sy.at(Math.min(mass, cap)) - 6);
          setAttrs(edgeNotes[i], {
            x: xe < 0 ? Math.max(X + 6, ax.box.x + 4) : Math.min(X - 6, ax.box.x + ax.box.w - 4),
            y: noteY[i],
            "text-anchor": xe < 0 ? "start" : "end",
          });
          setText(edgeNotes[i], `edge bin j=${fmtInt(j)}: ${fmtSig(mass, 3)}` + (mass > cap ? " (off scale ↑)" : ""));
        });
        const yb = ax.box.y + ax.box.h;
        markers.forEach((mk, k) => {
          const on = k < K && M.mu[k] >= vlo && M.mu[k] <= vhi;
          show(mk.tri, on);
          show(mk.label, on);
          show(mk.iqr, on);
          show(mk.line, k < K);
          if (k < K && !narrow) {
            const where = on ? "" : M.mu[k] < vlo ? " (← left of the view)" : " (→ right of the view)";
            setText(mk.line, `component ${k}: μ${sub(k)} = ${fmtTrim(M.mu[k], 3, 7)}${where}, ` +
              `s${sub(k)} = ${fmtSig(M.s[k], 3)} = ${fmtCount(M.s[k] / (2 * h))} bin widths, π${sub(k)} = ${fmt(M.pi[k], 3)}`);
          } else if (k < K) {
            const where = on ? "" : M.mu[k] < vlo ? " (←)" : " (→)";
            fitText(mk.line, `μ${sub(k)} = ${fmtTrim(M.mu[k], 3, 7)}${where}, ` +
              `s${sub(k)} = ${fmtSig(M.s[k], 3)} = ${fmtCount(M.s[k] / (2 * h))} bins, π${sub(k)} = ${fmt(M.pi[k], 3)}`, W - 16, 12);
          }
          if (!on) return;
          const X = +ax.sx.at(M.mu[k]).toFixed(1);
          mk.tri.setAttribute("d", `M${X - 5} ${yb}L${X} ${yb - 8}L${X + 5} ${yb}Z`);
          const q = M.s[k] * Math.log(3);
          const [x0, x1] = [M.mu[k] - q, M.mu[k] + q].map((x) => Math.min(ax.box.x + ax.box.w + 9, Math.max(ax.box.x - 9, ax.sx.at(x))).toFixed(1));
          mk.iqr.setAttribute("d", `M${x0} ${yb - 2}H${x1}M${x0} ${yb - 7}V${yb}M${x1} ${yb - 7}V${yb}`);
          setAttrs(mk.label, { x: X, y: yb - 11 });
          setText(mk.label, "μ" + sub(k));
        });
        // The legend goes to the upper corner where the interior bars reach less high, below the
        // edge bin's note if that corner has one at the top.
        const at = ax.legendSide(xa, mv, nInterior || nb);
        const note = noteY[at.anchor === "start" ? 0 : 1];
        let legendLines = 0;
        const legendRows = [
          { type: "box", color: TAB10[0], opacity: 0.55, text: aggregated ? "bin mass (mean per pixel column)" : "bin mass Pⱼ" },
          { type: "box", color: CLIP, opacity: 0.65, text: "edge bins (absorb the tails)" },
          { type: "line", color: DENSITY, width: 1.6, text: "density × bin width p(cⱼ)·2h" },
          { type: "line", color: TAB10[1], width: 1.4, text: `sample frequency (${fmtInt(n)} samples)` },
          { type: "line", color: MUTED, width: 2, text: "▲ μₖ on the central 50% μₖ ± sₖ ln 3" },
        ];
        if (narrow) {
          const short = [aggregated ? "mean Pⱼ per column" : "bin mass Pⱼ", "edge bins", "p(cⱼ)·2h", "sample frequency", "▲ μₖ, bar ± sₖ ln 3"];
          legendLines = legend.set(legendRows.map((r, j) => ({ ...r, text: short[j] })), 8, box.y + box.h + 44, "grid", W - 16);
        } else legend.set(legendRows, at.x, note < ax.box.y + 40 ? note + 8 : ax.box.y + 8, at.anchor);
        markers.forEach((mk, k) => mk.line.setAttribute("y", lineY(legendLines) + 15 * k));
        ctx.setHeight(heightFor(K, legendLines));
        return (
          `N = ${fmtInt(N)} bins of width 2h = 2/(N\u22121) = ${fmtSig(2 * h, 3)} · showing j = ${fmtInt(jLo)}…${fmtInt(jHi)} ` +
          `(${fmtInt(nVis)} bins) · ` +
          `edge bins P₀ = ${fmtSig(edge0, 3)}, P${sub(N - 1)} = ${fmtSig(edge1, 3)}`
        );
      };
    });
  }

  const EXPLORERS = {
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
  function mount(root, config = {}) {
    if (!root || root.nodeType !== 1) throw new TypeError(`molviz.mount: root must be a DOM element, got ${String(root)}`);
    const kind = config.kind || root.getAttribute("data-kind");
    if (!Object.prototype.hasOwnProperty.call(EXPLORERS, kind)) {
      throw new RangeError(`molviz.mount: kind must be one of ${Object.keys(EXPLORERS).join(", ")}, got ${String(kind)}`);
    }
    if (root.getAttribute("data-ready") === "1") return root;
    ensureStyle(root.ownerDocument);
    root.classList.add("molviz-explorer");
    root.setAttribute("data-kind", kind);
    root.setAttribute("role", "group");
    if (config.title === false) root.setAttribute("aria-label", TITLES[kind]); // else named by its title
    const params = Object.assign({}, config.params);
    params.n = pick(params, "n", kind === "gumbel" ? SPECS.gumbel.n.value : SPECS.common.n.value);
    params.seed = pick(params, "seed", SPECS.common.seed.value);
    const ctx = new Context(root, config, kind, params);
    EXPLORERS[kind](ctx, params);
    ctx.redraw();
    root.setAttribute("data-ready", "1");
    ctx.warmUp();
    return root;
  }

  const api = {
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
    _Bank: Bank, // the explorers' cache of draws; exported for tests/test_explorer_sampler.py
  };

  if (hasModule) module.exports = api;
  if (hasWindow) window.molviz = api;
})();
