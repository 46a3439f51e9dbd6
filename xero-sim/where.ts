/**
 * A small interpreter for Xero's `where` query parameter, enough for the filters clients
 * actually send: `InvoiceNumber=="SB-1"`, `Reference=="x" AND Status!="VOIDED"`,
 * `Contact.ContactID==guid("…")`, `Name.Contains("Amazon")`, `Date>=DateTime(2024,01,31)`.
 * https://developer.xero.com/documentation/api/accounting/requests-and-responses#retrieving-a-filtered-set-of-resources
 */
type Value = string | number | boolean | null;
type Predicate = (item: Record<string, unknown>) => boolean;

export class WhereSyntaxError extends Error {}

const TOKEN =
  /\s*(\(|\)|==|!=|>=|<=|>|<|&&|\|\||,|\.|"(?:[^"\\]|\\.)*"|[A-Za-z_][A-Za-z0-9_]*|-?\d+(?:\.\d+)?)/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) throw new WhereSyntaxError(`Unexpected text at ${at}: ${text.slice(at, at + 20)}`);
    tokens.push(m[1] as string);
  }
  return tokens;
}

function lookup(item: Record<string, unknown>, path: string[]): unknown {
  let value: unknown = item;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Dates render as "/Date(ms+0000)/"; compare them by their instant. */
function comparable(value: unknown): Value {
  if (typeof value === 'string') {
    const ms = /^\/Date\((-?\d+)/.exec(value);
    if (ms) return Number(ms[1]);
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return null;
}

export function compileWhere(text: string): Predicate {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const take = (expected?: string): string => {
    const t = tokens[i++];
    if (t === undefined || (expected !== undefined && t.toLowerCase() !== expected.toLowerCase())) {
      throw new WhereSyntaxError(`Expected ${expected ?? 'more'} in where clause`);
    }
    return t;
  };

  function literal(): Value {
    const t = take();
    if (t.startsWith('"')) return JSON.parse(t) as string;
    if (/^-?\d/.test(t)) return Number(t);
    const lower = t.toLowerCase();
    if (lower === 'true' || lower === 'false') return lower === 'true';
    if (lower === 'null') return null;
    if (lower === 'guid') {
      take('(');
      const v = literal();
      take(')');
      return v;
    }
    if (lower === 'datetime') {
      take('(');
      const parts: number[] = [Number(literal())];
      while (peek() === ',') {
        take(',');
        parts.push(Number(literal()));
      }
      take(')');
      const [y = 1970, m = 1, d = 1] = parts;
      return Date.UTC(y, m - 1, d);
    }
    throw new WhereSyntaxError(`Unexpected ${t} in where clause`);
  }

  function comparison(): Predicate {
    if (peek() === '(') {
      take('(');
      const inner = disjunction();
      take(')');
      return inner;
    }
    const path = [take()];
    while (peek() === '.') {
      take('.');
      const name = take();
      if (peek() === '(') {
        take('(');
        const arg = String(literal());
        take(')');
        const method = name.toLowerCase();
        const at = [...path];
        return (item) => {
          const v = String(lookup(item, at) ?? '');
          if (method === 'contains') return v.includes(arg);
          if (method === 'startswith') return v.startsWith(arg);
          if (method === 'endswith') return v.endsWith(arg);
          throw new WhereSyntaxError(`Unknown method ${name}`);
        };
      }
      path.push(name);
    }
    const op = take();
    const right = literal();
    return (item) => {
      const left = comparable(lookup(item, path));
      const r = right;
      // Xero compares text case-insensitively.
      const isEqual =
        left === r ||
        (typeof left === 'string' && typeof r === 'string' && left.toLowerCase() === r.toLowerCase());
      switch (op) {
        case '==':
          return isEqual;
        case '!=':
          return !isEqual;
        case '>':
          return left !== null && r !== null && left > r;
        case '>=':
          return left !== null && r !== null && left >= r;
        case '<':
          return left !== null && r !== null && left < r;
        case '<=':
          return left !== null && r !== null && left <= r;
        default:
          throw new WhereSyntaxError(`Unknown operator ${op}`);
      }
    };
  }

  function conjunction(): Predicate {
    let left = comparison();
    while (peek() !== undefined && ['and', '&&'].includes((peek() as string).toLowerCase())) {
      take();
      const l = left;
      const r = comparison();
      left = (item) => l(item) && r(item);
    }
    return left;
  }

  function disjunction(): Predicate {
    let left = conjunction();
    while (peek() !== undefined && ['or', '||'].includes((peek() as string).toLowerCase())) {
      take();
      const l = left;
      const r = conjunction();
      left = (item) => l(item) || r(item);
    }
    return left;
  }

  const predicate = disjunction();
  if (i !== tokens.length) throw new WhereSyntaxError(`Unexpected ${tokens[i]} in where clause`);
  return predicate;
}
