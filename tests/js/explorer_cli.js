#!/usr/bin/env node
/*
 * Test bridge: runs molviz/explorer.js under Node (no DOM) for the pytest suites
 * tests/test_explorer_math.py and tests/test_explorer_sampler.py.
 *
 * Reads one JSON request from stdin:
 *   {"module": "/path/to/explorer.js",
 *    "mutations": [["exact text", "replacement"], ...],   (optional; each text must occur once)
 *    "calls": [{"op": ..., ...}, ...]}
 * and writes {"results": [...]} (one entry per call) to stdout. Non-finite numbers are written
 * as the strings "Infinity", "-Infinity" and "NaN"; typed arrays as plain arrays. Numbers are
 * written by JSON.stringify, i.e. the shortest decimal that reads back to the same double.
 *
 * ops:
 *   {"op": "map", "fn": "mixture.cdf", "xs": [...], "args": [...]}  -> [fn(x, ...args) for x in xs]
 *   {"op": "call", "fn": "softmax", "args": [...]}                   -> fn(...args)
 *   {"op": "error", "fn": ..., "args": [...]}                        -> {"name", "message"} or null
 *   {"op": "uint32" | "double", "seed": s, "count": c}               -> c outputs of makeRng(s)
 *   {"op": "uint32_state", "state": [w0, w1, w2, w3], "count": c}    -> c outputs from that state
 *   {"op": "sampleMixture", "seed", "logits", "mu", "s", "n", "eps"?} -> {"x": [...], "k": [...]}
 *   {"op": "sampleComponents", "seed", "logits", "n", "eps"?}        -> [...]
 *   {"op": "sampleLogistic", "seed", "mu", "s", "n", "eps"?}         -> {"x": [...], "u": [...]}
 *   {"op": "specs"}                                                  -> the explorer slider specs
 *   {"op": "bank", "steps": [[seed, K, n, eps, inv], ...], "logits"?, "mu", "s", "n"}
 *        -> {"x": [...], "k": [...]}: the explorers' Bank after ensure(...) of every step, then
 *           sample(logits, mu, s, n) (no logits: the single logistic, K = 0)
 */
"use strict";

const fs = require("fs");

function loadModule(path, mutations) {
  let src = fs.readFileSync(path, "utf8");
  for (const [from, to] of mutations || []) {
    const count = src.split(from).length - 1;
    if (count !== 1) throw new Error(`mutation text must occur exactly once, found ${count}: ${from}`);
    src = src.replace(from, () => to);
  }
  const mod = { exports: {} };
  new Function("module", "exports", src)(mod, mod.exports);
  return mod.exports;
}

function resolve(api, name) {
  let obj = api;
  let parent = null;
  for (const part of name.split(".")) {
    parent = obj;
    obj = obj[part];
    if (obj === undefined) throw new Error(`no function ${name}`);
  }
  return obj.bind(parent);
}

function plain(v) {
  if (ArrayBuffer.isView(v)) return Array.from(v);
  return v;
}

function run(api, call) {
  switch (call.op) {
    case "map": {
      const fn = resolve(api, call.fn);
      return call.xs.map((x) => fn(x, ...(call.args || [])));
    }
    case "call":
      return plain(resolve(api, call.fn)(...(call.args || [])));
    case "error":
      try {
        resolve(api, call.fn)(...(call.args || []));
        return null;
      } catch (e) {
        return { name: e.name, message: e.message };
      }
    case "uint32":
    case "double": {
      const rng = api.makeRng(call.seed);
      const out = new Array(call.count);
      for (let i = 0; i < call.count; i++) out[i] = call.op === "uint32" ? rng.nextUint32() : rng.nextDouble();
      return out;
    }
    case "uint32_state": {
      const rng = api.Xoshiro128ss.fromState(call.state);
      const out = new Array(call.count);
      for (let i = 0; i < call.count; i++) out[i] = rng.nextUint32();
      return out;
    }
    case "sampleMixture": {
      const r = api.sampleMixture(api.makeRng(call.seed), call.logits, call.mu, call.s, call.n, call.eps);
      return { x: Array.from(r.x), k: Array.from(r.k) };
    }
    case "sampleComponents":
      return Array.from(api.sampleComponents(api.makeRng(call.seed), call.logits, call.n, call.eps));
    case "sampleLogistic": {
      const r = api.sampleLogistic(api.makeRng(call.seed), call.mu, call.s, call.n, call.eps);
      return { x: Array.from(r.x), u: Array.from(r.u) };
    }
    case "specs":
      return api.specs;
    case "bank": {
      const bank = new api._Bank(call.capacity || 1000);
      for (const step of call.steps) bank.ensure(...step);
      bank.sample(call.logits || null, call.mu, call.s, call.n);
      const k = call.logits ? Array.from(bank.ks.subarray(0, call.n)) : [];
      return { x: Array.from(bank.xs.subarray(0, call.n)), k: k };
    }
    default:
      throw new Error(`unknown op ${call.op}`);
  }
}

function decode(v) {
  // JSON cannot carry ±Infinity: accept the strings from Python as numbers.
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  if (Array.isArray(v)) return v.map(decode);
  return v;
}

const request = JSON.parse(fs.readFileSync(0, "utf8"));
const api = loadModule(request.module, request.mutations);
const results = request.calls.map((call) => {
  const c = Object.assign({}, call);
  if (c.xs) c.xs = decode(c.xs);
  if (c.args) c.args = decode(c.args);
  return run(api, c);
});
process.stdout.write(
  JSON.stringify({ results }, (key, value) => {
    if (typeof value === "number" && !Number.isFinite(value)) return String(value);
    return value;
  })
);
