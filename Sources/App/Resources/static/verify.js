// Offline verifier for EU DCC "HC1:" certificates. Once the trust list (DSC public keys) and the revocation list
// are cached, every check runs on this device: Base45, zlib (DecompressionStream), CBOR, COSE_Sign1 with WebCrypto
// ECDSA P-256 / RSA-PSS, expiry and revocation. Mirrors the server's DCCVerifier; the server stays the reference.
'use strict';
(() => {
  const form = document.getElementById('verify-form');
  const input = document.getElementById('qr');
  const verdict = document.getElementById('verdict');
  const trustStatus = document.getElementById('trust-status');
  const MAX_TEXT = 4096, MAX_INFLATED = 65536, MAX_DEPTH = 32, SKEW = 300;
  const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
  let trust = null, revoked = new Set();

  class Fail extends Error { constructor(code, detail) { super(detail); this.code = code; } }

  function b64(bytes) { let s = ''; bytes.forEach((b) => { s += String.fromCharCode(b); }); return btoa(s); }
  function unb64(text) { const s = atob(text.replace(/-/g, '+').replace(/_/g, '/')); return Uint8Array.from(s, (c) => c.charCodeAt(0)); }

  function base45(text) {
    if (text.length % 3 === 1) throw new Fail('base45', 'wrong length for Base45');
    const out = [];
    for (let i = 0; i < text.length; i += 3) {
      const d = [...text.slice(i, i + 3)].map((c) => { const v = ALPHABET.indexOf(c); if (v < 0) throw new Fail('base45', 'character not in the Base45 alphabet'); return v; });
      const n = d[0] + d[1] * 45 + (d.length === 3 ? d[2] * 2025 : 0);
      if (d.length === 3) { if (n > 0xffff) throw new Fail('base45', 'Base45 group too large'); out.push(n >> 8, n & 0xff); }
      else { if (n > 0xff) throw new Fail('base45', 'Base45 group too large'); out.push(n); }
    }
    return Uint8Array.from(out);
  }

  async function inflate(bytes) {
    if (bytes.length < 6 || (bytes[0] & 0x0f) !== 8 || ((bytes[0] << 8) | bytes[1]) % 31 !== 0) throw new Fail('zlib', 'not a zlib stream');
    const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate')).getReader();
    const parts = []; let size = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.length;
        if (size > MAX_INFLATED) { reader.cancel(); throw new Fail('zlib', 'expands beyond 64 KB'); }
        parts.push(value);
      }
    } catch (e) { if (e instanceof Fail) throw e; throw new Fail('zlib', 'broken zlib stream'); }
    const out = new Uint8Array(size); let at = 0;
    parts.forEach((p) => { out.set(p, at); at += p.length; });
    return out;
  }

  // A strict CBOR decoder for the DCC subset: maps become Map (keys may be integers).
  function cbor(bytes) {
    let pos = 0;
    const need = (n) => { if (pos + n > bytes.length) throw new Fail('cose', 'CBOR ends early'); };
    const arg = (info) => {
      if (info < 24) return info;
      if (info > 27) throw new Fail('cose', 'CBOR length not allowed');
      const n = 1 << (info - 24); need(n);
      let v = 0; for (let i = 0; i < n; i++) v = v * 256 + bytes[pos++];
      return v;
    };
    const item = (depth) => {
      if (depth > MAX_DEPTH) throw new Fail('cose', 'CBOR nested too deep');
      need(1);
      const first = bytes[pos++], major = first >> 5, info = first & 31;
      if (major === 7) {
        if (info === 20) return false; if (info === 21) return true; if (info === 22 || info === 23) return null;
        if (info === 25) { need(2); const h = (bytes[pos] << 8) | bytes[pos + 1]; pos += 2; const e = (h >> 10) & 31, f = h & 1023; const v = e === 0 ? f * 2 ** -24 : e === 31 ? (f ? NaN : Infinity) : (1 + f / 1024) * 2 ** (e - 15); return h & 0x8000 ? -v : v; }
        if (info === 26) { need(4); const v = new DataView(bytes.buffer, bytes.byteOffset + pos, 4).getFloat32(0); pos += 4; return v; }
        if (info === 27) { need(8); const v = new DataView(bytes.buffer, bytes.byteOffset + pos, 8).getFloat64(0); pos += 8; return v; }
        throw new Fail('cose', 'CBOR simple value not supported');
      }
      const indefinite = info === 31;
      if (indefinite && (major < 2 || major === 6)) throw new Fail('cose', 'CBOR indefinite length not allowed');
      const n = indefinite ? -1 : arg(info);
      const atBreak = () => { need(1); if (bytes[pos] === 0xff) { pos++; return true; } return false; };
      switch (major) {
        case 0: return n;
        case 1: return -1 - n;
        case 2: case 3: {
          let raw;
          if (indefinite) { const chunks = []; while (!atBreak()) { const c = item(depth + 1); chunks.push(typeof c === 'string' ? new TextEncoder().encode(c) : c); } raw = Uint8Array.from(chunks.flatMap((c) => [...c])); }
          else { need(n); raw = bytes.slice(pos, pos + n); pos += n; }
          if (major === 2) return raw;
          try { return new TextDecoder('utf-8', { fatal: true }).decode(raw); } catch (e) { throw new Fail('cose', 'CBOR text is not UTF-8'); }
        }
        case 4: { const a = []; if (indefinite) { while (!atBreak()) a.push(item(depth + 1)); } else { if (n > bytes.length - pos) throw new Fail('cose', 'CBOR ends early'); for (let i = 0; i < n; i++) a.push(item(depth + 1)); } return a; }
        case 5: {
          const m = new Map();
          const add = () => { const k = item(depth + 1); if (m.has(k)) throw new Fail('cose', 'CBOR map repeats a key'); m.set(k, item(depth + 1)); };
          if (indefinite) { while (!atBreak()) add(); } else { if (n > bytes.length - pos) throw new Fail('cose', 'CBOR ends early'); for (let i = 0; i < n; i++) add(); }
          return m;
        }
        default: return { tag: n, value: item(depth + 1) };
      }
    };
    const value = item(0);
    if (pos !== bytes.length) throw new Fail('cose', 'CBOR has bytes after the data item');
    return value;
  }

  function head(major, n) {
    if (n < 24) return [(major << 5) | n];
    if (n < 256) return [(major << 5) | 24, n];
    if (n < 65536) return [(major << 5) | 25, n >> 8, n & 255];
    return [(major << 5) | 26, (n >>> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255];
  }
  function sigStructure(protectedBytes, payload) {
    const label = new TextEncoder().encode('Signature1');
    return Uint8Array.from([0x84, ...head(3, label.length), ...label, ...head(2, protectedBytes.length), ...protectedBytes, 0x40,
      ...head(2, payload.length), ...payload]);
  }

  const toObject = (v) => {
    if (v instanceof Map) { const o = {}; v.forEach((value, key) => { o[String(key)] = toObject(value); }); return o; }
    if (Array.isArray(v)) return v.map(toObject);
    return v;
  };

  async function verify(text) {
    const reasons = [];
    if (text.length > MAX_TEXT) throw new Fail('size', 'the QR text is longer than a certificate can be');
    if (!text.startsWith('HC1:')) throw new Fail('prefix', 'the text does not start with HC1:');
    const cose = await inflate(base45(text.slice(4)));
    let message = cbor(cose);
    if (message && message.tag === 61) message = message.value;
    if (message && message.tag === 18) message = message.value;
    if (!Array.isArray(message) || message.length !== 4 || !(message[0] instanceof Uint8Array) || !(message[2] instanceof Uint8Array)
        || !(message[3] instanceof Uint8Array) || !(message[1] instanceof Map)) throw new Fail('cose', 'not a COSE_Sign1 structure');
    const [protectedBytes, unprotected, payload, signature] = message;
    const header = protectedBytes.length ? cbor(protectedBytes) : new Map();
    if (!(header instanceof Map)) throw new Fail('cose', 'protected header is not a map');
    const kid = header.has(4) ? header.get(4) : unprotected.get(4);
    if (!(kid instanceof Uint8Array)) throw new Fail('unknown_kid', 'no signing key named');
    const candidates = (trust || []).filter((c) => c.kid === b64(kid));
    if (!candidates.length) throw new Fail('unknown_kid', 'signing key ' + [...kid].map((b) => b.toString(16).padStart(2, '0')).join('') + ' is not in the trust list');
    const alg = header.get(1), data = sigStructure(protectedBytes, payload);
    let signer = null;
    for (const c of candidates) {
      try {
        if (alg === -7 && c.algorithm === 'ES256') {
          const key = await crypto.subtle.importKey('spki', unb64(c.publicKey), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
          if (await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, signature, data)) { signer = c; break; }
        } else if (alg === -37 && c.algorithm === 'PS256') {
          const key = await crypto.subtle.importKey('spki', unb64(c.publicKey), { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['verify']);
          if (await crypto.subtle.verify({ name: 'RSA-PSS', saltLength: 32 }, key, signature, data)) { signer = c; break; }
        }
      } catch (e) { /* a key that cannot be imported is not a match */ }
    }
    if (!signer) throw new Fail('bad_signature', 'the signature does not match the signing key');
    const claims = cbor(payload);
    const hcert = claims instanceof Map && claims.get(-260);
    const dcc = hcert instanceof Map && hcert.get(1);
    if (!(dcc instanceof Map)) throw new Fail('cwt', 'the signed content has no health certificate');
    const now = Date.now() / 1000, iat = claims.get(6), exp = claims.get(4);
    if (typeof exp !== 'number' || typeof iat !== 'number') reasons.push('issued-at or expiry missing');
    if (exp < now) reasons.push('expired on ' + new Date(exp * 1000).toLocaleString());
    if (iat > now + SKEW) reasons.push('issued in the future');
    const cert = toObject(dcc);
    const kind = ['v', 't', 'r'].filter((k) => cert[k]);
    if (kind.length !== 1) reasons.push('not exactly one of vaccination, test, recovery');
    const entry = kind.length === 1 && Array.isArray(cert[kind[0]]) ? cert[kind[0]][0] : {};
    const allowed = { v: 'vaccination', t: 'test', r: 'recovery' }[kind[0]];
    if (signer.kinds && allowed && !signer.kinds.includes(allowed)) reasons.push('the signer may not sign ' + allowed + ' certificates');
    if (entry && entry.ci) {
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(entry.ci)));
      if (revoked.has(b64(digest.slice(0, 16)))) reasons.push('revoked');
    }
    return { reasons, cert, entry, exp };
  }

  function show(ok, lines, details) {
    verdict.textContent = '';
    const p = document.createElement('p');
    p.className = 'verdict ' + (ok ? 'ok' : 'bad');
    p.textContent = ok ? verdict.dataset.validLabel : verdict.dataset.invalidLabel;
    verdict.append(p);
    if (details) { const d = document.createElement('p'); d.textContent = details; verdict.append(d); }
    if (lines.length) { const ul = document.createElement('ul'); lines.forEach((l) => { const li = document.createElement('li'); li.textContent = l; ul.append(li); }); verdict.append(ul); }
  }

  async function check() {
    const text = input.value.trim();
    if (!text) return;
    try {
      const { reasons, cert, entry, exp } = await verify(text);
      const nam = cert.nam || {};
      show(reasons.length === 0, reasons, [nam.fn, nam.gn].filter(Boolean).join(' ') + ' · ' + (cert.dob || '') + ' · ' + (entry.ci || '')
        + ' · ' + new Date(exp * 1000).toLocaleDateString());
    } catch (e) {
      show(false, [e instanceof Fail ? e.message : 'unreadable certificate'], null);
    }
  }

  // The trust list is a JWS signed by the issuer's CSCA, whose public key this page carries (data-trust-key). The JWS
  // is kept as received and checked again each time the page loads, so neither a tampered download nor a tampered
  // cache is used: without a list that verifies, checks go to the server.
  async function verifiedTrustList(jws) {
    const pinned = trustStatus.dataset.trustKey;
    if (!pinned || !jws || typeof jws.protected !== 'string' || typeof jws.payload !== 'string' || typeof jws.signature !== 'string') return null;
    const header = JSON.parse(new TextDecoder().decode(unb64(jws.protected)));
    if (header.alg !== 'ES256') return null;
    const key = await crypto.subtle.importKey('spki', unb64(pinned), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    const ok = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, unb64(jws.signature),
      new TextEncoder().encode(jws.protected + '.' + jws.payload));
    return ok ? JSON.parse(new TextDecoder().decode(unb64(jws.payload))).certificates : null;
  }

  async function loadLists() {
    try {
      const response = await fetch('/api/v1/trustlist', { cache: 'no-cache' });
      if (response.ok) {
        const jws = await response.json();
        if (await verifiedTrustList(jws).catch(() => null)) localStorage.setItem('sentinel.trustlist.jws', JSON.stringify(jws));
      }
      const rev = await fetch('/api/v1/revocations', { cache: 'no-cache' });
      if (rev.ok) localStorage.setItem('sentinel.revocations', JSON.stringify((await rev.json()).hashes));
    } catch (e) { /* offline: use what is cached */ }
    localStorage.removeItem('sentinel.trustlist');  // an unsigned copy an earlier version of this page kept
    const cached = localStorage.getItem('sentinel.trustlist.jws');
    trust = cached ? await verifiedTrustList(JSON.parse(cached)).catch(() => null) : null;
    revoked = new Set(JSON.parse(localStorage.getItem('sentinel.revocations') || '[]'));
    if (cached && !trust) { trustStatus.textContent = trustStatus.dataset.bad; return; }
    trustStatus.textContent = trustStatus.textContent.replace('…', trust ? String(trust.length) + ' (' + trustStatus.dataset.signed + ')' : '—');
  }

  form.addEventListener('submit', (event) => {
    if (!trust || typeof DecompressionStream === 'undefined') return;  // let the server check instead
    event.preventDefault();
    check();
  });
  // A USB scanner types the text and presses Enter.
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && trust) { event.preventDefault(); check(); }
  });

  const camera = document.getElementById('camera');
  if ('BarcodeDetector' in window && navigator.mediaDevices) {
    camera.hidden = false;
    camera.addEventListener('click', async () => {
      const video = document.getElementById('preview');
      const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
      video.srcObject = stream; video.hidden = false; await video.play();
      const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
      const scan = async () => {
        const codes = await detector.detect(video).catch(() => []);
        if (codes.length) { stream.getTracks().forEach((t) => t.stop()); video.hidden = true; input.value = codes[0].rawValue; check(); }
        else requestAnimationFrame(scan);
      };
      scan();
    });
  }
  loadLists();
})();
