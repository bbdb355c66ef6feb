// Compliance page: search the log, open an event with its RFC 9162 inclusion proof (verified here, in the browser,
// against the signed tree head's root), and verify the whole chain. Talks only to this audit-svc's REST API.
'use strict';

const state = { token: sessionStorage.getItem('ztna-audit-token') || '', after: 0, filters: {} };
const $ = (id) => document.getElementById(id);

async function api(path, options = {}) {
  const response = await fetch(path, { ...options, headers: { Authorization: 'Bearer ' + state.token } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(body.detail || ('HTTP ' + response.status));
    error.status = response.status;
    throw error;
  }
  return body;
}

function text(value) {
  return value === undefined || value === null ? '' : String(value);
}

function cell(row, value, className) {
  const td = document.createElement('td');
  td.textContent = text(value);
  if (className) td.className = className;
  row.appendChild(td);
}

async function start() {
  try {
    const head = await api('/api/v1/tree-head');
    $('login').hidden = true;
    $('app').hidden = false;
    $('head').textContent = 'Latest signed tree head: ' + head.tree_size + ' entries, root ' + head.root_hash.slice(0, 16) + '…, key ' + head.key_id;
    await search(true);
  } catch (e) {
    $('login-error').textContent = e.status === 401 ? 'That token is not valid (or it expired).'
      : e.status === 403 ? 'That token lacks the auditor or admin role.' : 'Cannot reach the audit log: ' + e.message;
  }
}

async function search(reset) {
  if (reset) {
    state.after = 0;
    $('events').querySelector('tbody').replaceChildren();
  }
  const params = new URLSearchParams({ after: state.after, limit: 50 });
  for (const [k, v] of Object.entries(state.filters)) if (v) params.set(k, v);
  const page = await api('/api/v1/events?' + params);
  const tbody = $('events').querySelector('tbody');
  for (const event of page.events) {
    const row = document.createElement('tr');
    row.dataset.id = event.id;
    cell(row, tbody.children.length + 1);
    cell(row, event.time);
    cell(row, event.type);
    cell(row, event.actor);
    cell(row, event.app);
    cell(row, (event.outcome || '').replace('OUTCOME_', '').toLowerCase(), event.outcome === 'OUTCOME_FAILURE' ? 'failure' : '');
    cell(row, event.reason);
    row.addEventListener('click', () => showEvent(event));
    tbody.appendChild(row);
  }
  state.after = page.next_after || state.after;
  $('more').hidden = !page.next_after;
}

async function sha256(...parts) {
  const length = parts.reduce((n, p) => n + p.length, 0);
  const joined = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) { joined.set(p, offset); offset += p.length; }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', joined));
}

const hexToBytes = (hex) => new Uint8Array(hex.match(/../g).map((h) => parseInt(h, 16)));
const bytesToHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

// RFC 9162 §2.1.3.2: recompute the root from the leaf and its audit path.
async function rootFromInclusion(index, size, leafHash, path) {
  let fn = BigInt(index), sn = BigInt(size) - 1n, r = leafHash;
  for (const p of path) {
    if (sn === 0n) return null;
    if ((fn & 1n) === 1n || fn === sn) {
      r = await sha256(new Uint8Array([1]), p, r);
      while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      r = await sha256(new Uint8Array([1]), r, p);
    }
    fn >>= 1n; sn >>= 1n;
  }
  return sn === 0n ? r : null;
}

async function showEvent(event) {
  $('detail').hidden = false;
  $('detail-id').textContent = event.id;
  $('detail-json').textContent = JSON.stringify(event, null, 2);
  const status = $('proof-status');
  status.dataset.state = 'unknown';
  status.textContent = 'Checking…';
  try {
    const head = await api('/api/v1/tree-head');
    if (head.tree_size === 0) throw new Error('no signed tree head yet');
    const proof = await api('/api/v1/proofs/inclusion?event_id=' + encodeURIComponent(event.id));
    $('proof-json').textContent = JSON.stringify({ ...proof, payload: '(base64, ' + proof.payload.length + ' chars)' }, null, 2);
    const payload = Uint8Array.from(atob(proof.payload), (c) => c.charCodeAt(0));
    const leaf = await sha256(new Uint8Array([0]), payload);
    const root = await rootFromInclusion(proof.leaf_index, proof.tree_size, leaf, proof.audit_path.map(hexToBytes));
    const ok = root !== null && proof.tree_size === head.tree_size && bytesToHex(root) === head.root_hash
      && bytesToHex(leaf) === proof.leaf_hash;
    status.dataset.state = ok ? 'ok' : 'bad';
    status.textContent = ok ? 'Included: verified in this browser against the signed tree head of ' + head.tree_size + ' entries.'
      : 'The proof does NOT match the signed tree head.';
  } catch (e) {
    status.dataset.state = 'unknown';
    status.textContent = 'No proof yet (' + e.message + '): the event is newer than the latest signed tree head.';
  }
}

async function verifyChain() {
  const chain = $('chain');
  chain.textContent = 'Chain: verifying…';
  try {
    const result = await api('/api/v1/chain/verify');
    chain.dataset.state = result.valid ? 'ok' : 'bad';
    chain.textContent = result.valid ? 'Chain: intact (' + result.entries + ' entries)'
      : 'Chain: BROKEN at entry ' + result.first_bad_seq + ' — ' + result.problem;
  } catch (e) {
    chain.dataset.state = 'bad';
    chain.textContent = 'Chain: could not verify (' + e.message + ')';
  }
}

$('use-token').addEventListener('click', () => {
  state.token = $('token').value.trim();
  sessionStorage.setItem('ztna-audit-token', state.token);
  start();
});
$('search').addEventListener('submit', (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  state.filters = { type: form.get('type'), actor: form.get('actor'), app: form.get('app') };
  search(true).catch((err) => { $('head').textContent = err.message; });
});
$('more').addEventListener('click', () => search(false));
$('verify').addEventListener('click', verifyChain);
if (state.token) start();
