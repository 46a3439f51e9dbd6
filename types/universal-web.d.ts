// The few web-platform APIs lib/settlement may use: present in every browser and in Node
// (≥ 18) alike. tsconfig.settlement.json checks lib/settlement against only these and the
// ECMAScript library, so a DOM or Node API creeping into the pure core fails the typecheck.
// Shapes follow TypeScript's lib.dom.d.ts, cut down to the members lib/settlement uses.

interface TextEncoder {
  encode(input?: string): Uint8Array<ArrayBuffer>;
}
declare var TextEncoder: { prototype: TextEncoder; new (): TextEncoder };

interface TextDecoder {
  readonly encoding: string;
  decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
}
declare var TextDecoder: {
  prototype: TextDecoder;
  new (label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean }): TextDecoder;
};

type ReadableStreamReadResult<T> = { done: false; value: T } | { done: true; value?: undefined };
interface ReadableStreamDefaultReader<R = unknown> {
  read(): Promise<ReadableStreamReadResult<R>>;
  cancel(reason?: unknown): Promise<void>;
  releaseLock(): void;
}
interface ReadableStream<R = unknown> {
  getReader(): ReadableStreamDefaultReader<R>;
}
declare var ReadableStream: { prototype: ReadableStream; new (): ReadableStream };

interface Blob {
  readonly size: number;
  stream(): ReadableStream<Uint8Array>;
}
declare var Blob: { prototype: Blob; new (parts?: (string | ArrayBufferView | ArrayBuffer | Blob)[]): Blob };
