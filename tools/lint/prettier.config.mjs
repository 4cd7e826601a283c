// Prettier for the repository's JavaScript (`make lint` checks, scripts/format.sh writes): the
// style the code is already written in — 120 columns, single quotes, semicolons.
export default {
  printWidth: 120,
  singleQuote: true,
  trailingComma: 'all',
  arrowParens: 'always',
};
