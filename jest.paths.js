// Maps the tsconfig path aliases (@practice-sync/*) for jest.
const { compilerOptions } = require('./tsconfig.base.json');

function pathsToModuleNameMapper() {
  const map = {};
  for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
    map[`^${alias.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`] = `<rootDir>/${target}`;
  }
  return map;
}

module.exports = { pathsToModuleNameMapper };
