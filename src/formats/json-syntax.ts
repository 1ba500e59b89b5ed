/**
 * Where JSON text first goes wrong. V8 gives a position for some syntax errors only ("Unexpected token" has
 * none in Node 20), so parseJsonFile (format.ts) finds it with this small scanner of the JSON grammar.
 */

/** Thrown at the offset of the first syntax error. */
class Stop {
  constructor(readonly at: number) {}
}

class Scanner {
  i = 0;
  constructor(private readonly text: string) {}

  fail(): never {
    throw new Stop(this.i);
  }

  ws(): void {
    while (this.i < this.text.length && ' \t\n\r'.includes(this.text[this.i]!)) this.i++;
  }

  lit(word: string): void {
    for (const ch of word) {
      if (this.text[this.i] !== ch) this.fail();
      this.i++;
    }
  }

  str(): void {
    const text = this.text;
    this.i++; // opening quote
    while (this.i < text.length) {
      const c = text[this.i]!;
      if (c === '"') {
        this.i++;
        return;
      }
      if (c === '\\') {
        this.i++;
        const e = text[this.i];
        if (e === 'u') {
          this.i++;
          for (let k = 0; k < 4; k++, this.i++) if (!/[0-9a-fA-F]/.test(text[this.i] ?? '')) this.fail();
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) this.i++;
        else this.fail();
      } else if (c < ' ') this.fail();
      else this.i++;
    }
    this.fail();
  }

  num(): void {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.i, this.i + 400));
    if (!m || m[0].length === 0) this.fail();
    this.i += m![0].length;
  }

  /** The members of an object or the items of an array, after its opening bracket. */
  members(close: '}' | ']'): void {
    this.i++;
    this.ws();
    if (this.text[this.i] === close) {
      this.i++;
      return;
    }
    for (;;) {
      if (close === '}') {
        this.ws();
        if (this.text[this.i] !== '"') this.fail();
        this.str();
        this.ws();
        if (this.text[this.i] !== ':') this.fail();
        this.i++;
      }
      this.value();
      this.ws();
      if (this.text[this.i] === ',') {
        this.i++;
        continue;
      }
      if (this.text[this.i] === close) {
        this.i++;
        return;
      }
      this.fail();
    }
  }

  value(): void {
    this.ws();
    const c = this.text[this.i];
    if (c === '{') this.members('}');
    else if (c === '[') this.members(']');
    else if (c === '"') this.str();
    else if (c === 't') this.lit('true');
    else if (c === 'f') this.lit('false');
    else if (c === 'n') this.lit('null');
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) this.num();
    else this.fail();
  }
}

/** Offset of the first JSON syntax error in `text` (text.length when it ends too early, or has none). */
export function jsonErrorOffset(text: string): number {
  const s = new Scanner(text);
  try {
    s.value();
    s.ws();
    if (s.i < text.length) s.fail();
  } catch (e) {
    if (e instanceof Stop) return Math.min(e.at, text.length);
    throw e;
  }
  return text.length;
}
