/**
 * A JSON form of a graph of plain data that keeps what JSON.stringify loses and the model relies on:
 * identity (a `$ref` target is one object wherever it is used), cycles (recursive schemas), key order
 * exactly as enumerated (the parser's YAML reader keeps `{"b": .., "1": ..}` in document order with
 * @stoplight/ordered-object-literal, which a plain object would reorder), and `undefined`, NaN, ±Infinity
 * and -0. Anything else (a class instance, a Date, a function, a symbol key, a non-enumerable or accessor
 * property) is refused with Uncacheable: the caller then simply does not cache. A frozen object is
 * kept as the plain data it is, and decodes unfrozen.
 *
 * Form: `nodes` holds every object and array once; a value is a string, boolean, null or finite number
 * as itself, a node as `[index]`, and the rest as a one-string array (`["u"]` undefined, ...).
 */

export class Uncacheable extends Error {}

type Value = string | number | boolean | null | [number] | [string];
type ObjectNode = { k: string[]; v: Value[]; o?: 1; z?: 1 };
type Node = Value[] | ObjectNode;
export interface EncodedGraph {
  root: Value;
  nodes: Node[];
}

/** What the parser's YAML reader wraps its maps with (@stoplight/ordered-object-literal). */
export interface OrderedObjects {
  isOrderedObject(target: object): boolean;
  default<T extends object>(target: T, order?: PropertyKey[]): T;
}

export function encodeGraph(root: unknown, ordered: OrderedObjects): EncodedGraph {
  const index = new Map<object, number>();
  const nodes: Node[] = [];
  const pending: [object, number][] = [];
  const value = (v: unknown): Value => {
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return v;
      case 'undefined':
        return ['u'];
      case 'number':
        if (Number.isNaN(v)) return ['n'];
        if (v === Infinity) return ['+'];
        if (v === -Infinity) return ['-'];
        return Object.is(v, -0) ? ['0'] : v;
      case 'object': {
        if (v === null) return null;
        let at = index.get(v);
        if (at === undefined) {
          at = nodes.length;
          index.set(v, at);
          nodes.push([]);
          pending.push([v, at]);
        }
        return [at];
      }
      default:
        throw new Uncacheable(`a ${typeof v} value`);
    }
  };
  const top = value(root);
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [obj, at] = next;
    nodes[at] = Array.isArray(obj) ? arrayNode(obj, value) : objectNode(obj, value, ordered);
  }
  return { root: top, nodes };
}

function arrayNode(array: unknown[], value: (v: unknown) => Value): Value[] {
  if (Object.getPrototypeOf(array) !== Array.prototype) throw new Uncacheable('an array subclass');
  const keys = Reflect.ownKeys(array);
  if (keys.length !== array.length + 1) throw new Uncacheable('a sparse array or one with extra properties');
  const out: Value[] = [];
  for (let i = 0; i < array.length; i++) {
    if (!Object.hasOwn(array, i)) throw new Uncacheable('a sparse array');
    out.push(value(array[i]));
  }
  return out;
}

function objectNode(obj: object, value: (v: unknown) => Value, ordered: OrderedObjects): ObjectNode {
  const proto = Object.getPrototypeOf(obj) as unknown;
  if (proto !== Object.prototype && proto !== null) throw new Uncacheable('an object that is not plain data');
  const isOrdered = ordered.isOrderedObject(obj);
  const k: string[] = [];
  const v: Value[] = [];
  for (const key of Reflect.ownKeys(obj)) {
    if (typeof key === 'symbol') {
      if (isOrdered) continue; // the order list the wrapper keeps under its own symbol
      throw new Uncacheable('a symbol key');
    }
    const d = Object.getOwnPropertyDescriptor(obj, key);
    // Frozen is still plain data (the parser's resolver freezes what it resolved, and the spec's
    // data shares that with it: source-files.ts withOurParse); it decodes as an ordinary object.
    if (d === undefined || !('value' in d) || d.enumerable !== true) throw new Uncacheable('a property that is not plain data');
    k.push(key);
    v.push(value(d.value));
  }
  const node: ObjectNode = { k, v };
  if (isOrdered) node.o = 1;
  if (proto === null) node.z = 1;
  return node;
}

export function decodeGraph(graph: EncodedGraph, ordered: OrderedObjects): unknown {
  const made: object[] = graph.nodes.map((n) =>
    Array.isArray(n) ? new Array<unknown>(n.length) : n.o === 1 ? ordered.default(n.z === 1 ? Object.create(null) : {}) : n.z === 1 ? Object.create(null) : {},
  );
  const value = (v: Value): unknown => {
    if (!Array.isArray(v)) return v;
    const [tag] = v;
    if (typeof tag === 'number') return made[tag];
    switch (tag) {
      case 'u':
        return undefined;
      case 'n':
        return NaN;
      case '+':
        return Infinity;
      case '-':
        return -Infinity;
      case '0':
        return -0;
      default:
        throw new Error(`graph-codec: unknown tag ${String(tag)}`);
    }
  };
  graph.nodes.forEach((n, i) => {
    const target = made[i] as Record<string, unknown>;
    if (Array.isArray(n)) {
      n.forEach((v, j) => {
        target[j] = value(v);
      });
      return;
    }
    // Defined, never assigned: a key named __proto__ is data here (the ordered wrapper records either).
    n.k.forEach((key, j) => {
      Object.defineProperty(target, key, { value: value(n.v[j]!), writable: true, enumerable: true, configurable: true });
    });
  });
  return value(graph.root);
}
