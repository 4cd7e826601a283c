// Parses one dropped/picked file off the main thread: CSV (papaparse, streamed in chunks with
// progress, so a 200 MB file never blocks the page), JSON, NumPy .npy. Posts
// {id, type: 'progress', done, total} and then {id, type: 'done', dataset} or {id, type: 'error', message}.
import Papa from '../vendor/papaparse.mjs';
import { parseNpy } from './lib/npy.mjs';
import { checkColumnCount, checkDatasetShape } from './lib/limits.mjs';
import { jsonToDataset, TableBuilder } from './lib/table.mjs';

const CHUNK = 4 << 20;

function kindOf(file, head) {
  const ext = /\.([a-z0-9]+)$/i.exec(file.name)?.[1]?.toLowerCase();
  if (ext === 'npy' || (head[0] === 0x93 && head[1] === 0x4e)) return 'npy';
  if (ext === 'png' || (head[0] === 0x89 && head[1] === 0x50)) return 'png';
  if (ext === 'json') return 'json';
  if (ext === 'csv' || ext === 'tsv' || ext === 'txt') return 'csv';
  const first = String.fromCharCode(...head).trimStart()[0];
  return first === '[' || first === '{' ? 'json' : 'csv';
}

function transferables(ds) {
  const out = [];
  const visit = (v) => {
    if (ArrayBuffer.isView(v)) out.push(v.buffer);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(ds);
  return [...new Set(out)];
}

function parseCsv(file, hasHeader, progress) {
  return new Promise((resolve, reject) => {
    const table = new TableBuilder({ skipBlank: true });
    let delimiter = null;
    let failed = false;
    Papa.parse(file, {
      chunkSize: CHUNK,
      skipEmptyLines: false, // blank lines are skipped by TableBuilder, which counts them for line numbers
      chunk(results, parser) {
        try {
          if (results.errors.length && results.errors[0].type === 'Quotes') {
            throw new Error(`row ${results.errors[0].row + 1}: ${results.errors[0].message}`);
          }
          delimiter ??= results.meta.delimiter;
          table.add(results.data, hasHeader);
          if (table.columns) checkColumnCount(table.columns.length); // before parsing the rest
          progress(results.meta.cursor);
        } catch (e) {
          failed = true;
          parser.abort();
          reject(e);
        }
      },
      complete() {
        if (failed) return;
        try {
          resolve({ ...table.finish(), format: 'csv', delimiter });
        } catch (e) {
          reject(e);
        }
      },
      error(e) {
        failed = true;
        reject(new Error(e.message ?? String(e)));
      },
    });
  });
}

self.onmessage = async (event) => {
  const { id, file, hasHeader = 'auto' } = event.data;
  const progress = (done) =>
    self.postMessage({ id, type: 'progress', done: Math.min(done, file.size), total: file.size });
  try {
    const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
    if (file.size === 0) throw new Error('the file is empty');
    const kind = kindOf(file, head);
    let dataset;
    if (kind === 'csv') {
      // Binary files are not CSV: a NUL byte in the first KiB says so at once.
      const probe = new Uint8Array(await file.slice(0, 1024).arrayBuffer());
      if (probe.includes(0)) throw new Error('this is a binary file, not CSV text');
      dataset = await parseCsv(file, hasHeader, progress);
    } else if (kind === 'json') {
      let doc;
      try {
        doc = JSON.parse(await file.text());
      } catch (e) {
        throw new Error(`invalid JSON: ${e.message}`);
      }
      dataset = { ...jsonToDataset(doc), format: 'json' };
    } else if (kind === 'npy') {
      dataset = { kind: 'tensor', ...parseNpy(new Uint8Array(await file.arrayBuffer())), format: 'npy' };
    } else {
      throw new Error(
        'a PNG is a segmentation mask: use the "Segmentation masks (PNG)" cell, which pairs folders of predicted and reference masks by name',
      );
    }
    checkDatasetShape(dataset);
    progress(file.size);
    dataset.name = file.name;
    dataset.bytes = file.size;
    self.postMessage({ id, type: 'done', dataset }, transferables(dataset));
  } catch (e) {
    self.postMessage({ id, type: 'error', message: e?.message ?? String(e) });
  }
};
