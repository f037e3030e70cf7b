/**
 * The one way catalogue names become TypeScript names. Everything that emits an identifier goes
 * through here, so reserved words, leading digits, punctuation and collisions are handled once.
 */

/** ECMAScript reserved and strict-mode words, plus TypeScript's own, plus names that shadow globals we rely on. */
const RESERVED = new Set([
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum',
  'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null',
  'return', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'yield',
  'let', 'static', 'implements', 'interface', 'package', 'private', 'protected', 'public', 'await', 'async',
  'arguments', 'eval', 'undefined', 'NaN', 'Infinity', 'as', 'any', 'boolean', 'constructor', 'declare', 'get',
  'module', 'require', 'number', 'set', 'string', 'symbol', 'type', 'from', 'of', 'namespace', 'never', 'unknown',
  'object', 'keyof', 'readonly', 'infer', 'is', 'asserts', 'satisfies', 'accessor', 'override', 'abstract',
  // Globals and imports that generated modules use; a schema named after one would shadow it.
  'z', 'Array', 'Boolean', 'Date', 'Error', 'Function', 'JSON', 'Map', 'Math', 'Number', 'Object', 'Promise',
  'Record', 'RegExp', 'Set', 'String', 'Symbol', 'Partial', 'Readonly', 'Required', 'Pick', 'Omit',
]);

/**
 * Words of texts already split: a catalogue's names are split again and again (checks, every
 * emit's names, and each save of `generate --watch`), and the split is a chain of regular
 * expressions. Emptied when it grows past a size no catalogue's names reach.
 */
const split = new Map<string, readonly string[]>();
const MAX_SPLIT = 100_000;

/** Splits text into words at punctuation, spaces and lower→upper camel-case boundaries. */
export function words(text: string): string[] {
  let found = split.get(text);
  if (found === undefined) {
    if (split.size >= MAX_SPLIT) split.clear();
    split.set(text, (found = splitWords(text)));
  }
  return [...found];
}

function splitWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0);
}

function guard(name: string, fallback: string): string {
  let safe = name.length === 0 ? fallback : name;
  if (/^[0-9]/.test(safe)) safe = `_${safe}`;
  if (RESERVED.has(safe)) safe = `${safe}_`;
  return safe;
}

/** Whether `name` may be declared as it is: an identifier, not a reserved word or a global generated code relies on. */
export function isSafeIdentifier(name: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) && !RESERVED.has(name);
}

/**
 * `convert`, remembering its answers: each name below is a function of its text alone, and the
 * same few thousand texts are named on every load and every emit (checks, names, services) of a
 * watch process. Emptied, like the split words, past a size no catalogue reaches.
 */
function remembered(convert: (text: string) => string): (text: string) => string {
  const answers = new Map<string, string>();
  return (text) => {
    let answer = answers.get(text);
    if (answer === undefined) {
      if (answers.size >= MAX_SPLIT) answers.clear();
      answers.set(text, (answer = convert(text)));
    }
    return answer;
  };
}

/** `stock_added` → `STOCK_ADDED`: constant and object keys of `EVENT_TYPES`. */
export const constantName = remembered((text) => guard(words(text).map((w) => w.toUpperCase()).join('_'), '_'));

/** `inventory.stock_added` → `InventoryStockAdded`: type and schema names. */
export const pascalName = remembered((text) => guard(words(text).map(capitalise).join(''), 'Unnamed'));

/** `inventory.stock_added` → `inventoryStockAdded`: functions and methods. */
export const camelName = remembered((text) => {
  const [first = '', ...rest] = words(text);
  return guard(first.toLowerCase() + rest.map(capitalise).join(''), 'unnamed');
});

/** `Inventory Service` → `inventory-service`: file names and service names. */
export const kebabName = remembered((text) => words(text).map((w) => w.toLowerCase()).join('-') || 'unnamed');

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}
