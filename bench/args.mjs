// The bench scripts' one command-line reader: `--name=value` and `--flag` (true), nothing else.
// A name the script does not list, or an argument without `--`, throws with the script's name, so a
// typo never runs a default-sized measurement by mistake.

/** {name: value | true} from process.argv; `known`: the names the script reads. */
export function benchArgs(script, known, argv = process.argv.slice(2)) {
  return Object.fromEntries(
    argv.map((a) => {
      const m = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(a);
      if (!m || !known.includes(m[1]))
        throw new Error(`${script}: unknown argument ${a} (known: --${known.join(' --')})`);
      return [m[1], m[2] ?? true];
    }),
  );
}
