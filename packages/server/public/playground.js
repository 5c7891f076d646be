// MARIA playground: plain browser JavaScript, served by maria-serve itself (no CDN, no build).
// It posts to /v1/infill and /v1/generate with "stream": true and reads the Server-Sent
// Events from the fetch body, so every filled token's text is shown the moment it is decoded.
'use strict';

const $ = (id) => document.getElementById(id);
const output = $('output');
const status = $('status');
const progress = $('progress');
let running = null;

for (const [slider, label] of [['temperature', 'temperature-value'], ['top-p', 'top-p-value']]) {
  const update = () => { $(label).textContent = Number($(slider).value).toFixed(2); };
  $(slider).addEventListener('input', update);
  update();
}

function setStatus(text, isError = false) {
  status.textContent = text;
  status.classList.toggle('error', isError);
}

function setRunning(controller) {
  running = controller;
  $('fill').disabled = controller !== null;
  $('generate').disabled = controller !== null;
  $('stop').disabled = controller === null;
}

function headers() {
  const result = { 'content-type': 'application/json' };
  const token = $('token').value.trim();
  if (token) result.authorization = `Bearer ${token}`;
  return result;
}

function optionalSeed() {
  const value = $('seed').value.trim();
  return value === '' ? {} : { seed: Number(value) };
}

// Reads an event stream from a fetch response, calling onEvent(name, data) per event.
async function readEvents(response, onEvent) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) name = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      onEvent(name, JSON.parse(data.join('\n')));
    }
  }
}

async function post(path, body, onEvent) {
  const controller = new AbortController();
  setRunning(controller);
  try {
    const response = await fetch(path, { method: 'POST', headers: headers(), body: JSON.stringify({ ...body, stream: true }), signal: controller.signal });
    if (!response.ok) {
      const error = await response.json().catch(() => ({ message: response.statusText }));
      const retry = response.headers.get('retry-after');
      setStatus(`Error ${response.status}: ${error.message}${retry ? ` (retry in ${retry} s)` : ''}`, true);
      return;
    }
    await readEvents(response, onEvent);
  } catch (error) {
    if (error.name === 'AbortError') setStatus('Stopped.');
    else setStatus(`Error: ${error.message}`, true);
  } finally {
    setRunning(null);
  }
}

// Infill streams text, not tokens: a token may be one byte of "é", "東" or "🐱", so showing each
// token's own piece would print "�". The start event carries the decoded text before the first
// masked position and a preview of the text after each one; every token event carries the text
// it added (its `fill`, highlighted, then the known text up to the next masked position), with
// a character split across tokens arriving whole with the token that completes it.
function fill() {
  let total = 0;
  let filled = 0;
  let pending = [];
  output.replaceChildren();
  progress.value = 0;
  setStatus('Queued…');
  const text = (content, className) => {
    const node = document.createElement(className === 'fill' ? 'mark' : 'span');
    if (className) node.className = className;
    node.textContent = content;
    return node;
  };
  // Streamed text goes before the previews of what is still masked.
  const commit = (node) => (pending.length > 0 ? pending[0][0].before(node) : output.append(node));
  return post('/v1/infill', {
    text: $('text').value,
    temperature: Number($('temperature').value),
    topP: Number($('top-p').value),
    tokensPerMask: Number($('tokens-per-mask').value),
    ...optionalSeed(),
  }, (event, data) => {
    if (event === 'start') {
      total = data.masked.length;
      output.append(text(data.text));
      pending = data.masked.map((index, order) => {
        const blank = text('▢', 'pending');
        blank.dataset.index = String(index);
        const rest = text(data.pending[order], 'pending');
        output.append(blank, rest);
        return [blank, rest, index];
      });
      setStatus(`Filling ${total} token${total === 1 ? '' : 's'} (seed ${data.seed})…`);
    } else if (event === 'token') {
      const done = pending.findIndex(([, , index]) => index === data.index);
      const mark = text(data.fill, 'fill');
      mark.dataset.index = String(data.index);
      commit(mark);
      if (data.text.length > data.fill.length) commit(text(data.text.slice(data.fill.length)));
      for (const [blank, rest] of pending.splice(0, done + 1)) {
        blank.remove();
        rest.remove();
      }
      filled += 1;
      progress.value = total ? filled / total : 1;
      setStatus(`Filled ${filled} of ${total}…`);
    } else if (event === 'done') {
      for (const [blank, rest] of pending.splice(0)) {
        blank.remove();
        rest.remove();
      }
      // The stream is exact for byte-level tokenizers; for any other, the final text wins.
      if (output.textContent !== data.text) output.replaceChildren(text(data.text));
      progress.value = 1;
      output.dataset.text = data.text;
      setStatus(`Done: filled ${data.filled.length} token${data.filled.length === 1 ? '' : 's'} (seed ${data.seed}).`);
    } else if (event === 'error') {
      setStatus(`Error: ${data.message}`, true);
    }
  });
}

function generate() {
  output.replaceChildren();
  progress.value = 0;
  setStatus('Sampling from the AR model…');
  return post('/v1/generate', {
    length: Number($('length').value),
    iterations: Number($('iterations').value),
    remask: Number($('remask').value),
    ...optionalSeed(),
  }, (event, data) => {
    if (event === 'progress') {
      output.textContent = data.text;
      progress.value = data.iterations ? data.iteration / data.iterations : 1;
      setStatus(data.iteration === 0 ? 'AR sample; annealing…' : `Iteration ${data.iteration} of ${data.iterations} (T = ${data.temperature.toFixed(2)}, ${(data.elapsedMs / 1000).toFixed(1)} s)`);
    } else if (event === 'done') {
      output.textContent = data.text;
      output.dataset.text = data.text;
      progress.value = 1;
      setStatus(`Done: ${data.tokens.length} tokens after ${data.iterations} iterations (seed ${data.seed}).`);
    } else if (event === 'error') {
      setStatus(`Error: ${data.message}`, true);
    }
  });
}

$('fill').addEventListener('click', () => void fill());
$('generate').addEventListener('click', () => void generate());
$('stop').addEventListener('click', () => running?.abort());
$('text').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void fill();
});
