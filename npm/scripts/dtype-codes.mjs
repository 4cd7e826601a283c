// The element types of the engine, read from their one list, src/wasmetrics/core/dtype.hpp: the
// `enum class DType` (name -> code, the number the binding receives with each input) and
// dtype_name() (the name JS uses). build.mjs generates 'wasmetrics:dtypes' ({name: code}, read by
// src/tensor.mjs) and the TypeScript DType union from it, so the codes are written once, in C++.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DTYPE_HEADER = join(
  resolve(dirname(fileURLToPath(import.meta.url)), '../..'),
  'src/wasmetrics/core/dtype.hpp',
);

/**
 * [{name, code}] in code order from the text of dtype.hpp. Throws when the header's shape is not
 * the one read here, or when the enum, dtype_name() and kDTypeCount disagree.
 */
export function dtypeCodesFromHeader(text, where = 'dtype.hpp') {
  const fail = (why) => {
    throw new Error(`${where}: ${why}; update npm/scripts/dtype-codes.mjs if the header changed form`);
  };
  const body = /enum class DType\s*:\s*[\w:]+\s*\{([^}]*)\}/.exec(text)?.[1];
  if (body === undefined) fail('no `enum class DType : <type> { ... }` found');
  const enumerators = body
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  const codes = new Map();
  for (const e of enumerators) {
    const m = /^([A-Za-z_]\w*)\s*=\s*(\d+)$/.exec(e);
    if (!m) fail(`enumerator ${JSON.stringify(e)} has no explicit code (write \`name = N\`)`);
    codes.set(m[1], Number(m[2]));
  }
  const nameFn = /dtype_name\(DType \w+\)\s*\{([\s\S]*?)\n\}/.exec(text)?.[1];
  if (nameFn === undefined) fail('no dtype_name(DType) found');
  const names = new Map([...nameFn.matchAll(/case DType::(\w+):\s*return "([^"]+)";/g)].map((m) => [m[1], m[2]]));
  const count = Number(/kDTypeCount\s*=\s*(\d+)/.exec(text)?.[1]);
  if (codes.size !== count) fail(`kDTypeCount is ${count} but the enum has ${codes.size} entries`);
  const out = [...codes].map(([enumerator, code]) => {
    if (!names.has(enumerator)) fail(`dtype_name() has no case for DType::${enumerator}`);
    return { name: names.get(enumerator), code };
  });
  if (names.size !== codes.size) fail('dtype_name() names an enumerator the enum does not have');
  out.sort((a, b) => a.code - b.code);
  if (!out.every((d, i) => d.code === i)) fail(`the codes are not 0..${count - 1}, each once`);
  if (new Set(out.map((d) => d.name)).size !== out.length) fail('two enumerators share a name');
  return out;
}

/** The element types of the checkout's dtype.hpp. */
export const readDtypeCodes = () => dtypeCodesFromHeader(readFileSync(DTYPE_HEADER, 'utf8'), DTYPE_HEADER);
