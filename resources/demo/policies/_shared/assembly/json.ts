// A small JSON value model, parser and serializer for the demo policies.
// AssemblyScript has no JSON in its standard library. Objects keep their key
// order and numbers keep their source text, so an object parsed and serialized
// again is unchanged (apart from whitespace and string escapes), which the
// mutating policy needs to return a faithful `mutated_object`.

export enum Kind {
  Null,
  Bool,
  Number,
  String,
  Array,
  Object,
}

export class JSONValue {
  kind: Kind = Kind.Null;
  boolValue: bool = false;
  // Strings: the decoded text. Numbers: the literal as written.
  text: string = "";
  items: JSONValue[] = [];
  keys: string[] = [];
  values: JSONValue[] = [];

  static null(): JSONValue {
    return new JSONValue();
  }

  static bool(value: bool): JSONValue {
    const v = new JSONValue();
    v.kind = Kind.Bool;
    v.boolValue = value;
    return v;
  }

  static str(value: string): JSONValue {
    const v = new JSONValue();
    v.kind = Kind.String;
    v.text = value;
    return v;
  }

  static number(literal: string): JSONValue {
    const v = new JSONValue();
    v.kind = Kind.Number;
    v.text = literal;
    return v;
  }

  static array(): JSONValue {
    const v = new JSONValue();
    v.kind = Kind.Array;
    return v;
  }

  static object(): JSONValue {
    const v = new JSONValue();
    v.kind = Kind.Object;
    return v;
  }

  isNull(): bool {
    return this.kind == Kind.Null;
  }

  isString(): bool {
    return this.kind == Kind.String;
  }

  isArray(): bool {
    return this.kind == Kind.Array;
  }

  isObject(): bool {
    return this.kind == Kind.Object;
  }

  has(key: string): bool {
    return this.indexOf(key) >= 0;
  }

  indexOf(key: string): i32 {
    if (this.kind != Kind.Object) return -1;
    for (let i = 0; i < this.keys.length; i++) {
      if (this.keys[i] == key) return i;
    }
    return -1;
  }

  // The member `key`, or a JSON null when missing (or when this is not an object).
  get(key: string): JSONValue {
    const i = this.indexOf(key);
    return i >= 0 ? this.values[i] : JSONValue.null();
  }

  // Follows a path of object keys; JSON null as soon as one is missing.
  path(keys: string[]): JSONValue {
    let current: JSONValue = this;
    for (let i = 0; i < keys.length; i++) current = current.get(keys[i]);
    return current;
  }

  set(key: string, value: JSONValue): void {
    const i = this.indexOf(key);
    if (i >= 0) {
      this.values[i] = value;
    } else {
      this.keys.push(key);
      this.values.push(value);
    }
  }

  push(value: JSONValue): void {
    this.items.push(value);
  }

  toString(): string {
    const out = new Array<string>();
    write(this, out);
    return out.join("");
  }
}

export class ParseError {
  constructor(public message: string) {}
}

class Parser {
  pos: i32 = 0;
  error: string | null = null;
  constructor(public src: string) {}

  fail(message: string): JSONValue {
    if (this.error === null) this.error = message + " at offset " + this.pos.toString();
    return JSONValue.null();
  }

  skipWhitespace(): void {
    while (this.pos < this.src.length) {
      const c = this.src.charCodeAt(this.pos);
      if (c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d) this.pos++;
      else break;
    }
  }

  value(depth: i32): JSONValue {
    if (depth > 512) return this.fail("nesting too deep");
    this.skipWhitespace();
    if (this.pos >= this.src.length) return this.fail("unexpected end of input");
    const c = this.src.charCodeAt(this.pos);
    if (c == 0x7b) return this.object(depth);
    if (c == 0x5b) return this.array(depth);
    if (c == 0x22) {
      const s = this.string();
      return this.error === null ? JSONValue.str(s) : JSONValue.null();
    }
    if (c == 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    if (this.src.startsWith("true", this.pos)) {
      this.pos += 4;
      return JSONValue.bool(true);
    }
    if (this.src.startsWith("false", this.pos)) {
      this.pos += 5;
      return JSONValue.bool(false);
    }
    if (this.src.startsWith("null", this.pos)) {
      this.pos += 4;
      return JSONValue.null();
    }
    return this.fail("unexpected character");
  }

  object(depth: i32): JSONValue {
    const obj = JSONValue.object();
    this.pos++; // {
    this.skipWhitespace();
    if (this.pos < this.src.length && this.src.charCodeAt(this.pos) == 0x7d) {
      this.pos++;
      return obj;
    }
    while (this.error === null) {
      this.skipWhitespace();
      if (this.pos >= this.src.length || this.src.charCodeAt(this.pos) != 0x22) return this.fail("expected a key");
      const key = this.string();
      if (this.error !== null) break;
      this.skipWhitespace();
      if (this.pos >= this.src.length || this.src.charCodeAt(this.pos) != 0x3a) return this.fail("expected ':'");
      this.pos++;
      const member = this.value(depth + 1);
      if (this.error !== null) break;
      obj.set(key, member);
      this.skipWhitespace();
      if (this.pos >= this.src.length) return this.fail("unterminated object");
      const c = this.src.charCodeAt(this.pos);
      this.pos++;
      if (c == 0x7d) return obj;
      if (c != 0x2c) return this.fail("expected ',' or '}'");
    }
    return JSONValue.null();
  }

  array(depth: i32): JSONValue {
    const arr = JSONValue.array();
    this.pos++; // [
    this.skipWhitespace();
    if (this.pos < this.src.length && this.src.charCodeAt(this.pos) == 0x5d) {
      this.pos++;
      return arr;
    }
    while (this.error === null) {
      const item = this.value(depth + 1);
      if (this.error !== null) break;
      arr.push(item);
      this.skipWhitespace();
      if (this.pos >= this.src.length) return this.fail("unterminated array");
      const c = this.src.charCodeAt(this.pos);
      this.pos++;
      if (c == 0x5d) return arr;
      if (c != 0x2c) return this.fail("expected ',' or ']'");
    }
    return JSONValue.null();
  }

  hex4(): i32 {
    if (this.pos + 4 > this.src.length) {
      this.fail("truncated \\u escape");
      return 0;
    }
    let code = 0;
    for (let i = 0; i < 4; i++) {
      const c = this.src.charCodeAt(this.pos + i);
      let digit = -1;
      if (c >= 0x30 && c <= 0x39) digit = c - 0x30;
      else if (c >= 0x61 && c <= 0x66) digit = c - 0x61 + 10;
      else if (c >= 0x41 && c <= 0x46) digit = c - 0x41 + 10;
      if (digit < 0) {
        this.fail("invalid \\u escape");
        return 0;
      }
      code = code * 16 + digit;
    }
    this.pos += 4;
    return code;
  }

  string(): string {
    this.pos++; // opening quote
    const parts = new Array<string>();
    let start = this.pos;
    while (this.pos < this.src.length) {
      const c = this.src.charCodeAt(this.pos);
      if (c == 0x22) {
        parts.push(this.src.substring(start, this.pos));
        this.pos++;
        return parts.join("");
      }
      if (c < 0x20) {
        this.fail("control character in string");
        return "";
      }
      if (c == 0x5c) {
        parts.push(this.src.substring(start, this.pos));
        this.pos++;
        if (this.pos >= this.src.length) break;
        const e = this.src.charCodeAt(this.pos);
        this.pos++;
        if (e == 0x22) parts.push('"');
        else if (e == 0x5c) parts.push("\\");
        else if (e == 0x2f) parts.push("/");
        else if (e == 0x62) parts.push("\b");
        else if (e == 0x66) parts.push("\f");
        else if (e == 0x6e) parts.push("\n");
        else if (e == 0x72) parts.push("\r");
        else if (e == 0x74) parts.push("\t");
        else if (e == 0x75) {
          const code = this.hex4();
          if (this.error !== null) return "";
          parts.push(String.fromCharCode(code)); // surrogate halves pair up in UTF-16
        } else {
          this.fail("invalid escape");
          return "";
        }
        start = this.pos;
        continue;
      }
      this.pos++;
    }
    this.fail("unterminated string");
    return "";
  }

  number(): JSONValue {
    const start = this.pos;
    if (this.src.charCodeAt(this.pos) == 0x2d) this.pos++;
    const digitsStart = this.pos;
    while (this.pos < this.src.length && isDigit(this.src.charCodeAt(this.pos))) this.pos++;
    if (this.pos == digitsStart) return this.fail("invalid number");
    if (this.src.charCodeAt(digitsStart) == 0x30 && this.pos - digitsStart > 1) return this.fail("leading zero");
    if (this.pos < this.src.length && this.src.charCodeAt(this.pos) == 0x2e) {
      this.pos++;
      const fracStart = this.pos;
      while (this.pos < this.src.length && isDigit(this.src.charCodeAt(this.pos))) this.pos++;
      if (this.pos == fracStart) return this.fail("invalid number");
    }
    if (this.pos < this.src.length) {
      const e = this.src.charCodeAt(this.pos);
      if (e == 0x65 || e == 0x45) {
        this.pos++;
        if (this.pos < this.src.length) {
          const sign = this.src.charCodeAt(this.pos);
          if (sign == 0x2b || sign == 0x2d) this.pos++;
        }
        const expStart = this.pos;
        while (this.pos < this.src.length && isDigit(this.src.charCodeAt(this.pos))) this.pos++;
        if (this.pos == expStart) return this.fail("invalid number");
      }
    }
    return JSONValue.number(this.src.substring(start, this.pos));
  }
}

function isDigit(c: i32): bool {
  return c >= 0x30 && c <= 0x39;
}

// Parses `src`; on failure `error` holds the reason and the result is null.
export class ParseResult {
  constructor(
    public value: JSONValue,
    public error: string | null,
  ) {}
}

export function parse(src: string): ParseResult {
  const p = new Parser(src);
  const v = p.value(0);
  if (p.error === null) {
    p.skipWhitespace();
    if (p.pos != src.length) p.fail("trailing characters");
  }
  if (p.error !== null) return new ParseResult(JSONValue.null(), p.error);
  return new ParseResult(v, null);
}

const HEX = "0123456789abcdef";

export function quote(s: string): string {
  const out = new Array<string>();
  writeString(s, out);
  return out.join("");
}

function writeString(s: string, out: string[]): void {
  out.push('"');
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c == 0x22 || c == 0x5c || c < 0x20) {
      out.push(s.substring(start, i));
      if (c == 0x22) out.push('\\"');
      else if (c == 0x5c) out.push("\\\\");
      else if (c == 0x0a) out.push("\\n");
      else if (c == 0x0d) out.push("\\r");
      else if (c == 0x09) out.push("\\t");
      else out.push("\\u00" + HEX.charAt(c >> 4) + HEX.charAt(c & 15));
      start = i + 1;
    }
  }
  out.push(s.substring(start));
  out.push('"');
}

function write(v: JSONValue, out: string[]): void {
  switch (v.kind) {
    case Kind.Null:
      out.push("null");
      break;
    case Kind.Bool:
      out.push(v.boolValue ? "true" : "false");
      break;
    case Kind.Number:
      out.push(v.text);
      break;
    case Kind.String:
      writeString(v.text, out);
      break;
    case Kind.Array:
      out.push("[");
      for (let i = 0; i < v.items.length; i++) {
        if (i > 0) out.push(",");
        write(v.items[i], out);
      }
      out.push("]");
      break;
    default:
      out.push("{");
      for (let i = 0; i < v.keys.length; i++) {
        if (i > 0) out.push(",");
        writeString(v.keys[i], out);
        out.push(":");
        write(v.values[i], out);
      }
      out.push("}");
  }
}
